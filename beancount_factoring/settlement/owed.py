"""What stands between a business and its factor apart from the invoices' own state.

- a *deduction*: what a customer took off an invoice (a short pay), or what the
  business lost when the customer did not pay (a chargeback, a credit loss),
  with the factor's reason: the deductions report lists them by customer and
  reason;
- a *charge*: a fee the factor charges apart from any invoice (a monthly
  minimum, a buyout fee), owed through the clearing account until a deposit
  nets it;
- what a factor still owes of a schedule it funds by several wires (``handlers/wires.py``);
- a *fuel advance* whose load no invoice of the ledger has yet: a debt to the
  factor that waits for the load's invoice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data


@dataclass(frozen=True)
class Deduction:
    """What a customer took off an invoice, or what it cost when it did not pay.

    ``kind`` is "short pay" (``amount`` short of face; negative for an
    overpay), "chargeback" (the face sold back to us) or "credit loss" (the
    reserve forfeited when the factor wrote the invoice off, less the fees it took from
    it: what the credit-losses account got, 0 if nothing); ``reason`` one of
    ``REASONS``.
    """

    date: datetime.date
    factor: str
    invoice: str
    customer: str
    kind: str
    reason: str
    amount: Decimal
    currency: str
    entry: data.Transaction


@dataclass
class Charge:
    """A fee the factor is owed apart from any invoice, until a deposit nets it."""

    key: str
    label: str
    date: datetime.date
    # What is owed: the fee, and the VAT on it when the agreement gives a rate.
    amount: Decimal
    currency: str
    part: str
    entry: data.Transaction
    # The invoice whose funding it was deducted from (the one invoice the fee event
    # links), which the deposit funding that invoice nets it with; None if none.
    invoice: str | None = None
    # The day a deposit netted it, and that deposit; None while it is owed.
    netted_on: datetime.date | None = None
    netted_by: data.Transaction | None = None
    # The clearing account it is owed on (its terms', which a later agreement may have
    # renamed): the deposit that nets it credits that one; "" for the deposit's own.
    clearing: str = ""


@dataclass
class FuelAdvance:
    """A fuel advance whose load no invoice of the ledger has (yet)."""

    load: str
    date: datetime.date
    amount: Decimal
    currency: str
    entry: data.Transaction
    # What was paid back apart from any funding (a wire), by date, oldest first.
    repayments: list[tuple[datetime.date, Decimal]] = field(default_factory=list)

    @property
    def repaid(self) -> Decimal:
        """All that was paid back of it."""
        return sum((amount for _, amount in self.repayments), Decimal(0))

    def open_on(self, as_of: datetime.date) -> Decimal:
        """What is still owed of it at the end of ``as_of``."""
        repaid = sum((amount for date, amount in self.repayments if date <= as_of), Decimal(0))
        return self.amount - repaid


@dataclass
class ScheduleOwed:
    """What a factor still owes of a schedule's funding, after its first wires."""

    clearing: str
    currency: str
    funding: Decimal
    remaining: Decimal
    wires: list[tuple[datetime.date, Decimal]] = field(default_factory=list)

    def described(self) -> str:
        return ", ".join(f"{amount:,.2f} on {day}" for day, amount in self.wires)
