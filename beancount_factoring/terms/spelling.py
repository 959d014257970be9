"""Which known key a metadata key is a slip away from.

Beancount keeps any metadata key, and the plugin reads only the keys it knows: a
misspelt one would be ignored in silence. A key one or two slips from a known one
(a letter added, dropped, changed or two swapped: one slip in a key of up to five
letters, two in a longer one; ``_`` for ``-`` always) is taken for a misspelling of
it: ``partail`` for ``partial``, ``factorng`` for ``factoring``, ``fees`` for ``fee``.
"""

from __future__ import annotations

import functools

# How many slips make a misspelling: one in a short key (``fees`` for ``fee``), two in a
# longer one (``costumer``).
SHORT = 5


@functools.lru_cache(maxsize=1024)
def near(key: str, known: frozenset[str]) -> str | None:
    """The known key that ``key`` is a slip away from, or None (once per key: a ledger
    repeats the same few keys on every entry)."""
    dashed = key.replace("_", "-").lower()
    if dashed in known:
        return dashed
    for name in sorted(known):
        allowed = 1 if len(name) <= SHORT else 2
        if abs(len(name) - len(dashed)) <= allowed and slips(dashed, name) <= allowed:
            return name
    return None


def slips(a: str, b: str) -> int:
    """The edits that turn ``a`` into ``b``: letters added, dropped, changed, or two
    neighbours swapped (the optimal string alignment distance)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
