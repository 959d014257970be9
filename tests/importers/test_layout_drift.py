"""A factor's portal changes its export: each change is read right, or one error.

Each test takes a shipped sample and changes it the way a new version of the portal
would (a column added, renamed, moved; a date written another way), then checks the
importer books every row with the figures the changed file gives, or refuses the
file with one error naming its line and column.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from factor_config import DOCUMENTS, importers

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter

IMPORTERS = importers()
PURCHASE = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"


def rows_of(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return [list(row) for row in csv.reader(handle, delimiter=delimiter)]


def written(tmp_path: Path, name: str, rows: list[list[str]]) -> Path:
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def with_column(rows: list[list[str]], before: str, name: str, value: str) -> list[list[str]]:
    """A new column `name` inserted before the column `before` (header on line 2), `value`
    on each data row (those with an invoice number), empty on totals and footers."""
    at = rows[1].index(before)
    out = [rows[0], [*rows[1][:at], name, *rows[1][at:]]]
    for row in rows[2:]:
        cell = value if len(row) > 4 and row[4] else ""
        out.append([*row[:at], cell, *row[at:]] if len(row) > at else row)
    return out


def failure(importer: FactorReportImporter, path: Path) -> ImportFailure:
    assert importer.identify(str(path))
    with pytest.raises(ImportFailure) as info:
        importer.extract(str(path), [])
    return info.value


@pytest.mark.parametrize(
    ("before", "name", "field"),
    [
        # A second `Reserve` (the reserve released, say) before Advance: the reserve
        # of RF-1101 was booked as 1.00 (the new column's) where the report says 107.50.
        ("Advance", "Reserve", "reserve"),
        # A second `Invoice Amount` (the open balance) before Load #: RF-1101 was booked
        # as an invoice of 3.00 where the report says 2,150.00, with no word.
        ("Load #", "Invoice Amount", "face"),
    ],
)
def test_a_column_named_twice_is_an_error(
    tmp_path: Path, before: str, name: str, field: str
) -> None:
    rows = with_column(rows_of(PURCHASE), before, name, "$1.00" if field == "reserve" else "$3.00")
    path = written(tmp_path, "lakeshore_purchase.csv", rows)
    error = failure(IMPORTERS["lakeshore"], path)
    assert (error.line, error.column, error.code) == (2, name, "FCT203"), str(error)
    first = rows[1].index(name) + 1
    second = rows[1].index(name, first) + 1
    assert f"(column {first}), " in str(error) and f"(column {second})" in str(error)


def test_a_workbook_split_over_sheets_is_an_error(tmp_path: Path) -> None:
    # Pinecrest's batch detail split one sheet per batch: `Batch 880` (PC-2001, PC-2002)
    # and `Batch 881` (PC-2003, 2,500.00). Only the first sheet was read: schedule 881
    # was left out with no word.
    book = openpyxl.load_workbook(DOCUMENTS / "pinecrest" / "batch_detail_2025-03.xlsx")
    first = book["Batch Detail"]
    first.title = "Batch 880"
    second = book.create_sheet("Batch 881")
    for row in (1, 5, 6):
        second.append([cell.value for cell in first[row]])
    first.delete_rows(5, 2)
    path = tmp_path / "pinecrest_batch.xlsx"
    book.save(path)
    error = failure(IMPORTERS["pinecrest"], path)
    assert error.code == "FCT203", str(error)
    assert "'Batch 880'" in str(error) and "'Batch 881'" in str(error), str(error)


def test_a_sheet_that_carries_on_the_report_without_its_header_is_an_error(
    tmp_path: Path,
) -> None:
    # The same split, the second sheet without the header: schedule 881 (PC-2003,
    # 2,500.00) was left out with no word.
    book = openpyxl.load_workbook(DOCUMENTS / "pinecrest" / "batch_detail_2025-03.xlsx")
    first = book["Batch Detail"]
    second = book.create_sheet("Sheet2")
    for row in (5, 6):
        second.append([cell.value for cell in first[row]])
    first.delete_rows(5, 2)
    path = tmp_path / "pinecrest_batch.xlsx"
    book.save(path)
    error = failure(IMPORTERS["pinecrest"], path)
    assert error.code == "FCT203", str(error)
    assert "the sheet 'Sheet2' holds rows that continue the table of 'Batch Detail'" in str(error)


def test_a_workbook_with_a_cover_sheet_and_one_report_is_read(tmp_path: Path) -> None:
    # A second sheet without the report's header (a cover, notes) is no second part.
    book = openpyxl.load_workbook(DOCUMENTS / "pinecrest" / "batch_detail_2025-03.xlsx")
    notes = book.create_sheet("Notes")
    notes.append(["Advances are wired the next business day."])
    path = tmp_path / "pinecrest_batch.xlsx"
    book.save(path)
    entries = IMPORTERS["pinecrest"].extract(str(path), [])
    assert [entry.meta["schedule"] for entry in entries] == ["880", "881"]


def test_a_wrong_grand_total_below_subtotals_gives_the_sum_of_every_row(tmp_path: Path) -> None:
    # A new version adds a grand total below the schedules' subtotals. Its net funded,
    # 5,305.12, is not 3,703.12 + 1,502.00 = 5,205.12: the error said the rows summed
    # to 0 (none since the last subtotal), which sent the user hunting for nothing.
    rows = rows_of(PURCHASE)
    grand = ["Grand Total", *[""] * 5, "$5,665.00", "", "$5,381.75", "", "$141.63", "$15.00"]
    rows.append([*grand, "$283.25", "$0.00", "$5,305.12"])
    error = failure(IMPORTERS["lakeshore"], written(tmp_path, "lakeshore_purchase.csv", rows))
    assert (error.line, error.column, error.code) == (10, "Net Funded", "FCT210"), str(error)
    assert "5205.12" in str(error) and "rows, 0:" not in str(error), str(error)


ASHGROVE = DOCUMENTS / "ashgrove" / "sold_invoices_2025-03-12.csv"


@pytest.mark.parametrize("label", ["Total", "TOTALS:", "Grand Total"])
def test_a_dated_total_row_under_the_invoice_column_is_no_invoice(
    tmp_path: Path, label: str
) -> None:
    # A new version adds a total row dated with the day of the sale, its label under
    # `Inv #`: it was booked as a third invoice, "Total", of 2,000.00 (1,200.00 + 800.00)
    # to Assets:Receivable:Unknown. It is the rows' total: checked, never booked.
    rows = rows_of(ASHGROVE)
    rows.append([label, "03/12/2025", "", "2000.00", "1840.00", "60.00", "160.00"])
    path = written(tmp_path, "sold_invoices.csv", rows)
    entries = IMPORTERS["ashgrove"].extract(str(path), [])
    (purchase,) = entries
    faces = [-p.units.number for p in purchase.postings if "Receivable" in p.account]
    assert faces == [Decimal("1200.00"), Decimal("800.00")]
    # Its figures are checked: a total that is not the rows' sum is FCT210 on its line.
    rows[-1][3] = "2100.00"
    error = failure(IMPORTERS["ashgrove"], written(tmp_path, "sold_invoices.csv", rows))
    assert (error.line, error.column, error.code) == (4, "Face", "FCT210"), str(error)


COPPERLINE_RESERVE = DOCUMENTS / "copperline" / "reserve_statement_2025-04.xlsx"


def reserve_over_sheets(tmp_path: Path, layout: str) -> Path:
    """Copperline's reserve statement, its rows (4 to 9, the grand total last) split
    as `layout` says: a sheet per month, or a summary sheet first with the same header."""
    book = openpyxl.load_workbook(COPPERLINE_RESERVE)
    first = book.worksheets[0]
    rows = [[cell.value for cell in row] for row in first.iter_rows()]
    if layout == "per-month":
        # March: the holdback of 1,159.52; April: the rest, whose fees, rebate and
        # service charge were left out unseen (the reserve account kept 1,159.52).
        first.title = "March"
        april = book.create_sheet("April")
        for row in (*rows[:3], *rows[4:]):
            april.append(row)
        first.delete_rows(5, 5)
    elif layout == "summary":
        summary = book.create_sheet("Summary", 0)
        for row in (*rows[:3], rows[-1]):
            summary.append(row)
    else:
        book.create_sheet("Notes").append(["Reserve rebates are paid on the 18th."])
    path = tmp_path / "copperline_reserve.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("layout", ["per-month", "summary"])
def test_a_reserve_statement_over_sheets_is_an_error(tmp_path: Path, layout: str) -> None:
    error = failure(IMPORTERS["copperline"], reserve_over_sheets(tmp_path, layout))
    assert error.code == "FCT203" and "sheet=" in str(error), str(error)
    shown = ("'March', 'April'",) if layout == "per-month" else ("'Summary', 'Reserve",)
    assert all(names in str(error) for names in shown), str(error)


def test_a_reserve_statement_with_a_notes_sheet_is_read(tmp_path: Path) -> None:
    path = reserve_over_sheets(tmp_path, "notes")
    entries = IMPORTERS["copperline"].extract(str(path), [])
    assert len(entries) == len(IMPORTERS["copperline"].extract(str(COPPERLINE_RESERVE), []))
