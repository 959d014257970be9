"""A buyout: a new factor pays the old one off and takes over its open invoices.

A business that changes factors does not wait for the old factor's invoices to
run off: the new factor pays the old one what it advanced (plus its fees to
the day) and the customers pay the new factor. The ledger says so with one
event, on the new factor, naming the old one::

    2025-07-01 * "Pinecrest Capital" "Buyout of Lakeshore's open invoices"
      factoring: "buyout"
      factor: "Pinecrest"
      from: "Lakeshore"

Without links it takes every invoice the old factor funded that is still open
(not collected, charged back or written off); with links, only those. For
each, the reserve moves from the old factor's reserve account to the new one's,
less the old factor's fee accrued to the buyout day and the new factor's fee
at purchase (its flat fee or first term, and its invoice fee), each on its
factor's fees account. From then on the invoice is the new factor's, under its
terms, as if it had funded it on the buyout day: its fee clock, its recourse
days and its release. The new factor's ``buyout-fee`` (an amount, or a rate of
the face bought out) is owed on its clearing account until its next deposit
nets it, like a chargeback. Under the loan model the advance moves too: the
old factor's advances liability is repaid and the new one's takes it over.
The two agreements must share a model.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from beancount_factoring import postings as P
from beancount_factoring.agreement import Agreement
from beancount_factoring.book import Event, charge_link
from beancount_factoring.owed import Charge

if TYPE_CHECKING:  # pragma: no cover
    from beancount_factoring.settle import InvoiceState, Settler

ZERO = Decimal(0)


def settle_buyout(settler: Settler, event: Event) -> None:
    """Move the old factor's open invoices to the new one, with their reserves."""
    agreements = settler.book.agreements
    old_name = event.entry.meta.get("from")
    if not isinstance(old_name, str) or not agreements.known(old_name):
        settler.error(
            "FCT134",
            f"from: {old_name!r} must name the factor that is bought out, as its agreement "
            'does, like from: "Lakeshore"',
            event,
        )
        return
    old = old_name.strip().lower()
    if event.unknown:
        settler.error("FCT132", f"Unknown invoice {', '.join(event.unknown)}", event)
        return
    if event.factor is None or event.factor == old:
        settler.error(
            "FCT134",
            "A buyout is booked on the new factor: give factor: with the name of the factor "
            "that buys the invoices, and from: with the one it buys them from",
            event,
        )
        return
    states = _bought(settler, event, old)
    if not states:
        return
    partly = [state.invoice.number for state in states if state.paid]
    if partly:
        # What the old factor still advanced on them is not the face: not booked yet.
        settler.error(
            "FCT133",
            f"Invoice {', '.join(partly)} is paid in part (partial: TRUE): the plugin does "
            "not book the buyout of an invoice paid in part; link the other invoices, and "
            "let the old factor collect the rest of these",
            event,
        )
        return
    new = settler.agreement_for(event, states[0].currency)
    if new is None:
        return
    for state in states:
        assert state.agreement is not None
        if state.agreement.loan != new.loan:
            settler.error(
                "FCT134",
                f"Invoice {state.invoice.number} is under the {state.agreement.model} model "
                f"of '{state.agreement.name}', the buyer's agreement '{new.name}' under the "
                f"{new.model} model; give both agreements the same model",
                event,
            )
            return
    expected: list[P.Leg] = []
    total = ZERO
    for state in states:
        legs = _move(settler, event, state, new, old)
        expected.extend(legs)
        total += state.face
    currency = states[0].currency
    links = {state.invoice.number for state in states}
    rule = new.buyout_fee
    if rule is not None and rule.applies_to(currency):
        fee = rule.of(total, currency, new.rounding)
        if fee:
            key = charge_link(event.entry)
            expected.append(P.leg(new.fees, fee, currency, "buyout-fee"))
            expected.append(P.leg(new.clearing, -fee, currency, "buyout-fee"))
            label = f"buyout fee {event.date}"
            entry = event.entry
            settler.charge(
                event.factor, Charge(key, label, event.date, fee, currency, "buyout-fee", entry)
            )
            links.add(key)
    settler.note_accounts(expected, event.date, new)
    settler.write(event, expected, links, new)


def _bought(settler: Settler, event: Event, old: str) -> list[InvoiceState]:
    """The invoices the buyout takes: those it links, or all the old factor's open ones."""
    display = settler.book.agreements.display(old)
    if event.invoices:
        states = [settler.states[number] for number in event.invoices]
        for state in states:
            if state.factor != old:
                settler.error(
                    "FCT133",
                    f"Invoice {state.invoice.number} is not '{display}''s to sell: it is "
                    f"{state.describe()}"
                    + (
                        f" with '{settler.book.agreements.display(state.factor)}'"
                        if state.factor
                        else ""
                    ),
                    event,
                )
                return []
            if not settler.check_state(state, event, "bought out"):
                return []
    else:
        states = [
            state
            for state in settler.states.values()
            if state.factor == old
            and state.funded_on
            and not (state.collected_on or state.charged_back_on or state.lost_on)
            and state.funded_on <= event.date
        ]
        if not states:
            settler.error(
                "FCT133",
                f"'{display}' holds no open invoice on {event.date} for this buyout to take",
                event,
            )
            return []
    currencies = {state.currency for state in states}
    if len(currencies) > 1:
        settler.error(
            "FCT134",
            f"This buyout takes invoices in {', '.join(sorted(currencies))}; book one buyout "
            "per currency, each linking its invoices",
            event,
        )
        return []
    return states


def _move(
    settler: Settler, event: Event, state: InvoiceState, new: Agreement, old: str
) -> list[P.Leg]:
    """The postings that move one invoice to the new factor, and its new state."""
    terms, purchase = state.agreement, state.purchase
    assert terms is not None and purchase is not None and state.funded_on is not None
    number, currency, face = state.invoice.number, state.currency, state.face
    accrued = P.fee_due(
        terms, face, purchase.advance, state.funded_on, event.date, purchase.discount_fee, currency
    )
    base, late = P.base_and_late(terms, purchase, accrued)
    split = P.purchase_split(new, face, currency)
    moved = state.held - base - late - split.discount_fee - split.invoice_fee
    legs = [P.leg(terms.reserve, -state.held, currency, "buyout", number)] if state.held else []
    if base:
        legs.append(P.leg(terms.fees, base, currency, "discount-fee", number))
    if late:
        legs.append(P.leg(terms.fees, late, currency, "late-fee", number))
    if split.discount_fee:
        legs.append(P.leg(new.fees, split.discount_fee, currency, "discount-fee", number))
    if split.invoice_fee:
        legs.append(
            P.leg(new.invoice_fee_account, split.invoice_fee, currency, "invoice-fee", number)
        )
    if moved:
        legs.append(P.leg(new.reserve, moved, currency, "buyout", number))
    if new.loan:
        legs.append(P.leg(terms.advances, face, currency, "buyout", number))
        legs.append(P.leg(new.advances, -face, currency, "buyout", number))
    settler.note_accounts(legs, event.date, terms)
    settler.add_fees(old, currency, event.date, base + late)
    settler.add_fees(event.factor, currency, event.date, split.discount_fee)
    volume = settler.result.volume
    key = (event.factor or "", currency, f"{event.date:%Y-%m}")
    volume[key] = volume.get(key, ZERO) + face
    state.bought_from, state.factor, state.agreement = old, event.factor, new
    # (funded_by stays the deposit that paid for it: its transfer fee is the invoice's.)
    state.funded_on = event.date
    state.purchase = P.Purchase(face - moved, moved, split.discount_fee, split.invoice_fee)
    state.held, state.schedule, state.in_clearing = moved, None, False
    return legs
