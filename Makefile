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
RUN_LOCK := requirements/run.lock
DEV_LOCK := requirements/dev.lock
UV_VERSION := 0.13.8

.PHONY: help run test lint audit install lock clean bench screenshots

help:
	@echo "make run   - set up .venv, the database and static files; serve on http://127.0.0.1:$(PORT)/"
	@echo "make test  - install the test tools; ruff, djLint, the migration check, pip-audit and the whole suite"
	@echo "make bench - measure the site's speed with wrk on its own generated database (~10 min)"
	@echo "make screenshots - what a reader, a moderator and an editor see, as PNGs in var/screenshots/"
	@echo "make lock  - write requirements/*.lock again from pyproject.toml (LOCK_ARGS=--upgrade for newer versions)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (set PYTHON=/path/to/python3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The exact versions the suite passed with, from the lock files (`make lock`
# writes them from pyproject.toml's ranges); then the site itself, editable.
# pip check fails when pyproject.toml asks for something the lock lacks.
$(VENV)/.installed: pyproject.toml $(RUN_LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(RUN_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(DEV_LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

# The lock files: exact versions with their hashes, for Python 3.12 and newer
# on any platform, resolved by uv from pyproject.toml's ranges. The versions
# already locked are kept while they still fit; LOCK_ARGS=--upgrade moves every
# package to its newest allowed version. run.lock is the site alone; dev.lock
# adds the test tools and PostgreSQL's driver, at the same versions.
$(BIN)/uv: | $(BIN)/python
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra postgres $(LOCK_OPTIONS) -o $(DEV_LOCK)
	$(BIN)/uv pip compile pyproject.toml --constraint $(DEV_LOCK) $(LOCK_OPTIONS) -o $(RUN_LOCK)

LOCK_OPTIONS = --universal --python-version 3.12 --generate-hashes --quiet \
	--custom-compile-command "make lock" $(LOCK_ARGS)

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

# The suite runs in TEST_WORKERS processes (pytest-xdist; one a core by
# default), a test file to a process, since a file's tests share its fixtures.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory audit
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Speed, as issue 9 measures it: its own database in a temporary folder,
# gunicorn as `make run` serves, wrk (DURATION, CONNECTIONS, BENCH_QUICK=1).
bench: $(VENV)/.installed
	bench/run.sh

# A page of screenshots (issue 13): a reader's, a moderator's and an editor's
# journeys on a phone and a desktop, from its own temporary site, by Debian's
# chromium; PNGs and index.html in SCREENSHOTS (git-ignored under var/).
SCREENSHOTS ?= var/screenshots
screenshots: $(VENV)/.installed-dev
	$(BIN)/python tools/screenshots.py $(SCREENSHOTS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
