"""Decompression bombs: an XLSX or a SWID tag zip whose members declare more than
DAICHO_MAX_UNZIPPED_MB unpacked, or unpack at more than DAICHO_MAX_UNZIP_RATIO, is refused with a
clear message before a byte of it is inflated (a 1 MB XLSX whose shared strings unpack to 1 GiB
took a worker to 3.1 GB)."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from daicho.core.importing.readers import ImportFileError, open_table
from daicho.sam.models import Installation
from tests.core.test_cli import run

MB = 1024 * 1024
# Shared strings as Excel writes them: very repetitive XML, hence very compressible.
STRINGS = b"<si><t>AAAAAAAAAAAAAAAAAAAA</t></si>" * 30000


def _bomb_member(
    archive: zipfile.ZipFile, name: str, size: int, head: bytes = b"", tail: bytes = b""
) -> None:
    """Write ``size`` bytes of repetitive XML as one deflated member, a chunk at a time."""
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(head)
        written = 0
        while written < size:
            member.write(STRINGS)
            written += len(STRINGS)
        member.write(tail)


def _workbook_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["システムID", "システム名"])
    workbook.active.append(["S0001", "税務システム"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>'
)


def xlsx_bomb(path, unpacked: int) -> None:
    """A real workbook with a shared-strings part of ``unpacked`` bytes of strings that no cell
    uses (within the limits, the sheet reads as before)."""
    with (
        zipfile.ZipFile(io.BytesIO(_workbook_bytes())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", SST_TYPE)
            bomb.writestr(info, data)
        _bomb_member(bomb, "xl/sharedStrings.xml", unpacked, SST, b"</sst>")


@pytest.fixture(scope="module")
def big_xlsx(tmp_path_factory):
    """300 MB of shared strings in a file of under 1 MB (over the default 200 MB limit)."""
    path = tmp_path_factory.mktemp("bombs") / "systems.xlsx"
    xlsx_bomb(path, 300 * MB)
    return path


def test_an_xlsx_whose_shared_strings_unpack_past_the_limit_is_refused_unread(big_xlsx):
    assert big_xlsx.stat().st_size < 1 * MB
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as refused:
            open_table(big_xlsx)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = refused.value.message
    assert "xl/sharedStrings.xml" in message
    assert "上限（200 MB、100 倍）を超える" in message and "systems.xlsx" in message
    assert peak < 5 * MB  # the member was never inflated


def test_an_xlsx_bomb_read_from_a_stream_is_refused_too(big_xlsx):
    class Unseekable(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            return self._data.readinto(buffer)

    with pytest.raises(ImportFileError, match="sharedStrings.xml"):
        open_table(io.BufferedReader(Unseekable(big_xlsx.read_bytes())), name="upload.xlsx")


def test_a_member_under_the_size_limit_but_too_compressed_is_refused(tmp_path):
    path = tmp_path / "costs.xlsx"
    xlsx_bomb(path, 20 * MB)  # ~340:1
    with pytest.raises(ImportFileError, match=r"圧縮率 3\d\d 倍"):
        open_table(path)


def test_the_limits_come_from_the_settings_and_ordinary_workbooks_pass(tmp_path, settings):
    path = tmp_path / "costs.xlsx"
    xlsx_bomb(path, 2 * MB)
    settings.DAICHO_MAX_UNZIP_RATIO = 1000
    settings.DAICHO_MAX_UNZIPPED_BYTES = 1 * MB
    with pytest.raises(ImportFileError, match="上限（1 MB、1,000 倍）"):
        open_table(path)
    settings.DAICHO_MAX_UNZIPPED_BYTES = 4 * MB
    with open_table(path) as reader:  # within both limits: read as usual
        assert reader.headers[:2] == ["システムID", "システム名"]
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(_workbook_bytes())
    with open_table(plain) as reader:
        assert [row.values["システム名"] for row in reader] == ["税務システム"]


def test_a_swid_tag_zip_bomb_is_refused_by_the_import(world, capsys, tmp_path):
    path = tmp_path / "tags.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("PC000200/ok.swidtag", "<SoftwareIdentity name='x'/>")
        _bomb_member(archive, "PC000200/huge.swidtag", 250 * MB)
    assert path.stat().st_size < 1 * MB
    code, out, err = run(capsys, "import", "installations", str(path), "--json", "--org", "330001")
    assert code == 1
    assert "PC000200/huge.swidtag" in out + err and "上限" in out + err, out + err
    assert "Traceback" not in out + err
    assert not Installation.objects.exists()
    if out.strip():
        json.loads(out)  # --json prints one JSON document, nothing else
