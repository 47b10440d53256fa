# safepath: `make run` serves the demo, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# The first interpreter that is Python >= 3.12: python3.13, python3.12, pyenv's versions, python3.
PYENV_ROOT_DIR := $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
CANDIDATES := python3.13 python3.12 $(sort $(wildcard $(PYENV_ROOT_DIR)/versions/3.1[2-9]*/bin/python3)) python3
PYTHON ?= $(firstword $(foreach c,$(CANDIDATES),$(shell $(c) -c 'import sys; print(sys.executable) if sys.version_info >= (3, 12) else None' 2>/dev/null)))

.PHONY: help run install messages test check bench clean

help:
	@echo "make run    - set up and serve safepath with demo data on http://$(HOST):$(PORT)"
	@echo "make test   - run every test (PostgreSQL when DATABASE_URL is set, else SQLite)"
	@echo "make check  - ruff lint and format check, mypy --strict"
	@echo "make bench  - benchmarks on PostgreSQL (DATABASE_URL), figures as JSON lines"
	@echo "make messages - extract and compile translations"

$(BIN)/.installed: pyproject.toml requirements.lock
	@if [ -z "$(PYTHON)" ]; then echo "safepath needs Python 3.12 or newer: install python3.12 or python3.13 (or pyenv install 3.12) and run make again."; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

install: $(BIN)/.installed

compile-messages: install
	@cd safepath && ../$(BIN)/safepath compilemessages -v0 --ignore '.venv'

messages: install
	cd safepath && ../$(BIN)/safepath makemessages --no-obsolete --no-location -l pl -l uk -l ru -l en --ignore 'static/*'
	cd safepath && ../$(BIN)/safepath compilemessages -v0

run: compile-messages
	@mkdir -p var
	$(BIN)/safepath migrate --no-input -v0
	$(BIN)/safepath demo --if-empty
	$(BIN)/safepath serve --host $(HOST) --port $(PORT)

test: compile-messages
	$(BIN)/pytest $(PYTEST_ARGS)

check: install
	$(BIN)/ruff check safepath tests bench
	$(BIN)/ruff format --check safepath tests bench
	$(BIN)/mypy safepath tests bench

bench: compile-messages
	$(PY) bench/engine.py
	$(PY) bench/imports.py
	$(PY) bench/run.py
	$(PY) bench/cases.py
	$(PY) bench/insights.py

clean:
	rm -rf $(VENV) var/static test-artifacts
