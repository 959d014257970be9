"""Property-based tests of fuel advances, in both models.

Each test draws an agreement with a fuel-advance fee, invoices in schedules, a fuel
advance on some of their loads before the funding, and the deposits that fund
the schedules, each less the fuel advances of its loads. The amounts are worked
out here from the agreement's formulas, independently of the plugin's own:

- fuel-advance fee = rate × advance, rounded half-up to cents, + the fixed part;
- the cash of a fuel advance = advance − its fee;
- a deposit = Σ (advance − fees at purchase) − transfer fee − Σ fuel advances recouped.
"""

from __future__ import annotations

from decimal import Decimal

import test_properties as tp
from hypothesis import given
from hypothesis import strategies as st
from test_properties import SETTINGS, ZERO, cents, day, half_up

FUEL = "Liabilities:Factoring:{}:FuelAdvances"


@st.composite
def fueled_ledgers(draw: st.DrawFn) -> tuple[tp.Ledger, str, dict[str, Decimal]]:
    """A funded ledger whose loads may carry a fuel advance; the advances by invoice."""
    terms = draw(tp.terms_strategy())
    rate = Decimal(draw(st.integers(0, 300))).scaleb(-2)  # percent
    fixed = draw(cents(0, 2500))
    ledger = tp.Ledger(terms)
    fee_text = f"{rate}% + {fixed:.2f} USD"
    directive = terms.directive().replace(
        "  recourse-days:", f'  fuel-advance-fee: "{fee_text}"\n  recourse-days:'
    )
    ledger.add(directive)
    numbers = tp.add_invoices(draw, ledger, draw(st.integers(1, 6)), 1001)
    advances: dict[str, Decimal] = {}
    for number in numbers:
        inv = ledger.invoices[number]
        if not draw(st.booleans()):
            continue
        advance = draw(cents(fixed * 100 + 100, int(inv.face * 40)))
        fee = half_up(advance * rate / 100) + fixed
        by_load = draw(st.booleans())
        if by_load:
            block = next(b for b in ledger.blocks if f'invoice: "{number}"' in b)
            ledger.blocks[ledger.blocks.index(block)] = block.replace(
                f'  invoice: "{number}"\n', f'  invoice: "{number}"\n  load: "L-{number}"\n'
            )
        head = f'{tp.INVOICE_DATE} * "{terms.payee}" "Fuel advance {number}"'
        lines = [head + ("" if by_load else f" ^{number}"), '  factoring: "fuel-advance"']
        if by_load:
            lines.append(f'  load: "L-{number}"')
        # A rate makes the advance ambiguous by a cent from the cash alone: say it.
        if rate or draw(st.booleans()):
            lines.append(f"  advance: {advance:.2f} USD")
        lines.append(f"  {tp.BANK}   {advance - fee:.2f} USD")
        ledger.add("\n".join(lines) + "\n")
        advances[number] = advance
    ledger.schedules = {}
    sid = "10452"
    tp.add_schedule(ledger, sid, numbers, day(draw(st.integers(0, 3))))
    date = day(draw(st.integers(4, 8)))
    expected = sum((tp.fund(ledger, n, date) for n in numbers), ZERO) - terms.deposit_fee
    expected -= sum(advances.values(), ZERO)
    links = [] if draw(st.booleans()) else [f"sched-{sid}"]
    ledger.add(tp.bank_line(terms, date, "Funding", expected, terms.clearing, links=links), date)
    return ledger, ledger.text(), advances


@SETTINGS
@given(fueled_ledgers())
def test_fuel_advances_are_recouped_from_the_funding(case):
    ledger, text, advances = case
    entries, errors = tp.load(text)
    assert tp.messages(errors) == []
    assert tp.unbalanced(entries) == []
    fuel = FUEL.format(ledger.terms.component)
    assert tp.total(entries, fuel) == 0
    recouped = tp.total(
        entries, fuel, lambda p: (p.meta or {}).get("factoring-part") == "fuel-advance-recoup"
    )
    assert recouped == sum(advances.values(), ZERO)
    assert tp.total(entries, ledger.terms.clearing) == 0


@SETTINGS
@given(fueled_ledgers())
def test_both_models_book_fuel_advances_alike(case):
    ledger, text, _ = case
    sale, sale_errors = tp.load(text)
    loan, loan_errors = tp.load(tp.as_loan(text))
    assert tp.messages(sale_errors) == tp.messages(loan_errors) == []
    assert tp.unbalanced(loan) == []
    fuel = FUEL.format(ledger.terms.component)
    accounts = tp.cash_and_fees(ledger.terms) | {fuel}
    assert tp.day_totals(loan, accounts) == tp.day_totals(sale, accounts)
    tp.same_cash_and_fees(sale, loan, ledger.terms)
