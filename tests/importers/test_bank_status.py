"""A bank CSV whose lines say their status (docs/importers.md, "Pending and failed lines").

Citi writes `Status` (`Pending`, `Cleared`), Mercury `Status` (`Sent`, `Pending`,
`Failed`). A pending line is not booked: the bank gives it again once it posts, often
with another amount or date (a fuel pump's 175.00 hold posts as the fill's 96.44 on the
next business day), and booked twice the books would be 175.00 short with no word. A
failed or cancelled line moved no money. A status the importer does not know is one
FCT209 at its line and column, never a guess.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import printer

from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import ImportFailure

FACTORS = {"SUMMIT FUNDING": "Assets:Factoring:Summit:Clearing"}


def citi(**extra: object) -> BankCsvImporter:
    extra.setdefault("factors", FACTORS)
    return BankCsvImporter("Assets:Bank:Checking", debit="Debit", credit="Credit", **extra)  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def lines(entries: list[data.Directive]) -> list[tuple[str, str, str]]:
    return [
        (str(e.date), e.narration, str(e.postings[0].units.number))
        for e in entries
        if isinstance(e, data.Transaction)
    ]


FIRST = """\
Status,Date,Description,Debit,Credit
Pending,04/11/2025,PILOT TRAVEL CENTER #412,175.00,
Cleared,04/10/2025,TRUCKLOG ELD SUBSCRIPTION,35.00,
Cleared,04/09/2025,BLUE DINER,50.00,
"""
# A week later: the hold has posted as the fill, on the Monday, under a longer name.
SECOND = """\
Status,Date,Description,Debit,Credit
Cleared,04/14/2025,PILOT TRAVEL CENTER #412 RICHMOND IN,96.44,
Cleared,04/10/2025,TRUCKLOG ELD SUBSCRIPTION,35.00,
Cleared,04/09/2025,BLUE DINER,50.00,
"""


def test_a_pending_line_is_booked_once_when_it_posts(tmp_path: Path) -> None:
    importer = citi()
    first = importer.extract(write(tmp_path, "a.csv", FIRST), [])
    # Before: the 175.00 hold was booked, then its 96.44 fill too: 271.44 out for 96.44.
    assert lines(first) == [
        ("2025-04-10", "TRUCKLOG ELD SUBSCRIPTION", "-35.00"),
        ("2025-04-09", "BLUE DINER", "-50.00"),
    ]
    out = io.StringIO()
    printer.print_entries(first, file=out)
    existing, errors, _ = loader.load_string(
        "2025-01-01 open Assets:Bank:Checking\n2025-01-01 open Expenses:Uncategorized\n"
        + out.getvalue()
    )
    assert errors == []
    second = importer.extract(write(tmp_path, "b.csv", SECOND), existing)
    importer.deduplicate(second, existing)
    fresh = [e for e in second if "__duplicate__" not in e.meta]
    assert lines(fresh) == [("2025-04-14", "PILOT TRAVEL CENTER #412 RICHMOND IN", "-96.44")]


def test_failed_and_cancelled_lines_moved_no_money(tmp_path: Path) -> None:
    mercury = BankCsvImporter(
        "Assets:Bank:Checking", date="Date (UTC)", date_format="%m-%d-%Y", factors=FACTORS
    )
    text = """\
Date (UTC),Description,Amount,Status,Source Account
04-09-2025,SUMMIT FUNDING LLC,1855.00,Sent,Ops
04-09-2025,Wire to Pilot Fuel,-900.00,Failed,Ops
04-10-2025,Wire to Pilot Fuel,-900.00,sent,Ops
04-10-2025,ACH to Trucklog,-35.00,Cancelled,Ops
04-11-2025,ACH to Blue Diner,-50.00,Pending,Ops
"""
    entries = mercury.extract(write(tmp_path, "m.csv", text), [])
    assert lines(entries) == [
        ("2025-04-09", "SUMMIT FUNDING LLC", "1855.00"),
        ("2025-04-10", "Wire to Pilot Fuel", "-900.00"),
    ]


def test_a_status_not_known_is_refused_at_its_line(tmp_path: Path) -> None:
    text = FIRST.replace("Cleared,04/10", "Reversed,04/10")
    path = write(tmp_path, "r.csv", text)
    with pytest.raises(ImportFailure) as caught:
        citi().extract(path, [])
    message = str(caught.value)
    assert message.startswith(f"{path}:3, column 'Status': FCT209 ")
    assert "'Reversed'" in message and "posted_status=" in message
    # Told that it moved money, the importer books it.
    entries = citi(posted_status=["reversed"]).extract(path, [])
    assert ("2025-04-10", "TRUCKLOG ELD SUBSCRIPTION", "-35.00") in lines(entries)
    # Told that it did not, it leaves it out.
    entries = citi(pending_status=["Reversed"]).extract(path, [])
    assert len(lines(entries)) == 1


def test_an_empty_status_or_no_status_column_books_the_line(tmp_path: Path) -> None:
    text = FIRST.replace("Cleared,04/10", ",04/10")
    assert len(lines(citi().extract(write(tmp_path, "e.csv", text), []))) == 2
    # status=False: the column is not read (a bank that writes something else there).
    assert len(lines(citi(status=False).extract(write(tmp_path, "f.csv", FIRST), []))) == 3


def test_a_posting_date_that_says_pending_is_a_pending_line(tmp_path: Path) -> None:
    text = """\
Posting Date,Transaction Date,Description,Amount
Pending,04/11/2025,PILOT TRAVEL CENTER #412,-175.00
04/10/2025,04/09/2025,TRUCKLOG ELD SUBSCRIPTION,-35.00
"""
    importer = BankCsvImporter("Assets:Bank:Checking", date="Posting Date", factors=FACTORS)
    entries = importer.extract(write(tmp_path, "p.csv", text), [])
    assert lines(entries) == [("2025-04-10", "TRUCKLOG ELD SUBSCRIPTION", "-35.00")]


BALANCES = """\
Status,Date,Description,Amount,Balance
Posted,04/09/2025,BLUE DINER,-50.00,1000.00
Posted,04/10/2025,TRUCKLOG ELD SUBSCRIPTION,-35.00,965.00
Pending,04/11/2025,PILOT TRAVEL CENTER #412,-175.00,790.00
Posted,04/11/2025,SUMMIT FUNDING LLC,1855.00,2645.00
Posted,04/12/2025,LOVES #301,-20.00,2625.00
"""


def test_no_balance_is_asserted_from_a_pending_lines_day_on(tmp_path: Path) -> None:
    # The bank's running balance takes the 175.00 hold off from 04/11 on; the ledger
    # books it when it posts. 04/09 (1000.00) and 04/10 (965.00) are asserted; 04/11
    # (2645.00 where the ledger has 2820.00) and 04/12 (2625.00, not 2800.00) are not.
    importer = BankCsvImporter("Assets:Bank:Checking", balance="Balance", factors=FACTORS)
    entries = importer.extract(write(tmp_path, "b.csv", BALANCES), [])
    asserted = [
        (str(e.date), str(e.amount.number)) for e in entries if isinstance(e, data.Balance)
    ]
    assert asserted == [("2025-04-10", "1000.00"), ("2025-04-11", "965.00")]
    assert len(lines(entries)) == 4


SUMMIT = """
plugin "beancount_factoring.plugin"
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
2025-01-01 open Expenses:Uncategorized

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 5.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-04-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-04-03 * "Summit" "Schedule 7" ^INV-1001
  factoring: "schedule"
  schedule: "7"
"""


def test_a_factors_deposit_pending_then_posted_is_split_once(tmp_path: Path) -> None:
    # INV-1001 2,000.00: advance 1,900.00 - fee 40.00 - ACH fee 5.00 = 1,855.00.
    ledger = tmp_path / "main.beancount"
    ledger.write_text(SUMMIT)
    importer = citi(factors=str(ledger))
    before = """\
Status,Date,Description,Debit,Credit
Pending,04/04/2025,SUMMIT FUNDING LLC ACH,,1855.00
"""
    after = """\
Status,Date,Description,Debit,Credit
Cleared,04/07/2025,SUMMIT FUNDING LLC ACH CREDIT,,1855.00
"""
    assert lines(importer.extract(write(tmp_path, "a.csv", before), [])) == []
    entries = importer.extract(write(tmp_path, "b.csv", after), [])
    out = io.StringIO()
    printer.print_entries(entries, file=out)
    booked, errors, _ = loader.load_string(SUMMIT + out.getvalue())
    assert [e.message for e in errors] == []
    deposit = next(
        e
        for e in booked
        if isinstance(e, data.Transaction) and e.narration.startswith("SUMMIT FUNDING")
    )
    assert "sched-7" in deposit.links
    assert (
        sum(p.units.number for p in deposit.postings if p.account == "Assets:Bank:Checking")
        == 1855
    )


# Citi leaves a pending line's balance blank: its running balance leaves the hold out.
HELD_BLANK = """\
Status,Date,Description,Amount,Balance
Posted,04/09/2025,BLUE DINER,-50.00,1000.00
Posted,04/10/2025,TRUCKLOG ELD SUBSCRIPTION,-35.00,965.00
Pending,04/11/2025,PILOT TRAVEL CENTER #412,-175.00,
Posted,04/12/2025,LOVES #301,-20.00,945.00
"""
# The next download: the hold posted as the fill, 96.44, on its own day, 04/11; the bank's
# running balance of 04/12 is now 965.00 - 96.44 - 20.00 = 848.56.
POSTED_ON_ITS_DAY = """\
Status,Date,Description,Amount,Balance
Posted,04/09/2025,BLUE DINER,-50.00,1000.00
Posted,04/10/2025,TRUCKLOG ELD SUBSCRIPTION,-35.00,965.00
Posted,04/11/2025,PILOT TRAVEL CENTER #412,-96.44,868.56
Posted,04/12/2025,LOVES #301,-20.00,848.56
"""


def test_no_balance_is_asserted_after_a_pending_line_with_no_balance(tmp_path: Path) -> None:
    # Before: 04/12's 945.00 was asserted (on 04/13). The hold posts on its own day, as
    # banks that list the day of the purchase do: the ledger then holds 1,050.00 - 50.00 -
    # 35.00 - 96.44 - 20.00 = 848.56 on 04/13, and the first import's assertion of 945.00
    # failed on a ledger booked right (the second file's 848.56 beside it).
    importer = BankCsvImporter("Assets:Bank:Checking", balance="Balance", factors=FACTORS)
    first = importer.extract(write(tmp_path, "a.csv", HELD_BLANK), [])
    asserted = [(str(e.date), str(e.amount.number)) for e in first if isinstance(e, data.Balance)]
    assert asserted == [("2025-04-10", "1000.00"), ("2025-04-11", "965.00")]
    out = io.StringIO()
    printer.print_entries(first, file=out)
    head = "2025-01-01 open Assets:Bank:Checking\n2025-01-01 open Expenses:Uncategorized\n"
    head += '2025-01-01 * "Opening"\n  Assets:Bank:Checking  1050.00 USD\n  Equity:Opening\n'
    head += "2025-01-01 open Equity:Opening\n"
    existing, errors, _ = loader.load_string(head + out.getvalue())
    assert errors == []
    second = importer.extract(write(tmp_path, "b.csv", POSTED_ON_ITS_DAY), existing)
    importer.deduplicate(second, existing)
    fresh = [e for e in second if "__duplicate__" not in e.meta]
    out = io.StringIO()
    printer.print_entries(fresh, file=out)
    _, errors, _ = loader.load_string(
        head + "".join(printer.format_entry(e) for e in first) + out.getvalue()
    )
    assert [e.message for e in errors] == []


def test_a_failed_line_leaves_out_its_day_alone(tmp_path: Path) -> None:
    # A failed line never posts: the balances after its day are the bank's for good.
    text = HELD_BLANK.replace("Pending,", "Failed,")
    importer = BankCsvImporter("Assets:Bank:Checking", balance="Balance", factors=FACTORS)
    entries = importer.extract(write(tmp_path, "f.csv", text), [])
    asserted = [
        (str(e.date), str(e.amount.number)) for e in entries if isinstance(e, data.Balance)
    ]
    assert asserted == [
        ("2025-04-10", "1000.00"),
        ("2025-04-11", "965.00"),
        ("2025-04-13", "945.00"),
    ]
