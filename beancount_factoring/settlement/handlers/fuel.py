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

import datetime
from decimal import Decimal
from typing import NamedTuple

from beancount.core.amount import Amount
from beancount.core.data import Posting, Transaction

from beancount_factoring.ledger.book import Event, split_by_plugin, units_of
from beancount_factoring.ledger.loads import load_key, load_number, same_load
from beancount_factoring.settlement.context import SELLING, Settler
from beancount_factoring.settlement.handlers.cents import cash_fraction
from beancount_factoring.settlement.owed import FuelAdvance
from beancount_factoring.settlement.state import InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement
from beancount_factoring.terms.fees import NOT_CENTS, FeeRule, round_money

ZERO = Decimal(0)
CENT = Decimal("0.01")


class _Received(NamedTuple):
    """A fuel advance's transaction as written: the cash it brought, the factor's postings."""

    entry: Transaction
    own_accounts: frozenset[str]
    cash_postings: list[Posting]
    own: list[Posting]
    sums: dict[str, Decimal]
    currency: str | None
    cash: Decimal


class _Figures(NamedTuple):
    """A fuel advance's amounts: the advance, its fee and the VAT on the fee."""

    advance: Decimal
    fee: Decimal
    vat: Decimal
    currency: str


def settle_fuel_advance(settler: Settler, event: Event) -> None:
    """Book (or check) one fuel advance, or its repayment, and note it on its invoice."""
    agreement = settler.agreement_for(event)
    # Without terms in force (an agreement dated later, a broken one), the cash still
    # goes to a clearing account of the factor's if it has one, so nothing is lost.
    terms = agreement or _any_agreement(settler, event)
    if terms is None:
        return
    meta = event.entry.meta
    stated = meta.get("advance")
    received = _received(settler, event, terms, stated)
    # (Cash in fractions of a cent, 780.004 USD, is refused: the advance worked back from
    # it rounds the fraction away, and a repayment of it reads as a cent-less "more".)
    if agreement is None or cash_fraction(
        settler, event, received.entry, received.own_accounts, "fuel advance"
    ):
        _park(settler, event, terms, received)
        return
    load = meta.get("load")
    load = str(load).strip() if isinstance(load, (str, Decimal)) else None
    key, forms = load_key(load), list[str]()
    if not event.invoices:
        key, forms = _matched_load(settler, event, key)
    number = event.invoices[0] if event.invoices else _load_invoice(settler, key)
    state = settler.states.get(number) if number else None
    refusal = (
        _refusal(event, agreement, received, load, state, stated)
        or _ambiguous(settler, load, forms)
        or _conflict(settler, event, load, state)
        or _other_factor(settler, event, load, state)
    )
    if refusal is not None:
        code, message = refusal
        # (An invoice refused before, or reported unknown: its error speaks for this.)
        if code != "FCT132" or not settler.waits_for_names(event):
            settler.error(code, message, event)
        _park(settler, event, terms, received)
        return
    assert received.currency is not None  # _refusal refuses an advance without cash
    name = f"load {load}" if load else f"invoice {number}"
    if received.cash < 0:
        _repay(settler, event, agreement, received, key, state, name)
        return
    figures = _figures(agreement, stated, received.cash, received.currency)
    _audit(settler, event, agreement, figures, received.cash, state, name)
    _write_advance(settler, event, agreement, received, figures, number, state)
    _note_advance(settler, event, agreement, figures, load, state)


def _received(settler: Settler, event: Event, terms: Agreement, stated: object) -> _Received:
    """The cash the transaction brought, by currency, apart from the factor's postings."""
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
    if currency is None and isinstance(stated, Amount):
        # No cash, no invoice yet: the advance the factor says it made gives the currency.
        currency = stated.currency
    cash = sums.get(currency or "", ZERO)
    return _Received(entry, frozenset(own_accounts), cash_postings, own, sums, currency, cash)


def _park(settler: Settler, event: Event, terms: Agreement, received: _Received) -> None:
    """Leave the cash of a fuel advance that is not booked on the factor's clearing account."""
    if received.own:
        if split_by_plugin(received.entry):
            # Parked by the plugin already (the reports settle its output again, a load
            # from Beancount's cache): still open, and booked, as in the plugin's own run.
            for posting in received.own:
                units = units_of(posting)
                if units and (posting.meta or {}).get("factoring-part") == "difference":
                    settler.result.left_open(posting.account, units[0], units[1])
            settler.result.replaced[event.index] = received.entry
        return
    # Left on the clearing account, as a deposit that matches nothing is, so the
    # transaction still balances and nothing is lost.
    legs = [P.leg(terms.clearing, -n, c, "difference") for c, n in received.sums.items() if n]
    for currency, number in received.sums.items():
        if number:
            settler.result.left_open(terms.clearing, -number, currency)
    if legs:
        settler.note_accounts(legs, event.date, terms)
        entry = received.entry
        postings = list(entry.postings) + P.materialize(legs, "invoice", frozenset())
        settler.result.replaced[event.index] = entry._replace(postings=postings)


def _load_invoice(settler: Settler, key: str | None) -> str | None:
    """The invoice whose funding recoups an advance that names its load (or that a
    repayment pays back): of a load on several invoices, in ``_shared_loads``' order, the
    first not funded yet that holds advances of the load, else the first not funded."""
    numbers = _shared_loads(settler).get(key or "")
    if numbers is None:
        return settler.book.loads.get(key or "")
    states = settler.states
    unfunded = [n for n in numbers if states[n].funded_on is None]
    # (All funded: the first is refused, FCT133, as the load's only invoice would be.)
    return next((n for n in unfunded if states[n].fuel), unfunded[0] if unfunded else numbers[0])


def _matched_load(settler: Settler, event: Event, key: str | None) -> tuple[str | None, list[str]]:
    """The key of the invoices' load an advance's load is, and the keys it may be when it
    may be more than one (else none).

    A load no invoice has as written may be written in another form: its number alone
    (``4471``) for an invoice's ``L-4471``, or ``L-4471`` for an invoice's ``4471``. It is
    that load when nothing else could be: of ``L-4471`` and ``TQL-4471``, ``4471`` may be
    either; and ``4471`` beside ``TQL-4471`` may be that load written alone, so not
    surely ``L-4471``. A load of another prefix is never the same load, nor is one whose
    invoice could not take this advance (``_may_take``): the number alone is then
    another load, not invoiced yet (brokers number their loads alike).
    """
    loads = settler.book.loads
    if key is None or key in loads:
        return key, []
    numbers = settler.load_numbers
    if numbers is None:
        numbers = settler.load_numbers = {}
        for known in loads:
            number = load_number(known)
            if number is not None:
                numbers.setdefault(number, []).append(known)
    if key.isdigit():
        forms = numbers.get(key, [])
    else:
        number = load_number(key)
        forms = [number, *numbers.get(number, ())] if number in loads else []
    forms = [form for form in forms if _may_take(settler, event, form)]
    if len(forms) == 1:
        return forms[0], []
    return key, forms


def _may_take(settler: Settler, event: Event, key: str) -> bool:
    """Whether the invoice of a load an advance names in another form could take the
    advance: not funded yet (a funding recoups only the advances before it), and not
    another factor's. A guess that lands on one that could not was refused (FCT133) for
    a load that is not its."""
    number = _load_invoice(settler, key)
    state = settler.states.get(number) if number else None
    return state is not None and state.funded_on is None and state.factor in (None, event.factor)


def _ambiguous(settler: Settler, load: str | None, forms: list[str]) -> tuple[str, str] | None:
    """An advance whose load may be more than one of the invoices' loads, as (code,
    message): which invoice's funding recoups it cannot be told."""
    if not forms:
        return None
    book = settler.book
    shown = [(book.invoices[book.loads[key]].load or key, book.loads[key]) for key in forms]
    listed = " or ".join(f"{written} (invoice {number})" for written, number in shown)
    return (
        "FCT134",
        f'This fuel advance names load: "{load}", which may be load {listed}: the plugin '
        f'cannot tell which. Write the load as its invoice does (load: "{shown[0][0]}"), or '
        f"link the invoice whose funding recoups it (^{shown[0][1]})",
    )


def _shared_loads(settler: Settler) -> dict[str, list[str]]:
    """The invoices of each load written on several invoices, in the order an advance on
    the load goes to them: first the one a schedule or deposit names first (the funding
    that recoups it: a rebill's, not its cancelled invoice's); then, when none is named
    yet (or deposits name nothing), one the ledger does not credit (a credit note or a
    payment to you that links it: a cancelled invoice is not funded); then the largest
    (a linehaul and its detention invoice sold together: the advance is on the
    linehaul's rate confirmation); then file order.
    """
    if settler.shared_loads is not None:
        return settler.shared_loads
    invoices = settler.book.invoices
    # (Copied: they are sorted below, the book's lists kept in the ledger's order.)
    shared = {key: list(numbers) for key, numbers in settler.book.shared_loads.items()}
    settler.shared_loads = shared
    if not shared:
        return shared
    members = {number for numbers in shared.values() for number in numbers}
    first_sold: dict[str, tuple[datetime.date, int, int]] = {}
    credited: set[str] = set()
    for event in settler.book.events:
        if event.kind in SELLING:
            at = (event.date, event.rank, event.index)
            for number in event.invoices:
                known = first_sold.get(number)
                if number in members and (known is None or at < known):
                    first_sold[number] = at
        elif event.kind == "payment":
            credited.update(number for number in event.invoices if number in members)
    never = (datetime.date.max, 0, 0)
    for numbers in shared.values():
        numbers.sort(
            key=lambda n: (
                first_sold.get(n, never),
                n in credited,
                -(invoices[n].face.number or 0),  # (a leg's number: never None)
                invoices[n].position,
            )
        )
    return shared


def _refusal(
    event: Event,
    agreement: Agreement,
    received: _Received,
    load: str | None,
    state: InvoiceState | None,
    stated: object,
) -> tuple[str, str] | None:
    """Why the fuel advance cannot be booked, as (code, message); None if it can."""
    currency = received.currency
    if event.unknown:
        return (
            "FCT132",
            f"Unknown invoice {', '.join(event.unknown)}: link the load's invoice number, "
            'or name the load with load: "TQL-88412" if it is not invoiced yet',
        )
    if len(event.invoices) > 1 or (load is None and not event.invoices):
        return (
            "FCT134",
            'A fuel advance is for one load: name it with load: "TQL-88412", or link the '
            "invoice of the load (^INV-1001)",
        )
    if stated is not None and not (
        isinstance(stated, Amount) and stated.currency == currency and stated.number
    ):
        return (
            "FCT134",
            f"advance: {stated} is not an amount in the deposit's currency; write it like "
            f"advance: 800.00 {currency}",
        )
    if currency is None or (received.cash == 0 and stated is None):
        return (
            "FCT134",
            "A fuel advance needs the cash it brought: a bank posting like "
            "Assets:Bank:Checking 780.00 USD (or advance: 800.00 USD)",
        )
    if received.cash < 0 and stated is not None:
        return (
            "FCT134",
            f"A fuel advance's bank posting of {received.cash:,.2f} {currency} pays it back, "
            "but it gives an advance: too. Write the advance and its repayment as two "
            "fuel-advance events (the repayment with its negative bank posting alone)",
        )
    if currency in NOT_CENTS:
        # (Its fee would be worked out in cents, and its load's invoice cannot be sold.)
        return (
            "FCT134",
            f"This fuel advance is in {currency}, which is not counted in cents: the plugin "
            "works out a factor's advances and fees in cents, and does not factor invoices "
            f"in {currency}. Book it by hand on accounts of your own",
        )
    charge = agreement.fuel_advance_fee
    if charge is not None and not charge.applies_to(currency):
        return (
            "FCT134",
            f"Agreement '{agreement.name}' gives fuel-advance-fee: {charge.text}, but this "
            f"fuel advance is in {currency}; give the fee in {currency}",
        )
    if state is not None and state.currency != currency:
        return (
            "FCT134",
            f"This fuel advance is in {currency}, but invoice {state.invoice.number} of its "
            f"load is in {state.currency}: the factor recoups it from that invoice's funding; "
            "book it in the invoice's currency",
        )
    if state is not None and state.funded_on is not None and received.cash > 0:
        return (
            "FCT133",
            f"Invoice {state.invoice.number} was funded on {state.funded_on}, before this fuel "
            "advance on its load: the factor cannot recoup it from that funding. Date the "
            "fuel advance before the funding, or name another load",
        )
    return None


def _conflict(
    settler: Settler, event: Event, load: str | None, state: InvoiceState | None
) -> tuple[str, str] | None:
    """An advance that links one invoice and names the load of another, as (code, message):
    which of the two the factor recoups it from cannot be told."""
    if not event.invoices or load is None or state is None:
        return None
    key = load_key(load)
    number = state.invoice.number
    own = state.invoice.load
    own_key = load_key(own)
    if own_key is not None and own_key == key:
        # The invoice's own load (a load on several invoices: the one it recoups from).
        return None
    other = settler.book.loads.get(key or "")
    if other is not None and other != number:
        return (
            "FCT134",
            f'This fuel advance links invoice {number}, but its load: "{load}" is invoice '
            f"{other}'s: link the invoice whose funding recoups it, or correct the load",
        )
    if same_load(own_key, key):
        # Its number alone (or its load's, of the number alone): the link says which.
        return None
    if other is None and own is not None:
        return (
            "FCT134",
            f'This fuel advance links invoice {number}, whose load is "{own}", but names '
            f'load: "{load}": correct the load, or link the load\'s own invoice',
        )
    return None


def _other_factor(
    settler: Settler, event: Event, load: str | None, state: InvoiceState | None
) -> tuple[str, str] | None:
    """An advance (or its repayment) of one factor on a load whose invoice another factor
    holds (its schedule, or its own fuel advance), as (code, message): that factor's
    funding would recoup it into this factor's account."""
    if state is None or state.factor is None or state.factor == event.factor:
        return None
    names = settler.book.agreements
    mine, theirs = names.display(event.factor or ""), names.display(state.factor)
    of_load = f" of load {load}" if load else ""
    return (
        "FCT133",
        f"Invoice {state.invoice.number}{of_load} belongs to factor '{theirs}', not to "
        f"'{mine}' who sent this fuel advance: '{theirs}' recoups only its own fuel advances "
        "from the invoice's funding. Check the load, and the factor the payee names; if "
        f"'{mine}' did advance on a load '{theirs}' buys, book it as a loan on an account "
        "of your own, not as a fuel-advance event",
    )


def _figures(agreement: Agreement, stated: object, cash: Decimal, currency: str) -> _Figures:
    """The advance and its fee: from ``advance:`` if given, else worked back from the cash."""
    charge = agreement.fuel_advance_fee
    vat_rate = agreement.vat_rate("fuel-advance-fee") if agreement.vat_account else ZERO
    if isinstance(stated, Amount) and stated.number is not None:
        advance = stated.number
        fee = charge.of(advance, currency, agreement.rounding) if charge else ZERO
    else:
        advance, fee = _from_cash(cash, charge, currency, agreement.rounding, vat_rate)
    vat = P.fee_vat(agreement, "fuel-advance-fee", fee)
    return _Figures(advance, fee, vat, currency)


def _audit(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    figures: _Figures,
    cash: Decimal,
    state: InvoiceState | None,
    name: str,
) -> None:
    """Report (FCT180) a fuel advance whose cash or size differs from the agreement's."""
    advance, fee, vat, currency = figures
    problems = []
    if abs(advance - fee - vat - cash) > settler.tolerance:
        with_vat = f" - VAT on the fee {vat:,.2f}" if vat else ""
        problems.append(
            f"expected {advance - fee - vat:,.2f} {currency} (advance {advance:,.2f} - fee "
            f"{fee:,.2f}{with_vat}), received {cash:,.2f} {currency}, difference "
            f"{cash - advance + fee + vat:+,.2f} {currency}; the difference is left on "
            f"{agreement.clearing}"
        )
    if state is not None:
        problems.extend(_over_limit(settler, agreement, state, advance, currency))
    if problems:
        settler.error(
            "FCT180",
            f"This fuel advance on {name} differs from agreement '{agreement.name}' "
            f"({agreement.date}): " + "; ".join(problems),
            event,
        )


def _over_limit(
    settler: Settler, agreement: Agreement, state: InvoiceState, advance: Decimal, currency: str
) -> list[str]:
    """What is wrong with the size of an advance on an invoice: more than fuel-advance-rate
    of it, or (with no such rate, or a rate above it) more than its funding pays. Both
    bound all the load's advances together: two within a bound each may not be."""
    total = (
        f"with the fuel advances already on the load ({state.fuel:,.2f}), "
        f"{state.fuel + advance:,.2f} {currency}"
        if state.fuel
        else f"the advance of {advance:,.2f} {currency}"
    )
    limit = agreement.fuel_advance_rate
    if limit is not None:
        most = round_money(state.face * limit, agreement.rounding)
        if state.fuel + advance > most + settler.tolerance:
            return [
                f"{total} is more than fuel-advance-rate {limit} of invoice "
                f"{state.invoice.number}'s {state.face:,.2f} ({most:,.2f})"
            ]
    # The factor recoups the advances from the invoice's funding: it does not advance
    # more than that funding pays (the funding would take cash back), so more is a
    # mistake in the amount or the load. (The split is worked out, not kept: the
    # invoice's own terms are known only when it is sold.)
    terms = state.agreement or agreement
    split = state.factor_split or P.purchase_split(terms, state.face, state.currency)
    pays = P.funding_cash(terms, split)
    if state.fuel + advance > pays + settler.tolerance:
        return [
            f"{total} is more than invoice {state.invoice.number}'s funding pays before its "
            f"fuel advances ({pays:,.2f} {currency}), from which the factor recoups them: "
            "its funding would take cash back. Check the advance's amount, and its load (or "
            "link the invoice it is for)"
        ]
    return []


def _write_advance(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    received: _Received,
    figures: _Figures,
    number: str | None,
    state: InvoiceState | None,
) -> None:
    """Write the fee and the liability of the advance, or check the ones written by hand."""
    advance, fee, vat, currency = figures
    cash = received.cash
    invoice = number if state is not None else None
    legs = []
    if fee:
        legs.append(P.leg(agreement.fees, fee, currency, "fuel-advance-fee", invoice))
        legs.extend(P.vat_legs(agreement, legs))
    legs.append(P.leg(agreement.fuel_advances, -advance, currency, "fuel-advance", invoice))
    difference = cash - advance + fee + vat
    if difference and abs(difference) > settler.tolerance:
        legs.append(P.leg(agreement.clearing, -difference, currency, "difference"))
        settler.result.left_open(agreement.clearing, -difference, currency)
    elif difference:
        legs.append(P.leg(agreement.fees, -difference, currency, "rounding"))
    settler.note_accounts(legs, event.date, agreement)
    links = {number} if number and state is not None else set()
    _write(settler, event, agreement, received, legs, links)


def _write(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    received: _Received,
    legs: list[P.Leg],
    links: set[str],
) -> None:
    """Put ``legs`` in place of the event's clearing posting, or, when the user wrote the
    split by hand, check it against them (FCT121); the event links its invoice."""
    entry, own = received.entry, received.own
    if len(own) == 0 or (len(own) == 1 and own[0].account == agreement.clearing):
        materialized = P.materialize(legs, settler.config.detail, received.own_accounts)
        settler.result.replaced[event.index] = entry._replace(
            postings=received.cash_postings + materialized, links=entry.links | links
        )
    else:
        settler.compare(event, legs, entry.postings, "FCT121", agreement)
        settler.result.replaced[event.index] = entry._replace(links=entry.links | links)


def _note_advance(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    figures: _Figures,
    load: str | None,
    state: InvoiceState | None,
) -> None:
    """Note the advance on its invoice, or as waiting for the load's invoice, for the recoup."""
    advance = FuelAdvance(load or "", event.date, figures.advance, figures.currency, event.entry)
    if state is not None:
        # The load is the factor's to recoup from: its funding must be this factor's.
        state.factor = state.factor or event.factor
        state.fuel += figures.advance
        state.fuel_account = agreement.fuel_advances
        if state.fuel_advances is None:
            state.fuel_advances = []
        state.fuel_advances.append(advance)
        _forget_schedule_cash(settler, state)
    else:
        waiting = settler.result.fuel_open.setdefault(event.factor or "", {})
        waiting[f"{load}@{event.index}"] = advance


def _repay(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    received: _Received,
    key: str | None,
    state: InvoiceState | None,
    name: str,
) -> None:
    """Book a fuel advance paid back apart from the funding (a wire, or netted elsewhere):
    the debt goes down by it, and the funding of the load's invoice recoups only the rest.
    """
    repaid, currency = -received.cash, received.currency or ""
    waiting: list[FuelAdvance] = []
    if state is not None:
        open_ = ZERO if state.funded_on is not None else state.fuel
    else:
        waiting = _waiting(settler, event, currency, key)
        open_ = sum((a.amount - a.repaid for a in waiting), ZERO)
    paid = min(repaid, max(open_, ZERO))
    if repaid - paid > settler.tolerance:
        recouped = (
            f" (the funding of invoice {state.invoice.number} on {state.funded_on} recouped them)"
            if state is not None and state.funded_on is not None
            else ""
        )
        settler.error(
            "FCT180",
            f"This repayment of the fuel advances on {name} repays {repaid:,.2f} {currency}, "
            f"but the fuel advances open on {name} come to {open_:,.2f} {currency}"
            f"{recouped}; the difference {repaid - paid:,.2f} {currency} is left on "
            f"{agreement.clearing}. Check the load, or the repayment's amount",
            event,
        )
    else:
        paid = repaid
    invoice = state.invoice.number if state is not None else None
    legs = [P.leg(agreement.fuel_advances, paid, currency, "fuel-advance-recoup", invoice)]
    if repaid - paid:
        legs.append(P.leg(agreement.clearing, repaid - paid, currency, "difference"))
        settler.result.left_open(agreement.clearing, repaid - paid, currency)
    settler.note_accounts(legs, event.date, agreement)
    _write(settler, event, agreement, received, legs, {invoice} if invoice else set())
    _note_repaid(settler, event, paid, state, waiting)


def _waiting(settler: Settler, event: Event, currency: str, key: str | None) -> list[FuelAdvance]:
    """The factor's advances on a load no invoice has, in the currency, that a repayment
    naming ``key`` repays: those of the load as written; else, when the advances are on
    one load of another form (``L-4471`` for ``4471``), that load's."""
    advances = settler.result.fuel_open.get(event.factor or "", {}).values()
    mine = [a for a in advances if a.currency == currency]
    exact = [a for a in mine if load_key(a.load) == key]
    if exact:
        return exact
    other = [a for a in mine if same_load(load_key(a.load), key)]
    return other if len({load_key(a.load) for a in other}) == 1 else []


def _note_repaid(
    settler: Settler,
    event: Event,
    paid: Decimal,
    state: InvoiceState | None,
    waiting: list[FuelAdvance],
) -> None:
    """Take a repayment off the advances it repays: its invoice's, or the oldest first."""
    if state is not None:
        if state.funded_on is None:
            state.fuel -= min(paid, state.fuel)
            _take_off(state.fuel_advances or [], event.date, paid)
            _forget_schedule_cash(settler, state)
            if not state.fuel and state.scheduled_on is None and not state.owed:
                # Only its fuel advance made the invoice this factor's: paid back, it is
                # free to be sold to another.
                state.factor = None
        return
    _take_off(waiting, event.date, paid)


def _take_off(advances: list[FuelAdvance], date: datetime.date, paid: Decimal) -> None:
    """Note a repayment on the advances it repays, the oldest first."""
    for advance in advances:
        part = min(paid, advance.amount - advance.repaid)
        if part > 0:
            advance.repayments.append((date, part))
            paid -= part


def _forget_schedule_cash(settler: Settler, state: InvoiceState) -> None:
    """Drop the cash kept for the invoice's schedule: its fuel advances changed."""
    if state.schedule is not None and state.factor is not None:
        settler.schedule_cash.pop((state.factor, state.schedule), None)


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
