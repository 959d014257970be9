"""A page as of a date after the ledger's last says its figures there are projections.

The small ledger (tests/fava/fava_ledgers.py) ends on 2025-02-10 (INV-1 collected). With
the extension's ``as-of`` at 2025-02-25, or ``today``, the pages are as of a day after the
books: fees accrue, days count and reserves fall due up to it, as if nothing happened
since, as ``bean-factoring ... --as-of 2025-02-25`` shows them. The command line says so
(its ``Projected:`` line, the JSON's ``projected_after``); each page says so at its top
too. As of the books' own last day, or under a time filter that ends within them, no
page says it.
"""

from __future__ import annotations

import pytest
from fava_ledgers import SMALL_SLUG, make_app, write_small
from flask import Flask
from test_fava_pages import figure, url

PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")
LATER, TODAY = "small-later", "small-today"
NOTICE = (
    "Projected: these pages are as of 2025-02-25, after the ledger's last date 2025-02-10; "
    "what they show after it (fees accrued, days counted, statuses) assumes nothing "
    "happened since."
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    directory = tmp_path_factory.mktemp("projected")
    return make_app(
        write_small(directory),
        write_small(directory, "\"{'as-of': '2025-02-25'}\"", "b.beancount", "Small Later"),
        write_small(directory, "\"{'as-of': 'today'}\"", "c.beancount", "Small Today"),
    )


@pytest.mark.parametrize("page", PAGES)
def test_a_page_after_the_books_says_it_projects(app: Flask, page: str) -> None:
    client = app.test_client()
    html = client.get(url(page, slug=LATER)).get_data(as_text=True)
    assert figure(html, "As of") == "2025-02-25"
    assert f'<p class="factoring-notice">{NOTICE}</p>' in html.replace("&#39;", "'")
    # The data endpoint says it as the command line's JSON does.
    data = client.get(url(page, slug=LATER) + "data").json
    assert data["projected_after"] == "2025-02-10"


@pytest.mark.parametrize("page", PAGES)
def test_as_of_today_says_it_projects(app: Flask, page: str) -> None:
    html = app.test_client().get(url(page, slug=TODAY)).get_data(as_text=True)
    assert "after the ledger's last date 2025-02-10" in html.replace("&#39;", "'")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("slug", "query"),
    [
        (SMALL_SLUG, ""),
        (SMALL_SLUG, "time=2025"),
        (LATER, "time=2025-01"),
        (LATER, "time=2025-02-10"),
    ],
)
def test_a_page_within_the_books_does_not(app: Flask, page: str, slug: str, query: str) -> None:
    client = app.test_client()
    html = client.get(url(page, slug=slug, query=query)).get_data(as_text=True)
    assert "Projected" not in html
    assert client.get(url(page, slug=slug) + "data?" + query).json["projected_after"] is None


def test_a_filter_after_the_as_of_date_names_it_not_the_books(app: Flask) -> None:
    """March on books that end 02-10, with the pages as of 02-25: the reports are as of
    02-25 (projected), which is not the ledger's last day."""
    html = app.test_client().get(url("FactoringCost", slug=LATER, query="time=2025-03"))
    text = html.get_data(as_text=True).replace("&#39;", "'")
    assert NOTICE in text
    assert (
        "The time filter starts on 2025-03-01, after these pages' as-of date (2025-02-25): "
        "nothing is booked in it."
    ) in text
    assert "after the ledger's last day (2025-02-25)" not in text


def test_the_aging_page_of_one_factor_says_whose(app: Flask) -> None:
    """As ``bean-factoring aging --factor Summit`` ("Invoices Summit holds"): the page of
    one factor names it where it said "the factors", which read as every factor's."""
    client = app.test_client()
    html = client.get(url("FactoringAging", slug=SMALL_SLUG, query="factor=summit"))
    text = html.get_data(as_text=True).replace("&#39;", "'")
    assert "<h3>Invoices Summit holds</h3>" in text
    assert "Ours and Summit's invoices." in text
    assert "the factors" not in text.split("Tie-out")[0].lower().replace("a factor", "")
    every = client.get(url("FactoringAging", slug=SMALL_SLUG)).get_data(as_text=True)
    assert "<h3>Invoices the factors hold</h3>" in every
