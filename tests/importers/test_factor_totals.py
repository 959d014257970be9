"""A factor report's own total, subtotal and footer rows: each is read as what it is
(a total checked against the rows above it, a footer counted in the next total, a data
row), wherever its label stands, or is an error naming the file, the line and the column.
Never a total taken for a row, a row taken for a total, or a check turned off in silence."""

from __future__ import annotations

from pathlib import Path

import pytest
from beancount.parser import printer
from factor_config import DOCUMENTS, importers

from beancount_factoring.importers import profiles
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter

LAKESHORE = importers()["lakeshore"]
SOURCE = DOCUMENTS / "lakeshore"
RESERVE = SOURCE / "reserve_account_2025-04-30.csv"
PURCHASE = SOURCE / "purchase_report_2025-03-07.csv"
COLLECTIONS = SOURCE / "collections_report_2025-04-07.csv"
RECOURSE = SOURCE / "recourse_report_2025-06-04.csv"

# The reserve ledger's March rows: 201.25 + 82.00 = 283.25, which is also the balance
# after them; the April rows add -50.00 - 151.25 = -201.25 (closing balance 82.00).
MARCH_LAST = "03/05/2025,Purchase,Schedule#3111,,Reserve holdback,$82.00,$283.25\n"
BAYLINE = 'BAYLINE LOGISTICS,RF-1103,03/04/2025,03/05/2025,"$1,640.00",06/04/2025,"$1,558.00"\n'


def edited(tmp_path: Path, source: Path, change: dict[str, str], name: str = "") -> Path:
    """A copy of a sample with some text replaced (each replacement must apply)."""
    text = source.read_text(encoding="utf-8")
    for old, new in change.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / (name or source.name)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def postings(path: Path) -> list[str]:
    """The entries extracted, as printed, without their metadata (the file's name)."""
    return [
        printer.format_entry(entry._replace(meta={})) for entry in LAKESHORE.extract(str(path), [])
    ]


def failure(path: Path) -> ImportFailure:
    assert LAKESHORE.identify(str(path)), "the file should be recognised"
    with pytest.raises(ImportFailure) as info:
        LAKESHORE.extract(str(path), [])
    return info.value


LABELS = ["Subtotal March", "March subtotal", "Total for March", "Grand Total", "Sub-Total"]


@pytest.mark.parametrize("label", LABELS)
def test_a_reserve_subtotal_labelled_under_the_date_is_checked_and_left_out(
    tmp_path: Path, label: str
) -> None:
    """`Subtotal March,,,,,$283.25,` after March's rows: the date column of a reserve
    ledger holds its label (it was FCT206 "'Subtotal March' is not a date")."""
    plain = postings(RESERVE)
    path = edited(tmp_path, RESERVE, {MARCH_LAST: f"{MARCH_LAST}{label},,,,,$283.25,\n"})
    assert postings(path) == plain
    # The grand total below still adds up: 283.25 + -201.25 = 82.00 since the header.
    # A subtotal that is neither March's sum (283.25) nor the balance (283.25) is an error.
    wrong = edited(
        tmp_path, RESERVE, {MARCH_LAST: f"{MARCH_LAST}{label},,,,,$293.25,\n"}, "wrong.csv"
    )
    error = failure(wrong)
    assert (error.line, error.column, error.code) == (5, "Amount", "FCT210"), str(error)
    assert "'$293.25'" in error.detail


@pytest.mark.parametrize("label", LABELS)
def test_a_reserve_grand_total_labelled_under_the_date(tmp_path: Path, label: str) -> None:
    plain = postings(RESERVE)
    path = edited(tmp_path, RESERVE, {"Total,,,,,$82.00,": f"{label},,,,,$82.00,"})
    assert postings(path) == plain
    # 201.25 + 82.00 - 50.00 - 151.25 = 82.00, the closing balance too: 92.00 is neither.
    wrong = edited(tmp_path, RESERVE, {"Total,,,,,$82.00,": f"{label},,,,,$92.00,"}, "w.csv")
    error = failure(wrong)
    assert (error.line, error.column, error.code) == (7, "Amount", "FCT210"), str(error)


def test_a_reserve_total_that_is_the_closing_balance_is_read(tmp_path: Path) -> None:
    # An opening balance of 100.00 before the first row: each balance 100.00 higher, the
    # rows still add up to 82.00; a total of the closing balance, 182.00, is no error.
    text = RESERVE.read_text(encoding="utf-8")
    for old, new in (("$201.25\n", "$301.25\n"), ("$283.25", "$383.25"), ("$233.25", "$333.25")):
        text = text.replace(old, new)
    text = text.replace("($151.25),$82.00", "($151.25),$182.00").replace(
        "Total,,,,,$82.00,", "Total,,,,,$182.00,"
    )
    path = tmp_path / RESERVE.name
    path.write_text(text, encoding="utf-8")
    assert len(LAKESHORE.extract(str(path), [])) == len(LAKESHORE.extract(str(RESERVE), []))


def test_a_debtor_called_total_logistics_stays_a_data_row(tmp_path: Path) -> None:
    """The recourse report's first column is the debtor: `Total Logistics LLC` starts
    with the total marker, but a row with its invoice number, dates and figures is an
    invoice's row (1,640.00 + 1,000.00 = 2,640.00; 1,558.00 + 950.00 = 2,508.00)."""
    row = 'Total Logistics LLC,RF-1104,03/04/2025,03/05/2025,"$1,000.00",06/04/2025,"$950.00"\n'
    path = edited(
        tmp_path,
        RECOURSE,
        {BAYLINE: BAYLINE + row, '"$1,640.00",,"$1,558.00"': '"$2,640.00",,"$2,508.00"'},
    )
    entries = LAKESHORE.extract(str(path), [])
    assert sorted(link for entry in entries for link in entry.links) == ["RF-1103", "RF-1104"]


def test_a_debtor_called_total_logistics_that_lost_its_invoice_number(tmp_path: Path) -> None:
    """The same row without its invoice number, its figures those of the row above: it
    was taken for a subtotal of that row (it adds up) and left out in silence; it gives
    dates of its own, so it is a row whose number was lost (FCT205)."""
    row = 'Total Logistics LLC,,03/04/2025,03/05/2025,"$1,640.00",06/04/2025,"$1,558.00"\n'
    path = edited(
        tmp_path,
        RECOURSE,
        {BAYLINE: BAYLINE + row, '"$1,640.00",,"$1,558.00"': '"$3,280.00",,"$3,116.00"'},
    )
    error = failure(path)
    assert (error.line, error.column, error.code) == (4, "Invoice#", "FCT205"), str(error)
    assert "'Total Logistics LLC'" in error.detail
    assert "fill it in" in error.detail


@pytest.mark.parametrize(
    ("cell", "shown"),
    [("$10.00 CR", "CR"), ("(€10.00)", "€"), ("10.00 USD CR", "CR"), ("$1O.00", "1O")],
)
def test_an_unreadable_footer_amount_is_an_error(tmp_path: Path, cell: str, shown: str) -> None:
    """`Transfer Fee,$10.00 CR`: a footer's amount the report's total counts. Unread, it
    turned the check of the Net Funded column off without a word."""
    path = edited(tmp_path, PURCHASE, {",Transfer Fee,($10.00)": f',Transfer Fee,"{cell}"'})
    error = failure(path)
    assert (error.line, error.column, error.code) == (5, "Net Funded", "FCT207"), str(error)
    assert shown in error.detail
    assert "footer" in error.detail


def test_an_unreadable_figure_of_a_total_row_is_an_error(tmp_path: Path) -> None:
    path = edited(tmp_path, PURCHASE, {'"$3,703.12"': '"$3,703.12 CR"'})
    error = failure(path)
    assert (error.line, error.column, error.code) == (6, "Net Funded", "FCT207"), str(error)
    assert "CR" in error.detail


@pytest.mark.parametrize(
    "label", ["Grand Total,,,,2 invoices", "Totals,,,,2", "Total (2 items),,,,"]
)
def test_a_totals_line_with_a_count_under_the_invoice_number(tmp_path: Path, label: str) -> None:
    """`Grand Total,,,,2 invoices,,"$4,025.00",...`: a count where the invoice number
    stands, no date or name: a total (2,150.00 + 1,875.00 = 4,025.00), checked."""
    total = 'Total,,,,,,"$4,025.00"'
    plain = postings(COLLECTIONS)
    path = edited(tmp_path, COLLECTIONS, {total: f'{label},,"$4,025.00"'})
    assert postings(path) == plain
    wrong = edited(tmp_path, COLLECTIONS, {total: f'{label},,"$4,125.00"'}, "w.csv")
    error = failure(wrong)
    assert (error.line, error.column, error.code) == (5, "Invoice Amt", "FCT210"), str(error)


TOTAL_3110 = 'Total,,,,,,"$4,025.00",,"$3,823.75",,$100.63,$10.00,$201.25,$0.00,"$3,703.12"'
FEE = ",,,,,,,,,,,,,Transfer Fee,($10.00)\n"


@pytest.mark.parametrize(
    "footer",
    [
        ',,,,,,,,,,,,,Net funds,"$3,703.12"',
        'Net funds,,,,,,,,,,,,,,"$3,703.12"',
        'Net Funds Wired 03/03/2025,,,,,,,,,,,,,,"$3,703.12"',
        # The report's net so far, 3,703.12 after schedule 3110 alone.
        ',,,,,,,,,,,,,Net funds to date,"$3,703.12"',
    ],
)
def test_a_net_funds_footer_that_restates_the_total(tmp_path: Path, footer: str) -> None:
    """A footer below schedule 3110's total giving its Net Funded again (1,983.75 +
    1,729.37 - 10.00 = 3,703.12): it was counted into schedule 3111's total, which then
    was "not the sum of its rows" (FCT210 on line 10)."""
    plain = postings(PURCHASE)
    path = edited(tmp_path, PURCHASE, {TOTAL_3110: f"{TOTAL_3110}\n{footer}"})
    assert postings(path) == plain


def test_a_net_funds_footer_that_is_no_sum_is_named(tmp_path: Path) -> None:
    # 3,713.12 is neither 3110's net (3,703.12) nor a fee: schedule 3111's total (line
    # 10) is not its rows' sum, 1,512.00 - 10.00 + 3,713.12, and names the footer lines.
    path = edited(
        tmp_path, PURCHASE, {TOTAL_3110: f'{TOTAL_3110}\n,,,,,,,,,,,,,Net funds,"$3,713.12"'}
    )
    error = failure(path)
    assert (error.line, error.column, error.code) == (10, "Net Funded", "FCT210"), str(error)
    assert "5215.12" in error.detail
    assert "line(s) 7, 9" in error.detail and "delete that row" in error.detail


@pytest.mark.parametrize("count", ["2 invoices", "2", "Count: 2", "(2)"])
def test_a_totals_line_with_a_count_beside_its_label(tmp_path: Path, count: str) -> None:
    """`Total,,2 invoices,,...`: the count under the Debtor is no name of a row."""
    plain = postings(PURCHASE)
    counted = TOTAL_3110.replace("Total,,", f"Total,,{count}")
    assert postings(edited(tmp_path, PURCHASE, {TOTAL_3110: counted})) == plain
    wrong = edited(tmp_path, PURCHASE, {TOTAL_3110: counted.replace("4,025", "4,125")}, "w.csv")
    error = failure(wrong)
    assert (error.line, error.column, error.code) == (6, "Invoice Amount", "FCT210"), str(error)


@pytest.mark.parametrize(
    "footer",
    [
        ",,,,,,,,,,,,,Recourse RF-1101,($10.00)\n",  # a label that holds a number
        ",,,,,,,,,,,,,RF-1101,($10.00)\n",
        ",,,,,,,,,,,,,Transfer Fee,(USD 10.00)\n",  # the file's own currency
        ",,,,,,,,,,,,,Transfer Fee,10.00-\n",
    ],
)
def test_footers_read_as_they_are(tmp_path: Path, footer: str) -> None:
    plain = postings(PURCHASE)
    assert postings(edited(tmp_path, PURCHASE, {FEE: footer})) == plain


@pytest.mark.parametrize("day", ["03/07/2025", "3/7/25", "2025-03-07", "07.03.2025"])
def test_a_footer_that_gives_a_date_under_an_amount_column(tmp_path: Path, day: str) -> None:
    # `Wire sent,03/07/2025` below the rows, the date under Net Funded: a note, as it was
    # before footers' amounts were read; it was FCT207 "is not an amount", and the report
    # could not be imported.
    plain = postings(PURCHASE)
    text = PURCHASE.read_text(encoding="utf-8")
    path = tmp_path / "p.csv"
    path.write_text(f"{text},,,,,,,,,,,,,Wire sent,{day}\n", encoding="utf-8", newline="")
    assert postings(path) == plain
    # Above a total it adds nothing and leaves the Net Funded column checked: a fee of
    # 10.00 left out of schedule 3110's rows still makes its total wrong (line 7).
    dated = edited(tmp_path, PURCHASE, {FEE: f",,,,,,,,,,,,,Wire sent,{day}\n"}, "d.csv")
    error = failure(dated)
    assert (error.line, error.column, error.code) == (6, "Net Funded", "FCT210"), str(error)


def test_a_footer_whose_fee_is_a_dash_leaves_the_total_unmatched(tmp_path: Path) -> None:
    # `-` is no fee (nor a label that turns the column's check off): the rows then add
    # up to 1,983.75 + 1,729.37 = 3,713.12, not 3,703.12.
    path = edited(tmp_path, PURCHASE, {FEE: ",,,,,,,,,,,,,Transfer Fee,-\n"})
    error = failure(path)
    assert (error.line, error.column, error.code) == (6, "Net Funded", "FCT210"), str(error)


def test_a_reserve_closing_balance_line_says_how_to_leave_it_out(tmp_path: Path) -> None:
    path = edited(tmp_path, RESERVE, {"Total,,,,,$82.00,": "Closing Balance,,,,,,$82.00"})
    error = failure(path)
    assert (error.line, error.column, error.code) == (7, "Date", "FCT206"), str(error)
    assert "total_marker=" in error.detail
    # And the pattern it gives leaves the line out (as the Total line was).
    marker = profiles.LAKESHORE_RESERVE.replace(total_marker=r"totals?\b|balance")
    importer = FactorReportImporter(marker, "Lakeshore", bank="Assets:Bank:Checking")
    found = importer.extract(str(path), [])
    assert [e.date for e in found] == [e.date for e in LAKESHORE.extract(str(RESERVE), [])]
