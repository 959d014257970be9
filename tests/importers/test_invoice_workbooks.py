"""An invoice export saved as XLSX is read as the CSV of the same rows: the same
entries, the same errors at the same row and column. Before, the importer did not claim
a workbook at all (the export had to be saved as CSV first).

The workbooks are written as a billing system's "Export to Excel" writes them
(make_invoice_documents.py): dates as dates, amounts as numbers, the rest as text; a
cell the CSV has that is no date or number where one is expected stays text.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

import pytest
from bank_config import INVOICE_DOCS, eu_invoices, tms_invoices
from beancount.core import data
from make_factor_documents import write_xlsx
from make_invoice_documents import typed_rows

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.invoices import InvoiceImporter
from beancount_factoring.importers.readers import Layout, raw_rows, text_of, workbook_amount

TMS = INVOICE_DOCS / "ridgeline_tms_invoices_2025-02.csv"
EU = INVOICE_DOCS / "rheinland_rechnungen_2025-01.csv"
HEADER = "Invoice #,Invoice Date,Due Date,Customer,Load #,Charge,Amount"
GOOD = "RF-1,03/03/2025,04/02/2025,Bayline,BL-1,LINEHAUL,1000.00"
MONEY = "#,##0.00"


def workbook(path: Path, rows: list[list[str]], **read: Any) -> str:
    """The rows (CSV text) as a workbook: `read` says which columns are dates and amounts,
    and how the CSV writes them (`typed_rows`)."""
    typed = typed_rows(rows, **read)
    formats = {index + 1: MONEY for index in read["amounts"]}
    formats.update({index + 1: "mm/dd/yyyy" for index in read["dates"]})
    write_xlsx(path, "Invoices", typed, formats)
    return str(path)


def tms_workbook(tmp_path: Path, rows: list[list[str]]) -> str:
    read = {"dates": (1, 2), "amounts": (6,), "date_format": "%m/%d/%Y"}
    return workbook(tmp_path / "invoices.xlsx", rows, **read)


def comparable(entries: list[Any]) -> list[Any]:
    """The entries but for the file they name."""
    found = []
    for entry in entries:
        meta = {key: value for key, value in entry.meta.items() if key != "filename"}
        found.append(entry._replace(meta=meta))
    return found


def read_csv(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def test_the_tms_export_saved_as_xlsx_gives_the_csvs_entries(tmp_path: Path) -> None:
    # One row per item, an invoice's rows apart, amounts of thousands ("1,840.00").
    path = tms_workbook(tmp_path, read_csv(TMS))
    importer = tms_invoices()
    assert importer.identify(path)
    entries = importer.extract(path, [])
    assert len(entries) == 10
    assert comparable(entries) == comparable(importer.extract(str(TMS), []))
    assert importer.date(path) == importer.date(str(TMS)) == datetime.date(2025, 2, 20)
    assert importer.filename(path) == "invoices.xlsx"


def test_the_european_export_saved_as_xlsx_gives_the_csvs_entries() -> None:
    # A column per charge, VAT and a total, decimal commas in the CSV: the workbook's
    # numbers are numbers, not text to read with the decimal comma (1100.0 is 1,100.00).
    workbook_path = EU.with_suffix(".xlsx")
    importer = eu_invoices()
    entries = importer.extract(str(workbook_path), [])
    assert comparable(entries) == comparable(importer.extract(str(EU), []))
    first = entries[0]
    assert first.postings[0].units == data.Amount(data.D("1487.50"), "EUR")


@pytest.mark.parametrize(
    "row",
    [
        "RF-2,03/33/2025,,Bayline,BL-2,LINEHAUL,10.00",  # no date: text in the workbook
        "RF-2,03/03/2025,2025-04-02,Bayline,BL-2,LINEHAUL,10.00",
        "RF-2,03/03/2025,,Bayline,BL-2,LINEHAUL,ten",
        "RF-2,03/03/2025,,Bayline,BL-2,LINEHAUL,",
        "RF-2,03/03/2025,,Bayline,BL-2,TONU,10.00",
        "RF 2,03/03/2025,,Bayline,BL-2,LINEHAUL,10.00",
        "RF-1,03/04/2025,,Bayline,BL-1,FSC,10.00",  # another date than RF-1's first row
        "RF-1,,,Crossroads,,FSC,10.00",
        "RF-2,,,Bayline,BL-2,LINEHAUL,10.00",
        "RF-2,03/03/2025,,%%%,BL-2,LINEHAUL,10.00",
        GOOD,  # the row again: the invoice doubled
        ",,,,,,1000.00",  # a totals row without an invoice number
        "rf-1,03/03/2025,04/02/2025,Bayline,BL-1,FSC,100.00",
        HEADER,  # the header again: two exports pasted into one
    ],
)
def test_a_bad_row_is_the_same_error_at_the_same_place(tmp_path: Path, row: str) -> None:
    rows = [HEADER.split(","), GOOD.split(","), next(csv.reader([row]))]
    csv_path = tmp_path / "invoices.csv"
    csv_path.write_text("\n".join(",".join(cells) for cells in rows) + "\n")
    importer = InvoiceImporter()
    with pytest.raises(ImportFailure) as from_csv:
        importer.extract(str(csv_path), [])
    path = tms_workbook(tmp_path, rows)
    with pytest.raises(ImportFailure) as from_xlsx:
        importer.extract(path, [])
    csv_error, xlsx_error = from_csv.value, from_xlsx.value
    assert xlsx_error.filename == path
    assert (xlsx_error.line, xlsx_error.column, xlsx_error.code, xlsx_error.detail) == (
        csv_error.line,
        csv_error.column,
        csv_error.code,
        csv_error.detail,
    )


def test_invoice_numbers_the_workbook_keeps_as_numbers(tmp_path: Path) -> None:
    # An invoice number typed as a number, shown 001023 by its format: Excel's CSV
    # writes 001023, and read as its value, 1023, it was another invoice (and the
    # ledger's 001023 not found). A load number as a number is its digits.
    rows: list[list[Any]] = [
        HEADER.split(","),
        [1023, datetime.date(2025, 3, 3), None, "Bayline", 460231, "LINEHAUL", 1000.0],
        [1024, datetime.date(2025, 3, 3), None, "Bayline", 460232, "LINEHAUL", 500.5],
    ]
    path = tmp_path / "invoices.xlsx"
    write_xlsx(path, "Invoices", rows, {1: "000000", 2: "mm/dd/yyyy", 7: MONEY})
    first, second = InvoiceImporter(due=None).extract(str(path), [])
    assert (first.meta["invoice"], first.meta["load"]) == ("001023", "460231")
    assert first.links == {"001023"}
    assert second.postings[0].units == data.Amount(data.D("500.50"), "USD")
    write_xlsx(path, "Invoices", rows, {2: "mm/dd/yyyy", 7: MONEY})
    first, _ = InvoiceImporter(due=None).extract(str(path), [])
    assert first.meta["invoice"] == "1023"
    write_xlsx(path, "Invoices", rows, {1: '"RF-"0000', 2: "mm/dd/yyyy", 7: MONEY})
    first, _ = InvoiceImporter(due=None).extract(str(path), [])
    assert first.meta["invoice"] == "RF-1023"


def test_title_rows_and_the_sheet(tmp_path: Path) -> None:
    # Title rows above the header (skip_rows), the export on a sheet of its own name.
    rows: list[list[Any]] = [
        ["Ridgeline Freight - invoices"],
        [],
        HEADER.split(","),
        ["RF-1", datetime.date(2025, 3, 3), None, "Bayline", "BL-1", "LINEHAUL", 1000.0],
        ["RF-1", None, None, None, None, "FSC", "ten"],
    ]
    path = tmp_path / "invoices.xlsx"
    write_xlsx(path, "Export", rows, {2: "mm/dd/yyyy", 7: MONEY})
    importer = InvoiceImporter(skip_rows=2, sheet="Export", due=None)
    assert importer.identify(str(path))
    with pytest.raises(ImportFailure) as caught:
        importer.extract(str(path), [])
    error = caught.value
    assert (error.line, error.column, error.code) == (5, "Amount", "FCT207")
    assert str(error).startswith(f"{path}:5, column 'Amount': FCT207")
    other = InvoiceImporter(skip_rows=2, sheet="Invoices", due=None)
    with pytest.raises(ImportFailure) as caught:
        other.extract(str(path), [])
    assert caught.value.code == "FCT203" and "'Export'" in caught.value.detail


def test_a_workbook_that_cannot_be_read_is_fct200(tmp_path: Path) -> None:
    path = tmp_path / "invoices.xlsx"
    path.write_bytes(b"PK\x03\x04 not a workbook")
    importer = InvoiceImporter()
    assert not importer.identify(str(path))
    with pytest.raises(ImportFailure) as caught:
        importer.extract(str(path), [])
    assert caught.value.code == "FCT200" and "not a readable XLSX workbook" in str(caught.value)
    assert importer.date(str(path)) is None


def test_the_shared_reader_gives_a_padded_number_as_shown_and_as_a_number(
    tmp_path: Path,
) -> None:
    # The factor reports read their workbooks through the same reader: an invoice
    # number of 1023 shown 001023 is text 001023, and still the number 1023.
    path = tmp_path / "report.xlsx"
    write_xlsx(path, "Report", [["Invoice", "Amount"], [1023, 1023]], {1: "000000"})
    rows = list(raw_rows(str(path), Layout()))
    number, amount = rows[1][1]
    assert (text_of(number), number, workbook_amount(number)) == ("001023", 1023, 1023)
    assert text_of(amount) == "1023"
