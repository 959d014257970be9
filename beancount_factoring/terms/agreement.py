"""The factoring agreement: a factor's terms, read from a ``custom`` directive.

One directive per factor; a later one with the same name takes over from its
date, so a renegotiated rate applies to invoices bought from then on::

    2025-01-01 custom "factoring-agreement" "Summit"
      advance-rate: 0.95
      fee: "flat 2.5%"
      fee-timing: "purchase"
      invoice-fee: 5.00 USD
      recourse-days: 90
      payee: "SUMMIT FUNDING|SUMMIT FIN"
      bank: Assets:Bank:Checking

A factor that adds VAT to its fees says so per fee kind, with the account of
the deductible input VAT (required once a rate is not 0)::

      fee-vat: 0.255
      invoice-fee-vat: 0.255
      vat-account: Assets:Tax:VAT:Input

The terms of one currency say so with ``currency: "CAD"``, or with the currency
after the factor's name, ``custom "factoring-agreement" "Copperline" "CAD"`` (the
same; the directive takes no other value).

Required keys: ``advance-rate``, ``fee``, ``recourse-days``, ``bank``. Every
other key has a default (see ``docs/ledger.md``). A key the plugin does not
know, a rate outside 0..1, a fee it cannot read or an account name that is not
valid is an FCT110 error on the line of that key; the agreement is then not
used, so the factor's events raise no further errors until it is fixed.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from beancount.core import account, data
from beancount.core.amount import Amount

from beancount_factoring.errors import FactoringError, as_written, make_error
from beancount_factoring.terms import spelling
from beancount_factoring.terms.fees import (
    NOT_CENTS,
    ROUNDING_MODES,
    WHOLE,
    FeeRule,
    FeeSchedule,
    not_whole,
    parse_fee,
    parse_fee_rule,
    whole_units,
)

DIRECTIVE = "factoring-agreement"
# Another factor's terms, to compare the books against (reports/compare.py): read with
# the same keys, never applied to the books.
OFFER_DIRECTIVE = "factoring-offer"
# Days a deposit may wait on the clearing account for the items it pays for.
DEFAULT_GRACE_DAYS = 5
# Days a fuel advance may wait to be recouped under a non-recourse agreement that does
# not say (``Agreement.fuel_days``).
NON_RECOURSE_FUEL_DAYS = 90
# How many texts' payee matches ``Agreements.factor_of_payee`` keeps.
PAYEES_KEPT = 4096

# The fee keys a VAT rate may be given for: ``fee-vat: 0.255`` is the VAT on
# the discount fee (its late part, the fee taken at a chargeback or a credit
# loss, and the minimum-fee floor too), ``invoice-fee-vat`` on the invoice fee,
# and so on. The rate of a charge apart from any invoice ("other") is other-fee-vat.
VAT_FEE_KEYS = (
    "fee",
    "invoice-fee",
    "transfer-fee",
    "wire-fee",
    "same-day-fee",
    "fuel-advance-fee",
    "volume-shortfall-fee",
    "monthly-minimum-fee",
    "buyout-fee",
    "other-fee",
)
# The VAT key of each fee part the plugin posts (postings.PARTS); the
# transfer fee's depends on the rail (``Agreement.vat_rate``).
PART_VAT_KEY = {
    "discount-fee": "fee-vat",
    "late-fee": "fee-vat",
    "chargeback-fee": "fee-vat",
    "invoice-fee": "invoice-fee-vat",
    "fuel-advance-fee": "fuel-advance-fee-vat",
    "minimum-volume-fee": "volume-shortfall-fee-vat",
    "minimum-fee": "monthly-minimum-fee-vat",
    "other-fee": "other-fee-vat",
    # An ACH transfer's fee the factor deducted (`charge: "ach"`) is the transfer-fee's.
    "ach-fee": "transfer-fee-vat",
    "wire-fee": "wire-fee-vat",
    "same-day-fee": "same-day-fee-vat",
    "buyout-fee": "buyout-fee-vat",
}

KEYS = (
    "advance-rate",
    "reserve-rate",
    "fee",
    "fee-basis",
    "fee-timing",
    "invoice-fee",
    "transfer-fee",
    "recourse-days",
    "release-days",
    "grace-days",
    "model",
    "payee",
    "bank",
    "clearing",
    "reserve",
    "fees",
    "advances",
    "adjustments",
    "invoice-fee-account",
    "transfer-fee-account",
    "receivables",
    "recourse-receivables",
    "rounding",
    "currency",
    "minimum-fee",
    "wire-fee",
    "same-day-fee",
    "monthly-minimum-volume",
    "volume-shortfall-fee",
    "monthly-minimum-fee",
    "part-month-minimum",
    "fuel-advance-rate",
    "fuel-advance-fee",
    "fuel-advances",
    "fuel-advance-days",
    "short-pay-from",
    "credit-losses",
    "reserve-on-loss",
    "buyout-fee",
    "due-to-factor",
    "accrued-fees",
    *(f"{key}-vat" for key in VAT_FEE_KEYS),
    "vat-account",
    "customer-credits",
)
KEY_SET = frozenset(KEYS)
REQUIRED = ("advance-rate", "fee", "recourse-days", "bank")
CHOICES = {
    "fee-basis": ("face", "advance"),
    "fee-timing": ("purchase", "collection"),
    "model": ("sale", "loan"),
    "rounding": tuple(ROUNDING_MODES),
    "short-pay-from": ("reserve", "funding"),
    "reserve-on-loss": ("forfeited", "released"),
    "part-month-minimum": ("full", "prorated"),
}
# How a deposit was sent, and the agreement key of its fee: a deposit says
# ``transfer: "wire"``; without it, it is an ACH transfer.
RAILS = {"ach": "transfer-fee", "wire": "wire-fee", "same-day": "same-day-fee"}
ACCOUNT_KEYS = (
    "bank",
    "clearing",
    "reserve",
    "fees",
    "advances",
    "adjustments",
    "invoice-fee-account",
    "transfer-fee-account",
    "receivables",
    "recourse-receivables",
    "fuel-advances",
    "credit-losses",
    "due-to-factor",
    "accrued-fees",
    "vat-account",
    "customer-credits",
)


@dataclass(frozen=True)
class Agreement:
    """The terms of one factor from one date on."""

    name: str
    date: datetime.date
    meta: dict[str, Any]
    advance_rate: Decimal
    reserve_rate: Decimal
    fee: FeeSchedule
    fee_basis: str
    fee_timing: str
    invoice_fee: Amount | None
    transfer_fee: Amount | None
    recourse_days: int
    release_days: int | None
    grace_days: int
    model: str
    payee: re.Pattern[str]
    bank: str
    clearing: str
    reserve: str
    fees: str
    advances: str
    adjustments: str
    invoice_fee_account: str
    transfer_fee_account: str
    receivables: str
    recourse_receivables: str | None
    rounding: str
    currency: str | None = None
    minimum_fee: Amount | None = None
    wire_fee: Amount | None = None
    same_day_fee: Amount | None = None
    monthly_minimum_volume: Amount | None = None
    volume_shortfall_fee: FeeRule | None = None
    monthly_minimum_fee: Amount | None = None
    # A monthly minimum of a month the factor's agreements cover in part (one that starts
    # or is replaced mid-month, a factor bought out): "full", or "prorated" by days.
    part_month_minimum: str = "full"
    fuel_advance_rate: Decimal | None = None
    fuel_advance_fee: FeeRule | None = None
    fuel_advances: str = ""
    # The days a fuel advance may wait for the funding that recoups it (None: not given).
    fuel_advance_days: int | None = None
    short_pay_from: str = "reserve"
    credit_losses: str = ""
    reserve_on_loss: str = "forfeited"
    buyout_fee: FeeRule | None = None
    # Payments for the factor's invoices that reached us: owed to the factor until
    # forwarded or netted (see misdirected.py).
    due_to_factor: str = ""
    # The contra account to the reserve that month-end fee accruals credit.
    accrued_fees: str = ""
    # The VAT rate of each fee key that has one (key "fee-vat" -> 0.255), and
    # the account of the deductible input VAT (required when a rate is given).
    vat_rates: tuple[tuple[str, Decimal], ...] = ()
    vat_account: str | None = None
    # Where an overpayment waits as a debt to the customer: <prefix>:<customer leaf>.
    customer_credits: str = ""

    def fuel_days(self) -> tuple[int, str] | None:
        """The days a fuel advance may wait to be recouped, and the words that say where
        they come from; None when there is no limit (``fuel-advance-days: 0``).

        Without ``fuel-advance-days``, ``recourse-days``: the longest the factor waits
        for an invoice's money before it sells it back, so it does not wait longer
        for an advance on a load. A non-recourse agreement (``recourse-days: 0``) still
        lends the advance: 90 days, the usual recourse period (research/domain.md).
        """
        if self.fuel_advance_days is not None:
            days = self.fuel_advance_days
            return (days, f"fuel-advance-days: {days}") if days else None
        if self.recourse_days:
            return self.recourse_days, f"recourse-days: {self.recourse_days}"
        return NON_RECOURSE_FUEL_DAYS, f"{NON_RECOURSE_FUEL_DAYS} days: recourse-days is 0"

    def vat_rate(self, part: str, rail: str = "ach") -> Decimal:
        """The VAT rate on a fee posted with factoring-part ``part`` (0 when none).

        A transfer fee takes the rate of the key its fee came from (``rail_fee``):
        ``wire-fee-vat`` for a wire's ``wire-fee``, else ``transfer-fee-vat``.
        """
        if not self.vat_rates:
            return Decimal(0)
        if part == "transfer-fee":
            order = {
                "wire": ("wire-fee",),
                "same-day": ("same-day-fee", "wire-fee"),
            }.get(rail, ())
            fee_key = next((k for k in order if self.meta.get(k) is not None), "transfer-fee")
            vat_key: str | None = f"{fee_key}-vat"
        else:
            vat_key = PART_VAT_KEY.get(part)
        # A handful of rates at most: a scan, no dict per call.
        return next((rate for key, rate in self.vat_rates if key == vat_key), Decimal(0))

    def with_vat_of(self, current: Agreement | None) -> Agreement:
        """These terms with the VAT of ``current``, the same factor's agreement in force on
        the day a fee is charged.

        A fee follows the terms the invoice was bought under; the VAT on it is the rate
        of the day it is charged. A rate changed by law (Finland's 24% became 25.5% on
        2024-09-01) applies to the fees charged from that day, on invoices bought before
        it too: the new agreement dated that day gives the new rate to both.
        """
        if (
            current is None
            or current is self
            or (current.vat_rates == self.vat_rates and current.vat_account == self.vat_account)
            or current.name.strip().lower() != self.name.strip().lower()
            or current.currency != self.currency
        ):
            return self
        # Kept with ``current`` itself: an id() alone may be another agreement's once
        # ``current`` is dropped, whose VAT this would then give without a word.
        key = ("with_vat_of", id(current))
        kept: tuple[Agreement, Agreement] | None = self.memo.get(key)
        if kept is None or kept[0] is not current:
            found = dataclasses.replace(
                self, vat_rates=current.vat_rates, vat_account=current.vat_account
            )
            kept = self.memo[key] = (current, found)
        return kept[1]

    def customer_credit_account(self, receivable: str) -> str:
        """The account of what we owe the customer of ``receivable`` (an overpayment)."""
        return f"{self.customer_credits}:{receivable.rsplit(':', 1)[-1]}"

    def rail_fee(self, rail: str) -> Amount | None:
        """The fee of a deposit sent by ``rail`` ("ach", "wire" or "same-day")."""
        # (An Amount of zero is false: a free wire is a fee of 0.00, not no fee given.)
        order = {
            "wire": (self.wire_fee,),
            "same-day": (self.same_day_fee, self.wire_fee),
        }.get(rail, ())
        return next((fee for fee in order if fee is not None), self.transfer_fee)

    def fee_elsewhere(self, keys: tuple[str, ...], currency: str) -> str | None:
        """The first of the fee ``keys`` whose fixed amount is in another currency than
        ``currency``, as the ledger gives it (``buyout-fee: 50.00 USD``); None if none is.

        Such a fee cannot apply to what is in ``currency``: the event it would apply to
        is an error rather than booked without it.
        """
        for key in keys:
            fee = getattr(self, key.replace("-", "_"))
            if isinstance(fee, Amount) and fee.currency != currency:
                return f"{key}: {fee.number} {fee.currency}"
            if isinstance(fee, FeeRule) and not fee.applies_to(currency):
                return f"{key}: {_shown(self.meta.get(key, fee.text))}"
        return None

    # (Kept, as the others below: every invoice's events ask for it.)
    @cached_property
    def loan(self) -> bool:
        """True under the loan model: receivables stay, advances are a liability."""
        return self.model == "loan"

    def own_accounts(self) -> tuple[str, ...]:
        """The accounts the plugin posts to on this factor's behalf.

        The ``advances`` account is one of them only under the loan model.
        """
        return self.owned

    # Built once per agreement: every event asks for them. (cached_property writes the
    # instance's __dict__, which a frozen dataclass allows.)
    @cached_property
    def owned_set(self) -> frozenset[str]:
        """``own_accounts()`` as a set, for membership tests."""
        return frozenset(self.owned)

    @cached_property
    def fee_all_at_purchase(self) -> bool:
        """True if the whole discount fee is taken at funding (a flat fee charged at
        purchase): nothing of it is left due at collection."""
        return self.fee.form == "flat" and self.fee_timing == "purchase"

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Results worked out from these terms alone, kept for the next invoice that asks
        (``postings.purchase_split``): they live as long as the agreement."""
        return {}

    @cached_property
    def owned(self) -> tuple[str, ...]:
        """``own_accounts()``, worked out once."""
        accounts = [
            self.clearing,
            self.reserve,
            self.fees,
            self.adjustments,
            self.invoice_fee_account,
            self.transfer_fee_account,
        ]
        if self.loan:
            accounts.append(self.advances)
        accounts.extend(
            a for a in (self.fuel_advances, self.credit_losses, self.due_to_factor) if a
        )
        return tuple(dict.fromkeys(accounts))


def account_component(name: str) -> str | None:
    """Turn a factor's name into an account component: "RTS Financial" -> "RTSFinancial",
    "Crédit Agricole" -> "CreditAgricole".

    Accents are dropped rather than the letters they sit on (as in a customer's leaf):
    keeping only A-Z made "CrDitAgricole", a name no bookkeeper would type. Other letters
    Beancount allows in an account (Greek, Cyrillic) are kept.
    """
    plain = "".join(
        char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char)
    )
    for letters in (r"[^\W_]+", r"[A-Za-z0-9]+"):
        # (Then A-Z and digits alone, for a name whose first word Beancount cannot start
        # an account with: a CJK word before the Latin ones.)
        words = re.findall(letters, plain)
        component = "".join(word[:1].upper() + word[1:] for word in words)
        if component and account.is_valid(f"Assets:{component}"):
            return component
    return None


class Roots(NamedTuple):
    """The ledger's five root accounts (``option "name_assets" "Aktiva"`` renames one):
    the agreement's default accounts and the plugin's account kinds are under these."""

    assets: str = "Assets"
    liabilities: str = "Liabilities"
    equity: str = "Equity"
    income: str = "Income"
    expenses: str = "Expenses"
    # The equity accounts the options name for the books' opening balances
    # (``account_previous_balances``, ``account_previous_earnings``), in full.
    openings: tuple[str, ...] = ("Equity:Opening-Balances", "Equity:Earnings:Previous")


DEFAULT_ROOTS = Roots()


def roots_of(options_map: dict[str, Any] | None) -> Roots:
    """The root accounts a ledger's options name (Beancount's names where none)."""
    if not options_map:
        return DEFAULT_ROOTS
    names = [options_map.get(f"name_{field}") for field in Roots._fields[:5]]
    given = [name for name in names if isinstance(name, str) and name]
    if len(given) != len(names):
        return DEFAULT_ROOTS
    previous = [options_map.get(f"account_previous_{what}") for what in ("balances", "earnings")]
    openings = tuple(f"{given[2]}:{name}" for name in previous if isinstance(name, str) and name)
    assets, liabilities, equity, income, expenses = given
    return Roots(assets, liabilities, equity, income, expenses, openings)


_CURRENCY_RE = re.compile(r"[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]|[A-Z]")


def _lines_after(filename: str, lineno: int) -> list[str]:
    """The lines of the file after line ``lineno``, up to 200, as the file is now: read
    again on each call, as a process that loads the ledger again after an edit (Fava)
    must not point to where the key was (a memo by file name would)."""
    try:
        with open(filename, encoding="utf-8") as handle:
            return [line.rstrip("\r\n") for line in itertools.islice(handle, lineno, lineno + 200)]
    except (OSError, UnicodeDecodeError, ValueError):
        return []


def key_position(meta: dict[str, Any], key: str) -> tuple[int, int]:
    """Find the line and column of a metadata key under a directive.

    Beancount keeps only the directive's line, so this reads the source file;
    it falls back to the directive's line when the file cannot be read.
    """
    lineno = int(meta.get("lineno", 0))
    pattern = re.compile(rf"^(\s+){re.escape(key)}\s*:")
    for index, line in enumerate(_lines_after(str(meta.get("filename", "")), lineno), lineno):
        match = pattern.match(line)
        if match:
            return index + 1, len(match.group(1)) + 1
        if line and not line[0].isspace() and not line.startswith(";"):
            break
    return lineno, 1


def _block_keys(meta: dict[str, Any]) -> list[tuple[str, int, int]]:
    """The keys written under a directive, in order, with their line and column.

    Beancount keeps one value per key, the last, and says nothing of a key written
    twice under a ``custom`` directive; only the source shows it. The file is read up
    to the directive's block (agreements sit near the top of a ledger), never whole.
    """
    filename, lineno = str(meta.get("filename", "")), int(meta.get("lineno", 0))
    found: list[tuple[str, int, int]] = []
    try:
        with open(filename, encoding="utf-8") as handle:
            lines = itertools.islice(handle, lineno, lineno + 200)
            for number, line in enumerate(lines, start=lineno + 1):
                match = _KEY_LINE.match(line)
                if match:
                    found.append((match.group(2), number, len(match.group(1)) + 1))
                elif line.strip() and not line.lstrip().startswith(";"):
                    break
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    return found


_KEY_LINE = re.compile(r"^(\s+)([a-z][a-zA-Z0-9_-]*)\s*:")


def _shown(value: Any) -> str:
    """A metadata value as the ledger wrote it: "abc" quoted, numbers and amounts plain."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, Amount):
        return f"{value.number} {value.currency}"
    return str(value)


def _fraction_of_cent(number: Decimal, currency: str) -> str:
    """Why an amount of an agreement with a fraction of a cent cannot be used."""
    if currency in WHOLE:
        return f"{number} {currency} is not in whole {not_whole(number, currency)}; correct it"
    return (
        f"{number} {currency} is not in whole {not_whole(number, currency)}: a factor "
        f"charges none of its fractions, and the deposits would miss it by less than a "
        f"cent in silence; correct the amount"
    )


def _currency_problem(value: Any) -> str | None:
    """Why a value written as an agreement's currency cannot be one (to follow the value
    as written), or None."""
    if isinstance(value, str) and len(value) == 3 and value.isalpha() and value.islower():
        # A currency code in small letters (Beancount's are in capitals).
        return f'must be in capitals: "{value.upper()}"'
    if not isinstance(value, str) or not _CURRENCY_RE.fullmatch(value):
        return 'must be a quoted currency, like "CAD"'
    if value in NOT_CENTS:
        # Every sale of such an agreement would be FCT134 (schedule.py): refused here,
        # at its line, not only once a sale shows it.
        return _not_cents_currency(value).removeprefix(f'"{value}" ')
    return None


def _value_currency(reader: _Reader, directive: str) -> str | None:
    """The currency written after the factor's name, or None; an FCT110 error at the
    directive's line for a value there that is not a currency, or one value too many."""
    extra = [value.value for value in (reader.entry.values or [])[1:]]
    if not extra:
        return None
    takes = (
        f"the directive takes the factor's name and, for {_an(reader.kind)} of one "
        f'currency, that currency: custom "{directive}" "{reader.name}" "CAD", or '
        'currency: "CAD" under it'
    )
    first = extra[0]
    if not isinstance(first, str) or not (
        _CURRENCY_RE.fullmatch(first) or (first.isalpha() and first.islower() and len(first) == 3)
    ):
        reader.error(
            None,
            f"{_shown(first)} after the name is not a currency; {takes}. Write a name of "
            f'several words as one string ("{reader.name} Capital"), and every term as a key '
            "under the directive",
        )
        return None
    if len(extra) > 1:
        reader.error(
            None,
            f"{_shown(extra[1])} after the currency is one value too many; {takes}. Write "
            f"{_an(reader.kind)} per currency, and every other term as a key under it",
        )
        return None
    problem = _currency_problem(first)
    if problem:
        reader.error(None, f'the currency after the name, "{first}", {problem}')
        return None
    if reader.known is not None and not reader.known(first):
        reader.error(None, _no_currency(reader, first, takes))
        return None
    return first


def _no_currency(reader: _Reader, word: str, takes: str) -> str:
    """Why a word after the name that has a currency's form is none ("LLC"): read as
    one, the agreement would govern that currency alone, and every event of the factor
    would find no agreement (FCT111)."""
    return (
        f'"{word}" after the name is no currency: it is no ISO 4217 code, and the ledger '
        f"has no commodity {word} (declared or used in a posting), so it is not read as "
        f"the {reader.kind.lower()}'s currency; {takes}. Write a name of several words as "
        f'one string ("{reader.name} {word}"); if {word} is a currency of yours, declare '
        f"it (2025-01-01 commodity {word})"
    )


def _an(kind: str) -> str:
    """ "an agreement" or "an offer"."""
    return f"an {kind.lower()}"


def written_currency(entry: data.Custom, known: Callable[[str], bool] | None = None) -> object:
    """The currency an agreement's directive is written for, as written (its ``currency:``
    key, else a currency after the factor's name), whether valid or not; None for one of
    every currency. The ledger's lines of agreements are kept by it, broken ones too.
    With ``known``, a word after the name is one only if ``known`` says it is a currency
    ("LLC" is none: ``_no_currency``)."""
    value = entry.meta.get("currency")
    values = entry.values or []
    given = values[1].value if len(values) > 1 else None
    if value is None and isinstance(given, str) and _CURRENCY_RE.fullmatch(given):
        return given if known is None or known(given) else None
    return value


def _not_cents_currency(currency: str) -> str:
    """Why an agreement in ``currency``, not counted in cents, cannot be followed."""
    whole = currency in WHOLE
    unit = "has no fraction" if whole else "is counted in thousandths"
    follow = f"in whole {currency}" if whole else "to the thousandth"
    return (
        f'"{currency}" {unit}: the plugin works out a factor\'s advances, fees and reserves '
        f"in cents and cannot follow a factor's figures {follow}, so every sale in it would "
        "be refused (FCT134); book this factor's business by hand on accounts of your own, "
        "without this directive"
    )


class _Reader:
    """Reads one directive's keys, collecting one error per bad key."""

    def __init__(
        self,
        entry: data.Custom,
        name: str,
        kind: str = "Agreement",
        known: Callable[[str], bool] | None = None,
    ) -> None:
        self.entry = entry
        self.name = name
        self.kind = kind
        # Whether a word after the name is a currency of the ledger (``currencies.py``);
        # None: any word of a currency's form.
        self.known = known
        self.meta = entry.meta
        # The ledger's root accounts: every account the agreement names is under one
        # (None: not known, not checked).
        self.roots: Roots | None = None
        self.errors: list[FactoringError] = []
        # The keys already in error (one error a key is enough).
        self.flagged: set[str] = set()

    def error(self, key: str | None, message: str) -> None:
        if key is None:
            where, lineno = "", None
        else:
            self.flagged.add(key)
            lineno, column = key_position(self.meta, key)
            where = f", key '{key}' (column {column})"
        self.errors.append(
            make_error(
                "FCT110",
                f"{self.kind} '{self.name}'{where}: {message}",
                self.meta,
                self.entry,
                lineno,
            )
        )

    def rate(self, key: str) -> Decimal | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, Decimal) or not Decimal(0) <= value <= Decimal(1):
            self.error(key, f"{_shown(value)} must be a number from 0 to 1, like 0.95 for 95%")
            return None
        return value

    def days(self, key: str) -> int | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, Decimal) or value != value.to_integral_value() or value < 0:
            message = f"{_shown(value)} must be a whole number of days, like 90"
            if isinstance(value, str) and re.search(r"business|working|bank", value, re.I):
                # The agreement's own words: which days the factor does not count is its.
                message += (
                    ": the deadlines count calendar days, weekends and holidays included "
                    "(10 business days are 14 calendar days, or more across a holiday)"
                )
            self.error(key, message)
            return None
        return int(value)

    def money(self, key: str) -> Amount | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, Amount) or value.number is None or value.number < 0:
            self.error(key, f"{_shown(value)} must be an amount with a currency, like 25.00 USD")
            return None
        if not whole_units(value.number, value.currency):
            self.error(key, _fraction_of_cent(value.number, value.currency))
            return None
        return value

    def charge(self, key: str) -> FeeRule | None:
        value = self.meta.get(key)
        if value is None:
            return None
        try:
            rule = parse_fee_rule(value)
        except ValueError as exc:
            self.error(key, str(exc))
            return None
        if rule.currency is not None and not whole_units(rule.fixed, rule.currency):
            self.error(key, _fraction_of_cent(rule.fixed, rule.currency))
            return None
        return rule

    def currency(self, directive: str) -> str | None:
        """The currency the terms govern: the ``currency:`` key, or a value after the
        factor's name (``custom "factoring-agreement" "Copperline" "CAD"``), which means
        the same; None for terms of every currency, or when either is in error."""
        value = self.meta.get("currency")
        if value is not None and (problem := _currency_problem(value)):
            self.error("currency", f"{_shown(value)} {problem}")
            value = None
        given = _value_currency(self, directive)
        if given is None or value is None or given == value:
            return given or value
        self.error(
            None,
            f'the currency after the name, "{given}", is not the key \'currency\', "{value}": '
            f"write the {self.kind.lower()}'s currency once, keep the one the factor agreed "
            "and delete the other",
        )
        return None

    def choice(self, key: str, default: str) -> str:
        value = self.meta.get(key, default)
        if not isinstance(value, str) or value not in CHOICES[key]:
            allowed = " or ".join(f'"{choice}"' for choice in CHOICES[key])
            self.error(key, f"{_shown(value)} is not one of {allowed}")
            return default
        return str(value)

    def account_name(self, key: str, default: str | None) -> str | None:
        value = self.meta.get(key, default)
        if value is None:
            return None
        if not _is_account(value):
            if key in self.flagged:
                return default  # (Said already, as what it is: ``_check_keys``.)
            self.error(
                key, f"{_shown(value)} is not a valid account name, like Assets:Bank:Checking"
            )
            return default
        top, _, rest = value.partition(":")
        if self.roots is not None and top not in self.roots[:5]:
            # (Beancount says "Invalid account name" and keeps the value: the bank that no
            # entry can post to made every deposit FCT151.)
            near = [root for root in self.roots[:5] if spelling.slips(top, root) <= 2]
            how = (
                f": write {near[0]}:{rest}"
                if near
                else f", like {self.roots.assets}:Bank:Checking"
            )
            self.error(
                key,
                f"{value} is under no root account of the ledger "
                f"({', '.join(self.roots[:5])}){how}",
            )
            return default
        return value


def _check_accrued_fees(
    reader: _Reader, accrued_fees: str | None, named: dict[str, str | None]
) -> None:
    """The accrued fees need an account of their own.

    On the reserve they would hide the reserve's own balance (and its check);
    on the fees account the accrual would cancel itself.
    """
    for key, name in named.items():
        if accrued_fees is not None and name == accrued_fees:
            reader.error(
                "accrued-fees",
                f"{accrued_fees} is also the agreement's {key}; the fees accrued at month "
                "ends need an account of their own, like Assets:Factoring:Summit:AccruedFees",
            )
            return


def _check_advances(
    reader: _Reader, advances: str, named: dict[str, str | None], prefixes: list[str | None]
) -> None:
    """Under the loan model the advances account must be an account of its own.

    It holds what we owe the factor; sharing it with the bank, a receivable or
    one of the factor's other accounts would mix the liability with them.
    """
    example = "like Liabilities:Factoring:Summit:Advances"
    for key, name in named.items():
        if name == advances:
            reader.error(
                "advances",
                f"{advances} is also the agreement's {key}; under the loan model the "
                f"advances are a liability on an account of their own, {example}",
            )
            return
    for prefix in prefixes:
        if prefix and (advances == prefix or advances.startswith(prefix + ":")):
            reader.error(
                "advances",
                f"{advances} is a receivable account (under {prefix}); under the loan model "
                f"the advances are a liability, {example}",
            )
            return


def _vat_terms(reader: _Reader) -> tuple[tuple[tuple[str, Decimal], ...], str | None]:
    """The VAT rates on the fees (``fee-vat: 0.255``) and the input-VAT account.

    A rate is a number from 0 to 1; the account is required once a rate is not 0.
    """
    rates: list[tuple[str, Decimal]] = []
    for key in VAT_FEE_KEYS:
        name = f"{key}-vat"
        if reader.meta.get(name) is None:
            continue
        rate = reader.rate(name)
        if rate:
            rates.append((name, rate))
    vat_account = reader.account_name("vat-account", None)
    if rates and vat_account is None and "vat-account" not in reader.meta:
        reader.error(
            rates[0][0],
            f"the VAT on the fees is booked to the input-VAT account: give the key "
            f"'vat-account', like vat-account: Assets:Tax:VAT:Input (or set {rates[0][0]}: 0)",
        )
    return tuple(rates), vat_account


# The account keys no other account of the agreement may share with ``accrued-fees``
# (_check_accrued_fees), and, under the loan model, with ``advances`` (_check_advances).
_APART_FROM_ACCRUED_FEES = (
    "bank",
    "clearing",
    "reserve",
    "fees",
    "advances",
    "adjustments",
    "invoice-fee-account",
    "transfer-fee-account",
    "due-to-factor",
)
_APART_FROM_ADVANCES = (
    "bank",
    "clearing",
    "reserve",
    "fees",
    "adjustments",
    "invoice-fee-account",
    "transfer-fee-account",
)
# The account fields that always hold an account once the agreement has no error.
_OPTIONAL_ACCOUNTS = ("recourse_receivables", "vat_account", "vat_rates")


# The settings of the plugin's config string (``ledger/config.py``), each with a value
# to show: written on an agreement instead, the error says where they go.
PLUGIN_SETTINGS = {
    "tolerance": "'0.01'",
    "disable": "['FCT141']",
    "as-of": "'2025-06-30'",
    "max-candidates": "20",
    "max-subset": "4",
    "detail": "'invoice'",
    "accrue": "'month'",
}


def _check_keys(reader: _Reader, offer: bool) -> None:
    """Report the keys the plugin does not know and the required keys left out.

    A key a slip away from one not written (``recource-days``, ``advance_rate``) is that
    key misspelt: its error names the key meant, and that key is not reported missing
    too (one slip, one error, rather than the 52 keys and a second error)."""
    meant: set[str] = set()
    for key in reader.meta:
        if key in ("filename", "lineno") or key.startswith("__"):
            continue
        if key in PLUGIN_SETTINGS:
            reader.error(
                key,
                "a setting of the plugin, not of an agreement: delete it here and write it "
                "in the config of the plugin line at the top of the main file, like "
                f'plugin "beancount_factoring.plugin" "{{\'{key}\': {PLUGIN_SETTINGS[key]}}}"',
            )
        elif key not in KEY_SET:
            near = _meant_key(key, reader.meta[key])
            if near is not None and near not in reader.meta:
                meant.add(near)
                reader.error(key, f"unknown key; did you mean '{near}'? Write {near}: instead")
            else:
                reader.error(key, f"unknown key; the keys are: {', '.join(KEYS)}")
    fees = reader.meta.get("fees")
    if "fee" not in reader.meta and fees is not None and not _is_account(fees):
        # ``fees: "flat 2.5%"``: the fee written under the fees account's key.
        meant.add("fee")
        reader.error(
            "fees",
            f"{_shown(fees)} is not an account: fees: names the account the factor's fees "
            'are booked to; the discount fee is written fee: (no s), like fee: "flat 2.5%"',
        )
    for key in REQUIRED:
        if key not in reader.meta and key not in meant and not (offer and key == "bank"):
            reader.error(None, f"the key '{key}' is required")


def _is_account(value: object) -> bool:
    return isinstance(value, str) and account.is_valid(value)


# A number under a word of a key that counts it: ``advance: 0.95`` is the advance rate.
_SHORT_FOR = {
    "advance": "advance-rate",
    "recourse": "recourse-days",
    "release": "release-days",
    "grace": "grace-days",
}


def _meant_key(key: str, value: object) -> str | None:
    """The key an unknown one is a slip of, if its value fits it: ``advance: 0.95`` is
    not the ``advances`` account (one letter away) but the advance rate."""
    if not isinstance(value, str) and key.lower() in _SHORT_FOR:
        return _SHORT_FOR[key.lower()]
    near = spelling.near(key, KEY_SET)
    if near in ACCOUNT_KEYS and not isinstance(value, str):
        return None  # (An account is a name; a number or an amount is some other term.)
    return near


def _check_repeated_keys(reader: _Reader) -> None:
    """Report a key written twice (new terms pasted under the old ones): Beancount keeps
    the last value without a word, so which of the two the factor agreed cannot be told."""
    first: dict[str, int] = {}
    for key, lineno, column in _block_keys(reader.meta):
        if key not in first:
            first[key] = lineno
            continue
        message = (
            f"{reader.kind} '{reader.name}', key '{key}' (column {column}): written twice "
            f"(first on line {first[key]}); Beancount keeps only this one, "
            f"{_shown(reader.meta.get(key))}: keep the one the factor agreed and delete the other"
        )
        reader.errors.append(make_error("FCT110", message, reader.meta, reader.entry, lineno))


def _advance_rate(reader: _Reader) -> Decimal | None:
    """The advance rate, checked against the reserve rate when both are given."""
    advance_rate = reader.rate("advance-rate")
    reserve_rate = reader.rate("reserve-rate")
    if advance_rate is not None and reserve_rate is not None and advance_rate + reserve_rate != 1:
        reader.error(
            "reserve-rate",
            f"advance-rate {advance_rate} + reserve-rate {reserve_rate} must equal 1",
        )
    return advance_rate


def _fee_schedule(reader: _Reader) -> FeeSchedule | None:
    """The discount fee (``fee: "flat 2.5%"``), or None when missing or unreadable."""
    fee_text = reader.meta.get("fee")
    if fee_text is None:
        return None
    if not isinstance(fee_text, str):
        reader.error("fee", f'{_shown(fee_text)} must be a quoted string, like "flat 2.5%"')
        return None
    try:
        return parse_fee(fee_text)
    except ValueError as exc:
        reader.error("fee", str(exc))
        return None


def name_pattern(name: str) -> str:
    """A factor's name as a whole word, its words apart by any few separators or none.

    Banks write "Summit Capital" as SUMMIT CAPITAL, SUMMIT-CAPITAL, SUMMIT  CAPITAL or
    SUMMITCAPITAL: each must be Summit Capital's, not left to Summit's name inside it.
    """
    words = re.findall(r"[^\W_]+", name)
    if not words:
        return rf"(?<!\w){re.escape(name)}(?!\w)"
    return r"(?<!\w)" + r"[\W_]{0,3}".join(re.escape(word) for word in words) + r"(?!\w)"


def _payee(reader: _Reader, name: str) -> re.Pattern[str] | None:
    """The pattern of the factor's bank lines (by default its name as a word)."""
    payee_text = reader.meta.get("payee", name_pattern(name))
    if not isinstance(payee_text, str):
        reader.error("payee", f"{as_written(payee_text)} must be a quoted regular expression")
    elif not payee_text.strip():
        # An empty pattern matches every bank line: each would look like this factor's.
        reader.error(
            "payee", 'must not be empty; give the name on its bank lines, like "SUMMIT FUNDING"'
        )
    else:
        try:
            pattern = re.compile(payee_text, re.IGNORECASE)
        except re.error as exc:
            reader.error("payee", f"{payee_text!r} is not a valid regular expression: {exc}")
            return None
        if pattern.fullmatch(""):
            # `SUMMIT|` or `SUMMIT.*|`: it matches an empty text, so every bank line.
            reader.error(
                "payee",
                f"{payee_text!r} matches an empty text, so every bank line; drop the empty "
                'alternative, like "SUMMIT FUNDING|SUMMIT FIN"',
            )
            return None
        return pattern
    return None


def _other_charges(reader: _Reader) -> dict[str, Any]:
    """The optional charges and choices (minimums, rail fees, fuel advances, buyouts), by field."""
    charges = {
        "minimum_fee": reader.money("minimum-fee"),
        "wire_fee": reader.money("wire-fee"),
        "same_day_fee": reader.money("same-day-fee"),
        "monthly_minimum_volume": reader.money("monthly-minimum-volume"),
        "volume_shortfall_fee": reader.charge("volume-shortfall-fee"),
        "monthly_minimum_fee": reader.money("monthly-minimum-fee"),
        "part_month_minimum": reader.choice("part-month-minimum", "full"),
        "fuel_advance_rate": reader.rate("fuel-advance-rate"),
        "fuel_advance_fee": reader.charge("fuel-advance-fee"),
        "fuel_advance_days": reader.days("fuel-advance-days"),
        "buyout_fee": reader.charge("buyout-fee"),
        "short_pay_from": reader.choice("short-pay-from", "reserve"),
        "reserve_on_loss": reader.choice("reserve-on-loss", "forfeited"),
    }
    if charges["volume_shortfall_fee"] is not None and charges["monthly_minimum_volume"] is None:
        reader.error(
            "volume-shortfall-fee",
            "is charged on a shortfall of the monthly volume; give monthly-minimum-volume "
            "too, like monthly-minimum-volume: 50000.00 USD",
        )
    if charges["monthly_minimum_volume"] is not None and charges["volume_shortfall_fee"] is None:
        reader.error(
            "monthly-minimum-volume",
            'needs the fee charged on a shortfall: volume-shortfall-fee: "1%" or 250.00 USD',
        )
    _check_shortfall_currency(reader, charges)
    return charges


def _check_shortfall_currency(reader: _Reader, charges: dict[str, Any]) -> None:
    """The fixed part of the shortfall fee is charged on the minimum volume's shortfall,
    in its currency: in another one it could never apply."""
    minimum, rule = charges["monthly_minimum_volume"], charges["volume_shortfall_fee"]
    if minimum is None or rule is None or rule.applies_to(minimum.currency):
        return
    reader.error(
        "volume-shortfall-fee",
        f"{_shown(reader.meta['volume-shortfall-fee'])} charges {rule.fixed} {rule.currency} "
        f"on a shortfall of monthly-minimum-volume: {_shown(minimum)}; give the fee in "
        f"{minimum.currency}",
    )


def _check_currency(reader: _Reader, currency: str | None, charges: dict[str, Any]) -> None:
    """With a ``currency:``, every amount the agreement gives must be in it, the fixed
    part of a fee written as text (``"1% + 100.00 CAD"``) too."""
    if currency is None:
        return
    for key in KEYS:
        value = reader.meta.get(key)
        other = getattr(value, "currency", None)
        if isinstance(value, Amount) and other != currency:
            reader.error(key, f"{_shown(value)} is not in the agreement's currency {currency}")
        rule = charges.get(key.replace("-", "_"))
        if (
            isinstance(value, str)
            and isinstance(rule, FeeRule)
            and not rule.applies_to(currency)
            and key not in reader.flagged
        ):
            reader.error(
                key,
                f"{_shown(value)} charges {rule.fixed} {rule.currency}, not in the "
                f"agreement's currency {currency}",
            )


def _account_names(
    reader: _Reader, component: str, offer: bool, roots: Roots
) -> dict[str, str | None]:
    """The factor's accounts by key, each as given or made from ``component`` under the
    ledger's ``roots``."""
    assets, liabilities, _, income, expenses = roots[:5]
    named = {
        "bank": reader.account_name("bank", f"{assets}:Bank" if offer else None),
        "clearing": reader.account_name("clearing", f"{assets}:Factoring:{component}:Clearing"),
        "reserve": reader.account_name("reserve", f"{assets}:Factoring:{component}:Reserve"),
        "fees": reader.account_name("fees", f"{expenses}:Factoring:{component}:Fees"),
        "advances": reader.account_name(
            "advances", f"{liabilities}:Factoring:{component}:Advances"
        ),
        "adjustments": reader.account_name(
            "adjustments", f"{income}:Factoring:{component}:Adjustments"
        ),
    }
    # The invoice and transfer fees go to the fees account unless given their own.
    fees = named["fees"]
    named["invoice-fee-account"] = reader.account_name("invoice-fee-account", fees)
    named["transfer-fee-account"] = reader.account_name("transfer-fee-account", fees)
    named["receivables"] = reader.account_name("receivables", f"{assets}:Receivable")
    named["recourse-receivables"] = reader.account_name("recourse-receivables", None)
    named["fuel-advances"] = reader.account_name(
        "fuel-advances", f"{liabilities}:Factoring:{component}:FuelAdvances"
    )
    named["credit-losses"] = reader.account_name(
        "credit-losses", f"{expenses}:Factoring:{component}:CreditLosses"
    )
    named["due-to-factor"] = reader.account_name(
        "due-to-factor", f"{liabilities}:Factoring:{component}:DueToFactor"
    )
    named["accrued-fees"] = reader.account_name(
        "accrued-fees", f"{assets}:Factoring:{component}:AccruedFees"
    )
    return named


def _account_terms(
    reader: _Reader, name: str, currency: str | None, offer: bool, model: str, roots: Roots
) -> dict[str, Any]:
    """Every account of the agreement and the VAT terms, by field, checked against each other."""
    component = account_component(name)
    if component is None:
        reader.error(None, f"cannot make an account name from '{name}'; give every account key")
        component = "Factor"
    if currency is not None:
        # One agreement per currency: each currency gets accounts of its own.
        component = f"{component}:{re.sub(r'[^A-Za-z0-9-]', '-', currency)}"
    named = _account_names(reader, component, offer, roots)
    accrued_fees = named["accrued-fees"]
    _check_accrued_fees(reader, accrued_fees, {k: named[k] for k in _APART_FROM_ACCRUED_FEES})
    vat_rates, vat_account = _vat_terms(reader)
    named["customer-credits"] = reader.account_name(
        "customer-credits", f"{roots.liabilities}:Factoring:{component}:CustomerCredits"
    )
    advances = named["advances"]
    if model == "loan" and advances is not None:
        apart = {k: named[k] for k in _APART_FROM_ADVANCES}
        prefixes = [
            f"{roots.assets}:Receivable",
            named["receivables"],
            named["recourse-receivables"],
        ]
        _check_advances(reader, advances, apart, prefixes)
    fields: dict[str, Any] = {key.replace("-", "_"): value for key, value in named.items()}
    fields.update(vat_rates=vat_rates, vat_account=vat_account)
    return fields


def parse_agreement(
    entry: data.Custom,
    offer: bool = False,
    roots: Roots | None = None,
    known: Callable[[str], bool] | None = None,
) -> tuple[Agreement | None, list[FactoringError]]:
    """Read one ``factoring-agreement`` directive (with ``offer``, a ``factoring-offer``:
    the same keys, errors named "Offer", and ``bank`` not required since nothing is booked).
    ``known`` tells whether a word after the name is a currency of the ledger
    (``currencies.KnownCurrencies``); without it, any word of a currency's form is one.

    Returns:
      The agreement, or None if it has errors, and the list of errors.
    """
    kind, directive = ("Offer", OFFER_DIRECTIVE) if offer else ("Agreement", DIRECTIVE)
    values = entry.values or []
    name = values[0].value if values and isinstance(values[0].value, str) else None
    if not name or not name.strip():
        reader = _Reader(entry, "?", kind)
        reader.error(None, f'give the factor\'s name: custom "{directive}" "Summit"')
        return None, reader.errors
    name = name.strip()
    reader = _Reader(entry, name, kind, known)
    # (Without the ledger's roots, as the importers read it, no account is checked
    # against them: a ledger may rename them.)
    reader.roots = roots
    # Each key is read in this order, so that its errors come in the same order.
    _check_keys(reader, offer)
    _check_repeated_keys(reader)
    advance_rate = _advance_rate(reader)
    fee = _fee_schedule(reader)
    recourse_days = reader.days("recourse-days")
    release_days = reader.days("release-days")
    grace_days = reader.days("grace-days")
    invoice_fee = reader.money("invoice-fee")
    transfer_fee = reader.money("transfer-fee")
    fee_basis = reader.choice("fee-basis", "face")
    fee_timing = reader.choice("fee-timing", "purchase")
    model = reader.choice("model", "sale")
    rounding = reader.choice("rounding", "half-up")
    payee = _payee(reader, name)
    currency = reader.currency(directive)
    charges = _other_charges(reader)
    _check_currency(reader, currency, charges)
    accounts = _account_terms(reader, name, currency, offer, model, roots or DEFAULT_ROOTS)
    if reader.errors:
        return None, reader.errors
    assert advance_rate is not None and fee is not None and recourse_days is not None
    assert payee is not None
    assert all(value for key, value in accounts.items() if key not in _OPTIONAL_ACCOUNTS)
    return (
        Agreement(
            name=name,
            date=entry.date,
            meta=entry.meta,
            advance_rate=advance_rate,
            reserve_rate=1 - advance_rate,
            fee=fee,
            fee_basis=fee_basis,
            fee_timing=fee_timing,
            invoice_fee=invoice_fee,
            transfer_fee=transfer_fee,
            recourse_days=recourse_days,
            release_days=release_days,
            grace_days=DEFAULT_GRACE_DAYS if grace_days is None else grace_days,
            model=model,
            payee=payee,
            rounding=rounding,
            currency=currency,
            **charges,
            **accounts,
        ),
        [],
    )


class Agreements:
    """Every factor's agreements over time, with the one in force on a date.

    A factor may have one line of agreements per currency (``currency:
    "CAD"``) beside one for every other currency (no ``currency`` key): an
    event in a currency is governed by that currency's line if the factor has
    one, else by the line without a currency.
    """

    def __init__(self) -> None:
        self._by_factor: dict[str, list[tuple[datetime.date, Agreement | None, str | None]]] = {}
        self._factor_of_account: dict[str, str] = {}
        self._display: dict[str, str] = {}
        self._shared: set[str] = set()
        self._names: dict[str, re.Pattern[str]] = {}
        # factor_of_payee's answers, by text (emptied when an agreement is added).
        self._payees: dict[tuple[str, bool], tuple[str, ...]] = {}
        # Per factor, whether all its agreements give the same VAT, and the clearing and
        # reserve accounts of all its agreements (emptied likewise).
        self._vat_steady: dict[str, bool] = {}
        self._deposit_accounts: dict[tuple[str, str | None], frozenset[str]] = {}
        # Per factor and currency line, its agreements' start dates and the agreements.
        self._lines: dict[
            tuple[str, str | None],
            tuple[list[datetime.date], list[tuple[datetime.date, Agreement | None]]],
        ] = {}

    def add(
        self,
        name: str,
        date: datetime.date,
        agreement: Agreement | None,
        currency: str | None = None,
    ) -> None:
        """Record an agreement (None for a broken one) of a factor from a date on."""
        key = name.strip().lower()
        self._display.setdefault(key, name.strip())
        terms = self._by_factor.setdefault(key, [])
        terms.append((date, agreement, currency))
        terms.sort(key=lambda item: item[0])
        self._payees.clear()
        self._vat_steady.clear()
        self._deposit_accounts.clear()
        self._lines.clear()
        if agreement is not None:
            for name_ in agreement.own_accounts():
                owner = self._factor_of_account.setdefault(name_, key)
                if owner != key:
                    self._shared.add(name_)

    def names(self) -> list[str]:
        """The lower-cased names of every factor with an agreement."""
        return list(self._by_factor)

    def display(self, key: str | None) -> str:
        """The factor's name as the ledger first wrote it."""
        if key is None:
            return "?"
        return self._display.get(key, key)

    def known(self, name: str) -> bool:
        """True if the factor has an agreement, even a broken one."""
        return name.strip().lower() in self._by_factor

    def first_date(self, name: str) -> datetime.date | None:
        """The day the factor's first agreement starts, if it has one."""
        terms = self._by_factor.get(name.strip().lower())
        return terms[0][0] if terms else None

    def first_where(self, name: str) -> str:
        """Where the factor's first agreement is written ("file:line"), or "" if it is
        broken or the factor has none."""
        terms = self._by_factor.get(name.strip().lower())
        agreement = terms[0][1] if terms else None
        if agreement is None:
            return ""
        return f"{agreement.meta.get('filename')}:{agreement.meta.get('lineno')}"

    def currencies(self, name: str) -> tuple[str, ...]:
        """The currencies the factor has agreements of its own for."""
        terms = self._by_factor.get(name.strip().lower(), [])
        return tuple(sorted({c for _, _, c in terms if c is not None}))

    def in_force(
        self, name: str, date: datetime.date, currency: str | None = None
    ) -> tuple[bool, Agreement | None]:
        """Return (found, agreement) for a factor on a date, for an event in ``currency``.

        ``found`` is False when no agreement of the factor (for that currency)
        starts on or before the date; the agreement is None when the one in
        force is broken. Without a currency, every agreement of the factor counts.
        """
        terms = self._by_factor.get(name.strip().lower(), [])
        if currency is not None and any(c is not None for _, _, c in terms):
            own = [t for t in terms if t[2] == currency]
            # Before the currency's own line starts, the line for every currency governs.
            started = bool(own) and own[0][0] <= date
            terms = own if started else [t for t in terms if t[2] is None] or own
        index = bisect.bisect_right([item[0] for item in terms], date)
        if index == 0:
            return False, None
        return True, terms[index - 1][1]

    def lines_in_force(self, name: str, date: datetime.date) -> list[Agreement]:
        """The agreement in force on a date of each of a factor's lines (the line for
        every currency first, then one per currency), broken ones left out."""
        terms = self._by_factor.get(name.strip().lower(), [])
        found: list[Agreement] = []
        for line in (None, *self.currencies(name)):
            own = [agreement for start, agreement, c in terms if c == line and start <= date]
            if own and own[-1] is not None:
                found.append(own[-1])
        return found

    def line_on(
        self, name: str, day: datetime.date, line: str | None
    ) -> tuple[bool, Agreement | None]:
        """(found, agreement) in force on ``day`` on the factor's ``line`` (a currency, or
        None: the line for every currency); before a currency's line starts, the line for
        every currency governs, as ``in_force`` reads it. ``found`` is False before any."""
        terms = self._by_factor.get(name.strip().lower(), [])
        own = [item for item in terms if item[2] == line and item[0] <= day]
        if not own and line is not None:
            own = [item for item in terms if item[2] is None and item[0] <= day]
        return (True, own[-1][1]) if own else (False, None)

    def charged_on(self, terms: Agreement, day: datetime.date) -> Agreement:
        """An invoice's ``terms`` as they charge a fee on ``day``: with the VAT of the
        agreement of their own line (the line for ``terms.currency``, or the line for every
        currency) in force that day (``Agreement.with_vat_of``)."""
        key = terms.name.strip().lower()
        steady = self._vat_steady.get(key)
        if steady is None:
            kinds = {(a.vat_rates, a.vat_account) for _, a, _ in self._by_factor.get(key, ()) if a}
            steady = self._vat_steady[key] = len(kinds) <= 1
        if steady:
            return terms
        line = self._lines.get((key, terms.currency))
        if line is None:
            found = [
                (start, a) for start, a, c in self._by_factor.get(key, ()) if c == terms.currency
            ]
            line = self._lines[(key, terms.currency)] = ([start for start, _ in found], found)
        index = bisect.bisect_right(line[0], day)
        return terms.with_vat_of(line[1][index - 1][1] if index else None)

    def deposit_accounts(self, terms: Agreement) -> frozenset[str]:
        """The clearing and reserve accounts of every agreement of ``terms``' factor and
        currency line (and of its line for every currency, if that one started first): a
        deposit for an invoice bought before new terms renamed them may still be booked to
        the old ones."""
        key = (terms.name.strip().lower(), terms.currency)
        found = self._deposit_accounts.get(key)
        if found is None:
            # A currency's own line, with the line for every currency if that one started
            # first: it governed the currency's invoices until the own line started.
            every = self._by_factor.get(key[0], ())
            starts = {currency: start for start, _, currency in reversed(every)}
            never = datetime.date.max
            general = terms.currency is not None and starts.get(None, never) < starts.get(
                terms.currency, never
            )
            wanted = (terms.currency, None) if general else (terms.currency,)
            line = [a for _, a, currency in every if a is not None and currency in wanted]
            found = frozenset(a.clearing for a in line) | frozenset(a.reserve for a in line)
            self._deposit_accounts[key] = found | {terms.clearing, terms.reserve}
        return self._deposit_accounts[key]

    def factor_of_account(self, name: str) -> str | None:
        """The one factor whose clearing, reserve or fee account this is, if only one."""
        if name in self._shared:
            return None
        return self._factor_of_account.get(name)

    def latest(self) -> list[Agreement]:
        """Every valid agreement, all dates."""
        return [a for terms in self._by_factor.values() for _, a, _ in terms if a is not None]

    def factor_of_payee(self, text: str, by_name: bool = False) -> tuple[str, ...]:
        """The factors whose payee pattern matches a bank line's payee or narration.

        With ``by_name``, a factor whose name appears as a word in the text
        matches too ("Summit" in "Summit schedule 10452"). A factor whose every match
        lies inside a longer match of a factor with a longer name is left out: "SUMMIT
        CAPITAL ACH" is Summit Capital's, not Summit's too. Kept per text: a ledger
        repeats its events' payees and narrations ("Summit" "Collections report").
        """
        memo_key = (text, by_name)
        found = self._payees.get(memo_key)
        if found is None:
            spans: dict[str, list[tuple[int, int]]] = {}
            for key, terms in self._by_factor.items():
                patterns = [a.payee for _, a, _ in terms if a is not None]
                if by_name:
                    patterns.append(self._name_pattern(key))
                found_spans = [m.span() for p in patterns for m in p.finditer(text)]
                if found_spans:
                    spans[key] = found_spans
            found = tuple(key for key in spans if not _outmatched(key, spans))
            if len(self._payees) >= PAYEES_KEPT:
                self._payees.clear()
            self._payees[memo_key] = found
        return found

    def _name_pattern(self, key: str) -> re.Pattern[str]:
        pattern = self._names.get(key)
        if pattern is None:
            pattern = re.compile(name_pattern(key), re.IGNORECASE)
            self._names[key] = pattern
        return pattern


def _outmatched(key: str, spans: dict[str, list[tuple[int, int]]]) -> bool:
    """True if each of ``key``'s matches lies inside a longer match of a factor with a
    longer name: "SUMMIT CAPITAL ACH" is Summit Capital's, not Summit's too (and "RTS FIN
    SVC" is RTS Financial's by its `payee: "RTS FIN"`), while "Summit Capital pays Summit"
    is both (FCT111 asks which). A broad pattern of the shorter name (Summit's
    `SUMMIT.*ACH`) takes nothing from the longer."""
    others = [span for name, found in spans.items() if len(name) > len(key) for span in found]
    return bool(others) and all(
        any(
            start <= span[0] and span[1] <= end and end - start > span[1] - span[0]
            for start, end in others
        )
        for span in spans[key]
    )
