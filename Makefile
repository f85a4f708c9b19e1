# krlib — two commands on a fresh machine: `make report` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.krlib-installed
FY ?= 2568
Q ?= 2
DEMO := data/demo
OUT ?= reports
WORKERS ?=
PYTEST_ARGS ?=

.PHONY: venv system demo-data report indicators test bench clean help

help:
	@echo "make report   - set up (first time) and render the demo quarter $(FY)-Q$(Q)"
	@echo "make test     - set up (first time) and run the whole test suite"
	@echo "make bench    - speed and memory benchmarks (not part of make test)"

# Python packages from PyPI into .venv; re-run only when pyproject.toml changes.
venv: $(STAMP)
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# Debian packages (Chromium for PDFs, poppler for PDF tests); instant when present.
system:
	@bash scripts/setup-system.sh

$(DEMO)/.stamp: $(STAMP) src/krlib/demo.py
	rm -rf $(DEMO)
	$(BIN)/krlib demo-data $(DEMO)
	touch $@
demo-data: $(DEMO)/.stamp

indicators: demo-data
	$(BIN)/krlib indicators --data $(DEMO) --fiscal-year $(FY) --quarter $(Q) --out $(OUT)/$(FY)-Q$(Q)

report: venv system demo-data
	$(BIN)/krlib report --data $(DEMO) --fiscal-year $(FY) --quarter $(Q) --district all \
	  --format html,pdf --out $(OUT) $(if $(WORKERS),--workers $(WORKERS))

test: venv system
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: venv system
	$(BIN)/python bench/run.py

clean:
	rm -rf $(DEMO) $(OUT)/*/ .pytest_cache
