"""Fuel advances: cash against a load before it is invoiced, recouped from its funding.

A trucking factor advances part of a load's rate at pickup, for fuel, against
the rate confirmation, and takes it back out of the funding of the load's
invoice. Its terms are agreement keys::

    2025-01-01 custom "factoring-agreement" "RTS Financial"
      ...
      fuel-advance-rate: 0.40          ; at most 40% of the load's invoice
      fuel-advance-fee: "2.5%"         ; or 20.00 USD, or "1.5% + 15.00 USD"

The bank line of the advance is marked as one and names its load (or links
the invoice, which may be written later in the ledger)::

    2025-03-01 * "RTS Financial" "Fuel advance load TQL-88412"
      factoring: "fuel-advance"
      load: "TQL-88412"
      Assets:Bank:Checking                   780.00 USD

and becomes, with the fee and the liability the plugin writes::

      Assets:Bank:Checking                   780.00 USD
      Expenses:Factoring:RTS:Fees             20.00 USD   ; factoring-part: "fuel-advance-fee"
      Liabilities:Factoring:RTS:FuelAdvances -800.00 USD  ; factoring-part: "fuel-advance"

The advance is the cash plus the fee (``advance: 800.00 USD`` may say it;
then the cash is checked against it). The funding of the invoice whose
``load:`` it names (or that it links) posts ``FuelAdvances +800.00`` and pays
800.00 less; a deposit that names nothing is matched with that in mind. Both
models book it alike: a fuel advance is a debt to the factor either way.
"""

from __future__ import annotations

from decimal import Decimal

from beancount.core.amount import Amount

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.owed import FuelAdvance
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement
from beancount_factoring.terms.fees import FeeRule, round_money

ZERO = Decimal(0)
CENT = Decimal("0.01")


def settle_fuel_advance(settler: Settler, event: Event) -> None:
    """Book (or check) one fuel advance and note it on its invoice for the recoup."""
    agreement = settler.agreement_for(event)
    # Without terms in force (an agreement dated later, a broken one), the cash still
    # goes to a clearing account of the factor's if it has one, so nothing is lost.
    terms = agreement or _any_agreement(settler, event)
    if terms is None:
        return
    meta = event.entry.meta
    entry = settler.result.replaced.get(event.index, event.entry)
    own_accounts = set(terms.own_accounts())
    if terms.vat_account:
        # The fee's VAT is the plugin's leg, not cash: the reports settle the plugin's
        # output again, and must read the same advance from it.
        own_accounts.add(terms.vat_account)
    cash_postings = [p for p in entry.postings if p.account not in own_accounts]
    own = [p for p in entry.postings if p.account in own_accounts]
    # The cash is in the currency of the bank posting, whatever the invoice's.
    sums: dict[str, Decimal] = {}
    for posting in cash_postings:
        units = units_of(posting)
        if units is not None:
            sums[units[1]] = sums.get(units[1], ZERO) + units[0]
    currency = next(iter(sums), None) or settler.currency_of(event)
    cash = sums.get(currency or "", ZERO)

    def park() -> None:
        if own:
            return
        # Left on the clearing account, as a deposit that matches nothing is, so the
        # transaction still balances and nothing is lost.
        legs = [P.leg(terms.clearing, -n, c, "difference") for c, n in sums.items() if n]
        if legs:
            settler.note_accounts(legs, event.date, terms)
            postings = list(entry.postings) + P.materialize(legs, "invoice", frozenset())
            settler.result.replaced[event.index] = entry._replace(postings=postings)

    def refuse(code: str, message: str) -> None:
        settler.error(code, message, event)
        park()

    if agreement is None:
        park()
        return
    if event.unknown:
        refuse(
            "FCT132",
            f"Unknown invoice {', '.join(event.unknown)}: link the load's invoice number, "
            'or name the load with load: "TQL-88412" if it is not invoiced yet',
        )
        return
    load = meta.get("load")
    load = str(load) if isinstance(load, (str, Decimal)) else None
    if len(event.invoices) > 1 or (load is None and not event.invoices):
        refuse(
            "FCT134",
            'A fuel advance is for one load: name it with load: "TQL-88412", or link the '
            "invoice of the load (^INV-1001)",
        )
        return
    number = event.invoices[0] if event.invoices else settler.book.loads.get(load or "")
    state = settler.states.get(number) if number else None
    stated = meta.get("advance")
    if stated is not None and not (
        isinstance(stated, Amount) and stated.currency == currency and stated.number
    ):
        refuse(
            "FCT134",
            f"advance: {stated} is not an amount in the deposit's currency; write it like "
            f"advance: 800.00 {currency}",
        )
        return
    if currency is None or (cash <= 0 and stated is None):
        refuse(
            "FCT134",
            "A fuel advance needs the cash it brought: a bank posting like "
            "Assets:Bank:Checking 780.00 USD (or advance: 800.00 USD)",
        )
        return
    charge = agreement.fuel_advance_fee
    if charge is not None and not charge.applies_to(currency):
        refuse(
            "FCT134",
            f"Agreement '{agreement.name}' gives fuel-advance-fee: {charge.text}, but this "
            f"fuel advance is in {currency}; give the fee in {currency}",
        )
        return
    if state is not None and state.currency != currency:
        refuse(
            "FCT134",
            f"This fuel advance is in {currency}, but invoice {state.invoice.number} of its "
            f"load is in {state.currency}: the factor recoups it from that invoice's funding; "
            "book it in the invoice's currency",
        )
        return
    if state is not None and state.funded_on is not None:
        refuse(
            "FCT133",
            f"Invoice {state.invoice.number} was funded on {state.funded_on}, before this fuel "
            "advance on its load: the factor cannot recoup it from that funding. Date the "
            "fuel advance before the funding, or name another load",
        )
        return
    vat_rate = agreement.vat_rate("fuel-advance-fee") if agreement.vat_account else ZERO
    if isinstance(stated, Amount) and stated.number is not None:
        advance = stated.number
        fee = charge.of(advance, currency, agreement.rounding) if charge else ZERO
    else:
        advance, fee = _from_cash(cash, charge, currency, agreement.rounding, vat_rate)
    vat = P.fee_vat(agreement, "fuel-advance-fee", fee)
    name = f"load {load}" if load else f"invoice {number}"
    problems = []
    if abs(advance - fee - vat - cash) > settler.tolerance:
        with_vat = f" - VAT on the fee {vat:,.2f}" if vat else ""
        problems.append(
            f"expected {advance - fee - vat:,.2f} {currency} (advance {advance:,.2f} - fee "
            f"{fee:,.2f}{with_vat}), received {cash:,.2f} {currency}, difference "
            f"{cash - advance + fee + vat:+,.2f} {currency}; the difference is left on "
            f"{agreement.clearing}"
        )
    limit = agreement.fuel_advance_rate
    if state is not None and limit is not None:
        most = round_money(state.face * limit, agreement.rounding)
        if advance > most + settler.tolerance:
            problems.append(
                f"the advance of {advance:,.2f} {currency} is more than fuel-advance-rate "
                f"{limit} of invoice {state.invoice.number}'s {state.face:,.2f} "
                f"({most:,.2f})"
            )
    if problems:
        settler.error(
            "FCT180",
            f"This fuel advance on {name} differs from agreement '{agreement.name}' "
            f"({agreement.date}): " + "; ".join(problems),
            event,
        )
    invoice = number if state is not None else None
    legs = []
    if fee:
        legs.append(P.leg(agreement.fees, fee, currency, "fuel-advance-fee", invoice))
        legs.extend(P.vat_legs(agreement, legs))
    legs.append(P.leg(agreement.fuel_advances, -advance, currency, "fuel-advance", invoice))
    difference = cash - advance + fee + vat
    if difference and abs(difference) > settler.tolerance:
        legs.append(P.leg(agreement.clearing, -difference, currency, "difference"))
    elif difference:
        legs.append(P.leg(agreement.fees, -difference, currency, "rounding"))
    settler.note_accounts(legs, event.date, agreement)
    links = {number} if number and state is not None else set()
    if len(own) == 0 or (len(own) == 1 and own[0].account == agreement.clearing):
        frozen = frozenset(own_accounts)
        postings = cash_postings + P.materialize(legs, settler.config.detail, frozen)
        settler.result.replaced[event.index] = entry._replace(
            postings=postings, links=entry.links | links
        )
    else:
        settler.compare(event, legs, entry.postings, "FCT121", agreement)
        settler.result.replaced[event.index] = entry._replace(links=entry.links | links)
    if state is not None:
        # The load is the factor's to recoup from: its funding must be this factor's.
        state.factor = state.factor or event.factor
        state.fuel += advance
        state.fuel_account = agreement.fuel_advances
        if state.schedule is not None and state.factor is not None:
            settler.schedule_cash.pop((state.factor, state.schedule), None)
    else:
        waiting = settler.result.fuel_open.setdefault(event.factor or "", {})
        waiting[f"{load}@{event.index}"] = FuelAdvance(
            load or "", event.date, advance, currency, event.entry
        )


def _any_agreement(settler: Settler, event: Event) -> Agreement | None:
    """The factor's latest valid agreement of any date, for somewhere to leave the cash."""
    if event.factor is None:
        return None
    key = event.factor
    found = [a for a in settler.book.agreements.latest() if a.name.strip().lower() == key]
    return max(found, key=lambda a: a.date) if found else None


def _from_cash(
    cash: Decimal, charge: FeeRule | None, currency: str, rounding: str, vat: Decimal = ZERO
) -> tuple[Decimal, Decimal]:
    """The advance and fee behind the cash a fuel advance brought.

    The advance is the cash plus the fee on it: for a fee of rate r plus a
    fixed f, advance = (cash + f) / (1 - r), to the cent; the fee is then what
    makes up the difference, so the two always add up to the cash exactly.
    With a VAT rate v on the fee (``fuel-advance-fee-vat``) the factor keeps
    fee x (1 + v): advance = (cash + f(1 + v)) / (1 - r(1 + v)), and the fee is
    the one whose rounded VAT makes up the difference.
    """
    if charge is None:
        return cash, ZERO
    fixed = charge.fixed if charge.currency == currency else ZERO
    gross = 1 + vat
    if charge.rate * gross >= 1:
        return cash + fixed, fixed
    advance = round_money((cash + fixed * gross) / (1 - charge.rate * gross), rounding)
    # The fee as the agreement computes it on that advance; a cent either way of
    # the solved advance may be the one that reproduces the cash exactly.
    for candidate in (advance, advance - CENT, advance + CENT):
        fee = charge.of(candidate, currency, rounding)
        if candidate - fee - round_money(fee * vat, rounding) == cash:
            return candidate, fee
    if not vat:
        return advance, advance - cash
    return advance, charge.of(advance, currency, rounding)
