"""Split a factor's lump sum into the items it settles.

A factor's single bank credit nets new advances, released reserves, fees and
chargebacks. The bank line names what it settles::

    2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-0987
      schedule: "10452"
      Assets:Bank:Checking               3253.62 USD
      Assets:Factoring:Summit:Clearing

Here schedule 10452 is funded and the reserve of the collected invoice
INV-0987 comes back in the same transfer. The plugin replaces the clearing leg
by one posting per invoice and part, checks that the bank amount is what the
agreement gives, and adds the links of everything settled. If the amount
differs, the split is still written and the difference stays on the clearing
account (an open item), with an FCT120 error that shows both breakdowns.

If the user wrote the split by hand (more than one posting to the factor's
accounts), nothing is replaced: the postings are compared, account by
account, with what the agreement gives.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, NamedTuple

from beancount.core import data

from beancount_factoring.errors import as_written, where_written
from beancount_factoring.ledger.book import (
    Event,
    carried_in,
    own_link,
    schedule_link,
    split_by_plugin,
    units_of,
)
from beancount_factoring.settlement.allocate import Allocation, Candidate, allocate
from beancount_factoring.settlement.context import Settler, month_of, rewritten
from beancount_factoring.settlement.handlers import reserve_fees, reserve_taken, wires
from beancount_factoring.settlement.handlers.cents import (
    cash_fraction,
    fraction_of_cent,
    interpolated,
)
from beancount_factoring.settlement.handlers.hand_collection import collection_hint
from beancount_factoring.settlement.handlers.names import (
    link_hint,
    schedule_hint,
    waits_for_schedule,
)
from beancount_factoring.settlement.handlers.open_items import Wanted, open_items
from beancount_factoring.settlement.handlers.rates import rounded_rate
from beancount_factoring.settlement.handlers.schedule import (
    at_cost,
    bought_again_hint,
    not_in_cents,
    others_fuel,
    paid_in_part,
)
from beancount_factoring.settlement.handlers.tier_totals import (
    tiers_hint,
    unmatched_tiers_hint,
)
from beancount_factoring.settlement.handlers.transfer_hint import (
    transfer_fee_hint,
    unmatched_transfer_hint,
)
from beancount_factoring.settlement.owed import Charge, ScheduleOwed
from beancount_factoring.settlement.state import InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import RAILS, Agreement
from beancount_factoring.terms.fees import CENT, HALF_CENT, NOT_CENTS, round_money, whole_units

# What to do to an invoice's state once its deposit is booked: fund it (with its
# split), net what it owes (one part), or release its reserve; and under which terms.
FUND, NET, RELEASE = "fund", "net", "release"
# Part of the reserve released before the customer paid (``_early_release``).
EARLY = "early"
Commit = tuple[
    str, "InvoiceState", "P.Purchase | str | tuple[str, Decimal] | Decimal | None", Agreement
]

ZERO = Decimal(0)
# The fee event kind (its factoring-part) of a transfer's fee, by the rail of the deposit.
RAIL_CHARGES = {"ach": "ach-fee", "wire": "wire-fee", "same-day": "same-day-fee"}
# The agreement's fixed fees a funding charges in the invoice's currency only.
FUNDING_FEE_KEYS = ("invoice-fee", "transfer-fee", "minimum-fee")
# What an item of a deposit is, for the message of a difference that is that item.
WHAT_IT_BRINGS = {"funding": "funding", "release": "release of the reserve"}
ORDER = (
    "advances",
    "discount fees",
    "invoice fees",
    "transfer fee",
    "reserve released",
    "late fees",
    "fuel advances recouped",
    "short pays",
    "chargebacks",
    "payments received for the factor",
    "buyout differences",
    "fees charged",
    "VAT on fees",
)


def settle_lump(settler: Settler, event: Event) -> None:
    """Split (or check) one lump sum and move the invoices it settles on."""
    agreement = settler.agreement_for(event)
    if agreement is None:
        return
    schedule = wires.one_schedule(settler, event)
    if schedule is not None and (event.factor or "", schedule) in settler.schedule_owed:
        _pay_the_rest(settler, event, agreement, schedule)
        return
    named = _what_it_settles(settler, event, agreement)
    if named is None:
        return
    rail, wanted, charges = named
    lump = _settles(settler, event, agreement, wanted, charges)
    if lump is None:
        return
    charges.extend(lump.deducted)
    expected = _expected_deposit(settler, event, agreement, lump, rail, charges)
    if expected is None:
        return
    currency, deposit = expected
    if schedule is not None:
        parted = _a_part(settler, event, agreement, schedule, rail, wanted, lump, deposit)
        if parted is None:
            return
        lump, deposit = parted
    from_reserve = _from_reserve(settler, event, agreement, rail, lump, deposit)
    if from_reserve is None:
        return
    lump, deposit, takes = from_reserve
    if not takes:
        lump, deposit = _netted_in_part(settler, event, agreement, rail, charges, lump, deposit)
        lump, deposit = _less_a_fee(settler, event, agreement, rail, lump, deposit)
    links = {
        *(charge.key for charge in lump.charges if charge.key),
        *(commit[1].invoice.number for commit in lump.commits),
        *(charge.key for charge in lump.deducted),
    }
    links |= {schedule_link(s) for s in {s for _, s, _ in wanted if s is not None}}
    if not write_deposit(settler, event, agreement, deposit, currency, links):
        return
    # (What the reserve was taken for, read before the commits drop the debts.)
    taken_for = _netted(*lump.commits[0][1:3])[0] if takes else ""
    _commit(settler, event, lump.commits)
    reserve_taken.give(settler, event, takes, taken_for)
    if event.index in settler.result.checked_legs:
        _hold_as_written(settler, event, agreement, lump.commits)
    still_open = settler.open_charges.get(event.factor or "", {})
    for charge in charges:
        charge.netted_on, charge.netted_by = event.date, event.entry
        still_open.pop(charge.key, None)


def _from_reserve(
    settler: Settler, event: Event, agreement: Agreement, rail: str, lump: Lump, deposit: Deposit
) -> tuple[Lump, Deposit, list[tuple[InvoiceState, Decimal]]] | None:
    """The deposit of debts (chargebacks, short pays) the factor took, all or in part, from
    the reserve it holds on other invoices (``reserve_taken.py``), and what it took of
    each; as it was, and nothing, for any other deposit; None after an error."""
    commits = lump.commits
    if lump.charges or lump.deducted or not commits:
        return lump, deposit, []
    if any(c[0] is not NET or _netted(c[1], c[2])[0] not in NETTED_IN_PART for c in commits):
        return lump, deposit, []
    taking = reserve_taken.written(settler, event, agreement, commits[0][1].currency)
    owed = -deposit.cash
    # What the reserve and your cash pay of the debts: all of them, or part (the rest
    # stays owed); more is not read so, and is compared as any deposit (FCT120).
    settled = taking.amount - taking.cash if taking is not None else ZERO
    if taking is None or settled > owed + settler.tolerance:
        return lump, deposit, []
    netted = [(commit[1], _netted(commit[1], commit[2])[0]) for commit in commits]
    found = reserve_taken.taken(settler, event, agreement, netted, taking)
    if found is None:
        return None
    legs, takes = found
    if settled < owed - settler.tolerance:
        lump = lump._replace(commits=_in_part(lump.commits, settled))
        expected = _expected_deposit(settler, event, agreement, lump, rail, [])
        if expected is None:
            return None
        deposit = expected[1]
    deposit.sums.extend(legs)
    before = deposit.legs
    cash = deposit.cash + taking.amount
    return lump, deposit._replace(cash=cash, legs=lambda: before() + legs), takes


def _less_a_fee(
    settler: Settler, event: Event, agreement: Agreement, rail: str, lump: Lump, deposit: Deposit
) -> tuple[Lump, Deposit]:
    """A release short of the reserves it releases by a fee already taken from the reserve
    (``reserve_fees.py``): those reserves less the fee. Else as it was."""
    commits = lump.commits
    if lump.charges or lump.deducted or not commits:
        return lump, deposit
    if any(commit[0] is not RELEASE for commit in commits):
        return lump, deposit
    cash = wires.single_cash(settler, event, agreement)
    if cash is None or deposit.cash - cash <= settler.tolerance:
        return lump, deposit
    currency = commits[0][1].currency
    charge = reserve_fees.less_a_fee(settler, event, agreement, deposit.cash - cash, currency)
    if charge is None:
        return lump, deposit
    fewer = lump._replace(charges=[charge])
    found = _expected_deposit(settler, event, agreement, fewer, rail, [charge])
    return (lump, deposit) if found is None else (fewer, found[1])


def _in_part(commits: list[Commit], amount: Decimal) -> list[Commit]:
    """The nettings of ``commits`` that ``amount`` pays, in their order: each whole while
    it lasts, the last in part (the rest of it stays owed)."""
    fewer: list[Commit] = []
    for action, state, detail, terms in commits:
        part, owed = _netted(state, detail)
        if amount <= 0:
            break
        fewer.append((action, state, (part, min(owed, amount)), terms))
        amount -= owed
    return fewer


def _a_part(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    schedule: str,
    rail: str,
    wanted: list[Wanted],
    lump: Lump,
    deposit: Deposit,
) -> tuple[Lump, Deposit] | None:
    """A deposit that names one schedule alone, short of its funding, with a later wire
    naming it too, is a part of it (``wires.py``): the invoices its amount funds whole,
    or the whole schedule with the rest owed. Else, or after an error, as it was."""
    accounts = frozenset(leg.account for leg in deposit.sums.firsts())
    cash = wires.single_cash(settler, event, agreement, accounts)
    if (
        cash is None
        or cash <= ZERO
        or cash >= deposit.cash - settler.tolerance
        or any(commit[0] is not FUND for commit in lump.commits)
    ):
        return lump, deposit
    currency = lump.commits[0][1].currency
    # (No transfer fee given, or one of another currency, is none: as _expected_deposit.)
    transfer = sum((leg.number for leg in P.transfer_fee_legs(agreement, currency, rail)), ZERO)
    later = wires.later_wires(settler, event, schedule)
    gap = deposit.cash - cash
    if not later or not wires.brings_the_rest(settler, agreement, later, accounts, gap, transfer):
        return lump, deposit
    if not lump.deducted:
        items = [
            (item.invoice, commit[1].invoice.entry.date, item.cash)
            for item, commit in zip(lump.items(), lump.commits, strict=True)
        ]
        whole = wires.whole_invoices(settler, event, items, cash, transfer)
        if whole is not None:
            chosen = [w for w in wanted if w[0].invoice.number in whole]
            fewer = _settles(settler, event, agreement, chosen, [])
            if fewer is None:
                return None
            found = _expected_deposit(settler, event, agreement, fewer, rail, [])
            return None if found is None else (fewer, found[1])
    # The whole schedule, what the deposit lacks owed by the factor on its clearing account.
    owed = deposit.cash - cash
    leg = P.Leg(agreement.clearing, owed, currency, "difference", None, schedule)
    deposit.sums.add(*leg)
    settler.result.left_open(agreement.clearing, owed, currency)
    settler.schedule_owed[(event.factor or "", schedule)] = ScheduleOwed(
        agreement.clearing, currency, deposit.cash, owed, [(event.date, cash)]
    )
    legs = deposit.legs
    return lump, deposit._replace(cash=cash, legs=lambda: [*legs(), leg])


# What a deposit may net of an invoice in instalments: a chargeback, a short pay the
# reserve could not cover (both owed on the clearing account).
NETTED_IN_PART = ("chargeback", "short-pay")


def _netted_in_part(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    rail: str,
    charges: list[Charge],
    lump: Lump,
    deposit: Deposit,
) -> tuple[Lump, Deposit]:
    """A deposit that nets what one invoice owes (a chargeback) and brings more than the
    agreement gives, by less than that, nets part of it: a factor that takes 500.00 of a
    950.00 chargeback from one deposit and the rest from the next, or a carrier that
    repays it in two payments. The rest stays owed. Else as it was."""
    nets = [i for i, commit in enumerate(lump.commits) if commit[0] is NET]
    if len(nets) != 1:
        return lump, deposit
    _, state, part, terms = lump.commits[nets[0]]
    if part not in NETTED_IN_PART:
        return lump, deposit
    accounts = frozenset(leg.account for leg in deposit.sums.firsts())
    cash = wires.single_cash(settler, event, agreement, accounts)
    owed = state.owed[str(part)]
    if cash is None or not settler.tolerance < cash - deposit.cash < owed:
        return lump, deposit
    commits = list(lump.commits)
    commits[nets[0]] = (NET, state, (str(part), owed - (cash - deposit.cash)), terms)
    fewer = lump._replace(commits=commits)
    found = _expected_deposit(settler, event, agreement, fewer, rail, charges)
    return (lump, deposit) if found is None else (fewer, found[1])


def _pay_the_rest(settler: Settler, event: Event, agreement: Agreement, schedule: str) -> None:
    """A later wire of a schedule funded in part: it pays what the factor still owes of
    it, less its own transfer fee; the last wire all of it (``FCT120`` if it differs)."""
    key = (event.factor or "", schedule)
    owed = settler.schedule_owed[key]
    rail = _rail(settler, event)
    currency, clearing = owed.currency, owed.clearing
    cash = wires.single_cash(settler, event, agreement, currency=currency)
    if rail is None:
        return
    if cash is None:
        settler.error(
            "FCT120",
            f"This deposit pays the rest of schedule {schedule} (wires of "
            f"{owed.described()}) but is not in {currency}, or converted at a price: write "
            f"it as one posting to {clearing} in {currency}, and the plugin books what it "
            "pays",
            event,
        )
        return
    fee_legs = P.transfer_fee_legs(agreement, currency, rail)
    fee = sum((leg.number for leg in fee_legs), ZERO)
    expected = owed.remaining - fee
    owed.wires.append((event.date, cash))
    settled = owed.remaining
    if ZERO < cash < expected - settler.tolerance and wires.later_wires(settler, event, schedule):
        settled = cash + fee  # (a later wire brings the rest)
        owed.remaining -= settled
    else:
        del settler.schedule_owed[key]
    legs = [P.Leg(clearing, -settled, currency, "difference", None, schedule), *fee_legs]
    sums = settler.sums(agreement)
    sums.extend(legs)
    settler.result.left_open(clearing, -settled, currency)
    difference = cash - (settled - fee)
    if abs(difference) > settler.tolerance:
        legs.append(P.Leg(clearing, -difference, currency, "difference", None, schedule))
        sums.add(*legs[-1])
        settler.result.left_open(clearing, -difference, currency)
        settler.error(
            "FCT120",
            f"This deposit differs from what is left of schedule {schedule} of "
            f"'{agreement.name}', paid in several wires that name it ({owed.described()}): "
            f"the first funded the schedule, {owed.funding:,.2f} {currency}, and left "
            f"the rest owed, which this wire should bring less its transfer fee "
            f"{fee:,.2f}: expected {settled - fee:,.2f} {currency}, received {cash:,.2f} "
            f"{currency}, difference {difference:+,.2f} {currency}. The difference is left "
            f"on {clearing}"
            + (
                f"; if the factor sends the rest in a later wire, book it naming schedule "
                f"{schedule} too"
                if difference < 0
                else ""
            ),
            event,
        )
        settled += difference
    deposit = Deposit(settled - fee, sums, lambda: legs, dict)
    write_deposit(settler, event, agreement, deposit, currency, {schedule_link(schedule)})


def _what_it_settles(
    settler: Settler, event: Event, agreement: Agreement
) -> tuple[str, list[Wanted], list[Charge]] | None:
    """The deposit's rail and what it settles, named or found by amount; None if nothing."""
    if event.unknown:
        if settler.waits_for_names(event):
            return None
        factor = event.factor or ""
        near = "".join(map(settler.unlinked_near, event.unknown))
        settler.error(
            "FCT132",
            f"Unknown invoice or schedule {', '.join(event.unknown)}: link an invoice "
            "number (^INV-1001) or a schedule (^sched-10452)"
            + "".join(
                link_hint(settler, factor, name) or own_link(settler.book, name)
                for name in event.unknown
            )
            + (near or carried_in(settler.book, event.date)),
            event,
        )
        return None
    rail = _rail(settler, event)
    wanted = _named(settler, event)
    charges = _named_charges(settler, event)
    if wanted is None or charges is None or rail is None:
        return None
    if not wanted and not charges:
        wanted, charges = allocate_lump(settler, event, agreement, rail)
        if not wanted and not charges:
            return None
    return rail, wanted, charges


class Lump(NamedTuple):
    """What one deposit settles, in the order its postings list it: the fees apart from
    invoices it names, what it does to each invoice, and the fees its fundings deduct."""

    agreement: Agreement
    charges: list[Charge]
    commits: list[Commit]
    deducted: list[Charge]
    # An invoice's terms as they charge its fees on the deposit's day (with the VAT of
    # their own line that day: ``Agreements.charged_on``).
    charged: Callable[[Agreement], Agreement] = lambda terms: terms

    def add_to(self, sink: P.Sink) -> Decimal:
        """Add the legs of everything settled to ``sink``; the cash they bring."""
        agreement = self.agreement
        cash = ZERO
        for charge in self.charges:
            cash += _add_charge(sink, agreement, charge)
        for action, state, detail, terms in self.commits:
            number, currency = state.invoice.number, state.currency
            if terms is not agreement:  # (the VAT of the deposit's day on its fees)
                terms = self.charged(terms)
            if action is FUND:
                assert isinstance(detail, P.Purchase)
                source = P.funding_source(terms, state.in_clearing, state.invoice.account)
                fuel = (state.fuel_account, state.fuel) if state.fuel else None
                found, _ = P.add_funding(
                    sink, terms, number, state.face, currency, source, state.schedule, detail, fuel
                )
            elif action is NET:
                part, owed = _netted(state, detail)
                found = P.add_netting(sink, terms, number, currency, owed, part)
            else:
                held, base, late = _released(state, detail)
                found, _ = P.add_release(sink, terms, number, currency, held, base, late)
            cash += found
        for charge in self.deducted:
            cash += _add_charge(sink, agreement, charge)
        return cash

    def items(self) -> list[P.Item]:
        """The items of ``add_to`` one by one, with the figures of each: only for the
        message of a deposit that differs."""
        agreement = self.agreement
        items = [_charge_item(agreement, charge) for charge in self.charges]
        for action, state, detail, terms in self.commits:
            number, currency = state.invoice.number, state.currency
            if terms is not agreement:  # (the VAT of the deposit's day on its fees)
                terms = self.charged(terms)
            if action is FUND:
                assert isinstance(detail, P.Purchase)
                source = P.funding_source(terms, state.in_clearing, state.invoice.account)
                fuel = (state.fuel_account, state.fuel) if state.fuel else None
                item, _ = P.funding_item(
                    terms, number, state.face, currency, source, state.schedule, detail, fuel
                )
            elif action is NET:
                part, owed = _netted(state, detail)
                item = P.netting_item(terms, number, currency, owed, part)
            else:
                held, base, late = _released(state, detail)
                item = P.release_item(terms, number, currency, held, base, late)
            items.append(item)
        items.extend(_charge_item(self.agreement, charge) for charge in self.deducted)
        return items


def _released(state: InvoiceState, detail: object) -> tuple[Decimal, Decimal, Decimal]:
    """What a release commit releases, and the fees it takes: the reserve held, less the
    fees due; or, released before the customer paid (``EARLY``), the part given."""
    if isinstance(detail, Decimal):
        return detail, ZERO, ZERO
    return state.held, state.base_fee, state.late_fee


def _netted(state: InvoiceState, detail: object) -> tuple[str, Decimal]:
    """The part a netting commit nets, and how much of it: all that is owed, unless the
    commit gives an amount (``_netted_in_part``)."""
    if isinstance(detail, tuple):
        return detail[0], detail[1]
    return str(detail), state.owed[str(detail)]


class Deposit(NamedTuple):
    """What the agreement gives for a deposit, as ``write_deposit`` writes or checks it."""

    cash: Decimal
    # Its legs summed as its postings show them (``detail``).
    sums: P.Sums
    # Its legs one by one, and its cash by what makes it up: worked out only for a
    # split written by hand, or for the message of a difference.
    legs: Callable[[], list[P.Leg]]
    figures: Callable[[], dict[str, Decimal]]
    # The dates of the earlier terms its invoices were bought under, for the message.
    older_terms: Callable[[], list[str]] = list
    # What it settles, item by item: for the message, which item a difference may be.
    items: Callable[[], list[P.Item]] = list
    # The fees apart from invoices it nets, and the transfer fee it takes (with its VAT):
    # for the message, a fee that may be the transfer's own (``transfer_hint``).
    charges: tuple[Charge, ...] = ()
    transfer: Decimal = ZERO


def deposit_of(
    settler: Settler, agreement: Agreement, legs: list[P.Leg], cash: Decimal, items: list[P.Item]
) -> Deposit:
    """The deposit of ``legs`` built already, bringing ``cash`` (made of ``items``)."""
    sums = settler.sums(agreement)
    sums.extend(legs)
    return Deposit(cash, sums, lambda: legs, lambda: _figures(items, ZERO, ZERO))


def _settles(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    wanted: list[Wanted],
    charges: list[Charge],
) -> Lump | None:
    """What the deposit settles, checked; None after an error."""
    commits: list[Commit] = []
    kind, factor = event.kind, event.factor
    for state, _, kinds in wanted:
        # (What _commits_for does for the two usual cases, an invoice not yet funded
        # that owes nothing, and the release of one collected that owes nothing, not
        # marked a part: one call less for every invoice.)
        if state.owed or state.factor not in (None, factor):
            found = _commits_for(settler, event, agreement, state, kinds)
        elif state.funded_on is None:
            if kind != "release" and (kinds is None or "funding" in kinds):
                found = _funding_commit(settler, event, agreement, state)
            else:
                found = _commits_for(settler, event, agreement, state, kinds)
        elif (
            (state.collected_on or state.lost_on)
            and not state.released_on
            and (state.held or state.base_fee or state.late_fee)
            and (kinds is None or "release" in kinds)
            and not _marked_partial(event)
        ):
            found = [(RELEASE, state, None, state.agreement or agreement)]
        else:
            found = _commits_for(settler, event, agreement, state, kinds)
        if found is None:
            return None
        commits.extend(found)
    deducted = _deducted_charges(settler, event, commits, charges)
    agreements, day = settler.book.agreements, event.date
    return Lump(
        agreement,
        list(charges),
        commits,
        deducted,
        lambda terms: agreements.charged_on(terms, day),
    )


def _add_charge(sink: P.Sink, agreement: Agreement, charge: Charge) -> Decimal:
    """Add the leg of a fee charged apart from any invoice that a deposit nets."""
    return P.add_netting(
        sink,
        agreement,
        charge.key,
        charge.currency,
        charge.amount,
        charge.part,
        charge=True,
        clearing=charge.clearing,
    )


def _charge_item(agreement: Agreement, charge: Charge) -> P.Item:
    """The item of a fee charged apart from any invoice that a deposit nets."""
    return P.netting_item(
        agreement,
        charge.key,
        charge.currency,
        charge.amount,
        charge.part,
        charge=True,
        clearing=charge.clearing,
    )


def _expected_deposit(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    lump: Lump,
    rail: str,
    charges: list[Charge],
) -> tuple[str, Deposit] | None:
    """The deposit's currency and what the agreement gives for it; None after an error."""
    currencies = {charge.currency for charge in charges}
    currencies |= {commit[1].currency for commit in lump.commits}
    if len(currencies) != 1:
        settler.error(
            "FCT134",
            f"One deposit settles items in {' and '.join(sorted(currencies))}: a bank line "
            "pays one currency; book one bank line per currency, each linking the invoices "
            "of its currency (a transfer the bank converted has its price on the bank "
            "posting: docs/ledger.md 6.13)",
            event,
        )
        return None
    currency = currencies.pop()
    # A wire's fee the factor listed as a deduction (a `charge: "wire"` fee event) is this
    # wire's fee: the deposit takes no other (it would be charged twice).
    terms_fee = None if _rail_fee_deducted(rail, charges) else agreement.rail_fee(rail)
    funds = any(commit[0] is FUND for commit in lump.commits)
    if terms_fee is not None and terms_fee.currency != currency and funds:
        key = next(
            key
            for key in ("same-day-fee", "wire-fee", "transfer-fee")
            if getattr(agreement, key.replace("-", "_")) is terms_fee
        )
        settler.error(
            "FCT134",
            f"Agreement '{agreement.name}' gives {key}: {terms_fee.number} "
            f"{terms_fee.currency}, "
            f"but this deposit funds invoices in {currency}; give the fee in {currency}",
            event,
        )
        return None
    sums = settler.sums(agreement)
    expected_cash = lump.add_to(sums)
    fee_legs: list[P.Leg] = []
    transfer, transfer_vat = ZERO, ZERO
    if funds and terms_fee is not None:
        # The transfer fee and the VAT on it (if the agreement gives a rate).
        fee_legs = P.transfer_fee_legs(agreement, currency, rail)
        sums.extend(fee_legs)
        transfer = sum((fee.number for fee in fee_legs if fee.part != "vat"), ZERO)
        transfer_vat = sum((fee.number for fee in fee_legs if fee.part == "vat"), ZERO)
        expected_cash -= transfer + transfer_vat

    def legs() -> list[P.Leg]:
        found = P.Legs()
        lump.add_to(found)
        return found + fee_legs

    def figures() -> dict[str, Decimal]:
        return _figures(lump.items(), transfer, transfer_vat)

    def older_terms() -> list[str]:
        dates = {terms.date for _, _, _, terms in lump.commits if terms is not agreement}
        return [str(date) for date in sorted(dates) if date != agreement.date]

    return currency, Deposit(
        expected_cash,
        sums,
        legs,
        figures,
        older_terms,
        lump.items,
        tuple(charges),
        transfer + transfer_vat,
    )


def _deducted_charges(
    settler: Settler, event: Event, commits: list[Commit], charges: list[Charge]
) -> list[Charge]:
    """The open charges deducted from the funding of the invoices this deposit funds
    (fee events that link the invoice, like a purchase report's wire fee), which it nets
    with them though it does not name them."""
    open_charges = settler.open_charges.get(event.factor or "", {})
    if not open_charges:
        return []
    taken = {charge.key for charge in charges}
    found = []
    for action, state, _, _ in commits:
        if action is not FUND:
            continue
        for charge in settler.invoice_charges.get(state.invoice.number, ()):
            if charge.key in open_charges and charge.key not in taken:
                taken.add(charge.key)
                found.append(charge)
    return found


def _rail_fee_deducted(rail: str, charges: list[Charge]) -> bool:
    """True if a deposit sent by ``rail`` nets a fee event of that rail's kind (a wire
    deposit and a `charge: "wire"`): that event is its transfer fee."""
    part = RAIL_CHARGES.get(rail)
    return part is not None and any(charge.part == part for charge in charges)


def _rail(settler: Settler, event: Event) -> str | None:
    """How the deposit was sent (``transfer:``): "ach" unless it says otherwise."""
    rail = event.entry.meta.get("transfer", "ach")
    if rail in RAILS:
        return str(rail)
    settler.error(
        "FCT134",
        f"transfer: {as_written(rail)} is not one of {', '.join(repr(r) for r in RAILS)}",
        event,
    )
    return None


def _named_charges(settler: Settler, event: Event) -> list[Charge] | None:
    """The fees charged apart from any invoice that a deposit names by their links."""
    open_charges = settler.result.charges.get(event.factor or "", {})
    found = []
    for key in event.charges:
        charge = open_charges.get(key)
        if charge is None or charge.netted_on is not None:
            source = settler.book.charge_sources.get((event.factor, key))
            later = (
                "; a monthly minimum dated the month's last day is worked out after that "
                "day's deposits: net it with a deposit of a later day"
                if charge is None and source is not None and source.date == event.date
                else ""
            )
            settler.error(
                "FCT133",
                f"Nothing of ^{key} is due in this deposit: no fee of "
                f"'{settler.book.agreements.display(event.factor)}' with that link is open "
                f"(already netted, or charged by another factor){later}",
                event,
            )
            return None
        found.append(charge)
    return found


def _figures(items: list[P.Item], transfer: Decimal, transfer_vat: Decimal) -> dict[str, Decimal]:
    """The expected cash by what makes it up, for the message of a difference."""
    figures: dict[str, Decimal] = {}
    for item in items:
        for name, value in item.figures().items():
            if value:
                figures[name] = figures.get(name, ZERO) + value
    if transfer:
        figures["transfer fee"] = -transfer
    if transfer_vat:
        figures["VAT on fees"] = figures.get("VAT on fees", ZERO) - transfer_vat
    return figures


def _commit(settler: Settler, event: Event, commits: list[Commit]) -> None:
    """Move each settled invoice on, once the whole deposit is booked."""
    date, entry, factor = event.date, event.entry, event.factor
    # The month's volume and discount fees, for the monthly minimums: summed here and
    # added once per deposit (this loop sees every invoice of the ledger).
    funded: dict[str, Decimal] = {}
    fees: dict[str, Decimal] = {}
    for action, state, detail, terms in commits:
        currency = state.currency
        if action is FUND:
            assert isinstance(detail, P.Purchase)
            state.factor, state.agreement = factor, terms
            state.funded_on, state.funded_by = date, entry
            state.purchase, state.held = detail, detail.reserve
            state.fuel, state.fuel_advances = ZERO, None
            funded[currency] = funded.get(currency, ZERO) + state.face
            fees[currency] = fees.get(currency, ZERO) + detail.discount_fee
        elif action is NET:
            part, netted = _netted(state, detail)
            if netted == state.owed[part]:
                state.drop_owed(part)
            else:  # (netted in part: the rest stays owed)
                state.set_owed(part, state.owed[part] - netted)
        elif action is EARLY:
            assert isinstance(detail, Decimal)
            state.held -= detail
        else:
            fees[currency] = fees.get(currency, ZERO) + state.base_fee + state.late_fee
            state.released_base, state.released_late = state.base_fee, state.late_fee
            state.held, state.base_fee, state.late_fee = ZERO, ZERO, ZERO
            state.released_on = date
            settler.fee_booked(state, date)
    month = month_of(date)
    volume = settler.result.volume
    for currency, face in funded.items():
        key = (factor or "", currency, month)
        volume[key] = volume.get(key, ZERO) + face
    for currency, fee in fees.items():
        settler.add_fees(factor, currency, date, fee)


def _hold_as_written(
    settler: Settler, event: Event, agreement: Agreement, commits: list[Commit]
) -> None:
    """A split written by hand, found right within the tolerance, holds in the reserve
    what it wrote: a reserve of 157.54 where the agreement gives 157.50 is the factor's
    figure, which its release pays back. The difference is the last funded invoice's,
    so that the releases, and the reserve account, come out even."""
    funded = [commit[1] for commit in commits if commit[0] is FUND]
    if not funded:
        return
    entry = settler.result.replaced.get(event.index, event.entry)
    written = sum(
        ((units_of(p) or (ZERO, ""))[0] for p in entry.postings if p.account == agreement.reserve),
        ZERO,
    )
    legs = settler.result.checked_legs[event.index]
    expected = sum((leg.number for leg in legs if leg.account == agreement.reserve), ZERO)
    difference = written - expected
    if difference and abs(difference) <= settler.tolerance:
        funded[-1].held += difference


def _named(settler: Settler, event: Event) -> list[Wanted] | None:
    """The invoices a lump sum names, each with the schedule it was named by."""
    wanted: dict[str, Wanted] = {}
    states, kind = settler.states, event.kind
    for schedule in event.schedules:
        numbers = settler.result.schedules.get((event.factor or "", schedule))
        if numbers is None:
            if waits_for_schedule(settler, event, schedule):
                return None
            settler.error(
                "FCT132",
                f"Unknown schedule {schedule} of "
                f"'{settler.book.agreements.display(event.factor)}': no schedule event before "
                f'{event.date} has schedule: "{schedule}"'
                + schedule_hint(settler, event.factor or "", schedule, event.date),
                event,
            )
            return None
        open_items = 0
        for number in numbers:
            state = states[number]
            # (An invoice not yet funded has work for a funding: tested before the call.)
            if (state.funded_on is None and kind != "release") or _has_work(state, kind):
                open_items += 1
                if number not in wanted:
                    wanted[number] = (state, schedule, None)
        if not open_items:
            if kind == "release" and _release_of_unfunded(settler, event, schedule, numbers):
                return None
            owed = settler.schedule_owed.get((event.factor or "", schedule))
            settler.error(
                "FCT133",
                f"Schedule {schedule} has nothing open to settle: every invoice in it is "
                "already funded or released"
                + (
                    f" (the factor still owes {owed.remaining:,.2f} {owed.currency} of its "
                    f"funding, after the wires of {owed.described()}: a wire that pays it "
                    "names the schedule alone, or with its invoices)"
                    if owed is not None
                    else returned_hint(settler, event, states[numbers[0]])
                ),
                event,
            )
            return None
    for number in event.invoices:
        if number not in wanted:
            wanted[number] = (states[number], None, None)
    return list(wanted.values())


def _release_of_unfunded(
    settler: Settler, event: Event, schedule: str, numbers: list[str]
) -> bool:
    """FCT133 on a deposit read as a release (its one posting to the factor's accounts is
    to the reserve) that names a schedule none of whose invoices is funded: most likely
    their funding, posted to the wrong account. Its invoices wait for it: their later
    events add no error of their own. False (nothing said) if one of them is funded."""
    states = [settler.states[number] for number in numbers]
    if any(state.funded_on for state in states):
        return False
    terms = states[0].agreement
    clearing = f" ({terms.clearing})" if terms is not None else ""
    settler.error(
        "FCT133",
        f"Schedule {schedule} is not funded yet ({', '.join(numbers)}), and this deposit is "
        "read as a release of reserve, as its one posting to the factor's accounts is to "
        f"the reserve account: if it is the schedule's funding, post it to the clearing "
        f"account{clearing}",
        event,
    )
    for number in numbers:
        settler.unsold.setdefault(number, event)
    return True


def _has_work(state: InvoiceState, kind: str) -> bool:
    """True if the invoice has something a deposit of ``kind`` may settle."""
    if kind == "release":
        return bool(state.owed) or bool(state.closed_on and not state.released_on)
    return (
        state.funded_on is None
        or bool(state.owed)
        or bool(state.closed_on and not state.released_on and state.reserve_due)
    )


def _passed_on_hint(owner: str, sender: str, number: str) -> str:
    """What to book when a factor sends you what the customer paid it for another
    factor's invoice (it paid the wrong factor): the cash is the owner's."""
    return (
        f"; if '{sender}' passed on to you a payment the customer made to it for {number}, "
        f"that cash is owed to '{owner}': book it as a bank line of its own marked "
        f'factoring: "misdirected-payment" linking ^{number}, and drop ^{number} here'
    )


def _renamed_hint(settler: Settler, owner: str, sender: Agreement) -> str:
    """What to write when the factor that sent a deposit for another factor's invoice
    may be that factor under a new name (its first agreement starts later): new terms of
    the old factor's agreement, with the new name's payee, not a factor of its own."""
    names = settler.book.agreements
    old_start, new_start = names.first_date(owner), names.first_date(sender.name)
    if old_start is None or new_start is None or new_start <= old_start:
        return ""
    pattern = sender.payee.pattern
    payee = f'payee: "{pattern}"' if "\\" not in pattern else "its payee:"
    return (
        f"; if '{names.display(sender.name)}' is '{names.display(owner)}' under a new name, "
        f"it holds what '{names.display(owner)}' bought: write no agreement of a factor of "
        f"its own, but new terms of '{names.display(owner)}' dated {new_start} (the same "
        f"name) with {payee} and any accounts that changed"
    )


def _commits_for(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    state: InvoiceState,
    kinds: frozenset[str] | None = None,
) -> list[Commit] | None:
    """What a deposit settles of one invoice (only ``kinds`` if given); None after an error."""
    number = state.invoice.number
    found: list[Commit] = []
    if state.factor is not None and state.factor != event.factor:
        names = settler.book.agreements
        held = others_fuel(settler, state, event)
        if held is not None:
            settler.error("FCT133", held, event)
            return None
        settler.error(
            "FCT133",
            f"Invoice {number} belongs to factor '{names.display(state.factor)}', "
            f"not to '{names.display(event.factor)}' who sent this deposit"
            + (
                f" ('{names.display(state.factor)}' bought it out, with what it owed "
                f"'{names.display(event.factor)}'; if '{names.display(event.factor)}' "
                "settled that itself, book this deposit on or before the buyout's day, or "
                "link the buyout to the invoices it takes)"
                if state.bought_from == event.factor
                else _passed_on_hint(
                    names.display(state.factor), names.display(event.factor), number
                )
                + _renamed_hint(settler, state.factor, agreement)
            ),
            event,
        )
        return None
    if (
        state.funded_on is None
        and event.kind != "release"
        and (kinds is None or "funding" in kinds)
    ):
        funding = _funding_commit(settler, event, agreement, state)
        if funding is None or not state.owed or not _nets_on_funding(event, state):
            return funding
        found.extend(funding)
    terms = state.agreement or agreement
    if state.owed and (kinds is None or "netting" in kinds):
        found.extend(
            (NET, state, part, terms)
            for part in sorted(state.owed)
            if _split_nets(event, number, part)
        )
    if (
        state.closed_on
        and not state.released_on
        and state.reserve_due
        and (kinds is None or "release" in kinds)
        and _split_releases(event, state)
    ):
        found.append((RELEASE, state, None, terms))
        if len(found) == 1 and (part := _part_of_due(settler, event, agreement, state)):
            return [(EARLY, state, part, terms)]
    if found:
        return found
    if _marked_partial(event):
        return _early_release(settler, event, agreement, state)
    _nothing_due(settler, event, state)
    return None


def _marked_partial(event: Event) -> bool:
    """True if the deposit is a release marked ``partial: TRUE``: part of a reserve."""
    return event.kind == "release" and event.entry.meta.get("partial") is True


def _part_of_due(
    settler: Settler, event: Event, agreement: Agreement, state: InvoiceState
) -> Decimal | None:
    """What a release marked ``partial: TRUE`` that links one collected invoice alone
    brings, when it is less than the release due (the reserve less the fees it pays): part
    of the reserve, the factor holding back the rest for a later release, which takes the
    fees. None for any other deposit: the release of all that is due, compared as usual."""
    number = state.invoice.number
    if not _marked_partial(event) or event.invoices != (number,) or event.schedules:
        return None
    cash = wires.single_cash(settler, event, agreement, currency=state.currency)
    due = state.held - state.base_fee - state.late_fee
    if cash is None or not 0 < cash < due - settler.tolerance:
        return None
    return cash


def _early_release(
    settler: Settler, event: Event, agreement: Agreement, state: InvoiceState
) -> list[Commit] | None:
    """Part of an invoice's reserve released before its customer paid (a release marked
    ``partial: TRUE`` that links the invoice alone): the deposit's cash, taken off what
    it holds; its release after the payment brings the rest. None after an error."""
    number = state.invoice.number
    cash = wires.single_cash(settler, event, agreement, currency=state.currency)
    if not state.funded_on or state.closed_on or state.charged_back_on:
        _nothing_due(settler, event, state)
        return None
    if event.invoices != (number,) or event.schedules or cash is None or cash <= 0:
        settler.error(
            "FCT133",
            f"Nothing of invoice {number} is due in this deposit: a release marked "
            "partial: TRUE releases part of the reserve of one invoice funded and not yet "
            f"paid, which it links alone (no schedule:), bringing cash in {state.currency}",
            event,
        )
        return None
    if cash > state.held + settler.tolerance:
        settler.error(
            "FCT140",
            f"This release of {cash:,.2f} {state.currency}, before the customer paid, is "
            f"more than invoice {number} holds ({state.held:,.2f} {state.currency}). The "
            "plugin books nothing of it",
            event,
        )
        settler.result.overdrawn.add(event.index)  # (said: not again as FCT141)
        return None
    return [(EARLY, state, min(cash, state.held), state.agreement or agreement)]


def _nets_on_funding(event: Event, state: InvoiceState) -> bool:
    """True if a deposit that funds an invoice nets what the invoice owes already (a
    customer's payment to you before the funding, misdirected.py): it links the invoice.
    One that names its schedule alone funds it, and the payment is forwarded apart."""
    number = state.invoice.number
    if number not in event.invoices:
        return False
    return any(_split_nets(event, number, part) for part in state.owed)


def _split_nets(event: Event, number: str, part: str) -> bool:
    """False if the deposit is one the plugin split already and its split does not net
    the invoice's debt of ``part``: no leg of that part naming the invoice, or naming
    none (summed over invoices, ``detail: "item"``). The plugin links every invoice a
    deposit settles, so the reports, settling its output again (a load from Beancount's
    cache), would read each of those links as the bookkeeper's, and net every debt."""
    legs = _split_legs(event.entry)
    return legs is None or (part, number) in legs or (part, None) in legs


def _split_releases(event: Event, state: InvoiceState) -> bool:
    """False if the deposit is one the plugin split already and its split does not
    release the invoice's reserve: no ``reserve-release`` leg naming it (or naming none,
    ``detail: "item"``), nor, for a reserve the fees take whole, a fee leg. The plugin
    links every invoice a deposit settles: read back, the link of an invoice whose short
    pay a funding netted would release its reserve too, which that deposit did not."""
    legs = _split_legs(event.entry)
    if legs is None:
        return True
    number = state.invoice.number
    parts = ("reserve-release",) if state.held else ("discount-fee", "late-fee")
    return any((part, number) in legs or (part, None) in legs for part in parts)


# The last deposit whose split legs were read, and them: a deposit's invoices are asked
# about one after the other, and reading its postings once for all keeps the pass linear
# (a deposit of many invoices split per invoice has a leg each). One tuple, replaced
# whole, so that two ledgers loaded at once (Fava's threads) never read each other's.
_LAST_SPLIT: list[tuple[object, frozenset[tuple[object, object]] | None]] = [(None, None)]


def _split_legs(entry: data.Transaction) -> frozenset[tuple[object, object]] | None:
    """The (part, invoice) of each leg of a deposit the plugin split already; None for a
    deposit as the bookkeeper wrote it."""
    last_entry, last_legs = _LAST_SPLIT[0]
    if last_entry is entry:
        return last_legs
    legs = None
    if split_by_plugin(entry):
        legs = frozenset(
            (meta.get("factoring-part"), meta.get("invoice"))
            for posting in entry.postings
            if (meta := posting.meta) and "factoring-part" in meta
        )
    _LAST_SPLIT[0] = (entry, legs)
    return legs


def _funding_commit(
    settler: Settler, event: Event, agreement: Agreement, state: InvoiceState
) -> list[Commit] | None:
    """The funding of one invoice not yet funded, checked; None after an error."""
    number = state.invoice.number
    if event.date < state.invoice.entry.date:
        settler.error(
            "FCT133",
            f"Invoice {number} cannot be funded on {event.date}: it is dated "
            f"{state.invoice.entry.date} ({where_written(state.invoice.entry)}); correct one "
            "of the two dates",
            event,
        )
        return None
    # (Both tests inline first: most invoices are in cents and held at no cost.)
    if (state.currency in NOT_CENTS or number in settler.book.costed) and (
        not_in_cents(settler, event, state) or at_cost(settler, event, state)
    ):
        return None
    terms = state.agreement or agreement
    invoice_fee, transfer_fee, currency = terms.invoice_fee, terms.transfer_fee, state.currency
    floor = terms.minimum_fee
    # (Most agreements charge in the invoices' currency: three tests, no loop.)
    if (
        (invoice_fee is not None and invoice_fee.currency != currency)
        or (transfer_fee is not None and transfer_fee.currency != currency)
        or (floor is not None and floor.currency != currency)
    ):
        _wrong_fee_currency(settler, event, terms, state)
        return None
    paid = state.collected_on or state.direct_paid >= state.face - settler.tolerance
    # A loan-model invoice paid in part while only on a schedule: the part is the
    # factor's once it funds the face, as a whole payment would be.
    pledged = terms.loan and state.scheduled_on and state.direct_paid > settler.tolerance
    if paid or pledged:
        settler.error("FCT131", _paid_before_funding(settler, state, terms), event)
        return None
    if state.direct_paid and paid_in_part(settler, event, state, "funded"):
        return None
    return [(FUND, state, state.split(terms), terms)]


def _paid_before_funding(settler: Settler, state: InvoiceState, terms: Agreement) -> str:
    """FCT131's message for a funding of an invoice already paid: to you, what that
    means (the factor advanced on an invoice it will not collect) and what to book."""
    said = f"Invoice {state.invoice.number} is already paid and cannot be funded"
    if state.collected_on or not state.direct_paid:
        return said
    paid = f"{state.direct_paid:,.2f} {state.currency}"
    if state.direct_paid < state.face - settler.tolerance:
        said = (
            f"Invoice {state.invoice.number} cannot be funded at its face "
            f"{state.face:,.2f} {state.currency}: its customer paid you {paid} of it"
        )
        paid = "that part"
    factor = settler.book.agreements.display(terms.name)
    when = ""
    if state.scheduled_on is not None and terms.loan:
        # Only pledged on a schedule, the invoice was the carrier's to collect (FCT133
        # refuses a misdirected-payment then): the funding is what makes the cash owed.
        when = (
            f"; only on schedule {state.schedule or state.scheduled_on} (loan model), it "
            "was yours to collect then"
        )
    return (
        f"{said}{'' if paid == 'that part' else f': its customer paid you {paid}'} (a "
        f"transaction with its link credits its receivable){when}. Funded now, {factor} has "
        f"advanced on {paid}, which its customer will not pay it, and needs it back: "
        f"the payment is owed to {factor}. To keep the funding, book that payment to a "
        f"liability account of your own (money owed to {factor}; not the agreement's "
        "due-to-factor account) instead of the receivable, without the invoice's link; "
        f"book your wire of it to {factor}, or the part of a later deposit that nets it, to "
        f'that account; and {factor}\'s report that the invoice is paid as a "collected" '
        "event, which repays the advance and clears the invoice"
    )


def _wrong_fee_currency(
    settler: Settler, event: Event, terms: Agreement, state: InvoiceState
) -> None:
    """FCT134: the agreement gives a fee of the funding in another currency than the
    invoice's (the first of the invoice fee, the transfer fee and the minimum fee that
    does), which would otherwise be left out of the split without a word."""
    currency = state.currency
    fee = terms.fee_elsewhere(FUNDING_FEE_KEYS, currency)
    settler.error(
        "FCT134",
        f"Agreement '{terms.name}' gives {fee}, but invoice {state.invoice.number} is in "
        f"{currency}; give the fee in {currency}",
        event,
    )


# The kinds of refused entry that may have closed an invoice: its customer's payment (a
# factoring: of no kind known may be one).
_CLOSINGS = frozenset(("collected", "misdirected-payment", "event"))


def _nothing_due(settler: Settler, event: Event, state: InvoiceState) -> None:
    """Report why a deposit that names an invoice settles nothing of it (nothing if it
    is not funded for a refused schedule or deposit, whose error speaks for it)."""
    number = state.invoice.number
    if not state.funded_on and not state.released_on and settler.waits_for_sale(state, event):
        return
    unfunded = ""
    if not state.funded_on:
        unfunded = settler.unfunded_hint(state, event) or settler.unallocated_hint(state, event)
    if event.kind == "release" and state.funded_on and not state.closed_on:
        refused = settler.refusals.root((number,), _CLOSINGS, event.date)
        if settler.waits_for(event, refused):
            return  # (Its collected event was refused: that error speaks for the release.)
        later = settler.closed_later(state, event)
        reason = f"the debtor has not paid the factor yet ({later or 'no collected event'})"
        reason += _early_hint(settler, event, state, release=True)
    elif state.released_on:
        reason = f"its reserve was already released on {state.released_on}"
    else:
        unfunded = unfunded or _funding_as_release(settler, event, state)
        reason = f"it is {state.describe()}{unfunded}"
    if state.released_on:
        code = "FCT140"
    elif state.funded_on and event.kind != "release":
        code = "FCT130"
    else:
        code = "FCT133"
    if code == "FCT130" and (hand := collection_hint(event.entry, state)):
        reason += f". {hand}"
    if code == "FCT130":
        reason += (
            returned_hint(settler, event, state)
            or bought_again_hint(settler, state)
            or _early_hint(settler, event, state)
        )
    settler.error(code, f"Nothing of invoice {number} is due in this deposit: {reason}", event)


def _funding_as_release(settler: Settler, event: Event, state: InvoiceState) -> str:
    """Words for a deposit not marked a release but read as one (its one posting to the
    factor's accounts is to the reserve) that names an invoice not funded: most likely
    the invoice's funding, posted to the reserve. The invoice's later events wait for it
    (their errors would follow from this one)."""
    if event.kind != "release" or state.funded_on or "factoring" in event.entry.meta:
        return ""
    settler.unsold.setdefault(state.invoice.number, event)
    terms = settler.book.agreements.in_force(event.factor or "", event.date)[1]
    clearing = f" ({terms.clearing})" if terms is not None else ""
    return (
        "; this deposit is read as a release of reserve, as its one posting to the factor's "
        "accounts is to the reserve account: if it is the invoice's funding, post it to the "
        f"clearing account{clearing}"
    )


def _early_hint(settler: Settler, event: Event, state: InvoiceState, release: bool = False) -> str:
    """What to write for a deposit (a ``release``) that links an invoice funded and not
    yet paid and brings less than its reserve: part of the reserve released early. (The
    whole reserve before the customer paid is more often a date typed wrong.)"""
    terms = state.agreement
    if terms is None or state.closed_on or state.charged_back_on or state.held <= 0:
        return ""
    cash = wires.single_cash(settler, event, terms, currency=state.currency)
    if cash is None or not 0 < cash < state.held:
        return ""
    mark = "partial: TRUE" if release else 'factoring: "release" and partial: TRUE'
    return (
        f". If the factor released part of its reserve ({state.held:,.2f} "
        f"{state.currency}) before the customer paid (an advance on the reserve), mark "
        f"this deposit {mark}, linking this invoice alone: its release after the "
        "payment then brings the rest"
    )


def returned_hint(settler: Settler, event: Event, state: InvoiceState) -> str:
    """What to write for an entry that takes back exactly the deposit that funded an
    invoice (its cash legs, negated): the bank returned that deposit, or the factor
    reversed its wire. The plugin undoes no funding; empty for any other entry."""
    funding, terms = state.funded_by, state.agreement
    if funding is None or terms is None:
        return ""
    own = terms.owned_set | settler.book.agreements.deposit_accounts(terms)
    taken = _cash_legs(event.entry, own)
    given = _cash_legs(funding, own)
    if not taken or any(n >= 0 for n in taken.values()):
        return ""
    if taken != {key: -number for key, number in given.items()}:
        return ""
    amount = ", ".join(f"{-n:,.2f} {currency}" for (_, currency), n in sorted(taken.items()))
    factor = settler.book.agreements.display(state.factor)
    where = f"{funding.meta.get('filename')}:{funding.meta.get('lineno')}"
    return (
        f". This entry takes back the {amount} of the deposit that funded it ({where}, "
        f"{funding.date}): if the bank returned that deposit (or {factor} reversed it), "
        f"the invoice is not funded, and the plugin undoes no funding. Book that deposit "
        f"and this entry to an account of your own instead of {terms.clearing} (a "
        "liability for returned deposits), naming nothing (no links, no schedule:): they "
        f"cancel there, and the invoice waits for the deposit {factor} sends again, "
        "linked as the returned one was"
    )


def _cash_legs(entry: Any, own: frozenset[str]) -> dict[tuple[str, str], Decimal]:
    """An entry's postings on accounts not the factor's (its cash), per account and
    currency."""
    legs: dict[tuple[str, str], Decimal] = {}
    for posting in entry.postings:
        units = posting.units
        if posting.account in own or units is None or units.number is None:
            continue
        key = (posting.account, units.currency)
        legs[key] = legs.get(key, ZERO) + units.number
    return {key: number for key, number in legs.items() if number}


def write_deposit(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    deposit: Deposit,
    currency: str,
    links: set[str],
) -> bool:
    """Write the split (or check the hand-written one); False if nothing was booked."""
    entry = settler.result.replaced.get(event.index, event.entry)
    sums = deposit.sums
    # (The factor's clearing and reserve accounts of earlier terms count too.)
    deposits = settler.book.agreements.deposit_accounts(agreement)
    accounts = agreement.owned_set | deposits | {p.account for p in sums.firsts()}
    own = [p for p in entry.postings if p.account in accounts]
    legs = [p for p in own if p.account in deposits]
    if len(legs) == len(own) <= 1:
        leg = legs[0] if legs else None
        number, leg_currency = (units_of(leg) if leg else None) or (ZERO, currency)
        if leg_currency != currency:
            settler.error(
                "FCT134",
                f"This deposit is in {leg_currency} but what it settles is in {currency}; "
                "book the deposit in the invoices' currency (with a price if it was converted)",
                event,
            )
            return False
        actual = -number
        kept = [p for p in entry.postings if p is not leg]
        if leg is not None and leg.price is not None:
            # Converted on the clearing leg (-880.00 CAD @ 0.70 USD): the leg stays, its
            # price balancing the bank's USD, and the split is written beside it against
            # a leg of the opposite amount, so the clearing account nets to the difference.
            kept = list(entry.postings)
            # (On the leg's own account: an earlier terms' clearing account, maybe.)
            sums.add(leg.account, actual, currency, "conversion")
        diff = actual - deposit.cash
        priced = any(posting.price is not None for posting in entry.postings)
        if diff and abs(diff) < HALF_CENT and priced and leg is not None and interpolated(leg):
            # Beancount filled the leg in from a converted bank amount (616.00 USD @@
            # 880.00 CAD gives -880.0000000000000000000000003 CAD): less than half a
            # cent is the price's arithmetic, not money (found by a review).
            actual, diff = deposit.cash, ZERO
        # (Cash in fractions of a cent is said once, for what it is: not as a difference.)
        said = (
            cash_fraction(settler, event, entry, accounts)
            if priced
            else fraction_of_cent(settler, event, actual, currency)
        )
        if abs(diff) > settler.tolerance:
            # Left open on the clearing account until the factor corrects it.
            sums.add(agreement.clearing, -diff, currency, "difference")
            settler.result.left_open(agreement.clearing, -diff, currency)
            if not said:
                _report_difference(settler, event, agreement, deposit, (entry, actual), currency)
        elif diff:
            # A tolerated rounding difference is the factor's to keep: a cost, unless it
            # is the VAT's (the factor rounds the VAT of the fees another way): then the
            # input VAT is what the factor charged, and the fees stay the agreement's.
            account = _rounding_account(agreement, deposit, diff, event)
            sums.add(account, -diff, currency, "rounding")
        settler.result.replaced[event.index] = rewritten(
            entry, entry.links | links, kept + sums.postings()
        )
        # The rounding leg may be the fees account's first use (found by fuzzing).
        settler.note_accounts(sums.firsts(), event.date, agreement)
    else:
        settler.compare(event, deposit.legs(), entry.postings, "FCT120", agreement)
        settler.result.replaced[event.index] = rewritten(entry, entry.links | links)
        settler.note_accounts(sums.firsts(), event.date, agreement)
    return True


def _report_difference(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    deposit: Deposit,
    received: tuple[data.Transaction, Decimal],
    currency: str,
) -> None:
    """FCT120 for a deposit that differs from what the agreement gives, with what the
    difference may be (an item unpaid, a rate rounded by the bank, the factor's rounding)."""
    entry, actual = received
    expected = deposit.cash
    diff = actual - expected
    older = deposit.older_terms()
    terms = f"{agreement.date}" + (
        f"; its invoices' own terms of {', '.join(older)}" if older else ""
    )
    items = deposit.items()
    owed = _owed_unnamed(settler, event, diff, currency)
    unpaid = _unpaid_item(event, items, diff, currency)
    rail = str(entry.meta.get("transfer", "ach"))
    hint = (
        owed + ("." if owed and unpaid else "") + unpaid
        or transfer_fee_hint(agreement, rail, deposit.charges, diff, deposit.transfer)
        or tiers_hint(settler, items, diff)
        or rounded_rate(entry, currency, abs(expected))
        or _rounding(agreement, items, diff, _vat_whole(agreement, deposit.legs(), event))
        or _part_hint(event, items, actual)
    )
    _report(
        settler, event, agreement, terms, (expected, actual), deposit.figures(), currency, hint
    )


def _report(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    terms: str,
    cash: tuple[Decimal, Decimal],
    figures: dict[str, Decimal],
    currency: str,
    hint: str = "",
) -> None:
    """Report (FCT120, FCT140) a deposit that differs from the agreement, item by item
    (``terms``: the dates of the terms applied; ``cash``: expected and received;
    ``hint``: what the difference may be)."""
    expected, actual = cash
    parts: list[str] = []
    for name in ORDER:
        value = figures.get(name, ZERO)
        if value:
            sign = "+" if value > 0 and parts else "-" if value < 0 else ""
            parts.append(f"{sign} {name} {abs(value):,.2f}".strip())
    releases_only = not {"advances", "chargebacks", "short pays", "buyout differences"} & set(
        figures
    )
    code = "FCT140" if releases_only and actual > expected else "FCT120"
    what = "release" if code == "FCT140" else "deposit"
    settler.error(
        code,
        f"This {what} differs from agreement '{agreement.name}' ({terms}): "
        f"expected {expected:,.2f} {currency} ({' '.join(parts)}), "
        f"received {actual:,.2f} {currency}, difference {actual - expected:+,.2f} {currency}. "
        f"The difference is left on {agreement.clearing}."
        + _vat_hint(figures.get("VAT on fees", ZERO), actual - expected, agreement)
        + hint,
        event,
    )


def _part_hint(event: Event, items: list[P.Item], actual: Decimal) -> str:
    """Say so when a deposit that links one collected invoice alone brings less than its
    release: the factor may have released part of the reserve, holding back the rest."""
    # (A tenth or more of the release missing, not cents or a fee: as _unpaid_item.)
    if len(items) != 1 or items[0].kind != "release" or not 0 < actual * 10 <= items[0].cash * 9:
        return ""
    if event.invoices != (items[0].invoice,) or _marked_partial(event):
        return ""
    mark = "partial: TRUE" if event.kind == "release" else 'factoring: "release" and partial: TRUE'
    return (
        f" If the factor released part of the reserve of {items[0].invoice} and holds back "
        f"the rest for a later release, mark this deposit {mark}: the later release then "
        "brings the rest"
    )


def _owed_unnamed(settler: Settler, event: Event, difference: Decimal, currency: str) -> str:
    """Say so when a deposit lacks exactly what an invoice it does not name owes the
    factor (a chargeback, a short pay, still to net): the factor netted it, and the
    deposit names it by its link."""
    named = set(event.invoices)
    found: list[tuple[str, str]] = []
    for number in settler.open_owed.get(event.factor or "", {}):
        state = settler.states[number]
        owed = sum(state.owed.values(), ZERO)
        if number in named or state.currency != currency or not owed or owed != -difference:
            continue
        what = " and ".join(P.OWED_WORDS.get(part, part) for part in sorted(state.owed))
        found.append((number, f"the {what} of {number}"))
    if not found:
        return ""
    amount = f"{-difference:,.2f} {currency}"
    if len(found) == 1:
        number, what = found[0]
        return (
            f" The difference is {what} ({amount}), still to net: if the factor netted it "
            f"from this deposit, link ^{number} on it"
        )
    return (
        f" The difference is what each of {', '.join(number for number, _ in found)} owes "
        f"({amount}), still to net: if the factor netted one of them from this deposit, "
        "link it on it"
    )


def _unpaid_item(event: Event, items: list[P.Item], difference: Decimal, currency: str) -> str:
    """Say so when a deposit lacks exactly what one of the invoices it names brings (a
    schedule the factor funded but in part): which, and how to book what was paid."""
    # (A funding or a release: a fee netted has no link of an invoice to leave out.)
    lacking = [
        item
        for item in items
        if item.kind in WHAT_IT_BRINGS and item.cash and item.cash == -difference
    ]
    later = ""
    # (A tenth or more of the funding missing, not cents or a fee: a wire still to come.)
    funding = sum((item.cash for item in items if item.kind == "funding"), ZERO)
    if -difference * 10 >= funding > 0 and len(event.schedules) == 1 and not event.invoices:
        later = (
            f" If the factor sends the rest in a later wire, book it naming schedule "
            f"{event.schedules[0]} too: the wires are then booked together"
        )
    if len(lacking) != 1 or len(items) < 2:
        return later
    item = lacking[0]
    what = WHAT_IT_BRINGS[item.kind]
    told = f" The difference is what the {what} of {item.invoice} brings "
    told += f"({item.cash:,.2f} {currency}): if this deposit does not pay it, "
    if item.invoice in event.invoices or not event.schedules:
        return told + f"leave ^{item.invoice} out of its links"
    paid = sorted({i.invoice for i in items if i is not item})
    links = " ".join(f"^{number}" for number in paid[:3]) + (" ..." if len(paid) > 3 else "")
    told += f"link the invoices it pays ({links}) instead of the schedule"
    return told + ("." + later if later else "")


def _rounding(
    agreement: Agreement, items: list[P.Item], difference: Decimal, vat_whole: bool
) -> str:
    """Say so when the difference is no more than a cent per invoice the deposit funds
    or releases: the factor's rounding (of the schedule's total fee rather than each
    invoice's, of the VAT of all the fees at once rather than each fee's, or half-even
    where the agreement says half-up), not a figure wrong."""
    invoices = sum(1 for item in items if item.kind in WHAT_IT_BRINGS)
    if not invoices or abs(difference) > CENT * invoices:
        return ""
    if vat_whole and _exact(agreement, items):
        return ""
    vat = "" if vat_whole else ", and the VAT on each fee line apart,"
    once = "" if vat_whole else " (or the VAT of all its fees at once)"
    return (
        " A difference of a cent or less per invoice may be rounding: the agreement rounds "
        f"each invoice's advance and fees{vat} to the cent "
        f'(rounding: "{agreement.rounding}"); a factor that rounds the deposit\'s total '
        f"instead{once}, or rounds another way, differs by such cents. Set the agreement's "
        "rounding to the factor's, or give the plugin a tolerance ('tolerance': '0.05') "
        "to book such cents to the fees account as rounding"
        + ("" if vat_whole else " (the VAT's rounding to the agreement's vat-account)")
    )


def _rounding_account(agreement: Agreement, deposit: Deposit, diff: Decimal, event: Event) -> str:
    """Where a difference within the tolerance goes: the fees account, as the factor's
    rounding, or the agreement's VAT account when it is the VAT's rounding: the VAT of
    the fees worked out at once (20.00 x 25.5% = 5.10) rather than per fee line (3.83 +
    1.28 = 5.11), or, when nothing but the VAT needed rounding, a VAT the factor may have
    rounded another way (each line down: 3.82 + 1.27 = 5.09; a VAT of 5.12 is none)."""
    vat_account = agreement.vat_account
    if not agreement.vat_rates or vat_account is None:
        return agreement.fees
    legs = deposit.legs()
    vat = [leg for leg in legs if leg.part == "vat" and leg.account == vat_account]
    if not vat or _vat_whole(agreement, legs, event):
        return agreement.fees
    rail = str(event.entry.meta.get("transfer", "ach"))
    by_rate: dict[Decimal, Decimal] = {}
    lines: list[Decimal] = []
    for leg in legs:
        rate = agreement.vat_rate(leg.part, rail) if leg.part != "vat" else ZERO
        if rate:
            by_rate[rate] = by_rate.get(rate, ZERO) + leg.number
            lines.append(leg.number * rate)
    per_line = sum((leg.number for leg in vat), ZERO)
    # What the factor charged as VAT, if the difference is the VAT's.
    charged = per_line - diff
    once = [fees * rate for rate, fees in by_rate.items()]
    if charged == sum((round_money(v, agreement.rounding) for v in once), ZERO):
        return vat_account
    items = deposit.items()
    if not items or not _exact(agreement, items):
        return agreement.fees
    least = min(_rounded_sum(lines, "down"), _rounded_sum(once, "down"))
    most = max(_rounded_sum(lines, "up"), _rounded_sum(once, "up"))
    return vat_account if least <= charged <= most else agreement.fees


def _rounded_sum(values: list[Decimal], way: str) -> Decimal:
    """The sum of ``values`` each rounded to the cent ``way`` ("down" or "up")."""
    mode = ROUND_FLOOR if way == "down" else ROUND_CEILING
    return sum((value.quantize(CENT, rounding=mode) for value in values), ZERO)


def _vat_whole(agreement: Agreement, legs: list[P.Leg], event: Event) -> bool:
    """True if the VAT on each fee leg of a deposit comes out in whole cents (20.00 at
    24%), so that rounding it per fee line or once gives the same: 15.00 at 25.5% is
    3.825, and the VAT rounded once may differ from the sum of each fee's."""
    if not agreement.vat_rates:
        return True
    rail = str(event.entry.meta.get("transfer", "ach"))
    for leg in legs:
        rate = agreement.vat_rate(leg.part, rail)
        if rate and not whole_units(leg.number * rate, leg.currency):
            return False
    return True


def _exact(agreement: Agreement, items: list[P.Item]) -> bool:
    """True if the deposit only funds invoices whose advance and fee at purchase come
    out in whole cents (1,000.00 at 95% and 2%): no rounding is in its figures."""
    if any(item.kind != "funding" for item in items):
        return False
    rate = agreement.fee.first_term_rate() if agreement.fee_timing == "purchase" else ZERO
    for item in items:
        face = -sum((leg.number for leg in item.postings if leg.part == "face"), ZERO)
        advance = face * agreement.advance_rate
        basis = face if agreement.fee_basis == "face" else advance.quantize(CENT)
        if not (whole_units(advance, item.currency) and whole_units(basis * rate, item.currency)):
            return False
    return True


def _vat_hint(vat: Decimal, difference: Decimal, agreement: Agreement) -> str:
    """Say so when the difference is the VAT on the fees, which the factor did not deduct."""
    if not vat or difference != -vat:
        return ""
    keys = ", ".join(key for key, _ in agreement.vat_rates)
    return (
        f" The difference is the VAT on the fees ({-vat:,.2f}), which the factor did not "
        f"deduct: if it charges no VAT on these fees, set {keys} to 0 in the agreement; "
        "else ask the factor for the VAT it owes"
    )


def _vat_note(agreement: Agreement) -> str:
    """Under VAT on the fees, recall that the open items are net of it."""
    if not agreement.vat_rates:
        return ""
    keys = ", ".join(key for key, _ in agreement.vat_rates)
    return (
        f" (the open items are net of the VAT on their fees, {keys}: a deposit that is "
        "more by that VAT was sent without deducting it)"
    )


def _reverses(settler: Settler, event: Event, account: str, units: tuple[Decimal, str]) -> bool:
    """Whether a deposit that names nothing and takes money back is the reversal of an
    earlier one still unallocated (a deposit entered twice, then reversed by hand): the
    two cancel on the clearing account and the bank, and neither waits any longer."""

    def reversed_by_this(earlier: Event) -> bool:
        found = [units_of(p) for p in earlier.entry.postings if p.account == account]
        return (
            earlier.factor == event.factor
            and len(found) == 1
            and found[0] == (-units[0], units[1])
        )

    waiting = settler.result.unallocated
    for position, earlier in enumerate(waiting):
        if reversed_by_this(earlier):
            del waiting[position]
            settler.result.reversals[event.index] = earlier.index
            return True
    # One that matched no open item when other items were open: its FCT101 goes too.
    for position, (earlier, error) in enumerate(settler.unmatched):
        if reversed_by_this(earlier):
            del settler.unmatched[position]
            errors = settler.result.errors
            errors[:] = [e for e in errors if e is not error]
            settler.result.reversals[event.index] = earlier.index
            return True
    return False


def allocate_lump(
    settler: Settler, event: Event, agreement: Agreement, rail: str = "ach"
) -> tuple[list[Wanted], list[Charge]]:
    """Find by amount what a deposit that names nothing settles.

    Returns the invoices and the fees apart from invoices to settle, or empty
    lists after reporting why not (FCT101, FCT102) or noting the deposit as
    waiting for its items (FCT103).
    """
    entry = event.entry
    # (The factor's clearing and reserve accounts of earlier terms count too.)
    deposits = settler.book.agreements.deposit_accounts(agreement)
    own = [p for p in entry.postings if p.account in agreement.owned_set or p.account in deposits]
    if len(own) > 1 or (own and own[0].account not in deposits):
        settler.error(
            "FCT101",
            "This deposit names nothing it settles and is split by hand; link the invoices "
            '(^INV-1001) or give schedule: "10452" so it can be checked',
            event,
        )
        return [], []
    units = units_of(own[0]) if own else None
    amount = -units[0] if units else ZERO
    currency = units[1] if units else None
    if own and interpolated(own[0]) and abs(amount - amount.quantize(CENT)) < HALF_CENT:
        # Filled in by Beancount from a converted bank amount (616.00 USD @@ 880.00 CAD
        # gives -880.0000000000000000000000003 CAD): the price's arithmetic, not money.
        amount = amount.quantize(CENT)
    # A take-back may reverse a deposit still waiting, once no open item explains it.
    reverses = units is not None and amount < 0
    candidates, members = open_items(settler, event, agreement, currency)
    if not candidates:
        if units and reverses and _reverses(settler, event, own[0].account, units):
            return [], []
        refused = settler.refused_schedule(event)
        if refused is not None:
            # Nothing open, and a schedule refused before it: most likely what it pays
            # for, and that schedule's error speaks for it (no FCT103 later).
            settler.waits(event, refused)
        else:
            settler.result.unallocated.append(event)
        return [], []
    result = _match(settler, event, agreement, rail, candidates, amount, currency)
    if result.ambiguous:
        options = "; or ".join(" + ".join(c.label for c in group) for group in result.ambiguous)
        settler.error(
            "FCT102",
            f"This deposit of {amount:,.2f} {currency} fits more than one set of open items "
            f"of '{agreement.name}': {options}. Link what it settles (the invoices, "
            "^sched- and the number of a schedule, or the link of a fee), or give "
            "schedule:",
            event,
        )
        return [], []
    chosen = result.chosen
    if not chosen:
        if units and reverses and _reverses(settler, event, own[0].account, units):
            return [], []
        found = (result, candidates, members)
        chosen = _unmatched(settler, event, agreement, rail, found, amount, currency)
        if not chosen:
            return [], []
    wanted: list[Wanted] = []
    charges: list[Charge] = []
    for candidate in chosen:
        member = members[candidate.key]
        if isinstance(member, list):
            wanted.extend(member)
        else:
            charges.append(member)
    return wanted, charges


def _unmatched(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    rail: str,
    found: tuple[Allocation, list[Candidate], dict[str, Any]],
    amount: Decimal,
    currency: str | None,
) -> tuple[Candidate, ...]:
    """The items of a deposit that names nothing and matches no open item: the releases
    it pays less a fee the reserve account no longer holds (``reserve_fees.py``); else
    none, after FCT101."""
    result, candidates, members = found
    less_fee = reserve_fees.release_less_fee(
        settler, event, agreement, candidates, amount, currency
    )
    if less_fee is not None and less_fee.chosen:
        return less_fee.chosen

    def numbers(candidate: Candidate) -> list[str]:
        member = members[candidate.key]
        return [m[0].invoice.number for m in member] if isinstance(member, list) else []

    settler.error(
        "FCT101",
        f"This deposit of {amount:,.2f} {currency} matches no open item of "
        f"'{agreement.name}'; the closest are: {_misses(result, amount, currency)}. "
        "Link what it settles or "
        "correct the amount"
        + _vat_note(agreement)
        + reserve_fees.reserve_fee_hint(less_fee, numbers, currency)
        + unmatched_transfer_hint(settler, agreement, rail, result, members, currency)
        + unmatched_tiers_hint(settler, result, members)
        + _refused_schedule_hint(settler, event),
        event,
    )
    if amount > 0:
        settler.unmatched.append((event, settler.result.errors[-1]))
    return ()


def _refused_schedule_hint(settler: Settler, event: Event) -> str:
    """Words for a deposit that matches nothing open while a schedule of its factor was
    refused before it: that schedule, which it may pay for."""
    where = settler.refused_schedule(event, files=True)
    if where is None:
        return ""
    return (
        f"; the schedule event at {where} was not booked, for the error reported there: if "
        "this deposit pays for it, correct that first"
    )


def _misses(result: Allocation, amount: Decimal, currency: str | None) -> str:
    """The closest sets of an FCT101, each with what it is worth and how far that is from
    the deposit: the distance alone, beside a reserve, read as the reserve's amount."""
    fee = result.transfer_fee
    words = []
    for group, diff in result.closest:
        after = (
            f" after the {fee:,.2f} transfer fee" if fee and any(c.funding for c in group) else ""
        )
        how = "more" if diff > 0 else "less"
        words.append(
            f"{' + '.join(c.label for c in group)}, worth {amount + diff:,.2f} {currency}{after} "
            f"({abs(diff):,.2f} {how} than this deposit)"
        )
    return "; ".join(words)


def _match(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    rail: str,
    candidates: list[Candidate],
    amount: Decimal,
    currency: str | None,
) -> Allocation:
    """The open items that add up to the deposit's amount, less any transfer fee."""
    # The transfer fee with the VAT on it, as a funding deposit lacks it; first none
    # when a fee event of the deposit's rail is open (a wire fee the factor listed as a
    # deduction: it is the fee, among the candidates), then the rail's if that fits nothing.
    part = RAIL_CHARGES.get(rail)
    deducted = part is not None and any(
        charge.part == part for charge in settler.open_charges.get(event.factor or "", {}).values()
    )
    transfer = sum(
        (fee.number for fee in P.transfer_fee_legs(agreement, currency or "", rail)), ZERO
    )
    for fee in (ZERO, transfer) if deducted and transfer else (transfer,):
        result = allocate(
            candidates,
            amount,
            fee,
            settler.tolerance,
            settler.config.max_candidates,
            settler.config.max_subset,
        )
        if result.chosen or result.ambiguous:
            break
    return result
