# The README's commands. `make run` and `make test` do all the setting up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
NODE_STAMP := web/node_modules/.installed-$(shell sha1sum web/package-lock.json | cut -c1-12)
CONSOLE_NODE_STAMP := tests/console/node_modules/.installed-$(shell sha1sum tests/console/package-lock.json | cut -c1-12)

# Rasa 3.6 needs Python 3.10 exactly: use python3.10 from PATH if it runs, else pyenv's.
PYTHON310 ?= $(shell \
	if python3.10 -c 'import sys' >/dev/null 2>&1; then command -v python3.10; \
	else for p in $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do \
	  if [ -x "$$p" ]; then echo "$$p"; break; fi; done; fi)

.PHONY: help setup chromium run test bench eval train clean

help:
	@echo "make run    set up and start the assistant (chat page on http://127.0.0.1:8080/)"
	@echo "make test   set up and run every test"
	@echo "make bench  load-test the running assistant (starts it if needed)"
	@echo "make eval   intent accuracy and language detection per language, on held-out data"
	@echo "make clean  remove the virtual environment, models and local data"

$(STAMP): requirements.lock pyproject.toml
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 was not found. Rasa 3.6 needs exactly Python 3.10: install it (e.g. 'pyenv install 3.10') and run make again." >&2; \
	  exit 1; fi
	@echo "==> Creating the virtual environment with $(PYTHON310)"
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade "pip<25"
	@echo "==> Installing pinned dependencies (first time: a few minutes, about 2 GB)"
	@set -o pipefail; $(PY) -m pip install -r requirements.lock 2>&1 | grep -E --line-buffered "^(Collecting|Installing|Successfully|ERROR)"
	@$(PY) -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

$(NODE_STAMP): web/package-lock.json
	@command -v npm >/dev/null || { echo "npm was not found: install Node.js 18+ (it serves the chat page's socket.io client)." >&2; exit 1; }
	@echo "==> Installing the chat page's front-end package (npm ci)"
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@rm -f web/node_modules/.installed-*
	@touch $@

$(CONSOLE_NODE_STAMP): tests/console/package-lock.json
	@command -v npm >/dev/null || { echo "npm was not found: install Node.js 18+ (the console tests drive Chromium with playwright-core)." >&2; exit 1; }
	@echo "==> Installing the console tests' browser driver, playwright-core (npm ci in tests/console)"
	@cd tests/console && npm ci --no-audit --no-fund --loglevel=error
	@rm -f tests/console/node_modules/.installed-*
	@touch $@

# The console tests run in a real headless browser: Debian's chromium (no browser download).
# Only `make test` needs it; `make run` does not.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null || { \
	  echo "==> Installing Debian's chromium for the console tests (apt-get, a few minutes)"; \
	  $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }

setup: $(STAMP) $(NODE_STAMP)

train: setup
	@$(PY) -m bot train

run: setup
	@$(PY) -m bot run

test: setup $(CONSOLE_NODE_STAMP) chromium train
	@$(PY) -m pytest

bench: setup
	@$(PY) -m bot bench

eval: setup
	@$(PY) -m bot eval

clean:
	rm -rf $(VENV) models var web/node_modules tests/console/node_modules
