# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

SOURCE    ?= data/incoming
WAREHOUSE ?= data/warehouse
GOLD      ?= tests/fixtures/gold
DEV_ARTICLES ?= ../shared/dev/articles
DEV_GOLD     ?= ../shared/dev/gold
PREFECT_PORT ?= 4200
SERVE_ARGS   ?=

.PHONY: venv run test eval eval-dev clean-warehouse server serve bench

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt --editable ".[test]"
	touch $(STAMP)

run: $(STAMP)  ## run the ingest flow on the sample articles (embedded Prefect, no server)
	$(BIN)/khanij run --source $(SOURCE) --warehouse $(WAREHOUSE)

test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest

eval: $(STAMP)  ## score the warehouse against the gold annotations of the samples
	$(BIN)/khanij eval --gold $(GOLD) --warehouse $(WAREHOUSE)

eval-dev: $(STAMP)  ## run the pipeline on the dev articles into a temporary warehouse and score it against their gold
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		$(BIN)/khanij run --source $(DEV_ARTICLES) --warehouse "$$tmp/warehouse" > "$$tmp/run.log" 2>&1 || { cat "$$tmp/run.log"; exit 1; } ; \
		grep -E "^  (articles|source)" "$$tmp/run.log"; \
		$(BIN)/khanij eval --gold $(DEV_GOLD) --warehouse "$$tmp/warehouse" --show-misses 10

server: $(STAMP)  ## a local Prefect server (SQLite in ~/.prefect), UI and API on http://127.0.0.1:$(PREFECT_PORT), loopback only
	PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_SERVER_API_HOST=127.0.0.1 PREFECT_SERVER_API_PORT=$(PREFECT_PORT) PREFECT_SERVER_DATABASE_TIMEOUT=30 \
		$(BIN)/prefect server start --host 127.0.0.1 --port $(PREFECT_PORT)

serve: $(STAMP)  ## serve the deployment ingest_articles/khanij-ingest to PREFECT_API_URL; SERVE_ARGS="--interval 900" adds a schedule
	$(BIN)/khanij serve $(SERVE_ARGS)

BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --constraint constraints.txt --editable ".[test,bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)  ## benchmark (about 15 min on 2 cores) -> bench/results.md, bench/throughput.png; BENCH_SIZES="1000 10000" for a short one
	$(BIN)/python -m bench.run

clean-warehouse:
	rm -rf $(WAREHOUSE)
