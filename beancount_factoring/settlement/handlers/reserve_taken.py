"""A chargeback the factor takes from the reserve it holds on other invoices.

Some factors do not ask for the cash of a chargeback: they keep it out of the
reserve they hold on the client's other open invoices, and release that much
less of those later. The user writes the netting by hand, with no bank posting
(or a bank posting for what the reserve did not cover), linking the invoice
charged back::

    2025-06-21 * "Summit" "Chargeback taken from reserve" ^INV-1
      Assets:Factoring:Summit:Clearing    800.00 USD
      Assets:Factoring:Summit:Reserve    -800.00 USD

The reserve posting takes the 800.00 from the reserve the factor holds on its
other invoices of that currency, the oldest funded first, each up to what it
holds (``taken``); the transaction links the invoice charged back alone. Each then holds less, and
its release brings less: INV-2, holding 1,000.00, holds 200.00 and its release
pays 200.00. More than they hold, or more than the chargeback owes, is not
read so: the postings are compared as those of any deposit (``FCT120``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.state import InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)
PART = "chargeback"


def taken(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    netted: list[InvoiceState],
    shortfall: Decimal,
) -> tuple[list[P.Leg], list[tuple[InvoiceState, Decimal]]]:
    """The reserve legs of a chargeback netted from the reserve of other invoices, and
    what each of them gives; nothing unless the transaction, which nets only chargebacks
    (``netted``) owing ``shortfall`` in all, writes a debit to the reserve account."""
    entry = settler.result.replaced.get(event.index, event.entry)
    written = cash = ZERO
    cleared = False
    for posting in entry.postings:
        units = units_of(posting)
        if units is None:
            continue
        if posting.account == agreement.reserve:
            written += units[0]
        elif posting.account == agreement.clearing:
            cleared = True
        else:
            cash += units[0]
    wanted = -written
    # (A deposit that brings cash and posts it against the reserve is a release written
    # on the reserve account, not this: the chargeback is netted on the clearing account.)
    if not cleared or cash > 0 or wanted <= 0 or wanted > shortfall + settler.tolerance:
        return [], []
    currency = netted[0].currency
    donors = _donors(settler, event, netted, currency)
    if sum((state.held for state in donors), ZERO) < wanted:
        return [], []
    legs: list[P.Leg] = []
    takes: list[tuple[InvoiceState, Decimal]] = []
    for state in donors:
        take = min(state.held, wanted)
        wanted -= take
        legs.append(P.leg(agreement.reserve, -take, currency, PART, state.invoice.number))
        takes.append((state, take))
        if not wanted:
            break
    return legs, takes


def _donors(
    settler: Settler, event: Event, netted: list[InvoiceState], currency: str
) -> list[InvoiceState]:
    """The invoices whose reserve the factor may take: its own, in that currency, still
    holding some and not yet released, the oldest funded first."""
    skip = {state.invoice.number for state in netted}
    found = [
        state
        for number, state in settler.states.items()
        if number not in skip
        and state.factor == event.factor
        and state.currency == currency
        and state.held > 0
        and not (state.released_on or state.charged_back_on or state.lost_on)
    ]
    found.sort(key=lambda s: s.funded_on or datetime.date.min)
    return found


def give(settler: Settler, event: Event, takes: list[tuple[InvoiceState, Decimal]]) -> None:
    """Each invoice holds what the factor took from its reserve less."""
    for state, take in takes:
        state.held -= take
        state.reserve_taken += take
    if takes:
        settler.touched[event.index] = [state.invoice.number for state, _ in takes]
