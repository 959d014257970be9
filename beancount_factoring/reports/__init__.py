"""The factoring reports (SPEC §5): reserve, aging, cost, reconciliation.

Pure logic over a loaded ledger: no Fava, no beangulp. ``compute(entries,
options_map, errors)`` reads the ledger once and returns a ``ReportBook``
whose methods ``reserve``, ``aging``, ``cost`` and ``reconcile`` return the
frozen dataclasses of ``model``. ``render`` turns them into text, CSV or JSON.
"""

from beancount_factoring.reports.compare import UnknownOffer
from beancount_factoring.reports.compute import ReportBook, UnknownFactor, compute
from beancount_factoring.reports.model import (
    AgingReport,
    CompareReport,
    CostReport,
    ReconcileReport,
    ReserveReport,
)

__all__ = [
    "AgingReport",
    "CompareReport",
    "CostReport",
    "ReconcileReport",
    "ReportBook",
    "ReserveReport",
    "UnknownFactor",
    "UnknownOffer",
    "compute",
]
