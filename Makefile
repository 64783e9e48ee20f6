# Two commands do all set-up: `make run` and `make test`. Everything installs into .venv in the repo.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-pg lint check-migrations serve migrate demo messages clean help

help:
	@echo "make run    - install, create the database, load the demo, serve http://$(HOST):$(PORT) and run the job worker"
	@echo "make test   - install the test dependencies and run the whole test suite (SQLite)"
	@echo "make test-pg - the suite on PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)"
	@echo "make lint   - ruff, the missing-migrations check, the layer contracts (import-linter) and mypy"

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The stamp files re-run pip whenever a requirements file changes.
$(VENV)/.base-installed: requirements/base.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.test-installed: requirements/base.txt requirements/test.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements/test.txt
	@touch $@ $(VENV)/.base-installed

migrate: $(VENV)/.base-installed
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_load

run: migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_load
	@echo ""
	@echo "门户网站 Portal:      http://$(HOST):$(PORT)/"
	@echo "后台管理 Back office: http://$(HOST):$(PORT)/staff/"
	@echo "发出的邮件 Mail sent: var/mail/ (one file per batch)"
	@echo ""
	PYTHONUNBUFFERED=1 GONGKAI_HTTPS=0 GONGKAI_BIND=$(HOST):$(PORT) GONGKAI_SITE_URL=$${GONGKAI_SITE_URL:-http://$(HOST):$(PORT)} \
	GONGKAI_EMAIL_BACKEND=$${GONGKAI_EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend} \
	GONGKAI_SMS_BACKEND=$${GONGKAI_SMS_BACKEND:-gongkai.notices.sms.FileBackend} \
	$(BIN)/honcho --procfile Procfile start

test: $(VENV)/.test-installed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(BIN)/pytest $(PYTEST_ARGS)

test-pg: $(VENV)/.test-installed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/mypy

messages: $(VENV)/.test-installed
	$(PY) manage.py makemessages --locale en --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(PY) manage.py compilemessages --locale en --ignore '.venv/*'

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
