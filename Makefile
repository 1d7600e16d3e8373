# 履职通: `make run` starts the system with demo data, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install migrate worker lint format check-migrations check-messages messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

# The web server and the job runner (worker with the scheduler) run together; Ctrl-C stops both.
run: migrate
	$(PY) manage.py seed_demo
	@echo "履职通 on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) -m celery -A congress worker --beat --pool=solo --concurrency=1 --loglevel=WARNING & \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) -m celery -A congress worker --beat --pool=solo --concurrency=1 --loglevel=INFO

# Runs the whole suite. Browser tests skip, saying why, where no Chromium is installed.
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Every benchmark at the scale of a city on PostgreSQL (started as CI starts it); writes
# bench/RESULTS.md and fails if a page's number of queries grows with the data. About 20 minutes.
bench: install
	bash scripts/bench.sh $(BENCH_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# Rebuilds the catalog from the code; fails on untranslated or fuzzy entries.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-location --ignore=.venv --ignore=staticfiles --ignore=var
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

check-messages: install
	bash scripts/check_messages.sh

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
