"""Deductions that are no fee, booked to the accounts the importer's `deductions=` names
(docs/importers.md, "Deductions and net funded").

A carrier's factor takes more than fees from a funding: fuel bought on its fuel card, a
tax levy or garnishment it paid for the carrier, an escrow it holds back. The importer
refused them (FCT210, "write it on the deposit"), so a weekly report stopped the import.
Now each becomes a `fee` event of `charge: "deduction"` with the `account:` named for
its kind; the plugin books it there, never on the fees account, and leaves it owed on
the clearing account, where the deposit that funds the invoice nets it.

Bramblewood's report of schedule S-78 (advance 90%, flat fee 3%, reserve 10%, 5.00 ACH):

    invoice  face      advance   fee    deduction                  net funded
    BW-101   1,000.00    900.00  30.00   25.00 Wire Fee              845.00
    BW-102   2,000.00  1,800.00  60.00  100.00 Fuel Card           1,640.00
    BW-103     500.00    450.00  15.00   35.00 IRS Tax Levy          400.00
    BW-104   1,500.00  1,350.00  45.00   50.00 Escrow holdback     1,255.00
    total    5,000.00  4,500.00 150.00  210.00                     4,140.00

    4,500.00 - 150.00 - 210.00 = 4,140.00 net funded; the bank credit 4,140.00 - 5.00 ACH
    = 4,135.00.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import printer
from factor_config import BRAMBLEWOOD, DOCUMENTS, LEDGER

from beancount_factoring.importers import profiles
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.factor_entries import deduction_kind
from beancount_factoring.reports import compute

D = Decimal
_LEDGER = LEDGER.read_text(encoding="utf-8")
# The samples' agreements and invoices, BW-104 and the accounts the deductions go to, and
# Bramblewood's deposit of S-78 as the bank importer writes it (it names nothing).
BASE = (
    _LEDGER[: _LEDGER.index("; The factors' deposits")]
    + """
2025-01-01 open Expenses:Fuel                          USD
2025-01-01 open Liabilities:Taxes:Levy
2025-01-01 open Assets:Factoring:Bramblewood:Escrow

2025-03-14 * "Bayline Logistics" "Load BL-92002"
  invoice: "BW-104"
  Assets:Receivable:Bayline          1500.00 USD
  Income:Freight

2025-03-18 * "BRAMBLEWOOD CAPITAL" "ACH CREDIT"
  Assets:Bank:Checking               4135.00 USD
  Assets:Factoring:Bramblewood:Clearing
"""
)
HEADER = (
    "Bramblewood Capital - Funding Report\n"
    "Schedule,Funded,Debtor,Invoice,Face Value,Advance,Factoring Fee,Reserve,Deduction,"
    "Deduction Type,Net Funded\n"
)
ROWS = [
    "S-78,2025-03-17,NORTHSTAR LOGISTICS LLC,BW-101,1000.00,900.00,30.00,100.00,25.00,"
    "Wire Fee,845.00",
    'S-78,2025-03-17,"CROSSROADS BROKERAGE, INC.",BW-102,2000.00,1800.00,60.00,200.00,'
    "100.00,Fuel Card,1640.00",
    "S-78,2025-03-17,BAYLINE LOGISTICS,BW-103,500.00,450.00,15.00,50.00,35.00,IRS Tax Levy,400.00",
    "S-78,2025-03-17,BAYLINE LOGISTICS,BW-104,1500.00,1350.00,45.00,150.00,50.00,"
    "Escrow holdback,1255.00",
]
TOTAL = "Total,,,,5000.00,4500.00,150.00,500.00,210.00,,4140.00\n"
ACCOUNTS = {
    "fuel": "Expenses:Fuel",
    "levy": "Liabilities:Taxes:Levy",
    "escrow": "Assets:Factoring:Bramblewood:Escrow",
}


def _report(tmp_path: Path, rows: list[str] = ROWS, total: str = TOTAL) -> Path:
    path = tmp_path / "funding_report.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n" + total, encoding="utf-8")
    return path


def _importer(deductions: Any = ACCOUNTS, **options: Any) -> FactorReportImporter:
    profile = dataclasses.replace(BRAMBLEWOOD, **options) if options else BRAMBLEWOOD
    return FactorReportImporter(profile, "Bramblewood", deductions=deductions)


def _extract(path: Path, base: str = BASE, **options: Any) -> list[data.Directive]:
    existing, _, _ = loader.load_string(base)
    return _importer(**options).extract(str(path), existing)


def _text(base: str, entries: list[data.Directive]) -> str:
    return base + "\n" + "\n".join(printer.format_entry(e) for e in entries)


def _balance(entries: list[data.Directive], account: str) -> Decimal:
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


def _failure(path: Path, **options: Any) -> ImportFailure:
    with pytest.raises(ImportFailure) as info:
        _extract(path, **options)
    return info.value


def test_each_deduction_goes_to_the_account_named_for_its_kind(tmp_path: Path) -> None:
    fees = [e for e in _extract(_report(tmp_path)) if e.meta.get("factoring") == "fee"]
    assert [
        (e.narration, e.meta["charge"], e.meta.get("account"), e.meta["amount"].number)
        for e in fees
    ] == [
        ("Wire Fee, schedule S-78, BW-101", "wire", None, D("25.00")),
        ("Fuel Card, schedule S-78, BW-102", "deduction", "Expenses:Fuel", D("100.00")),
        ("IRS Tax Levy, schedule S-78, BW-103", "deduction", "Liabilities:Taxes:Levy", D("35.00")),
        (
            "Escrow holdback, schedule S-78, BW-104",
            "deduction",
            "Assets:Factoring:Bramblewood:Escrow",
            D("50.00"),
        ),
    ]
    # Each links the invoice it was deducted from, and a link of its own.
    assert fees[1].links == {"fee-2025-03-17-BW-102", "BW-102"}


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_plugin_books_them_and_the_deposit_nets_them(tmp_path: Path, model: str) -> None:
    """Loaded with the plugin, the imported report and the 4,135.00 credit give no error:
    advance 4,500.00 - fee 150.00 - deductions 210.00 - ACH 5.00 = 4,135.00 in the bank.
    Fees: 150.00 discount + 25.00 wire + 5.00 ACH = 180.00, never the fuel, the levy or
    the escrow, each on its own account; the clearing account is back at zero."""
    base = BASE
    if model == "loan":
        base = BASE.replace(
            '"factoring-agreement" "Bramblewood"\n',
            '"factoring-agreement" "Bramblewood"\n  model: "loan"\n',
        )
        assert base != BASE
    text = _text(base, _extract(_report(tmp_path), base))
    entries, errors, options = loader.load_string(text)
    assert [e.message for e in errors] == []
    assert _balance(entries, "Assets:Factoring:Bramblewood:Clearing") == 0
    assert _balance(entries, "Expenses:Factoring:Bramblewood:Fees") == D("180.00")
    assert _balance(entries, "Expenses:Fuel") == D("100.00")
    assert _balance(entries, "Liabilities:Taxes:Levy") == D("35.00")
    assert _balance(entries, "Assets:Factoring:Bramblewood:Escrow") == D("50.00")
    if model == "sale":  # (a loan holds no reserve)
        # Reserve: 10% of 5,000.00.
        assert _balance(entries, "Assets:Factoring:Bramblewood:Reserve") == D("500.00")
    deposit = next(
        e for e in entries if isinstance(e, data.Transaction) and e.narration == "ACH CREDIT"
    )
    assert {"fee-2025-03-17-BW-102", "fee-2025-03-17-BW-103", "fee-2025-03-17-BW-104"} <= (
        deposit.links
    )
    # The cost report counts the fees alone: 180.00.
    report = compute(entries, options, []).cost(datetime.date(2025, 3, 31))
    assert sum(line.fees.total for line in report.by_factor) == D("180.00")


def test_without_the_deductions_the_deposit_would_not_match(tmp_path: Path) -> None:
    """A real check: the schedule and the wire fee alone give 4,345.00 - 5.00 = 4,340.00,
    not the 4,135.00 credit (the 185.00 of fuel, levy and escrow)."""
    imported = _extract(_report(tmp_path))
    kept = [e for e in imported if e.meta.get("charge") != "deduction"]
    assert len(kept) == len(imported) - 3
    _, errors, _ = loader.load_string(_text(BASE, kept))
    assert any(e.message.startswith(("FCT101", "FCT120")) for e in errors), errors


def test_importing_twice_adds_nothing(tmp_path: Path) -> None:
    path = _report(tmp_path)
    first = _extract(path)
    booked = _text(BASE, first)
    existing, _, _ = loader.load_string(booked)
    importer = _importer()
    again = importer.extract(str(path), existing)
    importer.deduplicate(again, existing)
    assert len(again) == len(first)
    assert all("__duplicate__" in e.meta for e in again)


def test_a_kind_without_an_account_is_fct209_at_import(tmp_path: Path) -> None:
    """Without `deductions=`, the fuel (the first deduction that is no fee) stops the
    import, naming the file, the line, the column and both ways to fix it."""
    path = _report(tmp_path)
    error = _failure(path, deductions=None)
    assert (error.line, error.column, error.code) == (4, "Deduction", "FCT209")
    assert str(error) == (
        f"{path}:4, column 'Deduction': FCT209 the deduction 'Fuel Card' from BW-102 is "
        "fuel bought on the factor's fuel card, no fee: the importer books it to the "
        'account its deductions= setting names for "fuel" (your fuel expense, or the fuel '
        'card\'s liability), and names none. Give the importer deductions={"fuel": '
        '"Expenses:Fuel"} (an account the ledger opens); or, to write it on the deposit '
        'that funds the invoice yourself, give the profile deduction_kinds=[(r"Fuel Card", '
        '"none")]'
    )


@pytest.mark.parametrize(
    ("missing", "line", "example"),
    [
        ("fuel", 4, '{"fuel": "Expenses:Fuel"}'),
        ("levy", 5, '{"levy": "Liabilities:Taxes:Levy"}'),
        ("escrow", 6, '{"escrow": "Assets:Factoring:Bramblewood:Escrow"}'),
    ],
)
def test_each_kind_needs_its_own_account(
    tmp_path: Path, missing: str, line: int, example: str
) -> None:
    """Never booked to the fees account in its place: the kind left out stops the import."""
    accounts = {kind: name for kind, name in ACCOUNTS.items() if kind != missing}
    error = _failure(_report(tmp_path), deductions=accounts)
    assert (error.line, error.column, error.code) == (line, "Deduction", "FCT209")
    assert f"deductions={example}" in str(error)


@pytest.mark.parametrize(
    "account",
    [
        "Assets:Factoring:Bramblewood:Clearing",
        "Assets:Factoring:Bramblewood:Reserve",
    ],
)
def test_a_factors_own_account_is_fct209(tmp_path: Path, account: str) -> None:
    """An escrow on the clearing account would net itself (the deposit short, said
    nowhere); on the reserve, lost among the invoices' reserves."""
    error = _failure(_report(tmp_path), deductions={**ACCOUNTS, "escrow": account})
    assert (error.line, error.column, error.code) == (6, "Deduction", "FCT209")
    assert f'deductions= names {account} for "escrow", one of Bramblewood\'s own' in str(error)


def test_an_account_opened_for_another_currency_is_fct209(tmp_path: Path) -> None:
    """Expenses:Fuel opened for USD only, the fuel of a CAD row: Beancount would refuse
    the plugin's posting after the import; the importer says so at the row."""
    rows = [ROWS[1].replace("2025-03-17,", "2025-03-17,CAD,", 1)]
    header = HEADER.replace("Funded,", "Funded,Currency,", 1)
    path = tmp_path / "funding_report.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    base = BASE + (
        '\n2025-01-01 custom "factoring-agreement" "Bramblewood"\n  currency: "CAD"\n'
        '  advance-rate: 0.90\n  fee: "flat 3%"\n  recourse-days: 90\n'
        '  payee: "BRAMBLEWOOD"\n  bank: Assets:Bank:CAD\n'
    )
    columns = {**BRAMBLEWOOD.columns, "currency": "Currency"}
    with pytest.raises(ImportFailure) as info:
        _extract(path, base, columns=columns)
    error = info.value
    assert (error.line, error.column, error.code) == (3, "Currency", "FCT209")
    assert "Expenses:Fuel is opened for USD only" in str(error)


def test_the_profile_may_say_what_a_label_is(tmp_path: Path) -> None:
    """A label the importer reads as a fee ("Comdata") is fuel by the profile's word."""
    rows = [ROWS[0], ROWS[1].replace("Fuel Card", "Comdata"), *ROWS[2:]]
    imported = _extract(_report(tmp_path, rows), deduction_kinds=((r"comdata", "fuel"),))
    fuel = next(e for e in imported if "BW-102" in e.links and e.meta.get("factoring") == "fee")
    assert (fuel.meta["charge"], fuel.meta["account"]) == ("deduction", "Expenses:Fuel")
    assert deduction_kind("Comdata") == "other"


@pytest.mark.parametrize(
    ("deductions", "error", "said"),
    [
        ({"fual": "Expenses:Fuel"}, ValueError, "'fual' is not a kind of deduction"),
        ({"fuel": "Income:Fuel"}, ValueError, "is an Income account"),
        ({"escrow": "Expenses:Escrow"}, ValueError, "must be an Assets account"),
        ({"levy": "liabilities:levy"}, ValueError, "is not an account name Beancount reads"),
        ({"fuel": 5}, TypeError, "give an account name in quotes"),
        ("Expenses:Fuel", TypeError, "give a mapping of kind to account"),
    ],
)
def test_a_setting_that_cannot_be_used_is_refused_when_the_importer_is_made(
    deductions: Any, error: type[Exception], said: str
) -> None:
    with pytest.raises(error, match=said):
        _importer(deductions)


# What the importer could take for a deduction that is not one, or lose.


@pytest.mark.parametrize("label", ["Escrow release", "Reserve returned", "Fuel rebate"])
def test_money_coming_back_is_never_booked_as_a_deduction(tmp_path: Path, label: str) -> None:
    """Without a net funded column, an escrow released (50.00 the factor paid back with
    BW-104's funding) was read as an escrow held: 50.00 booked into the escrow account
    that left it, and the deposit 100.00 off. A credit is FCT210."""
    rows = [*ROWS[:3], ROWS[3].replace("Escrow holdback", label)]
    lines = [row.rsplit(",", 1)[0] for row in rows]
    header = HEADER.replace(",Net Funded", "")
    path = tmp_path / "funding_report.csv"
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    columns = {key: value for key, value in BRAMBLEWOOD.columns.items() if key != "net"}
    error = _failure(path, columns=columns, signature=())
    assert (error.line, error.column, error.code) == (6, "Deduction", "FCT210")
    assert "is money the factor pays back to you" in str(error)


def test_a_deduction_the_net_funded_adds_is_a_credit(tmp_path: Path) -> None:
    """BW-104's 50.00 labelled "Escrow" where its net funded counts it in (1,350.00 -
    45.00 + 50.00 = 1,355.00): the report said the factor paid it. It was "net funded
    1,355.00 is not ... = 1,255.00: the report disagrees with itself"; it is a credit."""
    rows = [*ROWS[:3], ROWS[3].replace("Escrow holdback,1255.00", "Escrow,1355.00")]
    path = _report(tmp_path, rows, TOTAL.replace("4140.00", "4240.00"))
    error = _failure(path)
    assert (error.line, error.column, error.code) == (6, "Deduction", "FCT210")
    assert str(error).endswith(
        "FCT210 the deduction 50.00 is added to net funded (advance 1,350.00 - fees 45.00 + "
        "50.00 = 1,355.00): it is a credit (a rebate, an escrow released, an adjustment in "
        "your favour), which the factor paid, not took; book the credit as a transaction "
        "of your own (crediting the account it refunds) and delete it from the row"
    )


@pytest.mark.parametrize(
    ("label", "kind"),
    [("Reserve fee", "escrow"), ("Fuel card fee", "fuel"), ("Escrow release fee", "escrow")],
)
def test_a_fee_named_beside_what_is_no_fee_is_fct210(
    tmp_path: Path, label: str, kind: str
) -> None:
    """A "Reserve fee" was refused as an escrow (FCT210); with an escrow account named it
    would have been booked as one, 50.00 of fee held as escrow. Which it is, the label
    cannot tell: the profile says (`other` for a fee)."""
    rows = [*ROWS[:3], ROWS[3].replace("Escrow holdback", label)]
    error = _failure(_report(tmp_path, rows))
    assert (error.line, error.column, error.code) == (6, "Deduction", "FCT210")
    assert f"the deduction '{label}' of 50.00 USD from BW-104 names a fee and" in str(error)
    assert '"other")]; if it is' in str(error)
    assert f'"{kind}")] (booked to the account deductions= names for it)' in str(error)
    # Said to be a fee, it is one.
    fees = _extract(_report(tmp_path, rows), deduction_kinds=((label, "other"),))
    fee = next(e for e in fees if e.meta.get("factoring") == "fee" and "BW-104" in e.links)
    assert (fee.meta["charge"], fee.meta["amount"].number) == ("other", D("50.00"))


def test_a_deduction_row_without_an_invoice_number_is_fct205(tmp_path: Path) -> None:
    """A fuel purchase on a line of its own under the schedule, no invoice number: the row
    fills 4 of 11 columns, so it was left out as a footer, the 100.00 of fuel booked
    nowhere (the report's total still added up) and the deposit 100.00 short, said
    nowhere."""
    rows = [*ROWS, "S-78,2025-03-17,,,,,,,100.00,Fuel Card,"]
    total = TOTAL.replace("210.00", "310.00")
    error = _failure(_report(tmp_path, rows, total))
    assert (error.line, error.column, error.code) == (7, "Invoice", "FCT205")
    assert "the row deducts 'Fuel Card', fuel bought on the factor's fuel card" in str(error)
    assert 'deduction_kinds=[(r"Fuel Card", "none")]' in str(error)
    # Said to be booked by hand, it is left out as before.
    _extract(_report(tmp_path, rows, total), deduction_kinds=((r"fuel card", "none"),))


def test_a_footer_of_fuel_under_the_deductions_is_fct205(tmp_path: Path) -> None:
    """Lakeshore writes a schedule's footers as its transfer fee's: the label under
    Deductions, the figure under Net Funded (`,,,,,,,,,,,,,Transfer Fee,($10.00)`). A fuel
    purchase so written was left out like the transfer fee."""
    text = (DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv").read_text("utf-8")
    first = ",,,,,,,,,,,,,Transfer Fee,($10.00)\n"
    assert first in text
    text = text.replace(first, first + ",,,,,,,,,,,,,Fuel Card,($100.00)\n", 1)
    text = text.replace('$201.25,$0.00,"$3,703.12"', '$201.25,$0.00,"$3,603.12"')
    path = tmp_path / "lakeshore_purchase.csv"
    path.write_text(text, "utf-8")
    importer = FactorReportImporter(profiles.LAKESHORE, "Lakeshore", deductions=ACCOUNTS)
    with pytest.raises(ImportFailure) as info:
        importer.extract(str(path), [])
    error = info.value
    assert (error.line, error.column, error.code) == (6, "Invoice #", "FCT205")
    # The transfer fee's footer alone is left out, as ever.
    path.write_text(
        text.replace(",,,,,,,,,,,,,Fuel Card,($100.00)\n", "").replace("$3,603.12", "$3,703.12"),
        "utf-8",
    )
    assert importer.extract(str(path), [])


def test_a_summary_of_the_deductions_below_the_total_is_read_as_one(tmp_path: Path) -> None:
    """Below its total the report sums its deductions by type, each under the type and
    the deductions as the rows write them: no deduction of its own, it restates the
    rows' (Fuel Card 100.00 is BW-102's). It was FCT205 "gives no invoice number"; its
    fix, deduction_kinds "none", would have left BW-102's fuel out."""
    summary = (
        ",,,,,,,,,,\nDeductions by type,,,,,,,,,,\n"
        ",,,,,,,,25.00,Wire Fee,\n,,,,,,,,100.00,Fuel Card,\n,,,,,,,,35.00,IRS Tax Levy,\n"
        ",,,,,,,,50.00,Escrow holdback,\n"
    )
    plain = _extract(_report(tmp_path))
    assert _extract(_report(tmp_path, total=TOTAL + summary)) == plain


def test_a_deduction_below_the_total_that_restates_no_row_is_fct205(tmp_path: Path) -> None:
    """Below the total, fuel of 60.00 that no row deducts is a deduction of its own."""
    error = _failure(_report(tmp_path, total=TOTAL + ",,,,,,,,60.00,Fuel Card,\n"))
    assert (error.line, error.column, error.code) == (8, "Invoice", "FCT205")
