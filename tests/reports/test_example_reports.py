"""The reports of the example ledger: every tie-out holds on every day of it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from beancount_factoring.reports import compute

EXAMPLE = Path(__file__).resolve().parents[2] / "example_ledger" / "main.beancount"
ZERO = Decimal(0)


@pytest.fixture(scope="module")
def example():
    entries, errors, options_map = loader.load_file(str(EXAMPLE))
    assert errors == []
    return compute(entries, options_map, errors), entries


def balances(entries, as_of):
    totals: dict[str, Decimal] = {}
    for entry in entries:
        if getattr(entry, "postings", None) and entry.date <= as_of:
            for posting in entry.postings:
                totals[posting.account] = totals.get(posting.account, ZERO) + posting.units.number
    return totals


def days(first, last):
    while first <= last:
        yield first
        first += datetime.timedelta(days=1)


def test_the_tie_outs_hold_every_day(example):
    book, entries = example
    assert book.factors == ("Lakeshore", "Pinecrest")
    for as_of in days(datetime.date(2025, 1, 1), book.last_date):
        ledger = balances(entries, as_of)
        for factor in book.reserve(as_of).factors:
            account = f"Assets:Factoring:{factor.factor}:Reserve"
            assert factor.held == factor.account_balance == ledger.get(account, ZERO), as_of
        aging = book.aging(as_of)
        receivable = sum(
            (v for k, v in ledger.items() if k.startswith("Assets:Receivable:")), ZERO
        )
        for totals in aging.totals:
            assert sum(totals.unfactored) == totals.receivable_balance == receivable, as_of
            assert sum(totals.factored) == totals.factor_outstanding + totals.scheduled
        for account in book.reconcile(as_of).accounts:
            assert account.balance == ledger.get(account.account, ZERO)
            assert account.unexplained == 0, (as_of, account)
        fees = sum((v for k, v in ledger.items() if k.startswith("Expenses:Factoring:")), ZERO)
        cost = book.cost(as_of)
        assert sum((line.fees.total for line in cost.by_factor), ZERO) == fees
        assert sum((line.fees.total for line in cost.by_customer), ZERO) == fees


def test_the_example_ledger_at_its_end(example):
    book, _ = example
    reserve = book.reserve()
    # The example's own balance assertions of 2025-04-01 give these reserves.
    assert {(f.factor, f.held) for f in reserve.factors} == {
        ("Lakeshore", Decimal("384.00")),
        ("Pinecrest", Decimal("382.50")),
    }
    lines = {x.invoice: x for f in reserve.factors for x in f.invoices}
    assert (lines["RF-1003"].status, lines["RF-1003"].forfeit_reason) == ("forfeited", "short-pay")
    assert (lines["RF-1004"].status, lines["RF-1004"].forfeit_reason) == (
        "forfeited",
        "chargeback",
    )
    assert book.reconcile().ok
    assert book.reconcile().disagreements == ()
