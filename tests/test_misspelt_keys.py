"""A key one slip away from one the plugin reads is FCT134, not silently ignored.

Harbor advances 80% of Echo's 1,000.00 invoice (780.00 after a 20.00 transfer fee).
Echo pays 400.00 of it: with ``partial: TRUE`` the invoice stays open; misspelt, the
400.00 would close it with a short pay of 1,000.00 - 400.00 = 600.00.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import test_partial_payments

from ledgers import balance, codes, load

D = Decimal

# Harbor funds Echo's INV-2001 (the ledger of the payments-in-parts tests).
HARBOR = test_partial_payments.HARBOR


def part(key: str) -> str:
    return f"""
2025-03-20 * "Echo" "Echo paid Harbor a first part" ^INV-2001
  factoring: "collected"
  paid: 400.00 USD
  {key}: TRUE
"""


def test_the_right_key_passes():
    _, errors = load(HARBOR + part("partial"))
    assert errors == []


@pytest.mark.parametrize(
    ("key", "meant"), [("partail", "partial"), ("parital", "partial"), ("partal", "partial")]
)
def test_a_misspelt_key_names_the_one_it_resembles(key, meant):
    _, errors = load(HARBOR + part(key))
    assert "FCT134" in codes(errors)
    message = next(e.message for e in errors if e.message.startswith("FCT134"))
    assert f"The key {key}: on this event is not one the plugin reads; did you mean {meant}:?" in (
        message
    )


def test_an_underscore_for_a_dash_is_a_slip_too():
    text = HARBOR + part("partial").replace("  partial: TRUE", '  short_pay_from: "funding"')
    _, errors = load(text)
    assert "did you mean short-pay-from:?" in errors[-1].message


def test_a_key_of_the_users_own_is_not_reported():
    # bol, pickup-no and note resemble no key the plugin reads.
    text = HARBOR.replace(
        '  invoice: "INV-2001"\n', '  invoice: "INV-2001"\n  bol: "B-7781"\n  pickup-no: "P-1"\n'
    ) + part("partial").replace("  partial: TRUE", '  partial: TRUE\n  note: "check 5512"')
    _, errors = load(text)
    assert errors == []


def test_an_invoice_key_misspelt():
    text = HARBOR.replace('  invoice: "INV-2001"\n', '  invoice: "INV-2001"\n  costumer: "Echo"\n')
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert "The key costumer: on this invoice" in errors[0].message
    assert "did you mean customer:?" in errors[0].message


def test_a_schedule_posting_figure_misspelt():
    # The factor's own figures sit on the schedule's postings (advance, fee, reserve).
    text = (
        HARBOR.split("2025-03-04")[0]
        + """
2025-03-04 * "Harbor" "Schedule 7" ^INV-2001
  factoring: "schedule"
  schedule: "7"
  Assets:Factoring:Harbor:Clearing   1000.00 USD
  Assets:Receivable:Echo            -1000.00 USD
    advance: 800.00 USD
    fees: 17.50 USD
"""
    )
    _, errors = load(text)
    assert "FCT134" in codes(errors)
    assert any("The key fees: on this posting" in e.message for e in errors)


def collected(*lines: str) -> str:
    return """
2025-03-20 * "Echo" "Echo paid Harbor" ^INV-2001
  factoring: "collected"
""" + "".join(f"  {line}\n" for line in lines)


@pytest.mark.parametrize(
    "line",
    [
        "amount: 850.00 USD",
        "payed: 850.00 USD",
        "amount-paid: 850.00 USD",
        "short-pay: 150.00 USD",
    ],
)
def test_an_amount_under_another_key_than_paid_is_reported(line):
    # Echo paid 850.00 of 1,000.00; read without paid:, the event would close INV-2001
    # paid in full (no 150.00 short pay) with no word until the rebate.
    _, errors = load(HARBOR + collected(line))
    assert codes(errors) == ["FCT134"]
    key = line.split(":")[0]
    assert f"{key}: " in errors[0].message
    assert "is not read on a collected event" in errors[0].message
    assert "paid: 850.00 USD" in errors[0].message


@pytest.mark.parametrize("reason", ["shortpay", "fee", "client-credit", "broker-claim"])
def test_a_reason_without_paid_is_reported(reason):
    # reason: "fee" (a broker's quick-pay fee deducted) without paid: would close the
    # invoice paid in full, the deduction ignored.
    _, errors = load(HARBOR + collected(f'reason: "{reason}"'))
    assert codes(errors) == ["FCT134"]
    assert "without paid: the event closes the invoice paid in full" in errors[0].message


def test_paid_with_its_reason_passes():
    # 1,000.00 - 850.00 = 150.00 short, said by its reason: no error.
    _, errors = load(HARBOR + collected("paid: 850.00 USD", 'reason: "shortpay"'))
    assert errors == []


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("factorng", "collected"),
        ("facotring", "collected"),
        ("factoring_", "collected"),
        ("factorng", "colected"),
    ],
)
def test_the_event_key_misspelt_is_reported(key, kind):
    # Not read as an event, the 850.00 short pay would be lost: Echo's INV-2001 would stay
    # funded and open, with no word until a deadline.
    text = HARBOR + collected("paid: 850.00 USD", 'reason: "shortpay"').replace(
        '  factoring: "collected"', f'  {key}: "{kind}"'
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert f"The key {key}: is not one the plugin reads; did you mean factoring:?" in (
        errors[0].message
    )


@pytest.mark.parametrize(
    "line", ["short-pay: 150.00 USD", "check-amount: 3200.00 USD", "face: 1000.00 USD"]
)
def test_the_users_own_amounts_beside_paid_are_left_alone(line):
    # paid: 850.00 is read: 1,000.00 - 850.00 = 150.00 short (a broker claim); the factor
    # report's other figures, kept as the user's notes, change nothing.
    text = HARBOR + collected("paid: 850.00 USD", line, 'reason: "broker-claim"')
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Income:Factoring:Harbor:Adjustments") == D("150.00")


def test_a_reason_that_may_describe_a_payment_in_full_is_left_alone():
    _, errors = load(HARBOR + collected('reason: "direct-payment-by-client"'))
    assert errors == []


def test_a_deposits_own_reference_a_slip_from_factoring_is_left_alone():
    # factor-no: "H-20311" is two slips from factoring:, but names no event: the deposit is
    # split as any other (780.00 = 800.00 advance - 20.00 transfer fee, INV-2001 sold).
    text = HARBOR.replace(
        '"HARBOR CAPITAL" "Advance" ^INV-2001\n',
        '"HARBOR CAPITAL" "Advance" ^INV-2001\n  factor-no: "H-20311"\n',
    )
    assert 'factor-no: "H-20311"' in text
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Assets:Receivable:Echo") == 0


@pytest.mark.parametrize(
    "key", ["partial-payment", "is-partial", "part-payment", "part", "partPayment", "paidInPart"]
)
def test_a_part_payment_said_under_another_key_is_an_error(key):
    # Said otherwise than partial: TRUE, the 400.00 closed INV-2001 with a short pay of
    # 1,000.00 - 400.00 = 600.00 of adjustments, with no error.
    _, errors = load(HARBOR + part(key))
    assert codes(errors) == ["FCT134"]
    assert f"{key}: TRUE is not read on a collected event" in errors[0].message
    assert "partial: TRUE" in errors[0].message


@pytest.mark.parametrize("key", ["short-pay-source", "deduct-from", "from"])
def test_where_a_short_pay_is_taken_from_said_under_another_key_is_an_error(key):
    # A short pay of 100.00 (paid 900.00 of 1,000.00) the factor takes from the next
    # funding: under another key than short-pay-from:, it was taken from the reserve.
    text = HARBOR + part("partial").replace("  partial: TRUE", f'  {key}: "funding"').replace(
        "400.00", "900.00"
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert 'short-pay-from: "funding"' in errors[0].message


def test_a_note_of_the_users_own_that_reads_reserve_passes():
    # note: "reserve" says nothing of where a short pay is taken from.
    text = HARBOR + part("partial").replace("  partial: TRUE", '  note: "reserve"').replace(
        "400.00", "900.00"
    )
    _, errors = load(text)
    assert errors == []


def test_a_true_of_the_users_own_and_a_part_payment_marked_right_pass():
    text = HARBOR + part("partial").replace("  partial: TRUE", "  partial: TRUE\n  checked: TRUE")
    _, errors = load(text)
    assert errors == []


@pytest.mark.parametrize("key", ["third-party", "department", "counterparty", "partner"])
def test_a_key_that_only_holds_the_letters_part_is_the_users_own(key):
    # The whole 1,000.00 paid, with a key of the user's own: booked, no error.
    text = HARBOR + part(key).replace("400.00", "1000.00")
    _, errors = load(text)
    assert errors == []
