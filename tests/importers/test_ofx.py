"""The OFX/QFX importer: SGML OFX 1.x and XML OFX 2.x, goldens, factor lines, bad files."""

from __future__ import annotations

import datetime
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from bank_config import BANK_DOCS, DOCUMENTS, checking_ofx, fleet_card
from beancount.core import data
from beangulp import testing
from click.testing import CliRunner

from beancount_factoring.importers import ofx
from beancount_factoring.importers.base import ID_KEY, ImportFailure
from beancount_factoring.importers.ingest import ingest
from beancount_factoring.importers.ofx import Aggregate, OfxImporter, parse

OFX_DOCS = [doc for doc in DOCUMENTS if doc.suffix in (".ofx", ".qfx")]
SGML = BANK_DOCS / "first_prairie_2025-02.ofx"
XML = BANK_DOCS / "harborview_fleetcard_2025-02.qfx"


@pytest.mark.parametrize("doc", OFX_DOCS, ids=lambda doc: doc.name)
def test_golden(doc: Path) -> None:
    importer = DOCUMENTS[doc]()
    assert importer.identify(str(doc))
    account, date, name, entries = testing.run_importer(importer, str(doc))
    diff = testing.compare_expected(f"{doc}.beancount", account, date, name, entries)
    assert not diff, "".join(diff)


@pytest.mark.parametrize("doc", OFX_DOCS, ids=lambda doc: doc.name)
def test_beangulp_harness(doc: Path) -> None:
    result = CliRunner().invoke(testing.wrap(DOCUMENTS[doc]()), ["test", str(doc)])
    assert result.exit_code == 0, result.output


def test_factor_lines_go_to_the_clearing_account() -> None:
    entries = checking_ofx().extract(str(SGML), [])
    by_payee = {
        (e.payee or e.narration): (e.flag, e.postings[1].account)
        for e in entries
        if isinstance(e, data.Transaction)
    }
    assert by_payee["LAKESHORE FUNDING LLC"] == ("*", "Assets:Factoring:Lakeshore:Clearing")
    assert by_payee["PINECREST CAPITAL"] == ("*", "Assets:Factoring:Pinecrest:Clearing")
    assert by_payee["GRANITE VALLEY PAPER"] == ("!", "Expenses:Uncategorized")
    assert by_payee["RIVERSIDE TIRE & LUBE"] == ("!", "Expenses:Uncategorized")


def test_balance_is_the_day_after_dtasof() -> None:
    (balance,) = [e for e in fleet_card().extract(str(XML), []) if isinstance(e, data.Balance)]
    assert balance.date == datetime.date(2025, 3, 1)
    assert balance.amount == data.Amount(Decimal("-877.00"), "USD")


def test_ids_come_from_fitid_not_position(tmp_path: Path) -> None:
    text = SGML.read_text()
    first = text.index("<STMTTRN>")
    second = text.index("<STMTTRN>", first + 1)
    # Another download, without the first transaction: the others keep their ids.
    path = tmp_path / "later.ofx"
    path.write_text(text[:first] + text[second:])
    old = {e.meta[ID_KEY] for e in checking_ofx().extract(str(SGML), [])}
    new = {e.meta[ID_KEY] for e in checking_ofx().extract(str(path), [])}
    assert new < old
    assert len(old - new) == 1


def test_protocol() -> None:
    importer = fleet_card()
    assert importer.account(str(XML)) == "Liabilities:CreditCard:Fleet"
    assert importer.date(str(XML)) == datetime.date(2025, 2, 28)
    assert importer.filename(str(XML)) == "fleet.statement.qfx"
    assert importer.name != checking_ofx().name
    assert importer.identify(XML)
    assert not importer.identify(str(SGML))  # another account


SGML_MINIMAL = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
ENCODING:USASCII
CHARSET:1252

<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD
<BANKACCTFROM><BANKID>1<ACCTID>99<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST>
<STMTTRN>
<TRNTYPE>CREDIT
<DTPOSTED>20250303
<TRNAMT>1,50
<FITID>A1
<MEMO>
<NAME>Caf\xe9 &amp; Diner
</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250304<TRNAMT>-2.00<FITID>A2<PAYEE><NAME>Fuel Stop</PAYEE>
<MEMO>Diesel</STMTTRN>
</BANKTRANLIST>
</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def write(tmp_path: Path, text: str, name: str = "statement.ofx", encoding: str = "cp1252") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


class TestParser:
    def test_sgml_empty_elements_entities_and_decimal_comma(self, tmp_path: Path) -> None:
        entries = OfxImporter("Assets:Bank").extract(write(tmp_path, SGML_MINIMAL), [])
        first, second = entries
        assert (first.payee, first.narration) == (None, "Café & Diner")
        assert first.postings[0].units == data.Amount(Decimal("1.50"), "USD")
        assert (second.payee, second.narration) == ("Fuel Stop", "Diesel")

    def test_xml_self_closing_and_closed_elements(self, tmp_path: Path) -> None:
        text = (
            '<?xml version="1.0" encoding="UTF-8"?><?OFX OFXHEADER="200"?>'
            "<OFX><STMTRS><CURDEF>EUR</CURDEF><BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT</TRNTYPE>"
            "<DTPOSTED>20250303</DTPOSTED><TRNAMT>-4.20</TRNAMT><FITID>X</FITID><MEMO/>"
            "<NAME>Bäckerei Weser</NAME></STMTTRN></BANKTRANLIST></STMTRS></OFX>"
        )
        (entry,) = OfxImporter("Assets:Bank").extract(write(tmp_path, text, encoding="utf-8"), [])
        assert entry.narration == "Bäckerei Weser"
        assert entry.postings[0].units == data.Amount(Decimal("-4.20"), "EUR")

    def test_an_empty_element_left_open_holds_nothing(self, tmp_path: Path) -> None:
        text = SGML_MINIMAL.replace("<PAYEE>", "<MEMO>\n<PAYEE>", 1)
        root = parse(write(tmp_path, text))
        second = list(root.walk("STMTTRN"))[1]
        assert [child.tag for child in second.children] == ["PAYEE"]
        assert len(list(root.walk("PAYEE"))) == 1

    def test_tree(self) -> None:
        root = parse(str(SGML))
        (statement,) = root.walk("STMTRS")
        assert statement.value("CURDEF") == "USD"
        transactions = statement.child("BANKTRANLIST")
        assert transactions is not None
        assert len([c for c in transactions.children if c.tag == "STMTTRN"]) == 12


def tree(node: Aggregate) -> tuple[object, ...]:
    """An aggregate as nested tuples: tag, line, elements with their lines, children."""
    return (node.tag, node.line, node.fields, [tree(child) for child in node.children])


def read_tag_by_tag(monkeypatch: pytest.MonkeyPatch, path: str) -> object:
    """What `parse` gives without its one-step reading of plain transactions."""
    with monkeypatch.context() as patch:
        patch.setattr(ofx, "_FLAT", re.compile(r"(?!)(.)(.)"))
        try:
            return tree(parse(path))
        except ImportFailure as error:
            return str(error)


def test_plain_transactions_read_at_once_as_tag_by_tag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path for SGML transactions gives the tree, lines and errors of the rest."""
    rng = random.Random(20250305)
    variants = [SGML.read_bytes(), XML.read_bytes(), SGML_MINIMAL.encode("cp1252")]
    variants.append(variants[0].replace(b"\n<", b"<"))  # every tag on one line
    variants.append(variants[0].replace(b"\n", b"\r\n"))
    for number in range(200):
        content = bytearray(variants[number % len(variants)])
        for _ in range(rng.randrange(1, 4)):  # a flipped byte, a stray <, &, space or line
            at = rng.randrange(len(content))
            content[at : at + rng.randrange(2)] = rng.choice([b"<", b"&", b" ", b"\n", b"x"])
        path = tmp_path / f"{number}.ofx"
        path.write_bytes(bytes(content))
        try:
            fast: object = tree(parse(str(path)))
        except ImportFailure as error:
            fast = str(error)
        assert fast == read_tag_by_tag(monkeypatch, str(path)), number


def failure(importer: OfxImporter, path: str) -> ImportFailure:
    with pytest.raises(ImportFailure) as caught:
        importer.extract(path, [])
    assert caught.value.filename == path
    assert str(caught.value).startswith(path)
    assert f": {caught.value.code} {caught.value.detail}" in str(caught.value)
    return caught.value


class TestMalformed:
    def test_truncated(self, tmp_path: Path) -> None:
        text = SGML.read_text()
        cut = text[: text.index("<TRNAMT>1118.12") + 10]
        path = write(tmp_path, cut)
        error = failure(checking_ofx(), path)
        assert error.line == cut.count("\n") + 1
        assert (error.column, error.code) == ("STMTTRN", "FCT204")
        assert "truncated" in error.detail

    def test_truncated_xml(self, tmp_path: Path) -> None:
        text = XML.read_text()
        error = failure(fleet_card(), write(tmp_path, text[: len(text) // 2], "card.qfx"))
        assert "truncated" in error.detail and error.code == "FCT204"

    @pytest.mark.parametrize("tag", ["FITID", "TRNAMT", "DTPOSTED"])
    def test_missing_stmttrn_field(self, tmp_path: Path, tag: str) -> None:
        text = SGML_MINIMAL.replace(f"<{tag}>", "<XX>", 1)
        error = failure(OfxImporter("Assets:Bank"), write(tmp_path, text))
        assert (error.line, error.column, error.code) == (10, tag, "FCT205")  # its <STMTTRN>

    def test_bad_amount_and_date(self, tmp_path: Path) -> None:
        path = write(tmp_path, SGML_MINIMAL.replace("1,50", "1.5.0"))
        error = failure(OfxImporter("Assets:Bank"), path)
        assert (error.line, error.column, error.code) == (13, "TRNAMT", "FCT207")
        path = write(tmp_path, SGML_MINIMAL.replace("20250303", "2025-03-03"))
        error = failure(OfxImporter("Assets:Bank"), path)
        assert (error.line, error.column, error.code) == (12, "DTPOSTED", "FCT206")

    def test_unknown_charset(self, tmp_path: Path) -> None:
        error = failure(
            OfxImporter("Assets:Bank"), write(tmp_path, SGML_MINIMAL.replace("1252", "EBCDIC-9"))
        )
        assert (error.line, error.column, error.code) == (5, "CHARSET", "FCT201")

    def test_undecodable(self, tmp_path: Path) -> None:
        text = SGML_MINIMAL.replace("ENCODING:USASCII", "ENCODING:UTF-8")
        error = failure(OfxImporter("Assets:Bank"), write(tmp_path, text))  # written in cp1252
        assert (error.line, error.column, error.code) == (16, len("<NAME>Caf") + 1, "FCT201")

    def test_close_tag_of_nothing(self, tmp_path: Path) -> None:
        text = SGML_MINIMAL.replace("</STMTTRN>\n<STMTTRN>", "</STMTTRN>\n</BANKACCTFROM>")
        error = failure(OfxImporter("Assets:Bank"), write(tmp_path, text))
        assert (error.line, error.column, error.code) == (18, "BANKACCTFROM", "FCT204")

    def test_empty_and_not_ofx(self, tmp_path: Path) -> None:
        error = failure(OfxImporter("Assets:Bank"), write(tmp_path, ""))
        assert "empty" in error.detail and error.code == "FCT202"
        path = write(tmp_path, "Date,Amount\n", "x.ofx")
        error = failure(OfxImporter("Assets:Bank"), path)
        assert "not an OFX file" in error.detail and error.code == "FCT203"

    def test_several_accounts_need_account_id(self, tmp_path: Path) -> None:
        start, end = SGML_MINIMAL.index("<STMTTRNRS>"), SGML_MINIMAL.index("</BANKMSGSRSV1>")
        other = SGML_MINIMAL[start:end].replace("<ACCTID>99", "<ACCTID>77")
        text = SGML_MINIMAL[:end] + other + SGML_MINIMAL[end:]
        path = write(tmp_path, text)
        error = failure(OfxImporter("Assets:Bank"), path)
        assert (error.column, error.code) == ("ACCTID", "FCT209")
        # The statement of 99 holds lines no importer takes: an error, not left out.
        error = failure(OfxImporter("Assets:Bank", account_id="77"), path)
        assert (error.line, error.column, error.code) == (7, "ACCTID", "FCT209")
        importer = OfxImporter("Assets:Bank", account_id="77", ignore_accounts=["99"])
        assert len(importer.extract(path, [])) == 2

    def test_currency_mismatch(self, tmp_path: Path) -> None:
        error = failure(OfxImporter("Assets:Bank", currency="EUR"), write(tmp_path, SGML_MINIMAL))
        assert (error.column, error.code) == ("CURDEF", "FCT209")

    def test_no_currency(self, tmp_path: Path) -> None:
        path = write(tmp_path, SGML_MINIMAL.replace("<CURDEF>USD", ""))
        error = failure(OfxImporter("Assets:Bank"), path)
        assert (error.line, error.column, error.code) == (7, "CURDEF", "FCT209")
        assert "no currency" in error.detail

    def test_a_file_that_cannot_be_read(self, tmp_path: Path) -> None:
        path = tmp_path / "folder.ofx"
        path.mkdir()
        error = failure(OfxImporter("Assets:Bank"), str(path))
        assert (error.line, error.code) == (None, "FCT200")
        assert str(error).startswith(f"{path}: FCT200 cannot read the file: ")

    def test_through_the_command_line(self, tmp_path: Path) -> None:
        text = SGML.read_text()
        bad = write(tmp_path, text[: len(text) * 2 // 3], "cut.ofx")
        output = tmp_path / "out.beancount"
        result = CliRunner().invoke(
            ingest([checking_ofx()]).cli, ["extract", "-o", str(output), bad]
        )
        assert result.exit_code == 1
        assert f"{bad}:" in result.output and "truncated" in result.output
        assert "FCT204 the file ends inside" in result.output
        assert not output.exists() or "import-id" not in output.read_text()


def outcome(importer: OfxImporter, path: str) -> object:
    """What extract() gives: the entries as text, or the error."""
    try:
        entries = importer.extract(path, [])
    except ImportFailure as error:
        return str(error)
    return [(e.date, e.meta[ID_KEY], e.meta["lineno"], str(e)) for e in entries]


def test_any_block_size_gives_the_same_tree_entries_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is read in blocks; where a block ends changes nothing, even inside a tag,
    a character of several bytes or a line break, nor which problem is reported first."""
    rng = random.Random(20260305)
    variants = [SGML.read_bytes(), XML.read_bytes(), SGML_MINIMAL.encode("cp1252")]
    variants.append(SGML.read_text().replace("ENCODING:USASCII", "ENCODING:UTF-8").encode())
    variants.append(variants[3].replace(b"FUNDING", "FÜNDING €".encode()))
    variants.append(variants[0].replace(b"\n", b"\r\n"))
    pieces = [b"<", b"&", b"\n", b"\xe9", b"\xc3", b"</STMTTRN>", b"<MEMO>", b"</STMTRS>", b""]
    for number in range(120):
        content = bytearray(variants[number % len(variants)])
        for _ in range(rng.randrange(0, 3)):
            at = rng.randrange(len(content))
            content[at : at + rng.randrange(3)] = rng.choice(pieces)
        path = tmp_path / f"{number}.ofx"
        path.write_bytes(bytes(content))
        importer = OfxImporter("Assets:Bank", currency="USD" if number % 2 else None)
        whole = (read_tree(str(path)), outcome(importer, str(path)))
        with monkeypatch.context() as patch:
            patch.setattr(ofx, "BLOCK", rng.choice([1, 2, 3, 7, 64]))
            assert (read_tree(str(path)), outcome(importer, str(path))) == whole, number


def read_tree(path: str) -> object:
    try:
        return tree(parse(path))
    except ImportFailure as error:
        return str(error)


class TestStreamed:
    """What reading the file as a stream decides for a statement out of order."""

    def test_the_first_problem_in_reading_order_is_reported(self, tmp_path: Path) -> None:
        text = SGML_MINIMAL.replace("<TRNAMT>-2.00", "<TRNAMT>-2.0.0")  # line 18
        text = text.replace("</STMTRS>", "</STMTRX>")  # and the file ends inside it
        error = failure(OfxImporter("Assets:Bank"), write(tmp_path, text))
        assert (error.line, error.column, error.code) == (18, "TRNAMT", "FCT207")

    def test_a_transaction_list_left_open_keeps_its_transactions(self, tmp_path: Path) -> None:
        text = SGML_MINIMAL.replace("</BANKTRANLIST>\n", "")
        assert len(OfxImporter("Assets:Bank").extract(write(tmp_path, text), [])) == 2

    def test_a_stray_statement_tag_is_left_alone(self, tmp_path: Path) -> None:
        text = SGML_MINIMAL.replace("<STMTTRNRS>", "<STMTRS><STMTTRNRS>")
        assert len(OfxImporter("Assets:Bank").extract(write(tmp_path, text), [])) == 2

    def test_a_currency_given_after_the_transactions_must_agree(self, tmp_path: Path) -> None:
        late = SGML_MINIMAL.replace("<CURDEF>USD", "").replace(
            "</BANKTRANLIST>", "</BANKTRANLIST><CURDEF>USD"
        )
        entries = OfxImporter("Assets:Bank").extract(write(tmp_path, late), [])
        assert {e.postings[0].units.currency for e in entries} == {"USD"}
        changed = SGML_MINIMAL.replace("</BANKTRANLIST>", "</BANKTRANLIST><CURDEF>EUR")
        error = failure(OfxImporter("Assets:Bank"), write(tmp_path, changed, "changed.ofx"))
        assert (error.column, error.code) == ("CURDEF", "FCT210")
        assert "USD" in error.detail and "EUR" in error.detail


def test_an_amount_with_three_places_is_refused(tmp_path: Path) -> None:
    # `-1,500` (a thousands mark, in a file of decimal points) read as a decimal comma
    # would be -1.500 USD: money has two places, so it is FCT207 on the amount's line.
    text = SGML_MINIMAL.replace("<TRNAMT>-2.00", "<TRNAMT>-1,500")  # line 18
    error = failure(OfxImporter("Assets:Bank"), write(tmp_path, text))
    assert (error.line, error.column, error.code) == (18, "TRNAMT", "FCT207")
    assert "'-1,500' has three digits after its comma" in error.detail
    # With a point, OFX's own decimal mark (it writes no thousands marks), it is read.
    text = SGML_MINIMAL.replace("<TRNAMT>-2.00", "<TRNAMT>-12.500")
    entries = OfxImporter("Assets:Bank").extract(write(tmp_path, text), [])
    assert entries[1].postings[0].units.number == Decimal("-12.500")


def test_an_amount_in_fractions_of_a_cent_is_refused(tmp_path: Path) -> None:
    # -12.505 was booked as it is: on a line to the fallback account nothing said so.
    text = SGML_MINIMAL.replace("<TRNAMT>-2.00", "<TRNAMT>-12.505")  # line 18
    error = failure(OfxImporter("Assets:Bank"), write(tmp_path, text))
    assert (error.line, error.column, error.code) == (18, "TRNAMT", "FCT207")
    assert "'-12.505' is not in whole cents" in error.detail


def test_a_transaction_listed_twice_is_two_transactions(tmp_path: Path) -> None:
    # Some banks make a FITID of a line's content: two coffees of one price on one day
    # share it. Both are booked (ids -2 apart); a true repeat fails the LEDGERBAL
    # assertion in bean-check.
    line = "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250304<TRNAMT>-2.00<FITID>A2<PAYEE><NAME>Fuel Stop</PAYEE>\n<MEMO>Diesel</STMTTRN>\n"  # noqa: E501
    text = SGML_MINIMAL.replace("</BANKTRANLIST>", line + "</BANKTRANLIST>")
    assert len(OfxImporter("Assets:Bank").extract(write(tmp_path, text), [])) == 3


def test_a_transaction_in_another_currency_is_refused(tmp_path: Path) -> None:
    # <CURRENCY>: by the OFX specification its amounts are in EUR: -2.00 is not -2.00 USD.
    text = SGML_MINIMAL.replace(
        "<MEMO>Diesel</STMTTRN>",
        "<MEMO>Diesel<CURRENCY><CURRATE>1.08<CURSYM>EUR</CURRENCY></STMTTRN>",
    )
    error = failure(OfxImporter("Assets:Bank"), write(tmp_path, text))
    assert (error.line, error.column, error.code) == (19, "CURRENCY", "FCT209")
    assert "the transaction is in EUR (a <CURRENCY> aggregate), not in the statement's USD" in (
        error.detail
    )
    # A <CURRENCY> of the statement's own currency says nothing new: the line is read.
    same = text.replace("<CURSYM>EUR", "<CURSYM>USD")
    assert len(OfxImporter("Assets:Bank").extract(write(tmp_path, same), [])) == 2
