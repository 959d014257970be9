"""Text copied from a download made inert: it cannot become markup in Fava.

A bank line's description, an ACH originator's name, a factor's debtor column: strangers
write them. Fava's journal shows a transaction's payee, narration and metadata values as
HTML, unescaped, so a description such as `<img src=x onerror=...>` imported as it is
would run as script in the browser of whoever opens the journal. Every text an importer
of this package copies from a file passes through `inert()` on its way into an entry:

    <  becomes  ‹  (U+2039, single left-pointing angle quotation mark)
    >  becomes  ›  (U+203A, single right-pointing angle quotation mark)
    &  becomes  ＆ (U+FF06, fullwidth ampersand) where it starts a character reference
       (`&` before `#`, or before a name that ends in `;`: `&#60;`, `&lt;`), so that the
       journal shows what the file holds; `AT&T`, `R & D` stay. (A reference is shown as
       the character it names, never read as a tag: this is for readability.)
    '  becomes  ’  (U+2019, right single quotation mark), in metadata values only: Fava
       puts them in a `title='...'` attribute, where a quote would end the attribute

So the bank line

    "ACME <script>alert(1)</script> PAYROLL"

is imported as

    2025-02-11 ! "ACME ‹script›alert(1)‹/script› PAYROLL"

which reads the same and is no markup. Account names need nothing: Beancount's account
names take letters, digits and `-` only, and an importer refuses any other (FCT208). The
factoring plugin reports a ledger string that would still be markup, typed by hand or
imported by another tool, as FCT191 (`checks/markup.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from beancount.core import data

_ANGLES = str.maketrans({"<": "\u2039", ">": "\u203a"})
_REFERENCE = re.compile(r"&(?=#|[A-Za-z][A-Za-z0-9]*;)")
_FULLWIDTH_AMPERSAND = "\uff06"
_RIGHT_QUOTE = "\u2019"
# Metadata that is the importer's own bookkeeping, not text of the file.
_OWN_KEYS = frozenset({"filename", "lineno"})


def inert(text: str) -> str:
    """The text with nothing a browser would read as a tag or a character reference."""
    if "<" in text or ">" in text:
        text = text.translate(_ANGLES)
    if "&" in text:
        text = _REFERENCE.sub(_FULLWIDTH_AMPERSAND, text)
    return text


def inert_value(text: str) -> str:
    """A metadata value made inert: as `inert`, and no quote that would end an attribute."""
    return inert(text).replace("'", _RIGHT_QUOTE)


def _inert_meta(meta: dict[str, Any] | None) -> None:
    if not meta:
        return
    for key, value in meta.items():
        if isinstance(value, str) and key not in _OWN_KEYS and not key.startswith("__"):
            meta[key] = inert_value(value)


def inert_entries(entries: Iterable[Any]) -> list[Any]:
    """The entries with their payees, narrations, comments and metadata values inert.

    The metadata dicts are changed in place (they are the importer's own, new ones);
    a transaction or note whose text changes is replaced.
    """
    result = []
    for entry in entries:
        _inert_meta(getattr(entry, "meta", None))
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                _inert_meta(posting.meta)
            payee = inert(entry.payee) if entry.payee else entry.payee
            narration = inert(entry.narration) if entry.narration else entry.narration
            if payee != entry.payee or narration != entry.narration:
                entry = entry._replace(payee=payee, narration=narration)
        elif isinstance(entry, data.Note) and entry.comment:
            comment = inert(entry.comment)
            if comment != entry.comment:
                entry = entry._replace(comment=comment)
        result.append(entry)
    return result
