"""A bank line imported, then edited by hand in the ledger, and its statement imported
again (docs/importers.md, "Ids and duplicates"): a line whose id the ledger holds is
never imported again, whatever its amount now; what differs is said on its duplicate.
An id the bank gave another line (FITID 1 each week) is imported, and said."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bank_config import BANK_DOCS, checking_ofx
from beancount import loader
from beancount.core import data
from beancount.parser import printer
from click.testing import CliRunner

from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import CHANGED_KEY, ID_KEY, REUSED_KEY
from beancount_factoring.importers.ingest import ingest

OFX = BANK_DOCS / "first_prairie_2025-02.ofx"
FACTORS = {"LAKESHORE FUND": "Assets:Factoring:Lakeshore:Clearing"}
OPEN = "".join(
    f"2025-01-01 open {account}\n"
    for account in (
        "Assets:Bank:Checking",
        "Assets:Factoring:Lakeshore:Clearing",
        "Expenses:Uncategorized",
        "Expenses:Fuel",
        "Expenses:BankFees",
    )
)


def first_import() -> str:
    """The sample statement imported into an empty ledger, as ledger text."""
    out = io.StringIO()
    printer.print_entries(checking_ofx(FACTORS).extract(str(OFX), []), file=out)
    return OPEN + out.getvalue()


def again(ledger: str, path: Path = OFX) -> list[data.Directive]:
    existing, errors, _ = loader.load_string(ledger)
    assert [e for e in errors if not e.message.startswith("Balance failed")] == []
    importer = checking_ofx(FACTORS)
    entries = importer.extract(str(path), existing)
    importer.deduplicate(entries, existing)
    return entries


def written(entries: list[data.Directive]) -> list[data.Directive]:
    return [e for e in entries if "__duplicate__" not in e.meta]


def by_amount(entries: list[data.Directive], amount: str) -> data.Transaction:
    (found,) = [
        e
        for e in entries
        if isinstance(e, data.Transaction) and str(e.postings[0].units.number) == amount
    ]
    return found


def test_a_deposit_whose_amount_was_edited_is_not_imported_again() -> None:
    """The Lakeshore deposit of 3,291.87 on 2025-02-19 booked, then changed by hand to
    the factor report's 3,316.87. Imported again, it was a line of its own (the bank
    amount differing, its FITID was taken for reused) with an `import-id-reused:` note:
    the deposit twice, 6,608.74 on the bank account."""
    ledger = first_import().replace("3291.87 USD", "3316.87 USD")
    entries = again(ledger)
    assert written(entries) == []
    line = by_amount(entries, "3291.87")
    assert str(line.meta["__duplicate__"].postings[0].units) == "3316.87 USD"
    assert REUSED_KEY not in line.meta
    note = line.meta[CHANGED_KEY]
    assert note.startswith("the statement has 3291.87 USD on 2025-02-19, the booked entry")
    assert "3316.87 USD on 2025-02-19" in note


def test_cents_corrected_and_a_date_moved_are_the_same_line() -> None:
    # The lumper line of 2025-02-18: -240.00 corrected to -240.05 and dated the day
    # of the receipt, 2025-02-15 (three days before).
    ledger = first_import()
    ledger = ledger.replace(
        '2025-02-18 ! "COMCHEK LUMPER SVC"', '2025-02-15 ! "COMCHEK LUMPER SVC"'
    ).replace("-240.00 USD", "-240.05 USD")
    entries = again(ledger)
    assert written(entries) == []
    note = by_amount(entries, "-240.00").meta[CHANGED_KEY]
    assert "-240.05 USD on 2025-02-15" in note


def test_a_line_split_into_two_entries_that_keep_its_id_is_the_same_line() -> None:
    # The fuel draft of -902.31 split by hand into the fuel (-900.00) and the card's
    # fee (-2.31), both entries keeping the line's id: together they are the line.
    ledger = first_import()
    ident = re.search(
        r'FLEETONE FUEL CARD" "DRAFT PPD ID 1231456789"\n  import-id: "(.*)"', ledger
    )
    assert ident is not None
    ledger += (
        f'2025-02-17 * "FleetOne" "fuel"\n  {ID_KEY}: "{ident[1]}"\n'
        "  Assets:Bank:Checking    -900.00 USD\n  Expenses:Fuel\n"
        f'2025-02-17 * "FleetOne" "card fee"\n  {ID_KEY}: "{ident[1]}"\n'
        "  Assets:Bank:Checking    -2.31 USD\n  Expenses:BankFees\n"
    )
    ledger = ledger.replace(
        f'2025-02-17 ! "FLEETONE FUEL CARD" "DRAFT PPD ID 1231456789"\n  import-id: "{ident[1]}"\n'
        "  Assets:Bank:Checking    -902.31 USD\n  Expenses:Uncategorized\n",
        "",
    )
    entries = again(ledger)
    assert written(entries) == []
    assert CHANGED_KEY not in by_amount(entries, "-902.31").meta  # -900.00 + -2.31


def test_the_extract_prints_the_edited_line_commented_out_with_its_note(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.beancount"
    ledger.write_text(first_import().replace("3291.87 USD", "3316.87 USD"), encoding="utf-8")
    output = tmp_path / "out.beancount"
    arguments = ["extract", "-e", str(ledger), "-o", str(output), str(OFX)]
    result = CliRunner().invoke(ingest([checking_ofx(FACTORS)]).cli, arguments)
    assert result.exit_code == 0, result.output
    printed = output.read_text(encoding="utf-8")
    body = [line for line in printed.splitlines() if line and not line.startswith(";")]
    assert all(line.startswith("****") for line in body), body  # nothing written
    assert ';   differs-from-ledger: "the statement has 3291.87 USD' in printed


def reissued(tmp_path: Path, day: str, amount: str) -> Path:
    """The sample with the Lakeshore deposit's FITID given to another line."""
    text = OFX.read_text(encoding="latin-1")
    text = text.replace(
        "<DTPOSTED>20250219120000.000[-5:EST]\n<TRNAMT>3291.87",
        f"<DTPOSTED>{day}120000.000[-5:EST]\n<TRNAMT>{amount}",
    )
    path = tmp_path / "checking.ofx"
    path.write_text(text, encoding="latin-1")
    return path


def test_an_id_the_bank_gave_a_line_a_week_later_is_imported_and_said(tmp_path: Path) -> None:
    """FITID 2025021900030 was the deposit of 2025-02-19; the bank gives it to a line of
    -55.00 on 2025-02-27: another line, imported with an id of its own and a note."""
    entries = again(first_import(), reissued(tmp_path, "20250227", "-55.00"))
    (line,) = written(entries)
    assert str(line.postings[0].units) == "-55.00 USD"
    assert line.meta[REUSED_KEY].startswith(
        "the bank gave this line the id of another (2025-02-19, 3291.87 USD"
    )
    # Booked, then imported again: found by its own id.
    out = io.StringIO()
    printer.print_entries([line], file=out)
    assert (
        written(again(first_import() + out.getvalue(), reissued(tmp_path, "20250227", "-55.00")))
        == []
    )


def test_an_id_given_to_another_line_within_days_is_kept_out_and_said(tmp_path: Path) -> None:
    """The bank gives the deposit's FITID to a line of -55.00 two days later: within five
    days, the ledger's entry of that id is taken for this line, edited; the duplicate
    says both, and how to keep it if it is another line: uncommented, it has an id of its
    own and is found by it the next time."""
    path = reissued(tmp_path, "20250221", "-55.00")
    entries = again(first_import(), path)
    assert written(entries) == []
    line = by_amount(entries, "-55.00")
    note = line.meta[CHANGED_KEY]
    assert "-55.00 USD on 2025-02-21" in note and "3291.87 USD on 2025-02-19" in note
    assert "uncomment" in note
    # The bookkeeper uncomments it (and deletes the note, as asked).
    del line.meta[CHANGED_KEY], line.meta["__duplicate__"]
    out = io.StringIO()
    printer.print_entries([line], file=out)
    entries = again(first_import() + out.getvalue(), path)
    assert written(entries) == []
    assert CHANGED_KEY not in by_amount(entries, "-55.00").meta


def test_a_csv_with_the_banks_reference_keeps_an_edited_line_out(tmp_path: Path) -> None:
    path = tmp_path / "statement.csv"
    path.write_text(
        "Date,Description,Amount,Reference\n"
        "2025-03-03,LAKESHORE FUNDING LLC ACH CREDIT,4563.37,TX-1001\n"
        "2025-03-04,PILOT TRAVEL CENTER,-96.44,TX-1002\n",
        encoding="utf-8",
    )

    def importer() -> BankCsvImporter:
        return BankCsvImporter(
            "Assets:Bank:Checking",
            date="Date",
            narration="Description",
            amount="Amount",
            reference="Reference",
            date_format="%Y-%m-%d",
            factors=FACTORS,
        )

    out = io.StringIO()
    printer.print_entries(importer().extract(str(path), []), file=out)
    ledger = OPEN + out.getvalue().replace("4563.37 USD", "4588.37 USD")
    existing, _, _ = loader.load_string(ledger)
    entries = importer().extract(str(path), existing)
    importer().deduplicate(entries, existing)
    assert written(entries) == []
    note = by_amount(entries, "4563.37").meta[CHANGED_KEY]
    assert "4588.37 USD on 2025-03-03" in note


def test_a_split_line_whose_parts_no_longer_add_up_says_so() -> None:
    # The fuel draft of -902.31 split into -900.00 and -2.30 (a cent lost): both entries
    # are named, by their count and the first's place.
    ledger = first_import()
    ident = re.search(r'"DRAFT PPD ID 1231456789"\n  import-id: "(.*)"', ledger)
    assert ident is not None
    ledger = ledger.replace("-902.31 USD", "-900.00 USD") + (
        f'2025-02-17 * "FleetOne" "card fee"\n  {ID_KEY}: "{ident[1]}"\n'
        "  Assets:Bank:Checking    -2.30 USD\n  Expenses:BankFees\n"
    )
    entries = again(ledger)
    assert written(entries) == []
    note = by_amount(entries, "-902.31").meta[CHANGED_KEY]
    assert "the booked entry (2 entries of its id, the first at <string>:" in note
    assert "-902.30 USD on 2025-02-17" in note  # -900.00 + -2.30
