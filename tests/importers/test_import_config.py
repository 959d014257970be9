"""Mistakes a bookkeeper makes in `import.py`: each is one error, naming the argument.

Before, each of these was taken, and later booked to an account of the wrong kind or one
Beancount cannot read (a ledger that does not parse, or a bank line booked as income in
silence), read one column as two fields, raised in `identify()` (which stops the whole
run, and Fava's whole import page), or left a statement unclaimed without a word.
"""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from bank_config import BANK_DOCS, eu_giro, us_checking
from beancount import loader

from beancount_factoring.importers import profiles
from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.ingest import closest, ingest
from beancount_factoring.importers.invoices import InvoiceImporter
from beancount_factoring.importers.ofx import OfxImporter

CHECKING = BANK_DOCS / "first_prairie_checking_2025-02-14.csv"
GIRO = BANK_DOCS / "rheinland_giro_2025-02.csv"
COLUMNS = {"date": "Posting Date", "balance": "Balance"}


@pytest.mark.parametrize(
    ("make", "says"),
    [
        # Not account names Beancount reads: the extracted text would not parse.
        (lambda: BankCsvImporter("Checking", **COLUMNS), "account: 'Checking' is not"),
        (lambda: BankCsvImporter("Assets:bank:checking", **COLUMNS), "'Assets:bank:checking'"),
        (lambda: BankCsvImporter("Assets:Bank:Checking", fallback="uncategorized"), "fallback:"),
        (lambda: OfxImporter("Checking", account_id="4417902216"), "account: 'Checking'"),
        # Accounts of the wrong kind: a bank line booked as income, in silence.
        (lambda: BankCsvImporter("Income:Freight", **COLUMNS), "is an Income account"),
        (lambda: OfxImporter("Expenses:Fuel", account_id="1"), "is an Expenses account"),
        (lambda: InvoiceImporter("Income:Freight"), "receivables: 'Income:Freight' is an Income"),
        (
            lambda: FactorReportImporter(profiles.LAKESHORE, "Lakeshore", fees="Assets:Fees"),
            "fees: 'Assets:Fees' is an Assets account",
        ),
        (
            lambda: FactorReportImporter(
                profiles.LAKESHORE, "Lakeshore", clearing="Income:Factoring:Lakeshore"
            ),
            "clearing: 'Income:Factoring:Lakeshore' is an Income account",
        ),
        (
            lambda: FactorReportImporter(
                profiles.LAKESHORE, "Lakeshore", debtors={"TQL": "Assets:receivable:TQL"}
            ),
            "debtors['TQL']",
        ),
        # A customer's leaf given as the whole account: Assets:Receivable:Assets:Receivable:X.
        (
            lambda: InvoiceImporter(customers={"TQL": "Assets:Receivable:TQL"}),
            "customers['TQL']: 'Assets:Receivable:TQL' is a whole account; give the part "
            "after 'Assets:Receivable' ('TQL')",
        ),
        (lambda: InvoiceImporter(customers={"TQL": "tql"}), "customers['TQL']: 'tql' makes no"),
        # Currencies Beancount cannot read.
        (lambda: BankCsvImporter("Assets:Bank:Checking", currency="usd"), "currency: 'usd'"),
        (lambda: OfxImporter("Assets:Bank:Checking", currency="$"), "currency: '$'"),
        (lambda: InvoiceImporter(currency="Euro"), "currency: 'Euro'"),
        # An account number given as a number: `0417` is a SyntaxError, `417` lost its 0,
        # and identify() raised on every file (Fava's whole import page failed).
        (
            lambda: BankCsvImporter("Assets:Bank:Checking", account_number=417),  # type: ignore[arg-type]
            "account_number: give it in quotes, as the files show it ('0417'), not as the "
            "number 417",
        ),
        (
            lambda: OfxImporter("Assets:Bank:Checking", account_id=4417902216),  # type: ignore[arg-type]
            "account_id: give it in quotes",
        ),
        (
            lambda: FactorReportImporter(profiles.LAKESHORE, "Lakeshore", client=10482),  # type: ignore[arg-type]
            "client: give it in quotes",
        ),
        (lambda: BankCsvImporter("Assets:Bank:Checking", account_number=" "), "account_number:"),
        (lambda: BankCsvImporter("Assets:Bank:Checking", skip_rows="2"), "skip_rows: give"),  # type: ignore[arg-type]
        # One column read as two fields: the running balance booked as each line's amount.
        (
            lambda: BankCsvImporter("Assets:Bank:Checking", amount="Balance", balance="Balance"),
            "amount and balance both name the column 'Balance'",
        ),
        (
            lambda: BankCsvImporter("Assets:Bank:Checking", debit="Amount", credit="amount"),
            "debit and credit both name the column 'amount'",
        ),
        (
            lambda: InvoiceImporter(invoice="Invoice No", load="Invoice No"),
            "invoice and load both name the column 'Invoice No'",
        ),
        # A factor pattern that matches every line: every bank line is the factor's deposit.
        (
            lambda: BankCsvImporter(
                "Assets:Bank:Checking", factors={".*": "Assets:Factoring:Lakeshore:Clearing"}
            ),
            "factors: the pattern '.*' matches an empty text",
        ),
        (
            lambda: BankCsvImporter(
                "Assets:Bank:Checking", factors={"LAKESHORE|": "Assets:Factoring:L:Clearing"}
            ),
            "factors: the pattern 'LAKESHORE|'",
        ),
        (
            lambda: BankCsvImporter(
                "Assets:Bank:Checking", factors={"LAKESHORE (": "Assets:Factoring:L:Clearing"}
            ),
            "factors: 'LAKESHORE (' is not a regular expression",
        ),
        (
            lambda: OfxImporter("Assets:Bank:Checking", factors={"LAKESHORE": "Lakeshore"}),
            "factors['LAKESHORE']: 'Lakeshore' is not an account name",
        ),
    ],
)
def test_a_mistake_is_one_error_naming_the_argument(make, says):
    with pytest.raises((ValueError, TypeError)) as caught:
        make()
    assert says in str(caught.value)


def test_a_profile_mapping_two_fields_to_one_column_is_refused():
    # The advance booked as the face value, or the face as the advance.
    with pytest.raises(ValueError, match="face and advance both name the column 'Amount'"):
        dataclasses.replace(
            profiles.LAKESHORE_PURCHASE,
            columns={**profiles.LAKESHORE_PURCHASE.columns, "face": "Amount", "advance": "Amount"},
        )
    with pytest.raises(ValueError, match="profile 'lakeshore': currency: 'usd'"):
        dataclasses.replace(profiles.LAKESHORE_PURCHASE, currency="usd")


def test_what_is_right_is_still_taken():
    # A payee and a narration from the one Description column; a reserve statement's type
    # read from its description (Copperline's shipped profile); a card on Liabilities.
    BankCsvImporter("Assets:Bank:Checking", payee="Description", narration="Description")
    BankCsvImporter("Liabilities:Card:Fleet", account_number="0417")
    assert profiles.COPPERLINE_RESERVE.columns["type"] == ("Description",)
    InvoiceImporter(customers={"TQL": "TQL", "Northstar Logistics": "Northstar"})
    FactorReportImporter(profiles.LAKESHORE, "Lakeshore", client="C10482", fees="Expenses:Fees")
    # A ledger that renames its roots names its accounts its own way.
    BankCsvImporter("Aktiva:Bank:Giro", fallback="Aufwand:Ungeklaert")


@pytest.mark.parametrize("skip", [0, 2, 6, 50])
def test_skip_rows_that_miss_the_header_are_named(skip, tmp_path):
    # The giro statement's header is on line 5 (four title lines): with skip_rows=2 the
    # header read is a title line, with 6 or 50 the header is skipped. The file was
    # unclaimed, and `closest` said nothing: its lines left unbooked in silence.
    giro = eu_giro()
    made = BankCsvImporter(
        giro.bank,
        currency="EUR",
        date="Buchungstag",
        payee="Auftraggeber/Empfänger",
        narration=["Buchungstext", "Verwendungszweck"],
        debit="Soll",
        credit="Haben",
        balance="Saldo",
        date_format="%d.%m.%Y",
        decimal_mark=",",
        delimiter=";",
        encoding="cp1252",
        skip_rows=skip,
        account_number="DE89 3704 0044 0532 0130 00",
    )
    path = str(tmp_path / GIRO.name)
    shutil.copy(GIRO, path)
    assert not made.identify(path)
    near = closest([made], path)
    assert near is not None
    read = f"reads line {skip + 1} as the header" if skip < 4 else "skips it"
    assert near[2] == (
        f"line 5 is the header the importer reads, and skip_rows={skip} {read}: set skip_rows=4"
    ), near


def test_skip_rows_past_a_header_on_the_first_line(tmp_path):
    made = BankCsvImporter(
        "Assets:Bank:Checking",
        date="Posting Date",
        balance="Balance",
        signature=("Details", "Type"),
        skip_rows=3,
    )
    path = str(tmp_path / CHECKING.name)
    shutil.copy(CHECKING, path)
    assert not made.identify(path)
    near = closest([made], path)
    assert near is not None and "line 1 is the header the importer reads" in near[2], near
    assert "set skip_rows=0" in near[2]
    assert us_checking().identify(path)  # (as configured right, the file is claimed)


def test_an_importer_listed_twice_in_config_is_refused():
    # Each file of the account was claimed twice and read by neither, and the advice was
    # to give each importer an account number; Fava refuses such a CONFIG.
    checking = us_checking()
    with pytest.raises(ValueError, match=r"CONFIG lists two importers named '.*Checking'"):
        ingest([checking, checking], [])
    with pytest.raises(ValueError, match="a name= of its own"):
        ingest([checking, us_checking()], [])
    ingest([checking, BankCsvImporter("Assets:Bank:Checking", name="checking-2")], [])


def test_a_currency_the_ledger_does_not_open_the_account_for():
    # currency="CAD" on the US checking account's importer: every line was written in
    # CAD (each figure right, in the wrong money), and bean-check then gave an error per
    # line. Now one error, before any line is read.
    ledger, _, _ = loader.load_string(
        "2025-01-01 open Assets:Bank:Checking USD\n2025-01-01 open Expenses:Uncategorized\n"
    )
    importer = BankCsvImporter("Assets:Bank:Checking", currency="CAD", **COLUMNS, factors={})
    with pytest.raises(ImportFailure) as caught:
        importer.extract(str(CHECKING), ledger)
    assert caught.value.code == "FCT209"
    assert caught.value.detail == (
        "the ledger opens Assets:Bank:Checking for USD only, and the importer writes the "
        "statement's amounts in CAD: give the importer currency='USD' (or, if the account "
        "holds CAD too, add it to its open directive)"
    )
    entries = BankCsvImporter("Assets:Bank:Checking", **COLUMNS, factors={}).extract(
        str(CHECKING), ledger
    )
    assert entries
