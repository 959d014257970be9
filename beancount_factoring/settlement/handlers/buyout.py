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
nets it, like a chargeback. A fixed fee of the new agreement (``buyout-fee``,
``invoice-fee``, ``minimum-fee``) in another currency than the invoices is an
FCT134 error at the buyout, as at a funding. Under the loan model the advance moves too: the
old factor's advances liability is repaid and the new one's takes it over.
The two agreements must share a model.

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

from beancount_factoring.ledger.book import Event, charge_link, units_of
from beancount_factoring.settlement.context import Settler
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
    old, states, new = found
    old_terms = [state.agreement for state in states if state.agreement is not None]
    paid = _pays(settler, event, new, old_terms, states[0].currency)
    if paid is None:
        return
    expected: list[P.Leg] = []
    total = cash = ZERO
    items: list[P.Item] = []
    for state in states:
        legs, rest = _move(settler, event, state, new, old, paid)
        expected.extend(legs)
        total += state.face
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
    currency = states[0].currency
    links = {state.invoice.number for state in states}
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


def _parties(settler: Settler, event: Event) -> tuple[str, list[InvoiceState], Agreement] | None:
    """The old factor, the invoices bought and the new agreement; None after an error."""
    agreements = settler.book.agreements
    old_name = event.entry.meta.get("from")
    if not isinstance(old_name, str) or not agreements.known(old_name):
        settler.error(
            "FCT134",
            f"from: {old_name!r} must name the factor that is bought out, as its agreement "
            'does, like from: "Lakeshore"',
            event,
        )
        return None
    old = old_name.strip().lower()
    if event.unknown:
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
    states = _bought(settler, event, old)
    if not states:
        return None
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
    new = settler.agreement_for(event, states[0].currency)
    if new is None:
        return None
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
            return None
    # A fee of the new agreement that cannot apply would be left out without a word.
    fee = new.fee_elsewhere(BUYOUT_FEE_KEYS, states[0].currency)
    if fee is not None:
        settler.error(
            "FCT134",
            f"Agreement '{new.name}' gives {fee}, but the invoices this buyout takes are in "
            f"{states[0].currency}; give the fee in {states[0].currency}",
            event,
        )
        return None
    return old, states, new


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
    settler: Settler, event: Event, state: InvoiceState, new: Agreement, old: str, paid: bool
) -> tuple[list[P.Leg], Decimal]:
    """The postings that move one invoice to the new factor, and its new state.

    Returns the legs and what moved beyond the reserve the new factor holds:
    negative, what the reserve could not cover (owed to the new factor);
    positive, with ``paid``, what the new factor pays out above its own reserve.
    """
    terms, purchase = state.agreement, state.purchase
    assert terms is not None and purchase is not None and state.funded_on is not None
    number, currency, face = state.invoice.number, state.currency, state.face
    accrued = P.fee_due(
        terms, face, purchase.advance, state.funded_on, event.date, purchase.discount_fee, currency
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
    fees = old_fees + P.vat_legs(charged, old_fees) + new_fees + P.vat_legs(new, new_fees)
    legs.extend(fees)
    moved = state.held - sum((item.number for item in fees), ZERO)
    # The new factor holds what moved, never less than nothing; when it pays the
    # difference, no more than its own reserve (the face less its advance).
    kept = max(moved, ZERO)
    if paid:
        kept = min(kept, split.reserve)
    if kept:
        legs.append(P.leg(new.reserve, kept, currency, "buyout", number))
    if new.loan:
        legs.append(P.leg(terms.advances, face, currency, "buyout", number))
        legs.append(P.leg(new.advances, -face, currency, "buyout", number))
    settler.note_accounts(legs, event.date, terms)
    settler.add_fees(old, currency, event.date, base + late)
    settler.add_fees(event.factor, currency, event.date, split.discount_fee)
    volume = settler.result.volume
    key = (event.factor or "", currency, f"{event.date:%Y-%m}")
    volume[key] = volume.get(key, ZERO) + face
    # The old factor's fee is booked here; the new factor's period starts today.
    settler.fee_booked(state, event.date)
    state.fee_booked_on = None
    state.bought_from, state.factor, state.agreement = old, event.factor, new
    # (funded_by stays the deposit that paid for it: its transfer fee is the invoice's.)
    state.funded_on = event.date
    state.purchase = P.Purchase(face - kept, kept, split.discount_fee, split.invoice_fee)
    state.held, state.schedule, state.in_clearing = kept, None, False
    return legs, moved - kept


def _figure(name: str, currency: str, cash: Decimal, part: str) -> P.Item:
    """What one part adds to a paying buyout, named as a deposit's message names it."""
    item = P.Item("netting", name, currency, cash=cash, part=part)
    item.amounts = (-cash,)
    return item
