"""The entries each kind of factor report becomes (the ledger syntax of docs/ledger.md).

A purchase report gives one `schedule` event per schedule, carrying the factor's own
figures on each invoice's leg (docs/ledger.md, "The factor's own figures"):

    2025-03-03 * "Lakeshore Funding" "Schedule 3110, 2 invoices" ^RF-1101 ^RF-1102
      import-id: "schedule-5c0e6f4d21aa"
      factoring: "schedule"
      factor: "Lakeshore"
      schedule: "3110"
      Assets:Factoring:Lakeshore:Clearing   4025.00 USD
      Assets:Receivable:Northstar          -2150.00 USD
        invoice: "RF-1101"
        advance: 2042.50 USD
        fee: 58.75 USD
        reserve: 107.50 USD
      Assets:Receivable:Crossroads         -1875.00 USD
        ...

A collections report gives `collected` events (with `paid:` when the debtor paid
another amount than the face), a recourse report `chargeback` events, and a reserve
ledger its releases (a bank line, `factoring: "release"`), the fees the factor took from
the reserve that belong to no invoice, and `balance` assertions on the reserve account
from its running balance. Holdbacks, short pays, chargebacks and the fees of an invoice
in a reserve ledger are what the plugin books from the other events, so they become
nothing; they still count in the running balance that the assertions check.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers.base import ID_KEY, RowIds
from beancount_factoring.importers.table import CENT, Row, Table

ZERO = Decimal(0)
_LINK = re.compile(r"^[A-Za-z0-9\-_/.]+$")


@dataclass
class Context:
    """What the entries of one file need to know beyond the file."""

    factor: str
    payee: str
    clearing: str
    reserve: str
    fees: str
    bank: str | None
    # (account, sure): sure is False when the account is a guess from the debtor's name.
    receivable: Callable[[str, str, str], tuple[str, bool]]
    flag: str = "*"
    balances: str = "daily"
    releases: bool = True
    ids: dict[str, RowIds] = field(default_factory=dict)

    def id(self, kind: str, *parts: object) -> str:
        ids = self.ids.setdefault(kind, RowIds(kind))
        return ids(self.factor.lower(), *parts)


def _meta(row: Row, ctx: Context, kind: str, *parts: object) -> dict[str, Any]:
    meta = data.new_metadata(row.table.path, row.line)
    meta[ID_KEY] = ctx.id(kind, *parts)
    return meta


def _invoice(row: Row) -> str:
    number = row.need("invoice")
    if not _LINK.match(number):
        raise row.fail(
            "invoice", f"invoice number {number!r} cannot be a link: letters, digits, - _ / ."
        )
    return number


def _currency(row: Row) -> str:
    text = row.text("currency").upper()
    if text and not re.fullmatch(r"[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]", text):
        raise row.fail("currency", f"{text!r} is not a currency")
    return text or row.table.profile.currency


def _magnitude(row: Row, name: str) -> Decimal | None:
    """A figure that has no direction (a fee, a reserve): its sign is how it was shown."""
    value = row.amount(name)
    return None if value is None else abs(value)


def _rate_of(row: Row, name: str, face: Decimal) -> Decimal | None:
    rate = row.percent(name) if row.has(name) else None
    return None if rate is None else (face * rate).quantize(CENT, ROUND_HALF_UP)


def purchase(table: Table, ctx: Context) -> list[data.Directive]:
    """One schedule event per schedule number (per purchase date if there is none)."""
    groups: dict[str, list[tuple[Any, ...]]] = {}
    seen: dict[str, int] = {}
    for row in table.rows():
        number = _invoice(row)
        if number in seen:
            raise row.fail("invoice", f"invoice {number} is listed twice (line {seen[number]})")
        seen[number] = row.line
        day = row.date("date")
        assert day is not None
        face = row.amount("face", required=True)
        assert face is not None
        if face <= 0:
            raise row.fail("face", f"{face} is not positive: only invoices can be sold")
        currency = _currency(row)
        figures: dict[str, Any] = {"invoice": number}
        advance = _magnitude(row, "advance")
        if advance is None:
            advance = _rate_of(row, "advance_rate", face)
        fee = _magnitude(row, "fee")
        if fee is None:
            fee = _rate_of(row, "fee_rate", face)
        invoice_fee = _magnitude(row, "invoice_fee")
        if invoice_fee:  # the plugin compares `fee` with discount fee + invoice fee
            fee = (fee or ZERO) + invoice_fee
        for name, value in (("advance", advance), ("fee", fee)):
            if value is not None:
                figures[name] = Amount(value, currency)
        reserve = _magnitude(row, "reserve")
        if reserve is not None:
            figures["reserve"] = Amount(reserve, currency)
        account, sure = ctx.receivable(number, row.text("debtor"), row.text("debtor_id"))
        schedule = row.text("schedule")
        key = schedule or day.isoformat()
        groups.setdefault(key, []).append(
            (row, number, face, currency, figures, account, sure, day)
        )
    entries: list[data.Directive] = []
    for key, items in groups.items():
        first = items[0][0]
        currencies = {item[3] for item in items}
        if len(currencies) > 1:
            raise first.fail("currency", f"schedule {key} mixes currencies {sorted(currencies)}")
        currency = currencies.pop()
        schedule = first.text("schedule")
        day = min(item[7] for item in items)
        content = [(item[1], item[2]) for item in items]
        meta = _meta(first, ctx, "schedule", schedule, day if not schedule else "", content)
        meta["factoring"] = "schedule"
        meta["factor"] = ctx.factor
        if schedule:
            meta["schedule"] = schedule
        total = sum((item[2] for item in items), ZERO)
        postings = [data.Posting(ctx.clearing, Amount(total, currency), None, None, None, None)]
        for _, _, face, _, figures, account, _, _ in items:
            postings.append(
                data.Posting(account, Amount(-face, currency), None, None, None, figures)
            )
        count = f"{len(items)} invoice{'s' if len(items) > 1 else ''}"
        narration = f"Schedule {schedule}, {count}" if schedule else f"Purchase, {count}"
        flag = ctx.flag if all(item[6] for item in items) else "!"
        links = frozenset(item[1] for item in items)
        entries.append(
            data.Transaction(meta, day, flag, ctx.payee, narration, frozenset(), links, postings)
        )
    return entries


def collections(table: Table, ctx: Context) -> list[data.Directive]:
    """One collected event per invoice; `paid:` when the debtor paid another amount."""
    found: dict[str, dict[str, Any]] = {}
    for row in table.rows():
        number = _invoice(row)
        day = row.date("date")
        paid = row.amount("paid", required=True)
        assert day is not None and paid is not None
        if paid < 0:
            raise row.fail("paid", f"{paid} is negative: a payment received is positive")
        face = _magnitude(row, "face")
        short = row.amount("short")
        if short is not None and row.table.profile.sign == "inverted":
            short = -short
        item = found.get(number)
        if item is None:  # partial payments of one invoice add up to one event
            found[number] = {"row": row, "day": day, "paid": paid, "face": face,
                             "short": short, "refs": [row.text("reference")]}  # fmt: skip
            continue
        item["day"] = max(item["day"], day)
        item["paid"] += paid
        item["refs"].append(row.text("reference"))
        if short is not None:
            item["short"] = (item["short"] or ZERO) + short
    entries: list[data.Directive] = []
    for number, item in found.items():
        row, paid, face, short = item["row"], item["paid"], item["face"], item["short"]
        currency = _currency(row)
        refs = ", ".join(ref for ref in item["refs"] if ref)
        meta = _meta(row, ctx, "collected", number, item["day"], paid, refs)
        meta["factoring"] = "collected"
        meta["factor"] = ctx.factor
        # Without the face, a report's short/over column says whether the payment differs.
        differs = paid != face if face is not None else short is None or short != 0
        narration = f"Paid {ctx.payee}"
        if differs:
            meta["paid"] = Amount(paid, currency)
            if face is not None:
                narration = f"Paid {ctx.payee} {paid:,.2f} of {face:,.2f}"
        if refs:
            narration += f", {refs}"
        payee = row.text("debtor") or ctx.payee
        entries.append(
            data.Transaction(
                meta, item["day"], ctx.flag, payee, narration, frozenset(), frozenset([number]), []
            )
        )
    return entries


def chargeback(table: Table, ctx: Context) -> list[data.Directive]:
    """One chargeback event per invoice; the factor's figure is kept as metadata."""
    entries: list[data.Directive] = []
    seen: dict[str, int] = {}
    for row in table.rows():
        number = _invoice(row)
        if number in seen:
            raise row.fail("invoice", f"invoice {number} is listed twice (line {seen[number]})")
        seen[number] = row.line
        day = row.date("date")
        amount = _magnitude(row, "amount")
        if amount is None:
            raise row.fail("amount", "the cell is empty; an amount is required here")
        assert day is not None
        currency = _currency(row)
        meta = _meta(row, ctx, "chargeback", number, day, amount)
        meta["factoring"] = "chargeback"
        meta["factor"] = ctx.factor
        meta["recourse-amount"] = Amount(amount, currency)
        debtor = row.text("debtor")
        narration = f"Recourse {number}" + (f" ({debtor})" if debtor else "")
        entries.append(
            data.Transaction(
                meta, day, ctx.flag, ctx.payee, narration, frozenset(), frozenset([number]), []
            )
        )
    return entries


@dataclass
class Movement:
    """One reserve ledger row, signed as the client sees it (+ adds to the reserve)."""

    row: Row
    day: datetime.date
    meaning: str
    amount: Decimal
    balance: Decimal | None
    currency: str


def _movement(row: Row) -> Movement:
    profile = row.table.profile
    day = row.date("date")
    assert day is not None
    if profile.sign == "debit-credit":
        debit, credit = _magnitude(row, "debit"), _magnitude(row, "credit")
        if debit is None and credit is None:
            raise row.fail("debit", "neither a debit nor a credit is given")
        amount = (credit or ZERO) - (debit or ZERO)
    else:
        value = row.amount("amount", required=True)
        assert value is not None
        amount = -value if profile.sign == "inverted" else value
    balance = row.amount("balance") if row.has("balance") else None
    if balance is not None and profile.sign == "inverted":
        balance = -balance
    meaning = profile.meaning(row.text("type"))
    return Movement(row, day, meaning, amount, balance, _currency(row))


def _check_running(moves: list[Movement]) -> None:
    """The running balance must follow from the amounts: a wrong sign setting shows here."""
    days = [move.day for move in moves]
    descending = any(a > b for a, b in itertools.pairwise(days))
    if descending and any(a < b for a, b in itertools.pairwise(days)):
        raise moves[0].row.fail("date", "the rows are not in date order")
    ordered = list(reversed(moves)) if descending else moves
    for before, after in itertools.pairwise(ordered):
        if before.balance is None or after.balance is None:
            continue
        if before.currency == after.currency and before.balance + after.amount != after.balance:
            raise after.row.fail(
                "balance",
                f"the balance {after.balance} does not follow from {before.balance} and the "
                f"amount {after.amount}: check the profile's sign convention",
            )
    if descending:
        moves.reverse()


def reserve(table: Table, ctx: Context) -> list[data.Directive]:
    """Releases, fees of no invoice, and balance assertions from a reserve ledger."""
    moves = [_movement(row) for row in table.rows()]
    _check_running(moves)
    entries: list[data.Directive] = []
    releases: dict[tuple[datetime.date, str, str], list[Movement]] = {}
    for move in moves:
        if move.meaning == "release" and ctx.releases:
            key = (move.day, move.row.text("reference"), move.currency)
            releases.setdefault(key, []).append(move)
        elif move.meaning == "fee" and not move.row.text("invoice") and move.amount:
            entries.append(_fee(move, ctx))
    for (day, reference, currency), group in releases.items():
        entries.append(_release(day, reference, currency, group, ctx))
    if ctx.balances != "none":
        closing: dict[tuple[datetime.date, str], Movement] = {}
        for move in moves:
            if move.balance is not None:
                closing[(move.day, move.currency)] = move  # the day's last row wins
        chosen = list(closing.values())
        if ctx.balances == "last" and chosen:
            last: dict[str, Movement] = {move.currency: move for move in chosen}
            chosen = list(last.values())
        for move in chosen:
            assert move.balance is not None
            meta = _meta(move.row, ctx, "balance", move.day, move.balance, move.currency)
            units = Amount(move.balance, move.currency)
            # A balance assertion holds at the start of its day: the day after the row.
            day = move.day + datetime.timedelta(days=1)
            entries.append(data.Balance(meta, day, ctx.reserve, units, None, None))
    return entries


def _release(
    day: datetime.date, reference: str, currency: str, group: list[Movement], ctx: Context
) -> data.Transaction:
    first = group[0].row
    cash = -sum((move.amount for move in group), ZERO)
    if cash <= 0:
        raise first.fail("amount", f"a release of {-cash} adds to the reserve; check the sign")
    if ctx.bank is None:
        raise first.fail(
            "type",
            "a release is paid into the bank: give bank= to the importer, or load the ledger "
            "with the factor's agreement (extract -e)",
        )
    invoices = [move.row.text("invoice") for move in group]
    # Link the invoices only if every row names one: otherwise the plugin matches the
    # release by its amount, which it could not do with a partial list.
    links = frozenset(invoices) if all(invoices) else frozenset()
    for move in group:
        if move.row.text("invoice") and not _LINK.match(move.row.text("invoice")):
            raise move.row.fail("invoice", "an invoice number cannot be a link")
    meta = _meta(first, ctx, "release", day, reference, cash, currency, sorted(links))
    meta["factoring"] = "release"
    meta["factor"] = ctx.factor
    text = first.text("description") or first.text("type") or "Reserve release"
    narration = f"{text}, {reference}" if reference else text
    postings = [
        data.Posting(ctx.bank, Amount(cash, currency), None, None, None, None),
        data.Posting(ctx.reserve, Amount(-cash, currency), None, None, None, None),
    ]
    return data.Transaction(
        meta, day, ctx.flag, ctx.payee, narration, frozenset(), links, postings
    )


def _fee(move: Movement, ctx: Context) -> data.Transaction:
    row = move.row
    charge = -move.amount
    meta = _meta(row, ctx, "fee", move.day, row.text("reference"), charge, row.text("description"))
    meta["factor"] = ctx.factor
    text = row.text("description") or row.text("type")
    reference = row.text("reference")
    narration = f"{text}, {reference}" if reference else text
    postings = [
        data.Posting(ctx.fees, Amount(charge, move.currency), None, None, None, None),
        data.Posting(ctx.reserve, Amount(-charge, move.currency), None, None, None, None),
    ]
    return data.Transaction(
        meta, move.day, ctx.flag, ctx.payee, narration, frozenset(), frozenset(), postings
    )


BUILDERS: dict[str, Callable[[Table, Context], list[data.Directive]]] = {
    "purchase": purchase,
    "collections": collections,
    "reserve": reserve,
    "chargeback": chargeback,
}
