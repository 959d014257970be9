"""The ways bookkeepers write a ledger, as the plugin reads them: factors' names with
accents, invoices written two to a transaction, events that name their invoice with
``invoice:``, other plugins before this one, options that rename the root accounts."""

from __future__ import annotations

import textwrap
from decimal import Decimal

from beancount import loader

from ledgers import balance, codes, load

D = Decimal

# INV-1 (1000.00) and INV-2 (2000.00), bought by one deposit at 95% less 2%:
# 3000.00 x 0.93 = 2790.00; the reserve 3000.00 x 0.05 = 150.00, the fees 60.00.
TWO_INVOICES = """
2025-01-01 custom "factoring-agreement" "{name}"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT" "ACH deposit" ^INV-1 ^INV-2
  Assets:Bank:Checking         2790.00 USD
  {clearing}
"""


def test_a_factor_named_with_accents_has_the_default_accounts_without_them():
    # "Crédit Agricole Factoring": the accents dropped, as in a customer's leaf, not the
    # letters they sit on (the default was ...:CrDitAgricoleFactoring:..., so the
    # bookkeeper's ...:CreditAgricoleFactoring:Clearing was no factor's account).
    text = TWO_INVOICES.format(
        name="Crédit Agricole Factoring",
        clearing="Assets:Factoring:CreditAgricoleFactoring:Clearing",
    )
    entries, errors = load(text)
    assert codes(errors) == []
    assert balance(entries, "Assets:Factoring:CreditAgricoleFactoring:Reserve") == D("150.00")
    assert balance(entries, "Expenses:Factoring:CreditAgricoleFactoring:Fees") == D("60.00")
    assert balance(entries, "Assets:Receivable:TQL") == D("0.00")


def _summit(body: str) -> str:
    return TWO_INVOICES.format(name="Summit", clearing="Assets:Factoring:Summit:Clearing") + body


def test_an_invoice_whose_posting_names_another_invoice_is_an_error_at_its_line():
    # Two loads written as one transaction, the second leg naming its own invoice: the
    # plugin read one invoice INV-1 of 1000.00 + 2000.00 = 3000.00, and the deposit that
    # links INV-1 alone (2790.00 = 3000.00 x 0.93) funded it without a word.
    text = """
    2025-01-01 custom "factoring-agreement" "Summit"
      advance-rate: 0.95
      fee: "flat 2%"
      recourse-days: 90
      payee: "SUMMIT"
      bank: Assets:Bank:Checking

    2025-03-03 * "TQL" "Loads 1 and 2"
      invoice: "INV-1"
      Assets:Receivable:TQL        1000.00 USD
      Assets:Receivable:TQL        2000.00 USD
        invoice: "INV-2"
      Income:Freight

    2025-03-04 * "SUMMIT" "ACH deposit" ^INV-1
      Assets:Bank:Checking         2790.00 USD
      Assets:Factoring:Summit:Clearing
    """
    _, errors = load(text)
    first = errors[0]
    assert codes(errors)[0] == "FCT134"
    assert first.source["lineno"] == 16  # the invoice's line (plugin, blank, 5 opens, blank)
    assert "INV-2" in first.message and "transaction of its own" in first.message


def test_a_posting_that_names_the_transactions_own_invoice_is_fine():
    text = """
    2025-01-01 custom "factoring-agreement" "Summit"
      advance-rate: 0.95
      fee: "flat 2%"
      recourse-days: 90
      payee: "SUMMIT"
      bank: Assets:Bank:Checking

    2025-03-03 * "TQL" "Load 1 with its fuel surcharge"
      invoice: "INV-1"
      Assets:Receivable:TQL        2500.00 USD
        invoice: "INV-1"
      Assets:Receivable:TQL         500.00 USD
      Income:Freight

    2025-03-04 * "SUMMIT" "ACH deposit" ^INV-1
      Assets:Bank:Checking         2790.00 USD
      Assets:Factoring:Summit:Clearing
    """
    entries, errors = load(text)
    assert codes(errors) == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("150.00")


def test_an_invoice_number_written_on_a_posting_only_is_reported_where_it_is_written():
    # The invoice's number on its receivable posting, not on the transaction: no invoice
    # for the plugin. The invoice's own line says how to fix it; the deposit that links
    # it, its FCT132 following from that, waits for it without an error of its own.
    text = """
    2025-01-01 custom "factoring-agreement" "Summit"
      advance-rate: 0.95
      fee: "flat 2%"
      recourse-days: 90
      payee: "SUMMIT"
      bank: Assets:Bank:Checking

    2025-03-03 * "TQL" "Load 1"
      Assets:Receivable:TQL        1000.00 USD
        invoice: "INV-1"
      Income:Freight

    2025-03-04 * "SUMMIT" "ACH deposit" ^INV-1
      Assets:Bank:Checking          930.00 USD
      Assets:Factoring:Summit:Clearing
    """
    _, errors = load(text)
    at_invoice = [e for e in errors if e.source["lineno"] == 16]
    assert codes(at_invoice) == ["FCT134"]
    assert 'invoice: "INV-1"' in at_invoice[0].message
    assert "transaction" in at_invoice[0].message
    assert codes(errors) == ["FCT134"]


def test_an_event_that_names_its_invoice_with_the_invoice_key_is_told_to_link_it():
    # invoice: makes a transaction an invoice; on a collected event the plugin said the
    # invoice was defined twice and to give each invoice its own number: the fix is a link.
    _, errors = load(
        _summit(
            """
2025-03-20 * "TQL" "TQL paid Summit"
  factoring: "collected"
  invoice: "INV-2"
"""
        )
    )
    assert codes(errors)[0] == "FCT134"
    assert "^INV-2" in errors[0].message and "own number" not in errors[0].message


def _ledger(header: str, body: str) -> str:
    return textwrap.dedent(header) + textwrap.dedent(body)


def test_auto_accounts_before_the_plugin_opens_the_reserve_on_the_plugins_first_use():
    # beancount.plugins.auto_accounts (or .auto) listed first opens the reserve on the day
    # the ledger first names it, the rebate of 03-25; the plugin books the reserve of the
    # 03-04 deposit to it, and Beancount said "inactive account" on a good ledger.
    # The reserve: 150.00 held (3000.00 x 5%), 100.00 of INV-2's released: 50.00.
    for auto in ("beancount.plugins.auto_accounts", "beancount.plugins.auto"):
        header = f"""
        plugin "{auto}"
        plugin "beancount_factoring.plugin"
        """
        body = _summit(
            """
2025-03-20 * "TQL" "TQL paid Summit" ^INV-2
  factoring: "collected"

2025-03-25 * "SUMMIT" "Rebate" ^INV-2
  Assets:Bank:Checking         100.00 USD
  Assets:Factoring:Summit:Reserve

2025-03-31 balance Assets:Factoring:Summit:Reserve  50.00 USD
"""
        )
        entries, errors, _ = loader.load_string(_ledger(header, body))
        assert [e.message for e in errors] == []
        assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("50.00")


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
  Aktiva:Receivable:TQL        1000.00 USD
  Ertrag:Fracht

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Aktiva:Receivable:TQL        2000.00 USD
  Ertrag:Fracht
"""


def test_renamed_root_accounts_give_the_factors_default_accounts_under_them():
    # option "name_assets" "Aktiva": the default clearing account was
    # Assets:Factoring:Summit:Clearing, which such a ledger cannot hold; the deposit the
    # bookkeeper booked to Aktiva:Factoring:Summit:Clearing was no deposit, and with the
    # receivable Aktiva:Receivable no invoice was one. 3000.00 x 0.93 = 2790.00 received,
    # reserve 150.00, fees 60.00, the receivable cleared.
    text = (
        GERMAN_ROOTS
        + """
2025-03-04 * "SUMMIT" "ACH deposit" ^INV-1 ^INV-2
  Aktiva:Bank:Girokonto        2790.00 USD
  Aktiva:Factoring:Summit:Clearing
"""
    )
    entries, errors, _ = loader.load_string(text)
    assert [e.message for e in errors] == []
    assert balance(entries, "Aktiva:Factoring:Summit:Reserve") == D("150.00")
    assert balance(entries, "Aufwand:Factoring:Summit:Fees") == D("60.00")
    assert balance(entries, "Aktiva:Receivable:TQL") == D("0.00")
    assert balance(entries, "Aktiva:Factoring:Summit:Clearing") == D("0.00")


def test_renamed_root_accounts_still_catch_a_deposit_booked_to_income():
    # The factor's deposit booked to revenue (Ertrag, the ledger's income root): FCT150,
    # as a deposit booked to Income is in a ledger of Beancount's root names.
    text = (
        GERMAN_ROOTS
        + """
2025-03-04 * "SUMMIT" "ACH deposit"
  Aktiva:Bank:Girokonto        2790.00 USD
  Ertrag:Fracht
"""
    )
    _, errors, _ = loader.load_string(text)
    assert "FCT150" in codes(errors)


def test_an_invoice_number_under_another_key_or_as_a_link_is_reported_at_the_invoice():
    # invoice_number:, inv:, or the link alone: no invoice for the plugin, and the
    # deposit's FCT132 did not say which line to fix.
    for written in ('invoice_number: "INV-1"', 'inv: "INV-1"', "invoice-no: 1"):
        number = written.split(": ")[1].strip('"')
        text = f"""
        2025-01-01 custom "factoring-agreement" "Summit"
          advance-rate: 0.95
          fee: "flat 2%"
          recourse-days: 90
          payee: "SUMMIT"
          bank: Assets:Bank:Checking

        2025-03-03 * "TQL" "Load 1"
          {written}
          Assets:Receivable:TQL        1000.00 USD
          Income:Freight

        2025-03-04 * "SUMMIT" "ACH deposit" ^{number}
          Assets:Bank:Checking          930.00 USD
          Assets:Factoring:Summit:Clearing
        """
        _, errors = load(text)
        at_invoice = [e for e in errors if e.source["lineno"] == 16]
        assert codes(at_invoice) == ["FCT134"], written
        assert f'invoice: "{number}"' in at_invoice[0].message
    linked = """
    2025-01-01 custom "factoring-agreement" "Summit"
      advance-rate: 0.95
      fee: "flat 2%"
      recourse-days: 90
      payee: "SUMMIT"
      bank: Assets:Bank:Checking

    2025-03-03 * "TQL" "Load 1" ^INV-1
      Assets:Receivable:TQL        1000.00 USD
      Income:Freight

    2025-03-04 * "SUMMIT" "ACH deposit" ^INV-1
      Assets:Bank:Checking          930.00 USD
      Assets:Factoring:Summit:Clearing
    """
    _, errors = load(linked)
    assert "as a link" in next(e.message for e in errors if e.source["lineno"] == 16)


def test_a_payment_of_an_unknown_number_is_not_told_it_is_an_invoice():
    # A customer's payment (a credit) that links a number no invoice has is no invoice
    # written another way: only the FCT132 of the event that links it.
    text = """
    2025-01-01 custom "factoring-agreement" "Summit"
      advance-rate: 0.95
      fee: "flat 2%"
      recourse-days: 90
      payee: "SUMMIT"
      bank: Assets:Bank:Checking

    2025-03-03 * "TQL" "Paid" ^INV-9
      ref: "INV-9"
      Assets:Bank:Checking          930.00 USD
      Assets:Receivable:TQL

    2025-03-04 * "SUMMIT" "ACH deposit" ^INV-9
      Assets:Bank:Checking          930.00 USD
      Assets:Factoring:Summit:Clearing
    """
    _, errors = load(text)
    assert codes(errors) == ["FCT132"]


def test_a_factors_name_whose_first_word_cannot_start_an_account_still_gives_one():
    # Keeping letters of every script must not lose what A-Z gave before: a CJK word
    # (which no account component may start with) before the Latin ones.
    from beancount_factoring.terms.agreement import account_component

    assert account_component("東京 Factoring") == "Factoring"
    assert account_component("Ωmega Finans") == "ΩmegaFinans"
    assert account_component("Société Générale") == "SocieteGenerale"


def test_opening_balances_on_the_account_the_options_name_are_no_deposit():
    # The trial balance carried in against the ledger's own opening-balances account
    # (option "account_previous_balances"), whose name has none of the English words:
    # the reserve of 300.00 was read as a deposit that matched nothing, FCT103 after the
    # grace days, on a good ledger.
    text = """
option "name_equity" "Eigenkapital"
option "account_previous_balances" "Eroeffnungsbilanz"
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Eigenkapital:Eroeffnungsbilanz

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-01 * "Opening balances" "Trial balance at 2024-12-31"
  Assets:Bank:Checking                 50000.00 USD
  Assets:Factoring:Summit:Reserve        300.00 USD
  Eigenkapital:Eroeffnungsbilanz

2025-03-31 balance Assets:Bank:Checking  50000.00 USD
"""
    entries, errors, _ = loader.load_string(text)
    assert [e.message for e in errors] == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("300.00")


# Summit (95%, flat 2%) and Harbor (90%, flat 3%), both paying into one checking
# account, and two invoices of TQL: INV-1 1000.00 and INV-2 2000.00.
TWO_FACTORS = """
    2025-01-01 custom "factoring-agreement" "Summit"
      advance-rate: 0.95
      fee: "flat 2%"
      recourse-days: 90
      payee: "SUMMIT"
      bank: Assets:Bank:Checking

    2025-01-01 custom "factoring-agreement" "Harbor"
      advance-rate: 0.90
      fee: "flat 3%"
      recourse-days: 90
      payee: "HARBOR"
      bank: Assets:Bank:Checking

    2025-03-03 * "TQL" "Load 1"
      invoice: "INV-1"
      Assets:Receivable:TQL        1000.00 USD
      Income:Freight

    2025-03-03 * "TQL" "Load 2"
      invoice: "INV-2"
      Assets:Receivable:TQL        2000.00 USD
      Income:Freight
"""


def test_a_deposit_split_by_hand_between_two_factors_is_reported():
    # One bank line of 2670.00 split between Summit (INV-1: 1000.00 x 0.93 = 930.00) and
    # Harbor (the rest, 1740.00): booked as Summit's alone, the FCT120 said only that
    # Summit's deposit was 1,860.00 short; the cause is the second factor's posting.
    text = (
        TWO_FACTORS
        + """
    2025-03-04 * "SUMMIT" "ACH deposit" ^INV-1 ^INV-2
      Assets:Bank:Checking         2670.00 USD
      Assets:Factoring:Summit:Clearing  -930.00 USD
      Assets:Factoring:Harbor:Clearing
    """
    )
    _, errors = load(text)
    two = [e for e in errors if e.message.startswith("FCT152")]
    assert len(two) == 1 and "'Harbor', 'Summit'" in two[0].message
    assert two[0].source["lineno"] == 33


def test_nounused_after_the_plugin_finds_no_account_the_plugin_opened_for_nothing():
    # The deposit links its invoices, so the plugin writes their faces straight off the
    # receivable: the clearing account the bank line named is left with no posting. The
    # plugin opened it all the same, and beancount.plugins.nounused (or pedantic) said
    # "Unused account" on the agreement of a good ledger.
    header = """
    plugin "beancount_factoring.plugin"
    plugin "beancount.plugins.nounused"
    """
    body = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
""" + _summit("")
    entries, errors, _ = loader.load_string(_ledger(header, body))
    assert [e.message for e in errors] == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("150.00")
    assert not any(
        getattr(e, "account", None) == "Assets:Factoring:Summit:Clearing" for e in entries
    )


def test_a_clearing_account_with_a_balance_assertion_is_still_opened():
    header = """
    plugin "beancount_factoring.plugin"
    plugin "beancount.plugins.nounused"
    """
    body = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
""" + _summit("\n2025-03-31 balance Assets:Factoring:Summit:Clearing  0.00 USD\n")
    _, errors, _ = loader.load_string(_ledger(header, body))
    assert [e.message for e in errors] == []


def test_a_pushmeta_factor_over_another_factors_deposit_is_reported_as_such():
    # pushmeta factor: "Summit" above a block that also holds Harbor's deposit: booked as
    # Summit's (factor: wins), the FCT152 said its payee was Harbor's and that it was
    # booked to Summit's accounts, when it is booked to Harbor's: the factor: is the cause.
    text = (
        TWO_FACTORS
        + """
    pushmeta factor: "Summit"
    2025-03-04 * "SUMMIT" "ACH deposit" ^INV-1
      Assets:Bank:Checking          930.00 USD
      Assets:Factoring:Summit:Clearing

    2025-03-04 * "HARBOR" "ACH deposit" ^INV-2
      Assets:Bank:Checking         1740.00 USD
      Assets:Factoring:Harbor:Clearing
    popmeta factor:
    """
    )
    _, errors = load(text)
    owner = [e for e in errors if e.message.startswith("FCT152")]
    assert len(owner) == 1 and owner[0].source["lineno"] == 38  # Harbor's deposit
    assert 'factor: "Summit"' in owner[0].message and "'Harbor'" in owner[0].message


def test_the_factors_figures_on_a_posting_of_an_invoice_the_schedule_does_not_sell():
    # INV-1002's figures typed under invoice: "INV-1O02" (a letter O): read for no
    # invoice, INV-1002 was booked with the agreement's fee (40.00, not the factor's
    # 45.00) and only the deposit's 5.00 difference (FCT120) showed, on another line.
    text = """
    2025-01-01 custom "factoring-agreement" "Summit"
      advance-rate: 0.95
      fee: "flat 2%"
      recourse-days: 90
      payee: "SUMMIT"
      bank: Assets:Bank:Checking

    2025-03-03 * "TQL" "Load 1"
      invoice: "INV-1001"
      Assets:Receivable:TQL        1000.00 USD
      Income:Freight

    2025-03-03 * "TQL" "Load 2"
      invoice: "INV-1002"
      Assets:Receivable:TQL        2000.00 USD
      Income:Freight

    2025-03-04 * "Summit" "Schedule 10452" ^INV-1001 ^INV-1002
      factoring: "schedule"
      schedule: "10452"
      Assets:Factoring:Summit:Clearing   3000.00 USD
      Assets:Receivable:TQL             -1000.00 USD
        invoice: "INV-1001"
      Assets:Receivable:TQL             -2000.00 USD
        invoice: "INV-1O02"
        advance: 1900.00 USD
        fee: 45.00 USD
        reserve: 100.00 USD
    """
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    # At the line of the posting that names INV-1O02 (the schedule's is line 26).
    assert errors[0].source["lineno"] == 32 and "INV-1O02" in errors[0].message


def test_an_invoice_linked_in_another_case_is_reported_at_the_invoice():
    # invoice: "inv-1" linked as ^INV-1: the deposit's FCT132 said the invoice was
    # unknown while it stands in the ledger; its line now says why.
    text = _summit("").replace('invoice: "INV-1"', 'invoice: "inv-1"')
    _, errors = load(text)
    at_invoice = [e for e in errors if e.source["lineno"] == 16]
    assert codes(at_invoice) == ["FCT134"] and "^INV-1" in at_invoice[0].message


OPENS = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
"""


def _tolerant(option: str, deposit: str, body: str = "") -> str:
    # INV-1 1000.00 and INV-2 2000.55 bought at 95% less 2%: 3000.55 x 0.93 = 2790.51 (the
    # advances 2850.52, the fees 60.01); the reserve 3000.55 - 2850.52 = 150.03.
    header = f'{option}\nplugin "beancount_factoring.plugin"\n' + OPENS
    text = _summit(body).replace("2000.00 USD", "2000.55 USD").replace("2790.00 USD", deposit)
    return header + textwrap.dedent(text)


def test_a_clearing_leg_beancount_rounded_to_a_wide_tolerance_is_the_bank_amount():
    # A tolerance of 0.05 (or a multiplier of 10) makes Beancount round an amount it fills
    # in to 0.1: the clearing leg of the 2790.51 deposit became -2790.50, and the plugin
    # said the factor sent 2,790.50 (FCT120, -0.01 left on clearing) though the bank line
    # says 2790.51, what the agreement gives. The deposit is what balances the bank line.
    for option in (
        'option "inferred_tolerance_default" "USD:0.05"',
        'option "tolerance_multiplier" "10"',
    ):
        entries, errors, _ = loader.load_string(_tolerant(option, "2790.51 USD"))
        assert [e.message for e in errors] == []
        assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("150.03")
        assert balance(entries, "Expenses:Factoring:Summit:Fees") == D("60.01")
        assert balance(entries, "Assets:Factoring:Summit:Clearing") == D("0")
        assert balance(entries, "Assets:Bank:Checking") == D("2790.51")


def test_a_clearing_leg_beside_an_amount_of_one_decimal_is_the_exact_rest():
    # No option: the bank line typed 2775.5 (its trailing zero dropped) beside a wire fee of
    # 15.01 gives the transaction a tolerance of 0.05, and Beancount filled the clearing
    # leg with -2790.5 rather than -(2775.50 + 15.01) = -2790.51: a false FCT120 of -0.01.
    opens = "2025-01-01 open Expenses:Bank:Fees"
    deposit = "2775.5 USD\n      Expenses:Bank:Fees           15.01 USD"
    entries, errors, _ = loader.load_string(_tolerant(opens, deposit))
    assert [e.message for e in errors] == []
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == D("0")
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("150.03")
    assert balance(entries, "Assets:Bank:Checking") == D("2775.5")


def test_a_deposit_short_under_a_wide_tolerance_is_short_by_the_bank_amount():
    # The bank line says 2790.41, ten cents short: rounded, the leg read 2790.40 and the
    # FCT120 said -0.11. It is -0.10, owed by the factor on the clearing account.
    option = 'option "inferred_tolerance_default" "USD:0.05"'
    entries, errors, _ = loader.load_string(_tolerant(option, "2790.41 USD"))
    assert codes(errors) == ["FCT120"]
    assert "received 2,790.41 USD, difference -0.10 USD" in errors[0].message
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == D("0.10")
