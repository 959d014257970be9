"""Reports and statements in a second currency (Canadian dollars beside US dollars).

An importer that says nothing writes what is right: each row is booked under the
agreement of its own currency (docs/ledger.md 6.13), or the importer refuses the file
with one error naming the row and how to fix it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.core import data

from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.invoices import InvoiceImporter
from beancount_factoring.importers.profiles import Profile

# A factor with a US and a Canadian desk: one agreement per currency, each with accounts
# of its own (Assets:Factoring:Maplewood:USD:Clearing, ...:CAD:...).
PER_CURRENCY = """
2025-01-01 open Assets:Bank:USD     USD
2025-01-01 open Assets:Bank:CAD     CAD
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Maplewood"
  currency: "USD"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "MAPLEWOOD"
  bank: Assets:Bank:USD

2025-01-01 custom "factoring-agreement" "Maplewood"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "MAPLEWOOD"
  bank: Assets:Bank:CAD
"""

# One agreement for every currency, paid into a bank account of US dollars only.
ONE_AGREEMENT = """
2025-01-01 open Assets:Bank:USD     USD
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Maplewood"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "MAPLEWOOD"
  bank: Assets:Bank:USD
"""

RESERVE = Profile.generic(
    kind="reserve",
    columns={"date": "Date", "type": "Type", "reference": "Ref", "invoice": "Invoice",
             "amount": "Amount", "balance": "Balance", "currency": "Currency"},
    types=((r"holdback", "holdback"), (r"release", "release"), (r"fee", "fee")),
    name="maplewood",
    factor="Maplewood Capital",
)  # fmt: skip

PURCHASE = Profile.generic(
    kind="purchase",
    columns={"schedule": "Schedule", "date": "Date", "debtor": "Debtor",
             "invoice": "Invoice", "face": "Face", "currency": "Currency"},
    name="maplewood",
    factor="Maplewood Capital",
)  # fmt: skip


def ledger(text: str) -> list[Any]:
    entries, errors, _ = loader.load_string(text)
    assert not errors, [error.message for error in errors]
    return list(entries)


def document(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def postings(entry: data.Transaction) -> list[tuple[str, str]]:
    return [(p.account, p.units.to_string() if p.units else "") for p in entry.postings]


# F1: a factor's report is booked under the agreement of each row's currency.


def test_a_reserve_row_takes_the_accounts_of_its_currencys_agreement(tmp_path: Path) -> None:
    path = document(
        tmp_path,
        "reserve.csv",
        "Date,Type,Ref,Invoice,Amount,Balance,Currency\n"
        "2025-03-04,Holdback,S-1,,150.00,150.00,USD\n"
        "2025-03-04,Holdback,S-2,,300.00,300.00,CAD\n"
        "2025-03-20,Fee,F-1,,-5.00,295.00,CAD\n"
        "2025-04-10,Release,ACH 1,,-150.00,0.00,USD\n"
        "2025-04-10,Release,EFT 2,,-295.00,0.00,CAD\n",
    )
    importer = FactorReportImporter(RESERVE, "Maplewood", balances="none")
    entries = importer.extract(path, ledger(PER_CURRENCY))
    shown = [postings(e) for e in entries]
    assert shown == [
        [
            ("Expenses:Factoring:Maplewood:CAD:Fees", "5.00 CAD"),
            ("Assets:Factoring:Maplewood:CAD:Reserve", "-5.00 CAD"),
        ],
        [
            ("Assets:Bank:USD", "150.00 USD"),
            ("Assets:Factoring:Maplewood:USD:Reserve", "-150.00 USD"),
        ],
        [
            ("Assets:Bank:CAD", "295.00 CAD"),
            ("Assets:Factoring:Maplewood:CAD:Reserve", "-295.00 CAD"),
        ],
    ]
    balances = FactorReportImporter(RESERVE, "Maplewood", balances="last")
    closing = [
        e for e in balances.extract(path, ledger(PER_CURRENCY)) if isinstance(e, data.Balance)
    ]
    assert {(e.account, e.amount.currency) for e in closing} == {
        ("Assets:Factoring:Maplewood:USD:Reserve", "USD"),
        ("Assets:Factoring:Maplewood:CAD:Reserve", "CAD"),
    }


def test_a_release_booked_from_the_bank_is_a_duplicate_under_its_currencys_agreement(
    tmp_path: Path,
) -> None:
    booked = PER_CURRENCY + (
        "\n2025-01-01 open Assets:Factoring:Maplewood:USD:Reserve\n"
        '\n2025-04-10 * "MAPLEWOOD RESERVE REBATE"\n'
        '  factoring: "release"\n'
        "  Assets:Bank:USD                          150.00 USD\n"
        "  Assets:Factoring:Maplewood:USD:Reserve  -150.00 USD\n"
    )
    path = document(
        tmp_path,
        "reserve.csv",
        "Date,Type,Ref,Invoice,Amount,Balance,Currency\n"
        "2025-03-04,Holdback,S-1,,150.00,150.00,USD\n"
        "2025-04-10,Release,ACH 1,,-150.00,0.00,USD\n",
    )
    importer = FactorReportImporter(RESERVE, "Maplewood", balances="none")
    existing = ledger(booked)
    entries = importer.extract(path, existing)
    importer.deduplicate(entries, existing)
    assert [e.meta.get("__duplicate__") is not None for e in entries] == [True]


def test_a_schedule_takes_the_clearing_account_of_its_currency(tmp_path: Path) -> None:
    path = document(
        tmp_path,
        "purchase.csv",
        "Schedule,Date,Debtor,Invoice,Face,Currency\n"
        "S-1,2025-03-04,Northline,MW-101,1000.00,USD\n"
        "S-2,2025-03-04,Laval,MW-103,1500.00,CAD\n",
    )
    entries = FactorReportImporter(PURCHASE, "Maplewood").extract(path, ledger(PER_CURRENCY))
    assert [postings(e)[0] for e in entries] == [
        ("Assets:Factoring:Maplewood:USD:Clearing", "1000.00 USD"),
        ("Assets:Factoring:Maplewood:CAD:Clearing", "1500.00 CAD"),
    ]


def test_a_row_in_a_currency_no_agreement_covers_is_an_error(tmp_path: Path) -> None:
    path = document(
        tmp_path,
        "purchase.csv",
        "Schedule,Date,Debtor,Invoice,Face,Currency\n"
        "S-1,2025-03-04,Northline,MW-101,1000.00,USD\n"
        "S-2,2025-03-04,Kuhl,MW-105,800.00,EUR\n",
    )
    with pytest.raises(ImportFailure) as info:
        FactorReportImporter(PURCHASE, "Maplewood").extract(path, ledger(PER_CURRENCY))
    message = str(info.value)
    assert message.startswith(f"{path}:3, column 'Currency': FCT209 this row is in EUR")
    assert "(CAD, USD), none for EUR" in message
    assert 'currency: "EUR"' in message


def test_a_release_into_a_bank_account_of_another_currency_is_an_error(tmp_path: Path) -> None:
    """One agreement for every currency, and a bank opened for US dollars only: a release
    in Canadian dollars cannot be paid into it, so the importer writes nothing."""
    path = document(
        tmp_path,
        "reserve.csv",
        "Date,Type,Ref,Invoice,Amount,Balance,Currency\n"
        "2025-03-04,Holdback,S-1,,150.00,150.00,USD\n"
        "2025-03-04,Holdback,S-2,,300.00,300.00,CAD\n"
        "2025-04-10,Release,ACH 1,,-150.00,0.00,USD\n"
        "2025-04-10,Release,EFT 2,,-300.00,0.00,CAD\n",
    )
    importer = FactorReportImporter(RESERVE, "Maplewood", balances="none")
    with pytest.raises(ImportFailure) as info:
        importer.extract(path, ledger(ONE_AGREEMENT))
    assert str(info.value) == (
        f"{path}:5, column 'Currency': FCT209 this row is in CAD, and Maplewood's bank "
        "account Assets:Bank:USD is opened for USD only: give Maplewood an agreement with "
        'currency: "CAD" and accounts of that currency (docs/ledger.md 6.13), or book the '
        "row by hand"
    )
    # A bank account opened for both currencies takes both.
    both = ONE_AGREEMENT.replace("Assets:Bank:USD     USD", "Assets:Bank:USD     USD,CAD")
    entries = importer.extract(path, ledger(both))
    assert [postings(e)[0] for e in entries] == [
        ("Assets:Bank:USD", "150.00 USD"),
        ("Assets:Bank:USD", "300.00 CAD"),
    ]


# F2: a bank line goes to the clearing account of the agreement of its currency.

# Invoice MW-101 (US dollars) sold to Maplewood's US desk.
SOLD = (
    PER_CURRENCY
    + """
2025-01-01 open Assets:Receivable:Northline
2025-01-01 open Assets:Factoring:Maplewood:USD:Clearing

2025-03-01 * "Northline" "Load to Dayton"
  invoice: "MW-101"
  Assets:Receivable:Northline   1000.00 USD
  Income:Freight

2025-03-03 * "Maplewood" "Schedule S-1" ^MW-101
  factoring: "schedule"
  factor: "Maplewood"
  Assets:Factoring:Maplewood:USD:Clearing   1000.00 USD
  Assets:Receivable:Northline              -1000.00 USD
"""
)


@pytest.mark.parametrize(
    ("bank", "currency", "clearing"),
    [
        ("Assets:Bank:USD", "USD", "Assets:Factoring:Maplewood:USD:Clearing"),
        ("Assets:Bank:CAD", "CAD", "Assets:Factoring:Maplewood:CAD:Clearing"),
    ],
)
def test_a_bank_line_goes_to_the_clearing_account_of_its_currency(
    tmp_path: Path, bank: str, currency: str, clearing: str
) -> None:
    path = document(
        tmp_path,
        "checking.csv",
        "Date,Description,Amount\n03/27/2025,MAPLEWOOD CAPITAL REBATE ACH CREDIT,87.00\n",
    )
    for factors in (ledger(PER_CURRENCY), None):  # given as factors=, or by extract -e
        importer = BankCsvImporter(bank, currency=currency, factors=factors)
        (entry,) = importer.extract(path, ledger(PER_CURRENCY))
        assert postings(entry) == [(bank, f"87.00 {currency}"), (clearing, "")]


def test_a_forwarded_payment_goes_to_the_due_to_factor_account_of_its_currency(
    tmp_path: Path,
) -> None:
    path = document(
        tmp_path,
        "checking.csv",
        "Date,Description,Amount\n"
        "03/19/2025,NORTHLINE ACH PMT MW-101,1000.00\n"
        "03/20/2025,MAPLEWOOD CAPITAL WIRE OUT MW-101,-1000.00\n",
    )
    entries = BankCsvImporter("Assets:Bank:USD").extract(path, ledger(SOLD))
    assert entries[0].meta["factoring"] == "misdirected-payment"
    assert postings(entries[1]) == [
        ("Assets:Bank:USD", "-1000.00 USD"),
        ("Liabilities:Factoring:Maplewood:USD:DueToFactor", ""),
    ]


# F3/F4: a collections report's row is in the currency of the invoice it pays.

COLLECTIONS = Profile.generic(
    kind="collections",
    columns={"invoice": "Invoice", "date": "Paid On", "debtor": "Payer", "reference": "Ref",
             "face": "Invoice Total", "paid": "Received", "currency": "Currency"},
    name="maplewood",
    factor="Maplewood Capital",
)  # fmt: skip

# Invoice MW-102, in Canadian dollars.
CANADIAN = (
    PER_CURRENCY
    + """
2025-01-01 open Assets:Receivable:Northline

2025-03-01 * "Northline" "Load to Windsor"
  invoice: "MW-102"
  Assets:Receivable:Northline   2000.00 CAD
  Income:Freight
"""
)
HEADER = "Invoice,Paid On,Payer,Ref,Invoice Total,Received,Currency\n"


def test_a_payment_in_another_currency_than_the_invoices_is_an_error(tmp_path: Path) -> None:
    """Paid 2,000.00 USD on an invoice of 2,000.00 CAD: written as a plain `collected`,
    the plugin would book the CAD face collected."""
    path = document(
        tmp_path,
        "collections.csv",
        HEADER + 'MW-102,2025-04-03,Northline,W-2,"2,000.00","2,000.00",USD\n',
    )
    with pytest.raises(ImportFailure) as info:
        FactorReportImporter(COLLECTIONS, "Maplewood").extract(path, ledger(CANADIAN))
    message = str(info.value)
    assert message.startswith(
        f"{path}:2, column 'Currency': FCT210 invoice MW-102 is in CAD in the ledger (<string>:"
    )
    assert "and this row pays it in USD: correct the row's currency" in message
    # Without a currency column, the profile's currency is the row's; the error is on
    # the paid column.
    plain = replace(
        COLLECTIONS, columns={k: v for k, v in COLLECTIONS.columns.items() if k != "currency"}
    )
    path = document(
        tmp_path,
        "plain.csv",
        HEADER.replace(",Currency", "") + "MW-102,2025-04-03,Northline,W-2,2000.00,2000.00\n",
    )
    with pytest.raises(ImportFailure) as info:
        FactorReportImporter(plain, "Maplewood").extract(path, ledger(CANADIAN))
    assert str(info.value).startswith(f"{path}:2, column 'Received': FCT210 invoice MW-102")
    # In the invoice's currency, it is read.
    (entry,) = FactorReportImporter(plain.replace(currency="CAD"), "Maplewood").extract(
        path, ledger(CANADIAN)
    )
    assert entry.meta["factoring"] == "collected"


def test_payments_of_one_invoice_in_two_currencies_are_an_error(tmp_path: Path) -> None:
    """1,000.00 CAD and 700.00 USD are not paid: 1,700.00 CAD."""
    path = document(
        tmp_path,
        "collections.csv",
        HEADER
        + 'MW-102,2025-04-03,Northline,W-2,"2,000.00","1,000.00",CAD\n'
        + 'MW-102,2025-04-05,Northline,W-5,"2,000.00",700.00,USD\n',
    )
    with pytest.raises(ImportFailure) as info:
        FactorReportImporter(COLLECTIONS, "Maplewood").extract(path, [])
    assert str(info.value) == (
        f"{path}:3, column 'Currency': FCT210 invoice MW-102 is paid in CAD on line 2 and in "
        "USD here: the rows of one invoice mix currencies, and their sum would be in neither; "
        "correct the row's currency, or book the payment in USD by hand and delete its row"
    )


# F6/F7: a file with a column of each row's currency, read by an importer of one currency.


def test_a_bank_line_in_another_currency_by_its_currency_column_is_an_error(
    tmp_path: Path,
) -> None:
    path = document(
        tmp_path,
        "checking.csv",
        "Date,Description,Amount,Currency\n"
        "04/02/2025,NORTHLINE WIRE,1000.00,USD\n"
        "04/02/2025,LAVAL EFT,1380.00,CAD\n",
    )
    importer = BankCsvImporter("Assets:Bank:USD", factors={})
    with pytest.raises(ImportFailure) as info:
        importer.extract(path, [])
    assert str(info.value) == (
        f"{path}:3, column 'Currency': FCT209 the row is in CAD by its column 'Currency', and "
        "this importer writes every amount in USD: import the rows in CAD with an importer "
        'of that currency (currency="CAD"), a file for each currency, or correct the cell'
    )
    # Every line in the importer's currency (or the cell left empty) is read.
    usd = document(
        tmp_path,
        "usd.csv",
        "Date,Description,Amount,Currency\n"
        "04/02/2025,NORTHLINE WIRE,1000.00,usd\n"
        "04/03/2025,FEE,-5.00,\n",
    )
    assert len(importer.extract(usd, [])) == 2
    # A sign, a name or an ISO number that stands for the importer's currency is read;
    # one that stands for another (CA$, Canadian Dollar, 124) or for none is FCT209.
    signs = document(
        tmp_path,
        "signs.csv",
        "Date,Description,Amount,Currency\n"
        "04/02/2025,NORTHLINE WIRE,1000.00,$\n"
        "04/03/2025,FEE,-5.00,US Dollar\n"
        "04/04/2025,INTEREST,0.12,840\n"
        "04/05/2025,WIRE,10.00,US$\n",
    )
    assert len(importer.extract(signs, [])) == 4
    for cell, words in [
        ("CDN$", "the row is in CAD"),
        ("Pesos", "names no currency this importer can tell"),
        ("CA$", "the row is in CAD"),
        ("Canadian Dollar", "the row is in CAD"),
        ("124", "the row is in CAD"),
        ("Dollar", "names no currency this importer can tell"),
    ]:
        other = document(
            tmp_path,
            "other.csv",
            f"Date,Description,Amount,Currency\n04/02/2025,LAVAL EFT,1380.00,{cell}\n",
        )
        with pytest.raises(ImportFailure) as info:
            importer.extract(other, [])
        assert words in str(info.value)


def test_an_invoice_row_in_another_currency_by_its_currency_column_is_an_error(
    tmp_path: Path,
) -> None:
    path = document(
        tmp_path,
        "invoices.csv",
        "Invoice #,Invoice Date,Customer,Charge,Amount,Currency\n"
        "RF-5001,04/01/2025,Northline,LINEHAUL,2260.00,USD\n"
        "RF-5002,04/02/2025,Laval,LINEHAUL,3100.00,CAD\n",
    )
    importer = InvoiceImporter(due=None, load=None)
    with pytest.raises(ImportFailure) as info:
        importer.extract(path, [])
    assert str(info.value).startswith(
        f"{path}:3, column 'Currency': FCT209 the row is in CAD by its column 'Currency'"
    )
    canadian = InvoiceImporter(due=None, load=None, currency="CAD")
    with pytest.raises(ImportFailure) as info:
        canadian.extract(path, [])
    assert str(info.value).startswith(f"{path}:2, column 'Currency': FCT209 the row is in USD")


def test_a_cell_marked_with_another_currency_than_its_rows_is_an_error(tmp_path: Path) -> None:
    """`USD 1,440.00` on a row whose currency column says CAD: read as the row's, it would
    be 1,440.00 CAD without a word. A cell marked with the row's own currency is read."""
    path = document(
        tmp_path,
        "marked.csv",
        HEADER + 'MW-102,2025-04-03,Northline,W-2,"CAD 2,000.00","USD 1,440.00",CAD\n',
    )
    with pytest.raises(ImportFailure) as info:
        FactorReportImporter(COLLECTIONS, "Maplewood").extract(path, ledger(CANADIAN))
    assert str(info.value).startswith(
        f"{path}:2, column 'Received': FCT207 'USD 1,440.00' is marked USD, but this row's "
        "currency is CAD"
    )
    path = document(
        tmp_path,
        "own.csv",
        HEADER + 'MW-102,2025-04-03,Northline,W-2,"CAD 2,000.00","CAD 2,000.00",CAD\n',
    )
    (entry,) = FactorReportImporter(COLLECTIONS, "Maplewood").extract(path, ledger(CANADIAN))
    assert entry.meta["factoring"] == "collected"


def test_a_dollar_sign_in_a_file_of_francs_is_no_currency(tmp_path: Path) -> None:
    path = document(
        tmp_path,
        "chf.csv",
        "Date,Description,Amount,Currency\n04/02/2025,LAVAL EFT,1380.00,$\n",
    )
    with pytest.raises(ImportFailure) as info:
        BankCsvImporter("Assets:Bank:CHF", currency="CHF", factors={}).extract(path, [])
    assert "names no currency this importer can tell" in str(info.value)
