"""importers/import.py on hostile downloads: markup in a bank line, a file's name that
holds ledger text, a broken link in the downloads folder.

A stranger writes a bank line's description and may name the file a download is saved
as; neither may write entries into the books or script into Fava's journal.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Any

import pytest
from beancount.parser import parser
from click.testing import CliRunner

from beancount_factoring.checks.markup import check_markup
from beancount_factoring.importers.inert import inert, inert_value

ROOT = Path(__file__).resolve().parent.parent
IMPORT_PY = ROOT / "importers" / "import.py"
LEDGER = ROOT / "example_ledger" / "main.beancount"

HEADER = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,\n"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
HOSTILE_CSV = (
    HEADER
    + f'DEBIT,04/04/2025,"ACME {IMG} PAYROLL",-35.00,DEBIT_CARD,17100.59,,\n'
    + f'DEBIT,04/03/2025,"{SCRIPT} &lt;b&gt; AT&T",-10.00,DEBIT_CARD,17135.59,,\n'
)


@pytest.fixture(scope="module")
def cli() -> Any:
    from beangulp import identify

    saved = identify.FILE_TOO_LARGE_THRESHOLD
    script = runpy.run_path(str(IMPORT_PY))
    yield script["ingest"](script["CONFIG"], script["HOOKS"]).cli
    identify.FILE_TOO_LARGE_THRESHOLD = saved


def invoke(cli: Any, *args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


# The rule, character by character.


def test_inert_turns_tags_into_look_alikes_and_keeps_plain_text() -> None:
    assert inert(IMG) == "\u2039img src=x onerror=alert(1)\u203a"
    assert inert("&lt;b&gt; &#60;") == "\uff06lt;b\uff06gt; \uff06#60;"
    # Text that is no markup stays as it is.
    assert inert("AT&T R & D 5 < 6") == "AT&T R & D 5 \u2039 6"
    assert inert("O'Hare") == "O'Hare"
    assert inert_value("x' onmouseover='y") == "x\u2019 onmouseover=\u2019y"


# Item: a bank line's description holds markup.


def test_a_hostile_bank_line_is_imported_as_inert_text(cli: Any, tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "first_prairie_checking_2025-04-04.csv").write_text(HOSTILE_CSV)
    output = tmp_path / "out.beancount"
    result = invoke(cli, "extract", "-e", str(LEDGER), "-o", str(output), str(downloads))
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "ACME \u2039img src=x onerror=alert(1)\u203a PAYROLL" in text
    assert "\u2039script\u203aalert(2)\u2039/script\u203a \uff06lt;b\uff06gt; AT&T" in text
    assert "<img" not in text and "<script" not in text
    # The output loads, and the plugin finds no markup in it.
    entries, errors, _ = parser.parse_string(text)
    assert not errors, errors
    assert len([e for e in entries if getattr(e, "narration", "").startswith("ACME")]) == 1
    assert check_markup(entries) == []


# Item: a file's name cannot write entries.

NEWLINE_NAME = 'first_prairie_checking_x.csv\n2025-01-01 open Assets:Stolen\n2025-01-02 note "'


def test_a_file_named_with_newlines_is_refused_and_the_rest_extracted(
    cli: Any, tmp_path: Path
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    good = downloads / "first_prairie_checking_2025-04-04.csv"
    good.write_text(HEADER + "DEBIT,04/04/2025,FLEETONE FUEL,-35.00,DEBIT_CARD,100.00,,\n")
    hostile = downloads / NEWLINE_NAME
    hostile.write_text(HEADER + "DEBIT,04/03/2025,KEYLINE MUTUAL,-10.00,DEBIT_CARD,135.00,,\n")
    output = tmp_path / "out.beancount"
    result = invoke(cli, "extract", "-o", str(output), str(downloads))
    # Refused, named with its newlines escaped, and the run fails.
    assert result.exit_code == 1, result.output
    assert repr(str(hostile)) in result.output
    assert "refused, its name holds a control character" in result.output
    text = output.read_text(encoding="utf-8")
    assert "Assets:Stolen" not in text and "KEYLINE" not in text
    assert "FLEETONE FUEL" in text  # the good file is extracted all the same
    entries, errors, _ = parser.parse_string(text)
    assert not errors
    assert not [e for e in entries if type(e).__name__ in ("Open", "Note")]


@pytest.mark.parametrize("command", ["identify", "archive"])
def test_the_other_commands_refuse_it_too(cli: Any, tmp_path: Path, command: str) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    hostile = downloads / "first_prairie_checking_x.csv\r2025-01-01 open Assets:Stolen"
    hostile.write_text(HEADER + "DEBIT,04/03/2025,KEYLINE MUTUAL,-10.00,DEBIT_CARD,1.00,,\n")
    args = ["-o", str(tmp_path)] if command == "archive" else []
    result = invoke(cli, command, *args, str(downloads))
    assert result.exit_code == 1, result.output
    assert repr(str(hostile)) in result.output
    assert hostile.exists()  # not archived


def test_a_broken_link_is_skipped_with_a_message(cli: Any, tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "first_prairie_checking_2025-04-04.csv").write_text(
        HEADER + "DEBIT,04/04/2025,FLEETONE FUEL,-35.00,DEBIT_CARD,100.00,,\n"
    )
    link = downloads / "a_statement.csv"
    os.symlink(tmp_path / "moved_away.csv", link)
    output = tmp_path / "out.beancount"
    result = invoke(cli, "extract", "-o", str(output), str(downloads))
    assert result.exit_code == 0, result.output
    assert f"{link}: a link to a file that does not exist (skipped)" in result.output
    assert "FLEETONE FUEL" in output.read_text(encoding="utf-8")


def test_a_hostile_invoice_export_is_imported_as_inert_text(cli: Any, tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "ridgeline_tms_invoices_2025-04-07.csv").write_text(
        "Invoice No,Invoice Date,Due Date,Customer,Load No,Charge Code,Description,Amount\n"
        "RF-9001,03/17/2025,04/16/2025,Northstar Logistics,NSL-1,LINEHAUL,"
        f'"Gary IN {IMG} Toledo OH","2,260.00"\n'
    )
    output = tmp_path / "out.beancount"
    result = invoke(cli, "extract", "-o", str(output), str(downloads))
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "RF-9001" in text
    assert "<img" not in text and "\u2039img src=x onerror=alert(1)\u203a" in text
    entries, errors, _ = parser.parse_string(text)
    assert not errors and check_markup(entries) == []


def test_a_hostile_factor_report_is_imported_as_inert_text(cli: Any, tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "lakeshore_collections_report_2025-04-09.csv").write_text(
        "Collections Report - RIDGELINE FREIGHT LLC (Client #C10482) 03/31/2025 - 04/09/2025\n"
        "Batch Date,Pay Date,Debtor,Check/ACH #,Invoice #,Load #,Invoice Amt,Paid,Short/Over,"
        "Pay Type\n"
        f'04/04/2025,04/03/2025,"BAYLINE {SCRIPT}",ACH5520418,RF-1020,BL-91530,'
        '"$2,630.00","$2,630.00",$0.00,ACH\n'
    )
    output = tmp_path / "out.beancount"
    result = invoke(cli, "extract", "-e", str(LEDGER), "-o", str(output), str(downloads))
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "<script" not in text and "BAYLINE \u2039script\u203aalert(2)" in text
    entries, errors, _ = parser.parse_string(text)
    assert not errors and check_markup(entries) == []
