# Jengu: `make run` sets everything up and runs it; `make test` installs and runs the tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip

.PHONY: run setup test test-pg lint typecheck format bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py bootstrap --demo

## The first command: set up, load demo data, run web + admin + workers + schedules.
## Logs are aligned console lines here (structlog's console renderer); JSON everywhere else.
## `PORT=8001 make run` (or `make run PORT=8001`) when port 8000 is taken.
JENGU_LOG_FORMAT ?= console
PORT ?= 8000
run: setup
	JENGU_DEMO=true JENGU_LOG_FORMAT=$(JENGU_LOG_FORMAT) \
		PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} \
		$(PY) manage.py serve --bind 127.0.0.1:$(PORT)

## The second command: install everything the tests need and run the whole suite.
test: $(VENV)/.dev
	bash .ci/install-system-packages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## The suite on PostgreSQL (127.0.0.1:5432, user postgres), failing if a PG test is skipped.
test-pg: $(VENV)/.dev
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/jengu JENGU_REQUIRE_POSTGRES=1 \
		$(MAKE) test

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## The seed's `npm run typecheck`.
typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy .

## Everything the benchmarks need, as `make test` installs it (Dovecot, the dev requirements),
## and PostgreSQL started when it is not running. bench/scale.py builds a million-row database:
## minutes of COPY, then the scale table.
bench: $(VENV)/.dev
	bash .ci/install-system-packages
	bash .ci/start-postgres
	for f in bench/*.py; do $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) var
