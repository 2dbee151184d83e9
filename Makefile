# Two commands: `make run` (set up everything and start the app) and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint vendor bench clean-demo

$(BIN)/python:
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Set up (venv, install, migrate, demo clinic) and run web + Celery workers + beat.
# Ctrl-C stops them all: they share this shell's process group, and the trap
# sends them TERM and waits (background jobs of a script ignore SIGINT).
# runserver runs without its autoreloader so that one TERM really stops it.
# The scheduler's file goes with the rest of the app's data (IOP_VAR_DIR, else var/).
RUN_VAR := $(if $(IOP_VAR_DIR),$(IOP_VAR_DIR),var)
# Reminders and alerts have a worker of their own; progress reports another. Their
# queues are asked of the settings (which read the environment and .env), so the
# workers take exactly the queues the app sends to (the message worker takes the
# urgent queue with its own, iop/celery.py).
RUN_QUEUES = $(shell $(BIN)/python -c "from django.conf import settings as s; import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'iop.settings'); print(s.CELERY_TASK_DEFAULT_QUEUE, s.CELERY_REPORTS_QUEUE)")

run: install
	@mkdir -p $(RUN_VAR)
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "  The app:   http://$(HOST):$(PORT)/"
	@echo "  Logins (password demo-pass-2026): admin@demo.clinic, clinician@demo.clinic, parent@demo.clinic"
	@echo "  Mail and texts written to var/mail and var/sms. Ctrl-C stops everything."
	@echo
	@trap 'trap - INT TERM EXIT; kill -TERM 0 2>/dev/null; wait' INT TERM EXIT; \
	$(BIN)/celery -A iop worker --loglevel=INFO --concurrency=2 -Q $(word 1,$(RUN_QUEUES)) & \
	$(BIN)/celery -A iop worker --loglevel=INFO --concurrency=1 -Q $(word 2,$(RUN_QUEUES)) -n reports@%h & \
	$(BIN)/celery -A iop beat --loglevel=INFO --schedule $(RUN_VAR)/celerybeat-schedule & \
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT) & \
	wait

# The whole suite. DATABASE_URL / REDIS_URL select PostgreSQL and Redis.
test: install
	@mkdir -p var
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Refresh the vendored front-end files from the pinned npm packages.
vendor:
	npm ci --no-audit --no-fund
	mkdir -p static/vendor/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   static/vendor/bootstrap/

bench: install
	$(BIN)/python bench/run.py
