"""OFX statements whose lines were booked the wrong way, or left out, without a word.

- A bank that writes every `<TRNAMT>` positive and says each line's direction by its
  `<TRNTYPE>` (DEBIT, CHECK, FEE...) had every line booked as money in. A statement with
  no negative amount and a positive line of a type that takes money out is read by its
  types; a line whose type says no direction (XFER, POS, ATM, PAYMENT...) is then FCT211.
  One whose only outgoing lines are of a type a bank also gives back (a fee refunded
  beside deposits) was read as unsigned, the refund booked as a fee: FCT211 at it.
  A statement that writes signs (a negative amount anywhere) is read by its signs, as the
  OFX specification has it.
- An investment statement (`<INVSTMTRS>`) beside the bank statement was skipped, its
  cash lines (`<INVBANKTRAN>`) with it: FCT209, unless named in `ignore_accounts`. A
  file of an investment statement alone is named by `near_miss`.
- A transaction, a balance, a `<CURRENCY>` or an account left open (no end tag) in an
  SGML file was merged into the aggregate around it: the transaction lost, the balance
  lost, the foreign currency read as the statement's. FCT204 on the aggregate's line;
  so is a transaction outside the transaction list (it was left out). A `<CURSYM>` of
  another currency in the transaction itself is FCT209, as a `<CURRENCY>` is.
- A statement of the same account given twice in one download (a FITID in both) had its
  lines booked twice; two `<LEDGERBAL>` in a statement had the second ignored. FCT210.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.ofx import OfxImporter
from beancount_factoring.importers.ofx_accounts import OfxAccounts

HEADER = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n<OFX>\n"


def line(fitid: str, amount: str, kind: str, extra: str = "") -> str:
    return (
        f"<STMTTRN>\n<TRNTYPE>{kind}\n<DTPOSTED>20250310120000.000[-5:EST]\n"
        f"<TRNAMT>{amount}\n<FITID>{fitid}\n<NAME>LINE {fitid}\n{extra}</STMTTRN>\n"
    )


def statement(acctid: str, lines: list[str], balance: str = "0.00", tag: str = "STMTRS") -> str:
    account = "CCACCTFROM" if tag == "CCSTMTRS" else "BANKACCTFROM"
    return (
        f"<STMTTRNRS>\n<TRNUID>1\n<{tag}>\n<CURDEF>USD\n<{account}>\n<BANKID>101000695\n"
        f"<ACCTID>{acctid}\n</{account}>\n<BANKTRANLIST>\n"
        f"<DTSTART>20250301\n<DTEND>20250331\n{''.join(lines)}</BANKTRANLIST>\n"
        f"<LEDGERBAL>\n<BALAMT>{balance}\n<DTASOF>20250331\n</LEDGERBAL>\n</{tag}>\n"
        "</STMTTRNRS>\n"
    )


def write(tmp_path: Path, body: str, name: str = "download.ofx") -> str:
    path = tmp_path / name
    path.write_text(f"{HEADER}{body}</OFX>\n", encoding="cp1252")
    return str(path)


def bank(tmp_path: Path, *statements: str) -> str:
    return write(tmp_path, f"<BANKMSGSRSV1>\n{''.join(statements)}</BANKMSGSRSV1>\n")


def amounts(entries: list[data.Directive]) -> list[Decimal]:
    return [e.postings[0].units.number for e in entries if isinstance(e, data.Transaction)]


def refused(importer: OfxImporter, path: str) -> ImportFailure:
    with pytest.raises(ImportFailure) as caught:
        importer.extract(path, [])
    assert caught.value.filename == path
    return caught.value


def line_of(path: str, text: str, occurrence: int = 1) -> int:
    """The line (from 1) of the `occurrence`-th line of the file that is `text`."""
    lines = Path(path).read_text("cp1252").splitlines()
    return [n for n, each in enumerate(lines, 1) if each == text][occurrence - 1]


# An unsigned statement: 1000.00 in, 40.00 by check, 12.50 of fees, 300.00 debited.
# Read by its types: 1000.00 - 40.00 - 12.50 - 300.00 = 647.50, its LEDGERBAL.
UNSIGNED = [
    line("U1", "1000.00", "CREDIT"),
    line("U2", "40.00", "CHECK"),
    line("U3", "12.50", "SRVCHG"),
    line("U4", "300.00", "DEBIT"),
]


def test_an_unsigned_statement_is_read_by_its_transaction_types(tmp_path: Path) -> None:
    # Before: 1000.00 + 40.00 + 12.50 + 300.00 = 1352.50 booked as money in.
    path = bank(tmp_path, statement("1111", UNSIGNED, "647.50"))
    entries = OfxImporter("Assets:Bank:Checking").extract(path, [])
    assert amounts(entries) == [
        Decimal("1000.00"),
        Decimal("-40.00"),
        Decimal("-12.50"),
        Decimal("-300.00"),
    ]
    (balance,) = [e for e in entries if isinstance(e, data.Balance)]
    assert sum(amounts(entries)) == balance.amount.number == Decimal("647.50")


def test_an_unsigned_card_statement_is_read_by_its_types(tmp_path: Path) -> None:
    # A card: purchases of 80.00 and 20.00 (DEBIT), a refund of 5.00 (CREDIT): owed
    # -80.00 - 20.00 + 5.00 = -95.00.
    lines = [
        line("K1", "80.00", "DEBIT"),
        line("K2", "20.00", "DEBIT"),
        line("K3", "5.00", "CREDIT"),
    ]
    path = bank(tmp_path, statement("9921", lines, "-95.00", tag="CCSTMTRS"))
    entries = OfxImporter("Liabilities:Card").extract(path, [])
    assert amounts(entries) == [Decimal("-80.00"), Decimal("-20.00"), Decimal("5.00")]


@pytest.mark.parametrize("kind", ["XFER", "POS", "ATM", "PAYMENT", "OTHER"])
def test_an_unsigned_line_of_a_type_with_no_direction_is_refused(
    tmp_path: Path, kind: str
) -> None:
    # 75.00 of XFER: in or out? In an unsigned statement nothing says: one error.
    path = bank(tmp_path, statement("1111", [*UNSIGNED, line("U5", "75.00", kind)]))
    error = refused(OfxImporter("Assets:Bank:Checking"), path)
    assert (error.code, error.column) == ("FCT211", "TRNTYPE")
    assert error.line == line_of(path, f"<TRNTYPE>{kind}")
    assert f"<TRNTYPE>{kind}" in error.detail and "SRVCHG" not in error.detail
    assert f"line {line_of(path, '<TRNTYPE>CHECK')}" in error.detail  # the first debit
    assert "book it by hand" in error.detail


def test_a_signed_statement_keeps_its_signs(tmp_path: Path) -> None:
    # A fee refunded (FEE, +5.00) beside a check of -40.00: the file writes signs, and
    # the sign is the direction (the OFX specification): +5.00 stays money in.
    lines = [line("S1", "-40.00", "CHECK"), line("S2", "5.00", "FEE"), line("S3", "75.00", "XFER")]
    path = bank(tmp_path, statement("1111", lines, "40.00"))
    entries = OfxImporter("Assets:Bank:Checking").extract(path, [])
    assert amounts(entries) == [Decimal("-40.00"), Decimal("5.00"), Decimal("75.00")]


def test_a_statement_of_money_in_only_is_read_as_written(tmp_path: Path) -> None:
    # A savings account's month: a transfer in, interest, a deposit. No line of a type
    # that takes money out: nothing says the amounts are unsigned.
    lines = [line("V1", "500.00", "XFER"), line("V2", "1.25", "INT"), line("V3", "9.00", "DEP")]
    path = bank(tmp_path, statement("1111", lines, "510.25"))
    entries = OfxImporter("Assets:Bank:Savings").extract(path, [])
    assert amounts(entries) == [Decimal("500.00"), Decimal("1.25"), Decimal("9.00")]


def test_each_statement_is_judged_on_its_own(tmp_path: Path) -> None:
    # The checking statement is signed; the card's (unsigned) is read by its types.
    checking = statement("1111", [line("C1", "-40.00", "DEBIT")], "-40.00")
    card = statement("9921", [line("K1", "80.00", "DEBIT")], "-80.00", tag="CCSTMTRS")
    path = bank(tmp_path, checking, card)
    card_importer = OfxImporter("Liabilities:Card", account_id="9921", ignore_accounts=["1111"])
    assert amounts(card_importer.extract(path, [])) == [Decimal("-80.00")]
    bank_importer = OfxImporter("Assets:Bank", account_id="1111", ignore_accounts=["9921"])
    assert amounts(bank_importer.extract(path, [])) == [Decimal("-40.00")]


# A month of money in only but for a line of a type a bank also writes for money given
# back: a fee refunded (FEE, SRVCHG), a direct debit returned (DIRECTDEBIT), a cash
# deposit (CASH, as some banks write it). Signed, the line is money in (+5.00); unsigned,
# money out (-5.00): the file cannot tell which. It was read as unsigned, 1000.00 - 5.00
# = 995.00 where the bank's books say 1005.00, in silence.
@pytest.mark.parametrize("kind", ["FEE", "SRVCHG", "DIRECTDEBIT", "CASH"])
def test_a_line_given_back_in_a_month_of_money_in_is_not_guessed(
    tmp_path: Path, kind: str
) -> None:
    lines = [line("R1", "1000.00", "DEP"), line("R2", "5.00", kind), line("R3", "75.00", "XFER")]
    path = bank(tmp_path, statement("1111", lines, "1080.00"))
    error = refused(OfxImporter("Assets:Bank:Checking"), path)
    # At the line in doubt, not at the XFER (which a signed statement reads as written).
    assert (error.code, error.column) == ("FCT211", "TRNTYPE")
    assert error.line == line_of(path, f"<TRNTYPE>{kind}")
    assert "5.00" in error.detail and "book it by hand" in error.detail


def test_a_card_fee_reversed_in_a_month_of_payments_is_not_guessed(tmp_path: Path) -> None:
    # A card: a payment of 500.00 (CREDIT) and a late fee of 29.00 reversed (FEE,
    # +29.00): owed 500.00 + 29.00 less, or a fee charged? Not booked as -29.00 in silence.
    lines = [line("K1", "500.00", "CREDIT"), line("K2", "29.00", "FEE")]
    path = bank(tmp_path, statement("9921", lines, "0.00", tag="CCSTMTRS"))
    error = refused(OfxImporter("Liabilities:Card"), path)
    assert (error.code, error.line) == ("FCT211", line_of(path, "<TRNTYPE>FEE"))


def test_a_fee_beside_a_debit_of_an_unsigned_statement_is_money_out(tmp_path: Path) -> None:
    # DEBIT says the statement is unsigned: its FEE is then a fee charged, 1000.00 - 300.00
    # - 5.00 = 695.00.
    lines = [
        line("W1", "1000.00", "DEP"),
        line("W2", "5.00", "FEE"),
        line("W3", "300.00", "DEBIT"),
    ]
    path = bank(tmp_path, statement("1111", lines, "695.00"))
    entries = OfxImporter("Assets:Bank:Checking").extract(path, [])
    assert amounts(entries) == [Decimal("1000.00"), Decimal("-5.00"), Decimal("-300.00")]


INVESTMENT = (
    "<INVSTMTMSGSRSV1>\n<INVSTMTTRNRS>\n<TRNUID>3\n<INVSTMTRS>\n<DTASOF>20250331\n"
    "<CURDEF>USD\n<INVACCTFROM>\n<BROKERID>broker.example\n<ACCTID>77 0004321\n"
    "</INVACCTFROM>\n<INVTRANLIST>\n<DTSTART>20250301\n<DTEND>20250331\n<INVBANKTRAN>\n"
    + line("I1", "-250.00", "DEBIT")
    + "<SUBACCTFUND>CASH\n</INVBANKTRAN>\n</INVTRANLIST>\n</INVSTMTRS>\n</INVSTMTTRNRS>\n"
    "</INVSTMTMSGSRSV1>\n"
)


def test_an_investment_statements_cash_lines_are_not_left_out(tmp_path: Path) -> None:
    # Before: the checking line was booked, the brokerage's -250.00 of cash left out.
    checking = statement("1111", [line("C1", "-40.00", "DEBIT")], "-40.00")
    body = f"<BANKMSGSRSV1>\n{checking}</BANKMSGSRSV1>\n{INVESTMENT}"
    path = write(tmp_path, body)
    importer = OfxImporter("Assets:Bank:Checking")
    assert importer.identify(path)
    error = refused(importer, path)
    assert (error.code, error.line) == ("FCT209", line_of(path, "<INVSTMTRS>"))
    assert "'77 0004321'" in error.detail and "1 transaction" in error.detail
    assert "investment statement" in error.detail
    assert 'ignore_accounts=["770004321"]' in error.detail
    assert importer.diagnose(path) == str(error)  # identify says so too
    ignoring = OfxImporter("Assets:Bank:Checking", ignore_accounts=["4321"])
    assert amounts(ignoring.extract(path, [])) == [Decimal("-40.00")]


def test_a_file_of_an_investment_statement_only_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, INVESTMENT)
    for importer in (OfxImporter("Assets:Bank"), OfxImporter("Assets:Bank", account_id="4321")):
        assert not importer.identify(path)
        near = importer.near_miss(path)
        assert near is not None and near[0] == 1.0
        assert "investment statement" in near[1] and "'77 0004321'" in near[1]
    assert OfxImporter("Assets:Bank", ignore_accounts=["4321"]).near_miss(path) is None
    # The OFX importers of several accounts, put together for the command line.
    group = OfxAccounts(
        [OfxImporter("Assets:A", account_id="1"), OfxImporter("Assets:B", account_id="2")]
    )
    near = group.near_miss(path)
    assert near is not None and "investment statement" in near[1]


@pytest.mark.parametrize(
    ("left_open", "opened"),
    [
        ("</STMTTRN>", "<STMTTRN>"),  # the transaction's lines were lost
        ("</LEDGERBAL>", "<LEDGERBAL>"),  # the balance was lost
        ("</BANKACCTFROM>", "<BANKACCTFROM>"),  # the account, then every line
    ],
)
def test_an_aggregate_left_open_is_refused(tmp_path: Path, left_open: str, opened: str) -> None:
    lines = [line("A1", "-100.00", "DEBIT"), line("A2", "-7.00", "DEBIT")]
    path = bank(tmp_path, statement("1111", lines, "-107.00"))
    text = Path(path).read_text("cp1252").replace(left_open + "\n", "", 1)
    Path(path).write_text(text, encoding="cp1252")
    error = refused(OfxImporter("Assets:Bank"), path)
    assert (error.code, error.line, error.column) == (
        "FCT204",
        line_of(path, opened),
        opened[1:-1],
    )
    assert "never closed" in error.detail


def test_a_foreign_currency_left_open_is_refused(tmp_path: Path) -> None:
    # <CURRENCY> without its end tag: its CURSYM went to the transaction, and -100.00
    # EUR was booked as -100.00 USD.
    foreign = line("F1", "-100.00", "DEBIT", "<CURRENCY>\n<CURRATE>1.08\n<CURSYM>EUR\n")
    path = bank(tmp_path, statement("1111", [foreign]))
    error = refused(OfxImporter("Assets:Bank"), path)
    assert (error.code, error.line) == ("FCT204", line_of(path, "<CURRENCY>"))
    # Closed, it is the known refusal of a line in another currency.
    closed = foreign.replace("EUR\n", "EUR\n</CURRENCY>\n")
    path = bank(tmp_path, statement("1111", [closed]))
    assert refused(OfxImporter("Assets:Bank"), path).code == "FCT209"
    # <ORIGCURRENCY>: the amount is in the statement's currency, and is read.
    original = closed.replace("CURRENCY>", "ORIGCURRENCY>")
    path = bank(tmp_path, statement("1111", [original]))
    assert amounts(OfxImporter("Assets:Bank").extract(path, [])) == [Decimal("-100.00")]


def test_one_accounts_statement_given_twice_is_refused(tmp_path: Path) -> None:
    # The download holds March twice: -100.00 booked twice (-200.00), two balances.
    march = statement("1111", [line("M1", "-100.00", "DEBIT")], "-100.00")
    path = bank(tmp_path, march, march)
    error = refused(OfxImporter("Assets:Bank"), path)
    assert (error.code, error.column) == ("FCT210", "FITID")
    assert error.line == line_of(path, "<FITID>M1", 2)
    assert f"line {line_of(path, '<STMTTRN>')})" in error.detail  # the first M1
    # Two statements of one account with lines of their own: both read.
    april = statement("1111", [line("M2", "-7.00", "DEBIT")], "-107.00")
    path = bank(tmp_path, march, april)
    assert amounts(OfxImporter("Assets:Bank").extract(path, [])) == [
        Decimal("-100.00"),
        Decimal("-7.00"),
    ]


def test_two_balances_in_a_statement_are_refused(tmp_path: Path) -> None:
    march = statement("1111", [line("M1", "-100.00", "DEBIT")], "-100.00")
    second = "<LEDGERBAL>\n<BALAMT>999.00\n<DTASOF>20250331\n</LEDGERBAL>\n</STMTRS>"
    path = bank(tmp_path, march.replace("</STMTRS>", second))
    error = refused(OfxImporter("Assets:Bank"), path)
    assert (error.code, error.column) == ("FCT210", "LEDGERBAL")
    assert error.line == line_of(path, "<LEDGERBAL>", 2)


def test_a_transaction_outside_the_transaction_list_is_refused(tmp_path: Path) -> None:
    # A <STMTTRN> after </BANKTRANLIST>, in the statement: its -7.00 was left out.
    march = statement("1111", [line("M1", "-100.00", "DEBIT")], "-107.00")
    stray = line("M2", "-7.00", "DEBIT")
    path = bank(tmp_path, march.replace("</BANKTRANLIST>\n", "</BANKTRANLIST>\n" + stray))
    error = refused(OfxImporter("Assets:Bank"), path)
    assert (error.code, error.column) == ("FCT204", "STMTTRN")
    assert error.line == line_of(path, "<STMTTRN>", 2)
    assert "outside" in error.detail


def test_a_currency_symbol_of_another_currency_on_a_line_is_refused(tmp_path: Path) -> None:
    # <CURSYM>EUR in the transaction itself (no <CURRENCY> around it): booked as USD.
    foreign = line("F1", "-100.00", "DEBIT", "<CURSYM>EUR\n")
    path = bank(tmp_path, statement("1111", [foreign]))
    error = refused(OfxImporter("Assets:Bank"), path)
    assert (error.code, error.line) == ("FCT209", line_of(path, "<CURSYM>EUR"))
    same = line("F1", "-100.00", "DEBIT", "<CURSYM>USD\n")
    path = bank(tmp_path, statement("1111", [same]))
    assert amounts(OfxImporter("Assets:Bank").extract(path, [])) == [Decimal("-100.00")]
