"""Bank statement CSV importer: every bank's layout, configured in a few words.

A US bank's download, newest line first, with a running balance:

    Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,
    DEBIT,02/05/2025,"TRUCKLOG ELD SUBSCRIPTION",-35.00,DEBIT_CARD,17135.98,,
    CREDIT,02/05/2025,"LAKESHORE FUNDING LLC ACH CREDIT",4563.37,ACH_CREDIT,17170.98,,

is read by

    BankCsvImporter(
        "Assets:Bank:Checking",
        date="Posting Date", narration="Description", amount="Amount", balance="Balance",
        date_format="%m/%d/%Y", factors="ledger.beancount",
    )

A European one (`;`, decimal comma, dd.mm.yyyy, cp1252, an account number in a title row,
separate debit and credit columns) by `delimiter=";", decimal_mark=",", encoding="cp1252",
skip_rows=4, account_number="DE89 3704 0044 0532 0130 00", debit="Soll", credit="Haben"`.

A file is identified by its header: every configured column must be in it, and so must the
account number if one is given (in the file's name, the rows above its header, or a column
of each line's account, which every line must then show). A file that almost
fits (see `table.Claim`) is claimed too, and extract names the column its header lacks.
Each row becomes a bank line (see `banklines`); a running balance becomes one `balance`
assertion per statement date, dated the next day since Beancount checks a balance at the
start of its day. Each entry's `import-id` is made from the row's content, or from the
bank's reference column when there is one, so a download that overlaps an earlier one
dedupes. Every line is in the importer's `currency`: a column of each line's currency
(`Currency`, `Ccy`, ...) is checked, and a line in another currency is an error (FCT209).
"""

from __future__ import annotations

import datetime
import itertools
import os
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers import settings
from beancount_factoring.importers.banklines import (
    FactorPayees,
    FactorSource,
    Matcher,
    balance_entry,
    bank_transaction,
    check_opened,
    line_text,
)
from beancount_factoring.importers.base import (
    ID_KEY,
    ColumnSigns,
    Dates,
    Importer,
    ImportFailure,
    Numbers,
    RowIds,
    both_sides,
    no_gc_pauses,
)
from beancount_factoring.importers.held import mark_misdirected
from beancount_factoring.importers.inert import inert_entries
from beancount_factoring.importers.readers import Layout
from beancount_factoring.importers.table import (
    AccountLines,
    Claim,
    Table,
    check_currency,
    currency_column,
    header_key,
    header_unit,
    latest_date,
)
from beancount_factoring.terms.fees import not_whole, smallest_unit

ONE_DAY = datetime.timedelta(days=1)


_Columns = dict[str, int | None]

# What an empty amount on a bank line says (every line moves money).
_NO_AMOUNT = (
    "a bank line needs an amount; delete the line from the file if it moves no money (a "
    "pending or note line)"
)


# What a bank writes in a column of each line's status (Citi's `Pending`, `Cleared`;
# Mercury's `Sent`, `Failed`; DKB's `Gebucht`, `Vorgemerkt`), compared without regard to
# case or spaces: a line that moved money, and one that did not, or not yet. A pending
# line is given again once it posts, often with another amount or date (a fuel pump's
# hold, a tip): it is not booked.
_POSTED = frozenset(
    ["", "posted", "cleared", "complete", "completed", "settled", "booked", "sent", "paid",
     "processed", "reconciled", "success", "successful", "executed",
     "gebucht", "ausgeführt", "comptabilisé", "comptabilisée", "exécuté", "exécutée",
     "contabilizado", "contabilizada", "procesado", "procesada"]
)  # fmt: skip
_PENDING = frozenset(
    ["pending", "authorized", "authorised", "authorization", "authorisation", "hold",
     "on hold", "held", "processing", "in progress", "in process", "scheduled", "memo",
     "memo post", "memo posted",
     "vorgemerkt", "ausstehend", "in bearbeitung", "en attente", "en cours", "à venir",
     "pendiente", "en proceso", "retenido"]
)  # fmt: skip
# Of those, the words of a line that never moves money: it will not post later
# (Revolut's `Reverted`: a card payment undone before it posted).
_FAILED = frozenset(
    ["failed", "cancelled", "canceled", "declined", "rejected", "void", "voided", "expired",
     "reverted",
     "abgelehnt", "storniert", "fehlgeschlagen", "rejeté", "rejetée", "annulé", "annulée",
     "rechazado", "rechazada", "cancelado", "cancelada"]
)  # fmt: skip
_NOT_POSTED = _PENDING | _FAILED
# What a line left out is: one that may post later, or one that never will.
PENDING, FAILED = "pending", "failed"
# The headers of a column of each line's status (as `header_key` makes them).
_STATUS_HEADERS = (
    "status", "transactionstatus", "postingstatus", "poststatus", "txnstatus",
    "trans.status", "transstatus", "transactionstate", "txnstate", "itemstatus",
    "entrystatus", "buchungsstatus", "umsatzstatus", "statut",
)  # fmt: skip
# A header that may name a status or something else (a card export's merchant State, a
# Spanish bank's Estado): a status column once a cell holds a status word.
_MAYBE_STATUS_HEADERS = ("state", "estado")
# A description in which the bank marks a line pending: `PENDING - ACH DEBIT ...`,
# `Pending: ...`, `*PENDING* ...`, `... (PENDING)`, `[Pending] ...`, `... - PENDING`, or
# the word alone. Not a name that begins with the word (`Pending Invoice Payment Co`) nor
# a text that holds it (`Payment for pending order`): the bank sets its mark apart.
_PENDING_MARK = re.compile(
    r"^\W*pending\W*$"
    r"|^[\s*]*pending\s*(?:[-\u2013\u2014:|]|\*)"
    r"|[(\[]\s*pending\s*[)\]]"
    r"|\s[-\u2013\u2014:|]\s*pending\W*$",
    re.IGNORECASE,
)


def _words(values: Sequence[str]) -> frozenset[str]:
    return frozenset(" ".join(v.split()).casefold() for v in values)


def _status_column(
    table: Table, column: str | bool | None, configured: Sequence[str | None]
) -> tuple[int | None, str, bool]:
    """(position, name, certain) of the column of each line's status: the one given,
    else the first under a status header, else one under a header that may be one
    (`State`, not certain); (None, "", True) for none."""
    if isinstance(column, str):
        return table.column(column), column, True
    if column is not None:
        return None, "", True
    used = {header_key(name) for name in configured if name}
    for headers, certain in ((_STATUS_HEADERS, True), (_MAYBE_STATUS_HEADERS, False)):
        for name in table.header.names:
            key = header_key(name)
            if key in headers and key not in used:
                return table.column(name), name, certain
    return None, "", True


class _Status:
    """Which lines of a file are not booked: those its column of each line's status
    says are pending or failed, those whose date says `Pending`, and, in a file with no
    status column, those whose description marks them pending (`_PENDING_MARK`)."""

    def __init__(
        self,
        table: Table,
        column: str | bool | None,
        configured: Sequence[str | None],
        posted: frozenset[str],
        not_posted: frozenset[str],
        texts: Sequence[int | None],
    ) -> None:
        self.index, self.name, self.certain = _status_column(table, column, configured)
        # A column that may be a status: its first cell that is no status word, until a
        # status word shows it is one (then that cell is a status not known).
        self.stranger: tuple[int, str] | None = None
        # The description's columns, read for a mark unless the file has a status column
        # or the importer is told there is none (status=False).
        self.texts = [i for i in texts if i is not None] if column is None else []
        self.posted = (_POSTED - not_posted) | posted
        self.not_posted = (_NOT_POSTED - posted) | not_posted

    def skipped(self, table: Table, line: int, cells: list[str], date: str) -> str | None:
        """PENDING for a line that moved no money yet (it may post later), FAILED for one
        that never will, None for a line that did; FCT209 for a status not known."""
        if date.casefold() == "pending":
            return PENDING
        if self.index is None:
            return self._marked(cells)
        text = cells[self.index]
        word = " ".join(text.split()).casefold()
        known = word in self.posted or word in self.not_posted
        if not self.certain:
            if not known:
                self.stranger = self.stranger or (line, text)
            if not known or not word:
                return self._marked(cells)  # (no status column, yet)
            self.certain = True  # a status word: the column is a status column
            if self.stranger is not None:  # and a cell before it no status
                raise self._unknown(table, *self.stranger)
        if word in self.posted:
            return None
        if word in self.not_posted:
            # (A word of the user's own, pending_status=, may be either: pending, which
            # asserts fewer balances.)
            return FAILED if word in _FAILED else PENDING
        raise self._unknown(table, line, text)

    def _marked(self, cells: list[str]) -> str | None:
        """PENDING for a line whose description marks it pending (`_PENDING_MARK`)."""
        for i in self.texts:
            text = cells[i]
            # (The word first: the mark's search costs thirty times as much, every line.)
            if "pending" in text.casefold() and _PENDING_MARK.search(text):
                return PENDING
        return None

    def _unknown(self, table: Table, line: int, text: str) -> ImportFailure:
        shown = text.strip()
        message = (
            f"the line's status is {shown!r}, which the importer does not know: give it "
            f"posted_status=[{shown!r}] if such a line moved money (it is booked), or "
            f"pending_status=[{shown!r}] if it did not, or not yet (it is left out, as a "
            "pending or failed line is)"
        )
        if not self.certain or self.stranger is not None:
            message += f"; if {self.name!r} is no status (a place), give the importer status=False"
        return table.fail(line, self.name, message, code="FCT209")


# A column of each line's direction beside its amount (Mint's `Transaction Type`, ING's
# `Af Bij`, a Volksbank's `Soll/Haben`, Chase's `Details`), headers as `header_key`
# makes them, and the words that say money out and money in.
_DIRECTION_HEADERS = (
    "transactiontype", "type", "details", "debit/credit", "debitcredit", "credit/debit",
    "creditdebit", "dr/cr", "drcr", "cr/dr", "crdr", "direction", "indicator",
    "debitcreditindicator", "afbij", "af/bij", "soll/haben", "sollhaben", "s/h",
)  # fmt: skip
_OUT_WORDS = frozenset(("debit", "dr", "d", "db", "withdrawal", "af", "s", "soll"))
_IN_WORDS = frozenset(("credit", "cr", "c", "deposit", "bij", "h", "haben"))


class _Direction:
    """A column of each line's direction (`_DIRECTION_HEADERS`) beside a signed amount
    column. A file whose amounts are signed has them agree with it (Chase: DEBIT beside
    -35.00); one whose amounts are unsigned (Mint, ING, a Volksbank) has the column say
    which way each goes. Read as signed, every debit of such a file was booked as money
    in. A file that does both (a DEBIT of -35.00, and one of +20.00 on another line) is
    FCT211: which way that line went cannot be told."""

    def __init__(self, table: Table, column: str | bool | None, used: Sequence[str | None]):
        self.index: int | None = None
        self.name = ""
        if isinstance(column, str):
            self.index, self.name = table.column(column), column
        elif column is None:
            keys = {header_key(name) for name in used if name}
            for name in table.header.names:
                if header_key(name) in _DIRECTION_HEADERS and header_key(name) not in keys:
                    self.index, self.name = table.column(name), name
                    break
        # The first line of each way of writing: signed (a negative amount beside the
        # column's word), and unsigned (a positive amount the column says goes out).
        self.signed: tuple[int, str, str] | None = None
        self.unsigned: tuple[int, str, str] | None = None

    def __call__(
        self, table: Table, line: int, cells: list[str], raw: Decimal, number: Decimal
    ) -> Decimal:
        """The line's amount: `number` (the amount as read, `negate=` applied), or, in a
        file of unsigned amounts, `raw` the way the column says."""
        if self.index is None or not raw:
            return number
        text = cells[self.index].strip()
        word = text.casefold()
        out = word in _OUT_WORDS
        if not out and word not in _IN_WORDS:
            return number  # (CHECK, a type that says no direction)
        if raw < 0:
            self.signed = self.signed or (line, text, str(raw))
        elif (number > 0) == out:
            self.unsigned = self.unsigned or (line, text, str(raw))
        if self.signed and self.unsigned:
            raise self._both(table, line)
        if raw > 0 and self.unsigned:
            return -raw if out else raw
        return number

    def _both(self, table: Table, line: int) -> ImportFailure:
        assert self.signed is not None and self.unsigned is not None
        (line1, word1, amount1), (_, word2, amount2) = sorted((self.signed, self.unsigned))
        message = (
            f"the line is {word2!r} with the amount {amount2}, and line {line1} is {word1!r} "
            f"with {amount1}: the amounts are signed on one and not on the other, and which "
            f"way this line went cannot be told; correct the amount's sign (a minus for "
            f"money out), or, if {self.name!r} says no direction, give the importer "
            "direction=False"
        )
        return table.fail(line, self.name, message, code="FCT211")


def _cell(cells: list[str], index: int | None) -> str:
    """A cell's text, stripped; '' for a column not configured (`Table.rows()` checked the
    row's length)."""
    return "" if index is None else cells[index].strip()


def _names(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _slug(account: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", account.split(":")[-1].lower()).strip("-") or "bank"


# A bank's payee and narration may both be read from its one Description column.
_PAYEE_NARRATION = frozenset(("payee", "narration"))


def _check(
    columns: dict[str, str | None],
    narration: object,
    status: object,
    currency: str,
    account_number: str | None,
    skip_rows: int,
    direction: object = None,
) -> None:
    """ValueError (or TypeError) for a mistake in the importer's arguments (`settings`)."""
    settings.currency(currency)
    settings.text(account_number, "account_number", "'0417'")
    settings.skip_rows(skip_rows)
    more = {key: value for key, value in (("status", status), ("direction", direction))}
    named = {key: value for key, value in more.items() if isinstance(value, str)}
    settings.columns({**columns, "narration": narration, **named}, [_PAYEE_NARRATION])


class BankCsvImporter(Importer):
    """A bank statement CSV with configurable columns (see the module docstring).

    Args:
      account: The bank account the statement is of.
      currency: The statement's currency.
      date, narration, payee, amount, debit, credit, balance, reference: Header names of
        the columns. `narration` may list several columns, joined with a space. Give
        `amount` (signed), or `debit` and/or `credit` (withdrawals and deposits).
      date_format: A strptime format, or several tried in turn.
      decimal_mark, thousands: How numbers are written (thousands defaults to the other
        of "," and ".").
      delimiter, encoding, skip_rows: How the file is written; `skip_rows` counts the
        lines before the header.
      account_number: Identify only files that show this number (name or first lines).
      signature: More header names a file must have to be identified.
      filename: A regular expression for the file's usual name.
      negate: Flip every amount (card statements that show charges as positive).
      status: The column of each line's status (`Status` and the like are found
        without it); a line it says is pending or failed is not booked. False: none.
      posted_status, pending_status: More words of that column for a line that moved
        money, and for one that did not (yet).
      direction: The column of each line's direction beside `amount` (`Type`, `Af Bij`,
        `Soll/Haben` and the like are found without it): unsigned amounts go the way
        it says. False: none.
      factors: Where the factor agreements come from (`banklines.FactorSource`).
      fallback: The account of lines from no factor; they are flagged `!`.
      name: The importer's unique name (Fava shows it); defaults to one with the account.
    """

    # Of the file read (`_extract`): the sign each debit and credit column writes, the
    # columns of amounts in cents, the column of each line's direction.
    signs: ColumnSigns
    in_cents: frozenset[str] = frozenset()
    way: _Direction

    def __init__(
        self,
        account: str,
        *,
        currency: str = "USD",
        date: str = "Date",
        narration: str | Sequence[str] = "Description",
        payee: str | None = None,
        amount: str | None = "Amount",
        debit: str | None = None,
        credit: str | None = None,
        balance: str | None = None,
        reference: str | None = None,
        date_format: str | Sequence[str] = "%m/%d/%Y",
        decimal_mark: str = ".",
        thousands: str | None = None,
        delimiter: str = ",",
        encoding: str = "utf-8-sig",
        skip_rows: int = 0,
        account_number: str | None = None,
        signature: Sequence[str] = (),
        filename: str | None = None,
        negate: bool = False,
        status: str | bool | None = None,
        direction: str | bool | None = None,
        posted_status: Sequence[str] = (),
        pending_status: Sequence[str] = (),
        factors: FactorSource = None,
        fallback: str = "Expenses:Uncategorized",
        name: str | None = None,
    ) -> None:
        if debit or credit:
            amount = None
        elif not amount:
            raise ValueError("give the amount column, or the debit and credit columns")
        self.bank = settings.account(account, "account", settings.NOT_MONEY)
        self.currency = currency
        self.columns = {
            "date": date,
            "payee": payee,
            "amount": amount,
            "debit": debit,
            "credit": credit,
            "balance": balance,
            "reference": reference,
        }
        # Without the bank's reference, a line's id is made of its content: the booked
        # entry of an id is that very line, however the bookkeeper edited it.
        _check(self.columns, narration, status, currency, account_number, skip_rows, direction)
        self.content_ids = reference is None
        self.date_column = date
        self.narration_columns = _names(narration)
        self.formats = _names(date_format)
        self.decimal_mark = decimal_mark
        self.thousands = (
            thousands if thousands is not None else "," if decimal_mark != "," else "."
        )
        self.numbers = Numbers(decimal_mark, self.thousands, self.currency, money=True)
        self.smallest = smallest_unit(self.currency)  # a cell's amount is in whole ones
        self.dates = Dates(self.formats)
        # An undecodable byte is placed by its position: path:line:column, for an editor.
        self.layout = Layout(delimiter, encoding, skip_lines=skip_rows, byte_position=True)
        self.account_number = account_number
        configured = [c for c in self.columns.values() if c] + list(self.narration_columns)
        configured += [column for column in (status, direction) if isinstance(column, str)]
        self.status, self.direction = status, direction
        self.posted_status = _words(_names(posted_status))
        self.pending_status = _words(_names(pending_status))
        self.signature = tuple(configured) + tuple(signature)
        self.claim = Claim(
            self.layout,
            configured,
            signature,
            filename=filename,
            account_number=account_number,
        )
        self.negate = negate
        self.payees = FactorPayees(factors)
        self.fallback = settings.account(fallback, "fallback")
        self._name = name or f"{type(self).__module__}.{type(self).__name__}:{account}"

    @property
    def name(self) -> str:
        return self._name

    def identify(self, filepath: Any) -> bool:
        return self.claim(os.fspath(filepath))

    def diagnose(self, filepath: Any) -> str | None:
        """For a claimed file: the error its header gives extract, or None."""
        return self.claim.diagnose(os.fspath(filepath))

    def near_miss(self, filepath: Any) -> tuple[float, str] | None:
        """For a file not claimed: how much of the configuration it has, and what not."""
        return self.claim.near_miss(os.fspath(filepath))

    def account(self, filepath: Any) -> str:
        return self.bank

    def filename(self, filepath: Any) -> str | None:
        return f"{_slug(self.bank)}.statement.csv"

    def date(self, filepath: Any) -> datetime.date | None:
        """The latest date in the statement (one pass that reads only the dates); None if
        the file cannot be read: Fava lists a file by its date, and extract says what is
        wrong with it."""
        try:
            # (Its own reader: a file's dates settle their order for that file alone.)
            return latest_date(
                os.fspath(filepath), self.layout, self.date_column, Dates(self.formats)
            )
        except ImportFailure:
            return None

    def _number(self, table: Table, line: int, text: str, name: str | None) -> Decimal:
        try:
            number = self.numbers(text)
        except ValueError as exc:
            message = f"{exc}; amounts here look like {self._example()}"
            raise table.fail(line, name, message, code="FCT207") from None
        if name in self.in_cents:
            if number != number.to_integral_value():
                message = (
                    f"{text!r} cents is not a whole number of cents, as the header "
                    f"{name!r} says the column's amounts are: correct the cell"
                )
                raise table.fail(line, name, message, code="FCT207")
            number = number.scaleb(-2)
        if number != number.quantize(self.smallest):  # (whole_units, the unit read once)
            # (Booked, the fraction would stay on the account: no bank moves one.)
            message = (
                f"{text!r} is not in whole {not_whole(number, self.currency)}: no "
                "bank moves a fraction of a cent; correct the cell (or, if the column holds "
                "another figure, a rate or a quantity, name the amount's column)"
            )
            raise table.fail(line, name, message, code="FCT207")
        return number

    def _units(self, table: Table) -> frozenset[str]:
        """The money columns whose header says their amounts are cents (`header_unit`);
        FCT209 at the header for one that names a unit the importer does not read."""
        cents = set()
        for key in ("amount", "debit", "credit", "balance"):
            name = self.columns[key]
            index = table.column(name)
            if name is None or index is None:
                continue
            try:
                unit = header_unit(table.header.names[index], self.currency)
            except ValueError as exc:
                raise ImportFailure(
                    table.path, table.header.line, str(exc), name, code="FCT209"
                ) from None
            if unit != 1:
                cents.add(name)
        return frozenset(cents)

    def _example(self) -> str:
        return "1,234.56" if self.decimal_mark == "." else f"1{self.thousands}234,56"

    def _amount(self, table: Table, line: int, cells: list[str], cols: _Columns) -> Decimal:
        names = self.columns
        if names["amount"]:
            text = _cell(cells, cols["amount"])
            if not text:
                raise table.fail(
                    line, names["amount"], f"the cell is empty: {_NO_AMOUNT}", code="FCT205"
                )
            number = self._number(table, line, text, names["amount"])
            # (Unsigned amounts go the way a column of each line's direction says.)
            return self.way(table, line, cells, number, -number if self.negate else number)
        else:
            debit = _cell(cells, cols["debit"])
            credit = _cell(cells, cols["credit"])
            if not debit and not credit:
                shown = " or ".join(repr(c) for c in (names["debit"], names["credit"]) if c)
                raise table.fail(
                    line,
                    names["debit"] or names["credit"],
                    f"no amount in {shown}: {_NO_AMOUNT}",
                    code="FCT205",
                )
            out = self._side(table, line, debit, "debit") if debit else Decimal(0)
            into = self._side(table, line, credit, "credit") if credit else Decimal(0)
            if out and into:
                raise table.fail(line, names["credit"], both_sides(debit, credit), code="FCT210")
            # Banks write a withdrawal as 12.50 or as -12.50: either way it goes out
            # (`ColumnSigns`: one column writes one sign).
            number = abs(into) - abs(out)
        return -number if self.negate else number

    def _side(self, table: Table, line: int, text: str, side: str) -> Decimal:
        """A debit or credit cell's amount, signed as the file writes it; FCT211 once its
        column writes both signs (`ColumnSigns`)."""
        name = self.columns[side]
        number = self._number(table, line, text, name)
        other = self.columns["credit" if side == "debit" else "debit"]
        assert name is not None
        mixed = self.signs(name, other or side, side == "credit", line, text, number)
        if mixed is not None:
            raise table.fail(mixed[0], name, mixed[1], code="FCT211")
        return number

    def extract(self, filepath: Any, existing: Sequence[Any]) -> list[Any]:
        # The ledger, if one is to be loaded, is loaded before the collector is held off.
        check_opened(os.fspath(filepath), existing, self.bank, self.currency)
        matcher = self.payees.matcher(existing)
        held, due = self.payees.held(existing)
        with no_gc_pauses():
            entries = self._extract(os.fspath(filepath), matcher)
            if held is not None:  # customers that paid us for an invoice the factor holds
                mark_misdirected(entries, held, self.fallback, due)
            # The file's text, made inert for Fava's journal (inert.py).
            return inert_entries(entries)

    def _extract(self, path: str, matcher: Matcher) -> list[Any]:
        ids = RowIds("bank")
        self.dates = Dates(self.formats)  # a file's dates settle their order for it alone
        self.signs = ColumnSigns()
        entries: list[Any] = []
        days = _Days()
        names = self.columns
        with Table(path, self.layout) as table:
            cols = {key: table.column(name) for key, name in names.items()}
            self.in_cents = self._units(table)
            text_cols = [table.column(name) for name in self.narration_columns]
            # A column of each line's currency: every line must be in the importer's; one
            # of each line's account: every line must be of the importer's account.
            configured = [*names.values(), *self.narration_columns]
            currency = currency_column(table, configured)
            signed = [*configured, *self.claim.signature]  # (signature: not an account's)
            own_account = AccountLines(table, signed, self.account_number)
            status = _Status(
                table,
                self.status,
                configured,
                self.posted_status,
                self.pending_status,
                [cols["payee"], *text_cols],
            )
            way = self.direction if names["amount"] else False
            self.way = _Direction(table, way, [*configured, status.name])
            for line, cells in table.rows():
                own_account(table, line, cells)
                if currency is not None:
                    check_currency(table, line, cells, currency, self.currency)
                when = _cell(cells, cols["date"])
                left_out = status.skipped(table, line, cells, when)
                if left_out is not None:
                    # (A pending line may post on its own day: every later running
                    # balance then holds it, so none is asserted from that day on.)
                    held = left_out == PENDING or bool(_cell(cells, cols["balance"]))
                    days.skip(self._date_or_none(when), held)
                    continue
                try:
                    date = self.dates(when)
                except ValueError as exc:
                    raise table.fail(line, names["date"], str(exc), code="FCT206") from None
                number = self._amount(table, line, cells, cols)
                narration = " ".join([part for i in text_cols if (part := _cell(cells, i))])
                payee = _cell(cells, cols["payee"]) or None
                reference = _cell(cells, cols["reference"])
                if reference:
                    ident = ids(self.bank, reference)
                else:
                    ident = ids(self.bank, date, number, payee or "", narration)
                meta = data.new_metadata(path, line, {ID_KEY: ident})
                said = line_text(payee, narration)
                clearing = matcher.clearing(said, date, self.bank, self.currency)
                units = Amount(number, self.currency)
                entries.append(
                    bank_transaction(
                        meta, date, payee, narration, self.bank, units, clearing, self.fallback
                    )
                )
                if names["balance"]:
                    text = _cell(cells, cols["balance"])
                    running = self._number(table, line, text, names["balance"]) if text else None
                    days.add(line, date, number, running)
        self._against_balance(path, days.steps())
        for line, date, closing in days.closing():
            units = Amount(closing, self.currency)
            ident = ids(self.bank, "balance", date, closing)
            entries.append(balance_entry(path, line, ident, date + ONE_DAY, self.bank, units))
        return entries

    def _against_balance(self, path: str, steps: list[_Step]) -> None:
        """FCT210 when the running balance moves every day the other way from the
        amounts as read, or a hundred times as far: the amounts are read the wrong way
        round (negate=, debit and credit swapped) or in another unit, and the statement
        would be booked so. (A day that moves otherwise, a line the export left out, is
        for the balance assertions to tell; and so is a file of one such day, which a
        line left out may make by chance.)"""
        moving = [step for step in steps if step.moved]
        said = self._misread(moving) if len(moving) > 1 else None
        if said is None:
            return
        first = moving[0]
        message = (
            f"the running balance moves {first.change:+} on {first.date}, and the day's "
            f"amounts as read move {first.moved:+} (every day so): {said}"
        )
        raise ImportFailure(path, first.line, message, self.columns["balance"], code="FCT210")

    def _misread(self, moving: list[_Step]) -> str | None:
        """What the balance says of the amounts, when it moves otherwise than they do in
        one way every day; else None."""
        if all(step.change == -step.moved for step in moving):
            if self._owed(moving):
                return (
                    "the balance is what is owed on the card, written positive, where the "
                    "ledger holds what a card is owed negative (a charge is booked negative "
                    f"on {self.bank}, as the amounts are read): its balance assertions "
                    "cannot be given from it; import the file without balance= (a balance "
                    "typed from the statement is written negative)"
                )
            return f"the balance moves the other way from the amounts: {self._other_way()}"
        if all(step.change * 100 == step.moved for step in moving):
            return (
                "the balance moves a hundredth as far: the amounts are cents? (name it: "
                "`Amount (cents)`)"
            )
        if all(step.change == step.moved * 100 for step in moving):
            return (
                "the balance moves a hundred times as far: the balance is in cents? "
                "(`Balance (cents)`)"
            )
        return None

    def _other_way(self) -> str:
        """The setting that reads the amounts the way the balance moves."""
        if self.columns["debit"] and self.columns["credit"]:
            return "the debit and credit columns are swapped: give each the other's name"
        return "give the importer negate=False" if self.negate else "give it negate=True"

    def _owed(self, moving: list[_Step]) -> bool:
        """True for a card's account whose balance is what is owed, written positive, as a
        card's statement shows it: it moves the other way from the amounts read right (a
        charge negative). Read the wrong way round, a charge positive, the balance owed
        would move with them. (Its amounts read so, the other way round, and its
        positive balance assertions held: every charge a payment, in silence.)"""
        return self.bank.startswith("Liabilities:") and all(s.balance > 0 for s in moving)

    def _date_or_none(self, text: str) -> datetime.date | None:
        """The date of a line left out, if it has one that reads."""
        try:
            return self.dates(text)
        except ValueError:
            return None


class _Step(NamedTuple):
    """A day's closing balance beside the day before's: what it moved by (`change`), and
    what the day's booked lines move (`moved`); equal when the two agree."""

    line: int
    date: datetime.date
    balance: Decimal
    change: Decimal
    moved: Decimal


class _Days:
    """The running balance of a file's statement dates, and the balances it asserts."""

    def __init__(self) -> None:
        # Per date, the balance of its first and its last row in the file: which one
        # closes the day depends on the file's order, known only at the end.
        self.balances: dict[datetime.date, tuple[Decimal, int, Decimal, int]] = {}
        # The days with a pending line: a row without its balance yet (the bank's
        # balances leave it out, the ledger books it), or one left out (its status says
        # pending or failed): no balance of that day can be asserted.
        self.pending: set[datetime.date] = set()
        # A line left out that the bank's running balance may hold from its day on: one
        # that shows a balance, or a pending one (it may post on its own day, and the
        # balances after it change then). The day of a pending line with no date: the
        # file's last.
        self.held: list[datetime.date | None] = []
        # The dates of the first and the last row with a balance: the file's order.
        self.span: list[datetime.date] = []
        self.first_rows: list[tuple[datetime.date, Decimal, Decimal | None]] = []
        # Per date, what its booked lines move: each day's closing balance must follow.
        self.moved: dict[datetime.date, Decimal] = {}

    def skip(self, date: datetime.date | None, held: bool) -> None:
        if date is not None:
            self.pending.add(date)
        if held:
            self.held.append(date)

    def add(
        self, line: int, date: datetime.date, number: Decimal, running: Decimal | None
    ) -> None:
        if running is not None:
            first, first_line = self.balances.get(date, (running, line))[:2]
            self.balances[date] = (first, first_line, running, line)
            if not self.span:
                self.span.append(date)
            self.span[1:] = [date]
        else:
            self.pending.add(date)
        if len(self.first_rows) < ROWS_TO_ORDER:
            self.first_rows.append((date, number, running))
        self.moved[date] = self.moved.get(date, Decimal(0)) + number

    def closing(self) -> Iterator[tuple[int, datetime.date, Decimal]]:
        """(line, date, balance) of each day whose closing balance is known."""
        ascending = _ascending(self.span, self.first_rows)
        held_from = self._held_from()
        for date, (first, first_line, last, last_line) in self.balances.items():
            if date in self.pending or (ascending is None and first_line != last_line):
                continue  # a balance not known: a pending line, or an order not known
            if held_from is not None and date >= held_from:
                continue  # a line left out may be in the bank's balance
            closing, line = (first, first_line) if ascending is False else (last, last_line)
            yield line, date, closing

    def _held_from(self) -> datetime.date | None:
        """The first day whose balance may hold a line left out."""
        last_day = max(self.balances, default=None)
        held = [day or last_day for day in self.held]
        return min((day for day in held if day is not None), default=None)

    def steps(self) -> list[_Step]:
        """The `_Step` of each day whose closing
        balance is known and follows a day whose closing balance is known, in a file
        whose order is known: the day's balance less the day before's, beside what the
        day's lines move (booked alike, they are equal)."""
        if _ascending(self.span, self.first_rows) is None:
            return []
        closing = {date: (balance, line) for line, date, balance in self.closing()}
        found = []
        before: Decimal | None = None
        for date in sorted(self.moved):
            if date not in closing:
                before = None  # (a day of a line left out, or without its balance)
                continue
            balance, line = closing[date]
            if before is not None:
                found.append(_Step(line, date, balance, balance - before, self.moved[date]))
            before = balance
        return found


# How many rows a one-day file is read for two rows in a row with a running balance.
ROWS_TO_ORDER = 20


def _ascending(
    span: list[datetime.date], first_rows: list[tuple[datetime.date, Decimal, Decimal | None]]
) -> bool | None:
    """True if the file lists the oldest line first, False if the newest, None if it
    cannot be told. ``span``: the dates of its first and last rows with a balance (a
    pending line, dated otherwise, says nothing of the order)."""
    if len(span) == 2 and span[0] != span[1]:
        return span[0] < span[1]
    # All on one day: the running balance of two rows in a row says which way it runs.
    for (_, amount0, balance0), (_, amount1, balance1) in itertools.pairwise(first_rows):
        if balance0 is not None and balance1 is not None:
            return not (balance0 == balance1 + amount0 and balance1 != balance0 + amount1)
    return None
