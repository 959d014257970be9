"""Measure the Fava pages against Fava's own income statement, as ratios.

    python benchmarks/pages.py                   # 10k and 100k invoices
    python benchmarks/pages.py --sizes 1000      # a quick run

For each size it generates a ledger (``generate.py``, the same as ``run.py``),
adds the ``custom "fava-extension" "beancount_factoring.fava"`` line, loads it
in Fava (``create_app``, in this process) and asks through Fava's test client
for everything each page shows. A page is fetched the way Fava's sidebar link
fetches it: its HTML (``?partial=true``, the article Fava puts in place) and its
script (``extension_js_module/<Page>.js``); the pages make no other request,
their tables and charts come in the HTML. Each page's ``data`` endpoint (the
report as JSON, for scripts and other programs; one page of 1,000 rows of each
long list, the default) is measured too. The yardstick
is the data of Fava's own income statement, ``/<ledger>/api/income_statement``.

The ledger is ``diluted`` (the carrier's other books beside the factoring
entries) or ``dense`` (one entry per invoice beside its factoring events).
Every request is first made once (cold: the first request after a load; the
reports' facts are read with the load, in Fava's ``after_load_file``, which the
load time includes, and each page's default view is then made in the background,
whose time is reported apart: the first requests come once it is done); then the
median of ``--repeat``
warm runs is taken for each, alternating page and yardstick. Target: ratio at
most 1.0. The full page (``partial`` off, which adds Fava's ledger data for the
sidebar and filters) is reported beside it, and so is the first request with a
time filter not asked for before (the reports for a new as-of date), against
Fava's income statement with a time filter it has not seen either.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import generate  # noqa: E402

PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")
EXTENSION = '\n2020-01-01 custom "fava-extension" "beancount_factoring.fava"\n'


def timed(client: Any, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - start
    if response.status_code != 200:
        body = response.get_data(as_text=True)[:2000]
        raise SystemExit(f"{url}: {response.status_code}\n{body}")
    return seconds


def bench(invoices: int, repeat: int, workdir: Path, kind: str = "diluted") -> dict[str, Any]:
    from fava.application import create_app

    path = workdir / f"ledger-{kind}-{invoices}.beancount"
    start = time.perf_counter()
    text = generate(invoices, 0.3, 1, True, "", kind == "dense") + EXTENSION
    path.write_text(text, encoding="utf-8")
    generated = time.perf_counter() - start

    start = time.perf_counter()
    app = create_app([str(path)], load=True)
    loaded = time.perf_counter() - start
    app.testing = True
    client = app.test_client()
    ((slug, ledger),) = list(app.config["LEDGERS"].items())
    # The pages show a ledger's errors; they are counted, so that a ledger the plugin
    # could not book is seen (fewer entries split would make lighter reports).
    errors = len(ledger.errors)
    base = f"/{slug}"
    yardstick = f"{base}/api/income_statement"

    def page_urls(name: str, partial: bool = True) -> list[str]:
        query = "?partial=true" if partial else ""
        return [f"{base}/extension/{name}/{query}", f"{base}/extension_js_module/{name}.js"]

    def data_url(name: str) -> str:
        return f"{base}/extension/{name}/data"

    # Right after the load, each page's default view is made in the background
    # (``LedgerState.warm``); the first requests below come once it is done.
    start = time.perf_counter()
    page = ledger.extensions.get_extension(PAGES[0])
    page.state.wait_warm()
    background = time.perf_counter() - start
    cold = {"yardstick": timed(client, yardstick)}
    for name in PAGES:
        cold[name] = sum(timed(client, url) for url in page_urls(name))
        timed(client, page_urls(name, partial=False)[0])
        cold[f"{name} (data)"] = timed(client, data_url(name))

    runs: dict[str, list[float]] = {"yardstick": []}
    for name in PAGES:
        runs[name] = []
        runs[f"{name} (full page)"] = []
        runs[f"{name} (data)"] = []
    for _ in range(repeat):
        for name in PAGES:
            runs["yardstick"].append(timed(client, yardstick))
            runs[name].append(sum(timed(client, url) for url in page_urls(name)))
            full = page_urls(name, partial=False)
            runs[f"{name} (full page)"].append(sum(timed(client, url) for url in full))
            runs[f"{name} (data)"].append(timed(client, data_url(name)))
    warm = {key: statistics.median(values) for key, values in runs.items()}
    # A time filter not asked for before: each page's report for that as-of date. Its
    # yardstick is Fava's income statement with a time filter it has not seen either
    # (Fava filters the ledger anew, kept for the next requests of that filter): each
    # request below has a month of its own, page and yardstick alternating.
    new_filter: dict[str, float] = {}
    unseen = iter(f"{year}-{month:02d}" for year in (2021, 2022) for month in range(1, 13))
    for name in PAGES:
        month, other = next(unseen), next(unseen)
        new_filter[name] = timed(client, f"{base}/extension/{name}/?partial=true&time={month}")
        new_filter[f"{name} (yardstick)"] = timed(client, f"{yardstick}?time={other}")
    entries = len(ledger.all_entries)
    return {
        "invoices": invoices,
        "entries": entries,
        "errors": errors,
        "generate_s": generated,
        "load_s": loaded,
        "background_s": background,
        "cold": cold,
        "warm": warm,
        "new_filter": new_filter,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--kinds", nargs="+", choices=("dense", "diluted"), default=["dense", "diluted"]
    )
    args = parser.parse_args()
    os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size, kind in [(size, kind) for size in args.sizes for kind in args.kinds]:
            result = bench(size, args.repeat, Path(tmp), kind)
            results.append(result)
            warm, cold = result["warm"], result["cold"]
            print(
                f"\n{size:,} invoices ({kind}), {result['entries']:,} entries "
                f"({result['errors']:,} errors): generated in "
                f"{result['generate_s']:.1f} s, loaded in Fava in {result['load_s']:.1f} s, "
                f"pages made in the background in {result['background_s']:.1f} s after it; "
                f"income statement {warm['yardstick'] * 1000:.1f} ms warm",
                flush=True,
            )
            print(
                "| page | warm ms | ratio | full page ms | first request after load ms "
                "| new time filter ms | income statement, new time filter ms | ratio "
                "| data ms | data ratio | data first request ms |"
            )
            print("|---|---|---|---|---|---|---|---|---|---|---|")
            for name in PAGES:
                data = warm[f"{name} (data)"]
                unseen, fava_unseen = (
                    result["new_filter"][name],
                    result["new_filter"][f"{name} (yardstick)"],
                )
                print(
                    f"| {name} | {warm[name] * 1000:.1f} | {warm[name] / warm['yardstick']:.3f} "
                    f"| {warm[name + ' (full page)'] * 1000:.1f} | {cold[name] * 1000:.0f} "
                    f"| {unseen * 1000:.0f} | {fava_unseen * 1000:.0f} "
                    f"| {unseen / fava_unseen:.2f} | {data * 1000:.1f} "
                    f"| {data / warm['yardstick']:.3f} | {cold[name + ' (data)'] * 1000:.0f} |",
                    flush=True,
                )
    for kind, names in (("pages", PAGES), ("data endpoints", [f"{p} (data)" for p in PAGES])):
        worst = max(r["warm"][name] / r["warm"]["yardstick"] for r in results for name in names)
        first = max(r["cold"][name] / r["warm"]["yardstick"] for r in results for name in names)
        print(
            f"Worst ratio of the {kind}: {worst:.2f} warm, {first:.2f} on the first request "
            "(target: at most 1.0)"
        )
    unseen = max(
        r["new_filter"][name] / r["new_filter"][f"{name} (yardstick)"]
        for r in results
        for name in PAGES
    )
    print(
        f"Worst ratio of a page's first request with a new time filter to Fava's income "
        f"statement's: {unseen:.2f}"
    )


if __name__ == "__main__":
    main()
