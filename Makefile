# NIROMP site. `make run` serves it; `make test` checks it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6.1 needs Python 3.12 or newer. Take the first one we find: PYTHON if
# given, pythonX.Y on the PATH, then pyenv's installs, then python3.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	$$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: help run test lint audit install clean

help:
	@echo "make run   - set up .venv, the database and static files; serve on http://127.0.0.1:$(PORT)/"
	@echo "make test  - install the test tools; ruff, djLint, the migration check, pip-audit and the whole suite"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (set PYTHON=/path/to/python3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

# A secret key for this checkout, made once and kept out of git; the settings
# read it from here (DJANGO_SECRET_KEY_FILE), so every manage.py command finds it.
var/secret_key:
	@mkdir -p var && umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: $(VENV)/.installed var/secret_key
	@set -e; \
	$(BIN)/python manage.py migrate --no-input; \
	$(BIN)/python manage.py seed_content; \
	$(BIN)/python manage.py ensure_operator; \
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0; \
	echo "Serving the site on http://127.0.0.1:$(PORT)/ (admin: /admin/). Ctrl-C stops it."; \
	PORT=$(PORT) exec $(BIN)/gunicorn -c gunicorn.conf.py niromp_site.wsgi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	DJANGO_SECRET_KEY=makemigrations-check $(BIN)/python manage.py makemigrations --check --dry-run

# Known vulnerabilities in installed packages. Offline-tolerant: it reports
# what it could not look up, and fails only on a finding.
audit: $(VENV)/.installed-dev
	@out=$$(timeout 300 $(BIN)/pip-audit --progress-spinner off --skip-editable 2>&1); \
	status=$$?; \
	echo "$$out" | grep -v "could not be audited" | tail -n 30; \
	skipped=$$(echo "$$out" | grep -c "could not be audited" || true); \
	[ "$$skipped" -gt 0 ] && echo "pip-audit: $$skipped package(s) could not be looked up (offline?)"; \
	if echo "$$out" | grep -qE "Found [1-9][0-9]* known vulnerabilit"; then \
		echo "pip-audit: known vulnerabilities found"; exit 1; fi; \
	[ $$status -eq 0 ] || echo "pip-audit did not finish (exit $$status); not failing on that"

test: $(VENV)/.installed-dev
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory audit
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
