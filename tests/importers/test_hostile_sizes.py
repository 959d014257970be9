"""Small files that would exhaust the machine are refused before they are read.

Each hostile file is made here: a workbook whose sheet inflates a thousand times, one
whose declared dimension pads every row to 16,384 cells, one with a cell in a far
column or a row past Excel's last, one of more than a million shared strings, and an
OFX file nested 40,000 deep. Each gives one error (FCT200 for a workbook, FCT204 for
the OFX nesting) that names the bound, the figure and what to do. (How long each takes
is measured by the fuzz harness, not here: tests/fuzz/test_fuzz_limits.py.)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from beancount_factoring.importers import ofx, readers
from beancount_factoring.importers.base import ImportFailure

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def workbook(
    path: Path,
    sheet: bytes,
    strings: bytes | None = None,
    stored: bool = False,
) -> Path:
    """A workbook of one sheet whose XML is `sheet` (and the shared strings `strings`)."""
    types = (
        f'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Default Extension="rels" ContentType="application/vnd.'
        f'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.'
        f'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.'
        f'worksheet+xml"/>'
    )
    if strings is not None:
        types += (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        )
    types += "</Types>"
    links = f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    if strings is not None:
        links += f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    parts: dict[str, bytes] = {
        "[Content_Types].xml": types.encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="Report" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}">{links}</Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", method) as book:
        for name, content in parts.items():
            book.writestr(name, content)
    return path


def sheet_xml(rows: str, dimension: str = "A1:B2") -> bytes:
    return (
        f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>{rows}'
        "</sheetData></worksheet>"
    ).encode()


ROWS = '<row r="1"><c r="A1" t="inlineStr"><is><t>Invoice</t></is></c></row>'


def failure(path: Path) -> ImportFailure:
    with pytest.raises(ImportFailure) as caught:
        for _ in readers.raw_rows(str(path), readers.Layout()):
            pass
    return caught.value


def test_a_plain_workbook_reads(tmp_path: Path) -> None:
    # The builder makes a readable workbook: the refusals below are the bounds'.
    path = workbook(tmp_path / "ok.xlsx", sheet_xml(ROWS, "A1:B1"))
    assert list(readers.raw_rows(str(path), readers.Layout())) == [(1, ["Invoice", ""])]


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    # 64 MiB of one repeated row compress to about 64 KiB: a ratio of about 1,000.
    row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>'
    filler = row * (64 * readers.MIB // len(row))
    path = workbook(tmp_path / "bomb.xlsx", sheet_xml(filler.decode()))
    error = failure(path)
    assert error.code == "FCT200"
    assert "xl/worksheets/sheet1.xml inflates" in str(error)
    assert "zip bomb" in str(error) and "save the sheet as CSV" in str(error)


def test_a_large_part_read_whole_is_refused(tmp_path: Path, monkeypatch) -> None:
    # Any part but a worksheet is read whole: its uncompressed size is bounded (made
    # smaller here so that the test writes a small file; stored, so no ratio applies).
    monkeypatch.setattr(readers, "MAX_PART_BYTES", readers.MIB)
    strings = b"<sst>" + b"<si><t>" + b"x" * (2 * readers.MIB) + b"</t></si></sst>"
    path = workbook(tmp_path / "big.xlsx", sheet_xml(ROWS), strings, stored=True)
    error = failure(path)
    assert error.code == "FCT200"
    assert "xl/sharedStrings.xml is 2 MiB uncompressed, over the 1 MiB read" in str(error)


def test_a_declared_dimension_of_16384_columns_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "wide.xlsx", sheet_xml(ROWS, "A1:XFD3"))
    error = failure(path)
    assert error.code == "FCT200"
    assert "declares 16,384 columns (to column XFD), over the 1,024 read" in str(error)
    assert "delete the empty columns" in str(error)


def test_a_declared_million_rows_of_1024_columns_is_refused(tmp_path: Path) -> None:
    # Each column within the bound, but every row up to the last padded to 1,024 cells:
    # 1,048,576 * 1,024 = 1,073,741,824 cells, over 50,000,000.
    path = workbook(tmp_path / "tall.xlsx", sheet_xml(ROWS, "A1:AMJ1048576"))
    error = failure(path)
    assert error.code == "FCT200"
    assert "declares 1,048,576 rows of 1,024 columns, over the 50,000,000 cells" in str(error)


def test_a_cell_in_a_far_column_is_refused_at_its_row(tmp_path: Path) -> None:
    far = '<row r="2"><c r="AAA2"><v>1</v></c></row>'  # column AAA is 703; XFD 16,384
    path = workbook(tmp_path / "far.xlsx", sheet_xml(ROWS + far.replace("AAA", "XFD"), ""))
    error = failure(path)
    assert error.code == "FCT200" and error.line == 2
    assert "a cell in column 16,384, over the 1,024 read" in str(error)


def test_a_row_past_excels_last_is_refused(tmp_path: Path) -> None:
    last = '<row r="999999999"><c r="A999999999"><v>1</v></c></row>'
    path = workbook(tmp_path / "far.xlsx", sheet_xml(ROWS + last, ""))
    error = failure(path)
    assert error.code == "FCT200"
    assert "row 999,999,999 is past Excel's last, 1,048,576" in str(error)


def test_more_than_a_million_shared_strings_are_refused(tmp_path: Path) -> None:
    # 1,000,001 strings of one letter: 17 MB stored (no ratio), under the part's bound;
    # openpyxl would take about a minute and 300 MB to read them.
    count = readers.MAX_SHARED_STRINGS + 1
    strings = b"<sst>" + b"<si><t>x</t></si>" * count + b"</sst>"
    assert len(strings) < readers.MAX_PART_BYTES
    path = workbook(tmp_path / "strings.xlsx", sheet_xml(ROWS), strings, stored=True)
    error = failure(path)
    assert error.code == "FCT200"
    assert "over 1,000,000 shared strings" in str(error)


def test_shared_strings_under_the_bound_are_read(tmp_path: Path) -> None:
    strings = b'<sst xmlns="' + MAIN.encode() + b'"><si><t>Debtor</t></si></sst>'
    cell = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    path = workbook(tmp_path / "s.xlsx", sheet_xml(cell, "A1"), strings)
    assert list(readers.raw_rows(str(path), readers.Layout())) == [(1, ["Debtor"])]


def nested_ofx(path: Path, depth: int) -> Path:
    path.write_text(
        "OFXHEADER:100\nDATA:OFXSGML\n\n<OFX>\n" + "<AGG>" * depth + "</AGG>" * depth + "</OFX>\n",
        encoding="ascii",
    )
    return path


def test_ofx_nested_40000_deep_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFailure) as error:
        ofx.parse(str(nested_ofx(tmp_path / "d.ofx", 40000)))
    assert error.value.code == "FCT204" and error.value.line == 5  # the line after <OFX>
    assert "<AGG> opens an aggregate 1,001 deep, deeper than the 1,000 read" in str(error.value)


def test_ofx_nested_to_the_bound_is_read(tmp_path: Path) -> None:
    # <OFX> is the first of the 1,000: 999 aggregates inside it.
    root = ofx.parse(str(nested_ofx(tmp_path / "d.ofx", ofx.MAX_DEPTH - 1)))
    node, depth = root, 0
    while node.children:
        node, depth = node.children[0], depth + 1
    assert depth == ofx.MAX_DEPTH


@pytest.mark.parametrize("depth", [40_000, 400_000])
def test_ofx_nesting_is_read_in_one_pass_without_the_bound(
    tmp_path: Path, monkeypatch, depth: int
) -> None:
    # The closing tags find their aggregate at the top of the stack (each closing tag
    # once searched the whole stack: 43 s at 40,000); the harness times it.
    monkeypatch.setattr(ofx, "MAX_DEPTH", 10 * depth)
    root = ofx.parse(str(nested_ofx(tmp_path / "d.ofx", depth)))
    assert root.children[0].tag == "OFX" and root.children[0].children[0].tag == "AGG"
