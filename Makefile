# Outlay: `make run` serves the API and a worker; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install browser run worker migrate test eval bench lint format openapi clean

# Debian packages the set-up needs when the machine lacks them (as root, else through sudo).
APT_INSTALL = $(if $(filter 0,$(shell id -u)),,sudo) sh -c 'apt-get update -qq && apt-get install -y -qq $(1) >/dev/null'

install: $(STAMP)
	@command -v npm >/dev/null 2>&1 || { echo "installing npm (fetches the docs pages' bundles)"; $(call APT_INSTALL,nodejs npm); }
	@$(BIN)/python -m service.docs.assets

# Only the test suite needs a browser (it renders the docs pages); serving does not.
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium (the docs pages' browser test)"; $(call APT_INSTALL,chromium); }

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Locally, reads are open without a key (OUTLAY_PUBLIC_READ); ingest and admin still need one.
run: install
	OUTLAY_PUBLIC_READ=$${OUTLAY_PUBLIC_READ:-true} $(BIN)/python -m service serve

worker: install
	$(BIN)/python -m service worker

migrate: install
	$(BIN)/python -m service migrate

test: install browser
	$(BIN)/python -m pytest

eval: install
	$(BIN)/python -m service.claims.eval $(GOLD)

bench: install
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (the read benchmarks' load)"; $(call APT_INSTALL,wrk); }
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python tests/bench/run.py

lint: install
	$(BIN)/ruff check service tests
	$(BIN)/ruff format --check service tests
	$(BIN)/mypy service

format: install
	$(BIN)/ruff format service tests
	$(BIN)/ruff check --fix service tests

openapi: install
	$(BIN)/python -m service openapi --output openapi/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
