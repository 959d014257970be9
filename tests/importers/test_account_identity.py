"""A file of another account, or another client, is not booked to this one.

A bookkeeper's downloads folder holds the checking and the savings statement of one bank
in one format, a Canadian bank's export of every account in one file, and the reports of
one factor for two of the carriers whose books she keeps. Each case runs the ingest
script (`ingest()`'s command line) on such a folder and checks which account each line
lands in, or that the file is refused naming it and what to configure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from factor_config import DOCUMENTS

from beancount_factoring.importers import profiles
from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.factor import FactorReportImporter, shows_client
from beancount_factoring.importers.ingest import ingest
from beancount_factoring.importers.ofx import OfxImporter

HEADER = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,\n"
COLUMNS = {
    "date": "Posting Date",
    "narration": "Description",
    "amount": "Amount",
    "balance": "Balance",
    "signature": ("Details", "Type", "Check or Slip #"),
    "factors": {},
}


def run(config: list[Any], *args: str) -> Any:
    return CliRunner().invoke(ingest(config).cli, list(args))


def flat(text: str) -> str:
    """Extract's output with each run of spaces made one."""
    return re.sub(" +", " ", text)


def chase_like(folder: Path) -> tuple[Path, Path]:
    """A checking and a savings statement of one bank, named by their last digits as the
    bank names them, each with a transfer line that names the other account."""
    folder.mkdir()
    checking = folder / "Bank4417_Activity_20250404.csv"
    checking.write_text(
        HEADER + "DEBIT,04/04/2025,ONLINE TRANSFER TO SAV ...8812,-500.00,ACCT_XFER,1500.00,,\n"
    )
    savings = folder / "Bank8812_Activity_20250404.csv"
    savings.write_text(
        HEADER + "CREDIT,04/04/2025,ONLINE TRANSFER FROM CHK ...4417,500.00,ACCT_XFER,8500.00,,\n"
    )
    return checking, savings


def test_a_line_naming_the_other_account_does_not_claim_its_statement(tmp_path: Path) -> None:
    # The savings statement's line says "...4417": it used to be claimed by the checking
    # importer too, and beangulp refused the file ("identified by more than one
    # importer"); without the savings importer, its 500.00 was booked to Checking.
    downloads = tmp_path / "downloads"
    chase_like(downloads)
    checking = BankCsvImporter("Assets:Bank:Checking", account_number="4417", **COLUMNS)
    savings = BankCsvImporter("Assets:Bank:Savings", account_number="8812", **COLUMNS)
    result = run([checking, savings], "extract", str(downloads))
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    # Each statement's line in its own account: -500.00 out of checking, 500.00 into
    # savings, and each balance (1500.00, 8500.00) asserted on its own account.
    assert "Assets:Bank:Checking -500.00 USD" in out
    assert "Assets:Bank:Savings 500.00 USD" in out
    assert "balance Assets:Bank:Checking 1500.00 USD" in out
    assert "balance Assets:Bank:Savings 8500.00 USD" in out
    assert "Assets:Bank:Checking 500.00" not in out

    result = run([checking], "extract", str(downloads))
    assert result.exit_code == 0, result.output
    assert "Assets:Bank:Savings" not in result.stdout
    assert " 500.00 USD" not in flat(result.stdout)
    # The savings statement is said to be not extracted, and why.
    assert "Bank8812_Activity_20250404.csv: not extracted; closest:" in result.stderr
    assert "does not show the account number '4417'" in result.stderr


# A Canadian bank's export of every account: one column gives each line's account.
RBC_HEADER = (
    '"Account Type","Account Number","Transaction Date","Cheque Number","Description 1",'
    '"Description 2","CAD$","USD$"\n'
)
CHEQUING_LINE = 'Chequing,06702-1001234,4/2/2025,,"PAYROLL DEP","",1500.00,\n'
SAVINGS_LINE = 'Savings,06702-5009876,4/3/2025,,"INTEREST","",3.25,\n'
RBC = {
    "date": "Transaction Date",
    "narration": ("Description 1", "Description 2"),
    "amount": "CAD$",
    "currency": "CAD",
    "factors": {},
}


def test_a_line_of_another_account_in_an_account_column_is_an_error(tmp_path: Path) -> None:
    # The savings interest (3.25) was booked to Chequing with the payroll, in silence.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    both = downloads / "csv61755.csv"
    both.write_text(RBC_HEADER + CHEQUING_LINE + SAVINGS_LINE)
    chequing = BankCsvImporter("Assets:Bank:Chequing", account_number="06702-1001234", **RBC)
    result = run([chequing], "extract", str(downloads))
    assert result.exit_code == 1
    assert "****" not in result.stdout  # nothing of the file is written
    assert (
        f"{both}:3, column 'Account Number': FCT209 the line is of the account "
        "'06702-5009876', not of '06702-1001234', the importer's account_number"
    ) in result.stderr

    # Without account_number, the file's two accounts are an error all the same.
    result = run([BankCsvImporter("Assets:Bank:Chequing", **RBC)], "extract", str(downloads))
    assert result.exit_code == 1
    assert (
        f"{both}:3, column 'Account Number': FCT209 the file holds the lines of two "
        "accounts, '06702-1001234' (line 2) and '06702-5009876'"
    ) in result.stderr


def test_an_account_column_of_one_account_imports(tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "chequing.csv").write_text(RBC_HEADER + CHEQUING_LINE * 2)
    (downloads / "savings.csv").write_text(RBC_HEADER + SAVINGS_LINE)
    chequing = BankCsvImporter("Assets:Bank:Chequing", account_number="06702 1001234", **RBC)
    result = run([chequing], "extract", str(downloads))
    assert result.exit_code == 0, result.output
    assert flat(result.stdout).count("Assets:Bank:Chequing 1500.00 CAD") == 2
    assert "savings.csv: not extracted" in result.stderr  # another account's: not claimed
    assert "3.25" not in result.stdout
    result = run([BankCsvImporter("Assets:Bank:Chequing", **RBC)], "extract", str(downloads))
    assert result.exit_code == 0, result.output  # one account in each file


PURCHASE = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"


def another_clients(folder: Path) -> Path:
    """The Lakeshore purchase report as another carrier's (client number C20931)."""
    text = PURCHASE.read_text()
    assert "(Client #C10482)" in text
    other = folder / "lakeshore_purchase_report_2025-03-07 (1).csv"
    text = text.replace("RIDGELINE FREIGHT LLC (Client #C10482)", "BLUE RIVER (Client #C20931)")
    other.write_text(text.replace("RF-", "BR-"))  # its own invoices
    return other


def test_a_report_of_another_client_is_not_claimed(tmp_path: Path) -> None:
    # Booked to Ridgeline's Lakeshore clearing account, in silence, before `client`.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    ours = downloads / PURCHASE.name
    ours.write_bytes(PURCHASE.read_bytes())
    other = another_clients(downloads)
    importer = FactorReportImporter(profiles.LAKESHORE, "Lakeshore", client="C10482")
    result = run([importer], "identify", str(downloads))
    assert result.exit_code == 0, result.output
    assert f"* {ours} ... OK" in result.output
    assert (
        f"* {other}\n  not identified; closest: {importer.name} (100% of its columns)\n"
        "  the report does not show the client 'C10482' in its name or its title rows (its "
        "title is 'Purchase Report - BLUE RIVER (Client #C20931) "
    ) in result.output
    result = run([importer], "extract", str(downloads))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("**** ") == 1
    assert f"**** {ours}" in result.stdout
    assert f"{other}: not extracted; closest:" in result.stderr


def test_two_factors_on_the_same_software_each_take_their_reports(tmp_path: Path) -> None:
    # Same columns, same titles: without `client` both importers claim every report and
    # beangulp refuses each. Each client number sorts them.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    ours = downloads / PURCHASE.name
    ours.write_bytes(PURCHASE.read_bytes())
    other = another_clients(downloads)
    harbor_profiles = [
        p.replace(name="harbor", factor="Harbor Capital") for p in profiles.LAKESHORE
    ]
    lakeshore = FactorReportImporter(profiles.LAKESHORE, "Lakeshore")
    harbor = FactorReportImporter(harbor_profiles, "Harbor")
    result = run([lakeshore, harbor], "identify", str(downloads))
    assert "Document identified by more than one importer." in result.output
    # ... and how to settle it.
    assert (
        f"* {other}: claimed by more than one importer, and read by none: give each "
        "importer what its files show of their account, a bank CSV's account_number, an "
        "OFX file's account_id, a factor report's client"
    ) in result.output
    lakeshore = FactorReportImporter(profiles.LAKESHORE, "Lakeshore", client="C10482")
    harbor = FactorReportImporter(harbor_profiles, "Harbor", client="C20931")
    result = run([lakeshore, harbor], "extract", str(downloads))
    assert result.exit_code == 0, result.output
    files = dict(part.split("\n", 1) for part in result.stdout.split("**** ")[1:])
    assert files.keys() == {str(ours), str(other)}
    assert "Assets:Factoring:Lakeshore:Clearing" in files[str(ours)]
    assert "Harbor" not in files[str(ours)]
    assert "Assets:Factoring:Harbor:Clearing" in files[str(other)]
    assert "Lakeshore" not in files[str(other)]


def test_a_client_named_in_the_file_name_or_as_a_name() -> None:
    assert shows_client("Purchase Report - X (Client #C10482) 03/01/2025", "c10482")
    assert shows_client("lakeshore_C10482_purchase.csv", "C10482")
    assert shows_client("Purchase Report - RIDGELINE  FREIGHT LLC", "Ridgeline Freight")
    assert not shows_client("(Client #C104821)", "C10482")  # a longer number
    assert not shows_client("(Client #C10482)", "1048")
    assert not shows_client("RIDGELINE FREIGHTWAYS", "Ridgeline Freight")
    assert shows_client("(Client #C10482)", "10482")  # the number without its letter


def test_a_client_name_with_a_comma_in_an_unquoted_title(tmp_path: Path) -> None:
    # The title row is split at its comma into two cells: read whole, as written.
    report = tmp_path / "report.csv"
    text = PURCHASE.read_text().replace("RIDGELINE FREIGHT LLC", "RIDGELINE FREIGHT, LLC")
    report.write_text(text)
    named = FactorReportImporter(profiles.LAKESHORE, "Lakeshore", client="Ridgeline Freight, LLC")
    assert named.identify(str(report))
    other = FactorReportImporter(profiles.LAKESHORE, "Lakeshore", client="Blue River, LLC")
    assert not other.identify(str(report))


OFX = Path(__file__).parents[2] / "example_ledger" / "downloads" / "first_prairie_2025-04-11.ofx"


def test_an_ofx_statement_of_no_configured_account_is_said(tmp_path: Path) -> None:
    # The card's download masks its number; the importers are given whole numbers. The
    # file was listed by its name alone, its lines never booked, and extract exited 0
    # without a word.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    text = OFX.read_text(encoding="cp1252")
    assert text.count("<ACCTID>4417902216") == 1
    masked = downloads / "card.qfx"
    masked.write_text(text.replace("<ACCTID>4417902216", "<ACCTID>XXXXXX2216"), encoding="cp1252")
    checking = OfxImporter("Assets:Bank:Checking", account_id="4417902216", factors={})
    savings = OfxImporter("Assets:Bank:Savings", account_id="4417905555", factors={})
    for config, ids in (
        ([checking], "'4417902216'"),
        ([checking, savings], "'4417902216' or '4417905555'"),  # put together by ingest()
    ):
        result = run(config, "extract", str(downloads))
        assert result.exit_code == 0, result.output
        assert "****" not in result.stdout
        assert f"* {masked}: not extracted; closest:" in result.stderr
        assert (
            f"the file holds the statement of the account 'XXXXXX2216', and the importer "
            f"reads account_id {ids}: a statement of another account? If it is yours, give "
            "the account_id as the file writes it, or its last digits ('2216' here)"
        ) in result.stderr
    # Given its last digits, the importer reads it.
    card = OfxImporter("Assets:Bank:Checking", account_id="2216", factors={})
    result = run([card], "extract", str(downloads))
    assert result.exit_code == 0, result.output
    assert f"**** {masked}" in result.stdout
    assert "not extracted" not in result.stderr


def test_a_column_named_account_that_is_a_category_can_be_set_aside(tmp_path: Path) -> None:
    # A bank's export whose `Account` column is the bookkeeping category of each line.
    path = tmp_path / "export.csv"
    path.write_text(
        "Date,Description,Amount,Account\n"
        "04/02/2025,FLEETONE FUEL,-412.50,Fuel\n"
        "04/03/2025,KEYLINE MUTUAL,-980.00,Insurance\n"
    )
    plain = BankCsvImporter("Assets:Bank:Checking", factors={})
    result = run([plain], "extract", str(tmp_path))
    assert result.exit_code == 1
    assert (
        "FCT209 the file holds the lines of two accounts, 'Fuel' (line 2) and 'Insurance': "
        "give the importer the account_number of its account, and download each account's "
        "lines on their own (if 'Account' is not each line's account, list it in the "
        "importer's signature=)"
    ) in result.stderr
    named = BankCsvImporter("Assets:Bank:Checking", signature=("Account",), factors={})
    result = run([named], "extract", str(tmp_path))
    assert result.exit_code == 0, result.output
    # -412.50 and -980.00, both out of the checking account.
    assert flat(result.stdout).count("Assets:Bank:Checking -") == 2


def test_an_account_column_of_the_accounts_nickname_beside_its_number(tmp_path: Path) -> None:
    # An aggregator's export (Tiller's columns): `Account` holds the account's nickname,
    # `Account #` its masked number. The file was refused line by line (FCT209 "the line
    # is of the account 'Business Checking', not of '1234'"), or not claimed at all when
    # its name held no number: the nickname column was the only one looked at.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "transactions.csv").write_text(
        "Date,Description,Category,Amount,Account,Account #,Institution\n"
        "04/02/2025,RTS ADVANCE,Factoring,2450.00,Business Checking,xxxx1234,First Prairie\n"
        "04/03/2025,FLEETONE FUEL,Fuel,-412.50,Business Checking,xxxx1234,First Prairie\n"
    )
    checking = BankCsvImporter("Assets:Bank:Checking", account_number="1234", factors={})
    result = run([checking], "extract", str(downloads))
    assert result.exit_code == 0, result.output
    # 2450.00 in, 412.50 out, both of the checking account.
    assert "Assets:Bank:Checking 2450.00 USD" in flat(result.stdout)
    assert "Assets:Bank:Checking -412.50 USD" in flat(result.stdout)

    # Another account's line in the number column is still FCT209.
    (downloads / "transactions.csv").write_text(
        "Date,Description,Category,Amount,Account,Account #,Institution\n"
        "04/02/2025,RTS ADVANCE,Factoring,2450.00,Business Checking,xxxx1234,First Prairie\n"
        "04/03/2025,INTEREST,Interest,3.25,Business Savings,xxxx8812,First Prairie\n"
    )
    result = run([checking], "extract", str(downloads))
    assert result.exit_code == 1
    assert "column 'Account #': FCT209 the line is of the account 'xxxx8812'" in result.stderr


def test_an_account_column_of_nicknames_with_the_number_in_the_file_name(tmp_path: Path) -> None:
    # The number is in the file's name; the `Account` column names the account by its
    # nickname, no number to compare: one nickname on every line imports, two are FCT209.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    path = downloads / "checking_1234.csv"
    header = "Date,Description,Amount,Account\n"
    path.write_text(
        header + "04/02/2025,RTS ADVANCE,2450.00,Business Checking\n"
        "04/03/2025,FLEETONE FUEL,-412.50,Business Checking\n"
    )
    checking = BankCsvImporter("Assets:Bank:Checking", account_number="1234", factors={})
    result = run([checking], "extract", str(downloads))
    assert result.exit_code == 0, result.output
    assert flat(result.stdout).count("Assets:Bank:Checking ") == 2
    path.write_text(
        header + "04/02/2025,RTS ADVANCE,2450.00,Business Checking\n"
        "04/03/2025,INTEREST,3.25,Business Savings\n"
    )
    result = run([checking], "extract", str(downloads))
    assert result.exit_code == 1
    assert (
        f"{path}:3, column 'Account': FCT209 the file holds the lines of two accounts, "
        "'Business Checking' (line 2) and 'Business Savings'"
    ) in result.stderr


def test_a_card_statement_of_each_card_members_account_number(tmp_path: Path) -> None:
    # A business card's export (American Express's columns): `Account #` is each card
    # member's card (-41007 the owner's, -42015 a driver's), all one card account. It was
    # FCT209 "two accounts" (or "not of '41007'") on the driver's first line.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "activity.csv").write_text(
        "Date,Description,Card Member,Account #,Amount\n"
        "04/02/2025,PILOT TRAVEL CENTER,JANE OWNER,-41007,412.50\n"
        "04/03/2025,LOVES TRAVEL STOP,JOE DRIVER,-42015,388.10\n"
    )
    columns = {"date": "Date", "narration": "Description", "amount": "Amount"}
    for number in ("41007", None):
        card = BankCsvImporter("Liabilities:Amex", account_number=number, factors={}, **columns)
        result = run([card], "extract", str(downloads))
        assert result.exit_code == 0, result.output
        assert flat(result.stdout).count("Liabilities:Amex ") == 2


def test_an_amount_or_a_date_above_the_header_is_no_account_number(tmp_path: Path) -> None:
    # A savings statement (account ...8812) whose lines above the header give its opening
    # balance, $1,344.17, and its period: "1,344.17" holds the digits 4417 once its
    # punctuation is dropped, and "2025-04-17" the digits 0417. The checking importer
    # (4417) claimed it and booked its interest, 3.25, to Checking in silence; so would
    # one of account 0417. An account number written with its own separators is still
    # found whatever the file separates it with (06702-1001234 in the RBC test above).
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "statement.csv").write_text(
        'Account,Savings ...8812\nOpening balance,"$1,344.17"\n'
        "Period,2025-04-01 to 2025-04-17\n"
        + HEADER
        + "CREDIT,04/04/2025,INTEREST,3.25,ACCT_XFER,1347.42,,\n"
    )
    for number in ("4417", "0417"):
        checking = BankCsvImporter(
            "Assets:Bank:Checking", account_number=number, skip_rows=3, **COLUMNS
        )
        result = run([checking], "extract", str(downloads))
        assert result.exit_code == 0, result.output
        assert "3.25" not in result.stdout
        assert "statement.csv: not extracted" in result.stderr
    savings = BankCsvImporter("Assets:Bank:Savings", account_number="8812", skip_rows=3, **COLUMNS)
    result = run([savings], "extract", str(downloads))
    assert result.exit_code == 0, result.output
    assert "Assets:Bank:Savings 3.25 USD" in flat(result.stdout)


def test_an_account_number_is_found_however_its_parts_are_separated() -> None:
    from beancount_factoring.importers.table import shows_number

    for number, text in [
        ("06702-1001234", "06702 1001234"),
        ("06702 1001234", "06702-1001234"),
        ("067021001234", "06702-1001234"),  # a long number, written whole
        ("1001234", "Account 06702-1001234"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("4417", "Bank4417_Activity_20250404.csv"),
        ("8812", "Savings ...8812"),
    ]:
        assert shows_number(number, text), (number, text)
    for number, text in [("4417", '"$1,344.17"'), ("0417", "2025-04-17"), ("0404", "04/04/2025")]:
        assert not shows_number(number, text), (number, text)
