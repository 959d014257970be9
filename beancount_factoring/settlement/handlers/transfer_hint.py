"""A transfer's fee the factor deducted, written as a fee of another kind.

A purchase report may list the fee of the transfer that funds an invoice among its
deductions ("ACH Fee", "Transfer fee"). Written as ``charge: "other"``, it is a fee
apart, and the deposit that nets it takes the agreement's ``transfer-fee`` (or
``wire-fee``, ``same-day-fee``) too: the deposit, which paid the transfer's fee once,
is then that fee more than the plugin expects (``FCT120``; ``FCT101`` for a deposit
that names nothing). The plugin does not guess: a fee of another kind may be a
fee of its own that happens to cost the same. When the difference is the transfer fee
and such a fee of exactly that amount is netted, the message names it and says to
write it as the transfer's fee (``charge: "ach"``, ``"wire"`` or ``"same-day"``), which
then takes the place of the agreement's. A fee of another amount is never named.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from beancount_factoring.settlement.allocate import Allocation
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.handlers.open_items import Members
from beancount_factoring.settlement.owed import Charge
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import RAILS, Agreement

ZERO = Decimal(0)
RAIL_WORDS = {"ach": "ACH", "wire": "wire", "same-day": "same-day transfer"}


def transfer_taken(agreement: Agreement, currency: str, rail: str) -> Decimal:
    """The rail's fee a funding deposit takes, with the VAT on it."""
    return sum((leg.number for leg in P.transfer_fee_legs(agreement, currency, rail)), ZERO)


def transfer_fee_hint(
    agreement: Agreement, rail: str, charges: Iterable[Charge], difference: Decimal, fee: Decimal
) -> str:
    """The words for a deposit ``difference`` more than expected, where ``difference`` is
    the transfer ``fee`` it took and it nets an "other" fee of that amount; "" if none."""
    if not fee or difference != fee:
        return ""
    found = [c for c in charges if c.part == "other-fee" and c.amount == fee]
    if not found:
        return ""
    named = ", ".join(f'"{c.entry.narration}" (^{c.key})' for c in found[:3])
    key = RAILS.get(rail, "transfer-fee")
    return (
        f" The difference is the agreement's {key} ({fee:,.2f}), which this deposit takes "
        f"beside the fee {named} of the same amount: if that fee is this "
        f'{RAIL_WORDS.get(rail, rail)}\'s own, write it charge: "{rail}" instead of '
        f'charge: "other"; a deposit sent by {RAIL_WORDS.get(rail, rail)} that nets it takes '
        f"no {key} of its own"
    )


def unmatched_transfer_hint(
    settler: Settler,
    agreement: Agreement,
    rail: str,
    result: Allocation,
    members: Members,
    currency: str | None,
) -> str:
    """The same words (after a full stop) for a deposit that names nothing and matches no
    open item, when its closest set is short of it by the transfer fee alone."""
    fee = result.transfer_fee
    if not fee or currency is None or fee != transfer_taken(agreement, currency, rail):
        return ""
    for group, diff in result.closest:
        if diff != -fee or not any(c.funding for c in group):
            continue
        charges: list[Charge] = []
        for candidate in group:
            member = members.get(candidate.key)
            if isinstance(member, Charge):
                charges.append(member)
            elif member is not None:
                for state, _, _ in member:
                    charges.extend(settler.invoice_charges.get(state.invoice.number, ()))
        hint = transfer_fee_hint(agreement, rail, charges, fee, fee)
        if hint:
            return "." + hint
    return ""
