# KSBB Portal: set up, run and test. `make help` lists the targets.
#
# Everything runs inside .venv, created with the machine's python3. Installs happen only when
# a lock file changed since the last install (stamp files in .venv).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# Pinned so that `make lock` on two machines writes the same lock files.
PIP_TOOLS := pip-tools==7.6.2
TOOLS_VENV := $(VENV)/pip-tools

PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.DEFAULT_GOAL := help
.PHONY: help check-system check-system-test install install-dev messages messages-update \
	messages-check migrate run worker test test-browser lint format lock bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'

# On Debian/Ubuntu as root or with passwordless sudo, a missing system package is installed
# (apt-get); elsewhere the check stops with the command to run. KSBB_NO_SYSTEM_INSTALL=1: check only.
check-system: ## Check (Debian/Ubuntu: install) python3-venv, GDAL, Pango; check-system-test: + Chromium
	@$(PYTHON) scripts/check_system.py

check-system-test:
	@$(PYTHON) scripts/check_system.py --for test

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: check-system $(VENV)/.installed ## Create .venv and install the app's dependencies

install-dev: check-system $(VENV)/.installed-dev ## Same, plus test and lint tools

# The .mo files are committed, so a machine without gettext's msgfmt still runs the portal.
messages: $(MO_FILES) ## Compile translations whose .po is newer than its .mo

MAKEMESSAGES = $(PY) manage.py makemessages -l id --no-obsolete \
	--ignore=.venv --ignore=static --ignore=bench --ignore=tests

messages-update: install ## Collect new strings into locale/id (then translate them and make messages)
	$(MAKEMESSAGES)

messages-check: install ## Fail if a user-facing string has no Indonesian translation (needs gettext)
	@tmp=$$(mktemp -d) && cp locale/id/LC_MESSAGES/django.po $$tmp/ \
	&& $(MAKEMESSAGES) >/dev/null \
	&& missing=$$( { msgattrib --untranslated --no-wrap locale/id/LC_MESSAGES/django.po; \
		msgattrib --only-fuzzy --no-wrap locale/id/LC_MESSAGES/django.po; } \
		| grep '^msgid "' | grep -vx 'msgid ""'); \
	cp $$tmp/django.po locale/id/LC_MESSAGES/django.po; rm -r $$tmp; \
	if [ -n "$$missing" ]; then echo "untranslated or fuzzy strings (make messages-update, translate, make messages):"; \
	echo "$$missing"; exit 1; fi; echo "every string has an Indonesian translation"

locale/%.mo: locale/%.po
	@if command -v msgfmt >/dev/null; then \
		echo "msgfmt $<"; msgfmt --check-format -o $@ $<; \
	else \
		echo "note: msgfmt not found, keeping the committed $@ (apt-get install gettext)"; \
	fi

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --noinput

run: install messages migrate ## Set up and serve on http://127.0.0.1:8000 with the job worker beside it
	$(PY) manage.py load_data
	$(PY) manage.py create_demo_admin
	$(PY) manage.py create_demo_pjs
	@# The job worker (mail, expiry, reminders...) runs beside the server and stops with it.
	@# In its own session (setsid, where there is one), so that Ctrl-C reaches it only once,
	@# through the trap: django-q2's cluster can hang when a second signal interrupts its stop.
	$$(command -v setsid) $(PY) manage.py qcluster & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
		$(PY) manage.py runserver $(HOST)

worker: install migrate ## Run only the job worker (django-q2), as deploy/systemd/ksbb-worker.service does
	$(PY) manage.py qcluster

test: check-system-test install-dev messages ## Run the whole test suite; options via PYTEST_ARGS='-x -k home'
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: check-system-test install-dev messages ## Run only the browser tests (Playwright + /usr/bin/chromium)
	$(PY) -m pytest tests/browser -m browser $(PYTEST_ARGS)

lint: install-dev ## ruff check, ruff format --check and the type checker (mypy + django-stubs)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install-dev ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: ## Recompile requirements*.txt from requirements*.in (UPGRADE=1 to take new releases)
	@test -x $(TOOLS_VENV)/bin/pip-compile || { \
		$(PYTHON) -m venv $(TOOLS_VENV) && $(TOOLS_VENV)/bin/pip install -q "$(PIP_TOOLS)"; }
	$(TOOLS_VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links \
		$(if $(UPGRADE),--upgrade) requirements.in -o requirements.txt
	$(TOOLS_VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links \
		$(if $(UPGRADE),--upgrade) requirements-dev.in -o requirements-dev.txt

# Runnable scripts only (bench/map_settings.py and friends are modules the scripts use).
# Each script's docstring says what it needs (PostgreSQL, nginx and wrk, KSBB_DATA_DIR...).
BENCH_SCRIPTS = $(shell grep -l '^if __name__ == "__main__":' bench/*.py 2>/dev/null)

bench: install-dev ## Run the benchmarks in bench/ (one: make bench BENCH=bench/pdf_letter.py)
	@set -e; for script in $(or $(BENCH),$(BENCH_SCRIPTS)); do \
		echo "== $$script"; $(PY) "$$script"; \
	done

clean: ## Remove the virtualenv, caches and collected static files (keeps the database)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache staticfiles
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
