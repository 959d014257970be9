"""Keep docs/importers.md true: every Python block runs, and every example importer
reads its sample document into the entries (or the error) the document shows.

The document's Python blocks run in order in one namespace, as the lines of one
`import.py` would, from the project's folder. Markers (HTML comments on the line before
a fenced block) tie the examples together:

``<!-- example: NAME -->``
    The ```python block defines importers (beangulp.Importer instances); they make up
    the example NAME.
``<!-- sample: NAME FILE [ENCODING] -->``
    The ```text block is a file of the example, saved as FILE (in ENCODING, UTF-8 by
    default). Exactly one of the example's importers must claim it.
``<!-- extracted: NAME -->``
    The ```beancount block is exactly what extract gives for the last sample of NAME
    above it, as Beancount prints it.
``<!-- error: NAME -->``
    The ```text block is the error extract raises for the last sample of NAME above it,
    with the file's folder left out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import beangulp
import pytest
from beancount.parser import printer
from beangulp import identify

from beancount_factoring.importers.base import ImportFailure

ROOT = Path(__file__).resolve().parent.parent
IMPORTERS_MD = ROOT / "docs" / "importers.md"
_MARKER = re.compile(r"^<!--\s*(?P<kind>[\w-]+)\s*(?::\s*(?P<arg>.*?))?\s*-->$")
_FENCE = re.compile(r"^```(?P<lang>[\w-]*)\s*$")


def blocks() -> list[tuple[int, str, str, str, str]]:
    """(line, language, marker kind, marker argument, text) of every fenced block."""
    lines = IMPORTERS_MD.read_text(encoding="utf-8").splitlines()
    found = []
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        start, body = index, []
        index += 1
        while lines[index].strip() != "```":
            body.append(lines[index])
            index += 1
        index += 1
        before = start - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        marker = _MARKER.match(lines[before].strip()) if before >= 0 else None
        kind, arg = (marker["kind"], marker["arg"] or "") if marker else ("", "")
        found.append((start + 1, fence["lang"], kind, arg, "\n".join(body) + "\n"))
    return found


def printed(entries: list[Any]) -> str:
    """Entries as Beancount prints them, one blank line between them."""
    return "\n".join(printer.format_entry(entry).rstrip("\n") + "\n" for entry in entries)


def test_the_examples_read_their_samples_as_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {"__name__": "import_py"}
    examples: dict[str, list[beangulp.Importer]] = {}
    last_sample: dict[str, Path] = {}
    checked = {"example": 0, "sample": 0, "extracted": 0, "error": 0}
    for line, lang, kind, arg, text in blocks():
        where = f"importers.md:{line}"
        if lang == "python":
            before = {id(value) for value in namespace.values()}
            exec(compile(text, where, "exec"), namespace)
            if kind == "example":
                made = [
                    value
                    for value in namespace.values()
                    if isinstance(value, beangulp.Importer) and id(value) not in before
                ]
                assert made or arg == "python", f"{where}: the example makes no importer"
                examples[arg] = made
                checked["example"] += 1
        elif kind == "sample":
            name, filename, *encoding = arg.split()
            path = tmp_path / filename
            path.write_text(text, encoding=(encoding or ["utf-8"])[0], newline="")
            found = identify.identify(examples[name], str(path))
            assert found is not None, f"{where}: no importer of {name} claims the sample"
            last_sample[name] = path
            checked["sample"] += 1
        elif kind in ("extracted", "error"):
            path = last_sample[arg]
            importer = identify.identify(examples[arg], str(path))
            assert importer is not None
            if kind == "extracted":
                assert lang == "beancount", where
                entries = importer.extract(str(path), [])
                assert printed(entries) == text, f"{where}: extract gives\n{printed(entries)}"
            else:
                with pytest.raises(ImportFailure) as info:
                    importer.extract(str(path), [])
                shown = str(info.value).replace(f"{tmp_path}/", "")
                assert shown + "\n" == text, f"{where}: extract raises\n{shown}"
            checked[kind] += 1
    # The Python example prints the entries of the Lakeshore purchase report.
    assert 'factoring: "schedule"' in capsys.readouterr().out
    assert checked == {"example": 4, "sample": 4, "extracted": 3, "error": 1}, checked
    assert namespace["CONFIG"] == [namespace["ashgrove_all"], namespace["brightwater"]]


def test_every_profile_setting_and_field_is_documented() -> None:
    from beancount_factoring.importers.profiles import FIELDS, Profile

    text = IMPORTERS_MD.read_text(encoding="utf-8")
    section = text[text.index("### Writing a profile") : text.index("### Numbers, ids")]
    settings = [
        name
        for name in Profile.__dataclass_fields__
        if not name.startswith("_") and name not in ("layout", "date_formats")
    ]
    # The first cells of the settings table.
    documented = " ".join(
        line.split("|")[1] for line in section.splitlines() if line.startswith("| `")
    )
    for name in [*settings, "date_format"]:
        assert f"`{name}`" in documented, name
    for required, optional in FIELDS.values():
        for field in (*required, *optional):
            assert f"`{field}`" in section, field
