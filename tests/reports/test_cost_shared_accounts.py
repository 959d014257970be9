"""The cost report on fee accounts two factors share: a fee typed by hand there.

Summit (95%, flat 2%, transfer fee 10.00) funds INV-1 (1,000.00): fee 20.00, transfer
10.00, 920.00 in the bank: 30.00. Harbor (90%, flat 3%, transfer fee 15.00) funds INV-2
(1,000.00): fee 30.00, transfer 15.00, 855.00 in the bank: 45.00. Both agreements book to
``Expenses:Factoring:Fees`` and ``Expenses:Factoring:TransferFees``. A wire fee of 12.00
typed by hand on one of them, naming no invoice: the factor it is on when its entry tells
(its narration, a link, a posting to the factor's reserve), else a line "(no factor)";
either way the factor lines add up to the accounts: 30.00 + 45.00 + 12.00 = 87.00.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader
from test_cost_rates import assert_ties, by_key

from beancount_factoring.reports import compute
from beancount_factoring.reports.model import NO_FACTOR, NO_INVOICE
from beancount_factoring.reports.render import csv_rows, render

from ledgers import SHARED_FEES

D = Decimal
ACCOUNTS = {"Expenses:Factoring:Fees", "Expenses:Factoring:TransferFees"}

LEDGER = SHARED_FEES

# The hand-typed fee, with what stands for its payee and narration, its links and its
# other posting.
FEE = """2025-03-05 * "Bank" "NARRATION" LINKS
  ACCOUNT   12.00 USD
  OTHER
"""


def ledger(account: str, narration: str = "Wire fee by hand", links: str = "", other=None):
    fee = FEE.replace("NARRATION", narration).replace("LINKS", links).replace("ACCOUNT", account)
    return LEDGER + fee.replace("OTHER", other or "Assets:Bank:Checking")


def cost_of(text: str, factor: str | None = None):
    entries, errors, options_map = loader.load_string(text)
    assert errors == []
    return compute(entries, options_map, errors).cost(factor=factor), entries


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
@pytest.mark.parametrize(
    "narration,links,other",
    [
        ("Summit wire fee by hand", "", None),
        ("Wire fee by hand", "^INV-1", None),
        # Taken from Summit's reserve: its own account.
        ("Wire fee by hand", "", "Assets:Factoring:Summit:Reserve"),
    ],
)
def test_a_fee_by_hand_whose_entry_names_the_factor_is_its(account, narration, links, other):
    report, entries = cost_of(ledger(account, narration, links, other))
    factors = by_key(report.by_factor)
    # Summit: 20.00 + 10.00 + 12.00 (other) = 42.00; Harbor 30.00 + 15.00 = 45.00.
    assert set(factors) == {"Summit", "Harbor"}
    summit = factors["Summit"].fees
    assert (summit.discount, summit.transfer, summit.other) == (D("20.00"), D("10.00"), D(12))
    assert summit.total == D("42.00")
    assert factors["Harbor"].fees.total == D("45.00")
    assert by_key(report.by_customer)[NO_INVOICE].fees.total == D("12.00")
    assert_ties(report, entries, ACCOUNTS)


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
@pytest.mark.parametrize("narration", ["Wire fee by hand", "Summit and Harbor wire fees"])
def test_a_fee_by_hand_of_no_factor_told_is_on_a_line_of_its_own(account, narration):
    report, entries = cost_of(ledger(account, narration))
    factors = by_key(report.by_factor)
    # 30.00 + 45.00 + 12.00 = 87.00, the two accounts' balances (the ledger's
    # 20.00 + 30.00 on Fees and 10.00 + 15.00 on TransferFees, with the 12.00 on one).
    assert {key: line.fees.total for key, line in factors.items()} == {
        "Summit": D("30.00"),
        "Harbor": D("45.00"),
        NO_FACTOR: D("12.00"),
    }
    assert factors[NO_FACTOR].fees.other == D("12.00")
    assert factors[NO_FACTOR].annual_rate is None
    months = {(line.key, line.factor): line.fees.total for line in report.by_month}
    assert months[("2025-03", NO_FACTOR)] == D("12.00")
    customers = by_key(report.by_customer)
    # TQL 20.00 + 10.00 + 30.00 + 15.00 = 75.00; the 12.00 of no invoice apart.
    assert (customers["TQL"].fees.total, customers[NO_INVOICE].fees.total) == (
        D("75.00"),
        D("12.00"),
    )
    assert_ties(report, entries, ACCOUNTS)


def test_the_line_of_no_factor_in_every_renderer():
    report, _ = cost_of(ledger("Expenses:Factoring:TransferFees"))
    text = render(report, "text")
    assert "(no factor)  USD      0.00      0.00  12.00  12.00       0      0.00\n" in text
    assert "2025-03  (no factor)  USD      0.00      0.00  12.00  12.00\n" in text
    # Last, as the fees of no invoice are last among the customers; no all-in rate.
    assert text.index("Summit ") < text.index("(no factor)")
    assert "All-in" not in text
    header, rows = csv_rows(report)
    found = [dict(zip(header, row, strict=True)) for row in rows if row[1] == NO_FACTOR]
    assert [(row["group"], row["total"]) for row in found] == [("factor", "12.00")]
    months = [dict(zip(header, row, strict=True)) for row in rows if row[2] == NO_FACTOR]
    assert {(row["group"], row["key"], row["total"]) for row in months} >= {
        ("month", "2025-03", "12.00")
    }
    assert '"key": "(no factor)"' in render(report, "json")


def test_one_factors_report_shows_the_fees_that_may_be_its():
    # Summit or Harbor alone: the 12.00 may be either's, so each one's report shows it.
    text = ledger("Expenses:Factoring:TransferFees")
    for factor, own in (("summit", D("30.00")), ("harbor", D("45.00"))):
        report, _ = cost_of(text, factor)
        factors = {line.key: line.fees.total for line in report.by_factor}
        assert factors == {factor.capitalize(): own, NO_FACTOR: D("12.00")}
        assert by_key(report.by_customer)[NO_INVOICE].fees.total == D("12.00")


def test_a_fee_before_the_period_is_left_out():
    report, _ = cost_of(ledger("Expenses:Factoring:Fees"))
    entries, errors, options_map = loader.load_string(ledger("Expenses:Factoring:Fees"))
    report = compute(entries, options_map, errors).cost(start=datetime.date(2025, 3, 6))
    assert NO_FACTOR not in by_key(report.by_factor)
