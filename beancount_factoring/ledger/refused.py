"""The entries refused before the settlement reads them, and what each one names.

One mistake should give one error. An invoice, a schedule, a deposit or an agreement
that cannot be read leaves every later event about the same invoice with nothing to
apply to: without this module each such event says so in an error of its own ("unknown
invoice", "not factored", "scheduled, not yet funded"), with advice for a case that is
not this one (book the factor's payment as your own, write an opening balance). Those
errors follow from the first; the settlement asks here whether an entry it cannot apply
waits for one that was refused with an error of its own at its line, and then says
nothing (``Settler.waits``): correcting that entry books them all.

An entry is refused

- by the plugin as it reads the book: an ``invoice:`` that cannot be one (FCT134), a
  ``factoring:`` misspelt or of no known kind (FCT134), a deposit of a factor whose
  agreement is broken (FCT110), noted in ``Book.refused``;
- by Beancount, which drops a whole entry when a line of it cannot be parsed (a date
  of February 30, a quote left open) and reports that line. The plugin never sees the
  entry; it finds it in the ledger's files: a dated line that is no entry's, and the
  indented lines under it. The files are read only when an event asks, on the way to
  an error: books without errors never read them again.

The names an entry gives: invoice numbers (its ``invoice:``, its links), schedules
(``sched-`` and the id, from ``schedule:``) and an agreement's factor (``agreement:``
and the name, in lower case). What is found in the files is a guess from the text
(the entry could not be parsed), used only to keep quiet, or to name its line.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import NamedTuple

from beancount.core import data

from beancount_factoring.ledger.book import EVENT_KINDS, schedule_link
from beancount_factoring.terms import spelling

AGREEMENT = "agreement:"
# The kinds of entry that sell an invoice or fund it, whose refusal leaves it not
# factored, or scheduled and not funded ("event": a factoring: of no kind known).
SELLING_KINDS = frozenset(("schedule", "funding", "lump", "deposit", "event"))
_KINDS = frozenset(EVENT_KINDS)

_HEADER = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s")
_AGREEMENT = re.compile(r'custom\s+"factoring-agreement"\s+"([^"]*)"')
_LINK = re.compile(r"\^([A-Za-z0-9\-_/.]+)")
_KEY = re.compile(r"\s+(invoice|schedule|factoring)\s*:\s*(.*?)\s*(?:;.*)?$")
_SEPARATORS = re.compile(r"[,\s]+")
# A transaction's dated line: its flag (or txn) after the date.
_FLAGGED = re.compile(r"\S+\s+(?:[*!&#?%PSTCURM]|txn)\s")
_RECEIVABLES = re.compile(r"\s+receivables\s*:\s*([^\s;]+)")


class Refused(NamedTuple):
    """An entry refused with an error at its line: where, its date if it has one that
    can be read, its kind ("invoice", "agreement", an event's kind, "deposit") and the
    code of its error ("" for Beancount's own, which no config turns off)."""

    filename: str
    lineno: int
    date: datetime.date | None
    kind: str
    code: str = ""

    @property
    def where(self) -> str:
        return f"{self.filename}:{self.lineno}"


def kind_meant(value: object) -> str:
    """The event kind a ``factoring:`` value (misspelt or not) most likely means."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _KINDS:
            return word
        meant = spelling.near(word, _KINDS)
        if meant is not None:
            return meant
    return "event"


class Refusals:
    """The refused entries of a ledger, by the names they give (see the module)."""

    def __init__(
        self,
        noted: list[tuple[data.Transaction, str, tuple[str, ...], str]],
        entries: list[data.Directive] | None,
        sources: Iterable[str],
    ) -> None:
        self.by_name: dict[str, list[Refused]] = {}
        # The agreements Beancount could not read, by their factor's name as written, and
        # the receivables: each of them gives.
        self._agreements: dict[str, Refused] = {}
        self._receivables: list[str] = []
        # The transactions Beancount could not read that name nothing (a deposit that
        # names nothing, allocated by its amount): an unfunded invoice's event names one.
        self._unnamed: list[Refused] = []
        # The ledger's files, read at the first question that needs them.
        self._unread: tuple[list[data.Directive], tuple[str, ...]] | None = None
        for entry, kind, names, code in noted:
            meta = entry.meta
            kind = kind if kind in ("invoice", "deposit") else kind_meant(kind)
            where = (meta.get("filename", ""), meta.get("lineno", 0))
            refused = Refused(*where, entry.date, kind, code)
            for name in names:
                self.by_name.setdefault(name, []).append(refused)
        if entries is not None:
            self._unread = (entries, tuple(sources))

    def _files(self) -> None:
        """Read the ledger's files for the entries Beancount could not read, once."""
        if self._unread is not None:
            entries, sources = self._unread
            self._unread = None
            self._read_files(entries, sources)

    @property
    def agreements(self) -> dict[str, Refused]:
        """The agreements Beancount could not read, by their factor's name as written."""
        self._files()
        return self._agreements

    @property
    def receivables(self) -> list[str]:
        """The ``receivables:`` the agreements Beancount could not read give."""
        self._files()
        return self._receivables

    def root(
        self,
        names: Iterable[str],
        kinds: frozenset[str] | None = None,
        day: datetime.date | None = None,
    ) -> Refused | None:
        """The first refused entry of one of ``kinds`` (any, if None) that gives one of
        ``names``, dated on or before ``day`` (or with a date that cannot be read)."""
        self._files()
        for name in names:
            for refused in self.by_name.get(name, ()):
                if kinds is not None and refused.kind not in kinds:
                    continue
                if day is not None and refused.date is not None and refused.date > day:
                    continue
                return refused
        return None

    def first(
        self, kinds: frozenset[str], day: datetime.date, files: bool = True
    ) -> Refused | None:
        """The first refused entry of one of ``kinds`` dated on or before ``day`` (or with
        a date that cannot be read), whatever it names; of the plugin's alone, without
        reading the files, unless ``files``."""
        if files:
            self._files()
        for found in self.by_name.values():
            for refused in found:
                if refused.kind in kinds and (refused.date is None or refused.date <= day):
                    return refused
        return None

    def unnamed_between(self, first: datetime.date, last: datetime.date) -> Refused | None:
        """The first transaction naming nothing that Beancount could not read, dated from
        ``first`` to ``last`` (or with a date that cannot be read)."""
        self._files()
        for refused in self._unnamed:
            if refused.date is None or first <= refused.date <= last:
                return refused
        return None

    def agreement(self, name: str | None = None) -> tuple[str, Refused] | None:
        """The agreement of factor ``name`` (of any factor, if None) that Beancount could
        not read, with its name as written; None if there is none."""
        for written, refused in self.agreements.items():
            if name is None or written.lower() == name.strip().lower():
                return written, refused
        return None

    def _read_files(self, entries: list[data.Directive], sources: Iterable[str]) -> None:
        """Note the entries of the ledger's files that Beancount could not read."""
        read: dict[str, set[int]] = {}
        for entry in entries:
            meta = entry.meta
            if meta:
                read.setdefault(meta.get("filename", ""), set()).add(meta.get("lineno", 0))
        for filename in dict.fromkeys([*sources, *read]):
            if not filename or filename.startswith("<"):
                continue
            try:
                with open(filename, encoding="utf-8", errors="replace") as file:
                    lines = file.read().splitlines()
            except OSError:
                continue
            known = read.get(filename, set())
            for number, line in enumerate(lines, 1):
                if number not in known and _HEADER.match(line):
                    self._note_block(filename, number, lines)

    def _note_block(self, filename: str, number: int, lines: list[str]) -> None:
        """Note one unread entry: its dated line ``number`` and the indented lines under it."""
        header = lines[number - 1]
        block = []
        for line in lines[number:]:
            if not line.strip() or line[:1] not in " \t":
                break
            block.append(line)
        found = _block_names(header, block)
        if found is None:
            if _FLAGGED.match(header):
                self._unnamed.append(Refused(filename, number, _date(header), "transaction"))
            return
        kind, names = found
        refused = Refused(filename, number, _date(header), kind)
        agreement = _AGREEMENT.search(header) if kind == "agreement" else None
        if agreement is not None:
            self._agreements.setdefault(agreement.group(1).strip(), refused)
            for line in block:
                receivables = _RECEIVABLES.match(line)
                if receivables is not None:
                    self._receivables.append(receivables.group(1))
        for name in names:
            self.by_name.setdefault(name, []).append(refused)


def _block_names(header: str, block: list[str]) -> tuple[str, list[str]] | None:
    """The kind and the names of an entry as written, or None if it names nothing."""
    agreement = _AGREEMENT.search(header)
    if agreement is not None:
        return "agreement", [AGREEMENT + agreement.group(1).strip().lower()]
    names = _LINK.findall(header)
    values: dict[str, str] = {}
    for line in block:
        stripped = line.strip()
        if stripped[:1].isupper():
            break  # a posting: what follows is its own metadata
        key = _KEY.match(line)
        if key is not None:
            values.setdefault(key.group(1), key.group(2).strip('"'))
    if "schedule" in values:
        names.extend(schedule_link(each) for each in _SEPARATORS.split(values["schedule"]) if each)
    if "factoring" in values:
        return kind_meant(values["factoring"]), names
    if "invoice" in values:
        return "invoice", [values["invoice"], *names]
    return ("deposit", names) if names else None


def _date(header: str) -> datetime.date | None:
    match = _HEADER.match(header)
    if match is None:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
