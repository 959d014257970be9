"""The customer's payments to the factor: in full, short, in parts, and recovered later.

A ``collected`` event is the factor's report that the customer paid it. Without
``paid:`` the customer paid the face, in full; with ``paid:`` it paid that much.
Which payment closes the invoice is said on the event, never guessed:

- ``partial: TRUE``: a part; more is expected. The invoice stays open, and so
  does the fee clock of a time-based fee. Under the loan model the part repays
  as much of the advance (Advances +part, Receivable -part); under the sale
  model nothing moves (the invoice is the factor's).
- without it: the last payment. The invoice is closed on that day (its fee is
  measured to it, or to the earlier day the payments reached the face when the
  customer paid us the last of it: misdirected.py). A payment to us counts as
  one of the invoice's payments; ``paid:`` is this payment to the factor alone,
  and without it the rest of what is unpaid. The payments add up to the face
  (paid in full), to less (a short pay of the rest, on the adjustments
  account, taken from the reserve or the next deposit), or to more (an
  overpay, owed to the customer on ``customer-credits``, added to the
  reserve).
- ``reason: "additional-payment"``: a payment after the invoice was closed
  short. It reverses the short pay's adjustment and adds to what the factor
  returns: it first owes us less of that short pay, then holds the rest in the
  reserve for the next release. It adds no fee: the factor's money was back
  when the invoice was closed.

Harbor advanced $800.00 on a $1,000.00 invoice; Echo pays $400.00, then $600.00::

    2025-03-20 * "Echo" "First half" ^INV-2001
      factoring: "collected"
      paid: 400.00 USD
      partial: TRUE

    2025-04-18 * "Echo" "The rest" ^INV-2001
      factoring: "collected"
      paid: 600.00 USD

The second event closes the invoice on April 18: it is paid in full, the fee
runs to that day. Everything that cannot be read one way only is an error:
a ``collected`` without ``paid:`` after a part (the rest, or the face again?),
a part of all that is left, a second payment on a closed invoice that does not
say ``additional-payment``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from beancount.core.amount import Amount

from beancount_factoring.errors import as_written
from beancount_factoring.ledger.book import AMOUNT_DIGITS, SOURCE_KEYS, Event
from beancount_factoring.settlement.context import Settler, ended_hint
from beancount_factoring.settlement.state import LOSS_REASONS, InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms import spelling
from beancount_factoring.terms.fees import HALF_CENT, not_whole, whole_units

ZERO = Decimal(0)
RECOVERY = "additional-payment"
# What an invoice owes its factor of the customer's payments to us (misdirected.py).
MISDIRECTED = "misdirected-payment"
# The reasons that may describe a payment of the whole face (the customer paid, only
# not as agreed): every other reason says it paid other than the face, and without
# paid: would be ignored, the invoice closed paid in full.
WHOLE_REASONS = frozenset(("non-factored-payment", "direct-payment-by-client"))
PAYMENT_HINT = (
    "if this is the same payment booked twice (typed by hand and imported, or listed in "
    "two reports), delete one; "
    'if the customer paid the rest of a short pay later, say reason: "additional-payment"; '
    "if it pays in parts, mark every payment but the last partial: TRUE"
)


def settle_collected(settler: Settler, event: Event) -> None:
    """Book a customer's payment to the factor, as the event says which it is."""
    states = settler.named_states(event)
    if states is None or not settler.check_factor(event, states):
        return
    partial = event.entry.meta.get("partial", False)
    if not _readable(settler, event, states, partial):
        return
    if event.entry.meta.get("reason") == RECOVERY:
        _recover(settler, event, states[0])
        return
    whole = event.amount is None and not partial
    for state in states:
        # (A funded invoice paid all at once, the most common payment, passes every
        # test of _open_for_payment: tested inline.)
        if (
            whole
            and state.funded_on
            and not (state.collected_on or state.charged_back_on or state.lost_on or state.paid)
        ):
            continue
        if not _open_for_payment(settler, event, state, bool(partial)):
            return
    if partial:
        if "reason" in event.entry.meta and settler.reason(event, "shortpay") is None:
            return
        if _repeats_parts(settler, event, states[0]):
            return
        _pay_part(settler, event, states[0], event.amount or ZERO)
        return
    netted = event.entry.meta.get("short-pay-from")
    if netted is not None and netted not in ("reserve", "funding"):
        settler.error(
            "FCT134", f'short-pay-from: {as_written(netted)} must be "reserve" or "funding"', event
        )
        return
    reason = "shortpay"
    if event.amount is not None:
        state = states[0]
        total = state.payments + event.amount
        # (What pays a debit memo billed on the invoice is no overpay: ``_memo_paid``.)
        beyond = total - state.face - memo_open(state)
        if beyond > settler.tolerance and event.entry.meta.get("reason") != "overpay":
            _unexplained_overpay(settler, event, state, total)
            return
        if event.entry.meta.get("reason") != "overpay" and _repeats_parts(settler, event, state):
            return
        if total != state.face:
            found = settler.reason(event, "overpay" if total > state.face else "shortpay")
            if found is None:
                return
            reason = found
    expected: list[P.Leg] = []
    for state in states:
        expected.extend(_close(settler, event, state, reason, netted))
    assert states[0].agreement is not None
    settler.write(event, expected, set(), states[0].agreement)


def _unexplained_overpay(
    settler: Settler, event: Event, state: InvoiceState, total: Decimal
) -> None:
    """A payment beyond the face that does not say it is one: a report's row counted
    twice reads so too (paid: twice the face), and would be booked as a debt to the
    customer in silence. The event says it (a reason) or the amount is corrected. What
    pays a debit memo billed on the invoice is no overpay: the message names it."""
    memo = memo_open(state)
    owed = f"the face {state.face}"
    if memo:
        owed = (
            f"the face {state.face} and the {memo:,.2f} billed on it beyond its face (a debit "
            "memo, which the payment pays first, to the receivable)"
        )
    terms = state.agreement
    assert terms is not None
    credits = terms.customer_credit_account(state.invoice.account)
    beyond = total - state.face - memo
    listed = state.listed or {}
    again = [ref for ref in references(event.entry.narration) if ref in listed]
    twice = "; if a row was counted twice, correct paid:"
    first = ""
    if again:
        # The references show the double count (two reports that overlap): said first.
        parts = ", ".join(f"{listed[ref][1]:,.2f} on {listed[ref][0]} ({ref})" for ref in again)
        first = (
            f"this payment lists {', '.join(again)}, which the invoice's parts paid before "
            f"list too ({parts}): most likely the same payments counted twice (reports that "
            "overlap, a week's and the month's); delete this event, or correct paid: to "
            "what it adds to them. Else, "
        )
        twice = ""
    settler.error(
        "FCT133",
        f"Invoice {state.invoice.number}: paid {event.amount} {state.currency} brings the "
        f"payments to {total}, {beyond:,.2f} more than {owed}: {first}if the customer really "
        f'paid more, say reason: "overpay" (the {beyond:,.2f} is then owed back to it on '
        f"{credits}){twice}",
        event,
    )


# The importer's narration of a payment (``factor_entries._collected``): ``Paid <factor>``,
# the amount (``700.00 of 1,000.00``, `` (a part)``, remarks in brackets), the references.
_IMPORTED = re.compile(
    r"Paid \S.*? [\d,]+\.\d\d(?: of [\d,]+\.\d\d)?(?: \(a part\))?(?: \([^()]*\))*, "
)


def _repeated(event: Event, state: InvoiceState) -> list[str]:
    """The references this payment lists that a part paid before listed too, when its
    narration is the importer's (its amounts, or ``Paid`` and two references or more):
    a narration typed by hand with a comma (``Paid by TQL, thanks``) lists no payments."""
    narration = event.entry.narration or ""
    listed = references(narration)
    again = [ref for ref in listed if ref in (state.listed or ())]
    several = len(listed) > 1 and narration.startswith("Paid ")
    return again if again and (several or _IMPORTED.match(narration)) else []


def _repeats_parts(settler: Settler, event: Event, state: InvoiceState) -> bool:
    """FCT133 for a payment whose references repeat its invoice's parts' (a ledger
    imported before the importer matched reports that overlap: the week's part W-1 of
    300.00, then the month's W-1 and W-2 of 700.00): added to the parts, it counts them
    twice, and closes the invoice paid in full (300.00 + 700.00 of 1,000.00) while 700.00
    was paid. (A sum beyond the face is ``_unexplained_overpay``'s.) False if none."""
    if not state.listed:
        return False  # (Most invoices: no part lists a reference.)
    again = _repeated(event, state)
    if not again:
        return False
    assert event.amount is not None
    listed = state.listed
    # (One part may list several of them: a week's two rows summed.)
    parts = dict.fromkeys(listed[ref] for ref in again)
    counted = sum((paid for _, paid in parts), ZERO)
    named = ", ".join(f"{listed[ref][1]:,.2f} on {listed[ref][0]} ({ref})" for ref in again)
    total = state.payments + event.amount
    would = "count" if event.entry.meta.get("partial") else "close the invoice with"
    adds = event.amount - counted
    fix = (
        f"or correct paid: to what this payment adds to them (paid: {adds:.2f} "
        f"{state.currency}) and drop {', '.join(again)} from its narration"
        if adds > 0
        else "or delete this event, if it adds nothing to them"
    )
    settler.error(
        "FCT133",
        f"Invoice {state.invoice.number}: this payment of {event.amount:,.2f} "
        f"{state.currency} lists {', '.join(again)}, which the invoice's parts paid before "
        f"list too ({named}): most likely the same payments counted twice (reports that "
        f"overlap, a week's and the month's), which would {would} {total:,.2f} paid of the "
        f"face {state.face:,.2f}, though {total - counted:,.2f} was paid. Delete the part's "
        f"event (this payment sums it), {fix}",
        event,
    )
    return True


def _readable(settler: Settler, event: Event, states: list[InvoiceState], partial: object) -> bool:
    """``paid:``, ``partial:`` and the reason fit together; False after an error."""
    meta = event.entry.meta
    problem = None
    if event.amount is not None and len(states) > 1:
        problem = "paid: applies to one invoice; write one collected event per short-paid invoice"
    elif isinstance(meta.get("paid"), str):
        problem = (
            f"paid: {meta['paid']!r} is text in quotes, not an amount; write it without "
            f"quotes, like paid: 1850.00 {states[0].currency}"
        )
    elif (fraction := _fraction_paid(meta.get("paid"), states[0].currency)) is not None:
        problem = fraction
    elif event.amount is not None and (
        event.amount < 0 or event.currency not in (None, states[0].currency)
    ):
        problem = (
            f"paid: {meta.get('paid')} is not an amount in the invoice's currency; "
            f"write it like paid: 1850.00 {states[0].currency}"
        )
    elif event.amount == 0 and not partial and "reason" not in meta:
        # Nothing collected is most likely a misread report, not a short pay of all of it.
        problem = (
            f"paid: {meta.get('paid')} says the customer paid nothing: if the factor "
            'closed the invoice unpaid, give its reason (reason: "broker-claim"...), or '
            "book a chargeback or a credit-loss; otherwise correct paid:"
        )
    elif event.amount == 0 and not partial and meta["reason"] in LOSS_REASONS:
        # A short pay of the whole face is a deduction you bear, whatever the recourse:
        # the customer's failure to pay is a chargeback's, or a non-recourse factor's loss.
        problem = (
            f'paid: {meta.get("paid")} with reason: "{meta["reason"]}" says the customer did '
            "not pay: that is no short pay (a deduction you bear, whatever the agreement's "
            'recourse), but a chargeback (factoring: "chargeback") or, if the agreement '
            'is non-recourse, a credit loss the factor bears (factoring: "credit-loss"): '
            "book that event instead. Nothing of this event is booked"
        )
    elif partial not in (True, False):
        problem = f"partial: {as_written(partial)} must be TRUE or FALSE"
    elif (partial or meta.get("reason") == RECOVERY) and event.amount is None:
        what = "a payment in part" if partial else "an additional payment"
        problem = f"{what} needs the amount paid, like paid: 400.00 {states[0].currency}"
    elif partial and meta.get("reason") == RECOVERY:
        problem = (
            'reason: "additional-payment" is a payment after the invoice was closed; '
            "partial: TRUE one before: give one of the two"
        )
    elif (
        event.amount is None
        and not partial
        and "reason" in meta
        and meta["reason"] not in WHOLE_REASONS
    ):
        # A short pay written without its amount would close the invoice paid in full,
        # the reason ignored: the deduction would surface only at the release.
        problem = (
            f"reason: {as_written(meta['reason'])} says the customer paid other than the face, "
            "but without paid: the event closes the invoice paid in full: give what the customer "
            f"paid, like paid: 850.00 {states[0].currency}"
        )
    elif event.amount is None and "paid" not in meta:
        problem = _other_amount(meta, states[0].currency)
    else:
        problem = _unread_choice(meta, partial)
    if problem is not None:
        settler.error("FCT134", problem, event)
        return False
    return True


def _fraction_paid(paid: object, currency: str) -> str | None:
    """What is wrong with a ``paid:`` in fractions of a cent (``paid: 970.004 USD``, or
    arithmetic that does not come out even, ``(2910.01 / 3) USD``): booked as written,
    the short pay and the reserve left would hold the fraction, which no factor pays."""
    number = paid.number if isinstance(paid, Amount) else paid
    if paid_currency := (paid.currency if isinstance(paid, Amount) else None):
        currency = paid_currency
    if not isinstance(number, Decimal) or not number.is_finite() or number < 0:
        return None
    if number.adjusted() >= AMOUNT_DIGITS or whole_units(number, currency):
        # (One too large to book has its own error.)
        return None
    return (
        f"paid: {number} {currency} is not in whole {not_whole(number, currency)}: a "
        "customer pays whole cents; correct it to what the factor's report says (written "
        "as arithmetic, work the sum out to the cent). Nothing of this event is booked"
    )


def _other_amount(meta: dict[str, object], currency: str) -> str | None:
    """An amount under a key other than ``paid:`` (``amount:``, ``payed:``, ``short-pay:``):
    the plugin reads only ``paid:``, so the payment would be booked as the whole face."""
    for key, value in meta.items():
        if key != "paid" and isinstance(value, Amount):
            return (
                f"{key}: {value} is not read on a collected event: what the customer paid "
                f"is given as paid: (the face less a short pay), like paid: 850.00 {currency}; "
                "without it the invoice is closed paid in full"
            )
    return None


# The choices of ``short-pay-from:``, as a value a misnamed key may carry.
_SHORT_PAY_FROM = ("reserve", "funding")
_CHOICES = frozenset(("partial", "short-pay-from"))
# The words of a key that says "in part" (partial-payment, is-partial, partPayment,
# paidInPart, partpayment), not one that only holds the letters (third-party, partner).
_PART_WORDS = frozenset(("part", "parts", "partly", "partpayment", "partpaid", "partpay"))
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


# The words of a key that says where a short pay is taken from (short-pay-source,
# deduct-from, from), not a note of the user's own (note: "reserve").
_FROM_WORDS = frozenset(("from", "source", "short", "deduct", "deducted", "taken", "take"))


def _words(key: str) -> list[str]:
    """A key's words, lower case: `partPayment`, `part-payment` and `part_payment` alike."""
    return re.split(r"[^a-z]+", _CAMEL.sub("-", key).lower())


def _says_from(key: str) -> bool:
    return any(word in _FROM_WORDS for word in _words(key))


def _says_in_part(key: str) -> bool:
    return any(word in _PART_WORDS or word.startswith("partial") for word in _words(key))


def _unread_choice(meta: dict[str, object], partial: object) -> str | None:
    """A choice under a key the plugin does not read: ``partial-payment: TRUE`` (not
    ``partial:``) would close the invoice with a short pay of what is still owed, and
    ``short-pay-source: "funding"`` would take the short pay from the reserve."""
    for key, value in meta.items():
        if key in _CHOICES or key in SOURCE_KEYS or spelling.near(key, _CHOICES):
            # (A slip of the key itself, ``partail:``, is checks/keys.py's FCT134.)
            continue
        if value is True and not partial and _says_in_part(key):
            return (
                f"{key}: TRUE is not read on a collected event: without partial: TRUE the "
                "plugin closes the invoice and books what is still owed as a short pay; "
                "write partial: TRUE instead"
            )
        choice = value.strip().lower() if isinstance(value, str) else None
        if choice in _SHORT_PAY_FROM and _says_from(key):
            return (
                f'{key}: "{value}" is not read on a collected event: where the short pay is '
                f'taken from is given as short-pay-from: "{choice}"; without it the '
                "agreement's choice applies"
            )
    return None


def _open_for_payment(settler: Settler, event: Event, state: InvoiceState, partial: bool) -> bool:
    """The invoice may take this payment: it is open, and the amount says which part."""
    if state.collected_on and not (state.charged_back_on or state.lost_on):
        # (A part of the day the invoice was closed comes before the closing payment:
        # book.PART_RANK. This one came on a later day, or is not marked a part.)
        settler.error(
            "FCT133",
            f"Invoice {state.invoice.number} cannot be collected: it is {state.describe()}; "
            + PAYMENT_HINT,
            event,
        )
        return False
    if not settler.check_state(state, event, "collected"):
        return False
    if event.amount is None and not partial and not state.paid:
        return True  # The whole invoice paid at once (most are): nothing below applies.
    left = state.unpaid
    problem = None
    if state.paid and event.amount is None and left > 0:
        problem = (
            f"Invoice {state.invoice.number} is partly paid ({state.paid:,.2f} of "
            f"{state.face:,.2f} {state.currency}): give the amount of this payment, like "
            f"paid: {left:.2f} {state.currency} for the rest"
        )
    elif (
        state.payments
        and event.amount == state.face
        and (partial or event.entry.meta.get("reason") != "overpay")
    ):
        problem = _face_again(state, event.amount)
    elif partial and not ZERO < (event.amount or ZERO) < left:
        problem = (
            f"partial: TRUE says more is to come, but paid: {event.amount:,.2f} is not less "
            f"than the {left:,.2f} {state.currency} left of invoice {state.invoice.number} "
            "(nor above zero); drop partial: for the last payment"
        )
    if problem is not None:
        settler.error("FCT134", problem, event)
        return False
    return True


def _face_again(state: InvoiceState, amount: Decimal) -> str:
    """The FCT134 of ``paid:`` of the face after earlier payments: the total so far, or
    the customer paying the factor the whole face though it paid part of it before (to
    us, or to the factor). Either reading is plausible; each books other figures."""
    terms = state.agreement
    assert terms is not None
    number, currency = state.invoice.number, state.currency
    to_you = f", {state.received:,.2f} of it to you" if state.received else ""
    forwarded = ", or the factor's record of what you forwarded" if state.received else ""
    credits = terms.customer_credit_account(state.invoice.account)
    ours = min(state.payments, state.owed.get(MISDIRECTED, ZERO))
    where = []
    if ours:
        where.append(f"the {ours:,.2f} you hold of it is no longer owed to the factor")
    if state.payments - ours:
        where.append(f"the factor holds {state.payments - ours:,.2f} of it in the reserve")
    # (Without paid: is the rest only when nothing was paid to the factor before.)
    rest = f"write paid: {state.unpaid:.2f} {currency}"
    if state.unpaid <= 0:
        rest = "write no paid: (the rest: nothing is left)"
    elif not state.paid:
        rest += " (or no paid:, the rest)"
    return (
        f"paid: {amount:,.2f} is the face of invoice {number}, of which "
        f"{state.payments:,.2f} was paid before{to_you}. If the {amount:,.2f} counts those "
        f"payments (the total so far{forwarded}), "
        f"paid: is the amount of this payment to the factor alone: {rest}. If the "
        "customer paid the factor the whole face though it had paid that before (it paid "
        f'twice), say reason: "overpay": the {state.payments:,.2f} is then owed back to it '
        f"on {credits} ({' and '.join(where)})"
    )


def _pay_part(settler: Settler, event: Event, state: InvoiceState, paid: Decimal) -> None:
    """A part of the face, paid to the factor; the invoice stays open."""
    agreement = state.agreement
    assert agreement is not None
    legs = P.partial_postings(
        agreement, state.invoice.number, state.currency, paid, state.invoice.account
    )
    state.paid = (state.paid or ZERO) + paid
    for reference in references(event.entry.narration):
        if state.listed is None:
            state.listed = {}
        state.listed.setdefault(reference, (event.date, paid))
    settler.note_accounts(legs, event.date, agreement)
    settler.write(event, legs, set(), agreement)


def references(narration: str | None) -> list[str]:
    """The references a narration lists after its first `, ` (the importer writes a
    payment's so: `Paid Birchfield Capital 700.00 of 1,000.00, W-1, W-2`)."""
    return [part for part in (narration or "").split(", ")[1:] if part.strip()]


def _close(
    settler: Settler, event: Event, state: InvoiceState, reason: str, netted: object
) -> list[P.Leg]:
    """The last payment: the invoice is closed, its fee known, its reserve due."""
    agreement = state.agreement
    assert agreement is not None and state.funded_on and state.purchase
    # What the customer paid the factor before, and all it paid (to us too): paid: is
    # this one payment to the factor, without it the rest (nothing, if we got it all).
    # (``state.unpaid`` inline: this runs for every invoice collected.)
    before = state.paid or ZERO
    left = state.face - (before + state.received)
    paid = event.amount if event.amount is not None else left
    short = left - paid
    state.collected_on, state.paid = event.date, before + paid
    # Paid in full (or closed short) now, unless our misdirected payments completed it
    # earlier: the time-based fee runs to that day, not to the factor's later report.
    state.paid_in_full_on = state.paid_in_full_on or event.date
    if agreement.fee_all_at_purchase:
        state.base_fee, state.late_fee = ZERO, ZERO  # (What fee_due gives: one test.)
    else:
        due = P.fee_due(
            agreement,
            state.purchase.face,
            state.purchase.advance,
            state.funded_on,
            state.paid_in_full_on,
            state.purchase.discount_fee,
            state.currency,
        )
        state.base_fee, state.late_fee = P.base_and_late(
            agreement, state.purchase, due, state.currency
        )
    number, currency = state.invoice.number, state.currency
    legs: list[P.Leg] = []
    from_reserve, theirs = ZERO, short
    if short:  # (Most payments are neither short nor over: they post nothing here.)
        from_funding = (netted or agreement.short_pay_from) == "funding"
        legs, from_reserve, theirs = _difference_legs(state, short, from_funding)
    if short > 0:
        # An overpay is not a deduction: it is owed to the customer, not revenue.
        settler.deduct(event, state, "short pay", reason, short)
        state.short_reason = reason
    if agreement.loan:
        # The receivable still holds all but the parts paid to the factor: what reached
        # us clears it now, with this payment.
        legs = P.loan_collection_postings(
            agreement,
            number,
            currency,
            state.face - before,
            state.received + paid,
            state.invoice.account,
            legs,
        )
    if legs:
        settler.note_accounts(legs, event.date, agreement)
    factor = state.factor or ""
    settler.open_releases.setdefault(factor, {})[number] = None
    state.held -= from_reserve
    rest = theirs - from_reserve
    if rest:
        # (Negative for an overpay netted from a funding: the factor owes it to us.)
        part = P.owed_part(short)
        state.set_owed(part, state.owed.get(part, ZERO) + rest)
        settler.open_owed.setdefault(factor, {})[number] = None
    return legs


def _difference_legs(
    state: InvoiceState, short: Decimal, from_funding: bool
) -> tuple[list[P.Leg], Decimal, Decimal]:
    """The legs of what the payments leave short of the face, or beyond it (below zero);
    what the factor takes from the reserve; and the factor's part of the difference.

    An overpay is owed to the customer. The factor holds what it was paid beyond the
    face (in the reserve, or netted); but what the customer paid us and we did not
    pass on is not the factor's: paid the face by the customer itself, the factor is
    owed nothing of it any more. That part (up to the overpay) leaves the due-to-factor
    account instead (part ``overpay``). TQL paid us 800.00 of INV-1001 (2,000.00), then
    Summit 2,000.00: CustomerCredits -800.00, DueToFactor +800.00, nothing to the reserve."""
    agreement = state.agreement
    assert agreement is not None
    number, currency = state.invoice.number, state.currency
    # Only an overpay is owed to the customer.
    credits = agreement.customer_credit_account(state.invoice.account) if short < 0 else ""
    held = state.owed.get(MISDIRECTED, ZERO)
    ours = min(-short, held) if short < 0 else ZERO
    theirs = short + ours
    legs, from_reserve = P.collection_postings(
        agreement, number, currency, theirs, state.held, from_funding, credits
    )
    if ours:
        # (The factor's own overpay legs, if any, after its credit leg: one credit leg.)
        legs = [
            P.leg(credits, short, currency, "overpay", number),
            P.leg(agreement.due_to_factor, ours, currency, "overpay", number),
            *legs[1:],
        ]
        if held - ours >= HALF_CENT:
            state.set_owed(MISDIRECTED, held - ours)
        else:
            state.drop_owed(MISDIRECTED)
    if short < 0 and state.direct_paid < 0:
        legs = _memo_paid(state, legs, short)
    return legs, from_reserve, theirs


def memo_open(state: InvoiceState) -> Decimal:
    """What was billed on an invoice beyond its face (a debit memo: detention on the
    load, a debit that links it) and not yet paid: ours, even when a factor holds the
    face (``misdirected.settle_payment``)."""
    return max(-state.direct_paid, ZERO)


def _memo_paid(state: InvoiceState, legs: list[P.Leg], short: Decimal) -> list[P.Leg]:
    """The legs of a payment to the factor beyond the face (``short`` below zero) that
    pays the debit memo billed on the invoice first: the factor collected it for us,
    so that part clears the receivable (part ``overpay``, naming the invoice) instead of
    being owed to the customer, and the factor holds it in the reserve (or nets it) as
    it holds an overpay. INV-1 (1,000.00) billed 200.00 of detention, collected with
    ``paid: 1200.00 USD``: Receivable -200.00, Reserve +200.00. What is beyond the memo
    is still the customer's (``legs[0]``, on customer-credits)."""
    memo = min(-short, memo_open(state))
    credit = legs[0]
    cleared = credit._replace(account=state.invoice.account, number=-memo)
    state.direct_paid += memo
    if credit.number + memo:
        return [cleared, credit._replace(number=credit.number + memo), *legs[1:]]
    return [cleared, *legs[1:]]


_IN_PARTS = (
    "A payment of an open invoice in parts is a collected event with partial: TRUE; a "
    "payment to you after a chargeback is booked on the receivable"
)


def _recover(settler: Settler, event: Event, state: InvoiceState) -> None:
    """A payment after a short pay closed the invoice: the short pay is (partly) undone."""
    number = state.invoice.number
    short = state.unpaid if state.collected_on else ZERO
    if not state.collected_on or state.charged_back_on or state.lost_on or short <= 0:
        if not state.funded_on and settler.waits_for_sale(state, event):
            return  # (Its schedule or deposit was refused: that error speaks for this.)
        why = f"it was paid in full on {state.collected_on}. " + _IN_PARTS
        if state.charged_back_on or state.lost_on:
            # What the factor collects after the invoice left its hands: as for a plain
            # collected (a credit loss's claim is the factor's; a chargeback's, ours).
            why = f"it is {state.describe()}" + ended_hint(state, "collected")
        elif not state.collected_on:
            why = f"it is {state.describe()}. " + _IN_PARTS
        settler.error(
            "FCT133",
            f'Invoice {number} has no short pay to recover (reason: "additional-payment"): ' + why,
            event,
        )
        return
    agreement = state.agreement
    assert agreement is not None and event.amount is not None
    if event.amount == state.face:
        settler.error(
            "FCT134",
            f"paid: {event.amount:,.2f} is the face of invoice {number}: paid: is the "
            f"amount of this payment alone ({short:.2f} {state.currency} was short)",
            event,
        )
        return
    recovered = min(event.amount, short)
    excess = event.amount - recovered
    owed = state.owed.get("short-pay", ZERO)
    legs, to_clearing, to_reserve = P.recovery_postings(
        agreement,
        number,
        state.currency,
        recovered,
        owed,
        (agreement.customer_credit_account(state.invoice.account), excess),
    )
    state.paid = (state.paid or ZERO) + event.amount
    if to_clearing:
        if owed == to_clearing:
            state.drop_owed("short-pay")
        else:
            state.set_owed("short-pay", owed - to_clearing)
    if to_reserve:
        # The factor holds it for us again: the invoice's reserve is due once more.
        state.held += to_reserve
        state.released_on, state.recovered_on = None, event.date
        settler.open_releases.setdefault(state.factor or "", {})[number] = None
    settler.deduct(event, state, "short pay", state.short_reason or "shortpay", -recovered)
    settler.note_accounts(legs, event.date, agreement)
    settler.write(event, legs, set(), agreement)
