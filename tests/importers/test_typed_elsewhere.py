"""A bank line typed by hand before its statement is imported, in a way the rules of
`test_typed_amount.py` do not find: with an amount more than 1% off, as one entry of two
lines' total, or on a date more than two working days away. The statement's lines are
imported (they are the bank's figures; a second payment of the same kind must not be lost),
each with a note naming the typed entry (file:line), so the cash is not booked twice in
silence (docs/importers.md, "Ids and duplicates")."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from bank_config import us_checking
from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers import dedup
from beancount_factoring.importers.base import mark_duplicates

FACTORS = {"LAKESHORE FUND": "Assets:Factoring:Lakeshore:Clearing"}
HEADER = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,\n"
# The statement of 2025-02-03 to 2025-02-21, oldest first here; written newest first with
# the bank's running balance from an opening 12,000.00.
LINES = (
    ("02/03/2025", "ADP PAYROLL 020325 TRUCKING CO", "-4212.50", "ACH_DEBIT"),
    ("02/07/2025", "CHECK 1023", "-1250.00", "CHECK"),
    ("02/14/2025", "ADP PAYROLL 021425 TRUCKING CO", "-4212.50", "ACH_DEBIT"),
    ("02/17/2025", "COMCHEK LUMPER SVC 021725 NASHVILLE TN", "-185.00", "DEBIT_CARD"),
    ("02/18/2025", "PILOT TRAVEL CENTER #412 RICHMOND IN", "-96.44", "DEBIT_CARD"),
    ("02/18/2025", "PILOT TRAVEL CENTER #412 RICHMOND IN", "-98.12", "DEBIT_CARD"),
    ("02/19/2025", "LAKESHORE FUNDING LLC ACH CREDIT PPD ID: 8833120045", "3291.87", "ACH_CREDIT"),
    ("02/21/2025", "DAIMLER TRUCK FIN PMT 0045521", "-2450.00", "ACH_DEBIT"),
    ("02/21/2025", "LAKESHORE FUNDING LLC ACH CREDIT PPD ID: 8833120045", "1118.12", "ACH_CREDIT"),
)


def statement() -> str:
    balance, rows = Decimal("12000.00"), []
    for day, text, amount, kind in LINES:
        balance += Decimal(amount)
        side = "CREDIT" if amount[0] != "-" else "DEBIT"
        rows.append(f'{side},{day},"{text}",{amount},{kind},{balance},,\n')
    return HEADER + "".join(reversed(rows))


OPEN = "".join(
    f"2025-01-01 open {account}\n"
    for account in (
        "Assets:Bank:Checking",
        "Assets:Factoring:Lakeshore:Clearing",
        "Expenses:Fuel",
        "Expenses:Lumper",
        "Expenses:Payroll",
        "Expenses:Repairs",
        "Liabilities:TruckLoan",
        "Expenses:Uncategorized",
    )
)


def typed(date: str, payee: str, amount: str, account: str) -> str:
    return (
        f'{date} * "{payee}" "typed by hand"\n'
        f"  Assets:Bank:Checking    {amount} USD\n  {account}\n"
    )


def imported(ledger: str, tmp_path: Path) -> list[data.Transaction]:
    existing, errors, _ = loader.load_string(OPEN + ledger)
    assert [e for e in errors if not e.message.startswith("Balance failed")] == []
    path = tmp_path / "checking.csv"
    path.write_text(statement(), encoding="utf-8")
    importer = us_checking(FACTORS)
    entries = importer.extract(str(path), existing)
    importer.deduplicate(entries, existing)
    return [e for e in entries if isinstance(e, data.Transaction)]


def lines_of(entries: list[data.Transaction], amount: str) -> list[data.Transaction]:
    return [e for e in entries if e.postings[0].units.number == Decimal(amount)]


def line_of(entries: list[data.Transaction], amount: str, day: int = 0) -> data.Transaction:
    found = [e for e in lines_of(entries, amount) if not day or e.date.day == day]
    assert len(found) == 1, (amount, day)
    return found[0]


NOTES = (dedup.AMOUNT_KEY, dedup.SUM_KEY, dedup.DATE_KEY, dedup.SIGN_KEY)


def noted(entries: list[data.Transaction]) -> dict[str, str]:
    """Each noted line's amount and day, with its note."""
    return {
        f"{e.postings[0].units.number} {e.date.day}": e.meta[key]
        for e in entries
        for key in NOTES
        if key in e.meta
    }


def test_a_deposit_typed_with_the_factor_reports_advance_is_named(tmp_path: Path) -> None:
    """Typed on 02-18 with the advance of the factor's schedule, 3,350.00; the bank's line
    of 02-19 is 3,291.87, net of the factor's wire and ACH fees: 58.13 apart, 1.7% of
    3,350.00 (more than 1%, and many digits apart). It was imported with no word: the bank
    held 3,350.00 + 3,291.87 = 6,641.87 where the statement says 3,291.87."""
    ledger = typed(
        "2025-02-18", "Lakeshore Funding", "3350.00", "Assets:Factoring:Lakeshore:Clearing"
    )
    entries = imported(ledger, tmp_path)
    deposit = line_of(entries, "3291.87")
    assert "__duplicate__" not in deposit.meta  # the bank's figure is imported
    assert list(noted(entries)) == ["3291.87 19"]
    note = deposit.meta[dedup.AMOUNT_KEY]
    assert note.startswith(
        "the ledger has 3350.00 USD on Assets:Bank:Checking on 2025-02-18 (<string>:9), "
        "typed without an import-id, where this line has 3291.87 USD (more than 1% apart"
    )


def test_a_fuel_stop_typed_from_an_estimate_is_named_on_the_closer_line(tmp_path: Path) -> None:
    """Typed "Pilot" -110.00 on 02-18 (the driver's estimate): both Pilot lines of that day
    are imported; the note is on the closer amount, -98.12 (11.88 apart, 10.8%), alone."""
    entries = imported(typed("2025-02-18", "Pilot", "-110.00", "Expenses:Fuel"), tmp_path)
    assert list(noted(entries)) == ["-98.12 18"]
    assert "-110.00 USD" in noted(entries)["-98.12 18"]
    assert all("__duplicate__" not in e.meta for e in entries)


def test_another_payee_or_far_another_amount_is_not_named(tmp_path: Path) -> None:
    # A check typed when written, not yet cashed: another payee, nothing in common.
    ledger = typed("2025-02-18", "Joe's Tire", "-1480.00", "Expenses:Repairs")
    assert noted(imported(ledger, tmp_path)) == {}
    # The Pilot's -250.00 (a second stop, not on this statement yet): more than 20%
    # from either line.
    ledger = typed("2025-02-18", "Pilot", "-250.00", "Expenses:Fuel")
    assert noted(imported(ledger, tmp_path)) == {}
    # Last week's payroll, typed on Friday 01-31, the working day before this statement's
    # first line (2% apart): the last statement's line, not this one's.
    ledger = typed("2025-01-31", "ADP payroll", "-4300.00", "Expenses:Payroll")
    assert noted(imported(ledger, tmp_path)) == {}


def test_two_fuel_stops_typed_as_one_entry_of_their_total(tmp_path: Path) -> None:
    """Typed "Pilot" -194.56 on 02-18: the day's two lines, -96.44 + -98.12 = -194.56.
    Both were imported with no word, the fuel counted twice (194.56 more spent)."""
    entries = imported(typed("2025-02-18", "Pilot", "-194.56", "Expenses:Fuel"), tmp_path)
    notes = noted(entries)
    assert sorted(notes) == ["-96.44 18", "-98.12 18"]
    for note in notes.values():
        assert note.startswith(
            "the ledger has -194.56 USD on Assets:Bank:Checking on 2025-02-18 (<string>:9), "
            "typed without an import-id: the total of this line and"
        )
    assert "-98.12 USD on 2025-02-18" in notes["-96.44 18"]
    assert all("__duplicate__" not in e.meta for e in entries)


def test_two_deposits_typed_as_one_of_their_total(tmp_path: Path) -> None:
    """The factor's two deposits of the week typed on Friday as one: 3,291.87 (Wednesday)
    + 1,118.12 (Friday) = 4,409.99; no payee in common is needed, the sum is exact."""
    ledger = typed("2025-02-21", "deposits", "4409.99", "Assets:Factoring:Lakeshore:Clearing")
    assert sorted(noted(imported(ledger, tmp_path))) == ["1118.12 21", "3291.87 19"]


def test_a_lumper_typed_on_the_wrong_date_is_named(tmp_path: Path) -> None:
    """The lumper's -185.00 of 02-17 typed with the 02-07 date (ten days off, six working
    days): not a probable duplicate, and imported with no word."""
    ledger = typed("2025-02-07", "Comchek lumper", "-185.00", "Expenses:Lumper")
    entries = imported(ledger, tmp_path)
    assert list(noted(entries)) == ["-185.00 17"]
    assert noted(entries)["-185.00 17"].startswith(
        "the ledger has -185.00 USD on Assets:Bank:Checking on 2025-02-07 (<string>:9), "
        "typed without an import-id, 10 days from this line"
    )
    # The same amount typed for another payee that day: nothing in common, no note.
    ledger = typed("2025-02-07", "Joe's Tire", "-185.00", "Expenses:Repairs")
    assert noted(imported(ledger, tmp_path)) == {}


def test_recurring_payments_are_not_named(tmp_path: Path) -> None:
    """Payroll typed for 02-03 only: that line is its duplicate, and the 02-14 payroll of
    the same amount and text is another payment (the typed entry is taken). Last month's
    truck loan, typed on 01-21 (its line on last month's statement), is before this
    statement's first line: the 02-21 loan line is another payment, no note."""
    ledger = typed("2025-02-03", "ADP", "-4212.50", "Expenses:Payroll")
    ledger += typed("2025-01-21", "Daimler Truck Fin", "-2450.00", "Liabilities:TruckLoan")
    entries = imported(ledger, tmp_path)
    assert "__duplicate__" in line_of(entries, "-4212.50", 3).meta
    assert noted(entries) == {}


def line(day: datetime.date, amount: str, narration: str) -> data.Transaction:
    units = Amount(Decimal(amount), "USD")
    posting = data.Posting("Assets:Bank:Checking", units, None, None, None, None)
    meta = data.new_metadata("statement.csv", 1)
    return data.Transaction(meta, day, "*", None, narration, frozenset(), frozenset(), [posting])


def test_the_work_stays_linear_with_recurring_lines_left_unmatched() -> None:
    """Not timed: an ELD charge of -35.00 typed by hand on working days 10 to 30 of every 40, for
    years; the statement has a -35.00 line on day 0 of every 40 (ten days from the nearest
    typed one: on another date) and two -17.50 lines on each typed day from day 15 (their
    total). Each
    line looks at a bounded number of entries (those of its amount within 31 days, those
    within four days on its account), however long the ledger."""
    start = datetime.date(2020, 1, 1)
    for size in (1_000, 8_000):
        # (Working days: the bank posts none on a Saturday or Sunday.)
        days = [start + datetime.timedelta(days=n) for n in range(size * 7 // 5)]
        days = [day for day in days if day.weekday() < 5]
        existing = [
            line(day, "-35.00", "TRUCKLOG ELD") for n, day in enumerate(days) if 10 <= n % 40 <= 30
        ]
        new = [line(day, "-35.00", "TRUCKLOG ELD SUBSCRIPTION") for day in days[::40]]
        summed = [day for n, day in enumerate(days) if 15 <= n % 40 <= 30]
        halves = [line(day, "-17.50", f"TRUCKLOG {half}") for day in summed for half in "AB"]
        compared = mark_duplicates(new + halves, existing, similar=True)
        assert all(dedup.DATE_KEY in e.meta for e in new[1:])
        assert all(dedup.SUM_KEY in e.meta for e in halves)
        assert compared <= 60 * len(new + halves), (size, compared / len(new + halves))
