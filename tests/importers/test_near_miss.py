"""A configuration that almost fits a file says why it does not.

A column misspelt in a profile or an importer's settings used to make the file silently
unidentified (a required or signature column: extract skipped it and exited 0) or its
figures silently dropped (an optional column). Now a file the importer's name pattern,
title or signature claims fails in extract with FCT203 naming the missing column and
the headers found, an optional column configured but absent is an error too, and
`identify` names, for a file no importer claims, the one that came closest.

Each case is a copy of a sample document with one header or one setting changed, for
each kind of importer configured by column names: factor reports, bank CSVs, invoice
exports.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bank_config import BANK_DOCS, INVOICE_DOCS, eu_giro, tms_invoices, us_checking
from beangulp import identify
from factor_config import DOCUMENTS

from beancount_factoring.importers import profiles
from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.ingest import closest
from beancount_factoring.importers.invoices import InvoiceImporter

LAKESHORE = FactorReportImporter(profiles.LAKESHORE, "Lakeshore")
COPPERLINE = FactorReportImporter(profiles.COPPERLINE, "Copperline")
PURCHASE = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
COLLECTIONS = DOCUMENTS / "lakeshore" / "collections_report_2025-04-07.csv"
CHECKING = BANK_DOCS / "first_prairie_checking_2025-02-14.csv"
GIRO = BANK_DOCS / "rheinland_giro_2025-02.csv"
TMS = INVOICE_DOCS / "ridgeline_tms_invoices_2025-02.csv"
ENCODINGS = {GIRO: "cp1252"}


def copy(tmp_path: Path, source: Path, name: str, change: dict[str, str] | None = None) -> str:
    """A copy of a sample under another name, with some text replaced (each must apply)."""
    encoding = ENCODINGS.get(source, "utf-8")
    text = source.read_text(encoding=encoding)
    for old, new in (change or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return str(path)


def failure(importer: object, path: str) -> ImportFailure:
    """The FCT203 extract raises; identify must have claimed the file, and diagnose
    (what the ingest script's identify prints) must say the same."""
    assert importer.identify(path), "the file should be claimed"  # type: ignore[attr-defined]
    with pytest.raises(ImportFailure) as info:
        importer.extract(path, [])  # type: ignore[attr-defined]
    assert info.value.code == "FCT203"
    assert importer.diagnose(path) == str(info.value)  # type: ignore[attr-defined]
    # Fava lists a claimed file with its account, date and name: none of them raises
    # (an exception there would stop Fava's whole import page).
    for method in ("account", "date", "filename"):
        getattr(importer, method)(path)
    return info.value


# Factor reports.


def test_factor_misspelt_required_column_in_the_profile(tmp_path: Path) -> None:
    # The profile says "Invoice No" where the report writes "Invoice #"; the signature
    # (Check/ACH #, Paid, Short/Over) claims the file.
    profile = profiles.LAKESHORE_COLLECTIONS
    columns = {**profile.columns, "invoice": "Invoice No"}
    importer = FactorReportImporter(profile.replace(columns=columns), "Lakeshore")
    path = copy(tmp_path, COLLECTIONS, "download.csv")
    error = failure(importer, path)
    assert (error.line, error.column) == (2, "Invoice No")
    assert error.detail.startswith(
        "the header has no 'Invoice No' column (invoice); the headers found are "
        "['Batch Date', 'Pay Date', 'Debtor', 'Check/ACH #', 'Invoice #', "
    )


def test_factor_misspelt_optional_column_is_an_error_not_a_dropped_figure(
    tmp_path: Path,
) -> None:
    # "Deductions" written "Deduction" by the factor: the deductions would be dropped.
    path = copy(tmp_path, PURCHASE, "download.csv", {",Deductions,": ",Deduction,"})
    error = failure(LAKESHORE, path)
    assert (error.line, error.column) == (2, "Deductions")
    assert "the header has no 'Deductions' column (deductions, optional)" in error.detail
    assert "'Deduction', 'Net Funded'" in error.detail
    assert "or leave an optional field out of the profile's columns" in error.detail


def test_factor_title_match_with_a_missing_signature_column(tmp_path: Path) -> None:
    # Neither the name nor the signature (Schedule #, Advance, Net Funded) says Lakeshore;
    # the title row "Purchase Report - ... (Client #C10482)" does.
    path = copy(tmp_path, PURCHASE, "download.csv", {"Net Funded": "Net Paid"})
    error = failure(LAKESHORE, path)
    assert (error.line, error.column) == (2, "Net Funded")
    wanted = "no header with the columns 'Net Funded' of the lakeshore purchase profile"
    assert wanted in str(error)
    assert "'Deductions', 'Net Paid']" in error.detail


def test_factor_name_match_with_a_missing_signature_column(tmp_path: Path) -> None:
    change = {"Net Funded": "Net Paid", "Purchase Report -": "Report -"}
    path = copy(tmp_path, PURCHASE, "lakeshore_purchase_2025-03-07.csv", change)
    error = failure(LAKESHORE, path)
    assert (error.line, error.column) == (2, "Net Funded")


def test_factor_near_miss_is_not_claimed_but_identify_names_it(tmp_path: Path) -> None:
    # No name, title or signature: not the importer's file, but the closest.
    change = {"Net Funded": "Net Paid", "Purchase Report -": "Report -"}
    path = copy(tmp_path, PURCHASE, "download.csv", change)
    assert not LAKESHORE.identify(path)
    near = closest([COPPERLINE, LAKESHORE, us_checking()], path)
    assert near is not None
    share, name, missed = near
    # 14 of the 15 columns of the Lakeshore purchase profile: 14 / 15 = 93 %.
    assert share == pytest.approx(14 / 15)
    assert name == "beancount_factoring.importers.factor.FactorReportImporter:Lakeshore"
    assert missed.startswith("line 2: the header has no 'Net Funded' column (net, optional)")


def test_a_file_of_another_kind_has_no_closest_importer(tmp_path: Path) -> None:
    path = copy(tmp_path, TMS, "download.csv")
    assert closest([LAKESHORE, COPPERLINE], path) is None


# Bank CSVs.


def test_bank_misspelt_required_column_claimed_by_the_signature(tmp_path: Path) -> None:
    importer = BankCsvImporter(
        "Assets:Bank:Checking",
        date="Posting Date",
        narration="Description",
        amount="Amout",
        signature=("Details", "Type", "Check or Slip #"),
        factors={},
    )
    path = copy(tmp_path, CHECKING, "download.csv")
    error = failure(importer, path)
    assert (error.line, error.column) == (1, "Amout")
    assert error.detail.startswith(
        "the header has no column 'Amout'; it has 'Details', 'Posting Date', 'Description', "
        "'Amount', "
    )


def test_bank_misspelt_optional_column_claimed_by_the_account_number(tmp_path: Path) -> None:
    # The German statement shows its account number in its title rows; its balance column
    # is "Saldo", misspelt "Saldo EUR" in the settings: no balance assertion would be made.
    importer = BankCsvImporter(
        "Assets:Bank:Giro",
        currency="EUR",
        date="Buchungstag",
        narration="Verwendungszweck",
        debit="Soll",
        credit="Haben",
        balance="Saldo EUR",
        date_format="%d.%m.%Y",
        decimal_mark=",",
        delimiter=";",
        encoding="cp1252",
        skip_rows=4,
        account_number="DE89 3704 0044 0532 0130 00",
        factors={},
    )
    path = copy(tmp_path, GIRO, "download.csv")
    error = failure(importer, path)
    assert (error.line, error.column) == (5, "Saldo EUR")


def test_bank_name_match_with_a_missing_column(tmp_path: Path) -> None:
    importer = BankCsvImporter(
        "Assets:Bank:Checking",
        date="Posting Date",
        balance="Balance",
        filename=r"first_prairie_checking",
        factors={},
    )
    path = copy(tmp_path, CHECKING, "first_prairie_checking_2025-02-14.csv", {"Balance": "Bal"})
    error = failure(importer, path)
    assert (error.line, error.column) == (1, "Balance")
    # The same file under another name is not claimed: identify names the importer.
    other = copy(tmp_path, CHECKING, "download.csv", {"Balance": "Bal"})
    assert not importer.identify(other)
    near = closest([importer], other)
    assert near is not None and near[0] == pytest.approx(3 / 4)  # 3 of its 4 columns
    assert "the header has no column 'Balance'; it has 'Details'" in near[2]


def test_bank_statement_of_another_account_is_not_claimed(tmp_path: Path) -> None:
    # The account number decides: another account's statement, with the same layout.
    path = copy(
        tmp_path,
        GIRO,
        "download.csv",
        {"DE89 3704 0044 0532 0130 00": "DE12 5001 0517 0648 4898 90"},
    )
    assert not eu_giro().identify(path)
    assert closest([eu_giro()], path) == (
        1.0,
        "beancount_factoring.importers.bank.BankCsvImporter:Assets:Bank:Giro",
        "the file does not show the account number 'DE89 3704 0044 0532 0130 00' in its name, "
        "above its header or in a column of each line's account: a statement of another "
        "account?",
    )


# Invoice exports.


def test_invoices_misspelt_required_column_claimed_by_the_name(tmp_path: Path) -> None:
    importer = InvoiceImporter(
        invoice="Invoice No",
        customer="Client",
        load="Load No",
        charge="Charge Code",
        filename=r"ridgeline_tms_invoices",
    )
    path = copy(tmp_path, TMS, "ridgeline_tms_invoices_2025-02.csv")
    error = failure(importer, path)
    assert (error.line, error.column) == (1, "Client")


def test_invoices_misspelt_optional_column_claimed_by_the_signature(tmp_path: Path) -> None:
    importer = InvoiceImporter(
        invoice="Invoice No",
        load="Load No",
        charge="Charge Code",
        description="Descr",
        signature=("Invoice No", "Charge Code"),
    )
    path = copy(tmp_path, TMS, "download.csv")
    error = failure(importer, path)
    assert (error.line, error.column) == (1, "Descr")


def test_the_shipped_samples_are_still_claimed_by_one_importer_each() -> None:
    importers = [LAKESHORE, COPPERLINE, us_checking(), eu_giro(), tms_invoices()]
    for path in (PURCHASE, COLLECTIONS, CHECKING, GIRO, TMS):
        found = identify.identify(importers, str(path))
        assert found is not None and found.diagnose(str(path)) is None, path


def test_bank_misspelt_date_column_gives_no_date_rather_than_an_exception(
    tmp_path: Path,
) -> None:
    # Fava asks a claimed file's date before anything is extracted.
    importer = BankCsvImporter(
        "Assets:Bank:Checking",
        date="Post Date",
        signature=("Details", "Type", "Check or Slip #"),
        factors={},
    )
    path = copy(tmp_path, CHECKING, "download.csv")
    error = failure(importer, path)
    assert (error.line, error.column) == (1, "Post Date")
    assert importer.date(path) is None


def test_favas_import_page_lists_a_near_miss_and_reports_it_on_extract(tmp_path: Path) -> None:
    fava_ingest = pytest.importorskip("fava.core.ingest")
    path = copy(tmp_path, PURCHASE, "download.csv", {"Net Funded": "Net Paid"})
    wrapped = fava_ingest.WrappedImporter(LAKESHORE)
    assert wrapped.identify(Path(path))  # listed with its importer, not an exception
    info = wrapped.file_import_info(Path(path))
    assert (info.account, info.name) == (
        "Assets:Factoring:Lakeshore:Clearing",
        "lakeshore-purchase.csv",
    )
    with pytest.raises(ImportFailure, match="FCT203 no header with the columns 'Net Funded'"):
        fava_ingest.extract_from_file(wrapped, Path(path), existing_entries=[])


def test_extract_says_why_a_file_that_nearly_fits_was_not_extracted(tmp_path: Path) -> None:
    # The checking account's statement saved as "Export (3).csv": the importer asks for
    # the account number in the name or the first lines, and the file shows neither.
    # extract listed it under its name alone and exited 0: its lines were never booked,
    # and nothing said why (identify did, but month-end runs extract).
    from click.testing import CliRunner

    from beancount_factoring.importers.ingest import ingest

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    copy(downloads, CHECKING, "Export (3).csv")
    (downloads / "notes.txt").write_text("call Lakeshore about RF-1102\n", encoding="utf-8")
    importer = BankCsvImporter(
        "Assets:Bank:Checking",
        date="Posting Date",
        narration="Description",
        amount="Amount",
        balance="Balance",
        account_number="4417902216",
        factors={},
    )
    result = CliRunner().invoke(ingest([importer]).cli, ["extract", str(downloads)])
    assert result.exit_code == 0, result.output
    assert "****" not in result.stdout  # nothing extracted
    log = result.stderr
    assert f"* {downloads / 'Export (3).csv'}: not extracted; closest:" in log
    assert "(100% of its columns)" in log
    assert "does not show the account number '4417902216'" in log
    assert "notes.txt: not extracted" not in log  # a file of another kind: nothing said
