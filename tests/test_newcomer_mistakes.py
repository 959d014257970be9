"""A newcomer's first mistakes: each one error, at its line, that says what to write.

Found by keeping a small carrier's books from scratch with the docs: one slip in the
agreement gave three to eight errors, some of them advice that was wrong for the case.
"""

from __future__ import annotations

import pytest
from beancount import loader

from ledgers import OPENS, codes, load

AGREEMENT = """
2025-01-01 custom "factoring-agreement" "Apex"
  advance-rate: 0.97
  fee: "flat 2.5%"
  recourse-days: 90
  bank: Assets:Bank:Checking
"""

INVOICE = """
2025-02-03 * "TQL" "Load 1"
  invoice: "BH-101"
  Assets:Receivable:TQL   1800.00 USD
  Income:Freight
"""

# An invoice sold on a schedule, and the customer's payment to the factor. No posting
# names a factor's account, so Beancount's own errors do not come into it.
SOLD_AND_PAID = """
2025-02-03 * "TQL" "Load 1"
  invoice: "BH-101"
  Assets:Receivable:TQL   1800.00 USD
  Income:Freight

2025-02-05 * "Apex" "Schedule 501" ^BH-101
  factoring: "schedule"
  schedule: "501"

2025-03-04 * "TQL" "Paid Apex" ^BH-101
  factoring: "collected"
"""


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("recource-days", "recourse-days"),
        ("advance-rat", "advance-rate"),
        ("advance_rate", "advance-rate"),
        ("bnak", "bank"),
    ],
)
def test_a_misspelt_agreement_key_is_one_error_that_names_the_key_meant(tmp_path, written, meant):
    path = tmp_path / "ledger.beancount"
    path.write_text(
        'plugin "beancount_factoring.plugin"\n' + AGREEMENT.replace(f"  {meant}:", f"  {written}:")
    )
    _, errors, _ = loader.load_file(str(path))
    # Before: the unknown key with all 52 keys listed, and "the key ... is required".
    assert codes(errors) == ["FCT110"], [e.message for e in errors]
    message = errors[0].message
    assert f"key '{written}'" in message
    assert f"did you mean '{meant}'?" in message
    assert "the keys are:" not in message
    lines = path.read_text().split("\n")
    key_line = next(n for n, line in enumerate(lines, 1) if line.startswith(f"  {written}:"))
    assert errors[0].source["lineno"] == key_line


def test_a_key_like_no_other_still_lists_the_keys_and_the_required_one_missing():
    _, errors = load(AGREEMENT.replace("  recourse-days: 90\n", '  colour: "red"\n'))
    assert codes(errors) == ["FCT110", "FCT110"]
    assert "key 'colour' (column 1): unknown key; the keys are: advance-rate" in errors[0].message
    assert "the key 'recourse-days' is required" in errors[1].message


def test_the_events_of_a_broken_agreement_add_no_error_of_their_own():
    # The schedule is left unbooked for the FCT110; the customer's payment used to be
    # FCT133 "not factored", with advice to book it as a non-factored payment.
    _, errors = load(AGREEMENT.replace("recourse-days", "recource-days") + SOLD_AND_PAID)
    assert codes(errors) == ["FCT110"], [e.message for e in errors]


def test_a_payment_after_a_refused_schedule_waits_for_the_schedule():
    # The agreement starts after the schedule: FCT111 on the schedule. The payment that
    # follows said it was not factored, with advice to book a non-factored payment; then
    # that its schedule was not booked. It now waits for the schedule without a word:
    # one mistake, one error (tests/test_cascades.py).
    text = AGREEMENT.replace("2025-01-01 custom", "2025-03-01 custom") + SOLD_AND_PAID
    _, errors = load(text)
    assert codes(errors) == ["FCT111"], [e.message for e in errors]


def test_a_payment_of_an_invoice_never_sold_keeps_its_advice():
    _, errors = load(
        AGREEMENT + SOLD_AND_PAID.replace('  factoring: "schedule"\n  schedule: "501"\n', "")
    )
    # (The schedule without factoring: is a plain transaction with no postings.)
    assert "FCT133" in codes(errors)
    message = next(e.message for e in errors if e.message.startswith("FCT133"))
    assert "non-factored payment" in message


def test_an_agreement_dated_after_the_first_event_says_its_date():
    text = AGREEMENT.replace("2025-01-01 custom", "2025-03-01 custom") + SOLD_AND_PAID
    _, errors = load(text)
    assert errors[0].message == (
        "FCT111 No factoring agreement of 'Apex' is in force on 2025-02-05: its first "
        "agreement is dated 2025-03-01 (<string>:9); date the agreement on or before its "
        "first event"
    )


def test_a_factor_no_agreement_names_is_told_the_names_there_are():
    text = AGREEMENT + SOLD_AND_PAID.replace(
        'factoring: "schedule"', 'factoring: "schedule"\n  factor: "Apex Capital"'
    )
    _, errors = load(text)
    assert codes(errors)[0] == "FCT111"
    assert errors[0].message == (
        "FCT111 Cannot tell which factor this event belongs to: no agreement names the "
        "factor 'Apex Capital' (the agreements name 'Apex'): write the name as the "
        "agreement does"
    )


@pytest.mark.parametrize(
    ("typed", "fix"),
    [
        # Beancount reads 03/05/2025 as 3 / 5 / 2025 = 0.000296...: the message showed that.
        ("03/05/2025", "due: 2025-03-05 or due: 2025-05-03, whichever you mean"),
        ("3/25/2025", "due: 2025-03-25"),
        ("25/3/2025", "due: 2025-03-25"),
    ],
)
def test_a_due_date_written_with_slashes_is_shown_as_typed(tmp_path, typed, fix):
    path = tmp_path / "ledger.beancount"
    path.write_text(
        'plugin "beancount_factoring.plugin"\n'
        + OPENS
        + AGREEMENT
        + INVOICE.replace('  invoice: "BH-101"\n', f'  invoice: "BH-101"\n  due: {typed}\n')
    )
    _, errors, _ = loader.load_file(str(path))
    assert codes(errors) == ["FCT134"], [e.message for e in errors]
    assert errors[0].message == (
        f"FCT134 invoice BH-101's due: {typed} is not a date (Beancount reads it as a "
        f"division): write the date year first, {fix}, or leave due: out (the aging "
        "report then takes the invoice's date + 30 days)"
    )


FUNDED_AND_SHORT_PAID = """
2025-02-03 * "TQL" "Load 1"
  invoice: "BH-101"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-02-04 * "APEX" "ACH" ^BH-101
  Assets:Bank:Checking   945.00 USD
  Assets:Factoring:Apex:Clearing

2025-03-04 * "TQL" "Paid Apex less a claim" ^BH-101
  factoring: "collected"
  paid: 950.00 USD
  reason: "late delivery"
"""


@pytest.mark.parametrize(
    ("written", "says"),
    [
        # Words of one's own: the message lists the reasons, and says which one a claim is.
        (
            "late delivery",
            "reason: 'late delivery' is not one of the factor's reasons: shortpay, overpay, "
            "nonpayment, chargeback, broker-claim, overadvance, non-factored-payment, "
            "direct-payment-by-client, client-credit, client-debit, write-off, fee, "
            "additional-payment. A customer's claim against the load (damage, shortage, a "
            'late delivery) is "broker-claim"; without reason: it is "shortpay". Keep your '
            "own words in the narration. The event is not booked until then",
        ),
        # One of them written another way.
        (
            "Short Pay",
            "reason: 'Short Pay' is written reason: \"shortpay\". The event is not booked "
            "until then",
        ),
        ("broker claim", "reason: 'broker claim' is written reason: \"broker-claim\""),
    ],
)
def test_a_reason_of_ones_own_says_which_to_write_at_its_line(tmp_path, written, says):
    path = tmp_path / "ledger.beancount"
    path.write_text(
        'plugin "beancount_factoring.plugin"\n'
        + OPENS
        + AGREEMENT
        + FUNDED_AND_SHORT_PAID.replace("late delivery", written)
    )
    _, errors, _ = loader.load_file(str(path))
    assert codes(errors) == ["FCT134"], [e.message for e in errors]
    assert says in errors[0].message
    lines = path.read_text().split("\n")
    assert errors[0].source["lineno"] == 1 + lines.index(f'  reason: "{written}"')


def test_a_schedule_that_credits_another_receivable_names_both_accounts():
    # The invoice importer guessed Assets:Receivable:BaylineLogistics for a customer not
    # in its customers=, the factor's report importer took Assets:Receivable:Bayline from
    # its debtors=. The FCT121 named only the invoice's account, "written 0.00".
    _, errors = load(
        AGREEMENT.replace(
            "2025-01-01 custom",
            "2025-01-01 open Assets:Receivable:Bayline\n"
            "2025-01-01 open Assets:Receivable:BaylineLogistics\n\n"
            "2025-01-01 custom",
        )
        + """
2025-04-03 * "Bayline Logistics" "Load 1"
  invoice: "RF-1027"
  Assets:Receivable:BaylineLogistics   2000.00 USD
  Income:Freight

2025-04-08 * "Apex" "Schedule 3109" ^RF-1027
  factoring: "schedule"
  schedule: "3109"
  Assets:Factoring:Apex:Clearing   2000.00 USD
  Assets:Receivable:Bayline       -2000.00 USD
    invoice: "RF-1027"
"""
    )
    assert codes(errors) == ["FCT121"], [e.message for e in errors]
    assert errors[0].message == (
        "FCT121 The postings written here differ from what the agreement gives: "
        "Assets:Receivable:Bayline: expected 0.00 USD, written -2,000.00 USD (difference "
        "-2,000.00); Assets:Receivable:BaylineLogistics: expected -2,000.00 USD, written "
        "0.00 USD (difference +2,000.00)"
    )


@pytest.mark.parametrize(
    ("line", "written", "says"),
    [
        # One letter from the advances account, but a number: the advance rate.
        ("advance-rate: 0.97", "advance: 0.97", "unknown key; did you mean 'advance-rate'?"),
        ("recourse-days: 90", "recourse: 90", "unknown key; did you mean 'recourse-days'?"),
        # An account under a slip of an account key is that key.
        ("bank: Assets:Bank:Checking", "bnk: Assets:Bank:Checking", "did you mean 'bank'?"),
        # A number under a slip of an account key is not that account.
        (
            'fee: "flat 2.5%"',
            'fees: "flat 2.5%"',
            "key 'fees' (column 1): \"flat 2.5%\" is not an account: fees: names the account "
            "the factor's fees are booked to; the discount fee is written fee: (no s), like "
            'fee: "flat 2.5%"',
        ),
        ("recourse-days: 90", "recourse-days: 90\n  fes: 90", "unknown key; the keys are: "),
    ],
)
def test_the_key_meant_fits_the_value_written(line, written, says):
    _, errors = load(AGREEMENT.replace(line, written))
    assert codes(errors) == ["FCT110"], [e.message for e in errors]
    assert says in errors[0].message


def test_a_broken_agreement_still_opens_the_factor_accounts_the_ledger_posts_to():
    # Beancount said "Invalid reference to unknown account" on every deposit and rebate
    # of the factor, as if accounts were to be opened: the agreement is what to fix.
    entries, errors = load(
        AGREEMENT.replace("recourse-days", "recource-days")
        + """
2025-02-03 * "TQL" "Load 1"
  invoice: "BH-101"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-02-04 * "APEX" "ACH" ^BH-101
  Assets:Bank:Checking   945.00 USD
  Assets:Factoring:Apex:Clearing

2025-03-10 * "APEX" "Rebate"
  Assets:Bank:Checking   30.00 USD
  Assets:Factoring:Apex:Reserve
"""
    )
    assert codes(errors) == ["FCT110"], [e.message for e in errors]
    opened = {e.account: e for e in entries if type(e).__name__ == "Open"}
    clearing = opened["Assets:Factoring:Apex:Clearing"]
    assert str(clearing.date) == "2025-01-01"  # the agreement's date, and its line
    agreement = next(e for e in entries if getattr(e, "type", None) == "factoring-agreement")
    assert clearing.meta["lineno"] == agreement.meta["lineno"]
    assert "Assets:Factoring:Apex:Reserve" in opened


def test_an_account_of_another_factor_is_not_opened_for_a_broken_agreement():
    _, errors = load(
        AGREEMENT.replace("recourse-days", "recource-days")
        + """
2025-02-04 * "RTS" "ACH"
  Assets:Bank:Checking   945.00 USD
  Assets:Factoring:RTS:Clearing
"""
    )
    assert codes(errors) == ["FCT110", "Invalid"], [e.message for e in errors]


@pytest.mark.parametrize(
    ("written", "says"),
    [
        # Beancount says "Invalid account name" and keeps the value: the agreement paid
        # into an account no entry can post to, and each deposit was FCT151.
        (
            "bank: Asset:Bank:Checking",
            "key 'bank' (column 1): Asset:Bank:Checking is under no root account of the "
            "ledger (Assets, Liabilities, Equity, Income, Expenses): write "
            "Assets:Bank:Checking",
        ),
        (
            "bank: Checking:Main",
            "Checking:Main is under no root account of the ledger (Assets, Liabilities, "
            "Equity, Income, Expenses), like Assets:Bank:Checking",
        ),
    ],
)
def test_an_agreement_account_under_no_root_is_its_error(written, says):
    _, errors = load(AGREEMENT.replace("bank: Assets:Bank:Checking", written))
    assert [c for c in codes(errors) if c.startswith("FCT")] == ["FCT110"]
    message = next(e.message for e in errors if e.message.startswith("FCT110"))
    assert says in message


def test_an_event_of_a_ledger_without_agreements_says_to_write_one():
    _, errors = load(
        SOLD_AND_PAID.replace('factoring: "schedule"', 'factoring: "schedule"\n  factor: "Apex"')
    )
    assert errors[0].message == (
        "FCT111 Cannot tell which factor this event belongs to: no agreement names the "
        "factor 'Apex': the ledger has no agreement yet; write the factor's terms as "
        'custom "factoring-agreement" "Apex" (docs/ledger.md, 2)'
    )
