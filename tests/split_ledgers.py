"""Ledgers written as a main file and an included one, with the plugin line in either,
both or neither, for the tests of a load the factoring plugin did not run in.

Summit buys INV-1 (1000.00) on 01-05 at 95% less a flat 2%: the deposit is
1000.00 x 0.95 - 1000.00 x 0.02 = 930.00, and the reserve 1000.00 x 0.05 = 50.00,
which the plugin books to Assets:Factoring:Summit:Reserve. Every account is opened,
so that the ledger checks clean without the plugin too (the silent case).
"""

from __future__ import annotations

from pathlib import Path

PLUGIN_LINE = 'plugin "beancount_factoring.plugin"\n'
AGREEMENT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking
"""
BOOKS = """
2025-01-01 custom "fava-extension" "beancount_factoring.fava"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Acme
2025-01-01 open Income:Freight
2025-01-01 open Assets:Factoring:Summit:Clearing
2025-01-01 open Assets:Factoring:Summit:Reserve

2025-01-02 * "Acme Corp" "Load 1"
  invoice: "INV-1"
  due: 2025-02-01
  Assets:Receivable:Acme        1000.00 USD
  Income:Freight

2025-01-05 * "SUMMIT" "Advance" ^INV-1
  Assets:Bank:Checking           930.00 USD
  Assets:Factoring:Summit:Clearing
"""
INCLUDE = 'include "factoring.beancount"\n'
# Where the plugin line is: (the main file's head, the included file's head).
LAYOUTS = {
    # The line moved into the included file: Beancount skips it without a word.
    "included": (INCLUDE, PLUGIN_LINE),
    # In the main file after its include: Beancount runs it (no alarm).
    "after-include": (INCLUDE + PLUGIN_LINE, ""),
    # In both: the main file's runs, once; the included one is skipped.
    "both": (PLUGIN_LINE + INCLUDE, PLUGIN_LINE),
    "none": (INCLUDE, ""),
    # The package, not its plugin module: Beancount imports it, finds no plugin in it
    # and goes on without a word.
    "package": ('plugin "beancount_factoring"\n' + INCLUDE, ""),
    # A module that does not exist: Beancount's import error.
    "misspelt": ('plugin "beancount_factoring.plugins"\n' + INCLUDE, ""),
}


def write_split(folder: Path, layout: str, title: str = "Split books") -> Path:
    """The main file (returned) and factoring.beancount, the plugin line as ``layout`` says."""
    main_head, included_head = LAYOUTS[layout]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "factoring.beancount").write_text(included_head + AGREEMENT, encoding="utf-8")
    main = folder / "main.beancount"
    head = f'option "title" "{title}"\noption "operating_currency" "USD"\n'
    main.write_text(head + main_head + BOOKS, encoding="utf-8")
    return main
