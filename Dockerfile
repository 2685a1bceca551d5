# Outlay's image: one entry point for `serve`, `worker` and `migrate`.
#   docker build -t outlay .
#   docker run --rm -e DATABASE_URL=postgresql://… outlay migrate
#   docker run -p 8000:8000 -e DATABASE_URL=postgresql://… outlay serve
#   docker run -e DATABASE_URL=postgresql://… -e OUTLAY_METRICS_PORT=9100 outlay worker
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# 1. The docs pages' bundles: the pinned npm tarballs only (no dependency tree).
FROM node:22-bookworm-slim AS docs-assets
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /assets
COPY service/docs/assets.json ./
# The single quotes keep ${…} for node's template string, not the shell.
# hadolint ignore=SC2016
RUN mkdir tarballs \
 && node -e 'for (const p of require("./assets.json").packages) console.log(`${p.name}@${p.version}`)' \
  | xargs npm pack --silent --pack-destination tarballs

# 2. The service and its dependencies in a virtual environment; the bundles are unpacked into
#    the installed package after their integrity is checked against service/docs/assets.json.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/outlay
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
RUN /opt/outlay/bin/pip install --no-cache-dir . \
 && rm -rf /src/service/docs/static
COPY --from=docs-assets /assets/tarballs /tmp/tarballs
WORKDIR /
RUN /opt/outlay/bin/python -m service.docs.assets --tarballs /tmp/tarballs \
 && /opt/outlay/bin/python -c 'from service.docs import assets; assert not assets.missing()'

# 3. What runs: the virtual environment on a slim Python, as an unprivileged user.
FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 outlay \
 && useradd --system --uid 10001 --gid outlay --no-create-home --shell /usr/sbin/nologin outlay
COPY --from=build /opt/outlay /opt/outlay
ENV PATH=/opt/outlay/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OUTLAY_HOST=0.0.0.0 \
    OUTLAY_PORT=8000 \
    OUTLAY_LOG_FORMAT=json
WORKDIR /home/outlay
USER 10001:10001
EXPOSE 8000 9100
# The API's liveness, or a lone worker's metrics port: see service/cli/health.py.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-m", "service.cli.health"]
ENTRYPOINT ["python", "-m", "service"]
CMD ["serve"]
