"""How a payment of several invoices is shared, and taken back (ledger/book.py
``_read_payments``, reports/facts.py ``_share_by_number``): the plugin and the aging
report share it alike.

GAMMA owes G2 (400.00, 2025-01-03) and G3 (500.00, 2025-03-05).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader

from beancount_factoring.reports import compute

PLUGIN = 'plugin "beancount_factoring.plugin"\n'
LEDGER = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:GAMMA
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-03 * "GAMMA" "G2"
  invoice: "G2"
  Assets:Receivable:GAMMA  400.00 USD
  Income:Freight

2025-03-05 * "GAMMA" "G3"
  invoice: "G3"
  Assets:Receivable:GAMMA  500.00 USD
  Income:Freight
"""
RETURNED = """
2025-03-06 * "GAMMA" "part of G3" ^G3
  Assets:Bank:Checking  100.00 USD
  Assets:Receivable:GAMMA

2025-03-10 * "GAMMA" "one check for both" ^G2 ^G3
  Assets:Bank:Checking  600.00 USD
  Assets:Receivable:GAMMA

2025-03-15 * "GAMMA" "check returned unpaid" ^G2 ^G3
  Assets:Bank:Checking  -600.00 USD
  Assets:Receivable:GAMMA
"""


def codes(text: str) -> list[str]:
    _, errors, _ = loader.load_string(PLUGIN + text)
    return [error.message.split(" ", 1)[0] for error in errors]


def open_amounts(text: str, day: datetime.date) -> dict[str, Decimal]:
    entries, errors, options = loader.load_string(PLUGIN + text)
    assert errors == []
    aging = compute(entries, options, errors).aging(as_of=day)
    return {line.invoice: line.amount for line in aging.invoices if line.factor is None}


def test_a_returned_check_gives_back_what_it_paid_of_each_invoice() -> None:
    # The 600.00 check paid G2 its 400.00 and G3 200.00 (G3's 500.00 less the 100.00
    # paid before is 400.00 open; oldest first). Returned, it gives back 400.00 and
    # 200.00: G2 400.00 and G3 500.00 - 100.00 = 400.00 open. It gave back G3 its whole
    # 300.00 paid (the 100.00 too) and G2 300.00: G2 at 300.00, G3 at 500.00.
    day = datetime.date(2025, 3, 31)
    assert open_amounts(LEDGER + RETURNED, day) == {
        "G2": Decimal("400.00"),
        "G3": Decimal("400.00"),
    }
    # The plugin alike: G2 is wholly unpaid again, and may be sold (it was FCT131,
    # "credited 100.00 before").
    schedule = '\n2025-03-20 * "Summit" "Schedule 5" ^G2\n  factoring: "schedule"\n'
    assert codes(LEDGER + RETURNED + schedule) == []
    # G3 still has its 100.00 paid: selling it is FCT131.
    assert codes(LEDGER + RETURNED + schedule.replace("^G2", "^G3")) == ["FCT131"]


def test_a_payment_posting_that_names_its_invoice_pays_that_invoice() -> None:
    # One check of 300.00 links G2 and G3 and its posting names G3: the aging took it
    # for G3's, the plugin for G2's (oldest first), and G3, paid, could be sold in
    # silence. Both read the posting's invoice: now G3 is paid in part.
    payment = """
2025-03-10 * "GAMMA" "check for G3" ^G2 ^G3
  Assets:Bank:Checking  300.00 USD
  Assets:Receivable:GAMMA  -300.00 USD
    invoice: "G3"
"""
    day = datetime.date(2025, 3, 31)
    assert open_amounts(LEDGER + payment, day) == {
        "G2": Decimal("400.00"),
        "G3": Decimal("200.00"),
    }
    schedule = '\n2025-03-20 * "Summit" "Schedule 5" ^G3\n  factoring: "schedule"\n'
    assert codes(LEDGER + payment + schedule) == ["FCT131"]
    assert codes(LEDGER + payment + schedule.replace("^G3", "^G2")) == []
    # Without links, the posting's invoice says it all.
    unlinked = payment.replace(" ^G2 ^G3", "")
    assert codes(LEDGER + unlinked + schedule) == ["FCT131"]
