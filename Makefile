# tokenprices: every target uses the virtual environment in .venv/ of this checkout.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: demo test run dev venv clean bench

$(BIN)/tokenprices: pyproject.toml
	@command -v uv >/dev/null 2>&1 || $(PY) -m pip install --quiet uv
	uv venv --quiet --allow-existing --python $(PY) $(VENV)
	uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	@touch $@

venv: $(BIN)/tokenprices

## Offline: replay the bundled real captures + LiteLLM history into warehouse/tokenprices.duckdb, print a summary.
demo: venv
	@mkdir -p $(DAGSTER_HOME)
	@cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true
	$(BIN)/tokenprices demo

## The test suite (offline; real captures, real HTTP on 127.0.0.1, real DuckDB files).
test: venv
	$(BIN)/python -m pytest -q

## Live: scrape today's pages now, then rebuild marts and forecasts.
run: venv
	@mkdir -p $(DAGSTER_HOME)
	@cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true
	$(BIN)/tokenprices run

## Dagster UI + daemon on http://127.0.0.1:3000 (nightly schedule available; Ctrl-C stops it).
dev: venv
	@mkdir -p $(DAGSTER_HOME)
	@cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

bench: venv
	$(BIN)/python bench/parse_bench.py

clean:
	rm -rf warehouse/tokenprices.duckdb warehouse/tokenprices.duckdb.wal warehouse/raw warehouse/lake warehouse/plots $(DAGSTER_HOME)
