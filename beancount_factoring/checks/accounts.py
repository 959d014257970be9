"""Audit rules that look at the ledger as a whole after the split.

- FCT141: a reserve account's running balance goes below zero. The factor
  cannot owe us less than nothing; a negative reserve means a release or a
  short pay was booked twice, or a holdback is missing.
- FCT150: a deposit from a factor booked to an Income account. An advance is
  not revenue: the revenue was booked with the invoice, and the deposit must
  go through the factor's clearing account.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import cast

from beancount.core import data

from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.ledger.book import Book, Event, books_opening_account, units_of
from beancount_factoring.settlement.state import InvoiceState, Settlement
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)


def check_reserves(
    entries: list[data.Directive],
    indices: Iterable[int],
    book: Book,
    tolerance: Decimal,
    reported: frozenset[int] | set[int] = frozenset(),
) -> list[FactoringError]:
    """Report each time a reserve account's balance ends a day below zero.

    Balances are taken at the end of each day, since the plugin applies a
    day's events in its own order (collections before deposits), not in the
    order they are written.

    Args:
      entries: The entries after the split.
      indices: The positions of every transaction that may post to a reserve
        account, in date order.
      reported: The positions of entries whose taking more than the reserve held was
        reported already (``Settlement.overdrawn``): the balance below zero they leave
        is not reported again.
    """
    reserves = {a.reserve: a.name for a in book.agreements.latest()}
    balances: dict[tuple[str, str], Decimal] = {}
    last_entry: dict[tuple[str, str], data.Transaction] = {}
    last_index: dict[tuple[str, str], int] = {}
    below: set[tuple[str, str]] = set()
    errors: list[FactoringError] = []

    def close_day() -> None:
        for key, entry in last_entry.items():
            balance = balances[key]
            if balance < -tolerance and key not in below:
                below.add(key)
                if last_index[key] in reported:
                    continue
                errors.append(
                    make_error(
                        "FCT141",
                        f"Reserve account {key[0]} of '{reserves[key[0]]}' goes below zero "
                        f"({balance:,.2f} {key[1]}) on {entry.date}: more was released or "
                        "deducted than the factor held",
                        entry.meta,
                        entry,
                    )
                )
            elif balance >= -tolerance:
                below.discard(key)
        last_entry.clear()

    day = None
    for index in indices:
        entry = entries[index]
        if not isinstance(entry, data.Transaction):
            continue
        if entry.date != day:
            close_day()
            day = entry.date
        for posting in entry.postings:
            if posting.account not in reserves:
                continue  # (Tested first: most postings of a deposit are not to a reserve.)
            units = units_of(posting)
            if units is None:
                continue
            key = (posting.account, units[1])
            balances[key] = balances.get(key, ZERO) + units[0]
            last_entry[key], last_index[key] = entry, index
    close_day()
    return errors


def check_income_deposits(entries: list[data.Directive], book: Book) -> list[FactoringError]:
    """Report bank credits from a factor that were booked to Income."""
    errors = []
    for index, factor in book.income_deposits:
        entry = entries[index]
        _, agreement = book.agreements.in_force(factor, entry.date)
        clearing = agreement.clearing if agreement else "the factor's clearing account"
        name = agreement.name if agreement else factor
        errors.append(
            make_error(
                "FCT150",
                f"This deposit from factor {name!r} is booked to Income; an advance is not "
                f"revenue. Post it to {clearing} and link what it settles",
                entry.meta,
                entry,
            )
        )
    return errors


def check_elsewhere_deposits(entries: list[data.Directive], book: Book) -> list[FactoringError]:
    """Report a factor's deposits that name nothing, booked to another asset account than
    the agreement's bank or paying down a liability: the plugin does not take them for
    deposits (FCT151)."""
    errors = []
    for index, factor, account, liability in book.elsewhere_deposits:
        entry = entries[index]
        _, agreement = book.agreements.in_force(factor, entry.date)
        if agreement is None:
            continue
        transaction = cast(data.Transaction, entry)
        reserve = None if liability else _reserve_out(transaction, book, factor)
        if liability:
            advice = _paid_down_advice(transaction, agreement, account)
        elif reserve is not None:
            advice = _released_advice(agreement, account, reserve)
        else:
            advice = (
                '(^INV-1001, or schedule: "10452"), or, if the factor pays into '
                f"{account}, give the agreement bank: {account}"
            )
        errors.append(
            make_error(
                "FCT151",
                f"This deposit from {agreement.name!r} is booked to {account}, not to its "
                f"bank {agreement.bank}, and names nothing it settles: it is not taken for "
                f"a deposit, so it is neither split nor checked. Link what it settles {advice}",
                entry.meta,
                entry,
            )
        )
    return errors


def _reserve_out(entry: data.Transaction, book: Book, factor: str) -> str | None:
    """The factor's reserve account the entry takes money out of, if one."""
    reserves = {a.reserve for a in book.agreements.latest()}
    for posting in entry.postings:
        units = units_of(posting)
        account = posting.account
        owner = book.agreements.factor_of_account(account) if account in reserves else None
        if units is not None and units[0] < 0 and owner == factor:
            return account
    return None


def _released_advice(agreement: Agreement, account: str, reserve: str) -> str:
    """How to book money a factor released out of its reserve into another account than
    the agreement's bank (a savings account, an escrow it holds) naming nothing (FCT151):
    as the release of the invoices whose reserve it is, linked or matched by its amount.
    An account of the factor's own (under the name of its accounts) is no bank of it."""
    own = _common_parent(agreement.clearing, agreement.reserve)
    bank = (
        ""
        if own and account.startswith(own + ":")
        else f"; if the factor pays its releases into {account}, give the agreement bank: "
        f"{account}"
    )
    return (
        "(the collected invoices whose reserve it releases, ^INV-1001: it takes money out "
        f'of {reserve}), or mark it factoring: "release" to have it matched by its amount '
        "against the reserves due; until then those invoices' reserve stays due, and the "
        f"reserve report shows the difference as unexplained{bank}"
    )


def _common_parent(first: str, second: str) -> str:
    """The accounts' common parent (Assets:Factoring:Summit), or "" if only the root."""
    shared: list[str] = []
    for a, b in zip(first.split(":"), second.split(":"), strict=False):
        if a != b:
            break
        shared.append(a)
    return ":".join(shared) if len(shared) > 1 else ""


def _paid_down_advice(entry: data.Transaction, agreement: Agreement, account: str) -> str:
    """How to book a factor's cash that pays down a liability of yours (FCT151): a line of
    credit that sweeps the bank, or a loan the factor takes an installment of from the
    reserve. A liability is never the agreement's bank: no advice to make it one."""
    advice = (
        f'(^INV-1001, or schedule: "10452"): it is then split and checked, paying down {account}'
    )
    if any(posting.account == agreement.reserve for posting in entry.postings):
        advice += (
            f". If the factor took an installment of a loan of yours out of {agreement.reserve}, "
            "book it as a release of the reserve it takes, its cash paying down the loan: link "
            'the collected invoices whose reserve that is, or mark it factoring: "release"'
        )
    if agreement.model == "loan":
        advice += (
            f". What you owe the factor for its advances is on {agreement.advances}, which "
            "its events repay: write no repayment of your own"
        )
    return advice


def check_deposit_owners(entries: list[data.Directive], book: Book) -> list[FactoringError]:
    """Report a deposit booked to one factor's account whose payee is another factor's
    alone (FCT152): booked to the wrong clearing account, it would be taken for the
    other's when its amount fits, the other's items left open without a word here."""
    errors = []
    for event in book.events:
        if event.kind not in ("lump", "release", "funding") or event.factor is None:
            continue
        entry = event.entry
        owners = {book.agreements.factor_of_account(p.account) for p in entry.postings}
        owners.discard(None)
        if len(owners) > 1:
            errors.append(_two_factors(book, event, sorted(cast(set[str], owners))))
            continue
        if owners and event.factor not in owners:
            # Its factor: names another (a pushmeta factor: over a block of deposits).
            errors.append(_factor_key(book, event, cast(str, owners.pop())))
            continue
        payees = book.agreements.factor_of_payee(f"{entry.payee or ''} {entry.narration or ''}")
        if not payees or event.factor in payees:
            continue
        names = book.agreements
        other, booked = names.display(payees[0]), names.display(event.factor)
        errors.append(
            make_error(
                "FCT152",
                f"This deposit's payee is that of factor '{other}', but it is booked to the "
                f"accounts of factor '{booked}': book it to the clearing account of "
                f"'{other}'; or, if '{booked}' sent it, give the agreement of '{booked}' a "
                "payee: pattern that matches it",
                entry.meta,
                entry,
            )
        )
    return errors


def _two_factors(book: Book, event: Event, owners: list[str]) -> FactoringError:
    """FCT152: one deposit posts to the accounts of two factors. The plugin books it for
    one (its ``factor``); the other's posting is read as cash beside the bank's, so that
    factor's share is a difference of the first and the second's items stay open."""
    names = [f"'{book.agreements.display(owner)}'" for owner in owners]
    booked = book.agreements.display(event.factor)
    message = (
        f"This deposit posts to the accounts of {len(names)} factors ({', '.join(names)}), "
        f"and is booked as a deposit of '{booked}' alone: write one transaction per factor, "
        "each with its part of the bank line and what it settles"
    )
    return make_error("FCT152", message, event.entry.meta, event.entry)


def _factor_key(book: Book, event: Event, owner: str) -> FactoringError:
    """FCT152: the deposit's ``factor:`` names another factor than the one whose accounts
    it posts to; it is booked as the deposit of the factor it names."""
    named, booked = book.agreements.display(event.factor), book.agreements.display(owner)
    written = event.entry.meta.get("factor")
    message = (
        f'This deposit says factor: "{written}", but it posts to the accounts of factor '
        f"'{booked}', and is booked as a deposit of '{named}': correct factor: (a pushmeta "
        f"factor: above this entry gives it one too), or book it to the clearing account "
        f"of '{named}'"
    )
    return make_error("FCT152", message, event.entry.meta, event.entry)


def check_clocks(settlement: Settlement, book: Book, as_of: datetime.date) -> list[FactoringError]:
    """The checks that depend on how much time has passed, judged on ``as_of``.

    - FCT103: a deposit that named nothing and found no open item is still on
      the clearing account more than the agreement's ``grace-days`` later;
    - FCT160: an invoice funded more than ``recourse-days`` ago that is neither
      collected nor charged back (the factor may charge it back any day);
    - FCT161: an invoice collected more than ``release-days`` ago whose reserve
      has not come back.
    """
    errors = _unallocated_too_long(settlement, book, as_of)
    for state in settlement.states.values():
        agreement = state.agreement
        if agreement is None or state.funded_on is None:
            continue
        if state.released_on and (state.collected_on or state.lost_on):
            # Closed, its reserve back: neither check has anything to say (the most
            # common invoice of a ledger, tested inline).
            continue
        errors.extend(_past_recourse(state, agreement, as_of))
        errors.extend(_reserve_not_back(state, agreement, as_of))
    return errors


def _unallocated_too_long(
    settlement: Settlement, book: Book, as_of: datetime.date
) -> list[FactoringError]:
    """FCT103 for each deposit still unallocated past its factor's ``grace-days``."""
    errors = []
    invoiced: set[str] | None = None
    buyouts: dict[str, list[Event]] | None = None
    for event in settlement.unallocated:
        currencies = [p.units.currency for p in event.entry.postings if p.units is not None]
        currency = currencies[0] if currencies else None
        _, agreement = book.agreements.in_force(event.factor or "", event.date, currency)
        if agreement is None:
            continue
        waited = (as_of - event.date).days
        if waited > agreement.grace_days:
            if invoiced is None:
                invoiced = {invoice.face.currency for invoice in book.invoices.values()}
            fix = (
                "Book the schedule or release it pays for, or link what it settles"
                if currency is None or invoiced.intersection(currencies)
                # (Only items in the deposit's currency are matched: it would wait forever.)
                else f"No invoice of the ledger is in {currency}: book the deposit in the "
                "currency of what it settles (with a price if the bank converted it)"
            )
            if buyouts is None:
                buyouts = _buyouts_by_old_factor(book)
            bought = _bought_out_before(buyouts, event, agreement.grace_days)
            if bought is not None:
                fix = _after_a_buyout(book, event, bought)
            else:
                fix = (
                    _carried_reserve_released(book, event)
                    or _unnumbered_schedule(settlement, event, agreement)
                    or _schedule_after(settlement, event, agreement)
                    or fix
                )
            errors.append(
                make_error(
                    "FCT103",
                    f"This deposit from '{agreement.name}' is still unallocated {waited} days "
                    f"after it arrived (grace-days: {agreement.grace_days}, as of {as_of}): no "
                    f"open item of the factor matches it. {fix}",
                    event.entry.meta,
                    event.entry,
                )
            )
    return errors


def _carried_reserve_released(book: Book, event: Event) -> str | None:
    """What to write for a deposit that takes money off a reserve account that holds a
    reserve carried in by the opening balances (ledger.md 6.19): a release of it, which
    no open item matches, since the ledger has none of the invoices it was held for. The
    generic words ("book the release it pays for", or "no invoice is in USD" in books
    that have none yet) would send the user the wrong way."""
    if not book.carried_reserves:
        return None
    reserves = {agreement.reserve for agreement in book.agreements.latest()}
    for posting in event.entry.postings:
        units = units_of(posting) if posting.account in reserves else None
        if units is None or units[0] >= 0:
            continue
        carried = _carried_on(book, posting.account, units[1], event.date)
        if carried is None:
            continue
        where = f"{carried.meta.get('filename')}:{carried.meta.get('lineno')}"
        return (
            f"It takes {-units[0]} {units[1]} off {posting.account}, which holds the "
            f"reserve carried in by the opening balance of {carried.date} ({where}): "
            "this is a release of that reserve, and the plugin releases a reserve only "
            "for the invoices whose funding it booked. Write those invoices on their own "
            f"dates against {books_opening_account(book)}, with their fundings and "
            "collections (ledger.md 6.19), link on this deposit the ones it releases "
            "(^INV-...), and remove the reserve from the opening balance: their "
            "fundings hold it"
        )
    return None


def _carried_on(
    book: Book, account: str, currency: str, date: datetime.date
) -> data.Transaction | None:
    """The first opening balance, on or before ``date``, that puts an amount of
    ``currency`` on the reserve ``account``."""
    for entry in book.carried_reserves:
        if entry.date > date:
            continue
        for posting in entry.postings:
            units = units_of(posting) if posting.account == account else None
            if units is not None and units[0] > 0 and units[1] == currency:
                return entry
    return None


def _unnumbered_schedule(settlement: Settlement, event: Event, agreement: Agreement) -> str | None:
    """What to write when the deposit's factor has a schedule without a number, booked on
    or before the deposit and not funded: only a numbered schedule is an open item a
    deposit that names nothing is matched to (docs/ledger.md 5.3), so "book the
    schedule" would send the user to book again what is booked."""
    waiting: dict[int, list[InvoiceState]] = {}
    for state in settlement.states.values():
        by = state.scheduled_by
        if (
            by is None
            or state.schedule is not None
            or state.agreement is not agreement
            or state.scheduled_on is None
            or state.scheduled_on > event.date
            or (state.funded_on is not None and state.funded_on <= event.date)
        ):
            continue
        waiting.setdefault(id(by), []).append(state)
    if not waiting:
        return None
    states = min(waiting.values(), key=lambda found: found[0].scheduled_on or event.date)
    meta = cast(data.Transaction, states[0].scheduled_by).meta
    numbers = sorted(s.invoice.number for s in states)
    links = " ".join(f"^{n}" for n in numbers)
    return (
        f"The schedule of {states[0].scheduled_on} ({meta.get('filename')}:"
        f"{meta.get('lineno')}: {', '.join(numbers)}) has no number, and only a numbered "
        "schedule is matched to a deposit that names nothing: give that schedule the "
        f'factor\'s number (schedule: "..."), or link its invoices on the deposit '
        f"({links})"
    )


def _schedule_after(settlement: Settlement, event: Event, agreement: Agreement) -> str | None:
    """What to write when the deposit's factor has a numbered schedule dated after the
    deposit and never funded (typed late, on the day it was typed): a deposit that names
    nothing is matched only to what is open on its day, so "book the schedule" would
    send the user to book again what is booked. None if there is none."""
    first: InvoiceState | None = None
    for state in settlement.states.values():
        on = state.scheduled_on
        if (
            on is not None
            and on > event.date
            and state.funded_on is None
            and state.schedule is not None
            and state.agreement is agreement
            and (first is None or on < cast(datetime.date, first.scheduled_on))
        ):
            first = state
    if first is None:
        return None
    meta = cast(data.Transaction, first.scheduled_by).meta
    return (
        f"The schedule {first.schedule} of {first.scheduled_on} ({meta.get('filename')}:"
        f"{meta.get('lineno')}) is dated after this deposit and is not funded: if this "
        f"deposit pays for it, date the schedule on or before {event.date}: a deposit "
        "that names nothing is matched only to what is open on its day"
    )


def _buyouts_by_old_factor(book: Book) -> dict[str, list[Event]]:
    """The buyouts of the ledger by the factor they buy out (``from:``), in date order."""
    found: dict[str, list[Event]] = {}
    for event in book.events:
        old = event.entry.meta.get("from") if event.kind == "buyout" else None
        if isinstance(old, str):
            found.setdefault(old.strip().lower(), []).append(event)
    return found


def _bought_out_before(
    buyouts: dict[str, list[Event]], event: Event, grace_days: int
) -> Event | None:
    """The latest buyout of the deposit's factor dated on its day or within ``grace_days``
    before it: what the deposit would have settled may have moved with it."""
    found = None
    for buyout in buyouts.get(event.factor or "", ()):
        if 0 <= (event.date - buyout.date).days <= grace_days:
            found = buyout
    return found


def _after_a_buyout(book: Book, event: Event, buyout: Event) -> str:
    """What to write for a deposit of a factor bought out on its day or just before, that
    finds nothing to settle: its last settlement, or what it passed on of the payoff."""
    old = book.agreements.display(event.factor)
    new = book.agreements.display(buyout.factor)
    meta = buyout.entry.meta
    when = "the same day" if buyout.date == event.date else f"on {buyout.date}"
    _, terms = book.agreements.in_force(buyout.factor or "", buyout.date)
    clearing = f" ({terms.clearing})" if terms is not None else ""
    fix = (
        f"'{new}' bought '{old}' out {when} (the buyout at {meta.get('filename')}:"
        f"{meta.get('lineno')}), taking over its open invoices and what it was owed, so "
        "nothing of it is left for this deposit. "
    )
    if buyout.date == event.date:
        fix += (
            f"If this is the last settlement of '{old}' before the buyout (netting a "
            "chargeback, a short pay or a fee), link what it settles (the invoice, ^INV-..., "
            "or the fee's link): the buyout then leaves that to this deposit. "
        )
    return fix + (
        f"If it is what '{old}' passed on to you of the payoff (what '{new}' paid it beyond "
        f"its balance), it is the payment of the buyout by '{new}': move its bank posting "
        f"onto the buyout, with the clearing account of '{new}'{clearing} for the rest, and "
        "delete this entry (a buyout written as a payment, docs/ledger.md 6.12)"
    )


def _past_recourse(
    state: InvoiceState, agreement: Agreement, as_of: datetime.date
) -> list[FactoringError]:
    """FCT160 if a funded invoice is still open past the factor's ``recourse-days``."""
    if state.closed_on or state.charged_back_on or not agreement.recourse_days:
        return []
    assert state.funded_on is not None
    days = (as_of - state.funded_on).days
    if days <= agreement.recourse_days:
        return []
    entry = state.invoice.entry
    fix = "Book the debtor's payment (collected) or the factor's chargeback"
    if state.received and state.received_on is not None:
        # The customer paid us: what is missing is the factor's side of that payment.
        fix = (
            f"The customer paid you {state.received} {state.currency} for it on "
            f"{state.received_on} (misdirected-payment): forward it to the factor if you "
            "have not (or book the deposit that nets it), then book the factor's report "
            "that it is collected (collected)"
        )
        left = state.face - state.received - (state.paid or 0)
        if left > 0:
            fix += (
                f"; for the {left:,.2f} it has not paid, the factor's report of its payment "
                "or the factor's chargeback"
            )
    return [
        make_error(
            "FCT160",
            f"Invoice {state.invoice.number} was funded by '{agreement.name}' on "
            f"{state.funded_on}, {days} days before {as_of}, past its "
            f"recourse-days ({agreement.recourse_days}): it is neither collected "
            f"nor charged back. {fix}",
            entry.meta,
            entry,
        )
    ]


def _reserve_not_back(
    state: InvoiceState, agreement: Agreement, as_of: datetime.date
) -> list[FactoringError]:
    """FCT161 if a collected invoice's reserve is still held past ``release-days``."""
    closed_on = state.release_from
    if (
        not closed_on
        or state.released_on
        or not state.reserve_due
        or agreement.release_days is None
    ):
        return []
    days = (as_of - closed_on).days
    if days <= agreement.release_days:
        return []
    fees = state.base_fee + state.late_fee
    if state.held > fees:
        less = f", less {fees:,.2f} of fees" if fees else ""
        what = (
            f"The reserve of invoice {state.invoice.number} "
            f"({state.held:,.2f} {state.currency}{less}) "
            f"has not come back from '{agreement.name}'"
        )
        fix = "Ask the factor for the rebate, or book its release"
    else:
        what = (
            f"Invoice {state.invoice.number} is not settled with "
            f"'{agreement.name}': its fees ({fees:,.2f} {state.currency}) are more "
            f"than its reserve ({state.held:,.2f})"
        )
        fix = "Book the release (or deposit) in which the factor takes the fees"
    entry = state.invoice.entry
    return [
        make_error(
            "FCT161",
            f"{what} {days} days after the debtor paid on {closed_on} "
            f"(release-days: {agreement.release_days}, as of {as_of}). {fix}",
            entry.meta,
            entry,
        )
    ]
