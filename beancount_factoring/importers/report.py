"""A factor's report (CSV or XLSX) read with its profile: the header, then data rows.

Factor portals put a title above the header and totals below the data:

    Purchase Report - RIDGELINE FREIGHT LLC (Client #C10482) 03/01/2025 - 03/07/2025
    Schedule #,Purchase Date,Debtor,Invoice #,Invoice Amount,Advance,Fee,Reserve
    3110,03/03/2025,NORTHSTAR LOGISTICS LLC,RF-1101,"$2,150.00","$2,042.50",$53.75,$107.50
    Total,,,,"$2,150.00","$2,042.50",$53.75,$107.50

`Report(path, profile)` finds the header by its column names among the first rows (not
by counting title rows: users delete them in Excel), maps each field of the profile to
its column, and `rows()` yields one `Row` per data row with the line it starts on (for
XLSX, the sheet's row number). Blank rows, total rows and footers without the key
fields are left out. A `Row` reads a field as text, an amount, a date or a rate:

    for row in Report("purchase.csv", profiles.LAKESHORE_PURCHASE).rows():
        face = row.amount("face", required=True)

Every problem is an `ImportFailure` naming the file, the line and the column: a missing
column (listing the headers found), a row cut short, a value that is not a date or an
amount (and, from `readers`, bytes not in the encoding and broken quoting). Rows are
read one at a time, so a large export is never held in memory twice.

Amounts are Decimal, never float: a number from a workbook (see `readers.py`) is rounded
half-up to cents, which is what its cell shows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount_factoring.importers import profiles as shipped_profiles
from beancount_factoring.importers.base import (
    DASH_ZERO,
    Dates,
    ImportFailure,
    Numbers,
    other_currency,
)
from beancount_factoring.importers.profiles import Profile
from beancount_factoring.importers.readers import (
    Cell,
    ExcelPercent,
    is_xlsx,
    raw_rows,
    text_of,
    workbook_amount,
    workbook_date,
)
from beancount_factoring.importers.table import (
    Header,
    extra_fields,
    header_again,
    repeats_header,
    whole_units_only,
)
from beancount_factoring.terms.fees import HALF_CENT

# Rows searched for the header after the profile's title rows (some portals add a
# "Date ran" line or a blank row or two).
HEADER_SLACK = 10


def find_header(
    rows: Iterable[tuple[int, list[Cell]]], profile: Profile
) -> tuple[Header | None, Header | None, bool]:
    """The first row with the profile's signature columns, within the search window.

    Returns (the header, the row closest to one, whether the file had any non-blank row).
    """
    best: Header | None = None
    any_text = False
    for count, (line, cells) in enumerate(rows):
        if count > profile.title_rows + HEADER_SLACK:
            break
        if not any(map(text_of, cells)):
            continue
        any_text = True
        header = Header(line, cells)
        found = header.match(profile.columns)
        if all(name in found for name in profile.signature):
            return header, header, True
        if best is None or len(found) > len(best.index):
            best = header
    return None, best, any_text


def missing_columns(header: Header, profile: Profile) -> tuple[str, str] | None:
    """(the FCT203 message, the first missing column's name) when the header lacks a
    column the profile configures, required or optional; None when it has them all.

    An optional column is configured to be read: a misspelt name would drop its figures
    in silence, so its absence is an error as much as a required column's.
    """
    required = set(profile.required)
    absent = [name for name in profile.columns if name not in header.index]
    if not absent:
        return None
    absent.sort(key=lambda name: name not in required)  # the required ones first
    wanted = " and ".join(
        f"{' / '.join(profile.columns[name])!r} column ({name}"
        f"{'' if name in required else ', optional'})"
        for name in absent
    )
    found = [name for name in header.names if name]
    message = (
        f"the header has no {wanted}; the headers found are {found}: name the column in "
        f"the {profile.name} {profile.kind} profile as the header writes it"
    )
    if any(name not in required for name in absent):
        message += ", or leave an optional field out of the profile's columns"
    return message, profile.columns[absent[0]][0]


def _named_twice(header: Header, profile: Profile) -> tuple[str, str] | None:
    """(the FCT203 message, the column's name) when a field's names stand over more than
    one column of the header (`Reserve` twice); None when each stands over one."""
    for field, aliases in profile.columns.items():
        message = header.twice(f"the {field} field", aliases)
        if message is not None:
            return message, header.names[header.index[field]].strip()
    return None


# The delimiters a report saved again may have (Excel in a European locale writes `;`).
DELIMITERS = (",", ";", "\t", "|")


def other_delimiter(path: str, profile: Profile) -> tuple[str, int] | None:
    """(the delimiter, the header's line) when a text file whose header the profile did not
    find has it under another delimiter: the columns are right, the separator is not.
    (Read again only when no header was found: a few rows per delimiter.)"""
    if is_xlsx(path):
        return None
    for delimiter in DELIMITERS:
        if delimiter == profile.delimiter:
            continue
        other = profile.replace(delimiter=delimiter)
        rows = raw_rows(path, other.layout)
        try:
            header = find_header(rows, other)[0]
        except ImportFailure:  # a quote the other delimiter leaves open, say
            header = None
        finally:
            rows.close()
        if header is not None:
            return delimiter, header.line
    return None


def _delimiter_advice(profile: Profile, delimiter: str) -> str:
    """How to give the importer `profile` read with `delimiter`, as Python that works as
    written: a shipped profile by its name in `profiles`, beside the others of its
    factor's tuple (`profiles.LAKESHORE` is a tuple, which has no `.replace()`)."""
    shipped = vars(shipped_profiles)
    own = next((name for name, value in shipped.items() if value is profile), None)
    family = next(
        (
            name
            for name, value in shipped.items()
            if isinstance(value, tuple) and any(member is profile for member in value)
        ),
        None,
    )
    read = f".replace(delimiter={delimiter!r})"
    if own is not None and family is not None:
        return (
            f"list profiles.{own}{read} among the importer's profiles, beside the others "
            f"(FactorReportImporter([*profiles.{family}, profiles.{own}{read}], ...))"
        )
    return (
        f"give the importer this profile{read} too, in the list of its profiles "
        f"(FactorReportImporter([..., profile, profile{read}], ...))"
    )


def _texts(cells: Sequence[Cell]) -> list[str]:
    """A row's filled texts, in order: how a title row is compared."""
    return [text for text in map(text_of, cells) if text]


def _noting(
    rows: Iterable[tuple[int, list[Cell]]], above: list[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[Cell]]]:
    """The rows, each noted in `above` (its filled texts) as it is read: those before the
    header are the report's title rows (find_header reads a dozen at most)."""
    for line, cells in rows:
        above.append((line, _texts(cells)))
        yield line, cells


# The position of a field the header lacks: beyond any row's cells.
NOWHERE = 1 << 30


class Report:
    """A factor's report read with its profile: the header, then the data `Row`s."""

    def __init__(self, path: str, profile: Profile) -> None:
        self.path = path
        self.profile = profile
        self.rates = Numbers(profile.decimal_mark, "").read
        # Under percent="auto": "number" once a bare rate of 1 or more shows the file
        # writes percentages, and the first rate below 1 read as a fraction with nothing
        # to show it (line, column, text).
        self.rate_style: str | None = None
        self.fraction_read: tuple[int, str, str] | None = None
        self.dates = Dates(profile.date_formats).read
        names: list[str] = []
        self._rows = raw_rows(path, profile.layout, names)
        above: list[tuple[int, list[str]]] = []
        header, best, any_text = find_header(_noting(self._rows, above), profile)
        if header is None:
            self._rows.close()
            raise self._no_header(best, any_text, above)
        self.header = header
        # The title rows above the header, by their first text: a row below that repeats
        # one whole is a second page's (or download's) title.
        self.titles = {
            texts[0]: (line, texts) for line, texts in above if line < header.line and texts
        }
        self.index = header.index
        # A cell marked with another currency than the report's is an error, unless the
        # report has a currency column (each row then says its own).
        currency = None if "currency" in self.index else profile.currency
        self.numbers = Numbers(profile.decimal_mark, profile.thousands, currency, money=True).read
        # With a currency column, each row's cells are compared with its own currency.
        self.numbers_unmarked = currency is None
        # A purchase report's rows left out as footers (no invoice number), which its
        # builder looks at for a deduction that would be lost (`factor_entries.py`).
        self.footer_rows: list[tuple[int, list[Cell]]] = []
        # The line of the report's last total row (0: none), once its rows are read.
        self.last_total = 0
        self._keep_footers = profile.kind == "purchase" and "deductions" in self.index
        # The cells' positions of each tuple of fields a row is asked for (`Row._amounts`);
        # NOWHERE for a field the header lacks.
        self.positions: dict[tuple[str, ...], tuple[int, ...]] = {}
        names.extend(header.names)
        mapped = set(header.index.values())
        unknown = [name for i, name in enumerate(header.names) if name and i not in mapped]
        if profile.strict and unknown:
            self._rows.close()
            raise ImportFailure(
                path,
                header.line,
                f"unknown column(s) {unknown} (the profile is strict)",
                code="FCT203",
            )
        problem = missing_columns(header, profile)
        if problem is None:
            problem = _named_twice(header, profile)
        if problem is not None:
            self._rows.close()
            message, column = problem
            raise ImportFailure(path, header.line, message, column=column, code="FCT203")
        self._whole_units(currency)

    def _whole_units(self, currency: str | None) -> None:
        """FCT209 at the header for a money column whose header names a unit the report
        is not read in (`Paid (cents)`, `Face (000s)`, `Paid (EUR)` in a report of USD)."""
        for field in (*SUMMED, "balance"):
            position = self.index.get(field)
            if position is None:
                continue
            name = self.header.names[position]
            message = whole_units_only(name, currency)
            if message is not None:
                self._rows.close()
                raise ImportFailure(self.path, self.header.line, message, name, code="FCT209")

    def _no_header(
        self, best: Header | None, any_text: bool, read: list[tuple[int, list[str]]]
    ) -> ImportFailure:
        """The error of a file without the profile's header; `read`: the rows searched
        (their filled texts)."""
        profile = self.profile
        if not any_text:
            message = "the file is empty: no header, no rows"
            return ImportFailure(self.path, 1, message, column=1, code="FCT202")
        assert best is not None
        filled = [(line, texts) for line, texts in read if texts]
        if (
            not best.index
            and len(read) <= profile.title_rows + HEADER_SLACK  # the file ended there
            and all(len(texts) <= 2 for _, texts in filled)  # a title and its period
        ):
            # A portal's download of a period with nothing in it: no header to name.
            line, texts = filled[0]
            message = (
                f"the file holds only its title ({', '.join(texts)!r}), no header and no "
                "rows: an empty download (no report for the period, or a download that "
                "stopped); download the report again, or delete the file if the factor "
                "had nothing to report"
            )
            return ImportFailure(self.path, line, message, code="FCT202")
        missing = [name for name in profile.signature if name not in best.index]
        wanted = ", ".join(repr(profile.columns[name][0]) for name in missing)
        found = other_delimiter(self.path, profile)
        if found is not None:
            delimiter, line = found
            # (No column is missing: the error names none.)
            return ImportFailure(
                self.path,
                line,
                f"the header of the {profile.name} {profile.kind} profile is here, but the "
                f"file is separated by {delimiter!r}, not {profile.delimiter!r}: "
                f"{_delimiter_advice(profile, delimiter)}, or save the file again as the "
                "factor sent it",
                code="FCT203",
            )
        return ImportFailure(
            self.path,
            best.line,
            f"no header with the columns {wanted} of the {profile.name} {profile.kind} "
            f"profile in the first {profile.title_rows + HEADER_SLACK} rows; the closest row "
            f"has {[name for name in best.names if name]}: name the columns in the profile as "
            "the header writes them",
            column=profile.columns[missing[0]][0],
            code="FCT203",
        )

    def close(self) -> None:
        self._rows.close()

    def fail(self, line: int, field: str, message: str, *, code: str) -> ImportFailure:
        """An error about the cell of `field` on a line, naming the column as the file does."""
        position = self.index.get(field)
        column = self.header.names[position] if position is not None else field
        return ImportFailure(self.path, line, message, column=column or field, code=code)

    def rows(self) -> Iterator[Row]:
        """The data rows; blank, total and footer rows are left out."""
        index = self.index
        width = max(index.values()) + 1
        keys = [index[key] for key in self.profile.key_fields]
        # The total marker anywhere in a row's label: `Total`, `Grand Total`, `Subtotal
        # March`, `Erä 5501 yhteensä` (what the row then is: Report._marked).
        labelled = self.profile.total_pattern.search
        text_file = not is_xlsx(self.path)
        totals = Totals(self)
        balances = Balances(self) if self.profile.kind == "reserve" else None
        # The checks of every row, done in line: a call per cell would cost more than
        # reading the file.
        header = self.header
        # The header's first name (its first column may be blank), as ``first`` is read.
        opening = next((name.strip() for name in header.names if name.strip()), "")
        titles = self.titles
        for line, cells in self._rows:
            count = len(cells)
            head = cells[0] if count else ""
            first = head.strip() if type(head) is str else text_of(head)
            if not first:  # (the first cell is nearly always filled: a fast path)
                first = next((text for text in map(text_of, cells) if text), "")
                if not first:
                    continue
            if first == opening and repeats_header(header, cells):
                raise header_again(self.path, line, header)
            if first in titles:
                self._title_again(line, cells, keys)
            kind = self._marked(cells, first, keys, totals) if labelled(first) else None
            if kind is None and balances is not None:
                # (A reserve statement's label under its Type or Description column.)
                kind = balances.labelled(line, cells, labelled)
                if kind is BALANCE:
                    continue  # a balance row, checked once every row is read
            if kind is TOTAL:
                totals.check(line, cells)  # FCT210 if they are not its sums
                self.last_total = line
                continue
            if count < width and text_file and sum(map(bool, map(text_of, cells))) > 1:
                raise self._short(line, count)
            if count > len(header.names) and text_file:
                extra = extra_fields(self.path, line, header, cells)
                if extra is not None:
                    raise extra
            for key in keys:
                value = cells[key] if key < count else ""
                if not (value.strip() if type(value) is str else text_of(value)):
                    self._footer(line, cells, key, first if kind is not None else None)
                    totals.footer(line, cells)  # the total adds a footer's fee up too
                    if self._keep_footers:
                        self.footer_rows.append((line, list(cells)))
                    break  # a footer such as ",,,,Wire Fee,($25.00)", or a note
            else:
                if balances is not None and balances.aside(line, cells):
                    continue  # a balance row (checked) or a note
                totals.add(line, cells)
                yield Row(self, line, cells)
        totals.finish()
        if balances is not None:
            balances.check()

    def _title_again(self, line: int, cells: list[Cell], keys: list[int]) -> None:
        """FCT210 on a row that repeats a title row above the header whole and would be
        read as a row (its key fields filled): a second page or download pasted below
        (read as a row, its title is a date or an amount that is not one, and its rows may
        repeat the first page's). With a key field empty it is a note left out, as a
        `CONFIDENTIAL` printed above the title and again below the rows is."""
        title_line, title = self.titles[_texts(cells)[0]]
        if _texts(cells) != title:
            return
        if not all(key < len(cells) and text_of(cells[key]) for key in keys):
            return
        message = (
            f"this row is the report's title of line {title_line} again: two pages or "
            "downloads pasted into one file? Keep the first page's title and header, delete "
            "the repeated title and header rows, and check that no rows are listed twice"
        )
        raise ImportFailure(self.path, line, message, self.header.names[0] or None, code="FCT210")

    def _marked(
        self, cells: list[Cell], label: str, keys: list[int], totals: Totals
    ) -> str | None:
        """What a row is whose label (its first filled cell) holds the total marker
        anywhere (`Total`, `Grand Total`, `Subtotal March`, `March subtotal`).

        With its key fields empty, what `_labelled` says. With them filled, TOTAL when the
        label stands in a key field (a reserve ledger's `Subtotal March` under the date)
        and the row gives no date or name of its own, or when the key holds a count
        (`Grand Total,,,,2 invoices,,"$4,025.00"`: no date or name either); DATA otherwise
        (a debtor called `Total Logistics LLC` with its invoice number and dates)."""
        at = next((i for i, cell in enumerate(cells) if text_of(cell) == label), 0)
        kind = self._labelled(cells, at, totals)
        count = len(cells)
        if not all(key < count and text_of(cells[key]) for key in keys):
            return kind
        if at in keys:
            # (No summed figure at all: still no row, its key is a label; left out.
            # A key that is a total's label and nothing else, `Total` or `Grand Total`
            # under the invoice number, is no invoice's even beside a date: checked.)
            return DATA if kind is DATA and not self._only_label(label) else TOTAL
        return TOTAL if kind is TOTAL else DATA

    def _only_label(self, label: str) -> bool:
        """True if `label` is a total's label alone (`Total`, `TOTALS:`, `Grand Total`,
        `Sub-total`), not a name that holds the marker (`Total Logistics LLC`)."""
        marked = self.profile.total_pattern.search(label)
        return bool(
            marked
            and _TOTAL_FIRST.fullmatch(label[: marked.start()])
            and not label[marked.end() :].strip(" :")
        )

    def _labelled(self, cells: list[Cell], at: int, totals: Totals) -> str | None:
        """What a row is whose label, at cell ``at``, holds the total marker: TOTAL when
        it gives a summed figure and no date or name of a row (`Grand Total,,,,
        "$4,025.00",95.00%,...`); DATA when it gives both (`CARGO TOTAL,,03/04/2025,...`:
        a debtor that lost its invoice number); None when it gives no summed figure (a
        note: `Fees are included in the total`), or its label stands in a column that
        describes rows or holds money (`Transfer Fee total` under the deductions: a
        footer)."""
        index = self.index
        # (A reserve statement's label of a total stands where its rows describe
        # themselves: its key is the date.)
        describing = DESCRIBING if self.profile.kind != "reserve" else ()
        if any(index.get(field) == at for field in describing) or any(
            position == at for _, position in totals.columns
        ):
            return None
        count = len(cells)

        def filled(position: int | None) -> bool:
            return (
                position is not None
                and position != at
                and position < count
                and bool(text_of(cells[position]))
            )

        if not any(filled(position) for _, position in totals.columns):
            return None
        # (A count beside the label, `Total,,2 invoices,...`, is no name of a row.)
        own = [index[field] for field in IDENTITY if filled(index.get(field))]
        named = any(not _COUNT.fullmatch(text_of(cells[position])) for position in own)
        return DATA if named else TOTAL

    def _footer(self, line: int, cells: Sequence[Cell], key: int, label: str | None) -> None:
        """FCT205 if a row left out as a footer (its key field empty) fills more than half
        of the header's columns: an invoice's row whose number was lost, not a note such
        as ",,,,Wire Fee,($25.00)". Left out, it would leave the invoice unbooked while
        the report's total, which counts footers, still agreed. (``label``: the row's
        first cell, when it holds the total marker but its figures are no sums.)"""
        named = sum(1 for name in self.header.names if name.strip())
        filled = sum(1 for cell in cells if text_of(cell))
        owner = self._owner(cells)
        if filled * 2 <= named and label is None and owner is None:
            return
        column = self.header.names[key]
        message = (
            f"the row fills {filled} of the report's {named} columns but not this one: "
            "fill it in (a row with nothing here is read as a note and left out); if it is "
            "a line of totals, give the profile total_marker= a pattern that matches the "
            "start of its label"
        )
        if owner is not None and filled * 2 <= named and label is None:
            message = (
                f"the row gives {owner}, a date and an amount but no {column}: a row of the "
                f"report whose {column} was lost: left out, its amount would be lost; fill "
                "it in, or delete the row if it pays none of your invoices (a note, a fee "
                "line with no reference or name, and unapplied cash are left out)"
            )
        if label is not None:
            message = (
                f"the row's label {label!r} holds the total marker, but the row gives a "
                f"date or a name of its own: if it is a row whose {column!r} was lost, "
                "fill it in; if it is a line of totals, delete the row (a total is only "
                "checked against the rows, never booked)"
            )
        raise ImportFailure(self.path, line, message, column, code="FCT205")

    def _owner(self, cells: Sequence[Cell]) -> str | None:
        """What a row without its key fields says of whose it is (its reference, debtor
        or load: `CHK 120944`), when it also gives a date and an amount in a summed
        column, as a row of the report does; None if not (a note, a fee line such as
        ",,,,Wire Fee,($25.00)", or cash the factor has not applied to any invoice)."""
        index, count = self.index, len(cells)

        def text(field: str) -> str:
            position = index.get(field)
            return text_of(cells[position]) if position is not None and position < count else ""

        if not any(text(field) for field in SUMMED) or not any(map(text, DATED)):
            return None
        if any(_UNAPPLIED.search(text(field)) for field in DESCRIBING):
            return None
        for field in OWNING:
            value = text(field)
            if value:
                position = index[field]
                return f"{self.header.names[position]} {value!r}"
        return None

    def _short(self, line: int, count: int) -> ImportFailure:
        """A record cut short: a truncated download, or a stray line break."""
        missing = min(i for i in self.index.values() if i >= count)
        return ImportFailure(
            self.path,
            line,
            f"the row has {count} fields where the header has {len(self.header.names)}: "
            "the file may be cut short (truncated), or a row broken in two; download it again, "
            "or mend the row",
            self.header.names[missing],
            code="FCT204",
        )


# The fields a total row adds up; a reserve ledger's total may be its closing balance.
# What a row labelled with the total marker past its start is (Report._labelled), and
# the fields that say so: a row's own date or name, or a column that describes rows.
TOTAL, DATA, BALANCE = "total", "data", "balance"
IDENTITY = ("date", "batch_date", "invoice_date", "debtor", "debtor_id", "load", "reference")
DESCRIBING = ("deduction_type", "description", "type", "pay_type", "status")
# The fields that say whose a row is: given with an amount, a row without its key
# fields lost them (Report._owner); a date alone does not (a dated fee line).
OWNING = ("reference", "debtor", "debtor_id", "load", "invoice_date")
DATED = ("date", "batch_date")
# A row of cash the factor holds for no invoice: no invoice number to lose.
_UNAPPLIED = re.compile(r"unapplied|on account|unidentified|unallocated", re.IGNORECASE)
# A label a balance row has, but a movement's (`Balance adjustment`, `Balance
# transfer`), when it stands under the Type or Description column.
_MOVED_BALANCE = re.compile(
    r"\s*balance\s+(?!forward|brought|carried|b/f|c/f|as\b|at\b|on\b)[^\W\d_]", re.IGNORECASE
)
# What may stand before the total marker at the start of a label: `Subtotal`, `Sub-total`,
# `Grand Total`.
_TOTAL_FIRST = re.compile(r"\s*(?:sub[- ]?|grand\s+)?", re.IGNORECASE)
# A count on a line of totals: `2`, `(2)`, `2 invoices`, `Count: 2`.
_COUNT = re.compile(r"(?:count:? *)?\(?\d{1,4}\)?(?: +[^\W\d_]+)?", re.IGNORECASE)
# An amount alone, however signed (`2`, `(2)`): a count of rows written so is read as
# a sum first; `2 invoices` only as a count.
_AMOUNT = re.compile(r"\(?\d{1,4}\)?")
# The figures a row is about, of which a dash is no zero: a payment of nothing, an
# invoice of nothing, a chargeback of nothing (FCT207 names the cell).
_NO_ZERO = {"purchase": ("face",), "collections": ("paid",), "chargeback": ("amount",)}


def _dash_zero(profile: Profile, field: str, text: str) -> bool:
    """True for a dash that is Excel's accounting zero (`$ -`) where a zero may stand (a
    short/over, a deduction, a fee, a reserve's debit or credit)."""
    return field not in _NO_ZERO.get(profile.kind, ()) and bool(DASH_ZERO.fullmatch(text))


# A cell that is meant as an amount, read or not: a digit after at most a sign, a
# bracket, a currency code and a currency sign (`$10.00 CR`, `(€10.00)`, `USD 10,00-`),
# not a label that holds a number (`Recourse RF-10309`, `RF-10309`).
_AMOUNT_LIKE = re.compile(r"[\s(+\-\u2212]*(?:[A-Z]{2,3}(?: [(+\-]?)?)?[^\w\s\-]{0,2}\s*\d")
# A date (`03/07/2025`, `2025-03-07`, `07.03.2025`): a footer's note (`Wire sent`), not
# an amount, wherever it stands.
_DATE_LIKE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
SUMMED = ("face", "advance", "fee", "invoice_fee", "reserve", "deductions", "net", "paid",
          "short", "amount", "debit", "credit", "fees")  # fmt: skip


class Totals:
    """A report's own total rows, compared with the rows above them.

    A total row (``Total,,,,"$4,025.00","$3,975.00"``) adds up the rows since the last
    total (a subtotal of a batch) or since the header (a grand total). A row dropped
    from the file, or one counted twice, makes it differ: an ``FCT210`` error on the
    total row. A data row's cell that is not a number is its own reading's error (in a
    column no reading needs, the error of a total that checks the column; a word such as
    `n/a` there leaves the column not compared); a total's or a footer's is an error
    here (`$10.00 CR`), unless it holds no digit (a footer's label, `n/a`). A reserve
    ledger's total of its amounts may be its closing balance, the last row's.
    """

    __slots__ = (
        "_above", "_before", "_counted", "_misread", "_since", "_unreadable", "balance",
        "closed", "columns", "footers", "last", "positions", "report",
    )  # fmt: skip

    def __init__(self, report: Report) -> None:
        self.report = report
        index = report.index
        self.columns = [(field, index[field]) for field in SUMMED if field in index]
        self.positions = [(slot, position) for slot, (_, position) in enumerate(self.columns)]
        # The sums since the last total, and of the rows before it: a grand total is both.
        self._since = [Decimal(0)] * len(self.columns)
        self._before = [Decimal(0)] * len(self.columns)
        self._unreadable: set[int] = set()
        # By column, a data row's cell meant as an amount that cannot be read, in a
        # column no reading needs (a chargeback's Fees Accrued): (its line, the error).
        # A total below that checks the column names it (FCT207) rather than the check
        # being turned off in silence.
        self._misread: dict[int, tuple[int, str]] = {}
        # The data rows since the last total, and before it: a count (`Total: 25
        # invoices` with its 25 under Amount) is one of them.
        self._counted = [0, 0]
        # A total given above the rows (right below the header): checked once they are.
        self._above: tuple[int, list[Cell]] | None = None
        # The last data row's cells, and where its balance stands: a reserve ledger's
        # total may be its closing balance.
        self.last: list[Cell] = []
        self.balance = index.get("balance")
        # The lines of the footers counted since the last total (named if it differs).
        self.footers: list[int] = []
        # The sums of the rows the last total closed, until another row is counted.
        self.closed: list[Decimal] | None = None

    def _number(self, line: int, field: str, cells: list[Cell], position: int) -> Decimal | None:
        """A total's or a footer's figure; None for words (a footer's label, `Transfer
        Fee` or `Recourse RF-10309` under Deductions; `n/a`); 0 for a date; FCT207 naming
        the cell for an amount that cannot be read (`$10.00 CR`, `(€10.00)`): left out, it
        would turn off the check of its column without a word."""
        value = cells[position] if position < len(cells) else ""
        if isinstance(value, Decimal):
            if value.is_finite():
                return value
            message = f"{text_of(value)!r} is not an amount"
        else:
            text = text_of(value)
            if not text.strip("-\u2013\u2014 "):  # empty, or a dash: nothing
                return Decimal(0)
            try:
                return self.report.numbers(text)
            except ValueError as exc:
                if _DATE_LIKE.fullmatch(text.strip()):
                    # A footer's date (`Wire sent,03/07/2025`) adds nothing, and leaves the
                    # column checked; a total's is then not its sum, and said so.
                    return Decimal(0)
                if not _AMOUNT_LIKE.match(text):
                    return None
                message = str(exc)
        raise self.report.fail(
            line,
            field,
            f"{message}; this row is a line of totals or a footer (a fee or a note below "
            "the rows), whose figures are checked against the report's rows: correct the "
            "cell as the report's other amounts are written, or delete the row",
            code="FCT207",
        )

    def footer(self, line: int, cells: list[Cell]) -> None:
        """Add a footer's figures (`,,,,Transfer Fee,($10.00)`), each read or FCT207.

        Right after a total, a footer whose every figure is that total's (or the sum of
        all rows so far) restates it (`,,,,Net funds,"$3,703.12"`): not counted again."""
        figures = [self._number(line, field, cells, position) for field, position in self.columns]
        closed = self.closed
        if closed is not None and any(figures):
            overall = self._before
            if all(
                figure is None
                or not figure
                or abs(figure - closed[slot]) < HALF_CENT
                or abs(figure - overall[slot]) < HALF_CENT
                for slot, figure in enumerate(figures)
            ):
                return
        self.closed = None
        self.footers.append(line)
        since = self._since
        for slot, figure in enumerate(figures):
            if figure is None:
                # A label where this column's amounts stand: the column's total may
                # count what the label names, which no cell gives (not compared).
                self._unreadable.add(slot)
            else:
                since[slot] += figure

    def add(self, line: int, cells: list[Cell]) -> None:
        """Add a data row's figures (in line: this runs for every row of the file). A
        cell that cannot be read is the row's own reading's error, or, in a column no
        reading needs, the error of a total that would check it (a word such as `n/a`
        holds no figure: the column is then not compared)."""
        self.last, self.closed = cells, None
        self._counted[0] += 1
        count, since, numbers = len(cells), self._since, self.report.numbers
        for slot, position in self.positions:
            value = cells[position] if position < count else ""
            if type(value) is str:
                text = value.strip()
                if not text:
                    continue
                try:
                    since[slot] += numbers(text)
                except ValueError as exc:
                    if DASH_ZERO.fullmatch(text):
                        continue  # Excel's accounting zero, `$ -`: adds nothing
                    self._unreadable.add(slot)
                    if _AMOUNT_LIKE.match(text) and not _DATE_LIKE.fullmatch(text):
                        self._misread.setdefault(slot, (line, str(exc)))
            elif isinstance(value, Decimal):
                since[slot] += value
            elif value:
                self._unreadable.add(slot)

    def check(self, line: int, cells: list[Cell], *, above: bool = False) -> None:
        """ImportFailure if a filled cell of the total row is neither sum. A total above
        every row and footer (a report that gives its total first) is the rows' below:
        checked by `finish` (``above``)."""
        if not above and self._counted == [0, 0] and not self.footers and self._above is None:
            self._above = (line, cells)
            return
        for slot, (field, position) in enumerate(self.columns):
            value = cells[position] if position < len(cells) else ""
            text = text_of(value)
            if not text:
                continue
            counted = self._counted
            count = int(re.sub(r"\D", "", text)) if _COUNT.fullmatch(text) else None
            if count in (counted[0], counted[0] + counted[1]):
                continue  # a count of the rows, not a sum: `Total: 2 invoices` (checked)
            if count is not None and not _AMOUNT.fullmatch(text):
                total = None  # (`2 invoices`: a count, said so below)
            else:
                total = self._number(line, field, cells, position)
                if total is not None and slot in self._misread:
                    raise self._misread_cell(slot, field, line)
                if total is None or slot in self._unreadable:
                    continue  # (a row's cell its reading does not need: nothing to compare)
            since = self._since[slot]
            overall = self._before[slot] + since
            if total is not None and (
                abs(total - since) < HALF_CENT or abs(total - overall) < HALF_CENT
            ):
                continue
            if total is not None and field == "amount" and self.report.profile.kind == "reserve":
                closing = self._closing()
                if closing is None or abs(total - closing) < HALF_CENT:
                    continue  # a reserve ledger's total may be its closing balance
            message = self._differs(text, since, count, overall)
            raise self.report.fail(line, field, message, code="FCT210")
        self._before = [
            before + since for before, since in zip(self._before, self._since, strict=True)
        ]
        self.closed = self._since
        self._since = [Decimal(0)] * len(self.columns)
        self.footers = []
        self._counted = [0, self._counted[0] + self._counted[1]]

    def finish(self) -> None:
        """Check a total given above the rows against all of them, once they are read."""
        above, self._above = self._above, None
        if above is not None:
            self.check(*above, above=True)

    def _misread_cell(self, slot: int, field: str, total: int) -> ImportFailure:
        """FCT207 on a data row's cell, in a column no reading needs, that a total checks."""
        line, error = self._misread[slot]
        message = (
            f"{error}; the report's total on line {total} adds this column up, and cannot "
            "be checked without it: correct the cell as the report's other amounts are "
            "written"
        )
        return self.report.fail(line, field, message, code="FCT207")

    def _differs(self, total: str, since: Decimal, count: int | None, overall: Decimal) -> str:
        """FCT210's message: a total that is not the sum of its rows (and footers), nor,
        written as a count (`25`, `25 invoices`), their number. Below an earlier total
        (a grand total under subtotals) it gives both sums it may be."""
        sums = f"the sum of its rows, {since}"
        if self._counted[1]:
            sums = (
                f"the sum of every row above it, {overall}"
                if not self._counted[0] and not self.footers
                else f"the sum of the rows since the last total, {since}, nor of every "
                f"row above it, {overall}"
            )
        message = (
            f"the report's total {total!r} is {'neither' if ', nor' in sums else 'not'} "
            f"{sums}: a row is missing or counted twice; download the report again"
        )
        if count is not None:
            rows, before = self._counted
            every = f" ({rows + before} in all)" if before else ""
            message = (
                f"the report's total {total!r} reads as a count of rows, not an amount (the "
                f"rows sum to {since}), and it counts {count} where the total stands below "
                f"{rows} rows{every}: a row is missing or counted twice (download the "
                "report again), or it counts something else (invoices paid in several "
                "rows): then delete the count from the total's row"
            )
        if self.footers:
            lines = ", ".join(map(str, self.footers[:5]))
            message += (
                f". The footer row(s) on line(s) {lines} are counted in it (a fee such as "
                "`Transfer Fee`): if one of them is no fee but restates a sum (`Net "
                "funds`), delete that row"
            )
        return message

    def _closing(self) -> Decimal | None:
        """The balance the last data row gives; None if the report gives none."""
        position, last = self.balance, self.last
        if position is None or position >= len(last):
            return None
        value = last[position]
        if isinstance(value, Decimal):
            return value
        try:
            return self.report.numbers(text_of(value)) if text_of(value) else None
        except ValueError:
            return None


# A data row read: its line and cells.
Placed = tuple[int, list[Cell]]


@dataclass(slots=True)
class _Stated:
    """A balance row of a reserve statement: its figure, and the data rows beside it."""

    line: int
    label: str  # "opening" or "closing"
    field: str  # the column its figure stands in
    figure: Decimal  # signed as the client sees it, as the rows' balances are
    text: str  # the figure as the cell writes it
    currency: str  # its currency cell's text, if the report has a currency column
    before: Placed | None  # the data row above it (its line and cells), if any
    after: Placed | None = None  # the data row below it, once read


class Balances:
    """A reserve statement's balance rows (`Opening Balance,,,,,,$0.00` under its Date
    column, `Closing Balance` after the rows), and its notes (`CONFIDENTIAL` alone under
    the Date): left out, never booked; each balance row checked against the running
    balance where it stands. FCT210 on its cell if they differ: a row missing or listed
    twice, or a wrong sign setting, would otherwise pass with no word.

    Which rows are newer (the order of the report) is known from the first and last data
    rows' dates, so the checks are made once every row is read. Only the data rows beside
    a balance row are kept, as cells, and read then."""

    __slots__ = ("_previous", "_waiting", "date", "first", "last", "report", "stated")

    def __init__(self, report: Report) -> None:
        self.report = report
        self.date = report.index["date"]
        self.first: Placed | None = None
        self.last: Placed | None = None
        self.stated: list[_Stated] = []
        # The balance rows whose next data row is not read yet, and the balance row read
        # last when no data row came after it (another right below must agree with it).
        self._waiting: list[_Stated] = []
        self._previous: _Stated | None = None

    def aside(self, line: int, cells: list[Cell]) -> bool:
        """True if a row whose Date is filled is a balance row or a note: left out."""
        value = cells[self.date] if self.date < len(cells) else ""
        text = value.strip() if type(value) is str else ""
        if text and not text[0].isdigit():  # (a date nearly always starts with a digit)
            label = self.report.profile.balance_label(text)
            if label is not None:
                self._stated(line, cells, label)
                return True
            if self._note(cells, text):
                return True
        placed = (line, cells)
        if self.first is None:
            self.first = placed
        self.last = placed
        for stated in self._waiting:
            stated.after = placed
        self._waiting, self._previous = [], None
        return False

    def labelled(
        self, line: int, cells: list[Cell], total: Callable[[str], re.Match[str] | None]
    ) -> str | None:
        """What a row is whose label stands under its Type column, or its Description
        with the Type empty (`03/31/2025,,,,Subtotal March,$283.25,`, `,Opening
        Balance,,,,,$0.00`), whether its Date is filled or not: TOTAL for a label that
        holds the total marker beside a summed figure, BALANCE for a balance row (noted,
        to be checked), None for a row (a type that says what the row moves, `Fee`; an
        invoice of its own; a balance label whose amount is not its balance, a movement:
        `Balance adjustment,($1.00),$79.00`). Without this, a dated subtotal was a row of
        no type, booked as nothing and never checked."""
        report = self.report
        index, count = report.index, len(cells)

        def text(field: str) -> str:
            position = index.get(field)
            return text_of(cells[position]) if position is not None and position < count else ""

        label = text("type") or text("description")
        if not label or text("invoice") or report.profile.meaning(text("type")) != "other":
            return None
        marked = total(label)
        # (The marker at the label's start or its end, `Subtotal March`, `March total`;
        # not a movement whose description holds the word, `Monthly total fee`.)
        if marked and (
            _TOTAL_FIRST.fullmatch(label[: marked.start()])
            or not label[marked.end() :].strip(" :")
        ):
            summed = [index[field] for field in ("amount", "debit", "credit") if field in index]
            return TOTAL if any(p < count and text_of(cells[p]) for p in summed) else None
        kind = report.profile.balance_label(label)
        if kind is None or _MOVED_BALANCE.match(label):
            return None
        moved = self._moved(cells)  # (None if a figure cannot be read: a balance row's)
        if moved is not None and moved[0] and moved[0] != moved[1]:
            return None
        self._stated(line, cells, kind)
        return BALANCE

    def _note(self, cells: list[Cell], text: str) -> bool:
        """True for a row with no figure and no type whose Date holds no date (a note:
        `CONFIDENTIAL`, `Page 2 of 3`). A row with a figure or a type is a movement whose
        date was mistyped: its own reading's FCT206."""
        index, count = self.report.index, len(cells)
        for field in ("type", "amount", "debit", "credit", "balance"):
            position = index.get(field)
            if position is not None and position < count and text_of(cells[position]):
                return False
        try:
            self.report.dates(text)
        except ValueError:
            return True
        return False

    def _stated(self, line: int, cells: list[Cell], label: str) -> None:
        found = self._figure(line, cells)
        if found is None:
            return  # a label with no figure: a note
        field, figure, text = found
        stated = _Stated(line, label, field, figure, text, self._currency(cells), self.last)
        previous = self._previous
        if previous is not None and previous.figure != figure:
            where = f"the balance {previous.text!r} of line {previous.line}"
            raise self._differs(stated, self._shown(previous.figure), where)
        self.stated.append(stated)
        self._waiting.append(stated)
        self._previous = stated

    def _figure(self, line: int, cells: list[Cell]) -> tuple[str, Decimal, str] | None:
        """(its column, the balance signed as the client sees it, its text) a balance row
        gives: under Balance, else under Amount (or Credit and Debit); FCT207 if it cannot
        be read."""
        report = self.report
        profile, index = report.profile, report.index
        for field in ("balance", "amount", "credit", "debit"):
            position = index.get(field)
            value = cells[position] if position is not None and position < len(cells) else ""
            if not text_of(value):
                continue
            try:
                figure = self._money(value)
            except ValueError as exc:
                raise report.fail(line, field, str(exc), code="FCT207") from None
            if field == "debit":
                figure = -abs(figure)
            elif field == "credit":
                figure = abs(figure)  # (a balance in the reserve's favour)
            elif profile.sign == "inverted":
                figure = -figure
            return field, figure, text_of(value)
        return None

    def _money(self, value: Cell) -> Decimal:
        if isinstance(value, Decimal):
            return workbook_amount(value)
        return self.report.numbers(text_of(value))

    def _moved(self, cells: list[Cell]) -> tuple[Decimal, Decimal] | None:
        """A data row's (amount, balance), signed as the client sees them; None if it gives
        no balance or a figure cannot be read (the row's own reading says so)."""
        index, count = self.report.index, len(cells)

        def read(field: str) -> Decimal | None:
            position = index.get(field)
            value = cells[position] if position is not None and position < count else ""
            return self._money(value) if text_of(value) else None

        try:
            balance = read("balance")
            if balance is None:
                return None
            if self.report.profile.sign == "debit-credit":
                credit, debit = read("credit"), read("debit")
                amount = abs(credit or Decimal(0)) - abs(debit or Decimal(0))
            else:
                amount = read("amount") or Decimal(0)
        except ValueError:
            return None
        if self.report.profile.sign == "inverted":
            return -amount, -balance
        return amount, balance

    def _newest_first(self) -> bool:
        """True if the report lists its newest row first: by the first and last rows'
        dates, or, on one day, by where its balance rows stand (a closing balance above
        the rows, an opening balance below them)."""
        days = [self._day(placed) for placed in (self.first, self.last)]
        if days[0] is not None and days[1] is not None and days[0] != days[1]:
            return days[0] > days[1]
        return any(
            (stated.label == "closing" and stated.before is None and stated.after is not None)
            or (stated.label == "opening" and stated.after is None and stated.before is not None)
            for stated in self.stated
        )

    def _day(self, placed: Placed | None) -> datetime.date | None:
        if placed is None:
            return None
        cells = placed[1]
        value = cells[self.date] if self.date < len(cells) else ""
        try:
            if type(value) is str:
                return self.report.dates(value.strip())
            return workbook_date(value)
        except ValueError:
            return None

    def check(self) -> None:
        """FCT210 on a balance row that is not the running balance where it stands: in a
        report oldest first, the balance of the row above it (the balance of the row below
        less its amount); newest first, the other way round."""
        if not self.stated:
            return
        newest_first = self._newest_first()
        for stated in self.stated:
            # The row whose balance is the balance here, else the row it is before.
            direct, other = (
                (stated.after, stated.before) if newest_first else (stated.before, stated.after)
            )
            placed = direct if direct is not None else other
            if placed is None or (moved := self._moved(placed[1])) is None:
                continue
            currency = self._currency(placed[1])
            if stated.currency and currency and stated.currency != currency:
                continue  # (a statement of two currencies: not this row's balance)
            amount, balance = moved
            line, shown = placed[0], self._shown
            if placed is direct:
                expected, where = balance, f"the balance of line {line}"
            else:
                expected = balance - amount
                where = (
                    f"the balance of line {line}, {shown(balance)}, less its amount "
                    f"{shown(amount)}"
                )
            if abs(stated.figure - expected) >= HALF_CENT:
                raise self._differs(stated, shown(expected), where)

    def _currency(self, cells: list[Cell]) -> str:
        position = self.report.index.get("currency")
        if position is None or position >= len(cells):
            return ""
        return text_of(cells[position]).upper()

    def _shown(self, figure: Decimal) -> Decimal:
        """A figure signed as the report prints it (from the factor's side if inverted)."""
        return -figure if self.report.profile.sign == "inverted" else figure

    def _differs(self, stated: _Stated, expected: Decimal, where: str) -> ImportFailure:
        """FCT210 on the balance row's cell; `expected` as the report prints it."""
        message = (
            f"the {stated.label} balance {stated.text!r} is not the running balance here, "
            f"{expected} ({where}): a row is missing or listed twice, or the profile's sign "
            "convention is wrong; download the statement again, or correct the profile"
        )
        return self.report.fail(stated.line, stated.field, message, code="FCT210")


class Row:
    """One data row of a report: its line and cells, read by field through the header.

    Each reader takes the cell in line rather than through `cell()`: a report's row
    reads a dozen fields, and a call costs as much as reading one. A field the report
    has no column for is looked up, not caught: an exception per row would cost more.
    """

    __slots__ = ("cells", "line", "report")

    def __init__(self, report: Report, line: int, cells: list[Cell]) -> None:
        self.report, self.line, self.cells = report, line, cells

    def _own_currency(self, field: str, text: str) -> None:
        """FCT207 if the cell is marked with another currency than its row's currency
        column says (`USD 1,440.00` on a row of CAD): booked in the row's, it would be
        another figure without a word."""
        currency = self.text("currency").upper() or self.report.profile.currency
        marker = other_currency(text, currency)
        if marker is not None:
            raise self.fail(
                field,
                f"{text!r} is marked {marker}, but this row's currency is {currency}: "
                "correct the cell or the row's currency",
                code="FCT207",
            )

    def has(self, field: str) -> bool:
        """True if the file has a column for this field."""
        return field in self.report.index

    def cell(self, field: str) -> Cell:
        try:
            return self.cells[self.report.index[field]]
        except (KeyError, IndexError):  # no such column, or a short row of a workbook
            return ""

    def text(self, field: str) -> str:
        position = self.report.index.get(field)
        cells = self.cells
        if position is None or position >= len(cells):  # no such column, or a short row
            return ""
        value = cells[position]
        return value.strip() if type(value) is str else text_of(value)

    def fail(self, field: str, message: str, *, code: str) -> ImportFailure:
        """An error about this row's cell of `field`, naming the column as the file does."""
        return self.report.fail(self.line, field, message, code=code)

    def need(self, field: str) -> str:
        text = self.text(field)
        if not text:
            raise self.fail(field, "the cell is empty; a value is required here", code="FCT205")
        return text

    def amount(self, field: str, required: bool = False) -> Decimal | None:
        """A money amount, or None for an empty cell (an error if `required`)."""
        position = self.report.index.get(field)
        cells = self.cells
        value = cells[position] if position is not None and position < len(cells) else ""
        if type(value) is str:
            text = value.strip()
        elif isinstance(value, Decimal):
            try:
                # An Excel number: what it shows, in the row's currency's whole units.
                currency = self.text("currency").upper() or self.report.profile.currency
                return workbook_amount(value, currency)
            except ValueError as exc:  # 1e308 in a workbook (found by fuzzing)
                raise self.fail(field, str(exc), code="FCT207") from None
        else:
            text = text_of(value)
        if text:
            try:
                number = self.report.numbers(text)
            except ValueError as exc:
                if not _dash_zero(self.report.profile, field, text):
                    raise self.fail(field, str(exc), code="FCT207") from None
                number = Decimal(0)  # Excel's accounting zero, `$ -`
            if self.report.numbers_unmarked:
                self._own_currency(field, text)
            return number
        if required:
            raise self.missing(field)
        return None

    def missing(self, field: str) -> ImportFailure:
        """FCT205 for an empty amount; in a row that names no invoice (a report's line of
        totals or balances), with how to leave such a row out."""
        message = "the cell is empty; an amount is required here"
        if "invoice" in self.report.index and not self.text("invoice"):
            message += (
                "; if this row is a line of totals or balances, give the profile "
                "total_marker= a pattern of its label"
            )
            if self.report.profile.kind == "reserve":
                # (Its label under the Date, Type or Description column.)
                message += " (for a balance checked against the rows', balance_marker=)"
        return self.fail(field, message, code="FCT205")

    def size(self, field: str) -> Decimal | None:
        """A figure that has no direction (a fee, a reserve): its sign is how it was shown."""
        value = self.amount(field)
        return None if value is None else abs(value)

    def amounts(self, *fields: str) -> list[Decimal | None]:
        """`amount()` of several fields in one call (none required)."""
        return self._amounts(fields, False)

    def sizes(self, *fields: str) -> list[Decimal | None]:
        """`size()` of several fields in one call: the figures of a purchase report's row."""
        return self._amounts(fields, True)

    def _amounts(self, fields: tuple[str, ...], size: bool) -> list[Decimal | None]:
        report, cells = self.report, self.cells
        numbers, positions = report.numbers, report.positions.get(fields)
        if positions is None:
            index = report.index
            positions = report.positions[fields] = tuple(
                index.get(field, NOWHERE) for field in fields
            )
        found: list[Decimal | None] = []
        count = len(cells)
        for field, position in zip(fields, positions, strict=True):
            value = cells[position] if position < count else ""
            if type(value) is not str:  # a workbook's number: rounded as amount() rounds it
                found.append(self.size(field) if size else self.amount(field))
            elif text := value.strip():
                try:
                    number = numbers(text)
                except ValueError as exc:
                    if not _dash_zero(report.profile, field, text):
                        raise self.fail(field, str(exc), code="FCT207") from None
                    number = Decimal(0)  # Excel's accounting zero, `$ -`
                if report.numbers_unmarked:
                    self._own_currency(field, text)
                found.append(abs(number) if size else number)
            else:
                found.append(None)
        return found

    def texts(self, *fields: str) -> list[str]:
        """`text()` of several fields in one call."""
        index, cells = self.report.index, self.cells
        found: list[str] = []
        for field in fields:
            position = index.get(field)
            value = cells[position] if position is not None and position < len(cells) else ""
            found.append(value.strip() if type(value) is str else text_of(value))
        return found

    def date(self, field: str, required: bool = True) -> datetime.date | None:
        position = self.report.index.get(field)
        cells = self.cells
        value = cells[position] if position is not None and position < len(cells) else ""
        if type(value) is str:
            text = value.strip()
            if text:
                try:
                    return self.report.dates(text)
                except ValueError as exc:
                    message = str(exc)
                    if field in self.report.profile.key_fields:
                        # (A reserve ledger's label of totals under its Date; its
                        # `Closing Balance` is read by balance_marker=.)
                        message += (
                            "; if this row is a line of totals or balances, give the "
                            "profile total_marker= a pattern that matches its label, e.g. "
                            'r"totals?\\b|balance"'
                        )
                        if self.report.profile.kind == "reserve":
                            message += (
                                " (or, for a balance checked against the rows', balance_marker=)"
                            )
                    raise self.fail(field, message, code="FCT206") from None
            if required:
                raise self.fail(field, "the cell is empty; a date is required here", code="FCT205")
            return None
        try:
            return workbook_date(value)
        except ValueError as exc:
            raise self.fail(field, str(exc), code="FCT206") from None

    def percent(self, field: str) -> Decimal | None:
        """A rate as a fraction (0.95), read in the profile's percent style; at most 100 %
        either way (an advance or a fee rate; a larger one is a misread column)."""
        value = self.cell(field)
        text = text_of(value)
        if not text:
            return None
        if isinstance(value, ExcelPercent):
            rate = Decimal(value)
        else:
            rate = self._rate(field, value, text)
        if not rate.is_finite() or abs(rate) > 1:
            raise self.fail(field, f"{text!r} is not a percentage from 0 to 100 %", code="FCT207")
        return rate

    def _rate(self, field: str, value: Cell, text: str) -> Decimal:
        style = self.report.profile.percent
        if isinstance(value, Decimal):
            number = value
        else:
            try:
                number = self.report.rates(text.rstrip("% "))
            except ValueError as exc:
                raise self.fail(field, f"{text!r} is not a percentage", code="FCT207") from exc
        if text.endswith("%"):
            return number / 100
        if style in ("percent", "number"):
            if field == "advance_rate" and 0 < number < 1:
                # No factor advances less than 1 % of the face: a bare 0.9 here is a
                # fraction the profile's style would read as 0.9 % (an advance of 9.00
                # on 1,000.00, which the plugin then blames on the factor).
                message = (
                    f"{text!r} is an advance rate of {number} % by the profile's "
                    f"percent={style!r} (bare rates are percentages), less than 1 %: if the "
                    "file writes rates as fractions (0.9 for 90 %), give the profile "
                    "percent='fraction' (or percent='auto'); else correct the cell"
                )
                raise self.fail(field, message, code="FCT207")
            return number / 100
        if style == "auto":
            return self._auto_rate(field, number, text)
        return number

    def _auto_rate(self, field: str, number: Decimal, text: str) -> Decimal:
        """A bare rate under percent="auto": 1 or more is a percentage, and so is every
        rate below 1 in a file that writes one so (90 for an advance rate). An advance
        rate below 1 is a fraction (0.9, not 0.9 %).

        Another rate below 1 with nothing to show which is meant is a fraction when
        small (0.025); from 0.1 it would be 10 % or more read as a fraction, 0.1 % or
        more as a percentage (a fee of 0.75): asked, not guessed. A rate read as a
        fraction so, before a later one shows bare percentages, is an error too."""
        report = self.report
        if number >= 1:
            if report.fraction_read is not None:
                line, name, first = report.fraction_read
                message = (
                    f"{text!r} is a bare percentage, but {first!r} (line {line}, column "
                    f"{name!r}) was read as a fraction: give the profile percent='percent' "
                    "if the file's rates are percentages, or percent='fraction'"
                )
                raise self.fail(field, message, code="FCT207")
            report.rate_style = "number"
            return number / 100
        if not number or field == "advance_rate":
            return number
        if report.rate_style == "number":
            return number / 100
        if number >= Decimal("0.1"):
            message = (
                f"{text!r} may be {(number * 100).normalize()} % (a fraction) or {text} % "
                "(a percentage): give the profile percent='fraction' or percent='percent'"
            )
            raise self.fail(field, message, code="FCT207")
        if report.fraction_read is None:
            position = report.index.get(field)
            name = report.header.names[position] if position is not None else field
            report.fraction_read = (self.line, name, text)
        return number
