"""Two lines of one bank reference: a wire and its fee (docs/importers.md, "Ids and
duplicates"). The second line of a reference gets `-2` in its id, so the ids follow the
file's order; a download listed the other way round (or that gives the fee a day later)
must still find each line as booked, never take one for the other edited by hand (the
note would say to change the deposit's 4,563.37 into the fee's -15.00), and never leave
out a line the ledger does not have.
"""

from __future__ import annotations

import io
from pathlib import Path

from beancount import loader
from beancount.core import data
from beancount.parser import printer

from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import CHANGED_KEY, ID_KEY

OPEN = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Expenses:Uncategorized
2025-01-01 open Assets:Factoring:Lakeshore:Clearing
"""
HEADER = "Date,Description,Amount,Reference\n"
WIRE = "04/10/2025,LAKESHORE FUNDING WIRE IN,4563.37,FW2504100001\n"
FEE = "04/10/2025,INCOMING WIRE FEE,-15.00,FW2504100001\n"
DINER = "04/09/2025,BLUE DINER,-50.00,\n"


def importer() -> BankCsvImporter:
    factors = {"LAKESHORE": "Assets:Factoring:Lakeshore:Clearing"}
    return BankCsvImporter("Assets:Bank:Checking", reference="Reference", factors=factors)


def booked(tmp_path: Path, text: str) -> list[data.Directive]:
    path = tmp_path / "first.csv"
    path.write_text(HEADER + text)
    out = io.StringIO()
    printer.print_entries(importer().extract(str(path), []), file=out)
    entries, errors, _ = loader.load_string(OPEN + out.getvalue())
    assert errors == []
    return entries


def again(tmp_path: Path, existing: list[data.Directive], text: str) -> list[data.Directive]:
    path = tmp_path / "second.csv"
    path.write_text(HEADER + text)
    reader = importer()
    entries = reader.extract(str(path), existing)
    reader.deduplicate(entries, existing)
    return [e for e in entries if isinstance(e, data.Transaction)]


def test_a_wire_and_its_fee_listed_the_other_way_round_are_duplicates(tmp_path: Path) -> None:
    existing = booked(tmp_path, WIRE + FEE + DINER)
    lines = again(tmp_path, existing, DINER + FEE + WIRE)
    assert all("__duplicate__" in e.meta for e in lines)
    # Before: each was taken for the other, edited by hand: "correct the booked entry".
    assert [e for e in lines if CHANGED_KEY in e.meta] == []
    for line in lines:
        twin = line.meta["__duplicate__"]
        assert twin.postings[0].units == line.postings[0].units
        assert twin.meta[ID_KEY] == line.meta[ID_KEY]


def test_a_fee_given_later_under_the_wires_reference_is_imported(tmp_path: Path) -> None:
    # The first download has the wire only; the next lists the fee first.
    existing = booked(tmp_path, WIRE + DINER)
    lines = again(tmp_path, existing, DINER + FEE + WIRE)
    fresh = [e for e in lines if "__duplicate__" not in e.meta]
    # Before: the fee, given the wire's id, was left out as the wire edited by hand.
    assert [(e.narration, str(e.postings[0].units)) for e in fresh] == [
        ("INCOMING WIRE FEE", "-15.00 USD")
    ]
    wire = next(e for e in lines if e.narration.startswith("LAKESHORE"))
    assert wire.meta["__duplicate__"].postings[0].units == wire.postings[0].units
    assert CHANGED_KEY not in wire.meta
    # Imported, the fee is found again however the next download orders the two lines.
    out = io.StringIO()
    printer.print_entries(fresh, file=out)
    existing += loader.load_string(OPEN + out.getvalue())[0]
    for order in (FEE + WIRE, WIRE + FEE):
        lines = again(tmp_path, existing, order)
        assert all("__duplicate__" in e.meta and CHANGED_KEY not in e.meta for e in lines)


def test_a_wire_edited_by_hand_is_still_the_wire(tmp_path: Path) -> None:
    # The bookkeeper wrote the factor report's 4,578.37 for the wire; the next download
    # lists the fee first: the fee is its booked line, the wire the edited one (noted).
    existing = booked(tmp_path, WIRE + FEE)
    for entry in existing:
        if isinstance(entry, data.Transaction) and entry.narration.startswith("LAKESHORE"):
            entry.postings[0] = entry.postings[0]._replace(
                units=entry.postings[0].units._replace(number=entry.postings[0].units.number + 15)
            )
    lines = again(tmp_path, existing, FEE + WIRE)
    assert all("__duplicate__" in e.meta for e in lines)
    wire = next(e for e in lines if e.narration.startswith("LAKESHORE"))
    assert "4578.37 USD" in wire.meta[CHANGED_KEY]
    fee = next(e for e in lines if e.narration.startswith("INCOMING"))
    assert CHANGED_KEY not in fee.meta
