"""One test per event kind: ledger text in, entries out."""

from __future__ import annotations

from decimal import Decimal

from ledgers import assert_includes, balance, codes, legs, load, txn

D = Decimal

SUMMIT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2.5%"
  invoice-fee: 5.00 USD
  transfer-fee: 15.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2150.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load CHR-551907"
  invoice: "INV-1002"
  Assets:Receivable:CHR        1875.00 USD
  Income:Freight
"""

SCHEDULE = """
2025-03-04 * "Summit" "Schedule 10452" ^INV-1001 ^INV-1002
  factoring: "schedule"
  schedule: "10452"
"""


def test_invoice__gains_its_link():
    entries, errors = load(SUMMIT)
    assert errors == []
    assert txn(entries, "Load TQL-88412").links == {"INV-1001"}


def test_schedule__moves_the_invoices_to_clearing_in_one_posting_per_schedule():
    # The default detail, 'item': the factor's account gets the schedule's total.
    entries, errors = load(SUMMIT + SCHEDULE)
    assert errors == []
    entry = txn(entries, "Schedule 10452")
    assert legs(entry) == [
        ("Assets:Factoring:Summit:Clearing", D("4025.00"), None, "face"),
        ("Assets:Receivable:CHR", D("-1875.00"), "INV-1002", "face"),
        ("Assets:Receivable:TQL", D("-2150.00"), "INV-1001", "face"),
    ]
    assert all(p.meta["schedule"] == "10452" for p in entry.postings)
    assert entry.links == {"INV-1001", "INV-1002", "sched-10452"}


def test_schedule__moves_each_invoice_to_clearing_with_detail_invoice():
    entries, errors = load(SUMMIT + SCHEDULE, "{'detail': 'invoice'}")
    assert errors == []
    entry = txn(entries, "Schedule 10452")
    assert legs(entry) == [
        ("Assets:Factoring:Summit:Clearing", D("1875.00"), "INV-1002", "face"),
        ("Assets:Factoring:Summit:Clearing", D("2150.00"), "INV-1001", "face"),
        ("Assets:Receivable:CHR", D("-1875.00"), "INV-1002", "face"),
        ("Assets:Receivable:TQL", D("-2150.00"), "INV-1001", "face"),
    ]
    assert all(p.meta["schedule"] == "10452" for p in entry.postings)
    assert entry.links == {"INV-1001", "INV-1002", "sched-10452"}
    assert balance(entries, "Assets:Receivable:TQL") == 0


# Two more invoices, one for each customer: a schedule of four on two accounts.
TWO_MORE = """
2025-03-03 * "TQL" "Load TQL-88470"
  invoice: "INV-1003"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load CHR-552010"
  invoice: "INV-1004"
  Assets:Receivable:CHR         625.00 USD
  Income:Freight
"""

SCHEDULE_10460 = """
2025-03-04 * "Summit" "Schedule 10460" ^INV-1001 ^INV-1002 ^INV-1003 ^INV-1004
  factoring: "schedule"
  schedule: "10460"
"""


def test_schedule__credits_each_receivable_once_per_schedule():
    # Each customer's invoices leave its receivable in one credit, as they leave the
    # books: TQL 2,150.00 + 1,000.00 = 3,150.00; CHR 1,875.00 + 625.00 = 2,500.00;
    # to clearing 3,150.00 + 2,500.00 = 5,650.00. The links name every invoice.
    entries, errors = load(SUMMIT + TWO_MORE + SCHEDULE_10460)
    assert errors == []
    entry = txn(entries, "Schedule 10460")
    assert legs(entry) == [
        ("Assets:Factoring:Summit:Clearing", D("5650.00"), None, "face"),
        ("Assets:Receivable:CHR", D("-2500.00"), None, "face"),
        ("Assets:Receivable:TQL", D("-3150.00"), None, "face"),
    ]
    assert all(p.meta["schedule"] == "10460" for p in entry.postings)
    assert entry.links == {"INV-1001", "INV-1002", "INV-1003", "INV-1004", "sched-10460"}
    assert balance(entries, "Assets:Receivable:TQL") == 0
    assert balance(entries, "Assets:Receivable:CHR") == 0


def test_schedule__credits_each_invoice_apart_with_detail_invoice():
    entries, errors = load(SUMMIT + TWO_MORE + SCHEDULE_10460, "{'detail': 'invoice'}")
    assert errors == []
    entry = txn(entries, "Schedule 10460")
    assert legs(entry) == [
        ("Assets:Factoring:Summit:Clearing", D("625.00"), "INV-1004", "face"),
        ("Assets:Factoring:Summit:Clearing", D("1000.00"), "INV-1003", "face"),
        ("Assets:Factoring:Summit:Clearing", D("1875.00"), "INV-1002", "face"),
        ("Assets:Factoring:Summit:Clearing", D("2150.00"), "INV-1001", "face"),
        ("Assets:Receivable:CHR", D("-1875.00"), "INV-1002", "face"),
        ("Assets:Receivable:CHR", D("-625.00"), "INV-1004", "face"),
        ("Assets:Receivable:TQL", D("-2150.00"), "INV-1001", "face"),
        ("Assets:Receivable:TQL", D("-1000.00"), "INV-1003", "face"),
    ]
    assert all(p.meta["schedule"] == "10460" for p in entry.postings)
    assert entry.links == {"INV-1001", "INV-1002", "INV-1003", "INV-1004", "sched-10460"}


def test_funding__straight_from_the_receivable_credits_it_once():
    # No schedule: the faces leave the receivable at the funding, summed per account:
    # TQL 2,150.00 + 1,000.00 = 3,150.00. Advance 95% = 2,992.50; fee 2.5%: 53.75
    # + 25.00 = 78.75; invoice fees 2 x 5.00; transfer fee 15.00:
    # cash = 2,992.50 - 78.75 - 10.00 - 15.00 = 2,888.75.
    funding = """
2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-1001 ^INV-1003
  Assets:Bank:Checking        2888.75 USD
  Assets:Factoring:Summit:Clearing
"""
    entries, errors = load(SUMMIT + TWO_MORE + funding)
    assert errors == []
    entry = txn(entries, "ACH")
    assert [leg for leg in legs(entry) if leg[0].startswith("Assets:Receivable")] == [
        ("Assets:Receivable:TQL", D("-3150.00"), None, "face"),
    ]
    assert entry.links == {"INV-1001", "INV-1003"}
    entries, errors = load(SUMMIT + TWO_MORE + funding, "{'detail': 'invoice'}")
    assert errors == []
    assert [leg for leg in legs(txn(entries, "ACH")) if leg[0].startswith("Assets:Rec")] == [
        ("Assets:Receivable:TQL", D("-2150.00"), "INV-1001", "face"),
        ("Assets:Receivable:TQL", D("-1000.00"), "INV-1003", "face"),
    ]


FUNDING_10452 = """
2025-03-05 * "SUMMIT FUNDING" "ACH 10452"
  schedule: "10452"
  Assets:Bank:Checking        3698.12 USD
  Assets:Factoring:Summit:Clearing
"""


def test_funding__splits_the_clearing_leg_per_schedule_and_part():
    # The invoices' parts added up per schedule: what the factor's report totals.
    entries, errors = load(SUMMIT + SCHEDULE + FUNDING_10452)
    assert errors == []
    entry = txn(entries, "ACH 10452")
    assert legs(entry) == [
        ("Assets:Bank:Checking", D("3698.12"), None, None),
        ("Assets:Factoring:Summit:Clearing", D("-4025.00"), None, "face"),
        ("Assets:Factoring:Summit:Reserve", D("201.25"), None, "reserve"),
        ("Expenses:Factoring:Summit:Fees", D("10.00"), None, "invoice-fee"),
        ("Expenses:Factoring:Summit:Fees", D("15.00"), None, "transfer-fee"),
        ("Expenses:Factoring:Summit:Fees", D("100.63"), None, "discount-fee"),
    ]
    assert {p.meta.get("schedule") for p in entry.postings[1:]} == {"10452", None}
    assert entry.links == {"INV-1001", "INV-1002", "sched-10452"}
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0


def test_funding__splits_the_clearing_leg_per_invoice_with_detail_invoice():
    # Advance 95%: 2042.50 + 1781.25; fee 2.5%: 53.75 + 46.88; invoice fees 2 x 5;
    # transfer fee 15: cash = 3823.75 - 100.63 - 10 - 15 = 3698.12.
    entries, errors = load(SUMMIT + SCHEDULE + FUNDING_10452, "{'detail': 'invoice'}")
    assert errors == []
    entry = txn(entries, "ACH 10452")
    assert legs(entry) == [
        ("Assets:Bank:Checking", D("3698.12"), None, None),
        ("Assets:Factoring:Summit:Clearing", D("-2150.00"), "INV-1001", "face"),
        ("Assets:Factoring:Summit:Clearing", D("-1875.00"), "INV-1002", "face"),
        ("Assets:Factoring:Summit:Reserve", D("93.75"), "INV-1002", "reserve"),
        ("Assets:Factoring:Summit:Reserve", D("107.50"), "INV-1001", "reserve"),
        ("Expenses:Factoring:Summit:Fees", D("5.00"), "INV-1001", "invoice-fee"),
        ("Expenses:Factoring:Summit:Fees", D("5.00"), "INV-1002", "invoice-fee"),
        ("Expenses:Factoring:Summit:Fees", D("15.00"), None, "transfer-fee"),
        ("Expenses:Factoring:Summit:Fees", D("46.88"), "INV-1002", "discount-fee"),
        ("Expenses:Factoring:Summit:Fees", D("53.75"), "INV-1001", "discount-fee"),
    ]
    assert entry.links == {"INV-1001", "INV-1002", "sched-10452"}
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("201.25")


def test_funding__by_invoice_links_without_a_schedule():
    entries, errors = load(
        SUMMIT
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-1001
  Assets:Bank:Checking        1968.75 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    assert errors == []
    assert_includes(
        """
        2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-1001
          Assets:Bank:Checking                1968.75 USD
          Assets:Receivable:TQL              -2150.00 USD
          Expenses:Factoring:Summit:Fees        53.75 USD
          Expenses:Factoring:Summit:Fees         5.00 USD
          Assets:Factoring:Summit:Reserve      107.50 USD
          Expenses:Factoring:Summit:Fees        15.00 USD
        """,
        entries,
    )


def test_funding__written_by_hand_is_checked_not_replaced():
    text = (
        SUMMIT
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-1001
  Assets:Bank:Checking                1968.75 USD
  Assets:Receivable:TQL              -2150.00 USD
  Expenses:Factoring:Summit:Fees        73.75 USD
  Assets:Factoring:Summit:Reserve      107.50 USD
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert len(txn(entries, "ACH").postings) == 4
    wrong = text.replace("107.50 USD", "117.50 USD").replace("1968.75", "1958.75")
    entries, errors = load(wrong)
    assert codes(errors) == ["FCT120"]
    assert "Assets:Factoring:Summit:Reserve: expected 107.50 USD, written 117.50 USD" in (
        errors[0].message
    )


def test_funding__written_by_hand_within_the_tolerance_holds_what_it_wrote():
    # Faces 2,150.00 and 1,000.00: the agreement gives a 5% reserve of 107.50 + 50.00 =
    # 157.50, and fees of 2.5% + 5.00 each (58.75 + 30.00) and a 15.00 transfer: 103.75.
    # The factor wrote 157.54 to the reserve and 103.71 to the fees (4 cents moved),
    # within the tolerance (0.05). Its rebate of 157.54 then releases exactly
    # what it holds: the reserve account ends at 0.00, with no rounding leg, and the fees
    # account at what the factor took, 3,150.00 - 2,888.75 - 157.54 = 103.71.
    text = (
        SUMMIT.replace("1875.00", "1000.00")
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-1001 ^INV-1002
  Assets:Bank:Checking                2888.75 USD
  Assets:Receivable:TQL              -2150.00 USD
  Assets:Receivable:CHR              -1000.00 USD
  Expenses:Factoring:Summit:Fees       103.71 USD
  Assets:Factoring:Summit:Reserve      157.54 USD

2025-04-01 * "TQL" "Paid" ^INV-1001 ^INV-1002
  factoring: "collected"

2025-04-05 * "SUMMIT FUNDING" "Rebate" ^INV-1001 ^INV-1002
  Assets:Bank:Checking                 157.54 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    entries, errors = load(text, "{'tolerance': '0.05'}")
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("0.00")
    assert balance(entries, "Expenses:Factoring:Summit:Fees") == Decimal("103.71")
    assert "rounding" not in str(txn(entries, "Rebate").postings)


def test_funding__written_by_hand_each_account_within_the_tolerance_but_not_the_whole():
    # The agreement: face 2,150.00 off the receivable, fees 53.75 + 5.00 + 15.00 = 73.75,
    # reserve 107.50: cash 1,968.75. Written: fees 73.79 and reserve 107.54, each 0.04 over
    # (within 0.05), the bank 0.08 short (1,968.67): the whole is beyond the tolerance.
    text = (
        SUMMIT
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-1001
  Assets:Bank:Checking                1968.67 USD
  Assets:Receivable:TQL              -2150.00 USD
  Expenses:Factoring:Summit:Fees        73.79 USD
  Assets:Factoring:Summit:Reserve      107.54 USD
"""
    )
    _, errors = load(text, "{'tolerance': '0.05'}")
    assert codes(errors) == ["FCT120"]
    assert "each account within the tolerance, but +0.08 USD in all" in errors[0].message


def test_funding__written_by_hand_the_face_is_to_the_cent_whatever_the_tolerance():
    # -2,149.96 off the receivable (0.04 short of the face, within 0.05) would leave 0.04
    # on Assets:Receivable:TQL for good, the sold invoice shown open for 0.04.
    text = (
        SUMMIT
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-1001
  Assets:Bank:Checking                1968.71 USD
  Assets:Receivable:TQL              -2149.96 USD
  Expenses:Factoring:Summit:Fees        73.75 USD
  Assets:Factoring:Summit:Reserve      107.50 USD
"""
    )
    _, errors = load(text, "{'tolerance': '0.05'}")
    assert codes(errors) == ["FCT120"]
    assert "Assets:Receivable:TQL: expected -2,150.00 USD, written -2,149.96 USD" in (
        errors[0].message
    )


CLASSIC = """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.80
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "collection"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-03-03 * "Echo" "Load E-1"
  invoice: "E-1"
  Assets:Receivable:Echo       1000.00 USD
  Income:Freight

2025-03-04 * "HARBOR CAPITAL" "Advance E-1" ^E-1
  Assets:Bank:Checking          800.00 USD
  Assets:Factoring:Harbor:Clearing
"""


def test_collected__computes_the_time_based_fee_for_the_release():
    # Paid 45 days after funding: 1.75% + 2 x 0.5% = 2.75% of 1000 = 27.50.
    entries, errors = load(
        CLASSIC
        + """
2025-04-18 * "Echo" "Echo paid Harbor" ^E-1
  factoring: "collected"

2025-04-20 * "HARBOR CAPITAL" "Rebate" ^E-1
  Assets:Bank:Checking          172.50 USD
  Assets:Factoring:Harbor:Reserve
"""
    )
    assert errors == []
    assert txn(entries, "Echo paid Harbor").postings == []
    assert legs(txn(entries, "Rebate")) == [
        ("Assets:Bank:Checking", D("172.50"), None, None),
        ("Assets:Factoring:Harbor:Reserve", D("-200.00"), "E-1", "reserve-release"),
        ("Expenses:Factoring:Harbor:Fees", D("10.00"), "E-1", "late-fee"),
        ("Expenses:Factoring:Harbor:Fees", D("17.50"), "E-1", "discount-fee"),
    ]
    assert balance(entries, "Assets:Factoring:Harbor:Reserve") == 0


def test_collected__short_pay_beyond_the_reserve_is_netted_from_the_next_deposit():
    entries, errors = load(
        CLASSIC
        + """
2025-03-20 * "Echo" "Echo short-paid Harbor" ^E-1
  factoring: "collected"
  paid: 700.00 USD

2025-03-03 * "Echo" "Load E-2"
  invoice: "E-2"
  Assets:Receivable:Echo       3000.00 USD
  Income:Freight

2025-03-25 * "HARBOR CAPITAL" "Advance E-2" ^E-1 ^E-2
  Assets:Bank:Checking        2282.50 USD
  Assets:Factoring:Harbor:Clearing
"""
    )
    assert errors == []
    assert legs(txn(entries, "Echo short-paid Harbor")) == [
        ("Assets:Factoring:Harbor:Clearing", D("-100.00"), "E-1", "short-pay"),
        ("Assets:Factoring:Harbor:Reserve", D("-200.00"), "E-1", "short-pay"),
        ("Income:Factoring:Harbor:Adjustments", D("300.00"), "E-1", "short-pay"),
    ]
    # 2400 advance on E-2 - 100 shortfall of E-1 - its 17.50 fee (its reserve is empty).
    advance = legs(txn(entries, "Advance E-2"))
    assert ("Assets:Factoring:Harbor:Clearing", D("100.00"), "E-1", "short-pay") in advance
    assert ("Expenses:Factoring:Harbor:Fees", D("17.50"), "E-1", "discount-fee") in advance
    assert balance(entries, "Assets:Factoring:Harbor:Clearing") == 0
    assert balance(entries, "Assets:Factoring:Harbor:Reserve") == D("600.00")


def test_collected__short_pay_comes_out_of_the_reserve():
    entries, errors = load(
        CLASSIC
        + """
2025-03-20 * "Echo" "Echo short-paid Harbor" ^E-1
  factoring: "collected"
  paid: 850.00 USD

2025-03-25 * "HARBOR CAPITAL" "Rebate" ^E-1
  Assets:Bank:Checking           32.50 USD
  Assets:Factoring:Harbor:Reserve
"""
    )
    assert errors == []
    assert legs(txn(entries, "Echo short-paid Harbor")) == [
        ("Assets:Factoring:Harbor:Reserve", D("-150.00"), "E-1", "short-pay"),
        ("Income:Factoring:Harbor:Adjustments", D("150.00"), "E-1", "short-pay"),
    ]
    # 16 days: the first tier only, 1.75% of 1000.
    assert legs(txn(entries, "Rebate")) == [
        ("Assets:Bank:Checking", D("32.50"), None, None),
        ("Assets:Factoring:Harbor:Reserve", D("-50.00"), "E-1", "reserve-release"),
        ("Expenses:Factoring:Harbor:Fees", D("17.50"), "E-1", "discount-fee"),
    ]


CHARGEBACK = (
    CLASSIC
    + """
2025-06-02 * "Harbor" "Recourse E-1" ^E-1
  factoring: "chargeback"

2025-03-03 * "Echo" "Load E-2"
  invoice: "E-2"
  Assets:Receivable:Echo       3000.00 USD
  Income:Freight

2025-06-03 * "HARBOR CAPITAL" "Advance E-2 less recourse" ^E-2 ^E-1
  Assets:Bank:Checking         1552.50 USD
  Assets:Factoring:Harbor:Clearing
"""
)


def test_chargeback__then_netted_from_the_next_deposit():
    entries, errors = load(CHARGEBACK)
    assert errors == []
    # 90 days: 1.75% + 6 x 0.5% = 4.75% of 1000 accrued; the reserve (200) is kept.
    assert legs(txn(entries, "Recourse E-1")) == [
        ("Assets:Factoring:Harbor:Clearing", D("-847.50"), "E-1", "chargeback"),
        ("Assets:Factoring:Harbor:Reserve", D("-200.00"), "E-1", "chargeback"),
        ("Assets:Receivable:Echo", D("1000.00"), "E-1", "chargeback"),
        ("Expenses:Factoring:Harbor:Fees", D("47.50"), "E-1", "chargeback-fee"),
    ]
    # 2400 advance on E-2 less the 847.50 recourse on E-1.
    assert ("Assets:Factoring:Harbor:Clearing", D("847.50"), "E-1", "chargeback") in legs(
        txn(entries, "Advance E-2 less recourse")
    )
    assert balance(entries, "Assets:Factoring:Harbor:Clearing") == 0
    assert balance(entries, "Assets:Receivable:Echo") == D("1000.00")


def test_funding__short_deposit_leaves_the_difference_on_clearing():
    entries, errors = load(CHARGEBACK.replace("1552.50 USD", "1370.00 USD"))
    assert codes(errors) == ["FCT120"]
    message = errors[0].message
    assert "expected 1,552.50 USD (advances 2,400.00 - chargebacks 847.50)" in message
    assert "received 1,370.00 USD, difference -182.50 USD" in message
    assert balance(entries, "Assets:Factoring:Harbor:Clearing") == D("182.50")


def test_release__of_nothing_is_still_booked():
    # Flat 2% taken from the 2% reserve at collection: the rebate is zero, and
    # Beancount drops the interpolated reserve posting of a zero bank line.
    entries, errors = load(
        """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.98
  fee: "flat 2%"
  fee-timing: "collection"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load"
  invoice: "INV-1"
  Assets:Receivable:TQL   100.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "Deposit" ^INV-1
  Assets:Bank:Checking   98.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-05 * "TQL" "Collected" ^INV-1
  factoring: "collected"

2025-03-06 * "SUMMIT FUNDING" "Rebate" ^INV-1
  Assets:Bank:Checking   0.00 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    assert errors == []
    assert legs(txn(entries, "Rebate")) == [
        ("Assets:Bank:Checking", D("0.00"), None, None),
        ("Assets:Factoring:Summit:Reserve", D("-2.00"), "INV-1", "reserve-release"),
        ("Expenses:Factoring:Summit:Fees", D("2.00"), "INV-1", "discount-fee"),
    ]


def test_detail_item__one_posting_per_schedule_and_part():
    text = (
        SUMMIT
        + SCHEDULE
        + """
2025-03-05 * "SUMMIT FUNDING" "ACH 10452"
  schedule: "10452"
  Assets:Bank:Checking        3698.12 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(text, config="{'detail': 'item'}")
    assert errors == []
    schedule = txn(entries, "Schedule 10452")
    assert legs(schedule) == [
        ("Assets:Factoring:Summit:Clearing", D("4025.00"), None, "face"),
        ("Assets:Receivable:CHR", D("-1875.00"), "INV-1002", "face"),
        ("Assets:Receivable:TQL", D("-2150.00"), "INV-1001", "face"),
    ]
    funding = txn(entries, "ACH 10452")
    assert legs(funding) == [
        ("Assets:Bank:Checking", D("3698.12"), None, None),
        ("Assets:Factoring:Summit:Clearing", D("-4025.00"), None, "face"),
        ("Assets:Factoring:Summit:Reserve", D("201.25"), None, "reserve"),
        ("Expenses:Factoring:Summit:Fees", D("10.00"), None, "invoice-fee"),
        ("Expenses:Factoring:Summit:Fees", D("15.00"), None, "transfer-fee"),
        ("Expenses:Factoring:Summit:Fees", D("100.63"), None, "discount-fee"),
    ]
    assert all(p.meta.get("schedule") == "10452" for p in funding.postings[1:4])
    assert funding.links == {"INV-1001", "INV-1002", "sched-10452"}
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0


def test_an_event_before_the_invoice_is_sold_names_the_later_schedule():
    # The collection is dated 03-03, the schedule that sells INV-1001 03-04: a date typed
    # wrong on one of the two, which the message names, not only "not factored".
    text = (
        SUMMIT + SCHEDULE + ('\n2025-03-03 * "TQL" "Paid" ^INV-1001\n  factoring: "collected"\n')
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT133"]
    assert errors[0].message == (
        "FCT133 Invoice INV-1001 cannot be collected: it is not factored (it is scheduled on "
        "2025-03-04 (<string>:28), 1 day(s) after this event: correct one of the two dates)"
    )
    # Scheduled already, it waits for its funding: a later deposit is named, not the
    # schedule (here the deposit of 03-06 linking INV-1001, 2 days after 03-04).
    late = SCHEDULE + (
        '\n2025-03-04 * "TQL" "Paid" ^INV-1001\n  factoring: "collected"\n'
        '\n2025-03-06 * "SUMMIT FUNDING" "ACH" ^INV-1001\n  Assets:Bank:Checking  1968.75 USD\n'
        "  Assets:Factoring:Summit:Clearing\n"
    )
    _, errors = load(SUMMIT + late)
    assert [e.message for e in errors if "cannot be collected" in e.message] == [
        "FCT133 Invoice INV-1001 cannot be collected: it is scheduled on 2025-03-04, not yet "
        "funded (it is funded on 2025-03-06 (<string>:35), 2 day(s) after this event: correct "
        "one of the two dates)"
    ]
    # An invoice no event sells: the factor may have collected it all the same.
    _, errors = load(SUMMIT + '\n2025-03-05 * "TQL" "Paid" ^INV-1001\n  factoring: "collected"\n')
    assert errors[0].message.startswith(
        "FCT133 Invoice INV-1001 cannot be collected: it is not factored. If the factor "
        "collected it though it never bought it (a non-factored payment"
    )


def test_a_payment_the_factor_collected_of_an_invoice_it_never_bought_is_booked_as_advised():
    """Crossroads pays Summit RF-2 (bought) and the detention invoice RF-2-A (never sold)
    on one check; Summit passes the 250.00 on with RF-2's reserve: 1,500.00 x 5% = 75.00 +
    250.00 = 325.00. A collected event of RF-2-A is FCT133, whose message advises the
    factor's bank line with a posting to RF-2-A's receivable: that checks clean."""
    ledger = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-04-01 * "Crossroads" "Load C-2"
  invoice: "RF-2"
  Assets:Receivable:CHR    1500.00 USD
  Income:Freight

2025-04-03 * "SUMMIT FUNDING" "ACH" ^RF-2
  Assets:Bank:Checking     1395.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-05 * "Crossroads" "Detention C-2"
  invoice: "RF-2-A"
  Assets:Receivable:CHR     250.00 USD
  Income:Freight

2025-04-15 * "Summit" "Crossroads paid RF-2" ^RF-2
  factoring: "collected"
"""
    wrong = ledger + '\n2025-04-15 * "Summit" "and RF-2-A" ^RF-2-A\n  factoring: "collected"\n'
    assert codes(load(wrong)[1]) == ["FCT133"]
    advised = (
        ledger
        + """
2025-04-18 * "SUMMIT FUNDING" "Rebate, and RF-2-A collected for us" ^RF-2
  Assets:Bank:Checking      325.00 USD
  Assets:Receivable:CHR    -250.00 USD
    invoice: "RF-2-A"
  Assets:Factoring:Summit:Reserve
"""
    )
    entries, errors = load(advised)
    assert errors == []
    assert balance(entries, "Assets:Receivable:CHR") == 0
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == 0


SAVINGS = "\n2025-01-01 open Assets:Bank:Savings\n"


def test_a_factor_deposit_to_another_account_naming_nothing_is_fct151():
    # Advance 2,042.50 (95% of 2,150.00) less the 2.5% fee 53.75, the invoice fee 5.00
    # and the transfer fee 15.00: 1,968.75. Into savings, naming nothing, the plugin does
    # not take it for a deposit: FCT151, and the schedule is left unfunded.
    deposit = (
        '\n2025-03-05 * "SUMMIT FUNDING" "ACH deposit"\n'
        "  Assets:Bank:Savings        1968.75 USD\n  Assets:Factoring:Summit:Clearing\n"
    )
    entries, errors = load(SUMMIT + SAVINGS + SCHEDULE + deposit)
    assert codes(errors) == ["FCT151"]
    assert "booked to Assets:Bank:Savings, not to its bank Assets:Bank:Checking" in (
        errors[0].message
    )
    # Linked to INV-1001, the same deposit is split and checked wherever it landed.
    linked = deposit.replace('"ACH deposit"', '"ACH deposit" ^INV-1001')
    entries, errors = load(SUMMIT + SAVINGS + linked)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("107.50")  # 5%
    # Cash going the other way (paid to the factor from savings), or a payee that is not
    # the factor's, is no deposit of the factor: nothing to say.
    paid = deposit.replace("1968.75 USD", "-100.00 USD")
    assert codes(load(SUMMIT + SAVINGS + SCHEDULE + paid)[1]) == []
    other = deposit.replace("SUMMIT FUNDING", "FUEL REBATE")
    assert codes(load(SUMMIT + SAVINGS + SCHEDULE + other)[1]) == []


LINE = "\n2025-01-01 open Liabilities:Bank:LineOfCredit\n"


def test_a_factor_deposit_into_a_line_of_credit_naming_nothing_is_fct151():
    # The same 1,968.75 swept into the line of credit the bank keeps beside the
    # checking account (Liabilities:Bank:LineOfCredit +1,968.75: the line paid down).
    # It was taken for an entry written by hand on the clearing account: no error for
    # grace-days, then FCT104 advising to delete it (the line's balance wrong by 1,968.75).
    deposit = (
        '\n2025-03-05 * "SUMMIT FUNDING" "ACH deposit, swept"\n'
        "  Liabilities:Bank:LineOfCredit   1968.75 USD\n  Assets:Factoring:Summit:Clearing\n"
    )
    entries, errors = load(SUMMIT + LINE + SCHEDULE + deposit)
    assert codes(errors) == ["FCT151"]
    assert "booked to Liabilities:Bank:LineOfCredit, not to its bank Assets:Bank:Checking" in (
        errors[0].message
    )
    # Linked to INV-1001, it is split and checked there (the line paid down 1,968.75,
    # the reserve 5% of 2,150.00 = 107.50).
    linked = deposit.replace('swept"', 'swept" ^INV-1001')
    entries, errors = load(SUMMIT + LINE + linked)
    assert errors == []
    assert balance(entries, "Liabilities:Bank:LineOfCredit") == D("1968.75")
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("107.50")
    # Drawn on the line to pay the factor: cash going the other way, nothing to say.
    paid = deposit.replace("1968.75 USD", "-100.00 USD")
    assert codes(load(SUMMIT + LINE + SCHEDULE + paid)[1]) == []

    # A sweep names no loan of the factor's and the line is no bank to give the agreement.
    assert "installment" not in errors_of_sweep(deposit)
    assert "give the agreement bank" not in errors_of_sweep(deposit)


def errors_of_sweep(deposit: str) -> str:
    return load(SUMMIT + LINE + SCHEDULE + deposit)[1][0].message


LOAN = """
2025-01-01 open Liabilities:Loans:Summit

2025-03-05 * "SUMMIT FUNDING" "Advance INV-1001" ^INV-1001
  Assets:Bank:Checking      1968.75 USD
  Assets:Factoring:Summit:Clearing

2025-03-20 * "TQL" "TQL paid Summit" ^INV-1001
  factoring: "collected"
"""


def test_a_loan_installment_the_factor_takes_from_the_reserve_is_fct151_saying_how_to_book_it():
    # Summit also lent the business money (Liabilities:Loans:Summit) and takes an
    # installment out of INV-1001's reserve once TQL paid: 5% of 2,150.00 = 107.50, the
    # fees all taken at funding. Naming nothing, it is no release: FCT151, which advised
    # making the loan the agreement's bank. It says to link the invoices whose reserve it
    # takes, or mark it a release, now.
    installment = (
        '\n2025-04-01 * "SUMMIT FUNDING" "Loan installment from reserve"\n'
        "  Liabilities:Loans:Summit         107.50 USD\n  Assets:Factoring:Summit:Reserve\n"
    )
    entries, errors = load(SUMMIT + LOAN + installment)
    assert codes(errors) == ["FCT151"]
    message = errors[0].message
    assert "give the agreement bank" not in message
    assert (
        "If the factor took an installment of a loan of yours out of "
        "Assets:Factoring:Summit:Reserve, book it as a release of the reserve it takes, its "
        "cash paying down the loan: link the collected invoices whose reserve that is, or "
        'mark it factoring: "release"'
    ) in message
    assert "advances" not in message  # the sale model: no advances account
    # Booked as advised, either way: the reserve released, 107.50 off the loan.
    linked = installment.replace('reserve"', 'reserve" ^INV-1001')
    marked = installment.replace('reserve"\n', 'reserve"\n  factoring: "release"\n')
    for advised in (linked, marked):
        entries, errors = load(SUMMIT + LOAN + advised)
        assert errors == []
        assert balance(entries, "Assets:Factoring:Summit:Reserve") == 0
        assert balance(entries, "Liabilities:Loans:Summit") == D("107.50")
    # Under the loan model the message also says where the factor's advances are owed.
    loan_model = SUMMIT.replace('  fee: "flat 2.5%"', '  model: "loan"\n  fee: "flat 2.5%"')
    message = load(loan_model + LOAN + installment)[1][0].message
    assert (
        "What you owe the factor for its advances is on Liabilities:Factoring:Summit:Advances"
        in message
    )


HAND_CHARGEBACK = """
2025-01-01 open Assets:Receivable:Coyote
2025-01-01 open Income:Freight:Linehaul

2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.80
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "collection"
  transfer-fee: 20.00 USD
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking

2025-03-03 * "Coyote" "Load CY-20931"
  invoice: "INV-2007"
  Assets:Receivable:Coyote     3000.00 USD
  Income:Freight:Linehaul

2025-03-04 * "HARBOR CAPITAL" "Advance" ^INV-2007
  Assets:Bank:Checking         2380.00 USD
  Assets:Factoring:Harbor:Clearing

; Harbor's recourse notice: fee 142.51 (its own rounding), owed 2542.51
2025-06-02 * "Harbor" "Recourse INV-2007" ^INV-2007
  factoring: "chargeback"
  Assets:Receivable:Coyote           3000.00 USD
  Assets:Factoring:Harbor:Reserve    -600.00 USD
  Expenses:Factoring:Harbor:Fees      142.51 USD
  Assets:Factoring:Harbor:Clearing  -2542.51 USD

2025-05-30 * "Echo" "Load E-57002"
  invoice: "INV-2030"
  Assets:Receivable:Echo       4000.00 USD
  Income:Freight:Linehaul

; Harbor nets what its notice said: 3200 - 20 - 2542.51 = 637.49
2025-06-03 * "HARBOR CAPITAL" "Advance less recourse" ^INV-2030 ^INV-2007
  Assets:Bank:Checking          637.49 USD
  Assets:Factoring:Harbor:Clearing   2542.51 USD
  Assets:Receivable:Echo            -4000.00 USD
  Assets:Factoring:Harbor:Reserve     800.00 USD
  Expenses:Factoring:Harbor:Fees       20.00 USD

2025-06-04 balance Assets:Factoring:Harbor:Clearing      0.00 USD
"""


def test_a_chargeback_and_its_netting_written_by_hand_with_the_factors_cent():
    # Harbor's recourse notice charges INV-2007 back with a fee of 142.51 where the
    # agreement gives 142.50 (within the 0.05 tolerance), and its next deposit nets the
    # 2,542.51 it wrote; both written by hand from the factor's figures: no error.
    _, errors = load(HAND_CHARGEBACK, "{'tolerance': '0.05'}")
    assert errors == []


def test_a_chargeback_written_with_the_factors_cent_is_netted_to_the_cent():
    # The same notice, the next deposit left for the plugin to split: it nets the
    # 2,542.51 the notice wrote (not the agreement's 2,542.50): 4,000.00 x 80% - 20.00 -
    # 2,542.51 = 637.49, and the clearing account ends at 0.00, no cent left on it.
    text = HAND_CHARGEBACK.replace(
        """  Assets:Factoring:Harbor:Clearing   2542.51 USD
  Assets:Receivable:Echo            -4000.00 USD
  Assets:Factoring:Harbor:Reserve     800.00 USD
  Expenses:Factoring:Harbor:Fees       20.00 USD
""",
        "  Assets:Factoring:Harbor:Clearing\n",
    )
    entries, errors = load(text, "{'tolerance': '0.05'}")
    assert errors == []
    assert balance(entries, "Assets:Factoring:Harbor:Clearing") == Decimal("0.00")


def test_a_release_before_the_collection_names_the_later_collected_event():
    # INV-1001 funded 03-06 (2150.00 x 0.95 = 2042.50, less 53.75 fee, 5.00 invoice
    # fee and 15.00 transfer fee = 1968.75); its reserve 2150.00 - 2042.50 = 107.50 is
    # released on 03-20, but the collected event is typed 03-25: "no collected event" sent
    # the bookkeeper looking for an event that is there, on a day typed wrong.
    text = SUMMIT + (
        '\n2025-03-06 * "SUMMIT FUNDING" "ACH" ^INV-1001\n  Assets:Bank:Checking  1968.75 USD\n'
        "  Assets:Factoring:Summit:Clearing\n"
        '\n2025-03-20 * "SUMMIT FUNDING" "Rebate" ^INV-1001\n'
        "  Assets:Bank:Checking  107.50 USD\n  Assets:Factoring:Summit:Reserve\n"
        '\n2025-03-25 * "TQL" "Paid" ^INV-1001\n  factoring: "collected"\n'
    )
    _, errors = load(text)
    assert [e.message for e in errors if "Nothing of invoice" in e.message] == [
        "FCT133 Nothing of invoice INV-1001 is due in this deposit: the debtor has not paid "
        "the factor yet (its collected event is dated 2025-03-25 (<string>:36), 5 day(s) "
        "after this deposit: correct one of the two dates)"
    ]
    # With no collected event at all, the message says so, as before.
    _, errors = load(text.replace('  factoring: "collected"', '  factoring: "chargeback"'))
    assert any(
        e.message.endswith("the debtor has not paid the factor yet (no collected event)")
        for e in errors
    )
