"""Take the README's screenshots of the four factoring pages of the example ledger.

    .venv/bin/python docs/screenshots/take.py

Starts Fava on the example ledger on a free port, opens each page in headless
Chromium (/usr/bin/chromium, through playwright) and writes
docs/screenshots/<page>.png. Needs the test extras (playwright) and Chromium.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEDGER = HERE.parents[1] / "example_ledger" / "main.beancount"
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
WIDTH, MAX_HEIGHT = 1280, 1800
# (file, page, query): mid-February shows reserves due back and open items.
SHOTS = [
    ("reserve.png", "FactoringReserve", "time=2025-01-01+-+2025-02-10"),
    ("aging.png", "FactoringAging", ""),
    ("cost.png", "FactoringCost", ""),
    ("reconciliation.png", "FactoringReconciliation", "time=2025-01-01+-+2025-02-10"),
]


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
    base = f"http://127.0.0.1:{port}/{SLUG}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=ARGS
            )
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            for filename, name, query in SHOTS:
                page.goto(f"{base}/extension/{name}/" + (f"?{query}" if query else ""))
                expect(page.locator("svelte-component[type=charts] svg").first).to_be_visible()
                # Fava's <article> scrolls inside a window-high grid: grow the
                # window to the article's height (at most MAX_HEIGHT) instead.
                height = page.evaluate("document.querySelector('article').scrollHeight")
                page.set_viewport_size({"width": WIDTH, "height": min(height + 60, MAX_HEIGHT)})
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
