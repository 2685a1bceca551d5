"""The OpenAPI document is worth reading: every operation is described, exemplified and complete."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.support import ROOT

DOCUMENT: dict[str, Any] = json.loads((ROOT / "openapi" / "openapi.json").read_text("utf-8"))
METHODS = {"get", "put", "post", "patch", "delete"}
OPERATIONS = [
    (f"{method.upper()} {path}", op)
    for path, item in DOCUMENT["paths"].items()
    for method, op in item.items()
    if method in METHODS
]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _has_example(media: dict[str, Any]) -> bool:
    if media.get("examples") or "example" in media:
        return True
    schema = media.get("schema", {})
    return bool(schema.get("examples")) or bool(_resolve(schema).get("examples"))


def test_every_operation_is_listed() -> None:
    names = [name for name, _ in OPERATIONS]
    assert "POST /v1/articles" in names
    assert "GET /v1/totals" in names
    assert len(names) >= 9


@pytest.mark.parametrize(("name", "op"), OPERATIONS, ids=[n for n, _ in OPERATIONS])
def test_operation_is_complete(name: str, op: dict[str, Any]) -> None:
    missing = []
    for field in ("summary", "description", "tags"):
        if not op.get(field):
            missing.append(field)
    if "requestBody" in op:
        for media_type, media in op["requestBody"]["content"].items():
            if not _has_example(media):
                missing.append(f"request example ({media_type})")
    responses = op.get("responses", {})
    successes = {s: r for s, r in responses.items() if s.startswith("2")}
    if not successes:
        missing.append("a success response")
    for status, response in successes.items():
        for media_type, media in (response.get("content") or {}).items():
            if not _has_example(media):
                missing.append(f"{status} example ({media_type})")
    errors = {s: r for s, r in responses.items() if s[0] in "45"}
    if not errors:
        missing.append("error responses")
    for status, response in errors.items():
        content = response.get("content") or {}
        if "application/problem+json" not in content:
            missing.append(f"{status} as application/problem+json")
        elif not _has_example(content["application/problem+json"]):
            missing.append(f"{status} example")
    if "parameters" in op:
        for param in op["parameters"]:
            if not (param.get("description") or param.get("schema", {}).get("description")):
                missing.append(f"description of parameter {param['name']}")
            # A cursor is only valid as a previous page gave it: no example can be copied.
            if param["name"] != "cursor" and not param.get("examples"):
                missing.append(f"example of parameter {param['name']}")
    # Security: once the document declares schemes, every operation states what it needs
    # (its own requirement, or the document's default).
    schemes = DOCUMENT.get("components", {}).get("securitySchemes", {})
    if schemes and "security" not in op and "security" not in DOCUMENT:
        missing.append("security")
    for requirement in op.get("security", []):
        missing.extend(f"declared scheme {n}" for n in requirement if n not in schemes)
    assert missing == [], f"{name} lacks: {', '.join(missing)}"


def test_claim_fields_carry_their_meaning() -> None:
    claim = DOCUMENT["components"]["schemas"]["Claim"]
    undescribed = [
        name
        for name, prop in claim["properties"].items()
        if not (prop.get("description") or _resolve(prop).get("description"))
    ]
    assert undescribed == []
    assert "rolled up to the parent" in claim["properties"]["company"]["description"]
    assert "estimate" in claim["properties"]["status"]["description"]


def test_examples_use_the_seed_article() -> None:
    detail = DOCUMENT["paths"]["/v1/articles/{article_id}"]["get"]["responses"]["200"]
    (example,) = detail["content"]["application/json"]["examples"].values()
    article = example["value"]
    assert article["title"] == "Big tech’s $320B AI spend defies efficiency race"
    amounts = {(c.get("company") or {}).get("slug"): c["amount_high"] for c in article["claims"]}
    assert amounts["amazon"] == 100_000_000_000
    for claim in article["claims"]:
        span = claim["evidence"]
        assert article["text"][span["start"] : span["end"]] == span["text"]


def _examples_with_schemas() -> list[tuple[str, Any, dict[str, Any]]]:
    found = []
    for name, op in OPERATIONS:
        for param in op.get("parameters", []):
            for key, example in param.get("examples", {}).items():
                found.append((f"{name} {param['name']} {key}", example["value"], param["schema"]))
        for media_type, media in op.get("requestBody", {}).get("content", {}).items():
            for i, value in enumerate(media["schema"].get("examples", [])):
                found.append((f"{name} request {media_type} #{i}", value, media["schema"]))
        for status, response in op["responses"].items():
            for media in (response.get("content") or {}).values():
                for key, example in media.get("examples", {}).items():
                    found.append((f"{name} {status} {key}", example["value"], media["schema"]))
    return found


EXAMPLES = _examples_with_schemas()


@pytest.mark.parametrize(("name", "value", "schema"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_matches_its_schema(name: str, value: Any, schema: dict[str, Any]) -> None:
    """An example a reader copies is a valid request or a response the service can send."""
    resource = Resource.from_contents(DOCUMENT, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:outlay", resource)
    validator = Draft202012Validator(_rebase(schema), registry=registry)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)
    ]
    assert errors == [], name


def _rebase(schema: Any) -> Any:
    """The schema with its local references pointed at the document in the registry."""
    if isinstance(schema, dict):
        return {
            k: ("urn:outlay" + v if k == "$ref" and v.startswith("#") else _rebase(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema
