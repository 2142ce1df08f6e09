"""The XLSX sheet reader (expat over the sheet's XML) reads what openpyxl's read-only parser
reads: every test opens a workbook, takes its rows both ways and compares them, then checks what
a person would see in the cells."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from daicho.core.importing.readers import ImportFileError, _openpyxl_rows, _sheet_rows, open_table

DATA = Path(__file__).resolve().parent.parent / "data" / "adoption"


def both_ways(path: Path, sheet: str | None = None) -> list[tuple[int, list[str]]]:
    """The sheet's rows through openpyxl and through the expat reader; they must agree."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        ws.reset_dimensions()
        expected = list(_openpyxl_rows(ws))
        with book._archive.open(ws._worksheet_path) as part:
            styles = (book._date_formats, book._timedelta_formats)
            got = list(_sheet_rows(part, ws._shared_strings, *styles, book.epoch))
    finally:
        book.close()
    assert got == expected
    return got


def rewrite_sheet(path: Path, sheet_xml: bytes, shared: bytes | None = None) -> Path:
    """Replace a saved workbook's first sheet (and shared strings) with hand-written XML, as
    other writers than openpyxl lay it out."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
        if b"sharedStrings" not in parts["[Content_Types].xml"]:
            parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
            parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
                b"</Relationships>",
                b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
            )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.xlsx")))
def test_the_adoption_files_read_the_same(name):
    rows = both_ways(DATA / name)
    assert any(cells for _n, cells in rows)


def test_an_inventory_with_title_rows_merged_cells_dates_numbers_and_totals(tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(["インストールソフトウェア一覧", None, "出力日時: 2025/04/01 10:00"])
    ws.merge_cells("A1:B1")
    ws.append([])
    ws.append(["コンピュータ名", "ソフトウェア名", "バージョン", "台数", "インストール日", "時刻"])
    day, at = datetime.date(2024, 4, 1), datetime.datetime(2024, 4, 1, 8, 5)
    ws.append(["PC-0001", "一太郎 2024", "34.0.1", 1, day, datetime.time(9, 30)])
    ws.append(["PC-0001", "Ｗｉｎｄｏｗｓ用ＪＰＫＩ利用者ソフト", "3.5", 2.5, at, None])
    ws.append(["PC-0002", "7-Zip", "019", "0012", None, None])  # numbers stored as text
    ws.append([None, None, None, None, None, None])
    ws.append(["PC-0003", "Acrobat", 24.001, 1e-7, True, False])
    ws.append(["PC-0004", "Excel", "=1+1", -3, 45000, 0.25])  # a formula without its result
    ws.merge_cells("A9:A10")
    ws.append([None, "Word", "16.0", 12345678901234, None, None])
    ws.append(["合計", None, None, 4])
    ws["E6"].number_format = "yyyy/mm/dd"
    path = tmp_path / "lanscope.xlsx"
    book.save(path)

    rows = both_ways(path)
    by_number = dict(rows)
    assert by_number[1] == ["インストールソフトウェア一覧", "", "出力日時: 2025/04/01 10:00"]
    assert by_number[2] == []
    assert by_number[4] == ["PC-0001", "一太郎 2024", "34.0.1", "1", "2024-04-01", "09:30:00"]
    assert by_number[5][3:5] == ["2.5", "2024-04-01T08:05:00"]
    assert by_number[6] == ["PC-0002", "7-Zip", "019", "0012", ""]  # E6 has a format
    assert by_number[8] == ["PC-0003", "Acrobat", "24.001", "0.0000001", "true", "false"]
    assert by_number[9][3] == "-3"
    assert by_number[10][1:3] == ["Word", "16.0"]
    assert by_number[10][3] == "12345678901234"

    # Through open_table: the title rows and the total are set aside, the merged PC name
    # fills the row below it.
    with open_table(path, header_test=lambda cells: "コンピュータ名" in cells) as reader:
        records = list(reader.records())
        notes = reader.skipped
    assert reader.header_row == 3
    assert [n for n, _c in records] == [4, 5, 6, 8, 9, 10]
    assert dict(records)[10][0] == "PC-0004"
    assert [note["reason"] for note in notes] == ["title", "blank", "total"]


SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<x:sheetData>"
    # no r attributes: rows and cells are counted
    '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>'
    # rich text and a phonetic guide, inline; an error; a boolean; a formula's cached text
    '<x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:r><x:t>山田</x:t></x:r><x:r><x:rPr><x:b/>'
    '</x:rPr><x:t xml:space="preserve"> 太郎</x:t></x:r><x:rPh sb="0" eb="2"><x:t>ヤマダ</x:t>'
    '</x:rPh></x:is></x:c><x:c r="B3" t="e"><x:v>#N/A</x:v></x:c><x:c r="C3" t="b"><x:v>1</x:v>'
    '</x:c><x:c r="D3" t="str"><x:f>A1&amp;"x"</x:f><x:v>PC &amp; 1</x:v></x:c></x:row>'
    # cells out of order and a gap; an empty styled cell widens the row
    '<x:row r="4"><x:c r="C4"><x:v>3</x:v></x:c><x:c r="A4"><x:v>1.50</x:v></x:c>'
    '<x:c r="F4" s="0"/></x:row>'
    # a repeated row number is skipped; an ISO date cell
    '<x:row r="4"><x:c r="A4"><x:v>9</x:v></x:c></x:row>'
    '<x:row r="6"><x:c r="B6" t="d"><x:v>2024-04-01T00:00:00</x:v></x:c>'
    '<x:c r="AA6" t="inlineStr"><x:is><x:t>遠い列</x:t></x:is></x:c></x:row>'
    "</x:sheetData></x:worksheet>"
).encode()
SHARED = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" '
    'uniqueCount="2"><si><t>機器名</t></si><si><r><t>ソフト</t></r><r><t>ウェア名</t></r>'
    "</si></sst>"
).encode()


def test_a_sheet_written_by_another_program(tmp_path):
    book = Workbook()
    book.active.append(["x"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    rewrite_sheet(path, SHEET, SHARED)

    rows = dict(both_ways(path))
    assert rows[1] == ["機器名", "ソフトウェア名"]
    assert rows[2] == []
    assert rows[3] == ["山田 太郎", "#N/A", "true", "PC & 1"]
    assert rows[4] == ["1.5", "", "3", "", "", ""]
    assert rows[5] == []
    assert rows[6][1] == "2024-04-01" and rows[6][26] == "遠い列"


def test_a_large_sheet_streams_in_order(tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(["機器名", "ソフトウェア名", "バージョン"])
    for i in range(20_000):
        ws.append([f"PC-{i // 50:05d}", f"Program {i % 300}", f"{i % 7}.{i % 11}"])
    path = tmp_path / "big.xlsx"
    book.save(path)
    rows = both_ways(path)
    assert len(rows) == 20_001
    assert rows[-1] == (20_001, ["PC-00399", "Program 199", "0.1"])


def test_comments_cdata_and_empty_rows_at_the_end(tmp_path):
    book = Workbook()
    book.active.append(["x"])
    path = tmp_path / "odd.xlsx"
    book.save(path)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:B9"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>機器名</t></is></c></row>'
        "<!-- a comment that says </row> -->"
        '<row r="2"><c r="A2" t="str"><v><![CDATA[PC</row>01]]></v></c></row>'
        '<row r="3"><c r="A3"><v>3</v></c></row>'
        '<row r="8"/><row r="9" spans="1:2"/>'
        '</sheetData><mergeCells count="1"><mergeCell ref="A3:B3"/></mergeCells></worksheet>'
    ).encode()
    rewrite_sheet(path, sheet)
    rows = both_ways(path)
    assert rows[:3] == [(1, ["機器名"]), (2, ["PC</row>01"]), (3, ["3"])]
    assert [n for n, _c in rows] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    with open_table(path) as reader:
        assert list(reader.records()) == [(2, ["PC</row>01"]), (3, ["3", "3"])]


def test_an_empty_sheet_is_an_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    assert both_ways(path) == []
    with pytest.raises(ImportFileError) as error:
        open_table(path)
    assert "ファイルが空です" in error.value.message


@pytest.mark.parametrize("empty", ["<sheetData/>", "<sheetData />", "<x:sheetData></x:sheetData>"])
def test_sheet_data_written_empty(tmp_path, empty):
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    prefix = "x:" if empty.startswith("<x:") else ""
    sheet = (
        f'<{prefix}worksheet xmlns{":x" if prefix else ""}="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main">{empty}<{prefix}pageMargins left="0.7"/></{prefix}worksheet>'
    )
    rewrite_sheet(path, sheet.encode())
    assert both_ways(path) == []
