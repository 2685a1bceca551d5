"""The deployment: compose.yaml that `docker compose config` accepts, and kustomize manifests
that render and validate against the Kubernetes schemas, wired to each other consistently."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import msgspec
import pytest
import yaml

from service.config import Settings
from tests.support import ROOT

BIN = Path(sys.executable).parent
DEPLOY = ROOT / "deploy"
SETTINGS = {f"OUTLAY_{f.name.upper()}" for f in msgspec.structs.fields(Settings)} | {"DATABASE_URL"}
POSTGRES_MAX_CONNECTIONS = 100  # PostgreSQL's default, and compose.yaml's setting
RESERVED = 3  # superuser_reserved_connections


def compose(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"}
    if password is not None:
        env["POSTGRES_PASSWORD"] = password
    return subprocess.run(  # noqa: S603 - the compose program from our own environment
        [str(BIN / "docker-compose"), "-f", str(DEPLOY / "compose.yaml"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=env,
    )


@pytest.fixture(scope="module")
def stack() -> dict[str, Any]:
    result = compose("config", "--format", "json", password="not-a-secret")  # noqa: S106 - a placeholder for the check
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_compose_has_postgres_a_one_shot_migrate_api_and_worker(stack: dict[str, Any]) -> None:
    services = stack["services"]
    assert set(services) == {"postgres", "migrate", "api", "worker"}
    assert services["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name, command in (("api", "serve"), ("worker", "worker")):
        service = services[name]
        assert service["command"] == [command]
        assert service["image"] == services["migrate"]["image"]
        assert service["build"]["dockerfile"] == "Dockerfile"
        assert Path(service["build"]["context"]) == ROOT
        condition = service["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
        assert service["environment"]["DATABASE_URL"].endswith("@postgres:5432/outlay")
    assert services["api"]["environment"]["OUTLAY_RUN_WORKER"] == "false"
    assert services["worker"]["environment"]["OUTLAY_METRICS_PORT"] == "9100"
    assert services["api"]["ports"][0]["target"] == 8000
    assert services["api"]["ports"][0]["host_ip"] == "127.0.0.1"


def test_compose_settings_are_settings_outlay_reads(stack: dict[str, Any]) -> None:
    for name in ("migrate", "api", "worker"):
        unknown = set(stack["services"][name]["environment"]) - SETTINGS
        assert unknown == set(), f"{name}: {unknown}"


def test_compose_has_no_default_password() -> None:
    result = compose("config", "--quiet")
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    result = subprocess.run(  # noqa: S603 - kubectl from our own environment, offline
        [str(BIN / "kubectl"), "kustomize", str(DEPLOY / "k8s")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [d for d in yaml.safe_load_all(result.stdout) if d]


def one(manifests: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}"
    return found[0]


def test_manifests_validate_against_the_kubernetes_schemas(
    manifests: list[dict[str, Any]],
) -> None:
    version = kubernetes_validate.latest_version()
    for manifest in manifests:
        kubernetes_validate.validate(manifest, version, strict=True)
    kinds = sorted(f"{m['kind']}/{m['metadata']['name']}" for m in manifests)
    for expected in (
        "ConfigMap/outlay-config",
        "Deployment/outlay-api",
        "Deployment/outlay-worker",
        "HorizontalPodAutoscaler/outlay-worker",
        "Job/outlay-migrate",
        "PodDisruptionBudget/outlay-api",
        "Secret/outlay-database",
        "Service/outlay-api",
    ):
        assert expected in kinds
    assert all(
        m["metadata"].get("namespace") == "outlay" for m in manifests if m["kind"] != "Namespace"
    )


def test_a_broken_manifest_is_caught(manifests: list[dict[str, Any]]) -> None:
    broken = json.loads(json.dumps(one(manifests, "Deployment", "outlay-api")))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, kubernetes_validate.latest_version(), strict=True)


def _pod(workload: dict[str, Any]) -> dict[str, Any]:
    return workload["spec"]["template"]  # type: ignore[no-any-return]


def test_manifests_are_wired_to_each_other(manifests: list[dict[str, Any]]) -> None:
    api = one(manifests, "Deployment", "outlay-api")
    worker = one(manifests, "Deployment", "outlay-worker")
    job = one(manifests, "Job", "outlay-migrate")
    config = one(manifests, "ConfigMap", "outlay-config")
    secret = one(manifests, "Secret", "outlay-database")

    (api_container,) = _pod(api)["spec"]["containers"]
    assert api_container["args"] == ["serve"]
    assert api_container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert api_container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert {"name": "OUTLAY_RUN_WORKER", "value": "false"} in api_container["env"]
    (worker_container,) = _pod(worker)["spec"]["containers"]
    assert worker_container["args"] == ["worker"]
    (job_container,) = _pod(job)["spec"]["containers"]
    assert job_container["args"] == ["migrate"]

    for workload in (api, worker, job):
        pod = _pod(workload)["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        (container,) = pod["containers"]
        assert container["image"] == api_container["image"]
        refs = {
            ("ConfigMap", s["configMapRef"]["name"]) if "configMapRef" in s
            else ("Secret", s["secretRef"]["name"])
            for s in container["envFrom"]
        }  # fmt: skip
        assert refs == {("ConfigMap", "outlay-config"), ("Secret", "outlay-database")}
        env = {e["name"] for e in container.get("env", [])}
        assert env <= SETTINGS

    assert set(config["data"]) <= SETTINGS
    assert set(secret["stringData"]) == {"DATABASE_URL"}

    service = one(manifests, "Service", "outlay-api")
    api_labels = _pod(api)["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= api_labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == api_container["ports"][0]["name"]
    for name, target in (("outlay-api", api), ("outlay-worker", worker)):
        pdb = one(manifests, "PodDisruptionBudget", name)
        assert pdb["spec"]["selector"]["matchLabels"].items() <= (
            _pod(target)["metadata"]["labels"].items()
        )
    hpa = one(manifests, "HorizontalPodAutoscaler", "outlay-worker")
    assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
    assert hpa["spec"]["scaleTargetRef"]["name"] == "outlay-worker"


def test_connection_budget_fits_postgres(manifests: list[dict[str, Any]]) -> None:
    """The worst case (every pod at its pool's maximum, mid-rollout) fits max_connections, and
    deploy/README.md states that same figure."""
    config = one(manifests, "ConfigMap", "outlay-config")["data"]
    api = one(manifests, "Deployment", "outlay-api")["spec"]
    worker = one(manifests, "Deployment", "outlay-worker")["spec"]
    hpa = one(manifests, "HorizontalPodAutoscaler", "outlay-worker")["spec"]
    api_pods = api["replicas"] + api["strategy"]["rollingUpdate"]["maxSurge"]
    worker_pods = hpa["maxReplicas"] + worker["strategy"]["rollingUpdate"]["maxSurge"]
    # Its request pool, and the totals cache's LISTEN connection unless the cache is off.
    per_api = int(config["OUTLAY_DB_POOL_MAX"]) + (config.get("OUTLAY_TOTALS_CACHE") != "false")
    per_worker = int(config["OUTLAY_WORKER_CONCURRENCY"]) * 2 + 2  # as `worker` sizes its pool
    total = api_pods * per_api + worker_pods * per_worker + 1  # + the migration job
    assert total <= POSTGRES_MAX_CONNECTIONS - RESERVED
    guide = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"\*\*{total}\*\* connections", guide), f"README should state {total}"
