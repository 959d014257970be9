"""FCT134 on a metadata key that is a misspelling of one the plugin reads.

Beancount keeps any metadata key a transaction carries, and the plugin reads
only the keys it knows: a misspelt one is ignored, and the event is booked as
if it were not there. One letter can change what is booked::

    2025-03-20 * "Echo" "Echo paid Harbor a first part" ^INV-2001
      factoring: "collected"
      paid: 400.00 USD
      partail: TRUE

Without ``partial: TRUE`` the 400.00 is the last payment, and the invoice is
closed with a short pay of 600.00. So on the factoring events, the deposits
and the invoices, and on the postings of a schedule (the factor's own
figures), a key that the plugin does not read but that is a slip away from
one it does (a letter added, dropped, changed or two swapped: one slip in a key
of up to five letters, two in a longer one; ``_`` for ``-`` always) is an
error that names the key it resembles: ``partail``, ``costumer``,
``short_pay_from``, ``fees``. Keys that resemble none (``bol``, ``pickup``, your own
notes) are yours, and never reported.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal

from beancount.core import data

from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.ledger.book import (
    INVOICE_KEYS,
    SOURCE_KEYS,
    Book,
    Event,
    names_an_event,
)
from beancount_factoring.terms import spelling

# The keys the plugin reads on an event or a deposit, and on a posting (the factor's
# own figures, and the plugin's own parts); an invoice's are in ``ledger/book.py``.
EVENT_KEYS = frozenset(
    (
        "factoring",
        "factor",
        "from",
        "paid",
        "partial",
        "reason",
        "short-pay-from",
        "schedule",
        "load",
        "charge",
        "period",
        "amount",
        "account",
        "recourse-amount",
        "advance",
        "transfer",
        "invoice",
    )
)
POSTING_KEYS = frozenset(("invoice", "advance", "fee", "reserve", "schedule", "factoring-part"))
# The factor's own figures on a schedule's posting (ledger.md 7.1).
FIGURE_KEYS = ("advance", "fee", "reserve")
# The keys of other events that a chargeback or a credit loss does not read, each with
# the events that do: written on either, each was left out in silence (a factor's
# recourse figure on a credit loss, a deposit's transfer:), so they are said.
OTHER_EVENTS_KEYS = {
    "recourse-amount": "a chargeback (the factor's figure of what it costs you)",
    "short-pay-from": "a collected event (where a short pay is taken from)",
    "from": "a buyout (the factor that sold the invoice)",
    "transfer": "a deposit (how it was sent)",
    "schedule": "a schedule or a deposit",
    "load": "a fuel-advance event or an invoice",
    "advance": "a fuel-advance event, or a schedule's posting",
    "charge": "a fee event",
    "period": "a fee event",
    "account": 'a fee event of charge: "deduction" (where what the factor took goes)',
}
# The deposits' kinds as the books name them (a deposit of several invoices is a lump).
_DEPOSITS = {"lump": "deposit", "funding": "deposit"}
# The keys of that list each of these events reads itself.
READ_BY = {"chargeback": frozenset(("recourse-amount",)), "credit-loss": frozenset()}
# A buyout reads these alone: every other key of an event on it was left out in
# silence (a payoff written paid:, an invoice named by invoice: or schedule:).
# (An ``invoice:`` makes it an invoice, which has its own FCT134: not said twice.)
BUYOUT_KEYS = frozenset(("factoring", "factor", "from", "amount", "invoice"))
BUYOUT_QUIET = BUYOUT_KEYS | SOURCE_KEYS
# The events that read the keys of EVENT_KEYS that OTHER_EVENTS_KEYS does not list.
READERS = OTHER_EVENTS_KEYS | {
    "paid": "a collected event or a misdirected payment (what the customer paid)",
    "partial": "a collected event (a payment in part) or a release (part of the reserve)",
    "reason": "a chargeback, a collected event, a credit loss or a misdirected payment",
}
# An event's keys with those Beancount gives every entry: metadata whose keys are all
# among these has nothing to report (one subset test, where most events stop).
EVENT_QUIET = EVENT_KEYS | SOURCE_KEYS


def check_keys(book: Book) -> list[FactoringError]:
    """Report the keys of factoring entries that look like a known key misspelt."""
    errors: list[FactoringError] = []
    for event in book.events:
        if event.kind in ("payment", "remittance"):
            continue
        entry = event.entry
        if not entry.meta.keys() <= EVENT_QUIET:
            errors.extend(_check(entry.meta, EVENT_KEYS, entry, "event"))
        if event.kind in READ_BY:
            errors.extend(_of_other_events(entry, event.kind))
        elif event.kind == "buyout" and not entry.meta.keys() <= BUYOUT_QUIET:
            errors.extend(_not_on_a_buyout(entry))
        elif "account" in entry.meta and event.kind != "fee":
            # (Written on the deposit that nets a deduction, it was left out in silence.)
            errors.extend(_of_other_events(entry, event.kind, ("account",)))
        if event.kind == "schedule":
            for posting in entry.postings:
                errors.extend(_check(posting.meta or {}, POSTING_KEYS, entry, "posting"))
                errors.extend(_figures_of_another(posting.meta or {}, event))
    # (The invoices with no other key are left out as the book reads them.)
    for number in book.other_keys:
        invoice = book.invoices[number]
        entry = invoice.entry
        errors.extend(_check(entry.meta, INVOICE_KEYS, entry, "invoice"))
        # (Its receivable postings' keys are read too: ``costumer:`` there is as lost.)
        for posting in entry.postings:
            if posting.account == invoice.account and posting.meta:
                errors.extend(
                    _check(posting.meta, INVOICE_KEYS, entry, "posting", _line_of(posting.meta))
                )
    return errors


def _of_other_events(
    entry: data.Transaction, kind: str, keys: Collection[str] = OTHER_EVENTS_KEYS.keys()
) -> Iterable[FactoringError]:
    """FCT134: a key of other events (of ``keys``) on an event that reads it not: on a
    chargeback or a credit loss (a credit loss has no recourse figure: the factor bears
    the loss), or ``account:`` on any but a fee."""
    read = READ_BY.get(kind, frozenset())
    kind = _DEPOSITS.get(kind, kind)
    for key in entry.meta:
        if key in keys and key not in read:
            yield make_error(
                "FCT134",
                f"The key {key}: is not read on a {kind}, only on "
                f"{OTHER_EVENTS_KEYS[key]}; the plugin books the {kind} as if {key}: were "
                f"not there: remove it, or book the event it belongs to",
                entry.meta,
                entry,
            )


def _not_on_a_buyout(entry: data.Transaction) -> Iterable[FactoringError]:
    """FCT134: a key of other events on a buyout, which reads none of them."""
    for key in entry.meta:
        if key in EVENT_KEYS and key not in BUYOUT_KEYS:
            yield make_error(
                "FCT134",
                f"The key {key}: is not read on a buyout, only on {READERS[key]}; the "
                f"plugin books the buyout as if {key}: were not there: the payoff letter's "
                "figure is written amount:, the invoices a buyout takes are its links "
                "(^INV-1001); remove it, or book the event it belongs to",
                entry.meta,
                entry,
            )


def _figures_of_another(meta: dict[str, object], event: Event) -> Iterable[FactoringError]:
    """FCT134: the factor's figures on a schedule's posting whose ``invoice:`` is no
    invoice the schedule sells (``INV-1O02`` for ``INV-1002``): read for none, they
    were left out in silence, and only the deposit's difference showed."""
    number = meta.get("invoice")
    if number is None or isinstance(number, Decimal) or str(number) in event.invoices:
        # (Written without quotes, a number: its own FCT134 asks for the quotes.)
        return
    if not any(key in meta for key in FIGURE_KEYS):
        return
    sold = " ".join(f"^{invoice}" for invoice in event.invoices) or "none"
    yield make_error(
        "FCT134",
        f"The factor's figures on this schedule's posting name invoice: \"{number}\", which "
        f"the schedule does not sell (it links {sold}): correct the posting's invoice:, "
        "so that they are read for the invoice they are for (or link that invoice)",
        event.entry.meta,
        event.entry,
        _line_of(meta),
    )


def _line_of(meta: dict[str, object]) -> int | None:
    """The posting's own line (in a schedule of many postings, where to look)."""
    lineno = meta.get("lineno")
    return lineno if isinstance(lineno, int) else None


def _check(
    meta: dict[str, object],
    known: frozenset[str],
    entry: data.Transaction,
    where: str,
    line: int | None = None,
) -> Iterable[FactoringError]:
    for key in meta:
        if key in known or key in ("filename", "lineno") or key.startswith("__"):
            continue
        near = spelling.near(key, known)
        if near == "factoring" and not names_an_event(meta[key]):
            # (``factor-no: "H-20311"`` is the user's own reference: factoring: names an
            # event, and a key that does not is not it misspelt.)
            continue
        if near is not None:
            yield make_error(
                "FCT134",
                f"The key {key}: on this {where} is not one the plugin reads; did you mean "
                f"{near}:? The plugin books the {where} as if {key}: were not there",
                entry.meta,
                entry,
                line,
            )
