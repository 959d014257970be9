"""What a rate rounded on a converted amount explains.

A bank's statement prints its rate to a few places (1.4286 CAD a USD). Written as a unit
price, ``616.00 USD @ 1.4286 CAD`` is 880.0176 CAD: Beancount fills a blank leg in with
it, and the deposit or payment reads as cents more or less than it was. The total the
bank converted (``616.00 USD @@ 880.00 CAD``) is exact.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# The most decimal places of a rate typed from a statement.
MOST_PLACES = 8


def rounded_rate(entry: Any, currency: str, target: Decimal) -> str:
    """A sentence (or "") saying that a posting converted to ``currency`` at a unit price
    typed to a few places comes to another amount than ``target`` (what the books
    expect) by no more than the rounding of that price explains, and what to write."""
    for posting in entry.postings:
        price, units = posting.price, posting.units
        if price is None or price.currency != currency or price.number is None:
            continue
        if units is None or not isinstance(units.number, Decimal):
            continue
        exponent = price.number.as_tuple().exponent
        # (A total price, @@, is a unit price of 28 digits: exact, not typed.)
        if not isinstance(exponent, int) or exponent < -MOST_PLACES:
            continue
        exact = abs(units.number * price.number)
        # Half the price's last digit, times the amount converted.
        slack = abs(units.number) * Decimal(5).scaleb(exponent - 1)
        if exact != target and abs(exact - target) <= slack:
            return (
                f" {units.number} {units.currency} at {price.number} {currency} is "
                f"{exact.normalize():f} {currency}, and a rate rounded to "
                f"{-exponent} places can be off by {slack.normalize():f} {currency} on it: "
                f"write the total the bank converted ({units.number} {units.currency} @@ "
                f"{target:.2f} {currency} if that is what it came to)"
            )
    return ""
