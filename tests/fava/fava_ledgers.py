"""Ledgers for the Fava page tests, and Fava's app for them."""

from __future__ import annotations

from pathlib import Path

from fava.application import create_app
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
# The tutorial quarter, which the docs use.
EXAMPLE = ROOT / "example_ledger" / "main.beancount"
EXAMPLE_SLUG = "ridgeline-freight-llc"
# What `make demo` opens (the Makefile's LEDGERS): the year's books, whose title (and so
# its slug) is the tutorial's, then the European example.
YEAR = ROOT / "example_ledger" / "year" / "main.beancount"
EUROPE = ROOT / "example_ledger" / "europe" / "main.beancount"
CROSSBORDER = ROOT / "example_ledger" / "crossborder" / "main.beancount"
DEMO = (YEAR, EUROPE, CROSSBORDER)
YEAR_SLUG = EXAMPLE_SLUG

# Two factors; the invoice's payee and customer are markup, to check the pages' escaping
# (so the plugin's FCT191 for markup Fava's journal would render is switched off).
HOSTILE = "<script>alert(1)</script>"
SMALL = """\
option "title" "{title}"
option "operating_currency" "USD"
plugin "beancount_factoring.plugin" "{{'disable': ['FCT191']}}"
{extension}

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Acme
2025-01-01 open Assets:Receivable:Hostile
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  release-days: 10
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "flat 1%"
  recourse-days: 60
  bank: Assets:Bank:Checking

2025-01-02 * "Acme Corp" "Load 1"
  invoice: "INV-1"
  due: 2025-02-01
  Assets:Receivable:Acme        1000.00 USD
  Income:Freight

2025-01-03 * "{hostile}" "Load 2"
  invoice: "INV-2"
  customer: "{hostile}"
  due: 2025-02-02
  Assets:Receivable:Hostile     2000.00 USD
  Income:Freight

2025-01-04 * "Acme Corp" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:Acme         500.00 USD
  Income:Freight

2025-01-05 * "SUMMIT" "Advance" ^INV-1 ^INV-2
  Assets:Bank:Checking          2790.00 USD
  Assets:Factoring:Summit:Clearing

2025-01-06 * "HARBOR" "Advance" ^INV-3
  Assets:Bank:Checking           445.00 USD
  Assets:Factoring:Harbor:Clearing

2025-02-10 * "Acme Corp" "Paid Summit" ^INV-1
  factoring: "collected"
"""

EXTENSION = '2025-01-01 custom "fava-extension" "beancount_factoring.fava"'
SMALL_SLUG = "factoring-pages"
BAD_TITLE = "Bad config"


def write_small(
    directory: Path,
    config: str | None = None,
    name: str = "small.beancount",
    title: str = "Factoring pages",
) -> Path:
    """The small ledger, with the extension and an optional config string."""
    extension = EXTENSION if config is None else f"{EXTENSION} {config}"
    path = directory / name
    text = SMALL.format(extension=extension, hostile=HOSTILE, title=title)
    path.write_text(text, encoding="utf-8")
    return path


# The README's first example, with the deposit $25.00 short: FCT120 on line 22.
OWN = """\
option "title" "Own Books"
option "operating_currency" "USD"
plugin "beancount_factoring.plugin"
2025-01-01 custom "fava-extension" "beancount_factoring.fava"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight:Linehaul

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight:Linehaul

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking         1810.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-10 balance Assets:Bank:Checking  1810.00 USD
"""
OWN_SLUG = "own-books"


def write_own(directory: Path) -> Path:
    """A ledger of one's own: a deposit that disagrees with the agreement."""
    path = directory / "main.beancount"
    path.write_text(OWN, encoding="utf-8")
    return path


FINNISH_SLUG = "ridgeline-in-finnish"


def write_finnish(directory: Path) -> Path:
    """The tutorial under Fava's ``fi_FI`` locale (1 234,00), titled apart."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'option "title" "Ridgeline Freight LLC"', 'option "title" "Ridgeline in Finnish"'
    )
    path = directory / "finnish.beancount"
    path.write_text(text + '\n2025-01-01 custom "fava-option" "locale" "fi_FI"\n', "utf-8")
    return path


SIX_SLUG = "six-factors"
SIX_FACTORS = ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir")


def write_six(directory: Path) -> Path:
    """Six factors, each buying one 1,000.00 USD invoice in January at a flat fee of its
    rank in percent (Alder 1% = 10.00 ... Fir 6% = 60.00): more factors than Fava's bar
    chart draws keys."""
    lines = [
        'option "title" "Six Factors"',
        'option "operating_currency" "USD"',
        'plugin "beancount_factoring.plugin"',
        EXTENSION,
        "2025-01-01 open Assets:Bank:Checking",
        "2025-01-01 open Assets:Receivable:Acme",
        "2025-01-01 open Income:Freight",
    ]
    for rank, name in enumerate(SIX_FACTORS, 1):
        lines += [
            f'2025-01-01 custom "factoring-agreement" "{name}"',
            "  advance-rate: 0.90",
            f'  fee: "flat {rank}%"',
            "  recourse-days: 90",
            "  bank: Assets:Bank:Checking",
            f'2025-01-{rank + 1:02d} * "Acme Corp" "Load {rank}"',
            f'  invoice: "INV-{rank}"',
            "  Assets:Receivable:Acme  1000.00 USD",
            "  Income:Freight",
            # The advance: 900.00 less the fee, taken at purchase.
            f'2025-01-{rank + 10:02d} * "{name.upper()}" "Advance" ^INV-{rank}',
            f"  Assets:Bank:Checking  {900 - 10 * rank}.00 USD",
            f"  Assets:Factoring:{name}:Clearing",
        ]
    path = directory / "six.beancount"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_app(*paths: Path) -> Flask:
    """Fava's app for these ledgers, loaded, for its test client."""
    app = create_app([str(p) for p in paths], load=True)
    app.testing = True
    return app
