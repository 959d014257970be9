"""An invoice's ``due:`` is a date (docs/ledger.md 4).

The aging report ages an invoice from its due date, so a due date written as text in
quotes would be dropped, and the invoice aged from its date + 30 days, without a word.
It is an FCT134 error on the invoice's line; the invoice is still booked, so its
schedule and funding apply and raise nothing more. A due date before the invoice's own
date is read as written: a load billed after its terms ran is due when billed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from beancount_factoring.ledger.book import read_book

from ledgers import balance, codes, load

LEDGER = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-17 * "TQL" "Load TQL-88412"
  invoice: "INV-1023"
  due: DUE
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-18 * "SUMMIT FUNDING" "ACH deposit" ^INV-1023
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_a_due_date_is_read_wherever_it_falls():
    entries, errors = load(LEDGER.replace("DUE", "2025-04-16"))
    assert errors == []
    # Funded: advance 950.00 (95% of 1,000.00) less the 2% fee, 20.00: 930.00 cash.
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")
    # Before the invoice's date (billed after its terms ran): read as written.
    entries, errors = load(LEDGER.replace("DUE", "2025-03-10"))
    assert errors == []
    assert read_book(entries).invoices["INV-1023"].due == datetime.date(2025, 3, 10)


@pytest.mark.parametrize(
    ("due", "words"),
    [
        (
            '"2025-05-30"',
            "due: '2025-05-30' is not a date: write it without quotes (due: 2025-05-30)",
        ),
        ("30", "due: 30 is not a date: give the due date like due: 2025-05-30, or leave"),
        ('"Net 30"', "due: 'Net 30' is not a date"),
    ],
)
def test_a_due_that_is_no_date_is_an_error_on_its_line(due, words):
    entries, errors = load(LEDGER.replace("DUE", due))
    assert codes(errors) == ["FCT134"]
    assert words in errors[0].message
    invoice = next(e for e in entries if getattr(e, "meta", {}).get("invoice") == "INV-1023")
    assert errors[0].source["lineno"] == invoice.meta["lineno"]
    # Still booked: the deposit funds it as usual (reserve 5% of 1,000.00 = 50.00) ...
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")
    # ... with no due date for the reports to age it from.
    assert read_book(entries).invoices["INV-1023"].due is None
