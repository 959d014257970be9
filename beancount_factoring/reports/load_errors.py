"""Whether a load's errors make the reports unreliable: the rule of FCT314.

``bean-factoring`` and the Fava pages share it. Every error of the load counts: the
plugin's (FCT1xx) and Beancount's own (a ``balance`` that fails, an account not open, a
line it cannot parse). Any of them can change any figure: an agreement the plugin could
not read leaves its invoices unfactored ("No reserve is held"), a deposit it could not
split leaves the reserve unbooked, an entry Beancount could not parse is missing. Which
figures an error changes cannot be told from the error, so a report of a ledger with
errors could be wrong anywhere.

What each does with them: the command line refuses the report (FCT314) unless
``--ignore-errors``; the Fava pages show their figures under a notice that says so, and
their ``data`` endpoint refuses (409) unless ``ignore-errors``. A ledger Beancount could
not read whole (``unreadable``) is refused by both even then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from beancount_factoring.reports.model import Source

# Beancount's errors that mean a file, or a part of it, could not be read at all.
UNREADABLE = ("LoadError", "LexerError", "ParserError", "ParserSyntaxError")


@dataclass(frozen=True)
class LedgerErrors:
    """A load's errors, as the reports' users say them: how many, and the first."""

    count: int
    # Where the first error is (None when Beancount gives no place, as for a plugin
    # it could not import), and its message's first line.
    first: Source | None
    message: str
    # Beancount could not read the ledger whole: no report of it is made.
    unreadable: bool

    def summary(self, what: str = "the report") -> str:
        """``the ledger has 2 errors, so the report could be wrong``."""
        plural = "s" if self.count > 1 else ""
        return f"the ledger has {self.count} error{plural}, so {what} could be wrong"

    def first_said(self, filename: str | None = None) -> str:
        """``the first at main.beancount:41: FCT120 ...``; ``filename``: the first
        error's file as the caller shows it (relative to a folder), else as it is."""
        where = self.place(filename)
        return f"the first at {where}: {self.message}" if where else f"the first: {self.message}"

    def place(self, filename: str | None = None) -> str:
        """``main.beancount:41`` (the file alone when the line is unknown; "" for no place)."""
        if self.first is None:
            return ""
        name = filename if filename is not None else self.first.filename
        return f"{name}:{self.first.lineno}" if self.first.lineno else name


def ledger_errors(
    errors: Sequence[Any], entries: Sequence[Any] | None = None
) -> LedgerErrors | None:
    """None for a load without errors; else its errors as ``LedgerErrors``.

    Args:
        errors: The load's errors, in Beancount's order (as bean-check prints them).
        entries: The load's entries, if known: none at all with errors is unreadable.
    """
    if not errors:
        return None
    first = errors[0]
    source = getattr(first, "source", None) or {}
    filename, lineno = source.get("filename"), source.get("lineno")
    place = Source(str(filename), int(lineno or 0)) if filename else None
    message = str(getattr(first, "message", first)).strip().split("\n", 1)[0]
    unreadable = any(type(e).__name__ in UNREADABLE for e in errors) or (
        entries is not None and not entries
    )
    return LedgerErrors(len(errors), place, message, unreadable)
