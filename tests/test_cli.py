"""bean-factoring on the command line: each report in each format, and the exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from beancount_factoring import cli

from ledgers import OPENS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "example_ledger" / "main.beancount")
REPORTS = ("reserve", "aging", "cost", "reconcile")

LATE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  release-days: 10
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-01 * "TQL" "TQL paid Summit" ^INV-1
  factoring: "collected"
"""


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(args), out=out)
    return code, out.getvalue()


@pytest.fixture
def late(tmp_path) -> str:
    path = tmp_path / "late.beancount"
    text = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + LATE
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("report", REPORTS)
def test_text(report):
    code, out = run(report, EXAMPLE)
    assert code == 0
    assert "Lakeshore" in out and "Pinecrest" in out
    first = out.splitlines()[0]
    assert "2025-04-01" in first  # the date of the ledger's last entry


def test_text_tables_are_aligned():
    _, out = run("aging", EXAMPLE, "--as-of", "2025-02-15")
    lines = out.splitlines()
    header = lines.index("Receivables we hold") + 1
    # Header, rule and rows end each right-aligned column at the same place.
    assert len(lines[header + 1]) == len(lines[header + 2]) == len(lines[header + 3])


@pytest.mark.parametrize("report", REPORTS)
def test_csv_parses_back(report):
    code, out = run(report, EXAMPLE, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    if report == "reconcile":
        assert rows == []  # nothing open at the end of the example
        assert out.startswith("factor,account,currency,kind,")
        return
    assert rows
    if report == "reserve":
        held = {}
        for row in rows:
            held[row["factor"]] = held.get(row["factor"], 0) + Decimal(row["held"])
        assert held == {"Lakeshore": Decimal("384.00"), "Pinecrest": Decimal("382.50")}
    if report == "aging":
        ours = sum(Decimal(r["amount"]) for r in rows if r["holder"] == "us")
        assert ours == Decimal("1640.00")
    if report == "cost":
        groups = {"factor", "customer", "month", "invoice", "deduction"}
        assert {r["group"] for r in rows} == groups
        deductions = [
            (r["key"], r["kind"], r["reason"], r["amount"], r["invoices"])
            for r in rows
            if r["group"] == "deduction"
        ]
        assert deductions == [
            ("Crossroads", "short pay", "shortpay", "185.00", "RF-1003"),
            ("Tristate", "chargeback", "broker-claim", "2100.00", "RF-1004"),
        ]


@pytest.mark.parametrize("report", REPORTS)
def test_json_parses_back_with_decimals_as_strings(report):
    code, out = run(report, EXAMPLE, "--format", "json", "--as-of", "2025-02-15")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2025-02-15"
    if report == "reserve":
        factors = {f["factor"]: f for f in data["factors"]}
        assert isinstance(factors["Lakeshore"]["held"], str)
        assert factors["Lakeshore"]["held"] == factors["Lakeshore"]["account_balance"]
    if report == "cost":
        assert all(isinstance(line["fees"]["total"], str) for line in data["by_factor"])
    if report == "reconcile":
        assert data["ok"] is True


def test_options_factor_and_due_basis():
    _, out = run("aging", EXAMPLE, "--factor", "pinecrest", "--by", "due", "--format", "json")
    data = json.loads(out)
    assert data["basis"] == "due"
    assert {row["factor"] for row in data["factored"]} == {"Pinecrest"}
    _, out = run("cost", EXAMPLE, "--start", "2025-03-01", "--format", "json")
    assert json.loads(out)["start"] == "2025-03-01"


def test_reconcile_exits_1_when_something_is_past_grace(late, capsys):
    # Collected 04-01, release-days 10: on 04-11 the reserve is due, on 04-12 late.
    assert run("reconcile", late, "--as-of", "2025-04-11")[0] == 0
    code, out = run("reconcile", late, "--as-of", "2025-04-12")
    assert code == 1
    assert "Open past their grace period:" in out
    assert "release due INV-1" in out
    code, out = run("reconcile", late, "--as-of", "2025-04-12", "--format", "json")
    assert code == 1
    assert json.loads(out)["ok"] is False
    assert "release due INV-1" in capsys.readouterr().err


def test_unknown_factor_exits_2(capsys):
    code, out = run("reserve", EXAMPLE, "--factor", "Nobody")
    assert (code, out) == (2, "")
    err = capsys.readouterr().err
    assert err.startswith("bean-factoring: argument --factor: FCT311 ")
    assert "'Nobody'" in err and "Lakeshore, Pinecrest" in err


def test_a_ledger_that_does_not_load_exits_2(tmp_path, capsys):
    missing = tmp_path / "missing.beancount"
    assert run("reserve", str(missing))[0] == 2
    assert capsys.readouterr().err.startswith(f"bean-factoring: {missing}: FCT310 cannot load")
    broken = tmp_path / "broken.beancount"
    broken.write_text('2025-01-01 open Assets:Bank\n2025-01-02 * "x\n  oops\n', "utf-8")
    assert run("aging", str(broken))[0] == 2
    err = capsys.readouterr().err
    assert err.startswith(f"bean-factoring: {broken}: FCT310 cannot load the ledger")
    assert f"{broken}:2:" in err  # and the loader's error, with its line


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["reserve", EXAMPLE, "--as-of", "yesterday"], "argument --as-of: FCT312 'yesterday'"),
        (["cost", EXAMPLE, "--start", "2025-02-30"], "argument --start: FCT312 '2025-02-30'"),
        (["reserve", EXAMPLE, "--format", "xml"], "argument --format: FCT313 invalid choice"),
        (["reserve"], "error: FCT313 the following arguments are required: LEDGER"),
        (["ledger", EXAMPLE], "argument REPORT: FCT313 invalid choice: 'ledger'"),
    ],
)
def test_bad_arguments_exit_2(args, shown, capsys):
    with pytest.raises(SystemExit) as exit_:
        run(*args)
    assert exit_.value.code == 2
    assert shown in capsys.readouterr().err


def test_the_module_runs_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "beancount_factoring.cli", "reserve", EXAMPLE, "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("factor,currency,invoice,")


def test_the_console_script_is_declared():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'bean-factoring = "beancount_factoring.cli:run"' in text
