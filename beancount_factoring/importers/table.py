"""Find the header of a bank statement or an invoice export, and read its rows.

The rows come from `readers.raw_rows()`. The user's configuration says where the header
is: `skip_rows` lines, then the first row that is not blank. Columns are asked for by
their header name, compared without regard to case, spaces or underscores, and rows
come as `(line, cells)`:

    with Table("checking.csv", layout) as table:
        when = table.column("Posting Date")
        for line, cells in table.rows():
            print(line, cells[when].strip())

A missing column or a row cut short is an `ImportFailure` naming the file, the line and
the column as the file names it; `fail()` makes one for a cell the importer cannot read.
Factor reports, whose header is searched for by a profile's column names, are read by
`report.Report` with the same `Header`.

identify() must not read a whole file, nor fail on one in the wrong encoding (extract
says what is wrong with it): `read_header()` and `mentions()` read only its start.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from types import TracebackType
from typing import cast

from beancount_factoring.importers.base import Dates, ImportFailure
from beancount_factoring.importers.readers import (
    HEAD_BYTES,
    Cell,
    Layout,
    Rows,
    head,
    is_xlsx,
    raw_rows,
    sheet_names,
    text_of,
    text_rows,
    wide_encoding,
    workbook_date,
)
from beancount_factoring.terms.fees import THOUSANDTHS, WHOLE

_NOT_IN_KEYS = re.compile(r"[\s_\ufeff]+")


def header_key(text: str) -> str:
    """A header as compared with a configured name: no case, spaces, underscores or BOM."""
    return _NOT_IN_KEYS.sub("", text).casefold()


class Header:
    """A header row: its line, its names as written, where each field of a profile is."""

    __slots__ = ("index", "line", "names", "positions", "repeated")

    def __init__(self, line: int, cells: Sequence[Cell]) -> None:
        self.line = line
        self.names = [text_of(cell) for cell in cells]
        self.positions: dict[str, int] = {}
        # A name the header writes more than once: every position it stands at.
        self.repeated: dict[str, list[int]] = {}
        for position, cell in enumerate(cells):
            if isinstance(cell, str) and cell.strip():  # a number is not a header name
                key = header_key(cell)
                first = self.positions.setdefault(key, position)
                if first != position:
                    self.repeated.setdefault(key, [first]).append(position)
        self.index: dict[str, int] = {}

    def has(self, names: Iterable[str]) -> bool:
        """True if the header holds every one of `names`."""
        return all(header_key(name) in self.positions for name in names)

    def match(self, columns: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
        """Field -> position for the fields whose column (by any alias) is here."""
        for field, aliases in columns.items():
            for alias in aliases:
                where = self.positions.get(header_key(alias))
                if where is not None:
                    self.index[field] = where
                    break
        return self.index

    def twice(self, field: str, aliases: Sequence[str]) -> str | None:
        """FCT203's message when the header has more than one column that `aliases` name
        (`Reserve` twice; or `Fee` and `Palkkio`, two names of one field): which one is
        meant cannot be told, and reading the first would take another column's figures
        in silence. None when one column at most is named so."""
        found = sorted(
            {
                position
                for alias in aliases
                for position in self.repeated.get(header_key(alias), [])
                or [self.positions.get(header_key(alias), -1)]
                if position >= 0
            }
        )
        if len(found) < 2:
            return None
        shown = ", ".join(f"{self.names[p].strip()!r} (column {p + 1})" for p in found)
        return (
            f"the header has {len(found)} columns named for {field}: {shown}. Which one "
            "is meant cannot be told (a new version of the export may have added one), "
            "and the first may hold other figures: "
            "rename the column that is not meant in the file's header, and import again"
        )


class Table:
    """A CSV file whose header is where its layout says (see the module docstring).

    With ``workbook``, an XLSX file is read too, its sheet (the layout's, or the first)
    through `readers.raw_rows()` with its guards, its rows numbered as the sheet numbers
    them and the layout's `skip_lines` its first rows: `cells()` gives its cells with
    their types (text, `Decimal`, `date`)."""

    def __init__(self, path: str, layout: Layout, *, workbook: bool = False) -> None:
        self.path = path
        # Filled with the header's names once known, so errors below it name columns.
        self.names: list[str] = []
        self.workbook = workbook and is_xlsx(path)
        self._rows: Rows | Generator[tuple[int, list[str]], None, None]
        if self.workbook:
            self._rows = _after_title(raw_rows(path, layout), layout.skip_lines)
        else:
            self._rows = text_rows(path, layout, self.names)
        self._wanted: dict[int, str] = {}
        self.width = 0
        try:
            first = next((row for row in self._rows if any(map(text_of, row[1]))), None)
        except BaseException:
            self._rows.close()
            raise
        if first is None:
            self._rows.close()
            line = layout.skip_lines + 1
            raise ImportFailure(
                path, line, "the file is empty: no header, no rows", column=1, code="FCT202"
            )
        self.header = Header(*first)
        self.names.extend(self.header.names)

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._rows.close()

    def column(self, name: str | None, *, required: bool = True) -> int | None:
        """A column's position by its header name; ImportFailure if a required one is absent."""
        if name is None:
            return None
        index = self.header.positions.get(header_key(name))
        if index is None:
            if not required:
                return None
            shown = ", ".join(repr(cell) for cell in self.header.names)
            message = (
                f"the header has no column {name!r}; it has {shown}: give the importer the "
                "column's name as the header writes it"
            )
            raise ImportFailure(self.path, self.header.line, message, name, code="FCT203")
        twice = self.header.twice(repr(name), (name,))
        if twice is not None:
            raise ImportFailure(self.path, self.header.line, twice, name, code="FCT203")
        self._wanted.setdefault(index, name)
        self.width = max(self.width, index + 1)
        return index

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of the rows after the header, blank ones left out.

        Every row holds each column asked for by `column()`, so `cells[index]` is safe.
        """
        width = self.width
        header = self.header
        opening = header.names[0].strip() if header.names else ""
        rows = cast(Iterator[tuple[int, list[str]]], self._rows)
        for line, cells in rows:
            if not "".join(cells).strip():  # a blank row (one C call, not one per cell)
                continue
            if cells[0].strip() == opening and repeats_header(header, cells):
                raise header_again(self.path, line, header)
            if len(cells) < width:
                found = min(i for i in self._wanted if i >= len(cells))
                raise self.short(line, len(cells), self._wanted[found])
            if len(cells) > len(header.names):
                extra = extra_fields(self.path, line, header, cells)
                if extra is not None:
                    raise extra
            yield line, cells

    def cells(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        """`rows()`, of a CSV file or a workbook: a workbook's cells keep their types, a
        row is as wide as the widest so far (short ones padded with empty cells), and a
        cell past the header is a note beside the table, not a row split in two."""
        if not self.workbook:
            yield from self.rows()
            return
        header, width = self.header, self.width
        for line, cells in self._rows:
            if not any(map(text_of, cells)):
                continue
            if repeats_header(header, cells):
                raise header_again(self.path, line, header)
            if len(cells) < width:
                cells = [*cells, *[""] * (width - len(cells))]
            yield line, cells

    def short(self, line: int, count: int, name: str) -> ImportFailure:
        """A row cut short: a truncated download, or a line break where none belongs."""
        return ImportFailure(
            self.path,
            line,
            f"the row has {count} fields where the header has {len(self.header.names)}: "
            "the file may be cut short (truncated), or a row broken in two; download it again, "
            "or mend the row",
            name,
            code="FCT204",
        )

    def fail(self, line: int, name: str | None, message: str, *, code: str) -> ImportFailure:
        """An ImportFailure for one cell of a row."""
        return ImportFailure(self.path, line, message, name, code=code)


def extra_fields(
    path: str, line: int, header: Header, cells: Sequence[Cell]
) -> ImportFailure | None:
    """FCT204 if a row fills fields beyond its header's (empty ones after it are fine).

    Most often an amount with a thousands separator written without quotes
    (``2,480.00``): it splits in two, each cell after it moves one column on, and the
    row would be read with the wrong figures in silence."""
    width = len(header.names)
    filled = [i for i in range(width, len(cells)) if text_of(cells[i]).strip()]
    if not filled:
        return None
    return ImportFailure(
        path,
        line,
        f"the row has {filled[-1] + 1} fields where the header has {width}: an amount "
        "with a thousands separator written without quotes (2,480.00) splits in two and "
        "moves every cell after it; export the file again with its fields in quotes, or "
        "mend the row",
        filled[0] + 1,
        code="FCT204",
    )


def repeats_header(header: Header, cells: Sequence[Cell]) -> bool:
    """True if a row is the header again (two downloads pasted into one file)."""
    texts = [text_of(cell).strip() for cell in cells]
    names = [name.strip() for name in header.names]
    while texts and not texts[-1]:
        texts.pop()
    while names and not names[-1]:
        names.pop()
    return bool(names) and texts == names


def header_again(path: str, line: int, header: Header) -> ImportFailure:
    """FCT210 on a row that repeats the header: the rows around it may repeat too."""
    message = (
        f"this row is the header of line {header.line} again: a header printed on each page, "
        "or two downloads pasted into one file? Keep one header (export without page "
        "headers, or delete the others), and check that no rows are listed twice"
    )
    return ImportFailure(path, line, message, header.names[0] or None, code="FCT210")


def _after_title(rows: Rows, skip: int) -> Rows:
    """A workbook's rows after its first ``skip`` (title rows, as a CSV's title lines)."""
    try:
        for row in rows:
            if row[0] > skip:
                yield row
    finally:
        rows.close()


def latest_date(
    path: str, layout: Layout, column: str, dates: Dates, *, workbook: bool = False
) -> datetime.date | None:
    """The latest date in one column of a file: what an importer's date() returns. (An
    empty cell is no date: the rows after an invoice's first may leave it blank.)"""
    latest: datetime.date | None = None
    with Table(path, layout, workbook=workbook) as table:
        index = table.column(column)
        assert index is not None
        for line, cells in table.cells():
            value = cells[index]
            try:
                if type(value) is str:
                    if not value.strip():
                        continue
                    when = dates(value.strip())
                else:
                    when = workbook_date(value)
            except ValueError as exc:
                raise table.fail(line, column, str(exc), code="FCT206") from None
            if latest is None or when > latest:
                latest = when
    return latest


def sheets_holding(
    path: str, layout: Layout, holds: Callable[[Layout], bool]
) -> tuple[list[str], list[str]]:
    """The names of a workbook's sheets, and of those whose rows hold the header (`holds`,
    given the layout with the sheet to read): a report or export split one sheet per
    month or batch, or a summary before the detail, has it on more than one."""
    names = sheet_names(path)
    return names, [name for name in names if holds(replace(layout, sheet=name))]


def split_over_sheets(
    path: str, names: Sequence[str], holding: Sequence[str], what: str, setting: str
) -> ImportFailure | None:
    """FCT203 for a workbook whose header stands on more than one sheet: only the
    first would be read, and the rows of the others left out unseen. `what` is the file
    ("the report"), `setting` where `sheet=` is given ("the profile")."""
    if len(holding) < 2:
        return None
    shown = ", ".join(repr(name) for name in holding)
    first = names[0] if names else holding[0]
    return ImportFailure(
        path,
        None,
        f"{what}'s header stands on {len(holding)} sheets, {shown}, and only the first, "
        f"{first!r}, would be read: the rows of the others would be left out. Copy the rows "
        f"of every sheet into one (below one header), or, if one sheet is {what} and the "
        f"others restate it, give {setting} sheet= naming it",
        code="FCT203",
    )


# How many filled rows of another sheet are looked at for rows that continue the table.
CONTINUATION_ROWS = 5


# A text that is a date or a number as a CSV-like cell writes it (`03-11-25`,
# `$1,000.00`, `(50.00)`): of that kind, as a typed cell would be.
_DATE_TEXT = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
_NUMBER_TEXT = re.compile(r"[-+(]?[$\u20ac\u00a3]?\s*\d[\d,.' ]*\)?-?")


def _kind(cell: Cell) -> str:
    """What a cell of a workbook's row holds: a date, a number, a text, or nothing."""
    text = text_of(cell)
    if not text:
        return ""
    if isinstance(cell, datetime.date) or _DATE_TEXT.fullmatch(text):
        return "date"
    if not isinstance(cell, str) or _NUMBER_TEXT.fullmatch(text):
        return "number"
    return "text"


def _kinds(cells: Sequence[Cell]) -> list[str]:
    """The kind of each cell of a row (`_kind`), without the empty ones at its end."""
    kinds = [_kind(cell) for cell in cells]
    while kinds and not kinds[-1]:
        kinds.pop()
    return kinds


def _lines_up(cells: Sequence[Cell], sample: Sequence[Cell], width: int) -> bool:
    """True if a row of another sheet is a row of the table whose first row is `sample`:
    within the header's width, a date where the sample has its dates, a number where
    it has a number (at least one), and no cell of another kind than the sample's."""
    kinds, wanted = _kinds(cells), _kinds(sample)
    if not kinds or len(kinds) > width:
        return False
    clash = any(
        k and i < len(wanted) and wanted[i] and k != wanted[i] for i, k in enumerate(kinds)
    )
    dates = [i for i, k in enumerate(wanted) if k == "date"]
    numbers = [i for i, k in enumerate(wanted) if k == "number"]
    return (
        not clash
        and bool(numbers)
        and all(i < len(kinds) and kinds[i] == "date" for i in dates)
        and any(i < len(kinds) and kinds[i] == "number" for i in numbers)
    )


def continued_elsewhere(
    path: str, layout: Layout, header: Header, what: str, setting: str
) -> ImportFailure | None:
    """FCT203 for a workbook (no sheet= given) whose later sheet carries on the table of
    the sheet read with no header of its own (an export split at a sheet's last row):
    its rows would be left out unseen. A sheet of notes or a summary does not line up
    with the table's rows (`_lines_up`)."""
    names = sheet_names(path)
    if layout.sheet is not None or len(names) < 2:
        return None
    rows = head(path, replace(layout, sheet=names[0]), header.line + CONTINUATION_ROWS) or []
    sample = next((c for line, c in rows if line > header.line and any(map(text_of, c))), None)
    if sample is None:
        return None
    for name in names[1:]:
        found = head(path, replace(layout, sheet=name), layout.skip_lines + 4 * CONTINUATION_ROWS)
        filled = [(line, c) for line, c in found or [] if any(map(text_of, c))]
        if any(repeats_header(header, cells) for _, cells in filled):
            continue  # a sheet with the header: `split_over_sheets`
        width = len(header.names)
        line = next((n for n, c in filled[:CONTINUATION_ROWS] if _lines_up(c, sample, width)), 0)
        if line:
            return ImportFailure(
                path,
                None,
                f"the sheet {name!r} holds rows that continue the table of {names[0]!r} "
                f"with no header of their own (its row {line} lines up with the table's "
                f"columns), and only {names[0]!r} would be read: its rows would be left "
                f"out. Copy them below the rows of {names[0]!r}, or, if they are not part "
                f"of {what}, give {setting} sheet={names[0]!r}",
                code="FCT203",
            )
    return None


def on_another_sheet(path: str, name: str, what: str, setting: str) -> ImportFailure:
    """FCT203 for a workbook whose header is on another sheet than the one read."""
    return ImportFailure(
        path,
        None,
        f"{what} is on the sheet {name!r}, not the one {setting} reads: give {setting} "
        f"sheet={name!r}",
        code="FCT203",
    )


# How many rows of a workbook identify() reads for its header, after the title rows.
HEADER_ROWS = 50


def read_header(path: str, layout: Layout, *, workbook: bool = False) -> Header | None:
    """The header row of a file in this layout, or None if it has none (for identify()).

    Only the file's first bytes are read, and bytes not in the encoding are replaced:
    a file in the wrong encoding is still claimed, so that extract says how to read it.
    With ``workbook``, a workbook's first rows (`Table`).
    """
    if workbook and is_xlsx(path):
        found = head(path, layout, layout.skip_lines + HEADER_ROWS) or []
        top = (row for row in found if row[0] > layout.skip_lines)
        opening = next((row for row in top if any(map(text_of, row[1]))), None)
        return None if opening is None else Header(*opening)
    layout = replace(layout, encoding=wide_encoding(path, layout.encoding))
    try:
        rows = text_rows(path, layout, head=True)
        try:
            first = next((row for row in rows if "".join(row[1]).strip()), None)
        finally:
            rows.close()
    except ImportFailure:
        return None
    return None if first is None else Header(*first)


def head_text(path: str, encoding: str) -> str:
    """The start of a file as text, for identify(); undecodable bytes are replaced."""
    with open(path, "rb") as handle:
        raw = handle.read(HEAD_BYTES)
    return raw.decode(encoding, errors="replace")


def _compact(text: str) -> str:
    """An account number as compared: its letters and digits (`06702-1001234` is
    `06702 1001234`), whatever their case."""
    return re.sub(r"[\W_]+", "", text).casefold()


# How many letters and digits make an account number that no amount or date holds.
LONG_NUMBER = 9


@functools.lru_cache(maxsize=64)
def _number_pattern(number: str) -> re.Pattern[str]:
    """How an account number is looked for in a text without its spaces: its runs of
    letters and digits in order, each as written, with or without punctuation between
    them (`06702-1001234` finds `06702 1001234` and `067021001234`). Not punctuation
    within a run: `1,344.17` (a balance) and `2025-04-17` (a date) hold no 4417 or 0417;
    but a long number (``LONG_NUMBER``) is found with dashes or slashes anywhere."""
    runs = re.findall(r"[^\W_]+", number.casefold())
    if len("".join(runs)) >= LONG_NUMBER:
        # A whole account number (no amount's or date's digits): written as one run, found
        # with a file's dashes or slashes too (`067021001234` as `06702-1001234`).
        runs = ["[-_/]*".join(map(re.escape, "".join(runs)))]
    else:
        runs = [re.escape(run) for run in runs]
    return re.compile(r"[\W_]*".join(runs) if runs else r"(?!)")


def shows_number(number: str, text: str) -> bool:
    """True if ``text`` shows the account ``number`` (spaces and case aside)."""
    return bool(_number_pattern(number).search(re.sub(r"\s+", "", text).casefold()))


def mentions(path: str, text: str, encoding: str) -> bool:
    """True if `text` (an account number, say) is in the file's name or first lines.

    Spaces are ignored on both sides, so "DE89 3704 0044" finds "DE8937040044", and
    so is punctuation between the parts of a number written with it (`shows_number`).
    """
    if shows_number(text, os.path.basename(path)):
        return True
    try:
        return shows_number(text, head_text(path, wide_encoding(path, encoding)))
    except (OSError, LookupError):
        return False


# Header names (as header_key makes them) of a column that gives each line's own account:
# an export of several accounts in one file (a Canadian bank's chequing and savings, or
# its CAD and USD accounts), Sparkasse's `Auftragskonto`, an aggregator's `Account Name`.
# Not a card number: a business card account lists each driver's card on its lines, all
# one account. Not `Kontonummer/IBAN`: in a German export, the other party's account.
_ACCOUNT_HEADERS = frozenset(
    ("account", "accountnumber", "accountno", "accountno.", "account#", "accountnum",
     "accountid", "accountname", "acct", "acctnumber", "acctno", "acctno.", "acct#",
     "auftragskonto", "kontonummer", "konto", "tilinumero", "tili", "numérodecompte",
     "numerodecompte", "compte", "cuenta", "númerodecuenta", "numerodecuenta")
)  # fmt: skip


def account_positions(header: Header, configured: Iterable[str | None] = ()) -> list[int]:
    """The positions of the columns of each line's own account that the importer does not
    read as anything else: an aggregator's export has two, `Account` (its nickname) and
    `Account #` (its number)."""
    used = {header_key(name) for name in configured if name}
    return [
        position
        for position, name in enumerate(header.names)
        if header_key(name) in _ACCOUNT_HEADERS and header_key(name) not in used
    ]


def shows_account(
    path: str, layout: Layout, number: str, header: Header | None, configured: Iterable[str] = ()
) -> bool:
    """True if the file shows the account `number` (spaces aside) where a statement names
    its own account: in its name, in its header or the rows above, or in a column of each
    line's account (`account_positions`). Not in a line's text: a savings statement's
    "TRANSFER FROM CHK ...4417" is no statement of account 4417."""
    if header is None:  # no header to place the lines by: the name, or the first lines
        return mentions(path, number, layout.encoding)
    if shows_number(number, os.path.basename(path)):
        return True
    encoding = wide_encoding(path, layout.encoding)
    try:
        title = head_text(path, encoding).splitlines()[: header.line]  # and the header
    except (OSError, LookupError):
        return False
    if shows_number(number, "\n".join(title)):
        return True
    positions = account_positions(header, configured)
    if not positions:
        return False
    try:
        rows = text_rows(path, replace(layout, encoding=encoding), head=True)
        try:
            return any(
                shows_number(number, cells[position])
                for line, cells in rows
                if line > header.line
                for position in positions
                if position < len(cells)
            )
        finally:
            rows.close()
    except ImportFailure:
        return False


# Header names of a column of each line's card holder: beside it, an `Account #` is each
# card member's card (American Express's business export), all of one card account.
_CARD_MEMBERS = frozenset(("cardmember", "cardholder", "cardholdername", "nameoncard"))
# The way out when the column is no account of each line (a category named `Account`).
_NOT_ACCOUNTS = " (if {0!r} is not each line's account, list it in the importer's signature=)"


def _numbered(shown: str) -> bool:
    """True if an account column's cell shows a number (`xxxx1234`), not a nickname."""
    return any(char.isdigit() for char in shown)


class AccountLines:
    """For a statement with columns of each line's account (`account_positions`): every
    line must be of the importer's account (`number`) where a column shows a number, and
    of one account where it shows a name (a nickname: `Business Checking`) or where the
    importer has no number.

    Without the check, the savings lines of a download of both accounts would be booked
    to the checking account, each a right figure in the wrong account (FCT209).
    """

    def __init__(self, table: Table, configured: Iterable[str | None], number: str | None):
        self.positions = account_positions(table.header, configured)
        if any(header_key(name) in _CARD_MEMBERS for name in table.header.names):
            # A card account's export: its `Account #` is each card member's card.
            self.positions = []
        self.number = number
        self.first: dict[int, tuple[int, str]] = {}  # position: (line, account) first shown

    def __call__(self, table: Table, line: int, cells: Sequence[str]) -> None:
        shown = {
            p: cells[p].strip() for p in self.positions if p < len(cells) and cells[p].strip()
        }
        # A number shown first: its message names the account the line is of.
        for position in sorted(shown, key=lambda p: not _numbered(shown[p])):
            self._check(table, line, position, shown[position])

    def _check(self, table: Table, line: int, position: int, shown: str) -> None:
        name = table.header.names[position]
        if self.number is not None and _numbered(shown):
            if not shows_number(self.number, shown):
                message = (
                    f"the line is of the account {shown!r}, not of {self.number!r}, the "
                    "importer's account_number: download each account's lines on their "
                    f"own, each read by its importer{_NOT_ACCOUNTS.format(name)}"
                )
                raise table.fail(line, name, message, code="FCT209")
            return
        first = self.first.setdefault(position, (line, shown))
        if _compact(shown) != _compact(first[1]):
            message = (
                f"the file holds the lines of two accounts, {first[1]!r} (line "
                f"{first[0]}) and {shown!r}: give the importer the account_number of "
                "its account, and download each account's lines on their own"
                f"{_NOT_ACCOUNTS.format(name)}"
            )
            raise table.fail(line, name, message, code="FCT209")


class Claim:
    """Which files an importer of a table (a bank statement, an invoice export) claims.

    A file is the importer's when its header has every configured column and every
    `signature` name (and it shows the account number, if one is configured). A file
    that almost fits is claimed too, so that extract names the column its header lacks
    (a name misspelt in the configuration) instead of skipping the file in silence: one
    whose name matches `filename`, one whose header has the `signature` names given,
    one that shows the account number and has at least one configured column.
    """

    def __init__(
        self,
        layout: Layout,
        columns: Sequence[str],
        signature: Sequence[str] = (),
        *,
        filename: str | None = None,
        account_number: str | None = None,
        workbook: bool = False,
    ) -> None:
        self.layout = layout
        self.workbook = workbook  # an XLSX file is read too (`Table`)
        self.columns = tuple(dict.fromkeys(columns))
        self.signature = tuple(signature)
        self.filename = re.compile(filename, re.IGNORECASE) if filename else None
        self.account_number = account_number

    def __call__(self, path: str) -> bool:
        """identify(): True if the file is the importer's, or almost (see above)."""
        named = self.filename is not None and bool(self.filename.search(os.path.basename(path)))
        header = read_header(path, self.layout, workbook=self.workbook)
        if self.account_number is not None:
            configured = self.columns + self.signature
            if not shows_account(path, self.layout, self.account_number, header, configured):
                return False
            if header is not None and any(header_key(n) in header.positions for n in self.columns):
                return True
        if header is not None and header.has(self.columns + self.signature):
            return True
        if named or (header is not None and bool(self.signature) and header.has(self.signature)):
            return True
        # A workbook whose export is on a sheet other than the one read (behind a cover
        # sheet): claimed, so that extract names the sheet rather than skip the file.
        return self._on_sheets(path) is not None

    def _holds(self, path: str, layout: Layout) -> bool:
        """True if the sheet `layout` reads has the header of every configured column."""
        header = read_header(path, layout, workbook=True)
        return header is not None and header.has(self.columns + self.signature)

    def _on_sheets(self, path: str) -> ImportFailure | None:
        """FCT203 for a workbook (read as one) whose header stands on other sheets than
        the one read: on two or more, with no sheet= given (a sheet per month, a summary
        before the detail), whose rows past the first sheet would be left out unseen;
        or on one other than the one read. None for a sheet of the export and notes."""
        if not (self.workbook and is_xlsx(path)):
            return None
        names, holding = sheets_holding(path, self.layout, functools.partial(self._holds, path))
        read = self.layout.sheet or (names[0] if names else None)
        if self.layout.sheet is None and len(holding) > 1:
            return split_over_sheets(path, names, holding, "the export", "the importer")
        if holding and read not in holding:
            return on_another_sheet(path, holding[0], "the export", "the importer")
        return None

    def check_sheets(self, path: str) -> None:
        """Raise `_on_sheets()`'s error, if any (before extract reads the file), or
        `continued_elsewhere()`'s."""
        problem = self._on_sheets(path)
        if problem is None and self.workbook and is_xlsx(path):
            header = read_header(path, self.layout, workbook=True)
            if header is not None:
                problem = continued_elsewhere(
                    path, self.layout, header, "the export", "the importer"
                )
        if problem is not None:
            raise problem

    def diagnose(self, path: str) -> str | None:
        """For a claimed file: the error its header gives extract, or None."""
        problem = self._on_sheets(path)
        if problem is not None:
            return str(problem)
        try:
            with Table(path, self.layout, workbook=self.workbook) as table:
                for name in self.columns:
                    table.column(name)
        except ImportFailure as failure:
            return str(failure)
        return None

    def _header_elsewhere(self, path: str, header: Header | None) -> str | None:
        """For a file not claimed: what `skip_rows` does, when the header of every
        configured column stands on another line than the one read (skipped with the
        title lines, or below the line read as the header)."""
        skip = self.layout.skip_lines
        wanted = self.columns + self.signature
        if header is not None and header.has(wanted):
            return None
        rows = head(path, replace(self.layout, skip_lines=0), skip + HEADER_ROWS) or []
        found = next((line for line, cells in rows if Header(line, cells).has(wanted)), None)
        if found is None:
            return None
        if header is None or found <= skip:
            read = "skips it"
        else:
            read = f"reads line {header.line} as the header"
        return (
            f"line {found} is the header the importer reads, and skip_rows={skip} {read}: "
            f"set skip_rows={found - 1}"
        )

    def near_miss(self, path: str) -> tuple[float, str] | None:
        """For a file not claimed: the share of the configured columns its header has,
        and the ones it lacks; None if it has none of them."""
        header = read_header(path, self.layout, workbook=self.workbook)
        elsewhere = self._header_elsewhere(path, header)
        if elsewhere is not None:
            return 1.0, elsewhere
        if header is None:
            return None
        wanted = self.columns + self.signature
        absent = [name for name in wanted if header_key(name) not in header.positions]
        if not absent and self.account_number is not None:
            # Every column is there: the file is a statement of another account.
            message = (
                f"the file does not show the account number {self.account_number!r} in its "
                "name, above its header or in a column of each line's account: a statement "
                "of another account?"
            )
            return 1.0, message
        if not absent or len(absent) == len(wanted):
            return None
        shown = ", ".join(repr(cell) for cell in header.names)
        names = " and ".join(repr(name) for name in absent)
        message = (
            f"line {header.line}: the header has no column {names}; it has {shown}: give the "
            "importer the column's name as the header writes it"
        )
        return 1 - len(absent) / len(wanted), message


# Header names (as header_key makes them) of a column that gives each row's currency.
_CURRENCY_HEADERS = ("currency", "currencycode", "ccy", "curr", "cur", "devise")
# A header that names a currency in other words (`Curr.`, `Invoice Currency`, `Währung`):
# one of these words and nothing but a few qualifiers, not a rate, a balance or an amount
# in one (`Currency Rate`, `Cur. Balance`, `Amount in currency`). (Not `Valuta`: in a
# German bank's export, the value date.)
_CURRENCY_WORDS = frozenset(
    ("currency", "currencies", "curr", "ccy", "cur", "devise", "währung", "waehrung",
     "valuutta", "moneda", "divisa")
)  # fmt: skip
_QUALIFIERS = frozenset(("invoice", "billing", "transaction", "code", "iso", "of", "the", "txn"))


def _names_a_currency(header: str) -> bool:
    words = re.findall(r"[^\W\d_]+", header.casefold())
    return (
        bool(words)
        and any(w in _CURRENCY_WORDS for w in words)
        and all(w in _CURRENCY_WORDS or w in _QUALIFIERS for w in words)
    )


def currency_column(table: Table, configured: Iterable[str | None]) -> tuple[int, str] | None:
    """(position, name) of a column of each row's currency that the importer does not
    read as anything else: its rows must be in the importer's currency (`check_currency`)."""
    used = {header_key(name) for name in configured if name}
    found = None
    for key in _CURRENCY_HEADERS:
        position = table.header.positions.get(key)
        if position is not None and key not in used:
            found = position
            break
    if found is None:
        for position, name in enumerate(table.header.names):
            if header_key(name) not in used and _names_a_currency(name):
                found = position
                break
    if found is None:
        return None
    name = table.header.names[found]
    table.column(name)  # every row must hold it
    return found, name


_ISO_CODE = re.compile(r"[A-Z]{3}")
# What a bank or an export writes in its currency column besides the code: the dollar
# sign with its country's letters, a name, the ISO number.
_CELL_CURRENCIES = {
    "US$": "USD", "U$S": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD",
    "NZ$": "NZD", "MX$": "MXN", "HK$": "HKD", "S$": "SGD",
    "US DOLLAR": "USD", "US DOLLARS": "USD", "U.S. DOLLAR": "USD",
    "CANADIAN DOLLAR": "CAD", "CANADIAN DOLLARS": "CAD", "EURO": "EUR", "EUROS": "EUR",
    "U.S. DOLLARS": "USD", "CDN": "CAD", "CDN$": "CAD", "YEN": "JPY",
    "POUND STERLING": "GBP", "BRITISH POUND": "GBP", "MEXICAN PESO": "MXN",
    "840": "USD", "124": "CAD", "978": "EUR", "826": "GBP", "484": "MXN", "036": "AUD",
    "\u20ac": "EUR", "\u00a3": "GBP",
}  # fmt: skip


# The currencies a bare `$` may stand for (the dollars, and the pesos that write `$`).
_DOLLAR_SIGN = frozenset(
    [
        "USD",
        "CAD",
        "AUD",
        "NZD",
        "HKD",
        "SGD",
        "TWD",
        "MXN",
        "COP",
        "CLP",
        "ARS",
        "UYU",
        "DOP",
        "BSD",
        "BBD",
        "BZD",
        "BMD",
        "JMD",
        "TTD",
        "XCD",
        "FJD",
    ]
)


def cell_currency(text: str, currency: str) -> str | None:
    """The currency a currency column's cell names: ``currency`` for an empty cell or a
    bare ``$`` in a file of dollars, else the code it writes or stands for; None if it
    names none this importer can tell (``Dollar``, ``Pesos``)."""
    upper = text.upper()
    if not upper or upper == currency or (upper == "$" and currency in _DOLLAR_SIGN):
        return currency
    known = _CELL_CURRENCIES.get(upper)
    if known is not None:
        return known
    if _ISO_CODE.fullmatch(upper):
        return upper
    # A code beside a sign ("CAD$", "$CAD"): a word of three letters, never letters
    # within a longer word ("Pesos" names no code).
    words = [word for word in re.split(r"[^A-Z]+", upper) if word]
    if len(words) == 1 and _ISO_CODE.fullmatch(words[0]):
        return _CELL_CURRENCIES.get(words[0], words[0])
    return None


def check_currency(
    table: Table, line: int, cells: Sequence[Cell], column: tuple[int, str], currency: str
) -> None:
    """FCT209 if a row's currency cell names another currency than the importer's: its
    amounts would be written in the importer's currency, the right figure in the wrong
    money."""
    text = text_of(cells[column[0]])
    named = cell_currency(text, currency)
    if named is None:
        message = (
            f"{text!r} in the column {column[1]!r} names no currency this importer can "
            f"tell: write the currency's code ({currency}), or leave the cell empty"
        )
        raise table.fail(line, column[1], message, code="FCT209")
    if named != currency:
        text = named
        message = (
            f"the row is in {text} by its column {column[1]!r}, and this importer writes every "
            f"amount in {currency}: import the rows in {text} with an importer of that "
            f'currency (currency="{text.upper()}"), a file for each currency, or correct the cell'
        )
        raise table.fail(line, column[1], message, code="FCT209")


# The words of a header that name the unit its amounts are written in (`Amount (cents)`,
# `amount_cents`, `Amount in thousands`, `Amount ($000)`). Cents are read; a larger unit
# is refused: 96 in thousands would be booked as 96.00.
_HEADER_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[$\u20ac\u00a3\u00a2']")
_CENT_WORDS = frozenset(("cent", "cents", "penny", "pennies", "\u00a2"))
_LARGE_WORDS = frozenset(
    ("thousand", "thousands", "million", "millions", "billion", "billions", "000", "000s",
     "k", "m", "mm", "mn", "bn", "tsd", "tausend", "mio", "milliers")
)  # fmt: skip
# The parts of a header that may name a currency: in brackets, or after a last `in`.
_HEADER_PARTS = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]|\bin\s+([^()\[\]]+?)\s*$", re.IGNORECASE)
CENTS = Decimal("0.01")
# The currencies a header may name (`Amount (EUR)`); three letters that are none of them
# (`Amount (net)`, `(Txn)`) are no currency.
_HEADER_CURRENCIES = frozenset(
    ("USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "JPY", "CNY", "HKD", "SGD", "MXN",
     "BRL", "ARS", "CLP", "COP", "PEN", "SEK", "NOK", "DKK", "ISK", "PLN", "CZK", "HUF",
     "RON", "BGN", "TRY", "ZAR", "INR", "KRW", "TWD", "THB", "PHP", "IDR", "MYR", "VND",
     "ILS", "AED", "SAR", "QAR", "EGP", "NGN", "KES", "RUB", "UAH")
) | THOUSANDTHS | WHOLE | frozenset(_CELL_CURRENCIES.values())  # fmt: skip


def header_unit(name: str, currency: str | None) -> Decimal:
    """What a column's cells are multiplied by to be amounts of `currency`: 1, or 0.01 for
    a header that says its amounts are cents. ValueError for a header that names a unit
    the importer does not read (thousands, another currency than `currency`; None for a
    file whose rows say their currency), with the fix."""
    words = [word.casefold() for word in _HEADER_WORDS.findall(name)]
    # (`$000`, `'000s`: the zeros are a unit only beside a sign or a bracket.)
    large = [w for w in words if w in _LARGE_WORDS and (len(w) > 2 or _in_brackets(name, w))]
    if large:
        raise ValueError(
            f"the header {name!r} gives its amounts in {large[0]!r}, a unit of thousands "
            "or more, and the importer reads amounts in whole currency units (1,234.56) "
            "or in cents (a header that says `cents`): each would be booked a thousand "
            "times or more too small; export the amounts in currency units"
        )
    for part in _HEADER_PARTS.finditer(name if currency is not None else ""):
        text = next(group for group in part.groups() if group is not None).strip()
        named = cell_currency(text.upper(), currency) if text and currency else None
        if named is not None and named != currency and named in _HEADER_CURRENCIES:
            raise ValueError(
                f"the header {name!r} says its amounts are in {named}, and the importer "
                f"reads {currency}: import the file with an importer of {named} "
                f'(currency="{named}")'
            )
    return CENTS if any(word in _CENT_WORDS for word in words) else Decimal(1)


# A word of a bracket's text, of letters in any script (`Kč` is one word, no `K`), or a
# currency sign.
_BRACKET_WORDS = re.compile(r"[^\W_]+|[$\u20ac\u00a3\u00a2']")


def _in_brackets(name: str, word: str) -> bool:
    """True if a short unit word (`k`, `m`, `000`) stands in brackets in the header."""
    for part in re.findall(r"\(([^)]*)\)|\[([^\]]*)\]", name):
        # (A word of ASCII letters is split as `_HEADER_WORDS` splits it: `kUSD`.)
        words = [
            found.casefold()
            for token in _BRACKET_WORDS.findall("".join(part))
            for found in (_HEADER_WORDS.findall(token) if token.isascii() else [token])
        ]
        if word in words:
            return True
    return False


def whole_units_only(name: str, currency: str | None) -> str | None:
    """For an importer that reads amounts in currency units only (an invoice export, a
    factor's report): FCT209's message for a money column whose header names another
    unit (`Amount (cents)`, `Face (000s)`, `Paid (EUR)` in a file of dollars), else None."""
    try:
        unit = header_unit(name, currency)
    except ValueError as exc:
        return str(exc)
    if unit == 1:
        return None
    return (
        f"the header {name!r} gives its amounts in cents, and this importer reads amounts "
        "in currency units (1,234.56): each would be booked a hundred times too large; "
        "export the amounts in currency units"
    )
