"""The factoring agreement: keys, defaults, dating and the errors of a bad one."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data

from beancount_factoring.ledger.book import read_book
from beancount_factoring.terms.agreement import parse_agreement

from ledgers import balance, codes, legs, load, txn

D = Decimal

FULL = """
2025-01-01 custom "factoring-agreement" "Summit Funding"
  advance-rate: 0.95
  reserve-rate: 0.05
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-basis: "advance"
  fee-timing: "collection"
  invoice-fee: 5.00 USD
  transfer-fee: 25.00 USD
  recourse-days: 90
  release-days: 10
  grace-days: 3
  model: "sale"
  payee: "SUMMIT FUNDING|SUMMIT FIN"
  bank: Assets:Bank:Checking
  clearing: Assets:Factor:Summit:Clearing
  reserve: Assets:Factor:Summit:Reserve
  fees: Expenses:Factoring:Summit:Discount
  advances: Liabilities:Factor:Summit:Advances
  adjustments: Income:Freight:Adjustments
  invoice-fee-account: Expenses:Factoring:Summit:OtherFees
  transfer-fee-account: Expenses:Factoring:Summit:TransferFees
  receivables: Assets:Receivable:Factored
  recourse-receivables: Assets:Receivable:Recourse
  rounding: "half-even"
"""


def agreement_of(text: str):
    entries, _, _ = loader.load_string(text)
    custom = next(e for e in entries if isinstance(e, data.Custom))
    return parse_agreement(custom)


def test_every_key_is_read():
    agreement, errors = agreement_of(FULL)
    assert errors == []
    assert agreement.name == "Summit Funding"
    assert agreement.advance_rate == D("0.95") and agreement.reserve_rate == D("0.05")
    assert agreement.fee.form == "tiered" and agreement.fee_basis == "advance"
    assert agreement.fee_timing == "collection"
    assert agreement.invoice_fee.number == D("5.00")
    assert agreement.transfer_fee.number == D("25.00")
    assert (agreement.recourse_days, agreement.release_days, agreement.grace_days) == (90, 10, 3)
    assert agreement.payee.search("ach from summit fin llc")
    assert agreement.clearing == "Assets:Factor:Summit:Clearing"
    assert agreement.fees == "Expenses:Factoring:Summit:Discount"
    assert agreement.invoice_fee_account == "Expenses:Factoring:Summit:OtherFees"
    assert agreement.transfer_fee_account == "Expenses:Factoring:Summit:TransferFees"
    assert agreement.adjustments == "Income:Freight:Adjustments"
    assert agreement.receivables == "Assets:Receivable:Factored"
    assert agreement.recourse_receivables == "Assets:Receivable:Recourse"
    assert agreement.rounding == "half-even"


def test_defaults():
    agreement, errors = agreement_of(
        """
2025-01-01 custom "factoring-agreement" "RTS Financial"
  advance-rate: 0.97
  fee: "flat 2%"
  recourse-days: 0
  bank: Assets:Bank:Checking
"""
    )
    assert errors == []
    assert agreement.reserve_rate == D("0.03")
    assert (agreement.fee_basis, agreement.fee_timing, agreement.model) == (
        "face",
        "purchase",
        "sale",
    )
    assert agreement.invoice_fee is None and agreement.transfer_fee is None
    assert agreement.clearing == "Assets:Factoring:RTSFinancial:Clearing"
    assert agreement.reserve == "Assets:Factoring:RTSFinancial:Reserve"
    assert agreement.fees == "Expenses:Factoring:RTSFinancial:Fees"
    assert agreement.advances == "Liabilities:Factoring:RTSFinancial:Advances"
    assert agreement.adjustments == "Income:Factoring:RTSFinancial:Adjustments"
    assert agreement.invoice_fee_account == agreement.fees
    assert agreement.transfer_fee_account == agreement.fees
    assert agreement.receivables == "Assets:Receivable"
    assert agreement.payee.search("RTS Financial ACH")


BASE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2.5%"
  recourse-days: 90
  bank: Assets:Bank:Checking
"""


@pytest.mark.parametrize(
    ("change", "line", "expected"),
    [
        (
            ("  recourse-days: 90\n", '  recourse-days: 90\n  colour: "red"\n'),
            7,
            "key 'colour' (column 3): unknown key",
        ),
        (("advance-rate: 0.95", "advance-rate: 1.2"), 4, "must be a number from 0 to 1"),
        (("advance-rate: 0.95", "advance-rate: -0.1"), 4, "must be a number from 0 to 1"),
        (
            ("advance-rate: 0.95", "advance-rate: 0.95\n  reserve-rate: 0.10"),
            5,
            "advance-rate 0.95 + reserve-rate 0.10 must equal 1",
        ),
        (('fee: "flat 2.5%"', 'fee: "flat 2.5"'), 5, "is not a percentage"),
        (('fee: "flat 2.5%"', 'fee: "weekly 1%"'), 5, "unknown fee form"),
        (("  bank: Assets:Bank:Checking\n", ""), 3, "the key 'bank' is required"),
        (("recourse-days: 90", "recourse-days: 90.5"), 6, "whole number of days"),
        # The deadlines count calendar days: an agreement's business days are more of them.
        (
            ("recourse-days: 90", 'recourse-days: 90\n  release-days: "10 business days"'),
            7,
            "must be a whole number of days, like 90: the deadlines count calendar days, "
            "weekends and holidays included (10 business days are 14 calendar days, or "
            "more across a holiday)",
        ),
        (
            ("recourse-days: 90", 'recourse-days: 90\n  model: "secured"'),
            7,
            'is not one of "sale" or "loan"',
        ),
        (
            ("recourse-days: 90", 'recourse-days: 90\n  fee-timing: "later"'),
            7,
            'is not one of "purchase" or "collection"',
        ),
        (
            ("recourse-days: 90", "recourse-days: 90\n  invoice-fee: 5"),
            7,
            "must be an amount with a currency",
        ),
        (
            ("recourse-days: 90", 'recourse-days: 90\n  payee: "(SUMMIT"'),
            7,
            "not a valid regular expression",
        ),
        (
            ("recourse-days: 90", 'recourse-days: 90\n  clearing: "not an account"'),
            7,
            "not a valid account name",
        ),
        (
            ("recourse-days: 90", 'recourse-days: 90\n  currency: "usd"'),
            7,
            'key \'currency\' (column 3): "usd" must be in capitals: "USD"',
        ),
        # An agreement in a currency not counted in cents could factor nothing: each sale
        # was FCT134 when it came, and the agreement itself looked right.
        (
            ("recourse-days: 90", 'recourse-days: 90\n  currency: "JPY"'),
            7,
            "key 'currency' (column 3): \"JPY\" has no fraction: the plugin works out",
        ),
        (
            ("recourse-days: 90", 'recourse-days: 90\n  currency: "KWD"'),
            7,
            "key 'currency' (column 3): \"KWD\" is counted in thousandths: the plugin",
        ),
        (
            ("recourse-days: 90", 'recourse-days: 90\n  currency: "US dollars"'),
            7,
            "must be a quoted currency",
        ),
        (
            # New terms pasted under the old: Beancount keeps the last, 30 days, in silence.
            ("recourse-days: 90", "recourse-days: 90\n  ; renegotiated\n  recourse-days: 30"),
            8,
            "key 'recourse-days' (column 3): written twice (first on line 6); Beancount "
            "keeps only this one, 30",
        ),
        # A fee of a fraction of a cent was booked as written (10.005 USD) and the deposit
        # that paid the factor's 10.01 or 10.00 missed it by less than a cent, in silence.
        (
            ("recourse-days: 90", "recourse-days: 90\n  minimum-fee: 10.005 USD"),
            7,
            "key 'minimum-fee' (column 3): 10.005 USD is not in whole cents",
        ),
        (
            ("recourse-days: 90", "recourse-days: 90\n  invoice-fee: 5.001 USD"),
            7,
            "key 'invoice-fee' (column 3): 5.001 USD is not in whole cents",
        ),
        (
            ("recourse-days: 90", 'recourse-days: 90\n  buyout-fee: "0.5% + 10.005 USD"'),
            7,
            "key 'buyout-fee' (column 3): 10.005 USD is not in whole cents",
        ),
        # Python's Decimal reads "2_5" as 25 and "1e1" as 10: a 25% fee from a slip.
        (('fee: "flat 2.5%"', 'fee: "flat 2_5%"'), 5, "is not a percentage"),
        (('fee: "flat 2.5%"', 'fee: "tiered 1e1%/30d"'), 5, "is not a percentage"),
        (('fee: "flat 2.5%"', 'fee: "flat 2,5%"'), 5, "is not a percentage"),
    ],
)
def test_bad_agreement_names_the_line_and_the_problem(tmp_path, change, line, expected):
    path = tmp_path / "ledger.beancount"
    text = 'plugin "beancount_factoring.plugin"\n' + BASE.replace(*change)
    path.write_text(text)
    _, errors, _ = loader.load_file(str(path))
    assert codes(errors) == ["FCT110"], [e.message for e in errors]
    assert expected in errors[0].message
    assert errors[0].source["filename"] == str(path)
    assert errors[0].source["lineno"] == line


def test_a_broken_agreement_silences_its_events():
    entries, errors = load(
        BASE.replace("0.95", "1.5")
        + """
2025-03-03 * "TQL" "Load"
  invoice: "INV-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT" "ACH" ^INV-1
  Assets:Bank:Checking     900.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    # The deposit stays as written. Its account is opened for the agreement (a
    # Beancount "unknown account" on every deposit said to open accounts; the
    # agreement is what to correct).
    assert codes(errors) == ["FCT110"]
    assert len(txn(entries, "ACH").postings) == 2


def test_a_later_agreement_takes_over_from_its_date():
    text = (
        BASE
        + """
2025-03-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-02-03 * "TQL" "Load A"
  invoice: "A"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load B"
  invoice: "B"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-02-04 * "SUMMIT" "ACH A" ^A
  Assets:Bank:Checking     925.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-04 * "SUMMIT" "ACH B" ^B
  Assets:Bank:Checking     870.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert ("Expenses:Factoring:Summit:Fees", D("25.00"), "A", "discount-fee") in legs(
        txn(entries, "ACH A")
    )
    assert ("Expenses:Factoring:Summit:Fees", D("30.00"), "B", "discount-fee") in legs(
        txn(entries, "ACH B")
    )
    book = read_book(entries)
    assert book.agreements.in_force("summit", datetime.date(2025, 2, 28))[1].advance_rate == D(
        "0.95"
    )
    assert book.agreements.in_force("Summit", datetime.date(2025, 3, 1))[1].advance_rate == D(
        "0.90"
    )


def test_the_plugin_opens_the_factor_accounts_it_posts_to():
    entries, errors = load(
        BASE
        + """
2025-03-03 * "TQL" "Load"
  invoice: "INV-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT" "ACH" ^INV-1
  Assets:Bank:Checking     925.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    assert errors == []
    opened = {e.account: e.date for e in entries if isinstance(e, data.Open)}
    assert opened["Assets:Factoring:Summit:Reserve"] == datetime.date(2025, 1, 1)
    assert opened["Expenses:Factoring:Summit:Fees"] == datetime.date(2025, 1, 1)


def test_an_empty_payee_pattern_is_refused():
    # Found by fuzzing: payee: "" matched every bank line, so no deposit could tell
    # its factor when two agreements were in force.
    text = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: ""
  bank: Assets:Bank:Checking
"""
    _, errors = load(text)
    assert [e.message.split(" ", 1)[0] for e in errors] == ["FCT110"]
    assert "key 'payee'" in errors[0].message and "must not be empty" in errors[0].message


def test_a_deposit_under_earlier_terms_names_them_in_its_error():
    # Invoice A scheduled on 02-04 under the terms of 2025-01-01 (95%, 2.5%: 925.00),
    # funded on 03-04 under the new terms of 2025-03-01 with 920.00: FCT120 names both
    # dates, the deposit's agreement and the terms A was bought under.
    text = (
        BASE
        + """
2025-03-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-02-03 * "TQL" "Load A"
  invoice: "A"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-02-04 * "Summit" "Schedule 1" ^A
  factoring: "schedule"

2025-03-04 * "SUMMIT" "ACH A" ^A
  Assets:Bank:Checking     920.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT120"]
    assert (
        "differs from agreement 'Summit' (2025-03-01; its invoices' own terms of 2025-01-01): "
        "expected 925.00 USD" in errors[0].message
    )


RENAMED = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-07-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  clearing: Assets:Factor:Summit:Clearing

2025-06-28 * "Summit" "UCC filing fee"
  factoring: "fee"
  charge: "other"
  amount: 50.00 USD

2025-07-02 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-07-03 * "SUMMIT FUNDING" "ACH" ^INV-2 ^fee-2025-06-28-other
  Assets:Bank:Checking         880.00 USD
  Assets:Factor:Summit:Clearing
"""


def test_a_fee_owed_before_the_clearing_was_renamed_is_netted_where_it_is_owed():
    # The 50.00 fee of 06-28 is owed on the old clearing account; INV-2's funding of
    # 07-03 (950.00 - 20.00 - 50.00 = 880.00) nets it there, not on the new one (each
    # account kept a balance of 50.00 that cancelled only in the reconciliation).
    entries, errors = load(RENAMED)
    assert errors == []
    assert ("Assets:Factoring:Summit:Clearing", D("50.00"), None, "other-fee") in legs(
        txn(entries, "ACH")
    )
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0
    assert balance(entries, "Assets:Factor:Summit:Clearing") == 0


@pytest.mark.parametrize(
    ("links", "account"),
    [
        ("", "Assets:Factoring:Summit:Reserve"),
        (" ^INV-1", "Assets:Factoring:Summit:Clearing"),
        ("", "Assets:Factor:Summit:Clearing"),
    ],
    ids=["old-reserve", "old-clearing-linked", "new-clearing"],
)
def test_a_release_after_the_accounts_were_renamed_may_use_the_old_ones(links, account):
    # INV-1 (1,000.00) funded 06-28 under the old terms (95%: reserve 50.00 on the old
    # reserve account), collected 07-20; terms of 07-01 rename clearing and reserve. The
    # release of 50.00 booked to the old accounts is the release (it was FCT103 or
    # FCT120 "received 0.00", and the reserve shown held).
    renamed = RENAMED.split("2025-06-28 *")[0].replace(
        "  clearing: Assets:Factor:Summit:Clearing\n",
        "  clearing: Assets:Factor:Summit:Clearing\n  reserve: Assets:Factor:Summit:Reserve\n",
    )
    text = (
        renamed
        + f"""
2025-06-27 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-06-28 * "SUMMIT FUNDING" "Funding" ^INV-1
  Assets:Bank:Checking         930.00 USD
  Assets:Factoring:Summit:Clearing

2025-07-20 * "TQL" "Paid Summit" ^INV-1
  factoring: "collected"

2025-07-25 * "SUMMIT FUNDING" "Rebate"{links}
  Assets:Bank:Checking          50.00 USD
  {account}

2025-08-10 open Expenses:Later
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == 0
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0
    assert balance(entries, "Assets:Factor:Summit:Clearing") == 0


CONVERTED_RENAMED = """
2025-01-01 open Assets:Bank:USD
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "COPPERLINE"
  bank: Assets:Bank:USD

2025-07-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "COPPERLINE"
  bank: Assets:Bank:USD
  clearing: Assets:Factor:Copper:Clearing
  reserve: Assets:Factor:Copper:Reserve

2025-06-03 * "Maple" "CA load"
  invoice: "CA-1"
  Assets:Receivable:Maple   1000.00 CAD
  Income:Freight

2025-06-05 * "COPPERLINE" "Advance CA-1" ^CA-1
  Assets:Bank:USD   616.00 USD
  Assets:Factoring:Copperline:CAD:Clearing   -880.00 CAD @ 0.70 USD

2025-07-10 * "Maple" "paid" ^CA-1
  factoring: "collected"

2025-07-15 * "COPPERLINE" "Rebate CA-1 converted" ^CA-1
  Assets:Bank:USD   70.00 USD
  Assets:Factoring:Copperline:CAD:Clearing   -100.00 CAD @ 0.70 USD
"""


def test_a_converted_deposit_on_the_old_clearing_account_is_balanced_there():
    # CA-1 (1,000.00 CAD) funded 06-05 at 90% - 2%: 880.00 CAD, converted at 0.70 USD;
    # terms of 07-01 rename clearing and reserve. The rebate of 100.00 CAD (70.00 USD),
    # converted on the old clearing leg, is balanced on that account: its conversion leg
    # went to the new one (-100.00 CAD on the old, +100.00 on the new, in silence).
    entries, errors = load(CONVERTED_RENAMED)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Clearing") == 0
    assert balance(entries, "Assets:Factor:Copper:Clearing") == 0


def test_a_currency_line_that_starts_later_leaves_earlier_events_to_the_general_one():
    # An agreement for every currency from 01-01, one for CAD from 07-01: a CAD invoice
    # funded in June is under the general terms (95%, 2%: 950.00 - 20.00 = 930.00), not
    # FCT111 (no CAD agreement in force yet).
    text = """
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Copperline"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "COPPERLINE"
  bank: Assets:Bank:Checking

2025-07-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "COPPERLINE"
  bank: Assets:Bank:Checking

2025-06-03 * "Maple" "CA load"
  invoice: "CA-1"
  Assets:Receivable:Maple   1000.00 CAD
  Income:Freight

2025-06-05 * "COPPERLINE" "Advance CA-1" ^CA-1
  Assets:Bank:Checking   930.00 CAD
  Assets:Factoring:Copperline:Clearing
"""
    entries, errors = load(text)
    assert errors == []
    assert ("Expenses:Factoring:Copperline:Fees", D("20.00"), "CA-1", "discount-fee") in legs(
        txn(entries, "Advance CA-1")
    )


LATER_CAD_LINE = """
2025-01-01 open Assets:Bank:CAD
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Copperline"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "COPPERLINE"
  bank: Assets:Bank:CAD

2025-07-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "COPPERLINE"
  bank: Assets:Bank:CAD

2025-06-03 * "Maple" "CA load 1"
  invoice: "CA-1"
  Assets:Receivable:Maple   1000.00 CAD
  Income:Freight

2025-06-05 * "COPPERLINE" "Advance CA-1" ^CA-1
  Assets:Bank:CAD   930.00 CAD
  Assets:Factoring:Copperline:Clearing

2025-08-01 * "Maple" "paid 1" ^CA-1
  factoring: "collected"

2025-08-10 * "COPPERLINE" "Rebate CA-1" ^CA-1
  Assets:Bank:CAD   50.00 CAD
  Assets:Factoring:Copperline:Clearing
"""


def test_a_release_under_the_general_terms_may_use_their_accounts_after_a_currency_line():
    # CA-1 funded in June under the terms for every currency (95%, 2%: 950.00 - 20.00 =
    # 930.00, reserve 50.00 on Copperline:Reserve); a CAD line starts 07-01. Its release
    # of 50.00 booked to the general clearing account is its release (it was FCT120
    # "received 0.00", -50.00 left on one clearing account and +50.00 on the other).
    entries, errors = load(LATER_CAD_LINE)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Copperline:Clearing") == 0
    assert balance(entries, "Assets:Factoring:Copperline:Reserve") == 0
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Clearing") == 0


def test_a_deposit_on_the_general_line_when_the_currency_had_its_own_from_the_start():
    # The CAD line starts with the general one: no CAD invoice was ever bought under the
    # general terms, so a CAD funding booked to the general clearing account is a slip
    # (FCT120: 90% - 3% = 870.00, received nothing on its own accounts), not a deposit
    # moved to the CAD accounts in silence.
    text = LATER_CAD_LINE.replace(
        '2025-07-01 custom "factoring-agreement" "Copperline"\n  currency',
        '2025-01-01 custom "factoring-agreement" "Copperline"\n  currency',
    )
    text = text.split("2025-08-01 *")[0].replace("930.00 CAD", "870.00 CAD")
    _, errors = load(text)
    assert codes(errors) == ["FCT120"]


def test_an_event_naming_two_factors_whose_names_overlap_asks_which():
    # "Summit Capital" "Summit schedule 10452": both names stand as words (Summit's on its
    # own after Summit Capital's), so the event's factor is asked for (FCT111), whichever
    # comes first; "Summit Capital" "Schedule 10452" is Summit Capital's.
    agreements = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Summit Capital"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight
"""
    for payee, narration in (
        ("Summit Capital", "Summit schedule 10452"),
        ("Summit", "Summit Capital schedule 10452"),
    ):
        schedule = f'\n2025-03-04 * "{payee}" "{narration}" ^INV-1\n  factoring: "schedule"\n'
        _, errors = load(agreements + schedule)
        assert codes(errors) == ["FCT111"], (payee, narration)
    schedule = '\n2025-03-04 * "Summit Capital" "Schedule 10452" ^INV-1\n  factoring: "schedule"\n'
    entries, errors = load(agreements + schedule)
    assert errors == []
    assert balance(entries, "Assets:Factoring:SummitCapital:Clearing") == D("1000.00")


def test_a_payee_pattern_that_matches_an_empty_text_is_refused():
    # "SUMMIT|" matched every bank line (PILOT TRAVEL REFUND went to Summit's clearing).
    text = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT|"
  bank: Assets:Bank:Checking
"""
    _, errors = load(text)
    assert codes(errors) == ["FCT110"]
    assert "matches an empty text, so every bank line" in errors[0].message
