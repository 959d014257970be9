"""Bank lines of customers that pay you for an invoice the factor holds.

Customers often ignore the notice of assignment and pay the carrier. A bank line that
books the payment on the invoice's receivable is an `FCT136` error: the cash is owed
to the factor (docs/ledger.md, 6.14). When the ledger shows that a factor holds the
invoice (a schedule sold it, or a funding advanced on it, and the factor has not
reported it collected or charged it back) and the line's text names it, the bank
importers write the line as the plugin books it, with its bank posting only:

    2025-04-10 * "TQL" "ACH CREDIT TQL PAYMENT INV-1001" ^INV-1001
      import-id: "bank-0c1f2e3d4a5b"
      factoring: "misdirected-payment"
      Assets:Bank:Checking    2000.00 USD

It is flagged `!` unless it pays the invoice's face: a part, or a number read in the
text by chance, is for you to look at. A debit to the factor (its `payee` pattern)
that names an invoice paid to you this way forwards the payment: it is written to the
agreement's `due-to-factor` account and links the invoice:

    2025-04-11 * "SUMMIT FUNDING" "WIRE OUT INV-1001" ^INV-1001
      import-id: "bank-7a8b9c0d1e2f"
      Assets:Bank:Checking                       -2000.00 USD
      Liabilities:Factoring:Summit:DueToFactor

A line that names no held invoice, or several, stays as it was (the fallback account,
or the factor's clearing account).

The index is built in one pass over the ledger per extract; each line is split into
words once and each word looked up, so the cost is linear in the ledger and the file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from beancount.core import data

MISDIRECTED = "misdirected-payment"
# The posting parts of a funding: the factor advanced on the invoice.
_FUNDED = frozenset(("face", "advance", "reserve", "discount-fee"))
# Events after which the factor no longer holds the invoice: it was paid, or handed back.
_ENDED = frozenset(("chargeback", "credit-loss"))
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.]*")


def _funded(entry: data.Transaction) -> list[str]:
    """The invoices a deposit funds, by the ``invoice:`` of its funding postings.

    A face posting that names no invoice sums the faces of several (the plugin's
    ``detail: "item"``): those are among the invoices the deposit links. (Any
    other invoice it links, whose reserve it releases or whose chargeback it nets,
    was funded before, so is held from that day on already.)
    """
    numbers = []
    summed = False
    for posting in entry.postings:
        meta = posting.meta
        if not meta or meta.get("factoring-part") not in _FUNDED:
            continue
        if "invoice" in meta:
            numbers.append(str(meta["invoice"]))
        elif meta.get("factoring-part") == "face":
            summed = True
    if summed:
        numbers.extend(entry.links)
    return numbers


class HeldInvoices:
    """The invoices a factor holds, the invoices paid to us for it, and their faces."""

    def __init__(self, entries: Iterable[Any], loan_factors: frozenset[str] = frozenset()):
        self.faces: dict[str, Decimal] = {}
        self.held: dict[str, str] = {}  # casefolded number -> number
        # From when, and until when, the factor held each invoice (casefolded number).
        self.since: dict[str, datetime.date] = {}
        self.until: dict[str, datetime.date] = {}
        self.paid_to_us: dict[str, str] = {}  # casefolded number -> number
        # The day the factor reported each invoice paid (closed by a collection).
        self.collected: dict[str, datetime.date] = {}
        for entry in entries:
            if isinstance(entry, data.Transaction):
                self._read(entry, loan_factors)

    def _read(self, entry: data.Transaction, loan_factors: frozenset[str]) -> None:
        meta = entry.meta
        kind = meta.get("factoring")
        if kind is None and "invoice" in meta:
            for posting in entry.postings:
                number = getattr(posting.units, "number", None)
                if isinstance(number, Decimal) and number > 0:
                    self.faces.setdefault(str(meta["invoice"]), number)
                    break
            return
        if kind == "schedule":
            # A loan-model schedule pledges, it does not sell: the invoice is still ours
            # ("" stands for a schedule that names no factor when every factor lends).
            if str(meta.get("factor", "")).strip().lower() not in loan_factors:
                self._hold(entry.links, entry.date)
        elif kind == MISDIRECTED:
            for link in entry.links:
                self.paid_to_us[link.casefold()] = link
        elif kind in _ENDED or (kind == "collected" and meta.get("partial") is not True):
            for link in entry.links:
                self.until.setdefault(link.casefold(), entry.date)
                if kind == "collected":
                    self.collected.setdefault(link.casefold(), entry.date)
        elif kind is None:
            self._hold(_funded(entry), entry.date)

    def _hold(self, numbers: Iterable[str], day: datetime.date) -> None:
        for number in numbers:
            if not number.startswith("sched-"):
                key = number.casefold()
                self.held[key] = number
                self.since.setdefault(key, day)

    def holds(self, number: str, day: datetime.date) -> bool:
        """True if a factor held the invoice on that day (bought or funded, not yet
        reported collected, charged back or lost)."""
        key = number.casefold()
        since, until = self.since.get(key), self.until.get(key)
        return since is not None and since <= day and (until is None or day < until)

    def paid_to_factor(self, number: str, day: datetime.date) -> bool:
        """True if, by that day, the factor had reported the invoice paid (collected),
        not charged back or lost: a payment to us then pays it again, or what a short pay
        left (docs/ledger.md 6.14)."""
        key = number.casefold()
        collected = self.collected.get(key)
        return collected is not None and collected <= day and self.until.get(key) == collected

    def named(self, text: str, among: Mapping[str, str]) -> list[str]:
        """The invoices of `among` that the text names, each once, in order."""
        found: list[str] = []
        for word in _WORD.findall(text):
            number = among.get(word.rstrip("-_/.").casefold())
            if number is not None and number not in found:
                found.append(number)
        return found


def mark_misdirected(
    entries: list[Any],
    held: HeldInvoices,
    fallback: str,
    due_to_factor: Mapping[str, str],
) -> None:
    """Rewrite, in place, the lines that pay us for a held invoice or forward such a payment.

    `due_to_factor` maps a factor's clearing account to its due-to-factor account.
    """
    paid_to_us = dict(held.paid_to_us)
    known = {number.casefold(): number for number in held.faces}
    every = {**held.held, **known}
    forwards: list[int] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, data.Transaction) or len(entry.postings) != 2:
            continue
        cash, other = entry.postings
        number = getattr(cash.units, "number", None)
        if not isinstance(number, Decimal):
            continue
        text = f"{entry.payee or ''} {entry.narration}"
        if other.account == fallback and number > 0:
            named = [n for n in held.named(text, held.held) if held.holds(n, entry.date)]
            others = [n for n in held.named(text, known) if n not in named]
            if len(named) == 1 and others:
                # It pays an invoice of ours too: what is whose is the bookkeeper's to say
                # (all of it for the factor's, the rest owed back to the customer, would
                # be booked without a word).
                entries[index] = _to_split(entry, named[0], others)
            elif len(named) == 1:
                entries[index] = _misdirected(entry, named[0], held.faces.get(named[0]))
                paid_to_us[named[0].casefold()] = named[0]
            elif not named and len(paid := _paid_again(held, text, entry.date, every)) == 1:
                # The factor reported it paid: the customer paid twice (owed back to it),
                # or paid what a short pay left (a recovery): the plugin says which. Left
                # on the fallback account, its money could be booked as revenue. (Flagged:
                # its face is no test of it; nothing of it is owed to the factor.)
                entries[index] = _misdirected(entry, paid[0], None)
        elif other.account in due_to_factor and number < 0:
            forwards.append(index)
    # A forward may come before the payment in a file that lists the newest line first.
    for index in forwards:
        entry = entries[index]
        named = held.named(f"{entry.payee or ''} {entry.narration}", paid_to_us)
        if named:
            account = due_to_factor[entry.postings[1].account]
            postings = [entry.postings[0], entry.postings[1]._replace(account=account)]
            entries[index] = entry._replace(
                links=frozenset(named) | entry.links, postings=postings
            )


def _paid_again(
    held: HeldInvoices, text: str, day: datetime.date, invoices: Mapping[str, str]
) -> list[str]:
    """The invoice a line names that the factor reported paid by that day, if it names
    no other of the ledger's `invoices` (casefolded number -> number)."""
    named = held.named(text, invoices)
    if len(named) != 1 or not held.paid_to_factor(named[0], day):
        return []
    return named


SPLIT_KEY = "split-by-hand"


def _to_split(entry: data.Transaction, held: str, ours: list[str]) -> data.Transaction:
    """A line that pays an invoice a factor holds and one of ours: flagged, with a note of
    how to split it, left on the fallback account."""
    meta = {
        **entry.meta,
        SPLIT_KEY: (
            f"pays {held}, which a factor holds, and {', '.join(ours)}: book the part for "
            f'{held} as a factoring: "misdirected-payment" event linking it, and the rest on '
            "the receivable of the invoices it pays, linking them"
        ),
    }
    return entry._replace(meta=meta, flag="!")


def _misdirected(entry: data.Transaction, number: str, face: Decimal | None) -> data.Transaction:
    meta = {**entry.meta, "factoring": MISDIRECTED}
    cash = entry.postings[0]
    flag = "*" if face is not None and getattr(cash.units, "number", None) == face else "!"
    return entry._replace(meta=meta, flag=flag, links=entry.links | {number}, postings=[cash])
