# The README's two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test lint format install assets migrate seed worker beat bench check-deploy clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/dist/css/app.css: node_modules/.installed frontend/app.scss frontend/_components.scss scripts/build-assets.mjs
	npm run --silent build

assets: static/dist/css/app.css

migrate: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

run: install assets migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --if-empty
	@echo "Serving http://127.0.0.1:$(PORT)/"
	DEBUG=$${DEBUG:-1} scripts/run-local.sh $(PORT)

test: install assets
	TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) -m bench.matching --requests 10000 --mentors 10000

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles
