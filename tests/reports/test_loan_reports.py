"""The reports on a loan-model ledger: the SUMMIT ledger's events under ``model: "loan"``.

The loan model changes where the invoices sit (on our receivable accounts until
the debtor pays, against a liability to the factor), not the cash, the fees or
the reserve. So the reserve and cost reports are those of the sale model; the
aging report shows the factored invoices as the factor's, as in the sale
model, and counts their receivables as ``pledged`` so that its totals still tie
to the receivable accounts' balance; the reconciliation report's clearing
account holds no unfunded schedule.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal

import pytest

from beancount_factoring.reports.model import Source

D = Decimal
day = datetime.date
DATES = [day(2025, 3, 4), day(2025, 3, 31), day(2025, 4, 15), day(2025, 6, 18), day(2025, 6, 30)]


def unsourced(value):
    """A report with every source (file:line) blanked: the two ledgers' lines differ."""
    if isinstance(value, Source):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(
            (field.name, unsourced(getattr(value, field.name)))
            for field in dataclasses.fields(value)
        )
    if isinstance(value, tuple):
        return tuple(unsourced(item) for item in value)
    return value


@pytest.mark.parametrize("as_of", DATES)
def test_the_reserve_report_is_the_sale_models(summit, summit_loan, as_of):
    loan = summit_loan.reserve(as_of=as_of)
    assert unsourced(loan) == unsourced(summit.reserve(as_of=as_of))
    for factor in loan.factors:
        assert factor.held == factor.account_balance
        assert factor.unexplained == 0


def test_the_reserve_report_by_hand(summit_loan):
    (factor,) = summit_loan.reserve(as_of=day(2025, 6, 30)).factors
    held = {line.invoice: line.held for line in factor.invoices}
    # INV-1 released, INV-2's 50.00 taken by its short pay, INV-3's 150.00 kept by the
    # chargeback; INV-6: 5% of 4,000.00.
    assert held == {"INV-1": 0, "INV-2": 0, "INV-3": 0, "INV-6": D("200.00")}
    assert factor.account_balance == D("200.00")


@pytest.mark.parametrize("as_of", DATES)
def test_the_cost_report_is_the_sale_models(summit, summit_loan, as_of):
    assert unsourced(summit_loan.cost(as_of=as_of)) == unsourced(summit.cost(as_of=as_of))


def test_the_cost_report_by_hand(summit_loan):
    (line,) = summit_loan.cost(as_of=day(2025, 6, 30)).by_factor
    # 2% of 3,000.00 (S1), 3,000.00 (INV-3) and 4,000.00 (S2); three transfers at 25.00.
    assert line.fees.discount == D("200.00")
    assert line.fees.transfer == D("75.00")
    assert line.cash_advanced == D("1900") + D("950") + D("2850")


@pytest.mark.parametrize("as_of", DATES)
def test_aging_shows_the_factored_invoices_as_the_factors_and_ties(summit, summit_loan, as_of):
    sale, loan = summit.aging(as_of=as_of), summit_loan.aging(as_of=as_of)
    assert unsourced(loan.unfactored) == unsourced(sale.unfactored)
    assert unsourced(loan.factored) == unsourced(sale.factored)
    assert unsourced(loan.invoices) == unsourced(sale.invoices)
    for sold, lent in zip(sale.totals, loan.totals, strict=True):
        assert sold.pledged == 0
        # The tie-out: what we hold plus what is pledged is the receivable accounts' balance,
        # which under the loan model still carries what the factors hold.
        assert lent.receivable_balance == sum(lent.unfactored) + lent.pledged
        assert lent.receivable_balance == sold.receivable_balance + lent.pledged
        assert lent.pledged == sum(lent.factored)


def test_aging_by_hand(summit_loan):
    (march,) = summit_loan.aging(as_of=day(2025, 3, 31)).totals
    # INV-4's 500.00 is ours; INV-1, INV-2 and INV-3 (6,000.00) are Summit's, still on
    # our receivable accounts.
    assert sum(march.unfactored) == D("500.00")
    assert march.pledged == march.factor_outstanding == D("6000.00")
    assert march.receivable_balance == D("6500.00")
    (june,) = summit_loan.aging(as_of=day(2025, 6, 30)).totals
    # Ours: INV-5 800.00, INV-4 300.00 left, INV-3 3,000.00 charged back. Summit's: INV-6.
    assert sum(june.unfactored) == D("4100.00")
    assert june.pledged == D("4000.00")
    assert june.receivable_balance == D("8100.00")


def test_aging_narrowed_to_a_factor_still_ties(summit_loan):
    report = summit_loan.aging(as_of=day(2025, 3, 31), factor="summit")
    (totals,) = report.totals
    assert totals.receivable_balance == sum(totals.unfactored) + totals.pledged


def test_aging_counts_a_scheduled_invoice_as_pledged(summit_loan):
    # S2 (INV-6) is scheduled on 06-17 and funded on 06-20.
    (totals,) = summit_loan.aging(as_of=day(2025, 6, 18)).totals
    assert totals.scheduled == D("4000.00")
    assert totals.pledged == D("4000.00")
    assert totals.receivable_balance == sum(totals.unfactored) + totals.pledged


@pytest.mark.parametrize("as_of", DATES)
def test_reconciliation_explains_the_clearing_account(summit, summit_loan, as_of):
    sale, loan = summit.reconcile(as_of=as_of), summit_loan.reconcile(as_of=as_of)
    for account in loan.accounts:
        assert account.unexplained == 0
    # The same problems; their sources are one line apart (the model: line).
    assert len(loan.problems) == len(sale.problems)
    for lent, sold in zip(loan.problems, sale.problems, strict=True):
        assert re.sub(r":\d+\)", ")", lent) == re.sub(r":\d+\)", ")", sold)


def test_reconciliation_lists_an_unfunded_loan_schedule_off_the_clearing_account(summit_loan):
    (account,) = summit_loan.reconcile(as_of=day(2025, 6, 18)).accounts
    schedule = next(item for item in account.items if item.reference == "S2")
    # 3,800.00 advance - 80.00 fee - 25.00 transfer fee (what the deposit that funds it
    # pays before its nettings: 3,695.00 - 2,900.00 = 795.00); no face on clearing.
    assert schedule.on_clearing == 0
    assert schedule.cash == D("3695.00")
    # The short pay beyond INV-2's reserve and INV-3's chargeback wait to be netted.
    assert account.balance == D("-2900.00")
