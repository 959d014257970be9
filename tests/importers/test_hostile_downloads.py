"""Downloads written to be counted twice, to crash an importer, or to be skipped unseen:
each is one error naming its place, or entries that are right (docs/reliability.md)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from bank_config import BANK_DOCS, INVOICE_DOCS, checking_ofx, tms_invoices, us_checking
from factor_config import DOCUMENTS, importers

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.invoices import InvoiceImporter, customer_leaf
from beancount_factoring.importers.profiles import Profile

IMPORTERS = importers()
LAKESHORE = DOCUMENTS / "lakeshore"
COLLECTIONS = LAKESHORE / "collections_report_2025-04-07.csv"
BANK_CSV = BANK_DOCS / "first_prairie_checking_2025-02-14.csv"
BANK_OFX = BANK_DOCS / "first_prairie_2025-02.ofx"
TMS = INVOICE_DOCS / "ridgeline_tms_invoices_2025-02.csv"


def edited(tmp_path: Path, source: Path, change: dict[str, str], name: str = "") -> str:
    text = source.read_text(encoding="utf-8")
    for old, new in change.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / (name or source.name)
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def failure(importer, path: str) -> ImportFailure:
    assert importer.identify(path), "the file should be claimed"
    with pytest.raises(ImportFailure) as caught:
        importer.extract(path, [])
    return caught.value


# Rows counted twice.

ROW = (
    '04/07/2025,04/04/2025,"CROSSROADS BROKERAGE, INC.",CHK 118733,RF-1102,CRB-80331,'
    '"$1,875.00","$1,825.00",($50.00),Check\n'
)


def test_a_payment_row_counted_twice_is_an_error(tmp_path):
    # The row of RF-1102 twice: booked, 1,825.00 x 2 = 3,650.00 paid on a 1,875.00 face.
    # The total row is left as the factor wrote it, so that the duplicate is what is found.
    path = edited(tmp_path, COLLECTIONS, {ROW: ROW + ROW})
    error = str(failure(IMPORTERS["lakeshore"], path))
    assert ":5, column 'Check/ACH #': FCT210" in error
    assert "RF-1102 is paid by CHK 118733 twice (line 4)" in error


def test_a_report_total_that_is_not_the_sum_of_its_rows_is_an_error(tmp_path):
    # RF-1101's row dropped: its rows now add up to 1,825.00 paid, the total says 3,975.00.
    first = (
        "04/03/2025,04/02/2025,NORTHSTAR LOGISTICS LLC,ACH4471922,RF-1101,NSL-460115,"
        '"$2,150.00","$2,150.00",$0.00,ACH\n'
    )
    path = edited(tmp_path, COLLECTIONS, {first: ""})
    error = str(failure(IMPORTERS["lakeshore"], path))
    assert ":4, column 'Invoice Amt': FCT210 the report's total '$4,025.00'" in error
    assert "not the sum of its rows, 1875.00" in error


def test_a_total_that_is_the_sum_of_its_rows_passes():
    # 2,150.00 + 1,875.00 = 4,025.00 face; 2,150.00 + 1,825.00 = 3,975.00 paid.
    entries = IMPORTERS["lakeshore"].extract(str(COLLECTIONS), [])
    assert len(entries) == 2


def test_an_invoice_row_exported_twice_is_an_error(tmp_path):
    line = TMS.read_text(encoding="utf-8").splitlines(keepends=True)[1]
    path = edited(tmp_path, TMS, {line: line + line})
    error = str(failure(tms_invoices(), path))
    assert ":3, column 'Invoice No': FCT210 the row of invoice RF-2001 is line 2 again" in error


def test_two_items_alike_but_described_apart_add_up(tmp_path):
    # Two lumper charges of 100.00 on one invoice, described apart: 1000.00 + 100.00 +
    # 100.00 = 1,200.00.
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice #,Invoice Date,Customer,Charge,Amount,Description\n"
        "INV-1,03/03/2025,TQL,LINEHAUL,1000.00,Load\n"
        "INV-1,03/03/2025,TQL,LUMPER,100.00,Lumper at pickup\n"
        "INV-1,03/03/2025,TQL,LUMPER,100.00,Lumper at delivery\n",
        encoding="utf-8",
    )
    (entry,) = InvoiceImporter(due=None, load=None).extract(str(path), [])
    assert entry.postings[0].units.number == Decimal("1200.00")


def invoices_of(tmp_path: Path, rows: str) -> list:
    path = tmp_path / "invoices.csv"
    path.write_text("Invoice #,Invoice Date,Customer,Charge,Amount\n" + rows, encoding="utf-8")
    return InvoiceImporter(due=None, load=None).extract(str(path), [])


def test_customers_whose_names_differ_in_non_ascii_letters_keep_two_accounts(tmp_path):
    entries = invoices_of(
        tmp_path,
        "INV-1,03/03/2025,Σ Freight,LINEHAUL,1000.00\n"
        "INV-2,03/03/2025,Ω Freight,LINEHAUL,500.00\n",
    )
    accounts = [entry.postings[0].account for entry in entries]
    assert accounts == ["Assets:Receivable:ΣFreight", "Assets:Receivable:ΩFreight"]


def test_customers_made_into_one_account_are_an_error(tmp_path):
    with pytest.raises(ImportFailure) as caught:
        invoices_of(
            tmp_path,
            "INV-1,03/03/2025,Kühl AG,LINEHAUL,1000.00\n"
            "INV-2,03/03/2025,Kuhl AG,LINEHAUL,500.00\n",
        )
    assert "invoices.csv:3, column 'Customer': FCT208 customer 'Kuhl AG'" in str(caught.value)
    assert "both make the account Assets:Receivable:KuhlAG" in str(caught.value)


def test_a_name_mapped_in_customers_may_share_an_account(tmp_path):
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice #,Invoice Date,Customer,Charge,Amount\n"
        "INV-1,03/03/2025,TQL,LINEHAUL,1000.00\n"
        "INV-2,03/03/2025,Total Quality Logistics,LINEHAUL,500.00\n",
        encoding="utf-8",
    )
    importer = InvoiceImporter(due=None, load=None, customers={"Total Quality Logistics": "TQL"})
    accounts = {entry.postings[0].account for entry in importer.extract(str(path), [])}
    assert accounts == {"Assets:Receivable:TQL"}


# No tracebacks: the last day Python can write.


def test_a_bank_line_dated_9999_12_31_is_an_error(tmp_path):
    path = edited(tmp_path, BANK_CSV, {"02/14/2025": "12/31/9999"})
    error = str(failure(us_checking(), path))
    assert ":2, column 'Posting Date': FCT206 '12/31/9999' is past 9999-12-30" in error


def test_an_ofx_balance_dated_9999_12_31_is_an_error(tmp_path):
    text = BANK_OFX.read_text(encoding="utf-8")
    path = tmp_path / BANK_OFX.name
    path.write_text(text.replace("<DTASOF>20250228", "<DTASOF>99991231"), encoding="utf-8")
    error = str(failure(checking_ofx(), str(path)))
    assert "column 'DTASOF': FCT206" in error and "past 9999-12-30" in error


def test_a_reserve_row_dated_9999_12_31_is_an_error(tmp_path):
    source = LAKESHORE / "reserve_account_2025-04-30.csv"
    path = edited(tmp_path, source, {"04/08/2025": "12/31/9999"})
    error = str(failure(IMPORTERS["lakeshore"], path))
    assert "FCT206 '12/31/9999' is past 9999-12-30" in error


def workbook_with_date(tmp_path: Path, serial: float, number_format: str = "") -> str:
    source = DOCUMENTS / "copperline" / "funding_detail_2025-03.xlsx"
    book = openpyxl.load_workbook(source)
    sheet = book.worksheets[0]
    cell = next(c for row in sheet.iter_rows() for c in row if hasattr(c.value, "year"))
    cell.value = serial
    if number_format:
        cell.number_format = number_format
    path = tmp_path / "funding_detail_2025-03.xlsx"
    book.save(path)
    return str(path)


def test_an_excel_date_serial_below_1_is_an_error(tmp_path):
    # Serial -5 is no date in Excel; openpyxl makes it 1899-12-25 in a date-formatted cell.
    error = str(failure(IMPORTERS["copperline"], workbook_with_date(tmp_path, -5)))
    assert "FCT206 1899-12-25 is not a date: an Excel date serial starts at 1" in error


def test_an_excel_date_serial_below_1_in_a_number_cell_is_an_error(tmp_path):
    path = workbook_with_date(tmp_path, -5, "General")
    error = str(failure(IMPORTERS["copperline"], path))
    assert "FCT206 -5 is not a date: an Excel date serial starts at 1" in error


def test_an_excel_date_serial_of_a_day_in_2025_is_read(tmp_path):
    # 45723 is 2025-03-07, the day the cell held (its schedule's other rows say so too).
    path = workbook_with_date(tmp_path, 45723)
    entries = IMPORTERS["copperline"].extract(path, [])
    assert entries
    assert min(entry.date for entry in entries) == datetime.date(2025, 3, 7)


# No silent skips.


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_utf16_or_utf32_file_is_claimed_and_refused_with_the_fix(tmp_path, encoding):
    path = tmp_path / BANK_CSV.name
    path.write_bytes(BANK_CSV.read_text(encoding="utf-8").encode(encoding))
    error = str(failure(us_checking(), str(path)))
    name = encoding.upper()
    assert f":1:1: FCT201 the file is {name}" in error
    assert f"set encoding='{encoding}'" in error


def test_a_utf16_factor_report_is_claimed_and_refused_with_the_fix(tmp_path):
    path = tmp_path / COLLECTIONS.name
    path.write_bytes(COLLECTIONS.read_text(encoding="utf-8").encode("utf-16"))
    error = str(failure(IMPORTERS["lakeshore"], str(path)))
    assert "FCT201 the file is UTF-16" in error


def test_a_workbook_whose_report_is_on_its_second_sheet_names_the_sheet(tmp_path):
    book = openpyxl.load_workbook(DOCUMENTS / "copperline" / "funding_detail_2025-03.xlsx")
    cover = book.create_sheet("Cover", 0)
    cover["A1"] = "Funding detail: see the next sheet"
    path = tmp_path / "funding_2025-03.xlsx"
    book.save(path)
    importer = IMPORTERS["copperline"]
    error = str(failure(importer, str(path)))
    assert "FCT203 the report is on the sheet 'Funding Detail'" in error
    assert "sheet='Funding Detail'" in error
    assert importer.diagnose(str(path)) == error


def test_an_invalid_curdef_is_not_reported_as_missing(tmp_path):
    text = BANK_OFX.read_text(encoding="utf-8")
    path = tmp_path / BANK_OFX.name
    path.write_text(text.replace("<CURDEF>USD", "<CURDEF>U$D"), encoding="utf-8")
    error = str(failure(checking_ofx(), str(path)))
    assert "column 'CURDEF': FCT208 <CURDEF> 'U$D' is not a currency" in error
    assert "no <CURDEF>" not in error


IMPORT_PY = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
from bank_config import checking_ofx, us_checking
from beancount_factoring.importers.ingest import ingest
if __name__ == "__main__":
    ingest([us_checking(), checking_ofx()], [])()
"""


def unreadable(path: Path) -> None:
    """A file that cannot be read: no permission, or (as root, whom permissions do not
    stop) a link to a file every read of which fails."""
    if os.geteuid() != 0:
        path.write_text("Date,Description,Amount\n", encoding="utf-8")
        path.chmod(0)
    else:
        path.symlink_to("/proc/self/mem")


@pytest.mark.parametrize("name", ["checking.csv", "checking.ofx"])
def test_an_unreadable_download_is_an_error_not_a_skip(tmp_path, name):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    unreadable(downloads / name)
    script = tmp_path / "import.py"
    script.write_text(
        IMPORT_PY.format(root=str(Path(__file__).parents[2]), tests=str(Path(__file__).parent)),
        encoding="utf-8",
    )
    for command in ("identify", "extract"):
        run = subprocess.run(
            [sys.executable, str(script), command, str(downloads)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        said = run.stdout + run.stderr
        assert run.returncode == 1, said
        assert f"{name}: FCT200 the file cannot be read" in said
        assert "Traceback" not in said


def test_amounts_are_read_as_before():
    # The duplicate and total checks leave a clean report as it was: RF-1102 paid
    # 1,825.00 of 1,875.00 (a short pay of 50.00).
    entries = IMPORTERS["lakeshore"].extract(str(COLLECTIONS), [])
    paid = {next(iter(e.links)): e.meta.get("paid") for e in entries}
    assert paid["RF-1102"].number == Decimal("1825.00")


def test_a_leaf_keeps_the_letters_an_account_may_hold():
    assert customer_leaf("Hanse Kühllogistik AG") == "HanseKuhllogistikAG"
    assert customer_leaf("Σ Freight") != customer_leaf("Ω Freight")
    assert customer_leaf("Straße Cargo") == "StraßeCargo"
    assert customer_leaf("北京物流") is None  # no capital to start an account: customers=


PLAIN = Profile.generic(
    kind="collections",
    columns={"invoice": "Invoice", "date": "Paid On", "paid": "Paid", "face": "Face"},
    date_format="%m/%d/%Y",
    name="plain",
    factor="Summit",
)


def plain_collections(tmp_path: Path, rows: str) -> list:
    path = tmp_path / "collections.csv"
    path.write_text("Invoice,Paid On,Paid,Face\n" + rows, encoding="utf-8")
    importer = FactorReportImporter(PLAIN, "Summit", bank="Assets:Bank:Checking")
    return importer.extract(str(path), [])


def test_a_payment_row_repeated_whole_without_a_reference_is_an_error(tmp_path):
    row = "INV-1,03/20/2025,1000.00,1000.00\n"
    with pytest.raises(ImportFailure) as caught:
        plain_collections(tmp_path, row + row)
    assert (
        "collections.csv:3, column 'Paid': FCT210 invoice INV-1 is paid twice by the same row"
        in (str(caught.value))
    )


def test_an_overpay_only_rows_add_up_to_is_left_for_the_plugin_to_question(tmp_path):
    # One row of 1,010.00 on a face of 1,000.00: the report's own overpay, said so.
    (entry,) = plain_collections(tmp_path, "INV-1,03/20/2025,1010.00,1000.00\n")
    assert entry.meta["reason"] == "overpay"
    # Two rows of 600.00 (1,200.00 on a face of 1,000.00): no reason, so FCT133 asks.
    (entry,) = plain_collections(
        tmp_path, "INV-1,03/20/2025,600.00,1000.00\nINV-1,03/21/2025,600.00,1000.00\n"
    )
    assert entry.meta["paid"].number == Decimal("1200.00")
    assert "reason" not in entry.meta


def test_a_name_made_into_a_leaf_another_is_mapped_to_is_an_error(tmp_path):
    # customers= maps "Northstar Logistics" to NorthStar; "North Star", not mapped, is
    # made into NorthStar too: both were booked to one receivable, with no error.
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice #,Invoice Date,Customer,Charge,Amount\n"
        "INV-1,03/03/2025,Northstar Logistics,LINEHAUL,1000.00\n"
        "INV-2,03/03/2025,North Star,LINEHAUL,500.00\n",
        encoding="utf-8",
    )
    importer = InvoiceImporter(due=None, load=None, customers={"Northstar Logistics": "NorthStar"})
    with pytest.raises(ImportFailure) as caught:
        importer.extract(str(path), [])
    assert "invoices.csv:3, column 'Customer': FCT208 customer 'North Star'" in str(caught.value)
    assert "both make the account Assets:Receivable:NorthStar" in str(caught.value)
