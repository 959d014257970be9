"""Fava pages for the factoring reports (SPEC §6).

Enable them with one line in the ledger::

    2025-01-01 custom "fava-extension" "beancount_factoring.fava"

and, optionally, a config (see ``config``)::

    2025-01-01 custom "fava-extension" "beancount_factoring.fava" "{'aging-basis': 'due'}"

Fava then shows four links in its sidebar: Factoring: Aging, Cost,
Reconciliation and Reserve. Each page is computed from the reports of
``beancount_factoring.reports``, once per ledger load, and honours Fava's time
and account filters (``view``). Only the page classes may be imported here:
Fava registers every extension class in this module's namespace.
"""

from beancount_factoring.fava.pages import (
    FactoringAging,
    FactoringCost,
    FactoringReconciliation,
    FactoringReserve,
)

__all__ = [
    "FactoringAging",
    "FactoringCost",
    "FactoringReconciliation",
    "FactoringReserve",
]
