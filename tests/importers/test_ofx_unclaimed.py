"""An OFX download holding the statement of an account no importer takes.

A bank's download often holds two accounts' statements (checking and savings, or a
card). An importer given `account_id` takes its own; a statement with lines of an
account that no importer (of the group `ingest()` makes) takes was skipped without a
word, its lines never booked. It is now one error (FCT209) naming the statement's line,
its account as the file writes it and how many lines it holds, unless an importer names
it in `ignore_accounts` (left out on purpose). A statement with no lines (a balance
only) books nothing and stops nothing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from click.testing import CliRunner

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.ingest import ingest
from beancount_factoring.importers.ofx import OfxImporter
from beancount_factoring.importers.ofx_accounts import OfxAccounts, together

HEADER = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n<OFX>\n"


def line(fitid: str, amount: str) -> str:
    return (
        f"<STMTTRN>\n<TRNTYPE>OTHER\n<DTPOSTED>20250310\n<TRNAMT>{amount}\n"
        f"<FITID>{fitid}\n<NAME>LINE {fitid}\n</STMTTRN>\n"
    )


def statement(acctid: str, lines: list[str], balance: str) -> str:
    return (
        "<STMTTRNRS>\n<TRNUID>1\n<STMTRS>\n<CURDEF>USD\n<BANKACCTFROM>\n<BANKID>101000695\n"
        f"<ACCTID>{acctid}\n<ACCTTYPE>CHECKING\n</BANKACCTFROM>\n<BANKTRANLIST>\n"
        f"<DTSTART>20250301\n<DTEND>20250331\n{''.join(lines)}</BANKTRANLIST>\n"
        f"<LEDGERBAL>\n<BALAMT>{balance}\n<DTASOF>20250331\n</LEDGERBAL>\n</STMTRS>\n"
        "</STMTTRNRS>\n"
    )


def download(tmp_path: Path, *statements: str, name: str = "download.ofx") -> Path:
    path = tmp_path / name
    body = "".join(statements)
    path.write_text(f"{HEADER}<BANKMSGSRSV1>\n{body}</BANKMSGSRSV1>\n</OFX>\n")
    return path


# Checking 1111 22225678: 100.00 - 40.00 = 60.00 moved. Savings 9999 33334321: three
# lines, 500.00 + 1.25 - 20.00 = 481.25, none of which any importer below takes.
CHECKING = statement("1111 22225678", [line("C1", "100.00"), line("C2", "-40.00")], "60.00")
SAVINGS = statement(
    "9999 33334321",
    [line("S1", "500.00"), line("S2", "1.25"), line("S3", "-20.00")],
    "481.25",
)
SAVINGS_BALANCE_ONLY = statement("9999 33334321", [], "481.25")
MASKED = statement("XXXXXXXX4321", [line("M1", "500.00"), line("M2", "-20.00")], "480.00")


def checking(**options: object) -> OfxImporter:
    return OfxImporter("Assets:Bank:Checking", account_id="22225678", **options)  # type: ignore[arg-type]


def savings() -> OfxImporter:
    return OfxImporter("Assets:Bank:Savings", account_id="4321")


def statement_line(path: Path, acctid: str) -> int:
    """The line of the `<STMTRS>` of the statement of `acctid`."""
    lines = path.read_text().splitlines()
    at = lines.index(f"<ACCTID>{acctid}")
    return max(n for n in range(at) if lines[n] == "<STMTRS>") + 1


def numbers(entries: list[data.Directive]) -> list[Decimal]:
    return [e.postings[0].units.number for e in entries if isinstance(e, data.Transaction)]


def test_one_importer_on_a_file_with_another_accounts_lines_is_an_error(tmp_path: Path) -> None:
    # Before: the checking lines (100.00, -40.00) were booked, and the savings'
    # 481.25 of lines left out without a word.
    path = download(tmp_path, CHECKING, SAVINGS)
    importer = checking()
    assert importer.identify(str(path))
    with pytest.raises(ImportFailure) as caught:
        importer.extract(str(path), [])
    error = caught.value
    assert (error.filename, error.line, error.code) == (
        str(path),
        statement_line(path, "9999 33334321"),
        "FCT209",
    )
    assert "'9999 33334321'" in error.detail
    assert "3 transactions" in error.detail
    assert 'account_id="999933334321"' in error.detail
    assert "ignore_accounts=" in error.detail


def test_an_account_left_out_on_purpose_is_named_in_ignore_accounts(tmp_path: Path) -> None:
    path = download(tmp_path, CHECKING, SAVINGS)
    for ignored in ("999933334321", "9999 33334321", "4321"):
        entries = checking(ignore_accounts=[ignored]).extract(str(path), [])
        assert numbers(entries) == [Decimal("100.00"), Decimal("-40.00")]
        balances = [e.amount.number for e in entries if isinstance(e, data.Balance)]
        assert balances == [Decimal("60.00")]


def test_ignore_accounts_that_fits_nothing_leaves_the_error(tmp_path: Path) -> None:
    path = download(tmp_path, CHECKING, SAVINGS)
    with pytest.raises(ImportFailure) as caught:
        checking(ignore_accounts=["1234"]).extract(str(path), [])
    assert caught.value.code == "FCT209"


@pytest.mark.parametrize("wrong", ["4321", 4321, [4321], [""]])
def test_ignore_accounts_is_a_list_of_account_numbers_as_text(wrong: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        checking(ignore_accounts=wrong)


def test_a_statement_with_a_balance_only_stops_nothing(tmp_path: Path) -> None:
    path = download(tmp_path, CHECKING, SAVINGS_BALANCE_ONLY)
    entries = checking().extract(str(path), [])
    assert numbers(entries) == [Decimal("100.00"), Decimal("-40.00")]
    assert [e.account for e in entries if isinstance(e, data.Balance)] == ["Assets:Bank:Checking"]


def test_a_masked_account_is_named_as_the_file_writes_it(tmp_path: Path) -> None:
    path = download(tmp_path, CHECKING, MASKED)
    with pytest.raises(ImportFailure) as caught:
        checking().extract(str(path), [])
    detail = caught.value.detail
    assert "'XXXXXXXX4321'" in detail and "2 transactions" in detail
    assert 'account_id="4321"' in detail
    # The masked-ACCTID rule: the savings importer's last digits take it.
    group = OfxAccounts([checking(), savings()])
    entries = group.extract(str(path), [])
    assert sum(numbers(entries)) == Decimal("60.00") + Decimal("480.00")


def test_the_group_takes_each_statement_with_its_importer(tmp_path: Path) -> None:
    path = download(tmp_path, CHECKING, SAVINGS)
    group = OfxAccounts([checking(), savings()])
    entries = group.extract(str(path), [])
    # 60.00 on checking, 481.25 on savings.
    by_account: dict[str, Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            account = entry.postings[0].account
            by_account[account] = (
                by_account.get(account, Decimal(0)) + entry.postings[0].units.number
            )
    assert by_account == {
        "Assets:Bank:Checking": Decimal("60.00"),
        "Assets:Bank:Savings": Decimal("481.25"),
    }


def test_the_group_refuses_a_statement_none_of_its_importers_takes(tmp_path: Path) -> None:
    card_lines = [line("K1", "-12.00")]
    path = download(tmp_path, CHECKING, SAVINGS, statement("5555", card_lines, "-12.00"))
    group = OfxAccounts([checking(), savings()])
    with pytest.raises(ImportFailure) as caught:
        group.extract(str(path), [])
    error = caught.value
    assert error.code == "FCT209" and error.line == statement_line(path, "5555")
    assert "'5555'" in error.detail and "1 transaction " in error.detail + " "
    # Named in any importer's ignore_accounts, it is left out on purpose.
    group = OfxAccounts([checking(), savings(), checking(ignore_accounts=["5555"], name="x")])
    # (two importers of one account would take it twice: the group refuses that)
    with pytest.raises(ImportFailure):
        group.extract(str(path), [])
    ignoring = OfxImporter("Assets:Bank:Savings", account_id="4321", ignore_accounts=["5555"])
    entries = OfxAccounts([checking(), ignoring]).extract(str(path), [])
    assert sum(numbers(entries)) == Decimal("60.00") + Decimal("481.25")


def test_the_last_digits_fitting_two_statements_is_still_its_own_error(tmp_path: Path) -> None:
    other = statement("7777 88885678", [line("O1", "1.00")], "1.00")
    path = download(tmp_path, CHECKING, other)
    with pytest.raises(ImportFailure) as caught:
        OfxImporter("Assets:Bank:Checking", account_id="5678").extract(str(path), [])
    assert "fits the statements of several accounts" in caught.value.detail


def test_a_single_account_file_is_read_as_before(tmp_path: Path) -> None:
    path = download(tmp_path, CHECKING)
    for importer in (checking(), OfxImporter("Assets:Bank:Checking")):
        assert numbers(importer.extract(str(path), [])) == [Decimal("100.00"), Decimal("-40.00")]


def run(importers: list[OfxImporter], command: str, folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(ingest(importers).cli, [command, str(folder)])
    return result.exit_code, result.output


def test_the_ingest_script_says_so_at_identify_and_extract(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    path = download(folder, CHECKING, SAVINGS)
    for importers in ([checking()], [checking(), OfxImporter("Assets:Bank:Card", account_id="9")]):
        for command in ("identify", "extract"):
            code, output = run(importers, command, folder)
            assert code == 1, output
            assert "FCT209" in output and "9999 33334321" in output, output
            assert f":{statement_line(path, '9999 33334321')}" in output, output
            assert "ofx-" not in output  # nothing of the file is written
    code, output = run([checking(), savings()], "extract", folder)
    assert code == 0, output
    assert output.count('import-id: "ofx-') == 2 + 1 + 3 + 1
    code, output = run([checking(ignore_accounts=["4321"])], "identify", folder)
    assert code == 0 and "OK" in output, output


def test_a_file_of_an_ignored_account_only_is_not_a_near_miss(tmp_path: Path) -> None:
    path = download(tmp_path, SAVINGS)
    assert checking().near_miss(str(path)) is not None  # another account's statement?
    ignoring = checking(ignore_accounts=["4321"])
    assert not ignoring.identify(str(path)) and ignoring.near_miss(str(path)) is None


def test_importers_put_together_for_fava_read_the_download(tmp_path: Path) -> None:
    """Fava gives a file to each importer of CONFIG alone: put together, the checking
    and savings importers read a download of both, and ingest() leaves them so."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    path = download(folder, CHECKING, SAVINGS)
    (group,) = together([checking(), savings()])
    assert sum(numbers(group.extract(str(path), []))) == Decimal("60.00") + Decimal("481.25")
    result = CliRunner().invoke(
        ingest(together([checking(), savings()])).cli, ["extract", str(folder)]
    )
    assert result.exit_code == 0 and result.output.count('import-id: "ofx-') == 7, result.output
