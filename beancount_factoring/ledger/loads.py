"""A load's number as a fuel advance and its invoice are matched by it.

The factor's fuel-advance line and the invoice export write the same load in
their own ways: ``TQL-88412``, ``tql 88412``, ``TQL88412``; a number typed bare
(``load: 88412``) loses the leading zeros the quoted one keeps (``"088412"``).
They are one load: matched on the letters and digits alone, in one case, and a
load of digits alone without its leading zeros. Two loads that differ in
nothing else are the same load in practice, and a match missed would leave the
advance unrecouped and the funding short (FCT120) with no word of why.

A load is also written as its number alone (``4471`` for ``L-4471``): such a
key may be a load whose key is letters then those digits (``load_number``).
Whether it is depends on the other loads of the ledger (``L-4471`` and
``TQL-4471`` make ``4471`` ambiguous), so the fuel advance that names it decides
(handlers/fuel.py); ``same_load`` says whether two keys may be one load at all.
"""

from __future__ import annotations

import re
from decimal import Decimal

# What is not a letter or a digit (``\W`` is what ``str.isalnum`` is not, and ``_``).
_NOT_ALNUM = re.compile(r"[\W_]+")
# A load's key of letters, then digits (``l4471``, ``tql88412``).
_PREFIXED = re.compile(r"([a-z]+)([0-9]+)")


def load_key(value: object) -> str | None:
    """The key a load is matched by; None when ``value`` is no load (not text or a number)."""
    if not isinstance(value, (str, Decimal)):
        return None
    text = str(value).casefold()
    # (A load of letters and digits, with dashes between (L-1, TQL-88412), is what is
    # usually written: its key without the regular expression. str.isalnum is what the
    # expression keeps: \W is what it is not, and _.)
    key = text.replace("-", "")
    if not key.isalnum():
        key = _NOT_ALNUM.sub("", text)
    if key.isdigit():
        key = key.lstrip("0") or "0"
    return key or None


def load_number(key: str) -> str | None:
    """The number of a load's key of letters then digits (``4471`` of ``l4471``, the key
    of ``L-4471``), without leading zeros; None for a key of another form."""
    match = _PREFIXED.fullmatch(key)
    if match is None:
        return None
    return match.group(2).lstrip("0") or "0"


def same_load(one: str | None, other: str | None) -> bool:
    """Whether two load keys may be one load: equal, or one the other's number alone."""
    if one is None or other is None:
        return False
    if one == other:
        return True
    if one.isdigit():
        return load_number(other) == one
    return other.isdigit() and load_number(one) == other
