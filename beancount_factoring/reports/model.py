"""The typed results of the four factoring reports (SPEC §5).

Every result is a frozen dataclass: money is ``Decimal`` (unrounded; round
half-up to cents only to show it), dates are ``datetime.date``, sequences are
tuples. The Fava pages and the ``bean-factoring`` CLI only read these; they
are built by ``beancount_factoring.reports.compute`` (``ReportBook``), which
reads the ledger once and answers each report for any as-of date.

Names are stable: later versions may add fields, never rename them. Factor
names are shown as the agreement first wrote them ("Lakeshore"); customers are
the leaf of the receivable account unless the invoice says ``customer:``.
An invoice number is also its Beancount link (``^RF-1003``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)

# ---------------------------------------------------------------------------------------------
# Reserve
# ---------------------------------------------------------------------------------------------

AWAITING_COLLECTION = "awaiting collection"
RELEASE_DUE = "release due"
OVERDUE = "overdue"
FORFEITED = "forfeited"
RELEASED = "released"
RESERVE_STATUSES = (AWAITING_COLLECTION, RELEASE_DUE, OVERDUE, FORFEITED, RELEASED)
"""The statuses of an invoice's reserve, in the order the reports show them."""
RESERVE_OPEN = (AWAITING_COLLECTION, RELEASE_DUE, OVERDUE)
"""The statuses of a reserve not back yet (``bean-factoring reserve --open``)."""

FORFEIT_CHARGEBACK = "chargeback"
FORFEIT_SHORT_PAY = "short-pay"
FORFEIT_CREDIT_LOSS = "credit-loss"


@dataclass(frozen=True)
class Source:
    """Where something is written: a file and a line (0 when unknown)."""

    filename: str
    lineno: int

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno}"


@dataclass(frozen=True)
class BalancePoint:
    """An account's balance at the end of a day on which it changed."""

    date: datetime.date
    balance: Decimal


@dataclass(frozen=True)
class ReserveInvoice:
    """The reserve of one funded invoice as of the report's date.

    ``reserve`` is what the factor held back at funding; ``held`` what is on the
    reserve account for it as of the date (after a short pay taken from it,
    zero once released or charged back); ``fees_due`` the time-based fees the
    factor will deduct at release; ``due_back`` = ``held`` - ``fees_due``
    (less the VAT on them, when the agreement gives a rate), what the release
    should pay (negative when the fees exceed the reserve).
    ``accrued_fee`` is the fee incurred to the report's date and not yet
    expensed: for an invoice awaiting collection, the fee the agreement gives
    if it were paid on that date less what was taken at funding; once
    collected, ``fees_due``; zero once released, charged back or written off.
    ``forfeited`` is the part of the reserve the factor kept against a
    chargeback, a short pay or a credit loss, ``forfeit_reason`` says which
    (``"chargeback"``, ``"short-pay"`` or ``"credit-loss"``), or None, and
    ``forfeited_on`` the day it did (the chargeback, the collection or the credit
    loss), or None.

    ``status`` is one of ``RESERVE_STATUSES``:
    awaiting collection (funded, the customer has not paid the factor);
    release due (collected, reserve not back yet, not past release-days);
    overdue (collected more than release-days ago, reserve not back);
    forfeited (charged back, written off as a credit loss, or a short pay took
    the whole reserve);
    released (the reserve came back).

    ``expected_release``: collected invoices, ``collected_on`` + release-days
    (``collected_on`` itself when the agreement gives no release-days);
    uncollected ones, the expected collection date + release-days, where the
    expected collection is the invoice's ``due`` date if it has one, else the
    funding date + the customer's average days from funding to collection so
    far (30 days when the customer has no collected invoice yet). None once
    released or forfeited. ``days_overdue`` counts days past release-days
    (0 unless overdue). ``released_on``: the day the reserve came back; None for a
    forfeited one (a deposit that only netted its invoice's fees released nothing).
    """

    invoice: str
    customer: str
    factor: str
    currency: str
    face: Decimal
    reserve: Decimal
    held: Decimal
    fees_due: Decimal
    due_back: Decimal
    accrued_fee: Decimal
    forfeited: Decimal
    forfeit_reason: str | None
    status: str
    invoice_date: datetime.date
    funded_on: datetime.date
    collected_on: datetime.date | None
    expected_release: datetime.date | None
    released_on: datetime.date | None
    days_overdue: int
    source: Source
    forfeited_on: datetime.date | None = None

    @property
    def expected_cash(self) -> Decimal:
        """The former name of ``due_back``."""
        return self.due_back


@dataclass(frozen=True)
class FactorReserve:
    """One factor's reserve in one currency.

    ``held`` is the sum of the invoices' ``held``; ``account_balance`` the
    balance of the factor's reserve account(s) from the ledger's postings as of
    the date (on an account factors share, the factor's own postings; those no entry
    gives to a factor make a line of their own, ``factor`` ``NO_FACTOR``);
    ``unexplained`` = ``account_balance`` - ``held`` (zero on a ledger whose reserve
    postings all come from the plugin's splits; a release that matched nothing or a
    hand-written reserve posting shows here).
    ``history`` is the account balance at the end of each day it changed, up
    to the date. ``by_status`` sums ``held`` per status: awaiting collection,
    release due and overdue always, forfeited and released only if one of their
    invoices still holds something (they hold nothing: their 0.00 beside the forfeited
    figure would read as a contradiction). ``due_back`` is what the
    releases due and overdue should pay (``held`` less ``fees_due`` and its VAT);
    ``accrued_fees`` the sum of the invoices' ``accrued_fee``, and
    ``held_net_of_fees`` = ``held`` - ``accrued_fees``, what the reserve is worth
    once the factor has taken the fees incurred so far (the VAT it deducts on them is
    not taken off: it is reclaimed as input VAT, not a cost); ``forfeited`` the sum of
    the invoices' ``forfeited``.
    """

    factor: str
    currency: str
    accounts: tuple[str, ...]
    held: Decimal
    account_balance: Decimal
    unexplained: Decimal
    due_back: Decimal
    accrued_fees: Decimal
    held_net_of_fees: Decimal
    forfeited: Decimal
    by_status: tuple[tuple[str, Decimal], ...]
    history: tuple[BalancePoint, ...]
    invoices: tuple[ReserveInvoice, ...]

    @property
    def expected_cash(self) -> Decimal:
        """The former name of ``due_back``."""
        return self.due_back


@dataclass(frozen=True)
class ReserveReport:
    """Reserve held per factor and currency, as of a date."""

    as_of: datetime.date
    factors: tuple[FactorReserve, ...]
    # The factor asked for (``--factor``), as its agreement writes it; None: every factor.
    factor: str | None = None
    # The ledger's last date when the report is as of a later one: what it shows after
    # that date (fees accrued, days counted, statuses) is projected, as if nothing
    # happened since; None: the report is within the books.
    projected_after: datetime.date | None = None


# ---------------------------------------------------------------------------------------------
# Aging
# ---------------------------------------------------------------------------------------------

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
"""Aging buckets: days past the reference date <= 0, 1-30, 31-60, 61-90, 91 and more."""

BASIS_INVOICE = "invoice"
BASIS_DUE = "due"

# States of an invoice in the aging report.
OPEN = "open"  # on our receivable account, never factored
CHARGED_BACK = "charged back"  # back on our receivable account after a chargeback
UNATTRIBUTED = "unattributed"  # a receivable posting that names no invoice
SCHEDULED = "scheduled"  # sold to the factor, not yet funded (face on the clearing account)
FUNDED = "funded"  # funded, the customer has not paid the factor yet
PAID_TO_US = "paid to us, owed to factor"  # the customer paid us; the cash is the factor's
FORWARDED = "paid to us, forwarded"  # ... and it was forwarded or netted; awaiting the factor


@dataclass(frozen=True)
class AgingInvoice:
    """One open amount in the aging report.

    For an unfactored line (``factor`` None): ``amount`` is what remains on the
    receivable account for the invoice (face less direct payments), from the
    ledger's postings. For a factored line: ``amount`` is what the customer still
    owes the factor, the face less the parts it paid the factor and those it paid us
    (``state`` scheduled, funded, or paid to us) and ``recourse_days_left`` is the
    agreement's recourse-days less the days since funding (negative once past;
    None when not funded yet or non-recourse). ``reference_date`` is the invoice
    date, or its ``due`` date with the due basis (the invoice date when it has
    no ``due``); ``days`` = as-of - reference date; ``bucket`` is one of
    ``BUCKETS``. An unattributed line (``state`` "unattributed", ``invoice``
    "") is what stays open of a receivable posting that names no invoice (opening
    balances, hand-written entries), aged from its own date as an invoice of that
    date without ``due``, the credits that name no invoice paying the oldest first.
    """

    invoice: str
    customer: str
    factor: str | None
    currency: str
    account: str
    state: str
    amount: Decimal
    invoice_date: datetime.date
    due: datetime.date | None
    reference_date: datetime.date
    days: int
    bucket: str
    funded_on: datetime.date | None
    recourse_days_left: int | None
    source: Source
    # A factored line's part of the face its customer paid us (a misdirected payment),
    # not in ``amount``: the factor's cash, owed to it or forwarded. Under the loan model
    # the receivable keeps it (pledged) until the factor reports the invoice collected.
    paid_to_us: Decimal = Decimal(0)


@dataclass(frozen=True)
class AgingRow:
    """One customer's open amounts in one currency, per bucket.

    ``factor`` is None for the receivables we hold (unfactored and charged
    back), the factor's name for the invoices it holds. ``buckets`` follows
    ``BUCKETS``; ``total`` is their sum; ``invoices`` counts the lines.
    """

    customer: str
    factor: str | None
    currency: str
    buckets: tuple[Decimal, ...]
    total: Decimal
    invoices: int


@dataclass(frozen=True)
class AgingTotals:
    """The tie-outs of the aging report in one currency.

    ``unfactored`` and ``factored`` are bucket sums (``BUCKETS``) of the two
    tables. ``receivable_balance`` is the balance of every receivable account
    from the postings as of the date, and equals ``sum(unfactored)`` +
    ``pledged``. ``pledged`` is the part of it that the factors hold under the
    loan model (invoices scheduled or funded, still on our receivable accounts
    until the debtor pays; zero under the sale model, where they have left).
    ``factor_outstanding`` is what the customers still owe on invoices funded and
    neither collected nor charged back (the face, less the parts paid to the factor);
    ``scheduled`` the face of those scheduled and not yet funded; ``sum(factored)`` =
    ``factor_outstanding`` + ``scheduled``. ``paid_to_us`` is what the customers paid
    us of those invoices (misdirected payments): our debt to the factor on its
    due-to-factor account until forwarded or netted, the customers' no longer, so
    neither figure counts it (under the loan model it is still on the receivable
    accounts, and in ``pledged``, until the factor reports the invoice collected).
    """

    currency: str
    unfactored: tuple[Decimal, ...]
    factored: tuple[Decimal, ...]
    receivable_balance: Decimal
    factor_outstanding: Decimal
    scheduled: Decimal
    pledged: Decimal = ZERO
    paid_to_us: Decimal = ZERO


@dataclass(frozen=True)
class AgingReport:
    """Receivables aging as of a date, by invoice date or by due date."""

    as_of: datetime.date
    basis: str
    buckets: tuple[str, ...]
    unfactored: tuple[AgingRow, ...]
    factored: tuple[AgingRow, ...]
    invoices: tuple[AgingInvoice, ...]
    totals: tuple[AgingTotals, ...]
    # The factor asked for: the factored rows and totals are its alone; None: every factor.
    factor: str | None = None
    # The ledger's last date when the report is as of a later one: what it shows after
    # that date (fees accrued, days counted, statuses) is projected, as if nothing
    # happened since; None: the report is within the books.
    projected_after: datetime.date | None = None


# ---------------------------------------------------------------------------------------------
# Cost
# ---------------------------------------------------------------------------------------------

FEE_KINDS = ("discount", "late", "invoice", "transfer", "chargeback", "fuel", "minimum", "other")
"""Fee kinds: discount fee, late (time-based after the first term), invoice fee,
transfer fee, fee accrued on a charged-back invoice, fuel-advance fee, monthly
minimums (volume shortfall, minimum fee), other (buyout fees, other charges,
rounding, fees posted by hand)."""


@dataclass(frozen=True)
class Fees:
    """Fees by kind (``FEE_KINDS``) and their total."""

    discount: Decimal = ZERO
    late: Decimal = ZERO
    invoice: Decimal = ZERO
    transfer: Decimal = ZERO
    chargeback: Decimal = ZERO
    fuel: Decimal = ZERO
    minimum: Decimal = ZERO
    other: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        # Written out, in the order of FEE_KINDS: the cost report asks it of every invoice.
        return (
            ZERO
            + self.discount
            + self.late
            + self.invoice
            + self.transfer
            + self.chargeback
            + self.fuel
            + self.minimum
            + self.other
        )

    def by_kind(self) -> tuple[tuple[str, Decimal], ...]:
        """(kind, amount) in the order of ``FEE_KINDS``."""
        return tuple((kind, getattr(self, kind)) for kind in FEE_KINDS)


@dataclass(frozen=True)
class CostLine:
    """The cost of factoring for one factor, one customer or one month, in one currency.

    ``key`` is the factor's name, the customer or the month ("2025-02");
    ``factor`` is the factor (None on customer lines, which add up every
    factor). ``fees`` are the fees booked in the period: on factor and month
    lines from the postings to the factor's fee accounts, on customer lines
    from each invoice's state (a deposit's transfer fee shared among the
    invoices it funded by face, in cents, the rounding on the last one). The
    annual rate looks only at the invoices *closed* in the period (collected or
    charged back), whose fee is final: ``closed`` counts them, ``closed_fees``
    are their fees (the same shares), ``cash_advanced`` the sum of their
    advances, ``dollar_days`` the sum of advance x days from funding to
    collection (or chargeback), at least one day each; ``average_days`` =
    ``dollar_days`` / ``cash_advanced`` (advance-weighted); ``annual_rate`` =
    ``closed_fees`` / ``dollar_days`` x 365 (= fee / cash advanced x 365 / days
    for one invoice; None without closed invoices). Month lines carry no rate.

    After a buyout each factor's line counts its own spell of the invoice: its
    fees, its advance, its days (funding or buyout to buyout, collection,
    chargeback or credit loss). A customer line counts each invoice's whole
    life: all its fees over the sum of each factor's advance x days, and as
    ``cash_advanced`` the advance weighted by time (see ``InvoiceCost``).
    ``untied_fees`` (factor lines) are the fees of the period that belong to no
    invoice (monthly minimums, buyout fees, other charges, rounding); the
    ``all_in_rate`` = (``closed_fees`` + ``untied_fees``) / ``dollar_days`` x 365
    (factor lines only). The fees that belong to no invoice also make a customer
    line of their own, keyed ``NO_INVOICE``, so that the customer lines add up
    to the factor lines. A fee on an account several factors share whose entry
    tells no factor (a wire fee typed by hand) is on a factor line of its own,
    keyed and named ``NO_FACTOR`` (and so on its month lines), so that the
    factor lines still add up to the accounts.
    ``vat`` is the VAT the factor charged on its fees (``fee-vat`` and the like),
    booked to the input-VAT account: deductible, so neither in ``fees`` nor in
    the rate (on factor and month lines; customer lines leave it at zero).
    """

    key: str
    factor: str | None
    currency: str
    fees: Fees
    closed: int
    closed_fees: Decimal
    cash_advanced: Decimal
    dollar_days: Decimal
    average_days: Decimal | None
    annual_rate: Decimal | None
    untied_fees: Decimal = ZERO
    all_in_rate: Decimal | None = None
    vat: Decimal = Decimal(0)


NO_INVOICE = "(no invoice)"
"""The customer line of the fees that belong to no invoice."""

NO_FACTOR = "(no factor)"
"""The factor (and month) line of the fees on an account factors share that no entry
tells the factor of."""


@dataclass(frozen=True)
class InvoiceCost:
    """One invoice's whole-life cost, over every factor that held it, closed in the period.

    ``factors`` in the order they held it (two after a buyout); ``fees`` all
    its fees, whenever booked; ``funded_on`` its first funding; ``closed_on``
    the day it left the last factor's hands (collected, charged back, written
    off); ``days`` between the two (at least one); ``dollar_days`` the sum over
    the factors of advance x days (each spell at least one day);
    ``cash_advanced`` = ``dollar_days`` / ``days`` (the advance weighted by
    time: the advance itself without a buyout); ``annual_rate`` = fees /
    ``dollar_days`` x 365.
    """

    invoice: str
    customer: str
    factors: tuple[str, ...]
    currency: str
    fees: Fees
    funded_on: datetime.date
    closed_on: datetime.date
    days: int
    cash_advanced: Decimal
    dollar_days: Decimal
    annual_rate: Decimal | None


@dataclass(frozen=True)
class DaysToPay:
    """How long a customer takes to pay the factor, over invoices collected in the period.

    ``average_from_funding``: mean days from funding to the day the invoice was paid in
    full (its payments to the factor and to us added up to the face) or closed short;
    ``average_from_invoice``: mean days from the invoice date to that day;
    ``short_paid``: the total the customer paid short of face (to the factor and to us;
    never negative);
    ``overpaid``: the total it paid beyond the face (owed back to it, never negative).
    One line per customer and ``currency``: what a customer paid short in two currencies
    is never added up.
    """

    customer: str
    collected: int
    average_from_funding: Decimal | None
    average_from_invoice: Decimal | None
    short_paid: Decimal
    overpaid: Decimal = ZERO
    currency: str = ""


DEDUCTION_KINDS = ("short pay", "chargeback", "credit loss")
"""What a customer took off an invoice, or failed to pay: see ``Deductions``."""


@dataclass(frozen=True)
class Deductions:
    """A customer's short pays, chargebacks or credit losses for one reason, in the period.

    ``kind`` is one of ``DEDUCTION_KINDS``; ``reason`` the event's ``reason:``
    (the factor's reasons; ``shortpay``, ``nonpayment`` and ``write-off`` by
    default). ``amount`` is, for short pays, what was paid short of face (an
    overpay counts negative); for chargebacks, the face sold back to us; for
    credit losses, the reserve the factor kept. ``invoices`` names them.
    """

    customer: str
    kind: str
    reason: str
    currency: str
    count: int
    amount: Decimal
    invoices: tuple[str, ...]


@dataclass(frozen=True)
class CostReport:
    """Factoring cost from ``start`` (None: the beginning) to ``as_of``.

    ``deductions`` lists, by customer, kind and reason, what customers took
    off their invoices or did not pay, dated in the period; ``by_invoice`` the
    whole-life cost of each invoice closed in the period.
    """

    as_of: datetime.date
    start: datetime.date | None
    by_factor: tuple[CostLine, ...]
    by_customer: tuple[CostLine, ...]
    by_month: tuple[CostLine, ...]
    days_to_pay: tuple[DaysToPay, ...]
    deductions: tuple[Deductions, ...] = ()
    by_invoice: tuple[InvoiceCost, ...] = ()
    # The factor asked for, as its agreement writes it; None: every factor.
    factor: str | None = None
    # The ledger's last date when the report is as of a later one: what it shows after
    # that date (fees accrued, days counted, statuses) is projected, as if nothing
    # happened since; None: the report is within the books.
    projected_after: datetime.date | None = None


# ---------------------------------------------------------------------------------------------
# Reconciliation
# ---------------------------------------------------------------------------------------------

# Kinds of open items.
ITEM_SCHEDULE = "schedule not funded"
ITEM_RELEASE = "release due"
ITEM_CHARGEBACK = "chargeback to net"
ITEM_SHORT_PAY = "short pay to net"
# An overpay the factor pays with its next deposit (short-pay-from: "funding").
ITEM_OVERPAY = "overpay to net"
ITEM_DIFFERENCE = "deposit difference"
ITEM_ENTRY = "clearing entry"
ITEM_RECOURSE = "past recourse"
ITEM_FEE = "fee to net"
ITEM_FUEL = "fuel advance to recoup"
ITEM_MISDIRECTED = "payment to forward"  # a customer's payment to us for the factor's invoice
ITEM_KINDS = (
    ITEM_SCHEDULE,
    ITEM_RELEASE,
    ITEM_CHARGEBACK,
    ITEM_SHORT_PAY,
    ITEM_OVERPAY,
    ITEM_DIFFERENCE,
    ITEM_ENTRY,
    ITEM_RECOURSE,
    ITEM_FEE,
    ITEM_FUEL,
    ITEM_MISDIRECTED,
)


@dataclass(frozen=True)
class OpenItem:
    """Something between us and the factor that is not settled as of the date.

    ``on_clearing`` is the amount it leaves on the clearing account (positive:
    the factor owes us; negative: we owe the factor), ``cash`` what the
    factor's next deposit should pay for it (negative: what it will deduct).
    ``reference`` names it: a schedule id, an invoice number, or for a deposit
    difference or clearing entry its source. ``deadline`` is the date after
    which it is past its grace period (None: no deadline); ``overdue`` says
    whether it is, as of the date (a schedule not funded: once the books also prove
    its funding missing, as FCT162 does; before, it awaits it). ``silenced`` is the
    error code the ledger disables that judges this item's deadline (FCT162 for a
    schedule): overdue, it is still listed and said, but not counted as a problem.
    """

    kind: str
    factor: str
    currency: str
    reference: str
    invoices: tuple[str, ...]
    since: datetime.date
    days_open: int
    on_clearing: Decimal
    cash: Decimal
    deadline: datetime.date | None
    overdue: bool
    source: Source
    silenced: str | None = None

    @property
    def awaiting_funding(self) -> bool:
        """A schedule past its deadline that nothing in the books proves late yet."""
        past = self.deadline is not None and self.days_open > (self.deadline - self.since).days
        return self.kind == ITEM_SCHEDULE and past and not self.overdue


@dataclass(frozen=True)
class UnallocatedLump:
    """A factor's deposit or release the plugin could not book to open items.

    ``amount`` is what it left on the factor's clearing or reserve account
    (negative: money received). ``past_grace`` when more than ``grace_days``
    old as of the date; ``codes`` are the errors the ledger reports on it;
    ``silenced`` FCT103 when the ledger disables that code (not counted past grace).
    """

    factor: str
    currency: str
    date: datetime.date
    payee: str
    narration: str
    account: str
    amount: Decimal
    days_open: int
    grace_days: int
    past_grace: bool
    codes: tuple[str, ...]
    source: Source
    silenced: str | None = None


@dataclass(frozen=True)
class Disagreement:
    """A factoring error of the ledger (an FCTxxx code) as of the date."""

    code: str
    message: str
    source: Source
    date: datetime.date | None
    factor: str | None


@dataclass(frozen=True)
class ClearingAccount:
    """One factor's clearing account in one currency.

    ``balance`` is the account's balance from the postings as of the date;
    ``explained`` the sum of the open items' and unallocated lumps'
    ``on_clearing``; ``unexplained`` = ``balance`` - ``explained``.
    ``items`` include the releases due (on the reserve account,
    ``on_clearing`` 0) and invoices past recourse (``on_clearing`` 0).
    ``account`` is the clearing account of the terms in force, or, when the balance is
    on an earlier terms' account alone, that one; ``accounts`` every clearing account
    of the factor that holds part of the balance (after new terms named another, two),
    whose balances add up to ``balance``.
    """

    factor: str
    account: str
    currency: str
    balance: Decimal
    explained: Decimal
    unexplained: Decimal
    items: tuple[OpenItem, ...]
    unallocated: tuple[UnallocatedLump, ...]
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReconcileReport:
    """Each clearing account's open items and the ledger's disagreements, as of a date.

    ``problems`` says, one line each, what is open past its grace period and
    each clearing balance its open items do not explain (``unexplained`` not
    zero); the CLI exits 1 when there is any. ``silenced`` says, one line each,
    what is open past its deadline but judged by an error code the ledger disables
    (its plugin config's ``disable``): listed, not counted.
    """

    as_of: datetime.date
    accounts: tuple[ClearingAccount, ...]
    disagreements: tuple[Disagreement, ...]
    problems: tuple[str, ...] = field(default=())
    # The factor asked for, as its agreement writes it; None: every factor.
    factor: str | None = None
    # The ledger's last date when the report is as of a later one: what it shows after
    # that date (fees accrued, days counted, statuses) is projected, as if nothing
    # happened since; None: the report is within the books.
    projected_after: datetime.date | None = None
    silenced: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when nothing is open past its grace period and every balance is explained."""
        return not self.problems


# ---------------------------------------------------------------------------------------------
# Comparison with another factor's offer
# ---------------------------------------------------------------------------------------------

COLLECTED = "collected"  # an outcome; the others are CHARGED_BACK, as in the aging report,
CREDIT_LOSS = "credit loss"  # and a non-recourse factor's write-off of an insolvent customer's


@dataclass(frozen=True)
class CompareInvoice:
    """One invoice the books funded and closed, and what the offer would have charged.

    ``actual`` is the invoice's whole-life cost as the cost report gives it
    (``CostReport.by_invoice``); ``offer`` the offer's fees on the same face,
    funding day and deposit, to ``offer_closed_on``: the day it was collected
    or charged back, or, when sooner, the day the offer's ``recourse-days``
    run out (``offer_outcome`` is then "charged back"). The rates are each
    side's fees / (advance x days) x 365.

    A credit loss (``outcome`` "credit loss": the customer insolvent, the invoice written
    off by a non-recourse factor) also costs what the business lost beyond the fees:
    ``actual_loss``, the books' credit loss (the reserve forfeited, less the fee taken
    from it); ``offer_loss``, the same on the offer's terms if it is non-recourse, else
    the face left unpaid, which the business bears when the offer charges the invoice
    back on the day its recourse-days run out. Zero for any other invoice.
    """

    invoice: str
    customer: str
    factor: str
    currency: str
    face: Decimal
    funded_on: datetime.date
    closed_on: datetime.date
    outcome: str
    actual: Fees
    actual_advance: Decimal
    actual_rate: Decimal | None
    offer_closed_on: datetime.date
    offer_outcome: str
    offer: Fees
    offer_advance: Decimal
    offer_rate: Decimal | None
    actual_loss: Decimal = ZERO
    offer_loss: Decimal = ZERO


@dataclass(frozen=True)
class CompareLine:
    """Actual and offered cost of one month, one customer or the total, in one currency.

    ``key`` is the month ("2025-03", the invoices' funding month), the
    customer, ``NO_INVOICE`` (charges apart from any invoice) or "total".
    ``invoices`` and ``face`` count the compared invoices. ``actual_fees`` and
    ``offer_fees`` are fee totals; ``actual_losses`` and ``offer_losses`` the credit
    losses of the compared invoices (``CompareInvoice.actual_loss``); ``difference`` =
    offer - actual, fees and losses (negative: the offer is cheaper). Rates are fees /
    dollar-days x 365 (None without dollar-days); on month and total lines the fees
    include the charges apart from any invoice, so the rate is all-in.
    """

    key: str
    currency: str
    invoices: int
    face: Decimal
    actual_fees: Decimal
    actual_dollar_days: Decimal
    actual_rate: Decimal | None
    offer_fees: Decimal
    offer_dollar_days: Decimal
    offer_rate: Decimal | None
    difference: Decimal
    actual_losses: Decimal = ZERO
    offer_losses: Decimal = ZERO


@dataclass(frozen=True)
class CompareExcluded:
    """An invoice funded in the period that the comparison cannot replay, and why."""

    invoice: str
    customer: str
    factor: str
    currency: str
    face: Decimal
    funded_on: datetime.date
    reason: str


@dataclass(frozen=True)
class OfferComparison:
    """The books against one offer, for the invoices funded in the period."""

    offer: str
    by_month: tuple[CompareLine, ...]
    by_customer: tuple[CompareLine, ...]
    totals: tuple[CompareLine, ...]
    invoices: tuple[CompareInvoice, ...]
    excluded: tuple[CompareExcluded, ...]


@dataclass(frozen=True)
class CompareReport:
    """Every offer of the ledger (or the one asked) against the books, ``start`` to ``as_of``."""

    as_of: datetime.date
    start: datetime.date | None
    factor: str | None
    offers: tuple[OfferComparison, ...]
    # The ledger's last date when the report is as of a later one: what it shows after
    # that date (fees accrued, days counted, statuses) is projected, as if nothing
    # happened since; None: the report is within the books.
    projected_after: datetime.date | None = None
