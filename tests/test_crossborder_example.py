"""The cross-border example (loan model, two currencies, fuel advances, a buyout, a credit
loss, minimums) loads cleanly, shows every event kind, and adds up.

The figures in the ledger's comments were worked out by hand; the tests recompute the
ones that matter from the loaded entries and the reports.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from beancount_factoring.ledger.book import EVENT_KINDS
from beancount_factoring.reports import compute

D = Decimal
LEDGER = (
    Path(__file__).resolve().parent.parent / "example_ledger" / "crossborder" / "main.beancount"
)
USD_BANK = "Assets:Bank:US-Checking"
CAD_BANK = "Assets:Bank:CA-Chequing"


@pytest.fixture(scope="module")
def loaded():
    return loader.load_file(str(LEDGER))


@pytest.fixture(scope="module")
def entries(loaded):
    return loaded[0]


@pytest.fixture(scope="module")
def book(loaded):
    entries, errors, options = loaded
    return compute(entries, options, errors)


def transactions(entries) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)]


def balance(entries, account: str, currency: str) -> Decimal:
    return sum(
        (
            p.units.number
            for e in transactions(entries)
            for p in e.postings
            if p.account == account and p.units.currency == currency
        ),
        D(0),
    )


def named(entries, narration: str) -> data.Transaction:
    (found,) = [e for e in transactions(entries) if e.narration == narration]
    return found


def test_loads_without_errors(loaded):
    assert loaded[1] == []


def test_every_agreement_is_under_the_loan_model(entries):
    agreements = [e for e in entries if isinstance(e, data.Custom)]
    models = [e.meta.get("model") for e in agreements if e.type == "factoring-agreement"]
    assert models == ["loan", "loan", "loan"]


def test_every_event_kind_but_the_marked_lump_sums_occurs(entries):
    kinds = {e.meta["factoring"] for e in transactions(entries) if "factoring" in e.meta}
    assert kinds == set(EVENT_KINDS) - {"funding", "release"}


def test_the_fuel_advance_is_recouped_from_its_loads_funding(entries):
    fuel = "Liabilities:Factoring:Copperline:USD:FuelAdvances"
    wire = named(entries, "COPPERLINE CAPITAL WIRE IN")
    recoup = [p for p in wire.postings if p.account == fuel]
    assert [(p.units.number, p.meta["invoice"]) for p in recoup] == [(D("1000.00"), "TH-106")]
    assert balance(entries, fuel, "USD") == 0


def test_the_buyout_moves_the_advances_and_reserves(entries):
    buyout = named(entries, "Buyout of Harborview's open loads")
    assert buyout.links == {"TH-103", "TH-105", "buyout-2025-02-14"}
    moved = {}
    for posting in buyout.postings:
        key = (posting.account, (posting.meta or {}).get("invoice"))
        moved[key] = moved.get(key, D(0)) + posting.units.number
    assert moved[("Liabilities:Factoring:Harborview:Advances", "TH-103")] == D("3100.00")
    assert moved[("Liabilities:Factoring:Harborview:Advances", "TH-105")] == D("2600.00")
    assert moved[("Liabilities:Factoring:Copperline:USD:Advances", None)] == D("-5700.00")
    # 310.00 - 77.50 - 93.00 and 260.00 - 52.00 - 78.00.
    assert moved[("Assets:Factoring:Copperline:USD:Reserve", None)] == D("269.50")
    assert balance(entries, "Liabilities:Factoring:Harborview:Advances", "USD") == 0


def test_each_currency_has_its_own_accounts_and_nothing_mixes(entries):
    for account in (USD_BANK, "Assets:Factoring:Copperline:USD:Reserve"):
        assert balance(entries, account, "CAD") == 0
    for account in (CAD_BANK, "Assets:Factoring:Copperline:CAD:Reserve"):
        assert balance(entries, account, "USD") == 0


def test_quarter_end_balances(entries):
    assert balance(entries, "Expenses:Factoring:Copperline:USD:CreditLosses", "USD") == D("139.50")
    assert balance(entries, "Assets:Receivable:Pinewood", "USD") == 0
    assert balance(entries, "Assets:Receivable:Oakmont", "USD") == 0
    assert balance(entries, "Income:Freight:Adjustments", "USD") == D("150.00")
    assert balance(entries, "Income:Freight:Adjustments", "CAD") == D("150.00")


def test_the_reports_tie_out(book):
    as_of = datetime.date(2025, 4, 1)
    assert all(a.unexplained == 0 for a in book.reconcile(as_of=as_of).accounts)
    assert book.reconcile(as_of=as_of).ok
    reserve = book.reserve(as_of=as_of)
    assert sorted((f.factor, f.currency, f.accounts, f.held) for f in reserve.factors) == [
        ("Copperline", "CAD", ("Assets:Factoring:Copperline:CAD:Reserve",), D("200.00")),
        ("Copperline", "USD", ("Assets:Factoring:Copperline:USD:Reserve",), D("57.00")),
        ("Harborview", "USD", ("Assets:Factoring:Harborview:Reserve",), D("0")),
    ]
    assert all(f.unexplained == 0 for f in reserve.factors)
    aging = book.aging(as_of=as_of)
    assert sorted((t.currency, t.receivable_balance, t.pledged) for t in aging.totals) == [
        ("CAD", D("4000.00"), D("4000.00")),
        ("USD", D("1900.00"), D("1900.00")),
    ]


def test_the_cost_report_lists_every_deduction_by_reason(book):
    cost = book.cost(as_of=datetime.date(2025, 4, 1))
    assert [(d.customer, d.kind, d.reason, d.currency, d.amount) for d in cost.deductions] == [
        ("Lakeport", "short pay", "broker-claim", "USD", D("150.00")),
        ("Maplecrest", "short pay", "shortpay", "CAD", D("150.00")),
        ("Oakmont", "chargeback", "broker-claim", "USD", D("1200.00")),
        ("Pinewood", "credit loss", "write-off", "USD", D("139.50")),
    ]
    fees = {(line.key, line.currency): line.fees for line in cost.by_factor}
    assert fees[("Copperline", "CAD")].minimum == D("90.00")
    assert fees[("Copperline", "USD")].fuel == D("30.00")
    # The buyout fee and the lien search.
    assert fees[("Copperline", "USD")].other == D("185.00")
