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


# A row of a statement with debit and credit columns moves money one way. A row that
# fills both was netted: Soll 100.00 and Haben 250.00 was a credit of 150.00, and a
# reserve row of a debit of 96.00 and a credit of 50.00 a release of 46.00, without a
# word (a release and a fee on one line, or a column shifted, booked as neither).
def test_a_bank_line_with_a_debit_and_a_credit_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "giro.csv"
    path.write_text(
        "Date;Description;Soll;Haben\n"
        "03/04/2025;Miete;0,00;250,00\n"  # a zero in the other column: a credit of 250.00
        "03/05/2025;Tankstelle;-100,00;250,00\n"  # was read as 150.00
    )
    importer = bank(debit="Soll", credit="Haben", decimal_mark=",", delimiter=";")
    error = failure(importer, path)
    assert (error.line, error.column, error.code) == (3, "Haben", "FCT210")
    assert "both a debit ('-100,00') and a credit ('250,00')" in error.detail
    path.write_text("Date;Description;Soll;Haben\n03/04/2025;Miete;0,00;250,00\n")
    (entry,) = importer.extract(str(path), [])
    assert entry.postings[0].units.number == Decimal("250.00")


def test_a_reserve_row_with_a_debit_and_a_credit_is_an_error(tmp_path: Path) -> None:
    from beancount_factoring.importers import profiles
    from beancount_factoring.importers.factor import FactorReportImporter

    profile = profiles.COPPERLINE_RESERVE.replace(sheet=None)
    importer = FactorReportImporter(profile, "Copperline", bank="Assets:Bank:CAD")
    path = tmp_path / "copperline_reserve.csv"
    header = "Date,Description,Invoice,Reference,Debit,Credit,Balance\n"
    funding = "2025-03-03,Reserve on funding,CL-1,F-1,0.00,96.00,96.00\n"
    path.write_text(header + funding + "2025-04-08,Reserve rebate,CL-1,R-1,96.00,50.00,\n")
    with pytest.raises(ImportFailure) as caught:  # was a release of 46.00
        importer.extract(str(path), [])
    error = caught.value
    assert (error.line, error.column, error.code) == (3, "Credit", "FCT210"), str(error)
    assert "both a debit ('96.00') and a credit ('50.00')" in error.detail
    # With the balance (50.00 = 96.00 - 96.00 + 50.00) it was the same release of 46.00.
    path.write_text(header + funding + "2025-04-08,Reserve rebate,CL-1,R-1,96.00,50.00,50.00\n")
    with pytest.raises(ImportFailure) as caught:
        importer.extract(str(path), [])
    assert (caught.value.line, caught.value.column, caught.value.code) == (3, "Credit", "FCT210")
    # A zero in the other column is no amount: the release of 96.00.
    path.write_text(header + funding + "2025-04-08,Reserve rebate,CL-1,R-1,96.00,0.00,0.00\n")
    released = [e for e in importer.extract(str(path), []) if hasattr(e, "postings")]
    assert [str(p.units) for p in released[0].postings] == ["96.00 CAD", "-96.00 CAD"]


@pytest.mark.parametrize(
    ("cell", "mark", "thousands", "value"),
    [
        ("1\u2009234.56", ".", ",", "1234.56"),  # a thin space groups digits (SI)
        ("-1\u2009234\u2009567,89", ",", ".", "-1234567.89"),
        ("1\u2007234,56", ",", " ", "1234.56"),  # a figure space, as tables align digits
    ],
)
def test_thin_and_figure_spaces_group_digits(
    cell: str, mark: str, thousands: str, value: str
) -> None:
    # Was "'1\u2009234.56' is not an amount", with no reason nor fix.
    assert Numbers(mark, thousands, "USD", money=True)(cell) == Decimal(value)
    assert parse_decimal(cell, mark, thousands) == Decimal(value)


@pytest.mark.parametrize("cell", ["1.2E+3", "1.23457E+11", "-4.5e-2", "1,2E+3"])
def test_scientific_notation_says_how_to_save_the_column(cell: str) -> None:
    # Excel writes a number its column is too narrow for so, and drops the digits it
    # does not show: the error said only "is not an amount".
    with pytest.raises(ValueError, match="scientific notation") as info:
        Numbers(".", ",", "USD", money=True)(cell)
    assert "format the column as numbers" in str(info.value)
