"""Which way an OFX statement's lines go: by their sign, or, in a statement that writes
none, by their type.

OFX signs each `<TRNAMT>`: positive money in, negative money out. A few banks write every
amount positive and say the direction by `<TRNTYPE>` alone (`DEBIT`, `CHECK`, `FEE`),
and read as written every line of theirs was money in. A statement is taken to be of
that kind when no amount of it is negative and a positive one has a type that only takes
money out (`OUT_TYPES`): its lines of those types are then money out, those of a type
that only brings money in (`IN_TYPES`) money in, and a line of a type that says no
direction (`XFER`, `POS`, `ATM`, `PAYMENT`, `INT`, `OTHER`: either way, by the
specification) is an error (FCT211), since which way it went cannot be told. A statement
whose only outgoing lines are of types a bank also writes for money given back
(`GIVEN_BACK_TYPES`: a fee refunded, a direct debit returned) is an error (FCT211) at
the first of them: a month of deposits and a fee refunded (signed) and one of deposits
and a fee charged (unsigned) are written alike. A statement
with a negative amount anywhere writes signs, and each line goes the way its sign says
(a fee refunded, `FEE` of +5.00, is money in). A statement of money in only (a savings
account's transfers and interest) is read as written.

The decision waits for the statement's end, since a negative amount may come last; what
is held meanwhile is the index of each positive line of an outgoing type until the first
negative amount, so a statement that writes signs holds next to nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

# The types that only take money out, and those that only bring it in (OFX 2.1.1,
# 11.4.4.3): DEBIT a generic debit, CHECK, FEE and SRVCHG the bank's, DIRECTDEBIT
# a merchant's debit, CASH a withdrawal, REPEATPMT a standing order.
OUT_TYPES = frozenset(("DEBIT", "CHECK", "FEE", "SRVCHG", "DIRECTDEBIT", "CASH", "REPEATPMT"))
IN_TYPES = frozenset(("CREDIT", "DEP", "DIRECTDEP", "DIV"))
# Of those, the types a bank that writes signs also gives positive, for money given
# back: a fee refunded (FEE, SRVCHG), a direct debit returned (DIRECTDEBIT), a cash
# deposit (CASH, as some banks write one). A statement whose only outgoing lines are
# of these may write signs (a month of money in and a fee refunded) or not (a month of
# money in and a fee charged): which cannot be told (FCT211), rather than guessed.
GIVEN_BACK_TYPES = frozenset(("FEE", "SRVCHG", "DIRECTDEBIT", "CASH"))


class Directions:
    """What one statement's lines have shown of how it writes their direction.

    `signed`: a negative amount was read. Until then, `out` holds the index (in the
    entries) of each positive line of an outgoing type, `first_out` the first such line
    (its line, type and amount), `plain` whether a positive line of an outgoing type
    not in `GIVEN_BACK_TYPES` was read, and `undirected` the first positive line of a
    type that says no direction (its line, type and amount).
    """

    __slots__ = ("first_out", "out", "plain", "signed", "undirected")

    def __init__(self) -> None:
        self.signed = False
        # A positive line of an outgoing type no bank gives back (DEBIT, CHECK...).
        self.plain = False
        self.out: list[int] = []
        self.first_out: tuple[int, str, str] | None = None
        self.undirected: tuple[int, str, str] | None = None

    def note(
        self, index: int, entry: data.Transaction, fields: dict[str, tuple[str, int]], line: int
    ) -> None:
        """A line read: its entry and that one's index, its OFX elements (value, line)
        and its own line."""
        units = entry.postings[0].units
        assert isinstance(units, Amount) and isinstance(units.number, Decimal)
        number = units.number
        if self.signed or not number:
            return
        if number < 0:
            self.signed = True
            self.out = []
            return
        kind, line = fields.get("TRNTYPE", ("", line))
        kind = kind.upper()
        if kind in OUT_TYPES:
            self.out.append(index)
            self.plain = self.plain or kind not in GIVEN_BACK_TYPES
            if self.first_out is None:
                self.first_out = (line, kind, str(number))
        elif kind not in IN_TYPES and self.undirected is None:
            self.undirected = (line, kind, str(number))

    def unsigned(self) -> bool:
        """Whether the statement writes its amounts without signs (module docstring)."""
        return not self.signed and bool(self.out)

    def given_back_problem(self) -> tuple[int, str] | None:
        """(line, message) of the first outgoing line of a statement of positive amounts
        whose outgoing lines are all of types also written for money given back: a
        signed statement's refund, or an unsigned one's charge? None otherwise."""
        if not self.unsigned() or self.plain or self.first_out is None:
            return None
        line, kind, amount = self.first_out
        message = (
            f"every amount of the statement is positive, and <TRNTYPE>{kind} may be money "
            f"given back (a fee refunded, a debit returned: {amount} in) or, from a bank "
            f"that writes no signs, money out ({amount} out): nothing else in the "
            "statement tells which; book it by hand, and delete its <STMTTRN> from the "
            "file to import the rest"
        )
        return line, message

    def undirected_problem(self) -> tuple[int, str] | None:
        """(line, message) of the first line of an unsigned statement whose type says
        no direction; None if there is none."""
        if self.undirected is None or self.first_out is None:
            return None
        line, kind, amount = self.undirected
        first_line, first_kind, _ = self.first_out
        shown = f"<TRNTYPE>{kind}" if kind else "no <TRNTYPE>"
        message = (
            "the statement writes every amount as positive and says which way each line "
            f"goes by its <TRNTYPE> (<TRNTYPE>{first_kind} on line {first_line} is money "
            f"out), and {shown} says no direction: this line's {amount} may have gone in "
            "or out; book it by hand, and delete its <STMTTRN> from the file to import the "
            "rest"
        )
        return line, message

    def turn_out(self, entries: list[Any]) -> None:
        """Make the lines of an outgoing type money out (their bank posting negative)."""
        for index in self.out:
            entries[index] = _negated(entries[index])


def _negated(entry: data.Transaction) -> data.Transaction:
    bank, *rest = entry.postings
    units = bank.units
    assert isinstance(units, Amount) and isinstance(units.number, Decimal)
    turned = bank._replace(units=Amount(-units.number, units.currency))
    return entry._replace(postings=[turned, *rest])
