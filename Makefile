# PPID Award — the two commands of the README, and a few helpers.
# `make run`  : venv, install, migrate, Kutai Timur demo, serve on http://127.0.0.1:8000
# `make test` : venv, install, ruff, the whole pytest suite on PostgreSQL + Redis + a Celery worker

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
REQ_HASH := $(shell sha1sum requirements.txt | cut -c1-12)
STAMP  := $(VENV)/.installed-$(REQ_HASH)

# Embedded default for `make run`: SQLite and eager Celery unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}
# Tests always run on the real services.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ppid
TEST_BROKER_URL   ?= redis://127.0.0.1:6379/14
TEST_ENV := DEBUG=1 SECRET_KEY=test-only-secret-key DATABASE_URL=$(TEST_DATABASE_URL) \
            CELERY_BROKER_URL=$(TEST_BROKER_URL) AXES_ENABLED=1 \
            TECHNICAL_ERROR_PAGES=1

.PHONY: install run test lint format messages check-deploy audit bench clean worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p var
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py demo_kutim
	@echo "Serving the demo on http://127.0.0.1:8000 (stop with Ctrl+C)"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install
	bash scripts/system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python -m pytest
	# The golden scoring tests once more on the embedded default (SQLite, eager Celery).
	env -u DATABASE_URL -u CELERY_BROKER_URL -u CACHE_URL DEBUG=1 TECHNICAL_ERROR_PAGES=1 SECRET_KEY=test-only-secret-key \
	  PPID_ALLOW_EMBEDDED_TESTS=1 $(BIN)/python -m pytest -p no:cacheprovider -q \
	  tests/penilaian/test_golden.py -k eager
	# What a run read stays what its outputs show on SQLite too (its copy-on-write triggers).
	env -u DATABASE_URL -u CELERY_BROKER_URL -u CACHE_URL DEBUG=1 TECHNICAL_ERROR_PAGES=1 SECRET_KEY=test-only-secret-key \
	  PPID_ALLOW_EMBEDDED_TESTS=1 $(BIN)/python -m pytest -p no:cacheprovider -q \
	  tests/laporan/test_outputs_read_the_run.py
	# Backup and restore drill on the demo (docs/OPERATIONS.md), then the static security checks.
	$(TEST_ENV) $(BIN)/python scripts/backup_drill.py
	$(BIN)/python scripts/security_checks.py

messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l id --no-obsolete --ignore=.venv --ignore=var --ignore=bench
	$(BIN)/python scripts/compile_messages.py

check-deploy: install
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=ppid.example.go.id \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in the pinned packages (needs the package index's advisory service; make test notes when it is not).
audit: install
	$(BIN)/pip-audit -r requirements.txt --strict

worker: install
	$(BIN)/celery -A config worker -l info

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
