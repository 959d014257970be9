"""Generate a realistic, deterministic ledger of a carrier that factors its invoices.

    python benchmarks/generate.py --invoices 10000 --out /tmp/ledger.beancount

The business: freight loads billed to brokers, about 70% sold to a flat-fee
factor with a reserve (Summit), 20% to a tiered factor that takes its fee at
collection (Harbor), the rest paid by the brokers directly. Each business day's
invoices form one schedule per factor, funded the next day; Summit advances fuel
on one load in twenty at pickup and recoups it from the funding, and bills a
monthly service fee that is paid from the bank. Summit releases
reserves weekly inside a funding, together with any chargebacks it nets;
Harbor releases weekly on its own. Some deposits name what they settle, the
others are left for the plugin to allocate by amount (``--unnamed``). Fuel,
payroll, insurance and truck payments fill the rest of the books. Each invoice
links its own number (``^INV-000001``), as the invoice importer writes it.

Amounts are computed with the same agreement arithmetic the plugin uses, so the
generated ledger passes bean-check with zero errors.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from beancount_factoring.terms.fees import parse_fee, round_money

D = Decimal
ZERO = Decimal(0)
BROKERS = [
    "Apex-Logistics",
    "Bluewater-Freight",
    "Cascade-Brokerage",
    "Delta-Lanes",
    "Eastbound",
    "Falcon-Transport",
    "Granite-Logistics",
    "Harborline",
    "Ironwood-Freight",
    "Juniper-Cargo",
    "Keystone-Lanes",
    "Lakeside-Logistics",
    "Meridian-Freight",
    "Northstar-Brokers",
    "Orchard-Logistics",
    "Pinecrest-Freight",
    "Quarry-Lane",
    "Redrock-Logistics",
    "Summitview-Cargo",
    "Tidewater-Freight",
    "Upland-Brokerage",
    "Valley-Transport",
    "Westgate-Logistics",
    "Yellowstone-Freight",
    "Zephyr-Cargo",
]

AGREEMENTS = """
2020-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2.5%"
  transfer-fee: 15.00 USD
  recourse-days: 90
  release-days: 14
  grace-days: 5
  fuel-advance-rate: 0.40
  fuel-advance-fee: "1.5% + 10.00 USD"
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2020-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "collection"
  recourse-days: 90
  release-days: 14
  grace-days: 5
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking
"""


@dataclass
class Sold:
    number: str
    face: Decimal
    broker: str
    funded: datetime.date
    reserve: Decimal
    fee_upfront: Decimal
    collected: datetime.date | None = None
    late_fee: Decimal = ZERO
    owed: Decimal = ZERO
    fuel: Decimal = ZERO


@dataclass
class Factor:
    name: str
    payee: str
    advance_rate: Decimal
    fee: str
    timing: str
    transfer_fee: Decimal
    open_releases: list[Sold] = field(default_factory=list)
    owed: list[tuple[str, Decimal]] = field(default_factory=list)


def split(factor: Factor, face: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    advance = round_money(face * factor.advance_rate)
    schedule = parse_fee(factor.fee)
    upfront = schedule.first_term_rate() if factor.timing == "purchase" else D(0)
    return advance, face - advance, round_money(face * upfront)


def late_fee(factor: Factor, sold: Sold, paid: datetime.date) -> Decimal:
    days = (paid - sold.funded).days
    total = round_money(sold.face * parse_fee(factor.fee).rate_for_days(days))
    return max(total - sold.fee_upfront, D(0))


def money(value: Decimal) -> str:
    return f"{value:.2f} USD"


def generate(
    invoices: int,
    unnamed: float,
    seed: int,
    plugin: bool,
    plugin_config: str = "",
    dense: bool = False,
) -> str:
    """Return the ledger text.

    Without the plugin (``plugin`` False) the entries that only the plugin would
    balance (a fuel advance, a fee event) get the legs it would write, so that the
    baseline checks clean too. ``dense`` leaves out the carrier's other books (fuel,
    payroll, insurance, truck payments): one entry per invoice beside its factoring
    events, like a book kept for factoring only; the invoices and events are the same.
    """
    rng = random.Random(seed)
    # Its own stream, so the fuel advances leave every other draw of a seed as it was.
    fuel_rng = random.Random(seed + 1_000_003)
    per_day = max(1, round(invoices / (52 * 3 * 5)))
    summit = Factor("Summit", "SUMMIT FUNDING", D("0.95"), "flat 2.5%", "purchase", D("15.00"))
    harbor = Factor(
        "Harbor", "HARBOR CAPITAL", D("0.90"), "tiered 1.75%/30d + 0.5%/10d", "collection", D(0)
    )
    pay_days = {b: rng.randint(22, 50) for b in BROKERS}
    out: list[str] = []
    w = out.append
    if plugin:
        config = f' "{plugin_config}"' if plugin_config else ""
        w(f'plugin "beancount_factoring.plugin"{config}\n')
    w('option "title" "Generated factoring ledger"\noption "operating_currency" "USD"\n')
    for account in (
        [
            "Assets:Bank:Checking",
            "Income:Freight:Linehaul",
            "Income:Freight:Lumper",
            "Expenses:Fuel",
            "Expenses:Payroll",
            "Expenses:Insurance",
            "Expenses:Tolls",
            "Liabilities:TruckLoans",
            "Liabilities:FuelCard",
            "Equity:Opening-Balances",
        ]
        + [f"Assets:Receivable:{b}" for b in BROKERS]
        + [
            f"{kind}:{name}:{leaf}"
            for name in ("Summit", "Harbor")
            for kind, leaf in (
                ("Assets:Factoring", "Clearing"),
                ("Assets:Factoring", "Reserve"),
                ("Expenses:Factoring", "Fees"),
                ("Income:Factoring", "Adjustments"),
            )
        ]
    ):
        w(f"2019-12-31 open {account}\n")
    w(AGREEMENTS)
    w(
        '\n2019-12-31 * "Opening balance"\n  Assets:Bank:Checking  250000.00 USD\n'
        "  Equity:Opening-Balances\n"
    )
    day = datetime.date(2020, 1, 1)
    number = 0
    collections: dict[datetime.date, list[tuple[Factor, Sold, Decimal]]] = defaultdict(list)
    direct: dict[datetime.date, list[tuple[str, str, Decimal]]] = defaultdict(list)
    chargebacks: dict[datetime.date, list[tuple[Factor, Sold]]] = defaultdict(list)
    pending_schedules: list[tuple[datetime.date, Factor, str, list[Sold]]] = []
    schedule_no = 10000
    fuel_owed = ZERO

    def settle_day(day: datetime.date) -> None:
        _events_of_day(
            w,
            rng,
            day,
            unnamed,
            summit,
            harbor,
            pending_schedules,
            collections,
            direct,
            chargebacks,
        )

    while number < invoices:
        if day.weekday() < 5:
            sold_today: dict[str, list[Sold]] = {"Summit": [], "Harbor": []}
            for _ in range(min(per_day, invoices - number)):
                number += 1
                inv = f"INV-{number:06d}"
                broker = rng.choice(BROKERS)
                linehaul = D(rng.randint(1200, 3500)) + D(rng.choice([0, 25, 50, 75])) / 100
                lumper = D(rng.choice([0, 0, 0, 75, 150]))
                face = linehaul + lumper
                w(
                    f'\n{day} * "{broker}" "Load L-{number}" ^{inv}\n  invoice: "{inv}"\n'
                    f'  load: "L-{number}"\n  due: {day + datetime.timedelta(days=30)}\n'
                    f"  Assets:Receivable:{broker}  {money(face)}\n"
                    f"  Income:Freight:Linehaul  {money(-linehaul)}\n"
                )
                if lumper:
                    w(f"  Income:Freight:Lumper  {money(-lumper)}\n")
                # Every load burns fuel, bought on the fleet card on the road.
                diesel = D(rng.randint(30000, 90000)) / 100
                fuel_owed += diesel
                if not dense:
                    w(
                        f'\n{day} * "Pilot Travel Centers" "Diesel, load L-{number}"\n'
                        f"  Expenses:Fuel  {money(diesel)}\n  Liabilities:FuelCard\n"
                    )
                draw = rng.random()
                paid_on = day + datetime.timedelta(days=pay_days[broker] + rng.randint(-5, 8))
                if draw < 0.10:
                    direct[paid_on].append((inv, broker, face))
                    continue
                factor = summit if draw < 0.80 else harbor
                funded = day + datetime.timedelta(days=1)
                _, reserve, upfront = split(factor, face)
                sold = Sold(inv, face, broker, funded, reserve, upfront)
                sold_today[factor.name].append(sold)
                if factor is summit and fuel_rng.random() < 0.05:
                    sold.fuel = round_money(face * D("0.30"))
                    fee = round_money(sold.fuel * D("0.015")) + D("10.00")
                    w(
                        f'\n{day} * "SUMMIT FUNDING" "Fuel advance L-{number}"\n'
                        f'  factoring: "fuel-advance"\n  load: "L-{number}"\n'
                        f"  advance: {money(sold.fuel)}\n"
                        f"  Assets:Bank:Checking  {money(sold.fuel - fee)}\n"
                    )
                    if not plugin:
                        # What the plugin would book: its fee, the advance owed back.
                        w(
                            f"  Expenses:Factoring:Summit:Fees  {money(fee)}\n"
                            "  Assets:Factoring:Summit:Clearing\n"
                        )
                if rng.random() < 0.004:
                    chargebacks[funded + datetime.timedelta(days=91)].append((factor, sold))
                else:
                    short = D(0)
                    if rng.random() < 0.02:
                        short = D(rng.choice([25, 50, 75, 100]))
                    collections[paid_on].append((factor, sold, face - short))
            for factor in (summit, harbor):
                if sold_today[factor.name]:
                    schedule_no += 1
                    pending_schedules.append(
                        (day, factor, str(schedule_no), sold_today[factor.name])
                    )
            _business_day(w, rng, day, fuel_owed, plugin, dense)
            if day.weekday() == 0:
                fuel_owed = ZERO
        settle_day(day)
        day += datetime.timedelta(days=1)
    last = day + datetime.timedelta(days=120)
    while day <= last:
        settle_day(day)
        day += datetime.timedelta(days=1)
    return "".join(out)


def _business_day(
    w, rng: random.Random, day: datetime.date, fuel: Decimal, plugin: bool, dense: bool
) -> None:
    write = w

    def w(text: str, factoring: bool = False) -> None:
        # A dense ledger makes the same draws and leaves the other books out.
        if factoring or not dense:
            write(text)

    if day.weekday() == 0 and fuel:
        w(
            f'\n{day} * "Fleet Fuel Card" "Weekly fuel card draft"\n'
            f"  Liabilities:FuelCard  {money(fuel)}\n  Assets:Bank:Checking\n"
        )
    if day.weekday() == 4:
        w(
            f'\n{day} * "Payroll Service" "Driver payroll"\n'
            f"  Expenses:Payroll  {money(D(rng.randint(9000, 14000)))}\n  Assets:Bank:Checking\n"
        )
    if day.day <= 7 and day.weekday() == 0:
        w(
            f'\n{day} * "Prairie Mutual" "Cargo and liability insurance"\n'
            "  Expenses:Insurance  4200.00 USD\n  Assets:Bank:Checking\n"
        )
        w(
            f'\n{day} * "Summit" "Monthly service fee"\n  factoring: "fee"\n'
            '  charge: "other"\n  amount: 25.00 USD\n  Assets:Bank:Checking  -25.00 USD\n'
            + ("" if plugin else "  Expenses:Factoring:Summit:Fees  25.00 USD\n"),
            factoring=True,
        )
        w(
            f'\n{day} * "Fleet Credit" "Truck payments"\n'
            "  Liabilities:TruckLoans  9800.00 USD\n  Assets:Bank:Checking\n"
        )


def _events_of_day(
    w, rng, day, unnamed, summit, harbor, pending, collections, direct, chargebacks
) -> None:
    for inv, broker, face in direct.pop(day, []):
        w(
            f'\n{day} * "{broker}" "Payment" ^{inv}\n  Assets:Bank:Checking  {money(face)}\n'
            f"  Assets:Receivable:{broker}\n"
        )
    for factor, sold in chargebacks.pop(day, []):
        w(
            f'\n{day} * "{factor.name}" "Recourse {sold.number}" ^{sold.number}\n'
            '  factoring: "chargeback"\n'
        )
        fee = late_fee(factor, sold, day)
        factor.owed.append((sold.number, sold.face - sold.reserve + fee))
    paid_today = collections.pop(day, [])
    for factor in (summit, harbor):
        full = [s for f, s, paid in paid_today if f is factor and paid == s.face]
        if full:
            links = " ".join(f"^{s.number}" for s in full)
            w(
                f'\n{day} * "{factor.name}" "Collections report" {links}\n'
                '  factoring: "collected"\n'
            )
        for f, sold, paid in paid_today:
            if f is factor and paid != sold.face:
                w(
                    f'\n{day} * "{sold.broker}" "Short pay" ^{sold.number}\n'
                    f'  factoring: "collected"\n  paid: {money(paid)}\n'
                )
                short = sold.face - paid
                taken = min(short, sold.reserve)
                sold.reserve -= taken
                sold.owed = short - taken
        for f, sold, _ in paid_today:
            if f is factor:
                sold.collected = day
                sold.late_fee = late_fee(factor, sold, day)
                factor.open_releases.append(sold)
    due = [p for p in pending if p[0] + datetime.timedelta(days=1) == day]
    for item in due:
        pending.remove(item)
    for factor in (summit, harbor):
        schedules = [(sid, sold) for d, f, sid, sold in due if f is factor]
        for sid, sold in schedules:
            links = " ".join(f"^{s.number}" for s in sold)
            w(
                f'\n{day - datetime.timedelta(days=1)} * "{factor.name}" "Schedule {sid}" '
                f'{links}\n  factoring: "schedule"\n  schedule: "{sid}"\n'
            )
        friday = day.weekday() == 4
        releases = factor.open_releases if friday else []
        owed = factor.owed if schedules and factor is summit else []
        if factor is harbor and releases:
            _release(w, day, factor, releases, rng, unnamed)
            factor.open_releases = []
            releases = []
        if not schedules and not releases and not owed:
            continue
        cash = D(0)
        for _, sold in schedules:
            for s in sold:
                advance, _, upfront = split(factor, s.face)
                cash += advance - upfront - s.fuel
        if schedules:
            cash -= factor.transfer_fee
        cash += sum((s.reserve - s.late_fee - s.owed for s in releases), D(0))
        cash -= sum((amount for _, amount in owed), D(0))
        # A release without a funding is always named: it settles a week of reserves
        # (more open items than the plugin's max-subset combines by amount), and the
        # factor's reserve report lists its invoices for the importer to link.
        named = rng.random() >= unnamed or not schedules
        hints = ""
        if named:
            ids = ", ".join(sid for sid, _ in schedules)
            links = " ".join(f"^{s.number}" for s in releases)
            links += "".join(f" ^{n}" for n, _ in owed)
            hints = f" {links}" if links.strip() else ""
            if ids:
                hints += f'\n  schedule: "{ids}"'
        w(
            f'\n{day} * "{factor.payee}" "ACH deposit"{hints}\n'
            f"  Assets:Bank:Checking  {money(cash)}\n  Assets:Factoring:{factor.name}:Clearing\n"
        )
        if releases:
            factor.open_releases = []
        if owed:
            factor.owed = []


def _release(w, day, factor, releases, rng, unnamed) -> None:
    cash = sum((s.reserve - s.late_fee - s.owed for s in releases), D(0))
    links = " ".join(f"^{s.number}" for s in releases)
    w(
        f'\n{day} * "{factor.payee}" "Reserve release" {links}\n'
        f"  Assets:Bank:Checking  {money(cash)}\n  Assets:Factoring:{factor.name}:Reserve\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument(
        "--unnamed",
        type=float,
        default=0.0,
        help="share of deposits that name nothing (allocated by amount)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-plugin", action="store_true", help="leave the plugin line out")
    parser.add_argument("--config", default="", help="the plugin's config string")
    parser.add_argument(
        "--dense", action="store_true", help="factoring entries only (no fuel, payroll...)"
    )
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    text = generate(
        args.invoices, args.unnamed, args.seed, not args.no_plugin, args.config, args.dense
    )
    Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
