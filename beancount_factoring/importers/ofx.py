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
that ends with an aggregate still open is truncated.

Each STMTTRN becomes a bank line (see `banklines`) whose `import-id` comes from its FITID,
the bank's own id of the transaction; LEDGERBAL becomes a `balance` assertion dated the day
after DTASOF, since Beancount checks a balance at the start of its day. Bank (STMTRS) and
card (CCSTMTRS) statements are read alike.
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
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

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
    no_gc_pauses,
)

_TAG = re.compile(r"<(/?)([A-Za-z][\w.]*)\s*(/?)>([^<]*)")
# A transaction of plain elements (`<TAG>value`: no closing tags, entities or aggregates
# inside, as SGML files write them) is read in one step rather than tag by tag.
_FLAT = re.compile(r"<STMTTRN>(\s*)((?:<[A-Z][A-Z0-9.]*>\s*[^<&\s][^<&]*)+)</STMTTRN>")
_ELEMENT = re.compile(r"<([A-Z][A-Z0-9.]*)>([^<]*)")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMBERS = Numbers(".", ",").read
_OFX_START = re.compile(r"<OFX>", re.IGNORECASE)
_CHARSETS = {"1252": "cp1252", "ISO-8859-1": "latin-1", "8859-1": "latin-1", "NONE": "cp1252"}
_EXTENSIONS = (".ofx", ".qfx", ".qbo")
ONE_DAY = datetime.timedelta(days=1)


class Aggregate:
    """An OFX aggregate: its elements by tag (value, line) and its child aggregates."""

    __slots__ = ("children", "fields", "line", "tag")

    def __init__(self, tag: str, line: int) -> None:
        self.tag = tag
        self.line = line
        self.fields: dict[str, tuple[str, int]] = {}
        self.children: list[Aggregate] = []

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
    """The encoding the file declares (OFX 1 header or XML declaration)."""
    head = raw[:4096].decode("latin-1")
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
    except LookupError:
        line = head[: max(head.find(key), 0)].count("\n") + 1
        raise ImportFailure(
            path, line, f"unknown encoding {name!r}: give the importer encoding='...'", key
        ) from None
    return name


def parse(path: str, encoding: str | None = None) -> Aggregate:
    """The OFX tree of a file; ImportFailure naming the line of anything malformed."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ImportFailure(path, None, f"cannot read the file: {exc.strerror}") from exc
    if not raw.strip():
        raise ImportFailure(path, 1, "the file is empty")
    name = _encoding(path, raw, encoding)
    try:
        text = raw.decode(name)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = raw[exc.start : exc.start + 1]
        message = f"byte {bad!r} cannot be read as {name}: give the importer encoding='...'"
        raise ImportFailure(path, line, message, column) from None
    start = _OFX_START.search(text)
    if start is None:
        raise ImportFailure(path, 1, "no <OFX> element: this is not an OFX file")
    root = Aggregate("", 0)
    stack = [root]
    line, position = 1 + text.count("\n", 0, start.start()), start.start()
    count, search, scan = text.count, _TAG.search, start.start()
    while (match := search(text, scan)) is not None:
        # Lines are counted as the scan moves on, so the whole pass stays linear.
        at, scan = match.span()
        line += count("\n", position, at)
        position = at
        closing, tag, empty, rest = match.groups()
        if not tag.isupper():
            tag = tag.upper()
        top = stack[-1]
        if not (closing or empty) and (value := rest.strip()):  # most tags: an element
            top.fields[tag] = (html.unescape(value) if "&" in value else value, line)
        elif closing:
            depth = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].tag == tag), 0)
            if depth:
                while len(stack) > depth + 1:
                    _close_empty(stack)
                stack.pop()
            elif tag not in top.fields:  # `</NAME>` after `<NAME>x` closes an element
                raise ImportFailure(path, line, f"</{tag}> closes nothing that is open", tag)
        elif empty:
            top.fields[tag] = ("", line)
        else:
            node = Aggregate(tag, line)
            top.children.append(node)
            flat = _FLAT.match(text, at) if tag == "STMTTRN" else None
            if flat is None:
                stack.append(node)
                continue
            # Its elements at once, each on its line; the scan goes on after its end.
            here = line + flat[1].count("\n")
            for tag, raw in _ELEMENT.findall(flat[2]):
                node.fields[tag] = (raw.strip(), here)
                here += raw.count("\n")
            scan = flat.end()
    if len(stack) > 1:
        opened = next((n for n in reversed(stack) if n.fields or n.children), stack[-1])
        last = text.count("\n") + (0 if text.endswith("\n") else 1)
        raise ImportFailure(
            path,
            last,
            f"the file ends inside <{opened.tag}> (opened on line {opened.line}): "
            "it looks truncated; download it again",
            opened.tag,
        )
    return root


def _close_empty(stack: list[Aggregate]) -> None:
    """Close an SGML element left open with no value (`<MEMO>` then a tag): it was empty."""
    node = stack.pop()
    parent = stack[-1]
    if parent.children and parent.children[-1] is node:
        parent.children.pop()  # it was taken for an aggregate when it opened
    parent.fields.setdefault(node.tag, ("", node.line))
    parent.fields.update(node.fields)
    parent.children.extend(node.children)


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
        raise ImportFailure(path, line, message, tag)
    return day


def _amount(path: str, node: Aggregate, tag: str) -> Decimal:
    value, line = node.fields[tag]
    # A few banks write a decimal comma ("-12,50"); none write thousands separators.
    text = value.replace(",", ".") if "," in value and "." not in value else value
    try:
        return _NUMBERS(text)
    except ValueError as exc:
        raise ImportFailure(path, line, str(exc), tag) from None


def _require(path: str, node: Aggregate, *tags: str) -> None:
    fields = node.fields
    for tag in tags:
        if not fields.get(tag, ("",))[0]:
            message = f"<{node.tag}> has no <{tag}>: the file is incomplete or not a statement"
            raise ImportFailure(path, node.line, message, tag)


class OfxImporter(Importer):
    """Bank and card statements in OFX 1.x (SGML) or 2.x (XML), as .ofx, .qfx or .qbo.

    Args:
      account: The account the statement is of.
      account_id: The ACCTID to identify (the whole number, or its last digits); without
        it every OFX file is identified, so give it when there are several accounts.
      currency: The currency, if the file's CURDEF is missing or is to be checked.
      encoding: Read the file in this encoding rather than the one it declares.
      factors, fallback, name: As for `bank.BankCsvImporter`.
    """

    def __init__(
        self,
        account: str,
        *,
        account_id: str | None = None,
        currency: str | None = None,
        encoding: str | None = None,
        factors: FactorSource = None,
        fallback: str = "Expenses:Uncategorized",
        name: str | None = None,
    ) -> None:
        if encoding is not None:
            codecs.lookup(encoding)  # a misspelt encoding is a mistake in import.py
        self.bank = account
        self.account_id = account_id
        self.currency = currency
        self.encoding = encoding
        self.payees = FactorPayees(factors)
        self.fallback = fallback
        self._name = name or f"{type(self).__module__}.{type(self).__name__}:{account}"

    @property
    def name(self) -> str:
        return self._name

    def _ours(self, acctid: str | None) -> bool:
        wanted = self.account_id
        if wanted is None:
            return True
        return acctid is not None and (acctid == wanted or acctid.endswith(wanted))

    def identify(self, filepath: Any) -> bool:
        path = os.fspath(filepath)
        try:
            with open(path, "rb") as handle:
                head = handle.read(1 << 20).decode("latin-1")
        except OSError:
            return False
        if not path.lower().endswith(_EXTENSIONS) and "OFXHEADER" not in head[:1024]:
            return False
        if not _OFX_START.search(head):
            return False
        ids = re.findall(r"<ACCTID>\s*([^<\s]+)", head, re.IGNORECASE)
        return self.account_id is None or any(self._ours(acctid) for acctid in ids)

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

    def _statements(self, path: str, root: Aggregate) -> list[tuple[Aggregate, str]]:
        found = []
        for statement in root.walk("STMTRS", "CCSTMTRS"):
            account = statement.child("BANKACCTFROM", "CCACCTFROM")
            acctid = account.value("ACCTID") if account else None
            if self._ours(acctid):
                found.append((statement, acctid or ""))
        if self.account_id is None and len({acctid for _, acctid in found}) > 1:
            shown = ", ".join(sorted({acctid for _, acctid in found}))
            raise ImportFailure(
                path,
                found[1][0].line,
                f"the file holds statements of several accounts ({shown}): give each "
                "importer its account_id",
                "ACCTID",
            )
        return found

    def extract(self, filepath: Any, existing: Sequence[Any]) -> list[Any]:
        # The ledger, if one is to be loaded, is loaded before the collector is held off.
        matcher = self.payees.matcher(existing)
        with no_gc_pauses():
            return self._extract(os.fspath(filepath), matcher)

    def _extract(self, path: str, matcher: Matcher) -> list[Any]:
        root = parse(path, self.encoding)
        ids = RowIds("ofx")
        entries: list[Any] = []
        for statement, acctid in self._statements(path, root):
            currency = self._currency(path, statement)
            transactions = statement.child("BANKTRANLIST")
            for trn in transactions.children if transactions else []:
                if trn.tag != "STMTTRN":
                    continue
                _require(path, trn, "DTPOSTED", "TRNAMT", "FITID")
                date = _date(path, trn, "DTPOSTED")
                number = _amount(path, trn, "TRNAMT")
                payee = trn.value("NAME")
                if not payee:  # (most lines have no aggregate inside: no need to look)
                    payee_node = trn.child("PAYEE") if trn.children else None
                    payee = payee_node.value("NAME") if payee_node else None
                narration = trn.value("MEMO") or ""
                if not narration:  # a line with a name only: the name is what it says
                    payee, narration = None, payee or trn.value("TRNTYPE") or ""
                meta = data.new_metadata(path, trn.line, {ID_KEY: ids(acctid, trn.value("FITID"))})
                clearing = matcher.clearing(line_text(payee, narration), date, self.bank)
                entries.append(
                    bank_transaction(
                        meta,
                        date,
                        payee,
                        narration,
                        self.bank,
                        Amount(number, currency),
                        clearing,
                        self.fallback,
                    )
                )
            ledger = statement.child("LEDGERBAL")
            if ledger is not None:
                _require(path, ledger, "BALAMT", "DTASOF")
                date = _date(path, ledger, "DTASOF")
                units = Amount(_amount(path, ledger, "BALAMT"), currency)
                ident = ids(acctid, "balance", date, units.number)
                entries.append(
                    balance_entry(path, ledger.line, ident, date + ONE_DAY, self.bank, units)
                )
        return entries

    def _currency(self, path: str, statement: Aggregate) -> str:
        declared = statement.value("CURDEF")
        if declared and self.currency and declared.upper() != self.currency:
            line = statement.fields["CURDEF"][1]
            message = f"the statement is in {declared}, the importer expects {self.currency}"
            raise ImportFailure(path, line, message, "CURDEF")
        currency = (declared or self.currency or "").upper()
        if not re.fullmatch(r"[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]", currency):
            message = "no currency: the statement has no <CURDEF>; give the importer currency="
            raise ImportFailure(path, statement.line, message, "CURDEF")
        return currency
