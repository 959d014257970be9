"""OFX files of several accounts, of none, and with an element given twice.

A bank's download may hold a checking and a savings statement (OFX 1.x below), or a
checking and a card statement (OFX 2.x): one importer per account, each given its
`account_id`, takes its own statement's lines and balance and nothing of the other's.
A file with no bank or card statement of the account (a brokerage statement, a sign-on
reply) is not claimed. An account number written with spaces is read whole.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bank_config import EXAMPLE
from beancount import loader
from beancount.core import data
from beancount.parser import printer
from beangulp import testing
from click.testing import CliRunner

from beancount_factoring.importers import ofx
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.ingest import ingest
from beancount_factoring.importers.ofx import OfxImporter
from beancount_factoring.importers.ofx_accounts import OfxAccounts, together

DOCS = Path(__file__).parent / "documents" / "ofx"
CHECKING_SAVINGS = DOCS / "cedar_plains_checking_savings_2025-03.ofx"  # SGML, 1.x
CHECKING_CARD = DOCS / "cedar_plains_checking_card_2025-03.qfx"  # XML, 2.x
BROKERAGE = DOCS / "cedar_plains_brokerage_2025-03.ofx"
SIGNON = DOCS / "cedar_plains_signon_2025-04-01.ofx"


def checking(**options: Any) -> OfxImporter:
    # The file writes it `12300 000012345678`; compared without its spaces.
    account = "Assets:Bank:Checking"
    return OfxImporter(account, account_id="12300000012345678", factors=EXAMPLE, **options)


def savings(**options: Any) -> OfxImporter:
    account = "Assets:Bank:Savings"
    return OfxImporter(account, account_id="12300 000087654321", factors=EXAMPLE, **options)


def card(**options: Any) -> OfxImporter:
    account = "Liabilities:CreditCard:Harborview"
    return OfxImporter(account, account_id="9921", factors=EXAMPLE, **options)


# The accounts each download holds statements (with lines) of.
HOLDS = {
    CHECKING_SAVINGS: ["12300000012345678", "12300000087654321"],
    CHECKING_CARD: ["12300000012345678", "9921"],
}


def alone(make: Callable[..., OfxImporter], doc: Path) -> OfxImporter:
    """One account's importer run by itself on a download: the statements of the file's
    other accounts are named as left out on purpose (else they are an error, FCT209)."""
    return make(ignore_accounts=HOLDS[doc])


# (document, importer, golden): each account of a file has its own golden output.
GOLDENS = [
    (CHECKING_SAVINGS, checking, "checking"),
    (CHECKING_SAVINGS, savings, "savings"),
    (CHECKING_CARD, checking, "checking"),
    (CHECKING_CARD, card, "card"),
]


@pytest.mark.parametrize(
    ("doc", "make", "golden"), GOLDENS, ids=[f"{d.name}-{g}" for d, _, g in GOLDENS]
)
def test_golden_per_account(doc: Path, make: type[OfxImporter], golden: str) -> None:
    importer = alone(make, doc)
    assert importer.identify(str(doc))
    account, date, name, entries = testing.run_importer(importer, str(doc))
    expected = DOCS / f"{doc.name}.{golden}.beancount"
    diff = testing.compare_expected(str(expected), account, date, name, entries)
    assert not diff, "".join(diff)


def figures(importer: OfxImporter, doc: Path) -> tuple[list[Decimal], list[Decimal]]:
    entries = importer.extract(str(doc), [])
    lines = [e.postings[0].units.number for e in entries if isinstance(e, data.Transaction)]
    balances = [e.amount.number for e in entries if isinstance(e, data.Balance)]
    return lines, balances


def test_each_account_takes_only_its_own_statement() -> None:
    # Checking: 3291.87 - 902.31 - 1000.00 = 1389.56 moved; its LEDGERBAL is 14127.40.
    lines, balances = figures(alone(checking, CHECKING_SAVINGS), CHECKING_SAVINGS)
    assert lines == [Decimal("3291.87"), Decimal("-902.31"), Decimal("-1000.00")]
    assert sum(lines) == Decimal("1389.56")
    assert balances == [Decimal("14127.40")]
    # Savings: the transfer in and the interest, 1000.00 + 2.15 = 1002.15; 6002.15 held.
    lines, balances = figures(alone(savings, CHECKING_SAVINGS), CHECKING_SAVINGS)
    assert lines == [Decimal("1000.00"), Decimal("2.15")]
    assert balances == [Decimal("6002.15")]
    # The card: -118.90 - 521.28 + 640.18 = 0.00, the LEDGERBAL it ends with.
    lines, balances = figures(alone(card, CHECKING_CARD), CHECKING_CARD)
    assert sum(lines) == Decimal("0.00") and balances == [Decimal("0.00")]
    lines, balances = figures(alone(checking, CHECKING_CARD), CHECKING_CARD)
    assert lines == [Decimal("3291.87"), Decimal("-640.18")]
    assert balances == [Decimal("13765.58")]


def test_identify_claims_a_file_for_the_accounts_it_has_statements_of() -> None:
    assert savings().identify(str(CHECKING_SAVINGS))
    assert not savings().identify(str(CHECKING_CARD))
    assert card().identify(str(CHECKING_CARD))
    assert not card().identify(str(CHECKING_SAVINGS))
    any_account = OfxImporter("Assets:Bank:Checking")
    assert any_account.identify(str(CHECKING_SAVINGS)) and any_account.identify(CHECKING_CARD)


@pytest.mark.parametrize("doc", [BROKERAGE, SIGNON], ids=lambda d: d.name)
def test_a_file_without_a_bank_or_card_statement_is_not_claimed(doc: Path) -> None:
    # Before, any OFX file was claimed by an importer without account_id, and the
    # brokerage account `77 000012345678` by one given the last digits `12345678`.
    assert not OfxImporter("Assets:Bank:Checking").identify(str(doc))
    assert not OfxImporter("Assets:Bank:Checking", account_id="12345678").identify(str(doc))
    assert not checking().identify(str(doc))
    if doc == SIGNON:
        assert OfxImporter("Assets:Bank:Checking").extract(str(doc), []) == []
    else:
        # Its dividend would be left out in silence: extracted all the same, FCT209
        # (tests/importers/test_ofx_directions.py), and named by near_miss.
        with pytest.raises(ImportFailure) as caught:
            OfxImporter("Assets:Bank:Checking").extract(str(doc), [])
        assert caught.value.code == "FCT209" and "investment statement" in caught.value.detail
        assert OfxImporter("Assets:Bank:Checking").near_miss(str(doc)) is not None


def test_an_account_number_with_spaces_is_read_whole(tmp_path: Path) -> None:
    # Read up to its first space, `12300 000012345678` was `12300`: both importers'
    # statements had the same account, and neither last-digits id found it.
    assert OfxImporter("Assets:Bank:Checking", account_id="12345678").identify(CHECKING_SAVINGS)
    with pytest.raises(ImportFailure) as caught:
        OfxImporter("Assets:Bank:Checking").extract(str(CHECKING_SAVINGS), [])
    error = caught.value
    assert (error.column, error.code) == ("ACCTID", "FCT209")
    assert "several accounts (12300 000012345678, 12300 000087654321)" in error.detail
    assert not OfxImporter("Assets:Bank:Checking", account_id="12300").identify(CHECKING_SAVINGS)


def test_an_account_id_that_fits_two_statements_is_an_error(tmp_path: Path) -> None:
    text = CHECKING_SAVINGS.read_text().replace("000087654321", "000099995678")
    path = tmp_path / "both.ofx"
    path.write_text(text)
    importer = OfxImporter("Assets:Bank:Checking", account_id="5678")
    assert importer.identify(str(path))
    with pytest.raises(ImportFailure) as caught:
        importer.extract(str(path), [])
    assert (caught.value.column, caught.value.code) == ("ACCTID", "FCT209")
    assert "account_id '5678' fits the statements of several accounts" in caught.value.detail


SGML_TWICE = (
    "<TRNAMT>3291.87\n",
    "<TRNAMT>3291.87\n<TRNAMT>+1000000.00\n",
)
XML_TWICE = (
    "<TRNAMT>3291.87</TRNAMT>\n",
    "<TRNAMT>3291.87</TRNAMT>\n              <TRNAMT>+1000000.00</TRNAMT>\n",
)


@pytest.mark.parametrize(
    ("doc", "make", "change"),
    [(CHECKING_SAVINGS, checking, SGML_TWICE), (CHECKING_CARD, checking, XML_TWICE)],
    ids=["sgml", "xml"],
)
def test_an_element_given_twice_is_an_error(
    tmp_path: Path, doc: Path, make: type[OfxImporter], change: tuple[str, str]
) -> None:
    """Two amounts in one transaction: before, the last one (+1,000,000.00) was booked."""
    text = doc.read_text()
    assert change[0] in text
    text = text.replace(change[0], change[1], 1)
    path = tmp_path / doc.name
    path.write_text(text)
    with pytest.raises(ImportFailure) as caught:
        make().extract(str(path), [])
    error = caught.value
    line = text.splitlines().index(next(x for x in text.splitlines() if "+1000000" in x)) + 1
    assert (error.line, error.column, error.code) == (line, "TRNAMT", "FCT210")
    assert f"has <TRNAMT> twice: '3291.87' on line {line - 1} and '+1000000.00' here" in str(error)


@pytest.mark.parametrize("tag", ["DTPOSTED", "FITID", "NAME", "MEMO"])
def test_any_element_of_a_transaction_given_twice_is_an_error(tmp_path: Path, tag: str) -> None:
    text = CHECKING_SAVINGS.read_text()
    start = text.index(f"<{tag}>", text.index("<STMTTRN>"))
    end = text.index("\n", start) + 1
    text = text[:end] + text[start:end] + text[end:]
    path = tmp_path / "twice.ofx"
    path.write_text(text)
    with pytest.raises(ImportFailure) as caught:
        checking().extract(str(path), [])
    assert (caught.value.column, caught.value.code) == (tag, "FCT210")


def test_a_balance_or_account_given_twice_is_an_error(tmp_path: Path) -> None:
    for old, new in (
        ("<BALAMT>14127.40\n", "<BALAMT>14127.40\n<BALAMT>99999.99\n"),
        ("<ACCTID>12300 000012345678\n", "<ACCTID>12300 000012345678\n<ACCTID>1\n"),
    ):
        path = tmp_path / "twice.ofx"
        path.write_text(CHECKING_SAVINGS.read_text().replace(old, new))
        with pytest.raises(ImportFailure) as caught:
            checking().extract(str(path), [])
        assert caught.value.code == "FCT210"


def test_the_savings_importer_is_not_stopped_by_the_checking_statement(tmp_path: Path) -> None:
    """An element twice in another account's statement is that importer's to report."""
    text = CHECKING_SAVINGS.read_text().replace("<TRNAMT>3291.87\n", "<TRNAMT>3291.87\n" * 2)
    path = tmp_path / "twice.ofx"
    path.write_text(text)
    assert len(alone(savings, CHECKING_SAVINGS).extract(str(path), [])) == 3  # 2 lines, balance


def nested(depth: int) -> str:
    """An OFX file of `depth` nested elements left open, then closed at once."""
    tags = "".join(f"<X{number}>\n" for number in range(depth))
    return f"OFXHEADER:100\n\n<OFX>\n<BANKMSGSRSV1>\n{tags}</BANKMSGSRSV1>\n</OFX>\n"


def test_deeply_nested_elements_are_all_read(tmp_path: Path, monkeypatch) -> None:
    """Each closing tag once searched the whole stack, and each empty element moved all
    that the ones after it held: 40,000 nested tags took most of a minute. (The parser
    refuses more than `MAX_DEPTH` open at once: lifted here to read the pass itself. The
    time it takes is measured by the nesting-depth fuzz target, not in a unit test.)"""
    monkeypatch.setattr(ofx, "MAX_DEPTH", 100_000)
    for depth in (5_000, 40_000):
        path = tmp_path / f"{depth}.ofx"
        path.write_text(nested(depth))
        tree = ofx.parse(str(path))
        (body,) = tree.children[0].children
        assert len(body.fields) == depth  # each empty element is a field of the list


def test_the_ids_do_not_depend_on_how_the_account_number_is_spaced() -> None:
    """The deposit of 2025-03-04 (FITID CP2025030401) is in both downloads, its account
    written `12300 000012345678` in one and `12300000012345678` in the other: one id."""
    ids = []
    for doc in (CHECKING_SAVINGS, CHECKING_CARD):
        (deposit,) = [e for e in alone(checking, doc).extract(str(doc), []) if e.date.day == 4]
        ids.append(deposit.meta["import-id"])
    assert ids[0] == ids[1]


def test_the_command_line_extracts_each_account_of_a_download(tmp_path: Path) -> None:
    """beangulp gives a file to one importer: `ingest()` puts the accounts' importers
    together, so `extract` writes the checking and the savings lines of one download."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for doc in (CHECKING_SAVINGS, CHECKING_CARD, BROKERAGE, SIGNON):
        shutil.copy(doc, downloads / doc.name)
    output = tmp_path / "out.beancount"
    result = CliRunner().invoke(
        ingest([checking(), savings(), card()]).cli,
        ["extract", "-o", str(output), str(downloads)],
    )
    assert result.exit_code == 0, result.output
    text = output.read_text()
    sections = {part.split("\n", 1)[0]: part for part in text.split("**** ")[1:]}
    assert set(sections) == {str(downloads / d.name) for d in (CHECKING_SAVINGS, CHECKING_CARD)}
    for doc in (CHECKING_SAVINGS, CHECKING_CARD):
        # (The deposit of 2025-03-04 is in both downloads: the second prints it as a
        # duplicate, commented out.)
        part = sections[str(downloads / doc.name)].replace("\n; ", "\n")
        goldens = sorted(DOCS.glob(f"{doc.name}.*.beancount"))
        assert len(goldens) == 2  # one per account
        for golden in goldens:
            body = golden.read_text().split("\n\n", 1)[1]
            for entry in body.strip().split("\n\n"):
                # Its first lines (date, payee, id) as the golden has them.
                assert "\n".join(entry.splitlines()[:2]) in part
    # Lines and a balance of each account: checking (3 + 1) and savings (2 + 1) from the
    # first download, checking (2 + 1) and card (3 + 1) from the second: 14 entries.
    assert text.count('import-id: "ofx-') == (3 + 1) + (2 + 1) + (2 + 1) + (3 + 1)
    assert BROKERAGE.name not in text and SIGNON.name not in text


def test_importers_that_would_take_one_statement_twice_are_refused(tmp_path: Path) -> None:
    last_digits = OfxImporter("Assets:Bank:Other", account_id="5678")  # fits the checking's
    merged = OfxAccounts([checking(), savings(), last_digits])
    assert merged.identify(str(CHECKING_SAVINGS))
    with pytest.raises(ImportFailure) as caught:
        merged.extract(str(CHECKING_SAVINGS), [])
    assert caught.value.code == "FCT209"
    assert "taken by two importers" in caught.value.detail
    # An importer without account_id is not put together: beangulp refuses the file
    # that it and another claim, rather than both booking the same lines.
    anything = OfxImporter("Assets:Bank:Checking")
    assert together([anything, savings()])[0] is anything


# What each account held on 2025-03-01, by hand from its statement: the LEDGERBAL of
# 2025-03-31 less the lines of March.
OPENING = {
    # 14127.40 - (3291.87 - 902.31 - 1000.00 = 1389.56) = 12737.84
    (CHECKING_SAVINGS, "checking"): Decimal("12737.84"),
    # 6002.15 - (1000.00 + 2.15 = 1002.15) = 5000.00
    (CHECKING_SAVINGS, "savings"): Decimal("5000.00"),
    # 13765.58 - (3291.87 - 640.18 = 2651.69) = 11113.89
    (CHECKING_CARD, "checking"): Decimal("11113.89"),
    # 0.00 - (-118.90 - 521.28 + 640.18 = 0.00) = 0.00
    (CHECKING_CARD, "card"): Decimal("0.00"),
}


@pytest.mark.parametrize(
    ("doc", "make", "golden"), GOLDENS, ids=[f"{d.name}-{g}" for d, _, g in GOLDENS]
)
def test_what_each_importer_writes_loads_and_its_balance_holds(
    doc: Path, make: type[OfxImporter], golden: str
) -> None:
    """Loaded with the plugin after the account's opening balance, the lines one importer
    took give its statement's LEDGERBAL: another account's line would break it."""
    importer = alone(make, doc)
    plain = OfxImporter(
        importer.bank,
        account_id=importer.account_id,
        ignore_accounts=importer.ignore_accounts,
        factors={},
    )
    entries = plain.extract(str(doc), [])
    opening = OPENING[(doc, golden)]
    text = io.StringIO()
    printer.print_entries(entries, file=text)
    ledger = (
        'plugin "beancount_factoring.plugin"\n'
        f"2025-01-01 open {importer.bank} USD\n"
        "2025-01-01 open Expenses:Uncategorized USD\n"
        "2025-01-01 open Equity:Opening-Balances USD\n"
        f'2025-03-01 * "Opening balance"\n  {importer.bank}  {opening} USD\n'
        "  Equity:Opening-Balances\n\n" + text.getvalue()
    )
    loaded, errors, _ = loader.load_string(ledger)
    assert errors == [], [e.message for e in errors]
    assert sum(isinstance(e, data.Balance) for e in loaded) == 1


@pytest.mark.parametrize("amount", ["-5-", "(-5)", "--5", "1,,,2", "-1.234,56", "1,000,00"])
def test_an_amount_that_is_not_a_number_is_an_error(tmp_path: Path, amount: str) -> None:
    """Read before as 5, 5, (refused), 12, -1.23456 and 100000."""
    text = CHECKING_SAVINGS.read_text().replace("<TRNAMT>-902.31", f"<TRNAMT>{amount}")
    path = tmp_path / "amount.ofx"
    path.write_text(text)
    with pytest.raises(ImportFailure) as caught:
        checking().extract(str(path), [])
    error = caught.value
    line = next(n for n, x in enumerate(text.splitlines(), 1) if x == f"<TRNAMT>{amount}")
    assert (error.line, error.column, error.code) == (line, "TRNAMT", "FCT207")
    assert f"{amount!r} is not an amount" in error.detail


def test_a_statement_past_the_first_mib_is_claimed(tmp_path: Path) -> None:
    # A year of checking lines (9,000 here) before the savings statement: identify()
    # read the first MiB alone, the savings importer never saw the file, and its lines
    # and balance were left out while the run said OK.
    text = CHECKING_SAVINGS.read_text(encoding="latin-1")
    line = (
        "<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20250320120000.000[-6:CST]\n<TRNAMT>-1.00\n"
        "<FITID>BIG{n:05d}\n<NAME>FUEL STOP {n}\n<MEMO>POS PURCHASE\n</STMTTRN>\n"
    )
    filler = "".join(line.format(n=n) for n in range(9000))
    first = text.index("</BANKTRANLIST>")
    path = tmp_path / "checking_savings.ofx"
    path.write_text(text[:first] + filler + text[first:], encoding="latin-1")
    assert text.index("12300 000087654321") < 1 << 20 < path.read_text().index("000087654321")
    assert savings().identify(str(path))
    only = alone(savings, CHECKING_SAVINGS)
    assert figures(only, path) == figures(only, CHECKING_SAVINGS)
    assert not card().identify(str(path))


def test_an_account_number_cut_at_the_first_mib_is_read_whole(tmp_path: Path) -> None:
    # The first MiB ends inside the savings ACCTID, at "12300 0000876": read as a whole
    # number, it was claimed by an importer of the account ending 0876 (not in the file).
    text = CHECKING_SAVINGS.read_text(encoding="latin-1")
    value = text.index("12300 000087654321")
    first = text.index("</BANKTRANLIST>")
    padding = "\n" * ((1 << 20) - value - len("12300 0000876"))
    path = tmp_path / "checking_savings.ofx"
    path.write_text(text[:first] + padding + text[first:], encoding="latin-1")
    cut = path.read_bytes()[: 1 << 20].decode("latin-1")
    assert cut.endswith("<ACCTID>12300 0000876")
    assert not OfxImporter("Assets:Bank:Other", account_id="0876").identify(str(path))
    assert savings().identify(str(path))
    only = alone(savings, CHECKING_SAVINGS)
    assert figures(only, path) == figures(only, CHECKING_SAVINGS)
