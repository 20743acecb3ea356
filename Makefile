# The README's two commands: `make run` and `make test`. Everything else is a helper for them.
#
#   make run      create .venv, install dependencies and assets, migrate, seed demo data if empty, serve :$(PORT)
#   make test     the whole test suite (pytest, two processes, then the browser tests); PYTEST_ARGS passes arguments
#   make lint     ruff check, ruff format --check, mypy
#   make lock     pin every Python package with hashes (requirements.lock, requirements-dev.lock)
#   make audit    known vulnerabilities in the locked Python and npm packages
#   make bench    the matching engine at 10,000 x 10,000 (BENCH_ARGS overrides) and the conversation pages
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
TEST_WORKERS ?= 2
BENCH_ARGS ?= --requests 10000 --mentors 10000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test lint format install assets migrate seed worker beat bench check-deploy clean lock audit

# Every package, transitive ones included, is installed from the lock file at the version and with the hashes it
# records (make lock writes it from pyproject.toml); then the project itself, without resolving anything.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "$(VENV) is not Python 3.11: remove it (make clean) and try again"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/dist/css/app.css: node_modules/.installed frontend/app.scss frontend/_components.scss frontend/_information.scss \
		scripts/build-assets.mjs
	npm run --silent build

assets: static/dist/css/app.css

migrate: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo

run: install assets migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --if-empty
	DEBUG=$${DEBUG:-1} PORT=$(PORT) scripts/run-local.sh

# Two runs: everything but the browser tests in TEST_WORKERS processes (pytest-xdist; 0 runs them in this process),
# then the headless-browser tests in one process (they share one Chromium and run last; see tests/browser/conftest.py).
# Exit status 5 ("no tests collected", e.g. PYTEST_ARGS="-k seed" selects only one kind) is not a failure.
test: install assets
	@status=0; \
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not browser" $(PYTEST_ARGS) || { s=$$?; [ $$s -eq 5 ] || status=$$s; }; \
	$(PY) -m pytest -m browser $(PYTEST_ARGS) || { s=$$?; [ $$s -eq 5 ] || status=$$s; }; \
	exit $$status

# All three run even when one fails, so one pass shows every problem.
lint: install
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	DEBUG=$${DEBUG:-1} $(VENV)/bin/mypy . || status=1; \
	exit $$status

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# A worker and beat on their own, for when the dev server runs elsewhere (needs REDIS_URL). With REDIS_URL, beat uses
# celery-redbeat (schedule state and a lock in Redis, so a second beat waits); the --schedule file is for without.
worker: install
	DEBUG=$${DEBUG:-1} $(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	DEBUG=$${DEBUG:-1} $(VENV)/bin/celery -A config beat --loglevel=INFO --schedule "$${TMPDIR:-/tmp}/mutuals-celerybeat-schedule"

# Benchmarks print figures (see bench/README.md); the messaging one seeds and renders pages in the configured database.
bench: migrate
	DEBUG=$${DEBUG:-1} $(PY) -m bench.matching $(BENCH_ARGS)
	DEBUG=$${DEBUG:-1} $(PY) -m bench.messaging
	DEBUG=$${DEBUG:-1} $(PY) -m bench.information

# The deployment checklist with production-like settings: must print no warnings.
check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
		ALLOWED_HOSTS=mutuals.example CSRF_TRUSTED_ORIGINS=https://mutuals.example SITE_URL=https://mutuals.example \
		$(PY) manage.py check --deploy --fail-level WARNING

# After changing a dependency in pyproject.toml: pin every package, transitive ones included, with their hashes.
LOCK_OPTIONS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: install
	$(VENV)/bin/pip-compile $(LOCK_OPTIONS) --output-file requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_OPTIONS) --extra dev --output-file requirements-dev.lock pyproject.toml

# Known vulnerabilities in the locked Python packages and the npm packages (scripts/audit.py): fails on one that a
# newer version fixes; an advisory service that cannot be reached is reported, not a failure.
audit: install node_modules/.installed
	$(PY) scripts/audit.py

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles
