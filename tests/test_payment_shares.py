"""How a payment of several invoices is shared, and taken back (settlement/shares.py,
which the plugin and the aging report both read): the plugin and the aging report share
it alike.

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


def test_a_check_written_in_two_lines_and_returned_in_one() -> None:
    # The 600.00 of RETURNED's check written as -300.00 and -300.00: returned as one
    # debit of 600.00, it gives back 400.00 and 200.00 all the same (the aging gave G2
    # 300.00 and G3 500.00, the shares it kept being of each 300.00).
    two_lines = RETURNED.replace(
        "  Assets:Bank:Checking  600.00 USD\n  Assets:Receivable:GAMMA\n",
        "  Assets:Bank:Checking  600.00 USD\n  Assets:Receivable:GAMMA  -300.00 USD\n"
        "  Assets:Receivable:GAMMA  -300.00 USD\n",
    )
    assert two_lines != RETURNED
    assert open_amounts(LEDGER + two_lines, datetime.date(2025, 3, 31)) == {
        "G2": Decimal("400.00"),
        "G3": Decimal("400.00"),
    }


def test_a_check_returned_above_its_deposit_on_the_same_day() -> None:
    # The bank lists the returned check first: it took back nothing (nothing paid yet),
    # then the check paid G2 and 200.00 of G3, and selling G2 was FCT131.
    text = (
        LEDGER
        + """
2025-03-10 * "GAMMA" "check returned unpaid" ^G2 ^G3
  Assets:Bank:Checking  -600.00 USD
  Assets:Receivable:GAMMA

2025-03-10 * "GAMMA" "one check for both" ^G2 ^G3
  Assets:Bank:Checking  600.00 USD
  Assets:Receivable:GAMMA
"""
    )
    schedule = '\n2025-03-20 * "Summit" "Schedule 5" ^G2\n  factoring: "schedule"\n'
    assert codes(text + schedule) == []
    assert open_amounts(text, datetime.date(2025, 3, 31)) == {
        "G2": Decimal("400.00"),
        "G3": Decimal("500.00"),
    }


def test_a_named_posting_is_applied_before_the_rest_is_shared() -> None:
    # One remittance of 1,100.00 for G2, G3 and G4 (300.00, 2025-03-07): 300.00 named
    # G3, the other 800.00 listed first and shared oldest first among what is left:
    # G2 400.00, G3 500.00 - 300.00 = 200.00, G4 the last 200.00 (100.00 open). The
    # aging shared the 800.00 before the named posting: G3 at -200.00.
    g4 = '\n2025-03-07 * "GAMMA" "G4"\n  invoice: "G4"\n  Assets:Receivable:GAMMA  300.00 USD\n'
    g4 += "  Income:Freight\n"
    remittance = """
2025-03-10 * "GAMMA" "remittance for three" ^G2 ^G3 ^G4
  Assets:Bank:Checking  1100.00 USD
  Assets:Receivable:GAMMA  -800.00 USD
  Assets:Receivable:GAMMA  -300.00 USD
    invoice: "G3"
"""
    # (Paid invoices leave the aging: G4 alone is open.)
    assert open_amounts(LEDGER + g4 + remittance, datetime.date(2025, 3, 31)) == {
        "G4": Decimal("100.00"),
    }


def test_a_posting_that_names_another_customers_invoice_is_an_error() -> None:
    # -300.00 on DELTA's receivable naming GAMMA's G3: it pays nothing of G3 (the aging
    # showed G3 at -300.00 under GAMMA, the plugin let G3 be sold).
    text = (
        LEDGER.replace(
            "2025-01-01 open Income:Freight\n",
            "2025-01-01 open Income:Freight\n2025-01-01 open Assets:Receivable:DELTA\n",
        )
        + """
2025-03-10 * "DELTA" "check" ^G3
  Assets:Bank:Checking  300.00 USD
  Assets:Receivable:DELTA  -300.00 USD
    invoice: "G3"
"""
    )
    _, errors, _ = loader.load_string(PLUGIN + text)
    assert [e.message.split(" ", 1)[0] for e in errors] == ["FCT134"]
    assert "names invoice G3, which is on Assets:Receivable:GAMMA in USD" in errors[0].message


def test_a_posting_naming_a_charged_back_invoice_on_the_recourse_receivable() -> None:
    # INV-1001 charged back to Assets:Receivable:Recourse:TQL; one check pays it there
    # (its posting names it) and INV-1002 (500.00) on TQL. The named posting was ignored,
    # the 500.00 given to INV-1001, and INV-1002, paid, could be sold in silence.
    text = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  recourse-receivables: Assets:Receivable:Recourse

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:TQL        500.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-03 * "Summit Funding" "Recourse INV-1001" ^INV-1001
  factoring: "chargeback"

2025-06-10 * "TQL" "TQL paid both" ^INV-1001 ^INV-1002
  Assets:Bank:Checking  2500.00 USD
  Assets:Receivable:Recourse:TQL  -2000.00 USD
    invoice: "INV-1001"
  Assets:Receivable:TQL  -500.00 USD

2025-06-15 * "Summit" "Schedule 9" ^INV-1002
  factoring: "schedule"
"""
    assert codes(text) == ["FCT131"]


RECOURSE = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  recourse-receivables: Assets:Receivable:Recourse

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-03 * "Summit Funding" "Recourse INV-1001" ^INV-1001
  factoring: "chargeback"
"""


def test_a_payment_after_the_chargeback_to_the_receivable_it_left_is_an_error() -> None:
    # The chargeback moved INV-1001 to Assets:Receivable:Recourse:TQL. TQL then pays us
    # the 2,000.00, the bank line (imported) linking it but crediting Assets:Receivable:TQL:
    # the two accounts ended at -2,000.00 and +2,000.00, the charged-back invoice never
    # cleared, and the aging showed it paid, without a word.
    paid = """
2025-06-10 * "TQL" "TQL paid us INV-1001" ^INV-1001
  Assets:Bank:Checking  2000.00 USD
  Assets:Receivable:TQL
"""
    entries, errors, _ = loader.load_string(PLUGIN + RECOURSE + paid)
    assert [error.message.split(" ", 1)[0] for error in errors] == ["FCT133"]
    message = errors[0].message
    assert "charged back on 2025-06-03 to Assets:Receivable:Recourse:TQL" in message
    assert "credit Assets:Receivable:Recourse:TQL instead" in message
    line = next(e for e in entries if getattr(e, "narration", "") == "TQL paid us INV-1001")
    assert errors[0].source["lineno"] == line.meta["lineno"]
    # Crediting the account that holds it is right, linked or naming it on the posting.
    assert (
        codes(RECOURSE + paid.replace("Assets:Receivable:TQL", "Assets:Receivable:Recourse:TQL"))
        == []
    )
    named = paid.replace(
        "  Assets:Receivable:TQL\n",
        '  Assets:Receivable:Recourse:TQL  -2000.00 USD\n    invoice: "INV-1001"\n',
    )
    assert codes(RECOURSE + named) == []


def test_an_unlinked_payment_after_the_chargeback_says_where_the_invoice_is() -> None:
    # The same payment without its link: FCT136 (TQL's receivable below zero) said "no
    # invoice of this customer is open with a factor or with you", while INV-1001 is
    # open with us on the recourse receivable.
    paid = """
2025-06-10 * "TQL" "ACH payment"
  Assets:Bank:Checking  2000.00 USD
  Assets:Receivable:TQL
"""
    _, errors, _ = loader.load_string(PLUGIN + RECOURSE + paid)
    assert [error.message.split(" ", 1)[0] for error in errors] == ["FCT136"]
    assert "(INV-1001 on Assets:Receivable:Recourse:TQL)" in errors[0].message
    assert "no invoice of this customer is open" not in errors[0].message


def test_a_check_returned_and_another_paid_the_same_day_keep_their_order() -> None:
    # The 600.00 check returned on 2025-03-15, listed above a wire of 500.00 for G2 and
    # G3 that day (not its own check: another amount). In file order: the return gives
    # back G2 400.00 and G3 200.00, the wire pays G2 400.00 and G3 100.00: G2 paid, G3
    # 300.00 open after RETURNED's 100.00. Taken the other way round, the plugin had G3
    # with 600.00 received and G2 unpaid, and let the paid G2 be sold.
    text = (
        LEDGER
        + RETURNED.replace("2025-03-15", "2025-03-16")
        + """
2025-03-16 * "GAMMA" "wire for both" ^G2 ^G3
  Assets:Bank:Checking  500.00 USD
  Assets:Receivable:GAMMA
"""
    )
    assert open_amounts(text, datetime.date(2025, 3, 31)) == {"G3": Decimal("300.00")}
    schedule = '\n2025-03-20 * "Summit" "Schedule 5" ^G2\n  factoring: "schedule"\n'
    assert codes(text + schedule) == ["FCT131"]


def test_a_discount_noted_with_its_invoice_is_no_payment_of_it() -> None:
    # G2 paid 380.00 with 20.00 of quick-pay discount, the discount noted with its
    # invoice: it was FCT134 ("pays no part of it") and the reports refused to run.
    text = (
        LEDGER.replace(
            "2025-01-01 open Income:Freight\n",
            "2025-01-01 open Income:Freight\n2025-01-01 open Expenses:Discounts\n",
        )
        + """
2025-03-10 * "GAMMA" "check less discount" ^G2
  Assets:Bank:Checking  380.00 USD
  Expenses:Discounts  20.00 USD
    invoice: "G2"
  Assets:Receivable:GAMMA  -400.00 USD
"""
    )
    assert codes(text) == []
    assert open_amounts(text, datetime.date(2025, 3, 31)) == {"G3": Decimal("500.00")}


def test_a_debit_beyond_what_was_paid_is_billed_on_the_oldest() -> None:
    # 100.00 paid of G3, then a debit of 600.00 linking G2 and G3 that no credit of theirs
    # matches (a rebill of both loads): it takes back G3's 100.00 and bills the other
    # 500.00 on G2, the oldest (as the aging shares a debit): G2 owes 400.00 + 500.00 =
    # 900.00, G3 500.00. A check of 900.00 for both then pays G2's 900.00 and nothing of
    # G3, which may be sold. The plugin dropped the 500.00 and paid G3 500.00 of it:
    # selling G3 was FCT131 ("credited 500.00 before, 0.00 is left").
    text = (
        LEDGER
        + """
2025-03-06 * "GAMMA" "part of G3" ^G3
  Assets:Bank:Checking  100.00 USD
  Assets:Receivable:GAMMA

2025-03-08 * "GAMMA" "rebill of both loads" ^G2 ^G3
  Assets:Receivable:GAMMA  600.00 USD
  Income:Freight

2025-03-10 * "GAMMA" "one check for both" ^G2 ^G3
  Assets:Bank:Checking  900.00 USD
  Assets:Receivable:GAMMA
"""
    )
    assert open_amounts(text, datetime.date(2025, 3, 31)) == {"G3": Decimal("500.00")}
    schedule = '\n2025-03-20 * "Summit" "Schedule 5" ^G3\n  factoring: "schedule"\n'
    assert codes(text + schedule) == []
    # G2, paid its 900.00, cannot be sold.
    assert codes(text + schedule.replace("^G3", "^G2")) == ["FCT131"]
