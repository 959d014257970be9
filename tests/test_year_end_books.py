"""Books a bookkeeper shapes at year end, or shapes unusually: a factor's accounts closed
when it is replaced, the ledger's root accounts renamed.

Every expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

from beancount import loader

from ledgers import balance, codes

# Lakeshore (95%, tiered 2%/30d + 0.5%/10d) until June, Pinecrest from July. INV-1
# (2,000.00) funded 06-03 straight off the receivable: 1,900.00 - 40.00 = 1,860.00, the
# clearing account used only in the text the plugin splits. TQL pays Lakeshore 07-20, 47
# days: 2% + 0.5% x 2 (days 31-40, 41-47) = 3%, 60.00, of which 40.00 was taken: the
# rebate is 100.00 - 20.00 = 80.00. Lakeshore's adjustments account is never used.
REPLACED = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "tiered 2%/30d + 0.5%/10d"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-07-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "flat 3%"
  recourse-days: 0
  bank: Assets:Bank:Checking

2025-06-02 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-06-03 * "LAKESHORE" "ACH" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-20 * "TQL" "paid Lakeshore" ^INV-1
  factoring: "collected"

2025-08-05 * "LAKESHORE" "Rebate" ^INV-1
  Assets:Bank:Checking           80.00 USD
  Assets:Factoring:Lakeshore:Reserve

2025-08-31 close Assets:Factoring:Lakeshore:Clearing
2025-08-31 close Assets:Factoring:Lakeshore:Reserve
2025-08-31 close Expenses:Factoring:Lakeshore:Fees
2025-08-31 close Income:Factoring:Lakeshore:Adjustments
"""


def test_closing_the_accounts_of_a_factor_replaced_is_no_error():
    # The plugin opens the factor's accounts itself, and left unopened the clearing
    # account no split uses and the adjustments account nothing used: closing them was
    # Beancount's "Unopened account ... is being closed", twice, on good books.
    entries, errors, _ = loader.load_string(REPLACED)
    assert [e.message for e in errors] == []
    assert balance(entries, "Assets:Factoring:Lakeshore:Reserve") == 0
    assert balance(entries, "Expenses:Factoring:Lakeshore:Fees") == 60
    opened = {e.account for e in entries if type(e).__name__ == "Open"}
    assert {
        "Assets:Factoring:Lakeshore:Clearing",
        "Income:Factoring:Lakeshore:Adjustments",
    } <= opened


def test_an_account_closed_before_the_plugin_posts_to_it_is_still_reported():
    # Fees closed 07-31, before the rebate's late fee (08-05) goes to them: Beancount's
    # own error on the rebate says so; closing the account does not hide it.
    text = REPLACED.replace(
        "2025-08-31 close Expenses:Factoring:Lakeshore:Fees",
        "2025-07-31 close Expenses:Factoring:Lakeshore:Fees",
    )
    _, errors, _ = loader.load_string(text)
    assert [e.message for e in errors] == [
        "Invalid reference to inactive account 'Expenses:Factoring:Lakeshore:Fees'"
    ]


GERMAN_ROOTS = """
option "name_assets" "Aktiva"
option "name_liabilities" "Passiva"
option "name_equity" "Eigenkapital"
option "name_income" "Ertrag"
option "name_expenses" "Aufwand"
plugin "beancount_factoring.plugin"

2025-01-01 open Aktiva:Bank:Girokonto
2025-01-01 open Aktiva:Receivable:TQL
2025-01-01 open Ertrag:Fracht

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT"
  bank: Aktiva:Bank:Girokonto

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Aktiva:Receivable:TQL        2000.00 EUR
  Ertrag:Fracht

2025-03-04 * "SUMMIT" "ACH" ^INV-1
  Aktiva:Bank:Girokonto        1860.00 EUR
  Aktiva:Factoring:Summit:Clearing
"""


def test_renamed_roots_still_tell_a_credit_note_marked_as_a_payment():
    # A credit note of 300.00 on INV-1, which Summit bought, marked as a payment that
    # reached us, with only its revenue posting (Ertrag, the ledger's income root). In a
    # ledger of Beancount's root names it is FCT134 (no cash came); with the roots renamed
    # the revenue taken back was read as 300.00 of cash owed to Summit, in silence.
    marked = """
2025-03-12 * "TQL" "Credit note CM-1 on INV-1: rate dispute" ^INV-1
  factoring: "misdirected-payment"
  Ertrag:Fracht                300.00 EUR
"""
    entries, errors, _ = loader.load_string(GERMAN_ROOTS + marked)
    assert codes(errors)[0] == "FCT134"
    assert "a credit note, not a payment" in errors[0].message
    assert balance(entries, "Passiva:Factoring:Summit:DueToFactor") == 0


def test_renamed_roots_still_tell_a_credit_note_on_the_receivable():
    # The same credit note written against the receivable: FCT136 names it a credit note
    # (as with Beancount's root names), not a payment to mark as misdirected.
    note = """
2025-03-12 * "TQL" "Credit note CM-1 on INV-1: rate dispute" ^INV-1
  Aktiva:Receivable:TQL        -300.00 EUR
  Ertrag:Fracht
"""
    _, errors, _ = loader.load_string(GERMAN_ROOTS + note)
    assert codes(errors) == ["FCT136"]
    assert "a credit note" in errors[0].message
    assert "misdirected-payment" not in errors[0].message


SUMMIT = """
plugin "beancount_factoring.plugin"

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
"""


def test_a_link_of_your_own_on_a_deposit_is_told_how_to_keep_it():
    # ^stmt-2025-03, the bank statement's link, on the deposit that funds INV-1: every
    # link of a deposit names what it settles, so the deposit is refused (FCT132); the
    # message says how to keep the link: as metadata.
    deposit = """
2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-1 ^stmt-2025-03
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""
    _, errors, _ = loader.load_string(SUMMIT + deposit)
    assert codes(errors) == ["FCT132"]
    assert "Unknown invoice or schedule stmt-2025-03" in errors[0].message
    assert 'write it as metadata (ref: "stmt-2025-03")' in errors[0].message


def test_a_deposit_of_a_schedule_refused_waits_for_the_schedule():
    # The schedule carries a link of the user's (^batch-0304): refused, FCT132. Its
    # deposit then named a schedule "no schedule event ... has", beside the very event
    # that has it; then it said the schedule's event was not booked, and where. Now it
    # waits for the schedule without a word: correcting the schedule books both.
    text = """
2025-03-04 * "Summit" "Schedule S1" ^INV-1 ^batch-0304
  factoring: "schedule"
  schedule: "S1"

2025-03-05 * "SUMMIT FUNDING" "ACH S1"
  schedule: "S1"
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""
    _, errors, _ = loader.load_string(SUMMIT + text)
    assert codes(errors) == ["FCT132"]
    assert "Unknown invoice batch-0304" in errors[0].message
    assert 'write it as metadata (ref: "batch-0304")' in errors[0].message


def test_a_deposit_waiting_for_a_schedule_dated_after_it_says_so():
    # The schedule typed late, dated 03-07, after the deposit of 03-05 that pays for it
    # (2,000.00 x 0.93 = 1,860.00): a deposit is matched only to what is open on its day,
    # so it waits; past grace-days (5) it is FCT103, which names the schedule and the fix.
    text = """
2025-03-05 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-07 * "Summit" "Schedule S1, typed late" ^INV-1
  factoring: "schedule"
  schedule: "S1"

2025-03-31 balance Assets:Bank:Checking 1860.00 USD
"""
    _, errors, _ = loader.load_string(SUMMIT + text)
    assert codes(errors) == ["FCT103"]
    assert (
        "The schedule S1 of 2025-03-07 (<string>:24) is dated after this deposit and is not "
        "funded: if this deposit pays for it, date the schedule on or before 2025-03-05"
    ) in errors[0].message


def test_a_payment_of_an_invoice_on_a_receivable_closed_says_where_the_invoice_is():
    # TQL renamed TQL Logistics on 07-01: the old account closed, its balance moved by
    # an entry that names no invoice. TQL's payment of INV-1 to the new account pays
    # nothing of it (the invoice stays on the account it was billed to): FCT134 said to
    # credit the old account, closed; it says so and how to keep the books.
    text = """
2025-07-01 open Assets:Receivable:TQLLogistics
2025-07-01 * "TQL renamed TQL Logistics: move the balance"
  Assets:Receivable:TQL            -2000.00 USD
  Assets:Receivable:TQLLogistics    2000.00 USD

2025-07-01 close Assets:Receivable:TQL

2025-07-20 * "TQL" "paid us" ^INV-1
  Assets:Bank:Checking         2000.00 USD
  Assets:Receivable:TQLLogistics
"""
    _, errors, _ = loader.load_string(SUMMIT + text)
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "Assets:Receivable:TQL is closed on 2025-07-01 (<string>:25)" in message
    assert "Keep Assets:Receivable:TQL open until the invoices on it are settled" in message


def test_the_close_of_a_year_is_not_the_start_of_the_books():
    # The books start on 2025-01-01 with no opening balance; the year's close moves the
    # fees into Equity:Earnings:Previous on 12-31. An unknown invoice named in 2026 was
    # told it may be "from before the books' start (the opening balances of 2025-12-31)".
    text = """
2025-01-01 open Equity:Earnings:Previous
2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-12-31 * "Close the year 2025"
  Income:Freight                     2000.00 USD
  Expenses:Factoring:Summit:Fees      -40.00 USD
  Equity:Earnings:Previous

2026-02-10 * "SUMMIT FUNDING" "Rebate" ^INV-77
  Assets:Bank:Checking           10.00 USD
  Assets:Factoring:Summit:Reserve
"""
    _, errors, _ = loader.load_string(SUMMIT + text)
    assert codes(errors)[0] == "FCT132"
    assert "books' start" not in errors[0].message
