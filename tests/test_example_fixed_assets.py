"""The smaller examples' fixed assets, booked every month (the block at the end of each):

- example_ledger/crossborder/: the tractors' depreciation and the truck loan's interest,
  split from each payment;
- example_ledger/europe/: the workshop's machines' depreciation (no loan, and
  non-recourse factoring: no allowance).

The figures are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.core import data

EXAMPLES = Path(__file__).resolve().parent.parent / "example_ledger"
LEDGER = EXAMPLES / "crossborder" / "main.beancount"
LOAN = "Liabilities:Loans:Ashbury"
ACCUMULATED = "Assets:Equipment:AccumulatedDepreciation"
D = Decimal


@pytest.fixture(scope="module")
def entries() -> list[Any]:
    entries, errors, _ = loader.load_file(str(LEDGER))
    assert errors == []
    return entries


def total(entries: list[Any], account: str, before: datetime.date) -> Decimal:
    return sum(
        (
            p.units.number
            for e in entries
            if isinstance(e, data.Transaction) and e.date < before
            for p in e.postings
            if p.account == account
        ),
        D(0),
    )


QUARTER_END = datetime.date(2025, 4, 1)


def test_depreciation_every_month(entries: list[Any]) -> None:
    # (4 x 180,000.00 - 4 x 36,000.00) / 6 years / 12 = 8,000.00 a month.
    booked = [
        (e.date, p.units.number)
        for e in entries
        if isinstance(e, data.Transaction)
        for p in e.postings
        if p.account == "Expenses:Depreciation"
    ]
    assert booked == [
        (datetime.date(2025, 1, 31), D("8000.00")),
        (datetime.date(2025, 2, 28), D("8000.00")),
        (datetime.date(2025, 3, 31), D("8000.00")),
    ]
    # 192,000.00 on January 1 + 3 x 8,000.00 = 216,000.00.
    assert total(entries, ACCUMULATED, QUARTER_END) == D("-216000.00")


def test_each_loan_payment_is_split_into_interest_and_principal(entries: list[Any]) -> None:
    payments = [
        e
        for e in entries
        if isinstance(e, data.Transaction) and e.payee == "Ashbury Truck Finance"
    ]
    split = [{p.account: p.units.number for p in e.postings} for e in payments]
    # Interest = balance x 0.072 / 12; principal = 3,000.00 - interest:
    # 96,000.00 x 0.006 = 576.00; 93,576.00 x 0.006 = 561.456 -> 561.46;
    # 91,137.46 x 0.006 = 546.82476 -> 546.82.
    assert [s["Expenses:Interest:Equipment"] for s in split] == [
        D("576.00"),
        D("561.46"),
        D("546.82"),
    ]
    assert [s[LOAN] for s in split] == [D("2424.00"), D("2438.54"), D("2453.18")]
    assert all(s["Assets:Bank:CA-Chequing"] == D("-3000.00") for s in split)
    # Interest in the quarter 1,684.28; owed 96,000.00 - (9,000.00 - 1,684.28) = 88,684.28.
    assert total(entries, "Expenses:Interest:Equipment", QUARTER_END) == D("1684.28")
    assert total(entries, LOAN, QUARTER_END) == D("-88684.28")


def test_the_workshops_machines_depreciate_every_month() -> None:
    entries, errors, _ = loader.load_file(str(EXAMPLES / "europe" / "main.beancount"))
    assert errors == []
    # (180,000.00 + 132,000.00) / 8 years / 12 = 3,250.00 a month.
    booked = [
        (e.date, p.units.number)
        for e in entries
        if isinstance(e, data.Transaction)
        for p in e.postings
        if p.account == "Expenses:6800-Depreciation"
    ]
    assert booked == [
        (datetime.date(2025, 1, 31), D("3250.00")),
        (datetime.date(2025, 2, 28), D("3250.00")),
        (datetime.date(2025, 3, 31), D("3250.00")),
    ]
    # 78,000.00 on January 1 + 3 x 3,250.00 = 87,750.00.
    accumulated = total(entries, "Assets:1169-Accumulated-Depreciation", QUARTER_END)
    assert accumulated == D("-87750.00")
