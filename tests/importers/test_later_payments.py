"""Later payments: in parts, the rest of a short pay paid later, and paid to the carrier.

The sample documents under documents/payments/ (two factors' collections reports and the
carrier's bank statement) are imported in date order, each with the ledger so far
(payments_ledger.beancount and what the earlier documents gave), as
`extract -e ledger.beancount` imports them one month after the other. What each writes
is its golden file; the whole loads with the plugin without an error, in the sale and
the loan model; and importing everything again adds nothing.

After a deliberate change, write the golden files again with
`FACTOR_GOLDENS=write .venv/bin/python -m pytest tests/importers/test_factor_payments.py`.
"""

from __future__ import annotations

import datetime
import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bank_config import checking_ofx, us_checking
from beancount import loader
from beancount.core import data
from beancount.parser import printer
from beangulp import extract, testing

from beancount_factoring.importers import profiles
from beancount_factoring.importers.base import ID_KEY
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.factor_history import PaymentHistory
from beancount_factoring.importers.profiles import Profile

from ledgers import balance

HERE = Path(__file__).parent
DOCS = HERE / "documents" / "payments"
BASE = (HERE / "payments_ledger.beancount").read_text(encoding="utf-8")
LOAN = BASE.replace("  recourse-days: 90\n", '  recourse-days: 90\n  model: "loan"\n')

# A factor whose collections report says what is left open of each invoice.
BIRCHFIELD_PAYMENTS = Profile.generic(
    kind="collections",
    columns={"invoice": "Invoice", "date": "Paid On", "debtor": "Payer", "reference": "Ref",
             "face": "Invoice Total", "paid": "Received", "balance": "Open Balance"},
    date_format="%m/%d/%Y",
    name="birchfield",
    factor="Birchfield Capital",
)  # fmt: skip
IMPORTERS = {
    "lakeshore": FactorReportImporter(profiles.LAKESHORE, "Lakeshore"),
    "birchfield": FactorReportImporter(BIRCHFIELD_PAYMENTS, "Birchfield"),
    # The agreements and the invoices the factors hold: from the ledger extract is given.
    "first": us_checking(None),
}
# In the order they were downloaded.
ORDER = [
    DOCS / "birchfield_payments_2025-04.csv",
    DOCS / "first_prairie_checking_2025-04-30.csv",
    DOCS / "lakeshore_collections_2025-05-05.csv",
    DOCS / "birchfield_payments_2025-05.csv",
    DOCS / "lakeshore_collections_2025-05-21.csv",
]


def importer(doc: Path) -> Any:
    return IMPORTERS[doc.name.split("_")[0]]


def printed(entries: list[data.Directive]) -> str:
    out = io.StringIO()
    printer.print_entries(entries, file=out)
    return out.getvalue()


def import_in_order(base: str) -> tuple[dict[Path, list[data.Directive]], str]:
    """Each report extracted with the ledger so far (plugin applied, as beangulp loads it)."""
    text = base
    extracted: dict[Path, list[data.Directive]] = {}
    for doc in ORDER:
        existing, _, _ = loader.load_string(text)
        extracted[doc] = extract.extract_from_file(importer(doc), str(doc), existing)
        text += "\n" + printed(extracted[doc])
    return extracted, text


def meta_of(entries: list[data.Directive], invoice: str) -> dict[str, object]:
    (entry,) = [e for e in entries if invoice in getattr(e, "links", ())]
    return {key: value for key, value in entry.meta.items() if key not in ("filename", "lineno")}


@pytest.mark.parametrize("doc", ORDER, ids=lambda p: p.name)
def test_golden(doc: Path) -> None:
    entries = import_in_order(BASE)[0][doc]
    found = importer(doc)
    expected = f"{doc}.beancount"
    account, date, name = found.account(str(doc)), found.date(str(doc)), found.filename(str(doc))
    if os.environ.get("FACTOR_GOLDENS") == "write":
        testing.write_expected_file(expected, account, date, name, entries, force=True)
    diff = testing.compare_expected(expected, account, date, name, entries)
    assert not diff, "".join(diff)


def test_what_each_later_payment_becomes() -> None:
    extracted = import_in_order(BASE)[0]
    april, _, short, may, later = (extracted[doc] for doc in ORDER)
    usd = lambda number: data.Amount(Decimal(number), "USD")  # noqa: E731
    # Open Balance 600.00 > 0: a part. -10.00: an overpay, which keeps its reason.
    assert meta_of(april, "RF-3101")["partial"] is True
    assert meta_of(april, "RF-3101")["paid"] == usd("400.00")
    assert "partial" not in meta_of(april, "RF-3102")
    assert meta_of(april, "RF-3102")["paid"] == usd("510.00")
    assert meta_of(april, "RF-3102")["reason"] == "overpay"
    # After the part: this payment alone (600.00, not 1000.00), and it closes (balance 0).
    assert meta_of(may, "RF-3101")["paid"] == usd("600.00")
    assert "partial" not in meta_of(may, "RF-3101")
    # Lakeshore's report cannot tell a part from a short pay: 1200.00 of 2000.00 closes
    # short; the 800.00 two weeks later recovers it, as the 50.00 of RF-3002 does.
    assert meta_of(short, "RF-3001")["paid"] == usd("1200.00")
    assert "partial" not in meta_of(short, "RF-3001")
    for invoice, paid in (("RF-3001", "800.00"), ("RF-3002", "50.00")):
        assert meta_of(later, invoice)["reason"] == "additional-payment"
        assert meta_of(later, invoice)["paid"] == usd(paid)


@pytest.mark.parametrize("base", [BASE, LOAN], ids=["sale", "loan"])
def test_the_plugin_accepts_every_later_payment(base: str) -> None:
    text = import_in_order(base)[1]
    entries, errors, _ = loader.load_string(text)
    assert [error.message for error in errors] == []
    # Lakeshore holds 5% of each face: 2000.00 x 5% = 100.00, 1500.00 x 5% = 75.00 and
    # 1000.00 x 5% = 50.00. The short pays (800.00 and 50.00) took 100.00 + 50.00 from it
    # (and left 700.00 owed on the clearing account); the recoveries gave the 800.00 back
    # as 700.00 less owed and 100.00 held again, and the 50.00 held again:
    # 100.00 + 75.00 + 50.00 = 225.00 to release, nothing lost.
    assert balance(entries, "Assets:Factoring:Lakeshore:Reserve") == Decimal("225.00")
    assert balance(entries, "Assets:Factoring:Lakeshore:Clearing") == Decimal("0.00")
    # 800.00 + 50.00 short, then 800.00 + 50.00 recovered: 0.00.
    assert balance(entries, "Income:Factoring:Lakeshore:Adjustments") == Decimal("0.00")
    # Birchfield holds 10%: 100.00 + 50.00, and the 10.00 Tristate paid over the face,
    # which is owed to Tristate: 160.00 in the reserve, -10.00 on its credit account.
    assert balance(entries, "Assets:Factoring:Birchfield:Reserve") == Decimal("160.00")
    credits = "Liabilities:Factoring:Birchfield:CustomerCredits:Tristate"
    assert balance(entries, credits) == Decimal("-10.00")
    # Bayline's 1000.00 reached the carrier (owed to Lakeshore, -1000.00) and was wired on
    # (+1000.00): nothing owed. The bank: 930.00 + 3255.00 + 1305.00 funded, + 1000.00
    # from Bayline - 1000.00 wired + 250.00 from Tristate = 5740.00 (the statement's).
    assert balance(entries, "Liabilities:Factoring:Lakeshore:DueToFactor") == Decimal("0.00")
    assert balance(entries, "Assets:Bank:Checking") == Decimal("5740.00")
    for customer in ("Northstar", "Crossroads", "Prairie", "Tristate", "Bayline"):
        assert balance(entries, f"Assets:Receivable:{customer}") == Decimal("0.00")
    if base is LOAN:  # each payment repaid its part of the advance: 400.00, then 600.00
        for factor in ("Lakeshore", "Birchfield"):
            assert balance(entries, f"Liabilities:Factoring:{factor}:Advances") == 0


@pytest.mark.parametrize("base", [BASE, LOAN], ids=["sale", "loan"])
def test_importing_again_adds_nothing(base: str) -> None:
    first, text = import_in_order(base)
    existing, errors, _ = loader.load_string(text)
    assert not errors
    for doc in ORDER:
        again = extract.extract_from_file(importer(doc), str(doc), existing)
        # The report's own entries in the ledger do not make it a later payment.
        assert printed(again) == printed(first[doc]), doc
        importer(doc).deduplicate(again, existing)
        assert again and all("__duplicate__" in e.meta for e in again), doc


def test_the_bank_lines_of_a_payment_to_the_carrier() -> None:
    """Bayline paid RF-3201, which Lakeshore holds, to the carrier: the line is a
    misdirected-payment with its bank posting only; the wire to Lakeshore that names it
    forwards it to the due-to-factor account; a payment naming no held invoice stays."""
    lines = import_in_order(BASE)[0][ORDER[1]]
    paid, other, forward = (e for e in lines if isinstance(e, data.Transaction))  # by date
    assert paid.meta["factoring"] == "misdirected-payment" and paid.flag == "*"
    assert paid.links == {"RF-3201"}
    assert [(p.account, p.units) for p in paid.postings] == [
        ("Assets:Bank:Checking", data.Amount(Decimal("1000.00"), "USD"))
    ]
    assert forward.links == {"RF-3201"} and "factoring" not in forward.meta
    accounts = [p.account for p in forward.postings]
    assert accounts == ["Assets:Bank:Checking", "Liabilities:Factoring:Lakeshore:DueToFactor"]
    assert other.flag == "!" and other.postings[1].account == "Expenses:Uncategorized"


def test_a_bank_line_for_an_invoice_no_factor_holds_is_left_as_it_was() -> None:
    """Before the schedule (or after the factor reported it collected) the invoice is
    not the factor's: the line is not a misdirected payment."""
    doc = ORDER[1]
    unsold = BASE.replace("^RF-3201\n  factoring", "^RF-9999\n  factoring").replace(
        '"LAKESHORE FUNDING LLC" "ACH credit" ^RF-3201', '"LAKESHORE FUNDING LLC" "ACH credit"'
    )
    existing, _, _ = loader.load_string(unsold)
    lines = extract.extract_from_file(importer(doc), str(doc), existing)
    assert not any(e.meta.get("factoring") for e in lines)
    assert all(not e.links for e in lines if isinstance(e, data.Transaction))


def test_without_the_ledger_the_plugin_says_what_a_second_payment_is() -> None:
    """Two reports extracted in one run, or without `-e`: the second does not know the
    first. The plugin then names the invoice and the fix, never books it silently."""
    first = ORDER[2]
    second = ORDER[4]
    text = BASE
    for doc in (first, second):
        text += printed(extract.extract_from_file(importer(doc), str(doc), []))
    _, errors, _ = loader.load_string(text)
    messages = [error.message for error in errors]
    assert len(messages) == 2, messages
    for message, invoice in zip(messages, ("RF-3001", "RF-3002"), strict=True):
        assert message.startswith("FCT133") and invoice in message
        assert 'reason: "additional-payment"' in message and "partial: TRUE" in message


def test_a_payment_of_an_invoice_paid_in_full_is_not_guessed() -> None:
    """Paid in full, then paid again: a payment reported twice, or paid twice by the
    customer. The importer writes it as the report gives it; the plugin says FCT133."""
    paid_in_full = BASE + "".join(
        f'\n2025-05-06 * "Paid in full" ^{invoice}\n  factoring: "collected"\n'
        for invoice in ("RF-3001", "RF-3002")
    )
    existing, errors, _ = loader.load_string(paid_in_full)
    assert not errors
    entries = extract.extract_from_file(importer(ORDER[4]), str(ORDER[4]), existing)
    entries = [e for e in entries if "RF-3201" not in e.links]
    assert all("reason" not in e.meta for e in entries)
    _, errors, _ = loader.load_string(paid_in_full + printed(entries))
    assert [error.message.split()[0] for error in errors] == ["FCT133", "FCT133"]


def test_ids_do_not_depend_on_the_ledger() -> None:
    """The id is the row's content: what the ledger makes of it does not change it."""
    alone = extract.extract_from_file(importer(ORDER[4]), str(ORDER[4]), [])
    in_order = import_in_order(BASE)[0][ORDER[4]]
    assert [e.meta[ID_KEY] for e in alone] == [e.meta[ID_KEY] for e in in_order]


OFX = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<BANKMSGSRSV1>
<STMTTRNRS>
<TRNUID>0
<STATUS>
<CODE>0
<SEVERITY>INFO
</STATUS>
<STMTRS>
<CURDEF>USD
<BANKACCTFROM>
<BANKID>074000010
<ACCTID>4417902216
<ACCTTYPE>CHECKING
</BANKACCTFROM>
<BANKTRANLIST>
<DTSTART>20250425
<DTEND>20250429
<STMTTRN>
<TRNTYPE>CREDIT
<DTPOSTED>20250425120000.000[-5:EST]
<TRNAMT>600.00
<FITID>2025042500001
<NAME>BAYLINE LOGISTICS
<MEMO>ACH PMT INV RF-3201
</STMTTRN>
<STMTTRN>
<TRNTYPE>DEBIT
<DTPOSTED>20250429120000.000[-5:EST]
<TRNAMT>-600.00
<FITID>2025042900001
<NAME>LAKESHORE FUNDING
<MEMO>WIRE OUT RF-3201
</STMTTRN>
</BANKTRANLIST>
<LEDGERBAL>
<BALAMT>5490.00
<DTASOF>20250429
</LEDGERBAL>
</STMTRS>
</STMTTRNRS>
</BANKMSGSRSV1>
</OFX>
"""


@pytest.mark.parametrize("base", [BASE, LOAN], ids=["sale", "loan"])
def test_an_ofx_statement_writes_the_same_lines(base: str, tmp_path: Path) -> None:
    """The OFX importer writes a payment to the carrier as the CSV importer does. This one
    is a part, 600.00 of RF-3201's 1000.00: flagged `!` for a look, booked all the same."""
    doc = tmp_path / "checking.ofx"
    doc.write_text(OFX, encoding="ascii")
    existing, _, _ = loader.load_string(base)
    ofx = checking_ofx(None)
    lines = extract.extract_from_file(ofx, str(doc), existing)
    paid, forward = (e for e in lines if isinstance(e, data.Transaction))
    assert paid.meta["factoring"] == "misdirected-payment" and paid.flag == "!"
    assert len(paid.postings) == 1 and paid.links == {"RF-3201"}
    assert forward.postings[1].account == "Liabilities:Factoring:Lakeshore:DueToFactor"
    entries, errors, _ = loader.load_string(base + printed(lines))
    assert [error.message for error in errors] == []
    # 600.00 owed to Lakeshore, then wired: 0.00; 5490.00 + 600.00 - 600.00 in the bank.
    assert balance(entries, "Liabilities:Factoring:Lakeshore:DueToFactor") == Decimal("0.00")
    assert balance(entries, "Assets:Bank:Checking") == Decimal("5490.00")
    ofx.deduplicate(lines, entries)
    assert all("__duplicate__" in e.meta for e in lines)


def test_a_status_column_says_which_payment_is_a_part(tmp_path: Path) -> None:
    """`Partial` is a part; `Paid` closes (here short: 900.00 of 1000.00); another word
    says nothing, so the payment is written as without the column."""
    profile = Profile.generic(
        kind="collections",
        columns={"invoice": "Invoice", "date": "Paid On", "face": "Invoice Total",
                 "paid": "Received", "status": "Status"},
        date_format="%m/%d/%Y",
        name="status",
    )  # fmt: skip
    doc = tmp_path / "payments.csv"
    doc.write_text(
        "Invoice,Paid On,Invoice Total,Received,Status\n"
        "RF-3101,04/20/2025,1000.00,400.00,Partial\n"
        "RF-3102,04/20/2025,500.00,450.00,Paid\n"
        "RF-3001,04/20/2025,2000.00,1500.00,Posted\n",
        encoding="utf-8",
    )
    existing, _, _ = loader.load_string(BASE)
    found = FactorReportImporter(profile, "Birchfield")
    entries = extract.extract_from_file(found, str(doc), existing)
    assert meta_of(entries, "RF-3101")["partial"] is True
    assert "partial" not in meta_of(entries, "RF-3102")
    assert "partial" not in meta_of(entries, "RF-3001")
    assert meta_of(entries, "RF-3001")["paid"] == data.Amount(Decimal("1500.00"), "USD")


def birchfield_row(tmp_path: Path, ledger: str, row: str) -> list[data.Directive]:
    """What one row of Birchfield's payments report gives, against ``ledger``."""
    doc = tmp_path / "birchfield_payments_2025-04.csv"
    header = "Invoice,Paid On,Payer,Ref,Invoice Total,Received,Open Balance\n"
    doc.write_text(header + row + "\n", encoding="utf-8")
    existing, _, _ = loader.load_string(ledger)
    return extract.extract_from_file(IMPORTERS["birchfield"], str(doc), existing)


def test_a_report_face_other_than_the_ledgers_books_what_was_paid(tmp_path: Path) -> None:
    # The ledger's RF-3102 is 500.00; the factor's report gives it a face of 480.00 and
    # shows 480.00 received, nothing open. Without paid:, the plugin would take the
    # ledger's 500.00 as collected and the 20.00 would be lost in silence; with it, the
    # 20.00 (500.00 - 480.00) is a short pay the books show.
    row = "RF-3102,04/22/2025,Tristate Cargo Partners,W-8830,480.00,480.00,0.00"
    entries = birchfield_row(tmp_path, BASE, row)
    meta = meta_of(entries, "RF-3102")
    assert meta["paid"] == data.Amount(Decimal("480.00"), "USD")
    assert "reason" not in meta and "partial" not in meta
    (event,) = [e for e in entries if "RF-3102" in getattr(e, "links", ())]
    assert "480.00 of 500.00 (the report's face is 480.00)" in event.narration
    loaded, errors, _ = loader.load_string(BASE + "\n" + printed(entries))
    assert errors == []
    # The agreement's default adjustments account takes the 20.00 short pay.
    assert balance(loaded, "Income:Factoring:Birchfield:Adjustments") == Decimal("20.00")
    # A report face above the ledger's, all of it paid, is no confirmed overpay: the
    # plugin asks (FCT133) rather than book 20.00 owed to the customer.
    entries = birchfield_row(tmp_path, BASE, row.replace("480.00,480.00", "520.00,520.00"))
    assert "reason" not in meta_of(entries, "RF-3102")
    _, errors, _ = loader.load_string(BASE + "\n" + printed(entries))
    assert [e.message.split()[0] for e in errors] == ["FCT133"]


def test_an_invoice_of_two_receivable_legs_has_their_sum_as_its_face(tmp_path: Path) -> None:
    # RF-3102 written as 400.00 + 100.00 on its receivable is the report's 500.00: the
    # report's 520.00 received is an overpay it confirms, not a face that differs.
    base = BASE.replace(
        "  Assets:Receivable:Tristate       500.00 USD\n",
        "  Assets:Receivable:Tristate       400.00 USD\n"
        "  Assets:Receivable:Tristate       100.00 USD\n",
    )
    assert base != BASE
    row = "RF-3102,04/22/2025,Tristate Cargo Partners,W-8830,500.00,520.00,-20.00"
    entries = birchfield_row(tmp_path, base, row)
    meta = meta_of(entries, "RF-3102")
    assert meta["reason"] == "overpay"
    (event,) = [e for e in entries if "RF-3102" in getattr(e, "links", ())]
    assert "report's face" not in event.narration
    _, errors, _ = loader.load_string(base + "\n" + printed(entries))
    assert errors == []


def test_a_short_pay_typed_by_hand_is_not_imported_again() -> None:
    """The factor emailed that Northstar paid 1,200.00 of RF-3001's 2,000.00; the
    bookkeeper typed it. The report then lists the same payment: a probable duplicate,
    never a second payment "after the short pay" (which would put 1,200.00 more in the
    reserve and undo the short pay, without a word)."""
    typed = (
        BASE
        + '\n2025-05-02 * "Northstar" "Paid 1,200 of RF-3001, per Lakeshore\'s email" ^RF-3001\n'
        + '  factoring: "collected"\n  factor: "Lakeshore"\n  paid: 1200.00 USD\n'
    )
    existing, errors, _ = loader.load_string(typed)
    assert not errors
    doc = ORDER[2]
    entries = extract.extract_from_file(importer(doc), str(doc), existing)
    importer(doc).deduplicate(entries, existing)  # as beangulp's extract does
    (payment,) = [e for e in entries if "RF-3001" in e.links]
    assert payment.meta["__duplicate__"].meta["lineno"] > 0
    assert (
        "the same collected event of the same invoices, the same day"
        in payment.meta["probable-duplicate"]
    )
    # Not a payment after the short pay: the row reports the short pay itself.
    assert "reason" not in payment.meta
    # The others are new.
    assert all("__duplicate__" not in e.meta for e in entries if "RF-3001" not in e.links)
    # The ledger with what the extract keeps (the duplicate commented out) is clean.
    kept = [e for e in entries if "__duplicate__" not in e.meta]
    _, errors, _ = loader.load_string(typed + printed(kept))
    assert [error.message for error in errors] == []
    # Kept by mistake (uncommented), the repeat is an error that says so.
    _, errors, _ = loader.load_string(typed + printed([payment]))
    (error,) = errors
    assert error.message.startswith("FCT133 Invoice RF-3001 cannot be collected")
    assert "the same payment booked twice" in error.message


@pytest.mark.parametrize(
    ("second", "duplicate"),
    [
        # Another payment of the same amount a day later, in the next week's report.
        ("RF-3101,04/21/2025,Prairie Freight Solutions,W-8840,1000.00,400.00,200.00", False),
        # The same payment listed again, its reference written another way.
        ("RF-3101,04/20/2025,Prairie Freight Solutions,W8812,1000.00,400.00,600.00", True),
    ],
)
def test_an_imported_payment_is_a_duplicate_only_on_its_own_day(
    tmp_path: Path, second: str, duplicate: bool
) -> None:
    header = "Invoice,Paid On,Payer,Ref,Invoice Total,Received,Open Balance\n"
    first = "RF-3101,04/20/2025,Prairie Freight Solutions,W-8812,1000.00,400.00,600.00\n"
    week1, week2 = tmp_path / "birchfield_week1.csv", tmp_path / "birchfield_week2.csv"
    week1.write_text(header + first, encoding="utf-8")
    week2.write_text(header + second + "\n", encoding="utf-8")
    found = IMPORTERS["birchfield"]
    existing, _, _ = loader.load_string(BASE)
    text = BASE + printed(extract.extract_from_file(found, str(week1), existing))
    existing, errors, _ = loader.load_string(text)
    assert not errors
    entries = extract.extract_from_file(found, str(week2), existing)
    found.deduplicate(entries, existing)
    (payment,) = entries
    assert ("__duplicate__" in payment.meta) is duplicate


def test_a_bank_line_that_pays_a_held_invoice_and_one_of_ours_is_left_to_split(
    tmp_path: Path,
) -> None:
    """Bayline's payment names RF-3201, which Lakeshore holds, and RF-3300, which is ours:
    booked whole as owed for RF-3201, the part for RF-3300 would be owed back to Bayline
    as an overpay, in silence. The line is flagged, left on its fallback account, with a
    note of how to split it."""
    doc = ORDER[1]
    text = doc.read_text(encoding="utf-8").replace(
        "BAYLINE LOGISTICS ACH PMT INV RF-3201,", "BAYLINE LOGISTICS ACH PMT INV RF-3201 RF-3300,"
    )
    both = tmp_path / doc.name
    both.write_text(text, encoding="utf-8")
    ours = """
2025-04-01 * "Bayline" "Load 3300"
  invoice: "RF-3300"
  Assets:Receivable:Bayline     500.00 USD
  Income:Freight
"""
    existing, errors, _ = loader.load_string(BASE + ours)
    assert not errors
    lines = extract.extract_from_file(importer(doc), str(both), existing)
    (paid,) = [e for e in lines if "BAYLINE" in getattr(e, "narration", "")]
    assert "factoring" not in paid.meta and paid.flag == "!"
    assert paid.meta["split-by-hand"].startswith(
        "pays RF-3201, which a factor holds, and RF-3300: book the part for RF-3201"
    )
    assert paid.postings[1].account == "Expenses:Uncategorized"


# Bayline paid the carrier 400.00 of RF-3201 (1,000.00, Lakeshore's), which the carrier
# wired on to Lakeshore; Lakeshore's collections reports list what it applied to RF-3201.
FORWARDED = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking                USD
2025-01-01 open Assets:Receivable:Bayline
2025-01-01 open Income:Freight

2025-01-02 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "LAKESHORE FUND"
  bank: Assets:Bank:Checking

2025-04-08 * "Bayline Logistics" "Load BL-92010"
  invoice: "RF-3201"
  Assets:Receivable:Bayline       1000.00 USD
  Income:Freight

2025-04-09 * "LAKESHORE FUNDING LLC" "ACH credit" ^RF-3201
  Assets:Bank:Checking            930.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-04-25 * "BAYLINE LOGISTICS ACH PMT INV RF-3201" ^RF-3201
  factoring: "misdirected-payment"
  Assets:Bank:Checking  PAID USD

2025-FWD * "LAKESHORE FUNDING WIRE OUT RF-3201" ^RF-3201
  Assets:Bank:Checking                         -FORWARD USD
  Liabilities:Factoring:Lakeshore:DueToFactor
"""
COLLECTIONS_HEADER = (
    "Batch Date,Pay Date,Debtor,Check/ACH #,Invoice #,Load #,Invoice Amt,Paid,Short/Over,"
    "Pay Type\n"
)


def _forwarded(paid: str, forward: str, day: str = "04-29") -> str:
    return FORWARDED.replace("PAID", paid).replace("FORWARD", forward).replace("FWD", day)


def _collections(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(COLLECTIONS_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _import_reports(text: str, *reports: Path) -> tuple[list[list[data.Directive]], str]:
    found: list[list[data.Directive]] = []
    for report in reports:
        existing, _, _ = loader.load_string(text)
        found.append(extract.extract_from_file(IMPORTERS["lakeshore"], str(report), existing))
        text += "\n" + printed(found[-1])
    return found, text


@pytest.mark.parametrize("day", ["04-29", "05-01"], ids=["before", "a-day-after"])
def test_the_factors_record_of_a_part_you_forwarded_is_no_payment_of_the_customer(
    tmp_path: Path, day: str
) -> None:
    """Lakeshore lists the 400.00 the carrier forwarded as cash applied to RF-3201
    (400.00 paid, 600.00 short). Booked as Bayline's payment to Lakeshore, it counted
    twice: 400.00 to us + 400.00 to the factor = 800.00 of 1,000.00, a short pay of
    200.00 (revenue 200.00 lower, the 50.00 reserve taken and 150.00 owed) with no word.
    It is the factor's record of the forward (also when the wire was booked a day after
    the factor's date): a note, nothing booked. Bayline then pays Lakeshore the 600.00:
    400.00 + 600.00 = 1,000.00, paid in full."""
    forward = _collections(
        tmp_path,
        "lakeshore_collections_2025-05-02.csv",
        '04/30/2025,04/30/2025,RIDGELINE FREIGHT LLC,WIRE 5512,RF-3201,BL-92010,"$1,000.00",'
        "$400.00,($600.00),Wire",
    )
    rest = _collections(
        tmp_path,
        "lakeshore_collections_2025-05-20.csv",
        '05/16/2025,05/15/2025,BAYLINE LOGISTICS,CHK 3311,RF-3201,BL-92010,"$1,000.00",'
        "$600.00,($400.00),Check",
    )
    base = _forwarded("400.00", "400.00", day)
    (first, second), text = _import_reports(base, forward, rest)
    (note,) = first
    assert isinstance(note, data.Note) and note.links == {"RF-3201"}
    assert note.account == "Assets:Receivable:Bayline"
    assert "400.00" in note.comment and "forwarded" in note.comment
    (paid,) = second
    assert paid.meta["paid"] == data.Amount(Decimal("600.00"), "USD")
    entries, errors, _ = loader.load_string(text)
    assert [error.message for error in errors] == []
    assert balance(entries, "Income:Factoring:Lakeshore:Adjustments") == 0
    # The 5% reserve, 50.00, whole; nothing owed on the clearing or due-to-factor account.
    assert balance(entries, "Assets:Factoring:Lakeshore:Reserve") == Decimal("50.00")
    assert balance(entries, "Assets:Factoring:Lakeshore:Clearing") == 0
    assert balance(entries, "Liabilities:Factoring:Lakeshore:DueToFactor") == 0
    # Extracted again with the ledger that holds them, both are duplicates.
    existing, _, _ = loader.load_string(text)
    for report, before in ((forward, first), (rest, second)):
        again = extract.extract_from_file(IMPORTERS["lakeshore"], str(report), existing)
        assert printed(again) == printed(before)
        IMPORTERS["lakeshore"].deduplicate(again, existing)
        assert all("__duplicate__" in e.meta for e in again)


def test_the_factors_record_of_a_whole_payment_forwarded_a_few_cents_short_closes_it(
    tmp_path: Path,
) -> None:
    """Bayline paid the carrier all 1,000.00; the carrier wired 999.97, and Lakeshore lists
    999.97 applied (0.03 short). Read as Bayline's payment to Lakeshore it was 1,000.00 +
    999.97 paid (FCT133, an overpay to confirm). It closes the invoice, paid in full to
    us, and the 0.03 not forwarded stays owed to Lakeshore."""
    forward = _collections(
        tmp_path,
        "lakeshore_collections_2025-05-02.csv",
        '04/30/2025,04/30/2025,RIDGELINE FREIGHT LLC,WIRE 5512,RF-3201,BL-92010,"$1,000.00",'
        "$999.97,($0.03),Wire",
    )
    (found,), text = _import_reports(_forwarded("1000.00", "999.97"), forward)
    (closed,) = found
    assert closed.meta["factoring"] == "collected" and "paid" not in closed.meta
    entries, errors, _ = loader.load_string(text)
    assert [error.message for error in errors] == []
    assert balance(entries, "Income:Factoring:Lakeshore:Adjustments") == 0
    assert balance(entries, "Liabilities:Factoring:Lakeshore:DueToFactor") == Decimal("-0.03")


def test_a_forward_and_the_customers_payment_in_one_report(tmp_path: Path) -> None:
    """One report lists the 400.00 forwarded and Bayline's 550.00: the customer paid
    400.00 + 550.00 = 950.00, 50.00 short. Summed as 950.00 paid to Lakeshore it was
    400.00 + 950.00 = 1,350.00 (FCT133); paid: is the 550.00 alone."""
    both = _collections(
        tmp_path,
        "lakeshore_collections_2025-05-20.csv",
        '04/30/2025,04/30/2025,RIDGELINE FREIGHT LLC,WIRE 5512,RF-3201,BL-92010,"$1,000.00",'
        "$400.00,($600.00),Wire",
        '05/16/2025,05/15/2025,BAYLINE LOGISTICS,CHK 3311,RF-3201,BL-92010,"$1,000.00",'
        "$550.00,($450.00),Check",
    )
    (found,), text = _import_reports(_forwarded("400.00", "400.00"), both)
    (paid,) = [e for e in found if isinstance(e, data.Transaction)]
    assert paid.meta["paid"] == data.Amount(Decimal("550.00"), "USD")
    entries, errors, _ = loader.load_string(text)
    assert [error.message for error in errors] == []
    assert balance(entries, "Income:Factoring:Lakeshore:Adjustments") == Decimal("50.00")


@pytest.mark.parametrize(
    ("second", "booked", "now"),
    [
        # The factor re-issued W-8812 with 450.00 where it said 400.00: read as a second
        # part (400.00 + 450.00 = 850.00 of 1,000.00 paid, 150.00 too little left open),
        # with no word from the importer or bean-check.
        (
            "RF-3101,04/20/2025,Prairie Freight Solutions,W-8812,1000.00,450.00,550.00",
            "400.00 USD",
            "450.00 USD",
        ),
        # Re-issued as paid in full: a second payment of 1,000.00 after the 400.00
        # (FCT133 only at bean-check).
        (
            "RF-3101,04/20/2025,Prairie Freight Solutions,W-8812,1000.00,1000.00,0.00",
            "400.00 USD",
            "1000.00 USD",
        ),
    ],
)
def test_a_payment_reissued_with_another_amount_is_named_at_import(
    tmp_path: Path, second: str, booked: str, now: str
) -> None:
    """The same payment (the invoice, its day and its reference) in a later report with
    another amount: the report corrects the booked payment. It is the booked event's
    duplicate, printed commented out with a note that gives both amounts, as a schedule
    sent again with a figure corrected is."""
    header = "Invoice,Paid On,Payer,Ref,Invoice Total,Received,Open Balance\n"
    first = "RF-3101,04/20/2025,Prairie Freight Solutions,W-8812,1000.00,400.00,600.00\n"
    week1, week2 = tmp_path / "birchfield_week1.csv", tmp_path / "birchfield_week2.csv"
    week1.write_text(header + first, encoding="utf-8")
    week2.write_text(header + second + "\n", encoding="utf-8")
    found = IMPORTERS["birchfield"]
    existing, _, _ = loader.load_string(BASE)
    text = BASE + printed(extract.extract_from_file(found, str(week1), existing))
    existing, errors, _ = loader.load_string(text)
    assert not errors
    entries = extract.extract_from_file(found, str(week2), existing)
    found.deduplicate(entries, existing)
    (payment,) = entries
    assert payment.meta["__duplicate__"].meta["lineno"] > 0, printed(entries)
    note = payment.meta["differs-from-ledger"]
    assert f"paid {now} here, {booked} in the ledger" in note, note
    assert "W-8812" in note and "re-issued" in note, note
    # Another payment of the invoice on another day, or by another reference, is new.
    for other in (second.replace("04/20", "04/22"), second.replace("W-8812", "W-8850")):
        week2.write_text(header + other + "\n", encoding="utf-8")
        entries = extract.extract_from_file(found, str(week2), existing)
        found.deduplicate(entries, existing)
        assert "__duplicate__" not in entries[0].meta, other


@pytest.mark.parametrize("to_us", ["400.00", "1000.00"], ids=["part", "all"])
def test_the_face_paid_to_the_factor_after_a_payment_to_you_is_not_read_as_the_rest(
    tmp_path: Path, to_us: str
) -> None:
    """Bayline paid the carrier 400.00 (or all 1,000.00) of RF-3201, not forwarded, then
    paid Lakeshore the whole 1,000.00. Written without paid: (the row's paid is the face),
    the plugin read it as the rest, 600.00 (or nothing): Bayline's extra payment vanished
    in silence and DueToFactor kept the cash owed to Lakeshore. paid: 1000.00 is written;
    the plugin asks (FCT134) whether it is the total so far or a payment of the face
    again, and with reason: "overpay", as it advises, the cash the carrier holds is owed
    back to Bayline: CustomerCredits -to_us, DueToFactor 0, the reserve 50.00 whole."""
    ledger = _forwarded(to_us, "0").split("\n2025-04-29")[0] + "\n"
    row = _collections(
        tmp_path,
        "lakeshore_collections_2025-05-20.csv",
        '05/16/2025,05/15/2025,BAYLINE LOGISTICS,CHK 3311,RF-3201,BL-92010,"$1,000.00",'
        '"$1,000.00",$0.00,Check',
    )
    (found,), text = _import_reports(ledger, row)
    (paid,) = found
    assert paid.meta["paid"] == data.Amount(Decimal("1000.00"), "USD")
    assert "reason" not in paid.meta and "partial" not in paid.meta
    assert f"{Decimal(to_us):,.2f} paid to you before" in paid.narration
    entries, errors, _ = loader.load_string(text)
    assert [error.message.split(" ")[0] for error in errors] == ["FCT134"]
    assert 'reason: "overpay"' in errors[0].message
    said = text.replace("  paid: 1000.00 USD\n", '  paid: 1000.00 USD\n  reason: "overpay"\n')
    entries, errors, _ = loader.load_string(said)
    assert [error.message for error in errors] == []
    credits = "Liabilities:Factoring:Lakeshore:CustomerCredits:Bayline"
    assert balance(entries, credits) == -Decimal(to_us)
    assert balance(entries, "Liabilities:Factoring:Lakeshore:DueToFactor") == 0
    assert balance(entries, "Assets:Factoring:Lakeshore:Reserve") == Decimal("50.00")
    # The due-to-factor account gave the cash up at the collection: no forward to the
    # factor that a later row could be the record of.
    dues = frozenset(["Liabilities:Factoring:Lakeshore:DueToFactor"])
    assert PaymentHistory(entries, dues).forwards == {}


def test_a_bank_line_that_pays_an_invoice_the_factor_collected_is_a_payment_to_look_at() -> None:
    """Bayline paid Lakeshore RF-3201 in full (collected on 04-20), then the carrier the
    1,000.00 again (04-25). The line was left on the fallback account, its invoice not
    named: booked as income, Bayline's money would be revenue. It is a payment of the
    invoice (flagged): the plugin asks whether the customer paid twice (FCT133), and
    with reason: "overpay" the 1,000.00 is owed back to Bayline."""
    doc = ORDER[1]
    text = BASE + '\n2025-04-20 * "Bayline" "Paid Lakeshore" ^RF-3201\n  factoring: "collected"\n'
    existing, errors, _ = loader.load_string(text)
    assert not errors
    lines = extract.extract_from_file(importer(doc), str(doc), existing)
    (paid,) = [e for e in lines if "BAYLINE" in getattr(e, "narration", "")]
    assert paid.meta["factoring"] == "misdirected-payment" and paid.flag == "!"
    assert paid.links == {"RF-3201"} and len(paid.postings) == 1
    # (Its wire to Lakeshore on 04-29 forwards nothing: the carrier owes Lakeshore nothing.)
    paid_text = text + printed([paid])
    _, errors, _ = loader.load_string(paid_text)
    assert [error.message.split(" ")[0] for error in errors] == ["FCT133", "Transaction"]
    assert 'say reason: "overpay"' in errors[0].message
    said = paid_text.replace(
        '  factoring: "misdirected-payment"\n',
        '  factoring: "misdirected-payment"\n  reason: "overpay"\n',
    )
    entries, errors, _ = loader.load_string(said)
    assert [error.message for error in errors] == []
    credits = "Liabilities:Factoring:Lakeshore:CustomerCredits:Bayline"
    assert balance(entries, credits) == Decimal("-1000.00")


# Birchfield (90%, 3%) funded RF-3201 (1,000.00); Bayline paid the carrier 500.00 of it;
# on May 1 Lakeshore bought Birchfield out, the 500.00 owed moving from Birchfield's
# due-to-factor account to Lakeshore's (DueToFactor +500.00 / -500.00, both parts
# misdirected-payment); the carrier wired the 500.00 to Lakeshore on May 5.
BOUGHT_OUT = FORWARDED.replace(
    '2025-04-09 * "LAKESHORE FUNDING LLC" "ACH credit" ^RF-3201\n  Assets:Bank:Checking'
    "            930.00 USD\n  Assets:Factoring:Lakeshore:Clearing",
    '2025-01-02 custom "factoring-agreement" "Birchfield"\n  advance-rate: 0.90\n'
    '  fee: "flat 3%"\n  recourse-days: 90\n  payee: "BIRCHFIELD CAP"\n'
    "  bank: Assets:Bank:Checking\n\n"
    '2025-04-09 * "BIRCHFIELD CAP" "ACH credit" ^RF-3201\n'
    "  Assets:Bank:Checking            870.00 USD\n  Assets:Factoring:Birchfield:Clearing\n\n"
    '2025-05-01 * "Lakeshore" "Buyout of Birchfield" ^RF-3201\n  factoring: "buyout"\n'
    '  factor: "Lakeshore"\n  from: "Birchfield"',
).replace("2025-FWD", "2025-05-05")


def test_a_buyouts_move_of_what_you_owe_is_no_forward_nor_a_payment_to_you(
    tmp_path: Path,
) -> None:
    """The buyout moves the 500.00 owed between the factors' due-to-factor accounts: it
    was read as a second payment to the carrier (500.00 + 500.00 = 1,000.00, the face)
    and a forward. Lakeshore's record of the 500.00 wired on May 5 then closed RF-3201
    as paid in full (a collected event without paid:) though Bayline paid 500.00 of
    1,000.00, with no word. It is a note: RF-3201 stays open for the 500.00 unpaid.
    (The same move read as a payment to you wrote "1,000.00 paid to you before" on the
    collected event of a later row.)"""
    forward = _collections(
        tmp_path,
        "lakeshore_collections_2025-05-08.csv",
        '05/07/2025,05/07/2025,RIDGELINE FREIGHT LLC,WIRE 5512,RF-3201,BL-92010,"$1,000.00",'
        "$500.00,($500.00),Wire",
    )
    base = BOUGHT_OUT.replace("PAID", "500.00").replace("FORWARD", "500.00")
    existing, errors, _ = loader.load_string(base)
    assert [error.message for error in errors] == []
    dues = frozenset(
        f"Liabilities:Factoring:{name}:DueToFactor" for name in ("Lakeshore", "Birchfield")
    )
    history = PaymentHistory(existing, dues)
    assert history.paid_to_us("RF-3201", datetime.date(2025, 5, 31)) == Decimal("500.00")
    assert [f.date for f in history.forwards["RF-3201"]] == [datetime.date(2025, 5, 5)]
    (found,), text = _import_reports(base, forward)
    (note,) = found
    assert isinstance(note, data.Note), printed(found)
    entries, errors, _ = loader.load_string(text)
    assert [error.message for error in errors] == []
    assert not [e for e in entries if getattr(e, "meta", {}).get("factoring") == "collected"]


def test_a_row_the_booked_payment_sums_with_others_is_not_said_to_correct_it(
    tmp_path: Path,
) -> None:
    """Birchfield's April report (W-1 300.00 on 04-10, W-2 400.00 on 04-20: one event of
    700.00, dated 04-20, "…, W-1, W-2") is booked; its week report of 04-20 then lists W-2
    400.00 alone. It is a duplicate, rightly; but its note said the booked payment was
    re-issued with another amount and to correct the booked paid: 700.00 to 400.00 "if
    this one is right": done, 300.00 of Prairie's payments were lost with no word. The
    note says the booked event sums this row with another (W-1), nothing to correct."""
    header = "Invoice,Paid On,Payer,Ref,Invoice Total,Received,Open Balance\n"
    w1 = "RF-3101,04/10/2025,Prairie Freight Solutions,W-1,1000.00,300.00,700.00\n"
    w2 = "RF-3101,04/20/2025,Prairie Freight Solutions,W-2,1000.00,400.00,300.00\n"
    month, week = tmp_path / "birchfield_april.csv", tmp_path / "birchfield_week16.csv"
    month.write_text(header + w1 + w2, encoding="utf-8")
    week.write_text(header + w2, encoding="utf-8")
    found = IMPORTERS["birchfield"]
    existing, _, _ = loader.load_string(BASE)
    (summed,) = extract.extract_from_file(found, str(month), existing)
    assert summed.meta["paid"] == data.Amount(Decimal("700.00"), "USD")
    existing, errors, _ = loader.load_string(BASE + printed([summed]))
    assert not errors
    entries = extract.extract_from_file(found, str(week), existing)
    found.deduplicate(entries, existing)
    (payment,) = entries
    assert "__duplicate__" in payment.meta, printed(entries)
    note = payment.meta["differs-from-ledger"]
    assert "correct the booked event" not in note, note
    assert "W-1, W-2" in note and "sums" in note, note


# Prairie pays RF-3101 (face 1000.00) by W-1 300.00 on 04-10 and W-2 400.00 on 04-20;
# Birchfield lists them in its week reports and again in its April report.
_HEADER = "Invoice,Paid On,Payer,Ref,Invoice Total,Received,Open Balance\n"
_W1 = "RF-3101,04/10/2025,Prairie Freight Solutions,W-1,1000.00,300.00,700.00\n"
_W2 = "RF-3101,04/20/2025,Prairie Freight Solutions,W-2,1000.00,400.00,300.00\n"
_W3 = "RF-3101,04/28/2025,Prairie Freight Solutions,W-3,1000.00,300.00,0.00\n"
# Another payment of the same amount as W-1, two days later, by another reference.
_W5 = "RF-3101,04/12/2025,Prairie Freight Solutions,W-5,1000.00,300.00,400.00\n"


def _import_overlapping(
    tmp_path: Path, reports: list[list[str]]
) -> tuple[list[list[data.Directive]], list[Any], str]:
    """Each report extracted (and deduplicated) with the ledger so far, what is not a
    duplicate kept; what each gave, the errors of the whole, and the whole."""
    found, text, extracted = IMPORTERS["birchfield"], BASE, []
    for number, rows in enumerate(reports):
        report = tmp_path / f"birchfield_report{number}.csv"
        report.write_text(_HEADER + "".join(rows), encoding="utf-8")
        existing, _, _ = loader.load_string(text)
        entries = extract.extract_from_file(found, str(report), existing)
        found.deduplicate(entries, existing)
        extracted.append(entries)
        text += printed([e for e in entries if "__duplicate__" not in e.meta])
    _, errors, _ = loader.load_string(text)
    return extracted, errors, text


def _paid_rf3101(text: str) -> list[Decimal]:
    """The paid: of RF-3101's collected events in the ledger, by date."""
    entries, _, _ = loader.load_string(text)
    return [
        e.meta["paid"].number
        for e in entries
        if isinstance(e, data.Transaction)
        and e.meta.get("factoring") == "collected"
        and "RF-3101" in e.links
    ]


@pytest.mark.parametrize(
    ("reports", "paid"),
    [
        # The weeks, then April (W-1, W-2): April books nothing (300.00 + 400.00).
        ([[_W1], [_W2], [_W1, _W2]], ["300.00", "400.00"]),
        # April first (one event of 300.00 + 400.00 = 700.00), then the weeks: nothing.
        ([[_W1, _W2], [_W1], [_W2]], ["700.00"]),
        # W-1's week, then April: April writes W-2 alone (300.00 + 400.00 = 700.00).
        ([[_W1], [_W1, _W2]], ["300.00", "400.00"]),
        # W-2's week, then April: April writes W-1 alone, on its day (04-10, before W-2).
        ([[_W2], [_W1, _W2]], ["300.00", "400.00"]),
        # April, then April sent again with W-3 added: W-3 alone (700.00 + 300.00 = face).
        ([[_W1, _W2], [_W1, _W2, _W3]], ["700.00", "300.00"]),
        # W-1's week, April, April again, W-2's week: 300.00 + 400.00, once each.
        ([[_W1], [_W1, _W2], [_W1, _W2], [_W2]], ["300.00", "400.00"]),
        # W-1 booked; a report of W-1 and W-5, 300.00 each, two days apart: W-5 is new.
        ([[_W1], [_W1, _W5]], ["300.00", "300.00"]),
    ],
    ids=[
        "weeks-then-month",
        "month-then-weeks",
        "week1-then-month",
        "week2-then-month",
        "month-resent-with-a-row",
        "week-month-month-week",
        "same-amount-another-reference",
    ],
)
def test_overlapping_reports_book_each_payment_once(
    tmp_path: Path, reports: list[list[str]], paid: list[str]
) -> None:
    """Reports that overlap, in every order: each payment is booked once. Before, the
    weeks then April booked 300.00 + 400.00 + 700.00 (FCT133 that advised an overpay);
    W-1's week then April closed the invoice with 300.00 + 700.00 = its face, in silence
    (Prairie had paid 700.00); April then a week booked W-1 twice."""
    extracted, errors, text = _import_overlapping(tmp_path, reports)
    assert [error.message for error in errors] == []
    assert _paid_rf3101(text) == [Decimal(number) for number in paid], text
    if reports[0] == [_W1] and reports[1] == [_W1, _W2]:
        (written,) = extracted[1]
        assert written.narration.endswith(", W-2"), written.narration
        assert written.meta["partial"] is True  # 300.00 + 400.00 leaves 300.00 open
        note = written.meta["booked-already"]
        assert "W-1 300.00 USD of 2025-04-10" in note, note


def test_a_report_that_differs_from_the_booked_payments_says_which_are_new(
    tmp_path: Path,
) -> None:
    """The weeks booked W-1 300.00 and W-2 400.00; April says W-2 was 450.00 and adds
    W-3. It cannot be split safely (which W-2 is right?): it is a duplicate whose note
    names what is booked, what differs and what is new, and books nothing in silence."""
    w2 = _W2.replace(",400.00,300.00", ",450.00,250.00")
    extracted, errors, text = _import_overlapping(tmp_path, [[_W1], [_W2], [_W1, w2, _W3]])
    assert [error.message for error in errors] == []
    assert _paid_rf3101(text) == [Decimal("300.00"), Decimal("400.00")]
    (flagged,) = extracted[2]
    assert "__duplicate__" in flagged.meta
    note = flagged.meta["differs-from-ledger"]
    assert "booked already: W-1 300.00 USD of 2025-04-10" in note, note
    assert "W-2 of 2025-04-20 differs: 450.00 here, 400.00 booked" in note, note
    assert "new, booked nowhere: W-3 300.00 USD of 2025-04-28" in note, note
    # A week's row of more than the April event that sums it: not inside it.
    extracted, errors, text = _import_overlapping(
        tmp_path, [[_W1, _W2], [_W1.replace(",300.00,700.00", ",800.00,200.00")]]
    )
    assert _paid_rf3101(text) == [Decimal("700.00")]
    note = extracted[1][0].meta["differs-from-ledger"]
    assert "800.00 here, the booked event sums W-1, W-2 to 700.00" in note, note
