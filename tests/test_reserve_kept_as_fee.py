"""The factor keeps an invoice's reserve as its fee, and the books write it by hand.

With ``'accrue': 'month'`` the plugin accrues an invoice's time-based fee at each month
end and reverses the accruals the day the fee is booked: a release, a chargeback, a
credit loss or a buyout. An entry typed by hand that moves the reserve into the fees
(``Fees / Reserve``, no bank line) and names no invoice by a link is none of those: the
accruals stayed, and the fee counted twice in silence. Linked, the entry is the
invoice's release (a lump sum whose postings are written, docs/ledger.md 7): its fee is
checked and the accruals reversed. Every figure below is worked out by hand.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.reports import compute

from ledgers import OPENS, balance, codes, load

D = Decimal
ACCRUE = "{'accrue': 'month'}"
FEES = "Expenses:Factoring:Summit:Fees"
ACCRUED = "Assets:Factoring:Summit:AccruedFees"
RESERVE = "Assets:Factoring:Summit:Reserve"

# Summit advances 90% of a 5,000.00 invoice (reserve 500.00) and charges 0.1% of the
# face a day, 5.00, all of it at the release. Funded January 10, paid April 20: 100 days
# (21 + 28 + 31 + 20), a fee of 500.00, the whole reserve: the release is 0.00 and
# Summit keeps the reserve. The month ends accrue January 31 21 x 5.00 = 105.00,
# February 28 49 x 5.00 = 245.00 less 105.00 = 140.00, March 31 80 x 5.00 = 400.00 less
# 245.00 = 155.00, April 30 the fixed 500.00 less 400.00 = 100.00: 500.00 in all.
KEPT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "daily 0.1%"
  fee-timing: "collection"
  recourse-days: 180
  bank: Assets:Bank:Checking

2025-01-09 * "TQL" "Load"
  invoice: "INV-1001"
  Assets:Receivable:TQL   5000.00 USD
  Income:Freight

2025-01-10 * "SUMMIT FUNDING" "Advance" ^INV-1001
  Assets:Bank:Checking   4500.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-20 * "TQL" "Paid Summit" ^INV-1001
  factoring: "collected"

2025-05-05 * "Summit" "Reserve kept as fee"{link}
  Expenses:Factoring:Summit:Fees    {amount} USD{meta}
  Assets:Factoring:Summit:Reserve  -{amount} USD{meta}
"""
POSTING_META = '\n    invoice: "INV-1001"'


def kept(link: str = "", meta: str = "", amount: str = "500.00", model: str = "sale") -> str:
    text = KEPT.format(link=link, meta=meta, amount=amount)
    return text.replace("  recourse-days:", f'  model: "{model}"\n  recourse-days:')


def accruals(entries) -> list[tuple[datetime.date, Decimal]]:
    """(date, amount on the fees account) of each accrual and reversal, in order."""
    return [
        (entry.date, posting.units.number)
        for entry in entries
        for posting in getattr(entry, "postings", ())
        if posting.account == FEES
        and (posting.meta or {}).get("factoring-part", "").startswith("accrued-fee")
    ]


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("meta", ["", POSTING_META], ids=["unlinked", "posting-meta"])
def test_a_reserve_kept_as_fee_naming_no_invoice_is_an_error_with_accruals(meta, model):
    entries, errors = load(kept(meta=meta, model=model), ACCRUE)
    # Before: no error, and the fees account showed the 500.00 Summit kept plus the
    # 500.00 accrued and never reversed: 1,000.00.
    assert codes(errors) == ["FCT104"]
    (error,) = errors
    assert error.source["lineno"] == 29  # the hand entry (after the plugin line and opens)
    message = error.message
    assert "500.00 USD from Assets:Factoring:Summit:Reserve" in message
    assert "INV-1001 (500.00)" in message
    assert "link the invoice whose reserve the factor kept (^INV-1001)" in message
    assert balance(entries, FEES) == D("1000.00")


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_linked_it_is_the_release_and_the_accruals_are_reversed(model):
    entries, errors = load(kept(link=" ^INV-1001", model=model), ACCRUE)
    assert errors == []
    assert accruals(entries) == [
        (datetime.date(2025, 1, 31), D("105.00")),
        (datetime.date(2025, 2, 28), D("140.00")),
        (datetime.date(2025, 3, 31), D("155.00")),
        (datetime.date(2025, 4, 30), D("100.00")),
        (datetime.date(2025, 5, 5), D("-500.00")),
    ]
    # What Summit took, once; nothing accrued or held any more.
    assert balance(entries, FEES) == D("500.00")
    assert balance(entries, ACCRUED) == balance(entries, RESERVE) == D("0")


@pytest.mark.parametrize("link", ["", " ^INV-1001"], ids=["unlinked", "linked"])
def test_without_accruals_the_fees_are_what_the_factor_took(link):
    entries, errors = load(kept(link=link))
    assert errors == []
    assert balance(entries, FEES) == D("500.00")
    assert balance(entries, RESERVE) == D("0")


def reports(text: str, config: str):
    source = f'plugin "beancount_factoring.plugin" "{config}"\n' + OPENS + text
    entries, errors, options_map = loader.load_string(source)
    assert errors == []
    return entries, compute(entries, options_map, errors)


@pytest.mark.parametrize("config", ["{}", ACCRUE])
def test_linked_the_reserve_and_cost_reports_tie_out(config):
    entries, book = reports(kept(link=" ^INV-1001"), config)
    day = datetime.date(2025, 5, 5)
    (factor,) = book.reserve(as_of=day, factor=None).factors
    assert (factor.held, factor.accrued_fees, factor.unexplained) == (D(0), D(0), D(0))
    (invoice,) = factor.invoices
    assert invoice.status == "released"
    cost = book.cost(as_of=day, factor=None)
    (line,) = cost.by_factor
    assert line.fees.total == balance(entries, FEES) == D("500.00")
    (whole,) = cost.by_invoice
    assert whole.fees.total == D("500.00")
    # March 31 (accrual timing): 400.00 incurred and accrued, the reserve net of it 100.00.
    if config == ACCRUE:
        (march,) = book.reserve(as_of=datetime.date(2025, 3, 31), factor=None).factors
        assert (march.accrued_fees, march.held_net_of_fees) == (D("400.00"), D("100.00"))


# The hunt's case: Summit's 10,000.00 invoice at 0.06% a day, paid March 3 (52 days:
# 312.00), its fee accrued 126.00 + 168.00 + 18.00 = 312.00 at the month ends to March
# 31; Summit keeps the whole reserve of 1,000.00.
DAILY = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "daily 0.06%"
  fee-timing: "collection"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-01-09 * "TQL" "Load"
  invoice: "INV-1001"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-01-10 * "SUMMIT FUNDING" "Advance" ^INV-1001
  Assets:Bank:Checking   9000.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-03 * "TQL" "Paid Summit" ^INV-1001
  factoring: "collected"

2025-04-05 * "Summit" "Reserve kept as fee"{link}
  Expenses:Factoring:Summit:Fees   1000.00 USD
  Assets:Factoring:Summit:Reserve -1000.00 USD
"""


def test_the_factor_keeping_more_than_the_agreement_gives():
    # Unlinked: before, fees 1,312.00 where Summit took 1,000.00, and no error.
    entries, errors = load(DAILY.format(link=""), ACCRUE)
    assert codes(errors) == ["FCT104"]
    assert "312.00 USD of fees it accrued" in errors[0].message
    # Linked: the release, whose fee the agreement gives as 312.00 (FCT120), and the
    # accruals reversed: the fees account has what Summit took.
    entries, errors = load(DAILY.format(link=" ^INV-1001"), ACCRUE)
    assert codes(errors) == ["FCT120"]
    assert balance(entries, FEES) == D("1000.00")
    assert balance(entries, ACCRUED) == D("0")


# Two invoices collected, reserves 500.00 and 300.00 (a 3,000.00 invoice: 3.00 a day from
# February 10 to April 20, 69 days: 207.00). Summit keeps the whole reserve, 800.00.
SECOND = """
2025-02-09 * "TQL" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:TQL   3000.00 USD
  Income:Freight

2025-02-10 * "SUMMIT FUNDING" "Advance 2" ^INV-1002
  Assets:Bank:Checking   2700.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-20 * "TQL" "Paid Summit 2" ^INV-1002
  factoring: "collected"
"""


def test_the_whole_reserve_taken_as_fee_names_every_invoice_with_accruals():
    text = kept(amount="800.00") + SECOND
    _, errors = load(text, ACCRUE)
    assert codes(errors) == ["FCT104"]
    message = errors[0].message
    assert "INV-1001 (500.00), INV-1002 (207.00)" in message
    assert "the whole reserve" in message


def test_a_fee_of_no_invoice_taken_from_the_reserve_is_no_error():
    # A 25.00 wire fee taken from the reserve is neither an invoice's reserve nor the
    # whole reserve: a charge of no invoice, as the reserve statement's importer writes it.
    text = kept(amount="25.00")
    entries, errors = load(text, ACCRUE)
    assert errors == []
    # 500.00 accrued (not yet reversed: no release) and the 25.00 fee.
    assert balance(entries, FEES) == D("525.00")
