"""A month-end reserve balance typed by hand is the reserve statement's: not imported again.

Lakeshore buys schedule 3110 on 03/03 (reserve 201.25, funded the same day) and schedule
3111 on 03/31 (reserve 82.00), which it funds on 04/01. Its March statement closes at
201.25 + 82.00 = 283.25, and the bookkeeper typed that month-end balance from the
statement's PDF before the CSV came:

    2025-04-01 balance Assets:Factoring:Lakeshore:Reserve   283.25 USD

The books hold 3111's reserve from its funding (the start of 04/01 is before it), so the
plugin checks the books' part of the typed figure, 283.25 - 82.00 = 201.25, and notes the
rest (`factoring-awaiting-funding`). The importer, given the ledger, compared the
statement's 283.25 with that 201.25 and imported the assertion again beside the typed one.
"""

from __future__ import annotations

from pathlib import Path

from beancount import loader
from beancount.core import data
from beancount.parser import printer
from factor_config import DOCUMENTS, LEDGER, importers

from beancount_factoring.importers import dedup

IMPORTER = importers(balances="last")["lakeshore"]
PURCHASE = (DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv").read_text("utf-8")
STATEMENT = (
    "Reserve Account Report - RIDGELINE FREIGHT LLC (Client #C10482) 03/01/2025 - 03/31/2025\n"
    "Date,Transaction Type,Batch#,Invoice #,Description,Amount,Balance\n"
    "03/03/2025,Purchase,Schedule#3110,,Reserve holdback,$201.25,$201.25\n"
    "03/31/2025,Purchase,Schedule#3111,,Reserve holdback,$82.00,$283.25\n"
)
TYPED = "\n2025-04-01 balance Assets:Factoring:Lakeshore:Reserve   {} USD\n"


def _ledger(tmp_path: Path, typed: str) -> str:
    """The samples' ledger with 3111 bought on 03/31 and funded on 04/01, its schedule
    imported, and the balance typed by hand."""
    base = LEDGER.read_text("utf-8").replace(
        '2025-03-05 * "LAKESHORE FUNDING LLC" "ACH CREDIT schedule 3111"',
        '2025-04-01 * "LAKESHORE FUNDING LLC" "ACH CREDIT schedule 3111"',
    )
    report = tmp_path / "lakeshore_purchase.csv"
    report.write_text(PURCHASE.replace("3111,03/05/2025", "3111,03/31/2025"), "utf-8")
    existing, _, _ = loader.load_string(base)
    schedules = IMPORTER.extract(str(report), existing)
    return base + "\n" + "\n".join(map(printer.format_entry, schedules)) + typed


def _imported(tmp_path: Path, ledger: str) -> list[data.Directive]:
    statement = tmp_path / "lakeshore_reserve.csv"
    statement.write_text(STATEMENT, "utf-8")
    existing, _, _ = loader.load_string(ledger)
    entries = IMPORTER.extract(str(statement), existing)
    IMPORTER.deduplicate(entries, existing)
    return entries


def test_a_typed_month_end_balance_is_the_statements(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, TYPED.format("283.25"))
    # The plugin checks the books' part of it, and loads without an error.
    entries, errors, _ = loader.load_string(ledger)
    assert [e.message for e in errors if "Lakeshore" in e.message] == []
    typed = [e for e in entries if isinstance(e, data.Balance)]
    assert [(e.date, e.amount.number) for e in typed] == [(typed[0].date, 201.25)]
    (balance,) = _imported(tmp_path, ledger)
    assert (balance.date.isoformat(), str(balance.amount)) == ("2025-04-01", "283.25 USD")
    assert "__duplicate__" in balance.meta
    assert dedup.AMOUNT_KEY not in balance.meta


def test_one_typed_with_another_figure_is_said(tmp_path: Path) -> None:
    """283.52 typed for the statement's 283.25: the statement's is imported, with a note
    naming the typed one and both figures (one of the two fails in bean-check)."""
    ledger = _ledger(tmp_path, TYPED.format("283.52"))
    (balance,) = _imported(tmp_path, ledger)
    assert "__duplicate__" not in balance.meta
    note = balance.meta[dedup.AMOUNT_KEY]
    assert note.startswith(
        "the ledger asserts 283.52 USD on Assets:Factoring:Lakeshore:Reserve on 2025-04-01 "
        "(<string>:"
    )
    assert "where the statement has 283.25 USD: one of the two fails in bean-check" in note


def test_a_typed_balance_the_books_meet_is_found_as_before(tmp_path: Path) -> None:
    """Dated 04/02, after 3111's funding, the typed 283.25 is the books' figure."""
    ledger = _ledger(tmp_path, TYPED.format("283.25").replace("04-01", "04-02"))
    statement = STATEMENT + "04/01/2025,Adjustment,,,Note,$0.00,$283.25\n"
    path = tmp_path / "lakeshore_reserve.csv"
    path.write_text(statement, "utf-8")
    existing, _, _ = loader.load_string(ledger)
    entries = IMPORTER.extract(str(path), existing)
    IMPORTER.deduplicate(entries, existing)
    assert [(str(e.date), "__duplicate__" in e.meta) for e in entries] == [("2025-04-02", True)]
