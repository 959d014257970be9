"""The factoring pages in headless Chromium (Playwright): they render, link and escape.

Skipped with the reason where Chromium or playwright is missing (see conftest).
"""

from __future__ import annotations

import re

import pytest
from fava_browser import Watched
from fava_ledgers import (
    BAD_TITLE,
    EXAMPLE_SLUG,
    FINNISH_SLUG,
    HOSTILE,
    OWN_SLUG,
    SIX_SLUG,
    SMALL_SLUG,
)

PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")
BAD_SLUG = BAD_TITLE.lower().replace(" ", "-")


def expect_page_rendered(tab: Watched) -> None:
    from playwright.sync_api import expect

    page = tab.page
    tables = page.locator("article svelte-component[type=query-table]")
    expect(tables.first.locator("table")).to_be_visible()
    for index in range(tables.count()):
        expect(tables.nth(index).locator("table tbody tr").first).to_be_attached()
    expect(page.locator("article svelte-component[type=charts] svg").first).to_be_visible()
    expect(page.locator("article svelte-component.error")).to_have_count(0)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_renders_its_tables_and_chart(fava_server: str, tab: Watched, name: str) -> None:
    from playwright.sync_api import expect

    tab.page.goto(f"{fava_server}/{EXAMPLE_SLUG}/extension/{name}/")
    expect_page_rendered(tab)
    sidebar = tab.page.locator("aside a", has_text="Factoring: Reserve")
    expect(sidebar).to_be_visible()
    tab.page.wait_for_timeout(300)
    assert tab.errors == []


def test_invoices_link_to_their_journal(fava_server: str, tab: Watched) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{fava_server}/{EXAMPLE_SLUG}/income_statement/")
    page.locator("aside a", has_text="Factoring: Reserve").click()  # Fava's in-page navigation
    expect(page).to_have_url(f"{fava_server}/{EXAMPLE_SLUG}/extension/FactoringReserve/")
    # Sorting a table (Fava moves its rows) keeps the links.
    open_reserves = page.locator("article svelte-component[data-invoice-column]").first
    open_reserves.locator("th", has_text="Customer").click()
    expect(open_reserves.locator("tbody tr").first).to_contain_text("Bayline")
    expect(open_reserves.locator("td a")).to_have_count(open_reserves.locator("tbody tr").count())
    link = page.locator("article td a", has_text="RF-1020")
    expect(link).to_have_attribute("href", f"/{EXAMPLE_SLUG}/journal/?filter=%5ERF-1020")
    link.click()
    expect(page).to_have_url(f"{fava_server}/{EXAMPLE_SLUG}/journal/?filter=%5ERF-1020")
    expect(
        page.locator("article .journal").get_by_text("Schedule of accounts 3106")
    ).to_be_visible()
    assert tab.errors == []


def test_the_tabs_move_between_pages_and_keep_the_filters(fava_server: str, tab: Watched) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{fava_server}/{EXAMPLE_SLUG}/extension/FactoringReserve/?time=2025-02")
    expect(page.locator("article")).to_contain_text("As of: 2025-02-28")
    page.locator("article .factoring-tabs a", has_text="Aging").click()
    expect(page).to_have_url(
        f"{fava_server}/{EXAMPLE_SLUG}/extension/FactoringAging/?time=2025-02"
    )
    expect(page.locator("#factoring-aging")).to_contain_text("As of: 2025-02-28")
    expect_page_rendered(tab)
    # The script ran again after Fava's in-page navigation: invoices are links.
    expect(page.locator("article td a[href*='journal']").first).to_be_visible()
    assert tab.errors == []


def test_ledger_markup_is_shown_as_text(fava_server: str, tab: Watched) -> None:
    from playwright.sync_api import expect

    page = tab.page
    for name in PAGES:
        page.goto(f"{fava_server}/{SMALL_SLUG}/extension/{name}/")
        expect(
            page.locator("article svelte-component[type=query-table] table").first
        ).to_be_visible()
        if name in ("FactoringReserve", "FactoringAging"):
            cell = page.locator("article td", has_text=HOSTILE).first
            expect(cell).to_be_visible()
            expect(cell).to_have_text(HOSTILE)
    assert page.locator("article script:not([type='application/json'])").count() == 0
    assert tab.dialogs == []
    assert tab.errors == []


def test_a_bad_config_shows_on_the_errors_page(fava_server: str, tab: Watched) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{fava_server}/{BAD_SLUG}/errors/")
    expect(page.locator("article")).to_contain_text(
        "FCT300 bad extension config for beancount_factoring.fava: 'aging-basis' must be"
    )
    # The ledger loaded, and its pages work with the defaults.
    page.goto(f"{fava_server}/{BAD_SLUG}/extension/FactoringAging/")
    expect(page.locator("article .factoring-error")).to_contain_text("FCT300 bad extension config")
    expect_page_rendered(tab)


def test_the_header_and_the_tables_write_numbers_in_favas_locale(
    fava_server: str, tab: Watched
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{fava_server}/{FINNISH_SLUG}/extension/FactoringReserve/")
    factors = page.locator("article svelte-component[type=query-table]").first
    expect(factors.locator("tbody tr")).to_have_count(2)
    # Held: Lakeshore 384.00 + Pinecrest 382.50 = 766.50, all in Finnish (decimal comma).
    held = factors.locator("tbody tr td:nth-child(6)").all_text_contents()
    assert held == ["384,00", "382,50"]
    figures = page.locator("article .factoring-figures").inner_text()
    assert "Reserve held: 766,50 USD" in figures
    # A thousand is grouped with a space, in the table (Intl) and the chart's text alike.
    page.goto(f"{fava_server}/{FINNISH_SLUG}/extension/FactoringAging/")
    invoices = page.locator("article svelte-component[data-invoice-column]").last
    row = invoices.locator("tbody tr", has_text="RF-1020")
    expect(row).to_contain_text("630,00")
    assert " ".join(row.inner_text().split()).count("2 630,00") == 1
    assert tab.errors == []


def test_a_place_in_the_ledger_links_to_favas_editor_at_its_line(
    fava_server: str, tab: Watched
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{fava_server}/{OWN_SLUG}/extension/FactoringReconciliation/")
    article = page.locator("article")
    # The deposit 25.00 short of the agreement: the headline says so, not "nothing".
    expect(article.locator(".factoring-error")).to_have_text("Needs attention:")
    expect(article.locator(".factoring-problems")).to_contain_text(
        "1 disagreement with the agreements (FCT120)"
    )
    links = article.locator("td a", has_text="main.beancount:22")
    expect(links).to_have_count(2)  # the open item's reference, the disagreement's place
    href = links.first.get_attribute("href") or ""
    assert href.startswith(f"/{OWN_SLUG}/editor/?file_path=%2F")
    assert href.endswith("main.beancount&line=22")
    links.last.click()
    expect(page).to_have_url(re.compile(rf"/{OWN_SLUG}/editor/\?file_path=.*&line=22$"))
    expect(page.locator(".cm-editor")).to_contain_text("SUMMIT FUNDING")
    assert tab.errors == []


def test_a_bad_time_filter_typed_into_fava_reads_as_a_message(
    fava_server: str, tab: Watched
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{fava_server}/{EXAMPLE_SLUG}/extension/FactoringReserve/")
    expect(page.locator("article .factoring-figures")).to_be_visible()
    time = page.locator("header input[placeholder='Time']")
    time.fill("2025-13")
    time.press("Enter")
    message = page.locator("article pre")
    expect(message).to_have_text(
        "HTTP 400 - time: FCT301 '2025-13' is not a time Fava can filter by "
        "(month must be in 1..12)"
    )
    assert "<" not in (page.locator("article").text_content() or "")


def test_totals_stay_in_the_footer_and_every_invoice_number_is_a_link(
    fava_server: str, tab: Watched
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{fava_server}/{EXAMPLE_SLUG}/extension/FactoringReserve/")
    open_reserves = page.locator("article svelte-component[data-invoice-column]").first
    footer = open_reserves.locator("tfoot.factoring-totals tr")
    expect(footer).to_have_count(1)
    expect(footer.locator("td").first).to_have_text("Total")
    # Sorting moves the body's rows, not the totals.
    open_reserves.locator("th", has_text="Customer").click()
    expect(open_reserves.locator("tbody tr").first).to_contain_text("Bayline")
    expect(open_reserves.locator("tbody tr", has_text="Total")).to_have_count(0)
    expect(footer).to_have_count(1)
    # Each invoice number of the deductions' Invoices cells is a link (a cell of
    # several numbers gets one for each).
    page.goto(f"{fava_server}/{EXAMPLE_SLUG}/extension/FactoringCost/")
    deductions = page.locator("article svelte-component[data-invoice-column]").last
    expect(deductions.locator("tbody tr").first).to_be_attached()
    column = int(deductions.get_attribute("data-invoice-column") or "-1")
    cells = deductions.locator(f"tbody tr td:nth-child({column + 1})")
    for index in range(cells.count()):
        cell = cells.nth(index)
        words = (cell.text_content() or "").split()
        links = cell.locator("a")
        assert links.count() == len(words), words
        for number in range(links.count()):
            href = links.nth(number).get_attribute("href") or ""
            assert href.endswith(f"/journal/?filter=%5E{words[number]}")
    assert tab.errors == []


def test_a_cell_of_several_invoices_links_each(fava_server: str, tab: Watched) -> None:
    from playwright.sync_api import expect

    page = tab.page
    # On 2025-01-09 schedule 3106 (RF-1001 and RF-1003) is open, not funded yet.
    page.goto(f"{fava_server}/{EXAMPLE_SLUG}/extension/FactoringReconciliation/?time=2025-01-09")
    items = page.locator("article svelte-component[data-invoice-column]").first
    row = items.locator("tbody tr", has_text="RF-1003")
    expect(row.locator("a", has_text="RF-1001")).to_have_attribute(
        "href", f"/{EXAMPLE_SLUG}/journal/?filter=%5ERF-1001"
    )
    expect(row.locator("a", has_text="RF-1003")).to_have_attribute(
        "href", f"/{EXAMPLE_SLUG}/journal/?filter=%5ERF-1003"
    )
    assert tab.errors == []


def test_each_bar_is_labelled_by_the_period_it_adds_up(fava_server: str, tab: Watched) -> None:
    from playwright.sync_api import expect

    # Fava labels a bar by the interval chosen in its chart's menu (2025W02, 2025Q1): the
    # fees' bars are weeks under a week, one bar under a year (the three months were
    # three bars labelled "2025", drawn over each other), months by default.
    page = tab.page
    cost = f"{fava_server}/{EXAMPLE_SLUG}/extension/FactoringCost/"
    labels = page.locator("article svelte-component[type=charts] svg").first.locator(
        "g[text-anchor=middle] g.tick text"
    )
    page.goto(cost)
    expect(labels).to_have_text(["Jan 2025", "Feb 2025", "Mar 2025"])
    page.goto(f"{cost}?interval=year")
    expect(labels).to_have_text(["2025"])
    page.goto(f"{cost}?interval=week")
    weeks = ["2025W02", "2025W04", "2025W05", "2025W06", "2025W07", "2025W09", "2025W10"]
    expect(labels).to_have_text([*weeks, "2025W11", "2025W12", "2025W14"])
    # Chosen in the chart's menu, as a bookkeeper does: Fava reloads the page with it.
    page.locator("article svelte-component[type=charts] button", has_text="Weekly").click()
    page.get_by_text("Quarterly", exact=True).first.click()
    expect(page).to_have_url(f"{cost}?interval=quarter")
    expect(labels).to_have_text(["2025Q1"])
    assert tab.errors == []


def test_a_fee_chart_of_six_factors_draws_the_fees_of_all_six(
    fava_server: str, tab: Watched
) -> None:
    from playwright.sync_api import expect

    # Fava draws five keys of a bar chart at most: each factor is a part of the stack of
    # its currency, 10.00 + 20.00 + ... + 60.00 = 210.00 in January, not five bars.
    page = tab.page
    page.goto(f"{fava_server}/{SIX_SLUG}/extension/FactoringCost/")
    chart = page.locator("article svelte-component[type=charts]").first
    expect(chart.locator("g.stacks rect")).to_have_count(6)
    expect(chart).to_contain_text("USD")
    assert tab.errors == []


def test_a_ledger_with_errors_says_so_above_the_fold(
    fava_server: str, narrow_tab: Watched
) -> None:
    # Own Books' deposit is 25.00 short of the agreement (FCT120, main.beancount:22): at
    # 1,280 pixels the notice is on screen before any figure, the figures are still
    # there, and its links open Fava's editor at the line and Fava's Errors page.
    from playwright.sync_api import expect

    page = narrow_tab.page
    page.goto(f"{fava_server}/{OWN_SLUG}/extension/FactoringReserve/")
    notice = page.locator("article .factoring-ledger-errors")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(
        "FCT314 the ledger has 1 error, so the figures on this page could be wrong: the "
        "reserve held, owed now and due back, and every table and chart below. The first "
        "is at main.beancount:22: FCT120 This deposit differs from agreement 'Summit'"
    )
    box = notice.bounding_box()
    figures = page.locator("article .factoring-figures").bounding_box()
    assert box is not None and figures is not None
    assert box["y"] + box["height"] <= 900 and box["y"] < figures["y"]
    assert box["x"] + box["width"] <= 1280
    expect(page.locator("article svelte-component[type=query-table] table").first).to_be_visible()
    place = notice.locator("a", has_text="main.beancount:22")
    assert (place.get_attribute("href") or "").endswith("main.beancount&line=22")
    notice.locator("a", has_text="Fava's Errors page").click()
    expect(page).to_have_url(re.compile(rf"/{OWN_SLUG}/errors/$"))
    expect(page.locator("article")).to_contain_text("FCT120 This deposit differs")
    page.go_back()
    expect(notice).to_be_visible()
    place.click()
    expect(page).to_have_url(re.compile(rf"/{OWN_SLUG}/editor/\?file_path=.*&line=22$"))
    assert narrow_tab.errors == []
