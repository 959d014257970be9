"""Measure what the plugin costs bean-check, as a ratio to plain Beancount.

    python benchmarks/run.py                  # 1k, 10k and 100k invoices
    python benchmarks/run.py --sizes 1000     # a quick run

For each size it generates one ledger (``generate.py``: schedules, deposits of
which a share name nothing and are allocated by amount, releases, chargebacks,
short pays, with the carrier's ordinary expenses (``diluted``) or without them
(``dense``: one entry per invoice beside its factoring events)), writes it twice,
with and without the plugin line (the baseline gets the legs only the plugin
would write, so that it balances), and runs ``bean-check --no-cache`` on each in a fresh
process, alternating, several times. It reports the median wall time and the
peak memory of each, and their ratios. Both ledgers must check with zero errors,
or the run stops: a fast wrong answer is no figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def measure(path: str) -> None:
    """Check one ledger in this process and print time, memory and error count."""
    from beancount import loader
    from beancount.ops import validation

    start = time.perf_counter()
    _, errors, _ = loader.load_file(path, extra_validations=validation.HARDCORE_VALIDATIONS)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_kib": usage.ru_maxrss,
        "errors": len(errors),
        "first": [e.message.splitlines()[0] for e in errors[:3]],
    }
    print(json.dumps(result))


def run_one(path: Path) -> dict:
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1")
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(
    invoices: int, repeat: int, unnamed: float, detail: str, workdir: Path, kind: str = "diluted"
) -> dict:
    with_plugin = workdir / f"ledger-{kind}-{invoices}.beancount"
    without = workdir / f"ledger-{kind}-{invoices}-plain.beancount"
    config = f"{{'detail': '{detail}'}}"
    dense = kind == "dense"
    with_plugin.write_text(generate(invoices, unnamed, 1, True, config, dense), encoding="utf-8")
    without.write_text(generate(invoices, unnamed, 1, False, "", dense), encoding="utf-8")
    entries = sum(1 for line in with_plugin.open() if line[:1].isdigit())
    plain, plugged = [], []
    for _ in range(repeat):
        # Both must check clean: a fast wrong answer, or a baseline that does not
        # balance, is no figure.
        result = run_one(without)
        if result["errors"]:
            raise SystemExit(f"{invoices} invoices: the baseline has errors: {result['first']}")
        plain.append(result)
        result = run_one(with_plugin)
        if result["errors"]:
            raise SystemExit(f"{invoices} invoices: the plugin reports errors: {result['first']}")
        plugged.append(result)

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    return {
        "kind": kind,
        "invoices": invoices,
        "entries": entries,
        "plain_s": median(plain, "seconds"),
        "plugin_s": median(plugged, "seconds"),
        "plain_cpu": median(plain, "cpu"),
        "plugin_cpu": median(plugged, "cpu"),
        "plain_mib": median(plain, "peak_kib") / 1024,
        "plugin_mib": median(plugged, "peak_kib") / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--unnamed",
        type=float,
        default=0.3,
        help="share of deposits that name nothing (default 0.3)",
    )
    parser.add_argument(
        "--detail",
        choices=("invoice", "item"),
        default="item",
        help="the plugin's detail setting (default item)",
    )
    parser.add_argument(
        "--kinds",
        nargs="+",
        choices=("dense", "diluted"),
        default=["dense", "diluted"],
        help="dense: one entry per invoice beside its events; diluted: with the other books",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    print(
        f"bean-check --no-cache, median of {args.repeat} runs, detail: {args.detail}; "
        "ratio = with plugin / without; cpu = the process's user + system seconds"
    )
    print(
        f"{'invoices':>9} {'entries':>8} {'plain s':>8} {'plugin s':>9} {'wall':>6} "
        f"{'plain cpu':>9} {'plugin cpu':>10} {'cpu':>6} "
        f"{'plain MiB':>9} {'plugin MiB':>10} {'memory':>7} {'ledger':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            for kind in args.kinds:
                r = bench(size, args.repeat, args.unnamed, args.detail, Path(tmp), kind)
                print(
                    f"{r['invoices']:>9} {r['entries']:>8} {r['plain_s']:>8.2f} "
                    f"{r['plugin_s']:>9.2f} {r['plugin_s'] / r['plain_s']:>5.2f}x "
                    f"{r['plain_cpu']:>9.2f} {r['plugin_cpu']:>10.2f} "
                    f"{r['plugin_cpu'] / r['plain_cpu']:>5.2f}x "
                    f"{r['plain_mib']:>9.0f} {r['plugin_mib']:>10.0f} "
                    f"{r['plugin_mib'] / r['plain_mib']:>6.2f}x {kind:>7}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
