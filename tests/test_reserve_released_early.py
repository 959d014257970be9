"""Part of a reserve released before the customer pays (an advance on the reserve).

Summit (80%, flat 2% at purchase) funds INV-2 (5,000.00) 3,900.00 and holds 1,000.00.
On June 10, before TQL pays, Summit releases 400.00 of that reserve at the client's
request. TQL pays on June 25; the release of June 30 brings the other 600.00.

Before, the early release was FCT133 ("the debtor has not paid the factor yet ...
correct one of the two dates"), with no way to book it, and the later release of 600.00
was FCT120 (expected 1,000.00). Marked `partial: TRUE`, it now takes 400.00 off what
INV-2 holds: Reserve +1,000.00 - 400.00 - 600.00 = 0.00, Bank 3,900.00 + 400.00 + 600.00.
"""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

from beancount import loader

from beancount_factoring.reports import compute

from ledgers import OPENS, balance, codes, load

D = Decimal
RESERVE = "Assets:Factoring:Summit:Reserve"
CLEARING = "Assets:Factoring:Summit:Clearing"

LEDGER = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-05-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        5000.00 USD
  Income:Freight

2025-05-02 * "SUMMIT FUNDING" "ACH INV-2" ^INV-2
  Assets:Bank:Checking         3900.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-10 * "SUMMIT FUNDING" "Reserve advance" ^INV-2
  factoring: "release"{partial}
  Assets:Bank:Checking          {early} USD
  Assets:Factoring:Summit:Reserve
"""
LATER = """
2025-06-25 * "TQL" "TQL paid Summit" ^INV-2
  factoring: "collected"

2025-06-30 * "SUMMIT FUNDING" "Rest of the reserve" ^INV-2
  Assets:Bank:Checking          {rest} USD
  Assets:Factoring:Summit:Clearing
"""
PARTIAL = "\n  partial: TRUE"


def test_unmarked_the_early_release_says_how_to_book_it():
    _, errors = load(LEDGER.format(partial="", early="400.00"))
    assert codes(errors) == ["FCT133"]
    assert "partial: TRUE" in errors[0].message


def test_marked_partial_it_takes_part_of_the_reserve_and_the_release_brings_the_rest():
    text = LEDGER.format(partial=PARTIAL, early="400.00")
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, RESERVE) == D("600.00")
    entries, errors = load(text + LATER.format(rest="600.00"))
    assert errors == []
    assert balance(entries, RESERVE) == 0
    assert balance(entries, CLEARING) == 0
    assert balance(entries, "Assets:Bank:Checking") == D("4900.00")
    # The whole 1,000.00 at the release is 400.00 too much.
    _, errors = load(text + LATER.format(rest="1000.00"))
    assert codes(errors) == ["FCT140"]


def test_the_reserve_report_shows_what_is_left_held():
    text = LEDGER.format(partial=PARTIAL, early="400.00")
    source = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + text
    entries, errors, options_map = loader.load_string(source)
    assert errors == []
    (factor,) = (
        compute(entries, options_map, errors).reserve(as_of=datetime.date(2025, 6, 12)).factors
    )
    (line,) = factor.invoices
    assert (line.reserve, line.held) == (D("1000.00"), D("600.00"))
    assert factor.unexplained == 0


def test_more_than_the_reserve_held_is_refused():
    _, errors = load(LEDGER.format(partial=PARTIAL, early="1200.00"))
    assert codes(errors) == ["FCT140"]
    assert "1,000.00" in errors[0].message


def test_on_the_clearing_account_marked_release_and_settled_again():
    # The same release written to the clearing account, marked a release; and the
    # plugin's output settled again as the reports settle a cached load.
    from beancount_factoring.ledger.book import read_book
    from beancount_factoring.reports.facts import plugin_config, roots_of
    from beancount_factoring.settlement.engine import settle

    text = LEDGER.format(partial=PARTIAL, early="400.00") + LATER.format(rest="600.00")
    for account in ("Reserve", "Clearing"):
        body = text.replace(
            "  Assets:Bank:Checking          400.00 USD\n  Assets:Factoring:Summit:Reserve",
            f"  Assets:Bank:Checking          400.00 USD\n  Assets:Factoring:Summit:{account}",
        )
        source = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + body
        entries, errors, options = loader.load_string(source)
        assert errors == []
        assert balance(entries, RESERVE) == 0 and balance(entries, CLEARING) == 0
        config, _ = plugin_config(options)
        again = settle(read_book(entries, roots_of(options)), config)
        assert again.errors == []


def test_a_deposit_to_clearing_unmarked_says_how_to_book_it():
    text = (
        LEDGER.format(partial="", early="400.00")
        .replace('  factoring: "release"\n', "")
        .replace("Summit:Reserve\n", "Summit:Clearing\n")
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT130"]
    assert 'factoring: "release"' in errors[0].message and "partial: TRUE" in errors[0].message


def test_two_invoices_on_one_early_release_are_refused():
    text = (
        LEDGER.format(partial=PARTIAL, early="400.00").replace(
            '"Reserve advance" ^INV-2', '"Reserve advance" ^INV-2 ^INV-3'
        )
        + """
2025-05-01 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-05-02 * "SUMMIT FUNDING" "ACH INV-3" ^INV-3
  Assets:Bank:Checking          780.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    _, errors = load(text)
    assert "FCT133" in codes(errors)
    assert any("links alone" in e.message for e in errors)
