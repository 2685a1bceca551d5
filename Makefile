# Outlay: `make run` serves the API and a worker; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run worker migrate test eval bench lint format openapi clean

install: $(STAMP)

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

test: install
	$(BIN)/python -m pytest

eval: install
	$(BIN)/python -m service.claims.eval $(GOLD)

bench: install
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
