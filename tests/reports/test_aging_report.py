"""The aging report on ledger text, with the figures worked out by hand (SUMMIT ledger)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from conftest import book_of
from report_ledgers import full

from beancount_factoring.reports.aging import bucket_of
from beancount_factoring.reports.model import BUCKETS, CHARGED_BACK, FUNDED, OPEN, UNATTRIBUTED

D = Decimal
day = datetime.date
ZERO = D(0)


def buckets(**amounts: str) -> tuple[Decimal, ...]:
    names = {"current": "current", "d30": "1-30", "d60": "31-60", "d90": "61-90", "over": "90+"}
    given = {names[k]: D(v) for k, v in amounts.items()}
    return tuple(given.get(name, ZERO) for name in BUCKETS)


def rows(table):
    return {(row.customer, row.factor): row.buckets for row in table}


@pytest.mark.parametrize(
    "days,bucket",
    [(-5, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (90, "61-90"),
     (91, "90+")],
)  # fmt: skip
def test_buckets(days, bucket):
    assert bucket_of(days) == bucket


def test_in_the_past_the_factor_holds_what_it_funded(summit):
    report = summit.aging(as_of=day(2025, 3, 31))
    # INV-4, 500.00, dated 03-20: 11 days.
    assert rows(report.unfactored) == {("TQL", None): buckets(d30="500.00")}
    # INV-1 and INV-2 dated 03-03 (28 days), INV-3 dated 03-10 (21 days).
    assert rows(report.factored) == {
        ("CHR", "Summit"): buckets(d30="1000.00"),
        ("Echo", "Summit"): buckets(d30="3000.00"),
        ("TQL", "Summit"): buckets(d30="2000.00"),
    }
    left = {x.invoice: x.recourse_days_left for x in report.invoices}
    # recourse-days 90: funded 03-05 -> 90 - 26 = 64; funded 03-11 -> 90 - 20 = 70.
    assert left == {"INV-1": 64, "INV-2": 64, "INV-3": 70, "INV-4": None}
    (totals,) = report.totals
    assert totals.receivable_balance == sum(totals.unfactored) == D("500.00")
    assert totals.factor_outstanding == sum(totals.factored) == D("6000.00")
    assert totals.scheduled == 0


def test_by_due_date(summit):
    report = summit.aging(as_of=day(2025, 3, 31), basis="due")
    # Due 04-02 and 04-09: not yet due. INV-4 has no due date: net 30, due
    # 03-20 + 30 days = 04-19, not yet due on 03-31 (-19 days): current.
    assert rows(report.factored)[("Echo", "Summit")] == buckets(current="3000.00")
    assert rows(report.unfactored) == {("TQL", None): buckets(current="500.00")}
    assert {x.invoice: x.days for x in report.invoices} == {
        "INV-1": -2,
        "INV-2": -2,
        "INV-3": -9,
        "INV-4": -19,
    }


def test_a_partial_payment_and_a_chargeback_come_back_to_us(summit):
    report = summit.aging(as_of=day(2025, 6, 30))
    assert rows(report.unfactored) == {
        ("CHR", None): buckets(d60="800.00"),  # INV-5 dated 05-01: 60 days
        ("Echo", None): buckets(over="3000.00"),  # INV-3 charged back, dated 03-10: 112 days
        ("TQL", None): buckets(over="300.00"),  # INV-4: 500.00 - 200.00 paid, 102 days
    }
    states = {x.invoice: x.state for x in report.invoices}
    assert states == {"INV-3": CHARGED_BACK, "INV-4": OPEN, "INV-5": OPEN, "INV-6": FUNDED}
    assert rows(report.factored) == {("Echo", "Summit"): buckets(d30="4000.00")}
    (totals,) = report.totals
    # 800 + 3,000 + 300 = 4,100.00 on the receivable accounts; the factor holds INV-6.
    assert totals.receivable_balance == sum(totals.unfactored) == D("4100.00")
    assert totals.factor_outstanding == sum(totals.factored) == D("4000.00")
    due = summit.aging(as_of=day(2025, 6, 30), basis="due")
    # INV-3 due 04-09: 82 days; INV-5 due 05-31: 30 days.
    assert rows(due.unfactored)[("Echo", None)] == buckets(d90="3000.00")
    assert rows(due.unfactored)[("CHR", None)] == buckets(d30="800.00")


def test_a_scheduled_invoice_is_held_by_the_factor_before_it_is_funded(summit):
    report = summit.aging(as_of=day(2025, 6, 18))
    (totals,) = report.totals
    # INV-6 (4,000.00) scheduled 06-17, funded 06-20.
    assert totals.scheduled == D("4000.00")
    assert totals.factor_outstanding == 0
    assert [x.recourse_days_left for x in report.invoices if x.invoice == "INV-6"] == [None]


def test_the_factor_filter_narrows_the_factored_table_only(both):
    report = both.aging(as_of=day(2025, 3, 31), factor="Pine")
    assert {row.factor for row in report.factored} == {"Pine"}
    assert rows(report.unfactored) == {("TQL", None): buckets(d30="500.00")}


LOOSE = """
2025-01-01 * "Opening balance"
  Assets:Receivable:CHR         75.00 USD
  Income:Freight

2025-02-01 * "TQL" "Load A"
  invoice: "A"
  Assets:Receivable:TQL        100.00 USD
  Income:Freight

2025-02-02 * "TQL" "Load B"
  invoice: "B"
  Assets:Receivable:TQL        200.00 USD
  Income:Freight

2025-02-20 * "TQL" "One check for two loads" ^A ^B
  Assets:Bank:Checking         250.00 USD
  Assets:Receivable:TQL
"""


def test_payments_and_postings_that_name_no_invoice():
    report = book_of(full(LOOSE)).aging(as_of=day(2025, 3, 1))
    # The 250.00 pays A in full first (by number), then 150.00 of B.
    found = {(x.invoice, x.state): x.amount for x in report.invoices}
    assert found == {("B", OPEN): D("50.00"), ("", UNATTRIBUTED): D("75.00")}
    (totals,) = report.totals
    assert totals.receivable_balance == sum(totals.unfactored) == D("125.00")
