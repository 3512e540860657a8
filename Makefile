# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
EMULATOR_PORT ?= 8001

.PHONY: run test lint bench emulator clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Development server on http://$(HOST):$(PORT). With no FACTUS_BASE_URL it starts the offline
# Factus emulator on port $(EMULATOR_PORT) and points the app at it; it stops with the server.
run: $(VENV)/.installed
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-true}; set -e; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py ensure_superuser; \
	if [ -z "$$FACTUS_BASE_URL" ]; then \
	  export FACTUS_EMULATOR_URL=http://127.0.0.1:$(EMULATOR_PORT); \
	  mkdir -p var; $(PY) -m factus_emulator --host 127.0.0.1 --port $(EMULATOR_PORT) --state var/emulator-state.json & emu=$$!; \
	  trap 'kill $$emu 2>/dev/null' EXIT INT TERM; \
	  for i in $$(seq 1 50); do curl -fs -o /dev/null http://127.0.0.1:$(EMULATOR_PORT)/_emulator/stats && break; sleep 0.2; done; \
	fi; \
	if $(PY) manage.py help sync_lookups >/dev/null 2>&1; then $(PY) manage.py sync_lookups || echo "Aviso: no se pudieron sincronizar los catálogos."; fi; \
	$(PY) manage.py runserver $(HOST):$(PORT)

emulator: $(VENV)/.installed
	$(PY) -m factus_emulator --host 127.0.0.1 --port $(EMULATOR_PORT)

test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed
	@for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
