"""A workbook's amount is read as its cell shows it, as a CSV saved from it writes it.

Excel keeps binary floats, shown to 15 significant digits: 899.9999999999999 is 900 in
every cell. A cell formatted with two decimals shows its value to the cent (1,234.57 for
1234.567, as its CSV writes it); a General cell shows all of 1234.567, and its CSV
writes 1234.567, which no bank moves and the plugin refuses (FCT134). The workbook's
amount was rounded to 1234.57 all the same, another figure than the cell's, in silence:
it is refused now, at its cell (FCT207), with the fix.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount.core import data
from openpyxl import Workbook

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.invoices import InvoiceImporter
from beancount_factoring.importers.profiles import Profile
from beancount_factoring.importers.readers import Layout, raw_rows, workbook_amount

HEADER = ["Invoice #", "Invoice Date", "Customer", "Charge", "Amount"]


def invoices(tmp_path: Path, amount: Any, number_format: str | None) -> str:
    """An invoice export of one row whose Amount cell holds `amount` in `number_format`
    (None: General, as a cell nobody formatted)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["INV-1", datetime.date(2025, 3, 3), "TQL", "LINEHAUL", amount])
    sheet["B2"].number_format = "mm/dd/yyyy"
    if number_format is not None:
        sheet["E2"].number_format = number_format
    path = tmp_path / "invoices.xlsx"
    book.save(path)
    return str(path)


def importer() -> InvoiceImporter:
    return InvoiceImporter(due=None, load=None)


def receivable(path: str) -> Decimal:
    (entry,) = importer().extract(path, [])
    assert isinstance(entry, data.Transaction)
    return entry.postings[0].units.number  # type: ignore[return-value]


def test_a_general_cell_in_fractions_of_a_cent_is_refused(tmp_path: Path) -> None:
    path = invoices(tmp_path, 1234.567, None)
    with pytest.raises(ImportFailure) as caught:  # was an invoice of 1234.57
        importer().extract(path, [])
    error = caught.value
    assert (error.line, error.column, error.code) == (2, "Amount", "FCT207")
    assert "1234.567 is not in whole cents" in error.detail
    assert "format the column with two decimals" in error.detail


@pytest.mark.parametrize(
    ("amount", "number_format", "read"),
    [
        (1234.567, "#,##0.00", "1234.57"),  # shown to the cent: as its CSV writes it
        (1234.565, '"$"#,##0.00', "1234.57"),  # (Excel rounds half away from zero)
        # Kept as 2095.1549999999997, shown to Excel's 15 digits 2095.155: 2095.16 (was
        # 2095.15, rounded from the float's 17 digits).
        (2327.95 * 0.9, "#,##0.00", "2095.16"),
        (1234.5, None, "1234.50"),
        (899.9999999999999, None, "900.00"),  # a formula's float, 900 to Excel's 15 digits
        (0.1 + 0.2, None, "0.30"),  # 0.30000000000000004
        (1234, None, "1234.00"),
    ],
)
def test_an_amount_is_what_its_cell_shows(
    tmp_path: Path, amount: Any, number_format: str | None, read: str
) -> None:
    assert str(receivable(invoices(tmp_path, amount, number_format))) == read


@pytest.mark.parametrize("number_format", ["0.000", "#,##0.0000", "General", "0"])
def test_a_fraction_of_a_cent_the_format_does_not_round_to_cents_is_refused(
    tmp_path: Path, number_format: str
) -> None:
    # Three or four decimals show it; no decimals show 1235, neither 1234.567 nor cents.
    with pytest.raises(ImportFailure, match=r"FCT207 1234\.567 is not in whole cents"):
        importer().extract(invoices(tmp_path, 1234.567, number_format), [])


def test_a_currency_of_thousandths_keeps_its_fils(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([1.234, 1.2345])
    book.save(path)
    ((_, (fils, half_fils)),) = list(raw_rows(str(path), Layout()))
    assert workbook_amount(fils, "KWD") == Decimal("1.234")  # was 1.23
    with pytest.raises(ValueError, match=r"1\.2345 is not in whole thousandths"):
        workbook_amount(half_fils, "KWD")


def test_a_factor_reports_general_cell_in_fractions_of_a_cent_is_refused(
    tmp_path: Path,
) -> None:
    profile = Profile.generic(
        kind="collections",
        columns={"invoice": "Invoice", "date": "Paid On", "paid": "Paid"},
        name="summit",
        factor="Summit",
    )
    report = FactorReportImporter(profile, "Summit", bank="Assets:Bank:Checking", debtors={})
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Invoice", "Paid On", "Paid"])
    sheet.append(["INV-1001", datetime.date(2025, 3, 20), 2790.005])
    path = tmp_path / "collections.xlsx"
    book.save(path)
    with pytest.raises(ImportFailure) as caught:  # was a payment of 2790.01
        report.extract(str(path), [])
    error = caught.value
    assert (error.line, error.column, error.code) == (2, "Paid", "FCT207")
    assert "2790.005 is not in whole cents" in error.detail
