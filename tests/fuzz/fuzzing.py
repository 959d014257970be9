"""The fuzz driver: hypothesis for a number of examples, or for a time budget.

In the normal test run (``make test``, CI) each fuzz target runs a small, fixed number
of examples, so the whole of ``tests/fuzz`` adds well under a minute. ``make fuzz``
sets ``FUZZ_SECONDS`` (60 by default): each target then runs for about that long, in
rounds of at most ``ROUND`` examples, each round with a fresh random seed and sized to
end by the deadline, and the number of cases it generated is printed at the end of the
run (and written to ``FUZZ_REPORT`` if set).

    fuzz("importers", cases(), check, examples=40)

``check`` raises (an assertion, or the exception the code under test let escape) on a
finding; hypothesis then shrinks it and prints the smallest case, with the blob that
replays it (``@reproduce_failure``). Every finding becomes a regression test beside
its target.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

T = TypeVar("T")

# Seconds per target in the long run; 0 in the normal test run.
SECONDS = float(os.environ.get("FUZZ_SECONDS", "0") or 0)
LONG = SECONDS > 0
# Examples per round of the long run at most (each round has its own seed); the first
# round is small, to measure the target's pace, and no round is planned to take more
# than ROUND_SECONDS.
ROUND = 200
FIRST_ROUND = 10
ROUND_SECONDS = 10.0
# Cases run per target in this process, for the summary and the report.
COUNTS: dict[str, int] = {}
# Seconds spent per target.
TIMES: dict[str, float] = {}
# Figures measured beside the cases (memory of the large files): value and unit.
MEASURES: dict[str, tuple[float, str]] = {}

_QUIET = list(HealthCheck)
# Where a failing case's input is kept, to be turned into a regression test.
FINDINGS = os.environ.get("FUZZ_FINDINGS") or os.path.join(
    tempfile.gettempdir(), "beancount-factoring-fuzz-findings"
)


def keep_finding(name: str, content: bytes | str) -> str:
    """Write a failing case's input under FINDINGS (the last, shrunk one wins)."""
    os.makedirs(FINDINGS, exist_ok=True)
    path = os.path.join(FINDINGS, name)
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(path, mode) as handle:
        handle.write(content)
    return path


def fuzz(
    name: str, strategy: st.SearchStrategy[T], check: Callable[[T], Any], examples: int
) -> int:
    """Run `check` on cases drawn from `strategy`; return how many ran.

    Args:
      name: The target's name in the summary.
      strategy: What to generate.
      check: Raises on a finding.
      examples: How many cases in the normal run (the long run is timed instead).
    """
    count = 0

    def counted(case: T) -> None:
        nonlocal count
        count += 1
        check(case)

    started = time.monotonic()
    try:
        if not LONG:
            test = settings(max_examples=examples, deadline=None, suppress_health_check=_QUIET)(
                given(strategy)(counted)
            )
            test()
            return count
        deadline = started + SECONDS
        size = FIRST_ROUND
        while (left := deadline - time.monotonic()) > 0:
            begun, before = time.monotonic(), count
            test = settings(
                max_examples=size,
                deadline=None,
                derandomize=False,
                suppress_health_check=_QUIET,
            )(given(strategy)(counted))
            seed(random.getrandbits(64))(test)()
            # The next round is as many cases as fit in what is left (and in ROUND_SECONDS),
            # at this round's pace: a slow target ends close to its time, too.
            spent = time.monotonic() - begun
            pace = spent / max(count - before, 1)
            room = min(left - spent, ROUND_SECONDS)
            size = max(1, min(ROUND, int(room / pace)))
        return count
    finally:
        COUNTS[name] = COUNTS.get(name, 0) + count
        TIMES[name] = TIMES.get(name, 0.0) + time.monotonic() - started


def note(name: str, count: int, seconds: float = 0.0) -> None:
    """Count cases run outside `fuzz` (a big file, a scaling run)."""
    COUNTS[name] = COUNTS.get(name, 0) + count
    TIMES[name] = TIMES.get(name, 0.0) + seconds


def measure(name: str, value: float, unit: str) -> None:
    """Keep a figure for the summary and the report (a peak of memory, say)."""
    MEASURES[name] = (value, unit)


def summary() -> list[str]:
    """One line per target: cases and seconds; then one per figure measured."""
    lines = []
    for name in sorted(COUNTS):
        lines.append(f"{name:42} {COUNTS[name]:>9} cases {TIMES.get(name, 0.0):>8.1f} s")
    for name in sorted(MEASURES):
        value, unit = MEASURES[name]
        lines.append(f"{name:52} {value:>12,.1f} {unit}")
    return lines


def write_report(failed: int = 0) -> None:
    """Add this run's counts, figures and failed tests to the JSON file named by
    FUZZ_REPORT, if any."""
    target = os.environ.get("FUZZ_REPORT")
    if not target or not (COUNTS or MEASURES):
        return
    report: dict[str, Any] = {}
    if os.path.exists(target):
        with open(target, encoding="utf-8") as handle:
            report = json.load(handle)
    for name, count in COUNTS.items():
        report[name] = {"cases": count, "seconds": round(TIMES.get(name, 0.0), 1)}
    for name, (value, unit) in MEASURES.items():
        report[name] = {"value": round(value, 1), "unit": unit}
    report["failed tests"] = failed
    report["seconds per target"] = SECONDS
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
        handle.write("\n")
