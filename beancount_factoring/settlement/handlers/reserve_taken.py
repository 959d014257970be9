"""What the factor takes from the reserve it holds on other invoices for an invoice's debt.

Some factors do not ask for the cash of a chargeback, or of a short pay the invoice's own
reserve did not cover: they keep it out of the reserve they hold on the client's other
open invoices, and release that much less of those later. The user writes the netting by
hand, with no bank posting (or a bank posting for what the reserve did not cover),
linking the invoice that owes it::

    2025-06-21 * "Summit" "Chargeback taken from reserve" ^INV-1
      Assets:Factoring:Summit:Clearing    800.00 USD
      Assets:Factoring:Summit:Reserve    -800.00 USD

The reserve posting takes the 800.00 from the reserve the factor holds on its
other invoices of that currency, the oldest funded first, each up to what it
holds (``taken``); the transaction links the invoice that owes alone. Each then holds
less, and its release brings less: INV-2, holding 1,000.00, holds 200.00 and its release
pays 200.00. What the reserve and the bank postings together give may be part of the
debt: the factor took 500.00 of an 800.00 chargeback from the reserve, and the other
300.00 stays owed, for a later deposit to net or for you to pay (``lumps._from_reserve``).
More than the debt is not read so: the postings are compared as those of any deposit
(``FCT120``). More than the other invoices hold is ``FCT120`` saying what to write
(``overdrawn``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.state import InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)


class Taking(NamedTuple):
    """What a transaction takes from the reserve account, and what its other postings
    bring (below zero: what you paid toward the debt from the bank)."""

    amount: Decimal
    cash: Decimal


def written(settler: Settler, event: Event, agreement: Agreement) -> Taking | None:
    """What the transaction takes from the reserve, if it writes a debit to the reserve
    account and a posting to the clearing account and brings no cash; else None."""
    entry = settler.result.replaced.get(event.index, event.entry)
    reserve = cash = ZERO
    cleared = False
    for posting in entry.postings:
        units = units_of(posting)
        if units is None:
            continue
        if posting.account == agreement.reserve:
            reserve += units[0]
        elif posting.account == agreement.clearing:
            cleared = True
        else:
            cash += units[0]
    # (A deposit that brings cash and posts it against the reserve is a release written
    # on the reserve account, not this: the debt is netted on the clearing account.)
    if not cleared or cash > 0 or reserve >= 0:
        return None
    return Taking(-reserve, cash)


def taken(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    netted: list[tuple[InvoiceState, str]],
    wanted: Decimal,
) -> tuple[list[P.Leg], list[tuple[InvoiceState, Decimal]]] | None:
    """The reserve legs of ``wanted`` taken from the reserve of other invoices toward what
    ``netted`` (each invoice, and the part it owes) owe, and what each invoice gives;
    None after ``FCT120`` if they hold less."""
    currency = netted[0][0].currency
    part = netted[0][1]
    donors = _donors(settler, event, [state for state, _ in netted], currency)
    if sum((state.held for state in donors), ZERO) < wanted - settler.tolerance:
        overdrawn(settler, event, agreement, netted, wanted, donors)
        return None
    legs: list[P.Leg] = []
    takes: list[tuple[InvoiceState, Decimal]] = []
    for state in donors:
        take = min(state.held, wanted)
        wanted -= take
        legs.append(P.leg(agreement.reserve, -take, currency, part, state.invoice.number))
        takes.append((state, take))
        if not wanted:
            break
    return legs, takes


def overdrawn(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    netted: list[tuple[InvoiceState, str]],
    wanted: Decimal,
    donors: list[InvoiceState],
) -> None:
    """FCT120: the transaction takes more from the reserve than the factor's other open
    invoices hold; what to write instead (they give what they hold, the rest stays owed)."""
    currency = netted[0][0].currency
    held = sum((state.held for state in donors), ZERO)
    debts = ", ".join(
        f"the {P.OWED_WORDS.get(part, part)} of {state.invoice.number}" for state, part in netted
    )
    holders = ", ".join(f"{s.invoice.number} {s.held:,.2f}" for s in donors[:5])
    holders += ", ..." if len(donors) > 5 else ""
    rest = f"{wanted - held:,.2f} {currency}"
    links = " ".join(f"^{state.invoice.number}" for state, _ in netted)
    if held:
        write = (
            f"Take no more than they hold: write {agreement.clearing}    {held:.2f} "
            f"{currency} and {agreement.reserve}    -{held:.2f} {currency}; the other {rest} "
            "stays owed"
        )
    else:
        write = f"Take nothing from the reserve: the {wanted:,.2f} {currency} stays owed"
    settler.result.overdrawn.add(event.index)
    settler.error(
        "FCT120",
        f"This entry takes {wanted:,.2f} {currency} from the reserve of "
        f"'{settler.book.agreements.display(event.factor)}' toward {debts}, but the "
        f"factor's other open invoices in {currency} hold "
        + (f"only {held:,.2f} {currency} of reserve ({holders})" if held else "no reserve")
        + f". {write} on {agreement.clearing} until a deposit that links {links} nets it, "
        "or you pay it (a bank posting in this entry, or a payment of your own linking "
        f"{links}). If the factor's reserve statement shows it took {wanted:,.2f} "
        f"{currency}, the ledger lacks the funding of the invoices whose reserve it took",
        event,
    )


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


def give(
    settler: Settler, event: Event, takes: list[tuple[InvoiceState, Decimal]], part: str = ""
) -> None:
    """Each invoice holds what the factor took from its reserve less (for ``part``: a
    chargeback, a short pay, that the reserve report names)."""
    for state, take in takes:
        state.held -= take
        state.reserve_taken += take
        state.reserve_taken_for = part or state.reserve_taken_for
    if takes:
        settler.touched[event.index] = [state.invoice.number for state, _ in takes]
