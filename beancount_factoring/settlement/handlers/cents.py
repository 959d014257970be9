"""Cash a bank moved in fractions of a cent: one ``FCT134`` on the entry's line.

No bank moves a fraction of a cent (``930.004 USD``, or arithmetic that does not come
out even, ``(2790.01 / 3) USD``). Beside the plugin's legs in whole cents the fraction
balances within Beancount's tolerance only, and stays on the bank account in silence.
A deposit says so (``lumps.py``); so do a payment that reaches you for an invoice the
factor holds, its forward to the factor, a fuel advance and its repayment, and a fee
paid from the bank. Each is then booked as for whole cents, or as its handler leaves
what it refuses, so the error is said once and not again as a difference.
"""

from __future__ import annotations

from collections.abc import Container
from decimal import Decimal
from typing import Any

from beancount_factoring.ledger.book import AMOUNT_DIGITS, Event
from beancount_factoring.settlement.context import Settler
from beancount_factoring.terms.fees import not_whole, whole_units

# What to do, said after what is wrong.
FIX = (
    "a bank moves whole cents; write the amount on the bank statement (written as "
    "arithmetic, work the sum out to the cent)"
)


def interpolated(posting: Any) -> bool:
    """True if Beancount worked the posting's amount out (it was left blank)."""
    return bool(posting.meta and posting.meta.get("__automatic__"))


def in_fractions(number: Any, currency: str) -> bool:
    """True if ``number`` is an amount of ``currency`` not in its whole units (cents);
    one too large to book has its own error."""
    if not isinstance(number, Decimal) or not number.is_finite():
        return False
    return number.adjusted() < AMOUNT_DIGITS and not whole_units(number, currency)


def fraction_of_cent(
    settler: Settler, event: Event, actual: Decimal, currency: str, what: str = "deposit"
) -> bool:
    """FCT134 on an event whose cash (``actual``, on the factor's own leg) is in fractions
    of a cent. True if said."""
    if not in_fractions(actual, currency):
        return False
    settler.error(
        "FCT134",
        f"This {what}'s cash {actual} {currency} is not in whole "
        f"{not_whole(actual, currency)}: {FIX}",
        event,
    )
    return True


def cash_fraction(
    settler: Settler,
    event: Event,
    entry: Any,
    accounts: Container[str | None],
    what: str = "deposit",
) -> bool:
    """FCT134 on an event whose cash (a posting written on an account not in
    ``accounts``, the factor's: the bank's ``616.004 USD @@ 880.00 CAD``) is in fractions
    of a cent; a posting Beancount worked out holds the price's arithmetic, which is no
    money, and is not asked. True if said."""
    for posting in entry.postings:
        units = posting.units
        if posting.account in accounts or interpolated(posting) or units is None:
            continue
        number = units.number
        if not in_fractions(number, units.currency):
            continue
        settler.error(
            "FCT134",
            f"This {what}'s {number} {units.currency} on {posting.account} is not in whole "
            f"{not_whole(number, units.currency)}: {FIX}",
            event,
        )
        return True
    return False
