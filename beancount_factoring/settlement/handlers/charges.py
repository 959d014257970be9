"""Fees a factor charges apart from any invoice: monthly minimums and the like.

Agreements often set a monthly minimum: a volume of invoices to sell
(``monthly-minimum-volume``), with a fee on the shortfall
(``volume-shortfall-fee``), or a least total of discount fees
(``monthly-minimum-fee``), the difference charged. The factor's statement
shows the charge; the ledger marks it with a ``fee`` event::

    2025-04-01 * "Summit" "Minimum volume fee, March"
      factoring: "fee"
      charge: "minimum-volume"
      period: "2025-03"

The plugin works out what the agreement charges for the month (``period``,
default the month before the event), under the terms in force on the month's last
day (new terms dated the 1st of the next month, the day the charge often comes,
apply from that month on), from what the factor funded in it, books
it on the fees account and leaves it owed on the clearing account, where the
factor's next deposit nets it (matched by amount, or naming the event's link,
here ``^fee-2025-04-01-minimum-volume``). The month must be over by the event's
date, else FCT134: a day's fundings are booked after its fee events (so that a
deposit can net a fee of its day), and what the month funds from the event's
day on would be left out. Given ``amount: 250.00 USD``, the factor's figure is
booked and audited: an FCT190 error if it differs from the agreement's, or if
the month met the minimum; an amount below zero is FCT134 (a fee the factor
refunds is a transaction of the user's own, crediting the fees account).
A month the factor's agreements cover in part owes the whole minimum or its share
by days, as the agreement's ``part-month-minimum`` says (``part_month.py``).
``charge: "other"`` (a credit check, a UCC filing) needs ``amount:`` and is
not audited, as are the fees of a transfer the factor deducted from a funding
(``"ach"``, ``"wire"``, ``"same-day"``), which take the place of the deposit's own.
``charge: "deduction"`` is what the factor took from a funding that is no fee
(fuel bought on its card, a tax levy it paid for you, an escrow it holds back): it needs
``amount:`` and the ``account:`` it goes to (``Expenses:Fuel``), is booked there rather
than on the fees account, and is owed on the clearing account like a fee, so that the
deposit funding the invoice it links nets it. The VAT on a charge (``volume-shortfall-fee-vat``,
``monthly-minimum-fee-vat``, ``other-fee-vat``) is booked to the input-VAT
account and owed with it. If the fee was paid otherwise (from the bank), write
that posting: the plugin adds only the fee's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from beancount.core.account import is_valid as is_valid_account
from beancount.core.amount import Amount

from beancount_factoring.errors import as_written
from beancount_factoring.ledger.book import (
    PERIOD_RE,
    Event,
    charge_link,
    month_closing_of,
    month_end_of,
)
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.handlers.cents import cash_fraction
from beancount_factoring.settlement.handlers.part_month import month_minimum
from beancount_factoring.settlement.owed import Charge
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement
from beancount_factoring.terms.fees import WHOLE, not_whole, whole_units

ZERO = Decimal(0)
# A charge's kind, and the factoring-part of its postings.
CHARGES = {
    "minimum-volume": "minimum-volume-fee",
    "monthly-minimum-fee": "minimum-fee",
    "other": "other-fee",
    "ach": "ach-fee",
    "wire": "wire-fee",
    "same-day": "same-day-fee",
    "deduction": "deduction",
}
# What the factor took from a funding that is no fee, booked to the event's `account:`.
DEDUCTION = "deduction"
# The charges whose figure is the factor's (`amount:` required, not audited): the others
# are worked out from the agreement's monthly minimums.
STATED = frozenset(("other", "ach", "wire", "same-day", DEDUCTION))
# The charges that are a transfer's fee: booked on the agreement's transfer-fee-account,
# and a deposit sent by their rail that nets one takes no transfer fee of its own.
TRANSFER_CHARGES = frozenset(("ach-fee", "wire-fee", "same-day-fee"))


def fee_period(event: Event) -> str | None:
    """The month the fee is for (``period:``, default the month before); None if malformed."""
    value = event.entry.meta.get("period")
    if value is None:
        first = event.date.replace(day=1)
        return f"{first - datetime.timedelta(days=1):%Y-%m}"
    return value if isinstance(value, str) and PERIOD_RE.fullmatch(value) else None


def settle_fee(settler: Settler, event: Event) -> None:
    """Book (and audit) one fee the factor charged apart from any invoice."""
    read = _read_fee(settler, event)
    if read is None:
        return
    kind, period, stated = read
    # A monthly minimum is the month's: worked out under the terms of that month, though
    # charged after it, often on the day new terms start.
    on = None if kind in STATED else min(month_end_of(period), event.date)
    stop, agreement = _minimum_line(settler, event, kind, period, stated)
    if stop:
        return
    if agreement is None:
        agreement = settler.agreement_for(event, stated.currency if stated else None, on)
    if agreement is None:
        return
    if kind == DEDUCTION and not _own_account(settler, event, agreement):
        return
    figures = _fee_amount(settler, event, agreement, kind, period, stated)
    if figures is None:
        return
    amount, currency = figures
    _write_fee(settler, event, agreement, kind, period, amount, currency)


def _read_fee(settler: Settler, event: Event) -> tuple[str, str, Amount | None] | None:
    """The fee event's kind, month and stated amount; None after an FCT134 error."""
    meta = event.entry.meta
    kind = meta.get("charge")
    if kind not in CHARGES:
        settler.error(
            "FCT134",
            f"charge: {as_written(kind)} is not one of {', '.join(repr(k) for k in CHARGES)}; say "
            'which fee this is, like charge: "minimum-volume"',
            event,
        )
        return None
    period = fee_period(event)
    if period is None:
        settler.error(
            "FCT134",
            f'period: {as_written(meta.get("period"))} must be a month, like "2025-03"',
            event,
        )
        return None
    stated = meta.get("amount")
    if stated is not None and not (isinstance(stated, Amount) and stated.number is not None):
        settler.error(
            "FCT134",
            f"amount: {as_written(stated)} must be an amount, like amount: 250.00 USD",
            event,
        )
        return None
    if kind in STATED and stated is None:
        settler.error(
            "FCT134",
            f'charge: "{kind}" needs the fee the factor charged: amount: 25.00 USD',
            event,
        )
        return None
    if not _account_read(settler, event, str(kind)):
        return None
    if isinstance(stated, Amount) and stated.number is not None and stated.number < 0:
        # Booked as given, it would be a fee the factor owes, netted by no deposit.
        settler.error(
            "FCT134",
            f"amount: {stated} is negative; give the fee the factor charged as a positive "
            f"amount, like amount: {-stated.number} {stated.currency}. A fee the factor "
            "refunds is not a fee event: book the refund as a transaction of your own that "
            "credits the agreement's fees account",
            event,
        )
        return None
    if (
        isinstance(stated, Amount)
        and stated.number is not None
        and not whole_units(stated.number, stated.currency)
    ):
        # Booked as given, the fraction would come back at the deposit that nets it as
        # a difference that rounds to nothing (or be booked as rounding in silence).
        whole = not_whole(stated.number, stated.currency)
        settler.error(
            "FCT134",
            f"amount: {stated} is not in whole {whole}"
            + ("; " if stated.currency in WHOLE else ", which is all a factor charges: ")
            + "give the fee as the factor's statement shows it",
            event,
        )
        return None
    if kind not in STATED and (
        event.date < month_closing_of(period) or _event_after(settler, event, str(kind), period)
    ):
        # (Dated the month's last business day or later, it comes after that day's
        # deposits: MONTH_END_RANK; a deposit of the weekend after it is still the month's.)
        _month_not_over(settler, event, str(kind), period)
        return None
    return str(kind), period, stated


def _account_read(settler: Settler, event: Event, kind: str) -> bool:
    """Whether the event's ``account:`` is right for its kind: required on a deduction (an
    account name), refused on a fee (booked to the agreement's fees account whatever it
    says: the fuel of ``charge: "other"`` with ``account: "Expenses:Fuel"`` would be a
    cost of factoring in silence); False after FCT134."""
    account = event.entry.meta.get("account")
    if kind != DEDUCTION:
        if account is None:
            return True
        message = (
            f'account: is read on a charge: "{DEDUCTION}" only (what the factor took from a '
            f'funding that is no fee); a charge: "{kind}" is a fee, booked to the '
            "agreement's fees account. Delete account:, or, if this is no fee (fuel bought "
            f'on the factor\'s card, a tax levy), write charge: "{DEDUCTION}"'
        )
    elif isinstance(account, str) and is_valid_account(account):
        return True
    else:
        written = "" if account is None else f" (not {as_written(account)})"
        message = (
            f'charge: "{DEDUCTION}" needs the account the deduction goes to, as the ledger '
            f'opens it: account: "Expenses:Fuel"{written}'
        )
    settler.error("FCT134", message, event)
    return False


def _own_account(settler: Settler, event: Event, agreement: Agreement) -> bool:
    """False after FCT134 for a deduction whose ``account:`` is a factor's own account
    (its clearing, reserve, fees...): the plugin books those itself, and a deduction that
    is no fee booked there is lost among them (on the clearing account it nets itself)."""
    account = event.entry.meta["account"]
    if account not in settler.all_owned and account not in agreement.owned_set:
        return True
    settler.error(
        "FCT134",
        f"account: {account} is a factor's own account, which the plugin books itself: a "
        f'charge: "{DEDUCTION}" goes to an account of yours (Expenses:Fuel for fuel bought on '
        "the factor's card, Liabilities:Taxes:Levy for a levy, Assets:Escrow for an escrow); "
        'a fee of the factor\'s is charge: "other"',
        event,
    )
    return False


# The events that add to what a monthly minimum is worked out from: the month's volume
# funded (a deposit, a buyout) and, for the minimum of fees, the fees it booked.
FIGURES_OF = {
    "minimum-volume": ("lump", "funding", "buyout"),
    "monthly-minimum-fee": ("lump", "funding", "release", "buyout", "chargeback", "credit-loss"),
}


def _event_after(settler: Settler, event: Event, kind: str, period: str) -> bool:
    """True if an event of the factor that adds to the month's figures is dated after the
    minimum in its month (a Saturday funding after a Friday statement): it would be left
    out of the charge."""
    end = month_end_of(period)
    kinds = FIGURES_OF.get(kind, ())
    if event.date >= end or not kinds:
        return False
    return any(
        other.kind in kinds
        and event.date < other.date <= end
        and other.factor in (None, event.factor)
        for other in settler.book.events
    )


def _month_not_over(settler: Settler, event: Event, kind: str, period: str) -> None:
    """FCT134: a monthly minimum charged before its month is over.

    It is worked out from the month's volume and fees booked before it; a day's
    fundings are booked after its fee events (so that a deposit can net a fee of its
    day), so those of its own day, and of any later day of the month, would be left
    out and a wrong figure booked.
    """
    last = month_closing_of(period)
    when = f"the month's last business day ({last})"
    if event.date >= last:
        # Dated its last business day, with a funding of the month after it (a Saturday).
        when = f"the month's last day ({month_end_of(period)})"
    settler.error(
        "FCT134",
        f'This {kind} fee is for period: "{period}", but it is dated {event.date}, before '
        f"the month is over: what {period} funds on or after {event.date} would be left "
        f"out. Date it {when} or the day the factor charged it after the month ended",
        event,
    )


def _fee_amount(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    kind: str,
    period: str,
    stated: Amount | None,
) -> tuple[Decimal, str] | None:
    """The fee to book and its currency, the factor's figure audited; None if nothing is."""
    figures = _expected(settler, event, agreement, kind, period)
    if figures is None:
        return None
    expected, currency, why, note = figures
    amount = expected
    # A month the agreement governed in other currencies too: the factor counts them
    # toward its minimum at a rate the books do not hold, so its figure is the charge.
    audited = (
        kind in STATED
        or not expected
        or not _minimum_elsewhere(
            settler, event, agreement, kind, period, (expected, currency), stated
        )
    )
    if stated is None and not audited:
        return None
    if isinstance(stated, Amount) and stated.number is not None:
        amount = stated.number
        if stated.currency != currency:
            settler.error(
                "FCT134",
                f"amount: {stated} is not in the currency of the agreement's minimum, {currency}",
                event,
            )
            return None
        if audited and kind not in STATED and abs(amount - expected) > settler.tolerance:
            settler.error(
                "FCT190",
                f"This {kind} fee of {amount:,.2f} {currency} for {period} differs from "
                f"agreement '{agreement.name}' ({agreement.date}): {why}, so the agreement "
                f"charges {expected:,.2f} {currency} (difference {amount - expected:+,.2f})."
                f"{note} The books use the factor's figure; ask the factor, or correct the "
                "agreement",
                event,
            )
    if not amount:
        settler.error(
            "FCT190",
            f"Nothing is due for this {kind} fee: {why}.{note} Remove the event, or correct "
            "the agreement",
            event,
        )
        return None
    return amount, currency


# The agreement's key of each monthly minimum, and what the month counts toward it.
MINIMUMS = {
    "minimum-volume": ("monthly_minimum_volume", "monthly-minimum-volume", "funded"),
    "monthly-minimum-fee": ("monthly_minimum_fee", "monthly-minimum-fee", "of discount fees"),
}


def _minimum_line(
    settler: Settler, event: Event, kind: str, period: str, stated: Amount | None
) -> tuple[bool, Agreement | None]:
    """(stop, agreement): of a factor with an agreement per currency, the one whose
    monthly minimum a fee event without ``amount:`` charges (None: the usual look-up);
    stop after an FCT134 error when several set that minimum."""
    if kind not in MINIMUMS or stated is not None or event.factor is None:
        return False, None
    on = min(month_end_of(period), event.date)
    agreements = settler.book.agreements
    lines = agreements.lines_in_force(event.factor, on)
    attribute, key, _ = MINIMUMS[kind]
    having = [a for a in lines if getattr(a, attribute) is not None]
    if len(lines) < 2 or not having:
        return False, None
    if len(having) == 1:
        return False, having[0]
    charges = []
    for agreement in having:
        figures = _expected(settler, event, agreement, kind, period)
        if figures is not None:
            charges.append(f"{figures[0]:.2f} {figures[1]}")
    settler.error(
        "FCT134",
        f"Agreements of '{agreements.display(event.factor)}' in several currencies set a "
        f"{key}, so which one this {kind} fee for {period} is cannot be told: give the "
        f"factor's charge in its currency (amount: {' or amount: '.join(charges)}), one "
        "fee event per currency",
        event,
    )
    return True, None


def _minimum_elsewhere(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    kind: str,
    period: str,
    expected: tuple[Decimal, str],
    stated: Amount | None,
) -> bool:
    """Whether an agreement for every currency (no ``currency:``) also governed the month's
    fundings (or fees) in other currencies than its minimum's; FCT134 without ``amount:``."""
    number, currency = expected
    factor = event.factor or ""
    table = settler.result.volume if kind == "minimum-volume" else settler.result.month_fees
    on = min(month_end_of(period), event.date)
    in_force = settler.book.agreements.in_force
    others = [
        f"{value:,.2f} {other}"
        for (name, other, month), value in sorted(table.items())
        if name == factor and month == period and other != currency and value
        if in_force(factor, on, other)[1] is agreement
    ]
    if not others or stated is not None:
        return bool(others)
    _, key, counted = MINIMUMS[kind]
    settler.error(
        "FCT134",
        f"Agreement '{agreement.name}' ({agreement.date}) governs every currency, and {period} "
        f"has {', '.join(others)} {counted} beside those in {currency}, the currency of its "
        f"{key}: how the factor counts them toward it the books cannot tell, so the "
        f"{number:,.2f} {currency} worked out from {currency} alone may be too much. Give the "
        f"factor's charge from its statement (amount: {number:.2f} {currency}, say), or write "
        f'the terms of each currency as an agreement of its own (currency: "{others[0][-3:]}")',
        event,
    )
    return True


def _write_fee(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    kind: str,
    period: str,
    amount: Decimal,
    currency: str,
) -> None:
    """Write the fee's legs and, if it is owed on the clearing account, note it as open."""
    part = CHARGES[kind]
    key = settler.book.charge_keys.get(event.index) or charge_link(event.entry)
    fees = agreement.transfer_fee_account if part in TRANSFER_CHARGES else agreement.fees
    if kind == DEDUCTION:
        fees = str(event.entry.meta["account"])  # (read by `_account_read`)
    legs = [P.leg(fees, amount, currency, part)]
    # The VAT on the fee (volume-shortfall-fee-vat, ...) is owed with it, at the rate of
    # the day it is charged (a month's minimum is worked out under that month's terms).
    charged = settler.book.agreements.charged_on(agreement, event.date)
    legs.extend(P.vat_legs(charged, legs))
    owed = sum((item.number for item in legs), ZERO)
    entry = settler.result.replaced.get(event.index, event.entry)
    # The fee's own accounts (its VAT's too: the plugin's output, settled again by the
    # reports, must read as the user's input did); any other posting says how it was paid.
    own = {fees, agreement.clearing, agreement.vat_account, charged.vat_account}
    others = [p for p in entry.postings if p.account not in own]
    on_clearing = not others
    # Paid from the bank in fractions of a cent: said, and booked as for whole cents.
    cash_fraction(settler, event, entry, own, "fee")
    if on_clearing:
        legs.append(P.leg(agreement.clearing, -owed, currency, part))
    settler.note_accounts(legs, event.date, agreement)
    if entry.postings and not on_clearing and not any(p.account == fees for p in entry.postings):
        # The user wrote how it was paid (the bank); the plugin adds the fee.
        postings = list(entry.postings) + P.materialize(
            legs, settler.config.detail, agreement.owned_set
        )
        settler.result.replaced[event.index] = entry._replace(
            postings=postings, links=entry.links | {key}
        )
    else:
        settler.write(event, legs, {key}, agreement)
    if on_clearing:
        # The invoice the fee event links (a deduction from its funding), if one: in its
        # currency only, since a funding in another cannot deduct it (a USD wire charge
        # on a CAD invoice is a fee apart, netted by a USD deposit that names it).
        invoice = event.invoices[0] if len(event.invoices) == 1 else None
        if invoice is not None and _currency_of(settler, invoice) != currency:
            invoice = None
        what = f"deduction to {fees}" if kind == DEDUCTION else f"{kind} fee"
        label = f"{what} " + (f"of {invoice}" if invoice else period)
        settler.charge(
            event.factor,
            Charge(
                key,
                label,
                event.date,
                owed,
                currency,
                part,
                entry,
                invoice,
                clearing=agreement.clearing,
            ),
        )


def _currency_of(settler: Settler, number: str) -> str | None:
    """The currency of an invoice of the ledger, if it is one."""
    state = settler.result.states.get(number)
    return state.currency if state is not None else None


def _expected(
    settler: Settler, event: Event, agreement: Agreement, kind: str, period: str
) -> tuple[Decimal, str, str, str] | None:
    """What the agreement charges for the month: (amount, currency, how it is found, and
    for a part month under part-month-minimum: "full", what "prorated" would charge)."""
    if kind in STATED:
        stated = event.entry.meta["amount"]
        return stated.number, stated.currency, "not audited", ""
    attribute, key, _ = MINIMUMS[kind]
    floor = getattr(agreement, attribute)
    rule = agreement.volume_shortfall_fee
    if floor is None or floor.number is None or (kind == "minimum-volume" and rule is None):
        volume = kind == "minimum-volume"
        extra = " (and volume-shortfall-fee)" if volume else ""
        settler.error(
            "FCT134",
            f"Agreement '{agreement.name}' has no {key} to charge a {kind}"
            f"{' fee' if volume else ''} for; add it{extra} to the agreement",
            event,
        )
        return None
    currency = floor.currency
    minimum = month_minimum(settler, event, agreement, attribute, period)
    fee, why = _charge_of(settler, event, agreement, kind, period, minimum.number, currency)
    note = ""
    if minimum.note:
        prorated, _ = _charge_of(
            settler, event, agreement, kind, period, minimum.prorated, currency
        )
        note = minimum.note.replace("{charge}", f"{prorated:,.2f} {currency}")
    return fee, currency, why(minimum.text), note


def _charge_of(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    kind: str,
    period: str,
    minimum: Decimal,
    currency: str,
) -> tuple[Decimal, Callable[[str], str]]:
    """The month's charge against ``minimum``, and the words of how it is found, given
    how the minimum was found."""
    factor = event.factor or ""
    if kind == "minimum-volume":
        rule = agreement.volume_shortfall_fee
        assert rule is not None
        volume = settler.result.volume.get((factor, currency, period), ZERO)
        shortfall = minimum - volume
        if shortfall <= 0:
            return (
                ZERO,
                lambda text: (
                    f"{volume:,.2f} {currency} funded in {period} meets the minimum volume "
                    f"of {text}"
                ),
            )
        fee = rule.of(shortfall, currency, agreement.rounding)
        return (
            fee,
            lambda text: (
                f"{volume:,.2f} {currency} funded in {period} is {shortfall:,.2f} short of the "
                f"minimum volume of {text}, and volume-shortfall-fee is {rule.text}"
            ),
        )
    fees = settler.result.month_fees.get((factor, currency, period), ZERO)
    rest = max(minimum - fees, ZERO)
    return (
        rest,
        lambda text: (
            f"the discount fees booked in {period} come to {fees:,.2f} {currency} against the "
            f"monthly minimum of {text}"
        ),
    )
