"""bean-factoring on the command line: each report in each format, and the exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from beancount_factoring import cli
from beancount_factoring.reports import render

from ledgers import LATE, OPENS, SILENCED_162

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "example_ledger" / "main.beancount")
REPORTS = ("reserve", "aging", "cost", "reconcile")


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


@pytest.mark.parametrize("report", ["reserve", "aging", "cost", "compare", "reconcile"])
def test_an_empty_factor_name_exits_2(report, capsys):
    # `--factor "$FACTOR"` with the variable unset: the report was every factor's, with
    # no word that the one asked for was not named.
    code, out = run(report, EXAMPLE, "--factor", " ")
    assert (code, out) == (2, "")
    err = capsys.readouterr().err
    assert err.startswith("bean-factoring: argument --factor: FCT311 ")
    assert "Lakeshore, Pinecrest" in err and "leave out --factor" in err


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
        (
            ["cost", EXAMPLE, "--start", "2025-02-30"],
            "'2025-02-30' is not a date (day is out of range for month); write it like 2025-03-31",
        ),
        (["aging", EXAMPLE, "--as-of", "2025-3-1"], "write it like 2025-03-01"),
        (
            ["aging", EXAMPLE, "--as-of", "03/01/2025"],
            "FCT312 '03/01/2025' is not a date; write it 2025-03-01 or 2025-01-03, "
            "whichever you mean",
        ),
        # Written another way, with one date it can be: that date as it should be written
        # (the example was 2025-03-31 whatever was written).
        (["aging", EXAMPLE, "--as-of", "2025/01/31"], "not a date; write it like 2025-01-31"),
        (["aging", EXAMPLE, "--as-of", "31.01.2025"], "not a date; write it like 2025-01-31"),
        (["cost", EXAMPLE, "--start", "01/31/2025"], "not a date; write it like 2025-01-31"),
        (
            ["cost", EXAMPLE, "--start", "Jan 31"],
            "'Jan 31' is not a date; write it like 2025-03-31",
        ),
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


# ---------------------------------------------------------------------------------------------
# A command line CI can trust: each exit code
# ---------------------------------------------------------------------------------------------


def write(tmp_path, text: str, plugin: bool = True) -> str:
    path = tmp_path / "ledger.beancount"
    head = 'plugin "beancount_factoring.plugin"\n' if plugin else ""
    path.write_text(head + textwrap.dedent(OPENS) + text, encoding="utf-8")
    return str(path)


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        run("--version")
    assert exit_.value.code == 0
    assert capsys.readouterr().out == "bean-factoring 0.1.0\n"


# A deposit of 1,000.00 that no open item of Summit matches: an FCT101 error on the ledger.
STRAY_DEPOSIT = """
2025-04-05 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking         1000.00 USD
  Assets:Factoring:Summit:Clearing
"""


@pytest.mark.parametrize("report", [*REPORTS, "compare"])
def test_a_ledger_with_errors_exits_2_with_their_count_and_the_first(report, tmp_path, capsys):
    ledger = write(tmp_path, LATE + STRAY_DEPOSIT)
    code, out = run(report, ledger)
    assert (code, out) == (2, "")
    err = capsys.readouterr().err
    assert err.startswith(f"bean-factoring: {ledger}: FCT314 the ledger has 1 error, ")
    assert "FCT101" in err  # the error itself, with its place
    # --ignore-errors: the report all the same (reconcile then shows the deposit).
    code, out = run(report, ledger, "--ignore-errors", "--as-of", "2025-04-05")
    assert code == 0 and out


def test_only_the_first_five_errors_are_shown(tmp_path, capsys):
    deposits = "".join(
        STRAY_DEPOSIT.replace("1000.00", f"{1000 + n}.00").replace("ACH", f"ACH {n}")
        for n in range(7)
    )
    assert run("reserve", write(tmp_path, LATE + deposits))[0] == 2
    err = capsys.readouterr().err
    assert "FCT314 the ledger has 7 errors" in err
    assert err.count("FCT101") == 5 and "... and 2 more" in err


def test_a_ledger_without_the_plugin_exits_2(tmp_path, capsys):
    ledger = write(tmp_path, LATE, plugin=False)
    assert run("cost", ledger) == (2, "")
    err = capsys.readouterr().err
    assert err.startswith(f"bean-factoring: {ledger}: FCT315 the factoring plugin did not run")
    assert run("cost", ledger, "--ignore-errors")[0] == 0
    # The report is made, and stderr says what was let through: the plugin did not run,
    # and the one error of the ledger (Summit's clearing account, which the plugin would
    # open, is not open: at the deposit, line 21).
    assert capsys.readouterr().err == (
        f"bean-factoring: {ledger}: --ignore-errors: the factoring plugin did not run, so "
        f"nothing was split or checked; 1 error ignored, the first at {ledger}:21; the "
        "report may be wrong (bean-check lists them all)\n"
    )


def test_start_after_as_of_exits_2(late, capsys):
    code, _ = run("cost", late, "--start", "2025-05-01", "--as-of", "2025-04-30")
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("bean-factoring: argument --start: FCT316 2025-05-01 is after --as-of")
    # Without --as-of, the ledger's as-of date (its last entry, 04-01) is the end.
    assert run("compare", late, "--start", "2025-04-02")[0] == 2
    assert "after the ledger's as-of date 2025-04-01" in capsys.readouterr().err
    assert run("cost", late, "--start", "2025-04-01")[0] == 0


def test_start_on_a_ledger_with_no_dated_entry_asks_for_as_of(tmp_path, capsys):
    empty = tmp_path / "empty.beancount"
    empty.write_text('plugin "beancount_factoring.plugin"\n', encoding="utf-8")
    assert run("cost", str(empty), "--start", "2025-01-01")[0] == 2
    err = capsys.readouterr().err
    assert "FCT316 the ledger has no dated entry to end the period from 2025-01-01" in err
    assert run("cost", str(empty), "--start", "2025-01-01", "--as-of", "2025-03-31")[0] == 0


def test_reconcile_exits_1_on_a_clearing_entry_left_unexplained(tmp_path, capsys):
    # 25.00 written to the clearing account by hand on 04-01: no invoice, no deposit
    # accounts for it. It is a "clearing entry" open item; past the 5 grace days (04-06)
    # it fails the run, as any item past its grace period.
    by_hand = """
2025-04-01 open Expenses:Misc
2025-04-01 * "Correction by hand"
  Assets:Factoring:Summit:Clearing     25.00 USD
  Expenses:Misc
"""
    ledger = write(tmp_path, LATE + by_hand)
    assert run("reconcile", late_free(tmp_path), "--as-of", "2025-04-07")[0] == 0
    assert run("reconcile", ledger, "--as-of", "2025-04-06")[0] == 0
    code, out = run("reconcile", ledger, "--as-of", "2025-04-07", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert data["accounts"][0]["balance"] == data["accounts"][0]["explained"] == "25.00"
    err = capsys.readouterr().err
    assert "clearing entry " in err and "ledger.beancount:30" in err
    assert "past 2025-04-06 by 1 days" in err


def test_reconcile_names_its_problems_relative_to_the_folder_in_every_format(
    tmp_path, capsys, monkeypatch
):
    by_hand = """
2025-04-01 open Expenses:Misc
2025-04-01 * "Correction by hand"
  Assets:Factoring:Summit:Clearing     25.00 USD
  Expenses:Misc
"""
    ledger = write(tmp_path, LATE + by_hand)
    monkeypatch.chdir(tmp_path)
    for form in ("text", "csv", "json"):
        code, _ = run("reconcile", ledger, "--as-of", "2025-04-07", "--format", form)
        assert code == 1
        err = capsys.readouterr().err
        if form != "text":
            assert "(ledger.beancount:30)" in err, form
        assert str(tmp_path) not in err, form


def late_free(tmp_path) -> str:
    """LATE with the reserve released in time: nothing open, exit 0."""
    release = """
2025-04-05 * "SUMMIT FUNDING" "Rebate INV-1" ^INV-1
  Assets:Bank:Checking          100.00 USD
  Assets:Factoring:Summit:Reserve
"""
    path = tmp_path / "free.beancount"
    text = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + LATE + release
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_reserve_open_lists_only_the_reserves_not_back():
    _, every = run("reserve", EXAMPLE, "--format", "csv")
    statuses = {row["status"] for row in csv.DictReader(io.StringIO(every))}
    assert "released" in statuses
    _, out = run("reserve", EXAMPLE, "--format", "csv", "--open")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {row["status"] for row in rows} <= {
        "awaiting collection",
        "release due",
        "overdue",
    }
    # The factor's figures stay whole: only the list of invoices is shorter.
    assert sum(Decimal(row["held"]) for row in rows) == Decimal("766.50")


AMOUNT = re.compile(r"^-?\d+\.\d\d$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?(E[-+]?\d+)?$")


def amounts(value, name=""):
    """Every amount of a JSON report (not rates, days or averages), with its field name."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from amounts(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from amounts(item, name)
    elif isinstance(value, str) and render.is_amount(name) and NUMBER.match(value):
        yield name, value


@pytest.mark.parametrize("report", [*REPORTS, "compare"])
def test_json_amounts_are_strings_in_cents(report):
    _, out = run(report, EXAMPLE, "--format", "json")
    found = list(amounts(json.loads(out)))
    assert found or report == "compare"
    assert [(name, value) for name, value in found if not AMOUNT.match(value)] == []


def test_the_csv_rate_is_a_number():
    _, out = run("cost", EXAMPLE, "--format", "csv")
    rates = [row["annual_rate"] for row in csv.DictReader(io.StringIO(out)) if row["annual_rate"]]
    assert rates and all(Decimal(rate) < 1 for rate in rates)  # 0.1761, not "17.61%"


def test_compare_and_an_unknown_offer(tmp_path, capsys):
    offer = """
2025-01-01 custom "factoring-offer" "Bluewater"
  advance-rate: 0.90
  fee: "flat 1%"
  recourse-days: 60
"""
    ledger = write(tmp_path, LATE + offer)
    code, out = run("compare", ledger, "--format", "csv")
    assert code == 0
    # INV-1, 2,000.00 paid 28 days after funding: actual 2% = 40.00, the offer's 1% = 20.00.
    (total,) = [row for row in csv.DictReader(io.StringIO(out)) if row["group"] == "total"]
    assert (total["actual_fees"], total["offer_fees"], total["difference"]) == (
        "40.00",
        "20.00",
        "-20.00",
    )
    assert run("compare", ledger, "--offer", "Redwood") == (2, "")
    err = capsys.readouterr().err
    assert err.startswith("bean-factoring: argument --offer: FCT317 No factoring-offer names")


def test_reconcile_exits_1_on_a_clearing_balance_nothing_explains(tmp_path, capsys):
    # Two factors share one clearing account, and 25.00 is written to it by hand: neither
    # factor's items explain it (bean-check says nothing), so the run fails.
    shared = """
2025-01-01 open Expenses:Misc
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking
  clearing: Assets:Factoring:Clearing

2025-01-01 custom "factoring-agreement" "Pine"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking
  clearing: Assets:Factoring:Clearing

2025-04-01 * "Correction by hand"
  Assets:Factoring:Clearing     25.00 USD
  Expenses:Misc
"""
    code, out = run("reconcile", write(tmp_path, shared), "--format", "json")
    assert code == 1
    accounts = json.loads(out)["accounts"]
    assert [(a["factor"], a["unexplained"]) for a in accounts] == [
        ("Pine", "25.00"),
        ("Summit", "25.00"),
    ]
    err = capsys.readouterr().err
    assert "Summit: Assets:Factoring:Clearing holds 25.00 USD, of which 25.00 no open item" in err


def test_aging_is_by_due_date_unless_basis_invoice(tmp_path) -> None:
    path = tmp_path / "aging.beancount"
    ledger = """
2025-05-01 * "CHR" "Load 5"
  invoice: "INV-5"
  due: 2025-05-31
  Assets:Receivable:CHR         800.00 USD
  Income:Freight

2025-05-10 * "TQL" "Load 6, no due date"
  invoice: "INV-6"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight
"""
    path.write_text(
        'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + ledger, "utf-8"
    )
    code, text = run("aging", str(path), "--as-of", "2025-06-30", "--format", "json")
    assert code == 0
    days = {
        line["invoice"]: (line["days"], line["bucket"]) for line in json.loads(text)["invoices"]
    }
    # Due basis: INV-5 due 05-31, 30 days past due; INV-6 net 30 from 05-10 = 06-09, 21 days.
    assert days == {"INV-5": (30, "1-30"), "INV-6": (21, "1-30")}
    code, text = run(
        "aging", str(path), "--as-of", "2025-06-30", "--format", "json", "--basis", "invoice"
    )
    days = {
        line["invoice"]: (line["days"], line["bucket"]) for line in json.loads(text)["invoices"]
    }
    # Invoice basis: 06-30 - 05-01 = 60 days; 06-30 - 05-10 = 51 days.
    assert days == {"INV-5": (60, "31-60"), "INV-6": (51, "31-60")}
    _, text = run("aging", str(path), "--as-of", "2025-06-30", "--by", "invoice")
    assert text.startswith("Aging as of 2025-06-30, by invoice date")


def test_a_reserve_its_invoices_do_not_explain_is_said_on_stderr_beside_csv_and_json(
    tmp_path, capsys
):
    # 20.00 taken from Summit's reserve by hand on 04-02 (a monthly charge typed on the
    # reserve account): the CSV's rows are the invoices, so without a word on stderr the
    # account's balance, 20.00 under what the invoices hold, would go unseen.
    by_hand = """
2025-04-02 open Expenses:Misc
2025-04-02 * "Summit monthly charge"
  Assets:Factoring:Summit:Reserve     -20.00 USD
  Expenses:Misc
"""
    ledger = write(tmp_path, LATE + by_hand)
    for fmt in ("csv", "json"):
        assert run("reserve", ledger, "--as-of", "2025-04-03", "--format", fmt)[0] == 0
        err = capsys.readouterr().err
        assert err.startswith("Reserve not explained by its invoices:\n  Summit: ")
        assert "unexplained -20.00" in err
    # The text report says it in its header, and a reserve its invoices explain says
    # nothing.
    # (On the ledgers' last dates: a later one is a projection, which stderr says.)
    assert run("reserve", ledger, "--as-of", "2025-04-02")[0] == 0
    assert capsys.readouterr().err == ""
    assert (
        run("reserve", write(tmp_path, LATE), "--as-of", "2025-04-01", "--format", "csv")[0] == 0
    )
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        # Lakeshore and Pinecrest both asked: the report was Pinecrest's alone (Lakeshore's
        # reserve of 384.00 left out), with no word that the first name was dropped.
        (
            ["reserve", EXAMPLE, "--factor", "Lakeshore", "--factor", "Pinecrest"],
            "argument --factor: FCT313 given twice, as 'Lakeshore' and 'Pinecrest'",
        ),
        (
            ["aging", EXAMPLE, "--as-of", "2025-02-01", "--as-of=2025-03-01"],
            "argument --as-of: FCT313 given twice, as 2025-02-01 and 2025-03-01",
        ),
        (
            ["cost", EXAMPLE, "--start", "2025-01-01", "--start", "2025-02-01"],
            "argument --start: FCT313 given twice",
        ),
        (["aging", EXAMPLE, "--basis", "invoice", "--by", "due"], "argument --basis: FCT313"),
        (["reserve", EXAMPLE, "--format", "csv", "--format", "json"], "argument --format: FCT313"),
        (
            ["compare", EXAMPLE, "--offer", "A", "--offer", "B"],
            "argument --offer: FCT313 given twice, as 'A' and 'B'",
        ),
    ],
)
def test_an_option_given_twice_with_two_values_exits_2(args, shown, capsys):
    # argparse keeps the last value in silence: a report that answers half the question.
    with pytest.raises(SystemExit) as exit_:
        run(*args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert shown in err and "give it once" in err


def test_an_option_given_twice_with_one_value_is_that_value():
    # The same value twice (a script's default and the user's) asks one thing.
    once = run("reserve", EXAMPLE, "--factor", "Lakeshore", "--format", "csv")
    twice = run(
        "reserve",
        EXAMPLE,
        "--factor",
        "lakeshore",
        "--factor",
        "Lakeshore ",
        "--format",
        "csv",
        "--format",
        "CSV",
    )
    assert once == twice and once[0] == 0
    assert "Pinecrest" not in once[1]


CROSSBORDER = str(ROOT / "example_ledger" / "crossborder" / "main.beancount")


def test_a_report_of_one_factor_says_whose_it_is():
    # `aging --factor harborview` on the cross-border books said "Aging as of 2025-04-01"
    # and "CAD: ... factors hold 0.00 funded", while Copperline holds 4,000.00 CAD funded:
    # a page printed or passed on read as every factor's. The title names the factor now,
    # and the summary says what that factor holds (Harborview: 0.00, nothing open).
    code, out = run("aging", CROSSBORDER, "--factor", "harborview")
    assert code == 0
    assert out.startswith("Aging as of 2025-04-01, by due date, Harborview only\n")
    assert "factors hold" not in out
    assert (
        "CAD: receivable accounts 4,000.00, of which 4,000.00 pledged (loan model); "
        "Harborview holds 0.00 funded and 0.00 scheduled" in out
    )
    # Without --factor, as before: 4,000.00 CAD and 1,900.00 USD, Copperline's.
    code, out = run("aging", CROSSBORDER)
    assert out.startswith("Aging as of 2025-04-01, by due date\n")
    assert "factors hold 4,000.00 funded" in out and "factors hold 1,900.00 funded" in out
    titles = {
        "reserve": "Reserve as of 2025-04-01, Copperline only\n",
        "cost": "Factoring cost to 2025-04-01, Copperline only\n",
        "reconcile": "Reconciliation as of 2025-04-01, Copperline only\n",
    }
    for report, title in titles.items():
        code, out = run(report, CROSSBORDER, "--factor", "COPPERLINE")
        assert code == 0 and out.startswith(title), out[:80]
        code, out = run(report, CROSSBORDER, "--factor", "COPPERLINE", "--format", "json")
        assert json.loads(out)["factor"] == "Copperline"
        assert json.loads(run(report, CROSSBORDER, "--format", "json")[1])["factor"] is None


# Books that end on 2025-01-31 (the last entry, invoice INV-2): INV-1, 10,000.00 funded by
# Summit on 2025-01-10 at `daily 0.06%`, its fee taken at collection, not collected yet.
ENDS_JANUARY = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "daily 0.06%"
  fee-timing: "collection"
  recourse-days: 90
  release-days: 10
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-09 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        10000.00 USD
  Income:Freight

2025-01-10 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking         9000.00 USD
  Assets:Factoring:Summit:Clearing

2025-01-31 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        500.00 USD
  Income:Freight
"""
PROJECTED = (
    "Projected: the ledger's last date is 2025-01-31; what is shown after it (fees "
    "accrued, days counted, statuses) assumes nothing happened since."
)


@pytest.mark.parametrize("report", [*REPORTS, "compare"])
def test_an_as_of_date_after_the_books_says_its_figures_are_projections(report, tmp_path, capsys):
    # `reserve --as-of 9999-12-31` showed fees accrued of 5,570,634.79 and a recourse left
    # of -1666 days, with no word that the books end long before. The date asked is kept
    # (a month-end report on books whose last entry is the 28th is what is wanted), and
    # every report and format says that what follows the ledger's last date is projected.
    ledger = write(tmp_path, ENDS_JANUARY)
    stderr = (
        f"bean-factoring: {ledger}: the as-of date 2025-02-28 is after the ledger's last "
        "date 2025-01-31: the report's figures after it are projections (fees accrued, "
        "days counted, statuses) that assume nothing happened since\n"
    )
    code, out = run(report, ledger, "--as-of", "2025-02-28")
    assert code in (0, 1)
    assert out.split("\n")[1:3] == [PROJECTED, ""], out[:300]
    assert capsys.readouterr().err.endswith(stderr)
    _, out = run(report, ledger, "--as-of", "2025-02-28", "--format", "json")
    assert json.loads(out)["projected_after"] == "2025-01-31"
    assert capsys.readouterr().err.endswith(stderr)
    _, out = run(report, ledger, "--as-of", "2025-02-28", "--format", "csv")
    assert PROJECTED not in out
    assert capsys.readouterr().err.endswith(stderr)
    # On the ledger's last date, or before it (the default is that date): no word.
    for asked in ([], ["--as-of", "2025-01-31"], ["--as-of", "2025-01-20"]):
        _, out = run(report, ledger, *asked)
        assert "Projected" not in out
        _, out = run(report, ledger, *asked, "--format", "json")
        assert json.loads(out)["projected_after"] is None
        assert "projection" not in capsys.readouterr().err


def test_the_projected_reserve_counts_its_fees_to_the_date_asked(tmp_path):
    # INV-1's fee, 0.06% of 10,000.00 = 6.00 a day from its funding on 2025-01-10: to the
    # books' end, 2025-01-31, 21 days = 126.00; to 2025-02-28, 49 days = 294.00, projected.
    ledger = write(tmp_path, ENDS_JANUARY)
    data = json.loads(run("reserve", ledger, "--format", "json")[1])
    assert data["factors"][0]["accrued_fees"] == "126.00"
    data = json.loads(run("reserve", ledger, "--as-of", "2025-02-28", "--format", "json")[1])
    assert data["factors"][0]["accrued_fees"] == "294.00"
    assert data["projected_after"] == "2025-01-31"


def test_a_plugin_as_of_after_the_last_entry_is_the_books_end(tmp_path, capsys):
    # The plugin's `as-of` (2025-02-28) says the books stand on that day: a report on it
    # projects nothing; one after it does, from that date.
    path = tmp_path / "ledger.beancount"
    path.write_text(
        "plugin \"beancount_factoring.plugin\" \"{'as-of': '2025-02-28'}\"\n"
        + textwrap.dedent(OPENS)
        + ENDS_JANUARY,
        encoding="utf-8",
    )
    _, out = run("reserve", str(path), "--format", "json")
    assert json.loads(out)["projected_after"] is None
    assert json.loads(out)["factors"][0]["accrued_fees"] == "294.00"
    _, out = run("reserve", str(path), "--as-of", "2025-03-31", "--format", "json")
    assert json.loads(out)["projected_after"] == "2025-02-28"


@pytest.mark.parametrize("report", [*REPORTS, "compare"])
def test_errors_ignored_are_counted_on_stderr(report, tmp_path, capsys):
    # `--ignore-errors` made reserve, aging and cost with no word on stderr that the
    # ledger had errors: the report reads as that of clean books. One line says how many
    # were ignored and where the first is; stdout is the report alone, as before.
    deposits = "".join(
        STRAY_DEPOSIT.replace("1000.00", f"{1000 + n}.00").replace("ACH", f"ACH {n}")
        for n in range(2)
    )
    ledger = write(tmp_path, LATE + deposits)
    line = next(
        n
        for n, text in enumerate(Path(ledger).read_text("utf-8").split("\n"), 1)
        if text.startswith("2025-04-05 * ")
    )
    code, out = run(report, ledger, "--ignore-errors", "--as-of", "2025-04-05")
    assert code in (0, 1) and out
    err = capsys.readouterr().err
    shown = (
        f"bean-factoring: {ledger}: --ignore-errors: 2 errors ignored, the first at "
        f"{ledger}:{line}; the report may be wrong (bean-check lists them all)\n"
    )
    assert err.count("errors ignored") == 1 and shown in err, err
    assert "errors ignored" not in out
    # A ledger without errors says nothing of them.
    run(report, write(tmp_path, LATE), "--ignore-errors")
    assert "ignored" not in capsys.readouterr().err


def test_reconcile_lists_an_item_whose_check_is_disabled_but_does_not_fail(tmp_path, capsys):
    path = tmp_path / "silenced.beancount"
    path.write_text(SILENCED_162, encoding="utf-8")
    code, out = run("reconcile", str(path))
    assert code == 0, out
    # Still listed (its 3,000.00 explains the clearing balance), and said not counted.
    assert "schedule not funded  100" in out
    assert "Nothing is open past its grace period" in out
    assert "Past their deadline, not counted: the ledger disables their check" in out
    assert "Summit: schedule not funded 100" in out and "(FCT162 disabled)" in out
    code, out = run("reconcile", str(path), "--format", "json")
    data = json.loads(out)
    assert (code, data["ok"]) == (0, True)
    assert data["accounts"][0]["items"][0]["silenced"] == "FCT162"
    assert len(data["silenced"]) == 1
    # Without the disable, the same schedule fails the run (FCT162's own rule; the
    # ledger then has that error, which exits 2 unless ignored).
    path.write_text(SILENCED_162.replace("\"{'disable': ['FCT162']}\"", ""), encoding="utf-8")
    assert run("reconcile", str(path))[0] == 2
    code, out = run("reconcile", str(path), "--ignore-errors")
    assert code == 1 and "not counted" not in out


def test_reconcile_does_not_count_a_release_whose_fct161_is_disabled(tmp_path):
    # LATE: collected 04-01, release-days 10: late on 04-12 (see the test above).
    path = tmp_path / "late.beancount"
    head = "plugin \"beancount_factoring.plugin\" \"{'disable': ['FCT161']}\"\n"
    path.write_text(head + textwrap.dedent(OPENS) + LATE, encoding="utf-8")
    code, out = run("reconcile", str(path), "--as-of", "2025-04-12")
    assert code == 0, out
    assert "release due INV-1" in out and "(FCT161 disabled)" in out
    # Another code disabled leaves it counted.
    path.write_text(head.replace("FCT161", "FCT141") + textwrap.dedent(OPENS) + LATE)
    assert run("reconcile", str(path), "--as-of", "2025-04-12")[0] == 1
