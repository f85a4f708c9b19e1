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
# pytest-xdist processes for make test / test-fast (0 = one process). The fast tests took
# 77 s of pytest with -n 2 on the quiet 2-core machine before the cuts of issue 25 (no
# browser, a quarter of the hypothesis examples): 29 % less CPU since (141 s vs 199 s in one
# process, measured on a shared machine), so about 55 s; the slow ones ~2.7 min. Under heavy
# load from other jobs one process can be faster: JOBS=0 then.
JOBS ?= 2
LAB_PORT ?= 8888
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: venv system demo-data report indicators lint test test-fast lab docs bench clean help

help:
	@echo "make report    - set up (first time) and render the demo quarter $(FY)-Q$(Q)"
	@echo "make test      - set up (first time) and run the whole test suite"
	@echo "make test-fast - unit and property tests only (no notebooks, no browser)"
	@echo "make lint      - ruff (src, tests, bench) and mypy --strict (src/krlib); make test runs it first"
	@echo "make lab       - JupyterLab on 127.0.0.1:$(LAB_PORT) with notebooks/ (saves strip outputs)"
	@echo "make docs      - API reference (pdoc) into build/docs/"
	@echo "make bench     - speed and memory benchmarks (not part of make test)"

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

# Lint and type check first: a finding fails the build before the (slow) tests start.
# mypy reads its files and options from pyproject.toml's [tool.mypy].
lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: venv system lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

test-fast: venv system lint
	$(BIN)/python -m pytest -m "not slow" -n $(JOBS) --dist loadfile -q $(PYTEST_ARGS)

# The analysts' JupyterLab: the repo's jupyter_server_config.py (serves notebooks/ on
# 127.0.0.1, strips outputs on save); setup-system.sh installs the Thai browser fonts;
# the notebooks' data_dir is ../data/demo, so the demo drop is made first when missing.
lab: venv system demo-data
	$(BIN)/jupyter lab --config=jupyter_server_config.py --ServerApp.port=$(LAB_PORT) $(ROOT_FLAG)

# The docstrings are reST-ish (``code``, :class:`x`, "Example::" blocks): pdoc's
# restructuredtext docformat, plus scripts/pdoc/ for the two details pdoc leaves raw.
# tests/test_docs.py builds with the same PDOC_FLAGS (read from here).
PDOC_FLAGS := --docformat restructuredtext -t scripts/pdoc
docs: venv
	rm -rf build/docs
	$(BIN)/pdoc $(PDOC_FLAGS) -o build/docs krlib $$($(BIN)/python -c \
	  "import pkgutil, krlib; print(*sorted('krlib.' + m.name for m in pkgutil.iter_modules(krlib.__path__)))")
	@echo "API reference: build/docs/index.html"

bench: venv system
	$(BIN)/python bench/run.py

clean:
	rm -rf $(DEMO) $(OUT)/*/ .pytest_cache .mypy_cache .ruff_cache
