"""Chargebacks the agreement does not allow, and overpayments, in the sale and the loan model.

A chargeback for nonpayment (the default reason) needs recourse: a non-recourse factor
(``recourse-days: 0``) cannot sell an unpaid invoice back, and one with recourse only
once its ``recourse-days`` have run since the funding. Either is FCT137; the chargeback
is still booked, as the factor made it (its next deposit nets it). A dispute
(``broker-claim`` and the other reasons) may be charged back at any time.

Summit advances 95% of a $1,000.00 invoice with a flat 2% fee at purchase: the funding
of March 4 pays 950.00 - 20.00 = 930.00 and holds a 50.00 reserve.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import realization

from beancount_factoring.reports import compute
from beancount_factoring.reports.render import render_csv, render_text

from ledgers import OPENS, balance, codes, legs, load, txn

D = Decimal
CLEARING = "Assets:Factoring:Summit:Clearing"
RESERVE = "Assets:Factoring:Summit:Reserve"
ADJUSTMENTS = "Income:Factoring:Summit:Adjustments"
ADVANCES = "Liabilities:Factoring:Summit:Advances"
TQL = "Assets:Receivable:TQL"
BANK = "Assets:Bank:Checking"

SUMMIT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""


def chargeback(date: str, reason: str | None = None) -> str:
    text = f"""
{date} * "Summit" "Recourse INV-1001" ^INV-1001
  factoring: "chargeback"
"""
    return text + (f'  reason: "{reason}"\n' if reason else "")


# The next deposit buys INV-1002 (2,000.00: 1,900.00 - 40.00 = 1,860.00) and nets the
# chargeback: the 1,000.00 face less the 50.00 reserve kept = 950.00 (a flat fee taken
# at purchase: nothing more accrues). 1,860.00 - 950.00 = 910.00.
NEXT_DEPOSIT = """
2025-05-01 * "TQL" "Load TQL-90001"
  invoice: "INV-1002"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-05-02 * "SUMMIT FUNDING" "ACH deposit less recourse" ^INV-1001 ^INV-1002
  Assets:Bank:Checking          910.00 USD
  Assets:Factoring:Summit:Clearing
"""

NON_RECOURSE = SUMMIT.replace("recourse-days: 90", "recourse-days: 0")


def model(text: str, name: str) -> str:
    return re.sub(r'(custom "factoring-agreement" "[^"]*"\n)', rf'\1  model: "{name}"\n', text)


BOTH = pytest.mark.parametrize("name", ["sale", "loan"])


@BOTH
def test_fct137__a_non_recourse_factor_charges_back_for_nonpayment(name):
    entries, errors = load(model(NON_RECOURSE + chargeback("2025-04-20") + NEXT_DEPOSIT, name))
    assert codes(errors) == ["FCT137"]
    assert "bought without recourse (recourse-days: 0" in errors[0].message
    assert errors[0].source["lineno"] == txn(entries, "Recourse INV-1001").meta["lineno"]
    # Still booked: the factor did sell it back, and its deposit nets 950.00.
    assert (CLEARING, D("-950.00"), "INV-1001", "chargeback") in legs(
        txn(entries, "Recourse INV-1001")
    )
    assert balance(entries, CLEARING) == 0
    # 930.00 + 910.00 = 1,840.00.
    assert balance(entries, BANK) == D("1840.00")
    # Sale: INV-1001 is ours again, INV-1002 sold. Loan: both stay, 1,000.00 + 2,000.00.
    assert balance(entries, TQL) == (D("1000.00") if name == "sale" else D("3000.00"))


@BOTH
def test_fct137__a_chargeback_for_nonpayment_before_the_recourse_days_have_run(name):
    # April 20 is 47 days after the March 4 funding; recourse-days: 90.
    _, errors = load(model(SUMMIT + chargeback("2025-04-20") + NEXT_DEPOSIT, name))
    assert codes(errors) == ["FCT137"]
    assert "47 days after the funding on 2025-03-04, before the 90 recourse-days" in (
        errors[0].message
    )


@BOTH
def test_the_chargeback_is_allowed_on_the_day_the_recourse_days_have_run(name):
    # June 2 is 90 days after March 4. The deposit nets 950.00: 1,860.00 - 950.00 = 910.00
    # (INV-1002 moves to June 3 so that it is funded after the chargeback).
    deposit = NEXT_DEPOSIT.replace("2025-05-01", "2025-06-01").replace("2025-05-02", "2025-06-03")
    entries, errors = load(model(SUMMIT + chargeback("2025-06-02") + deposit, name))
    assert errors == []
    assert balance(entries, CLEARING) == 0
    _, errors = load(model(SUMMIT + chargeback("2025-06-01") + deposit, name))
    assert codes(errors) == ["FCT137"]


@BOTH
@pytest.mark.parametrize("reason", ["broker-claim", "chargeback", "client-debit"])
def test_a_dispute_may_be_charged_back_at_any_time(name, reason):
    for agreement in (SUMMIT, NON_RECOURSE):
        entries, errors = load(model(agreement + chargeback("2025-03-10", reason), name))
        assert errors == []
        assert balance(entries, CLEARING) == D("-950.00")


def test_an_explicit_nonpayment_reason_is_checked_too():
    _, errors = load(NON_RECOURSE + chargeback("2025-04-20", "nonpayment"))
    assert codes(errors) == ["FCT137"]


def test_fct137__a_chargeback_for_a_write_off_is_the_customers_failure_to_pay():
    # A write-off (the customer insolvent) is the loss a non-recourse factor bears: it
    # passed as a dispute, the 950.00 charged back to the carrier without a word.
    entries, errors = load(NON_RECOURSE + chargeback("2025-04-20", "write-off"))
    assert codes(errors) == ["FCT137"]
    assert 'charged back for the customer\'s failure to pay (reason: "write-off")' in (
        errors[0].message
    )
    assert "bought without recourse (recourse-days: 0" in errors[0].message
    assert balance(entries, CLEARING) == D("-950.00")
    # With recourse, before the 90 days (47 after the funding), and on the 90th day.
    _, errors = load(SUMMIT + chargeback("2025-04-20", "write-off"))
    assert codes(errors) == ["FCT137"]
    _, errors = load(SUMMIT + chargeback("2025-06-02", "write-off"))
    assert errors == []


# Overpayments: TQL pays 1,010.00 of 1,000.00. The 10.00 is TQL's money, owed back to
# it, not revenue: Liabilities:Factoring:Summit:CustomerCredits:TQL -10.00, and Summit
# adds it to the reserve (50.00 + 10.00 = 60.00 to release).
OVERPAID = (
    SUMMIT
    + """
2025-03-20 * "TQL" "TQL paid Summit too much" ^INV-1001
  factoring: "collected"
  paid: 1010.00 USD
  reason: "overpay"

2025-03-25 * "SUMMIT FUNDING" "Reserve release" ^INV-1001
  Assets:Bank:Checking           60.00 USD
  Assets:Factoring:Summit:Reserve
"""
)


@BOTH
def test_an_overpayment_is_owed_to_the_customer_not_revenue(name):
    entries, errors = load(model(OVERPAID, name))
    assert errors == []
    credits = "Liabilities:Factoring:Summit:CustomerCredits:TQL"
    collected = legs(txn(entries, "TQL paid Summit too much"))
    assert (credits, D("-10.00"), "INV-1001", "overpay") in collected
    # Both legs are the overpay's, never a short pay's (a short pay of -10.00).
    assert (RESERVE, D("10.00"), "INV-1001", "overpay") in collected
    assert balance(entries, credits) == D("-10.00")
    assert balance(entries, ADJUSTMENTS) == 0
    # 930.00 + 60.00 = 990.00 = 1,000.00 - 20.00 fee + 10.00 to refund to TQL.
    assert balance(entries, BANK) == D("990.00")
    assert balance(entries, RESERVE) == 0


def test_the_customer_credits_account_is_an_agreement_key():
    text = OVERPAID.replace(
        "  bank: Assets:Bank:Checking\n",
        "  bank: Assets:Bank:Checking\n  customer-credits: Liabilities:CustomerCredits\n",
        1,
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Liabilities:CustomerCredits:TQL") == D("-10.00")


def test_an_overpayment_netted_from_the_next_funding():
    # short-pay-from: "funding": Summit pays the 10.00 with its next deposit (clearing
    # +10.00 now, -10.00 then); the reserve of 50.00 is released whole.
    text = OVERPAID.replace(
        "  recourse-days: 90", '  recourse-days: 90\n  short-pay-from: "funding"'
    )
    entries, errors = load(text)
    assert errors == []
    collected = legs(txn(entries, "TQL paid Summit too much"))
    assert collected == [
        (CLEARING, D("10.00"), "INV-1001", "overpay"),
        ("Liabilities:Factoring:Summit:CustomerCredits:TQL", D("-10.00"), "INV-1001", "overpay"),
    ]
    # The release of 50.00 + the 10.00 owed to us = 60.00.
    assert balance(entries, CLEARING) == balance(entries, RESERVE) == 0


FROM_FUNDING = OVERPAID.replace(
    "  recourse-days: 90", '  recourse-days: 90\n  short-pay-from: "funding"'
)


def test_an_overpayment_is_named_as_one_in_a_deposit_that_matches_nothing():
    # The release names nothing and brings 61.00: the reserve 50.00 + the 10.00 owed to
    # us = 60.00 is the closest (-1.00); the candidate is the overpayment, not a short pay.
    text = FROM_FUNDING.replace('"Reserve release" ^INV-1001', '"Reserve release"')
    _, errors = load(text.replace("60.00 USD", "61.00 USD"))
    assert codes(errors)[0] == "FCT101"
    message = errors[0].message
    assert (
        "overpayment of INV-1001 + reserve of INV-1001 collected 2025-03-20, worth 60.00 USD "
        "(1.00 less than this deposit)"
    ) in message
    assert "short-pay" not in message and "short pay" not in message


def test_the_reports_show_an_overpayment_as_one():
    entries, errors, options = loader.load_string(
        'plugin "beancount_factoring.plugin"\n' + OPENS + FROM_FUNDING
    )
    assert errors == []
    book = compute(entries, options, errors)
    # Before the release, the 10.00 Summit owes us for TQL waits on the clearing account.
    (account,) = book.reconcile(datetime.date(2025, 3, 21)).accounts
    assert [(i.kind, i.reference, i.on_clearing) for i in account.items if i.on_clearing] == [
        ("overpay to net", "INV-1001", D("10.00"))
    ]
    assert account.unexplained == 0
    cost = book.cost(datetime.date(2025, 3, 31))
    (tql,) = cost.days_to_pay
    # TQL paid 1,010.00 of 1,000.00: 0.00 short, 10.00 over (never a short pay of -10.00).
    assert (tql.customer, tql.short_paid, tql.overpaid) == ("TQL", 0, D("10.00"))
    text = render_text(cost)
    assert "Overpaid" in text and "-10.00" not in text
    header, *rows = render_csv(cost).splitlines()
    assert header.endswith(",vat,overpaid")
    customer = next(row for row in rows if row.startswith("customer,TQL,"))
    assert customer.endswith(",10.00")


# A chargeback takes back all that is unpaid of the invoice: an amount on it is not
# read. Summit's INV-1001 (1,000.00, 50.00 reserve, the 2% fee taken at purchase):
# charged back whole, 1,000.00 returns to the receivable and 1,000.00 - 50.00 = 950.00
# is owed. The factor that charged back 300.00 of it (a dispute of part of the load)
# wants something else: booking 950.00 would be wrong in silence.
@BOTH
@pytest.mark.parametrize("key", ["amount: 300.00 USD", "paid: 700.00 USD", "partial: TRUE"])
def test_fct134__an_amount_on_a_chargeback_is_not_read(name, key):
    text = chargeback("2025-04-20", "broker-claim") + f"  {key}\n"
    entries, errors = load(model(SUMMIT + text, name))
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert message.startswith(f"FCT134 {key} is not read on a chargeback")
    assert "all that is unpaid of invoice INV-1001 (1,000.00 USD)" in message
    assert "partial: TRUE" in message and "paid:" in message
    assert errors[0].source["lineno"] == txn(entries, "Recourse INV-1001").meta["lineno"]
    # Nothing of the event is booked.
    assert txn(entries, "Recourse INV-1001").postings == []
    assert balance(entries, CLEARING) == 0


# The factor's own figure of what the chargeback costs (the recourse report's amount,
# kept by the importer as recourse-amount:): 950.00 here. The same figure is quiet; one
# that differs by more than the tolerance is reported, the agreement's still booked.
@BOTH
def test_a_recourse_amount_that_agrees_is_quiet(name):
    for figure in ("950.00", "950.01"):
        text = chargeback("2025-06-02") + f"  recourse-amount: {figure} USD\n"
        config = "{'tolerance': '0.01'}"
        entries, errors = load(model(SUMMIT + text, name), config)
        assert errors == []
        assert balance(entries, CLEARING) == D("-950.00")


@BOTH
def test_fct170__a_recourse_amount_that_differs_from_the_agreement(name):
    # Summit's recourse report says 300.00: it charged back part of the invoice.
    text = chargeback("2025-06-02") + "  recourse-amount: 300.00 USD\n"
    entries, errors = load(model(SUMMIT + text, name))
    assert codes(errors) == ["FCT170"]
    message = errors[0].message
    assert "recourse-amount: 300.00 USD" in message
    # 1,000.00 unpaid - 50.00 reserve kept + 0.00 fee = 950.00.
    assert "the agreement gives 950.00 USD" in message
    assert "1,000.00 unpaid, less the 50.00 reserve" in message
    assert errors[0].source["lineno"] == txn(entries, "Recourse INV-1001").meta["lineno"]
    # Booked as the agreement gives (the deposit that nets it will say what it took).
    assert balance(entries, CLEARING) == D("-950.00")


def test_fct170__a_recourse_amount_in_another_currency():
    text = chargeback("2025-06-02") + "  recourse-amount: 950.00 CAD\n"
    _, errors = load(SUMMIT + text)
    assert codes(errors) == ["FCT170"]
    assert "in CAD, the invoice in USD" in errors[0].message


# An event after the invoice's life with the factor ended says what to book instead.
# Summit charged INV-1001 back on June 2 (950.00 owed); TQL then pays Summit the 1,000.00:
# the money is the carrier's, and the factor passes it on (less what it keeps of the
# chargeback). A collected event cannot say so: FCT133, with the booking to make.
AFTER_CHARGEBACK = """
2025-06-10 * "TQL" "TQL paid Summit after the chargeback" ^INV-1001
  factoring: "collected"
"""


def test_fct133__a_payment_to_the_factor_after_the_chargeback_says_what_to_book():
    entries, errors = load(SUMMIT + chargeback("2025-06-02") + AFTER_CHARGEBACK)
    assert codes(errors) == ["FCT133"]
    message = errors[0].message
    assert "cannot be collected: it is charged back on 2025-06-02" in message
    assert "the invoice is yours again" in message
    assert "a payment of its receivable" in message
    assert errors[0].source["lineno"] == txn(entries, AFTER_CHARGEBACK_NARRATION).meta["lineno"]
    # What it says to book: the factor's bank line that passes the payment on, less the
    # 950.00 it keeps: 1,000.00 - 950.00 = 50.00.
    forwarded = """
2025-06-12 * "SUMMIT FUNDING" "TQL's payment, less the chargeback" ^INV-1001
  Assets:Bank:Checking                 50.00 USD
  Assets:Factoring:Summit:Clearing    950.00 USD
  Assets:Receivable:TQL             -1000.00 USD
"""
    entries, errors = load(SUMMIT + chargeback("2025-06-02") + forwarded)
    assert errors == []
    assert balance(entries, CLEARING) == 0
    assert balance(entries, TQL) == 0
    # 930.00 + 50.00 = 980.00: the face less the 20.00 fee.
    assert balance(entries, BANK) == D("980.00")


AFTER_CHARGEBACK_NARRATION = "TQL paid Summit after the chargeback"


def test_fct133__a_chargeback_after_a_short_pay_says_the_short_pay_took_it():
    short = """
2025-04-01 * "TQL" "TQL short-paid Summit" ^INV-1001
  factoring: "collected"
  paid: 700.00 USD
"""
    _, errors = load(SUMMIT + short + chargeback("2025-06-02", "broker-claim"))
    assert codes(errors) == ["FCT133"]
    assert "cannot be charged back: it is collected on 2025-04-01" in errors[0].message
    assert "what it kept back is the collected event's short pay" in errors[0].message


def test_fct133__a_chargeback_booked_twice_says_so():
    _, errors = load(SUMMIT + chargeback("2025-06-02") + chargeback("2025-06-03"))
    assert codes(errors) == ["FCT133"]
    assert "booked twice" in errors[0].message


MEMO_PAID = (
    SUMMIT
    + """
2025-03-06 * "TQL" "Lumper on TQL-88412, billed later" ^INV-1001
  Assets:Receivable:TQL         250.00 USD
  Income:Freight

2025-03-20 * "TQL" "TQL paid Summit the load and the lumper" ^INV-1001
  factoring: "collected"
  paid: PAID USD
  REASON
"""
)


@pytest.mark.parametrize(
    ("paid", "reason", "over"),
    [
        ("1250.00", "", "0"),
        ("1250.00", 'reason: "overpay"', "0"),
        ("1260.00", 'reason: "overpay"', "10.00"),
    ],
    ids=["memo", "memo-said-overpay", "memo-and-10-over"],
)
def test_a_debit_memo_the_factor_collected_is_not_an_overpayment_in_the_cost_report(
    paid: str, reason: str, over: str
) -> None:
    """TQL pays Summit the 1,000.00 face and the 250.00 lumper billed on it later: the
    lumper is ours (it clears the receivable), not an overpayment owed back to TQL. The
    cost report's days to pay showed 1,250.00 - 1,000.00 = 250.00 Overpaid; it is 0.00,
    and of 1,260.00 only the 10.00 beyond the face and the lumper."""
    text = MEMO_PAID.replace("PAID", paid).replace("  REASON\n", f"  {reason}\n" if reason else "")
    entries, errors, options = loader.load_string(
        'plugin "beancount_factoring.plugin"\n' + OPENS + text
    )
    assert errors == []
    assert balance(entries, TQL) == 0
    book = compute(entries, options, errors)
    (tql,) = book.cost(datetime.date(2025, 3, 31)).days_to_pay
    assert (tql.short_paid, tql.overpaid) == (0, D(over))


# Summit funds INV-1 (2,000.00) on 03-04: 1,860.00 (95% less 2%). Charged back on 06-10
# (past recourse-days 90), repaid on 06-11: 2,000.00 - the 100.00 reserve = 1,900.00.
# On 07-01 Summit buys INV-1 again.
BOUGHT_AGAIN = """
plugin "beancount_factoring.plugin" "{'as-of': '2025-07-20'}"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-10 * "Summit" "Recourse INV-1" ^INV-1
  factoring: "chargeback"

2025-06-11 * "SUMMIT FUNDING" "Chargeback repaid" ^INV-1
  Assets:Bank:Checking        -1900.00 USD
  Assets:Factoring:Summit:Clearing
"""
AGAIN_DEPOSIT = """
2025-07-02 * "SUMMIT FUNDING" "ACH deposit: INV-1 bought again" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""
AGAIN_SCHEDULE = """
2025-07-01 * "Summit" "Schedule 9" ^INV-1
  factoring: "schedule"
  schedule: "9"
"""


def test_an_invoice_bought_again_after_its_chargeback_says_how_to_reissue_it():
    # Before: FCT130 "Nothing of invoice INV-1 is due in this deposit: it is charged
    # back on 2025-06-10" (and on a schedule "a factor that buys it again is not
    # followed"), with nothing to write.
    for again in (AGAIN_DEPOSIT, AGAIN_SCHEDULE):
        _, errors, _ = loader.load_string(BOUGHT_AGAIN + again)
        (error,) = errors
        assert error.message.startswith("FCT130 ")
        assert "charged back on 2025-06-10" in error.message
        assert "bought it again" in error.message
        assert "credit note" in error.message
        assert 'invoice: "INV-1-R"' in error.message


def test_an_invoice_reissued_as_its_error_says_is_bought_again():
    # A credit note of INV-1's face, INV-1 billed again as INV-1-R, the deposit linking
    # INV-1-R: bank 1,860.00 - 1,900.00 + 1,860.00 = 1,820.00; fees 40.00 twice; the new
    # reserve 100.00; the receivable and the clearing account at zero.
    reissued = """
2025-07-01 * "TQL" "Credit note: INV-1 billed again as INV-1-R" ^INV-1
  Assets:Receivable:TQL       -2000.00 USD
  Income:Freight

2025-07-01 * "TQL" "Load 1, billed again"
  invoice: "INV-1-R"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight
"""
    text = BOUGHT_AGAIN + reissued + AGAIN_DEPOSIT.replace("^INV-1", "^INV-1-R")
    entries, errors, _ = loader.load_string(text)
    assert errors == []
    balances = realization.realize(entries)

    def balance(account):
        return realization.get(balances, account).balance.get_currency_units("USD").number

    assert balance(BANK) == D("1820.00")
    assert balance("Expenses:Factoring:Summit:Fees") == D("80.00")
    assert balance(RESERVE) == D("100.00")
    assert balance(TQL) == D("0") and balance(CLEARING) == D("0")
    assert balance("Income:Freight") == D("-2000.00")


# A month's reports as the importers read them: TQL paid Summit 970.00 of 1,000.00 on
# April 1 (a short pay of 30.00), and Summit's recourse report lists the 30.00 it took
# back that day. The importer writes the recourse report's chargeback before the
# collected event (its file comes first). The 30.00 is the short pay itself, which the
# collected event books (the 50.00 reserve less 30.00 = 20.00 held, 30.00 to the
# adjustments): the chargeback is the one error, and the books are those of the short
# pay alone. Before, the chargeback was applied first, as one of the whole invoice
# (950.00 on the clearing account, the 1,000.00 back on TQL's receivable), and the
# collected event refused: four errors, none saying to delete the chargeback.
SHORT_PAY_DAY = """
2025-04-01 * "Summit" "Recourse INV-1001" ^INV-1001
  factoring: "chargeback"
  recourse-amount: 30.00 USD

2025-04-01 * "TQL" "TQL short-paid Summit" ^INV-1001
  factoring: "collected"
  paid: 970.00 USD
"""


@BOTH
def test_fct133__a_chargeback_of_the_short_pay_of_its_day_says_the_short_pay_took_it(name):
    entries, errors = load(model(SUMMIT + SHORT_PAY_DAY, name))
    assert codes(errors) == ["FCT133"]
    assert "cannot be charged back: it is collected on 2025-04-01" in errors[0].message
    assert "what it kept back is the collected event's short pay" in errors[0].message
    assert errors[0].source["lineno"] == txn(entries, "Recourse INV-1001").meta["lineno"]
    alone = SHORT_PAY_DAY.split("\n\n")[1]
    expected, no_errors = load(model(SUMMIT + alone, name))
    assert no_errors == []
    for account in (CLEARING, RESERVE, TQL, BANK, ADVANCES, ADJUSTMENTS):
        assert balance(entries, account) == balance(expected, account), account
    if name == "sale":
        assert balance(entries, RESERVE) == D("20.00")
        assert balance(entries, ADJUSTMENTS) == D("30.00")


# A chargeback of the whole invoice on the day of a short pay is another story (the
# factor sold the invoice back, then the customer's money came in): applied first, as
# before, and the collected event says what to book.
def test_a_whole_chargeback_on_the_day_of_a_payment_is_still_applied_first():
    text = SHORT_PAY_DAY.replace(
        "recourse-amount: 30.00 USD", 'recourse-amount: 950.00 USD\n  reason: "broker-claim"'
    )
    _, errors = load(SUMMIT + text)
    assert codes(errors) == ["FCT133"]
    assert "cannot be collected: it is charged back on 2025-04-01" in errors[0].message
