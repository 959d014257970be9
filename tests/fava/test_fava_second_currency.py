"""A second currency and Fava's filters on the factoring pages: no amount shown in
another currency's name, and no filter read as "nothing there" when it matches nothing
the pages can filter by (the findings of a bookkeeper's hunt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fava_ledgers import EXAMPLE, EXAMPLE_SLUG, make_app
from flask.testing import FlaskClient
from test_fava_pages import components, url

# Copper buys in two currencies, an agreement each. The CAD terms take the whole fee at
# collection (fee-timing: "collection"), so funding C-1 books no CAD fee: in March only
# U-1's USD fee is booked (900.00 - 30.00 = 870.00 paid), while C-1, 5,000.00 CAD, is
# funded (advance 4,500.00 CAD, reserve 500.00 CAD) and waits for its customer.
TWO_CURRENCIES = """
option "title" "Two Desks"
option "operating_currency" "USD"
plugin "beancount_factoring.plugin"
2024-01-01 custom "fava-extension" "beancount_factoring.fava"

2024-01-01 open Assets:Bank:USD USD
2024-01-01 open Assets:Bank:CAD CAD
2024-01-01 open Assets:Receivable:Maple
2024-01-01 open Assets:Receivable:Acme
2024-01-01 open Income:Freight

2024-01-01 custom "factoring-agreement" "Copper"
  currency: "USD"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "COPPER"
  bank: Assets:Bank:USD

2024-01-01 custom "factoring-agreement" "Copper"
  currency: "CAD"
  advance-rate: 0.90
  fee: "daily 0.1%"
  fee-timing: "collection"
  recourse-days: 60
  payee: "COPPER"
  bank: Assets:Bank:CAD

2024-01-01 custom "factoring-offer" "Bluewater"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 60

2024-03-01 * "Acme" "Load U1"
  invoice: "U-1"
  due: 2024-03-31
  Assets:Receivable:Acme   1000.00 USD
  Income:Freight

2024-03-01 * "Maple" "Load C1"
  invoice: "C-1"
  due: 2024-03-31
  Assets:Receivable:Maple   5000.00 CAD @ 0.74 USD
  Income:Freight

2024-03-02 * "COPPER" "ACH U1" ^U-1
  Assets:Bank:USD   870.00 USD
  Assets:Factoring:Copper:USD:Clearing

2024-03-02 * "COPPER" "ACH C1" ^C-1
  Assets:Bank:CAD   4500.00 CAD
  Assets:Factoring:Copper:CAD:Clearing

2024-03-20 * "Acme" "Load U2"
  invoice: "U-2"
  Assets:Receivable:Acme   500.00 USD
  Income:Freight
"""
SLUG = "two-desks"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    path = Path(tmp_path_factory.mktemp("two")) / "main.beancount"
    path.write_text(TWO_CURRENCIES, encoding="utf-8")
    return make_app(path).test_client()


def test_an_offers_invoices_in_another_currency_keep_their_currency(
    client: FlaskClient,
) -> None:
    # The fees of March are USD only (30.00), but the offer's table of invoices not
    # compared holds C-1, 5,000.00 CAD: the page is in two currencies, so it must not
    # say "Amounts in: USD" and drop the Currency column, which reads C-1 as 5,000.00 USD.
    html = client.get(url("FactoringCost", SLUG)).get_data(as_text=True)
    assert "Amounts in" not in html
    tables = components(html, "query-table")
    excluded = next(t for t in tables if t["types"][-1]["name"] == "Not compared because")
    names = [c["name"] for c in excluded["types"]]
    assert "Currency" in names
    rows = {row[0]: row for row in excluded["rows"]}
    assert rows["C-1"][names.index("Currency")] == "CAD"
    assert rows["C-1"][names.index("Face")] == 5000.0
    assert rows["U-1"][names.index("Currency")] == "USD"


NAMES_NOTHING = "The account filter names no factor&#39;s account"
PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")


@pytest.mark.parametrize("page", PAGES)
def test_an_account_filter_that_names_no_factor_or_customer_says_so(
    client: FlaskClient, page: str
) -> None:
    # The CAD bank (a typo would do the same) is no factor's clearing, reserve or fee
    # account and no customer's receivable: the pages keep nothing under it. Without a
    # word they said "No fee in this period." and "No reserve is held.", where Copper
    # charged 30.00 USD and holds 100.00 USD and 500.00 CAD.
    html = client.get(url(page, SLUG, "account=Assets:Bank:CAD")).get_data(as_text=True)
    assert NAMES_NOTHING in html
    # A factor's account, or a customer's, names something: no such notice.
    for account in ("Assets:Factoring:Copper:CAD", "Assets:Receivable:Maple", "Copper"):
        html = client.get(url(page, SLUG, f"account={account}")).get_data(as_text=True)
        assert NAMES_NOTHING not in html, account
    assert NAMES_NOTHING not in client.get(url(page, SLUG)).get_data(as_text=True)


@pytest.mark.parametrize("page", PAGES)
def test_fava_s_conversion_is_said_not_to_apply(client: FlaskClient, page: str) -> None:
    # Fava's conversion to USD would show C-1's 5,000.00 CAD as USD on Fava's own pages;
    # these show each amount in its own currency, and say so rather than leave the
    # bookkeeper to read the CAD lines as converted.
    said = "Fava&#39;s conversion setting is not applied"
    for value in ("USD", "CAD", "USD,CAD"):
        html = client.get(url(page, SLUG, f"conversion={value}")).get_data(as_text=True)
        assert said in html, value
    # At cost (Fava's default), at value and units are what the pages show: Fava values
    # an amount held at no cost (C-1's receivable, written at a price) at its units.
    for query in ("", "conversion=at_cost", "conversion=at_value", "conversion=units"):
        assert said not in client.get(url(page, SLUG, query)).get_data(as_text=True), query


@pytest.mark.parametrize("page", PAGES)
def test_a_conversion_to_the_pages_only_currency_says_nothing(page: str) -> None:
    # The tutorial's books are all in USD: a bookkeeper who chose Fava's conversion to
    # USD (it stays in every link) sees on these pages what Fava would show; the notice
    # was on every page, every day, for nothing.
    client = make_app(EXAMPLE).test_client()
    said = "Fava&#39;s conversion setting is not applied"
    for value in ("USD", "at_value"):
        html = client.get(url(page, EXAMPLE_SLUG, f"conversion={value}")).get_data(as_text=True)
        assert "Amounts in" in html
        assert said not in html, value
