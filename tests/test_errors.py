"""One test per error code: the ledger that triggers it, and what the message says."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, legs, load, txn

D = Decimal

AGREEMENT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:CHR   2000.00 USD
  Income:Freight
"""

FUND_1 = """
2025-03-04 * "SUMMIT FUNDING" "ACH 1" ^INV-1
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_fct100__bad_config_is_an_error_and_defaults_apply():
    _, errors = load(AGREEMENT + FUND_1, config="{'tolerance': 'x', 'colour': 1}")
    assert codes(errors) == ["FCT100", "FCT100"]
    _, errors = load(AGREEMENT + FUND_1, config="not a dict")
    assert codes(errors) == ["FCT100"]
    assert "is not a Python dict literal" in errors[0].message
    _, errors = load(AGREEMENT + FUND_1, config="{'disable': ['FCT999']}")
    assert codes(errors) == ["FCT100"]


def test_fct100__a_name_in_the_config_says_to_quote_it_the_same_on_every_load():
    # Python's own message names an object by its memory address ("<ast.Name object at
    # 0x7f...>"): nothing a bookkeeper can use, and another text on each load.
    _, errors = load(AGREEMENT + FUND_1, config="{accrue: 'month'}")
    assert codes(errors) == ["FCT100"]
    assert "accrue is a name, not a quoted string: write 'accrue'" in errors[0].message
    assert " at 0x" not in errors[0].message
    _, again = load(AGREEMENT + FUND_1, config="{accrue: 'month'}")
    assert again[0].message == errors[0].message
    _, errors = load(AGREEMENT + FUND_1, config="{'accrue': print('x')}")
    assert "something other than quoted strings" in errors[0].message


def test_fct101__deposit_that_fits_no_open_item():
    entries, errors = load(
        AGREEMENT
        + SCHEDULE
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking     935.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    assert codes(errors) == ["FCT101"]
    assert (
        "matches no open item of 'Summit'; the closest are: schedule 7, worth 930.00 USD "
        "(5.00 less than this deposit)"
    ) in errors[0].message
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == D("65.00")


def test_fct111__event_with_no_agreement_in_force():
    _, errors = load(
        AGREEMENT
        + """
2025-06-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-03-04 * "Harbor" "Schedule" ^INV-1
  factoring: "schedule"
  factor: "Harbor"
"""
    )
    assert codes(errors) == ["FCT111"]
    assert "No factoring agreement of 'Harbor' is in force on 2025-03-04" in errors[0].message


def test_fct111__event_whose_factor_is_unknown():
    _, errors = load(
        AGREEMENT
        + """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-03-04 * "Somebody" "Schedule" ^INV-1
  factoring: "schedule"
  factor: "Nobody"
"""
    )
    assert codes(errors) == ["FCT111"]
    assert "no agreement names the factor 'Nobody'" in errors[0].message


@pytest.mark.parametrize(
    ("value", "shown"), [("1001", "1001"), ("TRUE", "TRUE"), ("2025-03-01", "2025-03-01")]
)
def test_fct111__a_factor_that_is_no_name_is_shown_as_written(value, shown):
    # Beancount reads factor: 1001 as a number: the message showed Decimal('1001').
    _, errors = load(AGREEMENT + FUND_1.replace("^INV-1\n", f"^INV-1\n  factor: {value}\n"))
    assert codes(errors) == ["FCT111"]
    assert (
        f"factor: {shown} is no factor's name: write the factor's name in quotes, as its "
        'agreement does (factor: "Summit")'
    ) in errors[0].message
    assert "Decimal(" not in errors[0].message and "datetime" not in errors[0].message


def test_fct120__deposit_differs_from_agreement():
    entries, errors = load(AGREEMENT + FUND_1.replace("930.00", "925.00"))
    assert codes(errors) == ["FCT120"]
    message = errors[0].message
    assert "expected 930.00 USD (advances 950.00 - discount fees 20.00)" in message
    assert "received 925.00 USD, difference -5.00 USD" in message
    assert "left on Assets:Factoring:Summit:Clearing" in message
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == D("5.00")


def test_fct120__a_deposit_for_part_of_a_schedule_says_which_invoice_it_lacks():
    # Schedule 7 holds INV-1 (1,000.00: 950.00 - 20.00 = 930.00) and INV-2 (2,000.00:
    # 1,900.00 - 40.00 = 1,860.00); the factor funds INV-1 only and the deposit names the
    # schedule: expected 2,790.00, received 930.00, difference -1,860.00, which is what
    # INV-2's funding brings. The message says so, and how to book what was paid.
    _, errors = load(
        AGREEMENT
        + """
2025-03-04 * "Summit" "Schedule 7" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "7"

2025-03-05 * "SUMMIT FUNDING" "ACH"
  schedule: "7"
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    assert codes(errors) == ["FCT120"]
    assert (
        "The difference is what the funding of INV-2 brings (1,860.00 USD): if this "
        "deposit does not pay it, link the invoices it pays (^INV-1) instead of the schedule"
    ) in errors[0].message


def test_fct120__one_cent_off_is_an_error_unless_tolerated():
    _, errors = load(AGREEMENT + FUND_1.replace("930.00", "930.01"))
    assert codes(errors) == ["FCT120"]
    entries, errors = load(
        AGREEMENT + FUND_1.replace("930.00", "930.01"), config="{'tolerance': '0.01'}"
    )
    assert errors == []
    # A tolerated difference is the factor's rounding: a cost, not an open item.
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0
    assert ("Expenses:Factoring:Summit:Fees", D("-0.01"), None, "rounding") in legs(
        txn(entries, "ACH 1")
    )
    _, errors = load(AGREEMENT + FUND_1.replace("930.00", "929.00"), config="{'tolerance': 1}")
    assert errors == []


def test_fct121__schedule_written_by_hand_with_wrong_amount():
    _, errors = load(
        AGREEMENT
        + """
2025-03-04 * "Summit" "Schedule" ^INV-1
  factoring: "schedule"
  Assets:Factoring:Summit:Clearing    900.00 USD
  Assets:Receivable:TQL              -900.00 USD
"""
    )
    assert codes(errors) == ["FCT121"]
    assert "Assets:Receivable:TQL: expected -1,000.00 USD, written -900.00 USD" in (
        errors[0].message
    )


SCHEDULE = """
2025-03-04 * "Summit" "Schedule 7" ^INV-1
  factoring: "schedule"
  schedule: "7"
"""


def test_fct130__invoice_scheduled_twice():
    _, errors = load(
        AGREEMENT
        + SCHEDULE
        + """
2025-03-05 * "Summit" "Schedule 8" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "8"
"""
    )
    assert codes(errors) == ["FCT130"]
    assert "Invoice INV-1 is already scheduled on 2025-03-04" in errors[0].message


def test_fct130__invoice_funded_twice():
    _, errors = load(AGREEMENT + FUND_1 + FUND_1.replace("ACH 1", "ACH again"))
    assert codes(errors) == ["FCT130"]
    assert "Nothing of invoice INV-1 is due in this deposit" in errors[0].message


def test_fct131__scheduled_while_already_paid():
    _, errors = load(
        AGREEMENT
        + """
2025-03-04 * "TQL" "TQL paid us" ^INV-1
  Assets:Bank:Checking     1000.00 USD
  Assets:Receivable:TQL
"""
        + SCHEDULE.replace("2025-03-04", "2025-03-05")
    )
    assert codes(errors) == ["FCT131"]
    assert "Invoice INV-1 is already paid" in errors[0].message


# Summit (loan model) has INV-1001 (2,000.00) on schedule 10452 on 03-04; TQL pays the
# carrier on 03-05, while the invoice is still the carrier's to collect; Summit funds the
# schedule on 03-06: 2,000.00 x 0.95 - 2% (40.00) = 1,860.00, with 100.00 held back.
LOAN_PAID_THEN_FUNDED = """
2025-01-01 open Liabilities:Payable:Summit

2025-01-01 custom "factoring-agreement" "Summit"
  model: "loan"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 10452" ^INV-1001
  factoring: "schedule"
  schedule: "10452"

2025-03-05 * "TQL" "TQL paid us" ^INV-1001
  Assets:Bank:Checking         2000.00 USD
  Assets:Receivable:TQL

2025-03-06 * "SUMMIT FUNDING" "ACH schedule 10452"
  schedule: "10452"
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_fct131__a_loan_invoice_paid_to_you_on_a_schedule_then_funded_says_what_to_book():
    # Summit advanced on an invoice TQL will never pay it: it needs its advance back, so
    # the 2,000.00 TQL paid the carrier is now owed to Summit.
    _, errors = load(LOAN_PAID_THEN_FUNDED)
    assert codes(errors) == ["FCT131"]
    message = errors[0].message
    assert "Invoice INV-1001 is already paid and cannot be funded" in message
    assert "its customer paid you 2,000.00 USD" in message
    assert "only on schedule 10452 (loan model), it was yours to collect" in message
    assert "Summit has advanced on 2,000.00 USD, which its customer will not pay it" in message
    assert "book that payment to a liability account of your own" in message
    assert 'a "collected" event' in message


def test_fct131__a_loan_invoice_paid_in_part_on_a_schedule_then_funded_says_the_same():
    # TQL paid the carrier 500.00 of the 2,000.00 while INV-1001 was only on the
    # schedule; Summit funds the face: the 500.00 is Summit's now, as the whole would be
    # (not "bill the 1,500.00 left as an invoice of its own", nor a misdirected-payment,
    # which FCT133 refuses before the funding).
    part = LOAN_PAID_THEN_FUNDED.replace(
        "Checking         2000.00 USD\n  Assets:Receivable",
        "Checking          500.00 USD\n  Assets:Receivable",
    )
    _, errors = load(part)
    assert codes(errors) == ["FCT131"]
    message = errors[0].message
    assert "Invoice INV-1001 cannot be funded at its face 2,000.00 USD" in message
    assert "its customer paid you 500.00 USD of it" in message
    assert "book that payment to a liability account of your own" in message
    assert "misdirected-payment" not in message and "invoice of its own" not in message


@pytest.mark.parametrize(
    ("model", "amount"), [("loan", "2000.00"), ("sale", "2000.00"), ("loan", " 500.00")]
)
def test_fct131__the_booking_it_advises_ties_out(model, amount):
    # As the message says: TQL's payment (all of INV-1001, or 500.00 of it, the other
    # 1,500.00 paid to Summit) on a liability account of the carrier's own, forwarded to
    # Summit on 03-07; Summit reports INV-1001 paid in full and releases its 100.00.
    # Bank: paid + 1,860.00 - paid + 100.00 = 1,960.00 (2,000.00 less the 40.00 fee); the
    # receivable, the advances and the payable end at zero, in either model.
    ledger = LOAN_PAID_THEN_FUNDED.replace('  model: "loan"', f'  model: "{model}"')
    ledger = ledger.replace(
        "Checking         2000.00 USD\n  Assets:Rec",
        f"Checking         {amount} USD\n  Assets:Rec",
    )
    paid = f'"TQL paid us" ^INV-1001\n  Assets:Bank:Checking         {amount} USD\n  '
    owed = f'"TQL paid us"\n  Assets:Bank:Checking         {amount} USD\n  '
    advised = (
        ledger.replace(paid + "Assets:Receivable:TQL", owed + "Liabilities:Payable:Summit")
        + f"""
2025-03-07 * "Wire: TQL's payment of INV-1001 forwarded to Summit"
  Liabilities:Payable:Summit   {amount} USD
  Assets:Bank:Checking

2025-03-10 * "Summit" "INV-1001 collected" ^INV-1001
  factoring: "collected"

2025-03-15 * "SUMMIT FUNDING" "Reserve release" ^INV-1001
  Assets:Bank:Checking          100.00 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    assert "Liabilities:Payable:Summit\n" in advised
    entries, errors = load(advised)
    assert errors == []
    assert balance(entries, "Assets:Bank:Checking") == D("1960.00")
    assert balance(entries, "Expenses:Factoring:Summit:Fees") == D("40.00")
    for account in (
        "Assets:Receivable:TQL",
        "Liabilities:Factoring:Summit:Advances",
        "Liabilities:Payable:Summit",
        "Assets:Factoring:Summit:Reserve",
    ):
        assert balance(entries, account) == 0, account


ONE_CHECK_TWO_LOADS = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 9"
  invoice: "INV-9"
  Assets:Receivable:TQL    300.00 USD
  Income:Freight

2025-03-04 * "TQL" "Load 10"
  invoice: "INV-10"
  Assets:Receivable:TQL    500.00 USD
  Income:Freight

2025-03-10 * "TQL" "One check for both loads" ^INV-9 ^INV-10
  Assets:Bank:Checking     500.00 USD
  Assets:Receivable:TQL
"""


def test_fct131__a_payment_after_a_part_pays_the_rest_first():
    # 200.00 of INV-9 (300.00) on 03-06; then 600.00 for the rest of INV-9 and all of
    # INV-10: 300.00 - 200.00 = 100.00 to INV-9, 500.00 to INV-10, paid in full, which
    # cannot be sold.
    part = """
2025-03-06 * "TQL" "Part of load 9" ^INV-9
  Assets:Bank:Checking     200.00 USD
  Assets:Receivable:TQL
"""
    _, errors = load(
        ONE_CHECK_TWO_LOADS.replace(
            "500.00 USD\n  Assets:Receivable:TQL\n", "600.00 USD\n  Assets:Receivable:TQL\n"
        )
        + part
        + """
2025-03-12 * "Summit" "Schedule 8" ^INV-10
  factoring: "schedule"
  schedule: "8"
"""
    )
    assert codes(errors) == ["FCT131"]
    assert "Invoice INV-10 is already paid (500.00 USD received)" in errors[0].message


# Granite paid us 500.00 of INV-9 (2,000.00) on 02-15; Summit then buys it whole.
PAID_IN_PART = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-02-10 * "TQL" "Load 9"
  invoice: "INV-9"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-02-15 * "TQL" "Check 123, part of INV-9" ^INV-9
  Assets:Bank:Checking     500.00 USD
  Assets:Receivable:TQL
"""
FUNDED_WHOLE = """
2025-02-24 * "SUMMIT FUNDING" "ACH INV-9" ^INV-9
  Assets:Bank:Checking    1860.00 USD
  Assets:Factoring:Summit:Clearing
"""
SCHEDULED = """
2025-02-24 * "Summit" "Schedule 8" ^INV-9
  factoring: "schedule"
  schedule: "8"
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize(("sale", "what"), [(FUNDED_WHOLE, "funded"), (SCHEDULED, "sold")])
def test_fct131__an_invoice_paid_in_part_is_not_sold_at_its_face(model, sale, what):
    # Bought at its face 2,000.00, the receivable (2,000.00 - 500.00 = 1,500.00) went to
    # -500.00, and Summit's collection of the 1,500.00 left read as a 500.00 short pay:
    # an expense where TQL paid in full. Nothing of the sale is booked.
    text = PAID_IN_PART + sale
    if model == "loan":
        text = text.replace("  advance-rate: 0.95\n", '  advance-rate: 0.95\n  model: "loan"\n')
    entries, errors = load(text)
    assert codes(errors) == ["FCT131"]
    assert (
        f"Invoice INV-9 cannot be {what} at its face 2,000.00 USD: its receivable was "
        "credited 500.00 before, 1,500.00 is left" in errors[0].message
    )
    assert balance(entries, "Assets:Receivable:TQL") == D("1500.00")
    assert "If it was a credit note: correct the invoice to the 1,500.00" in errors[0].message


def test_a_check_returned_unpaid_leaves_the_invoice_to_sell():
    # The 500.00 check came back: INV-9 is unpaid again, and Summit funds it whole:
    # 2,000.00 x 0.95 - 2% (40.00) = 1,860.00. The receivable: 2,000.00 - 500.00 + 500.00
    # - 2,000.00 = 0.00.
    bounced = """
2025-02-20 * "TQL" "Check 123 returned unpaid" ^INV-9
  Assets:Bank:Checking    -500.00 USD
  Assets:Receivable:TQL
"""
    entries, errors = load(PAID_IN_PART + bounced + FUNDED_WHOLE)
    assert errors == []
    assert balance(entries, "Assets:Receivable:TQL") == 0


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("INV-10", "its receivable was credited 200.00 before, 300.00 is left"),
        ("INV-9", "Invoice INV-9 is already paid (300.00 USD received)"),
    ],
)
def test_fct131__a_payment_of_two_invoices_pays_each_its_share(number, message):
    # 500.00 for INV-9 (300.00, the older) and INV-10 (500.00): INV-9 paid in full,
    # 500.00 - 300.00 = 200.00 of INV-10 (counted whole against each, INV-10 read as
    # paid in full). Neither can be sold at its face: INV-9 is paid, INV-10 paid in part.
    _, errors = load(
        ONE_CHECK_TWO_LOADS
        + f"""
2025-03-12 * "Summit" "Schedule 8" ^{number}
  factoring: "schedule"
  schedule: "8"
"""
    )
    assert codes(errors) == ["FCT131"]
    assert message in errors[0].message


@pytest.mark.parametrize(
    "event",
    [
        '2025-03-04 * "Summit" "S" ^INV-9\n  factoring: "schedule"\n',
        '2025-03-04 * "Summit" "C" ^INV-9\n  factoring: "collected"\n',
        '2025-03-04 * "Summit" "B" ^INV-9\n  factoring: "chargeback"\n',
        '2025-03-04 * "SUMMIT FUNDING" "F" ^INV-9\n'
        "  Assets:Bank:Checking  10.00 USD\n  Assets:Factoring:Summit:Clearing\n",
    ],
)
def test_fct132__unknown_invoice(event):
    _, errors = load(AGREEMENT + event)
    assert codes(errors) == ["FCT132"]
    assert "INV-9" in errors[0].message


def test_schedule_ids_belong_to_their_factor():
    entries, errors = load(
        AGREEMENT
        + """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking

2025-03-04 * "Summit" "Summit schedule 100" ^INV-1
  factoring: "schedule"
  schedule: "100"

2025-03-04 * "Harbor" "Harbor schedule 100" ^INV-2
  factoring: "schedule"
  schedule: "100"

2025-03-05 * "SUMMIT FUNDING" "ACH"
  schedule: "100"
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-05 * "HARBOR CAPITAL" "Wire"
  schedule: "100"
  Assets:Bank:Checking    1740.00 USD
  Assets:Factoring:Harbor:Clearing
"""
    )
    assert errors == []
    assert txn(entries, "ACH").links == {"INV-1", "sched-100"}
    assert txn(entries, "Wire").links == {"INV-2", "sched-100"}


def test_fct132__unknown_schedule():
    _, errors = load(
        AGREEMENT
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH"
  schedule: "404"
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    assert codes(errors) == ["FCT132"]
    assert "Unknown schedule 404" in errors[0].message


HARBOR_AND_SCHEDULES = """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking

2025-03-04 * "Summit" "Summit schedule" ^INV-1
  factoring: "schedule"
  schedule: "SCH-012"

2025-03-04 * "Harbor" "Harbor schedule" ^INV-2
  factoring: "schedule"
  schedule: "H-77"
"""


@pytest.mark.parametrize(
    ("names", "hint"),
    [
        # A number written with another zero, or in other case: the schedule it may mean.
        ('\n  schedule: "SCH-0012"', 'did you mean schedule: "SCH-012"?'),
        (" ^sched-sch-012", 'did you mean schedule: "SCH-012"?'),
        ('\n  schedule: "12"', 'did you mean schedule: "SCH-012"?'),
        # Another factor's schedule.
        ('\n  schedule: "H-77"', "H-77 is a schedule of 'Harbor', not of 'Summit'"),
        # An invoice given as a schedule.
        ('\n  schedule: "INV-1"', "INV-1 is an invoice: link it as ^INV-1"),
    ],
)
def test_fct132__unknown_schedule_names_what_it_may_mean(names, hint):
    # Summit's deposit names a schedule no Summit schedule event has; the message says
    # which known name it may have meant (nothing is booked either way).
    _, errors = load(
        AGREEMENT
        + HARBOR_AND_SCHEDULES
        + f"""
2025-03-05 * "SUMMIT FUNDING" "ACH"{names}
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    assert codes(errors) == ["FCT132"]
    assert hint in errors[0].message


def test_fct132__a_schedule_booked_after_its_deposit_says_so():
    _, errors = load(
        AGREEMENT
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH"
  schedule: "SCH-012"
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-06 * "Summit" "Summit schedule" ^INV-1
  factoring: "schedule"
  schedule: "SCH-012"
"""
    )
    assert codes(errors) == ["FCT132"]
    # (With the schedule's line: the date to correct may be either's.)
    assert (
        "its schedule event is dated 2025-03-06 (<string>:31), after this deposit: correct "
        "one of the two dates"
    ) in errors[0].message


def test_fct132__a_schedule_linked_as_an_invoice_says_how_to_link_it():
    _, errors = load(
        AGREEMENT
        + HARBOR_AND_SCHEDULES
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH" ^SCH-012
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-06 * "SUMMIT FUNDING" "ACH 2" ^INV-0001
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    assert codes(errors) == ["FCT132", "FCT132"]
    assert "SCH-012 is a schedule of 'Summit': link it as ^sched-SCH-012" in errors[0].message
    assert "did you mean ^INV-1?" in errors[1].message


def test_fct133__collected_before_funding():
    _, errors = load(
        AGREEMENT
        + SCHEDULE
        + """
2025-03-20 * "TQL" "Paid" ^INV-1
  factoring: "collected"
"""
    )
    assert codes(errors) == ["FCT133"]
    assert "cannot be collected: it is scheduled on 2025-03-04, not yet funded" in (
        errors[0].message
    )


def test_fct133__sold_before_it_was_issued():
    _, errors = load(AGREEMENT + SCHEDULE.replace("2025-03-04", "2025-03-01"))
    assert codes(errors) == ["FCT133"]
    assert "cannot be sold on 2025-03-01: it is dated 2025-03-03" in errors[0].message
    _, errors = load(AGREEMENT + FUND_1.replace("2025-03-04", "2025-03-02"))
    assert codes(errors) == ["FCT133"]
    assert "cannot be funded on 2025-03-02: it is dated 2025-03-03" in errors[0].message


def test_fct133__chargeback_after_collection():
    _, errors = load(
        AGREEMENT
        + FUND_1
        + """
2025-03-20 * "TQL" "Paid" ^INV-1
  factoring: "collected"

2025-06-20 * "Summit" "Recourse" ^INV-1
  factoring: "chargeback"
"""
    )
    assert codes(errors) == ["FCT133"]
    assert "cannot be charged back: it is collected on 2025-03-20" in errors[0].message


def test_fct133__release_before_collection():
    _, errors = load(
        AGREEMENT
        + FUND_1
        + """
2025-03-10 * "SUMMIT FUNDING" "Rebate" ^INV-1
  factoring: "release"
  Assets:Bank:Checking     50.00 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    assert codes(errors) == ["FCT133"]
    assert "the debtor has not paid the factor yet" in errors[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('2025-03-04 * "x" "y"\n  factoring: "purchase"\n', "Unknown factoring event"),
        (
            '2025-03-04 * "TQL" "Bad"\n  invoice: "INV 3"\n'
            "  Assets:Receivable:TQL  5.00 USD\n  Income:Freight\n",
            "cannot be a link",
        ),
        (
            '2025-03-04 * "TQL" "Dup"\n  invoice: "INV-1"\n'
            "  Assets:Receivable:TQL  5.00 USD\n  Income:Freight\n",
            "defined twice",
        ),
        (
            '2025-03-04 * "TQL" "No AR"\n  invoice: "INV-4"\n'
            "  Assets:Bank:Checking  5.00 USD\n  Income:Freight\n",
            "no posting to a receivable account",
        ),
        (
            # A tenth of a cent: no factor advances or collects it, and every step after
            # would report a difference that rounds to nothing.
            '2025-03-04 * "TQL" "Odd"\n  invoice: "INV-5"\n'
            "  Assets:Receivable:TQL  2000.005 USD\n  Income:Freight\n",
            "receivable 2000.005 USD is not in whole cents",
        ),
        ('2025-03-04 * "Summit" "S"\n  factoring: "schedule"\n', "links no invoice"),
        (
            FUND_1 + '2025-03-20 * "TQL" "Paid" ^INV-1 ^INV-2\n'
            '  factoring: "collected"\n  paid: 900.00 USD\n',
            "paid: applies to one invoice",
        ),
    ],
)
def test_fct134__malformed_invoice_or_event(text, expected):
    _, errors = load(AGREEMENT + text)
    assert codes(errors) == ["FCT134"]
    assert expected in errors[0].message


COLLECTED = """
2025-03-20 * "TQL" "Paid" ^INV-1
  factoring: "collected"
"""


def test_fct140__release_larger_than_reserve_held():
    _, errors = load(
        AGREEMENT
        + FUND_1
        + COLLECTED
        + """
2025-03-25 * "SUMMIT FUNDING" "Rebate" ^INV-1
  Assets:Bank:Checking     80.00 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    assert codes(errors) == ["FCT140"]
    assert "expected 50.00 USD (reserve released 50.00), received 80.00 USD" in (errors[0].message)


def test_fct140__reserve_released_twice():
    rebate = """
2025-03-25 * "SUMMIT FUNDING" "Rebate" ^INV-1
  Assets:Bank:Checking     50.00 USD
  Assets:Factoring:Summit:Reserve
"""
    _, errors = load(AGREEMENT + FUND_1 + COLLECTED + rebate + rebate.replace("25", "26", 1))
    # The second rebate is left as written, so the reserve account goes below zero too.
    assert codes(errors) == ["FCT140", "FCT141"]
    assert "its reserve was already released on 2025-03-25" in errors[0].message


def test_fct141__reserve_below_zero():
    entries, errors = load(
        AGREEMENT
        + FUND_1
        + """
2025-03-30 * "SUMMIT FUNDING" "Bulk rebate"
  factoring: "release"
  Assets:Bank:Checking     80.00 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    assert codes(errors) == ["FCT141"]
    assert "goes below zero (-30.00 USD) on 2025-03-30" in errors[0].message
    assert errors[0].source["lineno"] == txn(entries, "Bulk rebate").meta["lineno"]


def test_fct150__factor_deposit_booked_to_income():
    _, errors = load(
        AGREEMENT
        + """
2025-03-04 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking     930.00 USD
  Income:Freight
"""
    )
    assert codes(errors) == ["FCT150"]
    assert "Post it to Assets:Factoring:Summit:Clearing" in errors[0].message


def test_codes_can_be_switched_off():
    _, errors = load(
        AGREEMENT + FUND_1.replace("930.00", "925.00"), config="{'disable': ['FCT120']}"
    )
    assert errors == []


def test_fct111__misspelt_factor_is_an_error_not_a_guess():
    _, errors = load(
        AGREEMENT
        + """
2025-03-04 * "SUMMIT FUNDING" "Schedule" ^INV-1
  factoring: "schedule"
  factor: "Sumit"
"""
    )
    assert codes(errors) == ["FCT111"]
    assert "no agreement names the factor 'Sumit'" in errors[0].message


def test_fct134__fees_and_payments_in_another_currency():
    _, errors = load(
        AGREEMENT.replace('  fee: "flat 2%"', '  fee: "flat 2%"\n  invoice-fee: 5.00 EUR') + FUND_1
    )
    assert codes(errors) == ["FCT134"]
    assert "invoice-fee: 5.00 EUR, but invoice INV-1 is in USD" in errors[0].message
    _, errors = load(
        AGREEMENT
        + FUND_1
        + """
2025-03-20 * "TQL" "Paid" ^INV-1
  factoring: "collected"
  paid: 850.00 EUR
"""
    )
    assert codes(errors) == ["FCT134"]
    assert "paid: 850.00 EUR is not an amount in the invoice's currency" in errors[0].message


def test_fct120__hand_written_split_cannot_park_a_shortfall_on_clearing():
    _, errors = load(
        AGREEMENT
        + """
2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking               925.00 USD
  Assets:Receivable:TQL            -1000.00 USD
  Expenses:Factoring:Summit:Fees      20.00 USD
  Assets:Factoring:Summit:Reserve     50.00 USD
  Assets:Factoring:Summit:Clearing     5.00 USD
"""
    )
    assert codes(errors) == ["FCT120"]
    assert "Assets:Factoring:Summit:Clearing: expected 0.00 USD, written 5.00 USD" in (
        errors[0].message
    )


def test_a_shared_fees_account_does_not_decide_the_factor():
    both = (
        AGREEMENT.replace(
            "  bank: Assets:Bank:Checking\n",
            "  bank: Assets:Bank:Checking\n  fees: Expenses:Factoring:Fees\n",
            1,
        )
        + """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  fees: Expenses:Factoring:Fees
  bank: Assets:Bank:Checking

2025-03-04 * "HARBOR CAPITAL" "Wire" ^INV-1
  Assets:Bank:Checking               870.00 USD
  Assets:Receivable:TQL            -1000.00 USD
  Expenses:Factoring:Fees             30.00 USD
  Assets:Factoring:Harbor:Reserve    100.00 USD
"""
    )
    _, errors = load(both)
    assert errors == []


def test_fct150__default_payee_matches_the_name_as_a_word_only():
    _, errors = load(
        """
2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-03-04 * "NAPA" "Parts refund"
  Assets:Bank:Checking     45.00 USD
  Income:Freight

2025-03-05 * "RTS" "ACH"
  Assets:Bank:Checking     45.00 USD
  Income:Freight
"""
    )
    assert codes(errors) == ["FCT150"]
    assert errors[0].source["lineno"] > 10


def test_the_plugin_does_not_open_the_users_receivable_accounts():
    _, errors = load(
        AGREEMENT
        + """
2025-03-03 * "Nowhere" "Load 5"
  invoice: "INV-5"
  Assets:Receivable:Nowhere   1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH 5" ^INV-5
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    messages = [e.message for e in errors]
    assert any("unknown account 'Assets:Receivable:Nowhere'" in m for m in messages), messages


def test_fct100__is_reported_on_the_plugin_line(tmp_path):
    from beancount import loader

    path = tmp_path / "ledger.beancount"
    path.write_text('option "title" "x"\n\nplugin "beancount_factoring.plugin" "{oops"\n')
    _, errors, _ = loader.load_file(str(path))
    assert codes(errors) == ["FCT100"]
    assert (errors[0].source["filename"], errors[0].source["lineno"]) == (str(path), 3)


def test_accounts_of_a_collected_event_are_opened_for_its_factor():
    _, errors = load(
        AGREEMENT
        + """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.80
  fee: "flat 3%"
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking
"""
        + FUND_1
        + """
2025-03-10 * "TQL" "TQL short-paid" ^INV-1
  factoring: "collected"
  paid: 900.00 USD
"""
    )
    assert errors == []


def test_collected_event_naming_another_factor():
    _, errors = load(
        AGREEMENT
        + """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.80
  fee: "flat 3%"
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking
"""
        + FUND_1
        + """
2025-03-10 * "TQL" "Paid" ^INV-1
  factoring: "collected"
  factor: "Harbor"

2025-03-11 * "TQL" "Paid again" ^INV-1
  factoring: "collected"
  factor: "Harbr"
"""
    )
    assert codes(errors) == ["FCT133", "FCT111"]
    assert "belongs to factor 'Summit', not to 'Harbor'" in errors[0].message


def test_an_invoice_in_a_currency_of_thousandths_may_have_three_places():
    # The Kuwaiti dinar's smallest unit is the fils, a thousandth: 1,250.125 KWD is whole.
    invoice = '2025-03-04 * "Gulf" "Load"\n  invoice: "K-1"\n  Assets:Receivable:Gulf  {}\n'
    invoice += "  Income:Freight\n2025-01-01 open Assets:Receivable:Gulf\n"
    _, errors = load(AGREEMENT + invoice.format("1250.125 KWD"))
    assert errors == []
    _, errors = load(AGREEMENT + invoice.format("1250.1255 KWD"))
    assert codes(errors) == ["FCT134"]
    assert "1250.1255 KWD is not in whole thousandths" in errors[0].message


def test_an_invoice_in_a_currency_of_whole_units_has_no_fraction():
    # The yen's smallest unit is the yen (ISO 4217 minor unit 0): 100001 JPY, written
    # 100001 or 100001.00, is whole; 1000.10 JPY holds ten sen no one can pay.
    invoice = '2025-03-04 * "Nippon" "Load"\n  invoice: "J-1"\n  Assets:Receivable:Nippon  {}\n'
    invoice += "  Income:Freight\n2025-01-01 open Assets:Receivable:Nippon\n"
    for whole in ("100001 JPY", "100001.00 JPY", "250000 KRW"):
        _, errors = load(AGREEMENT + invoice.format(whole))
        assert errors == [], whole
    for broken in ("1000.10 JPY", "1000.5 KRW"):
        _, errors = load(AGREEMENT + invoice.format(broken))
        assert codes(errors) == ["FCT134"], broken
        assert f"{broken} is not in whole units" in errors[0].message
        assert f"{broken.split()[1]} has no fraction" in errors[0].message


def test_fct134__a_factored_invoice_in_whole_units_is_refused():
    # 100,001 JPY at 95% less a flat 2% of the face, worked out in cents: advance
    # 95,000.95, fee 2,000.02, cash 93,000.93. The factor pays whole yen (95,001 - 2,000
    # = 93,001): a false FCT120 "difference +0.07 JPY" on every deposit, and sub-yen
    # amounts left on the clearing account. Refused with what to do instead.
    text = """
2025-01-01 open Assets:Receivable:Nippon
2025-03-03 * "Nippon" "Load"
  invoice: "J-1"
  Assets:Receivable:Nippon   100001 JPY
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^J-1
  Assets:Bank:Checking     93001 JPY
  Assets:Factoring:Summit:Clearing
"""
    _, errors = load(AGREEMENT + text)
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "Invoice J-1 is in JPY, whose smallest unit is the whole JPY" in message
    assert "works out a factor's advances, fees and reserves in cents" in message
    assert "Book its sale by hand on accounts of your own" in message
    scheduled = text.replace("ACH", "Schedule").replace(
        "  Assets:Bank:Checking     93001 JPY\n  Assets:Factoring:Summit:Clearing\n",
        '  factoring: "schedule"\n',
    )
    _, errors = load(AGREEMENT + scheduled)
    assert codes(errors) == ["FCT134"]
    assert "Invoice J-1 is in JPY, whose smallest unit is the whole JPY" in errors[0].message


def test_fct110__an_agreement_in_a_currency_not_counted_in_cents_is_refused():
    # An agreement in JPY (no fraction) or KWD (thousandths) could factor nothing: each
    # of its sales is FCT134, and until one happens the ledger looked fine. Refused at
    # its currency's line, with what to book instead; an offer in it too.
    text = """
2025-01-01 custom "factoring-{}" "Sakura"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  currency: "{}"
  payee: "SAKURA"
  bank: Assets:Bank:Checking
"""
    for currency, unit, follow in (
        ("JPY", "has no fraction", "in whole JPY"),
        ("KRW", "has no fraction", "in whole KRW"),
        ("KWD", "is counted in thousandths", "to the thousandth"),
        ("BHD", "is counted in thousandths", "to the thousandth"),
    ):
        for kind, named in (("agreement", "Agreement"), ("offer", "Offer")):
            _, errors = load(text.format(kind, currency))
            assert codes(errors) == ["FCT110"], (currency, kind)
            message = errors[0].message
            assert f"{named} 'Sakura', key 'currency'" in message
            assert f'"{currency}" {unit}: the plugin' in message
            assert "works out a factor's advances, fees and reserves in cents" in message
            assert f"cannot follow a factor's figures {follow}" in message
            assert "book this factor's business by hand on accounts of your own" in message
    # Cents (USD, CAD, EUR) stay agreements, and no currency: at all too.
    for currency in ("USD", "CAD", "EUR"):
        _, errors = load(text.format("agreement", currency))
        assert errors == [], currency
    _, errors = load(text.format("agreement", "USD").replace('  currency: "USD"\n', ""))
    assert errors == []


def test_amounts_of_an_agreement_or_a_fee_in_whole_units_have_no_fraction():
    # A fee of 2,500.50 JPY cannot be charged: the yen has no fraction. (An agreement
    # with currency: "JPY" is FCT110 itself; one without a currency may name yen.)
    text = """
2025-01-01 custom "factoring-agreement" "Sakura"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SAKURA"
  bank: Assets:Bank:Checking
  minimum-fee: {}
"""
    _, errors = load(text.format("2500 JPY"))
    assert errors == []
    _, errors = load(text.format("2500.50 JPY"))
    assert codes(errors) == ["FCT110"]
    assert "2500.50 JPY is not in whole units: JPY has no fraction" in errors[0].message
    fee = """
2025-04-01 * "SAKURA" "Fee" #factoring
  factoring: "fee"
  charge: "other"
  amount: {}
"""
    _, errors = load(text.format("2500 JPY") + fee.format("3000 JPY"))
    assert errors == []
    _, errors = load(text.format("2500 JPY") + fee.format("3000.40 JPY"))
    assert codes(errors) == ["FCT134"]


def test_fct130__selling_again_an_invoice_charged_back_says_so():
    # INV-1 funded on 03-04 (FUND_1), charged back on 04-20, then scheduled again: the
    # message says its sale has ended, not "remove it from one of the two" of a schedule.
    again = """
2025-04-20 * "Summit" "Sold back" ^INV-1
  factoring: "chargeback"
  reason: "broker-claim"

2025-05-02 * "Summit" "Schedule again" ^INV-1
  factoring: "schedule"
"""
    _, errors = load(AGREEMENT + FUND_1 + again)
    assert "FCT130" in codes(errors)
    message = next(e.message for e in errors if e.message.startswith("FCT130"))
    assert "already charged back on 2025-04-20 (see " in message
    assert "this invoice's has ended: remove it from this event" in message


def test_fct134__a_factored_invoice_in_thousandths_is_refused():
    # 1,000.125 KWD at 90% is an advance of 900.1125: worked out in cents, the fils a
    # deposit of 880.106 carries were left on no account within Beancount's tolerance.
    text = """
2025-01-01 open Assets:Receivable:Gulf
2025-03-03 * "Gulf" "Load"
  invoice: "K-1"
  Assets:Receivable:Gulf   1000.125 KWD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^K-1
  Assets:Bank:Checking     880.106 KWD
  Assets:Factoring:Summit:Clearing
"""
    _, errors = load(AGREEMENT + text)
    assert codes(errors) == ["FCT134"]
    assert "Invoice K-1 is in KWD, whose smallest unit is a thousandth" in errors[0].message
    scheduled = text.replace("ACH", "Schedule").replace(
        "  Assets:Bank:Checking     880.106 KWD\n  Assets:Factoring:Summit:Clearing\n",
        '  factoring: "schedule"\n',
    )
    _, errors = load(AGREEMENT + scheduled)
    assert codes(errors) == ["FCT134"]


PAID_COLLECTED = (
    '\n2025-03-20 * "TQL" "paid" ^INV-1\n  factoring: "collected"\n  paid: 900.00 USD\n'
)
FEE = '\n2025-03-31 * "Summit" "fee"\n  factoring: "fee"\n  factor: "Summit"\n'


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('\n2025-03-04 * "X" "x" ^INV-1\n  factoring: 42\n', "Unknown factoring event 42;"),
        (FUND_1 + PAID_COLLECTED + "  short-pay-from: 1\n", "short-pay-from: 1 must be"),
        (FUND_1 + PAID_COLLECTED + "  partial: 2025-01-01\n", "partial: 2025-01-01 must be"),
        (FEE + "  charge: 3\n", "charge: 3 is not one of"),
        (FEE + '  charge: "wire"\n  period: 2025-03-01\n', "period: 2025-03-01 must be"),
        (FEE + '  charge: "wire"\n  period: "2025-03"\n  amount: 10\n', "amount: 10 must be"),
        (FUND_1.replace("^INV-1\n", "^INV-1\n  transfer: TRUE\n"), "transfer: TRUE is not"),
    ],
)
def test_fct134__a_value_that_is_no_text_is_shown_as_written(text, words):
    # Each showed Python's repr: Decimal('42'), datetime.date(2025, 1, 1), True.
    _, errors = load(AGREEMENT + text)
    assert "FCT134" in codes(errors)
    message = next(e.message for e in errors if e.message.startswith("FCT134"))
    assert words in message
    assert "Decimal(" not in message and "datetime" not in message
