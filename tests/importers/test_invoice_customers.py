"""A customer's name written in another case or spacing than on other rows, or than
the account the ledger opens for it.

An export that writes `Bayline Logistics` on one invoice and `BAYLINE LOGISTICS ` on
another (names typed by hand in the billing system) made two receivable accounts of one
customer, `...:BaylineLogistics` and `...:BAYLINELOGISTICS`, with no word from the
importer; the second, never opened, stopped `bean-check` without saying why, and once
opened split the customer's receivable in two (its aging, its payments).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from beancount import loader

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.invoices import InvoiceImporter

HEADER = "Invoice #,Invoice Date,Due Date,Customer,Load #,Charge,Amount"


def accounts(tmp_path: Path, *customers: str, existing: list | None = None) -> list[str]:
    rows = [
        f"RF-{n},03/03/2025,,{customer},BL-{n},LINEHAUL,100.00"
        for n, customer in enumerate(customers, 1)
    ]
    path = tmp_path / "invoices.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n")
    entries = InvoiceImporter().extract(str(path), existing or [])
    return [entry.postings[0].account for entry in entries]


def test_one_customer_in_several_cases_is_one_account(tmp_path: Path) -> None:
    found = accounts(tmp_path, "Bayline Logistics", "BAYLINE LOGISTICS ", "bayline  logistics")
    assert found == ["Assets:Receivable:BaylineLogistics"] * 3


def test_the_account_the_ledger_opens_is_taken_whatever_the_case(tmp_path: Path) -> None:
    ledger, _, _ = loader.load_string("2024-01-01 open Assets:Receivable:BaylineLogistics\n")
    assert accounts(tmp_path, "BAYLINE LOGISTICS", existing=ledger) == [
        "Assets:Receivable:BaylineLogistics"
    ]


def test_two_names_whose_leaves_differ_only_in_case_are_asked_about(tmp_path: Path) -> None:
    # `North Star` and `Northstar` made NorthStar and Northstar: one customer in two
    # accounts, or two customers whose accounts differ by a letter's case; mapped in
    # customers= each is what the user says.
    with pytest.raises(ImportFailure) as caught:
        accounts(tmp_path, "North Star", "Northstar")
    assert caught.value.code == "FCT208"
    assert "map each to its own leaf in customers=" in caught.value.detail
