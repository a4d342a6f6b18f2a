# EBTR Trainer. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HASH := $(shell sha256sum pyproject.toml | cut -c1-12)
RUNTIME := $(VENV)/.runtime-$(HASH)
DEV := $(VENV)/.dev-$(HASH)
HOST ?= 127.0.0.1
PORT ?= 5000
T ?= tests
# pytest-xdist workers; the machines have 2 cores
WORKERS ?= 2
# the whole suite enforces a branch-coverage floor that only goes up; a narrowed run does not
ifeq ($(T),tests)
COVERAGE ?= --cov=trainer --cov-branch --cov-report=term:skip-covered --cov-fail-under=90
endif

.DEFAULT_GOAL := help
.PHONY: help runtime install dev run loadtest faults test e2e fuzz lint format db-upgrade db-reset seed bench check-content

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(RUNTIME): pyproject.toml
	@test -x $(BIN)/python || { echo "==> Creating a virtualenv in $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> Installing EBTR Trainer and its runtime dependencies into $(VENV) (about a minute the first time)"
	$(BIN)/pip install --disable-pip-version-check --progress-bar off -e . | grep -E --line-buffered '^(Collecting|Successfully)' || true
	@$(BIN)/python -c "import trainer" || { echo "The installation failed: see pip's messages above"; exit 1; }
	@rm -f $(VENV)/.runtime-*
	@touch $(RUNTIME)
	@echo "==> Runtime installed"

$(DEV): $(RUNTIME)
	@echo "==> Installing the development tools (tests, browser tests, lint, load tests)"
	$(BIN)/pip install --disable-pip-version-check --progress-bar off -e '.[dev]' | grep -E --line-buffered '^(Collecting|Successfully)' || true
	@$(BIN)/python -c "import pytest, locust" || { echo "The installation failed: see pip's messages above"; exit 1; }
	@rm -f $(VENV)/.dev-*
	@touch $(DEV)

runtime: $(RUNTIME) ## create .venv with the runtime dependencies only (what make run needs)

install: $(DEV) ## create .venv and install the app with its dev dependencies

dev: install ## alias of install

db-upgrade: $(RUNTIME) ## apply the migrations to the configured database
	@echo "==> Applying the database migrations"
	FLASK_DEBUG=$${FLASK_DEBUG:-1} $(BIN)/flask --app app db upgrade

seed: db-upgrade ## create the demo program and accounts (development only; safe twice)
	@echo "==> Creating the demo program and accounts (if missing)"
	FLASK_DEBUG=1 $(BIN)/flask --app app seed-demo

run: seed ## install the runtime, migrate, seed demo data and serve on http://127.0.0.1:5000 (PORT=8080 to change)
	@echo ""
	@echo "  EBTR Trainer is starting on http://$(HOST):$(PORT)/"
	@echo "  Sign in as trainee@example.org, supervisor@example.org, director@example.org"
	@echo "  or reviewer@example.org, password: demo-password"
	@echo "  The supervisor and director also enter a code from the demo key"
	@echo "  EBTRDEMOSECONDFACTORKEY234567ABC (see README: Second factor)"
	@echo "  Mail (invitations, password resets) is not sent: read it at"
	@echo "  http://$(HOST):$(PORT)/dev/outbox (the .eml files are in instance/outbox/)"
	@echo ""
	FLASK_DEBUG=1 $(BIN)/flask --app app run --host $(HOST) --port $(PORT) --no-debugger

db-reset: $(RUNTIME) ## delete the development SQLite database and start again
	rm -f instance/trainer.sqlite3 instance/trainer.sqlite3-wal instance/trainer.sqlite3-shm
	$(MAKE) seed

check-content: $(RUNTIME) ## validate modules/ and quizzes/
	FLASK_DEBUG=1 $(BIN)/flask --app app content check

test: install ## run the whole suite, browser tests included (T=path to narrow it)
	$(BIN)/pytest -n $(WORKERS) $(COVERAGE) $(T)

e2e: install ## run only the browser journeys
	$(BIN)/pytest -m e2e tests/e2e

# generated inputs per route and role for `make fuzz` (the suite runs 20)
FUZZ_EXAMPLES ?= 2000

fuzz: install ## fuzz every route as every role, 2,000 inputs each; prints the counts and 5xx
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -s -q tests/core/test_fuzz.py

lint: install ## ruff check and format check
	$(BIN)/ruff check trainer tests bench
	$(BIN)/ruff format --check trainer tests bench

format: install ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix trainer tests bench
	$(BIN)/ruff format trainer tests bench

bench: install ## run the benchmarks; results go to docs/benchmarks.md
	$(BIN)/python -m bench

USERS ?= 50
DURATION ?= 3m
LOAD_HOST ?=

loadtest: install ## Locust, USERS=50 for DURATION=3m, against two local app servers (or LOAD_HOST=https://...); figures to docs/benchmarks.md
	$(BIN)/python -m bench.loadtest --users $(USERS) --duration $(DURATION) $(if $(LOAD_HOST),--host $(LOAD_HOST))

faults: install ## four faults during load (worker kill -9, PostgreSQL restart, Redis stopped, a server stopped) on a private PostgreSQL and Redis; figures to docs/benchmarks.md
	$(BIN)/python -m bench.faults
