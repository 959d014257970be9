"""Fava's filters on the factoring pages: each figure right for the view, or the page
says what it shows (the findings of a review done as a bookkeeper would)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fava_ledgers import EXAMPLE, EXAMPLE_SLUG, SIX_FACTORS, SIX_SLUG, make_app, write_six
from flask.testing import FlaskClient
from test_fava_pages import components, figure, rows, url

# The tutorial with an invoice whose due: is not a date: an FCT134 of no factor's.
BAD_DUE = """
2025-03-25 * "Bayline Logistics" "Load with a bad due date"
  invoice: "RF-1090"
  due: "Net 30"
  Assets:Receivable:Bayline   500.00 USD
  Income:Freight:Linehaul
"""


def example_with(factory: pytest.TempPathFactory, title: str, more: str) -> FlaskClient:
    """Fava on the tutorial ledger with ``more`` appended, under another title (its slug)."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'option "title" "Ridgeline Freight LLC"', f'option "title" "{title}"'
    )
    ledger = Path(factory.mktemp("ledger")) / "main.beancount"
    ledger.write_text(text + more, encoding="utf-8")
    return make_app(ledger).test_client()


@pytest.fixture(scope="module")
def bad_due(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    return example_with(tmp_path_factory, "Bad Due", BAD_DUE)


def test_an_error_of_no_factor_stays_under_an_account_filter(bad_due: FlaskClient) -> None:
    for query in ("", "account=Assets:Receivable:Bayline", "account=Assets:Factoring:Lakeshore"):
        html = bad_due.get(url("FactoringReconciliation", "bad-due", query)).get_data(as_text=True)
        assert "nothing disagrees" not in html, query
        assert "1 disagreement with the agreements (FCT134)" in html, query


def test_a_time_filter_after_the_books_shows_their_last_day_and_says_so(
    client: FlaskClient,
) -> None:
    # The tutorial's books end on 2025-03-31: June is after them. Not aged into June.
    aging = client.get(url("FactoringAging", query="time=2025-06")).get_data(as_text=True)
    assert figure(aging, "As of") == "2025-03-31"
    assert "starts on 2025-06-01, after the ledger&#39;s last day (2025-03-31)" in aging
    same = client.get(url("FactoringAging")).get_data(as_text=True)
    assert rows(aging, 0) == rows(same, 0)
    # The period holds no fee: no table of fees, and the headline says so.
    cost = client.get(url("FactoringCost", query="time=2025-06")).get_data(as_text=True)
    assert components(cost, "query-table") == []
    assert "No fee in this period." in cost


def test_forfeited_reserves_are_listed_in_the_period_they_were_forfeited(
    client: FlaskClient,
) -> None:
    # RF-1004 (Pinecrest), funded 2025-01-14, charged back 2025-02-24: its 210.00
    # reserve was forfeited in February, not in January.
    def forfeited(time: str) -> dict[str, list[object]]:
        html = client.get(url("FactoringReserve", query=f"time={time}")).get_data(as_text=True)
        for table in components(html, "query-table"):
            if any(column["name"] == "Forfeited on" for column in table["types"]):  # type: ignore[index]
                return {str(row[0]): row for row in table["rows"]}  # type: ignore[index]
        return {}

    february = forfeited("2025-02")
    assert "RF-1004" in february
    assert february["RF-1004"][4:6] == ["chargeback", "2025-02-24"]
    assert "RF-1004" not in forfeited("2025-01")
    assert "RF-1004" in forfeited("2025-02-20 - 2025-03-31")


@pytest.mark.parametrize("page", ["FactoringReserve", "FactoringAging", "FactoringCost"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("account=Assets:Receivable:Bayline", "account: FCT301 the data endpoint gives"),
        ("filter=%23foo", "filter: FCT301 Fava's advanced filter selects entries"),
    ],
)
def test_the_data_endpoint_refuses_the_filters_it_does_not_apply(
    client: FlaskClient, page: str, query: str, message: str
) -> None:
    response = client.get(f"/{EXAMPLE_SLUG}/extension/{page}/data?{query}")
    assert response.status_code == 400
    assert message in response.json["error"]


def test_a_page_of_data_keeps_the_summaries_whole(client: FlaskClient) -> None:
    aging = client.get(f"/{EXAMPLE_SLUG}/extension/FactoringAging/data?limit=2").json
    # One row per customer and factor: whole, so that they sum to the totals.
    factored = sum(sum(float(b) for b in row["buckets"]) for row in aging["factored"])
    (totals,) = aging["totals"]
    assert factored == sum(float(b) for b in totals["factored"])
    assert len(aging["invoices"]) == 2
    cost = client.get(f"/{EXAMPLE_SLUG}/extension/FactoringCost/data?limit=2").json
    whole = client.get(f"/{EXAMPLE_SLUG}/extension/FactoringCost/data").json
    assert cost["by_customer"] == whole["by_customer"] and len(whole["by_customer"]) > 2


def test_a_factors_account_filter_keeps_its_customers_invoices_and_deductions(
    client: FlaskClient,
) -> None:
    query = "account=Assets:Factoring:Lakeshore"
    by_account = client.get(url("FactoringCost", query=query)).get_data(as_text=True)
    by_factor = client.get(url("FactoringCost", query="factor=Lakeshore")).get_data(as_text=True)
    # Factors, customers, months, invoices, days to pay, deductions: as for the factor.
    for index in range(6):
        assert rows(by_account, index) == rows(by_factor, index), index
    assert len(rows(by_account, 3)) == 9  # its nine closed invoices
    assert "RF-1003" in str(rows(by_account, 5))  # its short pay


def test_the_tie_out_and_the_held_figure_say_whose_they_are_under_an_account_filter(
    client: FlaskClient,
) -> None:
    query = "account=Assets:Receivable:Bayline"
    aging = client.get(url("FactoringAging", query=query)).get_data(as_text=True)
    assert "These are the whole ledger" in aging
    assert "These are the whole ledger" not in client.get(url("FactoringAging")).get_data(
        as_text=True
    )
    reserve = client.get(url("FactoringReserve", query=query)).get_data(as_text=True)
    assert re.search(r"Reserve held by these factors, all customers: <strong>", reserve)
    assert "Of the invoices the account filter keeps." in reserve
    cost = client.get(url("FactoringCost", query=query)).get_data(as_text=True)
    assert "Of these factors, every customer&#39;s" in cost
    reconcile = client.get(url("FactoringReconciliation", query=query)).get_data(as_text=True)
    assert "Of these factors&#39; clearing accounts, every customer&#39;s items" in reconcile
    # A factor's own accounts: its figures, nothing to say.
    factor = "account=Assets:Factoring:Lakeshore"
    assert "every customer" not in client.get(url("FactoringCost", query=factor)).get_data(
        as_text=True
    )


OFFER = """
2025-01-01 custom "factoring-offer" "Bluewater"
  advance-rate: 0.90
  fee: "tiered 1%/30d + 0.5%/15d"
  fee-timing: "collection"
  recourse-days: 60
"""


@pytest.fixture(scope="module")
def offer(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    return example_with(tmp_path_factory, "Offer", OFFER)


def test_the_offer_comparison_follows_the_account_filter(offer: FlaskClient) -> None:
    def offer_tables(query: str) -> tuple[str, list[list[object]]]:
        html = offer.get(url("FactoringCost", "offer", query)).get_data(as_text=True)
        for table in components(html, "query-table"):
            if table["types"][0]["name"] == "Month funded":  # type: ignore[index]
                return html, table["rows"]  # type: ignore[index]
        raise AssertionError("no offer table")

    _, by_factor = offer_tables("factor=Lakeshore")
    html, by_account = offer_tables("account=Assets:Factoring:Lakeshore")
    # A factor's accounts: that factor's invoices, as factor=Lakeshore.
    assert by_account == by_factor
    assert "Of every customer" not in html
    # A customer's account keeps that customer's rows below; the totals say whose they are.
    html, _ = offer_tables("account=Assets:Receivable:Bayline")
    assert "Of every customer: the account filter keeps some customers" in html


# An opening balance on Bayline's account that names no invoice, and a payment on
# account that names none: the aging ages what is left of each from its own date.
NO_INVOICE = """
2025-01-02 * "Opening balance: Bayline's loads of December"
  Assets:Receivable:Bayline   1200.00 USD
  Equity:Opening-Balances

2025-03-20 * "Bayline Logistics" "Payment on account"
  Assets:Bank:Checking         400.00 USD
  Assets:Receivable:Bayline
"""


def test_the_aging_page_says_where_an_amount_of_no_invoice_is_and_how_it_is_aged(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    client = example_with(tmp_path_factory, "No Invoice", NO_INVOICE)
    html = client.get(url("FactoringAging", "no-invoice", "basis=invoice")).get_data(as_text=True)
    written = (EXAMPLE.read_text(encoding="utf-8") + NO_INVOICE).splitlines()
    opening = 1 + next(
        number
        for number, line in enumerate(written)
        if line.startswith('2025-01-02 * "Opening balance: Bayline')
    )
    # 1,200.00 - 400.00 = 800.00 left of the opening balance, aged from 2025-01-02 (not
    # from the payment of 03-20): 88 days on 2025-03-31, the tutorial's last day (61-90).
    assert "1 amount on the receivable accounts names no invoice" in html
    assert f"Assets:Receivable:Bayline 800.00 USD (main.beancount:{opening})" in html
    (line,) = [row for row in rows(html, 2) if row[3] == "unattributed"]
    assert line[4:9] == ["2025-01-02", None, 88, "61-90", 800.0]  # (all in USD)
    # A ledger whose receivable postings all name their invoices says nothing of it.
    plain = make_app(EXAMPLE).test_client().get(url("FactoringAging"))
    assert "names no invoice" not in plain.get_data(as_text=True)


def bar_charts(html: str) -> dict[str, dict[str, dict[str, float]]]:
    """Each bar chart of a page, by label: each bar's balance, by its date."""
    (charts,) = components(html, "charts")
    return {
        chart["label"]: {bar["date"]: bar["balance"] for bar in chart["data"]}
        for chart in charts  # type: ignore[attr-defined]
        if chart["type"] == "bar"
    }


def test_the_fee_chart_adds_up_each_period_of_favas_interval(client: FlaskClient) -> None:
    # Fava labels a bar by its interval (2025W05, 2025Q1): a bar per month under
    # `interval=week` read as the fees of the week of the 1st, and under `year` the three
    # months were three bars labelled "2025", drawn one over the other.
    def chart(query: str) -> dict[str, dict[str, dict[str, float]]]:
        return bar_charts(client.get(url("FactoringCost", query=query)).get_data(as_text=True))

    # The tutorial's fee postings, by the Monday of their week (main.beancount):
    # Lakeshore 01-10: 53.75 + 5.00 + 66.63 + 5.00 + 10.00 = 140.38;
    #           01-22: 77.50 + 5.00 + 34.50 + 5.00 + 10.00 = 132.00;
    #           01-29: 83.75 + 5.00 + 10.00 = 98.75; 02-05: 55.00 + 5.00 + 10.00 = 70.00;
    #           02-10: 30.63 + 5.00 + 10.00 = 45.63;
    #           02-25: 71.88 + 5.00 + 78.75 + 5.00 + 10.00 = 170.63;
    #           03-12: 65.75 + 5.00 + 69.75 + 5.00 + 10.00 = 155.50;
    #           03-19: 56.50 + 5.00 + 10.00 = 71.50.
    # Pinecrest 02-24: 57.75 and 02-26: 32.81 + 9.38, 99.94 in their week;
    #           03-05: 47.69 + 13.62 = 61.31; 03-31: 40.43 + 23.10 + 47.95 = 111.48.
    assert chart("interval=week") == {
        "Factoring fees per week (USD)": {
            "2025-01-06": {"Lakeshore": 140.38},
            "2025-01-20": {"Lakeshore": 132.0},
            "2025-01-27": {"Lakeshore": 98.75},
            "2025-02-03": {"Lakeshore": 70.0},
            "2025-02-10": {"Lakeshore": 45.63},
            "2025-02-24": {"Lakeshore": 170.63, "Pinecrest": 99.94},
            "2025-03-03": {"Pinecrest": 61.31},
            "2025-03-10": {"Lakeshore": 155.5},
            "2025-03-17": {"Lakeshore": 71.5},
            "2025-03-31": {"Pinecrest": 111.48},
        }
    }
    # Months (the default): Lakeshore 140.38 + 132.00 + 98.75 = 371.13 in January,
    # 70.00 + 45.63 + 170.63 = 286.26 in February, 155.50 + 71.50 = 227.00 in March;
    # Pinecrest 99.94 in February, 61.31 + 111.48 = 172.79 in March.
    monthly = {
        "2025-01-01": {"Lakeshore": 371.13},
        "2025-02-01": {"Lakeshore": 286.26, "Pinecrest": 99.94},
        "2025-03-01": {"Lakeshore": 227.0, "Pinecrest": 172.79},
    }
    assert chart("") == {"Factoring fees per month (USD)": monthly}
    # One bar for the quarter, and for the year: 371.13 + 286.26 + 227.00 = 884.39 and
    # 99.94 + 172.79 = 272.73.
    whole = {"2025-01-01": {"Lakeshore": 884.39, "Pinecrest": 272.73}}
    assert chart("interval=quarter") == {"Factoring fees per quarter (USD)": whole}
    assert chart("interval=year") == {"Factoring fees per year (USD)": whole}
    # Days, within the time filter: February's postings, Pinecrest's 02-26 32.81 + 9.38.
    assert chart("interval=day&time=2025-02") == {
        "Factoring fees per day (USD)": {
            "2025-02-05": {"Lakeshore": 70.0},
            "2025-02-10": {"Lakeshore": 45.63},
            "2025-02-24": {"Pinecrest": 57.75},
            "2025-02-25": {"Lakeshore": 170.63},
            "2025-02-26": {"Pinecrest": 42.19},
        }
    }
    # A value Fava's charts do not read as an interval ("Week") labels by month.
    assert chart("interval=Week") == {"Factoring fees per month (USD)": monthly}


def test_the_aging_chart_adds_up_each_period_of_favas_interval(client: FlaskClient) -> None:
    def chart(query: str) -> dict[str, dict[str, dict[str, float]]]:
        return bar_charts(client.get(url("FactoringAging", query=query)).get_data(as_text=True))

    # Every open invoice is due in April: one bar by month, 13,145.00, which by week is
    # Prairie's RF-1019 (due Wed 04-02) 1,995.00 + Bayline's RF-1020 (Fri 04-04)
    # 2,630.00 = 4,625.00 in the week of 03-31; Crossroads' RF-1021 (04-09) 2,790.00 +
    # Tristate's RF-1022 (04-11) 1,830.00 = 4,620.00 in that of 04-07; Northstar's
    # RF-1023 (04-16) 2,260.00; GraniteValley's RF-1024 (04-23) 1,640.00.
    assert chart("") == {"Open amounts by month of due date": {"2025-04-01": {"USD": 13145.0}}}
    assert chart("interval=week") == {
        "Open amounts by week of due date": {
            "2025-03-31": {"USD": 4625.0},
            "2025-04-07": {"USD": 4620.0},
            "2025-04-14": {"USD": 2260.0},
            "2025-04-21": {"USD": 1640.0},
        }
    }


def test_the_data_endpoint_is_the_same_under_any_interval(client: FlaskClient) -> None:
    for page in ("FactoringCost", "FactoringAging"):
        plain = client.get(f"/{EXAMPLE_SLUG}/extension/{page}/data").json
        for interval in ("week", "year"):
            asked = f"/{EXAMPLE_SLUG}/extension/{page}/data?interval={interval}"
            assert client.get(asked).json == plain, (page, interval)


OTHER_FACTOR = "The account filter (Assets:Factoring:Pinecrest) keeps none of Lakeshore&#39;s rows"


@pytest.mark.parametrize(
    "page", ["FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation"]
)
def test_a_factor_and_an_account_filter_of_another_factor_say_they_keep_nothing_together(
    client: FlaskClient, page: str
) -> None:
    # Lakeshore's page (factor=Lakeshore) under Pinecrest's account, as the factor links
    # keep Fava's filter: the pages showed nothing and said "No fee in this period.",
    # "No reserve is held.", "Nothing is open, and nothing disagrees", where Lakeshore
    # and Pinecrest both charged fees and hold reserves.
    html = client.get(
        url(page, query="factor=Lakeshore&account=Assets:Factoring:Pinecrest")
    ).get_data(as_text=True)
    assert OTHER_FACTOR in html
    # Prairie's invoices were Pinecrest's alone: the same under Prairie's account.
    prairie = client.get(url(page, query="factor=Lakeshore&account=Assets:Receivable:Prairie"))
    assert "keeps none of Lakeshore&#39;s rows" in prairie.get_data(as_text=True)
    # The factor's own accounts, a customer it bought from, the factor alone, the filter
    # alone: rows to show, nothing said.
    for query in (
        "factor=Lakeshore&account=Assets:Factoring:Lakeshore",
        "factor=Lakeshore&account=Assets:Receivable:Bayline",
        "factor=Lakeshore",
        "account=Assets:Factoring:Pinecrest",
    ):
        html = client.get(url(page, query=query)).get_data(as_text=True)
        assert "keeps none of" not in html, query


def test_a_fee_chart_of_more_factors_than_fava_draws_stacks_them_all(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Fava's bar chart draws five keys of "balance" at most: with the factors as keys,
    # a sixth (Fir, the dearest) was left out of the chart without a word.
    client = make_app(write_six(tmp_path_factory.mktemp("six"))).test_client()
    html = client.get(url("FactoringCost", SIX_SLUG)).get_data(as_text=True)
    (charts,) = components(html, "charts")
    (bar,) = charts[0]["data"]  # type: ignore[index]
    # January: 10.00 + 20.00 + 30.00 + 40.00 + 50.00 + 60.00 = 210.00, one key (USD),
    # each factor a part of its stack.
    assert bar["balance"] == {"USD": 210.0}
    assert bar["account_balances"] == {
        name: {"USD": 10.0 * rank} for rank, name in enumerate(SIX_FACTORS, 1)
    }
