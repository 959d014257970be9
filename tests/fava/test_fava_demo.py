"""The demo's factoring pages in headless Chromium: every table has rows, every chart draws.

`make demo` opens example_ledger/year/main.beancount, a carrier's year of books, then
the European example; the four factoring pages of the year are what a new user looks at
first. Each page is opened as `make demo` shows it (no filter) and with the time filter
of its README screenshot (docs/screenshots/take.py); every table on it must have rows,
every chart of its chart component must draw marks (points, lines or bars), and the
browser must report no error. One Fava server serves the demo for the whole session
(the `demo_server` fixture). Skipped with the reason where Chromium or playwright is
missing (see conftest).
"""

from __future__ import annotations

import json
import re
import runpy
import urllib.parse

import pytest
from fava_browser import Watched
from fava_ledgers import DEMO, ROOT, YEAR_SLUG

TAKE = ROOT / "docs" / "screenshots" / "take.py"
SCREENSHOTS = {page: time for _, page, time, _ in runpy.run_path(str(TAKE))["SHOTS"]}

# Per page: the sections whose tables must have rows.
SECTIONS = {
    "FactoringReserve": ["Reserve held per factor", "Open reserves", "Forfeited reserves"],
    "FactoringAging": [
        "Receivables we hold",
        "Invoices the factors hold",
        "Open invoices",
        "Tie-out",
    ],
    "FactoringCost": [
        "By factor",
        "By customer",
        "By month",
        "By invoice, over its whole life",
        "Days to pay",
    ],
    "FactoringReconciliation": ["Clearing accounts", "Open items"],
}
# (page, time filter): what the year shows there, as the README says.
CASES: dict[tuple[str, str], list[str]] = {
    ("FactoringReserve", ""): ["Lakeshore", "Pinecrest", "release due"],
    ("FactoringAging", ""): ["Pinecrest", "funded"],
    ("FactoringCost", ""): ["Lakeshore", "Pinecrest", "Redfern"],
    ("FactoringReconciliation", ""): ["Pinecrest", "release due"],
    # The screenshots: the switch of factors in July, Redfern's chargebacks, short pays.
    ("FactoringReserve", SCREENSHOTS["FactoringReserve"]): ["Lakeshore", "Pinecrest"],
    ("FactoringAging", SCREENSHOTS["FactoringAging"]): ["Redfern", "charged back", "Lakeshore"],
    ("FactoringCost", SCREENSHOTS["FactoringCost"]): ["2025-07", "Pinecrest", "Redfern"],
    ("FactoringReconciliation", SCREENSHOTS["FactoringReconciliation"]): ["short pay to net"],
}

# What a chart draws: points, line paths and bars, not the axes or the hover boxes.
MARKS = """svg => [...svg.querySelectorAll('circle, rect, path')].filter(e => {
    if (e.matches('path.domain, [class*="group-box"]')) return false;
    const box = e.getBBox();
    return box.width > 0 || box.height > 0;
}).length"""

# Each <h3> section's heading -> the rows of the table in it (the table follows the
# heading, before the next one).
SECTION_ROWS = """article => {
    const rows = {};
    for (const heading of article.querySelectorAll('h3')) {
        let next = heading.nextElementSibling;
        while (next && next.tagName !== 'H3') {
            if (next.matches('svelte-component[type=query-table]')) {
                rows[heading.textContent.trim()] = next.querySelectorAll('tbody tr').length;
                break;
            }
            next = next.nextElementSibling;
        }
    }
    // The settled history, behind a <details> control: named by its summary's start.
    for (const details of article.querySelectorAll('details')) {
        const name = details.querySelector('summary').textContent.split(':')[0].trim();
        const table = details.querySelector('svelte-component[type=query-table]');
        if (table) {
            rows[name] = table.querySelectorAll('tbody tr').length;
        }
    }
    return rows;
}"""


def test_make_demo_opens_the_year_then_the_other_examples() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    names = dict(re.findall(r"^(\w+) := (.*)$", makefile, re.M))
    opened = [names[var.strip("$()")] for var in names["LEDGERS"].split()]
    assert [ROOT / path for path in opened] == [*DEMO]


def page_url(server: str, page: str, time: str) -> str:
    query = "?time=" + urllib.parse.quote_plus(time) if time else ""
    return f"{server}/{YEAR_SLUG}/extension/{page}/{query}"


@pytest.mark.parametrize(
    ("page", "time"), list(CASES), ids=[f"{p}:{t or 'all'}" for p, t in CASES]
)
def test_each_page_of_the_demo_has_full_tables_and_drawn_charts(
    demo_server: str, tab: Watched, page: str, time: str
) -> None:
    from playwright.sync_api import expect

    browser_page = tab.page
    browser_page.set_default_timeout(30_000)  # the first page waits for the year's reports
    browser_page.goto(page_url(demo_server, page, time))
    article = browser_page.locator("article")
    charts = article.locator("svelte-component[type=charts]")
    expect(charts.locator("svg").first).to_be_visible()
    browser_page.set_default_timeout(10_000)
    sections, texts = SECTIONS[page], CASES[page, time]

    # Every table has rows, and each section named has a table (not "Nothing to show").
    tables = article.locator("svelte-component[type=query-table]")
    expect(tables.first.locator("table tbody tr").first).to_be_attached()
    rows = tables.evaluate_all("all => all.map(t => t.querySelectorAll('tbody tr').length)")
    assert all(count > 0 for count in rows), f"an empty table: rows {rows}"
    by_section = article.evaluate(SECTION_ROWS)
    for section in sections:
        assert by_section.get(section, 0) > 0, f"no rows under {section!r}: {by_section}"
    body = article.text_content() or ""
    for text in texts:
        assert text in body

    # Every chart of the chart component (the buttons under it switch) draws its data.
    assert charts.count() >= 1
    for index in range(charts.count()):
        component = charts.nth(index)
        specs = json.loads(component.locator("script[type='application/json']").text_content())
        labels = [spec["label"] for spec in specs]
        assert labels
        for label in labels:
            if len(labels) > 1:
                component.get_by_role("button", name=label, exact=True).click()
            svg = component.locator("svg").first
            expect(svg).to_be_visible()
            assert all(spec["data"] for spec in specs), "a chart without data"
            assert svg.evaluate(MARKS) > 0, f"the chart {label!r} draws nothing"

    expect(article.locator("svelte-component.error")).to_have_count(0)
    expect(article.locator(".factoring-error")).to_have_count(0)
    browser_page.wait_for_timeout(300)
    assert tab.errors == []


def test_the_demo_opens_on_the_year_with_the_factoring_pages(
    demo_server: str, tab: Watched
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.set_default_timeout(30_000)
    page.goto(demo_server + "/")
    expect(page).to_have_url(re.compile(rf"/{YEAR_SLUG}/"))
    for name in ("Reserve", "Aging", "Cost", "Reconciliation"):
        expect(page.locator("aside a", has_text=f"Factoring: {name}")).to_be_visible()
    # The European example is in Fava's ledger switcher.
    assert page.locator("a[href^='/routakallio-metal-oy/']").count() > 0
    assert tab.errors == []
