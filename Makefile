# OneVisit — `make run` starts the whole stack on embedded defaults; `make test` runs the suite.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PACKAGES := shared gateway catalog-svc intake-svc dispatch-svc notify-svc simulator
STAMP := $(VENV)/.installed

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt $(addsuffix /pyproject.toml,$(PACKAGES))
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "OneVisit needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps $(addprefix -e ,$(PACKAGES))
	touch $(STAMP)

setup: $(STAMP) ## create the virtual environment and install every package

run: setup ## migrate, seed the catalog and start nats-server, the five services and the simulator
	$(BIN)/python -m onevisit.devstack

test: setup ## run the whole test suite (unit, service and end-to-end) on real NATS and databases
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared/onevisit

bench: setup ## run the benchmarks and print the figures (see docs/performance.md)
	$(BIN)/python -m benchmarks $(BENCH)

clean: ## remove the virtual environment and the embedded data under var/
	rm -rf $(VENV) var

.PHONY: help setup run test lint bench clean
