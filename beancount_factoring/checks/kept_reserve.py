"""FCT104: with ``'accrue': 'month'``, an invoice's reserve taken into the fees by hand.

When the fee of an invoice is as large as its reserve, or the factor keeps the
reserve for its fee, no cash comes back, and the books may take the reserve into the
fees by hand::

    2025-05-05 * "Summit" "Reserve kept as fee"
      Expenses:Factoring:Summit:Fees    500.00 USD
      Assets:Factoring:Summit:Reserve  -500.00 USD

Entries written by hand on the reserve are no error in themselves (the reserve
statement's importer writes a fee of no invoice that way: ``hand_entries.py``). But the
plugin reverses an invoice's month-end accruals on the day its fee is booked (a
release, chargeback, credit loss or buyout, ``settlement/accruals.py``), and an entry
that names no invoice by a link is none of those: its accruals stay, and the fees
account counts the fee twice, with no word. Linked (``^INV-1001``), the same entry is
the invoice's release, with its postings written (docs/ledger.md 7): the plugin checks
the fee against the agreement and reverses the accruals that day.

Such an entry is told from a fee of no invoice by what it takes: the reserve of an
invoice paid (its fee fixed) whose accrued fees the plugin still holds, or one it names
by ``invoice:`` posting metadata, or the whole reserve (the account's balance before the
entry) while the plugin holds accrued fees of that reserve's invoices.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount.core import data

from beancount_factoring.checks.hand_entries import check_accrued_by_hand
from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.ledger.book import Book, units_of
from beancount_factoring.settlement.accruals import FeePeriod, accrual_steps
from beancount_factoring.settlement.state import Settlement

ZERO = Decimal(0)
ONE_DAY = datetime.timedelta(days=1)
# The key of an entry an importer brought from a statement (importers/base.py ID_KEY).
IMPORTED = "import-id"

_Taken = tuple[int, str, str, Decimal]  # (index, reserve account, currency, amount)


def check_accrual_entries(
    entries: list[data.Directive],
    new_entries: list[data.Directive],
    book: Book,
    settlement: Settlement,
) -> list[FactoringError]:
    """With ``'accrue': 'month'``: the entries written by hand that the accruals make
    wrong, on the accrued-fees account (``entries``, as read) or taking a reserve into
    the fees (``new_entries``, as the plugin books them)."""
    errors = check_accrued_by_hand(entries, book)
    errors.extend(check_reserve_kept(new_entries, book, settlement))
    return errors


def check_reserve_kept(
    entries: list[data.Directive], book: Book, settlement: Settlement
) -> list[FactoringError]:
    """FCT104 on each entry written by hand that takes an invoice's reserve (or the whole
    reserve) into its factor's fees while the plugin holds fees it accrued for it."""
    periods: dict[str, list[FeePeriod]] = {}
    for period in settlement.fee_periods:
        periods.setdefault(period.agreement.reserve, []).append(period)
    if not periods:
        return []
    taken = [found for index in book.hand_entries for found in _taken(entries, index, periods)]
    if not taken:
        return []
    before = _balances_before(entries, taken)
    reserves = _by_reserve(settlement)
    errors = []
    for index, account, currency, amount in taken:
        entry = entries[index]
        assert isinstance(entry, data.Transaction)
        whole = before[index, account, currency] == amount
        paid = reserves.get((account, currency, amount), [])
        kept = _kept(entry, periods[account], paid, currency, whole)
        if kept:
            errors.append(_error(entry, account, currency, amount, kept, whole))
    return errors


def _taken(
    entries: list[data.Directive], index: int, periods: dict[str, list[FeePeriod]]
) -> list[_Taken]:
    """What an entry written by hand takes from a reserve of accruing invoices into that
    factor's fees, per account and currency (none: it is no such entry)."""
    entry = entries[index]
    if type(entry) is not data.Transaction or IMPORTED in entry.meta or entry.links:
        return []
    taken: dict[tuple[str, str], Decimal] = {}
    fees: set[tuple[str, str]] = set()
    for posting in entry.postings:
        units = units_of(posting)
        if units is None:
            continue
        if posting.account in periods:
            key = (posting.account, units[1])
            taken[key] = taken.get(key, ZERO) - units[0]
        elif units[0] > 0:
            fees.add((posting.account, units[1]))
    return [
        (index, account, currency, amount)
        for (account, currency), amount in taken.items()
        if amount > 0 and any((p.agreement.fees, currency) in fees for p in periods[account])
    ]


def _balances_before(
    entries: list[data.Directive], taken: list[_Taken]
) -> dict[tuple[int, str, str], Decimal]:
    """Each taking entry's reserve account balance just before it, in its currency."""
    wanted = {(account, currency) for _, account, currency, _ in taken}
    at = {index for index, _, _, _ in taken}
    running: dict[tuple[str, str], Decimal] = {}
    before = {}
    for index, entry in enumerate(entries[: max(at) + 1]):
        if index in at:
            for key in wanted:
                before[(index, *key)] = running.get(key, ZERO)
        for posting in getattr(entry, "postings", ()):
            units = units_of(posting)
            if units is not None and (posting.account, units[1]) in wanted:
                key = (posting.account, units[1])
                running[key] = running.get(key, ZERO) + units[0]
    return before


def _by_reserve(settlement: Settlement) -> dict[tuple[str, str, Decimal], list[FeePeriod]]:
    """The fee periods by reserve account, currency and the invoice's reserve: at its
    funding, and what it still holds (less a short pay)."""
    found: dict[tuple[str, str, Decimal], list[FeePeriod]] = {}
    for period in settlement.fee_periods:
        reserves = {period.purchase.reserve}
        state = settlement.states.get(period.invoice)
        if state is not None and state.agreement is period.agreement and state.held:
            reserves.add(state.held)
        for reserve in reserves:
            key = (period.agreement.reserve, period.currency, reserve)
            found.setdefault(key, []).append(period)
    return found


def _kept(
    entry: data.Transaction,
    periods: list[FeePeriod],
    paid: list[FeePeriod],
    currency: str,
    whole: bool,
) -> list[tuple[FeePeriod, Decimal]]:
    """The invoices whose reserve the entry takes, with the fees accrued for them: those
    it names by ``invoice:`` metadata, else one paid whose reserve (``paid``) is what it
    takes, else (the whole reserve) all."""
    named = {str(p.meta["invoice"]) for p in entry.postings if p.meta and "invoice" in p.meta}
    if named:
        found = _held(entry, [p for p in periods if p.invoice in named], currency)
        if found:
            return found
    fixed = [p for p in paid if p.fixed is not None and p.fixed <= entry.date]
    found = _held(entry, fixed, currency)
    if found:
        return found[:1]
    return _held(entry, periods, currency) if whole else []


def _held(
    entry: data.Transaction, periods: list[FeePeriod], currency: str
) -> list[tuple[FeePeriod, Decimal]]:
    """Those of ``periods`` whose accrued fees the plugin holds on the entry's day
    (accrued at the month ends before it, not reversed by then), with what it holds."""
    day = entry.date
    last_month_end = day.replace(day=1) - ONE_DAY
    fees = {posting.account for posting in entry.postings}
    held = []
    for period in periods:
        if period.currency != currency or period.agreement.fees not in fees:
            continue
        if period.funded > last_month_end or (period.booked is not None and period.booked <= day):
            continue
        steps = accrual_steps([period], last_month_end)
        amount = sum((s.amount for s in steps if s.kind == "accrued-fee"), ZERO)
        if amount:
            held.append((period, amount))
    return held


def _error(
    entry: data.Transaction,
    account: str,
    currency: str,
    amount: Decimal,
    kept: list[tuple[FeePeriod, Decimal]],
    whole: bool,
) -> FactoringError:
    total = sum((accrued for _, accrued in kept), ZERO)
    listed = ", ".join(f"{period.invoice} ({accrued:,.2f})" for period, accrued in kept)
    links = " ".join(f"^{period.invoice}" for period, _ in kept)
    fees = kept[0][0].agreement.fees
    which = "the invoice" if len(kept) == 1 else "the invoices"
    reserve = "the whole reserve, of " if whole and len(kept) > 1 else ""
    message = (
        f"This entry ({entry.date}) takes {amount:,.2f} {currency} from {account} into "
        f"{fees} and names no invoice by a link, while the plugin holds {total:,.2f} "
        f"{currency} of fees it accrued for {reserve}{listed}. With 'accrue': 'month' an "
        "invoice's accruals are reversed on the day its fee is booked (a release, "
        "chargeback, credit loss or buyout), and an entry written by hand is none of "
        f"these: the fees account counts the fee twice (the {amount:,.2f} here and the "
        f"{total:,.2f} accrued, never reversed), and the reserve report still shows the "
        f"reserve due. If the factor kept it as its fee, link {which} whose "
        f"reserve the factor kept ({links}) to this entry: it is then {which}'s release, "
        "whose fee the plugin checks against the agreement (FCT120 if the factor kept "
        "more than the agreement gives) and whose accrued fees it reverses that day; if "
        'it is a charge of no invoice, write it as a fee event (factoring: "fee", '
        'charge: "other", amount:, no postings), which the next release nets'
    )
    return make_error("FCT104", message, entry.meta, entry)
