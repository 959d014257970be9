"""Payments that reach us for invoices the factor bought or holds as security.

Customers often ignore the notice of assignment and pay the carrier. The cash is
not ours: under the sale model the factor owns the invoice, under the loan model
it is pledged and the payment must repay the factor's advance. Crediting the
invoice's receivable would take it below zero (sale model) or leave the advance
standing against a receivable already cleared (loan model), while the factor
still shows the invoice open: that bank line is an ``FCT136`` error.

The customer's payment is marked instead, and the cash is owed to the factor::

    2025-04-10 * "TQL" "Paid us for INV-1001" ^INV-1001
      factoring: "misdirected-payment"
      Assets:Bank:Checking                        2000.00 USD

becomes, in both models (the receivable does not move)::

      Assets:Bank:Checking                        2000.00 USD
      Liabilities:Factoring:Summit:DueToFactor   -2000.00 USD
        factoring-part: "misdirected-payment"

The liability goes when we forward the cash (a bank debit that posts to the
due-to-factor account and links the invoice: a *remittance*, in the currency the
payment is owed in, ``1000.00 CAD @ 0.72 USD`` if the bank converted it: a
forward of 720.00 USD is no part of 1,000.00 CAD owed, ``FCT136``), or when the
factor nets it from a later deposit (a netting item, as a chargeback is). The
factor's own ``collected`` report of the invoice then closes it as any
collection does; it books no cash, so nothing is counted twice.

The payment is one of the invoice's payments, like a ``collected`` one: the
invoice is paid in full when its payments to the factor and to us add up to
the face, and its time-based fee runs to that day (``paid_in_full_on``), so a
customer that pays us the last of it on February 15 stops the fee there even
if the factor reports it on March 3. Paid 400.00 of 1,000.00, the invoice
stays open: the factor's later ``collected`` with ``paid: 600.00 USD`` (or
without ``paid:``: the rest) closes it in full, or the factor charges back
the 600.00 unpaid (or, without recourse, writes it off: ``losses.py``). What a
payment brings beyond what is unpaid pays first a debit memo billed on the
invoice (ours: it credits the receivable, part ``overpay``), and beyond that is
the customer's (``customer-credits``, part ``overpay``): forwarding it to the
factor would be too much. The event says so (``reason: "overpay"``): without it,
more than the tolerance beyond what is unpaid (and not exactly the memo
left) is ``FCT133``, as the same bank line booked twice reads so too. After
the factor closed the invoice short, a payment of the deduction to us recovers
the short pay: the factor had it from the reserve (or nets it), so the cash is
ours and the adjustment is undone::

      Assets:Bank:Checking                       150.00 USD
      Income:Factoring:Harbor:Adjustments       -150.00 USD
        factoring-part: "recovery"
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.handlers.cents import cash_fraction, fraction_of_cent
from beancount_factoring.settlement.handlers.collect import memo_open
from beancount_factoring.settlement.handlers.hand_collection import collection_hint
from beancount_factoring.settlement.handlers.rates import rounded_rate
from beancount_factoring.settlement.shares import share_credit, share_debit
from beancount_factoring.settlement.state import InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement, Roots
from beancount_factoring.terms.fees import HALF_CENT, round_money

# The event, the posting part and the key of what the invoice owes the factor.
MISDIRECTED = "misdirected-payment"
ZERO = Decimal(0)


def factor_holds(state: InvoiceState) -> bool:
    """True when a payment crediting the invoice's receivable would be wrong.

    The factor funded the invoice (either model), or bought it on a schedule
    (sale model: the face is on the clearing account), and has not charged it
    back. A loan-model invoice only scheduled is still ours to collect: a
    payment then makes its funding an ``FCT131`` error.
    """
    if state.factor is None or state.charged_back_on is not None:
        return False
    return state.funded_on is not None or state.in_clearing


def report_payment(
    settler: Settler, event: Event, state: InvoiceState, ours: Decimal, theirs: Decimal
) -> None:
    """The ``FCT136`` error of a plain bank line that credits a factored invoice (of which
    ``ours`` paid a debit memo billed on it, and ``theirs`` is the factor's)."""
    number = state.invoice.number
    terms = state.agreement
    factor = settler.book.agreements.display(state.factor)
    due = terms.due_to_factor if terms is not None else "the factor's DueToFactor account"
    if state.lost_on:
        message = (
            f"Invoice {number} was written off by factor '{factor}' as a credit loss on "
            f"{state.lost_on}: this payment credits its receivable a second time. The "
            "factor bore the loss and owns the claim, so what the customer (or its estate: "
            "a bankruptcy dividend) pays you for it now is owed to the factor. Mark this "
            f'transaction factoring: "{MISDIRECTED}" (the cash goes to {due}), then '
            "forward it to the factor (a bank debit to that account linking the invoice) "
            "or let the factor net it from a deposit"
        )
    elif state.collected_on and state.unpaid > 0:
        message = (
            f"Invoice {number} was closed by factor '{factor}' on {state.collected_on}, "
            f"paid short by {state.unpaid:,.2f} {state.currency}: a payment of that "
            "deduction is a recovery of the short pay, not a credit to the receivable "
            "(cleared when the factor closed it). Mark this transaction factoring: "
            f'"{MISDIRECTED}": '
            "the short pay's adjustment is undone and the cash is yours (the factor took the "
            "short pay from the reserve or nets it); what is beyond it is owed to the customer"
        )
    elif state.collected_on:
        credits = (
            terms.customer_credit_account(state.invoice.account)
            if terms is not None
            else "the customer-credits account"
        )
        message = (
            f"Invoice {number} was paid in full and closed by factor '{factor}' on "
            f"{state.collected_on}: the customer paid twice, and this payment is owed back to "
            f"the customer, not a credit to the receivable. Mark this transaction factoring: "
            f'"{MISDIRECTED}" (the cash goes to {credits}), or book it to a liability'
        )
    elif hand := collection_hint(event.entry, state):
        message = f"Invoice {number} is held by factor '{factor}' ({state.describe()}). {hand}"
    elif _credit_note(event.entry, state.invoice.account, settler.book.roots):
        message = (
            f"Invoice {number} is held by factor '{factor}' ({state.describe()}), and this "
            "transaction credits its receivable with no cash, against income or expenses: a "
            "credit note. The factor owns the invoice and collects what the customer pays: "
            "leave the receivable alone, and write what the customer paid on the factor's "
            'collection (factoring: "collected" with paid: and reason: "client-credit"), '
            "the credit then a deduction the factor takes"
        )
    else:
        owner = "pledged to" if terms is not None and terms.loan else "sold to"
        wrong = (
            "leaves the factor's advance unpaid against a receivable already cleared"
            if terms is not None and terms.loan
            else f"takes {state.invoice.account} below zero"
        )
        # A check of several invoices is split, not marked whole: the note says how.
        whole = (
            "Mark this transaction"
            if not _other_invoices(settler, event, number)
            else ("Split the check as said below, and mark the factor's part")
        )
        message = (
            f"Invoice {number} is {owner} factor '{factor}' ({state.describe()}): a payment "
            f"that reaches you for it is owed to the factor, and crediting the receivable "
            f"{wrong} while the factor still shows the invoice open. {whole} "
            f'factoring: "{MISDIRECTED}" (the cash goes to {due}), then forward it to the '
            "factor (a bank debit to that account linking the invoice) or let the factor "
            "net it from a later deposit"
        )
    notes = _payment_notes(settler, event, state, ours, theirs)
    settler.error("FCT136", message + notes, event)


def _other_invoices(settler: Settler, event: Event, number: str) -> list[str]:
    """The other invoices a payment links beside ``number``, in order."""
    others = sorted(link for link in event.entry.links if link != number)
    return [link for link in others if link in settler.book.invoices]


def _payment_notes(
    settler: Settler, event: Event, state: InvoiceState, ours: Decimal, theirs: Decimal
) -> str:
    """What the FCT136 of a payment adds: the part of it that paid a debit memo billed on
    the invoice (``ours``), and the other invoices it links, which it paid first what
    they owe you (``shares.py``): the rest is beyond all that."""
    notes = ""
    number = state.invoice.number
    others = _other_invoices(settler, event, number)
    if ours and not others and abs(theirs - max(state.unpaid, ZERO)) <= settler.tolerance:
        # The face left and the memo, exactly: marked misdirected, it is booked so.
        notes += (
            f". Of this payment, {ours:,.2f} {state.currency} pays what was billed on the "
            "invoice beyond its face (a debit memo), which is yours: marked so, the payment "
            f"credits that to the receivable and owes the {theirs:,.2f} to the factor"
        )
    elif ours:
        notes += (
            f". Of this payment, {ours:,.2f} {state.currency} pays what was billed on the "
            "invoice beyond its face (a debit memo), which is yours: credit that to the "
            "receivable in a payment of its own"
        )
    if others:
        notes += (
            f". It links {', '.join(others)} too: a payment of several invoices pays first "
            f"what each owes you (of {number}, only what was billed on it beyond its face), "
            f"and {theirs:,.2f} {state.currency} of it is beyond that: write what pays them "
            "as a payment of its own too, and mark the rest misdirected"
        )
    return notes


def settle_misdirected(settler: Settler, event: Event) -> None:
    """Book a customer's payment for a factored invoice as owed to the factor."""
    states = settler.named_states(event)
    if states is None or not settler.check_factor(event, states):
        return
    for state in states:
        if not _still_the_factors(settler, event, state):
            return
    first = states[0]
    terms = first.agreement
    assert terms is not None
    if any(s.factor != first.factor or s.currency != first.currency for s in states):
        settler.error(
            "FCT134",
            "A misdirected payment links invoices of one factor in one currency; "
            "write one event per factor",
            event,
        )
        return
    entry = settler.result.replaced.get(event.index, event.entry)
    watched = set(terms.own_accounts()) | {s.invoice.account for s in states}
    watched |= {terms.customer_credit_account(s.invoice.account) for s in states}
    roots = settler.book.roots
    received = _received(entry, watched, first.currency, first.invoice.account, roots)
    if received <= 0:
        problem = (
            "A misdirected payment needs the posting of the cash received, like "
            f"{terms.bank} {first.face:,.2f} {first.currency}"
        )
        receivables = {s.invoice.account for s in states}
        priced = _priced_on_receivable(entry, receivables, first.currency, terms.bank)
        unconverted = _unconverted(entry, watched, first.currency)
        if priced is not None:
            problem = priced
        elif unconverted is not None:
            account, units = unconverted
            problem = (
                f"This payment brings {units} and nothing in {first.currency}, the currency "
                f"of {first.invoice.number}: write the cash at what the bank converted it to, "
                f"like {account} {units} @@ {first.face:.2f} {first.currency}"
            )
        elif _credit_note(entry, first.invoice.account, roots):
            problem = (
                "This transaction takes revenue back and brings no money: a credit note, "
                f'not a payment. Remove factoring: "{MISDIRECTED}", leave the receivable '
                "alone, and write the credit on the factor's collection (factoring: "
                '"collected" with paid: and reason: "client-credit")'
            )
        settler.error("FCT134", problem, event)
        return
    received = _in_cents(settler, event, entry, watched, (received, first.currency))
    shares = _shares(settler, event, states, received, _written_shares(entry, terms))
    if shares is None or not all(_overpay_said(settler, event, s, amount) for s, amount in shares):
        return
    booked = [(state, _split(state, amount)) for state, amount in shares]
    expected = [item for state, (_, _, legs) in booked for item in legs]
    if any(p.account in watched for p in entry.postings):
        settler.compare(
            event,
            expected,
            entry.postings,
            "FCT121",
            accounts=watched,
            hint="a payment for an invoice the factor holds is owed to the factor: the cash "
            f"goes to {terms.due_to_factor}, the receivable does not move; after a short "
            f"pay it recovers it on {terms.adjustments}; beyond what is unpaid it is owed "
            "to the customer",
        )
        postings = list(entry.postings)
    else:
        own = terms.owned_set
        postings = list(entry.postings) + P.materialize(expected, settler.config.detail, own)
    settler.result.replaced[event.index] = entry._replace(postings=postings)
    settler.note_accounts(expected, event.date, terms)
    for state, (applied, memo, _) in booked:
        state.direct_paid += memo
        _apply(settler, event, state, applied)


def _in_cents(
    settler: Settler, event: Event, entry: Any, watched: set[str], cash: tuple[Decimal, str]
) -> Decimal:
    """The cash received, to the cent, after an FCT134 if a bank posting of it (or, one
    Beancount worked out, the cash itself) is in fractions of a cent: ``1440.004 USD @@
    2000.00 CAD`` would leave the bank holding the fraction in silence, and ``2000.004
    CAD`` read as 0.004 beyond the face, an overpay of "0.00". Booked as for whole cents,
    the fraction balances within Beancount's tolerance; it is said once, as at a deposit."""
    received, currency = cash
    if cash_fraction(settler, event, entry, watched, "payment") or fraction_of_cent(
        settler, event, received, currency, "payment"
    ):
        return round_money(received)
    return received


def _overpay_said(settler: Settler, event: Event, state: InvoiceState, amount: Decimal) -> bool:
    """A payment beyond what is left unpaid of the face and of a debit memo billed on
    the invoice says it is an overpay (``reason: "overpay"``); False after an FCT133
    error. The same bank line booked twice (typed by hand and imported) reads so too,
    and would owe its whole amount to the customer in silence. A payment of exactly the
    face and the memo left unpaid needs no reason: the memo is ours (``_split``)."""
    unpaid = max(state.unpaid, ZERO)
    memo = memo_open(state)
    beyond = amount - unpaid
    if beyond <= settler.tolerance or event.entry.meta.get("reason") == "overpay":
        return True
    if abs(beyond - memo) <= settler.tolerance:
        return True
    terms = state.agreement
    assert terms is not None
    credits = terms.customer_credit_account(state.invoice.account)
    # Beyond the face and the memo both, or between the two: (more, less) than them.
    more = beyond - memo if beyond > memo else beyond
    paid = (
        f"Invoice {state.invoice.number}: this payment of {amount:,.2f} {state.currency} is "
        f"{more:,.2f} more than is left unpaid ({unpaid:,.2f} of the face "
        f"{state.face:,.2f})"
    )
    twice = "; if the payment is booked twice (typed by hand and imported), delete one"
    rate = rounded_rate(event.entry, state.currency, unpaid + memo)
    if rate:
        paid += "." + rate + ". Else"
    if memo <= settler.tolerance:
        message = (
            f"{paid}: if the customer really paid more (the excess is owed back to it on "
            f'{credits}), say reason: "overpay"{twice}'
        )
    elif beyond > memo:
        message = (
            f"{paid} and the {memo:,.2f} billed on it beyond its face (a debit memo, which "
            "it pays, to the receivable): if the customer really paid more (the "
            f'{more:,.2f} is owed back to it on {credits}), say reason: "overpay"{twice}'
        )
    else:
        message = (
            f"{paid}, and {memo - beyond:,.2f} less than that and the {memo:,.2f} billed on "
            "it beyond its face (a debit memo), which is yours: which part pays the memo "
            f"cannot be told; if it pays the face in full and {beyond:,.2f} of the memo, "
            'say reason: "overpay" (what is beyond the face credits the receivable); '
            "else write what pays the memo as a payment of its own that credits the "
            f"receivable, and the rest as this misdirected payment{twice}"
        )
    settler.error("FCT133", message, event)
    return False


def _split(state: InvoiceState, amount: Decimal) -> tuple[Decimal, Decimal, list[P.Leg]]:
    """What of a payment to us applies to the invoice's face, what pays a debit memo
    billed on it, and its legs.

    Up to what is left unpaid of the face it applies: while the invoice is open it is
    owed to the factor; once the factor closed it short, it recovers the short pay (the
    factor took that from the reserve or nets it: the cash is ours, and the adjustment
    is undone). Beyond that it pays what was billed on the invoice beyond its face (a
    debit memo, ours even when the factor holds the face: it credits the receivable,
    part ``overpay``, as at a factor's collection of both), and beyond that too the
    customer paid too much: owed back to it on ``customer-credits``, as an overpay.
    """
    terms = state.agreement
    assert terms is not None
    number, currency = state.invoice.number, state.currency
    applied = min(amount, max(state.unpaid, ZERO))
    memo = min(amount - applied, memo_open(state))
    legs = []
    if applied and state.collected_on:
        legs.append(P.leg(terms.adjustments, -applied, currency, "recovery", number))
    elif applied:
        legs.append(P.leg(terms.due_to_factor, -applied, currency, MISDIRECTED, number))
    if memo:
        legs.append(P.leg(state.invoice.account, -memo, currency, "overpay", number))
    if amount > applied + memo:
        credit = terms.customer_credit_account(state.invoice.account)
        legs.append(P.leg(credit, applied + memo - amount, currency, "overpay", number))
    return applied, memo, legs


def _apply(settler: Settler, event: Event, state: InvoiceState, applied: Decimal) -> None:
    """Note what the payment did to the invoice: owed to the factor, or a recovery."""
    if not applied:
        return
    state.received += applied
    state.received_on = state.received_on or event.date
    if state.collected_on:
        settler.deduct(event, state, "short pay", state.short_reason or "shortpay", -applied)
        return
    state.set_owed(MISDIRECTED, state.owed.get(MISDIRECTED, ZERO) + applied)
    settler.open_owed.setdefault(state.factor or "", {})[state.invoice.number] = None
    # (After a credit loss the fee stopped the day of the write-off, and stays stopped.)
    if state.unpaid <= settler.tolerance and state.paid_in_full_on is None and not state.lost_on:
        # Paid in full, this payment the last: the time-based fee stops today.
        state.paid_in_full_on = event.date


def _still_the_factors(settler: Settler, event: Event, state: InvoiceState) -> bool:
    """The invoice is the factor's: open, closed by its collection, or written off (the
    factor bore the loss and owns the claim: what the customer, or its estate, pays us
    later is the factor's, as while it was open)."""
    number = state.invoice.number
    if factor_holds(state):
        return True
    if not state.funded_on and settler.waits_for_sale(state, event):
        return False  # (Its schedule or deposit was refused: that error speaks for this.)
    hint = "the payment is yours: book it as a payment that credits its receivable"
    if state.factor is not None and not state.funded_on:
        hint = (
            "under the loan model it stays yours until the factor funds it: book the "
            "payment as a payment that credits its receivable, and take the invoice "
            "off the schedule"
        )
    settler.error(
        "FCT133",
        f"Invoice {number} cannot have a misdirected payment: it is {state.describe()}; {hint}",
        event,
    )
    return False


def _unconverted(entry: Any, watched: set[str], currency: str) -> tuple[str, str] | None:
    """The first posting of cash received in another currency than ``currency`` with no
    price (700.00 USD for a CAD invoice): (account, amount), or None."""
    for posting in entry.postings:
        units = units_of(posting)
        if posting.account in watched or units is None or posting.price is not None:
            continue
        if units[1] != currency and units[0] > 0:
            return posting.account, f"{units[0]} {units[1]}"
    return None


def _priced_on_receivable(
    entry: Any, receivables: set[str], currency: str, bank: str
) -> str | None:
    """What to write when the cash was written on the receivable at a price, the way a
    customer's payment of a CAD invoice in US dollars is (``-2000.00 CAD @ 0.72 USD``
    beside 1,440.00 USD on the bank): the receivable does not move on a misdirected
    payment, so the price goes on the cash (``1440.00 USD @@ 2000.00 CAD``). None if no
    receivable posting of the invoice's currency carries a price in another."""
    for posting in entry.postings:
        units, price = units_of(posting), posting.price
        if (
            posting.account not in receivables
            or units is None
            or units[1] != currency
            or price is None
            or price.currency == currency
            or not isinstance(price.number, Decimal)
        ):
            continue
        cash = round_money(-units[0] * price.number)
        # The cash's own account where it is written, else the agreement's bank.
        cash_account = next(
            (
                p.account
                for p in entry.postings
                if p.account not in receivables and p.units and p.units.currency == price.currency
            ),
            bank,
        )
        return (
            f"This payment credits {posting.account} {units[0]:,.2f} {units[1]} at a price "
            f"in {price.currency}, but a payment for an invoice the factor holds does not "
            "move the receivable: it is owed to the factor. Write the price on the cash "
            f"and drop the receivable posting: {cash_account}  {cash} {price.currency} @@ "
            f"{-units[0]} {units[1]}"
        )
    return None


def _credit_note(entry: Any, receivable: str, roots: Roots) -> bool:
    """True if the transaction takes revenue back and brings no money: no debit to an
    asset account other than the receivable, and its debits to income or expenses (the
    revenue taken back, a write-off) weigh more than its other debits (the VAT of a
    credit note). A payment swept into a credit line, less a fee or a discount, has its
    cash there: the larger debit."""
    taken_back = other = ZERO
    for posting in entry.postings:
        units = units_of(posting)
        if units is None or units[0] <= 0 or posting.account == receivable:
            continue
        # (The ledger's own root names: ``Ertrag:Fracht`` is revenue where the
        # income root is renamed, and read as cash it was owed to the factor.)
        root = posting.account.partition(":")[0]
        if root == roots.assets:
            return False
        if root in (roots.income, roots.expenses):
            taken_back += units[0]
        else:
            other += units[0]
    return taken_back > other


def _received(
    entry: Any, watched: set[str], currency: str, receivable: str, roots: Roots
) -> Decimal:
    """The cash the payment brought in the invoice's currency: its postings in it, and
    those converted from it at a price (``616.00 USD @@ 880.00 CAD``: 880.00, the
    price's arithmetic rounded to the cent); a bank's fee beside the cash is part of it
    (``Expenses:Bank:WireFees 15.00`` beside 1,985.00 on the bank: 2,000.00). A credit
    note marked as a payment (``_credit_note``) brings nothing."""
    if _credit_note(entry, receivable, roots):
        return ZERO
    received = ZERO
    for posting in entry.postings:
        units = units_of(posting) if posting.account not in watched else None
        if units is None:
            continue
        if units[1] == currency:
            received += units[0]
        elif posting.price is not None and posting.price.currency == currency:
            number = posting.price.number
            if isinstance(number, Decimal):
                received += round_money(units[0] * number)
    return received


def _written_shares(entry: Any, terms: Agreement) -> dict[str, Decimal]:
    """What the postings written by hand credit the due-to-factor account per invoice
    (their ``invoice:``): the shares the user gives a payment of several invoices."""
    shares: dict[str, Decimal] = {}
    for posting in entry.postings:
        invoice = (posting.meta or {}).get("invoice")
        units = units_of(posting)
        if (
            posting.account == terms.due_to_factor
            and isinstance(invoice, (str, Decimal))
            and units
        ):
            # (Unquoted, a number: read as the invoice booked under it, after FCT134.)
            number = str(invoice)
            shares[number] = shares.get(number, ZERO) - units[0]
    return shares


def _shares(
    settler: Settler,
    event: Event,
    states: list[InvoiceState],
    received: Decimal,
    written: dict[str, Decimal],
) -> list[tuple[InvoiceState, Decimal]] | None:
    """What each invoice received: all of it for one invoice; for several, what the
    postings written by hand give each (if they give each and add up to the cash), else
    each its face."""
    if len(states) == 1:
        return [(states[0], received)]
    if all(s.invoice.number in written for s in states) and sum(written.values()) == received:
        return [(s, written[s.invoice.number]) for s in states]
    faces = sum((s.face for s in states), ZERO)
    if faces != received:
        # (Not within the tolerance: a share of each face would leave the difference
        # unbooked, the transaction unbalanced.)
        settler.error(
            "FCT134",
            f"This misdirected payment of {received:,.2f} {states[0].currency} links invoices "
            f"whose faces add up to {faces:,.2f}; write one event per invoice, each with "
            "the cash it brought",
            event,
        )
        return None
    return [(s, s.face) for s in states]


def settle_remittance(settler: Settler, event: Event) -> None:
    """Take the cash forwarded to the factor off what its invoices owe it."""
    amount = event.amount or ZERO
    names = settler.book.agreements
    if amount <= 0:
        settler.error(
            "FCT136",
            f"This transaction credits {-amount:,.2f} to a factor's due-to-factor account "
            "outside a misdirected-payment event; mark the bank line of the customer's "
            f'payment factoring: "{MISDIRECTED}" and link the invoice',
            event,
        )
        return
    if event.unknown or not event.invoices:
        what = f"links {', '.join(event.unknown)}, no invoice" if event.unknown else "links"
        settler.error(
            "FCT136",
            f"This transaction forwards {amount:,.2f} to "
            f"'{names.display(event.factor)}' from its due-to-factor account but {what} "
            "nothing; link the invoice whose payment it forwards (^INV-1001)",
            event,
        )
        return
    if _other_currency(settler, event, amount):
        return
    # (Forwarded in fractions of a cent, the due-to-factor account would keep the fraction.)
    cash_fraction(settler, event, event.entry, set(), "forward")
    left = amount
    for number in event.invoices:
        state = settler.states[number]
        owed = state.owed.get(MISDIRECTED, ZERO)
        if not owed or (event.factor is not None and state.factor != event.factor):
            continue
        if event.currency is not None and state.currency != event.currency:
            continue  # Another currency's forward (the same transaction's, perhaps).
        take = min(owed, left)
        left -= take
        # To the cent, whatever the tolerance: what a forward leaves is still on the
        # due-to-factor account (the user's transaction posts only what it forwards),
        # so it stays owed for a deposit to net; dropped, it would stay there forever.
        # (Less than half a cent is a converted leg's arithmetic: 616.00 USD @@ 880.00
        # CAD fills the other leg in as 880.0000000000000000000000003.)
        if owed - take >= HALF_CENT:
            state.set_owed(MISDIRECTED, owed - take)
        else:
            state.drop_owed(MISDIRECTED)
    if left >= HALF_CENT:
        settler.error(
            "FCT136",
            f"This transaction forwards {amount:,.2f} to '{names.display(event.factor)}' "
            f"for {', '.join(event.invoices)}, {left:,.2f} more than the payments received "
            "for them and not yet forwarded or netted; correct the amount or link the "
            "invoice it is for",
            event,
        )


def _other_currency(settler: Settler, event: Event, amount: Decimal) -> bool:
    """True (after an FCT136 error) if the remittance forwards cash in one currency for
    invoices whose payments are owed only in others: 720.00 USD is no part of 1,000.00
    CAD owed, and taken as one it would leave 280.00 "to forward" that was forwarded."""
    currency = event.currency
    owing = []
    for number in event.invoices:
        state = settler.states[number]
        if state.owed.get(MISDIRECTED) and event.factor in (None, state.factor):
            if state.currency == currency:
                return False
            owing.append(state)
    if currency is None or not owing:
        return False
    first = owing[0]
    owed = first.owed[MISDIRECTED]
    due = first.agreement.due_to_factor if first.agreement is not None else "the account"
    settler.error(
        "FCT136",
        f"This transaction forwards {amount:,.2f} {currency} to "
        f"'{settler.book.agreements.display(event.factor)}' for {first.invoice.number}, "
        f"whose payment is owed in {first.currency} ({owed:,.2f} {first.currency}): forward "
        f"it in {first.currency}, at the rate of the conversion if the bank converted it "
        f"({due}  {owed} {first.currency} @ 0.72 {currency})",
        event,
    )
    return True


def settle_payment(settler: Settler, event: Event) -> None:
    """A payment to you of one invoice, or of several: shared first (``shares.py``)."""
    amount = event.amount or ZERO
    if len(event.invoices) == 1:
        _settle_share(settler, event, settler.states[event.invoices[0]], amount)
        return
    states = [settler.states[number] for number in event.invoices]
    key = (event.invoices, abs(amount))
    earlier = settler.shared_payments.get(key) if amount < 0 else None
    shares: list[tuple[InvoiceState, Decimal, Decimal | None]]
    if earlier:
        # A check returned unpaid gives back what the check paid of each invoice: of
        # one a factor holds, what was yours of it (the rest was FCT136, never counted).
        back = {number: (-share, -counted) for number, share, counted in earlier.pop()}
        shares = [(s, *back.get(s.invoice.number, (ZERO, ZERO))) for s in states]
    else:
        found = _shares_of(states, amount)
        shares = [(s, share, None) for s, share in zip(states, found, strict=True)]
        if amount > 0:
            _ask_about_held_unpaid(settler, event, shares, amount)
    first = states[0]
    where = (event.index, first.invoice.account, first.currency)
    record = settler.result.payment_shares.setdefault(where, [])
    record.extend((s.invoice.number, share) for s, share, _ in shares if share)
    applied = [
        (s.invoice.number, share, _settle_share(settler, event, s, share, counted))
        for s, share, counted in shares
        if share
    ]
    if amount > 0:
        settler.shared_payments.setdefault(key, []).append(applied)


def _ask_about_held_unpaid(
    settler: Settler,
    event: Event,
    shares: list[tuple[InvoiceState, Decimal, Decimal | None]],
    amount: Decimal,
) -> None:
    """``FCT136`` when a payment of several invoices links one a factor holds and pays it
    nothing (it owes you nothing, the others take the whole check): the remittance names
    it, so part of the check may be the factor's, owed to it with no word otherwise."""
    for state, share, _ in shares:
        if share or not factor_holds(state):
            continue
        number = state.invoice.number
        factor = settler.book.agreements.display(state.factor)
        others = ", ".join(s.invoice.number for s, paid, _ in shares if paid)
        message = (
            f"This payment links invoice {number}, which factor '{factor}' holds "
            f"({state.describe()}), but what the other invoices it links owe you takes the "
            f"whole of it ({others}), so none of its {amount:,.2f} {state.currency} is "
            f"booked to {number}. If part of it pays {number}, that part is owed to the "
            f"factor: write it as a bank line of its own marked factoring: "
            f'"{MISDIRECTED}" linking {number}, and the rest as this payment; if the '
            f"check does not pay {number}, drop the link ^{number}"
        )
        settler.error("FCT136", message, event)


def _shares_of(states: list[InvoiceState], amount: Decimal) -> list[Decimal]:
    """What a payment of several invoices (``states``, oldest first) pays each (below
    zero, takes back), by what each owes you and its factor now (``shares.py``)."""
    if amount < 0:
        found = dict(share_debit([(s.invoice.number, s.direct_paid) for s in states], amount))
    else:
        found = dict(share_credit([(s.invoice.number, *_owed(s)) for s in states], amount))
    return [found.get(s.invoice.number, ZERO) for s in states]


def _owed(state: InvoiceState) -> tuple[Decimal, Decimal]:
    """What an invoice owes you and what it owes its factor, to share a payment on: one
    the factor holds owes you what was billed on it beyond its face (a debit memo, not
    yet paid), the factor the rest of its face; one of yours its face less what was paid
    of it (more after a debit memo)."""
    if factor_holds(state):
        return max(-state.direct_paid, ZERO), max(state.unpaid, ZERO)
    return state.face - state.direct_paid, ZERO


def _settle_share(
    settler: Settler,
    event: Event,
    state: InvoiceState,
    amount: Decimal,
    counted: Decimal | None = None,
) -> Decimal:
    """What a payment to you pays (or, below zero, takes back of) one invoice, and what
    of it counts as paid to you (``direct_paid``). A check returned unpaid says what it
    takes back of that (``counted``): only what its check counted."""
    if counted is not None:
        state.direct_paid += counted
        return counted
    if amount < 0:
        # A payment taken back (a check returned unpaid): the invoice is open again.
        # Beyond what was paid, a debit bills the customer more than the face (a debit
        # memo: detention on the load), ours even on an invoice the factor holds, which
        # bought the face only: ``direct_paid`` then goes below zero
        # (``shares.share_debit`` gives a debit of several only what was paid of each,
        # and the rest to the oldest).
        state.direct_paid += amount
        return amount
    if factor_holds(state):
        # The factor's invoice: the cash is the factor's, not a payment to us (FCT136);
        # but what pays a debit memo billed on it is ours.
        ours = min(amount, max(-state.direct_paid, ZERO))
        state.direct_paid += ours
        if amount - ours > settler.tolerance:
            report_payment(settler, event, state, ours, amount - ours)
        return ours
    state.direct_paid += amount
    if state.charged_back_on is not None and state.agreement is not None:
        _paid_where_it_was(settler, event, state, state.agreement, state.charged_back_on)
    return amount


def _paid_where_it_was(
    settler: Settler,
    event: Event,
    state: InvoiceState,
    agreement: Agreement,
    charged_back_on: datetime.date,
) -> None:
    """FCT133 on a payment after the chargeback that credits the receivable the invoice
    left for the recourse receivables: the one would go below zero and the other keep
    the invoice for good, the two adding up right (and the aging showing it paid)."""
    terms = settler.book.agreements.charged_on(agreement, charged_back_on)
    moved = P.recourse_receivable(terms, state.invoice.account)
    if event.date < charged_back_on or moved == state.invoice.account:
        return
    if any(posting.account == moved for posting in event.entry.postings):
        return
    settler.error(
        "FCT133",
        f"Invoice {state.invoice.number} was charged back on {charged_back_on} to {moved} "
        f"(recourse-receivables of agreement '{terms.name}'): this payment credits "
        f"{state.invoice.account}, which no longer holds it; credit {moved} instead",
        event,
    )
