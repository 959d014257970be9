"""``bean-factoring``: the factoring reports on the command line (SPEC §7).

::

    bean-factoring reserve   LEDGER [--as-of DATE] [--factor NAME] [--format text|csv|json]
    bean-factoring aging     LEDGER [...] [--by invoice|due]
    bean-factoring cost      LEDGER [...] [--start DATE]
    bean-factoring reconcile LEDGER [...]

A thin layer over ``beancount_factoring.reports``: it loads the ledger (with
its plugins, as bean-check does), computes the report and prints it. Exit
codes: 0 on success; 1 when ``reconcile`` finds something open past its grace
period (each listed on stderr); 2 when the ledger cannot be loaded (its errors
are printed), a factor is unknown, or the arguments are wrong. Sources under
the current folder are shown relative to it.

Each error on stderr names its place (the ledger, or the argument), then its code
(``CLI_CODES``: FCT310 to FCT313, in docs/errors.md), then what to do:

    bean-factoring: argument --factor: FCT311 No factoring agreement names the factor ...
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from beancount import loader
from beancount.parser import printer

from beancount_factoring.errors import CLI_CODES, coded
from beancount_factoring.reports import UnknownFactor, compute
from beancount_factoring.reports.model import BASIS_DUE, BASIS_INVOICE
from beancount_factoring.reports.render import FORMATS, relative, render

REPORTS = ("reserve", "aging", "cost", "reconcile")
# Errors that mean the ledger itself could not be read, rather than disagreements in it.
FATAL_ERRORS = ("LoadError", "LexerError", "ParserError", "ParserSyntaxError")
# argparse words an error about one argument "argument --format: invalid choice: ...".
_ARGUMENT = re.compile(r"(argument [^:]+: )?(FCT\d{3} )?")


class Parser(argparse.ArgumentParser):
    """argparse, with the code of each usage error after its place."""

    def error(self, message: str) -> NoReturn:
        # A bad date has its own code, given by `_date`; anything else argparse refuses
        # (an unknown report or option, a bad choice, a missing ledger) is FCT313.
        found = _ARGUMENT.match(message)
        assert found is not None
        place = found[1] or ""
        if found[2] is None:
            message = place + coded("FCT313", f"{message[len(place) :]} (see --help)")
        super().error(message)


def _stop(code: str, place: str, message: str) -> int:
    """Print an error as ``bean-factoring: PLACE: CODE message``; the exit code, 2."""
    assert code in CLI_CODES, code
    print(f"bean-factoring: {place}: {coded(code, message)}", file=sys.stderr)
    return 2


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        message = f"{text!r} is not a date; write it like 2025-03-31"
        raise argparse.ArgumentTypeError(coded("FCT312", message)) from None


def parser() -> argparse.ArgumentParser:
    main = Parser(
        prog="bean-factoring",
        description="Factoring reports from a Beancount ledger: reserve, aging, cost, reconcile.",
    )
    commands = main.add_subparsers(dest="report", required=True, metavar="REPORT")
    helps = {
        "reserve": "reserve held per factor and invoice, with status, expected release and fees "
        "accrued to the date",
        "aging": "receivables per customer and bucket, ours apart from the factors'",
        "cost": "fees by factor, customer and month; days to pay; annual rate",
        "reconcile": "open items of each clearing account; exits 1 when any is past grace",
    }
    for name in REPORTS:
        command = commands.add_parser(name, help=helps[name], description=helps[name])
        command.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
        command.add_argument(
            "--as-of",
            type=_date,
            metavar="DATE",
            help="the report's date (default: the plugin's as-of, else the last entry's date)",
        )
        command.add_argument("--factor", metavar="NAME", help="one factor only")
        command.add_argument("--format", choices=FORMATS, default="text")
        if name == "aging":
            command.add_argument(
                "--by",
                choices=(BASIS_INVOICE, BASIS_DUE),
                default=BASIS_INVOICE,
                help="age from the invoice date (default) or from the due date",
            )
        if name == "cost":
            command.add_argument(
                "--start", type=_date, metavar="DATE", help="count from this date on"
            )
    return main


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    out = out or sys.stdout
    args = parser().parse_args(argv)
    entries, errors, options_map = loader.load_file(args.ledger)
    fatal = [e for e in errors if type(e).__name__ in FATAL_ERRORS]
    if fatal or (errors and not entries):
        message = "cannot load the ledger; fix the errors below (bean-check shows them too)"
        _stop("FCT310", args.ledger, message)
        printer.print_errors(errors, file=sys.stderr)
        return 2
    book = compute(entries, options_map, errors)
    for warning in book.warnings:
        print(f"bean-factoring: {warning}", file=sys.stderr)
    try:
        report: Any
        if args.report == "reserve":
            report = book.reserve(args.as_of, args.factor)
        elif args.report == "aging":
            report = book.aging(args.as_of, args.factor, args.by)
        elif args.report == "cost":
            report = book.cost(args.as_of, args.factor, args.start)
        else:
            report = book.reconcile(args.as_of, args.factor)
    except UnknownFactor as exc:
        return _stop("FCT311", "argument --factor", str(exc))
    report = relative(report, os.getcwd())
    out.write(render(report, args.format))
    if args.report == "reconcile" and report.problems:
        if args.format != "text":
            print("Open past their grace period:", file=sys.stderr)
            for problem in report.problems:
                print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
