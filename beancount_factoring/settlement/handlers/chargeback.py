"""A chargeback: the factor sells an unpaid invoice back.

The advance is owed back (netted from the next lump sum), the fee runs to the day of
the chargeback, and the reserve held on the invoice is used up. A chargeback for
nonpayment needs recourse, within the agreement's recourse-days (FCT137).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from beancount.core.amount import Amount

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.state import LOSS_REASONS, ZERO, InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement


def settle_chargeback(settler: Settler, event: Event) -> None:
    states = settler.funded_states(event, "charged back")
    if states is None or unread_part(settler, event, states, "chargeback"):
        return
    reason = settler.reason(event, "nonpayment")
    if reason is None:
        return
    expected: list[P.Leg] = []
    figures = [ZERO, ZERO, ZERO]  # unpaid, reserve held, owed: for the factor's figure
    agreements = settler.book.agreements
    for state in states:
        assert state.agreement is not None and state.funded_on and state.purchase
        # The fee accrued to the day is charged then: with the VAT of that day.
        agreement = agreements.charged_on(state.agreement, event.date)
        if reason in LOSS_REASONS:
            _check_recourse(settler, event, state, agreement, reason)
        fee = P.fee_due(
            agreement,
            state.purchase.face,
            state.purchase.advance,
            state.funded_on,
            event.date,
            state.purchase.discount_fee,
            state.currency,
        )
        receivable = P.recourse_receivable(agreement, state.invoice.account)
        legs, owed = P.chargeback_postings(
            agreement,
            state.invoice.number,
            state.currency,
            state.unpaid,
            receivable,
            state.held,
            fee,
            state.invoice.account,
        )
        if agreement.loan and state.received:
            # What the customer paid us repays as much of the advance and clears as
            # much of the receivable (a collection); the factor sells back the rest.
            legs = (
                P.partial_postings(
                    agreement,
                    state.invoice.number,
                    state.currency,
                    state.received,
                    state.invoice.account,
                )
                + legs
            )
        settler.note_accounts(legs, event.date, agreement)
        figures = [figures[0] + state.unpaid, figures[1] + state.held, figures[2] + owed]
        if state.factor is not None:
            settler.open_owed.setdefault(state.factor, {})[state.invoice.number] = None
        settler.fee_booked(state, event.date)
        state.held, state.charged_back_on = ZERO, event.date
        state.set_owed("chargeback", state.owed.get("chargeback", ZERO) + owed)
        settler.add_fees(state.factor, state.currency, event.date, fee)
        settler.deduct(event, state, "chargeback", reason, state.unpaid)
        expected.extend(legs)
    assert states[0].agreement is not None
    settler.write(event, expected, set(), states[0].agreement)
    owed_as_written(settler, event, states, expected, "chargeback")
    _check_recourse_amount(settler, event, states, figures)


# The keys other events read that give a part of an invoice: a chargeback and a credit
# loss take all that is unpaid, and would book the whole with the part ignored.
PART_KEYS = ("amount", "paid", "partial")


def unread_part(settler: Settler, event: Event, states: list[InvoiceState], kind: str) -> bool:
    """True after an FCT134: the event gives a part (``amount:``, ``paid:``, ``partial:
    TRUE``), which a chargeback or a credit loss does not read."""
    meta = event.entry.meta
    key = next((key for key in PART_KEYS if key in meta and meta[key] is not False), None)
    if key is None:
        return False
    value = meta[key]
    shown = "TRUE" if value is True else str(value)
    unpaid = ", ".join(
        f"{state.invoice.number} ({state.unpaid:,.2f} {state.currency})" for state in states
    )
    if kind == "chargeback":
        how = (
            "if the customer paid the factor part of it and the factor charges back the rest, "
            "book that payment first (collected, with paid: and partial: TRUE): the "
            "chargeback then takes the rest; if the factor took back a deduction from what "
            "the customer paid it, that is a short pay: a collected event with paid:; the "
            "factor's own figure of what the chargeback costs you is written recourse-amount:"
        )
    else:
        how = (
            "if the customer paid the factor part of it before, book that payment first "
            "(collected, with paid: and partial: TRUE): the credit loss then writes off "
            "the rest"
        )
    settler.error(
        "FCT134",
        f"{key}: {shown} is not read on a {kind}: it takes all that is unpaid of invoice "
        f"{unpaid}, and does not book a part; {how}; else remove {key}:. Nothing of the "
        "event is booked",
        event,
    )
    return True


def _check_recourse_amount(
    settler: Settler, event: Event, states: list[InvoiceState], figures: list[Decimal]
) -> None:
    """The factor's own figure of what the chargeback costs (its recourse report's, kept
    by the importer as ``recourse-amount:``) against the agreement's: a factor that
    charged back a part, or charged another fee, says so here rather than at the deposit
    that nets it (or never, when that deposit names nothing and matches nothing)."""
    figure = event.entry.meta.get("recourse-amount")
    if figure is None or _mixed_recourse(settler, event, states, figure):
        return
    unpaid, held, owed = figures
    currency = states[0].currency
    terms = states[0].agreement
    assert terms is not None
    names = ", ".join(state.invoice.number for state in states)
    # (An amount, or a bare number in the invoice's currency, as paid: may be.)
    number = figure.number if isinstance(figure, Amount) else figure
    other = isinstance(figure, Amount) and figure.currency != currency
    if not isinstance(number, Decimal) or other:
        what = (
            f"is in {figure.currency}, the invoice in {currency}"
            if other
            else f"is not an amount; write it like recourse-amount: {owed:.2f} {currency}"
        )
        settler.error("FCT170", f"The factor's recourse-amount: {figure} {what}", event)
        return
    if abs(number - owed) <= settler.tolerance:
        return
    settler.error(
        "FCT170",
        f"The factor's recourse-amount: {figure} for {names} differs from what agreement "
        f"'{terms.name}' ({terms.date}) gives: the agreement gives {owed:,.2f} {currency} "
        f"({unpaid:,.2f} unpaid, less the {held:,.2f} reserve held, plus "
        f"{owed - unpaid + held:,.2f} of fees to the day). The books use the agreement's "
        "figure. Ask the factor; if it charged back only part of the invoice, book the "
        "customer's payments to it first (collected, paid:), and the chargeback takes the "
        "rest",
        event,
    )


def _mixed_recourse(
    settler: Settler, event: Event, states: list[InvoiceState], figure: object
) -> bool:
    """True after an FCT170: one recourse-amount for invoices of more than one currency or
    factor, which no one figure of a factor's report can be (the figures would be added
    across currencies, or across factors)."""
    currencies = {state.currency for state in states}
    factors = {state.factor for state in states}
    if len(currencies) < 2 and len(factors) < 2:
        return False
    agreements = settler.book.agreements
    if len(currencies) > 1:
        names = ", ".join(f"{state.invoice.number} ({state.currency})" for state in states)
        per = "one chargeback per currency"
    else:
        names = ", ".join(
            f"{state.invoice.number} ('{agreements.display(state.factor)}')" for state in states
        )
        per = "one chargeback per factor"
    settler.error(
        "FCT170",
        f"The factor's recourse-amount: {figure} is one figure for invoices {names}: a "
        "factor's recourse report gives what its chargeback costs in one currency, and "
        f"the agreements' figures cannot be added across them. Write {per}, each with "
        "the recourse-amount of its invoices. The chargeback is booked by the agreements",
        event,
    )
    return True


def owed_as_written(
    settler: Settler, event: Event, states: list[InvoiceState], expected: list[P.Leg], part: str
) -> None:
    """A chargeback or a credit loss written by hand from the factor's notice, its clearing
    leg within the tolerance of the agreement's: what is owed is what it wrote (the deposit
    that nets it takes the factor's figure), or the cents would stay on the clearing
    account. Of an event that names several invoices, the cents are the last one's of
    each clearing account and currency (the factor's notice gives a total)."""
    for state, written in as_written(settler, event, states, expected, _clearing):
        state.set_owed(part, state.owed.get(part, ZERO) - written)
        if state.factor is not None:
            settler.open_owed.setdefault(state.factor, {})[state.invoice.number] = None


def _clearing(agreement: Agreement) -> str | None:
    return agreement.clearing


def as_written(
    settler: Settler,
    event: Event,
    states: list[InvoiceState],
    expected: list[P.Leg],
    account_of: Callable[[Agreement], str | None],
) -> Iterator[tuple[InvoiceState, Decimal]]:
    """What an event written by hand puts on each agreement's account (``account_of``)
    beyond the agreement's legs, within the tolerance: a factor's cents, each given with
    the last of ``states`` of its account and currency."""
    entry = settler.result.replaced.get(event.index, event.entry)
    if not entry.postings:
        return
    last: dict[tuple[str, str], InvoiceState] = {}
    for state in states:
        account = account_of(state.agreement) if state.agreement is not None else None
        if account:
            last[(account, state.currency)] = state
    for key, state in last.items():
        written = sum(
            (
                units[0]
                for p in entry.postings
                if p.account == key[0] and (units := units_of(p)) and units[1] == key[1]
            ),
            ZERO,
        )
        wanted = sum((leg.number for leg in expected if (leg.account, leg.currency) == key), ZERO)
        difference = written - wanted
        if difference and abs(difference) <= settler.tolerance:
            yield state, difference


def _check_recourse(
    settler: Settler, event: Event, state: InvoiceState, agreement: Agreement, reason: str
) -> None:
    """A chargeback for nonpayment (or a write-off) needs recourse, and its recourse-days
    run out.

    The chargeback is booked all the same: the factor did sell the invoice
    back and its next deposit nets it. The error is there to dispute it.
    """
    days = (event.date - (state.funded_on or event.date)).days
    if agreement.recourse_days and days >= agreement.recourse_days:
        return
    terms = f"agreement '{agreement.name}' of {agreement.date}"
    if not agreement.recourse_days:
        why = f"the invoice was bought without recourse (recourse-days: 0 in {terms})"
    else:
        # (A bought invoice's recourse days count from its buyout, as its funding by the
        # new factor: say so, not "the funding", which the old factor made long before.)
        since = (
            f"'{agreement.name}' bought it out from "
            f"'{settler.book.agreements.display(state.bought_from)}' on {state.funded_on}"
            if state.bought_from
            else f"the funding on {state.funded_on}"
        )
        why = (
            f"it comes {days} days after {since}, before the "
            f"{agreement.recourse_days} recourse-days of {terms} have run"
        )
    what = (
        "nonpayment"
        if reason == "nonpayment"
        else f'the customer\'s failure to pay (reason: "{reason}")'
    )
    settler.error(
        "FCT137",
        f"Invoice {state.invoice.number} is charged back for {what}, but {why}. "
        "The chargeback is booked as the factor made it; dispute it with the factor, or "
        'give its reason if it is a dispute (reason: "broker-claim"), or correct the '
        "agreement",
        event,
    )
