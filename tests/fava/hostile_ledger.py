"""A ledger whose every string is hostile, for the Fava pages' escaping tests.

`hostile_ledger(strings)` writes one ledger that gives every factoring page something
to show (two agreements, invoices, a schedule funded and one not, fundings,
collections, a short pay, a release, a chargeback, a deposit that matches nothing, an
event naming an unknown factor, an invoice whose number is no link, a bad extension
config) and puts a string of `strings` in each place a ledger string can reach a page:
the factors' names, payees and narrations, `customer:`, `schedule:`, `invoice:` and
`factor:` values, and the extension's config. Account names cannot hold markup
(Beancount allows letters, digits and dashes), so they are non-ASCII instead.

`PAYLOADS` are the classic ways out of an HTML text node, an attribute, a `<script>`
element or a JSON string; `hostile()` draws strings made of them, with quotes,
backslashes, control and non-ASCII characters and, sometimes, a great length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

# Each holds markup that would run or change the page if it reached it unescaped.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "</svelte-component><fzx-tag>",
    '<a href="javascript:alert(1)">x</a>',
    "<!--<script>",
    "]]><fzx-tag/>",
    "<style>*{display:none}</style>",
    "&lt;script&gt;<fzx-tag>",
    '\\"}]<fzx-tag>',
    "<fzx-tag x='{{7*7}}'>",
)
# Characters that escaping must handle, and a few that often trip it up.
TRICKY = "<>&\"'\\/`=\n\t\r\x00\x1b\u2028\u2029\ufeff\u202eé東Ω🚚"
# Account components (Beancount allows no markup in an account name).
# A component starts with an upper-case letter (or, past the first, a digit); other
# letters may follow.
LEAVES = ("Ünïcødé", "Ωmega-2", "Éa-東京", "Ærø", "Straße", "9Lives")


@dataclass(frozen=True)
class Strings:
    """The strings of one hostile ledger, each naming the place it goes."""

    factor1: str
    factor2: str
    payee: str
    narration: str
    customer1: str
    customer2: str
    schedule: str
    invoice: str
    unknown_factor: str
    config: str
    leaves: tuple[str, str] = LEAVES[:2]

    def all(self) -> dict[str, str]:
        """The hostile strings by place (the account leaves hold no markup)."""
        return {key: value for key, value in vars(self).items() if key != "leaves"}


@st.composite
def hostile(draw: st.DrawFn) -> str:
    """A string with a payload, among other text, sometimes very long."""
    text = st.text(
        st.sampled_from(TRICKY) | st.characters(blacklist_categories=("Cs",)), max_size=12
    )
    payload = draw(st.sampled_from(PAYLOADS))
    value = draw(text) + payload + draw(text)
    if draw(st.integers(0, 9)) == 0:
        value += draw(st.sampled_from(["x", "<b>", '"', "\\"])) * draw(st.integers(1, 20_000))
    return value


@st.composite
def strings(draw: st.DrawFn) -> Strings:
    """Hostile strings for every place of the ledger, and two account leaves. The two
    factors' names must differ as the plugin tells agreements apart (case and the
    spaces around a name do not count)."""
    first = draw(hostile())
    second = draw(hostile().filter(lambda s: s.strip().lower() != first.strip().lower()))
    known = {first.strip().lower(), second.strip().lower()}
    one, two = draw(st.lists(st.sampled_from(LEAVES), min_size=2, max_size=2, unique=True))
    return Strings(
        factor1=first,
        factor2=second,
        payee=draw(hostile()),
        narration=draw(hostile()),
        customer1=draw(hostile()),
        customer2=draw(hostile()),
        # A schedule event's ids are split at commas and spaces.
        schedule=draw(hostile().map(lambda s: re.sub(r"[,\s]+", "", s))),
        invoice=draw(hostile()),
        unknown_factor=draw(hostile().filter(lambda s: s.strip().lower() not in known)),
        config=draw(hostile()),
        leaves=(one, two),
    )


def quote(text: str) -> str:
    """A Beancount string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_ledger(path: Path, s: Strings) -> Path:
    """Write the ledger (see the module docstring) to `path`."""
    q = quote
    one, two = s.leaves
    text = f"""\
option "title" "Hostile"
option "operating_currency" "USD"
plugin "beancount_factoring.plugin"
2025-01-01 custom "fava-extension" "beancount_factoring.fava" {q(s.config)}

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:{one}
2025-01-01 open Assets:Receivable:{two}
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" {q(s.factor1)}
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 30
  release-days: 5
  grace-days: 3
  bank: Assets:Bank:Checking
  clearing: Assets:Factoring:{one}-F1:Clearing
  reserve: Assets:Factoring:{one}-F1:Reserve
  fees: Expenses:Factoring:{one}-F1:Fees
  adjustments: Income:Factoring:{one}-F1:Adjustments

2025-01-01 custom "factoring-agreement" {q(s.factor2)}
  advance-rate: 0.80
  fee: "tiered 1%/30d + 0.5%/10d"
  recourse-days: 60
  bank: Assets:Bank:Checking
  clearing: Assets:Factoring:{two}-F2:Clearing
  reserve: Assets:Factoring:{two}-F2:Reserve
  fees: Expenses:Factoring:{two}-F2:Fees
  adjustments: Income:Factoring:{two}-F2:Adjustments

2025-01-02 * {q(s.payee)} {q(s.narration)}
  invoice: "INV-1"
  customer: {q(s.customer1)}
  due: 2025-02-01
  Assets:Receivable:{one}        1000.00 USD
  Income:Freight

2025-01-02 * {q(s.payee)} {q(s.narration)}
  invoice: "INV-2"
  customer: {q(s.customer2)}
  Assets:Receivable:{two}        2000.00 USD
  Income:Freight

2025-01-03 * {q(s.payee)} {q(s.narration)}
  invoice: "INV-3"
  customer: {q(s.customer1)}
  Assets:Receivable:{one}         500.00 USD
  Income:Freight

2025-01-03 * {q(s.payee)} {q(s.narration)}
  invoice: "INV-4"
  Assets:Receivable:{two}         800.00 USD
  Income:Freight

2025-01-04 * {q(s.payee)} {q(s.narration)}
  invoice: "INV-5"
  customer: {q(s.customer2)}
  Assets:Receivable:{two}         300.00 USD
  Income:Freight

2025-01-04 * {q(s.payee)} {q(s.narration)}
  invoice: "INV-6"
  customer: {q(s.customer1)}
  Assets:Receivable:{one}         400.00 USD
  Income:Freight

2025-01-05 * {q(s.payee)} {q(s.narration)}
  invoice: {q(s.invoice)}
  Assets:Receivable:{one}         100.00 USD
  Income:Freight

2025-01-05 * {q(s.payee)} {q(s.narration)} ^INV-1 ^INV-2
  factoring: "schedule"
  factor: {q(s.factor1)}
  schedule: "S-1"

2025-01-06 * {q(s.payee)} {q(s.narration)} ^INV-1 ^INV-2
  Assets:Bank:Checking          2640.00 USD
  Assets:Factoring:{one}-F1:Clearing

2025-01-07 * {q(s.payee)} {q(s.narration)} ^INV-3
  factoring: "schedule"
  factor: {q(s.factor1)}
  schedule: {q(s.schedule)}

2025-01-08 * {q(s.payee)} {q(s.narration)} ^INV-4 ^INV-5
  Assets:Bank:Checking           869.00 USD
  Assets:Factoring:{two}-F2:Clearing

2025-01-20 * {q(s.payee)} {q(s.narration)} ^INV-1
  factoring: "collected"

2025-01-22 * {q(s.payee)} {q(s.narration)} ^INV-1
  Assets:Bank:Checking           100.00 USD
  Assets:Factoring:{one}-F1:Reserve

2025-01-25 * {q(s.payee)} {q(s.narration)} ^INV-5
  factoring: "collected"
  paid: 250.00 USD

2025-02-20 * {q(s.payee)} {q(s.narration)} ^INV-2
  factoring: "chargeback"

2025-02-25 * {q(s.payee)} {q(s.narration)} ^INV-4
  factoring: "collected"
  factor: {q(s.unknown_factor)}

2025-03-01 * {q(s.payee)} {q(s.narration)}
  Assets:Bank:Checking           123.45 USD
  Assets:Factoring:{one}-F1:Clearing

2025-03-20 note Assets:Bank:Checking {q(s.narration)}
"""
    path.write_text(text, encoding="utf-8")
    return path
