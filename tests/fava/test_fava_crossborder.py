"""The Fava pages on the cross-border example: loan model, two currencies, the rest of
real factoring (fuel advances, a buyout, a credit loss, a monthly minimum)."""

from __future__ import annotations

import pytest
from fava_ledgers import CROSSBORDER, make_app
from flask.testing import FlaskClient

SLUG = "tamarack-haulage-ltd"
PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return make_app(CROSSBORDER).test_client()


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders(client: FlaskClient, page: str) -> None:
    response = client.get(f"/{SLUG}/extension/{page}/")
    assert response.status_code == 200
    assert "No factoring agreement" not in response.get_data(as_text=True)


def test_the_cost_page_lists_deductions_by_reason(client: FlaskClient) -> None:
    data = client.get(f"/{SLUG}/extension/FactoringCost/data").json
    assert [
        (d["customer"], d["kind"], d["reason"], d["currency"]) for d in data["deductions"]
    ] == [
        ("Lakeport", "short pay", "broker-claim", "USD"),
        ("Maplecrest", "short pay", "shortpay", "CAD"),
        ("Oakmont", "chargeback", "broker-claim", "USD"),
        ("Pinewood", "credit loss", "write-off", "USD"),
    ]
    html = client.get(f"/{SLUG}/extension/FactoringCost/").get_data(as_text=True)
    assert "Short pays, chargebacks and credit losses" in html
    assert "broker-claim" in html
    assert "Fuel advances" in html and "Minimums" in html


def test_the_reserve_page_keeps_each_currency_on_its_own_line(client: FlaskClient) -> None:
    data = client.get(f"/{SLUG}/extension/FactoringReserve/data").json
    assert sorted((f["factor"], f["currency"], f["held"]) for f in data["factors"]) == [
        ("Copperline", "CAD", "200.00"),
        ("Copperline", "USD", "57.00"),
        ("Harborview", "USD", "0.00"),  # JSON amounts: always in cents
    ]


def items(client: FlaskClient, time: str) -> list[tuple[str, str, str, str]]:
    data = client.get(f"/{SLUG}/extension/FactoringReconciliation/data?time={time}").json
    return [
        (item["kind"], item["reference"], item["on_clearing"], item["cash"])
        for account in data["accounts"]
        for item in account["items"]
    ]


def test_the_reconciliation_page_shows_what_waits_to_be_netted_or_recouped(
    client: FlaskClient,
) -> None:
    assert items(client, "2025-02-15") == [
        ("fee to net", "buyout-2025-02-14", "-150.00", "-150.00")
    ]
    assert items(client, "2025-02-18") == [
        ("fee to net", "buyout-2025-02-14", "-150.00", "-150.00"),
        ("fuel advance to recoup", "TH-106", "0.00", "-1000.00"),
    ]
    assert items(client, "2025-02-20") == []
