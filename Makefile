# CharterHub — `make run` for the demo, `make test` for the suite. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python

# The first interpreter that is Python 3.12+: python3.14 … python3, then pyenv's
# installed versions (its shims refuse versions that are not selected).
define FIND_PYTHON
for c in python3.14 python3.13 python3.12 python3; do \
  p=$$(command -v $$c 2>/dev/null) || continue; \
  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit 0; }; \
done; \
root=$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv"); \
for p in $$(ls -d "$$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do \
  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit 0; }; \
done; exit 1
endef

.PHONY: help install run test test-quick lint bench clean messages loadtest coverage

help:
	@echo "make run      start CharterHub with demo data on http://127.0.0.1:8000"
	@echo "make test     run the whole test suite"
	@echo "make test-quick  the suite without the slow groups (browser, faults, fuzzing: -m 'not slow')"
	@echo "make install  create .venv with the pinned requirements"
	@echo "make lint     ruff, the layering (import-linter), Django checks, missing migrations"
	@echo "make coverage the whole suite under coverage.py: line and branch coverage (docs/testing.md)"
	@echo "make messages extract new interface text into locale/ and compile it (needs gettext)"
	@echo "make bench    page benchmarks on PostgreSQL at seed_demo --scale 100 (docs/performance.md)"
	@echo "make loadtest locust: 50 officials for 60 s against gunicorn (production settings, TLS) on PostgreSQL"

$(VENV)/.installed: requirements.txt
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  python=$$($(FIND_PYTHON)) || { echo "CharterHub needs Python 3.12 or newer, and none was found (tried python3.14 … python3 and pyenv's versions)." >&2; exit 1; }; \
	  echo "Creating $(VENV) with $$python"; \
	  rm -rf $(VENV) && "$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# axe-core for the accessibility browser tests and vnu-jar (the Nu Html Checker, run with Java) for
# tests/tooling/test_html_valid.py (package.json, package-lock.json). npm is optional: without it
# (or offline) those tests skip, and fail under CI=true; the app itself needs no Node.
node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm not found: axe-core not installed, the accessibility browser tests will be skipped."; \
	elif npm ci --no-audit --no-fund --loglevel=error; then \
	  touch $@; \
	elif [ "$${CI:-}" = "true" ]; then \
	  exit 1; \
	else \
	  echo "npm ci failed: the accessibility browser tests will be skipped." >&2; \
	fi

install: $(VENV)/.installed node_modules/.installed

# DEBUG defaults to on for the laptop demo (no SECRET_KEY needed); set DEBUG=false to try production settings.
# .env (gitignored) keeps the demo's DEBUG=true for manage.py commands run from this checkout
# (charterhub/settings.py reads it; the real environment wins). Lines already in it are kept.
run: export DEBUG ?= true
run: install
	@mkdir -p var
	@test -f .env || echo "# Written by make run: settings for manage.py in this checkout (the environment wins)." > .env
	@grep -q '^DEBUG=' .env || echo "DEBUG=true" >> .env
	$(PY) manage.py migrate --noinput -v1
	$(PY) manage.py seed_demo
	@echo
	@echo "CharterHub is starting on http://127.0.0.1:8000  (web + Celery worker + beat; Ctrl-C stops all)"
	@echo "Broker: $${REDIS_URL:-embedded (files under var/broker/)}   Email: $${EMAIL_URL:-files under var/mail/}"
	@echo
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

test: install
	$(PY) -m pytest

# For a quick local run only: CI and `make test` run everything (tests/conftest.py SLOW).
test-quick: install
	$(PY) -m pytest -m "not slow"

# Line and branch coverage of apps/ and charterhub/ over the whole suite (docs/testing.md).
coverage: install
	$(PY) -m coverage run --branch --source=apps,charterhub -m pytest -p no:cacheprovider
	$(PY) -m coverage report --precision=1 --skip-covered

# Translations (docs/conventions.md, "Translations"): collect every marked string into
# locale/{az,ru}/LC_MESSAGES/django.po, keeping what is translated, then compile the .mo files.
# Both are committed, so `make run`, `make test` and the Docker image need no gettext; this
# target does (apt-get install gettext). The folders skipped here are skipped in
# tests/i18n/test_translations.py too.
MESSAGES_IGNORE := -i .venv -i node_modules -i tests -i var -i staticfiles -i test-artifacts
messages: install
	SECRET_KEY=messages $(PY) manage.py makemessages -l az -l ru --no-obsolete $(MESSAGES_IGNORE)
	SECRET_KEY=messages $(PY) manage.py compilemessages -l az -l ru $(MESSAGES_IGNORE)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	SECRET_KEY=lint $(PY) manage.py check
	SECRET_KEY=lint $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache test-artifacts node_modules .coverage htmlcov

# Benchmarks against a database seeded with `seed_demo --scale 100` (PostgreSQL by default;
# BENCH_DATABASE_URL to change). Figures and how to read them: docs/performance.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/charterhub_bench
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) tests/perf/ensure_database.py
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench $(PY) manage.py seed_demo --scale 100 -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench $(PY) tests/perf/bench_pages.py
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench $(PY) tests/perf/bench_notifications.py

# Load test: gunicorn with the production settings (DEBUG off, TLS with a throwaway certificate)
# on PostgreSQL at seed_demo --scale 100, and locust on loopback: 50 officials for 60 s. Needs
# PostgreSQL, Redis (for /healthz) and openssl; LOADTEST_* variables change the defaults.
# Figures and how to read them: docs/performance.md, "Load test".
loadtest: install
	$(PY) tests/perf/loadtest.py
