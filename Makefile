# The commands a newcomer uses. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The demo: a year of a carrier's books, made by the importers from its downloads.
LEDGER := example_ledger/year/main.beancount
# The second example (a Finnish workshop, bank-run factoring, VAT), reachable from
# Fava's ledger switcher.
EUROPE := example_ledger/europe/main.beancount
# The third example (a cross-border carrier: loan model, USD and CAD, fuel advances, a
# buyout, a credit loss, monthly minimums).
CROSSBORDER := example_ledger/crossborder/main.beancount
LEDGERS := $(LEDGER) $(EUROPE) $(CROSSBORDER)
# The quarter the guides and tutorials use.
TUTORIAL := example_ledger/main.beancount
HOST ?= 127.0.0.1
PORT ?= 5000

# make fuzz: each fuzz target runs for FUZZ_SECONDS (then the importers read files of a
# million rows); the cases per target and the memory figures go to FUZZ_REPORT, and a
# failing case's input to FUZZ_FINDINGS (docs/reliability.md).
FUZZ_SECONDS ?= 60
FUZZ_REPORT ?= fuzz-report.json
FUZZ_TARGETS := tests/fuzz tests/fava/test_fava_hostile.py

.PHONY: demo test lint check bench fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: check
	@echo "Opening the example ledgers in Fava: http://$(HOST):$(PORT)/ (switch ledgers at the top left)"
	$(BIN)/fava --host $(HOST) --port $(PORT) $(LEDGERS)

check: $(STAMP)
	$(BIN)/bean-check $(LEDGER)
	$(BIN)/bean-check $(EUROPE)
	$(BIN)/bean-check $(CROSSBORDER)
	$(BIN)/bean-check $(TUTORIAL)

test: $(STAMP)
	$(BIN)/python -m pytest

# Ratios of bean-check with the plugin to plain Beancount at 1k, 10k and 100k
# invoices, on the dense and the diluted ledger (about 20 minutes; see benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# About 5 minutes plus FUZZ_SECONDS for each of the 8 targets; `make fuzz FUZZ_SECONDS=10`
# for a quicker run. CI runs the short version of the same targets, in `make test`.
fuzz: $(STAMP)
	rm -f $(FUZZ_REPORT)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_REPORT=$(FUZZ_REPORT) $(BIN)/python -m pytest $(FUZZ_TARGETS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
