"""The text typed for a metadata value that Beancount read as a number.

An invoice number is a string (``invoice: "001023"``). Written without quotes, Beancount
reads it as a number before any plugin sees it, and a number keeps no leading zeros and
no thousands separator::

    2025-03-17 * "TQL" "Load 88412"
      invoice: 001023            ; the plugin is given Decimal("1023")

An event, a factor's report or an export that names the invoice as it is written
(``^001023``) would not find invoice 1023. Plain digits with nothing dropped
(``invoice: 1023``) lose nothing, though: that number is the invoice's name. To tell the
two apart, the value's line is read back from the ledger's file (each file once, and
only for such values), and the number is taken as its name when the text typed there is
the number's own text. A ledger read from a string, or a line not found, cannot be
checked: the number is then refused as possibly altered, the safe side.
"""

from __future__ import annotations

import re
from typing import Any

# Metadata lines follow their entry's (or posting's) line, indented: at most this many
# are looked at before the value's key must have been found.
_LOOK_AHEAD = 200


class TypedNumbers:
    """Reads back, from the ledger's files, the text typed for a numeric metadata value;
    each file is read once per ledger load, and only when a value asks."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def typed(self, meta: dict[str, Any], key: str) -> str | None:
        """The text typed after ``key:`` under the entry or posting of ``meta``, or None
        when its line cannot be read back."""
        filename, lineno = meta.get("filename"), meta.get("lineno")
        if not isinstance(filename, str) or not isinstance(lineno, int) or lineno < 1:
            return None
        lines = self._lines(filename)
        if lines is None:
            return None
        value = re.compile(rf"\s+{re.escape(key)}:\s*([^\s;]+)\s*(?:;.*)?")
        # (``lineno`` counts from 1: ``lines[lineno]`` is the line after the entry's.)
        for line in lines[lineno : lineno + _LOOK_AHEAD]:
            if not line[:1].isspace() or not line.strip():
                return None  # the entry ended before its key
            found = value.fullmatch(line.rstrip("\r\n"))
            if found:
                return found.group(1)
        return None

    def forget(self) -> None:
        """Let go of the files' lines: the plugin's run is kept with the load for the
        reports, and a ledger's text need not live as long (read again if asked)."""
        self._files.clear()

    def _lines(self, filename: str) -> list[str] | None:
        if filename not in self._files:
            try:
                # Split at line feeds only, as Beancount counts lines: not at a lone
                # carriage return (no newline translation), nor at a U+2028 or U+0085
                # in a comment, as ``str.splitlines`` does.
                with open(filename, encoding="utf-8", errors="replace", newline="") as file:
                    self._files[filename] = file.read().split("\n")
            except OSError:
                self._files[filename] = None
        return self._files[filename]
