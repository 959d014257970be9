"""The aging report on ledger text, with the figures worked out by hand (SUMMIT ledger)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data
from conftest import book_of
from report_ledgers import GROUPED, LEDGERS, full

from beancount_factoring.reports import compute
from beancount_factoring.reports.aging import bucket_of
from beancount_factoring.reports.csvrows import aging_csv
from beancount_factoring.reports.model import (
    BUCKETS,
    CHARGED_BACK,
    FORWARDED,
    FUNDED,
    OPEN,
    PAID_TO_US,
    UNATTRIBUTED,
)
from beancount_factoring.reports.render import render
from beancount_factoring.reports.text import aging_text
from beancount_factoring.settlement import history

D = Decimal
day = datetime.date
ZERO = D(0)


def buckets(**amounts: str) -> tuple[Decimal, ...]:
    names = {"current": "current", "d30": "1-30", "d60": "31-60", "d90": "61-90", "over": "90+"}
    given = {names[k]: D(v) for k, v in amounts.items()}
    return tuple(given.get(name, ZERO) for name in BUCKETS)


def rows(table):
    return {(row.customer, row.factor): row.buckets for row in table}


@pytest.mark.parametrize(
    "days,bucket",
    [(-5, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (90, "61-90"),
     (91, "90+")],
)  # fmt: skip
def test_buckets(days, bucket):
    assert bucket_of(days) == bucket


def test_in_the_past_the_factor_holds_what_it_funded(summit):
    report = summit.aging(as_of=day(2025, 3, 31))
    # INV-4, 500.00, dated 03-20: 11 days.
    assert rows(report.unfactored) == {("TQL", None): buckets(d30="500.00")}
    # INV-1 and INV-2 dated 03-03 (28 days), INV-3 dated 03-10 (21 days).
    assert rows(report.factored) == {
        ("CHR", "Summit"): buckets(d30="1000.00"),
        ("Echo", "Summit"): buckets(d30="3000.00"),
        ("TQL", "Summit"): buckets(d30="2000.00"),
    }
    left = {x.invoice: x.recourse_days_left for x in report.invoices}
    # recourse-days 90: funded 03-05 -> 90 - 26 = 64; funded 03-11 -> 90 - 20 = 70.
    assert left == {"INV-1": 64, "INV-2": 64, "INV-3": 70, "INV-4": None}
    (totals,) = report.totals
    assert totals.receivable_balance == sum(totals.unfactored) == D("500.00")
    assert totals.factor_outstanding == sum(totals.factored) == D("6000.00")
    assert totals.scheduled == 0


def test_by_due_date(summit):
    report = summit.aging(as_of=day(2025, 3, 31), basis="due")
    # Due 04-02 and 04-09: not yet due. INV-4 has no due date: net 30, due
    # 03-20 + 30 days = 04-19, not yet due on 03-31 (-19 days): current.
    assert rows(report.factored)[("Echo", "Summit")] == buckets(current="3000.00")
    assert rows(report.unfactored) == {("TQL", None): buckets(current="500.00")}
    assert {x.invoice: x.days for x in report.invoices} == {
        "INV-1": -2,
        "INV-2": -2,
        "INV-3": -9,
        "INV-4": -19,
    }


def test_a_partial_payment_and_a_chargeback_come_back_to_us(summit):
    report = summit.aging(as_of=day(2025, 6, 30))
    assert rows(report.unfactored) == {
        ("CHR", None): buckets(d60="800.00"),  # INV-5 dated 05-01: 60 days
        ("Echo", None): buckets(over="3000.00"),  # INV-3 charged back, dated 03-10: 112 days
        ("TQL", None): buckets(over="300.00"),  # INV-4: 500.00 - 200.00 paid, 102 days
    }
    states = {x.invoice: x.state for x in report.invoices}
    assert states == {"INV-3": CHARGED_BACK, "INV-4": OPEN, "INV-5": OPEN, "INV-6": FUNDED}
    assert rows(report.factored) == {("Echo", "Summit"): buckets(d30="4000.00")}
    (totals,) = report.totals
    # 800 + 3,000 + 300 = 4,100.00 on the receivable accounts; the factor holds INV-6.
    assert totals.receivable_balance == sum(totals.unfactored) == D("4100.00")
    assert totals.factor_outstanding == sum(totals.factored) == D("4000.00")
    due = summit.aging(as_of=day(2025, 6, 30), basis="due")
    # INV-3 due 04-09: 82 days; INV-5 due 05-31: 30 days.
    assert rows(due.unfactored)[("Echo", None)] == buckets(d90="3000.00")
    assert rows(due.unfactored)[("CHR", None)] == buckets(d30="800.00")


def test_a_scheduled_invoice_is_held_by_the_factor_before_it_is_funded(summit):
    report = summit.aging(as_of=day(2025, 6, 18))
    (totals,) = report.totals
    # INV-6 (4,000.00) scheduled 06-17, funded 06-20.
    assert totals.scheduled == D("4000.00")
    assert totals.factor_outstanding == 0
    assert [x.recourse_days_left for x in report.invoices if x.invoice == "INV-6"] == [None]


def test_the_factor_filter_narrows_the_factored_table_only(both):
    report = both.aging(as_of=day(2025, 3, 31), factor="Pine")
    assert {row.factor for row in report.factored} == {"Pine"}
    assert rows(report.unfactored) == {("TQL", None): buckets(d30="500.00")}


LOOSE = """
2025-01-01 * "Opening balance"
  Assets:Receivable:CHR         75.00 USD
  Income:Freight

2025-02-01 * "TQL" "Load A"
  invoice: "A"
  Assets:Receivable:TQL        100.00 USD
  Income:Freight

2025-02-02 * "TQL" "Load B"
  invoice: "B"
  Assets:Receivable:TQL        200.00 USD
  Income:Freight

2025-02-20 * "TQL" "One check for two loads" ^A ^B
  Assets:Bank:Checking         250.00 USD
  Assets:Receivable:TQL
"""


def test_payments_and_postings_that_name_no_invoice():
    report = book_of(full(LOOSE)).aging(as_of=day(2025, 3, 1))
    # The 250.00 pays A in full first (the older), then 150.00 of B.
    found = {(x.invoice, x.state): x.amount for x in report.invoices}
    assert found == {("B", OPEN): D("50.00"), ("", UNATTRIBUTED): D("75.00")}
    (totals,) = report.totals
    assert totals.receivable_balance == sum(totals.unfactored) == D("125.00")


@pytest.mark.parametrize("kept", [False, True], ids=["settled-again", "plugin-run"])
@pytest.mark.parametrize("name", ["GROUPED", "GROUPED-invoice-detail"])
def test_receivable_credits_summed_per_schedule_are_shared_exactly(name, kept, monkeypatch):
    # GROUPED: under detail "item" the schedules credit TQL 3,000.00 (S1: G-1, G-2),
    # CHR 2,000.00 (S1: G-3, G-4) and TQL 1,000.00 (S2: G-7, G-8); the deposit credits
    # TQL 1,000.00 for G-5 and G-6, and links G-0 (charged back: 300.00 on TQL
    # again) and the invoices of S1 and S2 on TQL too. Each invoice gets its own face,
    # so every funded invoice is off the receivable and G-0 is ours again. (Shared by
    # number, each up to its open amount, G-0 would take 300.00 of the deposit's
    # credit and G-6 keep 300.00, an open invoice of ours it is not.)
    monkeypatch.setattr(history, "_wanted", kept)
    entries, errors, options_map = loader.load_string(LEDGERS[name])
    assert errors == []
    book = compute(entries, options_map, errors)
    held: dict[str | None, Decimal] = {}
    for _line, number, amount in book.facts.receivable:
        held[number] = held.get(number, ZERO) + amount
    assert held == {
        "G-0": D("300.00"),
        **{f"G-{n}": ZERO for n in range(1, 9)},
    }
    report = book.aging(as_of=day(2025, 3, 31))
    ours = {(x.invoice, x.state): x.amount for x in report.invoices if x.factor is None}
    assert ours == {("G-0", CHARGED_BACK): D("300.00")}
    # G-0 dated 03-01: 30 days. The rest dated 03-03: 28 days.
    assert rows(report.unfactored) == {("TQL", None): buckets(d30="300.00")}
    assert rows(report.factored) == {
        ("CHR", "Summit"): buckets(d30="2000.00"),
        ("TQL", "Summit"): buckets(d30="5000.00"),
    }
    (totals,) = report.totals
    assert totals.receivable_balance == sum(totals.unfactored) == D("300.00")


def test_a_summed_credit_edited_by_hand_is_shared_by_number():
    # The schedule's TQL credit written by hand for less than the faces (3,000.00):
    # no exact share, so it is shared as any credit naming several invoices is, by
    # number: G-1 its 1,000.00 open, the rest (1,900.00) to G-2. The plugin says so.
    text = GROUPED.split("; Receivable:TQL -1,000.00 (G-7, G-8).")[0]
    text = text.replace(
        """  schedule: "S1"
""",
        """  schedule: "S1"
  Assets:Factoring:Summit:Clearing   5000.00 USD
    factoring-part: "face"
  Assets:Receivable:TQL             -2900.00 USD
    schedule: "S1"
    factoring-part: "face"
  Assets:Receivable:CHR             -2000.00 USD
    schedule: "S1"
    factoring-part: "face"
  Income:Freight                     -100.00 USD
""",
    )
    entries, errors, options_map = loader.load_string(full(text))
    assert [e.message.split(" ", 1)[0] for e in errors] == ["FCT121"]
    shares = {
        number: amount
        for line, number, amount in compute(entries, options_map, errors).facts.receivable
        if line.date == day(2025, 3, 4)
    }
    assert shares == {"G-1": D("-1000.00"), "G-2": D("-1900.00"), "G-3": D("-500.00"),
                      "G-4": D("-1500.00")}  # fmt: skip


RECOURSE = """
2025-01-01 open Assets:Receivable:Recourse:Echo
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 30
  recourse-receivables: Assets:Receivable:Recourse
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-05 * "Echo" "Load 1"
  invoice: "INV-1"
  due: 2025-02-04
  Assets:Receivable:Echo       2000.00 USD
  Income:Freight

2025-01-05 * "Echo" "Load 2"
  invoice: "INV-2"
  due: 2025-03-20
  Assets:Receivable:Echo        700.00 USD
  Income:Freight

2025-01-06 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-02-10 * "Summit" "Chargeback" ^INV-1
  factoring: "chargeback"

2025-03-25 * "Echo" "Pays part of INV-1" ^INV-1
  Assets:Bank:Checking          500.00 USD
  Assets:Receivable:Recourse:Echo
"""


def test_a_payment_on_the_recourse_receivable_pays_the_invoice_charged_back_there():
    # The chargeback moves INV-1 (2,000.00) to Assets:Receivable:Recourse:Echo; the
    # customer then pays 500.00 of it there, linking it. INV-1 is owed 2,000.00 -
    # 500.00 = 1,500.00, due 02-04: 55 days past due on 03-31 (31-60); INV-2, 700.00
    # due 03-20, 11 days (1-30). Nothing is left unattributed.
    report = book_of(full(RECOURSE)).aging(as_of=day(2025, 3, 31), basis="due")
    found = {(x.invoice, x.state): x.amount for x in report.invoices}
    assert found == {("INV-1", CHARGED_BACK): D("1500.00"), ("INV-2", OPEN): D("700.00")}
    assert rows(report.unfactored) == {("Echo", None): buckets(d30="700.00", d60="1500.00")}
    (totals,) = report.totals
    assert totals.receivable_balance == sum(totals.unfactored) == D("2200.00")


def test_an_invoice_charged_back_is_aged_on_the_account_that_holds_it():
    # INV-1's 1,500.00 is on Assets:Receivable:Recourse:Echo (2,000.00 moved there by
    # the chargeback, 500.00 paid there); Assets:Receivable:Echo holds INV-2's 700.00
    # alone. Each line names the account that holds it, so the lines of each account
    # add up to that account's balance (in the CSV too).
    report = book_of(full(RECOURSE)).aging(as_of=day(2025, 3, 31), basis="due")
    assert {x.invoice: x.account for x in report.invoices} == {
        "INV-1": "Assets:Receivable:Recourse:Echo",
        "INV-2": "Assets:Receivable:Echo",
    }
    header, *rows_ = render(report, "csv").splitlines()
    cells = [row.split(",") for row in rows_ if ",INV-1," in row]
    (inv1,) = [dict(zip(header.split(","), row, strict=True)) for row in cells]
    assert (inv1["account"], inv1["amount"]) == ("Assets:Receivable:Recourse:Echo", "1500.00")
    # Before the chargeback, INV-1 is the factor's, on no receivable of ours.
    before = book_of(full(RECOURSE)).aging(as_of=day(2025, 2, 9), basis="due")
    assert {x.invoice: (x.account, x.factor) for x in before.invoices} == {
        "INV-1": ("Assets:Receivable:Echo", "Summit"),
        "INV-2": ("Assets:Receivable:Echo", None),
    }


PAID_IN_PARTS = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  due: 2025-04-02
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-20 * "TQL" "First part" ^INV-1
  factoring: "collected"
  paid: 400.00 USD
  partial: TRUE
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_factor_holds_what_is_left_after_a_payment_in_parts(model):
    text = PAID_IN_PARTS
    if model == "loan":
        text = text.replace("  recourse-days: 90\n", '  recourse-days: 90\n  model: "loan"\n')
    # 1,000.00 funded; the customer paid the factor 400.00 of it: 600.00 is still owed.
    report = book_of(full(text)).aging(as_of=day(2025, 4, 30))
    assert [(x.invoice, x.state, x.amount) for x in report.invoices] == [
        ("INV-1", FUNDED, D("600.00"))
    ]
    (totals,) = report.totals
    assert totals.factor_outstanding == sum(totals.factored) == D("600.00")
    # Under the loan model the part repaid the advance and left the receivable: the
    # 600.00 pledged there is what the factor holds.
    assert totals.pledged == (D("600.00") if model == "loan" else ZERO)
    before = book_of(full(text)).aging(as_of=day(2025, 3, 19))
    assert [x.amount for x in before.invoices] == [D("1000.00")]


# TQL pays us 400.00 of INV-1 (1,000.00), which Summit funded (95%, flat 2%: 930.00):
# a misdirected payment, forwarded the next day, or bought out first by Pinecrest.
PAID_US_A_PART = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  payee: "PINECREST"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  due: 2025-04-02
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-14 * "TQL" "TQL paid us a part" ^INV-1
  factoring: "misdirected-payment"
  Assets:Bank:Checking          400.00 USD
"""
FORWARD_TO = """
2025-{day} * "{payee}" "TQL's part forwarded" ^INV-1
  Liabilities:Factoring:{factor}:DueToFactor   400.00 USD
  Assets:Bank:Checking
"""
BUYOUT_OF_SUMMIT = """
2025-04-01 * "Pinecrest" "Buyout of Summit" ^INV-1
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Summit"
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("buyout", [False, True])
def test_what_the_customer_paid_us_of_a_held_invoice_it_no_longer_owes(model, buyout):
    text = PAID_US_A_PART
    if buyout:
        forward = FORWARD_TO.format(day="04-05", payee="PINECREST", factor="Pinecrest")
        text += BUYOUT_OF_SUMMIT + forward
    else:
        text += FORWARD_TO.format(day="03-15", payee="SUMMIT FUNDING", factor="Summit")
    if model == "loan":
        text = text.replace("  recourse-days: 90\n", '  recourse-days: 90\n  model: "loan"\n')
    entries, errors, options_map = loader.load_string(full(text))
    assert errors == []
    book = compute(entries, options_map, errors)
    holder = "Pinecrest" if buyout else "Summit"
    before = book.aging(as_of=day(2025, 3, 13))
    assert [(x.state, x.amount) for x in before.invoices] == [(FUNDED, D("1000.00"))]
    # 1,000.00 - 400.00 paid to us = 600.00 is what TQL still owes (was: the face,
    # 1,000.00); the 400.00 is our debt to the factor (DueToFactor), not TQL's.
    for as_of, state, factor in (
        (day(2025, 3, 14), PAID_TO_US, "Summit"),
        (day(2025, 4, 2), PAID_TO_US if buyout else FORWARDED, holder),
        (day(2025, 4, 10), FORWARDED, holder),
    ):
        for basis in ("invoice", "due"):
            report = book.aging(as_of=as_of, basis=basis)
            assert [(x.factor, x.state, x.amount, x.paid_to_us) for x in report.invoices] == [
                (factor, state, D("600.00"), D("400.00"))
            ]
            (totals,) = report.totals
            assert sum(totals.factored) == totals.factor_outstanding == D("600.00")
            assert totals.paid_to_us == D("400.00")
            # Loan model: the receivable keeps the whole 1,000.00 until the factor's
            # report (600.00 TQL owes + the 400.00 it paid us), all pledged, none ours.
            pledged = D("1000.00") if model == "loan" else ZERO
            assert (totals.receivable_balance, totals.pledged) == (pledged, pledged)
            assert sum(totals.unfactored) == ZERO
    header, (row,) = aging_csv(book.aging(as_of=day(2025, 4, 10)))
    assert (row[header.index("amount")], row[header.index("paid_to_us")]) == ("600.00", "400.00")
    line = [x for x in aging_text(book.aging(as_of=day(2025, 4, 10))) if x.startswith("USD:")]
    assert line[0].endswith(
        "factors hold 600.00 funded and 0.00 scheduled; customers paid us 400.00 of the "
        "factors' invoices (the factors' cash, owed to them or forwarded, not counted above)"
    )


ONE_CHECK_TWO_NUMBERS = """
2025-01-05 * "TQL" "Load 9"
  invoice: "INV-9"
  Assets:Receivable:TQL        300.00 USD
  Income:Freight

2025-03-05 * "TQL" "Load 10"
  invoice: "INV-10"
  Assets:Receivable:TQL        500.00 USD
  Income:Freight

2025-03-20 * "TQL" "One check for two loads" ^INV-9 ^INV-10
  Assets:Bank:Checking         300.00 USD
  Assets:Receivable:TQL
"""


def test_a_payment_of_several_invoices_pays_the_oldest_first():
    # 300.00 linking INV-9 (300.00, 01-05) and INV-10 (500.00, 03-05) pays INV-9, the
    # older one, in full: INV-10 is owed 500.00, 26 days old on 03-31. (By their text,
    # "INV-10" < "INV-9", it paid 300.00 of INV-10 instead.)
    report = book_of(full(ONE_CHECK_TWO_NUMBERS)).aging(as_of=day(2025, 3, 31))
    assert {x.invoice: x.amount for x in report.invoices} == {"INV-10": D("500.00")}
    assert rows(report.unfactored) == {("TQL", None): buckets(d30="500.00")}


def test_a_bounced_check_of_several_invoices_opens_each_again():
    # A check of 1,000.00 paid INV-9 (500.00, 01-10) in full and 500.00 of INV-10
    # (700.00, 01-20), oldest first; it came back unpaid. Each is owed whole again. By
    # invoice date on 03-15: INV-9 500.00, 64 days (61-90); INV-10 700.00, 54 days
    # (31-60); by due date (net 30): 34 days (31-60) and 24 days (1-30). (The debit went
    # whole to "INV-10", the first by its text: 1,200.00 on INV-10 and INV-9 gone.)
    text = """
2025-01-10 * "TQL" "Load 9"
  invoice: "INV-9"
  Assets:Receivable:TQL        500.00 USD
  Income:Freight

2025-01-20 * "TQL" "Load 10"
  invoice: "INV-10"
  Assets:Receivable:TQL        700.00 USD
  Income:Freight

2025-02-15 * "TQL" "Check 123 for INV-9 and INV-10" ^INV-9 ^INV-10
  Assets:Bank:Checking        1000.00 USD
  Assets:Receivable:TQL

2025-02-20 * "TQL" "Check 123 returned unpaid" ^INV-9 ^INV-10
  Assets:Bank:Checking       -1000.00 USD
  Assets:Receivable:TQL
"""
    report = book_of(full(text)).aging(as_of=day(2025, 3, 15))
    assert {x.invoice: x.amount for x in report.invoices} == {
        "INV-9": D("500.00"),
        "INV-10": D("700.00"),
    }
    assert rows(report.unfactored) == {("TQL", None): buckets(d60="700.00", d90="500.00")}
    due = book_of(full(text)).aging(as_of=day(2025, 3, 15), basis="due")
    assert rows(due.unfactored) == {("TQL", None): buckets(d30="700.00", d60="500.00")}


# Maple owes CA-1 (1,000.00 CAD, 03-03) and US-1 (500.00 USD, 03-05); one remittance
# pays all of US-1 and 400.00 of CA-1, a credit in each currency.
TWO_CURRENCY_REMITTANCE = """
2025-03-03 * "Maple" "CA load"
  invoice: "CA-1"
  Assets:Receivable:TQL        1000.00 CAD
  Income:Freight

2025-03-05 * "Maple" "US load"
  invoice: "US-1"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight

2025-03-20 * "Maple" "Remittance" ^CA-1 ^US-1
  Assets:Bank:Checking          500.00 USD
  Assets:Bank:Checking          400.00 CAD
  Assets:Receivable:TQL        -500.00 USD
  Assets:Receivable:TQL        -400.00 CAD
"""


def test_a_remittance_in_two_currencies_pays_each_invoice_in_its_own():
    # Each credit pays the invoices of its currency: CA-1 1,000.00 - 400.00 = 600.00 CAD
    # open, US-1 500.00 - 500.00 = 0 (paid). Summed across currencies (900.00) and shared
    # oldest first, CA-1 showed 1,000.00 - 900.00 = 100.00 and US-1 nothing paid.
    book = book_of(full(TWO_CURRENCY_REMITTANCE))
    assert book.facts.errors == []
    report = book.aging(as_of=day(2025, 3, 31))
    assert {(x.invoice, x.currency): x.amount for x in report.invoices} == {
        ("CA-1", "CAD"): D("600.00")
    }
    assert {t.currency: t.receivable_balance for t in report.totals} == {
        "CAD": D("600.00"),
        "USD": D("0.00"),
    }


def test_a_credit_in_another_currency_than_the_invoice_it_links_pays_none_of_it():
    # 720.00 USD linking CA-1 (1,000.00 CAD): FCT134, and the aging does not take it off
    # CA-1 (which showed 1,000.00 - 720.00 = 280.00 CAD): CA-1 is open 1,000.00 CAD and
    # the -720.00 USD is a credit of no invoice on the account.
    text = TWO_CURRENCY_REMITTANCE.split('2025-03-05 * "Maple" "US load"')[0]
    text += """
2025-03-20 * "Maple" "Payment CA-1" ^CA-1
  Assets:Bank:Checking          720.00 USD
  Assets:Receivable:TQL
"""
    book = book_of(full(text))
    assert [e.message.split(" ", 1)[0] for e in book.facts.errors] == ["FCT134"]
    report = book.aging(as_of=day(2025, 3, 31))
    assert {(x.invoice, x.state, x.currency): x.amount for x in report.invoices} == {
        ("CA-1", OPEN, "CAD"): D("1000.00"),
        ("", UNATTRIBUTED, "USD"): D("-720.00"),
    }


# TQL pays 500.00 on 03-05 for two loads billed later: INV-1 (1,000.00, 03-10) and
# INV-2 (500.00, 03-12). Summit funds INV-2 on 03-14 (sold, or pledged under the loan
# model).
PAID_BEFORE_BILLED = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-05 * "TQL" "Prepayment for loads 1 and 2" ^INV-1 ^INV-2
  Assets:Bank:Checking          500.00 USD
  Assets:Receivable:TQL

2025-03-10 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-12 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight

2025-03-14 * "SUMMIT FUNDING" "ACH" ^INV-2
  Assets:Bank:Checking          465.00 USD
  Assets:Factoring:Summit:Clearing
"""


def _loan(text: str) -> str:
    return text.replace("  recourse-days: 90\n", '  recourse-days: 90\n  model: "loan"\n', 1)


def _ties_per_customer(book, report) -> None:
    """Per customer, the aging's open total plus what a factor holds pledged on the
    customer's receivable (loan model: what the customer owes of the invoice, and what it
    paid us of it, until the factor reports it collected) is the balance of that
    receivable."""
    balances: dict[str, Decimal] = {}
    for entry in book.facts.entries:
        if isinstance(entry, data.Transaction) and entry.date <= report.as_of:
            for posting in entry.postings:
                if posting.account.startswith("Assets:Receivable:"):
                    customer = posting.account.rsplit(":", 1)[-1]
                    balances[customer] = balances.get(customer, ZERO) + posting.units.number
    found: dict[str, Decimal] = {}
    for row in report.unfactored:
        found[row.customer] = found.get(row.customer, ZERO) + row.total
    loan = {x.invoice for x in report.invoices if x.factor and _is_loan(book, x.invoice)}
    for x in report.invoices:
        if x.invoice in loan and x.factor:
            found[x.customer] = found.get(x.customer, ZERO) + x.amount + x.paid_to_us
    assert {c: v for c, v in found.items() if v} == {c: v for c, v in balances.items() if v}


def _shared(book) -> list[list[tuple[str, Decimal]]]:
    """How the plugin shared each payment of several invoices (settlement/shares.py)."""
    return list(book.facts.settlement.payment_shares.values())


def _is_loan(book, number: str) -> bool:
    state = book.facts.settlement.states.get(number)
    return state is not None and state.agreement is not None and state.agreement.loan


@pytest.mark.parametrize("kept", [False, True], ids=["settled-again", "plugin-run"])
@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_payment_dated_before_its_invoices_is_shared_as_the_plugin_shares_it(
    model, kept, monkeypatch
):
    # The plugin shares the 500.00 on the faces, oldest first: INV-1 (03-10) takes
    # 500.00 of its 1,000.00, INV-2 nothing, so INV-2 is funded whole (no FCT131). The
    # aging shared it on the amounts open on 03-05, when neither was billed: nothing
    # to INV-1, the whole 500.00 to the last, INV-2. It then showed INV-1 open
    # 1,000.00, and INV-2 -500.00 ours beside its 500.00 with Summit (sale model), or
    # 0.00 pledged where Summit holds 500.00 (loan model: TQL 1,000.00 ours, 500.00
    # too much).
    # On 03-31, TQL owes us INV-1 1,000.00 - 500.00 = 500.00 (21 days, 1-30) and Summit
    # INV-2 500.00. Receivable: 1,000.00 + 500.00 - 500.00 = 1,000.00, less the sale
    # (500.00) = 500.00; under the loan model 1,000.00, of which INV-2's 500.00 pledged.
    monkeypatch.setattr(history, "_wanted", kept)
    text = full(PAID_BEFORE_BILLED)
    if model == "loan":
        text = _loan(text)
    book = book_of(text)
    assert book.facts.errors == []
    assert _shared(book) == [[("INV-1", D("500.00"))]]
    report = book.aging(as_of=day(2025, 3, 31))
    found = {(x.invoice, x.factor, x.state): x.amount for x in report.invoices}
    assert found == {("INV-1", None, OPEN): D("500.00"), ("INV-2", "Summit", FUNDED): D("500.00")}
    assert rows(report.unfactored) == {("TQL", None): buckets(d30="500.00")}
    (totals,) = report.totals
    assert totals.pledged == (D("500.00") if model == "loan" else ZERO)
    assert totals.receivable_balance == sum(totals.unfactored) + totals.pledged
    _ties_per_customer(book, report)


def test_a_debit_memo_on_a_pledged_invoice_is_ours():
    # Loan model. INV-1 (1,000.00, 03-01) is billed 200.00 of detention on 03-04 and
    # pledged to Summit on 03-05 for its face; INV-2 (500.00, 03-03) stays ours. The
    # receivable holds 1,000.00 + 500.00 + 200.00 = 1,700.00: Summit holds 1,000.00 of
    # it, the customer owes us INV-2 500.00 and INV-1's detention 200.00 (by invoice
    # date on 03-31: 30 and 28 days, 1-30). The aging counted INV-1's whole 1,200.00 as
    # pledged and showed TQL 500.00 ours, 200.00 short of what we hold; as sold (the
    # sale model) the 200.00 is ours on INV-1.
    text = _loan(
        full(
            PAID_BEFORE_BILLED.split('2025-03-05 * "TQL"')[0]
            + """
2025-03-01 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight

2025-03-04 * "TQL" "Detention on load 1" ^INV-1
  Assets:Receivable:TQL         200.00 USD
  Income:Freight

2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""
        )
    )
    book = book_of(text)
    assert book.facts.errors == []
    report = book.aging(as_of=day(2025, 3, 31))
    found = {(x.invoice, x.factor, x.state): x.amount for x in report.invoices}
    assert found == {
        ("INV-1", None, OPEN): D("200.00"),
        ("INV-2", None, OPEN): D("500.00"),
        ("INV-1", "Summit", FUNDED): D("1000.00"),
    }
    assert rows(report.unfactored) == {("TQL", None): buckets(d30="700.00")}
    (totals,) = report.totals
    assert totals.pledged == totals.factor_outstanding == D("1000.00")
    assert totals.receivable_balance == sum(totals.unfactored) + totals.pledged == D("1700.00")
    _ties_per_customer(book, report)


DEBIT_MEMO = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-01 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight

2025-03-04 * "TQL" "Detention on load 1" ^INV-1
  Assets:Receivable:TQL         200.00 USD
  Income:Freight

2025-03-10 * "TQL" "Check for loads 1 and 2" ^INV-1 ^INV-2
  Assets:Bank:Checking         1200.00 USD
  Assets:Receivable:TQL

2025-03-14 * "SUMMIT FUNDING" "ACH" ^INV-2
  Assets:Bank:Checking          465.00 USD
  Assets:Factoring:Summit:Clearing
"""


@pytest.mark.parametrize("kept", [False, True], ids=["settled-again", "plugin-run"])
@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_debit_memo_is_owed_before_the_next_invoice_is_paid(model, kept, monkeypatch):
    # INV-1 (1,000.00, 03-01) is billed 200.00 of detention on 03-04: TQL owes 1,200.00
    # on it, and its check of 1,200.00 for INV-1 and INV-2 pays INV-1's 1,200.00 (oldest
    # first), INV-2 nothing. The plugin shared it on the faces, INV-1 1,000.00 and INV-2
    # 200.00, and Summit's funding of INV-2 was FCT131 ("credited 200.00 before").
    # Summit funds INV-2: 500.00 x 95% = 475.00 less 2% (10.00) = 465.00. On 03-31 we hold
    # 1,000.00 + 200.00 - 1,200.00 = 0.00 of INV-1 and nothing of INV-2, sold (sale
    # model: the receivable 1,000.00 + 500.00 + 200.00 - 1,200.00 - 500.00 = 0.00) or
    # pledged (loan model: the receivable 500.00, all of it pledged).
    monkeypatch.setattr(history, "_wanted", kept)
    text = full(DEBIT_MEMO)
    if model == "loan":
        text = _loan(text)
    book = book_of(text)
    assert book.facts.errors == []
    paid = [(e.invoices, e.amount) for e in book.facts.book.events if e.kind == "payment"]
    # The detention, billed (taken as a debit beyond what was paid), then the check,
    # shared by the settlement.
    assert paid == [(("INV-1",), D("-200.00")), (("INV-1", "INV-2"), D("1200.00"))]
    assert _shared(book) == [[("INV-1", D("1200.00"))]]
    assert book.facts.settlement.states["INV-2"].direct_paid == ZERO
    report = book.aging(as_of=day(2025, 3, 31))
    found = {(x.invoice, x.factor, x.state): x.amount for x in report.invoices}
    assert found == {("INV-2", "Summit", FUNDED): D("500.00")}
    assert rows(report.unfactored) == {}
    (totals,) = report.totals
    assert totals.pledged == (D("500.00") if model == "loan" else ZERO)
    assert totals.receivable_balance == sum(totals.unfactored) + totals.pledged
    _ties_per_customer(book, report)


SOLD_THEN_BILLED = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-01 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-02 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-04 * "TQL" "Detention on load 1" ^INV-1
  Assets:Receivable:TQL         200.00 USD
  Income:Freight

2025-03-10 * "TQL" "Check for the detention" ^INV-1
  Assets:Bank:Checking          200.00 USD
  Assets:Receivable:TQL
"""


@pytest.mark.parametrize("kept", [False, True], ids=["settled-again", "plugin-run"])
@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_debit_memo_on_an_invoice_the_factor_holds_is_ours_to_collect(model, kept, monkeypatch):
    # Summit funds INV-1's face on 03-02 (1,000.00 x 95% = 950.00 less 2% = 930.00); the
    # detention billed on it on 03-04 is ours (the factor bought the face: reports.md,
    # the loan model), and so is TQL's check of 200.00 that pays it on 03-10. It was
    # FCT136 ("a payment that reaches you for it is owed to the factor"). On 03-05 we
    # hold INV-1's 200.00 (4 days, 1-30); on 03-31 nothing, Summit INV-1's 1,000.00. The
    # receivable: sale model 1,000.00 - 1,000.00 + 200.00 - 200.00 = 0.00; loan model
    # 1,000.00, all pledged.
    monkeypatch.setattr(history, "_wanted", kept)
    text = full(SOLD_THEN_BILLED)
    if model == "loan":
        text = _loan(text)
    book = book_of(text)
    assert book.facts.errors == []
    pledged = D("1000.00") if model == "loan" else ZERO
    billed = book.aging(as_of=day(2025, 3, 5))
    found = {(x.invoice, x.factor, x.state): x.amount for x in billed.invoices}
    assert found == {("INV-1", None, OPEN): D("200.00"), ("INV-1", "Summit", FUNDED): D("1000.00")}
    assert rows(billed.unfactored) == {("TQL", None): buckets(d30="200.00")}
    assert billed.totals[0].pledged == pledged
    _ties_per_customer(book, billed)
    report = book.aging(as_of=day(2025, 3, 31))
    found = {(x.invoice, x.factor, x.state): x.amount for x in report.invoices}
    assert found == {("INV-1", "Summit", FUNDED): D("1000.00")}
    (totals,) = report.totals
    assert totals.pledged == pledged
    assert totals.receivable_balance == sum(totals.unfactored) + totals.pledged == pledged
    _ties_per_customer(book, report)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_payment_beyond_the_debit_memo_of_a_factored_invoice_is_the_factors(model):
    # TQL pays us 1,200.00 for INV-1: its 200.00 of detention is ours, its 1,000.00 of
    # face Summit's (FCT136), and the message says which part is ours.
    text = full(SOLD_THEN_BILLED.replace("200.00 USD\n  Assets:Receivable:TQL\n",
                                         "1200.00 USD\n  Assets:Receivable:TQL\n"))  # fmt: skip
    if model == "loan":
        text = _loan(text)
    entries, errors, _ = loader.load_string(text)
    assert [error.message.split(" ", 1)[0] for error in errors] == ["FCT136"]
    message = errors[0].message
    assert "Invoice INV-1 is " + ("pledged" if model == "loan" else "sold") in message
    # (The face and the memo exactly: marked misdirected, the whole is booked right.)
    assert (
        "Of this payment, 200.00 USD pays what was billed on the invoice beyond its face (a "
        "debit memo), which is yours: marked so, the payment credits that to the receivable "
        "and owes the 1,000.00 to the factor"
    ) in message
    check = next(e for e in entries if getattr(e, "narration", "") == "Check for the detention")
    assert errors[0].source["lineno"] == check.meta["lineno"]
    # 1,100.00: 200.00 of detention and 900.00 of Summit's 1,000.00 face, or 100.00
    # and 1,000.00: the message asks for a payment of its own.
    _, errors, _ = loader.load_string(text.replace("1200.00 USD", "1100.00 USD"))
    assert "credit that to the receivable in a payment of its own" in errors[0].message


# SOLD_THEN_BILLED with INV-2 (500.00, 03-03, ours) and one check of 700.00 on 03-10 for
# INV-1's detention and INV-2.
HELD_AND_OURS = SOLD_THEN_BILLED.replace(
    '2025-03-10 * "TQL" "Check for the detention" ^INV-1\n'
    "  Assets:Bank:Checking          200.00 USD\n",
    '2025-03-03 * "TQL" "Load 2"\n  invoice: "INV-2"\n'
    "  Assets:Receivable:TQL         500.00 USD\n  Income:Freight\n\n"
    '2025-03-10 * "TQL" "Check for the detention and load 2" ^INV-1 ^INV-2\n'
    "  Assets:Bank:Checking          700.00 USD\n",
)
# A credit note of 100.00 on INV-2 (ours): the check is then of 600.00.
CREDIT_NOTE = """
2025-03-05 * "TQL" "Credit note on load 2" ^INV-2
  Assets:Receivable:TQL        -100.00 USD
  Income:Freight
"""
# Summit closes INV-1 short (900.00 of its 1,000.00) before the check: it still holds it.
CLOSED_SHORT = """
2025-03-06 * "TQL paid Summit" ^INV-1
  factoring: "collected"
  paid: 900.00 USD
"""


@pytest.mark.parametrize("kept", [False, True], ids=["settled-again", "plugin-run"])
@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("case", ["memo", "credit-note", "closed-short"])
def test_a_check_for_a_held_invoices_debit_memo_and_one_of_ours(case, model, kept, monkeypatch):
    # Summit holds INV-1 (1,000.00, funded 03-02), billed 200.00 of detention on 03-04
    # (ours); INV-2 (500.00, 03-03) is ours. TQL's check of 700.00 for both pays what
    # each owes us: INV-1 its 200.00 of detention, INV-2 its 500.00; nothing of Summit's
    # face. The plugin shared it on what each owed in all, oldest first: INV-1 1,200.00
    # took the 700.00, 500.00 of it Summit's (a false FCT136), while the aging (on what
    # the receivable held, sale model) gave INV-1 200.00 and INV-2 500.00.
    # With a credit note of 100.00 on INV-2 it owes 400.00, and the check is 600.00:
    # 200.00 + 400.00. With INV-1 closed short by Summit (900.00 paid it), Summit still
    # holds it (a payment of the 100.00 is a recovery, misdirected): the same 700.00.
    monkeypatch.setattr(history, "_wanted", kept)
    text = HELD_AND_OURS
    if case == "credit-note":
        text = text.replace("700.00 USD", "600.00 USD") + CREDIT_NOTE
    if case == "closed-short":
        text += CLOSED_SHORT
    text = full(text)
    if model == "loan":
        text = _loan(text)
    book = book_of(text)
    codes = [error.message.split(" ", 1)[0] for error in book.facts.errors]
    assert codes == []
    inv2 = D("400.00") if case == "credit-note" else D("500.00")
    assert _shared(book) == [[("INV-1", D("200.00")), ("INV-2", inv2)]]
    states = book.facts.settlement.states
    assert states["INV-1"].direct_paid == ZERO  # (-200.00 billed, 200.00 paid)
    # (The credit note is a credit to its receivable too: 100.00 + 400.00.)
    assert states["INV-2"].direct_paid == D("500.00")
    # On 03-09, before the check, we hold INV-1's detention and INV-2 (less the credit
    # note); on 03-31 nothing. Summit holds INV-1's 1,000.00 until it closes it.
    pledged = D("1000.00") if model == "loan" and case != "closed-short" else ZERO
    before = book.aging(as_of=day(2025, 3, 9))
    ours = {x.invoice: x.amount for x in before.invoices if x.factor is None}
    assert ours == {"INV-1": D("200.00"), "INV-2": inv2}
    _ties_per_customer(book, before)
    report = book.aging(as_of=day(2025, 3, 31))
    found = {(x.invoice, x.factor): x.amount for x in report.invoices}
    assert found == ({} if case == "closed-short" else {("INV-1", "Summit"): D("1000.00")})
    (totals,) = report.totals
    # Receivable (sale): 1,000.00 - 1,000.00 + 200.00 + 500.00 (- 100.00) - 700.00 (600.00)
    # = 0.00; (loan) 1,000.00 pledged, cleared when Summit closes INV-1.
    assert totals.receivable_balance == totals.pledged == pledged
    assert sum(totals.unfactored) == ZERO
    _ties_per_customer(book, report)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_check_beyond_what_a_held_invoice_and_one_of_ours_owe_us_is_the_factors(model):
    # The check is of 1,700.00: INV-1's 200.00 of detention and INV-2's 500.00 are ours,
    # the 1,000.00 beyond them Summit's face of INV-1 (FCT136), and the message says so.
    text = full(HELD_AND_OURS.replace("700.00 USD", "1700.00 USD"))
    if model == "loan":
        text = _loan(text)
    entries, errors, options = loader.load_string(text)
    assert [error.message.split(" ", 1)[0] for error in errors] == ["FCT136"]
    message = errors[0].message
    assert "Of this payment, 200.00 USD pays what was billed on the invoice" in message
    assert (
        "It links INV-2 too: a payment of several invoices pays first what each owes you "
        "(of INV-1, only what was billed on it beyond its face), and 1,000.00 USD of it is "
        "beyond that: write what pays them as a payment of its own too, and mark the rest "
        "misdirected"
    ) in message
    # Marked misdirected whole, the check would owe Summit INV-2's 500.00 and INV-1's
    # detention too: the message says to split it first, not to mark this transaction.
    assert "Mark this transaction" not in message
    assert (
        "Split the check as said below, and mark the factor's part factoring: \"misdirected"
        in message
    )
    facts = compute(entries, options, errors)
    assert list(facts.facts.settlement.payment_shares.values()) == [
        [("INV-1", D("1200.00")), ("INV-2", D("500.00"))]
    ]
    # Written as the message says: 700.00 for INV-1's detention and INV-2, and the
    # 1,000.00 misdirected: no error, nothing of ours open, 1,000.00 owed to Summit, by us
    # (its due-to-factor account), not by TQL, who paid it all: INV-1 stays in Summit's
    # table (Summit has not reported it collected) at 0.00.
    split = text.replace(
        "  Assets:Bank:Checking          1700.00 USD\n",
        "  Assets:Bank:Checking          700.00 USD\n",
    ) + (
        '\n2025-03-10 * "TQL" "Check for load 1" ^INV-1\n  factoring: "misdirected-payment"\n'
        "  Assets:Bank:Checking  1000.00 USD\n"
    )
    entries, errors, options = loader.load_string(split)
    assert errors == []
    aging = compute(entries, options, errors).aging(as_of=day(2025, 3, 31))
    assert {(x.invoice, x.factor): x.amount for x in aging.invoices} == {
        ("INV-1", "Summit"): D("0.00")
    }
    (totals,) = aging.totals
    assert (totals.factor_outstanding, totals.paid_to_us) == (ZERO, D("1000.00"))


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_check_that_links_a_held_invoice_but_pays_only_ours_is_asked_about(model):
    # No detention this time: INV-1 (1,000.00) is Summit's whole, INV-2 (500.00) ours, and
    # TQL's check of 500.00 links both. Shared on what each owes us, INV-2 takes the
    # 500.00 and INV-1 nothing (it owes us nothing). But the remittance names INV-1: part
    # of the check may be Summit's (a part payment of INV-1, INV-2 still open), which
    # would be owed to Summit with no word. FCT136 asks, naming both ways to write it.
    text = full(
        HELD_AND_OURS.replace(
            '2025-03-04 * "TQL" "Detention on load 1" ^INV-1\n'
            "  Assets:Receivable:TQL         200.00 USD\n  Income:Freight\n\n",
            "",
        ).replace("700.00 USD", "500.00 USD")
    )
    if model == "loan":
        text = _loan(text)
    _, errors, _ = loader.load_string(text)
    assert [error.message.split(" ", 1)[0] for error in errors] == ["FCT136"]
    message = errors[0].message
    assert "links invoice INV-1, which factor 'Summit' holds" in message
    assert "none of its 500.00 USD is booked to INV-1" in message
    assert "drop the link ^INV-1" in message
    # Written without INV-1's link, as the message says: no error, INV-2 paid.
    _, errors, _ = loader.load_string(text.replace("^INV-1 ^INV-2", "^INV-2"))
    assert errors == []


# SOLD_THEN_BILLED, TQL's check of 1,200.00 for INV-1 (1,000.00 of face, Summit's) and
# its detention (200.00, ours) marked misdirected; forwarded, collected and released.
PAID_US_FACE_AND_MEMO = SOLD_THEN_BILLED.replace(
    '"Check for the detention" ^INV-1\n  Assets:Bank:Checking          200.00 USD\n'
    "  Assets:Receivable:TQL\n",
    '"Check for load 1" ^INV-1\n  factoring: "misdirected-payment"\n'
    "  Assets:Bank:Checking         1200.00 USD\n\n"
    '2025-03-11 * "SUMMIT FUNDING" "Forward TQL\'s check" ^INV-1\n'
    "  Liabilities:Factoring:Summit:DueToFactor   1000.00 USD\n"
    "  Assets:Bank:Checking\n\n"
    '2025-03-20 * "Summit" "INV-1 collected" ^INV-1\n'
    '  factoring: "collected"\n\n'
    '2025-03-28 * "SUMMIT FUNDING" "Rebate" ^INV-1\n'
    "  Assets:Bank:Checking           50.00 USD\n"
    "  Assets:Factoring:Summit:Reserve\n",
)


def _check_legs(entries, narration="Check for load 1"):
    check = next(e for e in entries if getattr(e, "narration", "") == narration)
    return [(p.account, p.units.number, p.meta.get("factoring-part")) for p in check.postings]


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_misdirected_payment_of_a_face_and_its_debit_memo_pays_the_memo(model):
    # TQL pays us 1,200.00 for INV-1 (Summit holds its 1,000.00 face; the 200.00 of
    # detention billed on it is ours), marked misdirected. It was FCT133 (200.00 beyond
    # what is left unpaid of the face), advising to write the detention as a payment of
    # its own. Exactly the face unpaid + the memo unpaid: the 200.00 credits the
    # receivable (ours, part overpay as at a factor's collection of both), the 1,000.00
    # is owed to Summit.
    text = full(PAID_US_FACE_AND_MEMO)
    if model == "loan":
        text = _loan(text)
    book = book_of(text)
    assert book.facts.errors == []
    assert _check_legs(book.facts.entries) == [
        ("Assets:Bank:Checking", D("1200.00"), None),
        ("Liabilities:Factoring:Summit:DueToFactor", D("-1000.00"), "misdirected-payment"),
        ("Assets:Receivable:TQL", D("-200.00"), "overpay"),
    ]
    # 03-15, forwarded, not yet collected: nothing of ours open, Summit's INV-1 paid to
    # us (and forwarded). Receivable: sale 1,000.00 - 1,000.00 + 200.00 - 200.00 = 0.00;
    # loan 1,000.00 + 200.00 - 200.00 = 1,000.00, pledged until the collection.
    pledged = D("1000.00") if model == "loan" else ZERO
    before = book.aging(as_of=day(2025, 3, 15))
    assert [x for x in before.invoices if x.factor is None] == []
    (totals,) = before.totals
    assert totals.receivable_balance == totals.pledged == pledged
    _ties_per_customer(book, before)
    # 03-31: collected and released: nothing open, no customer credit, nothing owed.
    after = book.aging(as_of=day(2025, 3, 31))
    assert after.invoices == ()
    assert after.totals[0].receivable_balance == ZERO
    entries = book.facts.entries
    assert balance(entries, "Liabilities:Factoring:Summit:DueToFactor") == ZERO
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == ZERO
    # Bank: 930.00 + 1,200.00 - 1,000.00 + 50.00 = 1,180.00 = 1,200.00 billed - 20.00 fee.
    assert balance(entries, "Assets:Bank:Checking") == D("1180.00")
    assert not any("CustomerCredits" in account for account in _accounts(entries))
    items = [
        (item.kind, item.cash)
        for account in book.reconcile(as_of=day(2025, 3, 10)).accounts
        for item in account.items
    ]
    assert items == [("payment to forward", D("-1000.00"))]


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_misdirected_payment_beyond_a_face_and_its_debit_memo(model):
    # 1,300.00: 100.00 beyond the face unpaid (1,000.00) and the memo (200.00). FCT133
    # names both; said to be an overpay, the memo credits the receivable and the 100.00
    # is owed back to TQL: Due -1,000.00, Receivable -200.00, Credits -100.00.
    text = full(PAID_US_FACE_AND_MEMO.replace("1200.00 USD", "1300.00 USD"))
    if model == "loan":
        text = _loan(text)
    _, errors, _ = loader.load_string(text)
    assert errors[0].message.startswith("FCT133 ")
    assert (
        "Invoice INV-1: this payment of 1,300.00 USD is 100.00 more than is left unpaid "
        "(1,000.00 of the face 1,000.00) and the 200.00 billed on it beyond its face (a "
        "debit memo, which it pays, to the receivable): if the customer really paid more "
        "(the 100.00 is owed back to it on Liabilities:Factoring:Summit:CustomerCredits:"
        'TQL), say reason: "overpay"'
    ) in errors[0].message
    said = text.replace(
        '  factoring: "misdirected-payment"\n',
        '  factoring: "misdirected-payment"\n  reason: "overpay"\n',
    )
    entries, errors, options = loader.load_string(said)
    assert errors == []
    assert _check_legs(entries) == [
        ("Assets:Bank:Checking", D("1300.00"), None),
        ("Liabilities:Factoring:Summit:DueToFactor", D("-1000.00"), "misdirected-payment"),
        ("Assets:Receivable:TQL", D("-200.00"), "overpay"),
        ("Liabilities:Factoring:Summit:CustomerCredits:TQL", D("-100.00"), "overpay"),
    ]
    assert compute(entries, options, errors).aging(as_of=day(2025, 3, 31)).invoices == ()


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_misdirected_payment_of_a_face_and_part_of_its_debit_memo_is_asked_about(model):
    # 1,100.00: more than the face unpaid, less than it and the memo. Which part pays
    # what cannot be told (all the face and 100.00 of the memo, or 900.00 of the face
    # and all the memo): FCT133 gives both ways to write it. Said to pay the face in
    # full (reason: "overpay"), the 100.00 beyond it pays the memo: Due -1,000.00,
    # Receivable -100.00; 200.00 - 100.00 = 100.00 of the detention is still ours open.
    text = full(PAID_US_FACE_AND_MEMO.replace("1200.00 USD", "1100.00 USD"))
    if model == "loan":
        text = _loan(text)
    _, errors, _ = loader.load_string(text)
    assert errors[0].message.startswith("FCT133 ")
    message = errors[0].message
    assert (
        "this payment of 1,100.00 USD is 100.00 more than is left unpaid (1,000.00 of the "
        "face 1,000.00), and 100.00 less than that and the 200.00 billed on it beyond its "
        "face (a debit memo)"
    ) in message
    assert 'if it pays the face in full and 100.00 of the memo, say reason: "overpay"' in message
    assert "a payment of its own that credits the receivable" in message
    said = text.replace(
        '  factoring: "misdirected-payment"\n',
        '  factoring: "misdirected-payment"\n  reason: "overpay"\n',
    )
    entries, errors, options = loader.load_string(said)
    assert errors == []
    assert _check_legs(entries) == [
        ("Assets:Bank:Checking", D("1100.00"), None),
        ("Liabilities:Factoring:Summit:DueToFactor", D("-1000.00"), "misdirected-payment"),
        ("Assets:Receivable:TQL", D("-100.00"), "overpay"),
    ]
    aging = compute(entries, options, errors).aging(as_of=day(2025, 3, 31))
    assert {(x.invoice, x.factor): x.amount for x in aging.invoices} == {
        ("INV-1", None): D("100.00")
    }


def test_a_face_and_part_of_its_debit_memo_written_the_other_way_the_error_gives():
    # FCT133's other way for the 1,100.00 above: 900.00 of the face and all the memo,
    # the memo's 200.00 written as a payment of its own that credits the receivable,
    # the 900.00 as the misdirected payment (forwarded: 900.00). Summit's collection
    # then has the rest of the face (100.00) from TQL. Bank: 930.00 + 900.00 + 200.00 -
    # 900.00 + 50.00 = 1,180.00; the receivable and the due-to-factor account at zero.
    text = PAID_US_FACE_AND_MEMO.replace(
        '  factoring: "misdirected-payment"\n  Assets:Bank:Checking         1200.00 USD\n',
        '  factoring: "misdirected-payment"\n  Assets:Bank:Checking          900.00 USD\n\n'
        '2025-03-10 * "TQL" "Check for the detention" ^INV-1\n'
        "  Assets:Bank:Checking          200.00 USD\n  Assets:Receivable:TQL\n",
    ).replace("DueToFactor   1000.00 USD", "DueToFactor    900.00 USD")
    assert "900.00 USD\n\n2025-03-10" in text
    entries, errors, _ = loader.load_string(full(text))
    assert errors == []
    assert _check_legs(entries) == [
        ("Assets:Bank:Checking", D("900.00"), None),
        ("Liabilities:Factoring:Summit:DueToFactor", D("-900.00"), "misdirected-payment"),
    ]
    assert balance(entries, "Assets:Bank:Checking") == D("1180.00")
    assert balance(entries, "Assets:Receivable:TQL") == ZERO
    assert balance(entries, "Liabilities:Factoring:Summit:DueToFactor") == ZERO


def _accounts(entries) -> set[str]:
    return {p.account for e in entries if isinstance(e, data.Transaction) for p in e.postings}


def balance(entries, account: str) -> Decimal:
    return sum(
        (
            p.units.number
            for e in entries
            if isinstance(e, data.Transaction)
            for p in e.postings
            if p.account == account
        ),
        ZERO,
    )


# SOLD_THEN_BILLED, with Summit's report that TQL paid it INV-1 and its detention.
COLLECTED_WITH_MEMO = SOLD_THEN_BILLED.replace(
    '2025-03-10 * "TQL" "Check for the detention" ^INV-1\n'
    "  Assets:Bank:Checking          200.00 USD\n"
    "  Assets:Receivable:TQL\n",
    '2025-03-20 * "TQL paid Summit" ^INV-1\n'
    '  factoring: "collected"\n'
    "  paid: 1200.00 USD\n\n"
    '2025-03-28 * "SUMMIT FUNDING" "Rebate" ^INV-1\n'
    "  Assets:Bank:Checking          250.00 USD\n"
    "  Assets:Factoring:Summit:Reserve\n",
)


@pytest.mark.parametrize("kept", [False, True], ids=["settled-again", "plugin-run"])
@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_factors_collection_of_an_invoice_and_its_debit_memo(model, kept, monkeypatch):
    # Summit funds INV-1 (1,000.00: 950.00 advanced less 2% = 930.00, 50.00 held in the
    # reserve); we bill 200.00 of detention on it (ours). TQL pays Summit both, 1,200.00,
    # and Summit reports it collected with paid: 1200.00 USD. It was FCT133 (200.00 more
    # than the face), and its advice (reason: "overpay") owed the 200.00 back to TQL on
    # its customer credits, the detention left open in the aging for good. Summit
    # collected our detention: it clears the receivable (part overpay, naming INV-1) and
    # Summit holds it in the reserve, released with the rest: 50.00 + 200.00 = 250.00.
    monkeypatch.setattr(history, "_wanted", kept)
    text = full(COLLECTED_WITH_MEMO)
    if model == "loan":
        text = _loan(text)
    book = book_of(text)
    assert book.facts.errors == []
    collected = next(
        e for e in book.facts.entries if getattr(e, "narration", "") == "TQL paid Summit"
    )
    memo = [
        (p.account, p.units.number)
        for p in collected.postings
        if p.meta.get("factoring-part") == "overpay"
    ]
    assert memo == [
        ("Assets:Receivable:TQL", D("-200.00")),
        ("Assets:Factoring:Summit:Reserve", D("200.00")),
    ]
    # Before: we hold the detention, Summit the face. After: nothing open; the
    # receivable 1,000.00 - 1,000.00 (sold, or collected under the loan model) + 200.00
    # - 200.00 = 0.00, and no customer credit.
    before = book.aging(as_of=day(2025, 3, 19))
    assert {(x.invoice, x.factor): x.amount for x in before.invoices} == {
        ("INV-1", None): D("200.00"),
        ("INV-1", "Summit"): D("1000.00"),
    }
    report = book.aging(as_of=day(2025, 3, 31))
    assert report.invoices == ()
    (totals,) = report.totals
    assert totals.receivable_balance == totals.pledged == ZERO
    _ties_per_customer(book, report)
    credits = [
        p
        for e in book.facts.entries
        if isinstance(e, data.Transaction)
        for p in e.postings
        if "CustomerCredits" in p.account
    ]
    assert credits == []


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_factors_collection_beyond_an_invoice_and_its_debit_memo(model):
    # paid: 1300.00 USD is 100.00 beyond the face and the detention: FCT133, naming
    # both; said to be an overpay, the detention clears the receivable and the 100.00
    # is owed to TQL, Summit holding all 300.00 (the rebate is then 350.00).
    text = full(
        COLLECTED_WITH_MEMO.replace("paid: 1200.00", "paid: 1300.00").replace(
            "250.00 USD", "350.00 USD"
        )
    )
    if model == "loan":
        text = _loan(text)
    # (Refused, INV-1 stays open: the rebate of it is refused too.)
    _, errors, _ = loader.load_string(text)
    assert errors[0].message.startswith("FCT133 ")
    assert (
        "paid 1300.00 USD brings the payments to 1300.00, 100.00 more than the face 1000.00 "
        "and the 200.00 billed on it beyond its face (a debit memo, which the payment pays "
        'first, to the receivable): if the customer really paid more, say reason: "overpay" '
        "(the 100.00 is then owed back to it on "
        "Liabilities:Factoring:Summit:CustomerCredits:TQL)"
    ) in errors[0].message
    said = text.replace("  paid: 1300.00 USD\n", '  paid: 1300.00 USD\n  reason: "overpay"\n')
    entries, errors, options = loader.load_string(said)
    assert errors == []
    collected = next(e for e in entries if getattr(e, "narration", "") == "TQL paid Summit")
    assert [
        (p.account, p.units.number)
        for p in collected.postings
        if p.meta.get("factoring-part") == "overpay"
    ] == [
        ("Assets:Receivable:TQL", D("-200.00")),
        ("Liabilities:Factoring:Summit:CustomerCredits:TQL", D("-100.00")),
        ("Assets:Factoring:Summit:Reserve", D("300.00")),
    ]
    aging = compute(entries, options, errors).aging(as_of=day(2025, 3, 31))
    assert aging.invoices == ()


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_returned_check_takes_back_of_a_held_invoice_only_what_was_ours(model):
    # Summit holds INV-1 (1,000.00, no detention); TQL's check of 1,500.00 for INV-1 and
    # INV-2 pays INV-2 its 500.00 and gives Summit's face 1,000.00 (FCT136), then comes
    # back unpaid. Of INV-1 it counted nothing as ours: taking back 1,000.00 of it read as
    # 1,000.00 billed beyond its face (a debit memo), and TQL's next check of 1,000.00
    # for INV-1, owed to Summit, passed as ours in silence. It is FCT136 too now.
    text = full(
        HELD_AND_OURS.replace(
            '2025-03-04 * "TQL" "Detention on load 1" ^INV-1\n'
            "  Assets:Receivable:TQL         200.00 USD\n  Income:Freight\n",
            "",
        )
        .replace("700.00 USD", "1500.00 USD")
        .replace("Check for the detention and load 2", "Check for loads 1 and 2")
        + """
2025-03-12 * "TQL" "Check returned unpaid" ^INV-1 ^INV-2
  Assets:Bank:Checking          -1500.00 USD
  Assets:Receivable:TQL

2025-03-20 * "TQL" "Check for load 1" ^INV-1
  Assets:Bank:Checking           1000.00 USD
  Assets:Receivable:TQL
"""
    )
    assert "Detention" not in text
    if model == "loan":
        text = _loan(text)
    entries, errors, options = loader.load_string(text)
    lines = {e.meta["lineno"]: e.narration for e in entries if isinstance(e, data.Transaction)}
    found = [(e.message.split(" ", 1)[0], lines[e.source["lineno"]]) for e in errors]
    assert found == [
        ("FCT136", "Check for loads 1 and 2"),
        ("FCT136", "Check for load 1"),
    ]
    states = compute(entries, options, errors).facts.settlement.states
    assert states["INV-1"].direct_paid == ZERO
    assert states["INV-2"].direct_paid == ZERO  # (500.00 paid, 500.00 taken back)


# TQL's opening balance (December's unpaid loads), a load billed by hand with no invoice,
# and a payment on account that names none; CHR pays 500.00 on account before its load
# typed by hand. Nothing names an invoice.
NO_INVOICE = """
2025-01-01 open Equity:Opening-Balances

2025-01-01 * "Opening balance: TQL's loads of December"
  Assets:Receivable:TQL          3000.00 USD
  Equity:Opening-Balances

2025-03-01 * "CHR" "Paid ahead, on account"
  Assets:Bank:Checking            500.00 USD
  Assets:Receivable:CHR

2025-03-10 * "TQL" "Load 7, typed by hand"
  Assets:Receivable:TQL           800.00 USD
  Income:Freight

2025-03-15 * "CHR" "Load 9, typed by hand"
  Assets:Receivable:CHR           800.00 USD
  Income:Freight

2025-06-20 * "TQL" "Payment on account"
  Assets:Bank:Checking           1000.00 USD
  Assets:Receivable:TQL
"""


def _no_invoice_lines(report):
    return sorted(
        (x.account, x.invoice_date, x.reference_date, x.days, x.bucket, x.amount, x.source.lineno)
        for x in report.invoices
    )


def test_postings_that_name_no_invoice_are_aged_each_from_its_own_date():
    # As of 2025-06-30. Before: TQL's 3,000.00 + 800.00 - 1,000.00 = 2,800.00 was one line
    # aged from its latest posting (06-20, 10 days: 1-30), and no terms on the due basis.
    # Now the credit that names no invoice pays the oldest first, as a payment of several
    # invoices does: the opening balance keeps 3,000.00 - 1,000.00 = 2,000.00 from 01-01,
    # load 7 its 800.00 from 03-10; CHR's 500.00 paid ahead is taken off its later load:
    # 800.00 - 500.00 = 300.00 from 03-15. Each is an invoice of its date with no due:
    # (net 30 on the due basis).
    text = full(NO_INVOICE)
    line = {name: text.splitlines().index(name) + 1 for name in text.splitlines() if " * " in name}
    opening, load7, load9 = (
        line[f"2025-0{m} * {t}"]
        for m, t in (
            ("1-01", '"Opening balance: TQL\'s loads of December"'),
            ("3-10", '"TQL" "Load 7, typed by hand"'),
            ("3-15", '"CHR" "Load 9, typed by hand"'),
        )
    )
    book = book_of(text)
    assert book.facts.errors == []
    # Invoice basis: 01-01 -> 06-30 is 180 days (90+); 03-10, 112 days (90+);
    # 03-15, 107 days (90+).
    report = book.aging(as_of=day(2025, 6, 30), basis="invoice")
    tql, chr_ = "Assets:Receivable:TQL", "Assets:Receivable:CHR"
    assert _no_invoice_lines(report) == [
        (chr_, day(2025, 3, 15), day(2025, 3, 15), 107, "90+", D("300.00"), load9),
        (tql, day(2025, 1, 1), day(2025, 1, 1), 180, "90+", D("2000.00"), opening),
        (tql, day(2025, 3, 10), day(2025, 3, 10), 112, "90+", D("800.00"), load7),
    ]
    assert {x.state for x in report.invoices} == {UNATTRIBUTED}
    # Due basis, net 30: due 01-31, 150 days (90+); due 04-09, 82 days (61-90);
    # due 04-14, 77 days (61-90).
    report = book.aging(as_of=day(2025, 6, 30), basis="due")
    assert _no_invoice_lines(report) == [
        (chr_, day(2025, 3, 15), day(2025, 4, 14), 77, "61-90", D("300.00"), load9),
        (tql, day(2025, 1, 1), day(2025, 1, 31), 150, "90+", D("2000.00"), opening),
        (tql, day(2025, 3, 10), day(2025, 4, 9), 82, "61-90", D("800.00"), load7),
    ]
    assert rows(report.unfactored) == {
        ("CHR", None): buckets(d90="300.00"),
        ("TQL", None): buckets(d90="800.00", over="2000.00"),
    }
    # They still tie to the accounts: 2,000.00 + 800.00 + 300.00 = 3,100.00.
    (totals,) = report.totals
    assert totals.receivable_balance == sum(totals.unfactored) == D("3100.00")


def test_a_credit_that_names_no_invoice_beyond_the_debits_is_one_credit_of_its_date():
    # TQL pays 4,000.00 on account on 06-20 against 3,000.00 + 800.00 = 3,800.00 that
    # names no invoice: -200.00 is left, a credit of 06-20 (10 days on the invoice basis).
    text = full(NO_INVOICE.replace("1000.00 USD", "4000.00 USD"))
    report = book_of(text).aging(as_of=day(2025, 6, 30), basis="invoice")
    found = {(x.account, x.invoice_date, x.days, x.amount) for x in report.invoices}
    assert found == {
        ("Assets:Receivable:TQL", day(2025, 6, 20), 10, D("-200.00")),
        ("Assets:Receivable:CHR", day(2025, 3, 15), 107, D("300.00")),
    }


def test_the_text_report_names_the_place_of_each_amount_of_no_invoice():
    text = full(NO_INVOICE)
    report = book_of(text).aging(as_of=day(2025, 6, 30), basis="due")
    output = "\n".join(aging_text(report))
    opening = text.splitlines().index('2025-01-01 * "Opening balance: TQL\'s loads of December"')
    assert "name no invoice" in output
    assert f"Assets:Receivable:TQL 2,000.00 USD (<string>:{opening + 1})" in output
    assert "net 30 on the due basis" in output
    # A ledger whose receivable postings all name their invoices says nothing of it.
    summit = book_of(LEDGERS["SUMMIT"]).aging(as_of=day(2025, 3, 31))
    assert "name no invoice" not in "\n".join(aging_text(summit))
    # Three amounts (TQL's 2,000.00 and 800.00, CHR's 300.00): "Each is aged"; the
    # opening balance alone, one amount: "It is aged".
    assert "3 amounts on the receivable accounts name no invoice" in output
    assert "Each is aged" in output
    one = full(NO_INVOICE).split('2025-03-01 * "CHR"')[0]
    single = "\n".join(aging_text(book_of(one).aging(as_of=day(2025, 6, 30))))
    assert "1 amount on the receivable accounts names no invoice" in single
    assert "It is aged" in single and "Each is" not in single


def test_an_amount_of_no_invoice_is_on_the_row_of_its_accounts_customer():
    # TQL's invoices name their customer "TQL Logistics" (customer:): the opening
    # balance of its account is on that customer's row, beside INV-1 (not on a row
    # "TQL" of its own, which a customer's filter could not find).
    text = full(
        """
2025-01-01 open Equity:Opening-Balances

2025-01-01 * "Opening balance"
  Assets:Receivable:TQL          3000.00 USD
  Equity:Opening-Balances

2025-03-10 * "TQL" "Load 1"
  invoice: "INV-1"
  customer: "TQL Logistics"
  Assets:Receivable:TQL           800.00 USD
  Income:Freight
"""
    )
    report = book_of(text).aging(as_of=day(2025, 3, 31), basis="invoice")
    # 01-01 -> 03-31: 89 days (61-90); 03-10: 21 days (1-30).
    assert rows(report.unfactored) == {
        ("TQL Logistics", None): buckets(d30="800.00", d90="3000.00"),
    }


def test_an_invoice_on_two_accounts_is_aged_on_each_at_what_it_holds():
    # INV-1 bills 150.00 of detention on Assets:Receivable:Echo (a debit that links it),
    # then the chargeback moves its face, 2,000.00, to Assets:Receivable:Recourse:Echo,
    # where Echo pays 500.00. On 03-31 the recourse account holds 2,000.00 - 500.00 =
    # 1,500.00 of it and Echo's account its 150.00 beside INV-2's 700.00 = 850.00. Each
    # account's lines add up to its balance (was: INV-1's 1,650.00 all on the recourse
    # account, 150.00 more than it holds, and Echo's account 150.00 short).
    detention = """
2025-01-05 open Income:Detention
2025-01-20 * "Echo" "Detention on load 1" ^INV-1
  Assets:Receivable:Echo        150.00 USD
  Income:Detention
"""
    report = book_of(full(RECOURSE + detention)).aging(as_of=day(2025, 3, 31), basis="due")
    by_account: dict[str, Decimal] = {}
    for line in report.invoices:
        by_account[line.account] = by_account.get(line.account, D(0)) + line.amount
    assert by_account == {
        "Assets:Receivable:Echo": D("850.00"),
        "Assets:Receivable:Recourse:Echo": D("1500.00"),
    }
    assert sorted((x.invoice, x.state, x.amount) for x in report.invoices) == [
        ("INV-1", CHARGED_BACK, D("150.00")),
        ("INV-1", CHARGED_BACK, D("1500.00")),
        ("INV-2", OPEN, D("700.00")),
    ]
    # The customer's row still ages INV-1's 1,650.00 (55 days: 31-60) and INV-2's 700.00.
    assert rows(report.unfactored) == {("Echo", None): buckets(d30="700.00", d60="1650.00")}
    (totals,) = report.totals
    assert totals.receivable_balance == sum(totals.unfactored) == D("2350.00")
