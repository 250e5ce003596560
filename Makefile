# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
LOCKS := requirements.lock requirements-dev.lock
# Reinstall whenever a lock changes: the stamp's name is the locks' checksum.
STAMP := $(VENV)/.installed-$(shell cat $(LOCKS) | cksum | cut -d' ' -f1)
# Linux x86_64, Python 3.11: this machine, CI and the image (python:3.11-slim).
LOCK_FLAGS := --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
	--index-url https://pypi.org/simple --custom-compile-command "make lock" --quiet

.PHONY: install lock run test bench lint format services stop clean messages

## The development lock (runtime + tests + lint), every file checked against its hash.
$(STAMP): $(LOCKS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## Rewrite the locks from requirements.txt and requirements-dev.txt (pins already in a
## lock are kept unless a requirement changed; `make lock UPGRADE=1` takes the newest).
lock: install
	$(VENV)/bin/uv pip compile requirements.txt -o requirements.lock $(LOCK_FLAGS) \
		$(if $(UPGRADE),--upgrade)
	$(VENV)/bin/uv pip compile requirements-dev.txt -c requirements.lock \
		-o requirements-dev.lock $(LOCK_FLAGS) $(if $(UPGRADE),--upgrade)

## Serve on ${HOST:-127.0.0.1}:${PORT:-8000} with a Celery worker and beat; Ctrl-C stops all.
run: install
	$(PY) -m iomdash.stack run

## The whole test suite against real PostgreSQL and Redis (embedded unless URLs are set).
test: install
	$(PY) -m iomdash.stack test

## Benchmarks on a 1,000,000-record database of its own (built once, then reused).
bench: install
	$(PY) -m iomdash.stack bench $(BENCH_ARGS)

## Extract every marked string into locale/{ar,ckb}/LC_MESSAGES/django.po (docs/translation.md).
## Settings need a database URL to load, never a database: makemessages opens no connection.
MESSAGES_ENV := DEBUG=true SECRET_KEY=messages-only DATABASE_URL=postgres://messages@localhost/messages \
	REDIS_URL=redis://localhost:6379/0
messages: install
	$(MESSAGES_ENV) $(PY) manage.py makemessages -l ar -l ckb --no-obsolete --add-location file -i '.venv/*' -i 'static/*' -i 'node_modules/*' -i '.data/*' -i 'artifacts/*' -i 'tests/*' -i 'docs/*'

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
