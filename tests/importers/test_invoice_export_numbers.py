"""An invoice number typed by hand another way than the export writes it: unquoted
(`invoice: 001023`, which Beancount reads as the number 1023) or without its leading
zeros (`invoice: "1023"`). Imported again, such an invoice was booked twice in silence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from beancount import loader

from beancount_factoring.importers.invoices import InvoiceImporter

HEADER = "Invoice #,Invoice Date,Due Date,Customer,Load #,Charge,Amount"
ROW = "{number},03/03/2025,04/02/2025,TQL,L-{number},LINEHAUL,{amount}"


def export(tmp_path: Path, *numbers: str, amount: str = "1000.00") -> str:
    path = tmp_path / "invoices.csv"
    rows = [ROW.format(number=number, amount=amount) for number in numbers]
    path.write_text("\n".join((HEADER, *rows)) + "\n")
    return str(path)


def typed(*values: str, key: str = "invoice", amount: str = "1000.00") -> list[Any]:
    """Invoices typed by hand, one per `invoice:` value as written (quoted or not)."""
    text = "2025-01-01 open Assets:Receivable:TQL\n2025-01-01 open Income:Freight:Linehaul\n"
    for value in values:
        text += (
            f'2025-03-03 * "TQL" "typed by hand"\n  {key}: {value}\n'
            f"  Assets:Receivable:TQL   {amount} USD\n  Income:Freight:Linehaul\n\n"
        )
    ledger, errors, _ = loader.load_string(text)
    assert errors == []
    return ledger[2:]


def imported(path: str, ledger: list[Any]) -> dict[str, Any]:
    """Each exported invoice by its number, after deduplicate()."""
    importer = InvoiceImporter(customers={"TQL": "TQL"})
    entries = importer.extract(path, ledger)
    importer.deduplicate(entries, ledger)
    return {e.meta.get("invoice") or e.meta["credit-note"]: e for e in entries}


@pytest.mark.parametrize("value", ["001023", "1023", '"1023"', '"01023"'])
def test_a_number_typed_without_its_zeros_or_quotes_is_the_exported_one(
    tmp_path: Path, value: str
) -> None:
    # The export's 001023 beside the ledger's 1023 (typed unquoted, which Beancount reads
    # as the number 1023 whatever its zeros, or quoted without the zeros): imported as a
    # second invoice of 1,000.00, the receivable doubled with no word.
    ledger = typed(value)
    (entry,) = imported(export(tmp_path, "001023"), ledger).values()
    assert entry.meta["__duplicate__"] is ledger[0]
    note = entry.meta["differs-from-ledger"]
    assert "number 001023 here, 1023 in the ledger" in note or (
        "number 001023 here, 01023 in the ledger" in note
    )
    if not value.startswith('"'):
        assert "without quotes" in note


def test_an_unquoted_number_that_is_the_exported_one_as_written(tmp_path: Path) -> None:
    # `invoice: 1023` and the export's 1023: the same invoice, a plain duplicate (plain
    # digits typed without quotes lose nothing: the plugin reads them as 1023 too).
    ledger = typed("1023")
    (entry,) = imported(export(tmp_path, "1023"), ledger).values()
    assert entry.meta["__duplicate__"] is ledger[0]
    assert "without quotes" not in entry.meta.get("differs-from-ledger", "")


def test_two_exported_numbers_apart_by_their_zeros_stay_two_invoices(tmp_path: Path) -> None:
    # 1023 and 001023 are two invoices of the export: the one the ledger has as written
    # is the duplicate, the other is imported.
    path = export(tmp_path, "1023", "001023")
    found = imported(path, typed('"1023"'))
    assert "__duplicate__" in found["1023"].meta
    assert "__duplicate__" not in found["001023"].meta
    found = imported(path, typed('"001023"'))
    assert "__duplicate__" not in found["1023"].meta
    assert "__duplicate__" in found["001023"].meta
    # Nothing in the ledger: both imported, each its own invoice.
    found = imported(path, [])
    assert [e.meta.get("__duplicate__") for e in found.values()] == [None, None]
    assert {e.meta["invoice"] for e in found.values()} == {"1023", "001023"}


def test_an_unquoted_number_that_may_be_either_of_two_is_said(tmp_path: Path) -> None:
    # `invoice: 1023` unquoted is 1023 or 001023 (Beancount drops the zeros): before, the
    # export's 1023 was its duplicate and 001023 imported, which doubled 001023 in
    # silence when that was the one typed. Both are probable duplicates, with a note.
    ledger = typed("1023")
    found = imported(export(tmp_path, "1023", "001023"), ledger)
    for number in ("1023", "001023"):
        entry = found[number]
        assert entry.meta["__duplicate__"] is ledger[0]
        note = entry.meta["probable-duplicate"]
        assert "without quotes" in note and "1023, 001023" in note
        assert "uncomment" in note
    # Quoted as the export writes it, the next import is certain.
    found = imported(export(tmp_path, "1023", "001023"), typed('"001023"'))
    assert "__duplicate__" not in found["1023"].meta


def test_numbers_apart_otherwise_are_not_matched(tmp_path: Path) -> None:
    # 10230 is not 1023, nor RF-001023 RF-1023 (only numbers of digits lose zeros).
    found = imported(export(tmp_path, "10230", "RF-001023"), typed("1023", '"RF-1023"'))
    assert [e.meta.get("__duplicate__") for e in found.values()] == [None, None]


def test_a_credit_note_typed_unquoted_is_not_imported_again(tmp_path: Path) -> None:
    ledger = typed("0077", key="credit-note", amount="-200.00")
    (entry,) = imported(export(tmp_path, "0077", amount="-200.00"), ledger).values()
    assert entry.meta["__duplicate__"] is ledger[0]


def test_importing_the_file_twice_adds_nothing(tmp_path: Path) -> None:
    path = export(tmp_path, "1023", "001023", "0077")
    first = list(imported(path, []).values())
    assert all("__duplicate__" not in e.meta for e in first)
    again = imported(path, first)
    assert all(e.meta["__duplicate__"] is b for e, b in zip(again.values(), first, strict=True))
    assert all("probable-duplicate" not in e.meta for e in again.values())
