"""What an invoice export says of each row's kind, and an invoice that changed kind.

An export of receivables (`Invoice`, `Credit Memo`, `Payment` under a `Type` column)
was read as invoices whatever its rows were: a credit memo the export writes with a
positive amount was booked as one more invoice of that amount, and a payment row as an
invoice, with no word. And an invoice first exported as a credit note, then as an
invoice (or a credit note of another amount), was a duplicate of the booked one by its
id, left out with nothing to say what changed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.invoices import InvoiceImporter

HEADER = "Invoice #,Type,Invoice Date,Due Date,Customer,Load #,Charge,Amount"


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "a.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join((header, *rows)) + "\n")
    return str(path)


def faces(path: str) -> dict[str, tuple[str, Decimal, str]]:
    """Each entry's number: its key, receivable amount and flag."""
    found = {}
    for entry in InvoiceImporter().extract(path, []):
        key = "invoice" if "invoice" in entry.meta else "credit-note"
        found[entry.meta[key]] = (key, entry.postings[0].units.number, entry.flag)
    return found


@pytest.mark.parametrize("kind", ["Credit Memo", "Credit Note", "CREDIT", "CM", "Gutschrift"])
def test_a_credit_memo_written_positive_is_a_credit_note(tmp_path: Path, kind: str) -> None:
    # CM-1 of 200.00 is a credit: booked as an invoice, the customer owed 200.00 more
    # instead of 200.00 less (400.00 apart). Its items are negated: -200.00.
    path = write(
        tmp_path,
        "RF-1,Invoice,03/03/2025,04/02/2025,Bayline,BL-1,LINEHAUL,1000.00",
        f"CM-1,{kind},03/05/2025,,Bayline,BL-1,LINEHAUL,150.00",
        f"CM-1,{kind},03/05/2025,,Bayline,BL-1,FSC,50.00",
    )
    assert faces(path) == {
        "RF-1": ("invoice", Decimal("1000.00"), "*"),
        "CM-1": ("credit-note", Decimal("-200.00"), "!"),
    }
    (_, credit) = InvoiceImporter().extract(path, [])
    assert [p.units.number for p in credit.postings] == [-200, 150, 50]


def test_a_credit_memo_written_negative_is_read_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, "CM-1,Credit Memo,03/05/2025,,Bayline,BL-1,LINEHAUL,-200.00")
    assert faces(path) == {"CM-1": ("credit-note", Decimal("-200.00"), "!")}


def test_rows_of_an_invoice_that_are_an_invoice_and_a_credit(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "RF-1,Invoice,03/03/2025,,Bayline,BL-1,LINEHAUL,1000.00",
        "RF-1,Credit Memo,03/03/2025,,Bayline,BL-1,FSC,100.00",
    )
    with pytest.raises(ImportFailure) as caught:
        InvoiceImporter().extract(path, [])
    error = caught.value
    assert (error.line, error.column, error.code) == (3, "Type", "FCT210")
    assert "'Invoice' on line 2" in error.detail


@pytest.mark.parametrize("kind", ["Payment", "Receipt", "Deposit", "Journal Entry"])
def test_a_payment_row_is_not_an_invoice(tmp_path: Path, kind: str) -> None:
    # A payment of 1,000.00 listed in the export: booked as an invoice of 1,000.00.
    path = write(
        tmp_path,
        "RF-1,Invoice,03/03/2025,,Bayline,BL-1,LINEHAUL,1000.00",
        f"PMT-1,{kind},03/20/2025,,Bayline,,LINEHAUL,1000.00",
    )
    with pytest.raises(ImportFailure) as caught:
        InvoiceImporter().extract(path, [])
    error = caught.value
    assert (error.line, error.column, error.code) == (3, "Type", "FCT209")
    assert f"is a {kind!r}" in error.detail


def test_other_kinds_and_no_kind_column_are_read_as_before(tmp_path: Path) -> None:
    # Kinds of invoices (`Standard`, `Freight`) are invoices; a column of the
    # configuration named Type is read as configured.
    for kind in ("Standard", "Freight", "Deposit Invoice", "Debit Memo", ""):
        path = write(tmp_path, f"RF-1,{kind},03/03/2025,,Bayline,BL-1,LINEHAUL,1000.00")
        assert faces(path) == {"RF-1": ("invoice", Decimal("1000.00"), "*")}, kind
    header = "Invoice #,Invoice Date,Due Date,Customer,Load #,Type,Amount"
    path = write(tmp_path, "RF-1,03/03/2025,,Bayline,BL-1,Credit,100.00", header=header)
    importer = InvoiceImporter(charge="Type", other_income="Income:Freight:Other")
    (entry,) = importer.extract(path, [])
    assert entry.meta["invoice"] == "RF-1"


def reimported(tmp_path: Path, before: str, after: str) -> dict[str, object]:
    header = "Invoice #,Invoice Date,Due Date,Customer,Load #,Charge,Amount"
    importer = InvoiceImporter()
    first = importer.extract(write(tmp_path, before, header=header, name="a.csv"), [])
    entries = importer.extract(write(tmp_path, after, header=header, name="b.csv"), first)
    importer.deduplicate(entries, first)
    (entry,) = entries
    assert entry.meta["__duplicate__"] is first[0]
    return entry.meta


def test_a_credit_note_exported_again_as_an_invoice_says_so(tmp_path: Path) -> None:
    # RF-3 booked as a credit note of -50.00 from an earlier export; now an invoice of
    # 300.00: a duplicate by its id, left out without a word.
    meta = reimported(
        tmp_path,
        "RF-3,03/06/2025,,Bayline,BL-3,LINEHAUL,-50.00",
        "RF-3,03/06/2025,,Bayline,BL-3,LINEHAUL,300.00",
    )
    note = meta["differs-from-ledger"]
    assert isinstance(note, str)
    assert note.startswith("an invoice of 300.00 USD here, credit note RF-3 of -50.00 USD")


def test_a_credit_note_exported_again_with_another_amount_says_so(tmp_path: Path) -> None:
    meta = reimported(
        tmp_path,
        "CM-3,03/06/2025,,Bayline,BL-3,LINEHAUL,-50.00",
        "CM-3,03/07/2025,,Bayline,BL-3,LINEHAUL,-80.00",
    )
    note = meta["differs-from-ledger"]
    assert isinstance(note, str)
    assert "dated 2025-03-07 here, 2025-03-06 in the ledger" in note
    assert "-80.00 USD here, -50.00 in the ledger" in note
    # Exported again as it was: a duplicate with nothing to say.
    meta = reimported(
        tmp_path,
        "CM-3,03/06/2025,,Bayline,BL-3,LINEHAUL,-50.00",
        "CM-3,03/06/2025,,Bayline,BL-3,LINEHAUL,-50.00",
    )
    assert "differs-from-ledger" not in meta


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_a_type_column_of_the_items_is_read_as_before(tmp_path: Path, order) -> None:
    # An export whose Type column says what each item is (Linehaul, Fuel Credit), with a
    # Charge column of its own: the item "Fuel Credit" is a credit line of invoice RF-1,
    # not a credit note. RF-1 is 1,000.00 - 50.00 = 950.00, in whichever row order (it
    # was FCT210 "cannot be an invoice and a credit").
    header = "Invoice #,Invoice Date,Due Date,Customer,Load #,Charge,Type,Amount"
    rows = [
        "RF-1,03/03/2025,04/02/2025,Bayline,BL-1,LINEHAUL,Linehaul,1000.00",
        "RF-1,03/03/2025,04/02/2025,Bayline,BL-1,FSC,Fuel Credit,-50.00",
    ]
    path = write(tmp_path, *(rows[i] for i in order), header=header)
    assert faces(path) == {"RF-1": ("invoice", Decimal("950.00"), "*")}


def test_an_invoice_and_a_debit_memo_that_are_a_credit_too(tmp_path: Path) -> None:
    for kind in ("Invoice", "Debit Memo"):
        path = write(
            tmp_path,
            f"RF-1,{kind},03/03/2025,,Bayline,BL-1,LINEHAUL,1000.00",
            "RF-1,Credit Memo,03/03/2025,,Bayline,BL-1,FSC,100.00",
        )
        with pytest.raises(ImportFailure) as caught:
            InvoiceImporter().extract(path, [])
        assert caught.value.code == "FCT210", kind


@pytest.mark.parametrize(
    "rows",
    [
        ("RF-9,Invoice,03/03/2025,04/02/2025,Bayline,BL-9,LINEHAUL,0.00",),
        # Billed and discounted whole: 500.00 - 500.00 = 0.00.
        (
            "RF-9,Invoice,03/03/2025,04/02/2025,Bayline,BL-9,LINEHAUL,500.00",
            "RF-9,Invoice,03/03/2025,04/02/2025,Bayline,BL-9,FSC,-500.00",
        ),
    ],
)
def test_an_invoice_of_nothing_is_no_credit_note(tmp_path: Path, rows: tuple[str, ...]) -> None:
    """An invoice whose items add up to 0.00 (a load billed at no charge, an invoice
    voided in the billing system) was written as a flagged credit note of 0.00, for the
    bookkeeper to settle by hand: nothing is owed either way. It is written flagged, as
    `zero-invoice:` (no `invoice:`, which the plugin would refuse: FCT134, no positive
    receivable), with its items, and the ledger loads with it without an error."""
    (entry,) = InvoiceImporter().extract(write(tmp_path, *rows), [])
    assert "credit-note" not in entry.meta and "invoice" not in entry.meta
    assert entry.meta["zero-invoice"] == "RF-9" and entry.flag == "!"
    assert entry.postings[0].units.number == 0
    assert sum(p.units.number for p in entry.postings) == 0


def test_an_invoice_of_nothing_billed_later_and_one_voided_since(tmp_path: Path) -> None:
    # RF-9 of 0.00 booked, now billed at 300.00: a duplicate by its id, it must say so.
    meta = reimported(
        tmp_path,
        "RF-9,03/06/2025,,Bayline,BL-9,LINEHAUL,0.00",
        "RF-9,03/06/2025,,Bayline,BL-9,LINEHAUL,300.00",
    )
    note = meta["differs-from-ledger"]
    assert isinstance(note, str)
    assert note.startswith("an invoice of 300.00 USD here, RF-9 of 0.00 USD"), note
    # RF-9 booked as an invoice of 300.00, now 0.00: the export voided it since.
    meta = reimported(
        tmp_path,
        "RF-9,03/06/2025,,Bayline,BL-9,LINEHAUL,300.00",
        "RF-9,03/06/2025,,Bayline,BL-9,LINEHAUL,0.00",
    )
    note = meta["differs-from-ledger"]
    assert isinstance(note, str)
    assert note.startswith("an invoice of 0.00 USD here, invoice RF-9 in the ledger"), note
    # Exported again at 0.00: a duplicate with nothing to say.
    meta = reimported(
        tmp_path,
        "RF-9,03/06/2025,,Bayline,BL-9,LINEHAUL,0.00",
        "RF-9,03/06/2025,,Bayline,BL-9,LINEHAUL,0.00",
    )
    assert "differs-from-ledger" not in meta


@pytest.mark.parametrize("dash", ["-", "$ -", " $ -   ", "\u2013"])
def test_an_item_of_nothing_shown_as_a_dash(tmp_path: Path, dash: str) -> None:
    """Excel's accounting format writes an item of 0.00 as a dash (`$ -`): it was FCT207
    "'$ -' is not an amount" on a good export. It is 0.00, an item of nothing: the
    invoice is its other items (1,000.00), with no posting of 0.00."""
    path = write(
        tmp_path,
        "RF-1,Invoice,03/03/2025,04/02/2025,Bayline,BL-1,LINEHAUL,1000.00",
        f'RF-1,Invoice,03/03/2025,04/02/2025,Bayline,BL-1,FSC,"{dash}"',
    )
    (entry,) = InvoiceImporter().extract(path, [])
    assert [p.units.number for p in entry.postings] == [1000, -1000]
    # A column per charge: the Maut of a dash is no toll.
    header = "Invoice #,Invoice Date,Due Date,Customer,Load #,Fracht,Maut"
    path = write(
        tmp_path, f'R-1,03/03/2025,,Bayline,BL-1,800.00,"{dash}"', header=header, name="b.csv"
    )
    importer = InvoiceImporter(
        charges={"Fracht": "Income:Freight:Linehaul", "Maut": "Income:Freight:Tolls"},
        charge=None,
        amount=None,
        terms_days=30,
        due=None,
    )
    (entry,) = importer.extract(path, [])
    assert [p.units.number for p in entry.postings] == [800, -800]
