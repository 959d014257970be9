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

from beancount.core import data

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.state import InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement
from beancount_factoring.terms.fees import smallest_unit

ZERO = Decimal(0)


class Taking(NamedTuple):
    """What a transaction takes from the factor's reserve accounts: per account and
    currency, the amount and what it is worth in the debt's currency (a reserve of
    another currency taken at a price); and what its other postings bring (below zero:
    what you paid toward the debt from the bank)."""

    taken: dict[tuple[str, str], tuple[Decimal, Decimal]]
    cash: Decimal

    @property
    def amount(self) -> Decimal:
        """All it takes, in the debt's currency."""
        return sum((worth for _, worth in self.taken.values()), ZERO)


def written(settler: Settler, event: Event, agreement: Agreement, currency: str) -> Taking | None:
    """What the transaction takes from the reserve toward a debt in ``currency``, if it
    writes debits to the factor's reserve accounts (the agreement's, or that of its terms
    for another currency, at a price) and a posting to the clearing account, and brings
    no cash; else None."""
    entry = settler.result.replaced.get(event.index, event.entry)
    reserves = {agreement.reserve}
    reserves.update(
        a.reserve for a in settler.book.agreements.lines_in_force(event.factor or "", event.date)
    )
    taken: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    cash = ZERO
    cleared = False
    for posting in entry.postings:
        units = units_of(posting)
        if units is None:
            continue
        worth = _worth(posting, units, currency)
        if posting.account == agreement.clearing and units[1] == currency:
            cleared = True
        elif worth is None:
            return None
        elif posting.account in reserves:
            key = (posting.account, units[1])
            number, value = taken.get(key, (ZERO, ZERO))
            taken[key] = (number - units[0], value - worth)
        else:
            cash += worth
    # (A deposit that brings cash and posts it against the reserve is a release written
    # on the reserve account, not this: the debt is netted on the clearing account.)
    if not cleared or cash > 0 or not taken:
        return None
    if any(number <= 0 or value <= 0 for number, value in taken.values()):
        return None
    return Taking(taken, cash)


def _worth(posting: data.Posting, units: tuple[Decimal, str], currency: str) -> Decimal | None:
    """A posting's amount in ``currency``: its own, or at its price (to the smallest unit
    of the currency); None if neither."""
    if units[1] == currency and posting.price is None:
        return units[0]
    price = posting.price
    if price is None or price.currency != currency or not isinstance(price.number, Decimal):
        return None
    return (units[0] * price.number).quantize(smallest_unit(currency))


def taken(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    netted: list[tuple[InvoiceState, str]],
    taking: Taking,
) -> tuple[list[P.Leg], list[tuple[InvoiceState, Decimal]]] | None:
    """The reserve legs of what ``taking`` takes from the reserve of other invoices toward
    what ``netted`` (each invoice, and the part it owes) owe, and what each invoice gives;
    None after ``FCT120`` if they hold less."""
    part = netted[0][1]
    legs: list[P.Leg] = []
    takes: list[tuple[InvoiceState, Decimal]] = []
    for (account, currency), (wanted, _) in taking.taken.items():
        donors = _donors(settler, event, [state for state, _ in netted], currency)
        if sum((state.held for state in donors), ZERO) < wanted - settler.tolerance:
            overdrawn(settler, event, (account, currency), netted, wanted, donors)
            return None
        for state in donors:
            take = min(state.held, wanted)
            wanted -= take
            legs.append(P.leg(account, -take, currency, part, state.invoice.number))
            takes.append((state, take))
            if not wanted:
                break
    return legs, takes


def overdrawn(
    settler: Settler,
    event: Event,
    reserve: tuple[str, str],
    netted: list[tuple[InvoiceState, str]],
    wanted: Decimal,
    donors: list[InvoiceState],
) -> None:
    """FCT120: the transaction takes more from a reserve account (in a currency) than the
    factor's other open invoices in that currency hold; what to write instead (they give
    what they hold, the rest stays owed)."""
    account, currency = reserve
    debt = netted[0][0]
    clearing = debt.agreement.clearing if debt.agreement is not None else "the clearing account"
    held = sum((state.held for state in donors), ZERO)
    debts = ", ".join(
        f"the {P.OWED_WORDS.get(part, part)} of {state.invoice.number}" for state, part in netted
    )
    holders = ", ".join(f"{s.invoice.number} {s.held:,.2f}" for s in donors[:5])
    holders += ", ..." if len(donors) > 5 else ""
    links = " ".join(f"^{state.invoice.number}" for state, _ in netted)
    if not held:
        write = f"Take nothing from {account}: what it would pay stays owed"
    elif currency == debt.currency:
        write = (
            f"Take no more than they hold: write {clearing}    {held:.2f} {currency} and "
            f"{account}    -{held:.2f} {currency}; the other "
            f"{wanted - held:,.2f} {currency} stays owed"
        )
    else:
        write = (
            f"Take no more than they hold: -{held:.2f} {currency} on {account}, at the "
            f"factor's rate, and what that pays on {clearing}; the rest stays owed"
        )
    settler.result.overdrawn.add(event.index)
    settler.error(
        "FCT120",
        f"This entry takes {wanted:,.2f} {currency} from the reserve of "
        f"'{settler.book.agreements.display(event.factor)}' toward {debts}, but the "
        f"factor's other open invoices in {currency} hold "
        + (f"only {held:,.2f} {currency} of reserve ({holders})" if held else "no reserve")
        + f". {write} on {clearing} until a deposit that links {links} nets it, "
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
