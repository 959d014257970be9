"""FCT163: a fuel advance still not recouped (nor repaid) past its deadline.

A fuel advance is recouped from the funding of its load's invoice. One whose load
is never invoiced, or whose invoice is never sold, stays a debt to the factor with
no end: the factor will ask for it back (from a rebate, by a chargeback). Past
``fuel-advance-days`` after the advance (by default the agreement's
``recourse-days``, the longest it waits for an invoice's money; 90 when that is 0,
non-recourse) it is an error, judged as of the ledger's last date like FCT160, and
an overdue item of the reconciliation.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader

from beancount_factoring.reports import compute
from beancount_factoring.reports.model import ITEM_FUEL

from ledgers import balance, codes, load

D = Decimal
day = datetime.date
FUEL = "Liabilities:Factoring:RTS:FuelAdvances"

RTS = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
2025-01-01 open Expenses:Fuel

2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  fuel-advance-fee: "2.5%"
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking
"""

# 780.00 in the bank, 2.5% fee: the advance is 780.00 / 0.975 = 800.00.
ADVANCE = """
2025-03-01 * "RTS FINANCIAL" "Fuel advance load TQL-88412"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking          780.00 USD
"""

INVOICE = """
2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  load: "TQL-88412"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight
"""

# 2,000.00 x 0.95 - 2% (40.00) - 800.00 fuel = 1,060.00.
FUNDING = """
2025-03-04 * "RTS FINANCIAL" "ACH deposit" ^INV-1001
  Assets:Bank:Checking         1060.00 USD
  Assets:Factoring:RTS:Clearing
"""


def later(date: str) -> str:
    """An entry of the carrier's own on ``date``: the ledger's last date."""
    return f"""
{date} * "Pilot" "Diesel"
  Expenses:Fuel                  10.00 USD
  Assets:Bank:Checking
"""


def advance_line(text: str) -> int:
    # (After the plugin line.)
    return text.split("Fuel advance load TQL-88412")[0].count("\n") + 2


def test_fct163__a_fuel_advance_whose_load_is_never_invoiced():
    # 03-01 + 90 days = 05-30; on 06-10 it is 101 days old.
    text = RTS + ADVANCE + later("2025-06-10")
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT163"]
    assert errors[0].source["lineno"] == advance_line(text)
    message = errors[0].message
    assert "fuel advance of 800.00 USD on load TQL-88412" in message
    assert "101 days before 2025-06-10" in message
    assert "(recourse-days: 90)" in message
    assert "no invoice of the ledger has its load" in message


def test_a_fuel_advance_inside_its_days_is_no_error():
    # 90 days to the day is still inside: as FCT160, late from the day after.
    _, errors = load(RTS + ADVANCE + later("2025-05-30"), opens=False)
    assert errors == []
    _, errors = load(RTS + ADVANCE + later("2025-05-31"), opens=False)
    assert codes(errors) == ["FCT163"]


def test_fct163__a_fuel_advance_on_an_invoice_never_sold():
    text = RTS + ADVANCE + INVOICE + later("2025-06-10")
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT163"]
    assert errors[0].source["lineno"] == advance_line(text)
    assert "invoice INV-1001" in errors[0].message
    assert "not sold" in errors[0].message


def test_a_fuel_advance_recouped_by_its_funding_is_no_error_later():
    entries, errors = load(RTS + ADVANCE + INVOICE + FUNDING + later("2025-06-01"), opens=False)
    # (INV-1001 is 89 days funded on 06-01: inside its recourse-days too.)
    assert errors == []
    assert balance(entries, FUEL) == 0


def test_a_fuel_advance_repaid_is_no_error_later():
    repaid = """
2025-03-10 * "RTS FINANCIAL" "Fuel advance wired back"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking         -800.00 USD
"""
    for invoice in ("", INVOICE):
        _, errors = load(RTS + ADVANCE + invoice + repaid + later("2025-09-01"), opens=False)
        assert errors == []


def test_fct163__what_is_left_of_a_fuel_advance_repaid_in_part():
    # 800.00 advanced, 300.00 wired back: 500.00 is open.
    repaid = """
2025-03-10 * "RTS FINANCIAL" "Fuel advance wired back, part"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking         -300.00 USD
"""
    for invoice in ("", INVOICE):
        _, errors = load(RTS + ADVANCE + invoice + repaid + later("2025-06-10"), opens=False)
        assert codes(errors) == ["FCT163"]
        assert "500.00 USD of it is still open" in errors[0].message


def test_the_oldest_advance_still_open_is_the_one_reported():
    # Two advances on INV-1001's load (03-01: 800.00; 04-01: 400.00, 390.00 in the
    # bank); 800.00 wired back repays the first. On 06-10 the second is 70 days old:
    # inside. On 07-01, 91 days: FCT163 on the second advance, not the first.
    second = """
2025-04-01 * "RTS FINANCIAL" "Second fuel advance load TQL-88412"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking          390.00 USD

2025-04-02 * "RTS FINANCIAL" "Fuel advance wired back"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking         -800.00 USD
"""
    for invoice in ("", INVOICE):
        _, errors = load(RTS + ADVANCE + invoice + second + later("2025-06-10"), opens=False)
        assert errors == []
        text = RTS + ADVANCE + invoice + second + later("2025-07-01")
        _, errors = load(text, opens=False)
        assert codes(errors) == ["FCT163"]
        line = text.split("Second fuel advance")[0].count("\n") + 2
        assert errors[0].source["lineno"] == line
        assert "fuel advance of 400.00 USD" in errors[0].message


def test_fuel_advance_days_sets_the_deadline():
    # 14 days: 03-01 + 14 = 03-15; the invoice not sold by 03-20 is late.
    terms = RTS.replace("  recourse-days: 90\n", "  recourse-days: 90\n  fuel-advance-days: 14\n")
    _, errors = load(terms + ADVANCE + INVOICE + later("2025-03-20"), opens=False)
    assert codes(errors) == ["FCT163"]
    assert "(fuel-advance-days: 14)" in errors[0].message
    _, errors = load(terms + ADVANCE + INVOICE + later("2025-03-15"), opens=False)
    assert errors == []


def test_fuel_advance_days_zero_makes_no_such_check():
    terms = RTS.replace("  recourse-days: 90\n", "  recourse-days: 90\n  fuel-advance-days: 0\n")
    _, errors = load(terms + ADVANCE + later("2026-06-10"), opens=False)
    assert errors == []


def test_fuel_advance_days_must_be_whole_days():
    terms = RTS.replace(
        "  recourse-days: 90\n", '  recourse-days: 90\n  fuel-advance-days: "2 weeks"\n'
    )
    _, errors = load(terms + ADVANCE, opens=False)
    assert "FCT110" in codes(errors)
    assert any("fuel-advance-days" in e.message for e in errors)


def test_a_non_recourse_agreement_gives_a_fuel_advance_90_days():
    # recourse-days: 0 is the factor bearing the customer's credit, not a fuel advance
    # with no end: 90 days, the usual recourse period.
    terms = RTS.replace("recourse-days: 90", "recourse-days: 0")
    _, errors = load(terms + ADVANCE + later("2025-05-30"), opens=False)
    assert errors == []
    _, errors = load(terms + ADVANCE + later("2025-06-10"), opens=False)
    assert codes(errors) == ["FCT163"]
    assert "(90 days: recourse-days is 0)" in errors[0].message


def test_the_as_of_of_the_plugin_config_is_the_day_judged_on():
    text = RTS + ADVANCE + later("2025-06-10")
    _, errors = load(text, config="{'as-of': '2025-04-01'}", opens=False)
    assert errors == []


def test_fct163__can_be_switched_off():
    text = RTS + ADVANCE + later("2025-06-10")
    _, errors = load(text, config="{'disable': ['FCT163']}", opens=False)
    assert errors == []


def _fuel_items(text: str, as_of: datetime.date):
    entries, errors, options = loader.load_string('plugin "beancount_factoring.plugin"\n' + text)
    report = compute(entries, options, errors).reconcile(as_of=as_of)
    found = [i for a in report.accounts for i in a.items if i.kind == ITEM_FUEL]
    return found, report


def test_the_reconciliation_lists_a_fuel_advance_past_its_deadline_as_overdue():
    for invoice, reference in (("", "load TQL-88412"), (INVOICE, "INV-1001")):
        text = RTS + ADVANCE + invoice + later("2025-06-10")
        (item,), report = _fuel_items(text, day(2025, 5, 30))
        assert item.reference == reference
        assert item.deadline == day(2025, 5, 30)
        assert not item.overdue
        assert report.ok
        (item,), report = _fuel_items(text, day(2025, 6, 10))
        assert item.overdue
        assert not report.ok
        assert any(
            f"{reference}" in p and "past 2025-05-30 by 11 days" in p for p in report.problems
        )


def test_fct163__a_fuel_advance_on_an_invoice_the_customer_paid_to_you():
    # The broker paid the carrier directly: no funding will ever recoup the advance;
    # what is missing is its repayment, not a sale.
    paid = """
2025-03-20 * "TQL" "Payment" ^INV-1001
  Assets:Bank:Checking         2000.00 USD
  Assets:Receivable:TQL
"""
    _, errors = load(RTS + ADVANCE + INVOICE + paid + later("2025-06-10"), opens=False)
    assert codes(errors) == ["FCT163"]
    message = errors[0].message
    assert "2,000.00 USD of it is paid to you or credited" in message
    assert "Book the advance's repayment" in message
    assert "Book the invoice's sale" not in message


SCHEDULE = """
2025-03-04 * "RTS FINANCIAL" "Schedule 12" ^INV-1001
  factoring: "schedule"
  schedule: "12"
"""

# RTS's later cash: INV-900 (1,000.00) funded on 04-03 with 1,000.00 x 0.95 - 2% = 930.00.
LATER_CASH = """
2025-03-02 * "TQL" "Load 7"
  invoice: "INV-900"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-04-03 * "RTS FINANCIAL" "ACH deposit" ^INV-900
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:RTS:Clearing

2025-04-20 * "TQL" "Paid RTS" ^INV-900
  factoring: "collected"
"""


def test_an_unfunded_schedule_reported_by_fct162_is_not_said_again_by_fct163():
    # INV-1001 (its load advanced on 03-01) is on schedule 12 of 03-04, never funded,
    # while RTS funded INV-900 on 04-03: FCT162 on the schedule says the funding is
    # missing, and its fix (book the deposit) recoups the advance too. FCT163 on the
    # advance said the same of the same schedule a second time.
    text = RTS + ADVANCE + INVOICE + SCHEDULE + LATER_CASH + later("2025-06-10")
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT162"]
    # Without the factor's later cash there is no FCT162: FCT163 is the one word.
    _, errors = load(RTS + ADVANCE + INVOICE + SCHEDULE + later("2025-06-10"), opens=False)
    assert codes(errors) == ["FCT163"]
    assert "schedule 12 of 2025-03-04 that sold the invoice is not funded" in errors[0].message
    # FCT162 switched off: FCT163 speaks for the advance.
    _, errors = load(text, config="{'disable': ['FCT162']}", opens=False)
    assert codes(errors) == ["FCT163"]


HAND_REPAYMENT = """
2025-03-10 * "RTS FINANCIAL" "Fuel advance wired back"
  Assets:Bank:Checking                     -800.00 USD
  Liabilities:Factoring:RTS:FuelAdvances
"""


def test_a_repayment_written_by_hand_is_one_error_not_two():
    # The 800.00 wired back on 03-10 is typed by hand on the fuel-advances account:
    # FCT134 on it says the plugin does not read it and how to write it as an event.
    # FCT163 on the advance ("neither recouped nor repaid") was a second error of the
    # same entry, one the user would read as false: the advance was repaid.
    for invoice in ("", INVOICE):
        text = RTS + ADVANCE + invoice + HAND_REPAYMENT + later("2025-06-10")
        _, errors = load(text, opens=False)
        assert codes(errors) == ["FCT134"]
        assert "by hand" in errors[0].message
        # FCT134 switched off: the advance is still open to the plugin, and said so.
        _, errors = load(text, config="{'disable': ['FCT134']}", opens=False)
        assert codes(errors) == ["FCT163"]


def test_a_hand_entry_before_the_advance_does_not_speak_for_it():
    # A hand entry of 02-10 on the fuel-advances account (FCT134) is no repayment of
    # the advance of 03-01: FCT163 still reports that one.
    early = HAND_REPAYMENT.replace("2025-03-10", "2025-02-10")
    _, errors = load(RTS + early + ADVANCE + later("2025-06-10"), opens=False)
    assert codes(errors) == ["FCT134", "FCT163"]


def test_fct163__a_fuel_advance_on_an_invoice_credited_says_so():
    # The load was cancelled: a credit note takes INV-1001 off the receivable. Nobody
    # paid it; FCT163 said "the customer paid you 2,000.00 USD for it". It is closed
    # apart from the factor all the same: what is missing is the advance's repayment.
    credited = """
2025-03-05 * "TQL" "Credit note: load cancelled" ^INV-1001
  Assets:Receivable:TQL        -2000.00 USD
  Income:Freight
"""
    _, errors = load(RTS + ADVANCE + INVOICE + credited + later("2025-06-10"), opens=False)
    assert codes(errors) == ["FCT163"]
    message = errors[0].message
    assert "the customer paid you" not in message
    assert "2,000.00 USD of it is paid to you or credited" in message
    assert "Book the advance's repayment" in message
