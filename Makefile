# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
EMULATOR_PORT ?= 8001

.PHONY: run test lint bench emulator clean

# --no-compile: Python compiles what is imported on first use; compiling every installed file up
# front (fonttools alone is large) was a third of the install time.
PIP := $(PY) -m pip install --quiet --disable-pip-version-check --no-compile

# Two stamps: `make run` installs only what running needs; test tools come with `make test`.
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	touch $@

# A development .env on first run only (never overwritten), so that manage.py commands typed
# later in a plain shell (changepassword, sync_lookups) share DEBUG and one stable secret key.
.env: | $(VENV)/.runtime
	umask 077; { \
	  echo "# Written by the first \`make run\` for development on this machine (see .env.example)."; \
	  echo "DJANGO_DEBUG=true"; \
	  echo "DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	  echo "FACTUS_EMULATOR_URL=http://127.0.0.1:$(EMULATOR_PORT)"; \
	} > $@
	@echo "Creado .env de desarrollo (DJANGO_DEBUG=true y una DJANGO_SECRET_KEY aleatoria)."

# Development server on http://$(HOST):$(PORT). With no FACTUS_BASE_URL it starts the offline
# Factus emulator on port $(EMULATOR_PORT) and points the app at it; it stops with the server.
# The emulator starts first so that it boots while the migrations run. One background worker
# (`manage.py db_worker`, django-tasks-db) runs beside the server and stops with it; `follow_up`
# starts the follow-up cycle (pending bills, uncertain ones, e-mails, interrupted bulk runs).
run: $(VENV)/.runtime .env
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-true}; set -e; emu=; worker=; \
	trap 'kill $$emu $$worker 2>/dev/null' EXIT INT TERM; \
	if [ -z "$$FACTUS_BASE_URL" ]; then \
	  export FACTUS_EMULATOR_URL=http://127.0.0.1:$(EMULATOR_PORT); \
	  mkdir -p var; $(PY) -m factus_emulator --host 127.0.0.1 --port $(EMULATOR_PORT) --state var/emulator-state.json & emu=$$!; \
	fi; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py db_worker --no-reload --interval 0.5 & worker=$$!; \
	$(PY) manage.py follow_up; \
	$(PY) manage.py ensure_superuser; \
	if [ -n "$$emu" ]; then \
	  for i in $$(seq 1 50); do curl -fs -o /dev/null http://127.0.0.1:$(EMULATOR_PORT)/_emulator/stats && break; sleep 0.2; done; \
	fi; \
	$(PY) manage.py sync_lookups || echo "Aviso: no se pudieron sincronizar los catálogos."; \
	$(PY) manage.py runserver $(HOST):$(PORT)

emulator: $(VENV)/.runtime
	$(PY) -m factus_emulator --host 127.0.0.1 --port $(EMULATOR_PORT)

test: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.dev
	@for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
