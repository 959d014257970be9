"""Keep the user documents true: every ledger in docs/ is run through the plugin.

The documents mark their fenced blocks with an HTML comment on the line
before the fence (blank lines between are allowed):

``<!-- expect: ok -->``
    The ```beancount block is a complete ledger that loads with no error.
``<!-- expect: FCT120 -->`` (or several codes: ``<!-- expect: FCT140, FCT141 -->``)
    The ledger loads with exactly these FCT errors and no other error.
``<!-- output -->``
    The ```beancount block shows what the plugin makes of the nearest
    ``expect`` ledger above it: each transaction in it (found by date and
    narration) must have exactly these links and postings, with their
    ``invoice``, ``schedule`` and ``factoring-part`` metadata.
``<!-- bean-check -->``
    The ```text block shows what bean-check prints for the nearest ``expect``
    ledger above it, saved as ``ledger.beancount``: its lines that start with
    ``ledger.beancount:`` must be exactly the error lines, in order (with the
    folder of the file left out, as the document leaves it out). With
    ``<!-- bean-check: full -->`` the block must be bean-check's whole output,
    the transactions it prints after each message included.
``<!-- fragment -->``
    A piece of a ledger, shown for reading only.

Every ```beancount block carries one of these markers, so no example in the
documents goes unchecked by accident.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import parser, printer

from beancount_factoring.errors import CODES, error_code
from beancount_factoring.ledger import config
from beancount_factoring.ledger.book import EVENT_KINDS
from beancount_factoring.terms import agreement, postings

DOCS = Path(__file__).resolve().parent.parent / "docs"
LEDGER_MD = DOCS / "ledger.md"
ERRORS_MD = DOCS / "errors.md"
LEDGER_NAME = "ledger.beancount"
POSTING_KEYS = ("invoice", "schedule", "factoring-part")

_MARKER_RE = re.compile(
    r"^<!--\s*(?P<kind>expect|output|bean-check|fragment)\s*(?::(?P<arg>.*?))?\s*-->$"
)
_FENCE_RE = re.compile(r"^```(?P<lang>[\w-]*)\s*$")
_CODE_RE = re.compile(r"FCT\d{3}")


@dataclass(frozen=True)
class Block:
    """One fenced block of a document and the marker before it."""

    doc: str
    line: int
    lang: str
    marker: str | None
    arg: str
    text: str

    @property
    def name(self) -> str:
        return f"{self.doc}:{self.line}"

    def codes(self) -> list[str]:
        """The FCT codes an ``expect`` marker lists (none for ``ok``)."""
        if self.arg.strip() == "ok":
            return []
        found = _CODE_RE.findall(self.arg)
        assert found, f"{self.name}: write <!-- expect: ok --> or <!-- expect: FCT120 -->"
        return found


def read_blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, with the marker just before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        fence = _FENCE_RE.match(lines[index])
        if fence is None:
            index += 1
            continue
        start = index
        index += 1
        body = []
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index])
            index += 1
        assert index < len(lines), f"{path.name}:{start + 1}: the fenced block is never closed"
        index += 1
        before = start - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        marker = _MARKER_RE.match(lines[before].strip()) if before >= 0 else None
        blocks.append(
            Block(
                doc=path.name,
                line=start + 1,
                lang=fence["lang"],
                marker=marker["kind"] if marker else None,
                arg=(marker["arg"] or "") if marker else "",
                text="\n".join(body) + "\n",
            )
        )
    return blocks


def all_blocks() -> list[Block]:
    return read_blocks(LEDGER_MD) + read_blocks(ERRORS_MD)


def blocks_marked(kind: str) -> list[Block]:
    return [block for block in all_blocks() if block.marker == kind]


def source_ledger(block: Block) -> Block:
    """The nearest ``expect`` ledger above an ``output`` or ``bean-check`` block."""
    candidates = [
        other
        for other in read_blocks(DOCS / block.doc)
        if other.marker == "expect" and other.line < block.line
    ]
    assert candidates, f"{block.name}: no <!-- expect --> ledger above this block"
    return candidates[-1]


def posting_key(posting: data.Posting) -> tuple:
    meta = posting.meta or {}
    return (
        posting.account,
        posting.units.number,
        posting.units.currency,
        *(meta.get(key) for key in POSTING_KEYS),
    )


# The documents are complete and every example is marked.


def test_every_beancount_block_is_marked():
    unmarked = [b.name for b in all_blocks() if b.lang == "beancount" and b.marker is None]
    assert unmarked == [], "add <!-- expect: ... -->, <!-- output --> or <!-- fragment -->"


def test_markers_sit_on_the_right_kind_of_block():
    for block in all_blocks():
        if block.marker in ("expect", "output", "fragment"):
            assert block.lang == "beancount", block.name
        if block.marker == "bean-check":
            assert block.lang == "text", block.name


def test_every_error_code_has_a_section_and_a_ledger_that_triggers_it():
    text = ERRORS_MD.read_text(encoding="utf-8")
    headings = {
        code
        for line in text.splitlines()
        if line.startswith("## ")
        for code in _CODE_RE.findall(line)
    }
    triggered = {
        code
        for block in read_blocks(ERRORS_MD)
        if block.marker == "expect"
        for code in block.codes()
    }
    assert sorted(set(CODES) - headings) == [], "codes without a section in errors.md"
    assert sorted(set(CODES) - triggered) == [], "codes without an example that triggers them"
    assert sorted(headings - set(CODES)) == [], "sections for codes errors.py does not define"


def test_the_guide_names_every_key_event_and_part():
    text = LEDGER_MD.read_text(encoding="utf-8")
    names = [*agreement.KEYS, *config.KEYS, *EVENT_KINDS, *postings.PARTS]
    missing = [name for name in names if f"`{name}`" not in text]
    assert missing == []


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: "## 9.2 Lump sums" -> "92-lump-sums"."""
    text = heading.lstrip("#").strip().lower()
    return re.sub(r"[^a-z0-9 _-]", "", text).replace(" ", "-")


def test_links_between_the_documents_resolve():
    anchors = {
        path.name: {
            _anchor(line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")
        }
        for path in (LEDGER_MD, ERRORS_MD)
    }
    for path in (LEDGER_MD, ERRORS_MD):
        text = path.read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([\w.]*)#([\w-]+)\)", text):
            assert anchor in anchors[target or path.name], f"{path.name}: {target}#{anchor}"


def test_the_guide_states_the_default_tolerance():
    rows = LEDGER_MD.read_text(encoding="utf-8").splitlines()
    row = next(line for line in rows if line.startswith("| `tolerance` |"))
    assert f"| `{config.DEFAULT_TOLERANCE}` |" in row


# Each ledger gives exactly the errors the document says.


@pytest.mark.parametrize("block", blocks_marked("expect"), ids=lambda b: b.name)
def test_ledger_gives_the_documented_errors(block):
    _, errors, _ = loader.load_string(block.text)
    codes = [error_code(error) for error in errors]
    others = [error.message for error, code in zip(errors, codes, strict=True) if code is None]
    assert others == [], f"{block.name}: errors that are not FCT codes"
    assert Counter(codes) == Counter(block.codes()), [e.message for e in errors]


@pytest.mark.parametrize("block", blocks_marked("output"), ids=lambda b: b.name)
def test_output_is_what_the_plugin_makes(block):
    ledger = source_ledger(block)
    entries, _, _ = loader.load_string(ledger.text)
    shown, parse_errors, _ = parser.parse_string(block.text)
    assert parse_errors == [], f"{block.name}: the output block does not parse"
    shown = [entry for entry in shown if isinstance(entry, data.Transaction)]
    assert shown, f"{block.name}: the output block shows no transaction"
    for want in shown:
        found = [
            entry
            for entry in entries
            if isinstance(entry, data.Transaction)
            and entry.date == want.date
            and entry.narration == want.narration
        ]
        assert len(found) == 1, (
            f"{block.name}: {want.date} {want.narration!r} is not in {ledger.name}"
        )
        got = found[0]
        assert got.links == want.links, f"{block.name}: links of {want.narration!r}"
        assert Counter(map(posting_key, got.postings)) == Counter(
            map(posting_key, want.postings)
        ), f"{block.name}: postings of {want.narration!r}"


@pytest.mark.parametrize("block", blocks_marked("bean-check"), ids=lambda b: b.name)
def test_bean_check_prints_what_the_document_shows(block, tmp_path):
    ledger = source_ledger(block)
    path = tmp_path / LEDGER_NAME
    path.write_text(ledger.text, encoding="utf-8")
    _, errors, _ = loader.load_file(str(path))
    folder = str(tmp_path) + os.sep
    printed = []
    for error in errors:
        filename = Path(error.source["filename"]).name
        message = error.message.replace(folder, "")
        printed.append(f"{filename}:{error.source['lineno']}: {message}")
    shown = [line for line in block.text.splitlines() if line.startswith(LEDGER_NAME + ":")]
    assert shown == printed
    if block.arg.strip() == "full":
        full = "".join(printer.format_error(error) + "\n" for error in errors)
        assert block.text.rstrip() == full.replace(folder, "").rstrip()
