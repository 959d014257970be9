"""The rule the command line (FCT314) and the Fava pages share: any error of the load."""

from __future__ import annotations

from typing import Any, NamedTuple

from beancount_factoring.reports.load_errors import ledger_errors
from beancount_factoring.reports.model import Source


class LexerError(NamedTuple):
    source: Any
    message: str
    entry: Any


class BalanceError(NamedTuple):
    source: Any
    message: str
    entry: Any


def test_no_error_is_none() -> None:
    assert ledger_errors([], []) is None


def test_the_count_and_the_first_with_its_place() -> None:
    errors = [
        BalanceError(
            {"filename": "/books/main.beancount", "lineno": 41}, "Balance failed\nmore", None
        ),
        BalanceError({"filename": "/books/main.beancount", "lineno": 50}, "second", None),
    ]
    said = ledger_errors(errors, ["an entry"])
    assert said is not None
    assert (said.count, said.first, said.message) == (
        2,
        Source("/books/main.beancount", 41),
        "Balance failed",  # its first line
    )
    assert not said.unreadable
    assert said.summary() == "the ledger has 2 errors, so the report could be wrong"
    assert said.first_said("main.beancount") == "the first at main.beancount:41: Balance failed"


def test_a_first_error_of_no_place_or_no_line() -> None:
    said = ledger_errors([BalanceError(None, "no place", None)], ["an entry"])
    assert said is not None and said.first is None
    assert said.first_said() == "the first: no place"
    said = ledger_errors([BalanceError({"filename": "a.beancount"}, "no line", None)])
    assert said is not None and said.place() == "a.beancount"


def test_a_ledger_beancount_cannot_read_whole_is_unreadable() -> None:
    lexer = LexerError({"filename": "a.beancount", "lineno": 3}, "Invalid token", None)
    said = ledger_errors([lexer], ["an entry"])
    assert said is not None and said.unreadable
    # Errors and no entry at all: nothing was read.
    balance = BalanceError({"filename": "a.beancount", "lineno": 3}, "x", None)
    said = ledger_errors([balance], [])
    assert said is not None and said.unreadable
