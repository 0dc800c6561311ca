# tokenprices: every target uses the virtual environment in .venv/ of this checkout.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
DEV_HOST ?= 127.0.0.1
DEV_PORT ?= 3000
# the forecast figures are served here beside the UI, so that the UI shows them inline (TOKENPRICES_PLOTS_URL)
PLOTS_PORT ?= 3001
PLOTS_DIR := $(or $(TOKENPRICES_DATA_DIR),$(CURDIR)/warehouse)/plots
PLOTS_URL ?= http://$(DEV_HOST):$(PLOTS_PORT)

.PHONY: demo test test-fast test-e2e chromium run dev dev-tmp dagster-home venv clean bench

$(BIN)/tokenprices: pyproject.toml
	@command -v uv >/dev/null 2>&1 || $(PY) -m pip install --quiet uv
	uv venv --quiet --allow-existing --python $(PY) $(VENV)
	uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev,litellm]'
	@# the editable install leaves the project's own modules uncompiled: compile them once (~1 s off every command)
	$(BIN)/python -m compileall -q pipelines assets
	@touch $@

venv: $(BIN)/tokenprices

# $(DAGSTER_HOME) with the project's instance settings: dagster.yaml there is a link to ./dagster.yaml, so an
# upgrade's new settings apply at once (a copy an older checkout made, same content, becomes the link; a
# dagster.yaml of your own, different, is kept: docs/operations.md).
dagster-home:
	@mkdir -p $(DAGSTER_HOME)
	@if [ ! -e $(DAGSTER_HOME)/dagster.yaml ] || { [ ! -L $(DAGSTER_HOME)/dagster.yaml ] && cmp -s dagster.yaml $(DAGSTER_HOME)/dagster.yaml; }; then \
	  ln -sfn $(CURDIR)/dagster.yaml $(DAGSTER_HOME)/dagster.yaml; fi

# Unlicensed public datasets (never shipped) are imported when a copy is given: SHARED_DATA=/path/to/shared/data
# (default: ../shared/data beside the checkout, if it exists).
SHARED_DATA ?= $(abspath $(wildcard $(CURDIR)/../shared/data))

## Offline: replay the bundled real captures + LiteLLM history into warehouse/tokenprices.duckdb, print a summary.
demo: venv dagster-home
	$(if $(SHARED_DATA),@echo "importing the unlicensed datasets from $(SHARED_DATA) (not shipped)")
	$(if $(SHARED_DATA),TOKENPRICES_SIMONW_DIR=$(SHARED_DATA)/llm_prices_simonw TOKENPRICES_OPENROUTER_SNAPSHOTS_DIR=$(SHARED_DATA)/openrouter TOKENPRICES_CAPABILITY_DIR=$(SHARED_DATA)/capability) TOKENPRICES_PLOTS_URL=$(PLOTS_URL) $(BIN)/tokenprices demo

## The test suite (offline; real captures, real HTTP on 127.0.0.1, real DuckDB files), on two worker processes
## (pytest-xdist; a test file stays on one worker, so its module fixtures are built once; the slowest files first,
## in the order of tests/conftest.py SLOW_FIRST, and the warehouse both read is built once). The UI tests are
## make test-e2e (not even collected here: importing Playwright costs each worker 2 s).
test: venv
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder --ignore=tests/e2e

# the parsers and the unit tests: no warehouse built, no Dagster run, no CLI process (tests marked slow in these
# files are left to make test)
FAST_TESTS := tests/parsers tests/importers tests/test_all_captures.py tests/test_normalise.py tests/test_models.py \
	tests/test_config.py tests/test_imports.py tests/test_epoch.py tests/test_fetch.py tests/test_fetch_live.py \
	tests/test_forecast_capability.py tests/test_forecast_models.py tests/test_ratings_fetch.py

## The fast subset while you work (under a minute): parsers and units. `make test` before you push.
test-fast: venv
	$(BIN)/python -m pytest -q -n 2 -m 'not slow and not e2e' $(FAST_TESTS)

## Debian's chromium for the end-to-end test (apt-get, as root), unless it is there already.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## End to end: the demo warehouse in a temp dir, `dg dev` on 127.0.0.1, headless Chromium on the forecast
## page, a broken capture through the UI, Ctrl-C. Screenshots in test-artifacts/e2e/.
test-e2e: venv chromium
	$(BIN)/python -m pytest -q -m e2e tests/e2e

## Live: scrape today's pages now, then rebuild marts and forecasts.
run: venv dagster-home
	$(BIN)/tokenprices run

## Dagster UI + daemon on http://127.0.0.1:3000 (nightly schedule on; Ctrl-C stops it). DEV_PORT=3002 to move it (the figures are on PLOTS_PORT, 3001).
## `dg dev` (Dagster's CLI, dagster-dg-cli) loads the project of pyproject.toml [tool.dg] with .venv's Python.
dev: venv dagster-home
	@mkdir -p $(PLOTS_DIR); $(BIN)/python -m http.server -b $(DEV_HOST) -d $(PLOTS_DIR) $(PLOTS_PORT) >/dev/null 2>&1 & \
	srv=$$!; trap 'kill $$srv' EXIT; echo "forecast figures served at $(PLOTS_URL) (shown inline in the UI)"; \
	TOKENPRICES_PLOTS_URL=$(PLOTS_URL) VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg dev -h $(DEV_HOST) -p $(DEV_PORT)

## The same with a throw-away DAGSTER_HOME (removed on Ctrl-C): a clean UI, no runs, no history.
dev-tmp: venv
	@home=$$(mktemp -d -t tokenprices-dagster-XXXXXX); cp dagster.yaml $$home/; \
	mkdir -p $(PLOTS_DIR); $(BIN)/python -m http.server -b $(DEV_HOST) -d $(PLOTS_DIR) $(PLOTS_PORT) >/dev/null 2>&1 & \
	srv=$$!; trap 'rm -rf "$$home"; kill $$srv' EXIT; \
	echo "DAGSTER_HOME=$$home (throw-away)"; DAGSTER_HOME=$$home TOKENPRICES_PLOTS_URL=$(PLOTS_URL) VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg dev -h $(DEV_HOST) -p $(DEV_PORT)

## Figures: demo wall time by stage, unchanged re-run, parse time per capture, 5M-row history build (bench/run).
bench: venv
	bench/run

clean:
	rm -rf warehouse/tokenprices.duckdb warehouse/tokenprices.duckdb.wal warehouse/raw warehouse/lake warehouse/plots $(DAGSTER_HOME)
