# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

SOURCE    ?= data/incoming
WAREHOUSE ?= data/warehouse
GOLD      ?= tests/fixtures/gold

.PHONY: venv run test eval clean-warehouse

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

clean-warehouse:
	rm -rf $(WAREHOUSE)
