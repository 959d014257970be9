"""OFX and QFX statements: SGML OFX 1.x (unclosed tags) and XML OFX 2.x.

An OFX file is a tree of aggregates that hold elements. In OFX 1.x an element's closing
tag is left out, and the file starts with `KEY:VALUE` header lines:

    OFXHEADER:100
    DATA:OFXSGML
    CHARSET:1252
    <OFX> ... <STMTRS> <CURDEF>USD
    <BANKACCTFROM> <BANKID>074000010 <ACCTID>4417902216 </BANKACCTFROM>
    <BANKTRANLIST>
    <STMTTRN> <TRNTYPE>CREDIT <DTPOSTED>20250219120000.000[-5:EST] <TRNAMT>3291.87
      <FITID>2025021900030 <NAME>LAKESHORE FUNDING LLC <MEMO>ACH CREDIT </STMTTRN>
    </BANKTRANLIST>
    <LEDGERBAL> <BALAMT>23105.42 <DTASOF>20250228170000 </LEDGERBAL> </STMTRS> ... </OFX>

OFX 2.x is the same tree as XML (`<TRNAMT>3291.87</TRNAMT>`, an `<?xml?>` declaration).
The small parser below reads both without a dependency: a tag followed by text is an
element; any other opening tag starts an aggregate, and a closing tag closes the nearest
open aggregate of its name (an empty element left open in SGML is closed with it). A file
that ends with an aggregate still open is truncated. The pass is linear however deep the
tags nest: a closing tag searches the open aggregates only when one of its name is open,
and what the search passes is closed. Aggregates nest at most `MAX_DEPTH` deep (a bank's
statement nests about eight); deeper is not a statement, and is refused (FCT204) before
the tree grows. An element is given once in its aggregate: a
second `<TRNAMT>` in a transaction is an error (FCT210), not the amount booked.

The file is read as a stream, in blocks of `BLOCK` bytes: each transaction becomes its
entry when its `</STMTTRN>` is read, and is then forgotten, so what is held is the entries
and one block, whatever the number of transactions. (A statement whose CURDEF or account
comes after its transactions, which OFX does not allow, keeps them until it ends.) The
first problem in reading order is reported.

Each STMTTRN becomes a bank line (see `banklines`) whose `import-id` comes from its FITID,
the bank's own id of the transaction; LEDGERBAL becomes a `balance` assertion dated the day
after DTASOF, since Beancount checks a balance at the start of its day. Bank (STMTRS) and
card (CCSTMTRS) statements are read alike. A file may hold the statements of several
accounts (a checking and a savings account): an importer given `account_id` takes only
its own account's, compared without spaces (`<ACCTID>12300 000012345678`), and claims
no file without one (an investment statement, a sign-on reply); see `ofx_accounts` for
several accounts' importers run on one download from beangulp's command line. A
statement with transactions of an account no importer takes is an error (FCT209,
`unclaimed`), unless an importer names it in `ignore_accounts`: its lines are not left
out without a word. `identify` says so too (`diagnose`, which reads the whole file).
An investment statement (INVSTMTRS) is not read, its cash lines (INVBANKTRAN) neither:
one with transactions is FCT209 as well (`investment`), unless `ignore_accounts` names
it. A statement that writes no signs, each line's direction said by its TRNTYPE alone,
is read by its types (`ofx_signs`).
"""

from __future__ import annotations

import codecs
import datetime
import functools
import html
import os
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, BinaryIO, Protocol

from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers import settings
from beancount_factoring.importers.banklines import (
    FactorPayees,
    FactorSource,
    Matcher,
    balance_entry,
    bank_transaction,
    line_text,
)
from beancount_factoring.importers.base import (
    ID_KEY,
    Importer,
    ImportFailure,
    Numbers,
    RowIds,
    ambiguous,
    no_gc_pauses,
    row_id,
    within_dates,
)
from beancount_factoring.importers.held import mark_misdirected
from beancount_factoring.importers.inert import inert_entries
from beancount_factoring.importers.ofx_signs import Directions
from beancount_factoring.terms.fees import not_whole, whole_units

_TAG = re.compile(r"<(/?)([A-Za-z][\w.]*)\s*(/?)>([^<]*)")
# A transaction of plain elements (`<TAG>value`: no closing tags, entities or aggregates
# inside, as SGML files write them) is read in one step rather than tag by tag.
_FLAT = re.compile(r"<STMTTRN>(\s*)((?:<[A-Z][A-Z0-9.]*>\s*[^<&\s][^<&]*)+)</STMTTRN>")
_ELEMENT = re.compile(r"<([A-Z][A-Z0-9.]*)>([^<]*)")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMBERS = Numbers(".", ",").read
_OFX_START = re.compile(r"<OFX>", re.IGNORECASE)
# The tags identify() reads: a statement, its account and the account's number.
_IDENTIFY = re.compile(
    r"<(/?)(STMTRS|CCSTMTRS|BANKACCTFROM|CCACCTFROM|ACCTID)>([^<]*)", re.IGNORECASE
)
_CHARSETS = {"1252": "cp1252", "ISO-8859-1": "latin-1", "8859-1": "latin-1", "NONE": "cp1252"}
_EXTENSIONS = (".ofx", ".qfx", ".qbo")
_STATEMENTS = ("STMTRS", "CCSTMTRS")
# An investment statement: none of its lines is read, and one with lines is an error
# (`investment`) unless its account is named in `ignore_accounts`.
_INVESTMENT = "INVSTMTRS"
# Aggregates that hold what is read: one left open (no end tag) and closed by the end of
# the aggregate around it is damage, not an empty element (`_close_aggregate`).
_INVESTMENT_TAGS = re.compile(r"<(INVSTMTRS|ACCTID)>([^<]*)", re.IGNORECASE)
_NEVER_EMPTY = frozenset(
    ("STMTTRN", "LEDGERBAL", "CURRENCY", "ORIGCURRENCY", "BANKACCTFROM", "CCACCTFROM")
)
_ACCOUNTS = ("BANKACCTFROM", "CCACCTFROM")
ONE_DAY = datetime.timedelta(days=1)
# Bytes read and decoded at a time; the start of a file that declares its encoding.
BLOCK = 1 << 20
# How deep aggregates may nest (module docstring).
MAX_DEPTH = 1_000
HEAD = 4096


class Aggregate:
    """An OFX aggregate: its elements by tag (value, line) and its child aggregates.

    An element is given once: a second one (two `<TRNAMT>` in a transaction) does not
    replace the first; `twice` keeps the first such repeat (tag, value, line), which is
    an error in what the importer reads (`repeated`).
    """

    __slots__ = ("children", "fields", "line", "tag", "twice")

    def __init__(self, tag: str, line: int) -> None:
        self.tag = tag
        self.line = line
        self.fields: dict[str, tuple[str, int]] = {}
        self.children: list[Aggregate] = []
        self.twice: tuple[str, str, int] | None = None

    def add(self, tag: str, value: str, line: int) -> None:
        """An element of this aggregate; a repeated one is kept aside in `twice`."""
        if tag in self.fields:
            if self.twice is None:
                self.twice = (tag, value, line)
        else:
            self.fields[tag] = (value, line)

    def child(self, *tags: str) -> Aggregate | None:
        return next((c for c in self.children if c.tag in tags), None)

    def value(self, tag: str) -> str | None:
        found = self.fields.get(tag)
        return found[0] if found else None

    def walk(self, *tags: str) -> Iterator[Aggregate]:
        """The descendants with one of these tags, in file order."""
        for child in self.children:
            if child.tag in tags:
                yield child
            else:
                yield from child.walk(*tags)


def _encoding(path: str, raw: bytes, configured: str | None) -> str:
    """The encoding the file declares (OFX 1 header or XML declaration) in its start."""
    head = raw[:HEAD].decode("latin-1")
    if configured:
        return configured
    declared = re.search(r'<\?xml[^>]*encoding\s*=\s*["\']([^"\']+)', head)
    if declared or head.lstrip("\ufeff\xef\xbb\xbf \r\n\t").startswith("<?xml"):
        name, key = (declared.group(1) if declared else "utf-8"), "encoding"
    else:
        kind = re.search(r"^ENCODING:\s*(\S+)", head, re.MULTILINE)
        charset = re.search(r"^CHARSET:\s*(\S+)", head, re.MULTILINE)
        encoding = kind.group(1).upper() if kind else "USASCII"
        if encoding in ("UTF-8", "UNICODE"):
            name, key = "utf-8", "ENCODING"
        elif encoding == "USASCII":
            value = charset.group(1).upper() if charset else "NONE"
            name, key = _CHARSETS.get(value, value), "CHARSET"
        else:
            name, key = encoding, "ENCODING"
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the name (found by fuzzing)
        line = head[: max(head.find(key), 0)].count("\n") + 1
        message = f"unknown encoding {name!r}: give the importer encoding='...'"
        raise ImportFailure(path, line, message, key, code="FCT201") from None
    return name


class Statement(Aggregate):
    """A statement (STMTRS, CCSTMTRS) whose transactions are handed on as they are read
    (or an investment statement, INVSTMTRS, whose are not: see `investment`).

    `pending` holds the transactions read before the statement said its account and
    currency; `decided` is set once they are known, with `ours`, `acctid` (as written),
    `key` (the account number without spaces, which the ids are made from), `currency`
    and the CURDEF element they were read from. `skipped` counts the transactions of a
    statement that is not the importer's; `directions` what its lines show of how it
    writes their direction (`ofx_signs`).
    """

    __slots__ = (
        "acctid",
        "curdef",
        "currency",
        "decided",
        "directions",
        "key",
        "ours",
        "pending",
        "skipped",
    )

    def __init__(self, tag: str, line: int) -> None:
        super().__init__(tag, line)
        self.pending: list[Aggregate] = []
        self.decided = False
        self.ours = False
        self.acctid = ""
        self.key = ""
        self.currency = ""
        self.curdef: tuple[str, int] | None = None
        self.skipped = 0
        self.directions = Directions()


class Reader(Protocol):
    """What the parser hands the statements and their transactions to."""

    def transaction(self, node: Aggregate, statement: Statement) -> None: ...

    def close(self, statement: Statement) -> None: ...


def _open(path: str) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror}"
        raise ImportFailure(path, None, message, code="FCT200") from exc


def _read(path: str, handle: BinaryIO, size: int) -> bytes:
    try:
        return handle.read(size)
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror}"
        raise ImportFailure(path, None, message, code="FCT200") from exc


def _blocks(path: str, encoding: str | None) -> Iterator[str]:
    """The file's text, block by block, in the encoding it declares (or `encoding`).

    ImportFailure for a file that is empty (nothing but spaces and line breaks), that
    declares an encoding Python does not know, or that holds a byte not in its encoding,
    naming that byte's line and position. The text before such a byte is given first,
    so that what is wrong before it is reported first, whatever the size of the blocks.
    """
    with _open(path) as handle:
        head = _read(path, handle, HEAD)
        probe = head
        while not probe.strip():
            if not probe:
                raise ImportFailure(path, 1, "the file is empty", code="FCT202")
            probe = _read(path, handle, BLOCK)
        name = _encoding(path, head, encoding)
        handle.seek(0)
        decoders = codecs.getincrementaldecoder(name)
        decoder = decoders("strict")
        # Where the current block starts, for the place of a byte that cannot be read.
        fed, lines, line_start = 0, 0, 0
        while True:
            block = _read(path, handle, BLOCK)
            fed += len(block)
            state = decoder.getstate()
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                failure = _undecodable(path, name, exc, fed, len(block), lines, line_start)
                # The text up to the byte, read on from where the block started.
                before = decoders("replace")
                before.setstate(state)
                kept = len(exc.object) - len(block)
                text = before.decode(block[: max(exc.start - kept, 0)])
                if text:
                    yield text
                raise failure from None
            if text:
                yield text
            if not block:
                return
            newlines = block.count(b"\n")
            if newlines:
                lines += newlines
                line_start = fed - len(block) + block.rfind(b"\n") + 1


def _undecodable(
    path: str,
    name: str,
    exc: UnicodeDecodeError,
    fed: int,
    size: int,
    lines: int,
    line_start: int,
) -> ImportFailure:
    """A byte that cannot be read, placed by its line and its position in the line.

    `exc.object` is the block of `size` bytes, after what the decoder kept of the block
    before (a character cut in two); `fed` is how many bytes were read with the block,
    `lines` the line breaks before it and `line_start` where the last of them ends.
    """
    window = bytes(exc.object)
    start = fed - len(window)  # where the window starts in the file
    kept = window[: len(window) - size]
    line = lines - kept.count(b"\n") + window.count(b"\n", 0, exc.start) + 1
    newline = window.rfind(b"\n", 0, exc.start)
    column = exc.start - newline if newline >= 0 else start + exc.start - line_start + 1
    bad = window[exc.start : exc.start + 1]
    message = f"byte {bad!r} cannot be read as {name}: give the importer encoding='...'"
    return ImportFailure(path, line, message, column, code="FCT201")


def parse(path: str, encoding: str | None = None, reader: Reader | None = None) -> Aggregate:
    """The OFX tree of a file; ImportFailure naming the line of anything malformed.

    With a `reader`, each statement is a `Statement`; a transaction that ends in the
    transaction list of a statement is handed to `reader.transaction()` and left out
    of the tree, and `reader.close()` is given the statement when it ends.
    """
    blocks = _blocks(path, encoding)
    text, line, position = _ofx_start(path, blocks)
    root = Aggregate("", 0)
    stack = [root]
    open_tags: dict[str, int] = {}  # how many aggregates of each tag the stack holds
    scan = position
    # Line breaks in the text, and its last character, for the line a truncation is at.
    breaks, last = line - 1 + text.count("\n", position), text[-1:]
    count, search, done = str.count, _TAG.search, False
    while True:
        while (match := search(text, scan)) is not None:
            at, end = match.span()
            if end == len(text) and not done:
                break  # the element's text may go on in the next block
            scan = end
            # Lines are counted as the scan moves on, so the whole pass stays linear.
            line += count(text, "\n", position, at)
            position = at
            closing, tag, empty, rest = match.groups()
            if not tag.isupper():
                tag = tag.upper()
            top = stack[-1]
            if not (closing or empty) and (value := rest.strip()):  # most tags: an element
                top.add(tag, html.unescape(value) if "&" in value else value, line)
            elif closing:
                # The stack is searched only for a tag that is open in it, and what the
                # search passes is closed: each aggregate is passed once, the pass linear.
                if open_tags.get(tag):
                    _close_aggregate(path, line, tag, stack, open_tags, reader)
                elif tag not in top.fields:  # `</NAME>` after `<NAME>x` closes an element
                    message = f"</{tag}> closes nothing that is open"
                    raise ImportFailure(path, line, message, tag, code="FCT204")
            elif empty:
                top.add(tag, "", line)
            else:
                flat_end = _open_aggregate(path, tag, line, text, at, stack, open_tags, reader)
                if flat_end is not None:
                    scan = flat_end
        if done:
            break
        more = next(blocks, None)
        if more is None:
            done = True
            continue
        breaks += more.count("\n")
        last = more[-1]  # (no block is empty)
        line += count(text, "\n", position, scan)
        text = text[scan:] + more
        position = scan = 0
    if len(stack) > 1:
        raise _truncated(path, stack, breaks + (0 if last == "\n" else 1))
    return root


def _ofx_start(path: str, blocks: Iterator[str]) -> tuple[str, int, int]:
    """The text read up to and past `<OFX>`, the line `<OFX>` is on and where it starts.

    What comes before `<OFX>` (the header) is not read as tags.
    """
    text, line = "", 1
    for block in blocks:
        text += block
        start = _OFX_START.search(text)
        if start is not None:
            break
        keep = max(len(text) - 4, 0)  # "<OFX" may be cut by the end of the block
        line += text.count("\n", 0, keep)
        text = text[keep:]
    else:
        message = "no <OFX> element: this is not an OFX file"
        raise ImportFailure(path, 1, message, code="FCT203")
    return text, line + text.count("\n", 0, start.start()), start.start()


def _close_aggregate(
    path: str,
    line: int,
    tag: str,
    stack: list[Aggregate],
    open_tags: dict[str, int],
    reader: Reader | None,
) -> None:
    """Close the innermost open aggregate of `tag` (its end tag is on `line`), and the
    empty elements left open in it; FCT204 for an aggregate of `_NEVER_EMPTY` left open
    in it, whose content would go to the aggregate around it (a transaction merged into
    its list, a foreign currency's CURSYM into its transaction)."""
    depth = next(i for i in range(len(stack) - 1, 0, -1) if stack[i].tag == tag)
    while len(stack) > depth + 1:
        node = stack[-1]
        if node.tag in _NEVER_EMPTY and (node.fields or node.children):
            message = (
                f"<{node.tag}> is never closed: </{tag}> on line {line} ends the <{tag}> "
                f"around it first, and what it holds cannot be told from what follows it; "
                "the file is damaged, download it again"
            )
            raise ImportFailure(path, node.line, message, node.tag, code="FCT204")
        _close_empty(stack, open_tags, reader)
    node = stack.pop()
    open_tags[tag] -= 1
    if reader is not None:
        _closed(node, stack, reader)


def _open_aggregate(
    path: str,
    tag: str,
    line: int,
    text: str,
    at: int,
    stack: list[Aggregate],
    open_tags: dict[str, int],
    reader: Reader | None,
) -> int | None:
    """Open the aggregate whose tag is at `at`; a flat transaction is read whole, to its end.

    Returns where the scan goes on after a transaction read whole, else None (the
    aggregate is open on the stack).
    """
    reading = reader is not None and (tag in _STATEMENTS or tag == _INVESTMENT)
    node = Statement(tag, line) if reading else Aggregate(tag, line)
    stack[-1].children.append(node)
    flat = _FLAT.match(text, at) if tag == "STMTTRN" else None
    if flat is None:
        if len(stack) > MAX_DEPTH:
            raise _too_deep(path, line, tag)
        stack.append(node)
        open_tags[tag] = open_tags.get(tag, 0) + 1
        return None
    # Its elements at once, each on its line; the scan goes on after its end.
    here = line + flat[1].count("\n")
    add = node.add
    for name, raw in _ELEMENT.findall(flat[2]):
        add(name, raw.strip(), here)
        here += raw.count("\n")
    if reader is not None:
        _closed(node, stack, reader)
    return flat.end()


def _truncated(path: str, stack: list[Aggregate], ending: int) -> ImportFailure:
    """A file that ends, on line `ending`, with aggregates still open."""
    opened = next((n for n in reversed(stack) if n.fields or n.children), stack[-1])
    return ImportFailure(
        path,
        ending,
        f"the file ends inside <{opened.tag}> (opened on line {opened.line}): "
        "it looks truncated; download it again",
        opened.tag,
        code="FCT204",
    )


def _too_deep(path: str, line: int, tag: str) -> ImportFailure:
    message = (
        f"<{tag}> opens an aggregate {MAX_DEPTH + 1:,} deep, deeper than the {MAX_DEPTH:,} "
        "read (a statement nests about eight): this is not a bank's statement; download "
        "it again from the bank"
    )
    return ImportFailure(path, line, message, tag, code="FCT204")


def _closed(node: Aggregate, stack: list[Aggregate], reader: Reader) -> None:
    """Hand a statement that ends, or a transaction of a statement's list, to the reader."""
    if isinstance(node, Statement):
        reader.close(node)
    elif node.tag == "STMTTRN" and len(stack) > 2:
        transactions, statement = stack[-1], stack[-2]
        if (
            transactions.tag == "BANKTRANLIST"
            and isinstance(statement, Statement)
            and statement.tag in _STATEMENTS
            and statement.child("BANKTRANLIST") is transactions
        ):
            # Read now: the tree need not keep it. It is the list's last child, the one
            # that opened last; what is read is never read again from the tree.
            children = transactions.children
            if children and children[-1] is node:
                children.pop()
            else:
                children.remove(node)
            reader.transaction(node, statement)


def _close_empty(
    stack: list[Aggregate], open_tags: dict[str, int], reader: Reader | None = None
) -> None:
    """Close an SGML element left open with no value (`<MEMO>` then a tag): it was empty.

    What it came to hold goes to its parent (all of it after the parent's own, in the
    file). The smaller of the two is moved into the larger, so that a long run of such
    elements, each closed into the one before, stays linear (not each moved again).
    """
    node = stack.pop()
    open_tags[node.tag] -= 1
    parent = stack[-1]
    if parent.children and parent.children[-1] is node:
        parent.children.pop()  # it was taken for an aggregate when it opened
    parent.add(node.tag, "", node.line)
    if parent.twice is None:
        parent.twice = node.twice
    first, later = parent.fields, node.fields
    if len(later) > len(first):  # keep the larger dict; the first value of a tag wins
        first, later = later, first
        for tag, item in later.items():
            if tag in first and parent.twice is None:
                parent.twice = (tag, *first[tag])
            first[tag] = item
        parent.fields = first
    else:
        for tag, (value, line) in later.items():
            parent.add(tag, value, line)
    if len(node.children) > len(parent.children):
        node.children[:0] = parent.children
        parent.children = node.children
    else:
        parent.children.extend(node.children)
    if reader is not None and isinstance(node, Statement):
        reader.close(node)  # a statement never closed still ends here


@functools.lru_cache(maxsize=4096)  # a statement has many lines a day
def _day(digits: str) -> datetime.date | None:
    match = _DATE.match(digits)
    try:
        return None if match is None else datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


def _date(path: str, node: Aggregate, tag: str) -> datetime.date:
    value, line = node.fields[tag]
    day = _day(value[:8])  # the time after the date does not matter
    if day is None:
        message = f"{value!r} is not an OFX date (YYYYMMDD, then an optional time)"
        raise ImportFailure(path, line, message, tag, code="FCT206")
    try:
        return within_dates(day, value)
    except ValueError as exc:
        raise ImportFailure(path, line, str(exc), tag, code="FCT206") from None


def _amount(path: str, node: Aggregate, tag: str, currency: str) -> Decimal:
    """An amount of `currency`; FCT207 for one that cannot be read, or that is in
    fractions of a cent (no bank moves one: booked, it would stay on the account)."""
    number = _number(path, node, tag)
    if not whole_units(number, currency):
        value, line = node.fields[tag]
        message = (
            f"{value!r} is not in whole {not_whole(number, currency)}: no bank moves a "
            "fraction of a cent; the file is damaged, download it again, or book the line "
            "by hand"
        )
        raise ImportFailure(path, line, message, tag, code="FCT207")
    return number


def _number(path: str, node: Aggregate, tag: str) -> Decimal:
    value, line = node.fields[tag]
    # A few banks write a decimal comma ("-12,50"); none write thousands separators.
    text = value.replace(",", ".") if "," in value and "." not in value else value
    if text is not value and ambiguous(text, ".", ""):
        # `-1,500`: a thousands mark, or a decimal comma? Neither is guessed.
        message = (
            f"{value!r} has three digits after its comma: is it thousands or cents? OFX "
            "writes an amount -1234.56 (a few banks -1234,56); download the file again, or "
            "book the line by hand"
        )
        raise ImportFailure(path, line, message, tag, code="FCT207")
    try:
        return _NUMBERS(text)
    except ValueError:
        message = (
            f"{value!r} is not an amount: OFX writes an amount -1234.56 (a few banks "
            "-1234,56), with one sign and no thousands marks; the file is damaged, download "
            "it again"
        )
        raise ImportFailure(path, line, message, tag, code="FCT207") from None


def _repeated(path: str, node: Aggregate | None) -> None:
    """An element given twice in what the importer reads: which one is meant is unknown."""
    if node is None or node.twice is None:
        return
    tag, value, line = node.twice
    first, first_line = node.fields[tag]
    message = (
        f"<{node.tag}> (line {node.line}) has <{tag}> twice: {first!r} on line {first_line} "
        f"and {value!r} here; it has one, and which is meant cannot be told: the file is "
        "damaged, download it again"
    )
    raise ImportFailure(path, line, message, tag, code="FCT210")


def _require(path: str, node: Aggregate, *tags: str) -> None:
    fields = node.fields
    for tag in tags:
        if not fields.get(tag, ("",))[0]:
            message = f"<{node.tag}> has no <{tag}>: the file is incomplete or not a statement"
            raise ImportFailure(path, node.line, message, tag, code="FCT205")


class OfxImporter(Importer):
    """Bank and card statements in OFX 1.x (SGML) or 2.x (XML), as .ofx, .qfx or .qbo.

    Args:
      account: The account the statement is of.
      account_id: The ACCTID to identify (the whole number, or its last digits); without
        it every OFX file is identified, so give it when there are several accounts.
      ignore_accounts: The ACCTIDs (whole, or their last digits) of the other accounts
        whose statements the files hold and that are deliberately not imported; a
        statement with transactions of an account no importer takes is otherwise an
        error (FCT209), not lines left out.
      currency: The currency, if the file's CURDEF is missing or is to be checked.
      encoding: Read the file in this encoding rather than the one it declares.
      factors, fallback, name: As for `bank.BankCsvImporter`.
    """

    def __init__(
        self,
        account: str,
        *,
        account_id: str | None = None,
        ignore_accounts: Sequence[str] = (),
        currency: str | None = None,
        encoding: str | None = None,
        factors: FactorSource = None,
        fallback: str = "Expenses:Uncategorized",
        name: str | None = None,
    ) -> None:
        if encoding is not None:
            codecs.lookup(encoding)  # a misspelt encoding is a mistake in import.py
        self.bank = settings.account(account, "account", settings.NOT_MONEY)
        self.account_id = settings.text(account_id, "account_id", "'4417902216', or '0417'")
        self.ignore_accounts = _account_ids(ignore_accounts)
        self.currency = None if currency is None else settings.currency(currency)
        self.encoding = encoding
        self.payees = FactorPayees(factors)
        self.fallback = settings.account(fallback, "fallback")
        self._name = name or f"{type(self).__module__}.{type(self).__name__}:{account}"

    @property
    def name(self) -> str:
        return self._name

    def _ours(self, acctid: str | None) -> bool:
        """True if a statement of this account number is the importer's (spaces aside)."""
        if self.account_id is None:
            return True
        wanted, found = _digits(self.account_id), _digits(acctid or "")
        return bool(found) and found.endswith(wanted)

    def ignores(self, acctid: str) -> bool:
        """True if a statement of this account number is left out on purpose."""
        found = _digits(acctid)
        return bool(found) and any(found.endswith(_digits(i)) for i in self.ignore_accounts)

    def identify(self, filepath: Any) -> bool:
        """True for an OFX file with a bank or card statement of the importer's account
        (of any account without `account_id`): not for one with only an investment
        statement, or only the bank's sign-on reply."""
        path = os.fspath(filepath)
        found = _first_accounts(path)
        if found is None:
            return False
        accounts, more = found
        if any(self._ours(acctid) for acctid in accounts):
            return True
        # A statement past the first MiB (a download of a year of checking, then the
        # savings): read on, a block at a time, each beginning a little before the last
        # ended so that a statement's opening and its ACCTID fall in one block.
        return more and self._ours_further(path)

    def _ours_further(self, path: str) -> bool:
        """Whether a statement of the importer's account starts past the first MiB."""
        block, overlap = 1 << 20, 1 << 16
        try:
            with open(path, "rb") as handle:
                handle.seek(block - overlap)
                while chunk := handle.read(block).decode("latin-1"):
                    whole = len(chunk) < block
                    if not whole:
                        chunk = chunk[: chunk.rfind("<")]  # the next block reads the rest
                    if any(self._ours(acctid) for acctid in _statement_accounts(chunk, 0)):
                        return True
                    if whole:
                        return False
                    handle.seek(-overlap, os.SEEK_CUR)
        except OSError:
            return False
        return False

    def other_accounts(self, filepath: Any) -> list[str] | None:
        """The ACCTIDs of the statements in the first MiB of an OFX file this importer
        does not claim (none is of its account); None if it claims the file, or the file
        holds no bank or card statement but of the accounts it ignores."""
        found = _first_accounts(os.fspath(filepath))
        accounts = [a for a in found[0] if a and not self.ignores(a)] if found else []
        if self.account_id is None or not accounts or self.identify(filepath):
            return None
        return accounts

    def near_miss(self, filepath: Any) -> tuple[float, str] | None:
        """For an OFX statement of another account: what it holds (`ingest.closest`)."""
        accounts = self.other_accounts(filepath)
        if accounts is not None:
            return 1.0, another_account(accounts, [self.account_id or ""])
        invested = self.investments(filepath)
        return None if not invested else investment_miss(invested)

    def investments(self, filepath: Any) -> list[str]:
        """The ACCTIDs of the investment statements of an OFX file this importer does not
        claim, but those of the accounts it ignores."""
        path = os.fspath(filepath)
        found = [a for a in investment_accounts(path) if not (a and self.ignores(a))]
        return [] if not found or self.identify(path) else found

    def account(self, filepath: Any) -> str:
        return self.bank

    def filename(self, filepath: Any) -> str | None:
        extension = os.path.splitext(os.fspath(filepath))[1].lower() or ".ofx"
        leaf = re.sub(r"[^a-z0-9]+", "-", self.bank.split(":")[-1].lower()).strip("-")
        return f"{leaf or 'bank'}.statement{extension}"

    def date(self, filepath: Any) -> datetime.date | None:
        dates = [
            e.date - ONE_DAY if isinstance(e, data.Balance) else e.date
            for e in self.extract(filepath, [])
        ]
        return max(dates, default=None)

    def extract(self, filepath: Any, existing: Sequence[Any]) -> list[Any]:
        return self.statements(filepath, existing)[0]

    def diagnose(self, filepath: Any, others: Sequence[OfxImporter] = ()) -> str | None:
        """What extract would say of a statement with transactions of an account no
        importer takes (`unclaimed`), for `identify`; None for any other file (a damaged
        one is extract's to report). The whole file is read, its lines not booked."""
        path = os.fspath(filepath)
        try:
            parse(path, self.encoding, _Unclaimed(self, path, others))
        except ImportFailure as failure:
            return str(failure) if failure.column == UNCLAIMED else None
        return None

    def statements(
        self, filepath: Any, existing: Sequence[Any], others: Sequence[OfxImporter] = ()
    ) -> tuple[list[Any], set[str]]:
        """The entries, and the account numbers (without spaces) they were taken from.
        `others` are the importers of the other accounts of the download (`ofx_accounts`):
        a statement one of them takes is theirs, any other with transactions an error."""
        # The ledger, if one is to be loaded, is loaded before the collector is held off.
        matcher = self.payees.matcher(existing)
        held, due = self.payees.held(existing)
        with no_gc_pauses():
            path = os.fspath(filepath)
            reading = _Extraction(self, path, matcher, others)
            parse(path, self.encoding, reading)
            if held is not None:  # customers that paid us for an invoice the factor holds
                mark_misdirected(reading.entries, held, self.fallback, due)
            # The file's text, made inert for Fava's journal (inert.py).
            return inert_entries(reading.entries), set(reading.accounts)

    def _entry(
        self, path: str, trn: Aggregate, statement: Statement, ids: RowIds, matcher: Matcher
    ) -> data.Transaction:
        _repeated(path, trn)
        _require(path, trn, "DTPOSTED", "TRNAMT", "FITID")
        foreign = trn.child("CURRENCY") if trn.children else None
        if foreign is not None and foreign.value("CURSYM") != statement.currency:
            # By the OFX specification this line's amounts are in <CURSYM>, not in the
            # statement's currency: booked as they are, they would be the wrong money.
            message = (
                f"the transaction is in {foreign.value('CURSYM') or 'another currency'} "
                f"(a <CURRENCY> aggregate), not in the statement's {statement.currency}: "
                "book it by hand at the bank's rate, and delete its <STMTTRN> from the file "
                "to import the rest"
            )
            raise ImportFailure(path, foreign.line, message, "CURRENCY", code="FCT209")
        symbol = trn.fields.get("CURSYM")
        if symbol is not None and symbol[0].upper() != statement.currency:
            message = (
                f"the transaction gives <CURSYM>{symbol[0]} (outside a <CURRENCY> aggregate), "
                f"not the statement's {statement.currency}: its amount may be in "
                f"{symbol[0]}; book it by hand, and delete its <STMTTRN> from the file to "
                "import the rest"
            )
            raise ImportFailure(path, symbol[1], message, "CURSYM", code="FCT209")
        date = _date(path, trn, "DTPOSTED")
        number = _amount(path, trn, "TRNAMT", statement.currency)
        payee = trn.value("NAME")
        if not payee:  # (most lines have no aggregate inside: no need to look)
            payee_node = trn.child("PAYEE") if trn.children else None
            payee = payee_node.value("NAME") if payee_node else None
        narration = trn.value("MEMO") or ""
        if not narration:  # a line with a name only: the name is what it says
            payee, narration = None, payee or trn.value("TRNTYPE") or ""
        meta = data.new_metadata(path, trn.line, {ID_KEY: ids(statement.key, trn.value("FITID"))})
        said = line_text(payee, narration)
        clearing = matcher.clearing(said, date, self.bank, statement.currency)
        return bank_transaction(
            meta,
            date,
            payee,
            narration,
            self.bank,
            Amount(number, statement.currency),
            clearing,
            self.fallback,
        )

    def _currency(self, path: str, statement: Aggregate) -> str:
        """The statement's currency, checked against the importer's."""
        declared = statement.value("CURDEF")
        if declared and self.currency and declared.upper() != self.currency:
            line = statement.fields["CURDEF"][1]
            message = f"the statement is in {declared}, the importer expects {self.currency}"
            raise ImportFailure(path, line, message, "CURDEF", code="FCT209")
        currency = (declared or self.currency or "").upper()
        if declared and not re.fullmatch(r"[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]", currency):
            # An invalid value is not a missing one: say what the file has.
            line = statement.fields["CURDEF"][1]
            shown = declared if len(declared) <= 40 else declared[:37] + "..."
            message = (
                f"<CURDEF> {shown!r} is not a currency (three letters, like USD): the file is "
                "damaged, download it again"
            )
            raise ImportFailure(path, line, message, "CURDEF", code="FCT208")
        if not re.fullmatch(r"[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]", currency):
            message = "no currency: the statement has no <CURDEF>; give the importer currency="
            raise ImportFailure(path, statement.line, message, "CURDEF", code="FCT209")
        return currency


class _Extraction:
    """The entries of one file, made as `parse` hands on its statements' transactions.

    A transaction belongs to the statement in whose transaction list it ends (in a
    damaged file, the innermost). A statement is decided (whose account it is, which
    currency) at its first transaction, or when it ends if it had not said both by then;
    the transactions read before it is decided wait in `Statement.pending`. A CURDEF
    read after its transactions must not change its currency, and a statement with
    nothing in it to read is left alone.
    """

    def __init__(
        self,
        importer: OfxImporter,
        path: str,
        matcher: Matcher,
        others: Sequence[OfxImporter] = (),
    ) -> None:
        self.importer = importer
        self.path = path
        self.matcher = matcher
        self.others = others
        self.ids = RowIds("ofx")
        self.entries: list[Any] = []
        # The account of each statement of ours (its number without spaces: as written).
        self.accounts: dict[str, str] = {}
        # The ids of the lines of the statements before this one, each with its line
        # (`_twice`); how many entries they have been taken from.
        self.earlier: dict[str, int] = {}
        self.counted = 0

    def transaction(self, node: Aggregate, statement: Statement) -> None:
        if not statement.decided:
            if "CURDEF" not in statement.fields or statement.child(*_ACCOUNTS) is None:
                statement.pending.append(node)
                return
            self._decide(statement)
        if statement.ours:
            self._add(node, statement)
        else:
            statement.skipped += 1

    def close(self, statement: Statement) -> None:
        if statement.tag == _INVESTMENT:
            investment(self.importer, self.others, self.path, statement)
            return
        if not statement.decided:
            if not (statement.pending or _leftovers(statement) or statement.child("LEDGERBAL")):
                return  # nothing in it to read (a stray tag, say)
            self._decide(statement)
        elif statement.ours and statement.fields.get("CURDEF") != statement.curdef:
            currency = self.importer._currency(self.path, statement)
            if currency != statement.currency:
                line = statement.fields["CURDEF"][1]
                message = (
                    f"the statement's currency is {statement.currency} for the transactions "
                    f"before this line and {currency} after: a statement has one <CURDEF>"
                )
                raise ImportFailure(self.path, line, message, "CURDEF", code="FCT210")
        if not statement.ours:
            unclaimed(self.importer, self.others, self.path, statement)
            return
        _repeated(self.path, statement)  # a second CURDEF after the transactions, say
        _repeated(self.path, statement.child(*_ACCOUNTS))
        pending, statement.pending = statement.pending, []
        for node in pending:
            self._add(node, statement)
        for node in _leftovers(statement):
            self._add(node, statement)
        stray = statement.child("STMTTRN")
        if stray is not None:
            message = (
                "a <STMTTRN> outside the statement's <BANKTRANLIST>: is it a transaction of "
                "the statement, or left over? The file is damaged, download it again"
            )
            raise ImportFailure(self.path, stray.line, message, "STMTTRN", code="FCT204")
        self._directions(statement)
        self._balance(statement)

    def _directions(self, statement: Statement) -> None:
        """A statement that writes no signs: its lines go the way their types say
        (`ofx_signs`); FCT211 at a line whose type says no direction."""
        directions = statement.directions
        if not directions.unsigned():
            return
        problem = directions.given_back_problem() or directions.undirected_problem()
        if problem is not None:
            line, message = problem
            raise ImportFailure(self.path, line, message, "TRNTYPE", code="FCT211")
        directions.turn_out(self.entries)

    def _balance(self, statement: Statement) -> None:
        """The statement's LEDGERBAL as a `balance` assertion; FCT210 for two of them."""
        path = self.path
        balances = [node for node in statement.children if node.tag == "LEDGERBAL"]
        if len(balances) > 1:
            first, second = balances[:2]
            message = (
                f"the statement has two <LEDGERBAL>, on line {first.line} and here: it has "
                "one, and which balance is meant cannot be told; the file is damaged, "
                "download it again"
            )
            raise ImportFailure(path, second.line, message, "LEDGERBAL", code="FCT210")
        if balances:
            ledger = balances[0]
            _repeated(path, ledger)
            _require(path, ledger, "BALAMT", "DTASOF")
            date = _date(path, ledger, "DTASOF")
            balance = _amount(path, ledger, "BALAMT", statement.currency)
            units = Amount(balance, statement.currency)
            ident = self.ids(statement.key, "balance", date, units.number)
            bank = self.importer.bank
            self.entries.append(
                balance_entry(path, ledger.line, ident, date + ONE_DAY, bank, units)
            )

    def _one_account(self, statement: Statement) -> None:
        """The statements taken from one file are of one account (spaces aside)."""
        accounts = self.accounts
        accounts.setdefault(statement.key, statement.acctid)
        if len(accounts) < 2:
            return
        shown = ", ".join(sorted(accounts.values()))
        wanted = self.importer.account_id
        if wanted is None:
            message = (
                f"the file holds statements of several accounts ({shown}): give each "
                "importer its account_id"
            )
        else:
            message = (
                f"account_id {wanted!r} fits the statements of several accounts ({shown}): "
                "give the importer more of the account number"
            )
        raise ImportFailure(self.path, statement.line, message, "ACCTID", code="FCT209")

    def _add(self, node: Aggregate, statement: Statement) -> None:
        importer = self.importer
        entry = importer._entry(self.path, node, statement, self.ids, self.matcher)
        if self.earlier:  # a later statement of the account
            self._twice(node.fields["FITID"], statement)
        directions = statement.directions
        if not directions.signed:  # (a statement that writes signs is read by them)
            directions.note(len(self.entries), entry, node.fields, node.line)
        self.entries.append(entry)

    def _twice(self, element: tuple[str, int], statement: Statement) -> None:
        """FCT210 for a transaction (by its FITID, `element`) of a statement of the
        account read before: the download holds the period twice, and its lines would be
        booked twice. (In one statement, a FITID twice is two lines: see `RowIds`.)"""
        fitid, line = element
        first = self.earlier.get(row_id(self.ids.prefix, statement.key, fitid))
        if first is None:
            return
        message = (
            f"the transaction {fitid!r} of account {statement.acctid!r} is in a statement "
            f"before this one too (line {first}): the download holds the account's lines "
            "twice, and they would be booked twice; download the period once, or delete "
            "one of the statements from the file"
        )
        raise ImportFailure(self.path, line, message, "FITID", code="FCT210")

    def _before(self) -> None:
        """Keep the ids of the lines read so far, a statement of the account beginning."""
        for entry in self.entries[self.counted :]:
            if isinstance(entry, data.Transaction):
                self.earlier.setdefault(entry.meta[ID_KEY], entry.meta["lineno"])
        self.counted = len(self.entries)

    def _decide(self, statement: Statement) -> None:
        importer = self.importer
        account = statement.child(*_ACCOUNTS)
        acctid = account.value("ACCTID") if account else None
        statement.decided = True
        statement.ours = importer._ours(acctid)
        if not statement.ours:
            statement.skipped += len(statement.pending)
            statement.pending = []
            return
        _repeated(self.path, account)
        _repeated(self.path, statement)
        statement.acctid = acctid or ""
        statement.key = _digits(statement.acctid)
        self._one_account(statement)
        self._before()
        statement.currency = importer._currency(self.path, statement)
        statement.curdef = statement.fields.get("CURDEF")


def _digits(acctid: str) -> str:
    """An account number as compared: `12300 000012345678` is `12300000012345678`."""
    return "".join(acctid.split())


def _first_mib(path: str) -> tuple[str, int, bool] | None:
    """(the first MiB of an OFX file, cut before its last tag, where its `<OFX>` ends,
    whether the file goes on past it); None for a file that is no OFX file."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 20).decode("latin-1")
    except OSError:
        return None
    if not path.lower().endswith(_EXTENSIONS) and "OFXHEADER" not in head[:1024]:
        return None
    start = _OFX_START.search(head)
    if not start:
        return None
    more = len(head) == 1 << 20
    if more:
        head = head[: head.rfind("<")]  # (an ACCTID cut at the block's end is read on)
    return head, start.end(), more


def _first_accounts(path: str) -> tuple[list[str], bool] | None:
    """(the ACCTID of each bank or card statement in the first MiB of an OFX file,
    whether the file goes on past it); None for a file that is no OFX file."""
    found = _first_mib(path)
    if found is None:
        return None
    head, start, more = found
    return list(_statement_accounts(head, start)), more


def investment_accounts(path: str) -> list[str]:
    """The ACCTID of each investment statement in the first MiB of an OFX file ("" for
    one without), in one pass over its tags."""
    found = _first_mib(path)
    if found is None:
        return []
    head, start, _ = found
    accounts: list[str] = []
    statement = False
    for tag, value in _INVESTMENT_TAGS.findall(head, start):
        if tag.upper() == _INVESTMENT:
            if statement:  # the one before had no account
                accounts.append("")
            statement = True
        elif statement:
            accounts.append(html.unescape(value.strip()))
            statement = False
    if statement:
        accounts.append("")
    return accounts


def investment_miss(accounts: Sequence[str]) -> tuple[float, str]:
    """What an OFX download of investment statements only holds, for `near_miss`."""
    shown = ", ".join(repr(acctid) for acctid in accounts)
    return 1.0, (
        f"the file holds the investment statement (<INVSTMTRS>) of account {shown}, which "
        "the OFX importer does not read: it reads bank and card statements (<STMTRS>, "
        "<CCSTMTRS>). Book its lines with an investment importer or by hand"
    )


def another_account(accounts: Sequence[str], account_ids: Sequence[str]) -> str:
    """What an OFX download of no configured account holds, and how to read it."""
    shown = ", ".join(repr(acctid) for acctid in accounts)
    wanted = " or ".join(repr(acctid) for acctid in account_ids)
    last = re.search(r"[0-9]+$", accounts[0])
    masked = f" ({last.group()!r} here)" if last and len(last.group()) < len(accounts[0]) else ""
    return (
        f"the file holds the statement of the account {shown}, and the importer reads "
        f"account_id {wanted}: a statement of another account? If it is yours, give the "
        f"account_id as the file writes it, or its last digits{masked} for a number the "
        "bank masks"
    )


def _statement_accounts(text: str, start: int) -> Iterator[str]:
    """The ACCTID of each bank or card statement in `text` ("" for one without), in one
    pass over its tags: the ids of other aggregates (an investment account) are not."""
    statement = account = False
    for closing, tag, value in _IDENTIFY.findall(text, start):
        tag = tag.upper()
        if tag in _STATEMENTS:
            if statement:  # the one before had no account
                yield ""
            statement, account = not closing, False
        elif tag in _ACCOUNTS:
            account = statement and not closing
        elif account and not closing:  # its ACCTID: the statement's account is known
            yield html.unescape(value.strip())
            statement = account = False
    if statement:
        yield ""


def _leftovers(statement: Statement) -> list[Aggregate]:
    """Transactions the statement's list came to hold when an element left open in it
    closed (they were not read as they closed, being inside that element then)."""
    transactions = statement.child("BANKTRANLIST")
    return [n for n in transactions.children if n.tag == "STMTTRN"] if transactions else []


# The column of the error of a statement no importer takes (`unclaimed`).
UNCLAIMED = "ACCTID"


def _account_ids(value: object) -> tuple[str, ...]:
    """`ignore_accounts`: account numbers as text, in a list (a lone string is refused:
    its characters would each be a number's last digit)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(
            f"ignore_accounts: give a list of account numbers as the files show them "
            f"(['12300000087654321'], or their last digits ['4321']), not {value!r}"
        )
    return tuple(
        settings.text(item, "ignore_accounts", "['12300000087654321'], or ['4321']") or ""
        for item in value
    )


def unclaimed(
    importer: OfxImporter, others: Sequence[OfxImporter], path: str, statement: Statement
) -> None:
    """FCT209 for a statement with transactions that neither the importer nor any of
    `others` takes, nor any of them ignores: its lines would be left out in silence.
    A statement with a balance only books nothing, and is let be."""
    count = statement.skipped + len(_leftovers(statement))
    if not count:
        return
    account = statement.child(*_ACCOUNTS)
    acctid = (account.value("ACCTID") if account else None) or ""
    group = (importer, *others)
    if any(other._ours(acctid) or other.ignores(acctid) for other in others):
        return
    if any(one.ignores(acctid) for one in group):
        return
    lines = f"{count} transaction{'s' if count != 1 else ''}"
    if not acctid:
        message = (
            f"the statement holds {lines} and no <ACCTID>: no importer can take them; "
            "download the file again"
        )
        raise ImportFailure(path, statement.line, message, UNCLAIMED, code="FCT209")
    suggested = _suggested(acctid)
    together = (
        ""
        if others
        else (
            " (in Fava's CONFIG, wrap the OFX importers in ofx_accounts.together([...]), as "
            "ingest() does)"
        )
    )
    message = (
        f"the statement of account {acctid!r} holds {lines} that no importer takes: add "
        f'OfxImporter("Assets:...", account_id="{suggested}") for it{together}, or give '
        f'{importer.name} ignore_accounts=["{suggested}"] to leave it out on purpose'
    )
    raise ImportFailure(path, statement.line, message, UNCLAIMED, code="FCT209")


def _suggested(acctid: str) -> str:
    """The account number to give an importer: whole if it is digits, else its last
    digits (a number the bank masks, `XXXXXXXX4321`)."""
    whole = _digits(acctid)
    last = re.search(r"[0-9]+$", whole)
    return whole if whole.isdigit() or not last else last.group()


def investment(
    importer: OfxImporter, others: Sequence[OfxImporter], path: str, statement: Aggregate
) -> None:
    """FCT209 for an investment statement with transactions, unless an importer names
    its account in `ignore_accounts`: none is read (an investment account's cash moves
    with its trades and its income, not only with its cash lines, <INVBANKTRAN>), and
    its lines would be left out without a word."""
    listed = statement.child("INVTRANLIST")
    transactions = listed.children if listed is not None else []
    count = len(transactions)
    if not count:
        return
    account = statement.child("INVACCTFROM")
    acctid = (account.value("ACCTID") if account else None) or ""
    if acctid and any(one.ignores(acctid) for one in (importer, *others)):
        return
    cash = len([node for node in transactions if node.tag == "INVBANKTRAN"])
    lines = f"{count} transaction{'s' if count != 1 else ''}"
    if cash:
        lines += f" ({cash} of them cash lines, <INVBANKTRAN>)"
    said = (
        f"the investment statement (<INVSTMTRS>) of account {acctid or '(none)'!r} holds "
        f"{lines}, which the OFX importer does not read (it reads bank and card statements; "
        "an investment account's cash moves with its trades and income too)"
    )
    if acctid:
        fix = (
            "book them with an investment importer or by hand, and give "
            f'{importer.name} ignore_accounts=["{_suggested(acctid)}"] to leave the '
            "statement out on purpose"
        )
    else:
        fix = "book them by hand, and download the bank statement on its own"
    raise ImportFailure(path, statement.line, f"{said}: {fix}", UNCLAIMED, code="FCT209")


class _Unclaimed:
    """A reader that books nothing: it only looks for a statement `unclaimed` refuses."""

    def __init__(self, importer: OfxImporter, path: str, others: Sequence[OfxImporter]) -> None:
        self.importer, self.path, self.others = importer, path, others

    def transaction(self, node: Aggregate, statement: Statement) -> None:
        statement.skipped += 1

    def close(self, statement: Statement) -> None:
        if statement.tag == _INVESTMENT:
            investment(self.importer, self.others, self.path, statement)
            return
        account = statement.child(*_ACCOUNTS)
        acctid = account.value("ACCTID") if account else None
        if not self.importer._ours(acctid):
            unclaimed(self.importer, self.others, self.path, statement)
