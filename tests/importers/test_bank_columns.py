"""What a bank statement's columns say beyond their figures: the sign a debit or credit
column writes its amounts with, a status under another header or in the description, the
unit a header names, a running balance that does not follow from the amounts.

Each case's comment gives what an older reading made of it, in silence.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data

from beancount_factoring.importers import profiles
from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter


def bank(**options: object) -> BankCsvImporter:
    options.setdefault("factors", {})
    return BankCsvImporter("Assets:Bank:Checking", **options)  # type: ignore[arg-type]


def write(tmp_path: Path, text: str, name: str = "checking.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def failure(importer: object, path: str) -> ImportFailure:
    assert importer.identify(path)  # type: ignore[attr-defined]
    with pytest.raises(ImportFailure) as caught:
        importer.extract(path, [])  # type: ignore[attr-defined]
    return caught.value


def booked(importer: BankCsvImporter, path: str) -> list[tuple[str, str, Decimal]]:
    return [
        (str(e.date), e.narration, e.postings[0].units.number)
        for e in importer.extract(path, [])
        if isinstance(e, data.Transaction)
    ]


# --- 1. The sign of a debit or credit column -------------------------------------------

DEBIT_CREDIT = {"debit": "Debit", "credit": "Credit"}


def test_a_credit_column_of_negative_credits_brings_money_in(tmp_path: Path) -> None:
    # Citi's card export writes every payment negative under Credit: money in (the
    # column says which way; its sign is the bank's way of writing it).
    path = write(
        tmp_path,
        "Date,Description,Debit,Credit\n"
        "04/09/2025,BLUE DINER,50.00,\n"
        "04/10/2025,PAYMENT THANK YOU,,-500.00\n"
        "04/11/2025,ONLINE PAYMENT,,-25.00\n",
    )
    assert booked(bank(**DEBIT_CREDIT), path) == [
        ("2025-04-09", "BLUE DINER", Decimal("-50.00")),
        ("2025-04-10", "PAYMENT THANK YOU", Decimal("500.00")),  # was -500.00
        ("2025-04-11", "ONLINE PAYMENT", Decimal("25.00")),  # was -25.00
    ]


def test_a_negative_credit_among_positive_ones_is_an_error(tmp_path: Path) -> None:
    # -50.00 under Credit beside credits written positive: a reversal (money out), or the
    # bank's own way with one line? It was booked -50.00 by the bank importer and +50.00
    # by the reserve importer: told by neither.
    path = write(
        tmp_path,
        "Date,Description,Debit,Credit\n"
        "04/09/2025,SUMMIT FUNDING ACH CREDIT,,1200.00\n"
        "04/10/2025,ACH CREDIT REVERSAL,,-50.00\n",
    )
    error = failure(bank(**DEBIT_CREDIT), path)
    assert (error.line, error.column, error.code) == (3, "Credit", "FCT211")
    assert "'-50.00' is negative under 'Credit', where line 2 writes '1200.00'" in error.detail
    assert "write it under 'Debit' as 50.00 if it took money out" in error.detail


def test_a_positive_credit_after_negative_ones_names_the_negative(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Date,Description,Debit,Credit\n"
        "04/09/2025,PAYMENT THANK YOU,,-500.00\n"
        "04/10/2025,REFUND,,20.00\n",
    )
    error = failure(bank(**DEBIT_CREDIT), path)
    # The error stands at the negative credit, naming the positive one.
    assert (error.line, error.column, error.code) == (2, "Credit", "FCT211")
    assert "where line 3 writes '20.00'" in error.detail


def test_a_negative_debit_among_positive_ones_is_an_error(tmp_path: Path) -> None:
    # A refunded fee as -5.00 under Debit: money back in, booked as 5.00 out.
    path = write(
        tmp_path,
        "Date,Description,Debit,Credit\n"
        "04/09/2025,WIRE FEE,15.00,\n"
        "04/10/2025,WIRE FEE REFUND,-5.00,\n",
    )
    error = failure(bank(**DEBIT_CREDIT), path)
    assert (error.line, error.column, error.code) == (3, "Debit", "FCT211")
    assert "write it under 'Credit' as 5.00 if it brought money in" in error.detail


def test_debits_written_negative_go_out_and_zeros_say_nothing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Date;Description;Soll;Haben\n"
        "04/09/2025;Miete;-100,00;0,00\n"
        "04/10/2025;Gutschrift;0,00;250,00\n"
        "04/11/2025;Tankstelle;-20,00;-0,00\n",
    )
    importer = bank(debit="Soll", credit="Haben", decimal_mark=",", delimiter=";")
    assert [number for *_, number in booked(importer, path)] == [
        Decimal("-100.00"),
        Decimal("250.00"),
        Decimal("-20.00"),
    ]


RESERVE_HEADER = "Date,Description,Invoice,Reference,Debit,Credit,Balance\n"


def reserve_importer() -> FactorReportImporter:
    profile = profiles.COPPERLINE_RESERVE.replace(sheet=None)
    return FactorReportImporter(profile, "Copperline", bank="Assets:Bank:CAD")


def test_the_reserve_importer_reads_a_credit_column_as_the_bank_importer(
    tmp_path: Path,
) -> None:
    # The same rule: a negative credit beside positive ones is FCT211 (it was read as a
    # credit, abs(-50.00)); credits written all negative add to the reserve.
    mixed = (
        RESERVE_HEADER
        + "2025-03-03,Reserve on funding,CL-1,F-1,,96.00,\n"
        + "2025-03-04,Reserve on funding reversed,CL-1,F-2,,-50.00,\n"
    )
    error = failure(reserve_importer(), write(tmp_path, mixed, "copperline_reserve.csv"))
    assert (error.line, error.column, error.code) == (3, "Credit", "FCT211")
    assert "'-50.00' is negative under 'Credit', where line 2 writes '96.00'" in error.detail
    negative = (
        RESERVE_HEADER
        + "2025-03-03,Reserve on funding,CL-1,F-1,,-96.00,96.00\n"
        + "2025-04-08,Reserve rebate,CL-1,R-1,-96.00,,0.00\n"
    )
    entries = reserve_importer().extract(write(tmp_path, negative, "copperline_reserve.csv"), [])
    release = next(e for e in entries if isinstance(e, data.Transaction))
    # 96.00 in, 96.00 out: a release of 96.00 to the bank, the balance 0.00 after it.
    assert [str(p.units) for p in release.postings] == ["96.00 CAD", "-96.00 CAD"]


# --- 3. A status under another header, or in the description -----------------------


@pytest.mark.parametrize(
    "header", ["State", "Transaction State", "Txn Status", "Trans. Status", "Buchungsstatus"]
)
def test_a_status_under_another_header_is_read(tmp_path: Path, header: str) -> None:
    # The 175.00 hold was booked, then again as the 96.44 it posted as.
    path = write(
        tmp_path,
        f"Date,Description,Amount,{header}\n"
        "04/10/2025,TRUCKLOG ELD SUBSCRIPTION,-35.00,Posted\n"
        "04/11/2025,PILOT TRAVEL CENTER #412,-175.00,Pending\n",
    )
    assert booked(bank(), path) == [("2025-04-10", "TRUCKLOG ELD SUBSCRIPTION", Decimal("-35.00"))]


def test_revolut_states_are_read(tmp_path: Path) -> None:
    # Revolut Business writes COMPLETED, PENDING, REVERTED (a card payment undone: no
    # money moved, no balance beside it) and DECLINED under State. REVERTED was FCT209.
    path = write(
        tmp_path,
        "Date,Description,Amount,State,Balance\n"
        "04/10/2025,TRUCKLOG ELD,-35.00,COMPLETED,965.00\n"
        "04/11/2025,PILOT TRAVEL CENTER,-175.00,REVERTED,\n"
        "04/11/2025,PILOT TRAVEL CENTER,-96.44,COMPLETED,868.56\n"
        "04/12/2025,BLUE DINER,-12.00,DECLINED,\n",
    )
    assert booked(bank(balance="Balance"), path) == [
        ("2025-04-10", "TRUCKLOG ELD", Decimal("-35.00")),
        ("2025-04-11", "PILOT TRAVEL CENTER", Decimal("-96.44")),
    ]


def test_a_state_column_of_places_is_no_status(tmp_path: Path) -> None:
    # A card export's merchant State (TX, CA): no status word in it, every line booked.
    path = write(
        tmp_path,
        "Date,Description,City,State,Amount\n"
        "04/10/2025,PILOT TRAVEL CENTER,AMARILLO,TX,-96.44\n"
        "04/11/2025,LOVES #301,,,-20.00\n"
        "04/12/2025,BLUE DINER,BARSTOW,CA,-50.00\n",
    )
    assert len(booked(bank(), path)) == 3


def test_a_state_column_of_places_and_a_status_word_is_an_error(tmp_path: Path) -> None:
    # One column cannot be both; which lines are pending cannot be told.
    path = write(
        tmp_path,
        "Date,Description,State,Amount\n"
        "04/10/2025,PILOT TRAVEL CENTER,TX,-96.44\n"
        "04/11/2025,LOVES #301,Pending,-20.00\n",
    )
    error = failure(bank(), path)
    assert (error.line, error.column, error.code) == (2, "State", "FCT209")
    assert "the line's status is 'TX'" in error.detail


@pytest.mark.parametrize(
    ("done", "pending"),
    [("Gebucht", "Vorgemerkt"), ("Comptabilisé", "En attente"), ("Contabilizado", "Pendiente")],
)
def test_status_words_of_other_languages(tmp_path: Path, done: str, pending: str) -> None:
    # A German bank's Status: Gebucht, Vorgemerkt (DKB) was FCT209 on every line.
    path = write(
        tmp_path,
        "Date,Description,Amount,Status\n"
        f"04/10/2025,Miete,-35.00,{done}\n"
        f"04/11/2025,Tankstelle,-175.00,{pending}\n",
    )
    assert booked(bank(), path) == [("2025-04-10", "Miete", Decimal("-35.00"))]


@pytest.mark.parametrize(
    "description",
    ["PENDING - ACH DEBIT PILOT FUEL", "Pending: POS PILOT FUEL", "*PENDING* PILOT FUEL",
     "PILOT FUEL (PENDING)", "[Pending] PILOT FUEL", "PILOT FUEL - PENDING", "PENDING"],
)  # fmt: skip
def test_a_description_that_marks_a_line_pending_is_not_booked(
    tmp_path: Path, description: str
) -> None:
    # Was booked: -175.00, and again once it posted as the 96.44 fill.
    path = write(
        tmp_path,
        "Date,Description,Amount,Balance\n"
        "04/10/2025,TRUCKLOG ELD SUBSCRIPTION,-35.00,965.00\n"
        f'04/11/2025,"{description}",-175.00,790.00\n',
    )
    importer = bank(balance="Balance")
    entries = importer.extract(path, [])
    assert booked(importer, path) == [
        ("2025-04-10", "TRUCKLOG ELD SUBSCRIPTION", Decimal("-35.00"))
    ]
    # As for a pending status: no balance from its day on (04/10's 965.00 on 04/11).
    assert [(str(e.date), e.amount.number) for e in entries if isinstance(e, data.Balance)] == [
        ("2025-04-11", Decimal("965.00"))
    ]


@pytest.mark.parametrize(
    "description",
    ["Pending Invoice Payment Co", "PENDING INVOICE PAYMENT CO ACH", "Unpending Corp",
     "Payment for pending order 42", "DEPENDING ON IT LLC - PAYROLL"],
)  # fmt: skip
def test_a_description_that_only_holds_the_word_is_booked(
    tmp_path: Path, description: str
) -> None:
    path = write(tmp_path, f'Date,Description,Amount\n04/11/2025,"{description}",-175.00\n')
    assert booked(bank(), path) == [("2025-04-11", description, Decimal("-175.00"))]


def test_a_status_column_outweighs_the_description(tmp_path: Path) -> None:
    # The bank says which lines are pending: its column is read, not its texts; and
    # status=False reads neither.
    text = 'Date,Description,Amount,Status\n04/11/2025,"PENDING - PILOT FUEL",-175.00,Posted\n'
    assert len(booked(bank(), write(tmp_path, text))) == 1
    text = 'Date,Description,Amount\n04/11/2025,"PENDING - PILOT FUEL",-175.00\n'
    assert len(booked(bank(status=False), write(tmp_path, text))) == 1


# --- 5. The unit a header names ------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["Amount (cents)", "Amount in cents", "amount_cents", "Amount ¢"]
)
def test_an_amount_in_cents_is_read_as_cents(tmp_path: Path, header: str) -> None:
    # 9644 cents are 96.44: it was booked as 9,644.00, a hundred times the line.
    path = write(
        tmp_path,
        f"Date,Description,{header}\n04/10/2025,PILOT,-9644\n04/11/2025,SUMMIT,185500\n",
    )
    assert [number for *_, number in booked(bank(amount=header), path)] == [
        Decimal("-96.44"),
        Decimal("1855.00"),
    ]


def test_debits_credits_and_balances_in_cents(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Date,Description,Debit (cents),Credit (cents),Balance (cents)\n"
        "04/10/2025,PILOT,9644,,90356\n04/11/2025,SUMMIT,,185500,275856\n",
    )
    importer = bank(debit="Debit (cents)", credit="Credit (cents)", balance="Balance (cents)")
    entries = importer.extract(path, [])
    assert [e.postings[0].units.number for e in entries if isinstance(e, data.Transaction)] == [
        Decimal("-96.44"),
        Decimal("1855.00"),
    ]
    # 903.56 + 1,855.00 = 2,758.56.
    assert [(str(e.date), e.amount.number) for e in entries if isinstance(e, data.Balance)] == [
        ("2025-04-11", Decimal("903.56")),
        ("2025-04-12", Decimal("2758.56")),
    ]


def test_a_fraction_of_a_cent_in_a_column_of_cents_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Description,Amount (cents)\n04/10/2025,PILOT,-9644.5\n")
    error = failure(bank(amount="Amount (cents)"), path)
    assert (error.line, error.column, error.code) == (2, "Amount (cents)", "FCT207")
    assert "'-9644.5' cents is not a whole number of cents" in error.detail


@pytest.mark.parametrize(
    "header",
    ["Amount (000s)", "Amount (in thousands)", "Amount ($000)", "Amount (k)",
     "Amount in millions", "Amount (USD thousands)", "Amount (EUR)", "Amount in GBP",
     "Amount (kUSD)"],
)  # fmt: skip
def test_a_header_of_another_unit_is_refused(tmp_path: Path, header: str) -> None:
    # 96 (thousands) was booked as 96.00; 96.44 EUR as 96.44 USD.
    path = write(tmp_path, f"Date,Description,{header}\n04/10/2025,PILOT,-96\n")
    error = failure(bank(amount=header), path)
    assert (error.line, error.column, error.code) == (1, header, "FCT209")
    assert "the importer reads" in error.detail


@pytest.mark.parametrize(
    "header", ["Amount (USD)", "Amount ($)", "Amount in US dollars", "Amount (net)", "Percent"]
)
def test_a_header_of_the_importers_unit_or_no_unit_is_read(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, f"Date,Description,{header}\n04/10/2025,PILOT,-96.44\n")
    assert [number for *_, number in booked(bank(amount=header), path)] == [Decimal("-96.44")]


@pytest.mark.parametrize(
    ("header", "currency"), [("Částka (Kč)", "CZK"), ("Kwota (zł)", "PLN"), ("Belopp (kr)", "SEK")]
)
def test_a_currency_sign_of_letters_is_no_unit_of_thousands(
    tmp_path: Path, header: str, currency: str
) -> None:
    # Czech crowns, Kč: its K was read as a unit of thousands (FCT209, "(k)").
    path = write(tmp_path, f"Date,Description,{header}\n04/10/2025,PILOT,-96.44\n")
    importer = bank(amount=header, currency=currency)
    assert [number for *_, number in booked(importer, path)] == [Decimal("-96.44")]


@pytest.mark.parametrize("header", ["Amount (cents)", "Amount (000s)", "Amount (EUR)"])
def test_an_invoice_export_in_another_unit_is_refused(tmp_path: Path, header: str) -> None:
    from beancount_factoring.importers.invoices import InvoiceImporter

    path = write(
        tmp_path,
        f"Invoice #,Invoice Date,Customer,Charge,{header}\n"
        "INV-1001,03/03/2025,TQL,LINEHAUL,184000\n",
        "invoices.csv",
    )
    error = failure(InvoiceImporter(due=None, load=None, amount=header), path)
    assert (error.line, error.column, error.code) == (1, header, "FCT209")


@pytest.mark.parametrize("header", ["Paid (cents)", "Paid in thousands", "Paid (CAD)"])
def test_a_factor_report_in_another_unit_is_refused(tmp_path: Path, header: str) -> None:
    from beancount_factoring.importers.profiles import Profile

    profile = Profile.generic(
        kind="collections",
        columns={"invoice": "Invoice", "date": "Paid On", "paid": header},
        name="summit",
        factor="Summit",
    )
    report = FactorReportImporter(profile, "Summit", bank="Assets:Bank:Checking", debtors={})
    path = write(tmp_path, f"Invoice,Paid On,{header}\nINV-1001,03/20/2025,279000\n", "c.csv")
    error = failure(report, path)
    assert (error.line, error.column, error.code) == (1, header, "FCT209")


# --- A running balance that does not follow from the amounts ------------------------

RUNNING = (
    "Date,Description,Amount,Balance\n"
    "03/03/2025,OPENING,1000.00,1000.00\n"
    "03/03/2025,PILOT,-10.00,990.00\n"
    "03/04/2025,SUMMIT,20.00,1010.00\n"
    "03/04/2025,LOVES,-5.00,1005.00\n"
    "03/05/2025,DINER,-5.00,1000.00\n"
)


def newest_first(text: str) -> str:
    header, *rows = text.splitlines()
    return "\n".join([header, *reversed(rows)]) + "\n"


@pytest.mark.parametrize("order", [str, newest_first])
def test_amounts_read_with_the_wrong_sign_disagree_with_the_balance(
    tmp_path: Path, order: object
) -> None:
    # negate=True on a bank's signed amounts: every line booked the wrong way, and the
    # balance assertions (990.00, 1005.00) failed in bean-check far from the cause.
    path = write(tmp_path, order(RUNNING))  # type: ignore[operator]
    entries = bank(balance="Balance").extract(path, [])  # read right: no error
    assert sorted(
        (str(e.date), e.amount.number) for e in entries if isinstance(e, data.Balance)
    ) == [
        ("2025-03-04", Decimal("990.00")),
        ("2025-03-05", Decimal("1005.00")),
        ("2025-03-06", Decimal("1000.00")),
    ]
    error = failure(bank(balance="Balance", negate=True), path)
    # 03/04: 990.00 + (-20.00 + 5.00) = 975.00, where the bank says 1,005.00.
    line = 5 if order is str else 3
    assert (error.line, error.column, error.code) == (line, "Balance", "FCT210")
    assert error.detail == (
        "the running balance moves +15.00 on 2025-03-04, and the day's amounts as read move "
        "-15.00 (every day so): the balance moves the other way from the amounts: give "
        "the importer negate=False"
    )


def test_debit_and_credit_named_the_other_way_disagree_with_the_balance(
    tmp_path: Path,
) -> None:
    # Withdrawals and Deposits given as each other's column: 50.00 out booked as in.
    text = (
        "Date,Description,Withdrawals,Deposits,Balance\n"
        "03/03/2025,OPENING,,1000.00,1000.00\n"
        "03/04/2025,PILOT,50.00,,950.00\n"
        "03/05/2025,SUMMIT,,200.00,1150.00\n"
    )
    importer = bank(debit="Deposits", credit="Withdrawals", balance="Balance")
    error = failure(importer, write(tmp_path, text))
    assert (error.line, error.column, error.code) == (3, "Balance", "FCT210")
    assert "the debit and credit columns are swapped" in error.detail
    right = bank(debit="Withdrawals", credit="Deposits", balance="Balance")
    assert len(booked(right, write(tmp_path, text))) == 3


def test_an_amount_in_cents_beside_a_balance_in_dollars(tmp_path: Path) -> None:
    text = (
        "Date,Description,Amount,Balance\n"
        "03/03/2025,A,1000,10.00\n03/04/2025,B,-500,5.00\n03/05/2025,C,200,7.00\n"
    )
    error = failure(bank(balance="Balance"), write(tmp_path, text))
    assert (error.line, error.code) == (3, "FCT210")
    assert "a hundredth as far: the amounts are cents?" in error.detail


def test_one_day_against_the_amounts_in_an_export_that_leaves_lines_out(
    tmp_path: Path,
) -> None:
    # The factor's deposits alone, as a search exports them: on 03/04 a 1,000.00 fuel
    # bill the export leaves out moves the balance too, 5,000.00 + 500.00 - 1,000.00 =
    # 4,500.00: -500.00 beside the +500.00 listed. One day so is no reading the wrong
    # way round (it was FCT210 "give it negate=True": every deposit booked as money out,
    # and this balance assertion would then hold).
    text = (
        "Date,Description,Amount,Balance\n"
        "03/03/2025,SUMMIT,1000.00,5000.00\n03/04/2025,SUMMIT,500.00,4500.00\n"
    )
    assert booked(bank(balance="Balance"), write(tmp_path, text)) == [
        ("2025-03-03", "SUMMIT", Decimal("1000.00")),
        ("2025-03-04", "SUMMIT", Decimal("500.00")),
    ]


CARD_OWED = (
    "Date,Description,Amount,Balance\n"
    "03/03/2025,PILOT,-100.00,1100.00\n"
    "03/04/2025,LOVES,-50.00,1150.00\n"
    "03/05/2025,PAYMENT THANK YOU,200.00,950.00\n"
)


@pytest.mark.parametrize("negate", [False, True])
def test_a_cards_balance_owed_written_positive_is_not_the_amounts_the_wrong_way(
    tmp_path: Path, negate: bool
) -> None:
    # A card's export: charges negative, the balance what is owed, positive (1,100.00
    # + 50.00 of LOVES = 1,150.00). On Liabilities:CreditCard the ledger holds it
    # negative, -1,150.00: the balance moves the other way from the amounts, and they
    # are read right. FCT210 said "give it negate=True"; so given, every charge was
    # booked as a payment and the positive balance assertions held: wrong in silence.
    # (negate=True on the card's charges written positive: the same, said as
    # "negate=False".)
    text = CARD_OWED
    if negate:
        text = text.replace(",-", ",+").replace(",200.00", ",-200.00").replace(",+", ",")
    importer = BankCsvImporter(
        "Liabilities:CreditCard", factors={}, balance="Balance", negate=negate
    )
    error = failure(importer, write(tmp_path, text))
    assert (error.line, error.column, error.code) == (3, "Balance", "FCT210")
    assert "negate=" not in error.detail
    assert error.detail == (
        "the running balance moves +50.00 on 2025-03-04, and the day's amounts as read "
        "move -50.00 (every day so): the balance is what is owed on the card, written "
        "positive, where the ledger holds what a card is owed negative (a charge is "
        "booked negative on Liabilities:CreditCard, as the amounts are read): its balance "
        "assertions cannot be given from it; import the file without balance= (a balance "
        "typed from the statement is written negative)"
    )


def test_a_day_with_a_line_left_out_is_not_checked(tmp_path: Path) -> None:
    # The bank's balance of 03/04 counts a pending line the importer leaves out.
    text = (
        "Date,Description,Amount,Balance,Status\n"
        "03/03/2025,OPENING,1000.00,1000.00,Posted\n"
        "03/04/2025,PILOT,-175.00,825.00,Pending\n"
        "03/04/2025,SUMMIT,20.00,845.00,Posted\n"
    )
    assert len(booked(bank(balance="Balance"), write(tmp_path, text))) == 2


def test_an_export_that_leaves_lines_out_is_read(tmp_path: Path) -> None:
    # A search's export (the factor's lines only) keeps the bank's balance after each:
    # it moves more than the lines listed, and that is no misreading (the balance
    # assertions hold on a ledger that books the other lines from elsewhere).
    text = (
        "Date,Description,Amount,Balance\n"
        "03/03/2025,SUMMIT,1000.00,1000.00\n"
        "03/04/2025,SUMMIT,500.00,1450.00\n"
        "03/05/2025,SUMMIT,200.00,1600.00\n"
    )
    assert len(booked(bank(balance="Balance"), write(tmp_path, text))) == 3


# --- A column of each line's direction beside unsigned amounts ------------------------


def test_unsigned_amounts_go_the_way_their_type_column_says(tmp_path: Path) -> None:
    # Mint's export: every amount unsigned, `Transaction Type` debit or credit. The
    # debit of 35.00 was booked as money in.
    path = write(
        tmp_path,
        "Date,Description,Amount,Transaction Type,Category\n"
        "04/10/2025,TRUCKLOG ELD,35.00,debit,Software\n"
        "04/11/2025,SUMMIT FUNDING,1855.00,credit,Income\n",
    )
    assert [number for *_, number in booked(bank(), path)] == [
        Decimal("-35.00"),
        Decimal("1855.00"),
    ]


def test_ings_af_bij_and_a_volksbanks_soll_haben(tmp_path: Path) -> None:
    ing = write(
        tmp_path,
        "Datum;Naam / Omschrijving;Af Bij;Bedrag (EUR)\n"
        "10-04-2025;Tankstation;Af;96,44\n11-04-2025;Factoring BV;Bij;1855,00\n",
    )
    importer = bank(
        currency="EUR", date="Datum", narration="Naam / Omschrijving", amount="Bedrag (EUR)",
        date_format="%d-%m-%Y", decimal_mark=",", delimiter=";",
    )  # fmt: skip
    assert [n for *_, n in booked(importer, ing)] == [Decimal("-96.44"), Decimal("1855.00")]
    volksbank = write(
        tmp_path,
        "Buchungstag;Verwendungszweck;Umsatz;Soll/Haben\n"
        "10.04.2025;Tankstelle;96,44;S\n11.04.2025;Factoring GmbH;1.855,00;H\n",
        "vb.csv",
    )
    importer = bank(
        currency="EUR", date="Buchungstag", narration="Verwendungszweck", amount="Umsatz",
        date_format="%d.%m.%Y", decimal_mark=",", delimiter=";",
    )  # fmt: skip
    assert [n for *_, n in booked(importer, volksbank)] == [
        Decimal("-96.44"),
        Decimal("1855.00"),
    ]


def test_signed_amounts_that_agree_with_their_column_are_read_as_ever(tmp_path: Path) -> None:
    # Chase's Details: DEBIT beside -35.00, CREDIT beside 4,563.37; CHECK says nothing.
    path = write(
        tmp_path,
        "Details,Date,Description,Amount\n"
        "DEBIT,04/10/2025,TRUCKLOG,-35.00\nCREDIT,04/11/2025,SUMMIT,4563.37\n"
        "CHECK,04/12/2025,CHECK 1001,-200.00\n",
    )
    assert [n for *_, n in booked(bank(), path)] == [
        Decimal("-35.00"),
        Decimal("4563.37"),
        Decimal("-200.00"),
    ]
    # negate=True on a card's charges written positive: DEBIT goes out all the same.
    card = write(
        tmp_path,
        "Type,Date,Description,Amount\nDebit,04/10/2025,PILOT,96.44\n"
        "Credit,04/11/2025,PAYMENT,-500.00\n",
        "card.csv",
    )
    assert [n for *_, n in booked(bank(negate=True), card)] == [
        Decimal("-96.44"),
        Decimal("500.00"),
    ]


def test_a_sign_that_contradicts_the_direction_column_is_an_error(tmp_path: Path) -> None:
    # Signed amounts, and a DEBIT of +20.00: a refund labelled DEBIT, or a debit? Which
    # way it went cannot be told.
    path = write(
        tmp_path,
        "Details,Date,Description,Amount\n"
        "DEBIT,04/10/2025,TRUCKLOG,-35.00\nDEBIT,04/11/2025,TRUCKLOG REFUND,20.00\n",
    )
    error = failure(bank(), path)
    assert (error.line, error.column, error.code) == (3, "Details", "FCT211")
    assert "'DEBIT'" in error.detail and "line 2" in error.detail
    assert "direction=False" in error.detail
    # direction=False: the column says nothing, the amounts are read as signed.
    assert [n for *_, n in booked(bank(direction=False), path)] == [
        Decimal("-35.00"),
        Decimal("20.00"),
    ]


# --- A fraction of a cent ------------------------------------------------------------


@pytest.mark.parametrize("column", ["Amount", "Balance"])
def test_a_bank_amount_in_fractions_of_a_cent_is_refused(tmp_path: Path, column: str) -> None:
    # 1234.567 was booked as it is: on a line to Expenses:Uncategorized nothing said so,
    # and the fraction stayed on the bank account.
    cells = {"Amount": "1234.567", "Balance": "2234.56"}
    if column == "Balance":
        cells = {"Amount": "1234.56", "Balance": "2234.567"}
    path = write(
        tmp_path,
        f"Date,Description,Amount,Balance\n03/03/2025,WIRE,{cells['Amount']},{cells['Balance']}\n",
    )
    error = failure(bank(balance="Balance"), path)
    assert (error.line, error.column, error.code) == (2, column, "FCT207")
    assert "is not in whole cents" in error.detail


def test_whole_cents_written_with_more_places_and_thousandths_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Description,Amount\n03/03/2025,WIRE,100.5000\n")
    assert [n for *_, n in booked(bank(), path)] == [Decimal("100.5000")]
    path = write(tmp_path, "Date,Description,Amount\n03/03/2025,WIRE,1234.125\n")
    assert [n for *_, n in booked(bank(currency="KWD"), path)] == [Decimal("1234.125")]
