"""Duplicates typed by hand or imported by another importer (docs/importers.md, "Ids and
duplicates"): the same amount on the same account within two days is a probable
duplicate, marked as beangulp marks one, with a note; an `import-id` match is certain."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import beangulp
from bank_config import BANK_DOCS, checking_ofx, us_checking
from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount
from click.testing import CliRunner

from beancount_factoring.importers import dedup
from beancount_factoring.importers.base import ID_KEY, mark_duplicates

CSV = BANK_DOCS / "first_prairie_checking_2025-02-14.csv"
FACTORS = {"LAKESHORE FUND": "Assets:Factoring:Lakeshore:Clearing"}
# The statement's line: 2025-02-05 TRUCKLOG ELD SUBSCRIPTION, -35.00 USD.
TYPED = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Expenses:Software
{date} * "Trucklog" "ELD subscription, typed from the receipt"
  Assets:Bank:Checking    {amount} USD
  Expenses:Software
"""


def imported(ledger: str) -> tuple[list[data.Directive], list[data.Directive]]:
    existing, errors, _ = loader.load_string(ledger)
    assert [e for e in errors if not e.message.startswith("Balance failed")] == []
    importer = us_checking(FACTORS)
    entries = importer.extract(str(CSV), existing)
    importer.deduplicate(entries, existing)
    return entries, existing


def eld_line(entries: list[data.Directive]) -> data.Transaction:
    return next(
        e
        for e in entries
        if isinstance(e, data.Transaction) and e.narration.startswith("TRUCKLOG ELD")
    )


def marked(entries: list[data.Directive]) -> list[data.Directive]:
    return [e for e in entries if "__duplicate__" in e.meta]


def test_a_line_typed_by_hand_a_day_earlier_is_a_probable_duplicate() -> None:
    entries, existing = imported(TYPED.format(date="2025-02-04", amount="-35.00"))
    line = eld_line(entries)
    typed = next(e for e in existing if isinstance(e, data.Transaction))
    assert line.meta["__duplicate__"] is typed
    assert line.meta[dedup.NOTE_KEY].startswith("same account and amount, 1 day apart")
    assert marked(entries) == [line]  # nothing else on the statement is -35.00 then


def test_another_amount_or_ten_days_apart_is_not_a_duplicate() -> None:
    for date, amount in (("2025-02-04", "-36.00"), ("2025-02-15", "-35.00")):
        entries, _ = imported(TYPED.format(date=date, amount=amount))
        assert marked(entries) == [], (date, amount)


def test_two_days_apart_is_the_edge_of_the_window() -> None:
    # 2025-02-05 - 2 days = 2025-02-03: matched; 2025-02-02 (3 days): not.
    assert marked(imported(TYPED.format(date="2025-02-03", amount="-35.00"))[0])
    assert not marked(imported(TYPED.format(date="2025-02-02", amount="-35.00"))[0])


def test_another_account_is_not_a_duplicate() -> None:
    ledger = TYPED.format(date="2025-02-05", amount="-35.00").replace(
        "Assets:Bank:Checking", "Assets:Bank:Savings"
    )
    assert marked(imported(ledger)[0]) == []


def test_an_import_id_match_is_certain_and_wins_over_a_similar_line() -> None:
    first, _ = imported(TYPED.format(date="2025-01-20", amount="-1.00"))
    line = eld_line(first)
    ledger = TYPED.format(date="2025-02-05", amount="-35.00") + (
        f'2025-02-05 * "TRUCKLOG" "imported before"\n  {ID_KEY}: "{line.meta[ID_KEY]}"\n'
        "  Assets:Bank:Checking    -35.00 USD\n  Expenses:Software\n"
    )
    entries, _ = imported(ledger)
    again = eld_line(entries)
    assert again.meta["__duplicate__"].narration == "imported before"
    assert dedup.NOTE_KEY not in again.meta  # certain: no note


def test_one_typed_line_is_the_duplicate_of_one_imported_line_only() -> None:
    """Two statement lines of -35.00 a day apart, one typed by hand: one is marked."""
    existing, _, _ = loader.load_string(TYPED.format(date="2025-02-05", amount="-35.00"))
    day = datetime.date(2025, 2, 5)
    entries = [line(day, "-35.00", "a"), line(day + datetime.timedelta(days=1), "-35.00", "b")]
    mark_duplicates(entries, existing, similar=True)
    assert [e.narration for e in marked(entries)] == ["a"]  # the nearest in date


def test_a_balance_written_by_hand_is_a_duplicate() -> None:
    entries, _ = imported(
        "2025-01-01 open Assets:Bank:Checking\n"
        "2025-02-05 balance Assets:Bank:Checking  12607.61 USD\n"
    )
    assert [(type(e).__name__, str(e.date)) for e in marked(entries)] == [
        ("Balance", "2025-02-05")
    ]


def test_the_extract_prints_a_probable_duplicate_commented_with_its_note(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.beancount"
    ledger.write_text(TYPED.format(date="2025-02-04", amount="-35.00"), encoding="utf-8")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / CSV.name).write_bytes(CSV.read_bytes())
    ingest = beangulp.Ingest([us_checking(FACTORS)])
    result = CliRunner().invoke(ingest.cli, ["extract", "-e", str(ledger), str(downloads)])
    assert result.exit_code == 0, result.output
    out = io.StringIO(result.stdout).read()
    assert f"; duplicate of {ledger}:4\n" in out
    assert '; 2025-02-05 ! "TRUCKLOG ELD SUBSCRIPTION' in out
    assert ';   probable-duplicate: "same account and amount, 1 day apart' in out


def test_a_line_imported_by_another_importer_in_the_same_run_is_a_probable_duplicate(
    tmp_path: Path,
) -> None:
    """The CSV's deposit, then the same money in an OFX download of the account."""
    ofx = (BANK_DOCS / "first_prairie_2025-02.ofx").read_text(encoding="latin-1")
    csv_entries = us_checking(FACTORS).extract(str(CSV), [])
    deposit = next(e for e in csv_entries if e.postings and e.postings[0].units.number > 0)
    amount, day = deposit.postings[0].units.number, deposit.date
    # One OFX line with the CSV deposit's amount, dated a day later.
    start = ofx.index("<STMTTRN>")
    end = ofx.index("</STMTTRN>", start) + len("</STMTTRN>")
    trn = ofx[start:end]
    old_amount = trn.split("<TRNAMT>")[1].split("<")[0].strip()
    old_date = trn.split("<DTPOSTED>")[1].split("<")[0].strip()
    later = f"{day + datetime.timedelta(days=1):%Y%m%d}"
    path = tmp_path / "checking.ofx"
    path.write_text(
        ofx.replace(trn, trn.replace(old_amount, str(amount)).replace(old_date, later)),
        encoding="latin-1",
    )
    importer = checking_ofx(FACTORS)
    entries = importer.extract(str(path), [])
    importer.deduplicate(entries, csv_entries)
    assert [e.postings[0].units.number for e in marked(entries)] == [amount]


def line(day: datetime.date, amount: str, narration: str) -> data.Transaction:
    postings = [
        data.Posting(
            "Assets:Bank:Checking", Amount(Decimal(amount), "USD"), None, None, None, None
        ),
        data.Posting("Expenses:Uncategorized", None, None, None, None, None),
    ]
    meta = data.new_metadata("statement.csv", 1)
    return data.Transaction(meta, day, "*", None, narration, frozenset(), frozenset(), postings)


def test_the_work_is_linear_not_lines_times_ledger() -> None:
    """Not timed: the existing entries compared stay a few per line however large the
    ledger, even when every entry has the same amount (one a day for years)."""
    start = datetime.date(2020, 1, 1)
    for size in (1_000, 10_000):
        existing = [line(start + datetime.timedelta(days=n), "-35.00", "x") for n in range(size)]
        existing += [line(start, f"-{n}.01", "other") for n in range(size)]
        new = [line(start + datetime.timedelta(days=n), "-35.00", "y") for n in range(0, size, 2)]
        compared = mark_duplicates(new, existing, similar=True)
        assert len(marked(new)) == len(new)
        # Each line looks at the entries within four calendar days of it (two working
        # days span four at most, Thursday to Monday): nine at most.
        assert compared <= 9 * len(new), (size, compared)


def test_a_line_near_one_imported_from_the_same_kind_of_file_says_it_is_likely_another() -> None:
    # The -35.00 of 2025-02-05 booked from an earlier statement of the same bank, dated a
    # day before and with its own id: the same line would have had the same id.
    ledger = TYPED.format(date="2025-02-04", amount="-35.00").replace(
        '"ELD subscription, typed from the receipt"\n',
        '"ELD subscription"\n  import-id: "bank-000000000000"\n',
    )
    line = eld_line(imported(ledger)[0])
    note = line.meta[dedup.NOTE_KEY]
    assert "another id (bank-000000000000): most likely another line" in note
    # The same day: as likely the same line with its text changed by the bank.
    line = eld_line(imported(ledger.replace("2025-02-04", "2025-02-05"))[0])
    assert "('ELD subscription') came from" in line.meta[dedup.NOTE_KEY]
    assert "another line or the bank changed its export" in line.meta[dedup.NOTE_KEY]
    # Typed by hand (no id): the usual note.
    line = eld_line(imported(TYPED.format(date="2025-02-04", amount="-35.00"))[0])
    assert "no common import-id" in line.meta[dedup.NOTE_KEY]


def test_a_card_line_typed_on_friday_is_found_in_the_banks_monday_line() -> None:
    # Typed on Friday 2025-02-07 from the receipt; the bank posts it on Monday 2025-02-10:
    # three calendar days, one working day (Monday). It was imported a second time.
    existing, _, _ = loader.load_string(TYPED.format(date="2025-02-07", amount="-35.00"))
    monday = [line(datetime.date(2025, 2, 10), "-35.00", "monday")]
    mark_duplicates(monday, existing, similar=True)
    assert [e.narration for e in marked(monday)] == ["monday"]
    assert monday[0].meta[dedup.NOTE_KEY].startswith("same account and amount, 3 days apart")
    # Thursday to Monday is two working days (Friday, Monday): found; Wednesday to Monday
    # is three: imported.
    for typed, found in (("2025-02-06", True), ("2025-02-05", False)):
        existing, _, _ = loader.load_string(TYPED.format(date=typed, amount="-35.00"))
        monday = [line(datetime.date(2025, 2, 10), "-35.00", "monday")]
        mark_duplicates(monday, existing, similar=True)
        assert bool(marked(monday)) is found, typed


def test_working_days_apart_count_no_saturday_or_sunday() -> None:
    friday, monday = datetime.date(2025, 2, 7), datetime.date(2025, 2, 10)
    assert dedup.working_days_apart(friday, monday) == 1  # Monday
    assert dedup.working_days_apart(monday, friday) == 1  # either order
    assert dedup.working_days_apart(friday, friday) == 0
    assert dedup.working_days_apart(datetime.date(2025, 2, 8), monday) == 1  # Saturday
    # Three weeks and two days, Wednesday to Friday: 3 x 5 + 2 (Thursday, Friday).
    assert dedup.working_days_apart(datetime.date(2025, 2, 5), datetime.date(2025, 2, 28)) == 17


def test_a_line_from_the_same_kind_of_file_keeps_the_two_day_window() -> None:
    # A Thursday line booked from last week's statement (its own bank- id) and Monday's
    # line of the same price: two working days, four calendar days. The same line would
    # have had the same id: it is another fuel stop, imported (it was commented out).
    existing, _, _ = loader.load_string(
        TYPED.format(date="2025-02-06", amount="-35.00").replace(
            '"ELD subscription, typed from the receipt"\n',
            '"ELD subscription"\n  import-id: "bank-000000000001"\n',
        )
    )
    monday = line(datetime.date(2025, 2, 10), "-35.00", "monday")
    monday.meta["import-id"] = "bank-000000000002"
    mark_duplicates([monday], existing, similar=True)
    assert marked([monday]) == []


def test_a_transaction_id_the_bank_reuses_for_another_line() -> None:
    # Some banks number each download's lines from 1: FITID 1 was the 2,000.00 deposit
    # of 2025-03-03, and next week it is a payroll debit of -2,183.14. By its id alone
    # the payroll line was taken for the deposit and left out (commented out).
    existing = [line(datetime.date(2025, 3, 3), "2000.00", "deposit")]
    existing[0].meta[ID_KEY] = "ofx-000000000001"
    payroll = line(datetime.date(2025, 3, 10), "-2183.14", "payroll")
    payroll.meta[ID_KEY] = "ofx-000000000001"
    mark_duplicates([payroll], existing, similar=True)
    assert marked([payroll]) == []
    assert payroll.meta[ID_KEY] == "ofx-000000000001-20250310--2183.14"
    assert payroll.meta["import-id-reused"].startswith(
        "the bank gave this line the id of another (2025-03-03, 2000.00 USD"
    )
    # Imported again, beside the booked payroll line: a duplicate of it.
    again = line(datetime.date(2025, 3, 10), "-2183.14", "payroll")
    again.meta[ID_KEY] = "ofx-000000000001"
    mark_duplicates([again], [*existing, payroll], similar=True)
    assert again.meta["__duplicate__"] is payroll
    # The same line downloaded again (same amount, a day apart) is the booked one.
    same = line(datetime.date(2025, 3, 4), "2000.00", "deposit")
    same.meta[ID_KEY] = "ofx-000000000001"
    mark_duplicates([same], existing, similar=True)
    assert same.meta["__duplicate__"] is existing[0]


def test_a_line_edited_by_hand_after_import_is_not_imported_again() -> None:
    """The statement imported, then the bookkeeper edits its lines: the ELD line's
    amount by a cent (-35.00 -> -35.01), the fuel draft split, its bank posting written
    last. The CSV has no reference column, so a line's id is made of its date, amount
    and text: the booked entry of that id is this very line, edited. Imported again, the
    first was a line of its own (`import-id-reused`, the bank said to reuse an id it
    never gave), the second was matched only as a probable duplicate whose note said
    the same."""
    first = us_checking(FACTORS).extract(str(CSV), [])
    eld, fuel = eld_line(first), next(e for e in first if "-818.22" in str(e.postings[0].units))
    ledger = (
        "2025-01-01 open Assets:Bank:Checking\n2025-01-01 open Expenses:Software\n"
        "2025-01-01 open Expenses:Fuel\n2025-01-01 open Expenses:Uncategorized\n"
        f'2025-02-05 * "Trucklog" "ELD, February"\n  {ID_KEY}: "{eld.meta[ID_KEY]}"\n'
        "  Assets:Bank:Checking    -35.01 USD\n  Expenses:Software\n"
        f'2025-02-10 * "FleetOne" "fuel draft"\n  {ID_KEY}: "{fuel.meta[ID_KEY]}"\n'
        "  Expenses:Fuel    800.00 USD\n  Expenses:Uncategorized    18.22 USD\n"
        "  Assets:Bank:Checking    -818.22 USD\n"
    )
    entries, existing = imported(ledger)
    booked = [e for e in existing if isinstance(e, data.Transaction)]
    by_id = {e.meta[ID_KEY]: e for e in entries}
    again = [by_id[eld.meta[ID_KEY]], by_id[fuel.meta[ID_KEY]]]
    assert [e.meta.get("__duplicate__") for e in again] == booked  # by id, both
    assert all("import-id-reused" not in e.meta and dedup.NOTE_KEY not in e.meta for e in again)
    # The edited amount is said, for the bookkeeper to check against the statement.
    assert (
        again[0]
        .meta["differs-from-ledger"]
        .startswith("the statement has -35.00 USD on 2025-02-05, the booked entry")
    )
    assert "-35.01 USD" in again[0].meta["differs-from-ledger"]
    assert "differs-from-ledger" not in again[1].meta  # the same amount, split


def test_a_bank_id_reused_is_told_by_the_bank_posting_not_the_first() -> None:
    # An OFX line booked under FITID 7, its bank posting written second: the same line
    # downloaded again is its duplicate, not a reused id.
    booked = line(datetime.date(2025, 3, 3), "-96.44", "fuel")
    booked = booked._replace(postings=booked.postings[::-1])
    booked.meta[ID_KEY] = "ofx-000000000007"
    again = line(datetime.date(2025, 3, 3), "-96.44", "fuel")
    again.meta[ID_KEY] = "ofx-000000000007"
    mark_duplicates([again], [booked], similar=True)
    assert again.meta["__duplicate__"] is booked
    assert "import-id-reused" not in again.meta


def test_a_bank_line_finds_the_release_booked_from_the_reserve_report_as_it_finds_it() -> None:
    # The release booked from the factor's reserve report on Tuesday 2025-04-08; the bank
    # posts it on Friday 04-11 (three days): the reserve report, imported after the bank
    # line, would have found it; the bank line imported after the report did not, and was
    # booked beside it (the cash twice). Saturday 04-12 is four days: another line.
    booked = line(datetime.date(2025, 4, 8), "151.25", "Reserve release (rebate), ACH 77812")
    booked.meta.update({ID_KEY: "release-37fafbd18b9c", "factoring": "release"})
    for day, expected in ((11, True), (12, False)):
        bank = line(datetime.date(2025, 4, day), "151.25", "LAKESHORE FUNDING LLC ACH CREDIT")
        bank.meta[ID_KEY] = "bank-000000000001"
        mark_duplicates([bank], [booked], similar=True)
        assert (bank.meta.get("__duplicate__") is booked) is expected, day


def test_of_two_factors_deposits_of_one_amount_the_typed_ones_factor_is_its_duplicate() -> None:
    # Lakeshore's deposit of 2,279.00 typed from the bank's app; the statement has it and
    # Pinecrest's deposit of the same amount on the same day, Pinecrest's first. Pinecrest's
    # was taken for the typed line (commented out, lost) and Lakeshore's booked again: the
    # bank balanced, Lakeshore had a deposit too many and Pinecrest's schedule none.
    existing, _, _ = loader.load_string(
        "2025-01-01 open Assets:Bank:Checking\n"
        "2025-01-01 open Assets:Factoring:Lakeshore:Clearing\n"
        '2025-04-03 * "Lakeshore" "deposit, seen in the bank\'s app"\n'
        "  Assets:Bank:Checking    2279.00 USD\n  Assets:Factoring:Lakeshore:Clearing\n"
    )
    day = datetime.date(2025, 4, 3)
    lines = []
    for factor in ("Pinecrest", "Lakeshore"):
        bank = line(day, "2279.00", f"{factor.upper()} ACH CREDIT")
        clearing = bank.postings[1]._replace(account=f"Assets:Factoring:{factor}:Clearing")
        lines.append(bank._replace(postings=[bank.postings[0], clearing]))
    mark_duplicates(lines, existing, similar=True)
    assert [e.narration for e in marked(lines)] == ["LAKESHORE ACH CREDIT"]


def test_a_line_booked_to_another_bank_account_says_so() -> None:
    """The ELD line of the checking account, its bank posting moved by hand to the
    savings account: its duplicate's note said the booked entry had `None`; it says
    the booked entry has nothing on the checking account."""
    first = us_checking(FACTORS).extract(str(CSV), [])
    eld = eld_line(first)
    ledger = (
        "2025-01-01 open Assets:Bank:Savings\n2025-01-01 open Expenses:Software\n"
        f'2025-02-05 * "Trucklog" "ELD, February"\n  {ID_KEY}: "{eld.meta[ID_KEY]}"\n'
        "  Assets:Bank:Savings    -35.00 USD\n  Expenses:Software\n"
    )
    entries, _ = imported(ledger)
    (again,) = [e for e in entries if e.meta.get(ID_KEY) == eld.meta[ID_KEY]]
    note = again.meta["differs-from-ledger"]
    assert "None" not in note
    assert "nothing on Assets:Bank:Checking" in note


def test_a_line_typed_with_its_sign_the_other_way_is_named_on_the_imported_line() -> None:
    """The ELD subscription typed as +35.00 on the bank (the sign on the wrong posting):
    the statement's -35.00 line matched nothing and was imported with no word, the
    ledger holding both (the bank 35.00 off, where it should be -35.00: +35.00 - 35.00 =
    0.00). It is still imported (a refund of a charge is such a pair too), and names the
    typed entry, for the bookkeeper to correct its sign and delete one of the two."""
    entries, _ = imported(TYPED.format(date="2025-02-04", amount="35.00"))
    line = eld_line(entries)
    assert "__duplicate__" not in line.meta  # imported: not lost
    note = line.meta[dedup.SIGN_KEY]
    assert note.startswith(
        "the ledger has 35.00 USD on Assets:Bank:Checking on 2025-02-04 (<string>:4), "
        "typed without an import-id"
    )
    # The same entry imported from a file (its sign is the bank's): no note.
    entries, _ = imported(
        TYPED.format(date="2025-02-04", amount="35.00").replace(
            '"ELD subscription, typed from the receipt"\n',
            '"refund"\n  import-id: "ofx-000000000009"\n',
        )
    )
    assert dedup.SIGN_KEY not in eld_line(entries).meta
    # Three working days apart: no note (2025-01-31, Friday, to Wednesday 02-05).
    entries, _ = imported(TYPED.format(date="2025-01-31", amount="35.00"))
    assert dedup.SIGN_KEY not in eld_line(entries).meta


def test_a_booked_line_re_dated_more_than_five_days_says_it_may_be_that_line() -> None:
    """The Lakeshore deposit of 2025-02-19 (FITID 4), booked, then re-dated by hand to
    02-27, the day its schedule was funded in the factor's report (eight days). Imported
    again, the line was a line of its own, said to be another under a reused id: the
    deposit twice (3,291.87 more in the bank). It is still imported (a bank that reuses
    its ids may give a weekly line of one price the same one), and its note says that it
    may be the booked line re-dated, and where that is."""
    booked = line(datetime.date(2025, 2, 27), "3291.87", "LAKESHORE FUNDING LLC")
    booked.meta[ID_KEY] = "ofx-000000000004"
    again = line(datetime.date(2025, 2, 19), "3291.87", "LAKESHORE FUNDING LLC")
    again.meta[ID_KEY] = "ofx-000000000004"
    mark_duplicates([again], [booked], similar=True)
    assert marked([again]) == []
    note = again.meta["import-id-reused"]
    assert note.startswith("the bank gave this line the id of another (2025-02-27, 3291.87 USD")
    assert note.endswith(
        "if it is that line, its date changed by hand (8 days), delete this one and "
        "correct that entry's date"
    )
    # Another amount under the id (the reused FITID of the test above): no such advice.
    other = line(datetime.date(2025, 2, 19), "-2183.14", "payroll")
    other.meta[ID_KEY] = "ofx-000000000004"
    mark_duplicates([other], [booked], similar=True)
    assert "date changed by hand" not in other.meta["import-id-reused"]
