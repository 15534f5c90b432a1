# OneGate: `make run` serves the demo government, `make test` runs the tests.
# Needs only Python 3.11, Node 20, make and git; everything else is installed here.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
PORT ?= 8000
# Extra pytest arguments, e.g. PYTEST_ARGS='-m "not browser"' (CI uses this for the SQLite run).
PYTEST_ARGS ?=
# Test processes (pytest-xdist); "auto" is one per core. PYTEST_WORKERS=0 runs in this process.
PYTEST_WORKERS ?= auto

export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run demo tour test lint format bench bench-definitions bench-runner bench-data bench-cases bench-credentials bench-insights messages install assets translations-compile chromium clean

## install: the Python environment from uv.lock and the front-end packages from package-lock.json
install: $(VENV)/.synced node_modules/.installed

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## assets: the rebranded GOV.UK Frontend stylesheet, script and fonts in frontend/dist
assets: frontend/dist/.built

frontend/dist/.built: node_modules/.installed frontend/build.mjs $(shell find frontend/scss frontend/js frontend/static -type f 2>/dev/null)
	npm run --silent build
	touch $@

# The Thai catalogues compiled to .mo, again only when a .po changed (the stamp lives in .venv, so
# a new environment compiles them afresh).
PO_FILES := $(shell find onegate -path '*/LC_MESSAGES/*.po' 2>/dev/null)
translations-compile: $(VENV)/.translations-compiled

$(VENV)/.translations-compiled: $(PO_FILES) | $(VENV)/.synced
	$(PY) -m onegate.core.translations compile
	touch $@

var/secret_key: | $(VENV)/.synced
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

# The demo's OpenID Connect signing key (RSA 2048, made once; production sets OIDC_RSA_PRIVATE_KEY).
var/oidc_rsa_key.pem: | $(VENV)/.synced
	mkdir -p var
	$(PY) -m onegate.identity.oidc.keys $@
	chmod 600 $@

## run: set everything up, load the demo government and serve it with its worker and scheduler
# demo_setup skips its steps when nothing changed since its last complete run (a restart takes
# seconds), then prints where to go. In the Procfile the worker, scheduler and mail catcher start
# once the web server answers (onegate/core/after_web.py), so it is not slowed by their start.
run: install assets translations-compile var/secret_key var/oidc_rsa_key.pem
	DJANGO_SETTINGS_MODULE=config.settings.local PORT=$(PORT) $(PY) manage.py demo_setup --banner
	@# honcho gives each process its own PORT (web 8000, worker 8100, …), so the address that
	@# workers put in messages and call the SMS simulator at is fixed here, from the web's port.
	DJANGO_SETTINGS_MODULE=config.settings.local PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
		SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" \
		NOTIFY_SMS_GATEWAY_URL="$${NOTIFY_SMS_GATEWAY_URL:-http://127.0.0.1:$(PORT)/notify-sim/sms/}" \
		exec $(VENV)/bin/honcho start --procfile Procfile --port $(PORT)

## demo: reload the demo government: on the demo's own SQLite file (var/onegate.sqlite3) the old
## one is renamed with a timestamp (never deleted) and a fresh demo is loaded; any other database
## (DATABASE_URL) is never dropped, only brought up to date. Does not serve: make run does.
demo: install assets translations-compile var/secret_key var/oidc_rsa_key.pem
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py demo_setup --fresh
	@echo "The demo government is loaded: make run serves it (restart make run if it is running)."

## tour: walk the demo government's stories in Chromium (tests/browser/journeys, one process) and
## save the screenshots into docs/tour/en and docs/tour/th, then write the gallery
## (docs/tour/README.md) and README's outcome table from the measured numbers.
TOUR_DIR := $(CURDIR)/docs/tour
tour: install assets translations-compile chromium
	$(PY) -m tests.browser.journeys.outcomes --before-tour
	ONEGATE_TOUR_DIR=$(TOUR_DIR) $(PY) -m pytest -p no:xdist -m journey tests/browser/journeys \
		$(PYTEST_ARGS); status=$$?; \
		$(PY) -m tests.browser.journeys.outcomes; exit $$status

## test: the whole suite (SQLite unless DATABASE_URL says otherwise; browser tests need chromium)
test: install assets translations-compile chromium
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Debian's chromium for the browser tests, installed when missing and we may (these machines run
# as root). Where it cannot be installed the browser tests skip loudly (and fail under CI=true).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian chromium for the browser tests"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
				|| echo "WARNING: could not install chromium; browser tests will be skipped"; \
		else echo "WARNING: chromium is missing and cannot be installed here; browser tests will be skipped"; fi; }

## lint: ruff (lint and format check) and mypy
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: re-extract every translatable string into the Thai catalogues, then compile them
messages: install
	$(PY) -m onegate.core.translations update
	$(PY) -m onegate.core.translations compile

## bench: load the production server with wrk; results go into docs/benchmarks.md by hand
bench: install assets translations-compile
	$(PY) bench/run.py

## bench-definitions: compile a 50-page definition, evaluate rules on one core, publish → visible
bench-definitions: install assets translations-compile
	$(PY) bench/definitions.py

## bench-runner: question page GET, page POST and submission under wrk on PostgreSQL, with a baseline
bench-runner: install assets translations-compile
	$(PY) bench/runner.py

## bench-data: 1,000,000 generated people, 1,000,000 cases and 10,000,000 performance events on PostgreSQL (kept between runs), registry questions timed
bench-data: install
	$(PY) bench/registries.py
	$(PY) bench/cases_data.py
	$(PY) bench/insights_data.py

## bench-cases: queue page, "take next" with 8 workers, decisions through the worker, the ETA demo mix
bench-cases: install assets translations-compile
	$(PY) bench/cases.py

## bench-credentials: verification API checks/s, offline verification on one core, status list fetch
bench-credentials: install
	$(PY) bench/credentials.py

## bench-insights: aggregating an hour of 1,000,000 events, dashboards p95 under wrk, recording's cost per page
bench-insights: install assets translations-compile
	$(PY) bench/insights.py

clean:
	rm -rf $(VENV) node_modules frontend/dist
