"""Numbers that do not fit the configured marks are errors, never another number.

Each case is a small report whose cell an older, looser reading took for a number
(the thousands mark dropped wherever it stood, a sign in brackets ignored): the
figure it gave is in the comment, and the error naming the file, the row, the column
and the cell is what the importers give now.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from beangulp import testing

from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import ImportFailure, Numbers, parse_decimal
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.invoices import InvoiceImporter
from beancount_factoring.importers.profiles import Profile

HERE = Path(__file__).parent
SAMPLE = HERE / "documents" / "numbers" / "summit_collections_2025-03.csv"


def summit(**options: object) -> FactorReportImporter:
    """A factor's collections report, configured from the docs as a user would."""
    profile = Profile.generic(
        kind="collections",
        columns={"invoice": "Invoice", "date": "Paid On", "paid": "Paid"},
        date_format=("%m/%d/%Y", "%d.%m.%Y"),
        name="summit",
        factor="Summit",
        **options,
    )
    return FactorReportImporter(profile, "Summit", bank="Assets:Bank:Checking", debtors={})


def report(tmp_path: Path, paid: str, delimiter: str = ",") -> Path:
    path = tmp_path / "collections.csv"
    cell = f'"{paid}"' if delimiter in paid else paid
    rows = ["Invoice", "Paid On", "Paid"], ["INV-1001", "03/20/2025", cell]
    path.write_text("".join(delimiter.join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def failure(importer: object, path: Path) -> ImportFailure:
    assert importer.identify(str(path))  # type: ignore[attr-defined]
    with pytest.raises(ImportFailure) as caught:
        importer.extract(str(path), [])  # type: ignore[attr-defined]
    return caught.value


# The cell, the marks, and what the loose reading made of it.
MISREAD = [
    ("600,00", {}, "60000"),  # a decimal comma under the default marks: 100 times too much
    ("-5-", {}, "5"),  # two minus signs, one at each end: read as +5
    ("(-5)", {}, "5"),  # a minus in brackets: read as +5
    ("--5", {}, None),  # (refused before too, now with the reason)
    ("1,,,2", {}, "12"),  # thousands marks with no digits between them
    ("-1.234,56", {}, "-1.23456"),  # European marks under the default ones
    ("1,23", {}, "123"),  # a group of two after a thousands mark
    ("1234,567.00", {}, "1234567.00"),  # a group of four before one
    ("1.234.56", {"decimal_mark": ",", "thousands": "."}, "123456"),  # a decimal point
    ("1.24", {"decimal_mark": ","}, "124"),  # the thousands mark (picked: ".") as decimal
    ("1,234,5", {"decimal_mark": ","}, None),  # two decimal marks
]


@pytest.mark.parametrize(("cell", "marks", "before"), MISREAD, ids=[m[0] for m in MISREAD])
def test_a_number_that_does_not_fit_the_marks_is_an_error(
    tmp_path: Path, cell: str, marks: dict[str, str], before: str | None
) -> None:
    if before is not None:  # the loose reading: thousands marks dropped, signs ignored
        thousands = marks.get("thousands", "." if marks.get("decimal_mark") == "," else ",")
        loose = cell.replace(thousands, "").replace(marks.get("decimal_mark", "."), ".")
        assert Decimal(loose.strip("()-") or "0") == abs(Decimal(before))
    path = report(tmp_path, cell)
    error = failure(summit(**marks), path)
    assert (error.line, error.column, error.code) == (2, "Paid", "FCT207")
    assert str(error).startswith(f"{path}:2, column 'Paid': FCT207 {cell!r} is not an amount: ")


def test_the_messages_say_what_is_wrong() -> None:
    grouping = "it does not fit the decimal mark '.' and the thousands mark ','"
    for cell in ("600,00", "1,,,2", "-1.234,56", "1.2.3"):
        with pytest.raises(ValueError, match=grouping):
            parse_decimal(cell)
    for cell in ("-5-", "(-5)", "--5", "+5-", "(5)-", "$(-5)"):
        with pytest.raises(ValueError, match="it has more than one sign"):
            parse_decimal(cell)
    with pytest.raises(ValueError, match="and no thousands mark"):
        parse_decimal("1,234.56", ".", "")


@pytest.mark.parametrize(
    "cell", ["$50.00 CR", "2180.00 DR", "1,234.56CR", "151.25 Cr.", "50.00 dr"]
)
def test_a_credit_or_debit_marker_says_how_to_write_the_amount(cell: str) -> None:
    # A bank or reserve statement's `$50.00 CR` said only "is not an amount": the
    # bookkeeper was not told that the marker, not the number, is what is not read.
    with pytest.raises(ValueError, match="CR or DR after the number is not read") as info:
        parse_decimal(cell)
    assert "with a minus" in str(info.value)


# What was read well before is read the same.
ACCEPTED = [
    ("$1,234.56", ".", ",", "1234.56"),
    ("(1,234.56)", ".", ",", "-1234.56"),
    ("($1,234.56)", ".", ",", "-1234.56"),
    ("$(1,234.56)", ".", ",", "-1234.56"),  # Excel's accounting format: the sign outside
    ("$ (1,234.56)", ".", ",", "-1234.56"),
    ("-$1,234.56", ".", ",", "-1234.56"),
    ("$-5", ".", ",", "-5"),
    ("1234.56-", ".", ",", "-1234.56"),
    ("+5", ".", ",", "5"),
    ("\u22125.00", ".", ",", "-5.00"),
    ("12,345,678.90", ".", ",", "12345678.90"),
    ("1234567.89", ".", ",", "1234567.89"),
    ("1 234.56", ".", ",", "1234.56"),  # spaces group digits too
    ("1 234,56", ",", " ", "1234.56"),
    ("1\u00a0234,56 \u20ac", ",", " ", "1234.56"),
    ("1.234,56", ",", ".", "1234.56"),
    ("EUR 980,00", ",", ".", "980.00"),
    ("1,234.56 USD", ".", ",", "1234.56"),
    ("1.234", ".", ",", "1.234"),  # a decimal point: "." is not the thousands mark here
    ("1.234", ",", ".", "1234"),
    ("-1234.5", ".", "", "-1234.5"),
    (".5", ".", ",", "0.5"),
]


@pytest.mark.parametrize(("text", "mark", "thousands", "value"), ACCEPTED)
def test_legitimate_forms_are_read_as_before(
    text: str, mark: str, thousands: str, value: str
) -> None:
    assert repr(Numbers(mark, thousands)(text)) == repr(Decimal(value))
    assert repr(parse_decimal(text, mark, thousands)) == repr(Decimal(value))


def test_a_decimal_comma_profile_groups_thousands_with_points_by_default() -> None:
    """A profile with decimal_mark="," and no thousands: `.` groups thousands, as the
    bank and invoice importers already did (before, the profile was refused)."""
    importer = summit(decimal_mark=",", delimiter=";", currency="EUR")
    assert importer.profiles[0].thousands == "."
    account, date, name, entries = testing.run_importer(importer, str(SAMPLE))
    diff = testing.compare_expected(f"{SAMPLE}.beancount", account, date, name, entries)
    assert not diff, "".join(diff)
    paid = [str(entry.meta["paid"]) for entry in entries]
    # 600,00 is 600.00 (not 60000); 1.234,56 is 1234.56; € 980,00 is 980.00 (BOM dropped).
    assert paid[:4] == ["600.00 EUR", "1234.56 EUR", "980.00 EUR", "12500.00 EUR"]


def test_the_bank_and_invoice_importers_refuse_them_too(tmp_path: Path) -> None:
    bank = BankCsvImporter(
        "Assets:Bank:Checking", date="Date", narration="Description", amount="Amount", factors={}
    )
    path = tmp_path / "checking.csv"
    path.write_text('Date,Description,Amount\n03/04/2025,SUMMIT FUNDING,"600,00"\n')
    error = failure(bank, path)
    assert (error.line, error.column, error.code) == (2, "Amount", "FCT207")
    assert "'600,00' is not an amount: it does not fit" in error.detail
    invoices = InvoiceImporter(due=None, load=None)
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice #,Invoice Date,Customer,Charge,Amount\n"
        "INV-1001,03/03/2025,TQL,LINEHAUL,(-1000.00)\n"
    )
    error = failure(invoices, path)
    assert (error.line, error.column, error.code) == (2, "Amount", "FCT207")
    assert "'(-1000.00)' is not an amount: it has more than one sign" in error.detail


# A cell marked with another currency than the file's: read as the file's currency it
# would book euros or pounds as dollars, the same figure, without a word.
OTHER_CURRENCY = [
    ("USD", "-871.42 GBP", "GBP"),
    ("USD", '"€1,640.00-"', "€"),
    ("USD", "1,890.00 EUR", "EUR"),
    ("USD", "£12.00", "£"),
    ("CAD", "1,890.00 USD", "USD"),
    ("EUR", "$612.40", "$"),
]


@pytest.mark.parametrize(("currency", "cell", "marker"), OTHER_CURRENCY)
def test_a_cell_in_another_currency_is_an_error(currency: str, cell: str, marker: str) -> None:
    with pytest.raises(ValueError, match=f"is marked {re.escape(marker)}, but the amounts"):
        Numbers(".", ",", currency)(cell.strip('"'))


@pytest.mark.parametrize(
    ("currency", "cell", "number"),
    [
        ("USD", "$1,234.50", "1234.50"),
        ("USD", "1,234.50 USD", "1234.50"),
        ("USD", "($50.00)", "-50.00"),
        ("CAD", "$2,150.00", "2150.00"),  # a dollar sign fits Canadian dollars too
        ("DOP", "$1,234.50", "1234.50"),  # and the pesos and dollars of other countries
        ("EUR", "€1,640.00", "1640.00"),
        ("GBP", "-£12.00", "-12.00"),
        ("USD", "1234.50", "1234.50"),
    ],
)
def test_a_cell_in_the_files_currency_is_read(currency: str, cell: str, number: str) -> None:
    assert Numbers(".", ",", currency)(cell) == Decimal(number)


def test_each_importer_refuses_a_cell_in_another_currency(tmp_path: Path) -> None:
    bank = BankCsvImporter(
        "Assets:Bank:Checking", date="Date", narration="Description", amount="Amount", factors={}
    )
    path = tmp_path / "checking.csv"
    path.write_text(
        "Date,Description,Amount\n03/03/2025,FUEL,-10.00\n03/04/2025,KEYLINE,-871.42 GBP\n"
    )
    error = failure(bank, path)
    assert (error.line, error.column, error.code) == (3, "Amount", "FCT207")
    assert "'-871.42 GBP' is marked GBP, but the amounts of this file are in USD" in error.detail
    invoices = InvoiceImporter(due=None, load=None)
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice #,Invoice Date,Customer,Charge,Amount\nINV-1001,03/03/2025,TQL,LINEHAUL,"
        '"€1,890.00"\n'
    )
    error = failure(invoices, path)
    assert (error.line, error.column, error.code) == (2, "Amount", "FCT207")
    error = failure(summit(), report(tmp_path, "2,790.00 EUR"))
    assert (error.line, error.column, error.code) == (2, "Paid", "FCT207")
    assert "is marked EUR" in error.detail


@pytest.mark.parametrize("cell", ["1.890", "-1.500", "$51.250", "123.456 USD"])
def test_money_that_may_mean_thousands_is_an_error(cell: str) -> None:
    # `1.890` in a file of dollars is more likely 1,890 than 1.89: neither is guessed.
    with pytest.raises(ValueError, match=re.escape("three digits after the decimal mark '.'")):
        Numbers(".", ",", "USD", money=True)(cell)
    assert Numbers(".", ",")(cell)  # (not as money, as the rates are read)


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("1.89", "1.89"),
        ("100.5000", "100.5000"),  # four places: no thousands mark reads so
        ("1234.567", "1234.567"),  # four digits before: no group of a thousands mark
        ("$2,150.005", "2150.005"),  # grouped: the point is the decimal mark
    ],
)
def test_money_that_cannot_mean_thousands_is_read(cell: str, number: str) -> None:
    assert Numbers(".", ",", "USD", money=True)(cell) == Decimal(number)


def test_a_currency_of_thousandths_reads_three_places() -> None:
    assert Numbers(".", ",", "KWD", money=True)("1.890") == Decimal("1.890")


@pytest.mark.parametrize(
    ("mark", "thousands", "cell", "number"),
    [
        (".", ",", "1.890", "1890"),
        (".", ",", "-1.500", "-1500"),
        (".", ",", "(12.345)", "-12345"),
        (".", ",", "512.000", "512000"),
        (",", ".", "1,890", "1890"),
        (".", ",", "1,234.000", "1234.000"),  # grouped: the point is the decimal mark
        (".", ",", "1.89", "1.89"),  # two places: a decimal (not whole: refused later)
    ],
)
def test_a_currency_without_fraction_reads_three_places_as_thousands(
    mark: str, thousands: str, cell: str, number: str
) -> None:
    # The yen has no fraction: `1.890` yen can only be 1,890 with the other thousands mark.
    read = Numbers(mark, thousands, "JPY", money=True)
    assert read(cell) == Decimal(number)
    assert str(read(cell)) == number  # whole yen, not 1890.000


@pytest.mark.parametrize("cell", ["0.500", "-0.250"])
def test_a_currency_without_fraction_still_refuses_what_no_grouping_writes(cell: str) -> None:
    # `0.500` is no grouped number (no group starts with 0) and half a yen is none either.
    with pytest.raises(ValueError, match=re.escape("three digits after the decimal mark")):
        Numbers(".", ",", "JPY", money=True)(cell)


def test_a_currency_of_thousandths_reads_three_places_with_either_mark() -> None:
    assert Numbers(",", ".", "KWD", money=True)("1,890") == Decimal("1.890")
    assert Numbers(".", ",", "BHD", money=True)("-0.250") == Decimal("-0.250")


def test_the_importers_refuse_money_with_three_places(tmp_path: Path) -> None:
    invoices = InvoiceImporter(due=None, load=None)
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice #,Invoice Date,Customer,Charge,Amount\nINV-1001,03/03/2025,TQL,LINEHAUL,1.890\n"
    )
    error = failure(invoices, path)
    assert (error.line, error.column, error.code) == (2, "Amount", "FCT207")
    assert "'1.890' has three digits after the decimal mark '.': is it thousands" in error.detail
    error = failure(summit(), report(tmp_path, "$51.250"))
    assert (error.line, error.column, error.code) == (2, "Paid", "FCT207")


@pytest.mark.parametrize(("cell", "mark"), [("50,-", ","), ("50.-", "."), ("1.234,-", ",")])
def test_a_whole_amount_written_with_a_dash_is_an_error(cell: str, mark: str) -> None:
    # German and Swiss writing: 50,- is 50.00. It was read as a trailing minus (-50), a
    # credit booked as a debit; it may mean either, so the cell must give its cents.
    with pytest.raises(ValueError, match=r"may be a whole amount .* or a negative one"):
        parse_decimal(cell, mark, "." if mark == "," else ",")
    with pytest.raises(ValueError, match="write its cents"):
        Numbers(mark, "." if mark == "," else ",")(cell)
    # With its cents the trailing minus is read as ever: 50,00- is -50.00.
    assert Numbers(mark, "." if mark == "," else ",")(f"50{mark}00-") == Decimal("-50.00")
