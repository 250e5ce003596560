# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)

.PHONY: install run test bench lint format services stop clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## Serve on ${HOST:-127.0.0.1}:${PORT:-8000} with a Celery worker and beat; Ctrl-C stops all.
run: install
	$(PY) -m iomdash.stack run

## The whole test suite against real PostgreSQL and Redis (embedded unless URLs are set).
test: install
	$(PY) -m iomdash.stack test

## Benchmarks on a 1,000,000-record database of its own (built once, then reused).
bench: install
	$(PY) -m iomdash.stack bench $(BENCH_ARGS)

## ruff, ruff format and the import-linter layer contracts (pyproject.toml); CI runs it first.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Start the embedded PostgreSQL and Redis and print the URLs to export.
services: install
	@$(PY) -m iomdash.stack services

stop: install
	$(PY) -m iomdash.stack stop

## Stop the embedded services and delete their data (.data/).
clean:
	-$(PY) -c "from iomdash import embedded; embedded.reset()"
