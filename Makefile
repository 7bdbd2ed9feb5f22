# The README's commands. `make run` sets up .venv and ingests data/raw; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/processed/ofsted.duckdb

# Prefect keeps its state in the project, not in ~/.prefect, and stays quiet and offline.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: setup run test extract score-seeds clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/install-system-packages.sh
	./scripts/install-system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: setup
	$(BIN)/ofsted ingest data/raw --db $(DB)

test: setup
	$(BIN)/pytest -q

extract: setup
	$(BIN)/ofsted extract data/raw --jsonl

clean:
	rm -rf $(VENV) .prefect data/processed/*.duckdb data/processed/*.wal
