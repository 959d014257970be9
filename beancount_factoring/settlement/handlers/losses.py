"""Non-recourse credit losses: the debtor is insolvent and the factor absorbs the advance.

Under a non-recourse agreement (``recourse-days: 0``) the factor bears the
debtor's insolvency; the business loses only what the factor keeps: the fee,
and the reserve if the agreement forfeits it (the default; ``reserve-on-loss:
"released"`` says the factor pays it back). An RTS invoice of $2,000 bought
at 97% with a 3% reserve and a flat fee taken at purchase::

    2025-06-30 * "RTS Financial" "Reserve forfeited - debtor insolvent" ^INV-1044
      factoring: "credit-loss"

becomes::

      Assets:Factoring:RTS:Reserve          -60.00 USD   ; factoring-part: "credit-loss"
      Expenses:Factoring:RTS:CreditLosses    60.00 USD   ; factoring-part: "credit-loss"

Under the loan model the receivable, still on the books, is written off
against the advance the factor forgives (Advances +2,000 / Receivable
-2,000), so both models lose the same. A credit loss on an invoice bought with
recourse is an FCT135 error: that factor charges it back instead. So is one
for a reason the factor does not bear (``LOSS_REASONS``): non-recourse covers the
customer's failure to pay, not a dispute or a deduction, which it charges back.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from beancount_factoring.ledger.book import Event
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.handlers.chargeback import (
    as_written,
    owed_as_written,
    unread_part,
)
from beancount_factoring.settlement.state import LOSS_REASONS, InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement


def settle_credit_loss(settler: Settler, event: Event) -> None:
    """Write off the invoices a credit-loss event links, as the agreement says."""
    states = settler.funded_states(event, "written off")
    if states is None or unread_part(settler, event, states, "credit-loss"):
        return
    reason = settler.reason(event, "write-off")
    if reason is None or _charged_back(settler, event, reason):
        return
    for state in states:
        terms = state.agreement
        assert terms is not None
        if terms.recourse_days:
            settler.error(
                "FCT135",
                f"Invoice {state.invoice.number} was bought with recourse (recourse-days: "
                f"{terms.recourse_days} in agreement '{terms.name}' of {terms.date}): the "
                "factor does not bear the loss, it charges the invoice back. Book a "
                'chargeback (factoring: "chargeback"), or correct the agreement',
                event,
            )
            return
    expected: list[P.Leg] = []
    agreements = settler.book.agreements
    for state in states:
        purchase = state.purchase
        assert state.agreement is not None and purchase is not None and state.funded_on
        # The fee accrued to the day is charged then: with the VAT of that day.
        terms = agreements.charged_on(state.agreement, event.date)
        due = P.fee_due(
            terms,
            purchase.face,
            purchase.advance,
            state.funded_on,
            event.date,
            purchase.discount_fee,
            state.currency,
        )
        base, late = P.base_and_late(terms, purchase, due, state.currency)
        legs, owed, lost = P.credit_loss_postings(
            terms,
            state.invoice.number,
            state.currency,
            state.unpaid,
            state.held,
            (base, late),
            state.invoice.account,
        )
        if terms.loan and state.received:
            # What the customer paid us (owed to the factor until forwarded or netted)
            # repays as much of the advance and clears as much of the receivable, as
            # at a chargeback; the factor forgives the rest.
            legs = (
                P.partial_postings(
                    terms,
                    state.invoice.number,
                    state.currency,
                    state.received,
                    state.invoice.account,
                )
                + legs
            )
        settler.note_accounts(legs, event.date, terms)
        factor = state.factor or ""
        state.lost_on = event.date
        if terms.reserve_on_loss == "released":
            # The reserve comes back as after a collection, less the fees to the day.
            state.base_fee, state.late_fee = base, late
            settler.open_releases.setdefault(factor, {})[state.invoice.number] = None
        else:
            settler.add_fees(state.factor, state.currency, event.date, base + late)
            settler.fee_booked(state, event.date)
            state.held = state.base_fee = state.late_fee = P.ZERO
            if owed:
                state.set_owed("credit-loss", owed)
                settler.open_owed.setdefault(factor, {})[state.invoice.number] = None
        settler.deduct(event, state, "credit loss", reason, lost)
        expected.extend(legs)
    assert states[0].agreement is not None
    settler.write(event, expected, set(), states[0].agreement)
    _lost_as_written(settler, event, states, expected)


def _lost_as_written(
    settler: Settler, event: Event, states: list[InvoiceState], expected: list[P.Leg]
) -> None:
    """A credit loss written by hand from the factor's notice, its credit-losses leg within
    the tolerance of the agreement's (the factor's fees a cent more): what the cost
    report counts lost is what went to that account, not the agreement's figure. Of an
    event that names several invoices, the cents are the last one's of each account and
    currency, as ``owed_as_written`` gives a chargeback's (and a clearing leg's cents)."""
    owed_as_written(settler, event, states, expected, "credit-loss")
    for state, difference in as_written(settler, event, states, expected, _losses):
        _add_to_loss(settler, event, state.invoice.number, difference)


def _losses(agreement: Agreement) -> str | None:
    return agreement.credit_losses


def _add_to_loss(settler: Settler, event: Event, number: str, difference: Decimal) -> None:
    """Add ``difference`` to the credit loss this event noted for invoice ``number``."""
    deductions = settler.result.deductions
    for index in range(len(deductions) - 1, -1, -1):
        noted = deductions[index]
        if noted.entry is event.entry and noted.invoice == number and noted.kind == "credit loss":
            deductions[index] = dataclasses.replace(noted, amount=noted.amount + difference)
            return


def _charged_back(settler: Settler, event: Event, reason: str) -> bool:
    """True after an FCT135: the reason is one the factor charges back, not a loss it bears
    (nothing is booked, as for a credit loss under recourse)."""
    if reason in LOSS_REASONS:
        return False
    settler.error(
        "FCT135",
        f'This credit loss gives reason: "{reason}", which is not a loss the factor bears: '
        "a non-recourse factor bears only the customer's failure to pay (reason: "
        '"write-off", the default, or "nonpayment"), and charges a dispute or a deduction '
        f'back. Book a chargeback (factoring: "chargeback", reason: "{reason}"), or, if '
        "the customer is insolvent, give its reason as write-off. Nothing of this event is "
        "booked",
        event,
    )
    return True
