# The two commands: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test install lint format check-deploy

$(VENV)/.installed: pyproject.toml package.json package-lock.json
	npm ci --no-audit --no-fund  # Leaflet, Chart.js, map outlines: pinned in package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	$(PY) -m incidents.extraction --build-gazetteer  # build the GeoNames index once (workers load it in ~1 s) and the web type-ahead's file
	touch $@

install: $(VENV)/.installed

# Local development: SQLite and the filesystem broker unless DATABASE_URL / CELERY_BROKER_URL say otherwise.
run: export DJANGO_DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py create_demo_user
	$(PY) manage.py serve 127.0.0.1:8000

# The whole suite. CI exports DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) first.
test: export DJANGO_SECRET_KEY ?= test-only-secret-key-not-for-production-use-0123456789
test: export DJANGO_SECURE_SSL_REDIRECT ?= 0
test: export DJANGO_SECURE_COOKIES ?= 0
test: export DB_CONN_MAX_AGE ?= 0
test: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
