"""Amounts written in unusual ways: each is read as the number it is, or refused naming
the file, the line, the column and the fix; never read as another number.

Each case's comment gives what an older reading made of it, in silence.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import ImportFailure, Numbers, parse_decimal


def bank(**options: object) -> BankCsvImporter:
    return BankCsvImporter(
        "Assets:Bank:Checking", date="Date", narration="Description", factors={}, **options
    )


def failure(importer: BankCsvImporter, path: Path) -> ImportFailure:
    assert importer.identify(str(path))
    with pytest.raises(ImportFailure) as caught:
        importer.extract(str(path), [])
    return caught.value


# A thousands mark after a group that starts with 0 groups no thousands: `0,500` is
# 0.500 written with a decimal comma (or a typo), and was read as 500 (1000 times too
# much). `0.500` under a decimal comma was read as 500 the same way.
LEADING_ZERO = [
    ("0,500", ".", ","),  # read as 500
    ("-0,500", ".", ","),  # read as -500
    ("00,500", ".", ","),  # read as 500
    ("(0,500.00)", ".", ","),  # read as -500.00
    ("$0,250.00", ".", ","),  # read as 250.00
    ("01,234.56", ".", ","),  # read as 1234.56: no number is written so
    ("0 500", ".", ","),  # read as 500 (spaces group digits)
    ("0.500", ",", "."),  # read as 500
    ("0.500,00", ",", "."),  # read as 500.00
    ("0'500.00", ".", "'"),  # read as 500.00
]


@pytest.mark.parametrize(("cell", "mark", "thousands"), LEADING_ZERO)
def test_a_group_of_thousands_after_a_zero_is_an_error(
    cell: str, mark: str, thousands: str
) -> None:
    for read in (Numbers(mark, thousands, "USD", money=True), Numbers(mark, thousands)):
        with pytest.raises(ValueError, match="starts with 0 before the thousands mark"):
            read(cell)
    with pytest.raises(ValueError, match="starts with 0 before the thousands mark"):
        parse_decimal(cell, mark, thousands)


@pytest.mark.parametrize(
    ("cell", "value"),
    [("0.50", "0.50"), ("0", "0"), ("-0.00", "-0.00"), ("1,000.00", "1000.00"),
     ("10,500", "10500"), ("100,005.00", "100005.00"), ("$0.05", "0.05")],
)  # fmt: skip
def test_a_zero_before_the_decimal_mark_is_read(cell: str, value: str) -> None:
    assert repr(Numbers(".", ",", "USD", money=True)(cell)) == repr(Decimal(value))


def test_a_bank_statement_refuses_a_group_after_a_zero(tmp_path: Path) -> None:
    path = tmp_path / "checking.csv"
    path.write_text('Date,Description,Amount\n03/04/2025,ROUNDING,"0,500"\n')
    error = failure(bank(), path)
    assert (error.line, error.column, error.code) == (2, "Amount", "FCT207")
    assert "'0,500' is not an amount: it starts with 0 before the thousands mark" in error.detail
