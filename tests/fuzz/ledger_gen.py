"""Generated factoring ledgers for the plugin's fuzz test and its scaling check.

A ledger has one to three factors, each with an agreement (sometimes broken: a key
missing, unknown or with a value the plugin cannot use; sometimes replaced by a later
one), invoices bought in schedules of one to four, and the events of their lives: a
fuel advance on the load, the schedule, the factor's deposit (by ACH or by wire), the
customer's payment, the reserve's release, a chargeback; and, in noisy ledgers, credit
losses, fees charged apart from invoices and buyouts from one factor to another, which
may not fit the agreement at all. Every event may be missing, duplicated, dated
anywhere (the file is in any order), name what it pays for by links, by `schedule:`,
or not at all, carry a random extra link, and have an amount off by a cent or by
anything. Deliberate `balance`
assertions with made-up amounts are added too; Beancount may report those, and only
those, besides the plugin's FCT errors.

The same generator serves hypothesis (`DrawChooser`, which shrinks) and the scaling
check (`RandomChooser`, any size from a seed):

    ledger = generate(RandomChooser(random.Random(7)), invoices=2000)
    entries, errors, _ = loader.load_string(ledger.text)
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st

from beancount_factoring.terms.agreement import account_component

T = TypeVar("T")
CENT = Decimal("0.01")
ZERO = Decimal(0)
START = datetime.date(2025, 1, 2)
BANK = "Assets:Bank:Checking"
CUSTOMERS = ("TQL", "CHR", "Echo", "Coyote")
NAMES = ("Summit", "Harbor Capital", "RTS Financial", "Öresund Finans", "A&B Factors")
CODES = ("FCT101", "FCT102", "FCT103", "FCT120", "FCT121", "FCT130", "FCT133", "FCT141",
         "FCT160", "FCT161", "FCT170")  # fmt: skip
ROUNDING = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "down": ROUND_DOWN}


class Chooser(Protocol):
    def integer(self, low: int, high: int) -> int: ...

    def choice(self, options: Sequence[T]) -> T: ...

    def chance(self, percent: int) -> bool: ...


class RandomChooser:
    """Choices from a seeded `random.Random`: any size, no shrinking."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent


class DrawChooser:
    """Choices drawn by hypothesis, which shrinks towards the first option, the lowest
    number and no chance taken (fewer perturbations)."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return int(self.data.draw(st.integers(low, high)))

    def choice(self, options: Sequence[T]) -> T:
        return options[self.data.draw(st.integers(0, len(options) - 1))]

    def chance(self, percent: int) -> bool:
        return bool(self.data.draw(st.integers(0, 99)) >= 100 - percent)


def component(name: str) -> str:
    """The factor's account component, as the plugin makes it (docs/ledger.md 2.1)."""
    return account_component(name) or "X"


def day(offset: int) -> datetime.date:
    return START + datetime.timedelta(days=offset)


def money(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass
class Factor:
    """A factor, its terms as the generator understands them, and its agreement text."""

    name: str
    advance_rate: Decimal = Decimal("0.95")
    fee_rate: Decimal = Decimal("0.02")  # the part taken at purchase
    fee_kind: str = "flat"
    basis: str = "face"
    timing: str = "purchase"
    invoice_fee: Decimal = ZERO
    transfer_fee: Decimal = ZERO
    rounding: str = "half-up"
    wire_fee: Decimal | None = None
    fuel_rate: Decimal | None = None  # a fraction; None: no fuel advances
    fuel_fixed: Decimal = ZERO
    payee: str = ""
    lines: list[str] = field(default_factory=list)
    # A key changed to a value the plugin may refuse: the ledger then opens the
    # factor's accounts itself (the plugin opens them only for a valid agreement).
    broken: bool = False

    @property
    def account(self) -> str:
        return component(self.name)

    @property
    def clearing(self) -> str:
        return f"Assets:Factoring:{self.account}:Clearing"

    @property
    def reserve(self) -> str:
        return f"Assets:Factoring:{self.account}:Reserve"

    def round(self, value: Decimal) -> Decimal:
        return value.quantize(CENT, rounding=ROUNDING[self.rounding])

    def cash(self, face: Decimal) -> tuple[Decimal, Decimal]:
        """(cash advanced net of the fees taken at purchase, reserve held)."""
        advance = self.round(face * self.advance_rate)
        basis = face if self.basis == "face" else advance
        fee = self.round(basis * self.fee_rate) if self.timing == "purchase" else ZERO
        return advance - fee - self.invoice_fee, face - advance


def agreement(ch: Chooser, name: str, date: datetime.date, noisy: bool) -> Factor:
    """A factor's agreement: valid keys, often optional ones, sometimes (in a noisy
    ledger) broken ones."""
    factor = Factor(name)
    factor.advance_rate = Decimal(ch.choice(["0.95", "0.90", "0.85", "0.8", "0.975"]))
    kind = ch.choice(["flat", "flat", "tiered", "daily"])
    percent = Decimal(ch.choice(["2", "2.5", "1.75", "3", "0.5"]))
    fee = {
        "flat": f"flat {percent}%",
        "tiered": f"tiered {percent}%/30d + 0.5%/10d",
        "daily": f"daily {percent / 20}%",
    }[kind]
    factor.fee_rate = (percent if kind != "daily" else percent / 20) / 100
    factor.fee_kind = kind
    meta: dict[str, str] = {
        "advance-rate": str(factor.advance_rate),
        "fee": f'"{fee}"',
        "recourse-days": str(ch.choice([90, 60, 0, 30])),
        "bank": BANK,
    }
    if ch.chance(30):
        factor.basis = ch.choice(["face", "advance"])
        meta["fee-basis"] = f'"{factor.basis}"'
    if ch.chance(20):
        factor.timing = ch.choice(["purchase", "collection"])
        meta["fee-timing"] = f'"{factor.timing}"'
    if ch.chance(30):
        factor.invoice_fee = Decimal(ch.choice(["5.00", "2.50", "0.00"]))
        meta["invoice-fee"] = f"{factor.invoice_fee} USD"
    if ch.chance(30):
        factor.transfer_fee = Decimal(ch.choice(["15.00", "25.00", "0.00"]))
        meta["transfer-fee"] = f"{factor.transfer_fee} USD"
    if ch.chance(30):
        meta["release-days"] = str(ch.choice([10, 30, 0]))
    if ch.chance(20):
        meta["grace-days"] = str(ch.choice([0, 3, 10]))
    if ch.chance(30):
        meta["model"] = f'"{ch.choice(["sale", "loan"])}"'
    if ch.chance(20):
        factor.rounding = ch.choice(list(ROUNDING))
        meta["rounding"] = f'"{factor.rounding}"'
    if ch.chance(15):
        meta["recourse-receivables"] = "Assets:Receivable:Recourse"
    if ch.chance(10):
        meta["reserve-rate"] = str(1 - factor.advance_rate)
    if ch.chance(25):
        factor.wire_fee = Decimal(ch.choice(["25.00", "20.00", "0.00"]))
        meta["wire-fee"] = f"{factor.wire_fee} USD"
    if ch.chance(30):
        factor.fuel_rate = Decimal(ch.choice(["0", "1.5", "2.5"])) / 100
        factor.fuel_fixed = Decimal(ch.choice(["0.00", "15.00"]))
        meta["fuel-advance-fee"] = f'"{factor.fuel_rate * 100}% + {factor.fuel_fixed} USD"'
        if ch.chance(50):
            meta["fuel-advance-rate"] = "0.40"
    for key, values in (
        ("short-pay-from", ['"reserve"', '"funding"']),
        ("reserve-on-loss", ['"forfeited"', '"released"']),
        ("minimum-fee", ["1.00 USD"]),
        ("monthly-minimum-volume", ["5000.00 USD"]),
        ("buyout-fee", ["100.00 USD", '"0.5%"']),
    ):
        if noisy and ch.chance(10):
            meta[key] = ch.choice(values)
            if key == "monthly-minimum-volume":
                meta["volume-shortfall-fee"] = ch.choice(['"1%"', "50.00 USD"])
    factor.payee = f"{name.upper()} FUNDING"
    if ch.chance(60):
        meta["payee"] = f'"{factor.payee}"'
    if noisy and ch.chance(12):  # broken: the plugin reports FCT110, leaves the factor
        key = ch.choice(
            [*sorted(meta), "advance-rate", "fee", "bank", "colour", "currency", "buyout-fee"]
        )
        meta[key] = ch.choice(
            ["1.5", "-0.1", '"flat abc"', '"sometimes"', '"NotAnAccount"', "Assets:Nope",
             '"("', "2025-01-01", "10.00 EUR", '""', "TRUE", "-5", "0"]
        )  # fmt: skip
        factor.broken = True
    if noisy and ch.chance(5):
        del meta[ch.choice(["advance-rate", "fee", "recourse-days", "bank"])]
        factor.broken = True
    factor.lines = [f'{date} custom "factoring-agreement" "{name}"']
    factor.lines += [f"  {key}: {value}" for key, value in meta.items()]
    return factor


@dataclass
class Generated:
    """A ledger's text and the lines of its deliberate balance assertions."""

    text: str
    balance_lines: set[int]
    config: str | None
    invoices: int
    clean: bool


@dataclass
class Invoice:
    number: str
    customer: str
    face: Decimal
    date: datetime.date
    factor: Factor


class Builder:
    """Blocks of ledger text, each maybe with a deliberate balance assertion.

    `noisy` ledgers have the perturbations (`odd()`); the others are a clean life of
    every invoice, whose deposits the plugin must find exactly as the generator's own
    arithmetic does.
    """

    def __init__(self, ch: Chooser, noisy: bool) -> None:
        self.ch = ch
        self.noisy = noisy
        self.blocks: list[tuple[str, bool]] = []

    def odd(self, percent: int) -> bool:
        """A perturbation, in a noisy ledger."""
        return self.noisy and self.ch.chance(percent)

    def add(self, text: str, balance: bool = False) -> None:
        self.blocks.append((text, balance))

    def event(self, text: str) -> None:
        """An event, maybe twice (a duplicated download)."""
        self.add(text)
        if self.odd(4):
            self.add(text)

    def off(self, amount: Decimal) -> Decimal:
        """The amount, or off by a cent, or off by anything."""
        if not self.noisy:
            return amount
        roll = self.ch.integer(0, 99)
        if roll < 70:
            return amount
        if roll < 90:
            return amount + self.ch.choice([CENT, -CENT])
        return amount + Decimal(self.ch.integer(-50000, 50000)).scaleb(-2)

    def when(self, base: datetime.date, low: int, high: int) -> datetime.date:
        """A date after `base`, or (rarely) anywhere in the ledger's year."""
        if self.odd(5):
            return day(self.ch.integer(-1, 300))
        return base + datetime.timedelta(days=self.ch.integer(low, high))


def links(numbers: Sequence[str]) -> str:
    return "".join(f" ^{n}" for n in numbers)


def generate(ch: Chooser, invoices: int, config: bool = True, days: int = 240) -> Generated:
    """A ledger of about `invoices` invoices bought over `days` days (see the module
    docstring); the scaling check keeps the invoices per day and grows the days."""
    b = Builder(ch, noisy=ch.chance(70))
    count = ch.integer(1, 3)
    factors = [
        agreement(ch, NAMES[i], day(-1 if not b.odd(10) else ch.integer(0, 60)), b.noisy)
        for i in range(count)
    ]
    for factor in factors:
        b.add("\n".join(factor.lines))
        if b.odd(8):  # renegotiated: a later agreement of the same name takes over
            later = agreement(ch, factor.name, day(ch.integer(20, 120)), b.noisy)
            b.add("\n".join(later.lines))
            factor.broken = factor.broken or later.broken
        if factor.broken:
            b.add(f"2025-01-01 open {factor.clearing}\n2025-01-01 open {factor.reserve}")
    made: list[Invoice] = []
    number = 1000
    while len(made) < invoices:
        factor = ch.choice(factors)
        size = min(ch.integer(1, 4), invoices - len(made))
        start = day(ch.integer(0, days))
        group = []
        for _ in range(size):
            number += 1 if not b.odd(3) else 0  # sometimes the same number twice
            face = Decimal(ch.integer(10_000, 900_000)).scaleb(-2)
            invoice = Invoice(f"INV-{number}", ch.choice(CUSTOMERS), face, start, factor)
            currency = "USD" if not b.odd(3) else "EUR"
            b.add(
                f'{start} * "{invoice.customer}" "Load {invoice.number}"\n'
                f'  invoice: "{invoice.number}"\n  load: "L-{invoice.number}"\n'
                f"  Assets:Receivable:{invoice.customer}   {money(face)} {currency}\n"
                "  Income:Freight"
            )
            group.append(invoice)
        made += group
        lifecycle(b, factor, group, len(made), [i.number for i in made])
    if len(factors) > 1 and b.odd(25):  # one factor buys another's open invoices out
        buyer, seller = factors[0], factors[-1]
        named = links([ch.choice([i.number for i in made])]) if ch.chance(40) else ""
        b.event(
            f'{day(ch.integer(0, 300))} * "{buyer.name}" "Buyout"{named}\n'
            f'  factoring: "buyout"\n  factor: "{buyer.name}"\n  from: "{seller.name}"'
        )
    if b.odd(30):
        for _ in range(ch.integer(1, 3)):
            factor = ch.choice(factors)
            account = ch.choice([BANK, factor.reserve, factor.clearing])
            amount = Decimal(ch.integer(-100000, 10_000_000)).scaleb(-2)
            b.add(f"{day(ch.integer(0, 300))} balance {account}  {money(amount)} USD", True)
    return assemble(ch, b, config, invoices)


def lifecycle(
    b: Builder, factor: Factor, group: list[Invoice], serial: int, known: list[str]
) -> None:
    """The events of a group of invoices bought together, each maybe missing or off."""
    ch = b.ch
    start = group[0].date
    numbers = [i.number for i in group]
    schedule = f"S{serial}"
    factor_meta = f'\n  factor: "{factor.name}"' if ch.chance(50) else ""
    scheduled = b.when(start, 0, 3)
    fuel = ZERO
    if factor.fuel_rate is not None and ch.chance(30):
        # A fuel advance at pickup on the first load, recouped from its funding.
        advance = factor.round(group[0].face * Decimal("0.3"))
        fee = factor.round(advance * factor.fuel_rate) + factor.fuel_fixed
        by_load = ch.chance(50)
        name = f'\n  load: "L-{numbers[0]}"' if by_load else ""
        head = f'{start} * "{factor.payee}" "Fuel advance {numbers[0]}"'
        # With the clearing posting the bank importer writes, which keeps it balanced when
        # the plugin cannot tell the factor or its terms (the bank posting alone is tested
        # in tests/test_fuel_advances.py).
        other = f"\n  {factor.clearing}"
        b.event(
            f"{head}{'' if by_load else links(numbers[:1])}\n"
            f'  factoring: "fuel-advance"{name}\n  advance: {money(advance)} USD\n'
            f"  {BANK}   {money(b.off(advance - fee))} USD{other}"
        )
        fuel = advance
    if not b.odd(15):
        b.event(
            f'{scheduled} * "{factor.name}" "Schedule {schedule}"{links(numbers)}\n'
            f'  factoring: "schedule"\n  schedule: "{schedule}"{factor_meta}'
        )
    funded = b.when(scheduled, 0, 4)
    if not b.odd(15):
        parts = [factor.cash(i.face) for i in group]
        wire = factor.wire_fee is not None and ch.chance(30)
        rail = factor.wire_fee if wire and factor.wire_fee is not None else factor.transfer_fee
        amount = sum((cash for cash, _ in parts), ZERO) - rail - fuel
        naming = ch.choice(["links", "schedule", "sched-link", "nothing", "nothing"])
        head = f'{funded} * "{factor.payee}" "ACH deposit {schedule}"'
        meta = ""
        if naming == "links":
            head += links(numbers)
        elif naming == "schedule":
            meta = f'\n  schedule: "{schedule}"'
        elif naming == "sched-link":
            head += f" ^sched-{schedule}"
        if b.odd(8):
            head += f" ^{ch.choice([*known, 'INV-404', 'sched-S0'])}"
        if ch.chance(5):
            meta += '\n  factoring: "funding"'
        if wire:
            meta += '\n  transfer: "wire"'
        b.event(f"{head}{meta}\n  {BANK}   {money(b.off(amount))} USD\n  {factor.clearing}")
    # Without a late fee or a short pay, the reserve comes back whole.
    whole = factor.timing == "purchase" and factor.fee_kind == "flat"
    for invoice in group:
        paid = b.when(funded, 0, 120)
        collected = ch.chance(70)
        if collected:
            paid_meta = ""
            if b.odd(25):
                short = invoice.face - CENT * ch.integer(0, 9000)
                paid_meta = f"\n  paid: {money(b.off(short))} USD"
            b.event(
                f'{paid} * "{invoice.customer}" "Paid {invoice.number}" ^{invoice.number}\n'
                f'  factoring: "collected"{paid_meta}'
            )
            if ch.chance(60) and (whole or b.noisy):
                held = factor.cash(invoice.face)[1]
                released = b.when(paid, 0 if b.noisy else 1, 20)
                name = links([invoice.number]) if ch.chance(60) else ""
                kind = '\n  factoring: "release"' if ch.chance(20) else ""
                b.event(
                    f'{released} * "{factor.payee}" "Reserve rebate"{name}{kind}\n'
                    f"  {BANK}   {money(b.off(held))} USD\n  {factor.reserve}"
                )
        if ch.chance(10) and (b.noisy or not collected):
            # A clean ledger's chargeback is a dispute, allowed at any time; one for
            # nonpayment (the default reason) may come before the recourse days (FCT137).
            reason = f'\n  reason: "{ch.choice(["nonpayment", "broker-claim"])}"'
            if not b.noisy:
                reason = '\n  reason: "broker-claim"'
            b.event(
                f'{b.when(funded, 30, 130)} * "{factor.name}" "Recourse {invoice.number}" '
                f'^{invoice.number}\n  factoring: "chargeback"'
                f"{reason if ch.chance(30) or not b.noisy else ''}"
            )
        if b.odd(5):  # the customer is insolvent: fits only a non-recourse agreement
            b.event(
                f'{b.when(funded, 10, 100)} * "{factor.name}" "Insolvent {invoice.number}" '
                f'^{invoice.number}\n  factoring: "credit-loss"'
            )
    if b.odd(4):  # a fee the factor charges apart from the invoices
        charge = ch.choice(["minimum-volume", "monthly-minimum-fee", "other", "teaser"])
        amount = f"\n  amount: {money(Decimal(ch.integer(0, 20000)).scaleb(-2))} USD"
        b.event(
            f'{b.when(funded, 0, 60)} * "{factor.name}" "Fee {schedule}"\n'
            f'  factoring: "fee"\n  charge: "{charge}"{amount if ch.chance(60) else ""}'
        )
    if b.odd(3):  # a deposit split by hand, wrongly
        b.event(
            f'{funded} * "{factor.payee}" "Hand split"{links(numbers)}\n'
            f"  {BANK}   {money(group[0].face)} USD\n"
            f"  {factor.clearing}   -{money(group[0].face - CENT)} USD\n"
            f"  {factor.reserve}   -{money(CENT)} USD"
        )


def plugin_config(ch: Chooser) -> str | None:
    if not ch.chance(30):
        return None
    parts = []
    if ch.chance(50):
        parts.append(f"'detail': '{ch.choice(['item', 'invoice'])}'")
    if ch.chance(30):
        parts.append(f"'tolerance': '{ch.choice(['0.01', '0.05', '1'])}'")
    if ch.chance(30):
        parts.append(f"'max-subset': {ch.integer(0, 8)}")
    if ch.chance(20):
        parts.append(f"'max-candidates': {ch.integer(0, 50)}")
    if ch.chance(20):
        parts.append(f"'disable': ['{ch.choice(CODES)}']")
    if ch.chance(20):
        parts.append(f"'as-of': '{day(ch.integer(0, 400))}'")
    return "{" + ", ".join(parts) + "}"


def assemble(ch: Chooser, b: Builder, config: bool, invoices: int) -> Generated:
    """The text: the plugin, the opens, then the blocks in any order."""
    settings = plugin_config(ch) if config else None
    head = ['plugin "beancount_factoring.plugin"' + (f' "{settings}"' if settings else "")]
    head.append(f"2025-01-01 open {BANK}")
    head += [f"2025-01-01 open Assets:Receivable:{c}" for c in CUSTOMERS]
    head.append("2025-01-01 open Income:Freight")
    order = list(range(len(b.blocks)))
    if isinstance(ch, RandomChooser):
        ch.rng.shuffle(order)
    else:
        # A few swaps: enough for any order, and hypothesis can shrink them away.
        for _ in range(ch.integer(0, 6)):
            i, j = ch.integer(0, len(order) - 1), ch.integer(0, len(order) - 1)
            order[i], order[j] = order[j], order[i]
    lines = [*head, ""]
    balance_lines = set()
    for index in order:
        text, balance = b.blocks[index]
        if balance:
            balance_lines.add(len(lines) + 1)
        lines += [*text.split("\n"), ""]
    return Generated("\n".join(lines), balance_lines, settings, invoices, not b.noisy)


def describe(value: Any) -> str:
    """A generated ledger as hypothesis should print it: its text."""
    return value.text if isinstance(value, Generated) else repr(value)
