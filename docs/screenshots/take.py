"""Take the README's screenshots of the four factoring pages of the demo ledger.

    .venv/bin/python docs/screenshots/take.py

Starts Fava on the ledger `make demo` opens (example_ledger/year/main.beancount, a
carrier's year of books) on a free port, opens each page in headless Chromium
(/usr/bin/chromium, through playwright) with the time filter of SHOTS and writes
docs/screenshots/<page>.png. Needs the test extras (playwright) and Chromium.
tests/fava/test_fava_demo.py opens the same pages with the same filters.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEDGER = HERE.parents[1] / "example_ledger" / "year" / "main.beancount"
SLUG = "ridgeline-freight-llc"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A laptop's window: every table fits it (one too wide scrolls inside its own box).
WIDTH = 1280
# (file, page, Fava's time filter, the most of the page's height to show).
SHOTS = [
    # The year: Lakeshore's reserve grows to June, runs off after the switch to Pinecrest.
    ("reserve.png", "FactoringReserve", "2025", 1500),
    # End of July: both factors hold invoices; Redfern's charged-back loads are ours again.
    ("aging.png", "FactoringAging", "2025-07", 1800),
    # The year's fees per month and factor, and the annual rate of each program.
    ("cost.png", "FactoringCost", "2025", 1900),
    # Thursday 12 June: four short pays wait to be netted from Lakeshore's next funding.
    ("reconciliation.png", "FactoringReconciliation", "2025-01-01 - 2025-06-12", 2100),
]


def url(base: str, page: str, time_filter: str) -> str:
    """A page of the ledger, with Fava's time filter."""
    query = "?time=" + urllib.parse.quote_plus(time_filter) if time_filter else ""
    return f"{base}/{SLUG}/extension/{page}/{query}"


def wait_for(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=5):
                return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"fava did not start on {base}")
            time.sleep(0.2)


def main() -> None:
    from playwright.sync_api import expect, sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fava = Path(sys.executable).with_name("fava")
    server = subprocess.Popen(
        [str(fava), "-H", "127.0.0.1", "-p", str(port), str(LEDGER)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=ARGS
            )
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            page.set_default_timeout(30_000)
            for filename, name, time_filter, max_height in SHOTS:
                page.goto(url(base, name, time_filter))
                expect(page.locator("svelte-component[type=charts] svg").first).to_be_visible()
                # Fava's <article> scrolls inside a window-high grid: grow the
                # window to the article's height (at most max_height) instead.
                height = page.evaluate("document.querySelector('article').scrollHeight")
                page.set_viewport_size({"width": WIDTH, "height": min(height + 60, max_height)})
                page.mouse.move(0, 0)
                page.wait_for_timeout(500)
                page.screenshot(path=str(HERE / filename))
                page.set_viewport_size({"width": WIDTH, "height": 900})
                print(HERE / filename)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
