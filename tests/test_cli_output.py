"""What bean-factoring writes for the people and programs that read it: CSV that
round-trips and runs no formula, JSON whose totals add up, text tables that stay
aligned, and a command that stops cleanly when its output cannot be written."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from json_totals import check_totals

from beancount_factoring import cli
from beancount_factoring.reports.cells import table, width
from beancount_factoring.reports.model import CostLine, CostReport, Fees
from beancount_factoring.reports.render import render

from ledgers import OPENS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "example_ledger" / "main.beancount")
REPORTS = ("reserve", "aging", "cost", "compare", "reconcile")

AGREEMENT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  release-days: 10
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
"""

# Customers as an imported file may spell them: a wide (CJK) name, one with a comma,
# quotes and a line break, one with a carriage return inside, one that starts with a
# tab, and one of a terminal's escape sequences.
CUSTOMERS = {
    "INV-1": "東京運送株式会社",
    "INV-2": 'Smith, "Big" Hauling\nLine two',
    "INV-3": "ACME\rINC",
    "INV-4": "\ttabbed",
    "INV-5": "\x1b[31mRED",
}


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def hostile_ledger(tmp_path: Path) -> str:
    """Five invoices of 1,000.00, the first two funded on schedule S1 (2,000.00 face:
    advance 1,900.00 - fee 40.00 - transfer fee 25.00 = 1,835.00; reserve 50.00 each)."""
    body = ""
    for invoice, customer in CUSTOMERS.items():
        body += f"""
2025-03-03 * "Load {invoice}"
  invoice: "{invoice}"
  customer: "{_escaped(customer)}"
  due: 2025-04-02
  Assets:Receivable:TQL  1000.00 USD
  Income:Freight
"""
    body += """
2025-03-04 * "Summit" "Schedule S1" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "S1"

2025-03-05 * "SUMMIT FUNDING" "ACH S1"
  schedule: "S1"
  Assets:Bank:Checking  1835.00 USD
  Assets:Factoring:Summit:Clearing
"""
    path = tmp_path / "ledger.beancount"
    text = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + AGREEMENT + body
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(args), out=out)
    return code, out.getvalue()


def command(*args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    """The command as a program, its output in bytes."""
    line = [sys.executable, "-m", "beancount_factoring.cli", *args]
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run(line, check=False, **streams)  # type: ignore[call-overload, no-any-return]


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def test_names_round_trip_through_the_csv_module(tmp_path):
    # A carriage return inside a name was written unquoted (the rows ended in "\n" only,
    # and Python's csv quotes a cell for the line ending's characters): the row was cut
    # in two when read back.
    path = hostile_ledger(tmp_path)
    code, out = run("aging", path, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    customers = {row["invoice"]: row["customer"] for row in rows}
    # The tab-led name gets the quote that keeps a spreadsheet from running it.
    expected = {**CUSTOMERS, "INV-4": "'\ttabbed"}
    assert customers == expected
    assert sum(Decimal(row["amount"]) for row in rows) == Decimal("5000.00")


def test_csv_rows_end_in_crlf(tmp_path):
    # RFC 4180: every row, the header included, ends in CR LF; a line break inside a
    # quoted cell is kept as written.
    code, out = run("reserve", EXAMPLE, "--format", "csv")
    assert code == 0
    assert out.endswith("\r\n")
    assert out.count("\n") == out.count("\r\n") == len(out.splitlines())


def test_csv_and_json_are_utf8_whatever_the_locale(tmp_path):
    # Under a locale of another encoding (latin-1, ASCII) a CJK name raised
    # UnicodeEncodeError, a traceback after a report cut off. CSV and JSON are UTF-8.
    path = hostile_ledger(tmp_path)
    for encoding in ("ascii", "latin-1"):
        env = {**os.environ, "PYTHONIOENCODING": encoding}
        for form in ("csv", "json"):
            result = command("aging", path, "--format", form, env=env)
            assert result.returncode == 0, result.stderr
            assert "東京運送株式会社" in result.stdout.decode("utf-8")
        # Text follows the terminal's encoding; what it cannot show is escaped, visibly.
        result = command("aging", path, env=env)
        assert result.returncode == 0, result.stderr
        assert b"\\u6771\\u4eac" in result.stdout


def test_csv_line_endings_are_not_doubled_on_a_text_stream(tmp_path):
    # A text stream that writes "\n" as "\r\n" (Windows) would write "\r\r\n": CSV goes
    # out as bytes.
    path = hostile_ledger(tmp_path)
    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="cp1252", newline="\r\n", write_through=True)
    assert cli.main(["aging", path, "--format", "csv"], out=stream) == 0
    written = buffer.getvalue()
    assert b"\r\r\n" not in written
    rows = list(csv.DictReader(io.StringIO(written.decode("utf-8"), newline="")))
    assert {row["invoice"]: row["customer"] for row in rows} == {
        **CUSTOMERS,
        "INV-4": "'\ttabbed",
    }


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("as_of", ["2025-02-15", "2025-03-20", "2025-04-01"])
def test_every_json_total_is_the_sum_of_its_lines(report, as_of):
    code, out = run(report, EXAMPLE, "--format", "json", "--as-of", as_of)
    assert code in (0, 1)
    assert check_totals(report, json.loads(out)) == []


def _reports_md_ledger_with_an_offer(folder: Path) -> str:
    """The ledger of docs/reports.md, with an offer to compare it against."""
    guide = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    start = guide.index("<!-- reports: ledger -->")
    ledger = guide[guide.index("```beancount\n", start) + 13 : guide.index("```\n", start + 40)]
    offer = """
2025-01-01 custom "factoring-offer" "Bluewater"
  advance-rate: 0.90
  fee: "tiered 1%/30d + 0.5%/15d"
  fee-timing: "collection"
  transfer-fee: 10.00 USD
  recourse-days: 60
  monthly-minimum-fee: 100.00 USD
"""
    path = folder / "ledger.beancount"
    path.write_text(ledger + offer, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("example", ["year", "crossborder", "europe", "reports.md"])
def test_every_json_total_of_the_examples_is_the_sum_of_its_lines(report, example, tmp_path):
    if example == "reports.md":
        ledger = _reports_md_ledger_with_an_offer(tmp_path)
    else:
        ledger = str(ROOT / "example_ledger" / example / "main.beancount")
    code, out = run(report, ledger, "--format", "json")
    assert code in (0, 1)
    data = json.loads(out)
    if report == "compare" and example == "reports.md":
        assert data["offers"][0]["invoices"]  # the check has lines to add up
    assert check_totals(report, data) == []


def test_the_checker_sees_a_total_that_does_not_add_up():
    _, out = run("reserve", EXAMPLE, "--format", "json")
    data = json.loads(out)
    data["factors"][0]["held"] = str(Decimal(data["factors"][0]["held"]) + Decimal("0.01"))
    assert check_totals("reserve", data)


def _line(**values: Decimal | None) -> CostLine:
    fields = {
        "key": "Summit",
        "factor": "Summit",
        "currency": "USD",
        "fees": Fees(discount=Decimal("-0.00")),
        "closed": 1,
        "closed_fees": Decimal("-0.004"),
        "cash_advanced": Decimal("2850.00"),
        "dollar_days": Decimal("1E+3"),
        "average_days": Decimal("0E-7"),
        "annual_rate": Decimal("1.23E-7"),
        "all_in_rate": Decimal("-0"),
    }
    return CostLine(**{**fields, **values})  # type: ignore[arg-type]


def test_json_decimals_are_plain_digits():
    # Exact figures (rates, averages, dollar-days) were written with str(Decimal):
    # "1.23E-7", "1E+3", "0E-7", "-0"; money rounded to a negative zero was "-0.00".
    report = CostReport(
        as_of=datetime.date(2025, 3, 31),
        start=None,
        by_factor=(_line(),),
        by_customer=(),
        by_month=(),
        days_to_pay=(),
        deductions=(),
        by_invoice=(),
    )
    (line,) = json.loads(render(report, "json"))["by_factor"]
    assert line["annual_rate"] == "0.000000123"
    assert line["dollar_days"] == "1000"
    assert line["average_days"] == "0.0000000"
    assert line["all_in_rate"] == "0"
    assert line["fees"]["discount"] == "0.00"
    assert line["closed_fees"] == "0.00"
    assert line["cash_advanced"] == "2850.00"


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def test_wide_names_keep_the_columns_aligned():
    # A CJK character takes two columns of a terminal: the table counted it as one.
    text = table(
        ["Customer", "Amount"], [["東京運送", "1.00"], ["TQL", "-1,000.00"]], [False, True]
    )
    lines = text.splitlines()
    assert [width(line) for line in lines] == [len("Customer") + 2 + len("-1,000.00")] * 4
    assert lines[2] == "東京運送       1.00"


def test_control_characters_are_shown_escaped(tmp_path):
    # A line break in a name cut a table's row in two, a tab moved its columns, and an
    # escape sequence (ESC [31m) coloured the terminal: each is written as its escape.
    path = hostile_ledger(tmp_path)
    code, out = run("aging", path)
    assert code == 0
    assert "\x1b" not in out and "\t" not in out and "\r" not in out
    assert 'Smith, "Big" Hauling\\nLine two' in out
    assert "ACME\\rINC" in out and "\\ttabbed" in out and "\\x1b[31mRED" in out
    lines = out.splitlines()
    start = lines.index("Invoices") + 1
    rows = lines[start:]
    # Every row of the invoice table ends its Amount column where the header does.
    amount = rows[0].index("Amount") + len("Amount")
    assert {"".join(columns(row)[amount - 8 : amount]) for row in rows[2:]} == {"1,000.00"}


def test_wide_names_keep_the_report_aligned(tmp_path):
    path = hostile_ledger(tmp_path)
    code, out = run("reserve", path)
    assert code == 0
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Invoice "))
    rows = lines[header + 2 : header + 4]
    assert [row.split()[1] for row in rows] == ["東京運送株式会社", "Smith,"]
    # No row has a "Why": each ends with the Forfeited column, where the header's ends.
    forfeited = lines[header].index("Forfeited") + len("Forfeited")
    assert [width(row) for row in rows] == [forfeited, forfeited]


def columns(row: str) -> list[str]:
    """The row a terminal column at a time (a wide character, then an empty column)."""
    return [part for ch in row for part in ((ch, "") if width(ch) == 2 else (ch,))]


@pytest.mark.parametrize("report", ["aging", "cost"])
def test_a_report_with_no_lines_says_so(tmp_path, report):
    # An empty table printed its header and rule and nothing under them.
    path = tmp_path / "ledger.beancount"
    text = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + AGREEMENT
    path.write_text(text, encoding="utf-8")
    code, out = run(report, str(path))
    assert code == 0
    lines = out.splitlines()
    for index, line in enumerate(lines):
        if line and set(line.replace(" ", "")) == {"-"}:
            assert lines[index + 1 : index + 2] not in ([], [""]), out
    assert "None." in out


# ---------------------------------------------------------------------------------------------
# Where the output goes
# ---------------------------------------------------------------------------------------------


def test_a_reader_that_stops_reading_is_no_traceback():
    # `bean-factoring reserve ledger | head -1`: the reader gone, the write failed with
    # BrokenPipeError and a traceback. Now nothing more is written, and the exit code is
    # a shell's for a command its reader stopped (128 + SIGPIPE).
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = command("reserve", EXAMPLE, stdout=writer)
    finally:
        os.close(writer)
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert result.stderr == b""
    assert result.returncode == 141


def test_a_closed_stdout_is_said():
    # `bean-factoring reserve ledger >&-`: sys.stdout is None, and the write raised
    # AttributeError.
    result = command("reserve", EXAMPLE, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert b"cannot write the report: the standard output is closed" in result.stderr
    assert result.returncode == 2


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_said():
    # `bean-factoring reserve ledger > report.txt` on a full disk: a traceback, and a
    # file cut short. Now the reason, and exit code 2: no one takes it for a report.
    with open("/dev/full", "wb") as full:
        result = command("reserve", EXAMPLE, stdout=full)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr, stderr
    assert "cannot write the report" in stderr and "No space left on device" in stderr
    assert result.returncode == 2


@pytest.mark.parametrize("form", ["CSV", "Json", " text"])
def test_format_in_another_case(form):
    code, out = run("reserve", EXAMPLE, "--format", form)
    assert code == 0
    expected = run("reserve", EXAMPLE, "--format", form.strip().lower())[1]
    assert out == expected


def test_no_cell_is_a_negative_zero():
    # A rate or an average that rounds to zero from below was "-0.0000", "-0.00%", "-0.0".
    from beancount_factoring.reports.cells import money, number, percent, rate

    assert rate(Decimal("-0.00001")) == "0.0000"
    assert percent(Decimal("-0.00001")) == "0.00%"
    assert number(Decimal("-0.01")) == "0.0"
    assert money(Decimal("-0.004")) == "0.00"
    assert rate(Decimal("-0.5")) == "-0.5000"


def test_a_closed_stderr_puts_no_error_in_the_report(tmp_path):
    # `bean-factoring reserve ledger > report.csv 2>&-` on a ledger with errors: with
    # sys.stderr None, print() wrote FCT314 and the errors into the report's file.
    path = tmp_path / "ledger.beancount"
    text = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + AGREEMENT
    path.write_text(text + '\n2025-03-03 * "x"\n  Assets:Nowhere  1.00 USD\n  Income:Freight\n')
    result = command("reserve", str(path), "--format", "csv", preexec_fn=lambda: os.close(2))
    assert result.returncode == 2
    assert result.stdout == b""


def test_a_reader_of_stderr_that_stops_reading_is_no_traceback(tmp_path):
    # `bean-factoring reserve ledger 2>&1 | head -1` on a ledger with errors: printing
    # the errors raised BrokenPipeError, and the command exited 1 (a report's "open
    # past grace") with a traceback rather than quietly.
    path = tmp_path / "ledger.beancount"
    text = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + AGREEMENT
    path.write_text(text + '\n2025-03-03 * "x"\n  Assets:Nowhere  1.00 USD\n  Income:Freight\n')
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = command("reserve", str(path), stderr=writer)
    finally:
        os.close(writer)
    assert result.returncode == 141
    assert result.stdout == b""
