"""Fixtures of the report tests: each test ledger loaded once, with its reports."""

from __future__ import annotations

import pytest
from beancount import loader
from report_ledgers import LEDGERS

from beancount_factoring.reports import ReportBook, compute


def book_of(text: str) -> ReportBook:
    """Load ledger text with the plugin and compute its reports, as the CLI does."""
    entries, errors, options_map = loader.load_string(text)
    return compute(entries, options_map, errors)


@pytest.fixture(scope="module")
def summit() -> ReportBook:
    return book_of(LEDGERS["SUMMIT"])


@pytest.fixture(scope="module")
def pine() -> ReportBook:
    return book_of(LEDGERS["PINE"])


@pytest.fixture(scope="module")
def both() -> ReportBook:
    return book_of(LEDGERS["BOTH"])


@pytest.fixture(scope="module")
def summit_loan() -> ReportBook:
    return book_of(LEDGERS["SUMMIT-loan"])
