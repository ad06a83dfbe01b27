# Réhab Domicile — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTHON ?= python3
PG_URL ?= postgresql+psycopg:///rehab_test?host=/var/run/postgresql

.PHONY: run test test-pg lint bench clean-db

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Install, migrate the SQLite database in instance/, load the demo when empty, serve on :5000
## together with the reminder scheduler (its own background process, stopped with the server).
run: $(STAMP)
	$(BIN)/rehab init-db
	$(BIN)/rehab demo --if-empty
	@echo "Réhab Domicile : http://127.0.0.1:5000  (Ctrl+C pour arrêter)"
	BIN=$(BIN) bash scripts/run-dev.sh

## Install with the test extras and the Debian packages the tests need, run the whole suite on SQLite.
test: $(STAMP)
	bash scripts/ensure-debian-packages.sh
	$(BIN)/ruff check .
	$(BIN)/mypy
	env -u DATABASE_URL $(BIN)/python -m pytest -q

## The same suite on PostgreSQL (the local server when one answers, otherwise installed and started).
test-pg: $(STAMP)
	bash scripts/ensure-debian-packages.sh
	bash scripts/ensure-postgres.sh rehab_test rehab_test_browser
	DATABASE_URL='$(PG_URL)' $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## The timing scripts (dataset.py and indicator_rows.py are the builders they share, not benchmarks).
BENCHMARKS := plans reminders letters indicators

bench: $(STAMP)
	bash scripts/ensure-postgres.sh rehab_bench rehab_bench_indicators
	@for name in $(BENCHMARKS); do echo "== benchmarks/$$name.py"; $(BIN)/python benchmarks/$$name.py || exit 1; done
