"""Importers read large files as streams: memory that does not grow with the rows.

Every kind of file the importers read is checked: a bank statement CSV, an OFX
statement, an invoice export, and a factor's report as CSV and as XLSX. Each file is
written to a temporary folder a row at a time, never held by the test.

In the normal test run, with `tracemalloc`, on files of `ROWS` rows whose every row
carries a long text (`PAD` characters), so that each file is several times
`READING_PEAK` while the rows stay few:

- the reading layer alone (`readers.raw_rows`, or `ofx.parse` handing each transaction
  to a reader that drops it) peaks under `READING_PEAK`, less than half the file, and
  keeps nothing of a row once read (what it holds at the last row is what it held at
  the tenth);
- `identify()` then `extract()`, as beangulp calls them: the entries grow with the rows,
  so what is bounded is what the importer holds besides them, the peak less what the
  returned entries hold. It stays under a quarter of the entries plus `READING_PEAK`,
  and under half the file.

Under `make fuzz` (`FUZZ_SECONDS` set), on files of ordinary rows, 100,000 and
1,000,000 of them, each read in a new interpreter started for it, which reports its own
peak of resident memory (VmHWM, reset once the modules are imported) above what it held
before reading, with no tracing to slow it down. (Not `getrusage().ru_maxrss`: Linux
carries it over `exec` from the parent, so every child reported pytest's own peak and
the bound could never fail.)

- `identify()` then the reading layer over the whole file: the million rows take no
  more memory than the hundred thousand (16 MiB of leeway), and less than a quarter of
  the file;
- `identify()` then `extract()`: ten times the rows take at most eleven times the
  memory (plus 64 MiB): the entries, and nothing that grows faster. (Not for the
  workbook: its entries are made as a CSV report's, and openpyxl takes minutes to read
  a million rows.)

That the bound can fail is a test of the normal run: on a bank CSV of 20,000 and
200,000 rows, the reading layer keeps within it, and a stand-in reader that holds the
file's lines breaks both of its halves.

docs/reliability.md gives the figures of a run.
"""

from __future__ import annotations

import datetime
import gc
import json
import os
import random
import subprocess
import sys
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from fuzzing import LONG, measure

from beancount_factoring.importers import ofx, profiles, readers
from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.invoices import InvoiceImporter
from beancount_factoring.importers.ofx import OfxImporter

HERE = Path(__file__).resolve().parent
MIB = 1 << 20
# The reading layer holds a block of the file (1 MiB for OFX, decoded beside it), a row
# and the parser's state.
READING_PEAK = 8 * MIB
ROWS = 2_000
PAD = 10_000
# The long run: ordinary rows (no padding), a tenth of them first.
MILLION = 1_000_000
START = datetime.date(2020, 1, 1)
CUSTOMERS = ("Northstar Logistics", "Crossroads Brokerage", "Bayline Logistics")
DEBTORS = ("NORTHSTAR LOGISTICS LLC", "BAYLINE LOGISTICS", "PRAIRIE FREIGHT SOLUTIONS")
COPPERLINE = ("Maple Ridge Fabricators Ltd.", "Les Entrepôts Nordiques Ltée")


def day(n: int) -> datetime.date:
    return START + datetime.timedelta(days=n // 40)


# The files, written a row at a time -------------------------------------------------------


def bank_csv(rows: int, pad: str) -> Iterator[str]:
    yield "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,"
    balance = 50_000_00
    for n in range(rows):
        cents = -(1_000 + n * 7919 % 900_000) if n % 5 else 200_000 + n % 1000
        balance += cents
        kind = "CREDIT" if cents > 0 else "DEBIT"
        text = "SUMMIT FUNDING ACH CREDIT" if cents > 0 else f"PILOT TRAVEL CENTER #{n % 900}"
        yield (
            f'{kind},{day(n):%m/%d/%Y},"{text} {n}{pad}",{cents / 100:.2f},ACH,'
            f"{balance / 100:.2f},,"
        )


def bank_ofx(rows: int, pad: str) -> Iterator[str]:
    yield (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        "<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>071000013<ACCTID>4417902216"
        "<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST>"
        f"<DTSTART>{START:%Y%m%d}<DTEND>{day(rows):%Y%m%d}"
    )
    for n in range(rows):
        amount = f"-{12 + n % 900}.{n % 100:02d}"
        yield (
            f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{day(n):%Y%m%d}120000<TRNAMT>{amount}"
            f"<FITID>{n:09d}<NAME>PILOT TRAVEL CENTER<MEMO>DIESEL {n}{pad}</STMTTRN>"
        )
    yield (
        f"</BANKTRANLIST><LEDGERBAL><BALAMT>1000.00<DTASOF>{day(rows):%Y%m%d}</LEDGERBAL>"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )


def invoices_csv(rows: int, pad: str) -> Iterator[str]:
    yield "Invoice No,Invoice Date,Due Date,Customer,Load No,Charge Code,Description,Amount"
    for n in range(rows):
        number, due = n // 2, day(n) + datetime.timedelta(days=30)
        head = f"RF-{number:07d},{day(n):%m/%d/%Y},{due:%m/%d/%Y},{CUSTOMERS[number % 3]}"
        code, text = ("LINEHAUL", f"Lane {number}") if n % 2 == 0 else ("FSC", "Fuel surcharge")
        yield f"{head},L-{number},{code},{text}{pad},{900 + n % 2500}.00"


def purchase_csv(rows: int, pad: str) -> Iterator[str]:
    """A Lakeshore purchase report: a title, schedules of 25 invoices, their totals."""
    yield "Purchase Report - RIDGELINE FREIGHT LLC (Client #C10482) 01/01/2020 - 12/31/2099"
    yield (
        "Schedule #,Purchase Date,Debtor,Debtor MC,Invoice #,Load #,Invoice Amount,"
        "Advance Rate,Advance,Fee %,Fee,Inv Fee,Reserve,Deductions,Net Funded"
    )
    for n in range(rows):
        face = 500_00 + n * 7919 % 8000_00
        advance, fee = face * 95 // 100, face * 25 // 1000
        money = [f'"${c / 100:,.2f}"' for c in (face, advance, fee, face - advance)]
        yield (
            # (A schedule's invoices are bought on one day: its first row's.)
            f"{3000 + n // 25},{day(n - n % 25):%m/%d/%Y},{DEBTORS[n % 3]},{600000 + n % 997},"
            f"RF-{n:07d},L-{n}{pad},{money[0]},95.00%,{money[1]},2.50%,{money[2]},$5.00,"
            f'{money[3]},$0.00,"${(advance - fee - 500) / 100:,.2f}"'
        )
        if n % 25 == 24:
            yield "Total,,,,,,,,,,,,,,"


def funding_rows(rows: int, pad: str) -> Iterator[list[Any]]:
    """A Copperline funding detail: typed cells (dates, numbers), fundings of 25."""
    yield ["Copperline Capital Corp. - Funding Detail"]
    yield ["Client: Bluebird Staffing Inc. (7730)    Period: 2020-01-01 to 2099-12-31"]
    yield [
        "Funding Date", "Funding No.", "Customer", "Customer No.", "Invoice", "PO Number",
        "Gross Amount", "Advance %", "Advance", "Discount", "Reserve", "Net Advance",
    ]  # fmt: skip
    for n in range(rows):
        gross = 500_00 + n * 7919 % 8000_00
        advance, discount = gross * 9 // 10, gross * 2 // 100
        # Hex digits, not one letter repeated: a sheet that inflates more than
        # readers.MAX_RATIO times is refused as a zip bomb.
        filler = random.Random(n).randbytes(len(pad) // 2).hex() if pad else ""
        yield [
            day(n - n % 25), f"F-{n // 25:07d}",
            COPPERLINE[n % 2], f"C-{1184 + n % 2}", f"CL-{n:07d}", f"PO-{n}{filler}", gross / 100,
            0.9, advance / 100, discount / 100, (gross - advance) / 100,
            (advance - discount) / 100,
        ]  # fmt: skip


def write_text(path: Path, lines: Iterator[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(line)
            out.write("\n")


XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"'
        "/></Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Funding Detail" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        '"worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
    ),
    # Style 1 is a date (number format 14), as Excel writes a date cell.
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/>'
        '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType='
        '"none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders '
        'count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId='
        '"0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
        'xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def write_xlsx(path: Path, rows: Iterator[list[Any]], count: int) -> None:
    """A workbook of one sheet, its XML written a row at a time as Excel lays it out:
    the sheet's dimension first, text inline, dates as serial numbers in a date style."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, part in XLSX_PARTS.items():
            book.writestr(name, part)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main">'
                f'<dimension ref="A1:L{count}"/><sheetData>'.encode()
            )
            for number, row in enumerate(rows, 1):
                cells = []
                for value in row:
                    if isinstance(value, str):
                        cells.append(f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>')
                    elif isinstance(value, datetime.date):
                        serial = (value - EXCEL_EPOCH).days
                        cells.append(f'<c s="1"><v>{serial}</v></c>')
                    else:
                        cells.append(f"<c><v>{value}</v></c>")
                sheet.write(f'<row r="{number}">{"".join(cells)}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")


@dataclass
class Kind:
    """A kind of file: how to write it, its importer, the layout its rows are read with."""

    name: str
    filename: str
    write: Callable[[Path, int, str], None]
    importer: Callable[[], Any]
    layout: readers.Layout | None  # None: OFX
    # Whether the long run extracts a million rows too (a workbook's entries are made
    # as a CSV report's are, and openpyxl takes minutes to read a million rows).
    extract_million: bool = True

    def file(self, folder: Path, rows: int, pad: int = 0) -> Path:
        path = folder / f"{rows}-{pad}-{self.filename}"
        if not path.exists():
            self.write(path, rows, "x" * pad)
        return path


def text(lines: Callable[[int, str], Iterator[str]]) -> Callable[[Path, int, str], None]:
    return lambda path, rows, pad: write_text(path, lines(rows, pad))


def lakeshore() -> FactorReportImporter:
    debtors = {name: f"Assets:Receivable:D{n}" for n, name in enumerate(DEBTORS)}
    return FactorReportImporter(
        profiles.LAKESHORE, "Lakeshore", bank="Assets:Bank:Checking", debtors=debtors
    )


def copperline() -> FactorReportImporter:
    debtors = {name: f"Assets:Receivable:C{n}" for n, name in enumerate(COPPERLINE)}
    return FactorReportImporter(
        profiles.COPPERLINE, "Copperline", bank="Assets:Bank:CAD", debtors=debtors
    )


def us_bank() -> BankCsvImporter:
    return BankCsvImporter(
        "Assets:Bank:Checking",
        date="Posting Date",
        narration="Description",
        amount="Amount",
        balance="Balance",
        signature=("Details", "Type", "Check or Slip #"),
        factors={"SUMMIT FUNDING": "Assets:Factoring:Summit:Clearing"},
    )


def tms() -> InvoiceImporter:
    return InvoiceImporter(
        invoice="Invoice No", load="Load No", charge="Charge Code", description="Description"
    )


KINDS = (
    Kind("bank CSV", "checking.csv", text(bank_csv), us_bank, readers.Layout()),
    Kind(
        "bank OFX",
        "checking.ofx",
        text(bank_ofx),
        lambda: OfxImporter("Assets:Bank:Checking", account_id="2216"),
        None,
    ),
    Kind("invoice export", "tms_invoices.csv", text(invoices_csv), tms, readers.Layout()),
    Kind(
        "factor report CSV",
        "lakeshore_purchase_report.csv",
        text(purchase_csv),
        lakeshore,
        profiles.LAKESHORE_PURCHASE.layout,
    ),
    Kind(
        "factor report XLSX",
        "funding_detail.xlsx",
        lambda path, rows, pad: write_xlsx(path, funding_rows(rows, pad), rows + 3),
        copperline,
        profiles.COPPERLINE_PURCHASE.layout,
        extract_million=False,
    ),
)
BY_NAME = {kind.name: kind for kind in KINDS}


def size(path: Path) -> int:
    """The bytes a reader has to go through: a workbook's sheets uncompressed."""
    if path.suffix != ".xlsx":
        return path.stat().st_size
    with zipfile.ZipFile(path) as book:
        return sum(i.file_size for i in book.infolist() if i.filename.startswith("xl/work"))


# The reading ------------------------------------------------------------------------------


Probe = Callable[[int], None]


class Dropping:
    """An OFX reader that forgets every transaction: what the parser alone holds."""

    def __init__(self, probe: Probe) -> None:
        self.count = 0
        self.probe = probe

    def transaction(self, node: ofx.Aggregate, statement: ofx.Statement) -> None:
        self.probe(self.count)
        self.count += 1

    def close(self, statement: ofx.Statement) -> None:
        pass


def read_all(kind: Kind, path: Path, probe: Probe = lambda row: None) -> int:
    """Every row of the file through the reading layer, none kept; how many. `probe` is
    called with each row's number (from 0) while the reading goes on."""
    if kind.layout is None:
        reader = Dropping(probe)
        ofx.parse(str(path), None, reader)
        return reader.count
    count = 0
    for _ in readers.raw_rows(str(path), kind.layout):
        probe(count)
        count += 1
    return count


def traced(run: Callable[[], Any]) -> tuple[Any, int, int]:
    """What `run` gives, the peak of what it allocated, and what is still held after it."""
    gc.collect()
    tracemalloc.start()
    try:
        result = run()
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
        return result, peak, held
    finally:
        tracemalloc.stop()


PAGE = os.sysconf("SC_PAGE_SIZE")


def resident() -> int:
    """The resident memory of this process now, in bytes."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE


def reset_peak() -> None:
    """Start the process's peak of resident memory again from what it holds now (Linux
    4.0 and later); where that cannot be done, the peak counts the imports too."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        pass


def peak() -> int:
    """The highest resident memory of this process's own memory since it started (or
    since `reset_peak`), in bytes: VmHWM. Not `getrusage().ru_maxrss`: Linux carries
    that over `exec` from the process that started it, so a child of pytest reports
    pytest's own peak (every figure of a run was once the same 3,742 MiB)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def read_buffered(kind: Kind, path: Path) -> int:
    """A stand-in for a reader that holds the whole file (its rows as a list): what the
    bound of the long run must catch."""
    lines = path.read_bytes().decode("utf-8").splitlines()
    return len(lines)


def child(name: str, path: str, stage: str) -> None:
    """In a fresh process: identify(), then read or extract the file (or, for "buffer",
    hold it whole); print how many rows or entries and how far the process's peak of
    resident memory rose above what it held before."""
    kind = BY_NAME[name]
    importer = kind.importer()
    assert importer.identify(path), name
    gc.collect()
    reset_peak()
    before = resident()
    if stage == "read":
        count = read_all(kind, Path(path))
    elif stage == "buffer":
        count = read_buffered(kind, Path(path))
    else:
        count = len(importer.extract(path, []))
    print(json.dumps({"count": count, "grew": peak() - before}))


def in_a_process(kind: Kind, path: Path, stage: str) -> dict[str, int]:
    """`child` run by a new interpreter (its own memory, measured from the inside)."""
    code = (
        f"import sys; sys.path[:0] = {[str(HERE), str(HERE.parent / 'fava')]!r}; "
        f"import test_importer_memory as t; t.child({kind.name!r}, {str(path)!r}, {stage!r})"
    )
    env = {**os.environ, "FUZZ_SECONDS": ""}  # the child is a measure, not a fuzz run
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    figures: dict[str, int] = json.loads(done.stdout.splitlines()[-1])
    return figures


def beyond_the_bound(small: int, large: int, file_size: int) -> list[str]:
    """How reading ten times the rows breaks the bound of a stream (nothing if it
    holds): the larger file takes no more memory than the smaller (16 MiB of leeway),
    and less than a quarter of its size."""
    broken = []
    if large > small + 16 * MIB:
        broken.append(f"{large / MIB:.0f} MiB for ten times the rows, {small / MIB:.0f} before")
    if large >= file_size / 4:
        broken.append(f"{large / MIB:.0f} MiB for a file of {file_size / MIB:.0f} MiB")
    return broken


# The tests --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("large")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_reading_holds_a_block_not_the_file(kind: Kind, folder: Path) -> None:
    path = kind.file(folder, ROWS, PAD)
    assert size(path) > 2 * READING_PEAK  # holding the file would fail below
    held: dict[int, int] = {}

    def probe(row: int) -> None:
        if row in (ROWS // 10, ROWS - 1):
            held[row] = tracemalloc.get_traced_memory()[0]

    rows, peak, _ = traced(lambda: read_all(kind, path, probe))
    measure(f"memory: {kind.name}, read, {ROWS:,} wide rows (traced)", peak / MIB, "MiB")
    assert rows >= ROWS
    assert peak < READING_PEAK, f"{peak / MIB:.1f} MiB for {size(path) / MIB:.0f} MiB"
    # Nothing is kept of a row once read: what is held while reading the last row is what
    # was held at the tenth (openpyxl's own reading kept about 100 bytes a row).
    kept = (held[ROWS - 1] - held[ROWS // 10]) / (ROWS - 1 - ROWS // 10)
    assert kept < 16, f"{kept:.0f} bytes kept a row"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_extract_holds_little_besides_its_entries(kind: Kind, folder: Path) -> None:
    path = kind.file(folder, ROWS, PAD)
    importer = kind.importer()

    def run() -> list[Any]:
        assert importer.identify(str(path))
        entries: list[Any] = importer.extract(str(path), [])
        return entries

    entries, peak, held = traced(run)
    assert entries
    besides = peak - held
    name = f"memory: {kind.name}, extract besides the entries, {ROWS:,} wide rows (traced)"
    measure(name, besides / MIB, "MiB")
    assert besides < held / 4 + READING_PEAK, (besides / MIB, held / MIB)
    assert besides < size(path) / 2, (besides / MIB, size(path) / MIB)


# The bound of a stream can fail: rows enough that holding the file breaks it, in the
# normal run too (a few seconds).
BOUND_ROWS = 200_000


@pytest.mark.parametrize("stage", ["read", "buffer"])
def test_the_bound_of_a_stream_fails_for_a_reader_that_holds_the_file(
    stage: str, folder: Path
) -> None:
    kind = BY_NAME["bank CSV"]
    paths = {rows: kind.file(folder, rows) for rows in (BOUND_ROWS // 10, BOUND_ROWS)}
    grew = {}
    for rows, path in paths.items():
        figures = in_a_process(kind, path, stage)
        assert figures["count"] >= rows
        grew[rows] = figures["grew"]
        measure(f"memory: bank CSV, {stage}, {rows:,} rows", grew[rows] / MIB, "MiB")
    broken = beyond_the_bound(grew[BOUND_ROWS // 10], grew[BOUND_ROWS], size(paths[BOUND_ROWS]))
    if stage == "read":
        assert not broken, broken
    else:  # the stand-in that holds every line breaks both halves of the bound
        assert len(broken) == 2, (grew, size(paths[BOUND_ROWS]))


@pytest.mark.skipif(not LONG, reason="a million rows: make fuzz (FUZZ_SECONDS) runs it")
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_a_million_rows_take_the_memory_of_a_tenth(kind: Kind, folder: Path) -> None:
    small, large = kind.file(folder, MILLION // 10), kind.file(folder, MILLION)
    stages = ("read", "extract") if kind.extract_million else ("read",)
    grew: dict[tuple[str, int], int] = {}
    for stage in stages:
        for rows, path in ((MILLION // 10, small), (MILLION, large)):
            figures = in_a_process(kind, path, stage)
            assert figures["count"] >= (rows if stage == "read" else rows // 30)
            grew[stage, rows] = figures["grew"]
            measure(f"memory: {kind.name}, {stage}, {rows:,} rows", figures["grew"] / MIB, "MiB")
    broken = beyond_the_bound(grew["read", MILLION // 10], grew["read", MILLION], size(large))
    assert not broken, broken
    if kind.extract_million:
        # The entries, and nothing that grows faster than they do (10 % of leeway).
        assert grew["extract", MILLION] <= 11 * grew["extract", MILLION // 10] + 64 * MIB, grew
    for path in (small, large):
        path.unlink()
