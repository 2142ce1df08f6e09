"""Tests for daicho.core.importing.readers (plain files and streams: no database needed).

Files are written byte for byte the way Excel and Windows save them (CP932 + CRLF, UTF-8 with
BOM, "Unicode text" = UTF-16 LE with BOM and tabs, XLSX), then read back through open_table.
"""

from __future__ import annotations

import codecs
import datetime
import io
import random
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from daicho.core.importing.readers import (
    SAMPLE_SIZE,
    ImportFileError,
    SourceRow,
    TableReader,
    open_table,
)

HEADER = ["システムID", "システム名", "年度", "金額（千円）"]
ROWS = [
    ["S0001", "税務システム", "平成26年度", "1,234"],
    ["S0002", "住民記録システム", "令和元年度", "56"],
]
EXPECTED = [
    SourceRow(2, dict(zip(HEADER, ROWS[0], strict=True))),
    SourceRow(3, dict(zip(HEADER, ROWS[1], strict=True))),
]


def excel_csv(rows: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    """CSV text as Excel writes it: quotes only where needed, CRLF line ends."""
    out = io.StringIO()
    for row in rows:
        cells = []
        for cell in row:
            if any(c in cell for c in (delimiter, '"', "\r", "\n")):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        out.write(delimiter.join(cells) + newline)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_all(source, **kwargs) -> tuple[TableReader, list[SourceRow]]:
    with open_table(source, **kwargs) as reader:
        return reader, list(reader)


def read_error(source, **kwargs) -> str:
    """The message of the ImportFileError raised while opening or iterating ``source``."""
    with pytest.raises(ImportFileError) as info:
        read_all(source, **kwargs)
    assert str(info.value) == info.value.message
    return info.value.message


class NonSeekable(io.RawIOBase):
    """A pipe-like upload: no seek, and short reads (at most 4 KB per call)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:
        view = memoryview(buffer)[:4096]
        return self._inner.readinto(view)


class ReadOnly:
    """The barest file-like object: read() and nothing else."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._inner.read(size)


# --- encodings ------------------------------------------------------------------------------


def test_cp932_crlf_csv_as_saved_by_japanese_excel(tmp_path):
    text = excel_csv([HEADER, *ROWS])
    assert '"1,234"' in text
    path = write(tmp_path, "costs.csv", text.encode("cp932"))
    reader, rows = read_all(path)
    assert (reader.encoding, reader.delimiter, reader.format) == ("cp932", ",", "csv")
    assert reader.headers == HEADER
    assert reader.header_row == 1
    assert reader.name == "costs.csv"
    assert rows == EXPECTED


@pytest.mark.parametrize(
    ("codec", "bom", "delimiter", "expected_encoding", "expected_format"),
    [
        ("cp932", b"", ",", "cp932", "csv"),
        ("utf-8", codecs.BOM_UTF8, ",", "utf-8-sig", "csv"),
        ("utf-8", b"", ",", "utf-8", "csv"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "\t", "utf-16", "tsv"),  # Windows "Unicode text"
        ("utf-16-be", codecs.BOM_UTF16_BE, "\t", "utf-16", "tsv"),
        ("utf-16-le", b"", "\t", "utf-16-le", "tsv"),
        ("utf-16-be", b"", ",", "utf-16-be", "csv"),
        ("utf-8", b"", "\t", "utf-8", "tsv"),
        ("cp932", b"", ";", "cp932", "csv"),
        ("utf-8", b"", "|", "utf-8", "csv"),
    ],
)
def test_encodings_and_delimiters_are_detected(
    tmp_path, codec, bom, delimiter, expected_encoding, expected_format
):
    data = bom + excel_csv([HEADER, *ROWS], delimiter=delimiter).encode(codec)
    reader, rows = read_all(write(tmp_path, "costs.txt", data))
    assert reader.encoding == expected_encoding
    assert reader.delimiter == delimiter
    assert reader.format == expected_format
    assert reader.headers == HEADER  # no BOM left in the first header
    assert rows == EXPECTED


def test_utf8_sample_cut_in_the_middle_of_a_character_is_still_utf8(tmp_path):
    # 'あ' is 3 bytes in UTF-8: place one so that it straddles the end of the 1 MB sample.
    head = "名前,値\n".encode()
    filler = b"a,b\n" * ((SAMPLE_SIZE - len(head)) // 4 - 10)
    pad = b"x" * (SAMPLE_SIZE - 2 - len(head) - len(filler)) + b","
    data = head + filler + pad + "あいう\n".encode()
    assert data[SAMPLE_SIZE - 1 : SAMPLE_SIZE + 2] == "あ".encode()  # the sample ends mid-char
    reader, rows = read_all(write(tmp_path, "big.csv", data))
    assert reader.encoding == "utf-8"
    assert rows[-1].values["値"] == "あいう"


@pytest.mark.parametrize(
    "given", ["shift_jis", "sjis", "Shift-JIS", "ms932", "CP932", "windows-31j"]
)
def test_shift_jis_names_are_read_as_cp932(tmp_path, given):
    # '髙' (はしごだか) and '①' exist in cp932 but not in strict Shift_JIS.
    rows = [HEADER, ["S0003", "髙橋①システム", "平成30年度", "7"]]
    path = write(tmp_path, "sjis.csv", excel_csv(rows).encode("cp932"))
    reader, read = read_all(path, encoding=given)
    assert reader.encoding == "cp932"
    assert read[0].values["システム名"] == "髙橋①システム"


def test_utf8_given_for_a_file_with_bom_drops_the_bom(tmp_path):
    path = write(tmp_path, "bom.csv", codecs.BOM_UTF8 + excel_csv([HEADER, *ROWS]).encode())
    reader, rows = read_all(path, encoding="utf-8")
    assert reader.encoding == "utf-8-sig"
    assert reader.headers == HEADER
    assert rows == EXPECTED


def test_wrong_encoding_names_the_encoding_and_line(tmp_path):
    text = "id,name\r\n1,abc\r\n2,税務\r\n"
    path = write(tmp_path, "costs.csv", text.encode("utf-8"))
    message = read_error(path, encoding="ascii")
    assert "ascii" in message
    assert "3行目" in message
    assert "line 3" in message
    assert "costs.csv" in message
    assert "--encoding" in message


@pytest.mark.parametrize(
    ("codec", "bad"),
    [
        ("cp932", b"\x81\x20"),  # auto-detected cp932, an invalid double-byte pair
        ("utf-16-le", b"\x00\xdc"),  # a lone low surrogate
    ],
)
def test_decode_error_far_into_the_file_reports_the_right_line(tmp_path, codec, bad):
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else b""
    good = "S0001,税務システム\r\n".encode(codec)
    data = bom + "ID,名前\r\n".encode(codec) + good * 4998 + bad + "\r\n".encode(codec) + good
    message = read_error(write(tmp_path, "costs.csv", data))
    assert "5000行目" in message


def test_invalid_utf8_after_the_sample_is_reported_with_its_line(tmp_path):
    lines = 2 + SAMPLE_SIZE // 8
    data = b"id,name\n" + b"1,abcde\n" * (lines - 1) + b"2,\x93\x8c\n"  # cp932 '東' later on
    message = read_error(write(tmp_path, "late.csv", data))
    assert "utf-8" in message
    assert f"{lines + 1}行目" in message


def test_utf16_file_read_with_a_byte_encoding_says_it_looks_like_utf16(tmp_path):
    data = codecs.BOM_UTF16_LE + excel_csv([HEADER, *ROWS], delimiter="\t").encode("utf-16-le")
    message = read_error(write(tmp_path, "unicode.txt", data), encoding="cp932")
    assert "UTF-16" in message
    assert "cp932" in message


@pytest.mark.parametrize("given", ["klingon", "base64", "rot13"])
def test_unknown_or_non_text_encoding_is_refused(tmp_path, given):
    path = write(tmp_path, "a.csv", b"a,b\n1,2\n")
    message = read_error(path, encoding=given)
    assert given in message


# --- delimiters, quoting, line ends -----------------------------------------------------------


def test_tab_wins_over_commas_inside_tsv_cells(tmp_path):
    text = "名前\t金額\t備考\n税務\t1,234\ta, b, c\n住民\t5,678\td\n"
    reader, rows = read_all(write(tmp_path, "t.tsv", text.encode()))
    assert (reader.delimiter, reader.format) == ("\t", "tsv")
    assert rows[0].values == {"名前": "税務", "金額": "1,234", "備考": "a, b, c"}


def test_semicolons_inside_quotes_do_not_count(tmp_path):
    text = 'a;b;c\n"1;2";"x,y";3\n4;5;6\n'
    reader, rows = read_all(write(tmp_path, "s.csv", text.encode()))
    assert reader.delimiter == ";"
    assert rows[0].values == {"a": "1;2", "b": "x,y", "c": "3"}


def test_single_column_file_uses_comma(tmp_path):
    reader, rows = read_all(write(tmp_path, "one.csv", "システムID\r\nS0001\r\nS0002\r\n".encode()))
    assert reader.delimiter == ","
    assert reader.headers == ["システムID"]
    assert [r.values["システムID"] for r in rows] == ["S0001", "S0002"]


def test_quoted_cell_with_newline_and_comma_counts_records(tmp_path):
    rows = [
        HEADER,
        ["S0001", "税務システム\r\n（基幹系, 住民向け）", "平成26年度", "1,234"],
        ROWS[1],
    ]
    path = write(tmp_path, "multi.csv", excel_csv(rows).encode("cp932"))
    _, read = read_all(path)
    assert read[0].number == 2
    assert read[0].values["システム名"] == "税務システム\r\n（基幹系, 住民向け）"
    assert read[0].values["金額（千円）"] == "1,234"
    assert read[1] == SourceRow(3, dict(zip(HEADER, ROWS[1], strict=True)))  # Excel row 3


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_ends(tmp_path, newline):
    path = write(tmp_path, "le.csv", excel_csv([HEADER, *ROWS], newline=newline).encode())
    _, rows = read_all(path)
    assert rows == EXPECTED


def test_blank_rows_are_skipped_but_counted(tmp_path):
    text = "\r\n".join(
        [
            "",  # row 1: blank line before the header
            "ID,名前,金額",  # row 2: header
            "1,税務,10",  # row 3
            "",  # row 4
            ",,",  # row 5: Excel writes an empty row as commas
            " ,\u3000, ",  # row 6: only (full-width) spaces
            "2,住民,20",  # row 7
            "",
        ]
    )
    reader, rows = read_all(write(tmp_path, "blank.csv", text.encode("cp932")))
    assert reader.header_row == 2
    assert [r.number for r in rows] == [3, 7]


def test_more_and_fewer_cells_than_headers(tmp_path):
    text = "a,b,c\r\n1,2,3,,\r\n4\r\n5,6,7,,x,\r\n"
    _, rows = read_all(write(tmp_path, "ragged.csv", text.encode()))
    assert rows[0].values == {"a": "1", "b": "2", "c": "3"}  # empty extras ignored
    assert rows[1].values == {"a": "4", "b": "", "c": ""}  # missing cells are ''
    assert rows[2].values == {"a": "5", "b": "6", "c": "7", "列4": "", "列5": "x"}


def test_extra_cell_key_never_overwrites_a_real_header(tmp_path):
    _, rows = read_all(write(tmp_path, "x.csv", "列3,b\r\n1,2,3\r\n".encode()))
    assert rows[0].values == {"列3": "1", "b": "2", "列3'": "3"}


def test_cells_are_stripped_but_not_normalised(tmp_path):
    text = "\u3000名前 ,\t金額\r\n\u3000 ﾃｽﾄ１ \u3000, １２３ \r\n"
    reader, rows = read_all(write(tmp_path, "ws.csv", text.encode("cp932")))
    assert reader.headers == ["名前", "金額"]
    assert rows[0].values == {"名前": "ﾃｽﾄ１", "金額": "１２３"}  # half-width kana kept


# --- headers --------------------------------------------------------------------------------


def test_blank_header_gets_column_name_and_trailing_blanks_are_dropped(tmp_path):
    _, rows = read_all(write(tmp_path, "h.csv", "ID,,金額,,\r\n1,x,2,,\r\n".encode()))
    assert rows[0].values == {"ID": "1", "列2": "x", "金額": "2"}


@pytest.mark.parametrize("header", ["金額,ID,金額", "金額,ID, 金額\u3000"])
def test_duplicate_headers_are_refused(tmp_path, header):
    message = read_error(write(tmp_path, "dup.csv", f"{header}\r\n1,2,3\r\n".encode("cp932")))
    assert "金額" in message
    assert "1列目と3列目" in message
    assert "dup.csv" in message


def test_header_only_file_iterates_nothing(tmp_path):
    reader, rows = read_all(write(tmp_path, "h.csv", "ID,名前\r\n".encode("cp932")))
    assert reader.headers == ["ID", "名前"]
    assert rows == []


# --- files refused as a whole -------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        b"\r\n\r\n\n",
        b",,,\r\n,,,\r\n",
        "\u3000 \r\n".encode("cp932"),
    ],
    ids=["zero-bytes", "utf8-bom-only", "utf16-bom-only", "blank-lines", "commas", "spaces"],
)
def test_empty_files_are_refused(tmp_path, data):
    message = read_error(write(tmp_path, "empty.csv", data))
    assert message == "ファイルが空です (the file is empty): empty.csv"


def _png() -> bytes:
    ihdr = b"\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66"
    return b"\x89PNG\r\n\x1a\n" + ihdr + random.Random(7).randbytes(500)


@pytest.mark.parametrize(
    "data",
    [
        random.Random(1).randbytes(20_000),
        _png(),
        bytes([0x01, 0x02, 0x41, 0x1B, 0x42, 0x7F]) * 200,  # control characters, no NUL
        b"a,b\r\n1,2\x00\r\n",  # a NUL in otherwise plain text
    ],
    ids=["random", "png", "controls", "nul"],
)
def test_binary_files_are_refused(tmp_path, data):
    message = read_error(write(tmp_path, "photo.csv", data))
    assert message.startswith("バイナリファイルのようです")
    assert message.endswith(": photo.csv")


def test_legacy_xls_gets_a_specific_message(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    message = read_error(write(tmp_path, "old.xls", data))
    assert ".xls" in message


def test_missing_path_is_an_import_error(tmp_path):
    message = read_error(tmp_path / "nowhere.csv")
    assert "nowhere.csv" in message


def test_runaway_quote_is_refused_not_buffered(tmp_path):
    data = b'a,b\r\n1,"never closed\r\n' + b"x" * 200_000 + b"\r\n2,3\r\n"
    message = read_error(write(tmp_path, "quote.csv", data))
    assert "CSV" in message


# --- XLSX -----------------------------------------------------------------------------------


def make_xlsx(path: Path, sheets: dict[str, dict[tuple[int, int], object]]) -> Path:
    """Save a workbook; each sheet is given as {(row, column): value}."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, cells in sheets.items():
        worksheet = workbook.create_sheet(title)
        for (row, column), value in cells.items():
            worksheet.cell(row=row, column=column, value=value)
    workbook.save(path)
    return path


def grid(rows: list[list[object]], first_row: int = 1) -> dict[tuple[int, int], object]:
    return {
        (r, c): value
        for r, row in enumerate(rows, start=first_row)
        for c, value in enumerate(row, start=1)
        if value is not None
    }


@pytest.fixture
def workbook_path(tmp_path) -> Path:
    costs = grid(
        [
            ["システムID", "金額", "比率", "開始日", "更新日時", "稼働", None, "備考"],
            ["S0001", 12.0, 0.1, datetime.date(2014, 4, 1), None, True, None, " 税務 "],
            [],  # an empty row in the middle (row 4)
            ["S0002", 1234.5, 1e-7, None, datetime.datetime(2019, 5, 1, 9, 30), False, "x", ""],
            [None, 2014, None, None, None, None, None, None],
        ],
        first_row=2,  # row 1 is blank: the header is on row 2
    )
    systems = grid([["ID", "名称"], ["S0001", "税務システム"]])
    return make_xlsx(tmp_path / "ledger.xlsx", {"システム": systems, "経費": costs})


def test_xlsx_first_sheet_by_default(workbook_path):
    reader, rows = read_all(workbook_path)
    assert (reader.format, reader.encoding, reader.delimiter) == ("xlsx", None, None)
    assert reader.headers == ["ID", "名称"]
    assert rows == [SourceRow(2, {"ID": "S0001", "名称": "税務システム"})]


def test_xlsx_named_sheet_values_and_row_numbers(workbook_path):
    reader, rows = read_all(workbook_path, sheet="経費")
    assert reader.header_row == 2  # the leading blank row was skipped
    assert reader.headers == [
        "システムID",
        "金額",
        "比率",
        "開始日",
        "更新日時",
        "稼働",
        "列7",
        "備考",
    ]
    assert [r.number for r in rows] == [3, 5, 6]  # Excel row numbers; blank row 4 skipped
    assert rows[0].values == {
        "システムID": "S0001",
        "金額": "12",
        "比率": "0.1",
        "開始日": "2014-04-01",
        "更新日時": "",
        "稼働": "true",
        "列7": "",
        "備考": "税務",
    }
    assert rows[1].values["金額"] == "1234.5"
    assert rows[1].values["比率"] == "0.0000001"
    assert rows[1].values["更新日時"] == "2019-05-01T09:30:00"
    assert rows[1].values["稼働"] == "false"
    assert rows[1].values["列7"] == "x"
    assert rows[2].values["金額"] == "2014"


def test_xlsx_missing_sheet_lists_the_sheets(workbook_path):
    message = read_error(workbook_path, sheet="予算")
    assert "予算" in message
    assert "システム" in message and "経費" in message
    assert "ledger.xlsx" in message


def test_xlsx_is_recognised_by_content_not_extension(workbook_path, tmp_path):
    renamed = write(tmp_path, "really-xlsx.csv", workbook_path.read_bytes())
    reader, rows = read_all(renamed)
    assert reader.format == "xlsx"
    assert len(rows) == 1


def test_xlsx_duplicate_headers_are_refused(tmp_path):
    path = make_xlsx(tmp_path / "dup.xlsx", {"Sheet": grid([["ID", "ID"], ["1", "2"]])})
    assert "ID" in read_error(path)


def test_xlsx_with_only_empty_cells_is_empty(tmp_path):
    path = make_xlsx(tmp_path / "empty.xlsx", {"Sheet": grid([[None, " "]])})
    assert read_error(path).startswith("ファイルが空です")


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + b"\x00garbage" * 100, _zip_without_workbook()],
    ids=["zip-magic-then-junk", "zip-but-not-xlsx"],
)
def test_corrupt_xlsx_is_refused(tmp_path, data):
    message = read_error(write(tmp_path, "broken.xlsx", data))
    assert message == "Excelファイルとして読めません (not a readable XLSX file): broken.xlsx"


# --- file-like sources ----------------------------------------------------------------------


def test_bytesio_source_is_rewound_and_not_closed():
    stream = io.BytesIO(excel_csv([HEADER, *ROWS]).encode("cp932"))
    stream.seek(10)  # e.g. after the caller hashed part of it
    reader, rows = read_all(stream, name="costs.csv")
    assert reader.name == "costs.csv"
    assert rows == EXPECTED
    assert not stream.closed


def test_name_comes_from_the_file_object(tmp_path):
    path = write(tmp_path, "named.csv", b"")
    with path.open("rb") as handle:
        assert read_error(handle).endswith(": named.csv")


@pytest.mark.parametrize("wrapper", [NonSeekable, ReadOnly])
def test_non_seekable_csv_replays_the_sample(wrapper):
    # Larger than the sample, so both the replayed sample and the rest of the stream are read.
    body = 'S{:06d},税務システム,平成26年度,"1,234"\r\n'
    count = SAMPLE_SIZE // 30 + 5000
    text = excel_csv([HEADER]) + "".join(body.format(i) for i in range(count))
    reader, rows = read_all(wrapper(text.encode("cp932")))
    assert reader.encoding == "cp932"
    assert len(rows) == count
    assert rows[-1] == SourceRow(
        count + 1,
        dict(
            zip(HEADER, [f"S{count - 1:06d}", "税務システム", "平成26年度", "1,234"], strict=True)
        ),
    )


def test_non_seekable_utf16_source():
    data = codecs.BOM_UTF16_LE + excel_csv([HEADER, *ROWS], delimiter="\t").encode("utf-16-le")
    reader, rows = read_all(NonSeekable(data))
    assert (reader.encoding, reader.format) == ("utf-16", "tsv")
    assert rows == EXPECTED


@pytest.mark.parametrize("wrapper", [io.BytesIO, NonSeekable])
def test_xlsx_from_file_objects(workbook_path, wrapper):
    reader, rows = read_all(wrapper(workbook_path.read_bytes()), sheet="経費")
    assert reader.format == "xlsx"
    assert [r.number for r in rows] == [3, 5, 6]


def test_django_uploaded_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("costs.csv", excel_csv([HEADER, *ROWS]).encode("cp932"))
    upload.read()  # a view may have looked at it already
    reader, rows = read_all(upload)
    assert reader.name == "costs.csv"
    assert rows == EXPECTED


def test_close_is_idempotent_and_context_manager_closes(tmp_path):
    path = write(tmp_path, "c.csv", b"a,b\r\n1,2\r\n")
    reader = open_table(path)
    reader.close()
    reader.close()
    with open_table(path) as other:
        assert next(iter(other)).values == {"a": "1", "b": "2"}
    assert other._closed


# --- memory ---------------------------------------------------------------------------------


def test_large_csv_is_streamed_with_bounded_memory(tmp_path):
    path = tmp_path / "large.csv"
    filler = "備考" * 20
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("システムID,システム名,年度,金額（千円）,備考\r\n")
        for start in range(0, 200_000, 10_000):
            handle.write(
                "".join(
                    f'S{i:06d},税務システム{i},平成26年度,"1,{i % 1000:03d}",{filler}\r\n'
                    for i in range(start, start + 10_000)
                )
            )
    limit = 20 * 1024 * 1024
    assert path.stat().st_size > limit  # reading the whole file at once would break the limit

    tracemalloc.start()
    try:
        count = 0
        last = None
        with open_table(path) as reader:
            for row in reader:
                count += 1
                last = row
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert last is not None and last.number == 200_001
    assert last.values["金額（千円）"] == "1,999"
    assert peak < limit
