"""Fee schedules of a factoring agreement and the arithmetic of money.

A factor charges a discount fee on each invoice it buys, as a percentage of a
basis (the invoice's face, or the cash advanced). Three forms are in use:

``flat 2.5%``
    One charge, whatever the debtor's payment time.
``tiered 1.5%/30d + 1%/30d``
    The first term covers the first 30 days after funding; each further term
    covers its own period, and the last term repeats for every further period
    or part of one. A $100 invoice paid on day 60 costs 1.5% + 1% = $2.50; on
    day 61, $3.50.
``daily 0.06%``
    A charge for every day from funding to payment, at least one day.

Days run from the date the advance was paid (the funding) to the date the
debtor paid the factor. Amounts are rounded half-up to cents unless the
agreement says ``rounding: "half-even"`` or ``"down"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
# The currencies whose smallest unit is a thousandth (the Kuwaiti dinar's fils), and it.
THOUSANDTHS = frozenset(("KWD", "BHD", "OMR", "JOD", "TND", "LYD", "IQD"))
MIL = Decimal("0.001")
# The currencies whose smallest unit is the whole unit (ISO 4217 minor unit 0: the yen
# has no fraction). The plugin works out a factor's figures in cents, which these
# currencies do not have: their invoices are refused a factor as THOUSANDTHS' are.
WHOLE = frozenset(("JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"))
WHOLE |= frozenset(("XPF", "BIF", "DJF", "GNF", "KMF", "RWF", "VUV", "UYI"))
UNIT = Decimal(1)
# The currencies that are not counted in cents, of either kind.
NOT_CENTS = THOUSANDTHS | WHOLE
# Less than half a cent is arithmetic, not money: what Beancount fills in from a
# conversion at a price (616.00 USD @@ 880.00 CAD gives 880.0000000000000000000000003).
HALF_CENT = Decimal("0.005")
ROUNDING_MODES = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
HUNDRED = Decimal(100)


def smallest_unit(currency: str) -> Decimal:
    """The smallest amount of the currency: a cent, a thousandth (KWD), or one (JPY)."""
    if currency not in NOT_CENTS:
        return CENT
    return MIL if currency in THOUSANDTHS else UNIT


def not_whole(number: Decimal, currency: str) -> str:
    """What ``number`` is not in whole ones of, when ``whole_units`` says False: for
    the bookkeeper's message (``1000.10 JPY is not in whole units: JPY has no fraction``)."""
    if currency in WHOLE:
        return f"units: {currency} has no fraction"
    return "thousandths" if currency in THOUSANDTHS else "cents"


def whole_units(number: Decimal, currency: str) -> bool:
    """True if ``number`` is in whole cents (thousandths for the KWD and the like,
    whole units for the JPY and the like)."""
    return number == number.quantize(smallest_unit(currency))


def round_money(value: Decimal, rounding: str = "half-up") -> Decimal:
    """Round an amount to cents with the named rounding mode."""
    # (The mode passed by position: by keyword, Decimal's C code takes three times as
    # long to read it, and every invoice's advance and fees are rounded here.)
    return value.quantize(CENT, ROUNDING_MODES[rounding])


# A percentage's number as a bookkeeper writes it: Decimal alone would also read "2_5"
# as 25 and "1e1" as 10, a fee ten times the one meant from a slip of the keyboard.
_PERCENT_NUMBER = re.compile(r"\+?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_percent(text: str) -> Decimal:
    """Read ``"2.5%"`` as Decimal("0.025"); raise ValueError otherwise."""
    text = text.strip()
    number = text[:-1].strip()
    if not text.endswith("%") or not _PERCENT_NUMBER.fullmatch(number):
        if text.endswith("%") and number.startswith("-"):
            raise ValueError(f"{text!r} must lie between 0% and 100%")
        raise ValueError(f"{text!r} is not a percentage; {_how_to_write(text)}")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a percentage; write it like '2.5%'") from None
    if not value.is_finite() or value < 0 or value > HUNDRED:
        raise ValueError(f"{text!r} must lie between 0% and 100%")
    return value / HUNDRED


def _how_to_write(text: str) -> str:
    """How to write a percentage, for one written without its sign: a number below 1
    is a fraction copied as is (0.02 for 2%), and either reading is said."""
    if _PERCENT_NUMBER.fullmatch(text) and Decimal(text) < 1:
        percent = _percent_text(Decimal(text))
        return f"write '{percent}' for {percent} (or '{text}%' for {text}%)"
    return "write it like '2.5%'"


def _percent_text(rate: Decimal) -> str:
    """A rate as a bookkeeper writes it: Decimal("0.025") as '2.5%'."""
    text = f"{(rate * HUNDRED).normalize():f}"
    return text + "%"


# A term of a tiered fee: its rate and its days (30d, 30 days, 30D: a day's letter in
# either case, as the form's).
_TERM_RE = re.compile(r"^\s*(?P<rate>[^/]+?)\s*/\s*(?P<days>\d+)\s*d(?:ays?)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class FeeSchedule:
    """A parsed fee string: its form and its terms as (rate, days) pairs."""

    form: str
    terms: tuple[tuple[Decimal, int], ...]
    text: str

    @property
    def time_based(self) -> bool:
        """True when the fee depends on how long the debtor takes to pay."""
        return self.form != "flat"

    def rate_for_days(self, days: int) -> Decimal:
        """Return the total fee rate for an invoice paid ``days`` after funding."""
        days = max(days, 0)
        if self.form == "flat":
            return self.terms[0][0]
        if self.form == "daily":
            return self.terms[0][0] * max(days, 1)
        return _tiered_rate(self.terms, days)

    def first_term_rate(self) -> Decimal:
        """Return the rate known at purchase: the flat fee, first tier or one day."""
        return self.terms[0][0]


def _tiered_rate(terms: tuple[tuple[Decimal, int], ...], days: int) -> Decimal:
    first_rate, first_days = terms[0]
    if len(terms) == 1:
        periods = max(1, -(-days // first_days))
        return first_rate * periods
    rate = first_rate
    covered = first_days
    for term_rate, term_days in terms[1:-1]:
        if days > covered:
            rate += term_rate
            covered += term_days
    last_rate, last_days = terms[-1]
    if days > covered:
        rate += last_rate * (-(-(days - covered) // last_days))
    return rate


FORMS = ("flat", "tiered", "daily")
_HOW = "write 'flat 2.5%', 'tiered 1.75%/30d + 0.5%/10d' or 'daily 0.06%'"


def parse_fee(text: str) -> FeeSchedule:
    """Parse a fee string such as ``"tiered 1.75%/30d + 0.5%/10d"``.

    Raises:
      ValueError: with a message that says how to write the fee.
    """
    parts = text.strip().split(None, 1)
    if len(parts) != 2:
        raise ValueError(f"cannot read fee {text!r}; {_HOW}")
    form, rest = parts[0].lower(), parts[1]
    if form in ("flat", "daily"):
        try:
            rate = parse_percent(rest)
        except ValueError as exc:
            raise ValueError(f"cannot read fee {text!r}: {exc}; {_HOW}") from None
        return FeeSchedule(form, ((rate, 1 if form == "daily" else 0),), text)
    if form == "tiered":
        terms = tuple(_tier(chunk, text) for chunk in rest.split("+"))
        return FeeSchedule(form, terms, text)
    words = text.split()
    if len(words) >= 2 and words[-1].lower() in FORMS:
        # The rate before the form ("2% flat"): the form comes first.
        written = f"{words[-1].lower()} {' '.join(words[:-1])}"
        raise ValueError(
            f"unknown fee form {parts[0]!r} in {text!r}: write the form first: {written!r}"
        )
    raise ValueError(f"unknown fee form {parts[0]!r} in {text!r}; {_HOW}")


def _tier(chunk: str, text: str) -> tuple[Decimal, int]:
    """One term of a tiered fee (``1.75%/30d``): its rate and the days it covers."""
    match = _TERM_RE.match(chunk)
    if not match:
        raise ValueError(f"cannot read tier {chunk.strip()!r} of fee {text!r}; {_HOW}")
    try:
        rate = parse_percent(match["rate"])
    except ValueError as exc:
        raise ValueError(f"cannot read fee {text!r}: {exc}; {_HOW}") from None
    days = int(match["days"])
    if days <= 0:
        raise ValueError(f"tier {chunk.strip()!r} of fee {text!r} must cover 1 day or more")
    return rate, days


@dataclass(frozen=True)
class FeeRule:
    """A fee written as a rate, an amount, or both: ``"1.5% + 15.00 USD"``.

    Used by the agreement keys that charge on an amount (a fuel advance, a
    volume shortfall, the invoices a buyout moves): ``rate`` applies to that
    amount, ``fixed`` is added once, in its own currency only. A fixed part in
    another currency than what it applies to is an error before ``of`` is asked
    (FCT110 at the agreement, or FCT134 at the event, after ``applies_to``), so
    that ``of`` never leaves it out unsaid.
    """

    rate: Decimal
    fixed: Decimal
    currency: str | None
    text: str

    def of(self, base: Decimal, currency: str, rounding: str = "half-up") -> Decimal:
        """The fee on ``base`` in ``currency``: the rate's part rounded to the currency's
        smallest unit (a volume shortfall in JPY is charged in whole yen), plus the fixed
        part."""
        unit, mode = smallest_unit(currency), ROUNDING_MODES[rounding]
        fee = (base * self.rate).quantize(unit, mode) if self.rate else Decimal(0)
        if self.fixed and self.currency == currency:
            fee += self.fixed
        return fee

    def applies_to(self, currency: str) -> bool:
        """False when the fixed part is in another currency than ``currency``."""
        return not self.fixed or self.currency == currency


_AMOUNT_RE = re.compile(
    r"^\s*(?P<number>\d+(?:\.\d+)?)\s+(?P<currency>[A-Z][A-Z0-9'._-]{0,22})\s*$"
)


def parse_fee_rule(value: object) -> FeeRule:
    """Read a charge: an amount (``15.00 USD``), ``"1.5%"`` or ``"1.5% + 15.00 USD"``.

    ``value`` is the metadata value: Beancount gives an amount as an ``Amount``
    and a quoted value as a string. Raises ValueError saying how to write it.
    """
    how = 'write it like 20.00 USD, "2.5%" or "1.5% + 15.00 USD"'
    number = getattr(value, "number", None)
    currency = getattr(value, "currency", None)
    if isinstance(number, Decimal) and isinstance(currency, str):
        if not number.is_finite() or number < 0:
            raise ValueError(f"{number} {currency} must not be negative; {how}")
        return FeeRule(Decimal(0), number, currency, f"{number} {currency}")
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a fee; {how}")
    rate, fixed, fixed_currency = Decimal(0), Decimal(0), None
    for part in value.split("+"):
        part = part.strip()
        if part.endswith("%"):
            if rate:
                raise ValueError(f"{value!r} gives two percentages; {how}")
            rate = parse_percent(part)
            continue
        match = _AMOUNT_RE.match(part)
        if not match or fixed_currency is not None:
            raise ValueError(f"cannot read {value!r}; {how}")
        fixed, fixed_currency = Decimal(match["number"]), match["currency"]
    return FeeRule(rate, fixed, fixed_currency, value)
