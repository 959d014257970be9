"""The fast readers of amounts and dates give what the general parsers give."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beancount_factoring.importers.base import (
    REMEMBERED,
    Dates,
    Numbers,
    parse_date,
    parse_decimal,
)

MARKS = [(".", ","), (".", ""), (",", "."), (",", " "), (".", " ")]


def outcome(read: object, text: str) -> str:
    """The value's exact form (a sign of zero included), or the error's message."""
    try:
        value = read(text)  # type: ignore[operator]
    except ValueError as exc:
        return f"error: {exc}"
    assert isinstance(value, Decimal)
    return repr(value)


@pytest.mark.parametrize(("mark", "thousands"), MARKS)
@given(text=st.text(alphabet="0123456789.,-()$€ \u00a0+", max_size=12))
def test_numbers_read_as_parse_decimal(mark: str, thousands: str, text: str) -> None:
    numbers = Numbers(mark, thousands)
    expected = outcome(lambda t: parse_decimal(t, mark, thousands), text)
    assert outcome(numbers, text) == expected


@pytest.mark.parametrize(
    ("text", "mark", "thousands", "value"),
    [
        ("$2,150.00", ".", ",", "2150.00"),
        ("($50.00)", ".", ",", "-50.00"),
        ("-$0.00", ".", ",", "-0.00"),
        ("($0.00)", ".", ",", "0.00"),
        ("4 960,00", ",", " ", "4960.00"),
        ("1.234,50", ",", ".", "1234.50"),
        ("1.487", ",", ".", "1487"),  # "." separates thousands here
        ("-1234.5", ".", "", "-1234.5"),
        ("12.50-", ".", ",", "-12.50"),
    ],
)
def test_numbers_examples(text: str, mark: str, thousands: str, value: str) -> None:
    assert repr(Numbers(mark, thousands)(text)) == repr(Decimal(value))


def test_dates_remember_and_fail_as_parse_date() -> None:
    dates = Dates(("%m/%d/%Y", "%m/%d/%y"))
    assert dates("03/04/2025") == dates("3/4/25") == datetime.date(2025, 3, 4)
    with pytest.raises(ValueError) as caught:
        dates("02/30/2025")
    with pytest.raises(ValueError) as expected:
        parse_date("02/30/2025", ("%m/%d/%Y", "%m/%d/%y"))
    assert str(caught.value) == str(expected.value)


BOTH_WAYS = ("%d/%m/%Y", "%m/%d/%Y")


def read_all(formats: tuple[str, ...], texts: list[str]) -> list[object]:
    dates = Dates(formats)
    found: list[object] = []
    for text in texts:
        try:
            found.append(dates(text))
        except ValueError as error:
            found.append(str(error))
    return found


def test_a_file_writes_its_dates_one_way() -> None:
    day = datetime.date
    # 04/13 settles month first: 04/01 after it is April 1, not January 4.
    assert read_all(BOTH_WAYS, ["04/13/2025", "04/01/2025"]) == [
        day(2025, 4, 13),
        day(2025, 4, 1),
    ]
    # 04/01 first is read day first (the first format), until 04/13 shows it was misread.
    first, error = read_all(BOTH_WAYS, ["04/01/2025", "04/13/2025"])
    assert first == day(2025, 1, 4)
    assert str(error).startswith(
        "'04/13/2025' reads only with %m/%d/%Y, but '04/01/2025' earlier in the file was "
        "read as 2025-01-04, another way"
    )
    # Dates in both orders only: one of them is wrong.
    assert "it writes dates in two orders" in str(
        read_all(BOTH_WAYS, ["13/04/2025", "04/13/2025"])[1]
    )
    # A date that reads the same both ways settles nothing, and misleads nothing.
    assert read_all(BOTH_WAYS, ["04/04/2025", "13/04/2025", "01/05/2025"]) == [
        day(2025, 4, 4),
        day(2025, 4, 13),
        day(2025, 5, 1),
    ]
    # A month by name competes with nothing.
    assert read_all(("%d %b %Y", "%b %d %Y"), ["01 Apr 2025", "Apr 02 2025"]) == [
        day(2025, 4, 1),
        day(2025, 4, 2),
    ]
    # Formats that do not compete (one order, or another shape) are read as before.
    assert read_all(("%m/%d/%Y", "%Y-%m-%d"), ["04/01/2025", "2025-04-13"]) == [
        day(2025, 4, 1),
        day(2025, 4, 13),
    ]


@pytest.mark.parametrize(("mark", "thousands"), MARKS)
@given(
    text=st.from_regex(r"\(?-?[$€]?\d{1,3}([,.' ]\d{2,4}){0,6}([.,]\d{0,12})?\)?", fullmatch=True)
)
def test_long_shapes_read_as_parse_decimal_twice(mark: str, thousands: str, text: str) -> None:
    """The fast shapes near their limits (16 digits, 11 places, a group of two or four)
    read as parse_decimal reads them, and again the same from what was remembered."""
    numbers = Numbers(mark, thousands)
    expected = outcome(lambda t: parse_decimal(t, mark, thousands), text)
    assert outcome(numbers, text) == expected
    assert outcome(numbers, text) == expected


def test_numbers_remember_a_bounded_number_of_texts() -> None:
    numbers = Numbers()
    for cents in range(REMEMBERED + 10):
        assert numbers(f"${cents // 100:,}.{cents % 100:02d}") == Decimal(cents) / 100
    assert len(numbers._seen) <= REMEMBERED


@pytest.mark.parametrize(
    ("formats", "missing"),
    [
        (("%m/%d",), "year"),  # a card statement's `12/30`: read as 1900-12-30
        (("%m/%d/%Y", "%d.%m."), "year"),
        (("%m/%Y",), "day"),  # `03/2025`: read as the 1st of March
        (("%d/%Y",), "month"),  # `04/2025`: read as January 4
    ],
)
def test_a_date_format_without_year_month_or_day_is_refused(
    formats: tuple[str, ...], missing: str
) -> None:
    # strptime fills in a part the format lacks (the year 1900, the 1st, January): every
    # date would be booked on a day the file does not say, with no word.
    with pytest.raises(ValueError, match=f"has no {missing}"):
        Dates(formats)
    from beancount_factoring.importers.bank import BankCsvImporter
    from beancount_factoring.importers.invoices import InvoiceImporter
    from beancount_factoring.importers.profiles import Profile

    with pytest.raises(ValueError, match=f"has no {missing}"):
        BankCsvImporter("Assets:Bank:Checking", date_format=formats)
    with pytest.raises(ValueError, match=f"has no {missing}"):
        InvoiceImporter("Assets:Receivable", date_format=formats)
    with pytest.raises(ValueError, match=f"has no {missing}"):
        Profile.generic(
            "purchase", {"invoice": "Invoice", "date": "Date", "face": "Face"}, date_format=formats
        )


@pytest.mark.parametrize("fmt", ["%-m/%-d/%Y", "%e.%m.%Y", "%Y-%m-%d %Q"])
def test_a_date_format_strptime_cannot_read_is_refused(fmt: str) -> None:
    # strftime's `%-d` and `%e` (glibc) are no strptime directives: strptime refuses the
    # format, so every row of every file would be "not a date in the format", the file
    # blamed. Refused when the importer is made, saying what to write instead.
    with pytest.raises(ValueError, match="strptime cannot read") as caught:
        Dates((fmt,))
    assert "%d and %m read 5 and 05 alike" in str(caught.value)


def test_a_profile_given_one_date_format_as_text_takes_it_whole() -> None:
    # `date_formats="%d.%m.%Y"` (or `("%d.%m.%Y")`, a tuple's comma forgotten) is one
    # format, as `date_format` of Profile.generic and the other importers take it; not
    # its characters, the first of which ('%') "has no year".
    from beancount_factoring.importers.profiles import Profile

    columns = {"invoice": "Invoice", "date": "Date", "face": "Face"}
    profile = Profile("mine", "purchase", "Mine Capital", columns, date_formats="%d.%m.%Y")  # type: ignore[arg-type]
    assert profile.date_formats == ("%d.%m.%Y",)


def test_the_shipped_profiles_and_usual_formats_are_accepted() -> None:
    # No false alarm: the usual ways a file writes a date, given alone or several.
    from beancount_factoring.importers.base import check_date_format
    from beancount_factoring.importers.profiles import SHIPPED

    usual = [
        ("%d.%m.%Y", "31.12.2025"),
        ("%Y%m%d", "20251231"),
        ("%b %d, %Y", "Dec 31, 2025"),
        ("%d-%b-%y", "31-Dec-25"),
        ("%m/%d/%y %H:%M", "12/31/25 13:05"),
        ("%Y-%m-%dT%H:%M:%S%z", "2025-12-31T13:05:07+0000"),
        ("%Y-%m-%d %Z", "2025-12-31 UTC"),
        ("%m/%d/%Y %I:%M %p", "12/31/2025 01:05 PM"),
    ]
    for fmt, text in usual:
        assert Dates((fmt,))(text) == datetime.date(2025, 12, 31)
    assert Dates(tuple(fmt for fmt, _ in usual))("31-Dec-25") == datetime.date(2025, 12, 31)
    for shipped in SHIPPED.values():
        for profile in shipped:
            for fmt in profile.date_formats:
                check_date_format(fmt)
            assert Dates(profile.date_formats)


def test_dates_of_every_part_are_read() -> None:
    # A day of the year, a month by name, a two-digit year and a time are whole dates.
    assert Dates(("%Y-%j",))("2025-060") == datetime.date(2025, 3, 1)
    assert Dates(("%d %B %y",))("01 March 25") == datetime.date(2025, 3, 1)
    assert Dates(("%m/%d/%Y %H:%M",))("03/01/2025 23:59") == datetime.date(2025, 3, 1)
    assert Dates(("%x",))("03/01/25") == datetime.date(2025, 3, 1)  # the C locale's date
    assert Dates(("%G-W%V-%u",))("2025-W09-6") == datetime.date(2025, 3, 1)


def test_an_excel_date_serial_in_a_csv_is_named_as_one() -> None:
    # 45717 is 2025-03-01 counted from 1900 (2029-03-02 from 1904): which, a CSV cannot
    # say, so it is not read; the error says what the number is and how to save the file.
    with pytest.raises(ValueError) as caught:
        Dates(("%m/%d/%Y",))("45717")
    message = str(caught.value)
    assert "'45717' is not a date in the format %m/%d/%Y" in message
    assert "an Excel date serial (2025-03-01" in message
    assert "format the column as dates" in message
    # A date and time saved as a number: the day's serial and the time as its fraction.
    with pytest.raises(ValueError, match=r"an Excel date serial \(2025-03-01"):
        Dates(("%m/%d/%Y %H:%M",))("45717.5")
    # A number that is no serial of these years says nothing of Excel.
    with pytest.raises(ValueError) as caught:
        Dates(("%m/%d/%Y",))("12")
    assert "Excel" not in str(caught.value)
