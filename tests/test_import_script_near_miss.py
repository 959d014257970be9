"""importers/import.py on downloads that almost fit its importers.

A download whose name, title or signature says which importer it is for, but whose
header lacks a column that importer is set up with, is an error of that one file: the
run goes on with the other files and exits with status 1. `identify` says the same
without extracting, and names the closest importer of a file none claims.
"""

from __future__ import annotations

import runpy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from beangulp import identify
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
IMPORT_PY = ROOT / "importers" / "import.py"
DOWNLOADS = ROOT / "example_ledger" / "downloads"
PURCHASE = "lakeshore_purchase_report_2025-04-08.csv"
CHECKING = "first_prairie_checking_2025-04-04.csv"
PAYMENTS = "pinecrest_payments_2025-04-10.txt"
INVOICES = "ridgeline_tms_invoices_2025-04-07.csv"
MODULE = "beancount_factoring.importers"


@pytest.fixture(scope="module", autouse=True)
def _keep_size_limits() -> Iterator[None]:
    """import.py lifts beangulp's size limit; give other tests theirs back."""
    saved = identify.FILE_TOO_LARGE_THRESHOLD
    yield
    identify.FILE_TOO_LARGE_THRESHOLD = saved


@pytest.fixture(scope="module")
def cli() -> Any:
    script = runpy.run_path(str(IMPORT_PY))
    return script["ingest"](script["CONFIG"], script["HOOKS"]).cli


def download(folder: Path, name: str, old: str, new: str, saved_as: str | None = None) -> Path:
    """A download of the example with one piece of text changed."""
    text = (DOWNLOADS / name).read_text(encoding="utf-8")
    assert old in text, old
    path = folder / (saved_as or name)
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A good download, and three whose header lacks a column their importer reads."""
    shutil.copy(DOWNLOADS / PAYMENTS, tmp_path / PAYMENTS)
    # Claimed by its name and its title row; the signature column "Net Funded" is gone.
    download(tmp_path, PURCHASE, "Net Funded", "Net Fundd")
    # Claimed by the signature (Details, Type, Check or Slip #); "Balance" is misspelt.
    download(tmp_path, CHECKING, "Balance", "Balanse")
    # Claimed by its name (the importer's `filename`); the TMS renamed "Customer".
    download(tmp_path, INVOICES, "Customer", "Client")
    return tmp_path


def test_extract_reports_each_bad_file_and_goes_on(cli: Any, folder: Path) -> None:
    output = folder.parent / "out.beancount"
    result = CliRunner().invoke(cli, ["extract", "-o", str(output), str(folder)])
    assert result.exit_code == 1, result.output
    log = result.output
    assert f"* {folder / PURCHASE} ...  ERROR\n" in log
    assert (
        f"  {folder / PURCHASE}:2, column 'Net Funded': FCT203 no header with the columns "
        "'Net Funded' of the lakeshore purchase profile"
    ) in log
    assert "'Deductions', 'Net Fundd']" in log
    assert f"* {folder / CHECKING} ...  ERROR\n" in log
    assert (
        f"  {folder / CHECKING}:1, column 'Balance': FCT203 the header has no column "
        "'Balance'; it has 'Details', 'Posting Date', 'Description', 'Amount', 'Type', "
        "'Balanse'"
    ) in log
    assert f"* {folder / INVOICES} ...  ERROR\n" in log
    assert (
        f"  {folder / INVOICES}:1, column 'Customer': FCT203 the header has no column "
        "'Customer'; it has 'Invoice No', 'Invoice Date', 'Due Date', 'Client', "
    ) in log
    assert f"* {folder / PAYMENTS} ... OK" in log
    written = output.read_text(encoding="utf-8")
    # The good file's two payments are written; nothing of the bad files.
    assert f"**** {folder / PAYMENTS}" in written
    assert written.count('factoring: "collected"') == 2
    for bad in (PURCHASE, CHECKING, INVOICES):
        assert str(folder / bad) not in written


def test_identify_reports_the_same_errors(cli: Any, folder: Path) -> None:
    result = CliRunner().invoke(cli, ["identify", str(folder)])
    assert result.exit_code == 1, result.output
    log = result.output
    assert f"* {folder / PURCHASE} ...  ERROR\n" in log
    assert f"{folder / PURCHASE}:2, column 'Net Funded': FCT203" in log
    assert f"* {folder / CHECKING} ...  ERROR\n" in log
    assert f"{folder / CHECKING}:1, column 'Balance': FCT203" in log
    assert f"{folder / INVOICES}:1, column 'Customer': FCT203" in log
    assert f"* {folder / PAYMENTS} ... OK\n  {MODULE}.factor.FactorReportImporter:Pinecrest" in log


def test_identify_names_the_closest_importer_of_an_unclaimed_file(
    cli: Any, tmp_path: Path
) -> None:
    # No name, title or signature to claim it: a purchase report saved as "funding.csv",
    # its title row deleted, a column renamed by the factor.
    path = download(tmp_path, PURCHASE, "Purchase Report -", "Report -", "funding.csv")
    path.write_text(path.read_text().replace("Net Funded", "Net Paid"), newline="")
    unrelated = tmp_path / "notes.csv"
    unrelated.write_text("Truck,Miles\nT-12,1800\n")
    result = CliRunner().invoke(cli, ["identify", str(tmp_path)])
    assert result.exit_code == 0, result.output  # an unclaimed file is not an error
    assert result.output.splitlines() == [
        f"* {path}",
        # 14 of the 15 columns of Lakeshore's purchase profile: 14 / 15 = 93 %.
        f"  not identified; closest: {MODULE}.factor.FactorReportImporter:Lakeshore "
        "(93% of its columns)",
        "  line 2: the header has no 'Net Funded' column (net, optional); the headers found "
        "are ['Schedule #', 'Purchase Date', 'Debtor', 'Debtor MC', 'Invoice #', 'Load #', "
        "'Invoice Amount', 'Advance Rate', 'Advance', 'Fee %', 'Fee', 'Inv Fee', 'Reserve', "
        "'Deductions', 'Net Paid']: name the column in the lakeshore purchase profile as the "
        "header writes it, or leave an optional field out of the profile's columns",
        f"* {unrelated}",
    ]
