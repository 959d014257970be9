"""An invoice export saved as a workbook of several sheets: every row of every sheet
that holds the export is read, or one FCT203 names the sheets and says to pick one with
`sheet=`. Before, the first sheet alone was read and the rows of the others were left
out with no word (one sheet per month: February's invoices never booked).

Also: an export whose header is printed again on each page, and one with a subtotal
per customer: one error each, never a subtotal booked as an invoice or an item.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from beancount.core import data

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.invoices import InvoiceImporter

HEADER = ["Invoice #", "Invoice Date", "Due Date", "Customer", "Load #", "Charge", "Amount"]
MARCH, APRIL = datetime.date(2025, 3, 3), datetime.date(2025, 4, 2)
MAY = datetime.date(2025, 5, 2)


def row(number: str | None, customer: str, charge: str, amount: float) -> list[Any]:
    due = APRIL if number and number < "RF-2" else MAY
    day = MARCH if number and number < "RF-2" else APRIL
    if number is None:
        return [None, None, None, customer or None, None, charge or None, amount]
    return [number, day, due, customer, f"L-{number}", charge, amount]


# March: RF-1 (1,000.00 + 50.00) to Bayline; April: RF-2 (2,000.00) to Northstar.
MARCH_ROWS = [row("RF-1", "Bayline", "LINEHAUL", 1000.0), row("RF-1", "Bayline", "FSC", 50.0)]
APRIL_ROWS = [row("RF-2", "Northstar", "LINEHAUL", 2000.0)]


def workbook(tmp_path: Path, sheets: dict[str, list[list[Any]]]) -> str:
    """A workbook of the sheets, in order, each its rows."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for cells in rows:
            sheet.append(cells)
    path = tmp_path / "invoices.xlsx"
    book.save(path)
    return str(path)


def failure(importer: InvoiceImporter, path: str) -> ImportFailure:
    assert importer.identify(path)
    with pytest.raises(ImportFailure) as info:
        importer.extract(path, [])
    return info.value


def totals(entries: list[Any]) -> dict[str, Decimal]:
    """Invoice number -> the amount booked to its receivable."""
    found = {}
    for entry in entries:
        assert isinstance(entry, data.Transaction)
        receivable = [p for p in entry.postings if p.account.startswith("Assets:Receivable")]
        found[entry.meta["invoice"]] = sum((p.units.number for p in receivable), Decimal(0))
    return found


@pytest.mark.parametrize(
    "sheets",
    [
        # One sheet per month: only March's was read; RF-2 (2,000.00) was left out.
        {"March": [HEADER, *MARCH_ROWS], "April": [HEADER, *APRIL_ROWS]},
        # A summary sheet first, with the same header, one row per invoice; the detail
        # after it was never read (RF-1 booked as one item of 1,050.00 to Income:Freight:
        # Linehaul, where the detail splits it 1,000.00 linehaul and 50.00 fuel).
        {
            "Summary": [HEADER, row("RF-1", "Bayline", "LINEHAUL", 1050.0), *APRIL_ROWS],
            "Detail": [HEADER, *MARCH_ROWS, *APRIL_ROWS],
        },
        # A sheet per month behind a notes sheet: the notes sheet does not count.
        {"March": [HEADER, *MARCH_ROWS], "Notes": [["Net 30."]], "April": [HEADER, *APRIL_ROWS]},
    ],
    ids=["per-month", "summary-first", "with-notes"],
)
def test_an_export_over_several_sheets_is_one_error_naming_them(
    tmp_path: Path, sheets: dict[str, list[list[Any]]]
) -> None:
    path = workbook(tmp_path, sheets)
    error = failure(InvoiceImporter(), path)
    assert error.code == "FCT203", str(error)
    holding = [name for name, rows in sheets.items() if rows[0] == HEADER]
    for name in holding:
        assert repr(name) in str(error), str(error)
    assert "'Notes'" not in str(error) and "sheet=" in str(error), str(error)
    # diagnose() (what ingest shows for a claimed file) says the same.
    assert InvoiceImporter().diagnose(path) == str(error)


def test_the_sheet_named_is_read_whole(tmp_path: Path) -> None:
    # sheet="April" of the workbook split per month: April's rows, every one of them.
    sheets = {"March": [HEADER, *MARCH_ROWS], "April": [HEADER, *APRIL_ROWS, *APRIL_ROWS[:0]]}
    path = workbook(tmp_path, sheets)
    entries = InvoiceImporter(sheet="April").extract(path, [])
    assert totals(entries) == {"RF-2": Decimal("2000.00")}
    entries = InvoiceImporter(sheet="March").extract(path, [])
    assert totals(entries) == {"RF-1": Decimal("1050.00")}  # 1,000.00 + 50.00


@pytest.mark.parametrize("notes", ["Notes", "Cover"])
def test_an_export_with_a_notes_sheet_after_it_is_read(tmp_path: Path, notes: str) -> None:
    # One sheet of the export, a notes (or cover) sheet after it: no second part.
    other = [["Ridgeline Freight LLC"], [], ["Payment terms: net 30."]]
    path = workbook(tmp_path, {"Invoices": [HEADER, *MARCH_ROWS, *APRIL_ROWS], notes: other})
    entries = InvoiceImporter().extract(path, [])
    # RF-1: 1,000.00 + 50.00; RF-2: 2,000.00.
    assert totals(entries) == {"RF-1": Decimal("1050.00"), "RF-2": Decimal("2000.00")}


def test_an_export_behind_a_cover_sheet_names_its_sheet(tmp_path: Path) -> None:
    # The cover sheet first, the export second: the importer read the cover alone and
    # did not claim the file (it was left out of the import with no word).
    cover = [["Ridgeline Freight LLC - invoices March 2025"]]
    path = workbook(tmp_path, {"Cover": cover, "Invoices": [HEADER, *MARCH_ROWS]})
    error = failure(InvoiceImporter(), path)
    assert error.code == "FCT203", str(error)
    assert "sheet='Invoices'" in str(error), str(error)
    entries = InvoiceImporter(sheet="Invoices").extract(path, [])
    assert totals(entries) == {"RF-1": Decimal("1050.00")}


def test_a_header_printed_on_each_page_is_one_error(tmp_path: Path) -> None:
    # A report printed to a workbook, its header again at the top of page 2 (row 4):
    # one error on that row, never the header read as an invoice.
    path = workbook(tmp_path, {"Invoices": [HEADER, *MARCH_ROWS, HEADER, *APRIL_ROWS]})
    error = failure(InvoiceImporter(), path)
    assert (error.line, error.code) == (4, "FCT210"), str(error)
    assert "each page" in str(error), str(error)


@pytest.mark.parametrize(
    ("subtotal", "line"),
    [
        # Under the customer's group, its name and the group's sum: 1,050.00 is RF-1's
        # two rows.
        (row(None, "Bayline", "", 1050.0), 4),
        # The label where the customer stands.
        (row(None, "Bayline Total", "", 1050.0), 4),
        # The label where the invoice number stands: `Subtotal` is a number the
        # importer accepts (letters), and was booked as an invoice.
        (["Subtotal", None, None, "Bayline", None, None, 1050.0], 4),
        (["Total", None, None, None, None, None, 1050.0], 4),
        # Dated (the day of the export): booked as invoice `Total` of 1,050.00.
        (["Total", MARCH, APRIL, "Bayline", None, None, 1050.0], 4),
        (["SUBTOTAL", MARCH, None, None, None, "Linehaul", 1050.0], 4),
    ],
    ids=["name", "label-customer", "label-invoice", "total-invoice", "dated", "dated-charge"],
)
def test_a_subtotal_per_customer_is_never_booked(
    tmp_path: Path, subtotal: list[Any], line: int
) -> None:
    rows = [HEADER, *MARCH_ROWS, subtotal, *APRIL_ROWS, row(None, "Northstar", "", 2000.0)]
    path = workbook(tmp_path, {"Invoices": rows})
    error = failure(InvoiceImporter(other_income="Income:Other"), path)
    assert (error.line, error.code) == (line, "FCT210"), str(error)


def test_a_subtotal_of_a_customer_with_one_item_is_never_booked(tmp_path: Path) -> None:
    # Northstar has one invoice of one row (2,000.00), and its subtotal, 2,000.00, sums
    # that one row: read as an item of RF-2 it was booked as 4,000.00 (with other_income).
    rows = [HEADER, *APRIL_ROWS, row(None, "Northstar", "", 2000.0)]
    path = workbook(tmp_path, {"Invoices": rows})
    error = failure(InvoiceImporter(other_income="Income:Other"), path)
    assert (error.line, error.code) == (3, "FCT210"), str(error)


def test_two_items_of_one_amount_with_the_number_on_the_first_row_are_two_items(
    tmp_path: Path,
) -> None:
    # RF-3 bills two stop-offs of 150.00, its number on the first row only (as exports
    # group an invoice's rows). The second row's amount is the one row above, as a
    # subtotal's would be; its description of its own says it is an item: 150.00 + 150.00.
    header = [*HEADER, "Description"]
    first = [*row("RF-3", "Northstar", "", 150.0), "Stop-off"]
    second = [*row(None, "Northstar", "", 150.0), "Stop-off"]
    subtotal = [*row(None, "Northstar", "", 150.0), "Northstar"]
    importer = InvoiceImporter(other_income="Income:Other", description="Description")
    path = workbook(tmp_path, {"Invoices": [header, first, second]})
    assert totals(importer.extract(path, [])) == {"RF-3": Decimal("300.00")}
    # The same row under the customer's name is its subtotal, as before: FCT210.
    path = workbook(tmp_path, {"Invoices": [header, first, subtotal]})
    assert (failure(importer, path).line, failure(importer, path).code) == (3, "FCT210")


@pytest.mark.parametrize(
    "label", ["Northstar Total", "Total for Northstar", "Total RF-3", "Northstar subtotal", "RF-3"]
)
def test_a_subtotal_labelled_in_the_description_column_is_never_an_item(
    tmp_path: Path, label: str
) -> None:
    # RF-3 bills one stop-off of 150.00; the row below, of the same 150.00 with no charge
    # code, is its subtotal, labelled in the description column. "Northstar Total" is no
    # description of an item: it was read as a second stop-off, RF-3 booked as 300.00
    # with no word. It is the subtotal it was before descriptions were read: FCT210.
    header = [*HEADER, "Description"]
    first = [*row("RF-3", "Northstar", "", 150.0), "Stop-off"]
    subtotal = [*row(None, "Northstar", "", 150.0), label]
    importer = InvoiceImporter(other_income="Income:Other", description="Description")
    path = workbook(tmp_path, {"Invoices": [header, first, subtotal]})
    error = failure(importer, path)
    assert (error.line, error.code) == (3, "FCT210"), str(error)


# A workbook whose later sheet carries on the table with no header of its own (the
# export split at a sheet's last row, a month pasted into a sheet of its own): its rows
# were left out with no word (RF-2's 2,000.00 never booked).
def test_a_sheet_that_continues_the_table_without_its_header_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Invoices": [HEADER, *MARCH_ROWS], "Sheet2": APRIL_ROWS})
    error = failure(InvoiceImporter(), path)
    assert error.code == "FCT203", str(error)
    assert "the sheet 'Sheet2' holds rows that continue the table of 'Invoices'" in error.detail
    assert "sheet='Invoices'" in error.detail
    # Told which sheet is the export, the importer reads it and no other.
    assert totals(InvoiceImporter(sheet="Invoices").extract(path, [])) == {
        "RF-1": Decimal("1050.00")
    }


@pytest.mark.parametrize(
    "other",
    [
        [["Notes"], ["Exported by TMS 4.2 on 2025-04-30"]],
        # A summary: a customer and a total, no date where the rows have one.
        [["Bayline", 1050.0], ["Northstar", 2000.0]],
        [],
    ],
)
def test_a_sheet_of_something_else_is_no_continuation(
    tmp_path: Path, other: list[list[Any]]
) -> None:
    path = workbook(tmp_path, {"Invoices": [HEADER, *MARCH_ROWS], "Other": other})
    assert totals(InvoiceImporter().extract(path, [])) == {"RF-1": Decimal("1050.00")}
