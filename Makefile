# The README's commands. `make run` sets up .venv and ingests data/raw; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Prefect keeps its state in the project, not in ~/.prefect, and stays quiet and offline. The
# project's Prefect defaults live in flows/prefect_env.py (PREFECT_DEFAULTS), which `ofsted`, the
# flows and the tests apply themselves; the `prefect` commands below import nothing of the
# project, so make exports the same values for them (tests/test_deployment.py keeps them equal).
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_LOGGING_LEVEL ?= WARNING

# A local Prefect server, the `ofsted` process work pool, its worker and the deployments of
# prefect.yaml ("Running it in production" in the README). Run `make server` and `make worker` in
# their own terminals; `make deploy` once the server is up. Only these targets talk to the server:
# `make run` and `make test` keep their own temporary one.
PREFECT_PORT ?= 4200
POOL ?= ofsted
SERVICE_LOG_LEVEL ?= INFO
PREFECT := $(BIN)/prefect
server deploy worker nightly-now reprocess: export PREFECT_API_URL ?= http://127.0.0.1:$(PREFECT_PORT)/api
# The UI in the browser calls the API at PREFECT_UI_API_URL, which Prefect otherwise takes from
# PREFECT_API_URL or port 4200, whatever port the server was started on.
server: export PREFECT_UI_API_URL = http://127.0.0.1:$(PREFECT_PORT)/api
server worker: export PREFECT_LOGGING_LEVEL = $(SERVICE_LOG_LEVEL)
# The temporary server of `make run` and `make test` keeps its SQLite file apart from the real one.
run test: export PREFECT_HOME = $(CURDIR)/.prefect/local

.PHONY: setup run test extract score-seeds clean server deploy worker nightly-now reprocess

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/install-system-packages.sh
	./scripts/install-system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: setup
	@mkdir -p "$$PREFECT_HOME"
	$(BIN)/ofsted ingest data/raw$(if $(DB), --db $(DB))

test: setup
	@mkdir -p "$$PREFECT_HOME"
	$(BIN)/pytest -q

extract: setup
	$(BIN)/ofsted extract data/raw --jsonl

# Extraction of the sample documents scored against their hand-checked gold.
score-seeds: setup
	$(BIN)/ofsted eval data/raw tests/fixtures/gold_seeds

server: setup
	$(PREFECT) server start --host 127.0.0.1 --port $(PREFECT_PORT)

deploy: setup
	$(PREFECT) work-pool inspect $(POOL) >/dev/null 2>&1 || $(PREFECT) work-pool create $(POOL) --type process
	$(PREFECT) --no-prompt deploy --all

worker: setup
	$(PREFECT) worker start --pool $(POOL)

nightly-now: setup
	$(PREFECT) deployment run ofsted-ingest/nightly

# make reprocess PATTERN='stockton_*.pdf'  (no PATTERN: every document in data/raw)
reprocess: setup
	$(PREFECT) deployment run ofsted-reprocess/reprocess $(if $(PATTERN),--param pattern='$(PATTERN)')

clean:
	rm -rf $(VENV) .prefect data/processed/*.duckdb data/processed/*.wal
