"""The report layer's entry point: read a ledger once, answer each report for any date.

::

    from beancount import loader
    from beancount_factoring.reports import compute

    entries, errors, options_map = loader.load_file("main.beancount")
    book = compute(entries, options_map, errors)
    book.reserve(as_of=datetime.date(2025, 3, 31), factor="Lakeshore")
    book.aging(basis="due")
    book.cost(start=datetime.date(2025, 1, 1))
    book.reconcile()

``compute`` takes the entries *after* the plugin ran (what ``loader`` and Fava
give), reads the factoring facts once (linear in the entries) and returns a
``ReportBook``; each report is then computed from those facts for the as-of
date asked (default: the plugin's ``as-of``, else the date of the ledger's
last entry, as the plugin judges its clocks). A factor is named as in its
agreement, in any case; an unknown one raises ``UnknownFactor``. A ledger
without agreements gives empty reports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import gc
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from beancount.core import data

from beancount_factoring.reports.aging import aging_report
from beancount_factoring.reports.compare import compare_report
from beancount_factoring.reports.cost import cost_report, fees_by_day
from beancount_factoring.reports.facts import Facts, read_facts
from beancount_factoring.reports.model import (
    BASIS_INVOICE,
    AgingReport,
    CompareReport,
    CostLine,
    CostReport,
    ReconcileReport,
    ReserveReport,
)
from beancount_factoring.reports.reconcile import reconcile_report
from beancount_factoring.reports.reserve import reserve_report

T = TypeVar("T")
R = TypeVar("R", ReserveReport, AgingReport, CostReport, ReconcileReport)
P = TypeVar("P", ReserveReport, AgingReport, CostReport, ReconcileReport, CompareReport)
# Reports kept per ReportBook, by report and arguments (they are immutable).
MEMO_SIZE = 64


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a report is built.

    A loaded ledger is hundreds of thousands of long-lived objects; building a
    report allocates many small ones, and each collection the allocations set
    off would scan the whole ledger again (the plugin does the same).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class UnknownFactor(ValueError):
    """A factor name that no agreement of the ledger has."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        names = ", ".join(known) if known else "none: the ledger has no factoring agreement"
        super().__init__(
            f"No factoring agreement names the factor {name!r}; the factors are {names}"
        )


class ReportBook:
    """The four reports of one loaded ledger; compute once, ask many times."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._memo: dict[tuple[Any, ...], Any] = {}

    def _cached(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        """A report already built for these arguments, or build it (the collector paused)."""
        if key in self._memo:
            found: T = self._memo[key]
            return found
        with _collector_paused():
            result = build()
        if len(self._memo) >= MEMO_SIZE:
            self._memo.pop(next(iter(self._memo)))
        self._memo[key] = result
        return result

    @property
    def factors(self) -> tuple[str, ...]:
        """The factors' names, as their agreements write them, sorted."""
        book = self.facts.book
        return tuple(sorted(book.agreements.display(key) for key in book.agreements.names()))

    @property
    def last_date(self) -> datetime.date | None:
        """The default as-of date: the plugin's ``as-of``, else the last entry's date."""
        return self.facts.last_date

    @property
    def warnings(self) -> tuple[str, ...]:
        """Why the reports may be incomplete (empty when all is well)."""
        return tuple(self.facts.warnings)

    @property
    def read_back_differs(self) -> bool:
        """True when the entries, settled again (a load from Beancount's cache), give a
        factoring error their load did not: the reports may be wrong (``warnings`` says
        so); load again with the plugin's run kept."""
        return self.facts.read_back_differs

    def factor_key(self, factor: str | None) -> str | None:
        """The key of a factor's name (None for all factors), or raise UnknownFactor."""
        if factor is None or not factor.strip():
            return None
        key = factor.strip().lower()
        if key not in self.facts.book.agreements.names():
            raise UnknownFactor(factor, list(self.factors))
        return key

    @property
    def books_end(self) -> datetime.date | None:
        """The ledger's last date: its last entry's, or the plugin's ``as-of`` if later.
        A report as of a later date projects what it shows after it."""
        ends = [day for day in (self.facts.config.as_of, self.facts.last_entry) if day]
        return max(ends, default=None)

    def _projected(self, day: datetime.date, report: P) -> P:
        """The report, saying so when it is as of a date after the ledger's last."""
        end = self.books_end
        if end is None or day <= end:
            return report
        return dataclasses.replace(report, projected_after=end)

    def _of(self, key: str | None, report: R) -> R:
        """The report, naming the factor it was asked for (its title says whose it is),
        and saying whether it projects past the books."""
        report = self._projected(report.as_of, report)
        if key is None:
            return report
        return dataclasses.replace(report, factor=self.facts.display(key))

    def _as_of(self, as_of: datetime.date | None) -> datetime.date:
        if as_of is not None:
            return as_of
        return self.facts.last_date or datetime.date.min

    def reserve(
        self, as_of: datetime.date | None = None, factor: str | None = None
    ) -> ReserveReport:
        """Reserve held per factor and currency, per invoice, and its history, as of a date."""
        day, key = self._as_of(as_of), self.factor_key(factor)
        return self._cached(
            ("reserve", day, key), lambda: self._of(key, reserve_report(self.facts, day, key))
        )

    def aging(
        self,
        as_of: datetime.date | None = None,
        factor: str | None = None,
        basis: str = BASIS_INVOICE,
    ) -> AgingReport:
        """Receivables per customer and bucket; ``basis`` is "invoice" or "due".

        ``factor`` narrows the table of factored invoices; the receivables we
        hold are always all shown, so that they tie to the ledger's balance.
        """
        day, key = self._as_of(as_of), self.factor_key(factor)
        return self._cached(
            ("aging", day, key, basis),
            lambda: self._of(key, aging_report(self.facts, day, key, basis)),
        )

    def cost(
        self,
        as_of: datetime.date | None = None,
        factor: str | None = None,
        start: datetime.date | None = None,
    ) -> CostReport:
        """Fees, days to pay and annual rates for the period ``start`` to ``as_of``."""
        day, key = self._as_of(as_of), self.factor_key(factor)
        return self._cached(
            ("cost", day, key, start),
            lambda: self._of(key, cost_report(self.facts, day, key, start)),
        )

    def fees_by_day(
        self,
        as_of: datetime.date | None = None,
        factor: str | None = None,
        start: datetime.date | None = None,
    ) -> tuple[CostLine, ...]:
        """The cost report's fees by month (``by_month``), by day instead: for a chart by
        week or day."""
        day, key = self._as_of(as_of), self.factor_key(factor)
        return self._cached(
            ("fees-by-day", day, key, start), lambda: fees_by_day(self.facts, day, key, start)
        )

    def compare(
        self,
        as_of: datetime.date | None = None,
        factor: str | None = None,
        start: datetime.date | None = None,
        offer: str | None = None,
    ) -> CompareReport:
        """The invoices funded from ``start`` to ``as_of``: what they cost, and what they
        would have cost under each ``factoring-offer`` (or the one named); an unknown
        offer raises ``UnknownOffer``."""
        day, key = self._as_of(as_of), self.factor_key(factor)
        return self._cached(
            ("compare", day, key, start, offer),
            lambda: self._projected(day, compare_report(self.facts, day, key, start, offer)),
        )

    @property
    def offers(self) -> tuple[str, ...]:
        """The names of the ledger's ``factoring-offer`` directives, sorted."""
        offers = self.facts.book.offers.values()
        return tuple(sorted(next(iter(terms.values())).name for terms in offers))

    def reconcile(
        self, as_of: datetime.date | None = None, factor: str | None = None
    ) -> ReconcileReport:
        """Open items of each clearing account, unallocated lumps, disagreements."""
        day, key = self._as_of(as_of), self.factor_key(factor)
        return self._cached(
            ("reconcile", day, key),
            lambda: self._of(key, reconcile_report(self.facts, day, key)),
        )


def compute(
    entries: list[data.Directive], options_map: dict[str, Any], errors: list[Any] | None = None
) -> ReportBook:
    """Read the factoring facts of a loaded ledger once.

    Args:
      entries: The entries after the plugin ran (as ``loader.load_file`` gives them).
      options_map: The ledger's options (the plugin's config is read from them).
      errors: The ledger's errors, listed by the reconciliation report; if None,
        the errors found again while reading the facts are listed instead.
    """
    with _collector_paused():
        return ReportBook(read_facts(entries, options_map, errors))
