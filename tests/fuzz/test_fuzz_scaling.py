"""The plugin's run time stays linear on generated ledgers (docs/reliability.md).

Under `make fuzz` only (it measures time, and timed checks do not belong in the normal
run): the plugin runs on damaged ledgers of `ledger_gen` of N and of 4N invoices, the
same business over four times as many days (the same mix of factors, events and
perturbations, the same invoices a day), a few seeds each, and its CPU time at 4N must
stay within a linear growth with room for noise (at most 4 x 1.6 times the time at N).
The times are printed with the other fuzz figures.
"""

from __future__ import annotations

import random
import time

import pytest
from beancount import loader
from fuzzing import LONG, note
from ledger_gen import RandomChooser, generate

from beancount_factoring.plugin import factoring

# Below a few thousand invoices the factors' open items do not fill the subset search's
# window yet (max-candidates), so each deposit costs less: the check starts above it.
SIZES = (4000, 16000)
SEEDS = (11,)
# Linear growth is 4x; above this, some pass over the entries is not linear.
LIMIT = 4 * 1.6


def plugin_seconds(invoices: int, seed: int) -> float:
    """CPU seconds of the plugin alone on one generated ledger (best of two runs)."""
    days = 240 * invoices // 1500
    text = generate(RandomChooser(random.Random(seed)), invoices=invoices, days=days).text
    text = "\n".join(line for line in text.splitlines() if not line.startswith("plugin "))
    entries, _, options = loader.load_string(text)
    best = float("inf")
    for _ in range(2):
        started = time.process_time()
        factoring(entries, options, None)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.skipif(not LONG, reason="a timing: run by make fuzz, not by the normal suite")
def test_the_plugin_time_grows_linearly_with_the_ledger():
    small, large = SIZES
    started = time.monotonic()
    times = {size: sum(plugin_seconds(size, seed) for seed in SEEDS) for size in SIZES}
    note(
        f"plugin scaling: {small} -> {large} invoices x{times[large] / times[small]:.2f}",
        len(SEEDS) * len(SIZES),
        time.monotonic() - started,
    )
    assert times[large] / times[small] < LIMIT, times
