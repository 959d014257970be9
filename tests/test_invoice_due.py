"""An invoice's ``due:``: a date, not before the invoice's own date (docs/ledger.md 4).

The aging report ages an invoice from its due date, so a due date written as text in
quotes, or with a year typo, would put it in the wrong bucket without a word. Either is
an FCT134 error on the invoice's line; the invoice is still booked, so its schedule and
funding apply and raise nothing more.
"""

from __future__ import annotations

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


def test_a_due_date_on_or_after_the_invoice_is_read():
    entries, errors = load(LEDGER.replace("DUE", "2025-04-16"))
    assert errors == []
    # Funded: advance 950.00 (95% of 1,000.00) less the 2% fee, 20.00: 930.00 cash.
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")
    same_day = load(LEDGER.replace("DUE", "2025-03-17"))[1]
    assert same_day == []


@pytest.mark.parametrize(
    ("due", "words"),
    [
        (
            '"2025-05-30"',
            "due: '2025-05-30' is not a date; write it without quotes, like due: 2025-05-30",
        ),
        ("30", "is not a date"),
        ("2024-04-16", "is due 2024-04-16, before its own date 2025-03-17"),
    ],
)
def test_a_due_that_is_no_date_or_before_the_invoice_is_an_error_on_its_line(due, words):
    entries, errors = load(LEDGER.replace("DUE", due))
    assert codes(errors) == ["FCT134"]
    assert words in errors[0].message
    invoice = next(e for e in entries if getattr(e, "meta", {}).get("invoice") == "INV-1023")
    assert errors[0].source["lineno"] == invoice.meta["lineno"]
    # Still booked: the deposit funds it as usual (reserve 5% of 1,000.00 = 50.00) ...
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")
    # ... with no due date for the reports to age it from.
    assert read_book(entries).invoices["INV-1023"].due is None
