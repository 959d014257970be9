"""The aging ties out with the books: what it shows the factors hold is what the customers
still owe them (found by the tie-out sweep of the test corpus)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader

from beancount_factoring.reports import compute

D = Decimal
DAY = datetime.date

# Under the loan model a schedule moves nothing: INV-1 and INV-2 stay on TQL's receivable,
# pledged. Summit funds INV-1 on 03-05 (1,000.00 x 95% - 2% fee 20.00 = 930.00); TQL pays
# INV-2 to us on 03-04, before Summit funds it: a loan-model invoice on a schedule is
# still ours to collect (funded now, it would be FCT131), so Summit holds nothing of it.
LOAN = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  model: "loan"
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-01 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 100" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "100"

2025-03-04 * "TQL" "Payment INV-2" ^INV-2
  Assets:Bank:Checking          {paid} USD
  Assets:Receivable:TQL

2025-03-05 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking           930.00 USD
  Assets:Factoring:Summit:Clearing
"""


def _aging(paid: str) -> tuple[object, list[tuple[str, str | None, str, Decimal]]]:
    entries, errors, options = loader.load_string(LOAN.replace("{paid}", paid))
    assert not errors, errors
    report = compute(entries, options, errors).aging(DAY(2025, 3, 5))
    (totals,) = report.totals
    lines = [(x.invoice, x.factor, x.state, x.amount) for x in report.invoices]
    return totals, lines


def test_a_pledged_invoice_its_customer_paid_us_before_its_funding_is_not_the_factors():
    totals, lines = _aging("2000.00")
    # TQL's receivable: 1,000.00 + 2,000.00 - 2,000.00 paid = 1,000.00, all of it INV-1's,
    # pledged to Summit, which funded it; INV-2 is paid: nobody is owed anything on it.
    assert lines == [("INV-1", "Summit", "funded", D("1000.00"))]
    assert (totals.receivable_balance, totals.pledged) == (D("1000.00"), D("1000.00"))
    assert (totals.factor_outstanding, totals.scheduled) == (D("1000.00"), D("0.00"))
    assert sum(totals.factored) == D("1000.00")


def test_a_pledged_invoice_its_customer_paid_us_in_part_is_ours_to_collect():
    totals, lines = _aging("500.00")
    # TQL's receivable: 3,000.00 - 500.00 = 2,500.00: INV-1's 1,000.00, pledged and
    # funded, and what TQL still owes us of INV-2, 2,000.00 - 500.00 = 1,500.00.
    assert lines == [
        ("INV-2", None, "open", D("1500.00")),
        ("INV-1", "Summit", "funded", D("1000.00")),
    ]
    assert (totals.receivable_balance, totals.pledged) == (D("2500.00"), D("1000.00"))
    assert sum(totals.unfactored) == D("1500.00")
    assert (totals.factor_outstanding, totals.scheduled) == (D("1000.00"), D("0.00"))
