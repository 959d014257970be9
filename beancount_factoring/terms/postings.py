"""The postings each factoring event becomes, in the sale and the loan model.

Take invoice INV-1001, $2,000 to TQL, bought by a factor that advances 95%
with a flat 2% fee at purchase and a $25 wire fee. The schedule moves the
invoice to the factor's clearing account::

    Assets:Factoring:RTS:Clearing     2000.00 USD   ; invoice: "INV-1001"
    Assets:Receivable:TQL            -2000.00 USD

and the factor's deposit of $1,835 is split so that the clearing account nets
to zero and each cost lands where it belongs::

    Assets:Bank:Checking              1835.00 USD
    Assets:Factoring:RTS:Clearing    -2000.00 USD   ; factoring-part: "face"
    Expenses:Factoring:RTS:Fees         40.00 USD   ; factoring-part: "discount-fee"
    Assets:Factoring:RTS:Reserve       100.00 USD   ; factoring-part: "reserve"
    Expenses:Factoring:RTS:Fees         25.00 USD   ; factoring-part: "transfer-fee"

Under the loan model (``model: "loan"``, a secured borrowing) the invoice
stays on the receivable account until the debtor pays. The schedule moves
nothing; the deposit's face leg goes to the agreement's ``advances`` liability
instead of the clearing or receivable account::

    Assets:Bank:Checking              1835.00 USD
    Liabilities:Factoring:RTS:Advances -2000.00 USD ; factoring-part: "face"
    Expenses:Factoring:RTS:Fees         40.00 USD   ; factoring-part: "discount-fee"
    Assets:Factoring:RTS:Reserve       100.00 USD   ; factoring-part: "reserve"
    Expenses:Factoring:RTS:Fees         25.00 USD   ; factoring-part: "transfer-fee"

and the debtor's payment to the factor clears both sides::

    Liabilities:Factoring:RTS:Advances  2000.00 USD ; factoring-part: "collection"
    Assets:Receivable:TQL             -2000.00 USD  ; factoring-part: "collection"

A chargeback repays the advance (Advances +face) where the sale model takes
the invoice back (Receivable +face). Fees, reserve, clearing and bank postings
are the same in both models, so both give the same cash and the same fees.

Where the agreement gives a VAT rate on a fee (``fee-vat: 0.255``: a
Finnish factor's commission bears VAT), each fee leg brings its VAT, rounded
per leg, to the agreement's ``vat-account``; the factor deducts it with the
fee, so the deposit is that much less (``vat_legs``)::

    Expenses:Factoring:RTS:Fees         40.00 EUR   ; factoring-part: "discount-fee"
    Assets:Tax:VAT:Input                10.20 EUR   ; factoring-part: "vat"

Each builder here is pure: it reads an invoice's state and returns an
``Item`` (postings, the cash it adds to a lump sum, and the figures for the
error message); ``settlement/engine.py`` decides when to apply it. A deposit
of a thousand invoices needs only their sums: ``add_funding``, ``add_release``
and ``add_netting`` put the same legs into a ``Sums``, which adds them up as
they come, and the ``Item`` of each invoice is built only for the message of
a deposit that differs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from beancount.core.amount import Amount
from beancount.core.data import Posting

from beancount_factoring.errors import as_written
from beancount_factoring.terms.agreement import Agreement
from beancount_factoring.terms.fees import round_money

ZERO = Decimal(0)
PARTS = (
    "face",
    "discount-fee",
    "invoice-fee",
    "transfer-fee",
    "ach-fee",
    "wire-fee",
    "same-day-fee",
    "reserve",
    "reserve-release",
    "late-fee",
    "chargeback",
    "chargeback-fee",
    "short-pay",
    "overpay",
    "recovery",
    "collection",
    "difference",
    "rounding",
    "conversion",
    "fuel-advance",
    "fuel-advance-fee",
    "fuel-advance-recoup",
    "credit-loss",
    "minimum-volume-fee",
    "minimum-fee",
    "other-fee",
    "deduction",
    "buyout",
    "buyout-fee",
    "misdirected-payment",
    "accrued-fee",
    "accrued-fee-reversal",
    "vat",
)
# The parts of the fees a factor charges apart from any invoice (and of a deduction from a
# funding that is no fee, owed as they are).
CHARGE_PARTS = (
    "minimum-volume-fee",
    "minimum-fee",
    "other-fee",
    "ach-fee",
    "wire-fee",
    "same-day-fee",
    "buyout-fee",
    "deduction",
)


DETAILS = ("invoice", "item")
# The parts summed under ``detail: "item"`` whatever their account: the VAT on the
# fees, and an invoice's whole face leaving its receivable (or the factor's account).
SUMMED_PARTS = frozenset(("vat", "face"))


class Leg(NamedTuple):
    """A posting the plugin will write, with what it is for."""

    account: str
    number: Decimal
    currency: str
    part: str
    invoice: str | None = None
    schedule: str | None = None


leg = Leg


def _posting(account: str, number: Decimal, currency: str, meta: dict[str, str]) -> Posting:
    # tuple.__new__ skips Amount's type assertions (number is a Decimal here) and the
    # named tuples' argument handling: a deposit of a schedule writes hundreds of these.
    units = tuple.__new__(Amount, (number, currency))
    return tuple.__new__(Posting, (account, units, None, None, None, meta))


def materialize(legs: list[Leg], detail: str, grouped: frozenset[str]) -> list[Posting]:
    """Turn legs into postings: one per invoice and part, or one per item and part.

    With ``detail: "item"``, the legs to the accounts in ``grouped`` (the
    factor's clearing, reserve and fee accounts) are summed per account, part
    and schedule, so a deposit that funds a schedule of forty invoices is six
    postings, not a hundred and sixty. So are the legs that take an invoice's
    whole face off its receivable (part ``face``: the sale model's schedule, a
    funding straight out of the receivable): one credit per customer account
    and schedule, which the reports share out exactly, each invoice by its face
    (``reports/facts.py``). Every other receivable leg (a collection, a short
    pay, a chargeback...) stays one per invoice. The invoices are still named
    by the transaction's links.
    """
    if detail == "invoice":
        return [_leg_posting(item) for item in legs]
    sums = Sums(grouped)
    sums.extend(legs)
    return sums.postings()


class Sink(Protocol):
    """Where a builder puts the legs it makes: kept one by one (``Legs``) or summed (``Sums``)."""

    def add(
        self,
        account: str,
        number: Decimal,
        currency: str,
        part: str,
        invoice: str | None = None,
        schedule: str | None = None,
    ) -> None: ...


class Legs(list[Leg]):
    """A sink that keeps every leg, in order."""

    def add(
        self,
        account: str,
        number: Decimal,
        currency: str,
        part: str,
        invoice: str | None = None,
        schedule: str | None = None,
    ) -> None:
        self.append(tuple.__new__(Leg, (account, number, currency, part, invoice, schedule)))


class Sums:
    """A sink that sums legs as they come into the postings ``materialize`` writes.

    Given ``grouped`` (``detail: "item"``), the legs to those accounts, and every
    leg of a part in ``SUMMED_PARTS`` (VAT, an invoice's whole face), are summed per
    account, currency, part and schedule: a group of one
    leg is written as that leg, naming its invoice; a group that sums to zero is
    left out; each group is written where its first leg came. The other legs, and
    every leg when ``grouped`` is None (``detail: "invoice"``), are written one by
    one. A deposit of a thousand invoices thus keeps a handful of sums, not a
    thousand legs.
    """

    __slots__ = ("grouped", "groups", "slots")

    def __init__(self, grouped: frozenset[str] | None) -> None:
        self.grouped = grouped
        # In the legs' order: a leg written alone, or a group's [total, first leg, alone].
        self.slots: list[Leg | list[Any]] = []
        self.groups: dict[tuple[str, str, str, str | None], list[Any]] = {}

    def add(
        self,
        account: str,
        number: Decimal,
        currency: str,
        part: str,
        invoice: str | None = None,
        schedule: str | None = None,
    ) -> None:
        # (The leg is made only when it is kept: every leg of a ledger
        # comes here, and most of them only add to a group.)
        grouped = self.grouped
        if grouped is not None and (account in grouped or part in SUMMED_PARTS):
            key = (account, currency, part, schedule)
            group = self.groups.get(key)
            if group is not None:
                group[0] += number
                group[2] = False
                return
            item = tuple.__new__(Leg, (account, number, currency, part, invoice, schedule))
            self.groups[key] = group = [number, item, True]
            self.slots.append(group)
        else:
            self.slots.append(
                tuple.__new__(Leg, (account, number, currency, part, invoice, schedule))
            )

    def extend(self, legs: Iterable[Leg]) -> None:
        """Add each of ``legs``."""
        add = self.add
        for item in legs:
            add(*item)

    def firsts(self) -> list[Leg]:
        """The first leg of each group and every leg written alone, in order: their
        accounts are those of all the legs, in the order the legs first use them."""
        return [slot[1] if isinstance(slot, list) else slot for slot in self.slots]

    def postings(self) -> list[Posting]:
        """The postings of the legs added so far."""
        postings = []
        for slot in self.slots:
            if not isinstance(slot, list):
                postings.append(_leg_posting(slot))
                continue
            total, first, alone = slot
            if alone:
                # A group of one invoice is written as in "invoice" detail, naming it.
                postings.append(_leg_posting(first))
            elif total:
                meta = {"schedule": first.schedule} if first.schedule is not None else {}
                meta["factoring-part"] = first.part
                postings.append(_posting(first.account, total, first.currency, meta))
        return postings


def _leg_posting(item: Leg) -> Posting:
    """The posting of one leg, naming its invoice and schedule."""
    meta = {"invoice": item.invoice} if item.invoice is not None else {}
    if item.schedule is not None:
        meta["schedule"] = item.schedule
    meta["factoring-part"] = item.part
    return _posting(item.account, item.number, item.currency, meta)


@dataclass(slots=True)
class Item:
    """What one invoice contributes to a lump sum."""

    kind: str
    invoice: str
    currency: str
    postings: list[Leg] = field(default_factory=list)
    cash: Decimal = ZERO
    # The amounts behind ``cash``, named by ``figures()`` only for an error message.
    amounts: tuple[Decimal, ...] = ()
    part: str = ""
    # The VAT on the fees among ``postings``, already taken off ``cash``.
    vat: Decimal = ZERO

    def figures(self) -> dict[str, Decimal]:
        """What makes up the cash, by name, as the error messages list it."""
        named = self._figures()
        if self.vat:
            named["VAT on fees"] = -self.vat
        return named

    def _figures(self) -> dict[str, Decimal]:
        if self.kind == "funding":
            advance, discount, invoice_fee, fuel = self.amounts
            return {
                "advances": advance,
                "discount fees": -discount,
                "invoice fees": -invoice_fee,
                "fuel advances recouped": -fuel,
            }
        if self.kind == "release":
            held, base, late = self.amounts
            return {"reserve released": held, "discount fees": -base, "late fees": -late}
        name = {
            "chargeback": "chargebacks",
            "short-pay": "short pays",
            "overpay": "overpayments",
            "misdirected-payment": "payments received for the factor",
            "buyout": "buyout differences",
        }.get(self.part, "fees charged")
        return {name: -self.amounts[0]}


def vat_legs(agreement: Agreement, legs: list[Leg], rail: str = "ach") -> list[Leg]:
    """The VAT on each fee among ``legs``, one leg per fee leg, to the input-VAT account.

    A fee leg (discount, late, invoice, transfer... fee) whose kind has a VAT
    rate in the agreement (``fee-vat: 0.255``) brings the VAT on it: the fee
    times the rate, rounded to cents per fee leg with the agreement's rounding
    (half-up unless it says otherwise): 15.00 x 0.255 = 3.825 -> 3.83. The
    factor deducts fee + VAT from its deposit; the VAT is deductible input
    VAT, an asset, not a cost. Part ``vat``, naming the fee's invoice.
    """
    account = agreement.vat_account
    if not agreement.vat_rates or account is None:
        return []
    found = []
    for item in legs:
        if item.part == "vat":
            continue
        rate = agreement.vat_rate(item.part, rail)
        vat = round_money(item.number * rate, agreement.rounding) if rate else ZERO
        if vat:
            found.append(Leg(account, vat, item.currency, "vat", item.invoice, item.schedule))
    return found


def _add_vat(
    sink: Sink,
    agreement: Agreement,
    fees: tuple[tuple[Decimal, str], ...],
    currency: str,
    invoice: str,
    schedule: str | None = None,
) -> Decimal | None:
    """Add the VAT on one item's ``fees`` (amount, part), as ``vat_legs`` gives it, to
    ``sink``; their sum, or None if there is none (the item's cash is then left as is)."""
    account = agreement.vat_account
    if not agreement.vat_rates or account is None:
        return None
    total = None
    for number, part in fees:
        rate = agreement.vat_rate(part)
        vat = round_money(number * rate, agreement.rounding) if rate else ZERO
        if vat:
            sink.add(account, vat, currency, "vat", invoice, schedule)
            total = (ZERO if total is None else total) + vat
    return total


def fee_vat(agreement: Agreement, part: str, fee: Decimal) -> Decimal:
    """The VAT on one fee of kind ``part``, rounded as ``vat_legs`` rounds it."""
    rate = agreement.vat_rate(part)
    if not rate or agreement.vat_account is None:
        return ZERO
    return round_money(fee * rate, agreement.rounding)


class Purchase(NamedTuple):
    """The agreement's split of one invoice at purchase."""

    advance: Decimal
    reserve: Decimal
    discount_fee: Decimal
    invoice_fee: Decimal

    @property
    def cash(self) -> Decimal:
        return self.advance - self.discount_fee - self.invoice_fee

    @property
    def face(self) -> Decimal:
        """The face the factor bought, which its time-based fee is a rate of: the
        invoice's, or of one bought out after its customer paid us a part, what was
        left unpaid (``handlers/buyout.py``)."""
        return self.advance + self.reserve


def purchase_split(agreement: Agreement, face: Decimal, currency: str) -> Purchase:
    """Split an invoice's face into advance, reserve and the fees taken at purchase.

    Kept on the agreement per face and currency: a ledger bills the same amounts again
    and again. (The key is the face's text: 100.0 and 100.00 are equal Decimals whose
    splits are written with different digits; one table per currency, so that a face
    billed once costs its text alone.)
    """
    splits = agreement.memo.get(("purchase_split", currency))
    if splits is None:
        splits = agreement.memo[("purchase_split", currency)] = {}
    text = str(face)
    split = splits.get(text)
    if split is None:
        split = splits[text] = _purchase_split(agreement, face, currency)
    return split


def _purchase_split(agreement: Agreement, face: Decimal, currency: str) -> Purchase:
    rounding = agreement.rounding
    advance = round_money(face * agreement.advance_rate, rounding)
    reserve = face - advance
    basis = face if agreement.fee_basis == "face" else advance
    upfront = agreement.fee.first_term_rate() if agreement.fee_timing == "purchase" else ZERO
    discount = round_money(basis * upfront, rounding)
    if agreement.fee_timing == "purchase":
        discount = max(discount, minimum_fee(agreement, currency))
    invoice_fee = ZERO
    if agreement.invoice_fee is not None and agreement.invoice_fee.currency == currency:
        invoice_fee = agreement.invoice_fee.number or ZERO
    # (tuple.__new__: the named tuple's own __new__ is Python code, and an agreement
    # works out a split for each face it has not seen.)
    return tuple.__new__(Purchase, (advance, reserve, discount, invoice_fee))


def funding_cash(agreement: Agreement, split: Purchase) -> Decimal:
    """The cash a funding brings: the advance less the fees taken and the VAT on them."""
    vat = fee_vat(agreement, "discount-fee", split.discount_fee) + fee_vat(
        agreement, "invoice-fee", split.invoice_fee
    )
    return split.cash - vat


def release_cash(agreement: Agreement, held: Decimal, base: Decimal, late: Decimal) -> Decimal:
    """The cash a release brings: the reserve less the fees due and the VAT on them."""
    vat = fee_vat(agreement, "discount-fee", base) + fee_vat(agreement, "late-fee", late)
    return held - base - late - vat


def fee_due(
    agreement: Agreement,
    face: Decimal,
    advance: Decimal,
    funded: datetime.date,
    until: datetime.date,
    already: Decimal,
    currency: str | None = None,
) -> Decimal:
    """The discount fee still due for an invoice paid (or charged back) on ``until``.

    The whole fee is at least the agreement's ``minimum-fee`` in ``currency``.
    """
    if agreement.fee_all_at_purchase:
        return ZERO  # All of it was taken at funding.
    basis = face if agreement.fee_basis == "face" else advance
    days = max((until - funded).days, 0)
    total = round_money(basis * agreement.fee.rate_for_days(days), agreement.rounding)
    total = max(total, minimum_fee(agreement, currency))
    return max(total - already, ZERO)


def minimum_fee(agreement: Agreement, currency: str | None) -> Decimal:
    """The least discount fee the agreement charges an invoice (``minimum-fee``)."""
    floor = agreement.minimum_fee
    if floor is None or floor.currency != currency or floor.number is None:
        return ZERO
    return floor.number


def funding_source(agreement: Agreement, in_clearing: bool, receivable: str) -> str:
    """The account a funding takes an invoice's face from.

    Sale model: the clearing account if a schedule moved the invoice there,
    else its receivable. Loan model: the advances liability, always.
    """
    if agreement.loan:
        return agreement.advances
    return agreement.clearing if in_clearing else receivable


def funding_item(
    agreement: Agreement,
    invoice: str,
    face: Decimal,
    currency: str,
    source_account: str,
    schedule: str | None,
    split: Purchase | None = None,
    fuel: tuple[str, Decimal] | None = None,
) -> tuple[Item, Purchase]:
    """The postings for buying one invoice, out of the clearing or receivable account.

    ``split`` is the factor's own figures, when its report gave them; otherwise
    the agreement's. ``fuel`` is the fuel advance on the invoice's load still to
    recoup (its account and amount): the factor keeps it out of the funding.
    """
    if split is None:
        split = purchase_split(agreement, face, currency)
    legs = Legs()
    cash, vat = add_funding(
        legs, agreement, invoice, face, currency, source_account, schedule, split, fuel
    )
    recouped = fuel[1] if fuel is not None and fuel[1] else ZERO
    amounts = (split.advance, split.discount_fee, split.invoice_fee, recouped)
    return Item(
        "funding", invoice, currency, legs, cash, amounts, vat=ZERO if vat is None else vat
    ), split


def add_funding(
    sink: Sink,
    agreement: Agreement,
    invoice: str,
    face: Decimal,
    currency: str,
    source_account: str,
    schedule: str | None,
    split: Purchase,
    fuel: tuple[str, Decimal] | None,
) -> tuple[Decimal, Decimal | None]:
    """Add the legs of ``funding_item`` to ``sink``; the cash they bring and their VAT."""
    sink.add(source_account, -face, currency, "face", invoice, schedule)
    if split.discount_fee:
        sink.add(agreement.fees, split.discount_fee, currency, "discount-fee", invoice, schedule)
    if split.invoice_fee:
        sink.add(
            agreement.invoice_fee_account,
            split.invoice_fee,
            currency,
            "invoice-fee",
            invoice,
            schedule,
        )
    if split.reserve:
        sink.add(agreement.reserve, split.reserve, currency, "reserve", invoice, schedule)
    recouped = ZERO
    if fuel is not None and fuel[1]:
        recouped = fuel[1]
        sink.add(fuel[0], recouped, currency, "fuel-advance-recoup", invoice, schedule)
    cash = split.cash - recouped
    if not agreement.vat_rates:
        return cash, None
    fees = ((split.discount_fee, "discount-fee"), (split.invoice_fee, "invoice-fee"))
    vat = _add_vat(sink, agreement, fees, currency, invoice, schedule)
    return (cash if vat is None else cash - vat), vat


def base_and_late(
    agreement: Agreement, split: Purchase, due: Decimal, currency: str | None
) -> tuple[Decimal, Decimal]:
    """Split the fee still due at collection into its base and its late part.

    With ``fee-timing: "purchase"`` the base (first term) was taken at funding,
    so all that is due is late. With ``"collection"`` the first term is the base
    discount fee and only the rest is late; but a fee that is no more than the
    agreement's ``minimum-fee`` in ``currency`` is the minimum, all of it discount fee
    (a flat 1% of 1,000.00 raised to a 25.00 minimum: 25.00 of discount fee, no late
    fee). A fee above the minimum is split as if there were none (1% + 1% + 1% of
    1,000.00 after 74 days of a "tiered 1%/30d + 1%/30d": 10.00 discount fee, 20.00 late).
    """
    if agreement.fee_timing == "purchase":
        return ZERO, due
    floor = minimum_fee(agreement, currency)
    if floor and due + split.discount_fee <= floor:
        return due, ZERO
    basis = split.advance + split.reserve if agreement.fee_basis == "face" else split.advance
    base = min(round_money(basis * agreement.fee.first_term_rate(), agreement.rounding), due)
    return base, due - base


def release_item(
    agreement: Agreement,
    invoice: str,
    currency: str,
    held: Decimal,
    base_fee: Decimal,
    late_fee: Decimal,
) -> Item:
    """The postings for a reserve released after collection, less the fees still due."""
    legs = Legs()
    cash, vat = add_release(legs, agreement, invoice, currency, held, base_fee, late_fee)
    amounts = (held, base_fee, late_fee)
    return Item(
        "release", invoice, currency, legs, cash, amounts, vat=ZERO if vat is None else vat
    )


def add_release(
    sink: Sink,
    agreement: Agreement,
    invoice: str,
    currency: str,
    held: Decimal,
    base_fee: Decimal,
    late_fee: Decimal,
) -> tuple[Decimal, Decimal | None]:
    """Add the legs of ``release_item`` to ``sink``; the cash they bring and their VAT."""
    if held:
        sink.add(agreement.reserve, -held, currency, "reserve-release", invoice)
    if base_fee:
        sink.add(agreement.fees, base_fee, currency, "discount-fee", invoice)
    if late_fee:
        sink.add(agreement.fees, late_fee, currency, "late-fee", invoice)
    cash = held - base_fee - late_fee
    if not agreement.vat_rates:
        return cash, None
    fees = ((base_fee, "discount-fee"), (late_fee, "late-fee"))
    vat = _add_vat(sink, agreement, fees, currency, invoice)
    return (cash if vat is None else cash - vat), vat


def netting_item(
    agreement: Agreement,
    invoice: str,
    currency: str,
    owed: Decimal,
    part: str,
    charge: bool = False,
    clearing: str = "",
) -> Item:
    """The postings for a chargeback or uncovered short pay deducted from this lump sum.

    A payment for the invoice that reached us (part ``misdirected-payment``) is
    netted from the factor's due-to-factor liability, not from the clearing account.
    With ``charge``, ``invoice`` is the link of a fee the factor charged apart
    from any invoice (a monthly minimum, a buyout fee), which the posting
    names as its ``charge``, not as an invoice.
    """
    legs = Legs()
    cash = add_netting(legs, agreement, invoice, currency, owed, part, charge, clearing)
    return Item("netting", invoice, currency, legs, cash, (owed,), part)


def add_netting(
    sink: Sink,
    agreement: Agreement,
    invoice: str,
    currency: str,
    owed: Decimal,
    part: str,
    charge: bool = False,
    clearing: str = "",
) -> Decimal:
    """Add the leg of ``netting_item`` to ``sink``; the cash it brings (less: it is owed).
    (``clearing``: the account a fee apart from any invoice is owed on, if not the
    agreement's.)"""
    account = agreement.due_to_factor if part == "misdirected-payment" else agreement.clearing
    account = clearing or account
    sink.add(account, owed, currency, part, None if charge else invoice)
    return -owed


def transfer_fee_posting(agreement: Agreement, currency: str, rail: str = "ach") -> Leg | None:
    """The per-deposit transfer fee of ``rail``, if the agreement has one in this currency."""
    fee = agreement.rail_fee(rail)
    if fee is None or not fee.number or fee.currency != currency:
        return None
    return leg(agreement.transfer_fee_account, fee.number, currency, "transfer-fee")


def transfer_fee_legs(agreement: Agreement, currency: str, rail: str = "ach") -> list[Leg]:
    """The transfer fee of ``rail`` (if any) and the VAT on it: what a funding deposit lacks."""
    fee = transfer_fee_posting(agreement, currency, rail)
    if fee is None:
        return []
    return [fee, *vat_legs(agreement, [fee], rail)]


def collection_postings(
    agreement: Agreement,
    invoice: str,
    currency: str,
    short: Decimal,
    held: Decimal,
    netted: bool = False,
    credit_account: str = "",
) -> tuple[list[Leg], Decimal]:
    """The postings for a short (or over) payment by the debtor.

    The shortfall is contra-revenue on the adjustments account; the factor takes
    it from the invoice's reserve, and what the reserve cannot cover from the
    next lump sum (through the clearing account). An excess (``short`` below
    zero) is not revenue: it is the customer's money, owed back to it on
    ``credit_account`` (part ``overpay``), and the factor adds it to the
    reserve. With ``netted`` (the agreement's ``short-pay-from: "funding"``)
    all of it, short or over, waits for the next lump sum. Every leg of a short
    pay is part ``short-pay``, every leg of an overpay part ``overpay``.

    Returns:
      The postings and the part taken from the reserve.
    """
    if not short:
        return [], ZERO
    from_reserve = ZERO if netted else min(short, held) if short > 0 else short
    part = owed_part(short)
    if short > 0:
        postings = [leg(agreement.adjustments, short, currency, part, invoice)]
    else:
        postings = [leg(credit_account, short, currency, part, invoice)]
    if from_reserve:
        postings.append(leg(agreement.reserve, -from_reserve, currency, part, invoice))
    rest = short - from_reserve
    if rest:
        postings.append(leg(agreement.clearing, -rest, currency, part, invoice))
    return postings, from_reserve


def owed_part(short: Decimal) -> str:
    """The part of a payment's difference from the face: a short pay, or an overpay."""
    return "short-pay" if short > 0 else "overpay"


# How a deposit's message and its candidates name what an invoice owes, by part.
OWED_WORDS = {
    "short-pay": "short pay",
    "overpay": "overpayment",
    "chargeback": "chargeback",
    "buyout": "buyout",
    "misdirected-payment": "payment received for the factor",
}


def recovery_postings(
    agreement: Agreement,
    invoice: str,
    currency: str,
    recovered: Decimal,
    owed: Decimal,
    excess: tuple[str, Decimal],
) -> tuple[list[Leg], Decimal, Decimal]:
    """The postings for a short pay the customer pays later (``additional-payment``).

    What is recovered reverses the short pay's adjustment (revenue again). The
    factor first owes us less of what it still wants for that short pay
    (``owed``, on clearing), and holds the rest in the reserve, to release.
    ``excess`` (its account and amount) is what the customer paid beyond the
    short pay: owed back to the customer, held in the reserve too. The loan
    model writes the same: the short pay already cleared its receivable.

    Returns:
      The postings, the part that reduces what is owed, the part added to the reserve.
    """
    to_clearing = min(recovered, max(owed, ZERO))
    credit_account, extra = excess
    to_reserve = recovered - to_clearing + extra
    postings = [leg(agreement.adjustments, -recovered, currency, "recovery", invoice)]
    if to_clearing:
        postings.append(leg(agreement.clearing, to_clearing, currency, "recovery", invoice))
    if to_reserve:
        postings.append(leg(agreement.reserve, to_reserve, currency, "recovery", invoice))
    if extra:
        postings.append(leg(credit_account, -extra, currency, "overpay", invoice))
    return postings, to_clearing, to_reserve


def partial_postings(
    agreement: Agreement, invoice: str, currency: str, paid: Decimal, receivable: str
) -> list[Leg]:
    """The postings for a part of the face the debtor paid the factor (``partial: TRUE``).

    Under the sale model none: the invoice is the factor's. Under the loan model
    the part repays as much of the advance and clears as much of the receivable.
    """
    if not agreement.loan:
        return []
    return [
        leg(agreement.advances, paid, currency, "collection", invoice),
        leg(receivable, -paid, currency, "collection", invoice),
    ]


def loan_collection_postings(
    agreement: Agreement,
    invoice: str,
    currency: str,
    face: Decimal,
    paid: Decimal,
    receivable: str,
    sale_legs: list[Leg],
) -> list[Leg]:
    """The postings of a debtor's payment to the factor under the loan model.

    What the debtor paid, up to the face, repays the advance and clears the
    receivable (part ``collection``). A shortfall also leaves the receivable
    (to the adjustments account, as in the sale model: ``sale_legs``) and is
    taken off the advance, since the factor recovers it from the reserve or
    from the next lump sum. An overpayment is as in the sale model.
    """
    cleared = min(paid, face)
    legs: list[Leg] = []
    if cleared:
        legs.append(leg(agreement.advances, cleared, currency, "collection", invoice))
        legs.append(leg(receivable, -cleared, currency, "collection", invoice))
    short = face - paid
    if short > 0:
        legs.append(sale_legs[0])
        legs.append(leg(receivable, -short, currency, "short-pay", invoice))
        legs.append(leg(agreement.advances, short, currency, "short-pay", invoice))
        legs.extend(sale_legs[1:])
    else:
        legs.extend(sale_legs)
    return legs


def recourse_receivable(agreement: Agreement, account: str) -> str:
    """The receivable a chargeback moves an invoice on ``account`` to: the customer's
    under the agreement's ``recourse-receivables``, else ``account`` itself."""
    if agreement.recourse_receivables:
        return f"{agreement.recourse_receivables}:{account.rsplit(':', 1)[-1]}"
    return account


def chargeback_postings(
    agreement: Agreement,
    invoice: str,
    currency: str,
    face: Decimal,
    receivable: str,
    held: Decimal,
    fee: Decimal,
    moved_from: str | None = None,
) -> tuple[list[Leg], Decimal]:
    """The postings for an invoice the factor sells back to us.

    We own the claim on the debtor again (receivable +face); the factor keeps
    the reserve it held and any fee accrued so far, and recovers the rest from
    the next lump sum (clearing). Under the loan model the claim never left
    our books: the advance is repaid instead (advances +face), and the
    receivable only moves from ``moved_from`` when the agreement names
    ``recourse-receivables``.

    Returns:
      The postings and the amount owed to the factor through clearing.
    """
    fee_legs = [leg(agreement.fees, fee, currency, "chargeback-fee", invoice)] if fee else []
    fee_legs += vat_legs(agreement, fee_legs)
    owed = face - held + sum((item.number for item in fee_legs), ZERO)
    if agreement.loan:
        postings = [leg(agreement.advances, face, currency, "chargeback", invoice)]
        if moved_from is not None and moved_from != receivable:
            postings.append(leg(receivable, face, currency, "chargeback", invoice))
            postings.append(leg(moved_from, -face, currency, "chargeback", invoice))
    else:
        postings = [leg(receivable, face, currency, "chargeback", invoice)]
    if held:
        postings.append(leg(agreement.reserve, -held, currency, "chargeback", invoice))
    postings.extend(fee_legs)
    postings.append(leg(agreement.clearing, -owed, currency, "chargeback", invoice))
    return postings, owed


def factor_split(meta: dict[str, object], terms: Purchase, currency: str) -> Purchase | str | None:
    """The factor's own figures for one invoice, from posting metadata.

    A purchase report gives, per invoice, ``advance``, ``fee`` and ``reserve``
    (amounts, or plain numbers in the invoice's currency). What it leaves out is
    taken from the agreement's split ``terms``. Returns None when the posting
    carries none of them, and a message when they cannot be used.
    """
    if not meta or not any(key in meta for key in ("advance", "fee", "reserve")):
        return None
    found: dict[str, Decimal] = {}
    for key in ("advance", "fee", "reserve"):
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, Amount):
            if value.currency != currency:
                return f"{key} is in {value.currency}, the invoice in {currency}"
            value = value.number
        if not isinstance(value, Decimal):
            return f"{key} {as_written(value)} is not an amount"
        found[key] = value
    face = terms.advance + terms.reserve
    advance = found.get("advance")
    reserve = found.get("reserve")
    if advance is None:
        advance = face - reserve if reserve is not None else terms.advance
    if reserve is None:
        reserve = face - advance
    if advance + reserve != face:
        return f"advance {advance:,.2f} + reserve {reserve:,.2f} is not the face {face:,.2f}"
    fee = found.get("fee")
    if fee is None:
        return Purchase(advance, reserve, terms.discount_fee, terms.invoice_fee)
    # A report's fee includes the per-invoice fee: that part still goes to the
    # invoice-fee account, and only the rest counts as the discount fee (which a
    # time-based fee at collection then takes as already paid).
    invoice_fee = min(terms.invoice_fee, fee) if fee > 0 else ZERO
    return Purchase(advance, reserve, fee - invoice_fee, invoice_fee)


def credit_loss_postings(
    agreement: Agreement,
    invoice: str,
    currency: str,
    face: Decimal,
    held: Decimal,
    fees: tuple[Decimal, Decimal],
    receivable: str,
) -> tuple[list[Leg], Decimal, Decimal]:
    """The postings for an invoice a non-recourse factor writes off: the debtor is insolvent.

    The factor absorbs the advance. We lose what it keeps: the fees (``fees``,
    the discount and late parts accrued to the day, on the fees account) and,
    unless the agreement says ``reserve-on-loss: "released"``, the reserve,
    whose part beyond the fees is a credit loss. Fees beyond the reserve are
    owed through the clearing account. Under the loan model the receivable we
    still carry is written off against the advance the factor forgives.

    Returns:
      The postings, what is owed through clearing, and the credit loss.
    """
    legs: list[Leg] = []
    if agreement.loan:
        legs.append(leg(agreement.advances, face, currency, "credit-loss", invoice))
        legs.append(leg(receivable, -face, currency, "credit-loss", invoice))
    if agreement.reserve_on_loss == "released":
        return legs, ZERO, ZERO
    base, late = fees
    if held:
        legs.append(leg(agreement.reserve, -held, currency, "credit-loss", invoice))
    fee_legs = [
        leg(agreement.fees, amount, currency, part, invoice)
        for amount, part in ((base, "discount-fee"), (late, "late-fee"))
        if amount
    ]
    fee_legs += vat_legs(agreement, fee_legs)
    legs.extend(fee_legs)
    lost = held - sum((item.number for item in fee_legs), ZERO)
    if lost > 0:
        legs.append(leg(agreement.credit_losses, lost, currency, "credit-loss", invoice))
    elif lost < 0:
        legs.append(leg(agreement.clearing, lost, currency, "credit-loss", invoice))
    return legs, max(-lost, ZERO), max(lost, ZERO)
