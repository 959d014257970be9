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
(not collected, charged back or written off); with links, only those. Of one
whose customer paid you a part (a misdirected payment), the new factor buys what
is left unpaid (its fees are of that part), and the part paid to you, owed to the
old factor, moves with the debts below (paid to you in full, it is FCT136). For
each, the reserve moves from the old factor's reserve account to the new one's,
less the old factor's fee accrued to the buyout day and the new factor's fee
at purchase (its flat fee or first term, and its invoice fee), each on its
factor's fees account. From then on the invoice is the new factor's, under its
terms, as if it had funded it on the buyout day: its fee clock, its recourse
days and its release. The new factor's ``buyout-fee`` (an amount, or a rate of
the face bought out) is owed on its clearing account until its next deposit
nets it, like a chargeback. A fixed fee of the new agreement (``buyout-fee``,
``invoice-fee``, ``minimum-fee``) in another currency than the invoices is an
FCT134 error at the buyout, as at a funding. Under the loan model the advance moves too: the
old factor's advances liability is repaid and the new one's takes it over.
The two agreements must share a model.

The new factor pays off the old one's whole balance: what the old factor is
still owed apart from its open invoices (a chargeback, the part of a short pay
its reserve could not cover, a fee charged apart from any invoice, not netted
yet) moves from its clearing account to the new factor's, owed there until the
new factor's next deposit nets it (or taken from a buyout that pays). A buyout
that links its invoices takes what those owe, and the fees apart it links; an
invoice whose reserve the old factor still has to release, or that a deposit of
the old factor on the buyout day names, stays with it.

A thin reserve: on a 97/3 program an invoice of 10,000.00 bought out after 40
days holds 300.00, while the old factor's fee to the day is 350.00 and the new
factor's own fee 50.00. What moves is 300.00 - 350.00 - 50.00 = -100.00: the
new factor holds nothing, and the 100.00 is owed on its clearing account
(``factoring-part: "buyout"``, the invoice's number), as the part of a short
pay that its reserve cannot cover is, until a deposit that names the invoice
(or that names nothing and matches it by amount) nets it::

    Assets:Factoring:Lakeshore:Reserve   -300.00 USD  ; buyout
    Expenses:Factoring:Lakeshore:Fees     300.00 USD  ; discount-fee
    Expenses:Factoring:Lakeshore:Fees      50.00 USD  ; late-fee
    Expenses:Factoring:Pinecrest:Fees      50.00 USD  ; discount-fee
    Assets:Factoring:Pinecrest:Clearing  -100.00 USD  ; buyout

A new factor that advances more than the old one pays the difference: the
buyout is then written as its deposit, with the bank posting and the new
factor's clearing account, like any deposit::

    2025-07-01 * "PINECREST CAPITAL" "Buyout of Lakeshore, advance difference"
      factoring: "buyout"
      factor: "Pinecrest"
      from: "Lakeshore"
      Assets:Bank:Checking                  400.00 USD
      Assets:Factoring:Pinecrest:Clearing

Each invoice's reserve is then the new agreement's (face less its advance),
and what moved beyond it is paid out; what a thin reserve leaves owed, and the
buyout fee, are taken from that payment. The bank amount is checked against
it (``FCT120`` when it differs, the difference left on the clearing account).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from beancount.core.amount import Amount

from beancount_factoring.errors import as_written
from beancount_factoring.ledger.book import LUMP_RANK, Event, charge_link, units_of
from beancount_factoring.settlement.context import Settler, month_of
from beancount_factoring.settlement.handlers.lumps import deposit_of, write_deposit
from beancount_factoring.settlement.owed import Charge
from beancount_factoring.settlement.state import InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)
# The new agreement's fixed fees a buyout charges in the invoices' currency only: its
# own, and those of buying each invoice.
BUYOUT_FEE_KEYS = ("buyout-fee", "invoice-fee", "minimum-fee")


def settle_buyout(settler: Settler, event: Event) -> None:
    """Move the old factor's open invoices to the new one, with their reserves."""
    found = _parties(settler, event)
    if found is None:
        return
    old, states, owing, charges, new = found
    currency = (states or owing)[0].currency  # (one of the two has an invoice: _bought)
    old_terms = [state.agreement for state in states + owing if state.agreement is not None]
    paid = _pays(settler, event, new, old_terms, currency)
    if paid is None:
        return
    # What the old factor is owed on the invoices, on the accounts of the terms it is
    # owed under: read before the invoices move.
    debts = [(state, state.agreement, dict(state.owed)) for state in states + owing if state.owed]
    expected: list[P.Leg] = []
    total = cash = payoff = ZERO
    items: list[P.Item] = []
    for state in states:
        legs, rest, paid_off = _move(settler, event, state, new, old, paid)
        payoff += paid_off
        expected.extend(legs)
        total += state.unpaid  # (what it bought: the buyout fee is a rate of it)
        if paid:
            # Paid out (or taken) in this very deposit.
            cash += rest
            items.append(_figure(state.invoice.number, state.currency, rest, "buyout"))
        elif rest:
            # What the reserve cannot cover is owed, as a short pay's rest is.
            number = state.invoice.number
            expected.append(P.leg(new.clearing, rest, state.currency, "buyout", number))
            state.set_owed("buyout", state.owed.get("buyout", ZERO) - rest)
            settler.open_owed.setdefault(event.factor or "", {})[number] = None
    for state in owing:
        state.bought_from, state.factor, state.agreement = old, event.factor, new
    links = {state.invoice.number for state in states + owing}
    taken = _take_over(settler, event, new, old, debts, charges, paid)
    expected.extend(taken.legs)
    items.extend(taken.items)
    if paid:
        cash -= taken.owed
    links.update(taken.links)
    _check_payoff(settler, event, old, payoff, taken.owed, currency)
    rule = new.buyout_fee
    charge = None
    if rule is not None:  # (in the invoices' currency: checked by _parties)
        fee = rule.of(total, currency, new.rounding)
        if fee:
            key = settler.book.charge_keys.get(event.index) or charge_link(event.entry)
            fee_legs = [P.leg(new.fees, fee, currency, "buyout-fee")]
            fee_legs.extend(P.vat_legs(new, fee_legs))  # buyout-fee-vat
            owed = sum((item.number for item in fee_legs), ZERO)
            expected.extend(fee_legs)
            label = f"buyout fee {event.date}"
            charge = Charge(
                key,
                label,
                event.date,
                owed,
                currency,
                "buyout-fee",
                event.entry,
                clearing=new.clearing,
            )
            settler.charge(event.factor, charge)
            links.add(key)
            if paid:
                cash -= owed
                items.append(_figure(key, currency, -owed, "buyout-fee"))
            else:
                expected.append(P.leg(new.clearing, -owed, currency, "buyout-fee"))
    settler.note_accounts(expected, event.date, new)
    if not paid:
        settler.write(event, expected, links, new)
        return
    deposit = deposit_of(settler, new, expected, cash, items)
    if not write_deposit(settler, event, new, deposit, currency, links):
        return
    if charge is not None:
        charge.netted_on, charge.netted_by = event.date, event.entry
        settler.open_charges.get(event.factor or "", {}).pop(charge.key, None)


Parties = tuple[str, list[InvoiceState], list[InvoiceState], list[Charge], Agreement]


def _parties(settler: Settler, event: Event) -> Parties | None:
    """The old factor, the invoices bought, those whose debts alone move (charged back,
    short paid), the old factor's fees to take over and the new agreement; None after
    an error."""
    agreements = settler.book.agreements
    old_name = event.entry.meta.get("from")
    if not isinstance(old_name, str) or not agreements.known(old_name):
        settler.error(
            "FCT134",
            f"from: {as_written(old_name)} must name the factor that is bought out, as its "
            'agreement does, like from: "Lakeshore"',
            event,
        )
        return None
    old = old_name.strip().lower()
    if settler.book.agreements.in_force(old, event.date) == (True, None):
        return None  # The old factor's agreement is broken: its FCT110 says what to do.
    if event.unknown:
        if not settler.waits_for_names(event):
            settler.error("FCT132", f"Unknown invoice {', '.join(event.unknown)}", event)
        return None
    if event.factor is None or event.factor == old:
        settler.error(
            "FCT134",
            "A buyout is booked on the new factor: give factor: with the name of the factor "
            "that buys the invoices, and from: with the one it buys them from",
            event,
        )
        return None
    found = _bought(settler, event, old)
    if found is None:
        return None
    states, owing = found
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
        return None
    currency = (states or owing)[0].currency
    new = settler.agreement_for(event, currency)
    if new is None or not _terms_fit(settler, event, states + owing, new, currency):
        return None
    charges = _fees_taken(settler, event, old, currency)
    if charges is None:
        return None
    return old, states, owing, charges, new


def _terms_fit(
    settler: Settler, event: Event, states: list[InvoiceState], new: Agreement, currency: str
) -> bool:
    """True if the new agreement can take the invoices over; False after an error."""
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
            return False
    # A fee of the new agreement that cannot apply would be left out without a word.
    fee = new.fee_elsewhere(BUYOUT_FEE_KEYS, currency)
    if fee is not None:
        settler.error(
            "FCT134",
            f"Agreement '{new.name}' gives {fee}, but the invoices this buyout takes are in "
            f"{currency}; give the fee in {currency}",
            event,
        )
        return False
    return True


def _pays(
    settler: Settler, event: Event, new: Agreement, old_terms: list[Agreement], currency: str
) -> bool | None:
    """True when the buyout is written as the new factor's deposit: it has a bank posting.

    That is a posting to an account of neither factor (their advances included)
    nor the input-VAT account of either: the plugin's own VAT legs are not cash,
    so the split buyout it wrote reads the same way again (the reports settle
    the plugin's output once more). None after an error: its postings to the
    factors' accounts are in another currency than the invoices (checked before
    anything moves).
    """
    factors = set(new.own_accounts()) | {new.advances}
    for terms in old_terms:
        factors |= set(terms.own_accounts()) | {terms.advances}
    vat_accounts = {terms.vat_account for terms in (new, *old_terms) if terms.vat_account}
    postings = event.entry.postings
    if all(p.account in factors or p.account in vat_accounts for p in postings):
        return False
    for posting in postings:
        units = units_of(posting)
        if posting.account in factors and units is not None and units[1] != currency:
            settler.error(
                "FCT134",
                f"This buyout is paid in {units[1]} but the invoices it buys are in "
                f"{currency}; book the payment in {currency} (with a price if it was "
                "converted)",
                event,
            )
            return None
    return True


def _bought(
    settler: Settler, event: Event, old: str
) -> tuple[list[InvoiceState], list[InvoiceState]] | None:
    """The invoices the buyout takes (those it links, or all the old factor's open
    ones), and those whose debt to the old factor alone it takes over (a chargeback, a
    short pay not netted yet: linked, or all of them); None after an error."""
    display = settler.book.agreements.display(old)
    if event.invoices:
        states, owing = [], []
        for number in event.invoices:
            state = settler.states[number]
            if state.factor is None and settler.waits_for_sale(state, event):
                return None  # (Its schedule or deposit was refused: that error speaks.)
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
                return None
            if _owes_alone(state):
                owing.append(state)
            elif not settler.check_state(state, event, "bought out"):
                return None
            else:
                states.append(state)
    else:
        states, owing = [], []
        netted = _netted_that_day(settler, event, old)
        for state in settler.states.values():
            if state.factor != old or not state.funded_on or state.funded_on > event.date:
                continue
            if not (state.collected_on or state.charged_back_on or state.lost_on):
                # Judged as a buyout that links it judges it: one its customer paid you
                # (in part) is FCT136, not taken whole as if the customer paid nothing.
                if not settler.check_state(state, event, "bought out"):
                    return None
                states.append(state)
            elif _owes_alone(state) and state.invoice.number not in netted:
                owing.append(state)
        if not states and not owing:
            settler.error(
                "FCT133",
                f"'{display}' holds no open invoice on {event.date} for this buyout to take, "
                "and is owed nothing on one",
                event,
            )
            return None
    currencies = {state.currency for state in states + owing}
    if len(currencies) > 1:
        settler.error(
            "FCT134",
            f"This buyout takes invoices in {', '.join(sorted(currencies))} (open, or owing "
            f"'{display}' a chargeback or a short pay); book one buyout per currency, each "
            "linking its invoices",
            event,
        )
        return None
    return states, owing


def _netted_that_day(settler: Settler, event: Event, old: str) -> set[str]:
    """The invoices and fee links a deposit of the old factor on the buyout day names: its
    last settlement, which nets what they owe itself (applied after the buyout, as every
    deposit of a day is)."""
    named: set[str] = set()
    for other in settler.book.events:
        if other.date == event.date and other.factor == old and other.rank == LUMP_RANK:
            named.update(other.invoices)
            named.update(other.charges)
    return named


def _owes_alone(state: InvoiceState) -> bool:
    """True if the invoice is closed (collected, charged back, written off) and owes its
    factor what the buyout takes over, its reserve released or none left to release:
    a release still due is the old factor's, and nets what is owed."""
    closed = state.collected_on or state.charged_back_on or state.lost_on
    if not closed or not state.owed:
        return False
    return bool(state.released_on or not state.reserve_due)


def _fees_taken(settler: Settler, event: Event, old: str, currency: str) -> list[Charge] | None:
    """The old factor's fees charged apart from any invoice and not netted (a monthly
    minimum, a wire fee), which the new factor pays off; None after an error.

    A buyout that links its invoices takes only the fees it links too (the plugin links
    every fee it took to a buyout that linked nothing: read back, the buyout is the same).
    A fee deducted from the funding of an invoice the old factor has not funded yet
    stays with it, for that funding."""
    taken = []
    own = settler.result.charges.get(event.factor or "", {})
    netted = _netted_that_day(settler, event, old)
    for charge in settler.result.charges.get(old, {}).values():
        if charge.netted_on is not None or charge.currency != currency:
            continue
        if event.invoices and charge.key not in event.charges:
            continue
        if charge.key in netted:
            continue
        if charge.date > event.date:
            continue
        waits = settler.states.get(charge.invoice) if charge.invoice is not None else None
        if waits is not None and waits.funded_on is None:
            continue
        if charge.key in own:
            settler.error(
                "FCT134",
                f"This buyout takes over ^{charge.key} of "
                f"'{settler.book.agreements.display(old)}', but a fee of "
                f"'{settler.book.agreements.display(event.factor)}' has the same link; "
                "give one of the two fee events a link of its own",
                event,
            )
            return None
        taken.append(charge)
    return taken


def _move(
    settler: Settler, event: Event, state: InvoiceState, new: Agreement, old: str, paid: bool
) -> tuple[list[P.Leg], Decimal, Decimal]:
    """The postings that move one invoice to the new factor, and its new state.

    Returns the legs; what moved beyond the reserve the new factor holds:
    negative, what the reserve could not cover (owed to the new factor);
    positive, with ``paid``, what the new factor pays out above its own reserve;
    and what the new factor pays the old one for it (its advance and fee to the day).
    """
    terms, purchase = state.agreement, state.purchase
    assert terms is not None and purchase is not None and state.funded_on is not None
    number, currency = state.invoice.number, state.currency
    # The old factor's fee runs on the face it bought; the new factor buys what is left
    # unpaid: the face, less what its customer paid us (owed to the old factor, which
    # ``_take_over`` moves to the new one, in the payoff beside it).
    face = state.unpaid
    accrued = P.fee_due(
        terms,
        purchase.face,
        purchase.advance,
        state.funded_on,
        event.date,
        purchase.discount_fee,
        currency,
    )
    base, late = P.base_and_late(terms, purchase, accrued, currency)
    split = P.purchase_split(new, face, currency)
    legs = [P.leg(terms.reserve, -state.held, currency, "buyout", number)] if state.held else []
    old_fees = [
        P.leg(terms.fees, amount, currency, part, number)
        for amount, part in ((base, "discount-fee"), (late, "late-fee"))
        if amount
    ]
    new_fees = [P.leg(new.fees, split.discount_fee, currency, "discount-fee", number)]
    new_fees.append(
        P.leg(new.invoice_fee_account, split.invoice_fee, currency, "invoice-fee", number)
    )
    new_fees = [item for item in new_fees if item.number]
    # Each factor's fees bring the VAT its agreement gives, out of the reserve too.
    # (The old factor's fees are charged today: with the VAT of its terms in force today.)
    charged = settler.book.agreements.charged_on(terms, event.date)
    old_fees.extend(P.vat_legs(charged, old_fees))
    fees = old_fees + new_fees + P.vat_legs(new, new_fees)
    legs.extend(fees)
    # What the new factor pays the old one for it: its advance, and its fees to the day
    # (less what the customer paid us, taken over apart: 817.50 for an advance of 800.00
    # and a fee of 17.50, of which 400.00 paid us is owed apart and 417.50 here).
    payoff = face - state.held + sum((item.number for item in old_fees), ZERO)
    moved = state.held - sum((item.number for item in fees), ZERO)
    # The new factor holds what moved, never less than nothing; when it pays the
    # difference, no more than its own reserve (the face less its advance).
    kept = max(moved, ZERO)
    if paid:
        kept = min(kept, split.reserve)
    if kept:
        legs.append(P.leg(new.reserve, kept, currency, "buyout", number))
    if new.loan:
        # The whole advance moves: what the customer paid us repays it at the close, as
        # with the old factor (``collect.py``).
        legs.append(P.leg(terms.advances, state.face, currency, "buyout", number))
        legs.append(P.leg(new.advances, -state.face, currency, "buyout", number))
    settler.note_accounts(legs, event.date, terms)
    settler.add_fees(old, currency, event.date, base + late)
    settler.add_fees(event.factor, currency, event.date, split.discount_fee)
    volume = settler.result.volume
    key = (event.factor or "", currency, month_of(event.date))
    volume[key] = volume.get(key, ZERO) + face
    # The old factor's fee is booked here; the new factor's period starts today.
    settler.fee_booked(state, event.date)
    state.fee_booked_on = None
    state.bought_from, state.factor, state.agreement = old, event.factor, new
    # (funded_by stays the deposit that paid for it: its transfer fee is the invoice's.)
    state.funded_on = event.date
    state.purchase = P.Purchase(face - kept, kept, split.discount_fee, split.invoice_fee)
    state.held, state.schedule, state.in_clearing = kept, None, False
    return legs, moved - kept, payoff


class TakenOver(NamedTuple):
    """What the new factor takes over of the old factor's debts: its legs, the items of
    the cash they take from a buyout that pays, the fees' links, and all it took over."""

    legs: list[P.Leg]
    items: list[P.Item]
    links: set[str]
    owed: Decimal


def _take_over(
    settler: Settler,
    event: Event,
    new: Agreement,
    old: str,
    debts: list[tuple[InvoiceState, Agreement | None, dict[str, Decimal]]],
    charges: list[Charge],
    paid: bool,
) -> TakenOver:
    """Move what the invoices owe the old factor, and its fees not netted, to the new one.

    The new factor pays the old one's whole balance off: each debt leaves the old
    factor's account it was owed on, and is owed on the new factor's until its next
    deposit nets it (or, in a buyout that pays, is taken from the payment)."""
    factor = event.factor or ""
    legs: list[P.Leg] = []
    items: list[P.Item] = []
    links: set[str] = set()
    total = ZERO
    for state, terms, owed in debts:
        assert terms is not None
        number, currency = state.invoice.number, state.currency
        old_legs = [
            P.leg(_owed_on(terms, part), amount, currency, part, number)
            for part, amount in sorted(owed.items())
        ]
        settler.note_accounts(old_legs, event.date, terms)
        legs.extend(old_legs)
        for part, amount in sorted(owed.items()):
            total += amount
            if paid:
                items.append(_figure(number, currency, -amount, part))
                state.drop_owed(part)
            else:
                legs.append(P.leg(_owed_on(new, part), -amount, currency, part, number))
        settler.open_owed.get(old, {}).pop(number, None)
        if state.owed:
            settler.open_owed.setdefault(factor, {})[number] = None
    display = settler.book.agreements.display(old)
    for charge in charges:
        clearing = charge.clearing or _clearing_of(settler, old, event, charge.currency)
        legs.append(P.leg(clearing, charge.amount, charge.currency, charge.part))
        charge.netted_on, charge.netted_by = event.date, event.entry
        settler.open_charges.get(old, {}).pop(charge.key, None)
        links.add(charge.key)
        total += charge.amount
        if paid:
            items.append(_figure(charge.key, charge.currency, -charge.amount, charge.part))
            continue
        legs.append(P.leg(new.clearing, -charge.amount, charge.currency, charge.part))
        label = f"{charge.label} (taken over from {display})"
        settler.charge(
            event.factor,
            Charge(
                charge.key,
                label,
                event.date,
                charge.amount,
                charge.currency,
                charge.part,
                event.entry,
                clearing=new.clearing,
            ),
        )
    return TakenOver(legs, items, links, total)


def _check_payoff(
    settler: Settler, event: Event, old: str, advances: Decimal, owed: Decimal, currency: str
) -> None:
    """The payoff the new factor paid the old one, as its payoff letter gives it
    (``amount:``), against the agreements': a figure that differs is said here, with
    the difference (the books use the agreements' figures)."""
    figure = event.entry.meta.get("amount")
    if figure is None:
        return
    expected = advances + owed
    shown = f"{expected:,.2f} {currency} ({advances:,.2f} for the invoices bought: the "
    shown += "old factor's advances and its fees to the day"
    shown += f", plus {owed:,.2f} it was owed apart from them)" if owed else ")"
    number = figure.number if isinstance(figure, Amount) else None
    if number is None or figure.currency != currency:
        settler.error(
            "FCT170",
            f"The buyout's amount: {figure} must be what the new factor paid the old one "
            f"off, in {currency} like the invoices, like amount: {expected:.2f} {currency}",
            event,
        )
        return
    difference = number - expected
    if abs(difference) <= settler.tolerance:
        return
    old_name = settler.book.agreements.display(old)
    settler.error(
        "FCT170",
        f"The buyout's amount: {figure} differs from what '{old_name}' is owed by the "
        f"agreements: {shown}, difference {difference:+,.2f} {currency}. The books use the "
        f"agreements' figures. Ask '{old_name}' for its payoff letter's detail: an invoice "
        "it holds that the buyout does not take (link those it takes), a payment or a "
        "chargeback not booked yet, or another fee",
        event,
    )


def _owed_on(terms: Agreement, part: str) -> str:
    """The account an invoice's debt of ``part`` is owed on (as ``P.add_netting`` nets it)."""
    return terms.due_to_factor if part == "misdirected-payment" else terms.clearing


def _clearing_of(settler: Settler, old: str, event: Event, currency: str) -> str:
    """The clearing account of the old factor's terms in force on the buyout day."""
    _, terms = settler.book.agreements.in_force(old, event.date, currency)
    return terms.clearing if terms is not None else ""


def _figure(name: str, currency: str, cash: Decimal, part: str) -> P.Item:
    """What one part adds to a paying buyout, named as a deposit's message names it."""
    item = P.Item("netting", name, currency, cash=cash, part=part)
    item.amounts = (-cash,)
    return item
