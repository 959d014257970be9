"""The bank statement CSV importer: goldens, layouts, factor lines, ids and bad files."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import beangulp
import pytest
from bank_config import BANK_DOCS, CONFIG, DOCS, DOCUMENTS, EXAMPLE, eu_giro, us_checking
from beancount import loader
from beancount.core import data
from beangulp import testing
from click.testing import CliRunner

from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import ID_KEY, ImportFailure

CSV_DOCS = [doc for doc in DOCUMENTS if doc.parent == BANK_DOCS and doc.suffix == ".csv"]
US_DOC = BANK_DOCS / "first_prairie_checking_2025-02-14.csv"
HEADER = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,"
LAKESHORE = "Assets:Factoring:Lakeshore:Clearing"


@pytest.mark.parametrize("doc", CSV_DOCS, ids=lambda doc: doc.name)
def test_golden(doc: Path) -> None:
    importer = DOCUMENTS[doc]()
    assert importer.identify(str(doc))
    account, date, name, entries = testing.run_importer(importer, str(doc))
    diff = testing.compare_expected(f"{doc}.beancount", account, date, name, entries)
    assert not diff, "".join(diff)


@pytest.mark.parametrize("doc", CSV_DOCS, ids=lambda doc: doc.name)
def test_beangulp_harness(doc: Path) -> None:
    result = CliRunner().invoke(testing.wrap(DOCUMENTS[doc]()), ["test", str(doc)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("doc", list(DOCUMENTS), ids=lambda doc: doc.name)
def test_each_document_is_identified_by_its_importer_only(doc: Path) -> None:
    matches = [make for make in dict.fromkeys(DOCUMENTS.values()) if make().identify(str(doc))]
    assert matches == [DOCUMENTS[doc]]


def test_identify_over_every_sample_document() -> None:
    """The other importers' samples are claimed by none of these importers."""
    result = CliRunner().invoke(beangulp.Ingest(CONFIG).cli, ["identify", str(DOCS)])
    assert result.exit_code == 0, result.output
    claimed = [line.split()[1] for line in result.output.splitlines() if line.endswith(" OK")]
    # The later-payments statement (test_later_payments.py) is the US bank's too.
    later = DOCS / "payments" / "first_prairie_checking_2025-04-30.csv"
    assert sorted(claimed) == sorted(str(doc) for doc in [*DOCUMENTS, later])


def write(tmp_path: Path, text: str, name: str = "statement.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def statement(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


def factor_lines(entries: list[data.Directive]) -> dict[str, str]:
    """Narration -> the account of the second posting, flag included."""
    return {
        e.narration: f"{e.flag} {e.postings[1].account}"
        for e in entries
        if isinstance(e, data.Transaction)
    }


ROWS = (
    'CREDIT,02/05/2025,"LAKESHORE FUNDING LLC ACH CREDIT",4563.37,ACH_CREDIT,,,',
    'DEBIT,02/05/2025,"PILOT TRAVEL CENTER #412",-96.44,DEBIT_CARD,,,',
    'CREDIT,02/07/2025,"PINECREST CAPITAL ACH CREDIT",1732.50,ACH_CREDIT,,,',
)


class TestFactorLines:
    def test_from_the_ledger_path(self, tmp_path: Path) -> None:
        entries = us_checking(EXAMPLE).extract(write(tmp_path, statement(*ROWS)), [])
        assert factor_lines(entries) == {
            "LAKESHORE FUNDING LLC ACH CREDIT": f"* {LAKESHORE}",
            "PILOT TRAVEL CENTER #412": "! Expenses:Uncategorized",
            "PINECREST CAPITAL ACH CREDIT": "* Assets:Factoring:Pinecrest:Clearing",
        }

    def test_from_entries_and_from_the_existing_ledger(self, tmp_path: Path) -> None:
        ledger, _, _ = loader.load_file(str(EXAMPLE))
        path = write(tmp_path, statement(*ROWS))
        given = factor_lines(us_checking(ledger).extract(path, []))
        existing = factor_lines(us_checking(None).extract(path, ledger))
        assert given == existing
        assert given["PINECREST CAPITAL ACH CREDIT"] == "* Assets:Factoring:Pinecrest:Clearing"

    def test_from_patterns(self, tmp_path: Path) -> None:
        importer = BankCsvImporter(
            "Assets:Bank:Checking",
            date="Posting Date",
            factors={"lakeshore fund": LAKESHORE},
            fallback="Expenses:ToSort",
        )
        entries = importer.extract(write(tmp_path, statement(*ROWS)), [])
        assert factor_lines(entries) == {
            "LAKESHORE FUNDING LLC ACH CREDIT": f"* {LAKESHORE}",
            "PILOT TRAVEL CENTER #412": "! Expenses:ToSort",
            "PINECREST CAPITAL ACH CREDIT": "! Expenses:ToSort",
        }

    def test_without_agreements_every_line_is_to_sort(self, tmp_path: Path) -> None:
        entries = us_checking(None).extract(write(tmp_path, statement(*ROWS)), [])
        assert {line[0] for line in factor_lines(entries).values()} == {"!"}

    def test_the_factor_that_pays_into_this_account_wins(self, tmp_path: Path) -> None:
        text = """
            2025-01-01 custom "factoring-agreement" "Lakeshore"
              advance-rate: 0.95
              fee: "flat 2%"
              recourse-days: 90
              payee: "FUNDING"
              bank: Assets:Bank:Savings
            2025-01-01 custom "factoring-agreement" "Pinecrest"
              advance-rate: 0.90
              fee: "flat 2%"
              recourse-days: 90
              payee: "FUNDING|PINECREST"
              bank: Assets:Bank:Checking
            2025-01-01 custom "factoring-agreement" "Harbor"
              advance-rate: 0.90
              fee: "flat 2%"
              recourse-days: 90
              payee: "PILOT"
              bank: Assets:Bank:Savings
            2025-01-01 custom "factoring-agreement" "Summit"
              advance-rate: 0.90
              fee: "flat 2%"
              recourse-days: 90
              payee: "PILOT"
              bank: Assets:Bank:Savings
        """
        agreements, _, _ = loader.load_string(text, dedent=True)
        entries = us_checking(agreements).extract(write(tmp_path, statement(*ROWS)), [])
        assert factor_lines(entries) == {
            "LAKESHORE FUNDING LLC ACH CREDIT": "* Assets:Factoring:Pinecrest:Clearing",
            # Two factors, neither paying into this account: no guess.
            "PILOT TRAVEL CENTER #412": "! Expenses:Uncategorized",
            "PINECREST CAPITAL ACH CREDIT": "* Assets:Factoring:Pinecrest:Clearing",
        }

    def test_a_missing_ledger_is_an_import_failure(self, tmp_path: Path) -> None:
        importer = us_checking(tmp_path / "nowhere.beancount")
        with pytest.raises(ImportFailure, match=r"nowhere\.beancount: FCT200 .* give factors="):
            importer.extract(write(tmp_path, statement(*ROWS)), [])

    def test_the_factor_line_has_the_form_the_plugin_splits(self, tmp_path: Path) -> None:
        (entry, *_) = us_checking().extract(write(tmp_path, statement(ROWS[0])), [])
        assert [(p.account, p.units) for p in entry.postings] == [
            ("Assets:Bank:Checking", data.Amount(Decimal("4563.37"), "USD")),
            (LAKESHORE, None),
        ]


class TestLayouts:
    def test_debit_and_credit_columns_thousands_and_negate(self, tmp_path: Path) -> None:
        text = "Date;Text;Out;In\n01.03.2025;Diesel;-1.204,50;\n02.03.2025;Toll;-3,10;\n"
        text += "03.03.2025;Card credit;;12,00\n"
        importer = BankCsvImporter(
            "Liabilities:Card",
            currency="EUR",
            narration="Text",
            debit="Out",
            credit="In",
            date_format=("%d.%m.%Y", "%d.%m.%y"),
            decimal_mark=",",
            delimiter=";",
            negate=True,
        )
        entries = importer.extract(write(tmp_path, text), [])
        assert [e.postings[0].units.number for e in entries] == [
            Decimal("1204.50"),
            Decimal("3.10"),  # a withdrawal written negative under Out goes out too
            Decimal("-12.00"),
        ]
        # A column that writes both signs, -3,10 beside 1.204,50: a refund that went the
        # other way? FCT211 (test_bank_columns.py); it was booked out as 3.10.
        text = text.replace(";-", ";") + "04.03.2025;Refund;-3,10;\n"
        with pytest.raises(ImportFailure, match=r":5, column 'Out': FCT211 '-3,10' is neg"):
            importer.extract(write(tmp_path, text), [])

    def test_running_balance_one_assertion_per_day_either_order(self, tmp_path: Path) -> None:
        rows = [
            ("03/03/2025", "A", "-10.00", "90.00"),
            ("03/03/2025", "B", "-5.00", "85.00"),
            ("03/04/2025", "C", "20.00", "105.00"),
        ]

        def balances(ordered: list[tuple[str, ...]]) -> list[tuple[datetime.date, Decimal]]:
            text = "Date,Description,Amount,Balance\n" + "".join(
                f"{','.join(r)}\n" for r in ordered
            )
            importer = BankCsvImporter("Assets:Bank", balance="Balance")
            entries = importer.extract(write(tmp_path, text), [])
            return sorted(
                (e.date, e.amount.number) for e in entries if isinstance(e, data.Balance)
            )

        expected = [
            (datetime.date(2025, 3, 4), Decimal("85.00")),
            (datetime.date(2025, 3, 5), Decimal("105.00")),
        ]
        assert balances(rows) == expected
        assert balances(rows[::-1]) == expected
        # All on one day: the running balance itself says which way the file runs.
        assert balances(rows[1::-1]) == balances(rows[:2]) == expected[:1]

    def test_account_number_and_title_rows(self, tmp_path: Path) -> None:
        doc = BANK_DOCS / "rheinland_giro_2025-02.csv"
        other = write(tmp_path, doc.read_bytes().decode("cp1252").replace("0130 00", "0130 01"))
        assert eu_giro().identify(str(doc))
        assert not eu_giro().identify(other)

    def test_reference_column_makes_the_id(self, tmp_path: Path) -> None:
        importer = BankCsvImporter("Assets:Bank", reference="Ref")
        first = write(tmp_path, "Date,Description,Amount,Ref\n03/03/2025,Fuel,-1.00,R1\n", "a.csv")
        later = write(tmp_path, "Date,Description,Amount,Ref\n03/03/2025,FUEL,-1.00,R1\n", "b.csv")
        ids = [importer.extract(path, [])[0].meta[ID_KEY] for path in (first, later)]
        assert ids[0] == ids[1]

    def test_ids_survive_an_overlapping_download(self, tmp_path: Path) -> None:
        full = US_DOC.read_text().splitlines()
        # The first download ends on 02/10: newest first, so it lacks the first six rows,
        # of 02/11 to 02/14.
        older = write(tmp_path, "\n".join([full[0], *full[7:]]) + "\n", "older.csv")
        importer = us_checking()
        new = {e.meta[ID_KEY] for e in importer.extract(str(US_DOC), [])}
        old = {e.meta[ID_KEY] for e in importer.extract(older, [])}
        # The 02/10 balance of the shorter file is the same too: only the rows it lacks differ.
        assert old <= new
        assert len(new - old) == 6 + 4  # six newer rows, four more days of balances

    def test_identical_rows_get_distinct_ids(self) -> None:
        entries = us_checking().extract(str(US_DOC), [])
        ids = [e.meta[ID_KEY] for e in entries]
        assert len(ids) == len(set(ids))

    def test_protocol(self) -> None:
        importer = us_checking()
        assert importer.account(str(US_DOC)) == "Assets:Bank:Checking"
        assert importer.date(str(US_DOC)) == datetime.date(2025, 2, 14)
        assert importer.filename(str(US_DOC)) == "checking.statement.csv"
        assert importer.name != eu_giro().name
        assert importer.identify(US_DOC)  # Fava passes a Path

    def test_configuration_mistakes_fail_when_import_py_loads(self) -> None:
        with pytest.raises(ValueError, match="unknown encoding"):
            BankCsvImporter("Assets:Bank", encoding="utf-9")
        with pytest.raises(ValueError, match="amount"):
            BankCsvImporter("Assets:Bank", amount=None)


def failure(importer: BankCsvImporter, path: str) -> ImportFailure:
    with pytest.raises(ImportFailure) as caught:
        importer.extract(path, [])
    assert caught.value.filename == path
    assert str(caught.value).startswith(path)
    return caught.value


GOOD = 'CREDIT,02/05/2025,"LAKESHORE FUNDING LLC",4563.37,ACH_CREDIT,15000.00,,'


class TestMalformed:
    def test_missing_column(self, tmp_path: Path) -> None:
        path = write(tmp_path, "Details,Posting Date,Description,Amount\nX,02/05/2025,Y,1.00\n")
        error = failure(us_checking(), path)
        assert (error.line, error.column, error.code) == (1, "Balance", "FCT203")

    def test_bad_date(self, tmp_path: Path) -> None:
        path = write(tmp_path, statement(GOOD, GOOD.replace("02/05/2025", "2025-02-31")))
        error = failure(us_checking(), path)
        assert (error.line, error.column, error.code) == (3, "Posting Date", "FCT206")
        assert "%m/%d/%Y" in error.detail

    def test_a_line_of_balances_below_the_lines_is_named(self, tmp_path: Path) -> None:
        footer = ',,Ending Balance,,,"8532.73",,'
        path = write(tmp_path, statement(GOOD, footer))
        error = failure(us_checking(), path)
        assert (error.line, error.column, error.code) == (3, "Posting Date", "FCT206")
        assert "the date is empty" in error.detail and "delete it from the file" in error.detail

    def test_bad_amount(self, tmp_path: Path) -> None:
        path = write(tmp_path, statement(GOOD, GOOD.replace("4563.37", "45x3.37")))
        error = failure(us_checking(), path)
        assert (error.line, error.column, error.code) == (3, "Amount", "FCT207")

    def test_no_amount_in_either_column(self, tmp_path: Path) -> None:
        importer = BankCsvImporter("Assets:Bank", narration="Text", debit="Out", credit="In")
        error = failure(importer, write(tmp_path, "Date,Text,Out,In\n03/03/2025,Fee,,\n"))
        assert (error.line, error.column, error.code) == (2, "Out", "FCT205")
        assert "delete the line from the file if it moves no money" in error.detail

    def test_empty_amount_says_so_and_how_to_fix_it(self, tmp_path: Path) -> None:
        # (It read as "'' is not an amount", FCT207, with no way out. A line whose text is
        # `Pending` alone is a pending line, left out: test_bank_columns.py.)
        importer = BankCsvImporter("Assets:Bank", narration="Text", factors={})
        error = failure(importer, write(tmp_path, "Date,Text,Amount\n03/03/2025,Fuel,\n"))
        assert (error.line, error.column, error.code) == (2, "Amount", "FCT205")
        assert error.detail.startswith("the cell is empty: a bank line needs an amount; delete")

    def test_file_cut_inside_a_quoted_field(self, tmp_path: Path) -> None:
        path = write(tmp_path, statement(GOOD, 'DEBIT,02/06/2025,"PILOT TRAV'))
        error = failure(us_checking(), path)
        assert (error.line, error.code) == (3, "FCT204")
        assert "truncated" in error.detail

    def test_an_amount_written_without_quotes(self, tmp_path: Path) -> None:
        # -1,234.56 unquoted in the last column: the Amount would read -1 in silence.
        importer = BankCsvImporter("Assets:Bank", narration="Description", factors={})
        path = write(tmp_path, "Date,Description,Amount\n04/01/2025,Diesel,-1,234.56\n")
        error = failure(importer, path)
        assert (error.line, error.column, error.code) == (2, 4, "FCT204")
        assert "the row has 4 fields where the header has 3" in error.detail

    def test_file_cut_after_a_few_fields(self, tmp_path: Path) -> None:
        path = write(tmp_path, statement(GOOD, "DEBIT,02/06/2025,PILOT"))
        error = failure(us_checking(), path)
        assert (error.line, error.column, error.code) == (3, "Amount", "FCT204")
        assert "truncated" in error.detail

    def test_bytes_not_in_the_encoding(self, tmp_path: Path) -> None:
        path = write(tmp_path, statement(GOOD, GOOD.replace("LLC", "Büro")), encoding="latin-1")
        error = failure(us_checking(), path)
        assert (error.line, error.column) == (3, len('CREDIT,02/05/2025,"LAKESHORE FUNDING B') + 1)
        assert "utf-8" in error.detail and error.code == "FCT201"

    def test_utf16_file_read_as_utf8(self, tmp_path: Path) -> None:
        path = write(tmp_path, statement(GOOD), encoding="utf-16")
        error = failure(us_checking(), path)
        assert "UTF-16" in error.detail and error.code == "FCT201"

    def test_utf16_file_that_ends_inside_a_character(self, tmp_path: Path) -> None:
        path = tmp_path / "statement.csv"
        path.write_bytes(statement(GOOD).encode("utf-16")[:-1])
        importer = BankCsvImporter(
            "Assets:Bank:Checking", date="Posting Date", encoding="utf-16", factors={}
        )
        error = failure(importer, str(path))
        assert (error.line, error.code) == (2, "FCT201")
        assert "ends inside a character" in error.detail

    def test_a_utf16_importer_given_another_file_neither_raises_nor_reads_it(
        self, tmp_path: Path
    ) -> None:
        # The fix FCT201 gives a UTF-16 download is encoding="utf-16"; that importer then
        # met the folder's other files (UTF-8, no byte-order mark), and Python's codec
        # raised in identify(), which stopped the whole folder's import.
        path = write(tmp_path, statement(GOOD))
        importer = BankCsvImporter(
            "Assets:Bank:Checking", date="Posting Date", encoding="utf-16", factors={}
        )
        assert importer.identify(str(path)) is False
        error = failure(importer, str(path))
        assert (error.line, error.code) == (1, "FCT201")
        assert "has no UTF-16 byte-order mark" in error.detail
        assert 'encoding="utf-16-le"' in error.detail

    def test_a_utf8_file_read_as_cp1252_is_an_error_not_garbled_names(
        self, tmp_path: Path
    ) -> None:
        # Every byte of UTF-8 is a character of cp1252: "Büro" was read as "BÃ¼ro", with
        # no error. A cp1252 file with the same name still reads.
        importer = BankCsvImporter(
            "Assets:Bank:Checking", date="Posting Date", encoding="cp1252", factors={}
        )
        row = GOOD.replace("LLC", "Büro")
        # One letter of Western text is enough, beside a sign that is not (™, №).
        for other in ("LLC ™", "LLC №5"):
            marked = GOOD.replace("LLC", "Büro").replace("Büro", "Büro " + other)
            error = failure(importer, write(tmp_path, statement(GOOD, marked), encoding="utf-8"))
            assert error.code == "FCT201", other
        error = failure(importer, write(tmp_path, statement(GOOD, row), encoding="utf-8"))
        position = len('CREDIT,02/05/2025,"LAKESHORE FUNDING B') + 1
        assert (error.line, error.column, error.code) == (3, position, "FCT201")
        assert "the file is UTF-8 ('ü'" in error.detail and "'Ã¼'" in error.detail
        entries = importer.extract(write(tmp_path, statement(GOOD, row), encoding="cp1252"), [])
        assert any("Büro" in e.narration for e in entries if hasattr(e, "narration"))
        # "É’" in cp1252 (C9 92) is valid UTF-8 too, for "ɒ": no letter of Western text,
        # so the cp1252 file still reads as cp1252.
        row = GOOD.replace("LAKESHORE FUNDING LLC", "JOSÉ’S TIRE SHOP")
        entries = importer.extract(write(tmp_path, statement(GOOD, row), encoding="cp1252"), [])
        assert any("JOSÉ’S" in e.narration for e in entries if hasattr(e, "narration"))

    def test_lone_carriage_return_inside_a_row(self, tmp_path: Path) -> None:
        row = GOOD.replace('"LAKESHORE FUNDING LLC"', "LAKESHORE FUNDING\rLLC")
        path = write(tmp_path, statement(row))
        error = failure(us_checking(), path)
        assert (error.line, error.column, error.code) == (2, "Description", "FCT204")
        assert "a line break (\\r) inside a field" in error.detail

    def test_a_file_that_cannot_be_read(self, tmp_path: Path) -> None:
        path = tmp_path / "statement.csv"
        path.mkdir()
        error = failure(us_checking(), str(path))
        assert (error.line, error.code) == (None, "FCT200")
        assert str(error).startswith(f"{path}: FCT200 cannot read the file: ")

    def test_empty_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, "")
        assert not us_checking().identify(path)
        error = failure(us_checking(), path)
        assert "empty" in error.detail and error.code == "FCT202"

    def test_header_only_is_an_empty_statement(self, tmp_path: Path) -> None:
        assert us_checking().extract(write(tmp_path, statement()), []) == []

    def test_through_the_command_line_nothing_of_a_bad_file(self, tmp_path: Path) -> None:
        bad = write(tmp_path, statement(GOOD, GOOD.replace("02/05/2025", "02/30/2025")), "bad.csv")
        output = tmp_path / "out.beancount"
        arguments = ["extract", "-o", str(output), bad, str(US_DOC)]
        result = CliRunner().invoke(beangulp.Ingest(CONFIG).cli, arguments)
        assert result.exit_code == 1
        assert f"{bad}:3, column 'Posting Date': FCT206 '02/30/2025'" in result.output
        printed = output.read_text()
        assert "bad.csv" not in printed
        assert 'LAKESHORE FUNDING LLC"' not in printed  # the bad file's good row is not there
        assert printed.count("import-id") == len(us_checking().extract(str(US_DOC), []))


def test_a_header_repeated_below_is_named(tmp_path: Path) -> None:
    # Two downloads pasted into one file: the second header is no date to complain about.
    lines = US_DOC.read_text().splitlines(keepends=True)
    text = "".join(lines[:3] + lines[:1] + lines[3:])
    error = failure(us_checking(), write(tmp_path, text))
    assert (error.line, error.code) == (4, "FCT210")
    again = "this row is the header of line 1 again: a header printed on each page, or two"
    assert again in error.detail and "two downloads pasted" in error.detail


TWO_SUMMITS = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Bank:Savings
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Assets:Receivable:CHR
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Summit Capital"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Savings

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:CHR        1000.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 1" ^INV-1
  factoring: "schedule"
  factor: "Summit"

2025-03-03 * "Summit Capital" "Schedule 2" ^INV-2
  factoring: "schedule"
  factor: "Summit Capital"
"""


def test_a_deposit_of_the_factor_whose_name_holds_anothers_goes_to_it(tmp_path: Path) -> None:
    # "SUMMIT CAPITAL ACH CREDIT" matches Summit's pattern ("Summit") inside Summit
    # Capital's: it is Summit Capital's deposit, though it lands in Summit's bank
    # account. It went to Summit's clearing account, and the plugin took it for Summit's
    # schedule (930.00 = 950.00 - 20.00 fits both), with no error.
    existing, errors, _ = loader.load_string('plugin "beancount_factoring.plugin"\n' + TWO_SUMMITS)
    assert errors == []
    importer = BankCsvImporter("Assets:Bank:Checking", narration="Description")
    path = write(
        tmp_path, "Date,Description,Amount\n03/05/2025,SUMMIT CAPITAL ACH CREDIT,930.00\n"
    )
    (entry,) = importer.extract(path, existing)
    assert [p.account for p in entry.postings] == [
        "Assets:Bank:Checking",
        "Assets:Factoring:SummitCapital:Clearing",
    ]
    # Summit's own deposit still goes to Summit.
    path = write(tmp_path, "Date,Description,Amount\n03/05/2025,SUMMIT ACH CREDIT,930.00\n")
    (entry,) = importer.extract(path, existing)
    assert entry.postings[1].account == "Assets:Factoring:Summit:Clearing"


def test_a_broad_payee_pattern_takes_no_line_from_a_factor_named_in_it(tmp_path: Path) -> None:
    # Summit's own pattern "SUMMIT.*ACH" also matches Summit Capital's line, and further:
    # only a factor's name covering another's match decides, so the line imported into
    # Summit Capital's bank account stays Summit Capital's.
    ledger = TWO_SUMMITS.replace(
        "  bank: Assets:Bank:Checking\n",
        '  payee: "SUMMIT.*ACH"\n  bank: Assets:Bank:Checking\n',
        1,
    )
    existing, errors, _ = loader.load_string('plugin "beancount_factoring.plugin"\n' + ledger)
    assert errors == []
    importer = BankCsvImporter("Assets:Bank:Savings", narration="Description")
    path = write(
        tmp_path, "Date,Description,Amount\n03/05/2025,SUMMIT CAPITAL ACH CREDIT,930.00\n"
    )
    (entry,) = importer.extract(path, existing)
    assert entry.postings[1].account == "Assets:Factoring:SummitCapital:Clearing"


def test_a_factors_own_shorthand_pattern_outweighs_a_shorter_name(tmp_path: Path) -> None:
    # Summit Capital's lines read "SUMMIT CAP SVC ACH" (its `payee: "SUMMIT CAP"`); Summit's
    # name matches inside it. Imported into Summit's bank account, the line is Summit
    # Capital's: the longer match of the factor with the longer name.
    ledger = TWO_SUMMITS.replace(
        "  bank: Assets:Bank:Savings\n", '  payee: "SUMMIT CAP"\n  bank: Assets:Bank:Savings\n', 1
    )
    existing, errors, _ = loader.load_string('plugin "beancount_factoring.plugin"\n' + ledger)
    assert errors == []
    importer = BankCsvImporter("Assets:Bank:Checking", narration="Description")
    path = write(tmp_path, "Date,Description,Amount\n03/05/2025,SUMMIT CAP SVC ACH,930.00\n")
    (entry,) = importer.extract(path, existing)
    assert entry.postings[1].account == "Assets:Factoring:SummitCapital:Clearing"


@pytest.mark.parametrize(
    "written", ["SUMMIT-CAPITAL", "SUMMIT  CAPITAL", "SUMMITCAPITAL", "Summit_Capital"]
)
def test_a_longer_name_written_with_other_separators_is_still_that_factors(
    tmp_path: Path, written: str
) -> None:
    # Banks write "Summit Capital" with a hyphen, two spaces or none. Summit's name matched
    # "SUMMIT" in it and Summit Capital's did not: the deposit went to Summit's clearing
    # account with no error. A name's default pattern allows a few separators or none.
    existing, errors, _ = loader.load_string('plugin "beancount_factoring.plugin"\n' + TWO_SUMMITS)
    assert errors == []
    importer = BankCsvImporter("Assets:Bank:Checking", narration="Description")
    path = write(tmp_path, f"Date,Description,Amount\n03/05/2025,{written} ACH CREDIT,930.00\n")
    (entry,) = importer.extract(path, existing)
    assert entry.postings[1].account == "Assets:Factoring:SummitCapital:Clearing"


@pytest.mark.parametrize(
    "rows",
    [
        # Oldest first: the day of 02/11 ends on a pending line without its balance.
        [
            "02/10/2025,OPENING DEP,1000.00,1000.00",
            "02/11/2025,LAKESHORE FUNDING ACH,500.00,1500.00",
            "02/11/2025,PILOT FUEL PENDING,-100.00,",
        ],
        # Newest first, one day, the pending line on top.
        [
            "02/11/2025,PILOT FUEL PENDING,-100.00,",
            "02/11/2025,LAKESHORE FUNDING ACH,500.00,1500.00",
            "02/11/2025,DEPOSIT,1000.00,1000.00",
        ],
    ],
)
def test_a_day_that_ends_on_a_pending_line_has_no_balance_assertion(
    tmp_path: Path, rows: list[str]
) -> None:
    # 02/11 ends at 1,400.00 after the pending -100.00, which has no balance yet: the
    # importer asserted 1,500.00 (or, newest first, 1,000.00) for the day, a wrong entry
    # bean-check refused. The day's balance is not known: no assertion for it.
    path = tmp_path / "statement.csv"
    path.write_text("Date,Description,Amount,Balance\n" + "\n".join(rows) + "\n")
    importer = BankCsvImporter(
        "Assets:Bank:Checking",
        date="Date",
        narration="Description",
        amount="Amount",
        balance="Balance",
        factors={},
    )
    balances = [e for e in importer.extract(str(path), []) if isinstance(e, data.Balance)]
    assert [(str(b.date), b.amount.number) for b in balances] == (
        [("2025-02-11", Decimal("1000.00"))] if rows[0].startswith("02/10") else []
    )


def test_a_pending_line_anywhere_in_a_day_leaves_that_day_unasserted(tmp_path: Path) -> None:
    # 02/11: +500.00 to 1,500.00, a pending -100.00 with no balance, -50.00 to 1,450.00:
    # the bank's balances leave the pending line out, the ledger books it (1,350.00), so
    # 1,450.00 was a wrong assertion. And a pending line of an older day on top of a
    # newest-first file made it read as oldest first (each day given the wrong balance).
    importer = BankCsvImporter(
        "Assets:Bank:Checking",
        date="Date",
        narration="Description",
        amount="Amount",
        balance="Balance",
        factors={},
    )
    path = tmp_path / "statement.csv"
    header = "Date,Description,Amount,Balance\n"
    path.write_text(
        header + "02/10/2025,DEPOSIT,1000.00,1000.00\n02/11/2025,ACH,500.00,1500.00\n"
        "02/11/2025,POS PILOT FUEL,-100.00,\n02/11/2025,CHECK,-50.00,1450.00\n"
    )
    balances = [e for e in importer.extract(str(path), []) if isinstance(e, data.Balance)]
    assert [(str(b.date), b.amount.number) for b in balances] == [
        ("2025-02-11", Decimal("1000.00"))
    ]
    path.write_text(
        header + "02/09/2025,POS PILOT FUEL,-100.00,\n02/11/2025,ACH,200.00,1700.00\n"
        "02/10/2025,DEPOSIT,500.00,1500.00\n"
    )
    balances = [e for e in importer.extract(str(path), []) if isinstance(e, data.Balance)]
    assert sorted((str(b.date), b.amount.number) for b in balances) == [
        ("2025-02-11", Decimal("1500.00")),
        ("2025-02-12", Decimal("1700.00")),
    ]


def test_a_customer_whose_name_holds_a_factors_is_not_the_factor(tmp_path: Path) -> None:
    # Summit (no payee: pattern: its name as a word) and a customer, Summit Logistics:
    # the customer's payment "SUMMIT LOGISTICS ACH PMT" went to Summit's clearing
    # account, where the plugin would take it for Summit's deposit.
    ledger = TWO_SUMMITS.replace(
        '2025-03-03 * "TQL" "Load 1"', '2025-03-03 * "Summit Logistics" "Load 1"'
    )
    existing, errors, _ = loader.load_string('plugin "beancount_factoring.plugin"\n' + ledger)
    assert errors == []
    importer = BankCsvImporter("Assets:Bank:Checking", narration="Description")
    path = write(
        tmp_path, "Date,Description,Amount\n03/05/2025,SUMMIT LOGISTICS ACH PMT,1000.00\n"
    )
    (entry,) = importer.extract(path, existing)
    assert entry.flag == "!" and "Summit" not in entry.postings[1].account
    # Summit's own deposit is still Summit's.
    path = write(tmp_path, "Date,Description,Amount\n03/05/2025,SUMMIT ACH CREDIT,930.00\n")
    (entry,) = importer.extract(path, existing)
    assert entry.postings[1].account == "Assets:Factoring:Summit:Clearing"
