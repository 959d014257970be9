"""Malformed factor reports: one error naming the file, the line and the column, and
nothing extracted from that file (directly and through beangulp's command line)."""

from __future__ import annotations

import csv
import random
import re
import shutil
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import beangulp
import openpyxl
import pytest
from beancount import loader as beancount_loader
from click.testing import CliRunner
from factor_config import DOCUMENTS, documents, importers

from beancount_factoring.importers import profiles
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.profiles import Profile

IMPORTERS = importers()
LAKESHORE = IMPORTERS["lakeshore"]
COLLECTIONS = DOCUMENTS / "lakeshore" / "collections_report_2025-04-07.csv"
RESERVE = DOCUMENTS / "lakeshore" / "reserve_account_2025-04-30.csv"


def edited(tmp_path: Path, name: str, change: dict[str, str], source: Path = COLLECTIONS) -> Path:
    """A copy of a sample with some text replaced (each replacement must apply)."""
    text = source.read_text(encoding="utf-8")
    for old, new in change.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def failure(importer: FactorReportImporter, path: Path) -> ImportFailure:
    """The one error extract raises; identification must have claimed the file."""
    assert importer.identify(str(path)), "the file should be recognised"
    with pytest.raises(ImportFailure) as info:
        importer.extract(str(path), [])
    return info.value


def test_missing_column_names_it_and_lists_the_headers(tmp_path: Path) -> None:
    path = edited(tmp_path, "c.csv", {"Invoice #,": "Invoice Number,"})
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (2, "Invoice #", "FCT203")
    assert str(error).startswith(
        f"{path}:2, column 'Invoice #': FCT203 the header has no 'Invoice #'"
    )
    assert "'Invoice Number'" in str(error) and "'Pay Date'" in str(error)


def test_bad_date(tmp_path: Path) -> None:
    path = edited(tmp_path, "c.csv", {"04/04/2025,": "04/31/2025,"})
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (4, "Pay Date", "FCT206")
    assert "'04/31/2025' is not a date in the format %m/%d/%Y or %m/%d/%y" in str(error)


def test_bad_amount(tmp_path: Path) -> None:
    path = edited(tmp_path, "c.csv", {'"$1,825.00"': '"$1,8O5.00"'})
    error = failure(LAKESHORE, path)
    assert (error.line, error.column) == (4, "Paid")
    assert str(error) == f"{path}:4, column 'Paid': FCT207 '$1,8O5.00' is not an amount"


def test_empty_amount_where_one_is_required(tmp_path: Path) -> None:
    path = edited(tmp_path, "c.csv", {'"$1,825.00"': ""})
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (4, "Paid", "FCT205")


def test_each_error_of_a_row_says_how_to_fix_it(tmp_path: Path) -> None:
    # A negative payment (a returned check), a row of balances the profile does not know,
    # and a grand total whose label is not the profile's: each says what to do.
    cases = [
        ('"$1,825.00",($50.00)', '"-$1,825.00",($50.00)', "Paid", "FCT211", "delete the row"),
        ("Total,,,,,,", "Gesamtsumme,,,,3 invoices,,", "Invoice #", "FCT208", "total_marker="),
        # The reserve ledger's opening balance under a label balance_marker does not know,
        # on a line of its own with no amount (`Opening Balance` is read: test_factor_totals).
        (
            "\n03/03/2025,Purchase",
            "\n03/01/2025,Brought forward,,,,,$0.00\n03/03/2025,Purchase",
            "Amount",
            "FCT205",
            "balance_marker=",
        ),
    ]
    for old, new, column, code, fix in cases:
        source = RESERVE if code == "FCT205" else COLLECTIONS
        error = failure(LAKESHORE, edited(tmp_path, "c.csv", {old: new}, source))
        assert (error.column, error.code) == (column, code), str(error)
        assert fix in str(error), str(error)


def test_dates_read_one_way_then_another_are_an_error(tmp_path: Path) -> None:
    # A profile that accepts both orders: 04/02/2025 on line 3 is read day first
    # (February 4), until 04/13/2025 on line 4 can only be month first.
    both = FactorReportImporter(
        replace(profiles.LAKESHORE_COLLECTIONS, date_formats=("%d/%m/%Y", "%m/%d/%Y")), "Lakeshore"
    )
    path = edited(tmp_path, "c.csv", {"04/07/2025,04/04/2025,": "04/07/2025,04/13/2025,"})
    error = failure(both, path)
    assert (error.line, error.column, error.code) == (4, "Pay Date", "FCT206")
    assert "'04/02/2025' earlier in the file was read as 2025-02-04, another way" in str(error)


def test_truncated_file_row_cut_short(tmp_path: Path) -> None:
    text = COLLECTIONS.read_text()
    cut = text[: text.index("CHK 118733") + 3]  # the download stopped in the 4th line
    path = tmp_path / "c.csv"
    path.write_text(cut)
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (4, "Invoice #", "FCT204")
    assert "the row has 4 fields where the header has 10: the file may be cut short" in str(error)


def test_an_amount_written_without_quotes_moves_the_cells_after_it(tmp_path: Path) -> None:
    # "$2,150.00" written $2,150.00: Invoice Amt reads $2, Paid 150.00, and so on; with
    # no Total row to disagree, the payment would be booked as 150.00 in silence.
    path = edited(tmp_path, "c.csv", {'"$2,150.00","$2,150.00"': '$2,150.00,"$2,150.00"'})
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (3, 11, "FCT204")
    assert "the row has 11 fields where the header has 10" in str(error)
    assert "thousands separator written without quotes" in str(error)


def test_truncated_file_unterminated_quote(tmp_path: Path) -> None:
    text = COLLECTIONS.read_text()
    path = tmp_path / "c.csv"
    path.write_text(text[: text.index("CROSSROADS") + 5])  # stops inside "CROSSROADS..."
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (4, "Debtor", "FCT204")
    assert "a quote is not closed, or the file is cut short" in str(error)


def test_undecodable_bytes(tmp_path: Path) -> None:
    text = COLLECTIONS.read_text().replace("NORTHSTAR LOGISTICS LLC", "NORTHSTAR CAFÉ LLC")
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode("cp1252"))  # saved by Excel in Windows-1252
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (3, "Debtor", "FCT201")
    assert "byte 0xc9 at position 36 cannot be read as utf-8" in str(error)


def test_utf16_file(tmp_path: Path) -> None:
    path = tmp_path / "lakeshore-collections.csv"
    path.write_bytes(COLLECTIONS.read_text().encode("utf-16"))
    error = failure(LAKESHORE, path)  # claimed by its name, since it cannot be read
    assert (error.line, error.column, error.code) == (1, 1, "FCT201")
    assert "the file is UTF-16" in str(error)


def test_unknown_encoding_is_refused_when_the_profile_is_made() -> None:
    with pytest.raises(ValueError, match="unknown encoding 'utf-9'"):
        profiles.LAKESHORE_PURCHASE.replace(encoding="utf-9")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "lakeshore_collections_2025-04-07.csv"
    path.write_bytes(b"")
    error = failure(LAKESHORE, path)  # claimed by its name, since it has no header
    assert str(error) == f"{path}:1:1: FCT202 the file is empty: no header, no rows"
    blank = tmp_path / "export.csv"
    blank.write_text("\n\n")
    assert not LAKESHORE.identify(str(blank))
    with pytest.raises(ImportFailure, match=r"export.csv:1:1: FCT202 the file is empty"):
        LAKESHORE.extract(str(blank), [])


@pytest.mark.parametrize(
    "title",
    [
        "Purchase Report - RIDGELINE FREIGHT LLC (Client #C10482) 03/01/2025 - 03/07/2025\n",
        # The title and its period in two cells, and a blank line or two.
        "Purchase Report - RIDGELINE FREIGHT LLC (Client #C10482),03/01/2025 - 03/07/2025\n\n",
    ],
)
def test_a_report_of_its_title_alone_is_an_empty_download(tmp_path: Path, title: str) -> None:
    """A portal's download of a period with nothing in it: the title line alone. It was
    FCT203 naming the columns 'Schedule #', 'Advance', 'Net Funded' as missing, which
    sent the bookkeeper to the profile's columns; the file has no header and no rows."""
    path = tmp_path / "lakeshore_purchase_2025-04-08.csv"
    path.write_text(title, encoding="utf-8")
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (1, None, "FCT202"), str(error)
    assert "only its title" in error.detail and "empty download" in error.detail, str(error)
    # A title above a header whose names all differ is still FCT203, naming them.
    path.write_text(title + "Lot,Funded,Client,Gross\n1,03/03/2025,A,1.00\n", encoding="utf-8")
    error = failure(LAKESHORE, path)
    assert error.code == "FCT203" and "'Schedule #'" in error.detail, str(error)


def test_no_header_explains_the_closest_row(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Report\nDate,Transaction Type,Amount\n03/03/2025,Purchase,1.00\n")
    assert not LAKESHORE.identify(str(path))
    with pytest.raises(ImportFailure) as info:
        LAKESHORE.extract(str(path), [])
    assert (info.value.line, info.value.code) == (2, "FCT203")
    assert "no header with the columns 'Batch#', 'Balance' of the lakeshore reserve" in str(
        info.value
    )


@pytest.mark.parametrize(("delimiter", "shown"), [(";", "';'"), ("\t", "'\\t'")])
def test_no_header_names_the_delimiter_the_file_is_written_with(
    tmp_path: Path, delimiter: str, shown: str
) -> None:
    # Lakeshore's purchase report saved again from Excel with semicolons (a European
    # locale) or tabs: the error named the title row as the closest to a header and
    # asked to rename the profile's columns, which are right; the fix is the delimiter.
    source = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    with source.open(newline="") as handle:
        rows = list(csv.reader(handle))
    path = tmp_path / "lakeshore_purchase.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    error = failure(LAKESHORE, path)
    assert (error.line, error.code) == (2, "FCT203")
    assert f"separated by {shown}" in error.detail
    assert f"delimiter={shown}" in error.detail
    # No column is missing: the error names none (it named 'Schedule #').
    assert error.column is None, str(error)
    # The advice works as written on the factor's tuple of profiles (a tuple has no
    # .replace(), which the message asked for): its profiles, given to the importer,
    # read the file as the comma-separated one is read.
    found = re.search(r"FactorReportImporter\((\[.*?\]), \.\.\.\)", error.detail)
    assert found is not None, error.detail
    advised = eval(found.group(1), {"profiles": profiles})
    importer = FactorReportImporter(advised, "Lakeshore", bank="Assets:Bank:Checking")
    ours = [e.postings for e in importer.extract(str(path), [])]
    assert ours and ours == [e.postings for e in importer.extract(str(source), [])]


def test_wrong_sign_setting_breaks_the_running_balance(tmp_path: Path) -> None:
    source = DOCUMENTS / "lakeshore" / "reserve_account_2025-04-30.csv"
    path = edited(tmp_path, "r.csv", {"($50.00)": "$50.00"}, source)
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (5, "Balance", "FCT210")
    assert "does not follow from 283.25 and the amount 50.00" in str(error)


def test_invoice_number_that_cannot_be_a_link(tmp_path: Path) -> None:
    path = edited(tmp_path, "c.csv", {",RF-1102,": ",RF 1102,"})
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (4, "Invoice #", "FCT208")


def test_strict_profile_refuses_unknown_columns(tmp_path: Path) -> None:
    strict = FactorReportImporter(profiles.LAKESHORE_COLLECTIONS.replace(strict=True), "Lakeshore")
    path = edited(tmp_path, "c.csv", {",Pay Type": ",Pay Type,Memo"})
    error = failure(strict, path)
    assert (error.line, error.code) == (2, "FCT203")
    assert ": FCT203 unknown column(s) ['Memo']" in str(error)


def test_xlsx_bad_cell(tmp_path: Path) -> None:
    path = tmp_path / "batch.xlsx"
    shutil.copy(DOCUMENTS / "pinecrest" / "batch_detail_2025-03.xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["G3"] = "3,0OO.00"
    book.save(path)
    error = failure(IMPORTERS["pinecrest"], path)
    assert (error.line, error.column, error.code) == (3, "Invoice Amt", "FCT207")


@pytest.mark.parametrize("declared", ["A1:K3", "A1:K1", "A1:C2"])
def test_an_xlsx_whose_declared_size_is_too_small_is_read_whole(
    tmp_path: Path, declared: str
) -> None:
    # Some tools write a sheet's <dimension> wrong; Excel ignores it. The rows after
    # the declared last one (schedule 881, on row 5 of six) were left out in silence.
    source = DOCUMENTS / "pinecrest" / "batch_detail_2025-03.xlsx"
    whole = IMPORTERS["pinecrest"].extract(str(source), [])
    path = tmp_path / "batch.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{declared}"'.encode(), content
                )
                assert count == 1
            new.writestr(item, content)
    entries = IMPORTERS["pinecrest"].extract(str(path), [])
    assert [e.narration for e in entries] == [e.narration for e in whole]
    assert "Schedule 881, 1 invoice" in [e.narration for e in entries]

    def legs(found: list) -> list:
        return [
            [(p.account, p.units, (p.meta or {}).get("invoice")) for p in e.postings]
            for e in found
        ]

    assert legs(entries) == legs(whole)


def test_a_date_serial_of_a_workbook_counting_from_1904(tmp_path: Path) -> None:
    # Old Excel for Mac counts dates from 1904: its serial 44258 is 2025-03-04, where the
    # 1900 count gives 2021-03-03. A Fund Date written as a plain number (no date format)
    # was read four years and a day early, with no error.
    path = tmp_path / "batch.xlsx"
    shutil.copy(DOCUMENTS / "pinecrest" / "batch_detail_2025-03.xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None and sheet["B1"].value == "Fund Date"
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    for cell in ("B2", "B3"):  # schedule 880's rows, funded 2025-03-04
        sheet[cell] = 44258
        sheet[cell].number_format = "General"
    book.save(path)
    entries = IMPORTERS["pinecrest"].extract(str(path), [])
    assert str(entries[0].date) == "2025-03-04"
    assert entries[0].narration == "Schedule 880, 2 invoices"


def test_an_xlsx_formula_without_its_value_is_an_error_not_an_empty_cell(
    tmp_path: Path,
) -> None:
    # A workbook written by a program that does not calculate (openpyxl, here) keeps a
    # formula's text but no value: the escrow reserve of every row read as empty, and
    # the schedules were booked with no reserve, with no error.
    path = tmp_path / "batch.xlsx"
    shutil.copy(DOCUMENTS / "pinecrest" / "batch_detail_2025-03.xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    column = next(c.column_letter for c in sheet[1] if c.value == "Escrow Reserve")
    sheet[f"{column}2"] = "=G2-H2"
    book.save(path)
    error = failure(IMPORTERS["pinecrest"], path)
    assert (error.line, error.column, error.code) == (2, column, "FCT205")
    assert f"cell {column}2 holds a formula whose value the workbook does not keep" in str(error)


def test_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "pinecrest_batch_2025-03.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip file")
    error = failure(IMPORTERS["pinecrest"], path)
    assert f"{path}: FCT200 not a readable XLSX workbook" in str(error)


def test_generic_profile_errors_name_its_columns(tmp_path: Path) -> None:
    profile = Profile.generic(
        kind="chargeback",
        columns={"invoice": "Ref", "date": "Back On", "amount": "Owed"},
        date_format="%d.%m.%Y",
        decimal_mark=",",
        thousands=".",
        currency="EUR",
    )
    path = tmp_path / "rb.csv"
    path.write_text('Ref,Back On,Owed\nR-1,31.02.2025,"1.200,00"\n')
    error = failure(FactorReportImporter(profile, "Ashgrove"), path)
    assert (error.line, error.column, error.code) == (2, "Back On", "FCT206")


def _replaced(old: str, new: str) -> bytes:
    return COLLECTIONS.read_text().replace(old, new, 1).encode()


BROKEN = {
    "missing-column.csv": (
        _replaced("Invoice #,", "Invoice Number,"),
        ":2, column 'Invoice #': FCT203",
    ),
    "bad-date.csv": (_replaced("04/04/2025,", "04/31/2025,"), ":4, column 'Pay Date': FCT206"),
    "bad-amount.csv": (_replaced('"$1,825.00"', '"$1,8O5.00"'), ":4, column 'Paid': FCT207"),
    "truncated.csv": (
        COLLECTIONS.read_bytes()[: COLLECTIONS.read_bytes().index(b"CROSSROADS") + 5],
        ":4, column 'Debtor'",
    ),
    "undecodable.csv": (
        COLLECTIONS.read_text().replace("LOGISTICS", "CAFÉ", 1).encode("cp1252"),
        ":3, column 'Debtor'",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_beangulp_extract_reports_the_error_and_writes_nothing_for_the_file(
    tmp_path: Path, name: str
) -> None:
    content, where = BROKEN[name]
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    good = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    shutil.copy(good, downloads / good.name)
    broken = downloads / name
    broken.write_bytes(content)
    ingest = beangulp.Ingest(list(IMPORTERS.values()))
    result = CliRunner().invoke(ingest.cli, ["extract", str(downloads)])
    assert result.exit_code == 1
    assert f"{broken}{where}" in result.stderr
    assert "ERROR" in result.stderr
    assert f"**** {downloads / good.name}" in result.stdout
    assert str(broken) not in result.stdout
    assert "^RF-1101 ^RF-1102" in result.stdout  # the good file's schedule
    assert "Paid Lakeshore" not in result.stdout  # nothing of the broken collections


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf\r\n\r\n"])
def test_beangulp_extract_reports_an_empty_download(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "lakeshore-reserve-2025-04.csv"
    path.write_bytes(content)
    ingest = beangulp.Ingest(list(IMPORTERS.values()))
    result = CliRunner().invoke(ingest.cli, ["extract", str(path)])
    assert result.exit_code == 1, result.output
    assert re.search(rf"{re.escape(str(path))}:\d", result.stderr)
    assert "****" not in result.stdout


def test_damaged_files_raise_import_failure_and_nothing_else(tmp_path: Path) -> None:
    """Flipped bytes, cuts and stray quotes in every sample, CSV and XLSX alike."""
    rng = random.Random(20250304)
    samples = [(doc, doc.read_bytes()) for doc in documents()]
    for number in range(240):
        doc, original = samples[number % len(samples)]
        content = bytearray(original)
        how = rng.randrange(3)
        if how == 0:
            for _ in range(rng.randrange(1, 5)):
                content[rng.randrange(len(content))] = rng.randrange(256)
        elif how == 1:
            content = content[: rng.randrange(len(content))]
        else:
            at = rng.randrange(len(content))
            content[at:at] = rng.choice([b'"', b",", b";", b"\t", b"\n", b"(", b"*"])
        path = tmp_path / f"{number}{doc.suffix}"
        path.write_bytes(bytes(content))
        importer = IMPORTERS[doc.parent.name]
        importer.identify(str(path))
        importer.date(str(path))
        try:
            importer.extract(str(path), [])
        except ImportFailure as error:
            assert str(path) in str(error)


def test_one_schedule_number_on_two_days_is_an_event_a_day(tmp_path: Path) -> None:
    # A schedule bought over two days, or a typo in the second one's number (3110 for
    # 3111): each day is its own schedule event, its invoices dated the day they were
    # bought (merged, RF-1103 was dated 03/03 instead of 03/05). A typo then leaves
    # schedule 3111 unknown to the deposit that names it (FCT132 in bean-check).
    purchase = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    path = edited(tmp_path, "p.csv", {"3111,03/05/2025": "3110,03/05/2025"}, purchase)
    entries = LAKESHORE.extract(str(path), [])
    events = {
        (entry.date.isoformat(), *sorted(entry.links))
        for entry in entries
        if entry.meta.get("factoring") == "schedule"
    }
    assert ("2025-03-03", "RF-1101", "RF-1102") in events
    assert ("2025-03-05", "RF-1103") in events


def test_an_invoice_row_without_its_number_is_not_a_footer(tmp_path: Path) -> None:
    # RF-1103's number lost: the row fills 14 of the 15 columns, so it is no note like
    # ",,,,Wire Fee,($25.00)" and is not left out (the total counts footers too, and
    # would still have agreed).
    purchase = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    path = edited(tmp_path, "p.csv", {"559061,RF-1103,": "559061,,"}, purchase)
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (7, "Invoice #", "FCT205")
    assert "fills 14 of the report's 15 columns but not this one" in str(error)


def test_a_report_header_repeated_below_is_named(tmp_path: Path) -> None:
    lines = COLLECTIONS.read_text().splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if line.startswith("Batch Date"))
    path = tmp_path / "c.csv"
    path.write_text("".join([*lines[: header + 2], lines[header], *lines[header + 2 :]]))
    error = failure(LAKESHORE, path)
    assert (error.line, error.code) == (header + 3, "FCT210")
    assert f"this row is the header of line {header + 1} again" in str(error)


def test_a_report_of_two_pages_names_the_title_repeated(tmp_path: Path) -> None:
    # A reserve report of two pages pasted into one file, the second page's title and
    # header above its rows: the title, under the Date column, was "not a date in the
    # format %m/%d/%Y" (FCT206), which sent the bookkeeper to the date format.
    lines = RESERVE.read_text().splitlines(keepends=True)
    path = tmp_path / "r.csv"
    path.write_text("".join([*lines[:4], lines[0], lines[1], *lines[4:]]))
    error = failure(LAKESHORE, path)
    assert (error.line, error.code) == (5, "FCT210")
    assert "this row is the report's title of line 1 again" in str(error)
    assert "delete the repeated title and header rows" in str(error)


@pytest.mark.parametrize(
    "source", [COLLECTIONS, DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"]
)
def test_a_note_above_the_header_and_below_the_rows_is_no_second_page(
    source: Path, tmp_path: Path
) -> None:
    # "CONFIDENTIAL" printed above the title and again below the rows: a note both times
    # (no invoice number), not a second page's title; it was FCT210 "two pages pasted
    # into one file?", and the report could not be imported at all. (A second page's
    # title under a key column, the reserve ledger's Date, is still named: above.)
    text = source.read_text(encoding="utf-8")
    path = tmp_path / source.name
    path.write_text(f"CONFIDENTIAL\n{text}CONFIDENTIAL\n", encoding="utf-8", newline="")
    plain = LAKESHORE.extract(str(source), [])
    noted = LAKESHORE.extract(str(path), [])
    assert [(e.date, type(e).__name__) for e in noted] == [
        (e.date, type(e).__name__) for e in plain
    ]


@pytest.mark.parametrize(
    ("folder", "name", "encoding"),
    [
        ("pinecrest", "payments_2025-04.txt", "cp1252"),
        ("saaristo", "suoritukset_2025-04.csv", "latin-1"),
    ],
)
def test_a_one_byte_report_saved_again_as_utf8_reads_the_same(
    tmp_path: Path, folder: str, name: str, encoding: str
) -> None:
    # Opened and saved by Notepad: UTF-8 with a byte-order mark. The mark says how to read
    # it; read in the profile's one-byte encoding, its header would not be found (or its
    # letters would come out as "Ã¤" and its import ids change).
    source = DOCUMENTS / folder / name
    saved = tmp_path / name
    saved.write_bytes(b"\xef\xbb\xbf" + source.read_text(encoding).encode("utf-8"))
    importer = IMPORTERS[folder]
    assert importer.identify(str(saved))
    original = importer.extract(str(source), [])
    again = importer.extract(str(saved), [])
    assert [(e.date, e.narration, e.meta.get("import-id")) for e in again] == [
        (e.date, e.narration, e.meta.get("import-id")) for e in original
    ]


def test_reserve_report_of_one_day_newest_first_reads_as_oldest_first(tmp_path: Path) -> None:
    """A report whose rows fall on one day has no dates to say its order: the running
    balance does (100.00 then 100.00 - 60.00 = 40.00 read top down; bottom up when the
    newest row comes first). Either way: the same release and the same balance."""
    header = (
        "Reserve Account Report - RIDGELINE FREIGHT LLC (Client #C10482) "
        "04/08/2025 - 04/08/2025\n"
        "Date,Transaction Type,Batch#,Invoice #,Description,Amount,Balance\n"
    )
    rows = [
        "04/08/2025,Purchase,Schedule#3112,,Reserve holdback,$100.00,$100.00\n",
        "04/08/2025,Release,ACH 77900,,Reserve release (rebate),($60.00),$40.00\n",
    ]
    printed = []
    for name, order in (("oldest", rows), ("newest", rows[::-1])):
        path = tmp_path / name / "lakeshore-reserve-2025-04-08.csv"
        path.parent.mkdir()
        path.write_text(header + "".join(order), encoding="utf-8")
        entries = LAKESHORE.extract(str(path), [])
        printed.append([(type(e).__name__, e.date, getattr(e, "amount", None)) for e in entries])
        released = [e for e in entries if type(e).__name__ == "Transaction"]
        assert [p.units.number for p in released[0].postings] == [Decimal("60.00"), -60]
        balances = [e for e in entries if type(e).__name__ == "Balance"]
        assert [b.amount.number for b in balances] == [Decimal("40.00")]
    assert printed[0] == printed[1]


@pytest.mark.parametrize(
    "label", ["Grand Total", "Subtotal", "Total for period", "Grand Total (USD)", "Subtotal 3110"]
)
def test_a_totals_row_labelled_otherwise_is_checked_and_left_out(
    tmp_path: Path, label: str
) -> None:
    """The profile's total marker (`totals?` for Lakeshore) found anywhere in the label:
    the row is the schedule's total, checked against its rows, not an invoice row whose
    number was lost (FCT205)."""
    source = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    plain = LAKESHORE.extract(str(source), [])
    path = edited(tmp_path, source.name, {"Total,": f"{label},"}, source)
    assert [e.postings for e in LAKESHORE.extract(str(path), [])] == [e.postings for e in plain]
    # A total that does not add up is still an error.
    wrong = edited(
        tmp_path, "wrong.csv", {"Total,": f"{label},", "$3,703.12": "$3,713.12"}, source
    )
    error = failure(LAKESHORE, wrong)
    assert "a row is missing or counted twice" in error.detail
    assert error.code == "FCT210"


@pytest.mark.parametrize(
    "debtor", ["VANTOTAL FREIGHT", "PRIME TOTAL LOGISTICS", "CARGO TOTAL", "Logistics Totals"]
)
def test_a_debtor_whose_name_holds_the_marker_is_no_total(tmp_path: Path, debtor: str) -> None:
    """A row that lost its invoice number, its debtor's name holding "total", its amounts
    those of the one row above: it has dates beside its figures, so it is no total (it
    was left out in silence) but FCT205 on its empty invoice number."""
    source = DOCUMENTS / "lakeshore" / "recourse_report_2025-06-04.csv"
    row = f'{debtor},,03/04/2025,03/05/2025,"$1,640.00",06/04/2025,"$1,558.00"\n'
    first = 'BAYLINE LOGISTICS,RF-1103,03/04/2025,03/05/2025,"$1,640.00",06/04/2025,"$1,558.00"\n'
    path = edited(tmp_path, source.name, {first: first + row}, source)
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (4, "Invoice#", "FCT205")


def test_a_total_labelled_mid_marker_that_does_not_add_up_is_an_error(tmp_path: Path) -> None:
    # The CROSSROADS row lost from the download: "Grand Total" (3 of 10 columns filled)
    # no longer adds up. It was left out as a note, the missing row unseen.
    crossroads = (
        '04/07/2025,04/04/2025,"CROSSROADS BROKERAGE, INC.",CHK 118733,RF-1102,CRB-80331,'
        '"$1,875.00","$1,825.00",($50.00),Check\n'
    )
    path = edited(tmp_path, "c.csv", {crossroads: "", "Total,": "Grand Total,"})
    error = failure(LAKESHORE, path)
    assert (error.line, error.code) == (4, "FCT210")


def test_a_one_row_batch_closed_by_a_subtotal_is_read(tmp_path: Path) -> None:
    # Each schedule closed by "Subtotal", the second of one row, no fee rows: totals.
    source = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    fee = ",,,,,,,,,,,,,Transfer Fee,($10.00)\n"
    text = source.read_text(encoding="utf-8").replace(fee, "").replace("Total,", "Subtotal,")
    text = text.replace('"$3,703.12"', '"$3,713.12"').replace('"$1,502.00"', '"$1,512.00"')
    path = tmp_path / source.name
    path.write_text(text, encoding="utf-8")
    entries = LAKESHORE.extract(str(path), [])
    assert [e.meta.get("schedule") for e in entries if e.meta.get("factoring")] == [
        "3110",
        "3111",
    ]


@pytest.mark.parametrize(
    ("change", "total"),
    [
        # Text beside the figures of a total (the rates): still a total.
        (
            {
                'Total,,,,,,"$4,025.00",,"$3,823.75",,': (
                    'Grand Total,,,,,,"$4,025.00",95.00%,"$3,823.75",2.50%,'
                )
            },
            True,
        ),
        # A note that names the total, with no figure: a note.
        ({"3111,03/05/2025": "Fees are included in the total\n3111,03/05/2025"}, False),
        # A fee footer whose description holds the word: a footer, as the others.
        ({",Transfer Fee,($10.00)": ",Transfer Fee total,($10.00)"}, False),
        # A note with a date and no figure: a note.
        (
            {"3111,03/05/2025": "Report totals as of,03/07/2025" + "," * 13 + "\n3111,03/05/2025"},
            False,
        ),
    ],
    ids=["rates-in-total", "note", "fee-footer", "dated-note"],
)
def test_rows_that_name_the_total_are_read_as_they_are(
    tmp_path: Path, change: dict[str, str], total: bool
) -> None:
    source = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    plain = LAKESHORE.extract(str(source), [])
    path = edited(tmp_path, source.name, change, source)
    assert [e.postings for e in LAKESHORE.extract(str(path), [])] == [e.postings for e in plain]


def test_a_reserve_statements_subtotal_labelled_in_its_description(tmp_path: Path) -> None:
    # A row "March subtotal" under Description (the key, the date, empty) after March's
    # one row: a total, checked (1,159.52), not a footer whose 1,159.52 is counted twice
    # (the Grand Total then read as "not the sum of its rows", FCT210).
    source = DOCUMENTS / "copperline" / "reserve_statement_2025-04.xlsx"
    path = tmp_path / source.name
    shutil.copy(source, path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.insert_rows(5)
    for column, value in zip(
        "ABCDEF", (None, "March subtotal", None, None, None, 1159.52), strict=True
    ):
        sheet[f"{column}5"] = value
    book.save(path)
    importer = IMPORTERS["copperline"]
    plain = importer.extract(str(source), [])
    assert [e.date for e in importer.extract(str(path), [])] == [e.date for e in plain]


def _rated(tmp_path: Path, *rows: str, percent: str = "auto") -> list | ImportFailure:
    profile = Profile.generic(
        kind="purchase",
        columns={
            "invoice": "Invoice",
            "date": "Date",
            "face": "Face",
            "advance_rate": "Adv %",
            "fee_rate": "Fee %",
            "reserve": "Reserve",
        },
        date_format="%m/%d/%Y",
        name="ratey",
        factor="Ratey Capital",
        percent=percent,
    )
    path = tmp_path / "purchase.csv"
    path.write_text("Invoice,Date,Face,Adv %,Fee %,Reserve\n" + "\n".join(rows) + "\n")
    importer = FactorReportImporter(profile, "Ratey", debtors={})
    try:
        return importer.extract(str(path), [])
    except ImportFailure as failure:
        return failure


def _figures(entries: list) -> list[tuple[str, str]]:
    meta = entries[0].postings[1].meta
    return [(str(meta["advance"].number), str(meta["fee"].number))]


def test_auto_rates_below_one_in_a_file_of_bare_percentages(tmp_path: Path) -> None:
    # Adv % 90 shows the file writes bare percentages: its Fee % 0.75 is 0.75 %, a fee
    # of 1,000.00 x 0.0075 = 7.50. It was read as a fraction: 750.00, with no error.
    entries = _rated(tmp_path, "X-1,04/02/2025,1000.00,90,0.75,100.00")
    assert isinstance(entries, list)
    assert _figures(entries) == [("900.00", "7.50")]
    # Fractions throughout: 0.9 and 0.025 (1,000.00 x 0.025 = 25.00).
    entries = _rated(tmp_path, "X-1,04/02/2025,1000.00,0.9,0.025,100.00")
    assert isinstance(entries, list)
    assert _figures(entries) == [("900.00", "25.00")]


def test_an_auto_rate_that_could_be_either_is_asked(tmp_path: Path) -> None:
    # 0.75 beside an advance written as a fraction: 75 % or 0.75 %? Asked, not guessed.
    failure = _rated(tmp_path, "X-1,04/02/2025,1000.00,0.9,0.75,100.00")
    assert isinstance(failure, ImportFailure)
    assert (failure.line, failure.column, failure.code) == (2, "Fee %", "FCT207")
    assert "percent='fraction' or percent='percent'" in failure.detail
    # A small rate read as a fraction, then a bare percentage further down: an error.
    failure = _rated(
        tmp_path,
        "X-1,04/02/2025,1000.00,,0.05,100.00",
        "X-2,04/02/2025,1000.00,,2,100.00",
    )
    assert isinstance(failure, ImportFailure)
    assert (failure.line, failure.code) == (3, "FCT207")
    assert "'0.05' (line 2, column 'Fee %') was read as a fraction" in failure.detail


@pytest.mark.parametrize("percent", ["percent", "number"])
def test_an_advance_rate_of_a_fraction_under_bare_percentages_is_asked(
    tmp_path: Path, percent: str
) -> None:
    # A profile whose bare rates are percentages (percent="percent" or "number") read an
    # advance rate written as a fraction, 0.9, as 0.9 %: an advance of 1,000.00 x 0.009
    # = 9.00 where the factor advanced 900.00, written with no word (the plugin then
    # blamed the factor with FCT170). No factor advances less than 1 % of the face.
    failure = _rated(tmp_path, "X-1,04/02/2025,1000.00,0.9,2.5,100.00", percent=percent)
    assert isinstance(failure, ImportFailure), _figures(failure)
    assert (failure.line, failure.column, failure.code) == (2, "Adv %", "FCT207")
    assert "percent='fraction'" in failure.detail
    # Bare percentages are read as before: 1,000.00 x 0.90 = 900.00, x 0.025 = 25.00.
    entries = _rated(tmp_path, "X-1,04/02/2025,1000.00,90,2.5,100.00", percent=percent)
    assert isinstance(entries, list)
    assert _figures(entries) == [("900.00", "25.00")]


def test_an_advance_rate_of_a_fraction_in_a_workbook_under_bare_percentages(
    tmp_path: Path,
) -> None:
    # A Lakeshore report saved as a workbook, its Advance Rate a plain number (0.95, not
    # formatted as a percentage) and its Advance left empty: RF-1103's advance was
    # 1,640.00 x 0.0095 = 15.58, not 1,640.00 x 0.95 = 1,558.00, with no word.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Purchase Report - RIDGELINE FREIGHT LLC (Client #C10482)"])
    sheet.append(
        ["Schedule #", "Purchase Date", "Debtor", "Debtor MC", "Invoice #", "Load #",
         "Invoice Amount", "Advance Rate", "Advance", "Fee %", "Fee", "Inv Fee", "Reserve",
         "Deductions", "Net Funded"]
    )  # fmt: skip
    sheet.append(
        [3111, "03/05/2025", "BAYLINE LOGISTICS", 559061, "RF-1103", "BL-91544", 1640,
         0.95, None, None, 41, 5, 82, 0, None]
    )  # fmt: skip
    path = tmp_path / "lakeshore_purchase.xlsx"
    book.save(path)
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (3, "Advance Rate", "FCT207")


def test_a_collections_row_whose_short_disagrees_with_its_payment(tmp_path: Path) -> None:
    # RF-1102: Invoice Amt 1,875.00, Paid 1,875.00, Short/Over ($50.00). Paid says the
    # face was paid, Short/Over that 50.00 was not: the payment was booked in full
    # (no paid:, the reserve 50.00 too high) with no word of the short pay.
    paid_in_full = edited(
        tmp_path,
        "paid_in_full.csv",
        {'"$1,875.00","$1,825.00",($50.00)': '"$1,875.00","$1,875.00",($50.00)',
         '"$3,975.00"': '"$4,025.00"'},
    )  # fmt: skip
    error = failure(LAKESHORE, paid_in_full)
    assert (error.line, error.column, error.code) == (4, "Short/Over", "FCT210")
    assert "1,875.00 paid of 1,875.00 leaves 0.00" in error.detail
    # Paid 1,825.00 (50.00 short) beside a Short/Over of ($75.00): one of them is wrong.
    other_short = edited(
        tmp_path,
        "other_short.csv",
        {"($50.00),Check": "($75.00),Check", '"$3,975.00",($50.00)': '"$3,975.00",($75.00)'},
    )
    error = failure(LAKESHORE, other_short)
    assert (error.line, error.column, error.code) == (4, "Short/Over", "FCT210")


def test_a_short_written_either_way_round_is_no_disagreement(tmp_path: Path) -> None:
    # 1,875.00 - 1,825.00 = 50.00 short, whether written ($50.00) or $50.00: read as
    # before, paid: 1,825.00; an over pay of 50.00 likewise (2,200.00 of 2,150.00).
    positive = edited(
        tmp_path,
        "positive.csv",
        {"($50.00),Check": "$50.00,Check",
         '"$2,150.00","$2,150.00",$0.00': '"$2,150.00","$2,200.00",$50.00',
         '"$3,975.00",($50.00)': '"$4,025.00",$100.00'},
    )  # fmt: skip
    entries = LAKESHORE.extract(str(positive), [])
    assert [str(e.meta["paid"].number) for e in entries] == ["2200.00", "1825.00"]


def test_a_later_part_whose_short_counts_the_earlier_payments(tmp_path: Path) -> None:
    # The ledger holds 1,000.00 paid on RF-1102 (face 1,875.00) in part; the report's
    # row pays 825.00 and shows the invoice 50.00 short in all:
    # 1,000.00 + 825.00 - 1,875.00 = -50.00. Not a disagreement: the later part.
    ledger = (
        '2025-03-20 * "CROSSROADS BROKERAGE, INC." "Paid Lakeshore 1,000.00" ^RF-1102\n'
        '  factoring: "collected"\n  factor: "Lakeshore"\n  paid: 1000.00 USD\n'
        "  partial: TRUE\n"
    )
    existing, errors, _ = beancount_loader.load_string(ledger)
    assert not errors
    later = edited(
        tmp_path,
        "later.csv",
        {'"$1,875.00","$1,825.00",($50.00)': '"$1,875.00","$825.00",($50.00)',
         '"$3,975.00"': '"$2,975.00"'},
    )  # fmt: skip
    entries = LAKESHORE.extract(str(later), existing)
    assert str(entries[-1].meta["paid"].number) == "825.00"


def test_a_payment_row_that_lost_its_invoice_and_half_its_cells_is_not_a_note(
    tmp_path: Path,
) -> None:
    # A collections row with its dates, check number and amount paid but no invoice,
    # debtor or load: 4 of 10 columns, so it was left out as a note, and its 2,790.00
    # with it (no Total row to catch it). A reference and an amount say it is a row.
    path = tmp_path / "collections.csv"
    path.write_text(
        "Collections Report - RIDGELINE FREIGHT LLC (Client #C10482) 03/31/2025 - 04/09/2025\n"
        "Batch Date,Pay Date,Debtor,Check/ACH #,Invoice #,Load #,Invoice Amt,Paid,"
        "Short/Over,Pay Type\n"
        '04/04/2025,04/03/2025,BAYLINE LOGISTICS,ACH5520418,RF-1020,BL-91530,"$2,630.00",'
        '"$2,630.00",$0.00,ACH\n'
        '04/09/2025,04/08/2025,,CHK 120944,,,,"$2,790.00",,\n'
    )
    error = failure(LAKESHORE, path)
    assert (error.line, error.column, error.code) == (4, "Invoice #", "FCT205")
    assert "the row gives Check/ACH # 'CHK 120944', a date and an amount but no Invoice #" in (
        str(error)
    )
    # Cash the factor has not applied to any invoice has no number to lose: left out.
    unapplied = ',,ECHO GLOBAL LOGISTICS,CHK 119002,,,,"$500.00",,Unapplied'
    path.write_text(
        path.read_text().replace('04/09/2025,04/08/2025,,CHK 120944,,,,"$2,790.00",,', unapplied)
    )
    assert len(LAKESHORE.extract(str(path), [])) == 1  # RF-1020's payment alone
    # A fee line with a label and an amount only is still a note.
    path.write_text(
        path.read_text().replace(
            '04/09/2025,04/08/2025,,CHK 120944,,,,"$2,790.00",,', ",,,,,,Wire Fee,($25.00),,"
        )
    )
    assert len(LAKESHORE.extract(str(path), [])) >= 1
