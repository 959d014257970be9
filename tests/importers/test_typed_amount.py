"""A bank line typed by hand before its statement is imported, with another amount (the
factor report's figure where the bank's is net of a wire fee, cents mistyped, two digits
swapped): the statement's line is imported (it is the bank's figure) with a
`typed-with-another-amount:` note naming the typed entry, so the deposit is not booked
twice in silence (docs/importers.md, "Ids and duplicates")."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

from bank_config import BANK_DOCS, checking_ofx, us_checking
from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser import printer

from beancount_factoring.importers import dedup
from beancount_factoring.importers.base import mark_duplicates

FACTORS = {"LAKESHORE FUND": "Assets:Factoring:Lakeshore:Clearing"}
OFX = BANK_DOCS / "first_prairie_2025-02.ofx"
HEADER = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,\n"
# Newest line first, as the bank writes it (balance column: the bank's running balance).
STATEMENT = HEADER + (
    'CREDIT,02/19/2025,"LAKESHORE FUNDING LLC ACH CREDIT PPD ID: 8833120045",3291.87,'
    "ACH_CREDIT,9001.13,,\n"
    'DEBIT,02/18/2025,"PILOT TRAVEL CENTER #412 RICHMOND IN",-98.12,DEBIT_CARD,5709.26,,\n'
    'DEBIT,02/18/2025,"PILOT TRAVEL CENTER #412 RICHMOND IN",-96.44,DEBIT_CARD,5807.38,,\n'
    'DEBIT,02/17/2025,"COMCHEK LUMPER SVC 021725 NASHVILLE TN",-185.00,DEBIT_CARD,5903.82,,\n'
)
OPEN = "".join(
    f"2025-01-01 open {account}\n"
    for account in (
        "Assets:Bank:Checking",
        "Assets:Factoring:Lakeshore:Clearing",
        "Expenses:Fuel",
        "Expenses:Lumper",
        "Expenses:Uncategorized",
    )
)


def typed(date: str, amount: str, account: str = "Expenses:Fuel", meta: str = "") -> str:
    return f'{date} * "typed by hand"\n{meta}  Assets:Bank:Checking    {amount} USD\n  {account}\n'


def imported(
    ledger: str, tmp_path: Path, text: str = STATEMENT
) -> tuple[list[data.Directive], list[data.Directive]]:
    existing, errors, _ = loader.load_string(OPEN + ledger)
    # (The statement's balances fail once a line is typed and imported: that is the
    # double booking the note tells of.)
    assert [e for e in errors if not e.message.startswith("Balance failed")] == []
    path = tmp_path / "checking.csv"
    path.write_text(text, encoding="utf-8")
    importer = us_checking(FACTORS)
    entries = importer.extract(str(path), existing)
    importer.deduplicate(entries, existing)
    return entries, existing


def line_of(entries: list[data.Directive], amount: str) -> data.Transaction:
    (found,) = [
        e
        for e in entries
        if isinstance(e, data.Transaction) and e.postings[0].units.number == Decimal(amount)
    ]
    return found


def line(day: datetime.date, amount: str) -> data.Transaction:
    """A bank line of one posting on the checking account (the other side is left out)."""
    units = Amount(Decimal(amount), "USD")
    posting = data.Posting("Assets:Bank:Checking", units, None, None, None, None)
    meta = data.new_metadata("statement.csv", 1)
    return data.Transaction(meta, day, "*", None, "x", frozenset(), frozenset(), [posting])


def notes(entries: list[data.Directive]) -> list[str]:
    return [e.meta[dedup.AMOUNT_KEY] for e in entries if dedup.AMOUNT_KEY in e.meta]


def test_a_deposit_typed_with_the_factor_reports_figure_is_named(tmp_path: Path) -> None:
    """The deposit typed on Tuesday with the factor report's 3,316.87; the bank's line of
    Wednesday is 3,291.87 (a 25.00 wire fee: 25.00 / 3,316.87 = 0.75%, within 1%). Before,
    the line was imported with no word and the bank held both: 3,316.87 + 3,291.87 =
    6,608.74 where the statement says 3,291.87."""
    ledger = typed("2025-02-18", "3316.87", "Assets:Factoring:Lakeshore:Clearing")
    entries, _ = imported(ledger, tmp_path)
    deposit = line_of(entries, "3291.87")
    assert "__duplicate__" not in deposit.meta  # the bank's figure is imported
    note = deposit.meta[dedup.AMOUNT_KEY]
    assert note.startswith(
        "the ledger has 3316.87 USD on Assets:Bank:Checking on 2025-02-18 (<string>:6), "
        "typed without an import-id, where this line has 3291.87 USD (within 1%)"
    )
    assert "delete one of the two" in note
    assert notes(entries) == [note]  # the other lines: nothing


def test_digits_swapped_or_one_digit_mistyped_are_named(tmp_path: Path) -> None:
    """The lumper's -185.00 typed -158.00 (two digits swapped: 14.6% apart), the fuel's
    -96.44 typed -99.44 (one digit mistyped: 3.0% apart)."""
    ledger = typed("2025-02-17", "-158.00", "Expenses:Lumper") + typed("2025-02-18", "-99.44")
    entries, _ = imported(ledger, tmp_path)
    lumper = line_of(entries, "-185.00").meta[dedup.AMOUNT_KEY]
    assert "-158.00 USD" in lumper and "(two digits swapped)" in lumper
    fuel = line_of(entries, "-96.44").meta[dedup.AMOUNT_KEY]
    assert "-99.44 USD" in fuel and "(one digit different)" in fuel
    assert len(notes(entries)) == 2


def test_two_fuel_stops_typed_and_imported_each_find_their_own(tmp_path: Path) -> None:
    """-96.44 and -98.12 the same day, both typed, both imported: each line is the
    duplicate of its own entry, and nothing is said of the other amount."""
    ledger = typed("2025-02-18", "-98.12") + typed("2025-02-18", "-96.44")
    entries, existing = imported(ledger, tmp_path)
    first, second = (e for e in existing if isinstance(e, data.Transaction))
    assert line_of(entries, "-98.12").meta["__duplicate__"] is first
    assert line_of(entries, "-96.44").meta["__duplicate__"] is second
    assert notes(entries) == []


def test_a_typed_entry_matched_or_unlike_is_not_named(tmp_path: Path) -> None:
    # Only -96.44 typed: it is the -96.44 line's; the -98.12 line names nothing.
    entries, _ = imported(typed("2025-02-18", "-96.44"), tmp_path)
    assert notes(entries) == []
    # Another amount by more than 1% and not a slip of one or two digits (-90.00): nothing.
    entries, _ = imported(typed("2025-02-18", "-90.00"), tmp_path)
    assert notes(entries) == []
    # The other sign and another amount: nothing.
    entries, _ = imported(typed("2025-02-18", "96.47"), tmp_path)
    assert notes(entries) == []
    # Three working days apart (the lumper's line of Monday 02-17, typed on Wednesday
    # 02-12: Thursday, Friday, Monday): nothing.
    entries, _ = imported(typed("2025-02-12", "-158.00", "Expenses:Lumper"), tmp_path)
    assert notes(entries) == []
    # Brought in from another file (an import-id): not typed by hand, nothing.
    ledger = typed("2025-02-17", "-158.00", "Expenses:Lumper", '  import-id: "ofx-1"\n')
    entries, _ = imported(ledger, tmp_path)
    assert notes(entries) == []
    # On another account: nothing.
    other = typed("2025-02-17", "-158.00", "Expenses:Lumper")
    other = other.replace("Assets:Bank:Checking", "Assets:Factoring:Lakeshore:Clearing")
    entries, _ = imported(other, tmp_path)
    assert notes(entries) == []


def test_one_typed_entry_is_named_on_one_line_the_closest(tmp_path: Path) -> None:
    """-97.30 typed: within 1% of both fuel lines of its day (0.86 from -96.44: 0.88%;
    0.82 from -98.12: 0.84%): the note is on the closer, -98.12, alone."""
    entries, _ = imported(typed("2025-02-18", "-97.30"), tmp_path)
    assert dedup.AMOUNT_KEY in line_of(entries, "-98.12").meta
    assert len(notes(entries)) == 1


def test_importing_again_adds_nothing(tmp_path: Path) -> None:
    """The first import kept (the note with it, the typed entry not yet deleted): the
    second import finds every line by its id and says nothing new."""
    ledger = typed("2025-02-18", "3316.87", "Assets:Factoring:Lakeshore:Clearing")
    entries, _ = imported(ledger, tmp_path)
    out = io.StringIO()
    printer.print_entries(entries, file=out)
    entries, _ = imported(ledger + out.getvalue(), tmp_path)
    assert [e for e in entries if "__duplicate__" not in e.meta] == []
    assert notes(entries) == []


def test_an_ofx_line_typed_with_another_amount_is_named() -> None:
    """The sample OFX's Lakeshore deposit of 2025-02-19, 3,291.87, typed the day before
    as 3,316.87."""
    ledger = OPEN + typed("2025-02-18", "3316.87", "Assets:Factoring:Lakeshore:Clearing")
    existing, errors, _ = loader.load_string(ledger)
    assert errors == []
    importer = checking_ofx(FACTORS)
    entries = importer.extract(str(OFX), existing)
    importer.deduplicate(entries, existing)
    (noted,) = [e for e in entries if dedup.AMOUNT_KEY in e.meta]
    assert noted.postings[0].units.number == Decimal("3291.87")
    assert "3316.87 USD" in noted.meta[dedup.AMOUNT_KEY]


def test_the_work_stays_linear_when_no_line_is_matched() -> None:
    """Not timed: a line matched by nothing looks at the entries typed on its account
    within four calendar days of it (nine at most, one a day), however long the ledger,
    once for the slips, once for two lines typed as one entry and once for amounts
    further off (`test_typed_elsewhere.py`). -40.00 beside -35.00 is neither within 1%
    nor a slip of one or two digits, no two lines add up to it, and the two, 12.5%
    apart, have no word of a payee in common."""
    start = datetime.date(2020, 1, 1)
    for size in (1_000, 10_000):
        existing = [line(start + datetime.timedelta(days=n), "-35.00") for n in range(size)]
        new = [line(start + datetime.timedelta(days=n), "-40.00") for n in range(0, size, 2)]
        compared = mark_duplicates(new, existing, similar=True)
        assert notes(new) == []
        assert compared <= 3 * 9 * len(new), (size, compared)
