"""The figure a reserve `balance` assertion was written with.

On a month end between a schedule's purchase and its funding, the factor's statement
holds the schedule's reserve and the books do not yet: the plugin then has Beancount
check the books' part of the assertion (``checks/reserve_balances.py``) and gives the
entry that figure. It keeps the figure as written under a private key, which
Beancount's printer leaves out, so that an importer given the ledger compares a
statement's assertion with what was typed, not with the books' part of it.
"""

from __future__ import annotations

from beancount.core import data
from beancount.core.amount import Amount

WRITTEN_KEY = "__factoring-written__"


def written_figure(entry: data.Balance) -> Amount:
    """The figure a balance assertion was written with: its amount, unless the plugin gave
    it the books' figure (the factor's less the reserves awaiting funding)."""
    written = (entry.meta or {}).get(WRITTEN_KEY)
    return written if isinstance(written, Amount) else entry.amount
