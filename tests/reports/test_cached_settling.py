"""A report of a load from Beancount's pickle cache is the report of the plugin's run.

The plugin's run is left out of Beancount's cache (``settlement/history.py``), so a
report of a cached load settles the entries the plugin returned once more: what the
plugin wrote into them (the links it adds, the legs it parks on the clearing account)
must not read as something else the second time.
"""

from __future__ import annotations

import datetime
import pickle
from decimal import Decimal
from typing import Any

import pytest
from beancount import loader

from beancount_factoring.reports import compute
from beancount_factoring.reports.render import FORMATS, render
from beancount_factoring.settlement import history

D = Decimal
DAY = datetime.date

SUMMIT = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  fee-timing: "collection"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load"
  invoice: "INV-1"
  Assets:Receivable:TQL         2000.00 USD
  Income:Freight
"""

# TQL pays us the factor's invoice before Summit funds it; the deposit names the
# schedule alone, so it funds the invoice (1,800.00) and the 2,000.00 is forwarded
# apart, on 03-08. The plugin adds ^INV-1 to the deposit it splits.
FORWARDED = (
    SUMMIT
    + """
2025-03-04 * "Summit" "Schedule 1" ^INV-1
  factoring: "schedule"
  schedule: "1"

2025-03-06 * "TQL" "TQL paid us" ^INV-1
  factoring: "misdirected-payment"
  Assets:Bank:Checking          2000.00 USD

2025-03-07 * "SUMMIT FUNDING" "ACH deposit" ^sched-1
  Assets:Bank:Checking          1800.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-08 * "SUMMIT FUNDING" "Forward" ^INV-1
  Liabilities:Factoring:Summit:DueToFactor   2000.00 USD
  Assets:Bank:Checking
"""
)

# The same, but the deposit links the invoice: it nets the 2,000.00 owed with the
# funding (1,800.00 - 2,000.00 = -200.00 on the bank), and nothing is forwarded.
NETTED = (
    SUMMIT
    + """
2025-03-04 * "Summit" "Schedule 1" ^INV-1
  factoring: "schedule"
  schedule: "1"

2025-03-06 * "TQL" "TQL paid us" ^INV-1
  factoring: "misdirected-payment"
  Assets:Bank:Checking          2000.00 USD

2025-03-07 * "SUMMIT FUNDING" "ACH deposit" ^sched-1 ^INV-1
  Assets:Bank:Checking          -200.00 USD
  Assets:Factoring:Summit:Clearing
"""
)

# Summit takes short pays from its next funding: TQL pays 1,950.00 of 2,000.00, so 50.00
# is owed on the clearing account. The funding: 2,000.00 x 80% - 2% fee 40.00 = 1,560.00.
# The rebate of 04-03 (no link) is the reserve alone, 2,000.00 x 20% = 400.00, matched to
# INV-1's release, which the plugin then links to INV-1; the 50.00 stays owed (netted
# from a later funding).
SHORT_PAY = (
    SUMMIT.replace('  fee-timing: "collection"\n', '  fee-timing: "purchase"\n  release-days: 0\n')
    .replace("advance-rate: 0.90", "advance-rate: 0.80")
    .replace('  payee: "SUMMIT', '  short-pay-from: "funding"\n  payee: "SUMMIT')
    + """
2025-03-04 * "Summit" "Schedule 1" ^INV-1
  factoring: "schedule"
  schedule: "1"

2025-03-05 * "SUMMIT FUNDING" "ACH deposit" ^sched-1
  Assets:Bank:Checking          1560.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-01 * "Summit" "Paid INV-1" ^INV-1
  factoring: "collected"
  paid: 1950.00 USD

2025-04-03 * "SUMMIT FUNDING" "Reserve rebate"
  Assets:Bank:Checking          400.00 USD
  Assets:Factoring:Summit:Reserve
"""
)

# RTS's invoice charged back by an entry whose payee names Summit, 27 days after the
# funding (before RTS's 90 recourse days): FCT137, a disagreement with RTS.
TWO_FACTORS = (
    SUMMIT
    + """
2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 0.90
  fee: "flat 2%"
  fee-timing: "collection"
  recourse-days: 90
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking

2025-03-04 * "RTS" "Schedule 1" ^INV-1
  factoring: "schedule"
  schedule: "1"

2025-03-05 * "RTS FINANCIAL" "ACH deposit" ^sched-1
  Assets:Bank:Checking          1800.00 USD
  Assets:Factoring:RTS:Clearing

2025-04-01 * "Summit" "Recourse INV-1" ^INV-1
  factoring: "chargeback"
"""
)

# A fuel advance the plugin cannot book (its load names no invoice yet, and it names
# neither): FCT134, its 780.00 parked on the clearing account as a deposit difference.
FUEL = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 0.97
  fee: "flat 2.5%"
  fuel-advance-rate: 0.40
  fuel-advance-fee: "2.5%"
  recourse-days: 90
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking

2025-03-01 * "RTS FINANCIAL" "Fuel advance"
  factoring: "fuel-advance"
  Assets:Bank:Checking                   780.00 USD

2025-03-03 * "TQL" "Load"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight
"""


def _loads(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The load with the plugin's run, and the same load read back from Beancount's
    cache (which pickles entries, errors and options together)."""
    monkeypatch.setattr(history, "_wanted", True)
    loaded = loader.load_string(text)
    assert isinstance(loaded[2][history.RUN_KEY], history.PluginRun)
    cached = pickle.loads(pickle.dumps(loaded, pickle.HIGHEST_PROTOCOL))
    assert cached[2][history.RUN_KEY] is None
    return loaded, cached


def _books(text: str, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    return [compute(e, o, errs) for e, errs, o in _loads(text, monkeypatch)]


def _every_report(book: Any, as_of: datetime.date) -> list[str]:
    reports = (
        book.reserve(as_of),
        book.aging(as_of),
        book.aging(as_of, basis="due"),
        book.cost(as_of),
        book.compare(as_of),
        book.reconcile(as_of),
    )
    return [render(report, fmt) for report in reports for fmt in FORMATS]


def _items(book: Any, as_of: datetime.date) -> list[tuple[str, str, Decimal]]:
    report = book.reconcile(as_of)
    return [
        (item.kind, item.reference, item.on_clearing, item.cash)
        for account in report.accounts
        for item in account.items
    ]


def test_a_misdirected_payment_forwarded_apart_is_owed_until_its_forward(monkeypatch):
    run, cached = _books(FORWARDED, monkeypatch)
    for book in (run, cached):
        # On 03-07, after the funding: the 2,000.00 TQL paid us is still the factor's.
        assert _items(book, DAY(2025, 3, 7)) == [
            ("payment to forward", "INV-1", D("0.00"), D("-2000.00"))
        ]
        (invoice,) = book.aging(DAY(2025, 3, 7)).invoices
        assert invoice.state == "paid to us, owed to factor"
        # Forwarded on 03-08: nothing open.
        assert _items(book, DAY(2025, 3, 8)) == []
    for day in (DAY(2025, 3, 6), DAY(2025, 3, 7), DAY(2025, 3, 8)):
        assert _every_report(cached, day) == _every_report(run, day)


def test_a_deposit_that_links_the_invoice_nets_the_payment_either_way(monkeypatch):
    run, cached = _books(NETTED, monkeypatch)
    for book in (run, cached):
        assert _items(book, DAY(2025, 3, 7)) == []
    for day in (DAY(2025, 3, 6), DAY(2025, 3, 7)):
        assert _every_report(cached, day) == _every_report(run, day)


def test_a_release_matched_to_an_invoice_owing_a_short_pay_leaves_it_owed(monkeypatch):
    run, cached = _books(SHORT_PAY, monkeypatch)
    assert not run.facts.errors
    for book in (run, cached):
        assert _items(book, DAY(2025, 4, 3)) == [
            ("short pay to net", "INV-1", D("-50.00"), D("-50.00"))
        ]
        assert book.reconcile(DAY(2025, 4, 3)).ok
    assert _every_report(cached, DAY(2025, 4, 3)) == _every_report(run, DAY(2025, 4, 3))


def test_a_disagreement_is_the_factors_that_held_the_invoice(monkeypatch):
    run, cached = _books(TWO_FACTORS, monkeypatch)
    for book in (run, cached):
        report = book.reconcile(DAY(2025, 4, 1))
        assert [(d.code, d.factor) for d in report.disagreements] == [("FCT137", "RTS")]
        assert len(book.reconcile(DAY(2025, 4, 1), factor="RTS").disagreements) == 1
        assert not book.reconcile(DAY(2025, 4, 1), factor="Summit").disagreements
    assert _every_report(cached, DAY(2025, 4, 1)) == _every_report(run, DAY(2025, 4, 1))


def test_a_refused_fuel_advance_stays_a_deposit_difference(monkeypatch):
    run, cached = _books(FUEL, monkeypatch)
    for book in (run, cached):
        report = book.reconcile(DAY(2025, 3, 3))
        (account,) = report.accounts
        # The 780.00 received, parked on the clearing account: explained by its item.
        assert (account.balance, account.explained, account.unexplained) == (
            D("-780.00"),
            D("-780.00"),
            D("0.00"),
        )
        assert [item.kind for item in account.items] == ["deposit difference"]
    assert _every_report(cached, DAY(2025, 3, 3)) == _every_report(run, DAY(2025, 3, 3))
