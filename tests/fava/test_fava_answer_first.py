"""Each page opens with the figures its question needs; every table ends with its totals.

On the small ledger (tests/fava/fava_ledgers.py), by hand:

- Summit (advance 95 %, flat 2 %, release-days 10) bought INV-1 (1,000.00, due 02-01)
  and INV-2 (2,000.00, due 02-02) on 01-05: reserves 1,000.00 - 950.00 = 50.00 and
  2,000.00 - 1,900.00 = 100.00; fees 20.00 + 40.00 = 60.00. INV-1 was collected on 02-10:
  its reserve is expected back on 02-10 + 10 = 02-20.
- Harbor (advance 90 %, flat 1 %, no release-days) bought INV-3 (500.00, no due:) on
  01-06: reserve 50.00, fee 5.00.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fava.core import FavaLedger
from fava_ledgers import EXAMPLE_SLUG, SMALL_SLUG, make_app, write_small
from flask import Flask
from flask.testing import FlaskClient
from test_fava_pages import components, rows, url

LATER_SLUG = "small-later"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The small ledger as of its last transaction (02-10), and as of 02-14 and 02-25."""
    directory = tmp_path_factory.mktemp("answer")
    return make_app(
        write_small(directory),
        write_small(directory, "\"{'as-of': '2025-02-14'}\"", "b.beancount", "Small Soon"),
        write_small(directory, "\"{'as-of': '2025-02-25'}\"", "c.beancount", "Small Later"),
    )


def headline(html: str, title: str) -> dict[str, list[str]]:
    """A headline's rows, by their first cell (the cells as text)."""
    found = re.search(rf"<h4>{re.escape(title)}</h4>\s*<table[^>]*>(.*?)</table>", html, re.S)
    assert found, f"no headline {title!r}"
    table: dict[str, list[str]] = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell)
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        table[cells[0]] = cells[1:]
    return table


def table_of(html: str, first: str, totals: bool = False) -> list[dict[str, object]]:
    """The rows (or the total rows) of the page's table whose first column is ``first``,
    each as a dict by column name."""
    for index, data in enumerate(components(html, "query-table")):
        names = [column["name"] for column in data["types"]]  # type: ignore[index]
        if names[0] == first:
            found = rows(html, index, totals)
            assert all((row[0] == "Total") == totals for row in found)
            return [dict(zip(names, row, strict=True)) for row in found]
    raise AssertionError(f"no table starts with {first!r}")


def page(client: FlaskClient, name: str, slug: str, query: str = "") -> str:
    response = client.get(url(name, slug=slug, query=query))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_headline_comes_before_the_detail(small: Flask) -> None:
    client = small.test_client()
    for name, title, first in (
        ("FactoringReserve", "Reserve the factors owe me back", "<h3>Reserve held per factor"),
        ("FactoringAging", "Overdue, by customer", "<h3>Receivables we hold"),
        ("FactoringCost", "What factoring cost in the period", "<h3>By factor"),
        ("FactoringReconciliation", "Clearing residue", "<h3>Clearing accounts"),
    ):
        html = page(client, name, SMALL_SLUG)
        component = '<svelte-component type="query-table"'
        assert html.index(f"<h4>{title}</h4>") < html.index(first) < html.index(component)


def test_reserve_owed_now_and_due_back_in_the_next_7_days(small: Flask) -> None:
    client = small.test_client()
    # As of 02-10: INV-1's release (02-20) is neither due nor within 7 days (02-17).
    table = headline(
        page(client, "FactoringReserve", SMALL_SLUG), "Reserve the factors owe me back"
    )
    assert table["Factor"] == ["Held", "Owed now", "Due back by 2025-02-17"]
    # Summit holds 50.00 + 100.00 = 150.00; Harbor 50.00; INV-2 and INV-3 are not
    # collected yet: held, not owed.
    assert table["Summit"] == ["150.00 USD", "0.00 USD", "0.00 USD"]
    assert table["Harbor"] == ["50.00 USD", "0.00 USD", "0.00 USD"]
    assert table["Total"] == ["200.00 USD", "0.00 USD", "0.00 USD"]
    # As of 02-14: 02-20 is within 02-14 + 7 = 02-21: INV-1's 50.00 (no fee due at release).
    table = headline(
        page(client, "FactoringReserve", "small-soon"), "Reserve the factors owe me back"
    )
    assert table["Summit"] == ["150.00 USD", "0.00 USD", "50.00 USD"]
    # As of 02-25: 02-20 is past: 50.00 owed now.
    html = page(client, "FactoringReserve", LATER_SLUG)
    table = headline(html, "Reserve the factors owe me back")
    assert table["Summit"] == ["150.00 USD", "50.00 USD", "0.00 USD"]
    assert table["Total"] == ["200.00 USD", "50.00 USD", "0.00 USD"]
    # The headline's held is the open reserves' total row, and the reserve accounts' balance.
    (total,) = table_of(html, "Invoice", totals=True)
    assert total["Held"] == "200.00"
    (factors_total,) = table_of(html, "Factor", totals=True)
    assert factors_total["Held"] == factors_total["Account balance"] == "200.00"
    ledger: FavaLedger = small.config["LEDGERS"][LATER_SLUG]
    balance = sum(
        (
            p.units.number
            for e in ledger.all_entries
            for p in getattr(e, "postings", ())
            if p.account.endswith(":Reserve")
        ),
        Decimal(0),
    )
    assert balance == Decimal("200.00")


def test_overdue_by_bucket_and_customer_on_the_due_basis(small: Flask) -> None:
    client = small.test_client()
    html = page(client, "FactoringAging", SMALL_SLUG)
    assert "Aged by: <strong>due date</strong>" in html
    table = headline(html, "Overdue, by customer")
    # As of 02-10: INV-2 due 02-02, 8 days past due; INV-3 (dated 01-04, no due:) due
    # 01-04 + 30 = 02-03, 7 days past due: both 1-30.
    assert table["Customer"] == ["1-30 days", "31-60 days", "61-90 days", "90+ days", "Overdue"]
    assert table["Acme"] == ["500.00 USD", "0.00 USD", "0.00 USD", "0.00 USD", "500.00 USD"]
    assert table["Total"] == [
        "2000.00 USD".replace("2000", "2500"),
        *["0.00 USD"] * 3,
        "2500.00 USD",
    ]
    # The headline's total is the open invoices' total row.
    (total,) = table_of(html, "Invoice", totals=True)
    assert total["Amount"] == "2500.00"
    assert sum(row["Amount"] for row in table_of(html, "Invoice")) == 2500.0  # type: ignore[misc]
    # By invoice date: 02-10 - 01-03 = 38 days and 02-10 - 01-04 = 37 days: 31-60.
    html = page(client, "FactoringAging", SMALL_SLUG, "basis=invoice")
    assert "Aged by: <strong>invoice date</strong>" in html
    table = headline(html, "Open past the invoice date, by customer")
    assert table["Total"] == ["0.00 USD", "2500.00 USD", "0.00 USD", "0.00 USD", "2500.00 USD"]


def test_cost_this_period_and_annual_rate_per_factor(small: Flask) -> None:
    html = page(small.test_client(), "FactoringCost", SMALL_SLUG)
    table = headline(html, "What factoring cost in the period")
    # INV-1: fee 20.00 on 950.00 advanced 01-05 to 02-10 = 36 days:
    # 20 / (950 x 36) x 365 = 7,300 / 34,200 = 21.345 % -> 21.35 %. Harbor closed nothing.
    assert table["Summit"] == ["60.00 USD", "21.35 %", "21.35 %"]
    assert table["Harbor"] == ["5.00 USD", "", ""]
    assert table["Total"] == ["65.00 USD", "21.35 %", "21.35 %"]
    (total,) = table_of(html, "Factor", totals=True)
    assert total["Total fees"] == "65.00"  # the table by factor: 60.00 + 5.00


def test_clearing_residue_and_items_past_grace(small: Flask) -> None:
    html = page(small.test_client(), "FactoringReconciliation", SMALL_SLUG)
    table = headline(html, "Clearing residue")
    # The deposit 2,790.00 = 930.00 + 1,860.00 nets the clearing account to zero.
    assert table["Summit"] == ["0.00 USD", "0.00 USD", "0.00 USD", "0"]


@pytest.mark.parametrize(
    "name", ["FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation"]
)
def test_every_table_of_the_example_ends_with_its_total(client: FlaskClient, name: str) -> None:
    html = page(client, name, EXAMPLE_SLUG)
    tables = re.findall(r'<svelte-component type="query-table"', html)
    assert tables
    found = 0
    for index in range(len(tables)):
        body = rows(html, index)
        totals = rows(html, index, totals=True)
        if totals:
            found += 1
            assert body, "a total without rows"
    assert found >= 1


def test_the_example_reserve_headline_ties_to_the_table_and_the_accounts(
    app: Flask, client: FlaskClient
) -> None:
    html = page(client, "FactoringReserve", EXAMPLE_SLUG)
    table = headline(html, "Reserve the factors owe me back")
    (total,) = table_of(html, "Invoice", totals=True)  # the open reserves
    held = Decimal(str(total["Held"]))
    body = table_of(html, "Invoice")
    assert held == sum((Decimal(str(row["Held"])) for row in body), Decimal(0))
    shown = table.get("Total") or next(iter(v for k, v in table.items() if k != "Factor"))
    assert shown[0] == f"{held:,.2f} USD"
    (factors,) = table_of(html, "Factor", totals=True)
    assert Decimal(str(factors["Account balance"])) == held
    ledger: FavaLedger = app.config["LEDGERS"][EXAMPLE_SLUG]
    as_of = re.search(r"As of: <strong>([0-9-]+)</strong>", html)
    assert as_of
    balance = sum(
        (
            p.units.number
            for e in ledger.all_entries
            if str(e.date) <= as_of.group(1)
            for p in getattr(e, "postings", ())
            if p.account.endswith(":Reserve")
        ),
        Decimal(0),
    )
    assert balance == held


def test_the_settled_history_is_behind_a_control(client: FlaskClient) -> None:
    html = page(client, "FactoringReserve", EXAMPLE_SLUG)
    assert re.search(r"<details class=\"factoring-history\">\s*<summary>Forfeited reserves", html)
    html = page(client, "FactoringCost", EXAMPLE_SLUG)
    assert re.search(r"<details class=\"factoring-history\">\s*<summary>By invoice", html)
    # Open items come first: the open reserves' table is outside any <details>.
    html = page(client, "FactoringReserve", EXAMPLE_SLUG)
    assert html.index("<h3>Open reserves</h3>") < html.index("<details")


def test_invoice_numbers_are_links_on_every_table_that_holds_them(client: FlaskClient) -> None:
    html = page(client, "FactoringCost", EXAMPLE_SLUG)
    # The closed invoices and the deductions' Invoices column (several numbers in a cell,
    # each linked by the script); the reconciliation's open items link theirs too.
    assert html.count("data-invoice-column=") == 2
    (linked,) = re.findall(r'data-invoice-column="(\d+)" data-journal="/[^"]+/journal/"', html)[1:]
    assert linked == "5"  # Customer, Kind, Reason, Count, Amount, Invoices


def test_the_fees_chart_is_one_per_currency_and_names_the_factors(client: FlaskClient) -> None:
    from test_fava_pages import components

    html = page(client, "FactoringCost", EXAMPLE_SLUG)
    (chart,) = [c for c in components(html, "charts")[0] if c["type"] == "bar"]  # type: ignore[index]
    assert chart["label"] == "Factoring fees per month (USD)"  # one chart per currency
    # The legend's keys are the factors (each its own bar), not the currency.
    named = {factor for bar in chart["data"] for factor in bar["balance"]}
    assert named == {"Lakeshore", "Pinecrest"}


def test_the_aging_chart_shows_the_open_amounts(small: Flask) -> None:
    html = page(small.test_client(), "FactoringAging", SMALL_SLUG)
    (bars,) = [c for c in components(html, "charts")[0] if c["type"] == "bar"]  # type: ignore[index]
    assert bars["label"] == "Open amounts by month of due date"
    # INV-2 due 02-02 (2,000.00) and INV-3 due 01-04 + 30 = 02-03 (500.00): one bar.
    (bar,) = bars["data"]
    assert bar["date"] == "2025-02-01"
    assert bar["balance"] == {"USD": 2500.0}
    assert bar["account_balances"]["Acme"] == {"USD": 500.0}
