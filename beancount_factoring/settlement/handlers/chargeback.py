"""A chargeback: the factor sells an unpaid invoice back.

The advance is owed back (netted from the next lump sum), the fee runs to the day of
the chargeback, and the reserve held on the invoice is used up. A chargeback for
nonpayment needs recourse, within the agreement's recourse-days (FCT137).
"""

from __future__ import annotations

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.state import ZERO, InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement


def settle_chargeback(settler: Settler, event: Event) -> None:
    states = settler.funded_states(event, "charged back")
    if states is None:
        return
    reason = settler.reason(event, "nonpayment")
    if reason is None:
        return
    expected: list[P.Leg] = []
    agreements = settler.book.agreements
    for state in states:
        assert state.agreement is not None and state.funded_on and state.purchase
        # The fee accrued to the day is charged then: with the VAT of that day.
        agreement = agreements.charged_on(state.agreement, event.date)
        if reason == "nonpayment":
            _check_recourse(settler, event, state, agreement)
        fee = P.fee_due(
            agreement,
            state.face,
            state.purchase.advance,
            state.funded_on,
            event.date,
            state.purchase.discount_fee,
            state.currency,
        )
        receivable = state.invoice.account
        if agreement.recourse_receivables:
            receivable = f"{agreement.recourse_receivables}:{receivable.rsplit(':', 1)[-1]}"
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
    if len(states) == 1:
        _owed_as_written(settler, event, states[0], expected)


def _owed_as_written(
    settler: Settler, event: Event, state: InvoiceState, expected: list[P.Leg]
) -> None:
    """A chargeback written by hand from the factor's notice, its clearing leg within the
    tolerance of the agreement's: what is owed is what it wrote (the deposit that nets
    it takes the factor's figure), or the cent would stay on the clearing account."""
    agreement = state.agreement
    entry = settler.result.replaced.get(event.index, event.entry)
    if agreement is None or not entry.postings:
        return
    clearing, currency = agreement.clearing, state.currency
    written = sum(
        (
            units[0]
            for p in entry.postings
            if p.account == clearing and (units := units_of(p)) and units[1] == currency
        ),
        ZERO,
    )
    wanted = sum((leg.number for leg in expected if leg.account == clearing), ZERO)
    difference = wanted - written
    if difference and abs(difference) <= settler.tolerance:
        state.set_owed("chargeback", state.owed.get("chargeback", ZERO) + difference)


def _check_recourse(
    settler: Settler, event: Event, state: InvoiceState, agreement: Agreement
) -> None:
    """A chargeback for nonpayment needs recourse, and its recourse-days run out.

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
        why = (
            f"it comes {days} days after the funding on {state.funded_on}, before the "
            f"{agreement.recourse_days} recourse-days of {terms} have run"
        )
    settler.error(
        "FCT137",
        f"Invoice {state.invoice.number} is charged back for nonpayment, but {why}. "
        "The chargeback is booked as the factor made it; dispute it with the factor, or "
        'give its reason if it is a dispute (reason: "broker-claim"), or correct the '
        "agreement",
        event,
    )
