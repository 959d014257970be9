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

import dataclasses
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import printer
from factor_config import BRAMBLEWOOD, DOCUMENTS, LEDGER, importers

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.factor_entries import deduction_kind
from beancount_factoring.reports import compute

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


def booked_text(base: str, entries: list) -> str:
    return base + "\n" + "\n".join(printer.format_entry(e) for e in entries)


def booked(base: str, entries: list) -> tuple[list, list]:
    entries, errors, _ = loader.load_string(booked_text(base, entries))
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
        ("ACH Fee", "ach"),
        ("ACH transfer fee", "ach"),
        ("Same Day ACH fee", "same-day"),
        ("ACH return fee", "other"),  # an ACH that came back: no transfer's fee
        ("NSF ACH", "other"),
        ("Coaching fee", "other"),  # "ach" inside a word is no ACH
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


def _report(tmp_path: Path, amount: str, label: str, net: str, total: str, net_total: str) -> Path:
    """Bramblewood's report with BW-102's row deducting `amount` labelled `label`."""
    text = REPORT.read_text(encoding="utf-8")
    text = text.replace("0.00,,1740.00", f"{amount},{label},{net}")
    text = text.replace("60.00,,2985.00", f"{total},,{net_total}")
    path = tmp_path / "funding_report.csv"
    path.write_text(text, encoding="utf-8")
    return path


# BW-090, funded in January; its customer paid 850.00 of 1,000.00 on February 10 and
# Bramblewood takes the 150.00 short pay from its next funding (short-pay-from).
SHORT_PAID = """
2025-01-02 * "Northstar Logistics" "Load NSL-460001"
  invoice: "BW-090"
  Assets:Receivable:Northstar        1000.00 USD
  Income:Freight

2025-01-03 * "BRAMBLEWOOD CAPITAL" "ACH CREDIT" ^BW-090
  Assets:Bank:Checking                865.00 USD
  Assets:Factoring:Bramblewood:Clearing

2025-02-10 * "Northstar Logistics" "Short pay" ^BW-090
  factoring: "collected"
  paid: 850.00 USD
  short-pay-from: "funding"

; Bramblewood's funding"""


@pytest.mark.parametrize(
    "label", ["Short pay BW-090", "Chargeback BW-090", "Over-advance repaid BW-090"]
)
def test_a_short_pay_netted_from_the_funding_is_no_fee(tmp_path: Path, label: str) -> None:
    """BW-090's 150.00 short pay waits on the clearing account (the plugin's own netting);
    the report takes it from BW-102's funding: 1,800.00 - 60.00 - 150.00 = 1,590.00; the
    schedule's 3,150.00 - 105.00 - 25.00 - 35.00 - 150.00 = 2,835.00, 2,830.00 in the bank.

    It was written as a 150.00 "other" fee as well: 150.00 counted twice, the deposit
    matched nothing. Fees now: BW-090's 30.00 + 5.00, S-77's 105.00 + 25.00 + 35.00 +
    5.00 = 205.00; the 150.00 short pay is an adjustment, the clearing account is 0."""
    path = _report(tmp_path, "150.00", label, "1590.00", "210.00", "2835.00")
    base = BASE.replace("\n; Bramblewood's funding", SHORT_PAID, 1)
    base = base.replace("2980.00 USD", "2830.00 USD")
    imported = FROM_LEDGER["bramblewood"].extract(str(path), loader.load_string(base)[0])
    assert [e.narration for e in imported if e.meta.get("factoring") == "fee"] == [
        "Wire Fee, schedule S-77, BW-101",
        "UCC lien search, schedule S-77, BW-103",
    ]
    entries, errors = booked(base, imported)
    assert errors == []
    assert balance(entries, "Expenses:Factoring:Bramblewood:Fees") == D("205.00")
    assert balance(entries, "Assets:Factoring:Bramblewood:Clearing") == 0


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Chargeback INV-7", "netted"),
        ("Charge-back", "netted"),
        ("Recourse BW-090", "netted"),
        ("Short pay BW-090", "netted"),
        ("SHORTPAY", "netted"),
        ("Prior over-advance repaid", "netted"),
        ("Overadvance", "netted"),
        ("Fuel Card", "fuel"),
        ("Comdata fuel purchase", "fuel"),
        ("IRS Tax Levy", "levy"),
        ("Wage garnishment", "levy"),
        ("Escrow", "escrow"),
        ("Reserve holdback", "escrow"),
        ("Rebate", "rebate"),
        ("Fee refund", "rebate"),
        ("Credit check", "other"),
        ("ACH fee", "ach"),
        ("Postage", "other"),
        ("Discount adjustment", "other"),
        # A fee of a non-recourse factor, not a recourse.
        ("Non-recourse fee", "other"),
        ("Non-Recourse Premium", "other"),
        # A fee beside what the plugin nets: which of the two cannot be told.
        ("Chargeback fee", "unclear"),
        ("Over-advance fee", "unclear"),
        ("Fuel Advance Fee", "unclear"),
        # A fee of a tax form, or the tax on a fee: no levy.
        ("Tax ID verification fee", "other"),
        ("Tax on fees", "other"),
        ("Taxes", "levy"),
        # Money coming back is a credit, not an escrow held or fuel bought.
        ("Escrow release", "rebate"),
        ("Release of reserve", "rebate"),
        ("Fuel rebate", "rebate"),
        ("Lien release fee", "other"),
        # A fee named beside what is no fee: which, the label cannot tell.
        ("Reserve fee", "unclear"),
        ("Escrow release fee", "unclear"),
        ("Fuel card fee", "unclear"),
    ],
)
def test_what_a_deduction_is_comes_from_its_label(label: str, kind: str) -> None:
    assert deduction_kind(label) == kind


def _with(**options: object) -> FactorReportImporter:
    """Bramblewood's importer, its profile given `options`."""
    profile = dataclasses.replace(BRAMBLEWOOD, **options)
    return FactorReportImporter(profile, "Bramblewood", debtors=None)


@pytest.mark.parametrize(
    ("label", "what", "code"),
    [
        ("Fuel Card", "fuel bought on the factor's fuel card", "FCT209"),
        ("Tax Levy", "a tax levy or garnishment", "FCT209"),
        ("Escrow", "an escrow or reserve", "FCT209"),
        ("Rebate", "money the factor pays back", "FCT210"),
    ],
)
def test_a_deduction_that_is_no_fee_is_never_a_fee(
    tmp_path: Path, label: str, what: str, code: str
) -> None:
    """Fuel bought on Bramblewood's card (100.00, from BW-102's funding: 1,800.00 - 60.00
    - 100.00 = 1,640.00) was written as an "other" fee: 100.00 of fuel counted as a cost
    of factoring, the cost report's fees 100.00 too high, with no word. Fuel, a levy and
    an escrow go to the account the importer's deductions= names (none here: FCT209,
    test_factor_deductions_booked.py); a rebate is a credit, no deduction (FCT210). One
    error naming the row and the column."""
    path = _report(tmp_path, "100.00", label, "1640.00", "160.00", "2885.00")
    with pytest.raises(ImportFailure) as info:
        FROM_LEDGER["bramblewood"].extract(str(path), [])
    error = info.value
    assert (error.line, error.column, error.code) == (4, "Deduction", code)
    assert what in str(error)
    assert f"the deduction '{label}' " in str(error)
    assert f'deduction_kinds=[(r"{label}", "none")]' in str(error)


def test_fuel_on_the_deposit_with_the_profile_saying_none(tmp_path: Path) -> None:
    """With deduction_kinds=[("fuel card", "none")] the importer writes nothing for the
    100.00 of fuel, and the deposit carries it as a posting to Expenses:Fuel (2,980.00 -
    100.00 = 2,880.00 in the bank; its clearing posting is 2,980.00, what the factor paid).
    Fees: 105.00 + 25.00 + 35.00 + 5.00 ACH = 170.00, the cost report's too; fuel 100.00."""
    path = _report(tmp_path, "100.00", "Fuel Card", "1640.00", "160.00", "2885.00")
    base = BASE.replace(
        "  Assets:Bank:Checking               2980.00 USD\n",
        "  Assets:Bank:Checking               2880.00 USD\n  Expenses:Fuel   100.00 USD\n",
    ).replace(
        "; Bramblewood's funding", "2025-01-01 open Expenses:Fuel\n\n; Bramblewood's funding"
    )
    importer = _with(deduction_kinds=((r"fuel card", "none"),))
    imported = importer.extract(str(path), loader.load_string(base)[0])
    assert [e.narration for e in imported if e.meta.get("factoring") == "fee"] == [
        "Wire Fee, schedule S-77, BW-101",
        "UCC lien search, schedule S-77, BW-103",
    ]
    entries, errors = booked(base, imported)
    assert errors == []
    assert balance(entries, "Expenses:Factoring:Bramblewood:Fees") == D("170.00")
    assert balance(entries, "Expenses:Fuel") == D("100.00")
    assert balance(entries, "Assets:Factoring:Bramblewood:Clearing") == 0
    _, _, options = loader.load_string(booked_text(base, imported))
    report = compute(entries, options, []).cost(datetime.date(2025, 3, 31))
    assert sum(line.fees.total for line in report.by_factor) == D("170.00")


def test_a_profile_may_say_a_label_is_a_fee(tmp_path: Path) -> None:
    """A "Reserve fee" the factor charges is a fee after all: deduction_kinds says so."""
    path = _report(tmp_path, "10.00", "Reserve fee", "1730.00", "70.00", "2975.00")
    importer = _with(deduction_kinds=((r"reserve fee", "other"),))
    fees = [e for e in importer.extract(str(path), []) if e.meta.get("factoring") == "fee"]
    assert [(e.narration, e.meta["charge"]) for e in fees][1] == (
        "Reserve fee, schedule S-77, BW-102",
        "other",
    )


def test_a_deduction_kind_the_profile_cannot_mean_is_refused() -> None:
    with pytest.raises(ValueError, match="deduction kind 'fuel-card' is not one of"):
        dataclasses.replace(BRAMBLEWOOD, deduction_kinds=((r"fuel", "fuel-card"),))


def test_a_deduction_of_the_other_sign_is_fct210(tmp_path: Path) -> None:
    """Without a net funded column, a -10.00 discount adjustment (a credit: 10.00 more
    funded) beside the report's positive deductions was a fee of 10.00, with no word."""
    path = _report(tmp_path, "-10.00", "Discount adjustment", "1750.00", "50.00", "2995.00")
    text = path.read_text(encoding="utf-8")
    lines = [line.rsplit(",", 1)[0] for line in text.splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = {key: value for key, value in BRAMBLEWOOD.columns.items() if key != "net"}
    importer = _with(columns=columns, signature=())
    with pytest.raises(ImportFailure) as info:
        importer.extract(str(path), [])
    error = info.value
    assert (error.line, error.column, error.code) == (4, "Deduction", "FCT210")
    assert "-10.00 has the other sign than line 3's 25.00" in str(error)


@pytest.mark.parametrize(
    ("label", "pattern", "what"),
    [
        ("Chargeback fee", "Chargeback fee", "a chargeback, a short pay or an over-advance"),
        ("Over-advance fee", r"Over\-advance fee", "a chargeback, a short pay or an over-adv"),
        ("Fuel Advance Fee", "Fuel Advance Fee", "a fuel advance"),
    ],
)
def test_a_fee_named_beside_what_the_plugin_nets_is_fct210(
    tmp_path: Path, label: str, pattern: str, what: str
) -> None:
    """A 25.00 "Chargeback fee" from BW-102's funding (1,800.00 - 60.00 - 25.00 = 1,715.00;
    the schedule 2,960.00, 2,955.00 in the bank) was read as the chargeback itself, which
    the plugin nets from the ledger's event: the importer wrote nothing, 25.00 of fee
    missing (fees 170.00 where they are 195.00), and the deposit matched nothing (FCT101,
    naming no deduction). The importer cannot tell a factor's flat fee beside the
    chargeback from the chargeback's own fee (its event's): FCT210 says both ways."""
    path = _report(tmp_path, "25.00", label, "1715.00", "85.00", "2960.00")
    with pytest.raises(ImportFailure) as info:
        FROM_LEDGER["bramblewood"].extract(str(path), [])
    error = info.value
    assert (error.line, error.column, error.code) == (4, "Deduction", "FCT210")
    assert f"the deduction '{label}' of 25.00 USD from BW-102 names a fee" in str(error)
    assert what in str(error)
    assert f'deduction_kinds=[(r"{pattern}", "other")]' in str(error)
    assert f'[(r"{pattern}", "none")]' in str(error)
    # Said to be a fee, it is one: fees 105.00 + 25.00 + 35.00 + 25.00 + 5.00 = 195.00.
    importer = _with(deduction_kinds=((label, "other"),))
    base = BASE.replace("2980.00 USD", "2955.00 USD")
    entries, errors = booked(base, importer.extract(str(path), loader.load_string(base)[0]))
    assert errors == []
    assert balance(entries, "Expenses:Factoring:Bramblewood:Fees") == D("195.00")
    assert balance(entries, "Assets:Factoring:Bramblewood:Clearing") == 0
