"""Fees that accrue before anything is paid: month-end accruals and the accrued fee to date.

With ``'accrue': 'month'`` the plugin posts, at each month end while an invoice is
funded and its fee not yet booked, the time-based fee incurred in the month (Fees /
AccruedFees), and reverses it all on the day the fee is booked (release, chargeback,
credit loss, buyout). Without it nothing changes. Every figure is worked out by hand
below, in both models.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from beancount_factoring import cli
from beancount_factoring.reports import ReportBook, compute

from ledgers import balance, codes, legs, load, txn

D = Decimal
ACCRUE = "{'accrue': 'month'}"
FEES = "Expenses:Factoring:Summit:Fees"
ACCRUED = "Assets:Factoring:Summit:AccruedFees"
RESERVE = "Assets:Factoring:Summit:Reserve"
YEAR = Path(__file__).resolve().parent.parent / "example_ledger" / "year"

# Daily 0.06% of the face, all of it at the release: one day of a 10,000.00 invoice is
# 10,000.00 x 0.0006 = 6.00. Funded January 10, collected March 3 (21 + 28 + 3 = 52 days:
# 312.00, the first day's 6.00 as the discount fee and 306.00 late), released March 5:
# 1,000.00 - 312.00 = 688.00.
AGREEMENT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "daily 0.06%"
  fee-timing: "collection"
  recourse-days: 90
  bank: Assets:Bank:Checking
"""
FUNDED = """
2025-01-09 * "TQL" "Load"
  invoice: "INV-1001"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-01-10 * "SUMMIT FUNDING" "Advance" ^INV-1001
  Assets:Bank:Checking   9000.00 USD
  Assets:Factoring:Summit:Clearing
"""
DAILY = (
    AGREEMENT
    + FUNDED
    + """
2025-03-03 * "TQL" "Paid Summit" ^INV-1001
  factoring: "collected"

2025-03-05 * "SUMMIT FUNDING" "Rebate" ^INV-1001
  Assets:Bank:Checking   688.00 USD
  Assets:Factoring:Summit:Reserve
"""
)


def with_model(text: str, model: str) -> str:
    return text.replace("  recourse-days:", f'  model: "{model}"\n  recourse-days:')


def generated(entries, part: str) -> list[tuple[datetime.date, Decimal]]:
    """(date, amount on the fees account) of each accrual or reversal posting, in order."""
    return [
        (entry.date, posting.units.number)
        for entry in entries
        if isinstance(entry, data.Transaction)
        for posting in entry.postings
        if posting.account.endswith(":Fees") and (posting.meta or {}).get("factoring-part") == part
    ]


def month_totals(entries, account: str) -> dict[str, Decimal]:
    """The movement of one account per month ("2025-01")."""
    found: dict[str, Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account == account:
                    month = f"{entry.date:%Y-%m}"
                    found[month] = found.get(month, D(0)) + posting.units.number
    return {month: amount for month, amount in found.items() if amount}


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_daily_fee_accrues_at_each_month_end_and_is_reversed_at_the_release(model):
    entries, errors = load(with_model(DAILY, model), ACCRUE)
    assert errors == []
    # January 31: 21 days x 6.00 = 126.00. February 28: 49 days x 6.00 = 294.00, less
    # the 126.00 of January = 168.00.
    assert generated(entries, "accrued-fee") == [
        (datetime.date(2025, 1, 31), D("126.00")),
        (datetime.date(2025, 2, 28), D("168.00")),
    ]
    # On March 5 the release books 312.00 and the 126.00 + 168.00 = 294.00 go back.
    assert generated(entries, "accrued-fee-reversal") == [
        (datetime.date(2025, 3, 5), D("-294.00"))
    ]
    assert legs(txn(entries, "Factoring fees accrued to 2025-01-31")) == [
        (ACCRUED, D("-126.00"), "INV-1001", "accrued-fee"),
        (FEES, D("126.00"), "INV-1001", "accrued-fee"),
    ]
    # The income statement: 126.00, 168.00, and 312.00 - 294.00 = 18.00 (3 days x 6.00).
    assert month_totals(entries, FEES) == {
        "2025-01": D("126.00"),
        "2025-02": D("168.00"),
        "2025-03": D("18.00"),
    }
    # The reserve net of accrued fees on February 28: 1,000.00 - 294.00 = 706.00.
    feb = [e for e in entries if e.date <= datetime.date(2025, 2, 28)]
    assert balance(feb, RESERVE) + balance(feb, ACCRUED) == D("706.00")
    assert balance(entries, ACCRUED) == 0
    assert balance(entries, FEES) == D("312.00")


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_without_the_setting_the_fee_is_expensed_at_the_release(model):
    entries, errors = load(with_model(DAILY, model))
    assert errors == []
    assert generated(entries, "accrued-fee") == generated(entries, "accrued-fee-reversal") == []
    # Cash timing: nothing in January and February, all 312.00 in March.
    assert month_totals(entries, FEES) == {"2025-03": D("312.00")}
    assert not any(isinstance(e, data.Open) and e.account == ACCRUED for e in entries)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_month_end_between_collection_and_release_accrues_the_fixed_fee(model):
    # Released on April 2 instead: the fee is fixed at the March 3 collection (312.00), so
    # March 31 accrues 312.00 - 294.00 = 18.00, not 80 days' worth; April 2 reverses 312.00.
    text = DAILY.replace('2025-03-05 * "SUMMIT FUNDING"', '2025-04-02 * "SUMMIT FUNDING"')
    entries, errors = load(with_model(text, model), ACCRUE)
    assert errors == []
    assert generated(entries, "accrued-fee") == [
        (datetime.date(2025, 1, 31), D("126.00")),
        (datetime.date(2025, 2, 28), D("168.00")),
        (datetime.date(2025, 3, 31), D("18.00")),
    ]
    assert generated(entries, "accrued-fee-reversal") == [
        (datetime.date(2025, 4, 2), D("-312.00"))
    ]
    # April: the release's 312.00 less the 312.00 reversed.
    assert month_totals(entries, FEES) == {
        "2025-01": D("126.00"),
        "2025-02": D("168.00"),
        "2025-03": D("18.00"),
    }


# Tiered 1.75% for the first 30 days, 0.5% per further 10 days, of a 1,000.00 face,
# advance 80%; funded January 10, collected April 15 (95 days), released April 18.
TIERED = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.80
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "TIMING"
  recourse-days: 120
  bank: Assets:Bank:Checking

2025-01-09 * "TQL" "Load"
  invoice: "INV-1001"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-01-10 * "SUMMIT FUNDING" "Advance" ^INV-1001
  Assets:Bank:Checking   CASH USD
  Assets:Factoring:Summit:Clearing

2025-04-15 * "TQL" "Paid Summit" ^INV-1001
  factoring: "collected"

2025-04-18 * "SUMMIT FUNDING" "Rebate" ^INV-1001
  Assets:Bank:Checking   165.00 USD
  Assets:Factoring:Summit:Reserve
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize(
    "timing,cash,expected",
    [
        # At collection: Jan 31 is day 21, the first tier: 1.75% = 17.50. Feb 28 is day 49:
        # 1.75% + 2 x 0.5% (days 31-40, 41-49) = 2.75% = 27.50, accrues 10.00. Mar 31 is day
        # 80: 1.75% + 5 x 0.5% = 4.25% = 42.50, accrues 15.00. The advance pays 800.00.
        ("collection", "800.00", ["17.50", "10.00", "15.00"]),
        # At purchase the first tier's 17.50 was taken at funding (cash 800.00 - 17.50 =
        # 782.50): January accrues 17.50 - 17.50 = 0, then 10.00 and 15.00 as above.
        ("purchase", "782.50", ["10.00", "15.00"]),
    ],
)
def test_a_tiered_fee_accrues_tier_by_tier(model, timing, cash, expected):
    text = TIERED.replace("TIMING", timing).replace("CASH", cash)
    # Day 95: 1.75% + 7 x 0.5% = 5.25% = 52.50 in all; the reserve of 200.00 comes back
    # less what is still due: 52.50 at collection timing, 52.50 - 17.50 = 35.00 at purchase.
    rebate = "147.50" if timing == "collection" else "165.00"
    text = text.replace("165.00 USD", f"{rebate} USD")
    entries, errors = load(with_model(text, model), ACCRUE)
    assert errors == []
    accrued = [amount for _, amount in generated(entries, "accrued-fee")]
    assert accrued == [D(x) for x in expected]
    # Everything accrued by March 31 is reversed at the April 18 release ...
    reversed_ = generated(entries, "accrued-fee-reversal")
    assert reversed_ == [(datetime.date(2025, 4, 18), -sum(accrued, D(0)))]
    # ... so April costs what days 81-95 added: 5.25% - 4.25% = 1% = 10.00.
    assert month_totals(entries, FEES)["2025-04"] == D("10.00")
    # The monthly accruals and April's part add up to the fee booked at the release.
    booked = D("52.50") if timing == "collection" else D("35.00")
    assert sum(accrued, D(0)) + D("10.00") == booked
    assert balance(entries, ACCRUED) == 0


# Recourse: the invoice is charged back on March 14, 63 days after funding
# (21 + 28 + 14): the fee to the day is 63 x 6.00 = 378.00; the factor keeps the
# 1,000.00 reserve and is owed 10,000.00 - 1,000.00 + 378.00 = 9,378.00.
CHARGEBACK = (
    AGREEMENT.replace("recourse-days: 90", "recourse-days: 60")
    + FUNDED
    + """
2025-03-14 * "Summit" "Charged back" ^INV-1001
  factoring: "chargeback"
  reason: "broker-claim"

2025-03-20 * "SUMMIT FUNDING" "Repurchase" ^INV-1001
  Assets:Bank:Checking   -9378.00 USD
  Assets:Factoring:Summit:Clearing
"""
)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_chargeback_reverses_the_accrual_the_day_it_books_the_fee(model):
    entries, errors = load(with_model(CHARGEBACK, model), ACCRUE)
    assert codes(errors) == []
    assert generated(entries, "accrued-fee") == [
        (datetime.date(2025, 1, 31), D("126.00")),
        (datetime.date(2025, 2, 28), D("168.00")),
    ]
    assert generated(entries, "accrued-fee-reversal") == [
        (datetime.date(2025, 3, 14), D("-294.00"))
    ]
    # March: the chargeback fee of 378.00 less the 294.00 reversed = 84.00 (14 days x 6.00).
    assert month_totals(entries, FEES) == {
        "2025-01": D("126.00"),
        "2025-02": D("168.00"),
        "2025-03": D("84.00"),
    }
    assert balance(entries, ACCRUED) == 0
    # No accrual after the invoice left: March 31 posts nothing.
    assert not [e for e in entries if e.date == datetime.date(2025, 3, 31)]


# Non-recourse: written off on March 14 (63 days, fee 378.00 taken from the forfeited
# reserve of 1,000.00; the credit loss is the other 622.00).
CREDIT_LOSS = (
    AGREEMENT.replace("recourse-days: 90", "recourse-days: 0")
    + FUNDED
    + """
2025-03-14 * "Summit" "Debtor insolvent" ^INV-1001
  factoring: "credit-loss"
"""
)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_credit_loss_reverses_the_accrual(model):
    entries, errors = load(with_model(CREDIT_LOSS, model), ACCRUE)
    assert codes(errors) == []
    assert [a for _, a in generated(entries, "accrued-fee")] == [D("126.00"), D("168.00")]
    assert generated(entries, "accrued-fee-reversal") == [
        (datetime.date(2025, 3, 14), D("-294.00"))
    ]
    # 126.00 + 168.00 + (378.00 - 294.00) = 378.00: the fee, counted once.
    assert balance(entries, FEES) == D("378.00")
    assert balance(entries, "Expenses:Factoring:Summit:CreditLosses") == D("622.00")
    assert balance(entries, ACCRUED) == 0


# Pinecrest (daily 0.05% at release, 90%) buys the invoice out of Summit on March 14:
# Summit's fee to the day, 378.00, is booked; its reserve of 1,000.00 moves less it:
# 622.00. Pinecrest's clock starts on March 14: March 31 is 17 days x 5.00 = 85.00. The
# customer pays Pinecrest on April 10 (27 days: 135.00); the release on April 12 pays
# 622.00 - 135.00 = 487.00.
BUYOUT = (
    AGREEMENT
    + """
2025-02-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.90
  fee: "daily 0.05%"
  fee-timing: "collection"
  recourse-days: 90
  payee: "PINECREST"
  bank: Assets:Bank:Checking
"""
    + FUNDED
    + """
2025-03-14 * "Pinecrest" "Buyout"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Summit"

2025-04-10 * "TQL" "Paid Pinecrest" ^INV-1001
  factoring: "collected"

2025-04-12 * "PINECREST" "Rebate" ^INV-1001
  Assets:Bank:Checking   487.00 USD
  Assets:Factoring:Pinecrest:Reserve
"""
)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_buyout_ends_the_old_factors_accrual_and_starts_the_new_ones(model):
    entries, errors = load(with_model(BUYOUT, model), ACCRUE)
    assert codes(errors) == []
    pine_fees, pine_accrued = (
        "Expenses:Factoring:Pinecrest:Fees",
        "Assets:Factoring:Pinecrest:AccruedFees",
    )
    found = [
        (e.date, p.account, p.units.number)
        for e in entries
        if isinstance(e, data.Transaction)
        for p in e.postings
        if p.account.endswith(":Fees")
        and (p.meta or {}).get("factoring-part", "").startswith("accrued-fee")
    ]
    assert found == [
        (datetime.date(2025, 1, 31), FEES, D("126.00")),
        (datetime.date(2025, 2, 28), FEES, D("168.00")),
        (datetime.date(2025, 3, 14), FEES, D("-294.00")),
        (datetime.date(2025, 3, 31), pine_fees, D("85.00")),
        (datetime.date(2025, 4, 12), pine_fees, D("-85.00")),
    ]
    # Summit: 378.00 in all; Pinecrest: 135.00 in all, 85.00 of it in March.
    assert balance(entries, FEES) == D("378.00")
    assert balance(entries, pine_fees) == D("135.00")
    assert month_totals(entries, pine_fees) == {"2025-03": D("85.00"), "2025-04": D("50.00")}
    assert balance(entries, ACCRUED) == balance(entries, pine_accrued) == 0


def test_an_outstanding_invoice_accrues_up_to_the_last_month_end_of_the_ledger():
    # Still open on May 15 (the last entry): January 126.00, February 168.00, March 31
    # (80 days: 480.00) 186.00, April 30 (110 days: 660.00) 180.00; May is not over.
    text = FUNDED + '\n2025-05-15 note Assets:Bank:Checking "Statement"\n'
    entries, errors = load(
        AGREEMENT.replace("recourse-days: 90", "recourse-days: 180") + text, ACCRUE
    )
    assert errors == []
    assert [a for _, a in generated(entries, "accrued-fee")] == [
        D("126.00"),
        D("168.00"),
        D("186.00"),
        D("180.00"),
    ]
    assert generated(entries, "accrued-fee-reversal") == []
    assert balance(entries, ACCRUED) == D("-660.00")


def test_a_flat_fee_at_purchase_accrues_nothing():
    text = DAILY.replace('fee: "daily 0.06%"\n  fee-timing: "collection"', 'fee: "flat 2%"')
    # 2% of 10,000.00 = 200.00 at funding: 9,000.00 - 200.00 = 8,800.00; the release pays
    # the whole 1,000.00.
    text = text.replace("9000.00 USD", "8800.00 USD").replace("688.00 USD", "1000.00 USD")
    entries, errors = load(text, ACCRUE)
    assert errors == []
    assert generated(entries, "accrued-fee") == generated(entries, "accrued-fee-reversal") == []


def test_a_wrong_accrue_value_is_an_error_on_the_plugin_line():
    entries, errors = load(DAILY, "{'accrue': 'quarter'}")
    assert codes(errors) == ["FCT100"]
    assert "accrue 'quarter' must be 'month'" in errors[0].message
    assert generated(entries, "accrued-fee") == []


def book_of(text: str) -> ReportBook:
    source = 'plugin "beancount_factoring.plugin"\n' + text
    entries, errors, options_map = loader.load_string(source)
    return compute(entries, options_map, errors)


OPENS = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_reserve_report_gives_the_fee_accrued_to_any_date(model):
    book = book_of(OPENS + with_model(DAILY, model))

    def line(day: datetime.date):
        (factor,) = book.reserve(as_of=day, factor=None).factors
        (invoice,) = factor.invoices
        return factor, invoice

    # February 14: 35 days x 6.00 = 210.00 accrued, not yet collected.
    factor, invoice = line(datetime.date(2025, 2, 14))
    assert (invoice.status, invoice.accrued_fee, invoice.fees_due) == (
        "awaiting collection",
        D("210.00"),
        D("0"),
    )
    assert (factor.held, factor.accrued_fees, factor.held_net_of_fees) == (
        D("1000.00"),
        D("210.00"),
        D("790.00"),
    )
    # The tie-out is the reserve account's, unchanged.
    assert factor.unexplained == 0
    # March 4: collected on March 3, the fee is fixed at 52 x 6.00 = 312.00.
    factor, invoice = line(datetime.date(2025, 3, 4))
    assert (invoice.status, invoice.accrued_fee, invoice.fees_due) == (
        "release due",
        D("312.00"),
        D("312.00"),
    )
    assert factor.held_net_of_fees == D("688.00")
    # March 5: released, nothing accrued.
    factor, invoice = line(datetime.date(2025, 3, 5))
    assert (invoice.accrued_fee, factor.accrued_fees) == (D("0"), D("0"))


@pytest.fixture(scope="module")
def demo_year(tmp_path_factory):
    """The demo year loaded twice: as it is, and with 'accrue': 'month'."""
    folder = tmp_path_factory.mktemp("year") / "year"
    # (Not Beancount's cache of the ledger as it is, which would be read back for the copy.)
    shutil.copytree(YEAR, folder, ignore=shutil.ignore_patterns("*.picklecache", "downloads"))
    main = folder / "main.beancount"
    text = main.read_text(encoding="utf-8")
    plain = 'plugin "beancount_factoring.plugin"\n'
    assert plain in text
    main.write_text(
        text.replace(plain, 'plugin "beancount_factoring.plugin" "' + ACCRUE + '"\n'),
        encoding="utf-8",
    )
    off = loader.load_file(str(YEAR / "main.beancount"))
    on = loader.load_file(str(main))
    return off, on


def quarter_cost(entries, first: datetime.date, last: datetime.date) -> Decimal:
    return sum(
        (
            p.units.number
            for e in entries
            if isinstance(e, data.Transaction) and first <= e.date <= last
            for p in e.postings
            if p.account.startswith("Expenses:Factoring:")
        ),
        D(0),
    )


def test_the_demo_years_first_quarter_costs_39_percent_more_with_accruals(demo_year):
    (off, off_errors, _), (on, on_errors, _) = demo_year
    assert off_errors == on_errors == []
    q1 = (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    # Cash timing: 7,071.49 discount + 1,077.96 late fees + 610.00 transfer fees.
    assert quarter_cost(off, *q1) == D("8759.45")
    # Accrual timing adds what the invoices open on March 31 had incurred: 5,635.20.
    assert quarter_cost(on, *q1) == D("14394.65")
    # 5,635.20 / 14,394.65 = 39.1% of the quarter's cost was missing.
    missing = (quarter_cost(on, *q1) - quarter_cost(off, *q1)) / quarter_cost(on, *q1)
    assert round(missing, 3) == D("0.391")
    # Over the year the accruals only move the cost between months.
    year = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert quarter_cost(on, *year) == quarter_cost(off, *year)


def test_the_accrued_fees_account_ties_to_the_reserve_report_at_every_month_end(demo_year):
    _, (entries, errors, options_map) = demo_year
    book = compute(entries, options_map, errors)
    checked = 0
    for month in range(1, 13):
        end = datetime.date(2025 + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
        report = book.reserve(as_of=end, factor=None)
        accrued = sum((factor.accrued_fees for factor in report.factors), D(0))
        held = [e for e in entries if e.date <= end]
        on_account = balance(held, "Assets:Factoring:Lakeshore:AccruedFees")
        assert accrued == -on_account, end
        checked += bool(accrued)
    # Lakeshore's tiered fee accrues while it holds invoices (January to July); March 31:
    assert checked == 7
    march = book.reserve(as_of=datetime.date(2025, 3, 31), factor=None)
    assert sum((f.accrued_fees for f in march.factors), D(0)) == D("5635.20")


def test_the_cost_reports_rows_add_up_alike_with_accruals(demo_year):
    _, (entries, errors, options_map) = demo_year
    book = compute(entries, options_map, errors)
    report = book.cost(as_of=datetime.date(2025, 3, 31), factor=None)

    def total(lines) -> Decimal:
        return sum((line.fees.total for line in lines), D(0))

    # The factor row ties to the fee accounts (the accruals included): 14,394.65; the
    # customer rows add each invoice's accruals too, and the month rows split the same sum.
    assert total(report.by_factor) == D("14394.65")
    assert total(report.by_customer) == total(report.by_month) == D("14394.65")


def test_the_accrued_fees_account_must_be_one_of_its_own():
    text = DAILY.replace(
        "  bank: Assets:Bank:Checking", "  bank: Assets:Bank:Checking\n  accrued-fees: " + RESERVE
    )
    _, errors = load(text, ACCRUE)
    assert codes(errors)[0] == "FCT110"
    assert f"{RESERVE} is also the agreement's reserve" in errors[0].message


def test_the_command_shows_the_accrued_fee_in_text_csv_and_json(tmp_path, monkeypatch):
    ledger = 'plugin "beancount_factoring.plugin"\n' + OPENS + DAILY
    (tmp_path / "ledger.beancount").write_text(ledger, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def run(fmt: str) -> str:
        out = io.StringIO()
        args = ["reserve", "ledger.beancount", "--as-of", "2025-02-14", "--format", fmt]
        cli.main(args, out=out)
        return out.getvalue()

    # February 14: 35 days x 6.00 = 210.00; 1,000.00 held, 790.00 net of it.
    assert "  fees accrued 210.00, held net of them 790.00\n" in run("text")
    rows = list(csv.DictReader(io.StringIO(run("csv"))))
    assert [(row["invoice"], row["accrued_fee"]) for row in rows] == [("INV-1001", "210.00")]
    (factor,) = json.loads(run("json"))["factors"]
    assert (factor["accrued_fees"], factor["held_net_of_fees"]) == ("210.00", "790.00")
    assert factor["invoices"][0]["accrued_fee"] == "210.00"


TWO = (
    AGREEMENT
    + FUNDED
    + """
2025-01-19 * "TQL" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:TQL   5000.00 USD
  Income:Freight

2025-01-20 * "SUMMIT FUNDING" "Advance 2" ^INV-1002
  Assets:Bank:Checking   4500.00 USD
  Assets:Factoring:Summit:Clearing

2025-02-10 note Assets:Bank:Checking "Statement"
"""
)


@pytest.mark.parametrize(
    "detail,expected",
    [
        # One posting per account: 126.00 (21 days x 6.00) + 33.00 (INV-1002: 11 days x
        # 0.06% x 5,000.00 = 11 x 3.00) = 159.00.
        (
            "item",
            [
                (ACCRUED, D("-159.00"), None, "accrued-fee"),
                (FEES, D("159.00"), None, "accrued-fee"),
            ],
        ),
        (
            "invoice",
            [
                (ACCRUED, D("-126.00"), "INV-1001", "accrued-fee"),
                (ACCRUED, D("-33.00"), "INV-1002", "accrued-fee"),
                (FEES, D("33.00"), "INV-1002", "accrued-fee"),
                (FEES, D("126.00"), "INV-1001", "accrued-fee"),
            ],
        ),
    ],
)
def test_one_accrual_per_factor_and_month_end_with_the_detail_asked(detail, expected):
    entries, errors = load(TWO, "{'accrue': 'month', 'detail': '" + detail + "'}")
    assert errors == []
    accrual = txn(entries, "Factoring fees accrued to 2025-01-31")
    assert legs(accrual) == expected
    assert accrual.links == {"INV-1001", "INV-1002"}


# TQL pays us the 10,000.00 on February 15 (misdirected-payment, forwarded the next day);
# Summit reports it collected on March 3. The fee stops on February 15, the day the
# invoice was paid in full: 36 days (21 in January + 15) x 6.00 = 216.00, released March 5:
# 1,000.00 - 216.00 = 784.00.
PAID_TO_US = (
    AGREEMENT
    + FUNDED
    + """
2025-02-15 * "TQL" "TQL paid us" ^INV-1001
  factoring: "misdirected-payment"
  Assets:Bank:Checking   10000.00 USD

2025-02-16 * "SUMMIT FUNDING" "Forward TQL's payment" ^INV-1001
  Liabilities:Factoring:Summit:DueToFactor   10000.00 USD
  Assets:Bank:Checking

2025-03-03 * "TQL" "Summit reports collected" ^INV-1001
  factoring: "collected"

2025-03-05 * "SUMMIT FUNDING" "Rebate" ^INV-1001
  Assets:Bank:Checking   784.00 USD
  Assets:Factoring:Summit:Reserve
"""
)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_accrual_stops_the_day_the_customer_paid_us(model):
    entries, errors = load(with_model(PAID_TO_US, model), ACCRUE)
    assert errors == []
    # January 31: 21 x 6.00 = 126.00. February 28: 216.00 - 126.00 = 90.00 (not 49 days'
    # 294.00 - 126.00 = 168.00: the fee stopped on February 15).
    assert generated(entries, "accrued-fee") == [
        (datetime.date(2025, 1, 31), D("126.00")),
        (datetime.date(2025, 2, 28), D("90.00")),
    ]
    assert generated(entries, "accrued-fee-reversal") == [
        (datetime.date(2025, 3, 5), D("-216.00"))
    ]
    # March: 216.00 booked - 216.00 reversed = 0; the cost is all in January and February.
    assert month_totals(entries, FEES) == {"2025-01": D("126.00"), "2025-02": D("90.00")}
    assert balance(entries, FEES) == D("216.00")
    assert balance(entries, ACCRUED) == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_reserve_report_accrues_to_the_day_the_customer_paid_us(model):
    book = book_of(OPENS + with_model(PAID_TO_US, model))
    for as_of in (datetime.date(2025, 2, 28), datetime.date(2025, 3, 1)):
        (factor,) = book.reserve(as_of=as_of, factor=None).factors
        (invoice,) = factor.invoices
        # Not yet reported collected, but paid in full on February 15: 36 x 6.00 = 216.00,
        # the reserve net of it 1,000.00 - 216.00 = 784.00, what the release brings.
        assert (invoice.status, invoice.accrued_fee) == ("awaiting collection", D("216.00"))
        assert factor.held_net_of_fees == D("784.00")


# Scheduled March 4 (sale model: the face on clearing), TQL pays us on March 6, before
# Summit's funding on March 7 (1,800.00). The fee is tiered 2% for 30 days + 1% per 10
# more: paid in full before the funding, the first term only: 2% of 2,000.00 = 40.00,
# released May 21: 200.00 - 40.00 = 160.00. March accrues the 40.00; April nothing (it
# accrued 60.00 more when the fee ran to Summit's report on May 20).
BEFORE_FUNDING = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "tiered 2%/30d + 1%/10d"
  fee-timing: "collection"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load"
  invoice: "INV-1001"
  Assets:Receivable:TQL         2000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 1" ^INV-1001
  factoring: "schedule"
  schedule: "1"

2025-03-06 * "TQL" "TQL paid us" ^INV-1001
  factoring: "misdirected-payment"
  Assets:Bank:Checking          2000.00 USD

2025-03-07 * "SUMMIT FUNDING" "ACH deposit" ^sched-1
  Assets:Bank:Checking          1800.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-08 * "SUMMIT FUNDING" "Forward" ^INV-1001
  Liabilities:Factoring:Summit:DueToFactor   2000.00 USD
  Assets:Bank:Checking

2025-05-20 * "Summit" "INV-1001 collected" ^INV-1001
  factoring: "collected"

2025-05-21 * "SUMMIT FUNDING" "Release" ^INV-1001
  Assets:Bank:Checking           160.00 USD
  Assets:Factoring:Summit:Reserve
"""


def test_paid_to_us_before_the_funding_accrues_the_first_term_only():
    entries, errors = load(BEFORE_FUNDING, ACCRUE)
    assert errors == []
    assert generated(entries, "accrued-fee") == [(datetime.date(2025, 3, 31), D("40.00"))]
    assert generated(entries, "accrued-fee-reversal") == [
        (datetime.date(2025, 5, 21), D("-40.00"))
    ]
    assert month_totals(entries, FEES) == {"2025-03": D("40.00")}


# Two factors that share one fees account and one accrued-fees account (a chart of
# accounts that keeps one line for the factoring cost). Summit (daily 0.06%: 6.00 a day
# on 10,000.00) funds INV-1 and INV-2, Pine (daily 0.05%: 5.00 a day) funds INV-3, all
# on January 10. The ledger ends on March 5.
SHARED = """
2025-01-01 open Assets:Receivable:CHR

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "daily 0.06%"
  fee-timing: "collection"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  fees: Expenses:Factoring:Fees
  accrued-fees: Assets:Factoring:AccruedFees

2025-01-01 custom "factoring-agreement" "Pine"
  advance-rate: 0.90
  fee: "daily 0.05%"
  fee-timing: "collection"
  recourse-days: 90
  payee: "PINE"
  bank: Assets:Bank:Checking
  fees: Expenses:Factoring:Fees
  accrued-fees: Assets:Factoring:AccruedFees

2025-01-09 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-01-09 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-01-09 * "CHR" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:CHR   10000.00 USD
  Income:Freight

2025-01-10 * "SUMMIT FUNDING" "Advance" ^INV-1 ^INV-2
  Assets:Bank:Checking   18000.00 USD
  Assets:Factoring:Summit:Clearing

2025-01-10 * "PINE" "Advance" ^INV-3
  Assets:Bank:Checking   9000.00 USD
  Assets:Factoring:Pine:Clearing

2025-03-05 note Assets:Bank:Checking "Statement"
"""


def test_factors_sharing_fee_accounts_accrue_apart_and_the_cost_report_tells_them_apart():
    entries, errors, options_map = loader.load_string(
        f'plugin "beancount_factoring.plugin" "{ACCRUE}"\n' + OPENS + SHARED
    )
    assert errors == []
    # One accrual per factor and month end, under each factor's name: Summit's two
    # invoices 2 x 21 x 6.00 = 252.00 on January 31, 2 x 28 x 6.00 = 336.00 on February
    # 28; Pine's one 21 x 5.00 = 105.00 and 28 x 5.00 = 140.00.
    accruals = [
        (e.date, e.payee, e.postings[0].units.number)
        for e in entries
        if isinstance(e, data.Transaction) and e.narration.startswith("Factoring fees accrued")
    ]
    assert sorted(accruals) == [
        (datetime.date(2025, 1, 31), "Pine", D("105.00")),
        (datetime.date(2025, 1, 31), "Summit", D("252.00")),
        (datetime.date(2025, 2, 28), "Pine", D("140.00")),
        (datetime.date(2025, 2, 28), "Summit", D("336.00")),
    ]
    assert month_totals(entries, "Expenses:Factoring:Fees") == {
        "2025-01": D("357.00"),
        "2025-02": D("476.00"),
    }
    report = compute(entries, options_map, errors).cost(as_of=datetime.date(2025, 3, 5))
    months = {(line.key, line.factor): line.fees.total for line in report.by_month}
    assert months == {
        ("2025-01", "Pine"): D("105.00"),
        ("2025-01", "Summit"): D("252.00"),
        ("2025-02", "Pine"): D("140.00"),
        ("2025-02", "Summit"): D("336.00"),
    }
    # The factor lines and the customer lines (CHR is Pine's, TQL Summit's) tie to the
    # shared fees account's 357.00 + 476.00 = 833.00.
    factors = {line.key: line.fees.total for line in report.by_factor}
    assert factors == {"Pine": D("245.00"), "Summit": D("588.00")}
    customers = {line.key: line.fees.total for line in report.by_customer}
    assert customers == {"CHR": D("245.00"), "TQL": D("588.00")}


def test_accrue_written_on_the_agreement_says_it_goes_on_the_plugin_line():
    # Cash timing would go on without a word but for the error: it names the key's line
    # and says where the setting goes.
    text = AGREEMENT.replace("  recourse-days: 90", '  accrue: "month"\n  recourse-days: 90')
    entries, errors = load(text + FUNDED + '\n2025-03-05 note Assets:Bank:Checking "x"\n')
    # (The agreement is not read until it is fixed: its clearing account is not opened.)
    (error,) = [error for error in errors if error.message.startswith("FCT")]
    assert error.message.startswith("FCT110 Agreement 'Summit', key 'accrue'")
    assert error.source["lineno"] == 9  # the plugin line, OPENS (5 lines), agreement, key
    assert "a setting of the plugin, not of an agreement" in error.message
    assert """plugin "beancount_factoring.plugin" "{'accrue': 'month'}\"""" in error.message
    assert generated(entries, "accrued-fee") == []


# The books start on 2025-01-01 with INV-901 funded on 2024-12-10 and written as 6.19 of
# the ledger guide says (its funding from Equity:Opening-Balances): the plugin accrues its
# fee from the funding, 21 x 6.00 = 126.00 on 2024-12-31, and reverses it at the release.
BEFORE_THE_BOOKS = """
2024-06-01 open Assets:Bank:Checking
2024-06-01 open Assets:Receivable:TQL
2024-06-01 open Equity:Opening-Balances

2024-06-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "daily 0.06%"
  fee-timing: "collection"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2024-12-09 * "TQL" "Load (before the books)"
  invoice: "INV-901"
  Assets:Receivable:TQL       10000.00 USD
  Equity:Opening-Balances

2024-12-10 * "SUMMIT FUNDING" "Advance INV-901 (before the books)" ^INV-901
  Equity:Opening-Balances      9000.00 USD
  Assets:Factoring:Summit:Clearing

2025-01-01 * "Opening balances" "Trial balance at 2024-12-31"
  Assets:Bank:Checking        50000.00 USD
  OPENING
  Equity:Opening-Balances

2025-01-20 * "TQL" "TQL paid Summit" ^INV-901
  factoring: "collected"

2025-01-24 * "SUMMIT FUNDING" "Rebate INV-901" ^INV-901
  Assets:Bank:Checking          754.00 USD
  Assets:Factoring:Summit:Reserve
"""


def test_an_opening_balance_of_the_accrued_fees_is_an_error_the_plugin_accrues_them():
    # Carried in from the old books as well, the 126.00 would be counted twice: the
    # plugin's reversal on January 24 takes back its own 126.00, and the account keeps
    # -126.00 for ever. FCT104 names the line and says to delete it.
    opening = BEFORE_THE_BOOKS.replace("OPENING", f"{ACCRUED}  -126.00 USD")
    entries, errors = load(opening, ACCRUE, opens=False)
    assert codes(errors) == ["FCT104"]
    (error,) = errors
    # (The plugin line comes first: the text's line i is the file's line i + 2.)
    opening_line = '2025-01-01 * "Opening balances" "Trial balance at 2024-12-31"'
    line = opening.splitlines().index(opening_line)
    assert error.source["lineno"] == line + 2
    assert f"-126.00 USD on {ACCRUED}" in error.message
    assert "the plugin writes this account itself" in error.message
    # Without it: the accruals alone, 126.00 in 2024 and 246.00 - 126.00 = 120.00 in 2025.
    plain = BEFORE_THE_BOOKS.replace("  OPENING\n", "")
    entries, errors = load(plain, ACCRUE, opens=False)
    assert errors == []
    assert month_totals(entries, FEES) == {"2024-12": D("126.00"), "2025-01": D("120.00")}
    assert balance(entries, ACCRUED) == 0
    # An accrual written by hand and reversed by hand adds up to nothing: no error; nor
    # is the account checked when the plugin does not accrue (the bookkeeper's own).
    by_hand = (
        opening
        + f"""
2025-01-02 * "Reverse the old books' accrual"
  {ACCRUED}  126.00 USD
  Equity:Opening-Balances
"""
    )
    assert load(by_hand, ACCRUE, opens=False)[1] == []
    assert load(f"2024-06-01 open {ACCRUED}\n" + opening, opens=False)[1] == []


# A leap February and two factors (checked by hand, a regression guard). Summit (daily
# 0.06% at release) funds INV-1 (10,000.00) on 2024-01-10 and INV-2 (5,000.00) on the last
# day of February, 2024-02-29; TQL pays INV-1 on March 3 (53 days: 318.00), released March
# 5 (1,000.00 - 318.00 = 682.00); INV-2 is open at the last entry, April 15. Apex (tiered
# 2%/30d + 0.5%/10d at release, 85%) funds INV-3 (4,000.00) on January 15 and charges it
# back on April 14, 90 days later (2% + 6 x 0.5% = 5%: 200.00).
LEAP = """
2024-01-01 open Assets:Bank:Checking
2024-01-01 open Assets:Receivable:TQL
2024-01-01 open Assets:Receivable:CHR
2024-01-01 open Income:Freight

2024-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "daily 0.06%"
  fee-timing: "collection"
  recourse-days: 90
  bank: Assets:Bank:Checking

2024-01-01 custom "factoring-agreement" "Apex"
  advance-rate: 0.85
  fee: "tiered 2%/30d + 0.5%/10d"
  fee-timing: "collection"
  recourse-days: 90
  bank: Assets:Bank:Checking

2024-01-09 * "TQL" "Load"
  invoice: "INV-1"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2024-01-10 * "SUMMIT FUNDING" "Advance" ^INV-1
  Assets:Bank:Checking   9000.00 USD
  Assets:Factoring:Summit:Clearing

2024-01-14 * "CHR" "Load"
  invoice: "INV-3"
  Assets:Receivable:CHR   4000.00 USD
  Income:Freight

2024-01-15 * "APEX" "Advance" ^INV-3
  Assets:Bank:Checking   3400.00 USD
  Assets:Factoring:Apex:Clearing

2024-02-28 * "TQL" "Load"
  invoice: "INV-2"
  Assets:Receivable:TQL   5000.00 USD
  Income:Freight

2024-02-29 * "SUMMIT FUNDING" "Advance" ^INV-2
  Assets:Bank:Checking   4500.00 USD
  Assets:Factoring:Summit:Clearing

2024-03-03 * "TQL" "Paid Summit" ^INV-1
  factoring: "collected"

2024-03-05 * "SUMMIT FUNDING" "Rebate" ^INV-1
  Assets:Bank:Checking   682.00 USD
  Assets:Factoring:Summit:Reserve

2024-04-14 * "Apex" "Recourse" ^INV-3
  factoring: "chargeback"

2024-04-15 note Assets:Bank:Checking "Statement"
"""


def test_a_leap_february_and_two_factors_tie_month_by_month():
    entries, errors, options_map = loader.load_string(
        f'plugin "beancount_factoring.plugin" "{ACCRUE}"' + LEAP
    )
    assert codes(errors) == []
    apex = "Expenses:Factoring:Apex:Fees"
    # Summit: January 21 x 6.00 = 126.00; February 29 is 50 days of INV-1 (300.00: 174.00)
    # and INV-2's first day (3.00); March: 318.00 - 300.00 = 18.00 and INV-2's 31 days
    # (93.00: 90.00); April 15 ends no month. Apex: 16 days (2%: 80.00), 45 (3%: 120.00),
    # 76 (4.5%: 180.00), and the chargeback's 200.00 less the 180.00 reversed.
    assert month_totals(entries, FEES) == {
        "2024-01": D("126.00"),
        "2024-02": D("177.00"),
        "2024-03": D("108.00"),
    }
    assert month_totals(entries, apex) == {
        "2024-01": D("80.00"),
        "2024-02": D("40.00"),
        "2024-03": D("60.00"),
        "2024-04": D("20.00"),
    }
    assert balance(entries, ACCRUED) == D("-93.00")  # INV-2, open
    assert balance(entries, "Assets:Factoring:Apex:AccruedFees") == 0
    # The cost report's month windows (as Fava's time filter asks) give the same months.
    book = compute(entries, options_map, errors)
    for start, end, summit, apex_fees in (
        (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29), "177.00", "40.00"),
        (datetime.date(2024, 3, 1), datetime.date(2024, 3, 31), "108.00", "60.00"),
    ):
        report = book.cost(as_of=end, factor=None, start=start)
        assert {line.key: line.fees.total for line in report.by_factor} == {
            "Apex": D(apex_fees),
            "Summit": D(summit),
        }
        assert {line.key: line.fees.total for line in report.by_customer} == {
            "CHR": D(apex_fees),
            "TQL": D(summit),
        }
