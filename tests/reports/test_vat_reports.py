"""The four reports on ledgers with VAT on the fees, figures worked out by hand.

The reports settle the plugin's output again; the plugin's VAT postings (to
an account of no factor) must read as its own legs there, not as cash.

``vat/thin-buyout-{sale,loan}.beancount``: Lakeshore (97%, "tiered 3%/30d +
0.5%/15d" at collection, fee-vat 0.255) funds INV-1301, 10,000.00, on 06-02:
9,700.00, reserve 300.00. Pinecrest (97%, flat 0.5%, fee-vat 0.255) buys it
out on 07-12, 40 days later: Lakeshore's fee 3.5% = 350.00 (300.00 discount,
50.00 late) + VAT 89.25; Pinecrest's 0.5% = 50.00 + VAT 12.75. What moves:
300.00 - 350.00 - 89.25 - 50.00 - 12.75 = -202.00, owed on Pinecrest's
clearing account. Pinecrest funds INV-1302, 5,000.00, on 07-15: 4,850.00 -
25.00 - VAT 6.38 (6.375 half-up) - 202.00 = 4,616.62, reserve 150.00.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from beancount_factoring.reports import compute

D = Decimal
HERE = Path(__file__).resolve().parent / "vat"
AS_OF = datetime.date(2025, 7, 16)


def _book(name: str):
    entries, errors, options = loader.load_file(str(HERE / name))
    assert [e.message for e in errors] == []
    return compute(entries, options, errors)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_thin_buyout_with_vat__aging_shows_both_invoices_with_the_new_factor(model):
    report = _book(f"thin-buyout-{model}.beancount").aging(AS_OF)
    (totals,) = report.totals
    # 10,000.00 (INV-1301, bought out) + 5,000.00 (INV-1302) = 15,000.00, both Pinecrest's.
    assert totals.factor_outstanding == D("15000.00")
    assert {(row.customer, row.factor, row.total) for row in report.factored} == {
        ("TQL", "Pinecrest", D("10000.00")),
        ("CHR", "Pinecrest", D("5000.00")),
    }


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_thin_buyout_with_vat__the_reserve_held_is_the_balance(model):
    report = _book(f"thin-buyout-{model}.beancount").reserve(AS_OF)
    held = {f.factor: (f.held, f.account_balance, f.unexplained) for f in report.factors}
    # Lakeshore's 300.00 left at the buyout; Pinecrest holds nothing of INV-1301 (the
    # reserve could not cover the fees) and 5,000.00 x 3% = 150.00 of INV-1302.
    assert held["Lakeshore"] == (0, 0, 0)
    assert held["Pinecrest"] == (D("150.00"), D("150.00"), 0)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_thin_buyout_with_vat__the_clearing_account_is_explained(model):
    book = _book(f"thin-buyout-{model}.beancount")
    # 07-13: the 202.00 owed waits on Pinecrest's clearing account, named by its invoice.
    (account,) = book.reconcile(datetime.date(2025, 7, 13)).accounts
    assert (account.balance, account.unexplained) == (D("-202.00"), 0)
    assert [(i.kind, i.reference, i.on_clearing) for i in account.items] == [
        ("fee to net", "INV-1301", D("-202.00"))
    ]
    # 07-16: the funding netted it: -202.00 + 202.00 = 0, nothing open or unallocated.
    report = book.reconcile(AS_OF)
    assert report.disagreements == ()
    for account in report.accounts:
        assert (account.balance, account.unexplained) == (0, 0)
        assert account.items == () and account.unallocated == ()


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_thin_buyout_with_vat__cost_rows_tie_and_each_factor_has_its_own_vat(model):
    report = _book(f"thin-buyout-{model}.beancount").cost(AS_OF)
    factors = {line.key: (line.fees.total, line.vat) for line in report.by_factor}
    # Lakeshore: 300.00 + 50.00 = 350.00, VAT 350.00 x 0.255 = 89.25. Pinecrest: 50.00
    # + 25.00 = 75.00, VAT 12.75 + 6.38 = 19.13.
    assert factors == {
        "Lakeshore": (D("350.00"), D("89.25")),
        "Pinecrest": (D("75.00"), D("19.13")),
    }
    customers = {line.key: line.fees.total for line in report.by_customer}
    # TQL: Lakeshore's 350.00 + Pinecrest's 50.00 = 400.00; CHR: 25.00. 425.00 in all.
    assert customers == {"TQL": D("400.00"), "CHR": D("25.00")}
    assert sum(line.fees.total for line in report.by_month) == D("425.00")
    assert sum(line.vat for line in report.by_month) == D("108.38")  # 89.25 + 19.13
    (lakeshore,) = [line for line in report.by_factor if line.key == "Lakeshore"]
    # Lakeshore's spell is closed by the buyout: 350.00 / (9,700.00 x 40) x 365 = 32.93%.
    assert round(lakeshore.annual_rate * 100, 2) == D("32.93")


@pytest.mark.parametrize("name", ["minimum-fee", "minimum-fee-netted"])
def test_a_monthly_minimum_with_vat_is_a_fee_to_net(name):
    # 55.00 + VAT 14.025 -> 14.03 = 69.03 owed from 04-01 on Vakka's clearing account.
    book = _book(f"{name}.beancount")
    (account,) = book.reconcile(datetime.date(2025, 5, 10)).accounts
    assert (account.balance, account.unexplained) == (D("-69.03"), 0)
    assert [(i.kind, i.on_clearing) for i in account.items] == [("fee to net", D("-69.03"))]
    if name == "minimum-fee-netted":
        # The factor's debit of 69.03 on 05-12 nets it: nothing open, nothing unexplained.
        (account,) = book.reconcile(datetime.date(2025, 5, 12)).accounts
        assert (account.balance, account.unexplained, account.items) == (0, 0, ())
