"""Deductions and net funded on a purchase report: fees of their kind, and a net that must
add up (docs/importers.md, "Deductions and net funded").

Bramblewood's funding report (documents/factor/bramblewood/) deducts a $25.00 wire fee
from BW-101 and a $35.00 lien search from BW-103. Each becomes a `fee` event the plugin
books and leaves owed on the clearing account; the deposit that funds the schedule nets
both, so it matches the bank credit:

    advances 900.00 + 1,800.00 + 450.00 = 3,150.00
    fees      30.00 +    60.00 +  15.00 =   105.00 (3% of 1,000 / 2,000 / 500)
    deductions 25.00 (wire) + 35.00 (other)  =    60.00
    net funded 3,150.00 - 105.00 - 60.00     = 2,985.00 (845.00 + 1,740.00 + 400.00)
    bank credit 2,985.00 - 5.00 ACH fee      = 2,980.00
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import printer
from factor_config import DOCUMENTS, LEDGER, importers

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor_entries import deduction_kind

_LEDGER = LEDGER.read_text(encoding="utf-8")
# The samples' ledger without the other factors' deposits (they wait for their schedules).
BASE = (
    _LEDGER[: _LEDGER.index("; The factors' deposits")]
    + _LEDGER[_LEDGER.index("; Bramblewood's funding") :]
)
REPORT = DOCUMENTS / "bramblewood" / "funding_report_2025-03-17.csv"
LAKESHORE_REPORT = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
FROM_LEDGER = importers(debtors=None, usd_bank=None, eur_bank=None, cad_bank=None)
D = Decimal


def extracted(doc: Path = REPORT, base: str = BASE, name: str = "bramblewood") -> list:
    existing, errors, _ = loader.load_string(base)
    # (Before the import, the deposit waits for S-77, or names what is not there yet.)
    assert all(e.message.startswith(("FCT103", "FCT132")) for e in errors)
    return FROM_LEDGER[name].extract(str(doc), existing)


def booked(base: str, entries: list) -> tuple[list, list]:
    text = base + "\n" + "\n".join(printer.format_entry(e) for e in entries)
    entries, errors, _ = loader.load_string(text)
    return entries, [e.message for e in errors]


def balance(entries: list, account: str) -> Decimal:
    return sum(
        (
            p.units.number
            for e in entries
            if isinstance(e, data.Transaction)
            for p in e.postings
            if p.account == account
        ),
        D(0),
    )


def test_each_deduction_is_a_fee_event_of_its_kind_with_the_reports_label() -> None:
    fees = [e for e in extracted() if e.meta.get("factoring") == "fee"]
    assert [(e.narration, e.meta["charge"], e.meta["amount"].number) for e in fees] == [
        ("Wire Fee, schedule S-77, BW-101", "wire", D("25.00")),
        ("UCC lien search, schedule S-77, BW-103", "other", D("35.00")),
    ]
    assert all(e.meta["factor"] == "Bramblewood" and "deduction" not in e.meta for e in fees)
    # Each links its own fee link and the invoice it was deducted from.
    assert [set(e.links) for e in fees] == [
        {"fee-2025-03-17-BW-101", "BW-101"},
        {"fee-2025-03-17-BW-103", "BW-103"},
    ]
    # BW-102's 0.00 deduction is nothing to book.
    assert not any("BW-102" in e.narration for e in fees)


def test_the_deposit_nets_the_deductions_and_the_books_are_right() -> None:
    entries, errors = booked(BASE, extracted())
    assert errors == []
    # Clearing: +3,500.00 faces sold, -60.00 fees owed, -3,440.00 the deposit's split
    # (2,980.00 cash + 105.00 discount fees + 5.00 ACH fee + 350.00 reserve = 3,440.00).
    assert balance(entries, "Assets:Factoring:Bramblewood:Clearing") == 0
    # Fees: 105.00 discount + 25.00 wire + 35.00 lien search + 5.00 ACH = 170.00.
    assert balance(entries, "Expenses:Factoring:Bramblewood:Fees") == D("170.00")
    # Reserve: 10% of 3,500.00 = 350.00.
    assert balance(entries, "Assets:Factoring:Bramblewood:Reserve") == D("350.00")
    deposit = next(
        e for e in entries if isinstance(e, data.Transaction) and e.narration == "ACH CREDIT"
    )
    assert {"fee-2025-03-17-BW-101", "fee-2025-03-17-BW-103"} <= deposit.links


def test_without_the_deductions_the_deposit_would_not_match() -> None:
    """The round trip is a real check: drop the fee events and the 2,980.00 credit is
    60.00 short of what the schedule gives (3,045.00 - 5.00 = 3,040.00)."""
    schedules = [e for e in extracted() if e.meta.get("factoring") == "schedule"]
    _, errors = booked(BASE, schedules)
    assert any(message.startswith("FCT101") for message in errors), errors


def test_a_deposit_naming_the_schedule_nets_the_fees_it_links() -> None:
    named = BASE.replace(
        '"ACH CREDIT"\n  Assets:Bank:Checking               2980.00 USD',
        '"ACH CREDIT" ^fee-2025-03-17-BW-101 ^fee-2025-03-17-BW-103\n  schedule: "S-77"\n'
        "  Assets:Bank:Checking               2980.00 USD",
    )
    assert named != BASE
    entries, errors = booked(named, extracted(base=named))
    assert errors == []
    assert balance(entries, "Assets:Factoring:Bramblewood:Clearing") == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_both_models_book_the_deductions(model: str) -> None:
    base = BASE
    if model == "loan":
        base = BASE.replace(
            '"factoring-agreement" "Bramblewood"\n',
            '"factoring-agreement" "Bramblewood"\n  model: "loan"\n',
        )
        assert base != BASE
    entries, errors = booked(base, extracted(base=base))
    assert errors == []
    # The same 170.00 of fees under either model (105.00 + 25.00 + 35.00 + 5.00).
    assert balance(entries, "Expenses:Factoring:Bramblewood:Fees") == D("170.00")
    assert balance(entries, "Assets:Bank:Checking") >= D("2980.00")


def test_a_net_funded_that_disagrees_with_the_row_is_fct210(tmp_path: Path) -> None:
    text = REPORT.read_text(encoding="utf-8").replace("Wire Fee,845.00", "Wire Fee,855.00")
    path = tmp_path / "funding_report.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailure) as info:
        FROM_LEDGER["bramblewood"].extract(str(path), [])
    error = info.value
    # 900.00 - 30.00 - 25.00 = 845.00, not 855.00.
    assert (error.line, error.column, error.code) == (3, "Net Funded", "FCT210")
    assert str(error) == (
        f"{path}:3, column 'Net Funded': FCT210 net funded 855.00 is not advance 900.00 - "
        "fees 30.00 - deductions 25.00 = 845.00: the report disagrees with itself; ask the "
        "factor for a corrected report"
    )


def test_a_deduction_missing_from_net_funded_is_fct210(tmp_path: Path) -> None:
    """Lakeshore shows a 25.00 deduction but a net that ignores it: 2,042.50 - 58.75 -
    25.00 = 1,958.75, where the report says 1,983.75."""
    text = LAKESHORE_REPORT.read_text(encoding="utf-8")
    text = text.replace('$107.50,$0.00,"$1,983.75"', '$107.50,$25.00,"$1,983.75"')
    path = tmp_path / "lakeshore_purchase.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailure) as info:
        FROM_LEDGER["lakeshore"].extract(str(path), [])
    assert (info.value.line, info.value.column, info.value.code) == (3, "Net Funded", "FCT210")
    assert "= 1,958.75" in str(info.value)


def test_without_a_type_column_the_label_is_the_deductions_header(tmp_path: Path) -> None:
    """Lakeshore's report has no deduction type: the fee is "other", labelled by its
    column. RF-1101: 2,042.50 - 58.75 - 25.00 = 1,958.75 net funded."""
    text = LAKESHORE_REPORT.read_text(encoding="utf-8")
    text = text.replace('$107.50,$0.00,"$1,983.75"', '$107.50,$25.00,"$1,958.75"')
    # The schedule's total follows: 0.00 + 25.00 deductions, 3,703.12 - 25.00 net.
    text = text.replace('$201.25,$0.00,"$3,703.12"', '$201.25,$25.00,"$3,678.12"')
    path = tmp_path / "lakeshore_purchase.csv"
    path.write_text(text, encoding="utf-8")
    fees = [
        e
        for e in FROM_LEDGER["lakeshore"].extract(str(path), [])
        if e.meta.get("factoring") == "fee"
    ]
    assert [(e.narration, e.meta["charge"], e.meta["amount"]) for e in fees] == [
        ("Deductions, schedule 3110, RF-1101", "other", fees[0].meta["amount"])
    ]
    assert fees[0].meta["amount"].number == D("25.00")


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Wire Fee", "wire"),
        ("WIRE TRANSFER", "wire"),
        ("Same Day ACH", "same-day"),
        ("same-day fee", "same-day"),
        ("UCC lien search", "other"),
        ("Wirehouse storage", "wire"),  # a word that starts with "wire" counts as a wire
        ("Deductions", "other"),
    ],
)
def test_the_kind_of_a_deduction_comes_from_its_label(label: str, kind: str) -> None:
    assert deduction_kind(label) == kind


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_wire_deposit_is_not_charged_the_wire_twice(model: str) -> None:
    """Marked `transfer: "wire"`, the deposit nets the report's 25.00 wire fee and takes
    no wire fee of its own (Bramblewood's would be its 5.00 transfer-fee): 2,985.00 net
    funded arrives whole. Fees: 105.00 discount + 25.00 wire + 35.00 lien = 165.00."""
    base = BASE.replace(
        '"ACH CREDIT"\n  Assets:Bank:Checking               2980.00 USD',
        '"WIRE CREDIT"\n  transfer: "wire"\n  Assets:Bank:Checking               2985.00 USD',
    )
    if model == "loan":
        base = base.replace(
            '"factoring-agreement" "Bramblewood"\n',
            '"factoring-agreement" "Bramblewood"\n  model: "loan"\n',
        )
    assert base.count("WIRE CREDIT") == 1
    entries, errors = booked(base, extracted(base=base))
    assert errors == []
    assert balance(entries, "Expenses:Factoring:Bramblewood:Fees") == D("165.00")
    assert balance(entries, "Assets:Factoring:Bramblewood:Clearing") == 0
    # The same wire short by a second fee (2,985.00 - 5.00 = 2,980.00) is an error.
    short = base.replace("2985.00 USD", "2980.00 USD")
    _, errors = booked(short, extracted(base=short))
    assert [message[:6] for message in errors] == ["FCT120"]


def test_a_fuel_advance_recouped_from_the_funding_is_no_fee(tmp_path: Path) -> None:
    """Bramblewood advanced 700.00 on BW-102's load at pickup (the ledger's fuel-advance
    event) and its report recoups it from BW-102's funding as a deduction:
    1,800.00 - 60.00 - 700.00 = 1,040.00 net funded; the schedule's 3,150.00 - 105.00 -
    25.00 - 35.00 - 700.00 = 2,285.00, and 2,280.00 in the bank after the ACH fee.

    The deduction was written as a 700.00 "other" fee (an expense, where it pays back a
    debt), and the plugin, which recoups the advance from the funding itself, took the
    700.00 twice: the deposit matched nothing (FCT101, "worth 1,580.00"). The plugin
    recoups it: the importer writes no fee for it. Fees: 105.00 + 25.00 + 35.00 + 5.00."""
    text = REPORT.read_text(encoding="utf-8")
    text = text.replace("0.00,,1740.00", "700.00,Fuel Advance,1040.00")
    text = text.replace("60.00,,2985.00", "760.00,,2285.00")
    path = tmp_path / "funding_report.csv"
    path.write_text(text, encoding="utf-8")
    base = BASE.replace(
        "; Bramblewood's funding",
        '2025-03-13 * "BRAMBLEWOOD CAPITAL" "Fuel advance CRB-81102" ^BW-102\n'
        '  factoring: "fuel-advance"\n'
        "  Assets:Bank:Checking                700.00 USD\n\n"
        "; Bramblewood's funding",
    ).replace("2980.00 USD", "2280.00 USD")
    imported = extracted(path, base)
    fees = [e for e in imported if e.meta.get("factoring") == "fee"]
    assert [e.narration for e in fees] == [
        "Wire Fee, schedule S-77, BW-101",
        "UCC lien search, schedule S-77, BW-103",
    ]
    entries, errors = booked(base, imported)
    assert errors == []
    assert balance(entries, "Expenses:Factoring:Bramblewood:Fees") == D("170.00")
    assert balance(entries, "Liabilities:Factoring:Bramblewood:FuelAdvances") == 0
    assert balance(entries, "Assets:Factoring:Bramblewood:Clearing") == 0


@pytest.mark.parametrize(
    "label", ["Fuel Advance", "FUEL ADV RECOUP", "Fuel-advance recoup", "fuel advances"]
)
def test_a_deduction_labelled_a_fuel_advance_is_one(label: str) -> None:
    assert deduction_kind(label) == "fuel-advance"
