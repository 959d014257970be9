"""What every importer of the suite shares: errors that name the place, row ids, dedupe.

Each imported entry carries a stable id in its metadata (`import-id`), made from the
row's content rather than its position, so a statement downloaded again with more rows
still matches what an earlier import produced:

    2025-03-04 * "Lakeshore Funding" "ACH deposit"
      import-id: "bank-3f2a9c81d0e4"
      Assets:Bank:Checking        3,303.62 USD
      Assets:Factoring:Lakeshore:Clearing

`deduplicate()` marks a new entry as a duplicate when an entry with the same id is
already in the ledger. That survives the plugin's rewriting of the entry (the default
similarity matcher of beangulp does not: the split entry no longer looks like the bank
line) and costs one set lookup per entry instead of a comparison with every entry.
A statement's importer also marks, as a probable duplicate, a line the ledger holds
without its id (typed by hand, or imported from another file of the account): the same
amount on the same account within two working days (`dedup.py`).

It also holds what every importer reads cells with: `parse_decimal` and `parse_date`,
and `Numbers` and `Dates`, which read one file's amounts and dates through a fast path
or a memory before asking them; and `no_gc_pauses`, held during every extract.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import beangulp
from beancount.core import data
from beancount.core.amount import Amount
from beangulp import exceptions

from beancount_factoring.errors import IMPORTER_CODES
from beancount_factoring.importers import dedup
from beancount_factoring.terms.fees import THOUSANDTHS, WHOLE

ID_KEY = "import-id"


class ImportFailure(exceptions.Error):
    """Malformed input: names the file, line and column, gives a code, says how to fix it.

    The text is the place, then the code (one of `IMPORTER_CODES`), then the message:
    `checking.csv:12, column 'Amount': FCT207 'x' is not an amount`. Raising it from
    `extract()` makes beangulp report the file as failed and write nothing for it, which
    is what "nothing partial" needs.
    """

    def __init__(
        self,
        filename: str,
        line: int | None,
        message: str,
        column: str | int | None = None,
        *,
        code: str,
    ) -> None:
        assert code in IMPORTER_CODES, code
        place = filename
        if line is not None:
            place += f":{line}"
        if column is not None:
            place += f", column {column!r}" if isinstance(column, str) else f":{column}"
        super().__init__(f"{place}: {code} {message}")
        self.filename = filename
        self.line = line
        self.column = column
        self.code = code
        self.detail = message


def row_id(prefix: str, *parts: object) -> str:
    """A stable id from the row's content: the same row gives the same id in any file."""
    text = "\x1f".join(map(str, parts))
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


class RowIds:
    """Ids for the rows of one file; identical rows get #2, #3 so none collide."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: dict[str, int] = {}

    def __call__(self, *parts: object) -> str:
        base = row_id(self.prefix, *parts)
        count = self.seen.get(base, 0) + 1
        self.seen[base] = count
        return base if count == 1 else f"{base}-{count}"


# A currency a cell may show before or after its number.
_CURRENCY = r"(?:[$\u20ac\u00a3]|USD|EUR|CAD|GBP)"
_MARKER = re.compile(_CURRENCY)
# The currencies the euro and pound signs stand for; `$` stands for any other (the
# dollars and the pesos of many countries): a `$` in a file of euros, or a `€` in a file
# of dollars, is another currency.
_SIGN_CURRENCIES = {
    "\u20ac": frozenset(("EUR",)),
    "\u00a3": frozenset(("GBP", "GIP", "FKP", "SHP", "EGP")),
}
_NOT_DOLLARS = frozenset().union(*_SIGN_CURRENCIES.values())
# Spaces that group digits (`4 960,00`), whatever the thousands mark.
# (A space, a no-break space, a narrow one, a thin one, a figure space.)
_SPACES = " \u00a0\u202f\u2009\u2007"
_SIGNS = "-+\u2212"
CENT = Decimal("0.01")
# Money is read with cents: `1.890` (three digits after the mark, none grouped before
# it) is more likely 1,890 written with the other thousands mark than 1.89. The
# currencies whose cents are thousandths (THOUSANDTHS) write it so by right.
# The most digits an amount may have before and after its decimal point: a cell beyond
# them is not money, and sums and roundings of it would exceed Decimal's 28 significant
# digits (a schedule that does not balance, a rounding that raises, a number Beancount
# refuses to read back).
AMOUNT_DIGITS = 15
AMOUNT_PLACES = 10
# The longest plain number `Numbers` reads without parse_decimal.
FAST = AMOUNT_PLACES + 1
# How many distinct dates a `Dates` remembers before it starts again.
REMEMBERED = 4096


def other_mark(decimal_mark: str) -> str:
    """The thousands mark that goes with a decimal mark: `1,234.56`, `1.234,56`."""
    return "." if decimal_mark == "," else ","


@functools.lru_cache(maxsize=64)
def number_pattern(decimal_mark: str, thousands: str) -> re.Pattern[str]:
    """What an amount may look like with these marks; the groups say what it holds.

    One sign (`-12.50`, `+12.50`, `12.50-`) or brackets (`(12.50)`), never both nor two;
    a currency before or after, or before the brackets (`$ (12.50)`, Excel's accounting
    format); digits grouped in threes by the thousands mark (or by
    spaces), or not grouped; at most one decimal mark, after the groups.
    """
    mark = re.escape(decimal_mark)
    marks = re.escape("".join(dict.fromkeys(thousands + _SPACES)))

    def number(p: str) -> str:  # `p` tells the groups in brackets from the others
        # (A first group that starts with 0 groups no thousands: `0,500` is no 500.)
        grouped = rf"(?!0)\d{{1,3}}(?P<{p}sep>[{marks}])\d{{3}}(?:(?P={p}sep)\d{{3}})*"
        whole = rf"(?P<{p}whole>{grouped}|\d+)(?:{mark}(?P<{p}part>\d*))?"
        return rf"(?:{whole}|{mark}(?P<{p}only>\d+))"

    cur = rf"(?:{_CURRENCY}\s*)?"
    sign = f"[{_SIGNS}]"
    return re.compile(
        rf"(?:(?:{_CURRENCY}\s*\(\s*|\(\s*{cur})(?P<bracketed>{number('b_')})\s*(?:{_CURRENCY})?\s*\)"
        rf"|(?P<lead>{sign})?\s*{cur}(?P<inner>{sign})?\s*{number('')}\s*"
        rf"(?:{_CURRENCY})?\s*(?P<trail>-)?)"
    )


@functools.lru_cache(maxsize=64)
def fast_pattern(decimal_mark: str, thousands: str) -> re.Pattern[str]:
    """The usual shapes of an amount, a subset of what `number_pattern` takes: a minus,
    a currency sign, digits grouped in threes by the thousands mark (at most
    AMOUNT_DIGITS in all) or not grouped, and after the decimal mark 1 to AMOUNT_PLACES
    digits. Groups: the minus, the whole digits, the decimal digits."""
    mark = re.escape(decimal_mark)
    most = AMOUNT_DIGITS
    plain = rf"\d{{1,{most}}}"
    if thousands:
        group = re.escape(thousands)
        plain = rf"(?!0)\d{{1,3}}(?:{group}\d{{3}}){{1,{most // 3 - 1}}}|{plain}"
    return re.compile(rf"(-)?[$\u20ac\u00a3]?({plain})(?:{mark}(\d{{1,{AMOUNT_PLACES}}}))?")


def parse_decimal(
    text: str,
    decimal_mark: str = ".",
    thousands: str = ",",
) -> Decimal:
    """A money amount as written in exports: `$1,234.50`, `(500.00)`, `1.234,50`, `-12`.

    The number must fit the marks (see `number_pattern`): with the default marks
    `600,00` is not 60000 nor 600, it is an error, as are `-5-`, `(-5)` and `1,,,2`.
    Raises ValueError with a message fit for the user.
    """
    raw, text = text, text.strip()
    # No amount is longer (and the pattern's spaces are then quick to try).
    found = number_pattern(decimal_mark, thousands).fullmatch(text) if len(text) <= 64 else None
    if found is None:
        raise ValueError(f"{_shown(raw)} is not an amount{_why(text, decimal_mark, thousands)}")
    # The groups by position (see number_pattern): quicker than by name.
    (bracketed, b_whole, b_sep, b_part, b_only, lead, inner, whole, sep, part, only, trail) = (
        found.groups()
    )
    if bracketed is not None:
        whole, sep, part, only = b_whole, b_sep, b_part, b_only
    elif (lead is not None) + (inner is not None) + (trail is not None) > 1:
        raise ValueError(f"{_shown(raw)} is not an amount{_why(text, decimal_mark, thousands)}")
    elif trail is not None and part == "":
        # `50,-` is a whole 50.00 in German and Swiss writing, not a trailing minus.
        raise ValueError(
            f"{_shown(raw)} may be a whole amount (50{decimal_mark}- for 50{decimal_mark}00) "
            f"or a negative one: write its cents (50{decimal_mark}00, or 50{decimal_mark}00- "
            "if it is negative)"
        )
    if whole is None:
        value = "." + only
    else:
        if sep:
            whole = whole.replace(sep, "")
        value = whole if part is None else f"{whole}.{part}"
    if (lead or inner) in ("-", "\u2212"):
        value = "-" + value  # (as Decimal reads it: -0.00 keeps its sign)
    number = bounded(Decimal(value), raw)
    return -number if bracketed is not None or trail else number


@functools.lru_cache(maxsize=8)
def _three_places(decimal_mark: str) -> re.Pattern[str]:
    """An amount of at most three digits, the decimal mark and three digits: `-1.890`."""
    return re.compile(rf"[^\d]*\d{{1,3}}{re.escape(decimal_mark)}\d{{3}}[^\d]*")


# The first digits of a cell start a group of a thousands mark (`1.890`, not `0.500`).
_GROUPED_THOUSANDS = re.compile(r"^[^\d]*[1-9]")


def ambiguous(text: str, decimal_mark: str, thousands: str) -> bool:
    """True if a cell of money may mean a thousands mark as well as a decimal mark:
    three digits after the mark, at most three before it, and no grouping elsewhere
    (`1.890`; not `1,234.567`, not `1234.567`, not `1.89`)."""
    return (not thousands or thousands not in text) and bool(
        _three_places(decimal_mark).fullmatch(text)
    )


def other_currency(text: str, currency: str) -> str | None:
    """The sign or code of another currency than ``currency`` that a cell shows, if any:
    `-871.42 GBP` or `€1,640.00` in a file of US dollars."""
    for marker in _MARKER.findall(text):
        if marker == "$":
            fits = currency not in _NOT_DOLLARS
        elif marker in _SIGN_CURRENCIES:
            fits = currency in _SIGN_CURRENCIES[marker]
        else:
            fits = marker == currency
        if not fits:
            return marker
    return None


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:37] + "...")


# A credit or debit marker after an amount: `$50.00 CR`, `2180.00 DR`, `151.25 Cr.`.
_CREDIT_DEBIT = re.compile(r"\d\s*(?:CR|DR)\.?$", re.IGNORECASE)


# A number in scientific notation, as Excel writes one too wide for its column: `1.2E+3`.
_EXPONENT = re.compile(r"[-+\u2212]?\d+(?:[.,]\d*)?[eE][-+]?\d+")
# The first digits of a cell, when they start with 0, and the character after them.
_ZERO_GROUP = re.compile(r"[^\d]*0\d*(\D)")


def _why(text: str, decimal_mark: str, thousands: str) -> str:
    """Why a cell that looks like a number is not one with these marks."""
    if _EXPONENT.fullmatch(text):
        return (
            ": it is written in scientific notation, as Excel shows a number too wide for "
            "its column, and the digits it does not show are lost; in the workbook, format "
            "the column as numbers with their decimals and save the file again"
        )
    signs = sum(text.count(sign) for sign in _SIGNS) + ("(" in text)
    if signs > 1:
        return (
            ": it has more than one sign (a minus or plus, a trailing minus, brackets); "
            "an amount has one"
        )
    if _CREDIT_DEBIT.search(text):
        # Which of them is money in depends on whose books the file speaks from (the
        # bank's, the factor's, a card issuer's): asked, not guessed.
        return (
            ": a CR or DR after the number is not read (which is money in depends on whose "
            "books the file is written from); write the amounts signed, with a minus or in "
            "brackets for money out of the account (or the reserve), or export the file "
            "with signed amounts"
        )
    zero = _ZERO_GROUP.match(text)
    if zero is not None and zero[1] in thousands + _SPACES:
        return (
            f": it starts with 0 before the thousands mark {zero[1]!r}, and no amount groups "
            "its thousands so (it may be a decimal written with another decimal mark); "
            "correct the cell, or set decimal_mark and thousands if every amount is written "
            "this way"
        )
    digits = text.strip(_SIGNS + "()$\u20ac\u00a3" + _SPACES)
    if not digits or not re.fullmatch(rf"[\d.,'{_SPACES}]+", digits):
        return ""
    if thousands:
        marks = f"decimal mark {decimal_mark!r} and the thousands mark {thousands!r}"
    else:
        marks = f"decimal mark {decimal_mark!r} and no thousands mark"
    return (
        f": it does not fit the {marks} (groups of three digits after a thousands mark, "
        "at most one decimal mark, after them); correct the cell, or set decimal_mark and "
        "thousands if every amount is written this way"
    )


def both_sides(debit: object, credit: object) -> str:
    """The error of a statement's row that fills its debit and its credit column: it moves
    money one way, and netted, a release and a fee on one line (or a shifted column) would
    be booked as one amount of their difference."""
    out, into = (str(value).strip() for value in (debit, credit))
    return (
        f"the row has both a debit ({out!r}) and a credit ({into!r}): "
        "a row moves money one way, and which of them is meant (or whether they are two "
        "movements on one line) cannot be told; correct the row, or write it as two rows"
    )


class ColumnSigns:
    """The sign a statement's debit and credit columns write their amounts with.

    The column says which way a line's money goes; its sign is the bank's way of writing
    it: Citi's card export writes every payment negative under Credit, a German bank every
    withdrawal negative under Soll, and either way the amount goes the column's way. A
    column that writes both signs (a credit of -50.00 beside credits of 1,200.00) says
    nothing of its negative line: a reversal, money the other way, or the bank's way with
    that line alone? Read either way it may be the wrong way in silence, so it is
    refused (FCT211), at its negative cell. A zero has no sign.
    """

    __slots__ = ("first",)

    def __init__(self) -> None:
        # Per column: its first cell of each sign, (line, text, number) by whether it is
        # negative.
        self.first: dict[str, dict[bool, tuple[int, str, Decimal]]] = {}

    def __call__(
        self, column: str, other: str, into: bool, line: int, text: str, number: Decimal
    ) -> tuple[int, str] | None:
        """(line, message) of FCT211 once `column` has written both signs, else None.
        `other` is the column of the other way, `into` whether `column` is money in."""
        if not number:
            return None
        seen = self.first.setdefault(column, {})
        seen.setdefault(number < 0, (line, text, number))
        if len(seen) < 2:
            return None
        (line, minus, number), (plus_line, plus, _) = seen[True], seen[False]
        other_way, own_way = ("took money out", "brought money in")[:: 1 if into else -1]
        return line, (
            f"{minus!r} is negative under {column!r}, where line {plus_line} writes "
            f"{plus!r}: the column writes both signs, and whether this line went the other "
            "way (a reversal, a refund) or the column's way cannot be told; write it "
            f"under {other!r} as {-number} if it {other_way}, or as {-number} under "
            f"{column!r} if it {own_way}"
        )


def bounded(number: Decimal, raw: object, places: bool = True) -> Decimal:
    """The number, if it can be an amount: finite, at most AMOUNT_DIGITS digits before its
    decimal point and (with `places`) AMOUNT_PLACES after it; ValueError otherwise (found
    by fuzzing). A workbook's number is rounded to cents instead: no `places` for it."""
    shown = raw if not isinstance(raw, str) or len(raw) <= 40 else raw[:37] + "..."
    if not number.is_finite() or number.adjusted() >= AMOUNT_DIGITS:
        raise ValueError(
            f"{shown!r} is not an amount: more than {AMOUNT_DIGITS} digits before the "
            "decimal point"
        )
    exponent = number.as_tuple().exponent
    if places and isinstance(exponent, int) and exponent < -AMOUNT_PLACES:
        raise ValueError(
            f"{shown!r} is not an amount: more than {AMOUNT_PLACES} digits after the decimal point"
        )
    return number


# A statement's balance is asserted on the day after its date, and Python's dates end on
# 9999-12-31: a later day cannot be written, so that is no date of a statement.
LAST_DAY = date(9999, 12, 30)


def within_dates(day: date, raw: object) -> date:
    """The day, if a balance can be dated the day after it; ValueError otherwise."""
    if day > LAST_DAY:
        raise ValueError(
            f"{raw!r} is past {LAST_DAY}, the last date an importer reads (a balance is "
            "dated the day after): correct the date"
        )
    return day


# The directives that give each part of a date; strptime fills in a part a format lacks
# (the year 1900, January, the 1st), so such a format books a day the file does not say.
DATE_PARTS = (
    ("year", frozenset("YyG"), "the year 1900"),
    ("month", frozenset("mbBjUWV"), "January"),
    ("day", frozenset("djuwaA"), "the 1st"),
)


# A date and time of every part a format may name (a time zone too: %z, %Z).
_SAMPLE = datetime(2025, 12, 31, 13, 5, 7, tzinfo=UTC)


def check_date_format(fmt: str) -> None:
    """ValueError if the strptime format `fmt` lacks a year, a month or a day."""
    directives = set(re.findall(r"%-?([A-Za-z])", fmt.replace("%%", "")))
    if directives & {"x", "c"}:
        return  # the locale's whole date (and time)
    try:
        # A format that cannot read the date it writes (strftime's %-d and %e are no
        # strptime directives) would call every row of every file no date.
        datetime.strptime(_SAMPLE.strftime(fmt), fmt)
    except ValueError as exc:
        raise ValueError(
            f"strptime cannot read dates in the format {fmt!r} ({exc}): write it with "
            "strptime's directives; %d and %m read 5 and 05 alike (no %-d, %-m or %e)"
        ) from None
    for part, letters, filled_in in DATE_PARTS:
        if not directives & letters:
            raise ValueError(
                f"the date format {fmt!r} has no {part}: every date would be read as of "
                f"{filled_in}, which the file does not say. Give a format with the {part} "
                "(%Y or %y, %m or %b, %d), and book a file whose dates have none by hand"
            )


# Excel's date serials of the years 1927 to 2064 (10000 to 59999), as a CSV saved from a
# workbook shows a date column formatted as numbers (a date and time: its fraction too).
_SERIAL = re.compile(r"([1-5]\d{4})(?:\.\d+)?")


def _serial_hint(value: str) -> str:
    """What a CSV's date that is an Excel date serial is, and how to save it as a date;
    "" for any other text. (Not read: counted from 1904, the same number is four years
    and a day later, and the CSV does not say which.)"""
    serial = _SERIAL.fullmatch(value)
    if serial is None:
        return ""
    day = date(1899, 12, 30).toordinal() + int(serial[1])
    return (
        f": it looks like an Excel date serial ({date.fromordinal(day)} in a workbook of dates "
        f"from 1900, {date.fromordinal(day + 1462)} from 1904). In the workbook, format the "
        "column as dates and save the CSV again"
    )


def parse_date(text: str, formats: Sequence[str]) -> date:
    """The first of `formats` that reads `text`; ValueError naming the formats otherwise."""
    value = text.strip()
    if not value:
        raise ValueError(
            "the date is empty: every line needs its date. A line of balances or totals "
            "(an ending balance below the lines) is no transaction: delete it from the file"
        )
    for fmt in formats:
        try:
            day = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return within_dates(day, text)
    shown = " or ".join(formats)
    hint = _serial_hint(value)
    if hint:
        raise ValueError(f"{text!r} is not a date in the format {shown}{hint}")
    raise ValueError(
        f"{text!r} is not a date in the format {shown}; correct it, or give the importer the "
        "format the file writes dates in"
    )


# Zero as Excel's accounting format shows it, saved to CSV: a dash, with the currency's
# sign or code or not (`$ -`, `-`, `–`). Not read by `Numbers` (a dash is no amount in a
# bank statement's line); the factor reports and invoice exports read it where a zero
# may stand.
DASH_ZERO = re.compile(r"(?:[$€£]|[A-Z]{3})?\s*[-\u2013\u2014]\s*(?:[$€£]|[A-Z]{3})?")


class Numbers:
    """Amounts as one file writes them, read as `parse_decimal` reads them, only faster.

    Nearly every cell is a plain or grouped number, signed or in brackets, perhaps after
    a currency sign (`-1234.50`, `$2,150.00`, `($50.00)`, `1.234,56`). A plain number is
    read by Decimal itself; the usual shapes by one regular expression (`fast_pattern`),
    which takes only what `parse_decimal` takes and gives what it gives (the grouping
    checked as it checks it: `600,00` is not one of them); anything else goes to
    `parse_decimal`, which also words the error. Each distinct text is read once: a
    report repeats its rates, fees and reserves on many rows (at most REMEMBERED texts are
    kept, then it starts again). `thousands=None` is the other of `,` and `.`.
    """

    __slots__ = ("_match", "_seen", "currency", "decimal_mark", "money", "thousands")

    def __init__(
        self,
        decimal_mark: str = ".",
        thousands: str | None = ",",
        currency: str | None = None,
        money: bool = False,
    ) -> None:
        # With ``money``, a cell that may mean thousands as well as cents is an error
        # (``ambiguous``): `1.890` is read neither as 1.89 nor as 1890.
        self.money = money
        # With ``currency``, a cell marked with another currency's sign or code is an
        # error: booked as this one, `1,890.00 EUR` would be 1,890.00 USD without a word.
        self.currency = currency
        self.decimal_mark = decimal_mark
        self.thousands = other_mark(decimal_mark) if thousands is None else thousands
        if self.thousands == decimal_mark:
            raise ValueError(f"the decimal mark and the thousands mark are both {decimal_mark!r}")
        self._match = fast_pattern(decimal_mark, self.thousands).fullmatch
        self._seen: dict[str, Decimal] = {}

    def __call__(self, text: str) -> Decimal:
        """The amount a stripped cell holds; ValueError with a message fit for the user.

        (`read` is the same, and is quicker to call in a loop than the instance.)
        """
        number = self._seen.get(text)
        if number is not None:
            return number
        mark = self.decimal_mark
        first = text[:1]
        plain = False
        # A plain number, `-1234.50` (or `-1234,50`), is what Decimal reads as
        # parse_decimal would. At most FAST characters: no more digits than an amount
        # may have on either side of its mark.
        if len(text) <= FAST and first != "$" and first != "(":
            digits = text[1:] if first == "-" else text
            if digits.replace(mark, "", 1).isdecimal():
                number = Decimal(text if mark == "." else text.replace(mark, "."))
                plain = True
        if number is None:
            # The usual shapes, `$2,150.00`, `($50.00)`, `-1,234.56`: one match (no
            # minus inside brackets); parse_decimal reads anything else, or says why not.
            bracket = first == "(" and text[-1:] == ")"
            found = self._match(text, 1, len(text) - 1) if bracket else self._match(text)
            if found is not None and not (bracket and found[1]):
                minus, whole, part = found.groups()
                group = self.thousands
                if group and group in whole:
                    whole = whole.replace(group, "")
                value = f"{whole}.{part}" if part else whole
                number = Decimal(f"-{value}" if minus else value)
                if bracket:
                    number = -number
            else:
                number = parse_decimal(text, mark, self.thousands)
            currency = self.currency
            if currency is not None and (marker := other_currency(text, currency)):
                raise ValueError(
                    f"{_shown(text)} is marked {marker}, but the amounts of this file are "
                    f"in {currency}: correct the cell, or import amounts in another "
                    "currency with an importer of that currency"
                )
        # (A plain number is ambiguous only with three digits after its mark: the
        # pattern's search is left to those, every cell of a file of cents skips it.)
        if (
            self.money
            and (not plain or text[-4:-3] == mark)
            and ambiguous(text, mark, self.thousands)
        ):
            number = self._three_places(text, number)
        seen = self._seen
        if len(seen) >= REMEMBERED:
            seen.clear()
        seen[text] = number
        return number

    read = __call__

    def _three_places(self, text: str, number: Decimal) -> Decimal:
        """The amount of a cell of money that may mean thousands as well as a decimal
        (``ambiguous``): what the file's currency says it is, or a ValueError."""
        currency = self.currency
        if currency in THOUSANDTHS:
            # Three places are the fils of a dinar: the decimal it reads.
            return number
        if currency in WHOLE and _GROUPED_THOUSANDS.search(text):
            # A yen has no fraction: `1.890` can only be 1,890 with the other mark.
            return number.scaleb(3)
        mark = self.decimal_mark
        raise ValueError(
            f"{_shown(text)} has three digits after the decimal mark {mark!r}: is it "
            "thousands or cents? Write the cents (1,890.00 or 1.89), or set the "
            "importer's decimal_mark and thousands as the file writes them"
        )


class Dates:
    """Dates in a file's formats, read as `parse_date` reads them; each text once.

    A statement or a report repeats each date on many rows, and `strptime` is slow.

    Formats that write the same fields in another order (`%d/%m/%Y` and `%m/%d/%Y`)
    compete: a file writes its dates one way. `04/01/2025` reads both ways and is read
    the first format's way until a date that reads only one way (`04/13/2025`) settles
    the file's order; a later `04/01/2025` is then read that way. If the order it settles
    is not the one an earlier date was read in, that date was misread: a ValueError says
    so (the formats cannot tell the file's order from its first dates; give the one it
    writes). So does a file whose dates read in both orders only (`13/04` and `04/13`).
    """

    __slots__ = ("_groups", "_seen", "formats")

    def __init__(self, formats: Sequence[str]) -> None:
        self.formats = tuple(formats)
        for fmt in self.formats:
            check_date_format(fmt)
        self._seen: dict[str, date] = {}
        # The groups of competing formats (two or more, same shape, other orders), each
        # with the orders still possible and the texts read while it was not settled.
        self._groups = [_Competing(group) for group in _competing(self.formats)]

    def __call__(self, text: str) -> date:
        """The date a stripped cell holds; ValueError naming the formats otherwise."""
        day = self._seen.get(text)
        if day is None:
            day = parse_date(text, self._order(text))
            if len(self._seen) >= REMEMBERED:
                self._seen.clear()
            self._seen[text] = day
        return day

    read = __call__

    def _order(self, text: str) -> tuple[str, ...]:
        """The formats to read `text` with, the settled order's first; ValueError if it
        shows the file's dates in two orders."""
        formats = self.formats
        for group in self._groups:
            formats = group.narrow(text, formats)
        return formats


def _fields(fmt: str) -> tuple[str, str]:
    """A date format's shape (its numeric day and month as one field) and its order of
    the two. (A month by name, `%b`, is never read as a day: it competes with nothing.)"""
    return re.sub(r"%[dm]", "%x", fmt), "".join(re.findall(r"%([dm])", fmt))


def _competing(formats: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The groups of formats of one shape in more than one order."""
    shapes: dict[str, list[str]] = {}
    for fmt in formats:
        shapes.setdefault(_fields(fmt)[0], []).append(fmt)
    return [tuple(group) for group in shapes.values() if len({_fields(f)[1] for f in group}) > 1]


class _Competing:
    """Formats of one shape in other orders: which orders the file's dates allow."""

    __slots__ = ("formats", "orders", "read")

    def __init__(self, formats: tuple[str, ...]) -> None:
        self.formats = formats
        self.orders = {_fields(fmt)[1] for fmt in formats}
        # Texts read in more than one way while the order was open: the date each was
        # read as, and its reading in each order.
        self.read: dict[str, tuple[date, dict[str, date]]] = {}

    def narrow(self, text: str, formats: tuple[str, ...]) -> tuple[str, ...]:
        """`formats` without this group's formats of the orders the file's dates rule out;
        ValueError if `text` rules out every order, or the order an earlier date was read
        in."""
        readings: dict[str, date] = {}
        for fmt in self.formats:
            try:
                readings.setdefault(_fields(fmt)[1], datetime.strptime(text, fmt).date())
            except ValueError:
                continue
        if not readings:
            return formats  # not of this shape
        allowed = self.orders & set(readings)
        if not allowed:
            raise ValueError(
                f"{text!r} reads only with {self._named(set(readings))}, but the file's "
                f"earlier dates only with {self._named(self.orders)}: it writes dates in two "
                "orders; correct this date, or give the importer the one format it uses"
            )
        if allowed != self.orders:
            for earlier, (day, ways) in self.read.items():
                if not any(ways.get(order) == day for order in allowed):
                    raise ValueError(
                        f"{text!r} reads only with {self._named(allowed)}, but {earlier!r} "
                        f"earlier in the file was read as {day}, another way: the formats "
                        "cannot tell which way the file writes its dates from its first "
                        "ones; give the importer the one format it uses"
                    )
            self.orders = allowed
            if len(allowed) == 1:
                self.read.clear()
        kept = tuple(f for f in formats if f not in self.formats or _fields(f)[1] in allowed)
        if len({readings[order] for order in allowed}) > 1:
            # Read the way of the first format that reads it, until a date settles it.
            first = next(f for f in kept if f in self.formats and _fields(f)[1] in readings)
            self.read[text] = (readings[_fields(first)[1]], dict(readings))
        return kept

    def _named(self, orders: set[str]) -> str:
        return " or ".join(f for f in self.formats if _fields(f)[1] in orders)


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a file's entries are built.

    A large file makes hundreds of thousands of small objects, none in a cycle; the
    collector would walk all of them again and again as they accumulate (a third of the
    time on 100k rows). Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def existing_ids(entries: Iterable[Any]) -> set[str]:
    """The import ids already in a ledger (one pass)."""
    ids = set()
    for entry in entries:
        meta = entry.meta
        if meta is not None:
            value = meta.get(ID_KEY)
            if value is not None:
                ids.add(value)
    return ids


def mark_duplicates(
    entries: list[Any], existing: Sequence[Any], similar: bool = False, content_ids: bool = False
) -> int:
    """Mark entries whose id is already in `existing` the way beangulp does.

    With `similar`, also a balance assertion already in the ledger (same day, account and
    amount), and, as a probable duplicate, a transaction of the same amount on the same
    account within two working days (`dedup.py`). Returns the existing entries compared by that
    rule (0 without it). `content_ids`: the ids are made of each line's content, never
    given by the bank, so the booked entry of an id is that line, whatever was edited.
    """
    known: dict[str, Any] = {}
    # The entries of an id the ledger holds more than once (a line split by hand into
    # two entries that kept its id): rare, so kept apart from `known`.
    repeated: dict[str, list[Any]] = {}
    balances: dict[tuple[Any, ...], Any] = {}
    for entry in existing:
        meta = entry.meta
        if meta is not None:
            value = meta.get(ID_KEY)
            if value is not None:
                first = known.setdefault(value, entry)
                if first is not entry:
                    repeated.setdefault(value, [first]).append(entry)
        if similar and isinstance(entry, data.Balance):
            held = entry.amount
            balances.setdefault((entry.date, entry.account, held.number, held.currency), entry)
    if similar:
        for base, lines in _families(entries, known).items():
            _settle_family(base, lines, known, repeated)
    taken: set[int] = set()
    for entry in entries:
        value = entry.meta.get(ID_KEY) if entry.meta is not None else None
        if similar and value is not None and value in known:
            booked = repeated.get(value, [known[value]])
            value = _booked_id(entry, booked, value, known, content_ids)
        if value is not None and value in known:
            entry.meta["__duplicate__"] = other = known[value]
            taken.add(id(other))
        elif similar and isinstance(entry, data.Balance):
            held = entry.amount
            match = balances.get((entry.date, entry.account, held.number, held.currency))
            if match is not None:
                entry.meta["__duplicate__"] = match
    return dedup.mark_similar(entries, existing, taken, signs=True) if similar else 0


# An id of `RowIds`: its base, and the number of the base's row in the file (2, 3, ...).
_FAMILY = re.compile(r"([a-z]+-[0-9a-f]{12})(?:-([1-9][0-9]{0,5}))?")


def _families(entries: list[Any], known: dict[str, Any]) -> dict[str, list[Any]]:
    """The statement's lines whose ids share a base (a wire and its fee under one
    reference, `bank-...` and `bank-...-2`), where the ledger holds an id of the base."""
    found: dict[str, list[Any]] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.postings and entry.meta:
            value = entry.meta.get(ID_KEY)
            match = _FAMILY.fullmatch(value) if isinstance(value, str) else None
            if match is not None and match.group(1) in known:
                found.setdefault(match.group(1), []).append(entry)
    lone = [base for base, lines in found.items() if len(lines) < 2 and f"{base}-2" not in known]
    for base in lone:  # the common case: one line of its reference, booked as one
        del found[base]
    return found


def _same_line(entry: Any, booked: list[Any]) -> bool:
    """The booked entries of an id post what the line posts, within a few days of it."""
    mine = entry.postings[0]
    first = booked[0]
    near = abs((entry.date - first.date).days) <= REUSED_DAYS
    return (
        near
        and isinstance(first, data.Transaction)
        and _posted(booked, mine.account) == mine.units
    )


def _settle_family(
    base: str, lines: list[Any], known: dict[str, Any], repeated: dict[str, list[Any]]
) -> None:
    """Give each line of one base its booked id, whatever the file's order.

    The `-2` of a reference's second line follows the order the bank lists them in: a
    download sorted the other way gives the wire the fee's id. Each line takes the id
    whose booked entry posts its amount; a line matched by none keeps its own id if that
    is booked and free (the line edited by hand: noted as such), else takes a booked id
    left (edited), else a new one of the base (a line the ledger does not have)."""
    ids = [base]
    while f"{base}-{len(ids) + 1}" in known:
        ids.append(f"{base}-{len(ids) + 1}")
    free = {ident: repeated.get(ident, [known[ident]]) for ident in ids if ident in known}
    left = []
    for entry in sorted(lines, key=lambda e: e.meta[ID_KEY] not in free):
        own = entry.meta[ID_KEY]
        hit = own if own in free and _same_line(entry, free[own]) else None
        hit = hit or next((i for i, b in free.items() if _same_line(entry, b)), None)
        if hit is None:
            left.append(entry)
        else:
            entry.meta[ID_KEY] = hit
            del free[hit]
    # (The ids of the lines left that the ledger lacks are theirs: no new id takes one.)
    used = {e.meta[ID_KEY] for e in lines if e not in left or e.meta[ID_KEY] not in known}
    for entry in left:
        own = entry.meta[ID_KEY]
        if own in known and own in used:
            ident = own if own in free else next(iter(free), None)
            if ident is None:
                number = 2
                while f"{base}-{number}" in known or f"{base}-{number}" in used:
                    number += 1
                ident = f"{base}-{number}"
            entry.meta[ID_KEY] = ident
            free.pop(ident, None)
        used.add(entry.meta[ID_KEY])


# The note on a bank line whose id the bank gave another line before.
REUSED_KEY = "import-id-reused"


def _booked_id(
    entry: Any, booked: list[Any], value: str, known: dict[str, Any], content_ids: bool
) -> str:
    """The id a bank line is known by in the ledger, whose entries of its id are `booked`.

    The booked entry of a line's id, dated within a few days of it, is that line, whatever
    it posts now: the bookkeeper corrected its cents, split it (the entries that kept its
    id are added up) or wrote the factor report's amount; it is never imported again,
    and a note says what differs. Dated further away, it is another line of an id the bank
    reuses (FITID 1 in each week's download): the line gets an id of its own, made of the
    reused one, its date and its amount, is imported with a note, and is found by that id
    when the file is imported again. An id made of the line's content (`content_ids`) is
    never reused: its booked entry is this line, at any date.
    """
    first = booked[0]
    if not (isinstance(entry, data.Transaction) and isinstance(first, data.Transaction)):
        return value
    if not entry.postings:
        return value
    mine = entry.postings[0]
    theirs = _posted(booked, mine.account)
    near = abs((entry.date - first.date).days) <= REUSED_DAYS
    if mine.units == theirs and near:
        return value
    own = f"{value}-{entry.date:%Y%m%d}-{mine.units.number if mine.units else ''}"
    if not content_ids and own in known:
        return own  # booked before as a line of its own
    where = f"{(first.meta or {}).get('filename')}:{(first.meta or {}).get('lineno')}"
    # (None: the booked entry moved to another account, or posts it in two currencies.)
    shown = theirs if theirs is not None else f"nothing on {mine.account} (in one currency)"
    if content_ids or near:
        if len(booked) > 1:
            where = f"{len(booked)} entries of its id, the first at {where}"
        said = (
            f"the statement has {mine.units} on {entry.date}, the booked entry ({where}) "
            f"{shown} on {first.date}: it is this line, edited by hand, and is not "
            "imported again; correct the booked entry if the statement is right"
        )
        if not content_ids:
            # The bank may give its ids again (within days, rarely): uncommented, the
            # line is found by an id of its own the next time.
            entry.meta[ID_KEY] = own
            said += (
                "; if the bank gave this id to another line, uncomment it (it has an id of "
                "its own) and delete this line"
            )
        entry.meta[CHANGED_KEY] = said
        return value
    entry.meta[ID_KEY] = own
    entry.meta[REUSED_KEY] = (
        f"the bank gave this line the id of another ({first.date}, {shown}, booked "
        f"at {where}): imported as a line of its own"
    )
    days = abs((entry.date - first.date).days)
    if mine.units == theirs and days <= dedup.REDATED.days:
        # Or the booked line itself, its date changed by hand by more than five days.
        entry.meta[REUSED_KEY] += (
            f"; if it is that line, its date changed by hand ({days} days), delete this "
            "one and correct that entry's date"
        )
    return own


def _posted(entries: list[Any], account: str) -> Amount | None:
    """What the booked entries of one id post to an account in all, if in one currency
    (None else): a line split by hand into entries that kept its id is added up."""
    numbers: list[Decimal] = []
    currencies = set()
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            units = posting.units
            if posting.account == account and units is not None:
                if not isinstance(units.number, Decimal):
                    return None
                numbers.append(units.number)
                currencies.add(units.currency)
    if len(currencies) != 1:
        return None
    return Amount(sum(numbers, Decimal(0)), currencies.pop())


# The note on a duplicate whose booked entry differs from it (a corrected report, or a
# line edited by hand).
CHANGED_KEY = "differs-from-ledger"


# How far apart a line and the booked line of its id may be dated and still be one line.
REUSED_DAYS = 5


class Importer(beangulp.Importer):
    """A beangulp importer of statement lines whose `deduplicate()` matches on
    `import-id`, and marks probable duplicates by account, amount and date."""

    # True when every id is made of its line's content (never the bank's own id).
    content_ids = False

    def deduplicate(self, entries: list[Any], existing: Sequence[Any]) -> None:
        # The index of a large ledger is many small objects, none in a cycle: the
        # collector would walk the whole ledger again and again as they accumulate.
        with no_gc_pauses():
            mark_duplicates(entries, existing, similar=True, content_ids=self.content_ids)
