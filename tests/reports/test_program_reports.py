"""The reports on the rest of real factoring: fuel advances, fees apart from invoices,
credit losses, buyouts, and short pays and chargebacks by customer and reason.

Each ledger is the test ledger of the plugin's own tests for that feature
(tests/test_*.py), so the figures here are the hand-computed ones there.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import test_buyout
import test_credit_loss
import test_fuel_advances
import test_other_fees
import test_short_pays
from conftest import book_of

from beancount_factoring.reports.model import (
    FORFEIT_CREDIT_LOSS,
    FORFEITED,
    ITEM_FEE,
    ITEM_FUEL,
    ITEM_SCHEDULE,
    RELEASE_DUE,
)

from ledgers import OPENS

D = Decimal
day = datetime.date
PLUGIN = 'plugin "beancount_factoring.plugin"\n'


def ledger(text: str, opens: bool = True) -> str:
    return PLUGIN + (OPENS if opens else "") + text


def items(report, kind):
    return [
        (item.reference, item.on_clearing, item.cash)
        for account in report.accounts
        for item in account.items
        if item.kind == kind
    ]


def test_a_fuel_advance_waits_as_an_open_item_until_its_funding():
    book = book_of(ledger(test_fuel_advances.RTS + test_fuel_advances.ENTRY_8, opens=False))
    report = book.reconcile(as_of=day(2025, 3, 3))
    assert items(report, ITEM_FUEL) == [("INV-1001", D("0"), D("-800.00"))]
    assert all(account.unexplained == 0 for account in report.accounts)
    cost = book.cost(as_of=day(2025, 3, 3))
    assert [(line.key, line.fees.fuel) for line in cost.by_factor] == [
        ("RTS Financial", D("20.00"))
    ]
    assert [(line.key, line.fees.fuel) for line in cost.by_customer] == [("TQL", D("20.00"))]


def test_a_scheduled_invoices_fuel_advance_is_netted_by_the_schedule_alone():
    # INV-1001 (2,000.00) sold on schedule 1 after its 800.00 fuel advance of 03-01. The
    # schedule's cash: 2,000.00 x 0.97 - 50.00 fee (2.5%) - 800.00 recouped = 1,090.00.
    # The fuel item deducted the 800.00 as well: the cash column added up to 290.00.
    schedule = (
        '\n2025-03-04 * "RTS Financial" "Schedule 1" ^INV-1001\n'
        '  factoring: "schedule"\n  schedule: "1"\n'
    )
    book = book_of(ledger(test_fuel_advances.RTS + test_fuel_advances.ENTRY_8 + schedule, False))
    report = book.reconcile(as_of=day(2025, 3, 5))
    assert items(report, ITEM_FUEL) == [("INV-1001", D("0"), D("0"))]
    assert items(report, ITEM_SCHEDULE) == [("1", D("2000.00"), D("1090.00"))]
    (fuel,) = [i for a in report.accounts for i in a.items if i.kind == ITEM_FUEL]
    assert fuel.since == day(2025, 3, 1)  # the day of the advance, not of the schedule


def test_a_fuel_advance_on_no_invoice_is_listed_by_its_load():
    text = test_fuel_advances.RTS + test_fuel_advances.ENTRY_8.split("2025-03-03")[0]
    report = book_of(ledger(text, opens=False)).reconcile(as_of=day(2025, 3, 2))
    assert items(report, ITEM_FUEL) == [("load TQL-88412", D("0"), D("-800.00"))]


def test_a_monthly_fee_is_open_until_a_deposit_nets_it():
    text = test_other_fees.NETTED_FEE
    book = book_of(ledger(text))
    before = book.reconcile(as_of=day(2025, 4, 2))
    assert items(before, ITEM_FEE) == [("fee-2025-04-01-minimum-volume", D("-80.00"), D("-80.00"))]
    assert [a.unexplained for a in before.accounts] == [D("0")]
    assert items(book.reconcile(as_of=day(2025, 4, 3)), ITEM_FEE) == []
    cost = book.cost(as_of=day(2025, 4, 30), start=day(2025, 4, 1))
    assert [(line.key, line.fees.minimum) for line in cost.by_month] == [("2025-04", D("80.00"))]


def test_a_credit_loss_forfeits_the_reserve_and_closes_the_invoice():
    book = book_of(ledger(test_credit_loss.RTS, opens=False))
    reserve = book.reserve(as_of=day(2025, 6, 30))
    (line,) = [i for f in reserve.factors for i in f.invoices]
    assert (line.status, line.forfeited, line.forfeit_reason) == (
        FORFEITED,
        D("60.00"),
        FORFEIT_CREDIT_LOSS,
    )
    aging = book.aging(as_of=day(2025, 6, 30))
    assert aging.factored == ()
    assert [(t.currency, t.receivable_balance) for t in aging.totals] == [("USD", D("0"))]
    cost = book.cost(as_of=day(2025, 6, 30))
    assert [(d.customer, d.kind, d.reason, d.amount) for d in cost.deductions] == [
        ("Keystone", "credit loss", "write-off", D("60.00"))
    ]


@pytest.mark.parametrize(
    ("terms", "deposit"),
    [
        ('  reserve-on-loss: "released"\n  credit-losses:', "1880.00 USD"),
        ("  advance-rate: 1.00\n  credit-losses:", "1940.00 USD"),
    ],
    ids=["reserve-released", "no-reserve"],
)
def test_a_credit_loss_that_costs_nothing_beyond_the_fee_is_still_counted(terms, deposit):
    # RTS writes INV-1044 off; the reserve comes back (released), or there is none (a
    # 100% advance: 2,000.00 - 60.00 fee = 1,940.00 paid). Nothing goes to the credit
    # losses account, but Keystone did fail to pay an invoice: one credit loss of 0.00.
    # Before: the row was left out, the customer showing no credit loss at all.
    text = test_credit_loss.RTS.replace("  credit-losses:", terms).replace("1880.00 USD", deposit)
    if "advance-rate: 1.00" in terms:
        text = text.replace("  advance-rate: 0.97\n", "")
    cost = book_of(ledger(text, opens=False)).cost(as_of=day(2025, 6, 30))
    assert [(d.customer, d.kind, d.reason, d.count, d.amount) for d in cost.deductions] == [
        ("Keystone", "credit loss", "write-off", 1, D("0.00"))
    ]
    assert cost.deductions[0].invoices == ("INV-1044",)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_credit_loss_ties_out_in_both_models(model):
    text = test_credit_loss.with_model(test_credit_loss.RTS, model)
    book = book_of(ledger(text, opens=False))
    aging = book.aging(as_of=day(2025, 6, 30))
    assert [(t.receivable_balance, t.pledged, t.factor_outstanding) for t in aging.totals] == [
        (D("0"), D("0"), D("0"))
    ]
    assert all(f.unexplained == 0 for f in book.reserve(as_of=day(2025, 6, 30)).factors)


def test_a_released_credit_loss_reserve_is_due_back():
    text = test_credit_loss.RTS.replace(
        "  credit-losses:", '  reserve-on-loss: "released"\n  credit-losses:'
    )
    book = book_of(ledger(text, opens=False))
    reserve = book.reserve(as_of=day(2025, 7, 1))
    (line,) = [i for f in reserve.factors for i in f.invoices]
    assert (line.status, line.held, line.due_back) == (RELEASE_DUE, D("60.00"), D("60.00"))


def test_after_a_buyout_the_invoices_are_the_new_factors():
    text = test_buyout.LEDGER.split("2025-07-10")[0]
    book = book_of(ledger(text))
    as_of = day(2025, 7, 2)
    aging = book.aging(as_of=as_of)
    assert sorted({row.factor for row in aging.factored}) == ["Pinecrest"]
    reserve = book.reserve(as_of=as_of)
    assert sorted((f.factor, f.held, f.account_balance) for f in reserve.factors) == [
        ("Lakeshore", D("0"), D("0.00")),
        ("Pinecrest", D("60.00"), D("60.00")),
    ]
    report = book.reconcile(as_of=as_of)
    assert items(report, ITEM_FEE) == [("buyout-2025-07-01", D("-50.00"), D("-50.00"))]
    assert all(account.unexplained == 0 for account in report.accounts)


def test_short_pays_and_chargebacks_by_customer_and_reason():
    text = (
        test_short_pays.RTS
        + """
2025-04-08 * "CHR" "INV-1002"
  invoice: "INV-1002"
  Assets:Receivable:CHR        1000.00 USD
  Income:Freight

2025-04-08 * "TQL" "INV-1003"
  invoice: "INV-1003"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight

2025-04-09 * "RTS FINANCIAL" "Funding" ^INV-1002 ^INV-1003
  Assets:Bank:Checking         1380.00 USD
  Assets:Factoring:RTS:Clearing

2025-04-20 * "TQL" "Claim: damaged pallets" ^INV-1003
  factoring: "collected"
  paid: 440.00 USD
  reason: "broker-claim"

2025-06-20 * "RTS" "Chargeback, claim not settled" ^INV-1002
  factoring: "chargeback"
  reason: "broker-claim"
"""
    )
    book = book_of(ledger(text))
    cost = book.cost(as_of=day(2025, 6, 30))
    assert [
        (d.customer, d.kind, d.reason, d.count, d.amount, d.invoices) for d in cost.deductions
    ] == [
        ("CHR", "chargeback", "broker-claim", 1, D("1000.00"), ("INV-1002",)),
        ("TQL", "short pay", "broker-claim", 1, D("60.00"), ("INV-1003",)),
        ("TQL", "short pay", "shortpay", 1, D("150.00"), ("INV-1001",)),
    ]
    april = book.cost(as_of=day(2025, 4, 30), start=day(2025, 4, 10))
    assert [(d.customer, d.reason) for d in april.deductions] == [("TQL", "broker-claim")]
    only = book.cost(as_of=day(2025, 6, 30), factor="RTS")
    assert len(only.deductions) == 3
