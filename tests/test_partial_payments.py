"""Payments in parts and short pays paid later, in the sale and the loan model.

Harbor advances 80% of a $1,000.00 invoice (reserve $200.00), charges $20.00 per funding
and a tiered fee of 1.75% for 30 days and 0.5% per further 10 days, all of it taken from
the reserve at release (``fee-timing: "collection"``). The funding on March 4 pays
800.00 - 20.00 = 780.00.

A ``collected`` with ``partial: TRUE`` is a part: the invoice stays open and the fee
clock runs. The last payment (no ``partial:``) closes it. A payment after a short pay
closed it says ``reason: "additional-payment"``: it undoes the short pay.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.reports import compute

from ledgers import OPENS, balance, codes, legs, load, txn

D = Decimal
CLEARING = "Assets:Factoring:Harbor:Clearing"
RESERVE = "Assets:Factoring:Harbor:Reserve"
FEES = "Expenses:Factoring:Harbor:Fees"
ADJUSTMENTS = "Income:Factoring:Harbor:Adjustments"
ADVANCES = "Liabilities:Factoring:Harbor:Advances"
CREDITS = "Liabilities:Factoring:Harbor:CustomerCredits:Echo"
BANK = "Assets:Bank:Checking"
ECHO = "Assets:Receivable:Echo"

HARBOR = """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.80
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "collection"
  transfer-fee: 20.00 USD
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking

2025-03-03 * "Echo" "Load E-55120"
  invoice: "INV-2001"
  Assets:Receivable:Echo       1000.00 USD
  Income:Freight

2025-03-04 * "HARBOR CAPITAL" "Advance" ^INV-2001
  Assets:Bank:Checking          780.00 USD
  Assets:Factoring:Harbor:Clearing
"""

# Echo pays 400.00 on March 20 and the other 600.00 on April 18. The invoice is paid in
# full on April 18, 45 days after the funding: 1.75% + 2 x 0.5% = 2.75% of 1,000.00 =
# 27.50 (17.50 discount fee, 10.00 late fee). Had the first part stopped the clock (16
# days), the fee would be 17.50. The rebate: 200.00 - 27.50 = 172.50.
IN_TWO_PARTS = (
    HARBOR
    + """
2025-03-20 * "Echo" "Echo paid Harbor a first part" ^INV-2001
  factoring: "collected"
  paid: 400.00 USD
  partial: TRUE

2025-04-18 * "Echo" "Echo paid Harbor the rest" ^INV-2001
  factoring: "collected"
  paid: 600.00 USD

2025-04-22 * "HARBOR CAPITAL" "Rebate" ^INV-2001
  Assets:Bank:Checking          172.50 USD
  Assets:Factoring:Harbor:Reserve
"""
)

# Echo short-pays 850.00 on March 20 (16 days: fee 1.75% = 17.50); the reserve takes the
# 150.00, and the rebate is 200.00 - 150.00 - 17.50 = 32.50. On April 10 Echo pays the
# 150.00 after all: the adjustment is undone (-150.00) and Harbor holds it in the reserve
# (+150.00), released in full on April 15 (no fee: Harbor's money was back on March 20).
RECOVERED = (
    HARBOR
    + """
2025-03-20 * "Echo" "Echo short-paid Harbor" ^INV-2001
  factoring: "collected"
  paid: 850.00 USD

2025-03-25 * "HARBOR CAPITAL" "Rebate" ^INV-2001
  Assets:Bank:Checking           32.50 USD
  Assets:Factoring:Harbor:Reserve

2025-04-10 * "Echo" "Echo paid the deduction after all" ^INV-2001
  factoring: "collected"
  paid: 150.00 USD
  reason: "additional-payment"

2025-04-15 * "HARBOR CAPITAL" "Rebate of the recovered short pay" ^INV-2001
  Assets:Bank:Checking          150.00 USD
  Assets:Factoring:Harbor:Reserve
"""
)

# Echo pays 700.00 on March 20: 300.00 short, the reserve takes 200.00 and 100.00 is owed
# to Harbor on the clearing account. On March 28, before any deposit nets it, Echo pays
# the 300.00: Harbor first owes us the 100.00 less (clearing +100.00), then holds 200.00
# in the reserve again. The rebate pays the reserve less the 17.50 fee of the 16 days to
# March 20: 200.00 - 17.50 = 182.50.
RECOVERED_BEFORE_NETTING = (
    HARBOR
    + """
2025-03-20 * "Echo" "Echo short-paid Harbor" ^INV-2001
  factoring: "collected"
  paid: 700.00 USD

2025-03-28 * "Echo" "Echo paid the deduction after all" ^INV-2001
  factoring: "collected"
  paid: 300.00 USD
  reason: "additional-payment"

2025-04-02 * "HARBOR CAPITAL" "Rebate" ^INV-2001
  Assets:Bank:Checking          182.50 USD
  Assets:Factoring:Harbor:Reserve
"""
)

# short-pay-from: "funding": the 150.00 short pay waits on the clearing account, the
# reserve stays whole. Echo pays the 150.00 on April 10: nothing is owed any more
# (clearing +150.00). The rebate is 200.00 - 17.50 = 182.50, and nothing is netted.
RECOVERED_FROM_FUNDING = (
    RECOVERED.replace("  recourse-days: 90", '  recourse-days: 90\n  short-pay-from: "funding"')
    .replace(
        """2025-03-25 * "HARBOR CAPITAL" "Rebate" ^INV-2001
  Assets:Bank:Checking           32.50 USD
  Assets:Factoring:Harbor:Reserve

""",
        "",
    )
    .replace(
        """  Assets:Bank:Checking          150.00 USD
  Assets:Factoring:Harbor:Reserve""",
        """  Assets:Bank:Checking          182.50 USD
  Assets:Factoring:Harbor:Reserve""",
    )
)

# A part of 400.00, then a last payment of 500.00: 100.00 short, closed on April 18
# (fee 27.50 as above). The reserve takes the 100.00: rebate 200.00 - 100.00 - 27.50 =
# 72.50.
PART_THEN_SHORT = IN_TWO_PARTS.replace("paid: 600.00 USD", "paid: 500.00 USD").replace(
    "172.50 USD", "72.50 USD"
)


def model(text: str, name: str) -> str:
    return re.sub(r'(custom "factoring-agreement" "[^"]*"\n)', rf'\1  model: "{name}"\n', text)


BOTH = pytest.mark.parametrize("name", ["sale", "loan"])


@BOTH
def test_an_invoice_paid_in_two_parts_is_charged_to_the_day_it_was_paid_in_full(name):
    entries, errors = load(model(IN_TWO_PARTS, name))
    assert errors == []
    rebate = legs(txn(entries, "Rebate"))
    assert (FEES, D("17.50"), "INV-2001", "discount-fee") in rebate
    assert (FEES, D("10.00"), "INV-2001", "late-fee") in rebate
    # 780.00 + 172.50 = 952.50 = 1,000.00 - 20.00 transfer fee - 27.50 fee.
    assert balance(entries, BANK) == D("952.50")
    assert balance(entries, FEES) == D("47.50")
    assert balance(entries, RESERVE) == balance(entries, CLEARING) == 0
    assert balance(entries, ADJUSTMENTS) == 0
    if name == "loan":
        # Each part repays as much of the advance: -1,000.00 + 400.00 + 600.00.
        assert legs(txn(entries, "Echo paid Harbor a first part")) == [
            (ECHO, D("-400.00"), "INV-2001", "collection"),
            (ADVANCES, D("400.00"), "INV-2001", "collection"),
        ]
        assert balance(entries, ADVANCES) == 0
        assert balance(entries, ECHO) == 0
    else:
        assert txn(entries, "Echo paid Harbor a first part").postings == []


@BOTH
def test_a_part_then_a_short_last_payment(name):
    entries, errors = load(model(PART_THEN_SHORT, name))
    assert errors == []
    # 1,000.00 - 400.00 - 500.00 = 100.00 short, from the reserve.
    assert (ADJUSTMENTS, D("100.00"), "INV-2001", "short-pay") in legs(
        txn(entries, "Echo paid Harbor the rest")
    )
    assert balance(entries, ADJUSTMENTS) == D("100.00")
    # 780.00 + 72.50 = 852.50 = 1,000.00 - 100.00 - 20.00 - 27.50.
    assert balance(entries, BANK) == D("852.50")
    assert balance(entries, RESERVE) == balance(entries, CLEARING) == 0
    if name == "loan":
        assert balance(entries, ADVANCES) == balance(entries, ECHO) == 0


@BOTH
def test_a_short_pay_paid_later_is_revenue_again_and_comes_back_with_the_reserve(name):
    entries, errors = load(model(RECOVERED, name))
    assert errors == []
    assert legs(txn(entries, "Echo paid the deduction after all")) == [
        (RESERVE, D("150.00"), "INV-2001", "recovery"),
        (ADJUSTMENTS, D("-150.00"), "INV-2001", "recovery"),
    ]
    assert legs(txn(entries, "Rebate of the recovered short pay")) == [
        (BANK, D("150.00"), None, None),
        (RESERVE, D("-150.00"), "INV-2001", "reserve-release"),
    ]
    # 150.00 short - 150.00 recovered; 780.00 + 32.50 + 150.00 = 962.50 = 1,000.00 - 20.00
    # - 17.50.
    assert balance(entries, ADJUSTMENTS) == 0
    assert balance(entries, BANK) == D("962.50")
    assert balance(entries, FEES) == D("37.50")
    assert balance(entries, RESERVE) == balance(entries, CLEARING) == 0
    if name == "loan":
        assert balance(entries, ADVANCES) == balance(entries, ECHO) == 0


@BOTH
def test_a_recovery_first_reduces_what_the_factor_still_wants(name):
    entries, errors = load(model(RECOVERED_BEFORE_NETTING, name))
    assert errors == []
    assert legs(txn(entries, "Echo paid the deduction after all")) == [
        (CLEARING, D("100.00"), "INV-2001", "recovery"),
        (RESERVE, D("200.00"), "INV-2001", "recovery"),
        (ADJUSTMENTS, D("-300.00"), "INV-2001", "recovery"),
    ]
    # 780.00 + 182.50 = 962.50.
    assert balance(entries, BANK) == D("962.50")
    assert balance(entries, RESERVE) == balance(entries, CLEARING) == 0
    assert balance(entries, ADJUSTMENTS) == 0


@BOTH
def test_a_short_pay_from_the_funding_recovered_before_it_is_netted(name):
    entries, errors = load(model(RECOVERED_FROM_FUNDING, name))
    assert errors == []
    assert legs(txn(entries, "Echo paid the deduction after all")) == [
        (CLEARING, D("150.00"), "INV-2001", "recovery"),
        (ADJUSTMENTS, D("-150.00"), "INV-2001", "recovery"),
    ]
    # The reserve was whole: 200.00 - 17.50 = 182.50; 780.00 + 182.50 = 962.50.
    assert balance(entries, BANK) == D("962.50")
    assert balance(entries, RESERVE) == balance(entries, CLEARING) == 0


def test_a_recovery_beyond_the_short_pay_is_owed_to_the_customer():
    # 200.00 paid against a 150.00 short pay: 150.00 recovered, 50.00 is Echo's money.
    text = RECOVERED.replace("paid: 150.00 USD", "paid: 200.00 USD").replace(
        "  Assets:Bank:Checking          150.00 USD", "  Assets:Bank:Checking          200.00 USD"
    )
    entries, errors = load(text)
    assert errors == []
    assert legs(txn(entries, "Echo paid the deduction after all")) == [
        (RESERVE, D("200.00"), "INV-2001", "recovery"),
        (ADJUSTMENTS, D("-150.00"), "INV-2001", "recovery"),
        (CREDITS, D("-50.00"), "INV-2001", "overpay"),
    ]
    assert balance(entries, ADJUSTMENTS) == 0
    assert balance(entries, CREDITS) == D("-50.00")


def test_the_release_of_a_recovered_short_pay_is_found_by_its_amount():
    # A rebate that names nothing: the 100.00 recovered on April 10 is the open item
    # "reserve of INV-2001 collected 2025-04-10".
    text = RECOVERED.replace("paid: 150.00 USD", "paid: 100.00 USD").replace(
        """2025-04-15 * "HARBOR CAPITAL" "Rebate of the recovered short pay" ^INV-2001
  Assets:Bank:Checking          150.00 USD""",
        """2025-04-15 * "HARBOR CAPITAL" "Rebate of the recovered short pay"
  Assets:Bank:Checking          100.00 USD""",
    )
    entries, errors = load(text)
    assert errors == []
    rebate = txn(entries, "Rebate of the recovered short pay")
    assert "INV-2001" in rebate.links
    # 150.00 short, 100.00 of it paid later: 50.00 stays on the adjustments account.
    assert balance(entries, ADJUSTMENTS) == D("50.00")
    assert balance(entries, RESERVE) == 0


def test_the_deductions_report_does_not_count_a_recovered_short_pay():
    text = 'plugin "beancount_factoring.plugin"\n' + OPENS + RECOVERED
    entries, errors, options = loader.load_string(text)
    assert errors == []
    book = compute(entries, options, errors)
    # March: 150.00 short. April: 150.00 paid later (negative). Both: nothing lost.
    march = book.cost(as_of=datetime.date(2025, 3, 31))
    assert [(d.reason, d.count, d.amount) for d in march.deductions] == [
        ("shortpay", 1, D("150.00"))
    ]
    april = book.cost(as_of=datetime.date(2025, 4, 30), start=datetime.date(2025, 4, 1))
    assert [(d.reason, d.count, d.amount) for d in april.deductions] == [
        ("shortpay", 1, D("-150.00"))
    ]
    assert book.cost(as_of=datetime.date(2025, 4, 30)).deductions == ()


@BOTH
def test_a_chargeback_after_a_part_takes_back_what_is_unpaid(name):
    # 400.00 paid on March 20; Harbor charges back the rest on June 2, 90 days after the
    # funding: fee 1.75% + 6 x 0.5% = 4.75% of 1,000.00 = 47.50. It keeps the 200.00
    # reserve: owed 600.00 - 200.00 + 47.50 = 447.50 (the 800.00 advance less the
    # 400.00 Harbor collected, plus the fee).
    text = (
        HARBOR
        + """
2025-03-20 * "Echo" "Echo paid Harbor a first part" ^INV-2001
  factoring: "collected"
  paid: 400.00 USD
  partial: TRUE

2025-06-02 * "Harbor" "Recourse INV-2001" ^INV-2001
  factoring: "chargeback"
"""
    )
    entries, errors = load(model(text, name))
    assert errors == []
    chargeback = legs(txn(entries, "Recourse INV-2001"))
    assert (CLEARING, D("-447.50"), "INV-2001", "chargeback") in chargeback
    assert (FEES, D("47.50"), "INV-2001", "chargeback-fee") in chargeback
    # Echo owes us the 600.00 it did not pay.
    assert balance(entries, ECHO) == D("600.00")
    if name == "loan":
        assert balance(entries, ADVANCES) == 0


PART = """
2025-03-20 * "Echo" "Echo paid Harbor a first part" ^INV-2001
  factoring: "collected"
  paid: 400.00 USD
  partial: TRUE
"""


@pytest.mark.parametrize(
    ("events", "code", "words"),
    [
        (
            # A second payment on a closed invoice must say what it is.
            """
2025-03-20 * "Echo" "Echo short-paid Harbor" ^INV-2001
  factoring: "collected"
  paid: 850.00 USD

2025-04-10 * "Echo" "Echo paid again" ^INV-2001
  factoring: "collected"
  paid: 150.00 USD
""",
            "FCT133",
            'say reason: "additional-payment"',
        ),
        (
            # After a part, a collected without paid: is the rest, or the face again?
            PART
            + """
2025-04-18 * "Echo" "Echo paid Harbor" ^INV-2001
  factoring: "collected"
""",
            "FCT134",
            "is partly paid (400.00 of 1,000.00 USD): give the amount of this payment",
        ),
        (
            # A part of all that is left is the last payment.
            PART
            + """
2025-04-18 * "Echo" "Echo paid Harbor" ^INV-2001
  factoring: "collected"
  paid: 600.00 USD
  partial: TRUE
""",
            "FCT134",
            "drop partial: for the last payment",
        ),
        (
            # paid: is each payment's own amount, never the total so far.
            PART
            + """
2025-04-18 * "Echo" "Echo paid Harbor" ^INV-2001
  factoring: "collected"
  paid: 1000.00 USD
""",
            "FCT134",
            "paid: is the amount of this payment to the factor alone: write paid: 600.00 USD.",
        ),
        (
            """
2025-03-20 * "Echo" "Echo short-paid Harbor" ^INV-2001
  factoring: "collected"
  paid: 850.00 USD

2025-04-10 * "Echo" "Echo paid again" ^INV-2001
  factoring: "collected"
  paid: 1000.00 USD
  reason: "additional-payment"
""",
            "FCT134",
            "paid: is the amount of this payment alone (150.00 USD was short)",
        ),
        (
            PART.replace("  paid: 400.00 USD\n", ""),
            "FCT134",
            "a payment in part needs the amount paid",
        ),
        (
            PART.replace("TRUE", '"yes"'),
            "FCT134",
            "partial: 'yes' must be TRUE or FALSE",
        ),
        (
            PART + '  reason: "additional-payment"\n',
            "FCT134",
            'reason: "additional-payment" is a payment after the invoice was closed',
        ),
        (
            # Nothing to recover: the invoice is still open.
            PART.replace("  partial: TRUE", '  reason: "additional-payment"'),
            "FCT133",
            "has no short pay to recover",
        ),
        (
            # Nothing to recover: it was paid in full.
            """
2025-03-20 * "Echo" "Echo paid Harbor" ^INV-2001
  factoring: "collected"

2025-04-10 * "Echo" "Echo paid again" ^INV-2001
  factoring: "collected"
  paid: 150.00 USD
  reason: "additional-payment"
""",
            "FCT133",
            "it was paid in full on 2025-03-20",
        ),
    ],
)
def test_a_payment_that_can_be_read_two_ways_is_an_error(events, code, words):
    _, errors = load(HARBOR + events)
    assert codes(errors) == [code]
    assert words in errors[0].message


def test_a_buyout_of_an_invoice_paid_in_part_is_an_error():
    # Not booked: what the old factor still advanced on it is not the face.
    text = (
        HARBOR
        + PART
        + """
2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-04-01 * "Pinecrest" "Buyout of Harbor's invoices"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Harbor"
"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT133"]
    assert "Invoice INV-2001 is paid in part" in errors[0].message


def test_the_reserve_report_shows_a_recovered_short_pay_as_due_not_forfeited():
    # With release-days: 10, the 150.00 recovered on April 10 is due by April 20; on
    # April 12 it is not overdue (counted from March 20 it would be), and nothing of the
    # reserve is forfeited any more: 150.00 taken for the short pay, 150.00 back.
    text = RECOVERED.replace("  recourse-days: 90", "  recourse-days: 90\n  release-days: 10")
    entries, errors, options = loader.load_string(
        'plugin "beancount_factoring.plugin"\n' + OPENS + text
    )
    assert errors == []
    book = compute(entries, options, errors)
    as_of = datetime.date(2025, 4, 12)
    (line,) = [i for f in book.reserve(as_of=as_of).factors for i in f.invoices]
    assert (line.held, line.forfeited, line.status) == (D("150.00"), D("0.00"), "release due")
    assert line.expected_release == datetime.date(2025, 4, 20)
    march = [i for f in book.reserve(as_of=datetime.date(2025, 3, 31)).factors for i in f.invoices]
    assert (march[0].forfeited, march[0].forfeit_reason) == (D("150.00"), "short-pay")
    (item,) = [i for a in book.reconcile(as_of=as_of).accounts for i in a.items]
    assert (item.since, item.cash, item.overdue) == (
        datetime.date(2025, 4, 10),
        D("150.00"),
        False,
    )


# The part Echo pays Harbor on the day Harbor charges back the rest (June 2, 90 days):
# the part is applied first, whatever the order in the file, as a payment to us of that
# day is. The chargeback takes the 600.00 unpaid: owed 600.00 - 200.00 + 47.50 = 447.50.
PART_ON_THE_DAY = """
2025-06-02 * "Echo" "Echo paid Harbor a part" ^INV-2001
  factoring: "collected"
  paid: 400.00 USD
  partial: TRUE
"""
CHARGEBACK_ON_THE_DAY = """
2025-06-02 * "Harbor" "Recourse of the rest" ^INV-2001
  factoring: "chargeback"
"""


@BOTH
@pytest.mark.parametrize("part_first", [True, False])
def test_a_part_paid_on_the_day_of_the_chargeback_comes_first(name, part_first):
    day = (
        PART_ON_THE_DAY + CHARGEBACK_ON_THE_DAY
        if part_first
        else CHARGEBACK_ON_THE_DAY + PART_ON_THE_DAY
    )
    entries, errors = load(model(HARBOR + day, name))
    assert errors == []
    chargeback = legs(txn(entries, "Recourse of the rest"))
    assert (CLEARING, D("-447.50"), "INV-2001", "chargeback") in chargeback
    assert balance(entries, ECHO) == D("600.00")


@BOTH
def test_a_part_paid_on_the_day_of_the_credit_loss_comes_first(name):
    # Non-recourse: Echo pays 400.00 and Harbor writes the rest off on April 18, the
    # credit loss above the part in the file: 172.50 lost as above.
    loss = """
2025-04-18 * "Harbor" "Echo insolvent" ^INV-2001
  factoring: "credit-loss"
"""
    text = HARBOR.replace("recourse-days: 90", "recourse-days: 0") + loss
    text += PART_ON_THE_DAY.replace("2025-06-02", "2025-04-18")
    entries, errors = load(model(text, name))
    assert errors == []
    assert balance(entries, "Expenses:Factoring:Harbor:CreditLosses") == D("172.50")


@BOTH
def test_a_credit_loss_after_a_part_writes_off_what_is_unpaid(name):
    # Non-recourse: Echo paid 400.00, then went insolvent; Harbor writes the invoice off
    # on April 18 (45 days: fee 27.50 from the 200.00 reserve, 172.50 lost). Under the
    # loan model the 600.00 still on the receivable goes against the advance Harbor
    # forgives: -1,000.00 + 400.00 + 600.00 = 0.
    text = (
        HARBOR.replace("recourse-days: 90", "recourse-days: 0")
        + PART
        + """
2025-04-18 * "Harbor" "Echo insolvent" ^INV-2001
  factoring: "credit-loss"
"""
    )
    entries, errors = load(model(text, name))
    assert errors == []
    assert balance(entries, "Expenses:Factoring:Harbor:CreditLosses") == D("172.50")
    assert balance(entries, RESERVE) == 0
    if name == "loan":
        assert (ADVANCES, D("600.00"), "INV-2001", "credit-loss") in legs(
            txn(entries, "Echo insolvent")
        )
        assert balance(entries, ADVANCES) == balance(entries, ECHO) == 0
    else:
        assert balance(entries, ECHO) == 0


# ---------------------------------------------------------------------------------------------
# Payments that reach us (misdirected-payment) are payments of the invoice too
# ---------------------------------------------------------------------------------------------

# Echo pays us 400.00 on March 14 (day 10), which we forward the next day, and pays
# Harbor the other 600.00 on May 3 (day 60). The invoice is paid in full on May 3: the fee
# runs 60 days: 1.75% + 3 x 0.5% (days 31-40, 41-50, 51-60) = 3.25% of 1,000.00 = 32.50
# (17.50 discount fee, 15.00 late fee). Had our 400.00 stopped the clock on day 10, the
# fee would be 17.50. The rebate: 200.00 - 32.50 = 167.50.
TO_US = """
2025-03-14 * "Echo" "Echo paid us a part" ^INV-2001
  factoring: "misdirected-payment"
  Assets:Bank:Checking          400.00 USD

2025-03-15 * "HARBOR CAPITAL" "Forward Echo's part" ^INV-2001
  Liabilities:Factoring:Harbor:DueToFactor   400.00 USD
  Assets:Bank:Checking
"""
REST_TO_HARBOR = """
2025-05-03 * "Echo" "Echo paid Harbor the rest" ^INV-2001
  factoring: "collected"
  paid: 600.00 USD

2025-05-05 * "HARBOR CAPITAL" "Rebate" ^INV-2001
  Assets:Bank:Checking          167.50 USD
  Assets:Factoring:Harbor:Reserve
"""
PART_TO_US = HARBOR + TO_US + REST_TO_HARBOR
# The factor's report without paid:: the rest of what is unpaid, 1000.00 - 400.00 = 600.00.
PART_TO_US_REPORTED = HARBOR + TO_US + REST_TO_HARBOR.replace("  paid: 600.00 USD\n", "")
DUE = "Liabilities:Factoring:Harbor:DueToFactor"


@BOTH
@pytest.mark.parametrize("text", [PART_TO_US, PART_TO_US_REPORTED], ids=["paid", "no paid"])
def test_a_part_paid_to_us_and_the_rest_to_the_factor_is_paid_in_full(name, text):
    entries, errors = load(model(text, name))
    assert errors == []
    # No short pay: 400.00 to us + 600.00 to Harbor = 1,000.00, the face.
    assert balance(entries, ADJUSTMENTS) == 0
    assert balance(entries, CLEARING) == 0
    assert legs(txn(entries, "Echo paid Harbor the rest")) == (
        []
        if name == "sale"
        else [
            # Loan: both payments clear the receivable and repay the advance now.
            (ECHO, D("-1000.00"), "INV-2001", "collection"),
            (ADVANCES, D("1000.00"), "INV-2001", "collection"),
        ]
    )
    # Fees: 20.00 at funding + 32.50 at the release = 52.50.
    assert balance(entries, FEES) == D("52.50")
    # Bank: 780.00 + 400.00 - 400.00 + 167.50 = 947.50 = 1,000.00 - 52.50.
    assert balance(entries, BANK) == D("947.50")
    assert balance(entries, RESERVE) == balance(entries, DUE) == balance(entries, ECHO) == 0


def test_paid_the_face_after_a_part_paid_to_us_is_an_error():
    text = HARBOR + TO_US + REST_TO_HARBOR.replace("paid: 600.00", "paid: 1000.00")
    _, errors = load(text)
    assert codes(errors)[0] == "FCT134"
    # 1,000.00 - 400.00 = 600.00 left.
    assert "400.00 of it to you" in errors[0].message
    assert "write paid: 600.00 USD (or no paid:, the rest)" in errors[0].message
    # Or Echo paid Harbor the face too (it paid twice): the 400.00 is then Echo's.
    assert 'say reason: "overpay"' in errors[0].message


# Echo pays us 400.00 and never the rest: on June 2 (day 90, recourse-days 90) Harbor
# charges back the 600.00 unpaid. Its fee to day 90: 1.75% + 6 x 0.5% = 4.75% of
# 1,000.00 = 47.50. Harbor keeps the 200.00 reserve and wants 600.00 - 200.00 + 47.50 =
# 447.50 through clearing; the 400.00 we received is owed to it until forwarded (here
# forwarded on March 15).
CHARGED_BACK_REST = (
    HARBOR
    + TO_US
    + """
2025-06-02 * "HARBOR CAPITAL" "Recourse for the unpaid 600.00" ^INV-2001
  factoring: "chargeback"
"""
)


@BOTH
def test_the_rest_a_customer_did_not_pay_us_can_be_charged_back(name):
    entries, errors = load(model(CHARGED_BACK_REST, name))
    assert errors == []
    cb = legs(txn(entries, "Recourse for the unpaid 600.00"))
    assert (CLEARING, D("-447.50"), "INV-2001", "chargeback") in cb
    assert (RESERVE, D("-200.00"), "INV-2001", "chargeback") in cb
    assert (FEES, D("47.50"), "INV-2001", "chargeback-fee") in cb
    if name == "sale":
        # The factor sells back the 600.00 unpaid: 1000 - 1000 (funding) + 600 = 600.
        assert (ECHO, D("600.00"), "INV-2001", "chargeback") in cb
    else:
        # Our 400.00 repays as much of the advance and clears as much of the receivable;
        # the chargeback repays the other 600.00: the advance of 1,000.00 is gone.
        assert (ECHO, D("-400.00"), "INV-2001", "collection") in cb
        assert (ADVANCES, D("400.00"), "INV-2001", "collection") in cb
        assert (ADVANCES, D("600.00"), "INV-2001", "chargeback") in cb
        assert balance(entries, ADVANCES) == 0
    # Echo still owes the 600.00 to us.
    assert balance(entries, ECHO) == D("600.00")
    # Bank: 780.00 + 400.00 - 400.00 = 780.00; the next deposit nets 447.50.
    assert balance(entries, BANK) == D("780.00")
    assert balance(entries, DUE) == 0


# Non-recourse: Echo pays us 400.00 (forwarded on March 15), then goes insolvent, and
# Harbor writes off the 600.00 unpaid on April 18, day 45. Its fee to the day: 1.75% + 2
# x 0.5% = 2.75% of 1,000.00 = 27.50 (17.50 discount, 10.00 late), taken from the 200.00
# reserve, which is forfeited: 200.00 - 27.50 = 172.50 lost, as when Echo pays Harbor the
# part (test_a_credit_loss_after_a_part_writes_off_what_is_unpaid).
LOSS_OF_THE_REST = """
2025-04-18 * "Harbor" "Echo insolvent, the rest written off" ^INV-2001
  factoring: "credit-loss"
"""
LOST_REST = HARBOR.replace("recourse-days: 90", "recourse-days: 0") + TO_US + LOSS_OF_THE_REST
LOSSES = "Expenses:Factoring:Harbor:CreditLosses"


@BOTH
def test_the_rest_a_customer_did_not_pay_us_can_be_written_off(name):
    entries, errors = load(model(LOST_REST, name))
    assert errors == []
    loss = legs(txn(entries, "Echo insolvent, the rest written off"))
    expected = [
        (RESERVE, D("-200.00"), "INV-2001", "credit-loss"),
        (FEES, D("17.50"), "INV-2001", "discount-fee"),
        (FEES, D("10.00"), "INV-2001", "late-fee"),
        (LOSSES, D("172.50"), "INV-2001", "credit-loss"),
    ]
    if name == "loan":
        # Our 400.00 (forwarded) repays as much of the advance and clears as much of the
        # receivable; Harbor forgives the other 600.00: 1,000.00 - 400.00 - 600.00 = 0.
        expected += [
            (ADVANCES, D("400.00"), "INV-2001", "collection"),
            (ECHO, D("-400.00"), "INV-2001", "collection"),
            (ADVANCES, D("600.00"), "INV-2001", "credit-loss"),
            (ECHO, D("-600.00"), "INV-2001", "credit-loss"),
        ]
        assert balance(entries, ADVANCES) == 0
    assert sorted(loss) == sorted(expected)
    # Sale: 1,000.00 sold at the funding; loan: cleared above. Echo owes us nothing.
    assert balance(entries, ECHO) == 0
    assert balance(entries, LOSSES) == D("172.50")
    # Fees: 20.00 at funding + 27.50 = 47.50; bank 780.00 + 400.00 - 400.00 = 780.00:
    # of the 1,000.00 billed, 47.50 + 172.50 = 220.00 lost.
    assert balance(entries, FEES) == D("47.50")
    assert balance(entries, BANK) == D("780.00")
    assert balance(entries, RESERVE) == balance(entries, DUE) == balance(entries, CLEARING) == 0


@BOTH
@pytest.mark.parametrize("after", ["forwarded", "netted"])
def test_the_part_paid_to_us_stays_owed_after_the_credit_loss_of_the_rest(name, after):
    # LOST_REST without the forward: the 400.00 stays on DueToFactor after the loss
    # (a payment to forward), until forwarded on April 20 or netted from the funding of
    # INV-2002 on April 21 (800.00 - 20.00 - 400.00 = 380.00).
    kept = LOST_REST.replace(TO_US, TO_US.split("\n\n2025-03-15")[0] + "\n")
    text = 'plugin "beancount_factoring.plugin"\n' + OPENS + model(kept, name)
    entries, errors, options = loader.load_string(text)
    assert errors == []
    assert balance(entries, DUE) == D("-400.00")
    book = compute(entries, options, errors)
    items = {
        (item.kind, item.reference): item.cash
        for account in book.reconcile(as_of=datetime.date(2025, 4, 30)).accounts
        for item in account.items
    }
    assert items == {("payment to forward", "INV-2001"): D("-400.00")}
    # The aging shows the invoice no more (written off); the reserve report forfeits its
    # 200.00 to the loss; the cost report counts 47.50 of fees and 172.50 lost.
    aging = book.aging(as_of=datetime.date(2025, 4, 30))
    assert (aging.unfactored, aging.factored, aging.invoices) == ((), (), ())
    ((invoice,),) = [f.invoices for f in book.reserve(as_of=datetime.date(2025, 4, 30)).factors]
    assert (invoice.status, invoice.forfeited, invoice.held) == (
        "forfeited",
        D("200.00"),
        D("0.00"),
    )
    cost = book.cost(as_of=datetime.date(2025, 4, 30))
    assert [row.fees.total for row in cost.by_factor] == [D("47.50")]
    assert [(d.kind, d.amount) for d in cost.deductions] == [("credit loss", D("172.50"))]
    if after == "forwarded":
        later = """
2025-04-20 * "HARBOR CAPITAL" "Forward Echo's part" ^INV-2001
  Liabilities:Factoring:Harbor:DueToFactor   400.00 USD
  Assets:Bank:Checking
"""
    else:
        later = """
2025-04-20 * "Echo" "Load E-55121"
  invoice: "INV-2002"
  Assets:Receivable:Echo       1000.00 USD
  Income:Freight

2025-04-21 * "HARBOR CAPITAL" "Advance less Echo's part" ^INV-2002 ^INV-2001
  Assets:Bank:Checking          380.00 USD
  Assets:Factoring:Harbor:Clearing
"""
    entries, errors = load(model(kept + later, name))
    assert errors == []
    assert balance(entries, DUE) == balance(entries, CLEARING) == 0


@BOTH
def test_a_credit_loss_after_a_part_paid_to_us_under_recourse_is_a_chargeback(name):
    # With recourse the factor charges the rest back: FCT135 says so, not FCT136.
    text = LOST_REST.replace("recourse-days: 0", "recourse-days: 90")
    _, errors = load(model(text, name))
    assert codes(errors) == ["FCT135"]
    assert "chargeback" in errors[0].message


PINECREST_BUYS = """
2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-04-01 * "Pinecrest" "Buyout of Harbor's invoices"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Harbor"
"""
P_RESERVE = "Assets:Factoring:Pinecrest:Reserve"
P_FEES = "Expenses:Factoring:Pinecrest:Fees"


@BOTH
@pytest.mark.parametrize("forwarded", [True, False])
@pytest.mark.parametrize("link", ["", " ^INV-2001"])
def test_a_buyout_takes_what_a_customer_that_paid_us_a_part_left_unpaid(name, forwarded, link):
    # Echo paid us 400.00 of INV-2001 (forwarded to Harbor, or still owed on DueToFactor).
    # Pinecrest buys the 600.00 left on April 1, 28 days on, linking it or not: Harbor's
    # fee 1.75% x 1,000.00 = 17.50, Pinecrest's 2% x 600.00 = 12.00, its reserve 200.00
    # - 17.50 - 12.00 = 170.50; the 400.00 still owed to Harbor is owed to Pinecrest now
    # (the buyout refused it, FCT136, and linking nothing took the whole face before).
    to_us = TO_US if forwarded else TO_US.split("\n2025-03-15")[0] + "\n"
    buyout = PINECREST_BUYS.replace(
        "Buyout of Harbor's invoices\"", f"Buyout of Harbor's invoices\"{link}"
    )
    entries, errors = load(model(HARBOR + to_us + buyout, name))
    assert errors == []
    assert balance(entries, RESERVE) == 0
    assert balance(entries, P_RESERVE) == D("170.50")
    assert balance(entries, P_FEES) == D("12.00")
    assert balance(entries, FEES) == D("37.50")
    assert balance(entries, DUE) == 0
    assert balance(entries, "Liabilities:Factoring:Pinecrest:DueToFactor") == (
        0 if forwarded else D("-400.00")
    )


def test_a_buyout_that_links_the_other_invoices_leaves_the_one_paid_to_us_to_its_factor():
    # Harbor also funded INV-2002 (500.00) on March 20: 400.00 less the 20.00 transfer fee.
    # Linked, it alone moves on April 1, 12 days on: Harbor's fee 1.75% x 500.00 = 8.75,
    # Pinecrest's 2% x 500.00 = 10.00, its reserve 100.00 - 8.75 - 10.00 = 81.25. Harbor
    # keeps INV-2001's 200.00, to release when Echo pays it the rest.
    second = """
2025-03-19 * "Echo" "Load E-55121"
  invoice: "INV-2002"
  Assets:Receivable:Echo        500.00 USD
  Income:Freight

2025-03-20 * "HARBOR CAPITAL" "Advance" ^INV-2002
  Assets:Bank:Checking          380.00 USD
  Assets:Factoring:Harbor:Clearing
"""
    buyout = PINECREST_BUYS.replace(
        "Buyout of Harbor's invoices\"", "Buyout of Harbor's invoices\" ^INV-2002"
    )
    entries, errors = load(HARBOR + TO_US + second + buyout)
    assert errors == []
    assert legs(txn(entries, "Buyout of Harbor's invoices")) == [
        (RESERVE, D("-100.00"), "INV-2002", "buyout"),
        (P_RESERVE, D("81.25"), "INV-2002", "buyout"),
        (FEES, D("8.75"), "INV-2002", "discount-fee"),
        (P_FEES, D("10.00"), "INV-2002", "discount-fee"),
    ]
    assert balance(entries, RESERVE) == D("200.00")
    # Without the link, the buyout takes INV-2001's 600.00 left too: 81.25 + 170.50.
    entries, errors = load(HARBOR + TO_US + second + PINECREST_BUYS)
    assert errors == []
    assert balance(entries, P_RESERVE) == D("251.75")


def test_a_credit_loss_of_an_invoice_paid_to_us_in_full_is_an_error():
    # Nothing is left unpaid to write off: the factor's collection closes it.
    text = LOST_REST.replace("400.00 USD", "1000.00 USD")
    _, errors = load(text)
    assert codes(errors) == ["FCT136"]
    assert "cannot be written off" in errors[0].message
    assert "charge" not in errors[0].message


def test_a_chargeback_of_an_invoice_paid_to_us_in_full_is_an_error():
    text = HARBOR + TO_US.replace("400.00", "1000.00") + CHARGED_BACK_REST[len(HARBOR + TO_US) :]
    _, errors = load(text)
    assert codes(errors) == ["FCT136"]
    assert "cannot be charged back" in errors[0].message
    assert "collected report" in errors[0].message


# After the short pay of RECOVERED (850.00 to Harbor, the 150.00 taken from the reserve,
# rebate 32.50), Echo pays US the 150.00 deduction, and 50.00 more by mistake.
# 150.00 of the deduction, and 50.00 more: beyond what was unpaid, as the event says.
DEDUCTION_TO_US = """
2025-04-10 * "Echo" "Echo paid us the deduction" ^INV-2001
  factoring: "misdirected-payment"
  reason: "overpay"
  Assets:Bank:Checking          200.00 USD
"""
SHORT_THEN_US = RECOVERED.split('2025-04-10 * "Echo"')[0] + DEDUCTION_TO_US


@BOTH
def test_a_deduction_paid_to_us_after_a_short_pay_recovers_it(name):
    entries, errors = load(model(SHORT_THEN_US, name))
    assert errors == []
    # Harbor was made whole from the reserve: the 150.00 is ours; the adjustment is
    # undone; the 50.00 beyond the face is owed back to Echo.
    assert legs(txn(entries, "Echo paid us the deduction")) == [
        (BANK, D("200.00"), None, None),
        (ADJUSTMENTS, D("-150.00"), "INV-2001", "recovery"),
        (CREDITS, D("-50.00"), "INV-2001", "overpay"),
    ]
    # Adjustments: 150.00 - 150.00 = 0; bank 780.00 + 32.50 + 200.00 = 1,012.50.
    assert balance(entries, ADJUSTMENTS) == 0
    assert balance(entries, BANK) == D("1012.50")
    assert balance(entries, CREDITS) == D("-50.00")
    assert balance(entries, DUE) == 0
    # Nothing is left to recover: Harbor's report of the same payment is an error.
    later = """
2025-04-12 * "Echo" "Harbor reports the deduction paid" ^INV-2001
  factoring: "collected"
  paid: 150.00 USD
  reason: "additional-payment"
"""
    _, errors = load(model(SHORT_THEN_US + later, name))
    assert codes(errors) == ["FCT133"]


@BOTH
def test_a_deduction_paid_to_us_booked_to_the_receivable_says_how(name):
    plain = """
2025-04-10 * "Echo" "Echo paid us the deduction" ^INV-2001
  Assets:Bank:Checking          150.00 USD
  Assets:Receivable:Echo
"""
    _, errors = load(model(RECOVERED.split('2025-04-10 * "Echo"')[0] + plain, name))
    assert codes(errors) == ["FCT136"]
    message = errors[0].message
    assert "paid short by 150.00 USD" in message and "recovery of the short pay" in message
    assert 'factoring: "misdirected-payment"' in message
    assert "paid twice" not in message and "is reserve released" not in message


def test_the_deductions_report_does_not_count_a_short_pay_paid_to_us():
    text = 'plugin "beancount_factoring.plugin"\n' + OPENS + SHORT_THEN_US
    entries, errors, options = loader.load_string(text)
    assert errors == []
    book = compute(entries, options, errors)
    # March: 150.00 short; April: the 150.00 paid to us (negative; the 50.00 beyond it is
    # Echo's, not a deduction). Both: nothing lost, and Echo paid 850 + 150 = 1,000.00.
    april = book.cost(as_of=datetime.date(2025, 4, 30), start=datetime.date(2025, 4, 1))
    assert [(d.reason, d.count, d.amount) for d in april.deductions] == [
        ("shortpay", 1, D("-150.00"))
    ]
    whole = book.cost(as_of=datetime.date(2025, 4, 30))
    assert whole.deductions == ()
    (echo,) = whole.days_to_pay
    assert echo.short_paid == 0


@BOTH
def test_the_part_paid_to_us_stays_owed_after_the_chargeback_of_the_rest(name):
    # CHARGED_BACK_REST without the forward: the 400.00 stays on DueToFactor, and the
    # factor nets both from its next deposit: 400.00 + 447.50 = 847.50 = the 800.00
    # advance + the 47.50 fee.
    not_forwarded = CHARGED_BACK_REST.replace(TO_US, TO_US.split("\n\n2025-03-15")[0] + "\n")
    text = 'plugin "beancount_factoring.plugin"\n' + OPENS + model(not_forwarded, name)
    entries, errors, options = loader.load_string(text)
    assert errors == []
    assert balance(entries, DUE) == D("-400.00")
    assert balance(entries, CLEARING) == D("-447.50")
    book = compute(entries, options, errors)
    items = {
        (item.kind, item.reference): item.cash
        for account in book.reconcile(as_of=datetime.date(2025, 6, 2)).accounts
        for item in account.items
    }
    assert items == {
        ("payment to forward", "INV-2001"): D("-400.00"),
        ("chargeback to net", "INV-2001"): D("-447.50"),
    }


def test_a_part_below_the_last_payment_of_its_day_is_applied_first(tmp_path):
    # The last payment (600.00) sits at line 1 of an included file, its part (400.00,
    # partial: TRUE) further down the main file, both on 03-20: Beancount sorts them by
    # line number across files, so the last payment came first and closed the invoice
    # short (1,000.00 - 600.00 = 400.00), the part refused. A part of a day comes before
    # its last payment now: paid in full, 400.00 + 600.00, nothing short.
    (tmp_path / "events.beancount").write_text(
        '2025-03-20 * "Echo" "Echo paid Harbor the rest" ^INV-2001\n'
        '  factoring: "collected"\n'
        "  paid: 600.00 USD\n"
    )
    main = (
        'plugin "beancount_factoring.plugin"\n'
        + OPENS
        + HARBOR
        + """
2025-03-20 * "Echo" "Echo paid Harbor a first part" ^INV-2001
  factoring: "collected"
  paid: 400.00 USD
  partial: TRUE

include "events.beancount"
"""
    )
    (tmp_path / "main.beancount").write_text(main)
    entries, errors, _ = loader.load_file(str(tmp_path / "main.beancount"))
    assert errors == []
    assert balance(entries, ADJUSTMENTS) == 0
    assert balance(entries, RESERVE) == D("200.00")


def test_a_payment_whose_references_repeat_the_parts_says_first_it_counts_them_twice():
    """The week reports booked W-1 300.00 and W-2 400.00 as parts; the April report's
    one event of both (700.00, "..., W-1, W-2") was then imported too: 300.00 + 400.00 +
    700.00 = 1,400.00, 400.00 more than the face. The references show the double count:
    FCT133 says so first, naming the parts' events, before it offers an overpay. A
    payment of other references beyond the face keeps the overpay advice first."""
    weeks = """
2025-03-20 * "Echo" "Paid Harbor 300.00 of 1,000.00 (a part), W-1" ^INV-2001
  factoring: "collected"
  paid: 300.00 USD
  partial: TRUE

2025-03-27 * "Echo" "Paid Harbor 400.00 of 1,000.00 (a part), W-2" ^INV-2001
  factoring: "collected"
  paid: 400.00 USD
  partial: TRUE
"""
    month = """
2025-03-27 * "Echo" "Paid Harbor 700.00 of 1,000.00, W-1, W-2" ^INV-2001
  factoring: "collected"
  paid: 700.00 USD
"""
    _, errors = load(HARBOR + weeks + month)
    assert codes(errors) == ["FCT133"]
    message = errors[0].message
    assert "W-1, W-2" in message and "counted twice" in message, message
    assert message.index("counted twice") < message.index('reason: "overpay"'), message
    assert "(300.00 on 2025-03-20 (W-1), 400.00 on 2025-03-27 (W-2))" in message, message
    _, errors = load(HARBOR + weeks + month.replace("W-1, W-2", "W-7"))
    assert codes(errors) == ["FCT133"]
    assert "counted twice" not in errors[0].message.split('reason: "overpay"')[0]


# A ledger imported before the importer knew reports overlap: the week's report booked
# W-1 (300.00) as a part, the month's then booked W-1 and W-2 together (700.00) as the
# payment that closes INV-2001. 300.00 + 700.00 = 1,000.00, the face: closed paid in
# full, though the customer paid 700.00 (W-1 300.00 + W-2 400.00), 300.00 short.
WEEK_PART = """
2025-03-20 * "Echo" "Paid Harbor 300.00 of 1,000.00 (a part), W-1" ^INV-2001
  factoring: "collected"
  paid: 300.00 USD
  partial: TRUE
"""
MONTH_CLOSE = """
2025-03-31 * "Echo" "Paid Harbor 700.00 of 1,000.00, W-1, W-2" ^INV-2001
  factoring: "collected"
  paid: 700.00 USD
"""


def test_a_closing_payment_that_repeats_a_parts_reference_is_no_payment_in_full():
    """W-1 (300.00) is counted in the part and again in the closing 700.00: FCT133 names
    W-1 and its part (300.00 on 03-20), and the fix: delete the part's event (the closing
    one sums it), or correct paid: to what this payment adds, 700.00 - 300.00 = 400.00.
    Nothing of the closing event is booked: the invoice stays open (no release due)."""
    entries, errors = load(HARBOR + WEEK_PART + MONTH_CLOSE)
    assert codes(errors) == ["FCT133"], errors
    message = errors[0].message
    assert "INV-2001" in message and "W-1" in message, message
    assert "300.00 on 2025-03-20 (W-1)" in message, message
    assert "Delete the part's event" in message, message
    assert "paid: 400.00 USD" in message, message
    assert "W-2" not in message.split("lists")[1].split(",")[0], message
    # The part alone is booked (sale model: nothing moves), no short pay, no overpay.
    assert balance(entries, ADJUSTMENTS) == 0
    assert balance(entries, CREDITS) == 0


def test_a_closing_payment_that_repeats_a_parts_reference_short_of_the_face_says_so_too():
    # Face 1,200.00: 300.00 + 700.00 = 1,000.00 would close it 200.00 short in silence
    # (shortpay is the default reason), though 500.00 is short (1,200.00 - 700.00).
    # (The advance: 80% of 1,200.00 less the 20.00 transfer fee = 940.00.)
    ledger = (HARBOR + WEEK_PART + MONTH_CLOSE).replace("1000.00 USD", "1200.00 USD")
    ledger = ledger.replace("780.00 USD", "940.00 USD")
    _, errors = load(ledger)
    assert codes(errors) == ["FCT133"], errors
    assert "300.00 on 2025-03-20 (W-1)" in errors[0].message


def test_a_part_that_repeats_an_earlier_parts_reference_says_so():
    # W-1 (300.00) then W-1 and W-2 (700.00) both as parts: 1,000.00 would count as paid
    # of the face 2,000.00, 300.00 twice; the last 1,000.00 would then close it in full.
    # (The advance: 80% of 2,000.00 less the 20.00 transfer fee = 1,580.00.)
    ledger = HARBOR + WEEK_PART + MONTH_CLOSE.replace("USD\n", "USD\n  partial: TRUE\n")
    ledger = ledger.replace("1000.00 USD", "2000.00 USD").replace("780.00 USD", "1580.00 USD")
    _, errors = load(ledger)
    assert codes(errors) == ["FCT133"], errors
    assert "300.00 on 2025-03-20 (W-1)" in errors[0].message


@pytest.mark.parametrize(
    ("part", "last"),
    [
        # Another reference: the rest, paid in full (300.00 + 700.00).
        ("Paid Harbor 300.00 of 1,000.00 (a part), W-1", "Paid Harbor 700.00 of 1,000.00, W-2"),
        ("Paid Harbor 300.00 of 1,000.00 (a part), W-1", "Paid Harbor 700.00, W-2, W-3"),
        # Narrations typed by hand, with a comma: no references.
        ("Paid by Echo, thanks", "Paid by TQL, thanks"),
        ("Echo paid a part, see email", "Echo paid the rest, see email, Bob"),
    ],
)
def test_a_closing_payment_of_other_references_closes_the_invoice_in_full(part, last):
    # 300.00 + 700.00 = 1,000.00, the face: paid in full, nothing short or over.
    ledger = (
        HARBOR
        + WEEK_PART.replace("Paid Harbor 300.00 of 1,000.00 (a part), W-1", part)
        + MONTH_CLOSE.replace("Paid Harbor 700.00 of 1,000.00, W-1, W-2", last)
    )
    entries, errors = load(ledger)
    assert errors == []
    assert balance(entries, ADJUSTMENTS) == 0
    assert balance(entries, CREDITS) == 0
