"""The entries of a factor's reserve ledger: releases, fees, and balance assertions.

A reserve ledger lists every movement of the reserve the factor holds back, with a
running balance:

    Date,Transaction Type,Batch#,Invoice #,Description,Amount,Balance
    03/03/2025,Purchase,Schedule#3110,,Reserve holdback,$201.25,$201.25
    04/04/2025,CashPosting,Collection Report#772,RF-1102,Short pay,($50.00),$151.25
    04/08/2025,Release,ACH 77812,,Reserve release (rebate),($151.25),$0.00

Only releases (a bank line, `factoring: "release"`) and the fees the factor took from
the reserve that belong to no invoice become transactions. Holdbacks, short pays,
chargebacks and the fees of an invoice are what the plugin books from the other events,
so they become nothing; they still count in the running balance, which becomes
`balance` assertions on the reserve account and is checked as the rows are read (a
wrong sign convention in the profile shows there).

Each row is kept as a `Movement`, its figures and texts without the row's cells: the
balances can be checked only once every row is read, in whichever order the report
lists them.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from beancount_factoring.importers.base import ColumnSigns, both_sides
from beancount_factoring.importers.factor_entries import (
    LINK,
    ZERO,
    Context,
    entry_meta,
    fail_at,
    make_amount,
    row_currency,
)
from beancount_factoring.importers.report import Report, Row


@dataclass(slots=True)
class Movement:
    """One reserve ledger row, signed as the client sees it (+ adds to the reserve)."""

    line: int
    day: datetime.date
    meaning: str
    amount: Decimal
    balance: Decimal | None
    currency: str
    reference: str
    invoice: str
    description: str
    type: str


def _movement(row: Row, signs: ColumnSigns) -> Movement:
    profile = row.report.profile
    day = row.date("date")
    assert day is not None
    if profile.sign == "debit-credit":
        debit, credit = _side(row, "debit", signs), _side(row, "credit", signs)
        if debit is None and credit is None:
            raise row.fail("debit", "neither a debit nor a credit is given", code="FCT205")
        if debit and credit:
            shown = both_sides(row.cell("debit"), row.cell("credit"))
            raise row.fail("credit", shown, code="FCT210")
        amount = (credit or ZERO) - (debit or ZERO)
    else:
        value = row.amount("amount", required=True)
        assert value is not None
        amount = -value if profile.sign == "inverted" else value
    balance = row.amount("balance") if row.has("balance") else None
    if balance is not None and profile.sign == "inverted":
        balance = -balance
    reference, invoice, description, kind = row.texts(
        "reference", "invoice", "description", "type"
    )
    meaning = profile.meaning(kind)
    currency = row_currency(row)
    return Movement(
        row.line, day, meaning, amount, balance, currency, reference, invoice, description, kind
    )


def _side(row: Row, field: str, signs: ColumnSigns) -> Decimal | None:
    """The size of a debit or credit (a column says its direction, as a bank statement's
    does); FCT211 once its column writes both signs (`ColumnSigns`, the bank importer's
    rule)."""
    number = row.amount(field)
    if number is None:
        return None
    names = row.report.header.names
    index = row.report.index
    own = names[index[field]].strip()
    other_field = "credit" if field == "debit" else "debit"
    other = names[index[other_field]].strip() if other_field in index else other_field
    mixed = signs(own, other, field == "credit", row.line, row.text(field), number)
    if mixed is not None:
        raise row.report.fail(mixed[0], field, mixed[1], code="FCT211")
    return abs(number)


def _check_running(report: Report, moves: list[Movement]) -> None:
    """The running balance must follow from the amounts: a wrong sign setting shows here."""
    descending = _newest_first(report, moves)
    ordered = list(reversed(moves)) if descending else moves
    for before, after in itertools.pairwise(ordered):
        if before.balance is None or after.balance is None:
            continue
        if before.currency == after.currency and before.balance + after.amount != after.balance:
            raise report.fail(
                after.line,
                "balance",
                f"the balance {after.balance} does not follow from {before.balance} and the "
                f"amount {after.amount}: check the profile's sign convention",
                code="FCT210",
            )
    if descending:
        moves.reverse()


def _newest_first(report: Report, moves: list[Movement]) -> bool:
    """True if the report lists its newest row first: its dates say so, or, all on one day,
    its running balance does (it follows from the amounts read bottom up only)."""
    days = [move.day for move in moves]
    later = any(a < b for a, b in itertools.pairwise(days))
    earlier = any(a > b for a, b in itertools.pairwise(days))
    if later and earlier:
        return _out_of_order(report, moves)
    if later or earlier:
        return earlier
    return not _runs(moves) and _runs(moves[::-1])


def _out_of_order(report: Report, moves: list[Movement]) -> bool:
    """The order of a report whose rows are not in date order: a row posted late (a fee
    dated 04/02 below the 04/04 rows) is read as listed when the running balance follows
    the rows as listed (the balance assertions are then those of the days the order
    leaves right: `_closing_rows`). FCT210 naming the first row out of order otherwise:
    a statement sorted by another column."""
    first, last = moves[0].day, moves[-1].day
    descending = first > last if first != last else not _runs(moves) and _runs(moves[::-1])
    if _runs(moves[::-1] if descending else moves):
        return descending
    before, after = next(
        (a, b)
        for a, b in itertools.pairwise(moves)
        if (b.day > a.day if descending else b.day < a.day)
    )
    raise report.fail(
        after.line,
        "date",
        f"the rows are not in date order ({after.day:%m/%d/%Y} here, after "
        f"{before.day:%m/%d/%Y} on line {before.line}), and the running balance does not "
        "follow the rows as they are listed: was the statement sorted by another column? "
        "Download it again, or put its rows back in the order of its running balance",
        code="FCT210",
    )


def _closing_rows(moves: list[Movement]) -> set[int]:
    """The `id()`s of the rows that close their day (in their currency): the last row of
    the day, where every row listed before it is of that day or earlier and every row
    after it later. In a report in date order, each day's last row; in one with a row
    posted late, not the days that row's date falls among (their balances leave out or
    count a row of another day, as the ledger books it)."""
    closing: set[int] = set()
    by_currency: dict[str, list[Movement]] = {}
    for move in moves:
        by_currency.setdefault(move.currency, []).append(move)
    for group in by_currency.values():
        # The earliest date of the rows after each row.
        after: list[datetime.date | None] = [None] * len(group)
        earliest: datetime.date | None = None
        for i in range(len(group) - 1, -1, -1):
            after[i] = earliest
            day = group[i].day
            earliest = day if earliest is None or day < earliest else earliest
        latest: datetime.date | None = None
        for move, following in zip(group, after, strict=True):
            latest = move.day if latest is None or move.day > latest else latest
            if latest == move.day and (following is None or following > move.day):
                closing.add(id(move))
    return closing


def _runs(moves: list[Movement]) -> bool:
    """True if each balance given follows from the one before and the row's amount."""
    return all(
        before.balance + after.amount == after.balance
        for before, after in itertools.pairwise(moves)
        if before.balance is not None
        and after.balance is not None
        and before.currency == after.currency
    )


def reserve_ledger(report: Report, ctx: Context) -> list[data.Directive]:
    """Releases, fees of no invoice, and balance assertions from a reserve ledger."""
    signs = ColumnSigns()
    moves = [_movement(row, signs) for row in report.rows()]
    _check_running(report, moves)
    entries: list[data.Directive] = []
    releases: dict[tuple[datetime.date, str, str], list[Movement]] = {}
    for move in moves:
        if move.meaning == "release" and ctx.releases:
            key = (move.day, move.reference, move.currency)
            releases.setdefault(key, []).append(move)
        elif move.meaning == "fee" and not move.invoice and move.amount:
            entries.append(_fee(report, move, ctx))
    for (day, reference, currency), group in releases.items():
        entries.append(_release(report, day, reference, currency, group, ctx))
    if ctx.balances != "none":
        # A day whose last row gives no balance gets no assertion: the balance of a row
        # before it leaves out that row's amount, which the ledger books that day.
        closing = _closing_rows(moves)
        chosen = [move for move in moves if id(move) in closing and move.balance is not None]
        if ctx.balances == "last" and chosen:
            last: dict[str, Movement] = {move.currency: move for move in chosen}
            chosen = list(last.values())
        for move in chosen:
            assert move.balance is not None
            meta = entry_meta(
                report, move.line, ctx, "balance", move.day, move.balance, move.currency
            )
            units = make_amount(move.balance, move.currency)
            fail = fail_at(report, move.line, "balance")
            reserve = ctx.terms(move.currency, fail).reserve
            reserve = ctx.takes(reserve, move.currency, "reserve", fail)
            # A balance assertion holds at the start of its day: the day after the row.
            day = move.day + datetime.timedelta(days=1)
            entries.append(data.Balance(meta, day, reserve, units, None, None))
    return entries


def _release(
    report: Report,
    day: datetime.date,
    reference: str,
    currency: str,
    group: list[Movement],
    ctx: Context,
) -> data.Transaction:
    first = group[0]
    cash = -sum((move.amount for move in group), ZERO)
    if cash <= 0:
        message = (
            f"a release of {-cash} adds to the reserve: a release pays the reserve out. "
            'If the report\'s signs run the other way, give the profile sign="inverted"; '
            "a reversed release is booked by hand"
        )
        raise report.fail(first.line, "amount", message, code="FCT211")
    fail = fail_at(report, first.line, "type")
    terms = ctx.terms(currency, fail)
    if terms.bank is None:
        raise report.fail(
            first.line,
            "type",
            "a release is paid into the bank: give bank= to the importer, or load the ledger "
            "with the factor's agreement (extract -e)",
            code="FCT209",
        )
    invoices = [move.invoice for move in group]
    # Link the invoices only if every row names one: otherwise the plugin matches the
    # release by its amount, which it could not do with a partial list.
    links = frozenset(invoices) if all(invoices) else frozenset()
    for move in group:
        if move.invoice and not LINK.match(move.invoice):
            raise report.fail(
                move.line, "invoice", "an invoice number cannot be a link", code="FCT208"
            )
    parts = (day, reference, cash, currency, sorted(links))
    meta = entry_meta(report, first.line, ctx, "release", *parts)
    meta["factoring"] = "release"
    meta["factor"] = ctx.factor
    text = first.description or first.type or "Reserve release"
    narration = f"{text}, {reference}" if reference else text
    bank = ctx.takes(terms.bank, currency, "bank", fail)
    reserve = ctx.takes(terms.reserve, currency, "reserve", fail)
    postings = [
        data.Posting(bank, make_amount(cash, currency), None, None, None, None),
        data.Posting(reserve, make_amount(-cash, currency), None, None, None, None),
    ]
    return data.Transaction(
        meta, day, ctx.flag, ctx.payee, narration, frozenset(), links, postings
    )


def _fee(report: Report, move: Movement, ctx: Context) -> data.Transaction:
    charge = -move.amount
    parts = (move.day, move.reference, charge, move.description)
    meta = entry_meta(report, move.line, ctx, "fee", *parts)
    meta["factor"] = ctx.factor
    text = move.description or move.type
    narration = f"{text}, {move.reference}" if move.reference else text
    fail = fail_at(report, move.line, "amount")
    terms = ctx.terms(move.currency, fail)
    fees = ctx.takes(terms.fees, move.currency, "fees", fail)
    reserve = ctx.takes(terms.reserve, move.currency, "reserve", fail)
    postings = [
        data.Posting(fees, make_amount(charge, move.currency), None, None, None, None),
        data.Posting(reserve, make_amount(-charge, move.currency), None, None, None, None),
    ]
    return data.Transaction(
        meta, move.day, ctx.flag, ctx.payee, narration, frozenset(), frozenset(), postings
    )
