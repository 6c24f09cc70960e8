# FabricLoop: `make run` serves the app, `make test` runs every test. Both set up what is
# missing first (virtual environment, pinned packages, the built web app).

SHELL := /bin/bash
# The first Python 3.11/3.12 that actually runs (pyenv shims exist for versions not selected).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 13))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The tools for tests, lint and the browser journeys, installed only by the targets that need
# them: `make run` installs the production packages alone.
DEV_STAMP := $(VENV)/.installed-dev
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/package.json frontend/vite.config.ts frontend/public -type f 2>/dev/null)
PYTEST_ARGS ?=
REDOCLY_VERSION := 2.77.0
FRONTEND_DEPS := $(if $(wildcard frontend/package.json),frontend/node_modules/.package-lock.json,)

.PHONY: install-dev run test test-backend test-frontend test-faults test-e2e lint format openapi check-openapi bench bench-quick bench-tools screenshots audit lock install frontend browser clean help

help:
	@echo "make run     set up and serve on http://127.0.0.1:8000 (HOST, PORT configurable)"
	@echo "make test    set up and run every test (web app units, backend, then browser journeys)"
	@echo "make test-faults  fault injection: stalls and kills PostgreSQL, Redis and the app"
	@echo "make lint    ruff, mypy, migrations drift, TypeScript, ESLint, Prettier"
	@echo "make bench   benchmarks; figures written to bench/results/"
	@echo "make bench-quick  every benchmark briefly at a small size (< 3 min)"
	@echo "make openapi regenerate frontend/openapi.json and the typed client"
	@echo "make screenshots  every page at desktop and phone width, under screenshots/"
	@echo "make audit   Lighthouse (desktop, mobile) on landing, search, material, passport;"
	@echo "             fails below 95 in a category or at CLS >= 0.05; figures in docs/ux-audit.md"

$(STAMP): backend/requirements.lock backend/pyproject.toml
	@test -n "$(PYTHON)" || { echo "FabricLoop needs Python 3.11 or 3.12 (pgserver has wheels for those only)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r backend/requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e backend
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) backend/requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r backend/requirements-dev.lock
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

frontend:
	@if [ -f frontend/package.json ]; then $(MAKE) --no-print-directory frontend/dist/index.html; \
	else echo "frontend/ not present yet: serving the API only"; fi

run: install frontend
	$(BIN)/fabricloop serve

browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium is needed for the browser tests: sudo apt-get install -y chromium"; exit 1; fi; }

test: install-dev frontend browser
	@if [ -f frontend/package.json ]; then $(MAKE) --no-print-directory test-frontend; fi
	cd backend && ../$(BIN)/pytest --cov --cov-report=term $(PYTEST_ARGS) tests
	@# The auth utilities (hashing, tokens, email validation) are covered completely.
	cd backend && ../$(BIN)/coverage report --fail-under=100 --include='*/auth/passwords.py,*/auth/tokens.py,*/auth/emails.py'
	@if [ -d e2e ] && ls e2e/test_*.py >/dev/null 2>&1; then $(MAKE) --no-print-directory test-e2e; fi

# Vitest: the web app's pure logic (validation, form state, search parameters, token refresh).
test-frontend: $(FRONTEND_DEPS)
	cd frontend && npm run --silent test

test-backend: install-dev
	cd backend && ../$(BIN)/pytest $(PYTEST_ARGS) tests

# Fault injection against its own PostgreSQL, Redis and app processes (backend/faults).
test-faults: install-dev
	cd backend && ../$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS) faults

test-e2e: install-dev frontend browser
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS) e2e

lint: install-dev $(FRONTEND_DEPS)
	$(BIN)/ruff check backend bench e2e && $(BIN)/ruff format --check backend bench e2e
	cd backend && ../$(BIN)/mypy
	@# Migration drift: the models and the migrations describe the same schema (on DATABASE_URL,
	@# else TEST_DATABASE_URL, else the embedded server).
	DATABASE_URL="$${DATABASE_URL:-$${TEST_DATABASE_URL:-}}" $(BIN)/fabricloop migrate --check
	@if [ -f frontend/package.json ]; then cd frontend && npm run --silent typecheck && npm run --silent lint && npm run --silent format:check; fi

format: install-dev $(FRONTEND_DEPS)
	$(BIN)/ruff check --fix backend bench e2e && $(BIN)/ruff format backend bench e2e
	@if [ -f frontend/package.json ]; then cd frontend && npm run --silent format; fi

openapi: install
	$(BIN)/fabricloop openapi --output frontend/openapi.json
	cd frontend && npm run --silent gen:api

# Fails when the committed schema or the generated client differ from the code.
check-openapi: install frontend/node_modules/.package-lock.json
	@# A directory of its own per run: two checkouts checking at once never share a file.
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/fabricloop openapi --output "$$tmp/openapi.json" && \
	{ diff -u frontend/openapi.json "$$tmp/openapi.json" || { echo "frontend/openapi.json is stale: run make openapi"; exit 1; }; } && \
	(cd frontend && npx openapi-typescript "$$tmp/openapi.json" -o "$$tmp/schema.d.ts" >/dev/null) && \
	{ diff -q frontend/src/api/schema.d.ts "$$tmp/schema.d.ts" || { echo "the generated client is stale: run make openapi"; exit 1; }; }
	@# The schema itself is valid OpenAPI 3.1 (warnings allowed, errors not); the version pinned.
	cd frontend && npx --yes @redocly/cli@$(REDOCLY_VERSION) lint --format=summary openapi.json

# wrk drives the load of the cached-detail benchmark (Debian's package; installed when root).
bench-tools:
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
		else echo "wrk is needed for the load benchmarks: sudo apt-get install -y wrk"; exit 1; fi; }

bench: install frontend bench-tools
	$(BIN)/python -m bench

# Every scenario briefly, at a small size (20,000 listings, 50,000 messages): a check before a
# commit, in under 3 minutes once the data exists. Figures go to var/bench/quick-results/.
bench-quick: install frontend bench-tools
	BENCH_QUICK=1 $(BIN)/python -m bench

screenshots: install-dev frontend browser
	$(BIN)/python -m e2e.screenshots

# Lighthouse (pinned in bench/lighthouse.py, run through npx) on the demo marketplace: median
# of 3 runs per page and preset; raw figures in bench/results/lighthouse.*, summary in
# docs/ux-audit.md. Exits non-zero below 95 in any category or at CLS >= 0.05.
audit: install-dev frontend browser
	$(BIN)/python -m bench.lighthouse

# Production and development packages locked apart, with their hashes (pip-tools, pinned, in a
# virtual environment of its own); the current locks constrain the new ones, so only what
# pyproject.toml changed moves.
PIP_TOOLS_VERSION := 7.7.0
lock:
	test -x .venv-lock/bin/pip-compile || { $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet pip-tools==$(PIP_TOOLS_VERSION); }
	cd backend && cat requirements-dev.lock | grep -E '^[A-Za-z0-9_.-]+==' | sed 's/ .*//' > /tmp/fabricloop-constraints.txt
	cd backend && ../.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url -c /tmp/fabricloop-constraints.txt -o requirements.lock pyproject.toml
	cd backend && ../.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --extra dev -c /tmp/fabricloop-constraints.txt -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) .venv-lock frontend/node_modules frontend/dist
