"""A factor report's own total, subtotal and footer rows: each is read as what it is
(a total checked against the rows above it, a footer counted in the next total, a data
row), wherever its label stands, or is an error naming the file, the line and the column.
Never a total taken for a row, a row taken for a total, or a check turned off in silence."""

from __future__ import annotations

from decimal import Decimal
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


def test_a_reserve_closing_balance_line_in_place_of_the_total(tmp_path: Path) -> None:
    # It was FCT206 "'Closing Balance' is not a date", which sent the bookkeeper to
    # total_marker=: read as the closing balance by default now, and with that pattern
    # still left out as a total.
    path = edited(tmp_path, RESERVE, {"Total,,,,,$82.00,": "Closing Balance,,,,,,$82.00"})
    plain = [e.date for e in LAKESHORE.extract(str(RESERVE), [])]
    assert [e.date for e in LAKESHORE.extract(str(path), [])] == plain
    marker = profiles.LAKESHORE_RESERVE.replace(total_marker=r"totals?\b|balance")
    importer = FactorReportImporter(marker, "Lakeshore", bank="Assets:Bank:Checking")
    found = importer.extract(str(path), [])
    assert [e.date for e in found] == plain


# A reserve statement's balance rows: the label under the Date column, the figure under
# Balance (and maybe Amount). The sample's rows run 201.25, 283.25, 233.25, 82.00 from
# an opening balance of 201.25 - 201.25 = 0.00, to a closing balance of 82.00.
RESERVE_HEADER = "Date,Transaction Type,Batch#,Invoice #,Description,Amount,Balance\n"
RESERVE_FIRST = "03/03/2025,Purchase,Schedule#3110,"
RESERVE_TOTAL = "Total,,,,,$82.00,\n"
OPENINGS = ["Opening Balance", "Beginning Balance", "Balance forward", "Balance b/f"]
CLOSINGS = ["Closing Balance", "Ending Balance", "Closing balance as of 04/30/2025", "Balance"]


def balance_rows(tmp_path: Path, opening: str, closing: str, name: str = "") -> Path:
    """The sample with `opening` above its first row and `closing` after its total."""
    change = {RESERVE_FIRST: f"{opening}\n{RESERVE_FIRST}", RESERVE_TOTAL: RESERVE_TOTAL + closing}
    return edited(tmp_path, RESERVE, change, name)


@pytest.mark.parametrize(("opening", "closing"), list(zip(OPENINGS, CLOSINGS, strict=True)))
def test_a_reserve_statements_balance_rows_are_checked_not_booked(
    tmp_path: Path, opening: str, closing: str
) -> None:
    """They were FCT206 "'Opening Balance' is not a date": no statement with them could
    be imported. Now: the same entries as without them, and importing twice adds nothing."""
    plain = postings(RESERVE)
    for figures, close in (
        (",,,,,,$0.00", ",,,,,,$82.00\n"),
        (",,,,,$0.00,$0.00", ',,,,,"$82.00","$82.00"\n'),  # the figure under Amount too
        (",,,,,$0.00,", ",,,,,$82.00,\n"),  # under Amount only
    ):
        path = balance_rows(tmp_path, opening + figures, closing + close)
        assert postings(path) == plain, figures
    first = LAKESHORE.extract(str(path), [])
    again = LAKESHORE.extract(str(path), first)
    LAKESHORE.deduplicate(again, first)
    assert again and all("__duplicate__" in entry.meta for entry in again)


def test_a_reserve_balance_row_that_does_not_follow_is_named(tmp_path: Path) -> None:
    """An opening balance that is not the first row's balance less its amount (201.25 -
    201.25 = 0.00), or a closing balance that is not the last row's (82.00): a row is
    missing, or counted twice: FCT210 on the balance row's cell, naming both figures."""
    path = balance_rows(tmp_path, "Opening Balance,,,,,,$10.00", "Closing Balance,,,,,,$82.00")
    error = failure(path)
    assert (error.line, error.column, error.code) == (3, "Balance", "FCT210"), str(error)
    assert "10.00" in error.detail and "0.00" in error.detail, error.detail
    path = balance_rows(tmp_path, "Opening Balance,,,,,,$0.00", "Ending Balance,,,,,,$92.00")
    error = failure(path)
    assert (error.line, error.column, error.code) == (9, "Balance", "FCT210"), str(error)
    assert "92.00" in error.detail and "82.00" in error.detail, error.detail
    # Under Amount only, the cell named is the Amount's.
    path = balance_rows(tmp_path, "Opening Balance,,,,,$5.00,", "Closing Balance,,,,,$82.00,")
    error = failure(path)
    assert (error.line, error.column, error.code) == (3, "Amount", "FCT210"), str(error)


def test_a_reserve_statement_newest_first_with_its_balance_rows(tmp_path: Path) -> None:
    """Newest row first: the closing balance (82.00) on top, the opening (0.00) below."""
    lines = RESERVE.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = lines[2:6][::-1]
    text = "".join([*lines[:2], "Closing Balance,,,,,,$82.00\n", *rows])
    path = tmp_path / RESERVE.name
    path.write_text(text + "Opening Balance,,,,,,$0.00\n", encoding="utf-8")
    plain = sorted(postings(RESERVE))
    assert sorted(postings(path)) == plain
    path.write_text(text + "Opening Balance,,,,,,$50.00\n", encoding="utf-8")
    error = failure(path)
    assert (error.line, error.column, error.code) == (8, "Balance", "FCT210"), str(error)


def test_a_reserve_balance_row_between_pages_and_with_no_rows(tmp_path: Path) -> None:
    """`Balance forward` after March's rows is the balance so far (283.25); a statement
    of no movement gives its opening and closing balance only, which must agree."""
    plain = postings(RESERVE)
    path = edited(tmp_path, RESERVE, {MARCH_LAST: f"{MARCH_LAST}Balance forward,,,,,,$283.25\n"})
    assert postings(path) == plain
    wrong = edited(tmp_path, RESERVE, {MARCH_LAST: f"{MARCH_LAST}Balance forward,,,,,,$233.25\n"})
    error = failure(wrong)
    assert (error.line, error.column, error.code) == (5, "Balance", "FCT210"), str(error)
    title = RESERVE.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    path.write_text(
        title + RESERVE_HEADER + "Opening Balance,,,,,,$82.00\nClosing Balance,,,,,,$82.00\n",
        encoding="utf-8",
    )
    assert LAKESHORE.extract(str(path), []) == []
    path.write_text(
        title + RESERVE_HEADER + "Opening Balance,,,,,,$82.00\nClosing Balance,,,,,,$80.00\n",
        encoding="utf-8",
    )
    error = failure(path)
    assert (error.line, error.column, error.code) == (4, "Balance", "FCT210"), str(error)


def test_a_dated_row_that_mentions_the_balance_stays_a_row(tmp_path: Path) -> None:
    """`Reserve balance adjustment` with a date, a fee type and figures is a movement: a
    fee of 2.00 from the reserve (82.00 - 2.00 = 80.00), booked as the other fees are."""
    row = "04/10/2025,Fee,ADJ 1,,Reserve balance adjustment,($2.00),$80.00\n"
    after = f"$82.00\n{row}Total,,,,,$80.00,\nClosing Balance,,,,,,$80.00\n"
    path = edited(tmp_path, RESERVE, {"$82.00\nTotal,,,,,$82.00,\n": after})
    entries = LAKESHORE.extract(str(path), [])
    fees = [e for e in entries if "adjustment" in getattr(e, "narration", "")]
    assert [p.units.number for p in fees[0].postings] == [Decimal("2.00"), Decimal("-2.00")]
    balances = [e.amount.number for e in entries if type(e).__name__ == "Balance"]
    assert balances[-1] == Decimal("80.00")


@pytest.mark.parametrize("where", ["top", "middle", "bottom"])
def test_a_lone_note_under_the_reserve_date_is_left_out(tmp_path: Path, where: str) -> None:
    """`CONFIDENTIAL` alone under the Date column, no figures: a note, left out (it was
    FCT206 "'CONFIDENTIAL' is not a date")."""
    plain = postings(RESERVE)
    anchor = {"top": RESERVE_FIRST, "middle": "04/04/2025,", "bottom": "Total,"}[where]
    path = edited(tmp_path, RESERVE, {anchor: f"CONFIDENTIAL,,,,,,\n{anchor}"})
    assert postings(path) == plain


def test_a_reserve_row_with_figures_and_an_unreadable_date_is_still_an_error(
    tmp_path: Path,
) -> None:
    """A movement whose date was mistyped is no note: left out, its amount would be lost."""
    for bad in ("03/0x/2025", "Mar 5th"):
        path = edited(tmp_path, RESERVE, {"03/05/2025,Purchase": f"{bad},Purchase"})
        error = failure(path)
        assert (error.line, error.column, error.code) == (4, "Date", "FCT206"), str(error)
    # A label alone with a figure is not a note either.
    path = edited(tmp_path, RESERVE, {RESERVE_FIRST: f"See note 3,,,,,$5.00,\n{RESERVE_FIRST}"})
    error = failure(path)
    assert (error.line, error.column, error.code) == (3, "Date", "FCT206"), str(error)


def test_a_finnish_reserve_statements_balance_rows_from_the_banks_side(tmp_path: Path) -> None:
    """Saaristo prints the reserve from its side (sign="inverted"): `Alkusaldo` 0,00 above
    the rows, `Loppusaldo` -2 112,07 (the last row's balance) below them, in its sign."""
    importer = importers()["saaristo"]
    source = DOCUMENTS / "saaristo" / "pidatystili_2025-04.csv"
    text = source.read_text(encoding="latin-1")
    first, total = "03.03.2025;Rahoitus", "Yhteensä;;;;;-2 112,07;\n"
    opened = text.replace(first, f"Alkusaldo;;;;;;0,00\n{first}")
    path = tmp_path / source.name
    path.write_text(opened.replace(total, f"{total}Loppusaldo;;;;;;-2 112,07\n"), "latin-1")
    plain = [printer.format_entry(e) for e in importer.extract(str(source), [])]
    assert [printer.format_entry(e) for e in importer.extract(str(path), [])] == [
        line.replace(f"{source}", f"{path}") for line in plain
    ]
    path.write_text(opened.replace(total, f"{total}Loppusaldo;;;;;;-2 012,07\n"), "latin-1")
    with pytest.raises(ImportFailure) as info:
        importer.extract(str(path), [])
    error = info.value
    assert (error.line, error.column, error.code) == (13, "Saldo", "FCT210"), str(error)
    assert "'-2 012,07' is not the running balance here, -2112.07" in error.detail


# Labels a reserve statement puts under its Type or Description column, not its Date.
# A dated subtotal whose type is empty was read as a movement of no type (booked as
# nothing, so a wrong subtotal passed in silence); a balance row so labelled and dated
# was FCT205 "an amount is required here ... give the profile total_marker=".
@pytest.mark.parametrize(
    "row",
    [
        "03/31/2025,,,,Subtotal March,$283.25,",  # under Description, type empty
        "03/31/2025,Subtotal,,,March,$283.25,",  # under Type
        "03/31/2025,,,,Total for March,$283.25,$283.25",  # with the balance too
        ",,,,Subtotal March,$283.25,",  # undated (read so before)
    ],
)
def test_a_reserve_subtotal_labelled_under_the_type_or_description(
    tmp_path: Path, row: str
) -> None:
    # March's rows: 201.25 + 82.00 = 283.25 (the balance after them is 283.25 too).
    plain = postings(RESERVE)
    path = edited(tmp_path, RESERVE, {MARCH_LAST: f"{MARCH_LAST}{row}\n"})
    assert postings(path) == plain
    # 293.25 is neither March's sum nor the balance: FCT210 on its cell.
    wrong = edited(
        tmp_path, RESERVE, {MARCH_LAST: f"{MARCH_LAST}{row.replace('283', '293', 1)}\n"}, "w.csv"
    )
    error = failure(wrong)
    assert (error.line, error.column, error.code) == (5, "Amount", "FCT210"), str(error)
    assert "'$293.25'" in error.detail


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        (",Opening Balance,,,,,$0.00", ",Closing Balance,,,,,$82.00"),
        ("03/01/2025,Opening Balance,,,,,$0.00", "04/30/2025,Closing Balance,,,,,$82.00"),
        ("03/01/2025,,,,Opening balance,,$0.00", "04/30/2025,,,,Closing balance,$82.00,$82.00"),
        ("03/01/2025,,,,Balance forward,$0.00,", "04/30/2025,,,,Ending balance,,$82.00"),
    ],
)
def test_a_reserve_balance_row_labelled_under_the_type_or_description(
    tmp_path: Path, opening: str, closing: str
) -> None:
    """Checked against the running balance (0.00 before the first row, 82.00 after the
    last) and never booked, as one labelled under the Date column is."""
    plain = postings(RESERVE)
    assert postings(balance_rows(tmp_path, opening, closing + "\n")) == plain
    # A closing balance of 92.00 is not the last row's 82.00: FCT210 on its cell.
    path = balance_rows(tmp_path, opening, closing.replace("82", "92") + "\n", "w.csv")
    error = failure(path)
    assert error.code == "FCT210" and error.line == 9, str(error)
    assert "92.00" in error.detail and "82.00" in error.detail, error.detail


def test_a_row_of_a_movement_type_that_mentions_a_total_stays_a_row(tmp_path: Path) -> None:
    """A fee whose description holds `total` or `balance` (type `Fee`), and a row of no
    type whose figures are a movement (its amount is not its balance), are movements."""
    rows = (
        "04/10/2025,Fee,ADJ 1,,Total monthly fee,($2.00),$80.00\n"
        "04/11/2025,,ADJ 2,,Balance adjustment,($1.00),$79.00\n"
    )
    after = f"$82.00\n{rows}Total,,,,,$79.00,\n"
    path = edited(tmp_path, RESERVE, {"$82.00\nTotal,,,,,$82.00,\n": after})
    entries = LAKESHORE.extract(str(path), [])
    fees = [e for e in entries if "monthly fee" in getattr(e, "narration", "")]
    assert [p.units.number for p in fees[0].postings] == [Decimal("2.00"), Decimal("-2.00")]
    balances = [e.amount.number for e in entries if type(e).__name__ == "Balance"]
    assert balances[-2:] == [Decimal("80.00"), Decimal("79.00")]


def test_a_debit_credit_statement_with_its_balances_under_the_description(
    tmp_path: Path,
) -> None:
    """Copperline's statement says what a row is in its Description (its type column):
    `Opening balance` there, dated, was FCT205 "neither a debit nor a credit is given"."""
    profile = profiles.COPPERLINE_RESERVE.replace(sheet=None)
    importer = FactorReportImporter(profile, "Copperline", bank="Assets:Bank:CAD")
    header = "Date,Description,Invoice,Reference,Debit,Credit,Balance\n"
    rows = (
        "2025-03-03,Reserve on funding,CL-1,F-1,,96.00,96.00\n"
        "2025-04-08,Reserve rebate,CL-1,R-1,96.00,,0.00\n"
    )
    path = tmp_path / "copperline_reserve.csv"
    path.write_text(
        header + "2025-03-01,Opening balance,,,,,0.00\n" + rows
        + "2025-04-30,Closing balance,,,,,0.00\n", encoding="utf-8"
    )  # fmt: skip
    entries = importer.extract(str(path), [])
    assert [type(e).__name__ for e in entries] == ["Transaction", "Balance", "Balance"]
    path.write_text(header + "2025-03-01,Opening balance,,,,,10.00\n" + rows, encoding="utf-8")
    with pytest.raises(ImportFailure) as info:
        importer.extract(str(path), [])
    assert (info.value.line, info.value.column, info.value.code) == (2, "Balance", "FCT210")


COLLECTIONS_TOTAL = 'Total,,,,,,"$4,025.00","$3,975.00",($50.00),'


@pytest.mark.parametrize("count", ["2", "2 invoices", "(2)"])
def test_a_count_under_a_summed_column_of_a_totals_line(tmp_path: Path, count: str) -> None:
    """`Total: 2 invoices` whose 2 sits under Invoice Amt: a count of the report's two
    rows, checked as such (it was FCT210 "the report's total '2' is not the sum of its
    rows, 4025.00"); the other columns are still checked as sums."""
    plain = postings(COLLECTIONS)
    line = f'Total: 2 invoices,,,,,,{count},"$3,975.00",($50.00),'
    assert postings(edited(tmp_path, COLLECTIONS, {COLLECTIONS_TOTAL: line})) == plain
    # 3 is not the number of rows: FCT210 that says the cell reads as a count.
    wrong = edited(
        tmp_path,
        COLLECTIONS,
        {COLLECTIONS_TOTAL: line.replace(f",{count},", f",{count.replace('2', '3')},")},
        "w.csv",
    )
    error = failure(wrong)
    assert (error.line, error.column, error.code) == (5, "Invoice Amt", "FCT210"), str(error)
    assert "count" in error.detail and "2 rows" in error.detail, error.detail
    # The sums beside the count are still compared: 3,985.00 is not 2,150.00 + 1,825.00.
    wrong = edited(
        tmp_path, COLLECTIONS, {COLLECTIONS_TOTAL: line.replace("3,975", "3,985")}, "w2.csv"
    )
    error = failure(wrong)
    assert (error.line, error.column, error.code) == (5, "Paid", "FCT210"), str(error)


PINECREST_RECOURSE = DOCUMENTS / "pinecrest" / "recourse_2025-06-02.txt"


@pytest.mark.parametrize("cell", ["142,50", "$142.50 CR", "USD 142.50 DR"])
def test_an_unreadable_cell_of_a_column_no_reading_needs_under_a_total(
    tmp_path: Path, cell: str
) -> None:
    """Pinecrest's recourse report sums its Fees Accrued, which no entry takes: a cell
    there that is no amount turned the total's check of the column off, so that a total
    of 999.50 over a row of 142.50 passed in silence. It is FCT207 on that cell now,
    when a total below would check the column."""
    importer = importers()["pinecrest"]
    text = PINECREST_RECOURSE.read_text(encoding="cp1252")
    row = "2842.50\t142.50\n"
    assert text.count(row) == 2
    path = tmp_path / PINECREST_RECOURSE.name
    path.write_text(text.replace(row, f"2842.50\t{cell}\n", 1), encoding="cp1252")
    with pytest.raises(ImportFailure) as info:
        importer.extract(str(path), [])
    error = info.value
    assert (error.line, error.column, error.code) == (2, "Fees Accrued", "FCT207"), str(error)
    assert "line 3" in error.detail, error.detail
    # Without a total below, the column is checked by nothing: the file reads as before.
    path.write_text(text.replace(row, f"2842.50\t{cell}\n", 1).rsplit("*", 1)[0], "cp1252")
    assert len(importer.extract(str(path), [])) == 1
    # A word (`n/a`) holds no figure: the column is left unchecked, as before.
    path.write_text(text.replace(row, "2842.50\tn/a\n", 1), encoding="cp1252")
    assert len(importer.extract(str(path), [])) == 1


def balances_of(path: Path) -> list[tuple[str, Decimal]]:
    return [
        (str(e.date), e.amount.number)
        for e in LAKESHORE.extract(str(path), [])
        if type(e).__name__ == "Balance"
    ]


def test_a_day_whose_last_row_gives_no_balance_gets_no_assertion(tmp_path: Path) -> None:
    """04/04: the short pay (balance 233.25), then a fee of 10.00 with its balance cell
    empty. The assertion of 04/05 was 233.25, the balance before the fee the importer
    books that day (the ledger holds 223.25): a false bean-check error on a statement
    that agrees with itself (233.25 - 10.00 - 151.25 = 72.00 after the release)."""
    row = "04/04/2025,Fee,FEE 1,,Monthly fee,($10.00),\n"
    path = edited(
        tmp_path,
        RESERVE,
        {
            "not approved,($50.00),$233.25\n": f"not approved,($50.00),$233.25\n{row}",
            "($151.25),$82.00": "($151.25),$72.00",
            RESERVE_TOTAL: "Total,,,,,$72.00,\n",
        },
    )
    assert balances_of(path) == [
        ("2025-03-04", Decimal("201.25")),
        ("2025-03-06", Decimal("283.25")),
        ("2025-04-09", Decimal("72.00")),
    ]


LATE_FEE = "04/02/2025,Fee,ADJ 1,,Late posted fee,($3.00),$230.25\n"


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_row_posted_late_out_of_date_order(tmp_path: Path, newest_first: bool) -> None:
    """A fee dated 04/02 listed after the 04/04 short pay (posted late), the running
    balance following the rows as listed (233.25 - 3.00 = 230.25; 230.25 - 151.25 =
    79.00). It was FCT210 "the rows are not in date order" on the first row, with no
    way to import the statement. It is read now: the fee booked on its date, and the
    balance assertions of the days the rows' order leaves right (the 04/04 balance
    233.25 is not the reserve at the end of 04/04 once the 04/02 fee is booked; nor
    is 230.25 that of 04/02)."""
    path = edited(
        tmp_path,
        RESERVE,
        {
            "04/08/2025,Release": LATE_FEE + "04/08/2025,Release",
            "($151.25),$82.00": "($151.25),$79.00",
            RESERVE_TOTAL: "Total,,,,,$79.00,\n",
        },
    )
    if newest_first:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join([*lines[:2], *lines[2:7][::-1], lines[7]]), encoding="utf-8")
    entries = LAKESHORE.extract(str(path), [])
    (fee,) = [e for e in entries if "Late posted" in getattr(e, "narration", "")]
    assert str(fee.date) == "2025-04-02"
    assert balances_of(path) == [
        ("2025-03-04", Decimal("201.25")),
        ("2025-03-06", Decimal("283.25")),
        ("2025-04-09", Decimal("79.00")),
    ]


def test_rows_sorted_by_another_column_are_named(tmp_path: Path) -> None:
    """The 04/04 short pay moved above the 03/05 holdback (the statement sorted by
    another column): the dates are out of order and the balances do not follow the
    rows as listed (201.25 - 50.00 is not 233.25). FCT210 names the row out of order
    and says what to do (it named the first row only, with no fix)."""
    short = "04/04/2025,CashPosting,Collection Report#772,RF-1102,Short pay - lumper not approved,($50.00),$233.25\n"  # noqa: E501
    path = edited(tmp_path, RESERVE, {short: "", MARCH_LAST: short + MARCH_LAST})
    error = failure(path)
    assert (error.line, error.column, error.code) == (5, "Date", "FCT210"), str(error)
    assert "03/05/2025" in error.detail and "04/04/2025" in error.detail, error.detail
    assert "sorted" in error.detail, error.detail


@pytest.mark.parametrize("dash", ["-", "$ -", " $ -   ", "$-", "\u2013"])
def test_a_zero_shown_as_a_dash(tmp_path: Path, dash: str) -> None:
    """Excel's accounting format shows 0.00 as a dash (`$ -`), and a report saved from
    it writes the dash: a short/over or a deduction of nothing was FCT207 "'$ -' is not
    an amount", and no setting could read the file. It is 0.00, and the totals are
    still checked (the Short/Over total, -50.00, is the other row's)."""
    plain = postings(COLLECTIONS)
    row = '"$2,150.00","$2,150.00",$0.00,ACH'
    path = edited(tmp_path, COLLECTIONS, {row: row.replace("$0.00", f'"{dash}"')})
    assert postings(path) == plain
    wrong = edited(
        tmp_path,
        COLLECTIONS,
        {row: row.replace("$0.00", f'"{dash}"'), "($50.00),\n": "($60.00),\n"},
        "w.csv",
    )
    error = failure(wrong)
    assert (error.line, error.column, error.code) == (5, "Short/Over", "FCT210"), str(error)
    plain = postings(PURCHASE)
    first = '$107.50,$0.00,"$1,983.75"'
    path = edited(tmp_path, PURCHASE, {first: first.replace("$0.00", f'"{dash}"')}, "p.csv")
    assert postings(path) == plain


def test_a_dash_for_a_payment_is_no_zero(tmp_path: Path) -> None:
    """Paid `$ -`: a payment of nothing is no payment; the cell is named (FCT207)."""
    row = '"$2,150.00","$2,150.00",$0.00,ACH'
    path = edited(tmp_path, COLLECTIONS, {row: '"$2,150.00","$ -",$0.00,ACH'})
    error = failure(path)
    assert (error.line, error.column, error.code) == (3, "Paid", "FCT207"), str(error)


def test_a_total_above_the_rows(tmp_path: Path) -> None:
    """A report that gives its total first, right below the header: it was FCT210 "not
    the sum of its rows, 0" (no row read yet). It is the total of the rows below it,
    checked once they are read (2,150.00 + 1,875.00 = 4,025.00)."""
    lines = COLLECTIONS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / COLLECTIONS.name
    path.write_text("".join([*lines[:2], lines[4], *lines[2:4]]), encoding="utf-8")
    assert postings(path) == postings(COLLECTIONS)
    wrong = lines[4].replace("4,025.00", "4,125.00")
    path.write_text("".join([*lines[:2], wrong, *lines[2:4]]), encoding="utf-8")
    error = failure(path)
    assert (error.line, error.column, error.code) == (3, "Invoice Amt", "FCT210"), str(error)
    assert "4025.00" in error.detail, error.detail
    # With no row below it at all (the rows lost), it is not their sum either.
    path.write_text("".join([*lines[:2], lines[4]]), encoding="utf-8")
    error = failure(path)
    assert (error.line, error.column, error.code) == (3, "Invoice Amt", "FCT210"), str(error)


def test_a_description_that_holds_total_mid_label_stays_a_row(tmp_path: Path) -> None:
    """A statement whose Description is its type column (no pattern for fees): `Monthly
    total fee` is a movement of 5.00 (96.00 - 5.00 = 91.00), not a subtotal checked
    against the rows (FCT210); `Subtotal March` and `March total` are subtotals."""
    profile = profiles.COPPERLINE_RESERVE.replace(
        sheet=None, types=((r"reserve on funding", "holdback"),)
    )
    importer = FactorReportImporter(profile, "Copperline", bank="Assets:Bank:CAD")
    header = "Date,Description,Invoice,Reference,Debit,Credit,Balance\n"
    funding = "2025-03-03,Reserve on funding,CL-1,F-1,,96.00,96.00\n"
    path = tmp_path / "copperline_reserve.csv"
    path.write_text(header + funding + "2025-03-31,Monthly total fee,,M-3,5.00,,91.00\n")
    balances = [e.amount.number for e in importer.extract(str(path), [])]
    assert balances == [Decimal("96.00"), Decimal("91.00")]
    for label in ("Subtotal March", "March total", "Total for March"):
        path.write_text(header + funding + f"2025-03-31,{label},,,,96.00,\n")
        assert [e.amount.number for e in importer.extract(str(path), [])] == [96], label
