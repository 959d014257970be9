"""Reports of a load from Beancount's cache tie out as the plugin's own run does.

Found by a sweep of the test corpus that set every report beside the ledger's own
balances, with the plugin's run kept (as the CLI and Fava load) and settled again (as a
load from Beancount's pickle cache, or ``compute`` after ``loader.load_file``, is):
the entries the plugin returned read back as something else in these cases, and the
reports of the cached load disagreed with the books in silence.
"""

from __future__ import annotations

import datetime
import pickle
from decimal import Decimal
from typing import Any

import pytest
from beancount import loader

from beancount_factoring.errors import make_error
from beancount_factoring.reports import compute
from beancount_factoring.reports import facts as facts_module
from beancount_factoring.reports.render import FORMATS, render
from beancount_factoring.settlement import history

D = Decimal
DAY = datetime.date

HEAD = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
"""


def _books(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The reports of the load with the plugin's run, and of the same load read back
    from Beancount's cache (which pickles entries, errors and options, not the run)."""
    monkeypatch.setattr(history, "_wanted", True)
    loaded = loader.load_string(text)
    assert not loaded[1], loaded[1]
    assert isinstance(loaded[2][history.RUN_KEY], history.PluginRun)
    cached = pickle.loads(pickle.dumps(loaded, pickle.HIGHEST_PROTOCOL))
    assert cached[2][history.RUN_KEY] is None
    run_book, cached_book = (compute(e, o, errs) for e, errs, o in (loaded, cached))
    return run_book, cached_book


def _every_report(book: Any, as_of: datetime.date) -> list[str]:
    reports = (
        book.reserve(as_of),
        book.aging(as_of),
        book.aging(as_of, basis="due"),
        book.cost(as_of),
        book.reconcile(as_of),
    )
    return [render(report, fmt) for report in reports for fmt in FORMATS]


def _held(book: Any, as_of: datetime.date) -> list[tuple[str, Decimal, Decimal]]:
    return [(f.factor, f.held, f.account_balance) for f in book.reserve(as_of).factors]


# Pinecrest buys Lakeshore out without links: INV-1 and the lien search Lakeshore
# charged apart (75.00). The plugin links both to the buyout it splits; read back, a
# buyout that links its invoices took none of the fees apart, so Pinecrest's deposit
# of 07-10, which nets the 75.00, matched nothing and INV-2 was never funded.
BUYOUT = (
    HEAD
    + """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 30
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "flat 3%"
  recourse-days: 0
  payee: "PINECREST"
  bank: Assets:Bank:Checking

2025-05-01 * "TQL" "INV-1"
  invoice: "INV-1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-05-02 * "LAKESHORE" "Purchase" ^INV-1
  Assets:Bank:Checking   1860.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-06-25 * "Lakeshore" "Lien search" ^fee-lake-june
  factoring: "fee"
  factor: "Lakeshore"
  charge: "other"
  amount: 75.00 USD

2025-07-01 * "Pinecrest Capital" "Buyout"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-07-05 * "TQL" "INV-2"
  invoice: "INV-2"
  Assets:Receivable:TQL   5000.00 USD
  Income:Freight

2025-07-10 * "PINECREST" "Funding less the lien search" ^INV-2 ^fee-lake-june
  Assets:Bank:Checking   4625.00 USD
  Assets:Factoring:Pinecrest:Clearing
"""
)


def test_a_buyout_read_back_takes_the_fees_apart_it_links(monkeypatch):
    run, cached = _books(BUYOUT, monkeypatch)
    day = DAY(2025, 7, 10)
    for book in (run, cached):
        # Pinecrest holds INV-1's reserve as moved at the buyout: Lakeshore's 5% of
        # 2,000.00 = 100.00 less Pinecrest's own 3% fee 60.00 = 40.00; and INV-2's 3% of
        # 5,000.00 = 150.00, funded on 07-10 (5,000.00 x 97% = 4,850.00 - 150.00 fee
        # - 75.00 lien search = 4,625.00 on the bank). 40.00 + 150.00 = 190.00.
        assert _held(book, day) == [
            ("Lakeshore", D("0.00"), D("0.00")),
            ("Pinecrest", D("190.00"), D("190.00")),
        ]
        # Both invoices with the factor: 2,000.00 + 5,000.00 = 7,000.00.
        (totals,) = book.aging(day).totals
        assert sum(totals.factored) == D("7000.00")
        report = book.reconcile(day)
        assert [(a.factor, a.balance, a.unexplained) for a in report.accounts] == [
            ("Lakeshore", D("0.00"), D("0.00")),
            ("Pinecrest", D("0.00"), D("0.00")),
        ]
        assert report.ok
    assert not cached.facts.settlement.errors
    assert _every_report(cached, day) == _every_report(run, day)


# BW-1 was paid 150.00 short; the factor takes short pays from its next funding, so the
# reserve (100.00) stays whole, to come back at a release. Its funding of BW-2 on 03-18
# names nothing and nets the 150.00: 1,000.00 x 90% - 3% fee 30.00 - 150.00 = 720.00.
# The plugin links BW-1 to it; read back, that link read as the release of BW-1's
# reserve too (FCT120 in the read back settlement, the reserve shown released).
NETTED_SHORT_PAY = (
    HEAD
    + """
2025-01-01 custom "factoring-agreement" "Bramblewood"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  short-pay-from: "funding"
  payee: "BRAMBLEWOOD"
  bank: Assets:Bank:Checking

2025-01-02 * "TQL" "Load 1"
  invoice: "BW-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-01-03 * "BRAMBLEWOOD" "ACH" ^BW-1
  Assets:Bank:Checking   870.00 USD
  Assets:Factoring:Bramblewood:Clearing

2025-02-10 * "TQL" "Short pay" ^BW-1
  factoring: "collected"
  paid: 850.00 USD

2025-03-14 * "TQL" "Load 2"
  invoice: "BW-2"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-17 * "Bramblewood" "Schedule S-77" ^BW-2
  factoring: "schedule"
  schedule: "S-77"

2025-03-18 * "BRAMBLEWOOD" "ACH"
  Assets:Bank:Checking   720.00 USD
  Assets:Factoring:Bramblewood:Clearing
"""
)


def test_a_funding_that_nets_a_short_pay_read_back_does_not_release_its_reserve(monkeypatch):
    run, cached = _books(NETTED_SHORT_PAY, monkeypatch)
    day = DAY(2025, 3, 18)
    for book in (run, cached):
        # BW-1's 100.00 still held (release due), BW-2's 10% of 1,000.00 = 100.00.
        assert _held(book, day) == [("Bramblewood", D("200.00"), D("200.00"))]
        items = [
            (i.kind, i.reference, i.cash)
            for account in book.reconcile(day).accounts
            for i in account.items
        ]
        assert items == [("release due", "BW-1", D("100.00"))]
    assert not cached.facts.settlement.errors
    assert _every_report(cached, day) == _every_report(run, day)


# A schedule id with a character a link cannot hold: the plugin links the schedule as
# ^sched--1234; read back, that link read as a second schedule "-1234" (FCT134 on the
# schedule, FCT132 on the deposit), and INV-1 was neither scheduled nor funded.
SCHEDULE_ID = (
    HEAD
    + """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule" ^INV-1
  factoring: "schedule"
  schedule: "#1234"

2025-03-06 * "SUMMIT FUNDING" "ACH"
  schedule: "#1234"
  Assets:Bank:Checking   930.00 USD
  Assets:Factoring:Summit:Clearing
"""
)


def test_a_schedule_id_that_is_no_link_reads_back_as_one_schedule(monkeypatch):
    run, cached = _books(SCHEDULE_ID, monkeypatch)
    for book in (run, cached):
        # Scheduled on 03-04: its face on the clearing account, explained by the schedule.
        (account,) = book.reconcile(DAY(2025, 3, 4)).accounts
        assert (account.balance, account.unexplained) == (D("1000.00"), D("0.00"))
        # Funded on 03-06: 1,000.00 x 95% - 2% fee 20.00 = 930.00; reserve 50.00.
        (totals,) = book.aging(DAY(2025, 3, 6)).totals
        assert (totals.factor_outstanding, totals.scheduled) == (D("1000.00"), D("0.00"))
        assert _held(book, DAY(2025, 3, 6)) == [("Summit", D("50.00"), D("50.00"))]
    assert not cached.facts.settlement.errors
    for day in (DAY(2025, 3, 4), DAY(2025, 3, 6)):
        assert _every_report(cached, day) == _every_report(run, day)


# A deposit entered twice, the copy reversed by hand two days later: the plugin lets the
# reversal cancel the copy (no error), so reconcile must not list the two as deposits it
# could not book, past their grace period.
DUPLICATE = (
    HEAD
    + """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1
  Assets:Bank:Checking         1835.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-04 * "SUMMIT FUNDING" "ACH deposit (entered twice)"
  Assets:Bank:Checking         1835.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-06 * "Summit" "Reverse the duplicate entry of the March 4 deposit"
  Assets:Bank:Checking        -1835.00 USD
  Assets:Factoring:Summit:Clearing
"""
)


def test_a_deposit_entered_twice_and_reversed_is_no_unallocated_lump(monkeypatch):
    run, cached = _books(DUPLICATE, monkeypatch)
    for book in (run, cached):
        # On 03-05 the copy (2,000.00 x 95% - 40.00 fee - 25.00 transfer fee = 1,835.00)
        # waits, within its 5 grace days: the clearing holds -1,835.00, and it explains it.
        (account,) = book.reconcile(DAY(2025, 3, 5)).accounts
        assert (account.balance, account.unexplained) == (D("-1835.00"), D("0.00"))
        assert [(lump.amount, lump.past_grace) for lump in account.unallocated] == [
            (D("-1835.00"), False)
        ]
        # Reversed on 03-06: nothing left, and nothing past its grace on 03-20.
        report = book.reconcile(DAY(2025, 3, 20))
        (account,) = report.accounts
        assert (account.balance, account.unallocated, report.problems) == (D("0.00"), (), ())
    assert _every_report(cached, DAY(2025, 3, 20)) == _every_report(run, DAY(2025, 3, 20))


def _diverging(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the reports' own settling (not the plugin's) give an FCT120 on the first
    event, as the cases above did before their fixes; the calls, counted."""
    calls: list[int] = []
    real = facts_module.settle

    def settle(book: Any, config: Any, recorder: Any) -> Any:
        calls.append(1)
        settlement = real(book, config, recorder)
        event = book.events[0]
        settlement.errors.append(make_error("FCT120", "read back otherwise", event.entry.meta))
        return settlement

    monkeypatch.setattr(facts_module, "settle", settle)
    return calls


def test_entries_that_settle_otherwise_read_back_are_said(monkeypatch):
    calls = _diverging(monkeypatch)
    run, cached = _books(SCHEDULE_ID, monkeypatch)
    # The plugin's run is read as it is: not settled again, nothing to say.
    assert (run.read_back_differs, run.warnings) == (False, ())
    # Settled again, the load that had no error gives one: said, with its place (the
    # schedule event, line 20 of the ledger text).
    assert calls == [1]
    assert cached.read_back_differs
    (warning,) = cached.warnings
    assert "FCT120 at <string>:20" in warning
    assert "keep_for_reports()" in warning


def test_a_load_with_errors_is_not_said_to_read_back_otherwise(monkeypatch):
    _diverging(monkeypatch)
    monkeypatch.setattr(history, "_wanted", False)
    # A schedule event naming a factor with no agreement: the load has its own FCT error,
    # which bean-check reported; what the reports find settling again is not compared.
    text = SCHEDULE_ID.replace(
        '  schedule: "#1234"\n\n', '  schedule: "#1234"\n  factor: "Nobody"\n\n'
    )
    entries, errors, options = loader.load_string(text)
    assert errors
    book = compute(entries, options, errors)
    assert (book.read_back_differs, book.warnings) == (False, ())
