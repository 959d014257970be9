"""A chargeback the factor takes from the reserve it holds on other open invoices.

Summit advances 80% with a flat 2% fee at purchase: INV-1 (1,000.00) is funded
780.00 and holds 200.00; INV-2 (5,000.00) is funded 3,900.00 and holds 1,000.00.
INV-1 is charged back on June 20: Receivable +1,000.00, Reserve -200.00, Clearing
-800.00 owed. Summit does not ask for the 800.00: it keeps it out of INV-2's
reserve (Clearing +800.00, Reserve -800.00), so INV-2 holds 200.00, and its
release after TQL pays brings 200.00, not 1,000.00.
"""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

from beancount import loader

from beancount_factoring.reports import compute

from ledgers import OPENS, balance, codes, legs, load, txn

D = Decimal
RESERVE = "Assets:Factoring:Summit:Reserve"
CLEARING = "Assets:Factoring:Summit:Clearing"

SUMMIT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking          780.00 USD
  Assets:Factoring:Summit:Clearing

2025-05-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        5000.00 USD
  Income:Freight

2025-05-02 * "SUMMIT FUNDING" "ACH INV-2" ^INV-2
  Assets:Bank:Checking         3900.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-20 * "Summit" "Recourse INV-1" ^INV-1
  factoring: "chargeback"

2025-06-21 * "Summit" "Chargeback taken from reserve" ^INV-1
  Assets:Factoring:Summit:Clearing    800.00 USD
  Assets:Factoring:Summit:Reserve    -800.00 USD

2025-06-25 * "TQL" "TQL paid Summit" ^INV-2
  factoring: "collected"
"""

RELEASE = """
2025-06-30 * "SUMMIT FUNDING" "Reserve release INV-2" ^INV-2
  Assets:Bank:Checking          {amount} USD
  Assets:Factoring:Summit:Clearing
"""


def reports(text: str):
    source = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + text
    entries, errors, options_map = loader.load_string(textwrap.dedent(source))
    return compute(entries, options_map, errors)


def test_the_chargeback_taken_from_the_reserve_nets_it_with_no_error():
    entries, errors = load(SUMMIT)
    assert errors == []
    taken = txn(entries, "Chargeback taken from reserve")
    assert taken.links == frozenset({"INV-1"})
    # Before the release: the chargeback is netted, the reserve holds INV-2's 200.00.
    assert balance(entries, CLEARING) == 0
    assert balance(entries, RESERVE) == D("200.00")


def test_the_other_invoices_release_brings_what_is_left():
    entries, errors = load(SUMMIT + RELEASE.format(amount="200.00"))
    assert errors == []
    assert legs(txn(entries, "Reserve release INV-2")) == [
        ("Assets:Bank:Checking", D("200.00"), None, None),
        (RESERVE, D("-200.00"), "INV-2", "reserve-release"),
    ]
    assert balance(entries, RESERVE) == 0
    assert balance(entries, CLEARING) == 0
    # The whole reserve released, as before the change, is now 800.00 too much.
    _, errors = load(SUMMIT + RELEASE.format(amount="1000.00"))
    assert codes(errors) == ["FCT140"]


def test_the_reserve_report_shows_what_was_taken_as_kept():
    book = reports(SUMMIT)
    (factor,) = book.reserve(as_of=datetime.date(2025, 6, 22)).factors
    assert (factor.held, factor.account_balance, factor.unexplained) == (
        D("200.00"),
        D("200.00"),
        0,
    )
    lines = {line.invoice: line for line in factor.invoices}
    two = lines["INV-2"]
    # 1,000.00 held back at funding, 800.00 kept for INV-1's chargeback, 200.00 due back.
    assert (two.reserve, two.held, two.due_back) == (D("1000.00"), D("200.00"), D("200.00"))
    assert (two.forfeited, two.forfeit_reason) == (D("800.00"), "chargeback")
    # Nothing is left open on the clearing account.
    (account,) = book.reconcile(as_of=datetime.date(2025, 6, 22)).accounts
    assert account.items == () and account.balance == 0


def test_the_oldest_funded_invoices_give_first():
    # INV-3 (2,500.00, reserve 500.00) funded May 11, INV-0 (500.00, reserve 100.00)
    # April 2: INV-0 gives its 100.00, INV-2 the other 700.00 (releasing 300.00), INV-3
    # nothing.
    more = """
2025-04-01 * "TQL" "Load 0"
  invoice: "INV-0"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight

2025-04-02 * "SUMMIT FUNDING" "ACH INV-0" ^INV-0
  Assets:Bank:Checking          390.00 USD
  Assets:Factoring:Summit:Clearing

2025-05-10 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        2500.00 USD
  Income:Freight

2025-05-11 * "SUMMIT FUNDING" "ACH INV-3" ^INV-3
  Assets:Bank:Checking         1950.00 USD
  Assets:Factoring:Summit:Clearing
"""
    text = SUMMIT.replace("2025-06-20 *", more + "\n2025-06-20 *", 1)
    entries, errors = load(text + RELEASE.format(amount="300.00"))
    assert errors == []
    # INV-3's 500.00 is all that is left held.
    assert balance(entries, RESERVE) == D("500.00")
    (factor,) = reports(text).reserve(as_of=datetime.date(2025, 6, 22)).factors
    held = {line.invoice: line.held for line in factor.invoices}
    assert held == {"INV-0": 0, "INV-1": 0, "INV-2": D("300.00"), "INV-3": D("500.00")}
    assert factor.unexplained == 0


def test_more_than_the_chargeback_owes_is_not_read_so():
    # The chargeback owes 800.00; a netting of 1,000.00 from the reserve is not it.
    text = SUMMIT.replace("Clearing    800.00 USD", "Clearing   1000.00 USD").replace(
        "Reserve    -800.00", "Reserve   -1000.00"
    )
    _, errors = load(text)
    assert "FCT120" in codes(errors)


def test_a_release_written_on_the_reserve_account_is_not_a_netting():
    # Cash in against the reserve: the release of INV-2 (after TQL paid), as before.
    text = (
        SUMMIT.replace(
            """2025-06-21 * "Summit" "Chargeback taken from reserve" ^INV-1
  Assets:Factoring:Summit:Clearing    800.00 USD
  Assets:Factoring:Summit:Reserve    -800.00 USD
""",
            "",
        )
        + """
2025-06-30 * "SUMMIT FUNDING" "Release less recourse" ^INV-2 ^INV-1
  factoring: "release"
  Assets:Bank:Checking          200.00 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, RESERVE) == 0
    assert balance(entries, CLEARING) == 0
