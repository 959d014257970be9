"""A schedule: invoices sold (or, under the loan model, pledged) to the factor.

Under the sale model each invoice leaves its receivable for the factor's clearing
account at face; under the loan model nothing moves until the funding. The factor's
own split, when the schedule's postings carry it, is read and audited (FCT170).
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from beancount.core.amount import Amount
from beancount.core.position import Cost

from beancount_factoring.errors import make_error, where_written
from beancount_factoring.ledger.book import Event, Invoice, schedule_link
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.state import InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement
from beancount_factoring.terms.fees import CENT, HALF_CENT, NOT_CENTS, WHOLE, round_money

ZERO = Decimal(0)


def settle_schedule(settler: Settler, event: Event) -> None:
    agreement = settler.agreement_for(event)
    states = settler.named_states(event)
    if agreement is None or states is None:
        return
    ids = event.schedules
    if len(ids) > 1:
        settler.error("FCT134", "A schedule event carries one schedule: id", event)
        return
    schedule = ids[0] if ids else None
    ok, date, costed = True, event.date, settler.book.costed
    for state in states:
        # (The tests of _check_sellable, which it repeats to report: most invoices pass.)
        if (
            date < state.invoice.entry.date
            or state.scheduled_on
            or state.funded_on
            or state.collected_on
            or state.direct_paid
            or state.factor not in (None, event.factor)
            or state.currency in NOT_CENTS
            or (state.invoice.number in costed and held_at_cost(state.invoice) is not None)
        ):
            ok = _check_sellable(settler, state, event) and ok
    if not ok:
        return
    # Sold: each invoice leaves its receivable for the clearing account. (Loan model:
    # pledged, not sold; nothing moves until the funding.) Written as they are made
    # when the user wrote no postings, the legs are summed as they come.
    sold, entry = not agreement.loan, event.entry
    written = settler.result.replaced.get(event.index, entry).postings
    sums, legs = settler.sums(agreement) if sold and not written else None, P.Legs()
    add, clearing, factor = (
        legs.add if sums is None else sums.add,
        agreement.clearing,
        event.factor,
    )
    # (Read once: this loop sees every invoice sold.)
    for state in states:
        if sold:
            face, currency, number = state.face, state.currency, state.invoice.number
            add(clearing, face, currency, "face", number, schedule)
            add(state.invoice.account, -face, currency, "face", number, schedule)
        state.factor, state.agreement = factor, agreement
        state.schedule, state.scheduled_on = schedule, date
        state.in_clearing = sold
        state.scheduled_by = entry
    if schedule is not None:
        assert event.factor is not None
        numbers = settler.result.schedules.setdefault((event.factor, schedule), [])
        numbers.extend(s.invoice.number for s in states)
        settler.open_schedules.setdefault(event.factor, {})[schedule] = None
    links = {schedule_link(schedule)} if schedule else set()
    if sums is not None:
        settler.note_accounts(sums.firsts(), event.date, agreement)
        settler.write_sums(event, sums, links)
        return
    settler.note_accounts(legs, event.date, agreement)
    if event.entry.postings:
        _compare_written(settler, event, agreement, states, legs)
    settler.write(
        event, legs, links, agreement, checked=agreement.loan or bool(event.entry.postings)
    )
    if event.entry.postings:
        _read_factor_figures(settler, event, agreement, states)


def _compare_written(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    states: list[InvoiceState],
    legs: list[P.Leg],
) -> None:
    """Compare the postings a schedule is written with to what it books (FCT121)."""
    if agreement.loan:
        # Nothing may move: not the receivables, not the factor's accounts.
        watched = set(agreement.own_accounts()) | {s.invoice.account for s in states}
        settler.compare(
            event,
            [],
            event.entry.postings,
            "FCT121",
            accounts=watched,
            hint=f"under the loan model of agreement '{agreement.name}' a schedule moves "
            "nothing: the invoices stay on their receivable accounts until the debtor pays",
        )
        return
    # A posting that names an invoice on another account than the invoice's (two
    # importers that guessed its customer's account two ways) is compared too: left
    # out, the message gave the invoice's account alone, "written 0.00".
    named = {p.account for p in event.entry.postings if p.meta and "invoice" in p.meta}
    settler.compare(event, legs, event.entry.postings, "FCT121", accounts=named)


def _read_factor_figures(
    settler: Settler, event: Event, agreement: Agreement, states: list[InvoiceState]
) -> None:
    """Take the factor's own split from the schedule's legs, and audit it."""
    by_invoice: dict[str, dict[str, object]] = {}
    by_account: dict[str, list[dict[str, object]]] = {}
    for posting in event.entry.postings:
        meta = posting.meta or {}
        number = meta.get("invoice")
        if isinstance(number, (str, Decimal)):
            # (Unquoted, a number: read as the invoice booked under it, after FCT134.)
            by_invoice[str(number)] = meta
        by_account.setdefault(posting.account, []).append(meta)
    problems = []
    # The fee's differences summed over the schedule: within the tolerance one by one, a
    # fee a cent too high on every invoice is still a dollar on a hundred of them. (Not
    # the advance: what it lacks the reserve holds, and the release pays back.)
    totals = {"fee": ZERO}
    residue = ZERO
    for state in states:
        number = state.invoice.number
        figures = by_invoice.get(number)
        if figures is None and len(by_account.get(state.invoice.account, ())) == 1:
            figures = by_account[state.invoice.account][0]
        terms = P.purchase_split(agreement, state.face, state.currency)
        split = P.factor_split(figures or {}, terms, state.currency)
        if split is None:
            continue
        if isinstance(split, str):
            problems.append(f"{number}: {split} (the agreement's figures are used)")
            continue
        state.factor_split = split
        pairs = (
            ("advance", split.advance, terms.advance),
            (
                "fee",
                split.discount_fee + split.invoice_fee,
                terms.discount_fee + terms.invoice_fee,
            ),
            ("reserve", split.reserve, terms.reserve),
        )
        wrong = [
            f"{name} {theirs:,.2f} (agreement {ours:,.2f})"
            for name, theirs, ours in pairs
            if abs(theirs - ours) > settler.tolerance
        ]
        if wrong:
            problems.append(f"{number}: " + ", ".join(wrong))
        if "fee" in (figures or {}):
            residue += terms.discount_fee - _unrounded_fee(agreement, state.face, terms)
        for name, theirs, ours in pairs:
            if name in totals:
                totals[name] += theirs - ours
    if not problems:
        # A factor rounds each invoice as the agreement does (no difference) or rounds the
        # total (the difference undoes the agreement's own rounding, within half a cent).
        summed = [
            f"{name} {difference:+,.2f} in all"
            for name, difference in totals.items()
            if abs(difference) > settler.tolerance
            and abs(difference + residue) > settler.tolerance + HALF_CENT
        ]
        if summed:
            problems.append(
                "the schedule's invoices, each within the tolerance: " + ", ".join(summed)
            )
    if problems:
        settler.error(
            "FCT170",
            f"The factor's figures differ from agreement '{agreement.name}' "
            f"({agreement.date}) for {'; '.join(problems)}. The books use the factor's "
            "figures; ask the factor, or correct the agreement",
            event,
        )


def _unrounded_fee(agreement: Agreement, face: Decimal, terms: P.Purchase) -> Decimal:
    """The discount fee taken at purchase before it is rounded to the cent (the minimum
    fee, where it applies, is no rounding: the fee itself)."""
    if agreement.fee_timing != "purchase":
        return terms.discount_fee
    basis = face if agreement.fee_basis == "face" else terms.advance
    unrounded = basis * agreement.fee.first_term_rate()
    return terms.discount_fee if terms.discount_fee > unrounded + CENT else unrounded


def not_in_cents(settler: Settler, event: Event, state: InvoiceState) -> bool:
    """True (after an FCT134 error) if the invoice is in a currency not counted in cents:
    of thousandths (KWD) or of whole units (JPY). The plugin works out advances, fees
    and reserves in cents: the fils it would round away would be left on no account in
    silence, within Beancount's tolerance; the sen it would add no factor pays, and
    every deposit in whole yen would differ from them (FCT120)."""
    currency = state.currency
    if currency not in NOT_CENTS:
        return False
    whole = currency in WHOLE
    smallest = f"the whole {currency}" if whole else "a thousandth"
    follow = f"in whole {currency}" if whole else "to the thousandth"
    settler.error(
        "FCT134",
        f"Invoice {state.invoice.number} is in {currency}, whose smallest unit is "
        f"{smallest}: the plugin works out a factor's advances, fees and reserves in "
        f"cents and cannot follow them {follow}, so it does not factor it. Book "
        "its sale by hand on accounts of your own, without its link or a factor's "
        "clearing account",
        event,
    )
    return True


def held_at_cost(invoice: Invoice) -> tuple[Amount, Cost] | None:
    """The units and the cost of the invoice's posting on its receivable that holds a cost
    (``2000.00 CAD {0.74 USD}``, as Beancount booked it), or None."""
    for posting in invoice.entry.postings:
        cost, units = posting.cost, posting.units
        if (
            isinstance(cost, Cost)
            and units is not None
            and isinstance(units.number, Decimal)
            and posting.account == invoice.account
        ):
            return units, cost
    return None


def at_cost(settler: Settler, event: Event, state: InvoiceState) -> bool:
    """True (after an FCT134 error on the invoice's line, once) if the invoice's receivable
    holds it at a cost. The plugin moves an invoice in its own currency: its credit of the
    receivable, with no cost, would sit beside the invoice's lot rather than reduce it,
    and the account's balance at cost would be wrong without a word. With the cost, the
    lot weighs its cost's currency and the factor's legs the invoice's: no transaction
    balances without an exchange account the plugin does not have."""
    invoice = state.invoice
    # (Only the invoices read with a cost can hold one: one test for all the others.)
    held = held_at_cost(invoice) if invoice.number in settler.book.costed else None
    if held is None:
        return False
    line = f"{invoice.entry.meta.get('filename')}:{invoice.entry.meta.get('lineno')}"
    if invoice.number in settler.reported_at_cost:
        # Said on the invoice's line; the later events that name it are not booked either.
        settler.error(
            "FCT134",
            f"Invoice {invoice.number} is not factored: it is booked at a cost (see {line}); "
            "this event is not booked until the invoice is booked without one",
            event,
        )
        return True
    settler.reported_at_cost.add(invoice.number)
    units, cost = held
    where = f"{event.entry.meta.get('filename')}:{event.entry.meta.get('lineno')}"
    what = "schedule at {} factors it" if event.kind == "schedule" else "deposit at {} funds it"
    settler.result.errors.append(
        make_error(
            "FCT134",
            f"Invoice {invoice.number} is booked on {invoice.account} at a cost ({units} "
            f"{{{cost.number} {cost.currency}}}), and the {what.format(where)}: the "
            f"plugin moves invoices in their own currency ({units.currency}) and cannot "
            "take such a lot off, so it does not factor it. Book the receivable without a "
            f"cost, at a price: {invoice.account}  {units} @ {cost.number} {cost.currency} "
            f"(its income {round_money(cast(Decimal, units.number) * cost.number):,.2f} "
            f"{cost.currency}); "
            f"Beancount then keeps it as {units.currency}, "
            "and the plugin's postings take it off whole",
            invoice.entry.meta,
            invoice.entry,
        )
    )
    return True


def _check_sellable(settler: Settler, state: InvoiceState, event: Event) -> bool:
    number = state.invoice.number
    if not_in_cents(settler, event, state) or at_cost(settler, event, state):
        return False
    issued = state.invoice.entry.date
    if event.date < issued:
        settler.error(
            "FCT133",
            f"Invoice {number} cannot be sold on {event.date}: it is dated {issued} "
            f"({where_written(state.invoice.entry)}); correct one of the two dates",
            event,
        )
        return False
    if state.scheduled_on or state.funded_on:
        where = state.funded_by or state.scheduled_by or state.invoice.entry
        schedule = f"schedule {state.schedule}; " if state.schedule else ""
        fix = "remove it from one of the two"
        if state.charged_back_on or state.lost_on:
            # Its life with the factor is over: the plugin follows one sale per invoice.
            fix = (
                "the plugin follows one sale per invoice, and this invoice's has ended: "
                "remove it from this event"
            )
            fix += (
                bought_again_hint(settler, state)
                or " (a factor that buys it again is not followed)"
            )
        settler.error(
            "FCT130",
            f"Invoice {number} is already {state.describe()} "
            f"({schedule}see {where.meta.get('filename')}:{where.meta.get('lineno')}); {fix}",
            event,
        )
        return False
    held = others_fuel(settler, state, event)
    if held is not None:
        settler.error("FCT133", held, event)
        return False
    if state.collected_on or state.direct_paid >= state.face - settler.tolerance:
        settler.error(
            "FCT131",
            f"Invoice {number} is already paid ({state.direct_paid or state.paid} "
            f"{state.currency} received); a paid invoice cannot be sold to the factor",
            event,
        )
        return False
    return not paid_in_part(settler, event, state, "sold")


def others_fuel(settler: Settler, state: InvoiceState, event: Event) -> str | None:
    """Why a factor may not buy an invoice that carries another factor's fuel advance (the
    message of an FCT133), or None if it does not: that factor recoups the advance from
    the invoice's funding, so the invoice is its to buy until the advance is repaid (its
    funding would recoup the advance into the other factor's account)."""
    if not state.fuel or state.factor in (None, event.factor) or state.scheduled_on:
        # (Scheduled by its factor, or funded: the invoice is that factor's anyway.)
        return None
    names = settler.book.agreements
    owner, buyer = names.display(state.factor), names.display(event.factor or "")
    load = f" (load {state.invoice.load})" if state.invoice.load else ""
    what = "schedule" if event.kind == "schedule" else "deposit"
    oldest = state.oldest_fuel()
    meta = oldest.entry.meta if oldest is not None else {}
    where = f" ({meta.get('filename')}:{meta.get('lineno')})" if meta else ""
    return (
        f"Invoice {state.invoice.number}{load} carries a fuel advance of '{owner}' "
        f"({state.fuel:,.2f} {state.currency} open), which '{owner}' recoups from the "
        f"invoice's funding: the invoice is '{owner}''s to buy, not to '{buyer}' who sent "
        f"this {what}. If '{buyer}' bought it, book the advance's repayment to '{owner}' "
        f"on or before this {what} (a fuel-advance event of '{owner}' naming the load, its "
        f"bank posting alone, negative); if the advance is another load's, correct its "
        f"load{where}"
    )


def bought_again_hint(settler: Settler, state: InvoiceState) -> str:
    """What to write when the factor buys an invoice again after its chargeback: the
    plugin follows one sale per invoice, so the invoice is billed again under a number
    of its own (a credit note closes the old one). Empty for an invoice not charged back."""
    if not state.charged_back_on:
        return ""
    number, factor = state.invoice.number, settler.book.agreements.display(state.factor)
    return (
        f". If {factor} bought it again after the chargeback, bill it again under a number "
        f"of its own: a credit note that takes its face back (a transaction linking "
        f"^{number} that credits {state.face:,.2f} {state.currency} to the receivable "
        "holding it and debits the income it was billed to), the same invoice "
        f'again as a new one (invoice: "{number}-R"), and link this entry to ^{number}-R'
    )


def paid_in_part(settler: Settler, event: Event, state: InvoiceState, what: str) -> bool:
    """True (after an FCT131 error) if the customer paid you part of the invoice before
    the factor bought it. Bought at its face, the invoice would take its receivable below
    zero, and the factor's collection of the rest would read as a short pay of what you
    were paid: a loss booked in silence where there is none."""
    paid = state.direct_paid
    if paid <= settler.tolerance:
        return False
    left = state.face - paid
    settler.error(
        "FCT131",
        f"Invoice {state.invoice.number} cannot be {what} at its face "
        f"{state.face:,.2f} {state.currency}: its receivable was credited {paid:,.2f} "
        f"before, {left:,.2f} is left. A factor buys what is unpaid. If it was paid: make "
        f"this invoice's amount the {paid:,.2f} paid and bill the {left:,.2f} left as an "
        "invoice of its own that you sell (or, if the payment came after the sale, date "
        'it so and mark it factoring: "misdirected-payment"). If it was a credit note: '
        f"correct the invoice to the {left:,.2f} you sell, and drop the credit note",
        event,
    )
    return True
