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

Under the loan model (the agreement's `model: "loan"`) a schedule pledges the invoices and
moves nothing: each invoice's leg is a posting of zero that carries the factor's figures,
and there is no clearing leg (docs/ledger.md, "The loan model"):

    2025-03-03 * "Lakeshore Funding" "Schedule 3110, 2 invoices" ^RF-1101 ^RF-1102
      ...
      Assets:Receivable:Northstar             0.00 USD
        invoice: "RF-1101"
        advance: 2042.50 USD
        ...

What the factor deducted from an invoice's funding (the `deductions` column: a wire fee,
a lien search) is a `fee` event of its kind (`charge: "wire"`, `"same-day"`, `"ach"` or `"other"`)
with the factor's figure, labelled as the report labels it and linking the invoice; the
deposit that funds the invoice nets it (docs/ledger.md 6.11). A deduction that is no fee
(fuel bought on the factor's card, a tax levy, an escrow) is a `fee` event of `charge:
"deduction"` with the `account:` the importer's `deductions=` names for its kind (FCT209
when it names none). A row's `net` must be its advance less its fees and deductions:

    2025-03-17 * "Bramblewood Capital" "Wire Fee, schedule S-77, BW-101"
      ^BW-101 ^fee-2025-03-17-BW-101  (the links, on the line above in the ledger)
      import-id: "deduction-7b7909f3232f"
      factoring: "fee"
      factor: "Bramblewood"
      charge: "wire"
      amount: 25.00 USD

A collections report gives `collected` events (with `paid:` when the debtor paid
another amount than the face) and a recourse report `chargeback` events. A payment
of an invoice the ledger already shows paid in part or closed short is written as a
part (`partial: TRUE`, when the report's balance or status column says some is still
open) or as an `additional-payment` (see `factor_history.py`). A reserve
ledger's entries are made by `factor_reserve.py`, with the helpers here.

The rows are read once, as a stream: what an entry needs of a row (its figures, its
line for errors and metadata) is kept, the row itself is not, so a large report is
never held in memory a second time.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers.base import CENT, CHANGED_KEY, ID_KEY, ImportFailure, RowIds
from beancount_factoring.importers.factor_history import (
    FORWARD_DAYS,
    FORWARDED_KEY,
    RECOVERY,
    Before,
    PaymentHistory,
)
from beancount_factoring.importers.factor_overlap import (
    Overlap,
    Part,
    booked_references,
    overlap,
)
from beancount_factoring.importers.inert import inert
from beancount_factoring.importers.profiles import Profile
from beancount_factoring.importers.report import Report, Row
from beancount_factoring.terms.agreement import account_component
from beancount_factoring.terms.fees import HALF_CENT

ZERO = Decimal(0)
NIL = Decimal("0.00")  # a leg of zero, written with cents
LINK = re.compile(r"^[A-Za-z0-9\-_/.]+$")
_new_tuple = tuple.__new__
_CURRENCY = re.compile(r"[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]")
_WIRE = re.compile(r"\bwire", re.IGNORECASE)
_SAME_DAY = re.compile(r"same[\s-]?day|\bsdach\b|\brtp\b", re.IGNORECASE)
# The fee of the ACH transfer that funds the invoice ("ACH Fee", "ACH transfer fee"); not
# the fee of an ACH that came back (a return, a rejected or NSF debit), which is a fee apart.
_ACH = re.compile(r"\bach\b", re.IGNORECASE)
_NOT_TRANSFER = re.compile(r"return|reject|\bnsf\b|insufficient|reversal", re.IGNORECASE)
# A fuel advance the factor recoups from the funding ("Fuel Advance", "FUEL ADV RECOUP").
_FUEL_ADVANCE = re.compile(r"\bfuel\W*adv", re.IGNORECASE)
# What the ledger already holds owed on the clearing account, which the plugin nets from
# the funding itself: a chargeback, a short pay (an over-advance repaid is one).
# (Not a non-recourse factor's fee: `Non-recourse fee`, `Non-Recourse Premium`.)
_NETTED = re.compile(
    r"charge\W*backs?\b|(?<!non)(?<!non\W)\brecourse\b|short\W*pa(?:y|id)|\bover\W*advance",
    re.IGNORECASE,
)
# A fee named beside what the plugin nets (`Chargeback fee`, `Fuel Advance Fee`): a fee
# the factor charges on top, or the fee the ledger's event already holds; which, the
# label cannot tell.
_FEE = re.compile(r"\bfees?\b", re.IGNORECASE)
# Deductions that are no factoring fee: (kind, label pattern, what it is). First match wins:
# money coming back first, so that an escrow released or a fuel rebate (a credit) is never
# booked as an escrow held or fuel bought.
_NOT_FEES = (
    (
        "rebate",
        re.compile(
            r"rebate|refund|reimburs"
            # (An escrow released; not the fee of its release: `Escrow release fee`.)
            r"|(?:escrow|reserve|hold\W*back)\W+(?:release|return)(?:ed|d)?(?!\W*fees?\b)"
            r"|(?:release|return)(?:ed|d)?\W+(?:of\W+)?(?:the\W+)?(?:escrow|reserve|hold\W*back)"
            r"(?!\W*fees?\b)",
            re.IGNORECASE,
        ),
        "money the factor pays back to you",
    ),
    ("fuel", re.compile(r"\bfuel\b", re.IGNORECASE), "fuel bought on the factor's fuel card"),
    (
        "levy",
        # (Not a fee of a tax form, or the tax on a fee: `Tax ID verification fee`.)
        re.compile(
            r"\blev(?:y|ies)\b|garnish|child\W*support|\btax(?:es)?\b(?!\W*(?:id|on)\b)",
            re.IGNORECASE,
        ),
        "a tax levy or garnishment the factor paid on your behalf",
    ),
    (
        "escrow",
        re.compile(r"escrow|\breserve|hold\W*back", re.IGNORECASE),
        "an escrow or reserve the factor holds back",
    ),
)
# The kinds of those booked to the account the importer's `deductions` names (a `fee`
# event of `charge: "deduction"` with that `account:`, which the deposit nets): an example
# account of each, and what it is, for the error when none is named.
BOOKED_ELSEWHERE = {
    "fuel": ("Expenses:Fuel", "your fuel expense, or the fuel card's liability"),
    "levy": ("Liabilities:Taxes:Levy", "the tax or the debt it settles"),
    "escrow": ("Assets:Factoring:{factor}:Escrow", "still your money, which the factor holds"),
}
# The charge of a deduction booked to such an account (settlement/handlers/charges.py).
DEDUCTION_CHARGE = "deduction"


@dataclass(frozen=True, slots=True)
class Terms:
    """The accounts of the agreement an entry in one currency is booked under."""

    clearing: str
    reserve: str
    fees: str
    bank: str | None
    # The agreement's model: under "loan" a schedule moves nothing (figures only).
    loan: bool = False


@dataclass
class Context:
    """What the entries of one file need to know beyond the file."""

    factor: str
    payee: str
    # The terms of every currency the factor has no agreement of its own for: its
    # agreement without `currency:`, else the importer's settings and the defaults.
    # None when each of its agreements names a currency (docs/ledger.md 6.13).
    general: Terms | None
    # (account, sure): sure is False when the account is a guess from the debtor's name.
    receivable: Callable[[str, str, str], tuple[str, bool]]
    # The terms of each currency the factor has an agreement of its own for.
    by_currency: dict[str, Terms] = field(default_factory=dict)
    # The currencies an account may hold, from its open directive (when it names some).
    constraints: dict[str, tuple[str, ...]] = field(default_factory=dict)
    flag: str = "*"
    balances: str = "daily"
    releases: bool = True
    # The ledger's earlier payments: a later one is a part or an additional payment.
    history: PaymentHistory | None = None
    # The account of each kind of deduction that is no fee (`deductions=`: "fuel", ...).
    deductions: dict[str, str] = field(default_factory=dict)
    ids: dict[str, RowIds] = field(default_factory=dict)

    def id(self, kind: str, *parts: object) -> str:
        ids = self.ids.get(kind)
        if ids is None:
            ids = self.ids[kind] = RowIds(kind)
        return ids(self.factor.lower(), *parts)

    def terms(self, currency: str, refuse: Callable[[str], ImportFailure]) -> Terms:
        """The terms an entry in `currency` is booked under, as the plugin picks them:
        the agreement of that currency, else the one without `currency:`."""
        found = self.by_currency.get(currency, self.general)
        if found is None:
            own = ", ".join(sorted(self.by_currency))
            raise refuse(
                f"this row is in {currency}, and {self.factor}'s agreements are each for one "
                f"currency ({own}), none for {currency}: add an agreement with currency: "
                f'"{currency}" (or one without currency:) to the ledger, or book the row by hand'
            )
        return found

    def takes(
        self, account: str, currency: str, role: str, refuse: Callable[[str], ImportFailure]
    ) -> str:
        """`account`, if its open directive lets it hold `currency`; else the error."""
        allowed = self.constraints.get(account)
        if allowed and currency not in allowed:
            raise refuse(
                f"this row is in {currency}, and {self.factor}'s {role} account {account} is "
                f"opened for {', '.join(allowed)} only: give {self.factor} an agreement with "
                f'currency: "{currency}" and accounts of that currency (docs/ledger.md 6.13), '
                "or book the row by hand"
            )
        return account


def fail_at(report: Report, line: int, field: str) -> Callable[[str], ImportFailure]:
    """Makes the FCT209 error of a row (`refuse` above), in its currency column if the
    report has one."""
    where = "currency" if "currency" in report.index else field
    return lambda message: report.fail(line, where, message, code="FCT209")


def entry_meta(
    report: Report, line: int, ctx: Context, kind: str, *parts: object
) -> dict[str, Any]:
    meta = data.new_metadata(report.path, line)
    meta[ID_KEY] = ctx.id(kind, *parts)
    return meta


def _invoice(row: Row, number: str | None = None) -> str:
    """The row's invoice number (`number` if it was read already): required, and a link."""
    number = row.text("invoice") if number is None else number
    if not number:
        raise row.fail("invoice", "the cell is empty; a value is required here", code="FCT205")
    if not LINK.match(number):
        raise row.fail(
            "invoice",
            f"invoice number {number!r} cannot be a link: letters, digits, - _ / ."
            + (
                "; a row of totals? give the profile total_marker= a pattern of its label"
                if " " in number.strip()
                else ""
            ),
            code="FCT208",
        )
    return number


def make_amount(number: Decimal, currency: str) -> Amount:
    """`Amount(number, currency)` without the type assertions of `Amount.__new__`, which
    cost half a purchase row's figures; both types are known here (an Amount is a named
    tuple of the two)."""
    return _new_tuple(Amount, (number, currency))


def row_currency(row: Row) -> str:
    report = row.report
    if "currency" not in report.index:  # most reports: every row in the profile's
        return report.profile.currency
    text = row.text("currency").upper()
    if text and not _CURRENCY.fullmatch(text):
        raise row.fail("currency", f"{text!r} is not a currency", code="FCT208")
    return text or report.profile.currency


def _rate_of(row: Row, name: str, face: Decimal) -> Decimal | None:
    rate = row.percent(name) if row.has(name) else None
    return None if rate is None else (face * rate).quantize(CENT, ROUND_HALF_UP)


# An invoice on a schedule: number, face, currency, figures, receivable, sure, day.
_Sold = tuple[str, Decimal, str, dict[str, Any], str, bool, datetime.date]


def purchase(report: Report, ctx: Context) -> list[data.Directive]:
    """One schedule event per schedule number and purchase date (per date without one)."""
    # Per schedule: the line and schedule number of its first row, and its invoices.
    groups: dict[str, tuple[int, str, list[_Sold]]] = {}
    seen: dict[str, int] = {}
    # The fees the factor deducted from an invoice's funding, as fee events.
    fees: list[data.Directive] = []
    signs = _RowDeductions()
    for row in report.rows():
        number, debtor, debtor_id, schedule = row.texts(
            "invoice", "debtor", "debtor_id", "schedule"
        )
        number = _invoice(row, number)
        if number in seen:
            raise row.fail(
                "invoice",
                f"invoice {number} is listed twice (line {seen[number]}): an invoice is sold "
                "once; ask the factor for a corrected report, or delete the repeated row",
                code="FCT210",
            )
        seen[number] = row.line
        day = row.date("date")
        assert day is not None
        # A row's figures in two calls; fees, reserve and deductions have no direction
        # (their sign is how they were shown).
        face, net, shown = row.amounts("face", "net", "deductions")
        advance, fee, invoice_fee, reserve, deducted = row.sizes(
            "advance", "fee", "invoice_fee", "reserve", "deductions"
        )
        signs.check(row, shown)
        if face is None:
            raise row.missing("face")
        if face <= 0:
            raise row.fail(
                "face",
                f"{face} is not positive: only invoices can be sold (a reversal or a credit "
                "is booked by hand: a chargeback event, or a fee event for a charge); delete "
                "the row, or ask the factor what it undoes",
                code="FCT211",
            )
        currency = row_currency(row)
        figures: dict[str, Any] = {"invoice": number}
        if advance is None:
            advance = _rate_of(row, "advance_rate", face)
        if fee is None:
            fee = _rate_of(row, "fee_rate", face)
        if invoice_fee:  # the plugin compares `fee` with discount fee + invoice fee
            fee = (fee or ZERO) + invoice_fee
        if net is not None and advance is not None and fee is not None:
            _check_net(row, net, advance, fee, deducted or ZERO)
        charge = _deduction_booked(report, ctx, row, number, deducted, currency)
        if charge is not None and deducted is not None:
            fees.append(
                _deduction(report, ctx, row, (number, schedule, day), deducted, currency, charge)
            )
        if advance is not None:
            figures["advance"] = make_amount(advance, currency)
        if fee is not None:
            figures["fee"] = make_amount(fee, currency)
        if reserve is not None:
            figures["reserve"] = make_amount(reserve, currency)
        account, sure = ctx.receivable(number, debtor, debtor_id)
        # Per schedule and day: a schedule bought over two days (or a typo in its number)
        # is an event a day, each invoice dated the day it was bought.
        key = f"{schedule} of {day.isoformat()}" if schedule else day.isoformat()
        item = (number, face, currency, figures, account, sure, day)
        group = groups.get(key)
        if group is None:
            groups[key] = (row.line, schedule, [item])
        else:
            group[2].append(item)
    _footer_deductions(report, signs.by_label)
    schedules = [_schedule(report, ctx, key, *group) for key, group in groups.items()]
    return schedules + fees


# A footer's figure: digits, with no letters (`($100.00)`, `100.00`), not a label.
_FIGURE = re.compile(r"^[^A-Za-z]*[1-9][^A-Za-z]*$")


def _footer_deductions(report: Report, by_label: dict[str, Decimal]) -> None:
    """FCT205 for a row left out as a footer (no invoice number: `,,,,Fuel Card,($100.00)`,
    or a row whose number was lost) that deducts what is no fee: fuel, a levy, an escrow,
    a rebate. A transfer fee's footer is left out, as the deposit's transfer fee comes
    from the agreement; such a deduction would be lost, the deposit short by it (FCT101
    at bean-check, naming no deduction), or a credit booked nowhere. A summary of the
    rows' deductions below the total is none (`_restates`; `by_label`: the rows' sums)."""
    for line, cells in report.footer_rows:
        row = Row(report, line, cells)
        # Its label under the deductions' type or the deductions themselves (as a transfer
        # fee's footer puts it), its figure under the deductions or the net funded: a note
        # elsewhere (`Reserve held,$201.25`) is left out as ever.
        deducted, net = row.text("deductions"), row.text("net")
        figure = deducted if _FIGURE.match(deducted) else net
        if not _FIGURE.match(figure):
            continue
        for label in (row.text("deduction_type"), deducted):
            kind = deduction_kind(label, report.profile) if label else "none"
            if _restates(report, line, label, figure, by_label):
                break
            if kind in BOOKED_ELSEWHERE or kind == "rebate":
                what = next(text for other, _, text in _NOT_FEES if other == kind)
                pattern = re.escape(label).replace("\\ ", " ")
                raise row.fail(
                    "invoice",
                    f"the row deducts '{label}', {what}, but gives no invoice number: the "
                    "importer books a deduction with the invoice whose funding it was taken "
                    "from, and left out, it would be lost (the deposit short by it, or a "
                    "credit booked nowhere). Fill in the invoice number; or, to book it by "
                    "hand (on the deposit, or a credit as a transaction of your own), give "
                    f'the profile deduction_kinds=[(r"{pattern}", "none")]',
                    code="FCT205",
                )


def _label_key(label: str) -> str:
    """A deduction's label as rows and footers are compared by it."""
    return " ".join(label.split()).casefold()


def _restates(
    report: Report, line: int, label: str, figure: str, by_label: dict[str, Decimal]
) -> bool:
    """True for a footer below the report's last total whose figure is the sum of the
    rows' deductions of its label (`Fuel Card, 100.00` below the total, the rows' fuel
    being 100.00): a summary by type, no deduction of its own. Above the total, the total
    counts the footer (a summary there made it FCT210): there it is one."""
    if not label or line < report.last_total or report.last_total == 0:
        return False
    try:
        number = abs(report.numbers(figure))
    except ValueError:
        return False
    return number == by_label.get(_label_key(label))


class _RowDeductions:
    """The deductions of one report's rows. They are shown with one sign (as the factor
    prints them, 25.00 or (25.00)); one of the other sign is a credit (a rebate, an
    adjustment in your favour), which read as a deduction would be a fee of its size:
    FCT210. Their sums by label tell a summary below the report's total (`_restates`)."""

    def __init__(self) -> None:
        self.first: tuple[int, Decimal] | None = None
        self.by_label: dict[str, Decimal] = {}

    def check(self, row: Row, shown: Decimal | None) -> None:
        if not shown:
            return
        label = _label_key(_deduction_label(row.report, row))
        self.by_label[label] = self.by_label.get(label, ZERO) + abs(shown)
        if self.first is None:
            self.first = (row.line, shown)
            return
        line, first = self.first
        if (shown < 0) != (first < 0):
            raise row.fail(
                "deductions",
                f"the deduction {shown:,.2f} has the other sign than line {line}'s "
                f"{first:,.2f}: one of them is a credit (a rebate, an adjustment in your "
                "favour), which is no fee the factor took; ask the factor which, and book "
                "the credit as a transaction of your own (crediting the account it refunds) "
                "and delete it from the row",
                code="FCT210",
            )


def deduction_kind(label: str, profile: Profile | None = None) -> str:
    """The kind of fee a deduction's label names: "wire", "same-day", "ach" or "other"; or no
    fee: "fuel-advance" (the recoup of a fuel advance) or "netted" (a chargeback, a short
    pay), which the plugin takes from the invoice's funding itself (the ledger's event),
    "none" (the profile's `deduction_kinds` says the importer writes nothing), or one of
    _NOT_FEES ("fuel", "levy", "escrow", "rebate"), or "unclear" (a fee named beside what
    the plugin nets, `Chargeback fee`, or beside one of those, `Reserve fee`), which the
    importer refuses.
    The profile's `deduction_kinds` come first."""
    meaning = profile.deduction_meaning(label) if profile is not None else None
    if meaning is not None:
        return meaning
    netted = "fuel-advance" if _FUEL_ADVANCE.search(label) else None
    if netted is None and _NETTED.search(label):
        netted = "netted"
    if netted is not None:
        return "unclear" if _FEE.search(label) else netted
    for kind, pattern, _ in _NOT_FEES:
        if pattern.search(label):
            # (`Reserve fee`, `Fuel card fee`: a fee the factor charges, or the escrow or
            # the fuel itself; booked as either, the other is wrong. A refund is a credit.)
            return "unclear" if kind != "rebate" and _FEE.search(label) else kind
    if _WIRE.search(label):
        return "wire"
    if _SAME_DAY.search(label):
        return "same-day"
    if _ACH.search(label) and not _NOT_TRANSFER.search(label):
        return "ach"
    return "other"


def _deduction_booked(
    report: Report, ctx: Context, row: Row, number: str, deducted: Decimal | None, currency: str
) -> tuple[str, str | None] | None:
    """(charge, account) of the fee event a row's deduction becomes: a fee of its kind, or
    one that is no fee (fuel bought on the factor's card, a tax levy, an escrow) with the
    account `deductions=` names for it; None when the importer writes nothing (none, or
    what the plugin nets). FCT209 for such a deduction with no account named (booked as a
    fee, it would be a cost of factoring it is not), FCT210 for a rebate (a credit)."""
    if not deducted:
        return None
    label = _deduction_label(report, row)
    kind = deduction_kind(label, report.profile)
    if kind in ("wire", "same-day", "ach", "other"):
        return kind, None
    amount = f"{deducted:,.2f} {currency}"
    if kind == "unclear":
        raise _unclear(row, label, number, amount)
    if kind in BOOKED_ELSEWHERE:
        return DEDUCTION_CHARGE, _deduction_account(ctx, row, (label, kind, number), currency)
    for other, _, what in _NOT_FEES:
        if kind == other:  # a rebate
            pattern = re.escape(label).replace("\\ ", " ")
            raise row.fail(
                "deductions",
                f"the deduction '{label}' of {amount} from {number} is {what}: it is no fee "
                "the factor took: book the refund as a transaction of your own that credits "
                "what it refunds (the agreement's fees account for a fee). Then give the "
                f'profile deduction_kinds=[(r"{pattern}", "none")], and the importer writes '
                "nothing for it (it still counts in net funded); a label that is a fee after "
                'all takes "other"',
                code="FCT210",
            )
    return None


def _deduction_account(
    ctx: Context, row: Row, deduction: tuple[str, str, str], currency: str
) -> str:
    """The account `deductions=` names for a deduction that is no fee (`deduction`: its
    label, kind and invoice); FCT209 if it names none, or names one of the factor's own
    accounts (the plugin books those itself: on the clearing account the deduction
    would net itself), or one the ledger opens for other currencies only."""
    label, kind, number = deduction
    what = next(text for other, _, text in _NOT_FEES if other == kind)
    example, means = BOOKED_ELSEWHERE[kind]
    example = example.format(factor=account_component(ctx.factor) or "Factor")
    account = ctx.deductions.get(kind)
    refuse = fail_at(row.report, row.line, "deductions")
    terms = ctx.terms(currency, refuse)
    where = f"the deduction '{label}' from {number} is {what}, no fee"
    if account is None:
        pattern = re.escape(label).replace("\\ ", " ")
        raise row.fail(
            "deductions",
            f"{where}: the importer books it to the account its deductions= setting names "
            f'for "{kind}" ({means}), and names none. Give the importer deductions='
            f'{{"{kind}": "{example}"}} (an account the ledger opens); or, to write it on '
            "the deposit that funds the invoice yourself, give the profile deduction_kinds="
            f'[(r"{pattern}", "none")]',
            code="FCT209",
        )
    if account in (terms.clearing, terms.reserve, terms.fees):
        raise row.fail(
            "deductions",
            f'{where}: deductions= names {account} for "{kind}", one of {ctx.factor}\'s own '
            "accounts, which the plugin books itself (its clearing, reserve or fees): "
            f"give an account of your own ({example}, say)",
            code="FCT209",
        )
    return ctx.takes(account, currency, f'deductions "{kind}"', refuse)


def _unclear(row: Row, label: str, number: str, amount: str) -> ImportFailure:
    """FCT210 for a deduction whose label names a fee and what the plugin nets from the
    funding itself (written as a fee, the netted figure counts twice; left out, a fee of
    the factor's is lost), or a fee and what is no fee (`Reserve fee`: a fee booked as an
    escrow held, or an escrow booked as a cost of factoring)."""
    pattern = re.escape(label).replace("\\ ", " ")
    netted = _FUEL_ADVANCE.search(label) or _NETTED.search(label)
    if not netted:
        kind, what = next((k, w) for k, p, w in _NOT_FEES if p.search(label))
        return row.fail(
            "deductions",
            f"the deduction '{label}' of {amount} from {number} names a fee and {what}: "
            "the importer cannot tell which it is. If it is a fee the factor charges, give "
            f'the profile deduction_kinds=[(r"{pattern}", "other")]; if it is {what}, '
            f'[(r"{pattern}", "{kind}")] (booked to the account deductions= names for it)',
            code="FCT210",
        )
    what = (
        "a fuel advance"
        if _FUEL_ADVANCE.search(label)
        else "a chargeback, a short pay or an over-advance repaid"
    )
    return row.fail(
        "deductions",
        f"the deduction '{label}' of {amount} from {number} names a fee and {what}, which "
        "the plugin takes from the funding itself (the ledger's event, with the fee the "
        "event holds): the importer cannot tell which it is. If it is a fee the factor "
        f'charges beside it, give the profile deduction_kinds=[(r"{pattern}", "other")]; '
        f'if it is what the ledger\'s event holds, [(r"{pattern}", "none")]',
        code="FCT210",
    )


def _deduction(
    report: Report,
    ctx: Context,
    row: Row,
    where: tuple[str, str, datetime.date],
    amount: Decimal,
    currency: str,
    charge: tuple[str, str | None],
) -> data.Transaction:
    """A fee event for what the factor deducted from one invoice's funding (`where`: the
    invoice, its schedule and the day).

    Its kind (`charge: "wire"`, `"same-day"`, `"ach"` or `"other"`) comes from the report's
    label. The plugin books it (a wire, same-day or ACH fee as a transfer fee, on the
    transfer-fee-account) and leaves it owed on the clearing account, where the deposit
    that funds the invoice nets it, so that deposit matches the bank credit; a deposit
    marked `transfer: "wire"` that nets a wire fee takes no wire fee of its own, and one
    sent by ACH that nets an ACH fee no transfer-fee. A deduction that is no fee (fuel, a
    levy, an escrow) is `charge: "deduction"` with the `account:` it goes to, owed and
    netted the same way.
    """
    number, schedule, day = where
    label = _deduction_label(report, row)
    meta = entry_meta(report, row.line, ctx, "deduction", number, day, amount, label)
    meta["factoring"] = "fee"
    meta["factor"] = ctx.factor
    meta["charge"] = charge[0]
    if charge[1] is not None:
        meta["account"] = charge[1]
    meta["amount"] = make_amount(amount, currency)
    place = f"schedule {schedule}, {number}" if schedule else number
    narration = f"{label}, {place}"
    # Its own link (which a deposit may name), and the invoice's: the fee is that
    # invoice's, and the deposit that funds the invoice nets it.
    links = frozenset([f"fee-{day.isoformat()}-{number}", number])
    return data.Transaction(meta, day, ctx.flag, ctx.payee, narration, frozenset(), links, [])


def _deduction_label(report: Report, row: Row) -> str:
    """What a row's deduction is: its `deduction_type` cell, else the column's header."""
    label = row.text("deduction_type") or report.header.names[report.index["deductions"]]
    return " ".join(label.split()) or "Deduction"


def _check_net(row: Row, net: Decimal, advance: Decimal, fee: Decimal, deducted: Decimal) -> None:
    """The report's net funded must be its advance less its fees and deductions; FCT210 on
    the deduction when the net adds it (a credit, whichever sign the report shows it with:
    read as a deduction, a rebate or an escrow released would be a cost, or an escrow held)."""
    expected = advance - fee - deducted
    if deducted and net == advance - fee + deducted:
        raise row.fail(
            "deductions",
            f"the deduction {deducted:,.2f} is added to net funded (advance {advance:,.2f} - "
            f"fees {fee:,.2f} + {deducted:,.2f} = {net:,.2f}): it is a credit (a rebate, an "
            "escrow released, an adjustment in your favour), which the factor paid, not "
            "took; book the credit as a transaction of your own (crediting the account it "
            "refunds) and delete it from the row",
            code="FCT210",
        )
    if net != expected:
        raise row.fail(
            "net",
            f"net funded {net:,.2f} is not advance {advance:,.2f} - fees {fee:,.2f} - "
            f"deductions {deducted:,.2f} = {expected:,.2f}: the report disagrees with "
            "itself; ask the factor for a corrected report",
            code="FCT210",
        )


def _schedule(
    report: Report, ctx: Context, key: str, line: int, schedule: str, items: list[_Sold]
) -> data.Transaction:
    currencies = {item[2] for item in items}
    if len(currencies) > 1:
        message = f"schedule {key} mixes currencies {sorted(currencies)}"
        raise report.fail(line, "currency", message, code="FCT210")
    currency = currencies.pop()
    fail = fail_at(report, line, "face")
    terms = ctx.terms(currency, fail)
    day = min(item[6] for item in items)
    content = [(item[0], item[1]) for item in items]
    meta = entry_meta(
        report, line, ctx, "schedule", schedule, day if not schedule else "", content
    )
    meta["factoring"] = "schedule"
    meta["factor"] = ctx.factor
    if schedule:
        meta["schedule"] = schedule
    postings = []
    if not terms.loan:
        total = sum((item[1] for item in items), ZERO)
        clearing = ctx.takes(terms.clearing, currency, "clearing", fail)
        postings.append(
            data.Posting(clearing, make_amount(total, currency), None, None, None, None)
        )
    for _, face, _, figures, account, _, _ in items:
        # Pledged, not sold: the invoice stays on its receivable (a zero leg).
        moved = NIL if terms.loan else -face
        postings.append(
            data.Posting(account, make_amount(moved, currency), None, None, None, figures)
        )
    count = f"{len(items)} invoice{'s' if len(items) > 1 else ''}"
    narration = f"Schedule {schedule}, {count}" if schedule else f"Purchase, {count}"
    flag = ctx.flag if all(item[5] for item in items) else "!"
    links = frozenset(item[0] for item in items)
    return data.Transaction(meta, day, flag, ctx.payee, narration, frozenset(), links, postings)


@dataclass(slots=True)
class _Payments:
    """The payments of one invoice in a collections report, as its rows are read."""

    line: int
    day: datetime.date
    paid: Decimal
    face: Decimal | None
    short: Decimal | None
    refs: list[str]
    currency: str
    debtor: str
    # What the report says is left open after the payment: True, False, or None when
    # it has no balance or status column.
    open: bool | None
    # Each row's cells, as a hash: a row repeated whole, reference or not, is one too many.
    rows: list[int]
    # Each row's payment: the ledger may book some already (another report's).
    parts: list[Part]


# A status column's words for an invoice still open, and for one closed.
_OPEN_STATUS = re.compile(r"^(partial|part|open|outstanding|osittain|avoin)", re.IGNORECASE)
_CLOSED_STATUS = re.compile(r"^(paid|closed|short|full|settled|maksettu)", re.IGNORECASE)


def _left_open(row: Row) -> bool | None:
    """True if the row's balance or status says the invoice is still owed in part."""
    balance = row.amount("balance")
    if balance is not None:
        return balance > 0
    status = row.text("status")
    if _OPEN_STATUS.match(status):
        return True
    if _CLOSED_STATUS.match(status):
        return False
    return None


def collections(report: Report, ctx: Context) -> list[data.Directive]:
    """One collected event per invoice; `paid:` when the debtor paid another amount."""
    found: dict[str, _Payments] = {}
    passed_on: dict[str, list[_Passed]] = {}
    inverted = report.profile.sign == "inverted"
    for row in report.rows():
        number, reference, debtor = row.texts("invoice", "reference", "debtor")
        number = _invoice(row, number)
        day = row.date("date")
        paid, face, short = row.amounts("paid", "face", "short")
        assert day is not None
        if paid is None:
            raise row.missing("paid")
        if paid < 0:
            raise row.fail(
                "paid",
                f"{paid} is negative: a payment received is positive (a returned check or a "
                "reversal is booked by hand, as a chargeback event when the factor charges the "
                "invoice back); delete the row, or ask the factor what it undoes",
                code="FCT211",
            )
        if face is not None:
            face = abs(face)  # a face has no direction: its sign is how it was shown
        if short is not None and inverted:
            short = -short
        left_open = _left_open(row)
        part = Part(row.line, day, paid, reference, left_open, short)
        item = found.get(number)
        currency = row_currency(row)
        if ctx.history is not None and number in ctx.history.forwards and paid > 0:
            # The cash the carrier forwarded, which the factor lists as applied.
            ident = ctx.id("forwarded", number, day, paid, reference)
            if ctx.history.forward_of(number, day, Amount(paid, currency), ident) is not None:
                passed_on.setdefault(number, []).append(
                    _Passed(row.line, day, paid, reference, debtor, currency, ident)
                )
                continue
        if item is None:  # partial payments of one invoice add up to one event
            _in_invoice_currency(row, ctx, number, currency)
            found[number] = _Payments(
                row.line,
                day,
                paid,
                face,
                short,
                [reference],
                currency,
                debtor,
                left_open,
                [hash(tuple(row.cells))],
                [part],
            )
            continue
        _not_twice(row, number, reference, item)
        if currency != item.currency:
            raise row.fail(
                "currency" if "currency" in report.index else "paid",
                f"invoice {number} is paid in {item.currency} on line {item.line} and in "
                f"{currency} here: the rows of one invoice mix currencies, and their sum "
                f"would be in neither; correct the row's currency, or book the payment in "
                f"{currency} by hand and delete its row",
                code="FCT210",
            )
        if day >= item.day:  # the latest row says what is left
            item.open = left_open
        item.day = max(item.day, day)
        item.paid += paid
        item.refs.append(reference)
        item.rows.append(hash(tuple(row.cells)))
        item.parts.append(part)
        if short is not None:
            item.short = (item.short or ZERO) + short
    span = _span(found.values())
    entries: list[data.Directive] = [
        _collected(report, ctx, number, item, span) for number, item in found.items()
    ]
    for number, rows in passed_on.items():
        entries.extend(_forwarded(report, ctx, number, rows, number in found))
    return entries


def _span(items: Iterable[_Payments]) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of a report's payments (a day when there are none)."""
    days = [part.day for item in items for part in item.parts]
    return (min(days), max(days)) if days else (datetime.date.min, datetime.date.min)


@dataclass(frozen=True, slots=True)
class _Passed:
    """A collections row that lists cash the carrier forwarded to the factor."""

    line: int
    day: datetime.date
    paid: Decimal
    reference: str
    debtor: str
    currency: str
    ident: str


def _forwarded(
    report: Report, ctx: Context, number: str, rows: list[_Passed], paid_too: bool
) -> list[data.Directive]:
    """What the rows of cash the carrier forwarded become: nothing is booked of them
    (docs/ledger.md 6.14: `paid:` is the customer's payment to the factor alone), but a
    note on the invoice's receivable says the factor applied it, and claims the forward
    for this row. When the customer paid the carrier all the invoice and the factor
    reports no other payment of it, the factor's report of the forward closes it: a
    `collected` event without `paid:` (the rest, nothing)."""
    assert ctx.history is not None
    day = max(row.day for row in rows)
    face = ctx.history.faces.get(number)
    paid = sum((row.paid for row in rows), ZERO)
    refs = ", ".join(row.reference for row in rows if row.reference)
    # (The id a collected event of these rows has, the one a row of the whole face that
    # matched no forward had: the same report extracted again gives the same entry.)
    ident = ctx.id("collected", number, day, paid, refs) if not paid_too else ""
    before = ctx.history.before(number, day, ident, face)
    reached = ctx.history.paid_to_us(number, day + FORWARD_DAYS)
    if not paid_too and before is None and face is not None and reached >= face:
        meta = data.new_metadata(report.path, rows[0].line)
        meta[ID_KEY] = ident
        meta["factoring"] = "collected"
        meta["factor"] = ctx.factor
        narration = f"Paid {ctx.payee}" + (f", {refs}" if refs else "")
        payee = rows[0].debtor or ctx.payee
        links = frozenset([number])
        return [data.Transaction(meta, day, ctx.flag, payee, narration, frozenset(), links, [])]
    account = ctx.receivable(number, rows[0].debtor, "")[0]
    notes: list[data.Directive] = []
    for row in rows:
        meta = data.new_metadata(report.path, row.line)
        meta[ID_KEY] = row.ident
        meta[FORWARDED_KEY] = Amount(row.paid, row.currency)
        comment = (
            f"{ctx.payee} applied to {number} the {row.paid:,.2f} {row.currency} of its "
            "customer's payment to you that you passed on (forwarded, or netted from a deposit)"
            + (f" ({row.reference})" if row.reference else "")
            + ": not a payment of the customer to the factor, nothing to book"
        )
        notes.append(data.Note(meta, row.day, account, comment, frozenset(), frozenset([number])))
    return notes


def _in_invoice_currency(row: Row, ctx: Context, number: str, currency: str) -> None:
    """An FCT210 error if the ledger's invoice is in another currency than the row."""
    booked = ctx.history.currencies.get(number) if ctx.history is not None else None
    if booked is None or booked[0] == currency:
        return
    raise row.fail(
        "currency" if "currency" in row.report.index else "paid",
        f"invoice {number} is in {booked[0]} in the ledger ({booked[1]}), and this row pays "
        f"it in {currency}: correct the row's currency (or the profile's currency=), or, if "
        f"the factor converted the payment, book it by hand (a collected event with paid: "
        f"in {booked[0]}) and delete the row",
        code="FCT210",
    )


def _not_twice(row: Row, number: str, reference: str, item: _Payments) -> None:
    """An FCT210 error if the row repeats a payment already read: the same reference,
    or (a report without one) the same cells."""
    if reference and reference in item.refs:
        first = item.parts[item.refs.index(reference)].line
        field, what = "reference", f"paid by {reference} twice (line {first})"
    elif hash(tuple(row.cells)) in item.rows:
        first = item.parts[item.rows.index(hash(tuple(row.cells)))].line
        field, what = "paid", f"paid twice by the same row (line {first})"
    else:
        return
    raise row.fail(
        field,
        f"invoice {number} is {what}: a row counted twice would book a payment of twice the "
        "amount; download the report again, or delete the repeated row",
        code="FCT210",
    )


def _collected(
    report: Report,
    ctx: Context,
    number: str,
    item: _Payments,
    span: tuple[datetime.date, datetime.date],
) -> data.Transaction:
    refs = ", ".join(ref for ref in item.refs if ref)
    meta = entry_meta(report, item.line, ctx, "collected", number, item.day, item.paid, refs)
    if ctx.history is not None:
        # (The id stays the rows': the same report again is then a duplicate by it.)
        item = _unbooked(ctx, number, item, meta, span)
        refs = ", ".join(ref for ref in item.refs if ref)
    paid, face, short = item.paid, item.face, item.short
    meta["factoring"] = "collected"
    meta["factor"] = ctx.factor
    before, to_us = None, ZERO
    if ctx.history is not None:
        before = ctx.history.before(number, item.day, meta[ID_KEY], face)
        to_us = ctx.history.paid_to_us(number, item.day)
    _short_agrees(report, number, item, before)
    # Without the face, a report's short/over column says whether the payment differs.
    differs = paid != face if face is not None else short is None or short != 0
    # The customer paid us before (a misdirected payment): without paid:, the plugin
    # reads the rest, and a payment of the whole face to the factor (the customer paid
    # twice) would lose the extra in silence. paid: says what the row says; the plugin
    # asks which it is.
    differs = differs or to_us > 0
    narration = f"Paid {ctx.payee}"
    booked = ctx.history.faces.get(number) if ctx.history is not None else None
    confirmed = face is not None and booked in (None, face)
    if booked is not None and face is not None and booked != face:
        # The ledger's invoice has another face than the report's: without paid:, the
        # plugin would take the ledger's face as collected. paid: books what the factor
        # collected, against the ledger's face, and the narration shows both faces.
        differs, face = True, booked
    if before is not None and before.closed and before.short > 0 and not short:
        # The invoice was closed short: this payment recovers the short pay. (Not a row
        # that reports a short pay itself: that is the payment that closed it, listed
        # again, which the plugin then reports rather than books a second time.)
        meta["paid"] = Amount(paid, item.currency)
        meta["reason"] = RECOVERY
        narration = f"Paid {ctx.payee} {paid:,.2f} after a short pay"
    elif before is not None and not before.closed:
        # Paid in part before: paid: is this payment alone, never the total so far.
        meta["paid"] = Amount(paid, item.currency)
        _mark_part(meta, item, before)
        narration = _part_narration(ctx, paid, before.face or face, meta)
    elif differs or item.open:
        meta["paid"] = Amount(paid, item.currency)
        if confirmed and face is not None and paid > face and len(item.refs) == 1:
            # The report's own row shows the face and more paid: an overpay it confirms.
            # Several rows that add up to more are left to the plugin to question (FCT133).
            meta["reason"] = "overpay"
        if item.open and (face is None or paid < face):
            meta["partial"] = True
        if face is not None:
            narration = _part_narration(ctx, paid, face, meta)
        if booked is not None and item.face is not None and booked != item.face:
            narration += f" (the report's face is {item.face:,.2f})"
        if to_us:
            narration += f" ({to_us:,.2f} paid to you before)"
    if refs:
        narration += f", {refs}"
    if ctx.history is not None and "__duplicate__" not in meta:
        _reissued(ctx, number, item, meta, refs)
    payee = item.debtor or ctx.payee
    links = frozenset([number])
    return data.Transaction(meta, item.day, ctx.flag, payee, narration, frozenset(), links, [])


# The note on a payment written alone of a report's sum: the report's other rows that the
# ledger books already.
BOOKED_KEY = "booked-already"


def _unbooked(
    ctx: Context,
    number: str,
    item: _Payments,
    meta: dict[str, Any],
    span: tuple[datetime.date, datetime.date],
) -> _Payments:
    """The rows of an invoice the ledger does not book yet (`factor_overlap.py`): all of
    them when it books none; the new ones alone, with a note naming the others, when it
    books some; all of them, marked a duplicate with a note that says which are booked,
    which differ and which are new, when it books them all or some with another amount
    (that report cannot be split safely). Imported whole, an overlapping report books its
    payments twice: FCT133, or an invoice closed by a payment counted twice, in silence."""
    assert ctx.history is not None
    payments = ctx.history.payments.get(number, [])
    if any(payment.ident == meta[ID_KEY] for payment in payments):
        return item  # the same rows extracted again: a duplicate by its id
    face = ctx.history.faces.get(number, item.face)
    found = overlap(payments, item.parts, span, ctx.payee, face)
    if found is None:
        return item
    if len(item.parts) == 1 and found.differ and found.differ[0][3]:
        return item  # one payment re-issued with another amount: `_reissued` says so
    if found.differ or not found.new:
        meta["__duplicate__"] = found.differ[0][1] if found.differ else found.booked[-1][1]
        meta[CHANGED_KEY] = _overlap_note(ctx, number, item, found)
        return item
    held = "; ".join(_held(ctx, part, entry, item.currency) for part, entry in found.booked)
    meta[BOOKED_KEY] = f"{held}: this report lists it again, not written here"
    meta["lineno"] = found.new[0].line
    return _only(item, found.new)


def _only(item: _Payments, parts: list[Part]) -> _Payments:
    """The payments of `item` that are `parts` (some of its rows), added up as rows are."""
    wanted = {id(part) for part in parts}
    chosen = [index for index, part in enumerate(item.parts) if id(part) in wanted]
    shorts = [part.short for part in parts if part.short is not None]
    day, left_open = parts[0].day, parts[0].open
    for part in parts:
        if part.day >= day:  # the latest row says what is left
            day, left_open = part.day, part.open
    return _Payments(
        parts[0].line,
        day,
        sum((part.paid for part in parts), ZERO),
        item.face,
        sum(shorts, ZERO) if shorts else None,
        [part.reference for part in parts],
        item.currency,
        item.debtor,
        left_open,
        [item.rows[index] for index in chosen],
        parts,
    )


def _held(ctx: Context, part: Part, entry: data.Transaction, currency: str) -> str:
    """Where the ledger books a row of the report: `W-1 300.00 USD of 2025-04-10 (booked
    at main.beancount:12)`, or inside the event that sums it with others."""
    where = f"{entry.meta.get('filename')}:{entry.meta.get('lineno')}"
    what = f"{part.reference} {part.paid:,.2f} {currency} of {part.day}"
    listed = booked_references(ctx.payee, entry) or ""
    if ", " not in listed:
        return f"{what} (booked at {where})"
    theirs = entry.meta.get("paid")
    in_all = f", {theirs} in all" if theirs is not None else ""
    return f"{what} (one of the payments the event of {listed} sums{in_all}; booked at {where})"


def _overlap_note(ctx: Context, number: str, item: _Payments, found: Overlap) -> str:
    """The note on a report's sum the ledger books already, or in part with another
    amount: which rows are booked, which differ, which are new."""
    refs = ", ".join(ref for ref in item.refs if ref)
    said = [f"{number} paid {item.paid:,.2f} {item.currency} here ({refs})"]
    if found.booked:
        held = "; ".join(_held(ctx, part, entry, item.currency) for part, entry in found.booked)
        said.append(f"booked already: {held}")
    for part, entry, differs, _ in found.differ:
        where = f"{entry.meta.get('filename')}:{entry.meta.get('lineno')}"
        said.append(f"{part.reference} of {part.day} differs: {differs} (at {where})")
    if found.new:
        new = ", ".join(
            f"{p.reference or 'no reference'} {p.paid:,.2f} {item.currency} of {p.day}"
            for p in found.new
        )
        said.append(f"new, booked nowhere: {new}")
    if not found.differ and not found.new:
        return (
            "; ".join(said)
            + ": nothing to book; if it is another payment, uncomment it and delete this line"
        )
    then = " (the new payments are then written alone), or book the new ones by hand"
    return "; ".join(said) + (
        ": the report cannot be split safely; correct the booked event if this report is "
        f"right and extract again{then if found.new else ''}; if it is another payment, "
        "uncomment it and delete this line"
    )


def _reissued(ctx: Context, number: str, item: _Payments, meta: dict[str, Any], refs: str) -> None:
    """Mark a payment the ledger books already with another amount (the same invoice, day
    and reference: re-issued by the factor) a duplicate of the booked event, with a note
    giving both amounts, as a schedule sent again with a figure corrected is. Imported,
    it would be a second payment: a part in silence, or FCT133 at bean-check. A booked
    event that sums this row with others of its day's report (a report of a longer
    period, booked first) holds it already: its note says so, nothing to correct."""
    assert ctx.history is not None
    booked = ctx.history.reissued(number, item.day, meta[ID_KEY], refs)
    if booked is None:
        return
    theirs = booked.meta.get("paid")
    face = ctx.history.faces.get(number, item.face)
    if theirs is None:
        theirs = f"its face{f' {face} {item.currency}' if face is not None else ''} (no paid:)"
    where = f"{booked.meta.get('filename')}:{booked.meta.get('lineno')}"
    meta["__duplicate__"] = booked
    listed = booked_references(ctx.payee, booked)
    if listed is not None and listed != inert(refs):
        meta[CHANGED_KEY] = (
            f"{number} paid {item.paid} {item.currency} here ({refs} of {item.day}) is one "
            f"of the payments the ledger's event sums, {theirs} in all ({listed}; booked "
            f"at {where}, from a report of a longer period): nothing to correct; if it is "
            "another payment, uncomment it and delete this line"
        )
        return
    meta[CHANGED_KEY] = (
        f"{number} paid {item.paid} {item.currency} here, {theirs} in the ledger (booked at "
        f"{where}): the same payment ({refs} of {item.day}), re-issued by the factor with "
        "another amount; correct the booked event (its paid:) if this one is right; if it "
        "is another payment, uncomment it and delete this line"
    )


def _short_agrees(report: Report, number: str, item: _Payments, before: Before | None) -> None:
    """An FCT210 error if a row's short/over column is not what its payment leaves of
    the face (either way round: `($50.00)` and `50.00` are both 50.00 short): paid
    1,875.00 of 1,875.00 beside a short of 50.00 was booked in full, the short pay lost.
    Only a single row that gives all three, and a short that is not zero (a part paid
    leaves the rest open, not short); a short that counts the payments the ledger holds
    before (a later part) agrees too."""
    short, face, paid = item.short, item.face, item.paid
    if not short or face is None or len(item.rows) > 1:
        return
    left = paid - face
    if abs(abs(left) - abs(short)) < HALF_CENT:
        return
    if before is not None and abs(abs(before.paid + left) - abs(short)) < HALF_CENT:
        return
    message = (
        f"{paid:,.2f} paid of {face:,.2f} leaves {abs(left):,.2f} "
        f"{'over' if left > 0 else 'short'}, and the row's short/over says {short:,.2f}: the "
        f"report disagrees with itself on invoice {number}; ask the factor for a corrected "
        "report, or correct the cell that is wrong (if payments before this report explain "
        "it, extract with the ledger that holds them, -e)"
    )
    raise report.fail(item.line, "short", message, code="FCT210")


def _mark_part(meta: dict[str, Any], item: _Payments, before: Before) -> None:
    """`partial: TRUE` on a payment after parts when the report says some is still open."""
    if item.open and (before.face is None or before.paid + item.paid < before.face):
        meta["partial"] = True


def _part_narration(ctx: Context, paid: Decimal, face: Decimal | None, meta: Any) -> str:
    narration = f"Paid {ctx.payee} {paid:,.2f}"
    if face is not None:
        narration += f" of {face:,.2f}"
    return narration + (" (a part)" if meta.get("partial") else "")


def chargeback(report: Report, ctx: Context) -> list[data.Directive]:
    """One chargeback event per invoice; the factor's figure is kept as metadata."""
    entries: list[data.Directive] = []
    seen: dict[str, int] = {}
    for row in report.rows():
        number = _invoice(row)
        if number in seen:
            raise row.fail(
                "invoice",
                f"invoice {number} is listed twice (line {seen[number]})",
                code="FCT210",
            )
        seen[number] = row.line
        day = row.date("date")
        amount = row.size("amount")
        if amount is None:
            raise row.missing("amount")
        assert day is not None
        currency = row_currency(row)
        meta = entry_meta(report, row.line, ctx, "chargeback", number, day, amount)
        meta["factoring"] = "chargeback"
        meta["factor"] = ctx.factor
        meta["recourse-amount"] = Amount(amount, currency)
        debtor = row.text("debtor")
        narration = f"Recourse {number}" + (f" ({debtor})" if debtor else "")
        links = frozenset([number])
        entries.append(
            data.Transaction(meta, day, ctx.flag, ctx.payee, narration, frozenset(), links, [])
        )
    return entries
