"""What a page request asks for: Fava's filters and the pages' own parameters.

Fava's filters:

``time``
    The as-of date of every report is the last day of the time filter (the
    ledger's as-of date when that is earlier: a filter that ends in the future
    does not age the invoices into the future, and one that starts after the
    ledger's as-of date shows the reports of that date, saying so). The ledger's as-of date is the
    plugin's ``as-of``, else the date of its last transaction. The cost page counts the fees
    from its first day; the charts start there.
``account``
    Keeps the rows of the factors and customers it names: a factor matches
    through its reserve, clearing and fee accounts, a customer through its
    receivable accounts. Like Fava, a parent account matches its children, and
    the value is also tried as a regular expression. Per currency: a factor's
    accounts of its agreement for one currency (``currency: "CAD"``) keep its rows
    in that currency, a customer's those of its invoices' currencies.
``filter``
    Fava's advanced filter selects entries, not invoices; the reports are
    computed from all entries, so the pages say that it is not applied.
``conversion``
    Not applied: every amount is shown in its own currency. A conversion to a
    currency is said not to apply on a page with an amount in another one (at cost,
    at value and units show what the pages show: Fava values an amount held at no
    cost at its units).
``interval``
    The periods of the bar charts (fees per period, open amounts per period of their
    date): Fava labels a bar by its interval (``2025W05``, ``2025Q1``), so a bar per
    month under ``week`` would read as a week's, and three months under ``year`` as
    three bars of one label. Read as Fava's charts read it: one of ``year``,
    ``quarter``, ``month``, ``week``, ``day``, else ``month``. The tables stay by month.

The pages' own parameters:

``factor``
    Only this factor (a name from an agreement, in any case).
``basis``
    Aging page only: ``invoice`` or ``due``; overrides the config.

A bad value (an unknown factor, a time filter Fava cannot read or whose dates
do not exist, another basis, a value longer than ``MAX_VALUE``) is a 400 Bad
Request that names the parameter, then gives its code (FCT301, or FCT302 for an
unknown factor) and says what was wrong: ``basis: FCT301 must be 'invoice' or
'due', not 'weekly'``. No value makes a 500.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fava.core import FavaLedger
from fava.core.filters import FilterError, TimeFilter
from werkzeug.exceptions import BadRequest

from beancount_factoring.errors import FAVA_CODES, coded
from beancount_factoring.fava.config import AGING_BASES, PageConfig
from beancount_factoring.reports import ReportBook, UnknownFactor

ONE_DAY = datetime.timedelta(days=1)
MAX_VALUE = 1000
"""The longest time filter, account filter or basis a page reads: none is longer, and
a longer one would only be echoed in the error."""
UNCONVERTED = ("", "at_cost", "at_value", "units")
"""Fava's conversions that show what the pages show: each amount in its own currency
(at cost, Fava's default, and at value are the units of an amount held at no cost, as
every amount the reports hold is)."""
SHOWN = 80
"""How much of an unknown factor's name its error shows."""
INTERVALS = ("year", "quarter", "month", "week", "day")
DEFAULT_INTERVAL = "month"
"""Fava's intervals as its charts read the ``interval`` parameter: exactly one of these,
else the month (``Week`` or ``weekly`` label the bars by month)."""


class ParameterError(BadRequest):
    """A parameter the pages cannot use: a 400 that names it, then gives its code."""

    def __init__(self, code: str, parameter: str, message: str) -> None:
        assert code in FAVA_CODES, code
        super().__init__(f"{parameter}: {coded(code, message)}")
        self.parameter = parameter
        self.error_code = code  # (`code` is the HTTP status, 400)


@dataclass(frozen=True)
class View:
    """One request's parameters, checked; hashable, so it keys the page cache.

    ``as_of`` is the reports' date, ``start`` the time filter's first day (None
    without a time filter), ``default_as_of`` the ledger's as-of date.
    """

    as_of: datetime.date
    default_as_of: datetime.date
    start: datetime.date | None
    time: str
    account: str
    advanced_filter: str
    factor: str | None
    basis: str
    conversion: str = ""
    """The currency Fava's conversion asks amounts in (its first, of `USD,CAD`), "" for
    none: the pages show each amount in its own currency and say so where one is in
    another currency."""
    interval: str = DEFAULT_INTERVAL
    """Fava's interval (``INTERVALS``): the period of each bar of the pages' bar charts,
    which Fava labels by it."""

    @property
    def after_the_books(self) -> bool:
        """True for a time filter that starts after the ledger's as-of date."""
        return self.start is not None and self.start > self.as_of

    def matches_account(self, accounts: frozenset[str] | tuple[str, ...]) -> bool:
        """Whether the account filter keeps a row with these accounts."""
        if not self.account:
            return True
        return any(_account_matches(self.account, name) for name in accounts)


def _account_matches(value: str, name: str) -> bool:
    """Fava's account filter: a parent account, or a case-insensitive regex."""
    # Fava finds the parent with a regular expression made from the value, which fails
    # on a value such as "["; a comparison of whole components cannot.
    if f":{value}:" in f":{name}:":
        return True
    return _pattern(value)(name)


@functools.lru_cache(maxsize=64)
def _pattern(value: str) -> Callable[[str], bool]:
    """The value as a case-insensitive regex; one that does not compile matches itself."""
    try:
        search = re.compile(value, re.IGNORECASE).search
    except re.error:
        return value.__eq__
    return lambda name: search(name) is not None


def parse_view(
    args: Mapping[str, str],
    ledger: FavaLedger,
    config: PageConfig,
    book: ReportBook,
    today: datetime.date,
    last_transaction: datetime.date | None = None,
) -> View:
    """Check a request's parameters.

    Args:
        args: The query parameters.
        ledger: The Fava ledger (for the options the time filter needs).
        config: The extension's config.
        book: The reports of the current load (for the factor names and the
            ledger's as-of date).
        today: Today's date (for ``'as-of': 'today'``).
        last_transaction: The date of the ledger's last transaction: the default as-of
            date unless the plugin's config sets one (a balance assertion dated after
            it, as a factor's report gives, does not move the reports past the books).

    Raises:
        ParameterError: A parameter has a value the pages cannot show (a BadRequest).
    """
    # Not the factor: an agreement's name may be that long.
    for name in ("time", "account", "basis"):
        size = len(args.get(name, ""))
        if size > MAX_VALUE:
            message = f"{size:,} characters, more than the {MAX_VALUE:,} allowed"
            raise ParameterError("FCT301", name, message)
    ledger_day = book.facts.config.as_of or last_transaction or book.last_date
    default = config.as_of or (today if config.as_of_today else ledger_day) or today
    time = args.get("time", "").strip()
    start = None
    as_of = default
    if time:
        try:
            date_range = TimeFilter(ledger.options, ledger.fava_options, time).date_range
            start = date_range.begin
            # Not past the ledger's as-of date, even for a filter that starts after it:
            # nothing is booked there, and the invoices are not aged into the future.
            as_of = min(date_range.end - ONE_DAY, default)
        except FilterError as error:
            raise ParameterError("FCT301", "time", str(error)) from None
        except (ValueError, OverflowError) as error:
            # Fava's parser reads "2025-13", "0000" or "day+99999999" as dates that do
            # not exist, a range that ends before it starts, or one past the year 9999.
            message = f"{time!r} is not a time Fava can filter by ({error})"
            raise ParameterError("FCT301", "time", message) from None

    factor = args.get("factor", "").strip() or None
    if factor is not None:
        try:
            key = book.factor_key(factor)
        except UnknownFactor as error:
            message = str(error)
            if len(factor) > SHOWN:
                message = message.replace(repr(factor), repr(factor[:SHOWN] + "..."))
            raise ParameterError("FCT302", "factor", message) from None
        factor = book.facts.display(key)  # as the agreement writes it

    basis = args.get("basis", "").strip() or config.aging_basis
    if basis not in AGING_BASES:
        raise ParameterError("FCT301", "basis", f"must be 'invoice' or 'due', not {basis!r}")

    return View(
        as_of=as_of,
        default_as_of=default,
        start=start,
        time=time,
        account=args.get("account", "").strip(),
        advanced_filter=args.get("filter", "").strip(),
        factor=factor,
        basis=basis,
        conversion=_conversion_currency(args.get("conversion", "")),
        interval=_interval(args.get("interval", "")),
    )


def _interval(value: str) -> str:
    """Fava's interval as its charts read it (not as its Python side, which also takes
    ``Weekly``): the bars' labels are the charts'."""
    return value if value in INTERVALS else DEFAULT_INTERVAL


def _conversion_currency(value: str) -> str:
    """The currency Fava's conversion converts to first ("" for at cost, at value, units).

    Fava converts an amount to the first currency of `USD,CAD` when a price allows, then
    what is left to the next: an amount in the first is the only one left as it is."""
    value = value.strip()
    if value in UNCONVERTED:
        return ""
    first = value.split(",")[0].strip()
    return (first or value)[:MAX_VALUE]
