"""Measure each ``bean-factoring`` report against ``bean-check`` of the same ledger.

    python benchmarks/cli.py                    # 10k and 100k invoices
    python benchmarks/cli.py --sizes 10000      # a quick run

For each size and each ledger kind (``dense``: one entry per invoice beside its
factoring events; ``diluted``: the same with the carrier's other books, twice as
many ordinary entries; both from ``generate.py``) it runs, each in a fresh
process, ``bean-check`` and ``bean-factoring <report>`` for the four reports,
alternating, ``--repeat`` times, and reports the median wall time, CPU time
(user + system of the process) and peak memory, with the ratio of each report
to bean-check. Twice: without Beancount's pickle cache
(``BEANCOUNT_DISABLE_LOAD_CACHE=1``) and with it, the cache written by a first
load so that each measured run reads it: once by ``bean-check``, once by a
report (the plugin's run is left out of the cache either way: a cached load is
settled again by the reports); and with it when the same report was asked once before
(printed from ``bean-factoring``'s own cache). Target: at most 1.15x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

REPORTS = ("reserve", "aging", "cost", "reconcile")
KINDS = ("dense", "diluted")


def timed(command: list[str], cached: bool) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MiB of one fresh process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if cached:
        env.pop("BEANCOUNT_DISABLE_LOAD_CACHE", None)
    else:
        env["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read()[:2000]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def commands(path: Path) -> dict[str, list[str]]:
    python = sys.executable
    found = {"bean-check": [python, "-m", "beancount.scripts.check", str(path)]}
    for report in REPORTS:
        found[report] = [python, "-m", "beancount_factoring.cli", report, str(path)]
    return found


# How each run loads: without the pickle cache; with the cache bean-check wrote; with
# the cache a report wrote (the plugin's run is left out of it all the same, so that a
# cached bean-check does not read it back: settlement/history.py); and with the cache
# bean-check wrote and the same report asked once before (printed from bean-factoring's
# own cache beside Beancount's: cli_cache.py). In the first three, the reports' own
# cache is deleted before each run, so that each run computes its report.
CACHES = ("none", "pickle", "pickle by report", "pickle, asked before")


def forget_reports(workdir: Path) -> None:
    """Delete the reports bean-factoring kept beside Beancount's cache."""
    for folder in workdir.glob("*.picklecache.factoring"):
        shutil.rmtree(folder)


def bench(invoices: int, kind: str, repeat: int, cache: str, workdir: Path) -> dict:
    path = workdir / f"ledger-{kind}-{invoices}.beancount"
    if not path.exists():
        path.write_text(generate(invoices, 0.3, 1, True, "", kind == "dense"), encoding="utf-8")
    for old in workdir.glob("*.picklecache"):
        old.unlink()
    forget_reports(workdir)
    runs: dict[str, list[tuple[float, float, float]]] = {}
    todo = commands(path)
    cached = cache != "none"
    if cache == "pickle by report":
        timed(todo["reconcile"], cached=True)
    elif cached:
        timed(todo["bean-check"], cached=True)  # writes the cache the runs read
    if cache == "pickle, asked before":
        for report in REPORTS:
            timed(todo[report], cached=True)
    for _ in range(repeat):
        for name, command in todo.items():
            if cache != "pickle, asked before":
                forget_reports(workdir)
            runs.setdefault(name, []).append(timed(command, cached))
    return {
        name: tuple(statistics.median(run[i] for run in values) for i in range(3))
        for name, values in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--caches", nargs="+", choices=CACHES, default=list(CACHES))
    args = parser.parse_args()
    print(f"fresh process per run, median of {args.repeat}; ratio = report / bean-check")
    print("| invoices | ledger | cache | command | wall s | ratio | cpu s | ratio | MiB | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            for kind in args.kinds:
                for cache in args.caches:
                    result = bench(size, kind, args.repeat, cache, Path(tmp))
                    base = result["bean-check"]
                    for name, (wall, cpu, mib) in result.items():
                        print(
                            f"| {size:,} | {kind} | {cache} | {name} "
                            f"| {wall:.2f} | {wall / base[0]:.2f}x | {cpu:.2f} "
                            f"| {cpu / base[1]:.2f}x | {mib:.0f} | {mib / base[2]:.2f}x |",
                            flush=True,
                        )


if __name__ == "__main__":
    main()
