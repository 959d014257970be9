"""FCT191: a ledger string that Fava's journal would show as markup.

Fava's journal writes a transaction's payee and narration, a note's comment, and every
metadata value into the page as HTML without escaping them. A bank line imported by a
tool that copies the bank's text as it is can then carry a tag into the ledger:

    2025-02-11 ! "ACME <img src=x onerror=alert(1)> PAYROLL"
      Assets:Bank:Checking    -96.44 USD
      Expenses:Uncategorized

Opened in Fava, the journal runs the `onerror` script, which can rewrite the ledger
through Fava's own API. The plugin reports such a string, with the entry's file and line:

    ledger.beancount:12: FCT191 The narration holds '<img', which Fava's journal would
    run as markup ...

What counts as markup (and nothing else, so that `a < b` or `AT&T` stay quiet):

- in a payee, a narration, a note's comment, an event's type and description, a
  query's name, the name of a document's file or a string value of a custom entry:
  `<` followed by a letter, `/`, `!` or `?` (the start of a tag, an
  end tag, a comment or a processing instruction);
- in a metadata value (of an entry or a posting), also a `'` followed by a name and `=`
  (Fava puts the values in a `title='...'` attribute, which the quote would end, and
  the name would start an attribute such as `onmouseover=`).

Change `<` and `>` into `‹` and `›` (our importers do that for every text they copy
from a file: `importers/inert.py`). One precompiled search per string: linear in the
size of the ledger's text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from beancount.core import data

from beancount_factoring.errors import FactoringError, make_error

TAG = re.compile(r"<[A-Za-z/!?]")
ATTRIBUTE = re.compile(r"<[A-Za-z/!?]|'\s*[^\s\"'<>/=]+\s*=")

ADVICE = (
    "which Fava's journal would show as markup (a script can run there). "
    "Write < and > as ‹ and › (or drop them), and no ' before a name and '='"
)


def check_markup(entries: Sequence[data.Directive]) -> list[FactoringError]:
    """One FCT191 error per entry string that Fava's journal would render as markup."""
    errors = []
    transaction = data.Transaction
    for entry in entries:
        found: list[tuple[str, str]] = []
        # Most strings hold neither `<` nor `'`: a substring test is all they cost, and
        # most metadata is the file name and line alone (tested inline: this loop sees
        # every entry of the ledger).
        if entry.__class__ is transaction:
            payee, narration = entry.payee, entry.narration
            if (payee and "<" in payee) or (narration and "<" in narration):
                _in_texts(entry, found)
            for posting in entry.postings:
                meta = posting.meta
                if meta is not None and (len(meta) > 2 or "lineno" not in meta):
                    _in_meta(meta, "posting metadata", found)
        else:
            _in_texts(entry, found)
        meta = entry.meta
        if meta is not None and (len(meta) > 2 or "lineno" not in meta):
            # (An invoice's keys, most often: its values looked at in one loop, and
            # _in_meta called only if one holds a character markup needs.)
            for value in meta.values():
                if value.__class__ is str and ("<" in value or "'" in value):
                    _in_meta(meta, "metadata", found)
                    break
        for where, text in found:
            message = f"The {where} holds {text!r}, {ADVICE}"
            errors.append(make_error("FCT191", message, entry.meta, entry))
    return errors


def _in_texts(entry: Any, found: list[tuple[str, str]]) -> None:
    for where, text in _texts(entry):
        if isinstance(text, str) and "<" in text and (match := TAG.search(text)):
            found.append((where, _around(text, match)))


def _texts(entry: Any) -> tuple[tuple[str, Any], ...]:
    """(where, text) of the entry's strings Fava shows as text in its journal."""
    if isinstance(entry, data.Transaction):
        return ("payee", entry.payee), ("narration", entry.narration)
    if isinstance(entry, data.Note):
        return (("comment", entry.comment),)
    if isinstance(entry, data.Event):
        return ("event type", entry.type), ("description", entry.description)
    if isinstance(entry, data.Document):
        # Fava shows the name of a document's file (one the `documents` folder holds).
        return (("document's file name", os.path.basename(entry.filename or "")),)
    if isinstance(entry, data.Query):
        return (("query name", entry.name),)
    if isinstance(entry, data.Custom):
        return tuple(("custom value", getattr(v, "value", None)) for v in entry.values or ())
    return ()


def _in_meta(meta: dict[str, Any] | None, where: str, found: list[tuple[str, str]]) -> None:
    if not meta:
        return
    for key, value in meta.items():
        if key == "filename" or value.__class__ is not str:
            continue  # the ledger's own file name is not shown as a value
        if ("<" in value or "'" in value) and (match := ATTRIBUTE.search(value)):
            found.append((f"{where} value {key!r}", _around(value, match)))


def _around(text: str, match: re.Match[str]) -> str:
    """The markup found, and a few characters after it, to find it in the ledger."""
    return text[match.start() : match.end() + 25]
