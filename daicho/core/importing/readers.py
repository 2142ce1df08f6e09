"""The file-reading layer of the import engine: a user's CSV/TSV/XLSX file -> a stream of rows.

Japanese offices save spreadsheets from Excel in many ways (CP932 CSV with CRLF, UTF-8 with or
without BOM, "Unicode text" = UTF-16 LE with BOM and tabs, XLSX).  :func:`open_table` accepts all
of them, detects the format, encoding and delimiter, reads the header row and returns a
:class:`TableReader` that yields :class:`SourceRow` objects one at a time.

* Memory stays bounded whatever the file size: text files are decoded incrementally through
  :class:`io.TextIOWrapper` and parsed by :mod:`csv` record by record; XLSX files are read with
  openpyxl in read-only mode.  Only a small sample (at most :data:`SAMPLE_SIZE` bytes) is ever
  held to detect the encoding and delimiter.
* A file that cannot be read as a whole raises :class:`ImportFileError`, whose ``message`` is a
  short Japanese + English sentence meant for the user.
* Cell values are only stripped of surrounding whitespace (including U+3000); matching headers to
  columns and normalising values (NFKC, 和暦, amounts ...) is done by the caller.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import math
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import IO, Any, BinaryIO, Self
from xml.etree import ElementTree

__all__ = [
    "DELIMITERS",
    "SAMPLE_SIZE",
    "ImportFileError",
    "SourceRow",
    "TableReader",
    "check_zip_members",
    "open_table",
]

#: Bytes read up front to detect the encoding (UTF-8 validity is judged on this sample).
SAMPLE_SIZE = 1024 * 1024
#: Bytes inspected for the NUL-byte pattern of UTF-16 text without a BOM.
UTF16_PROBE_SIZE = 4096
#: Bytes decoded to detect the delimiter and to spot binary files.
HEAD_SIZE = 64 * 1024
#: Records (after the header) looked at when choosing the delimiter.
DELIMITER_PROBE_ROWS = 20
#: Candidate delimiters, in order of preference when they tie.
DELIMITERS = (",", "\t", ";", "|")
#: Share of control characters (other than tab/CR/LF) above which a file is called binary.
BINARY_CONTROL_RATIO = 0.10

#: Non-blank rows looked at for the header row (title rows above it are skipped and reported).
HEADER_SCAN_ROWS = 20
#: Words of a total row (合計/小計/計 …): such rows are skipped and reported, never imported.
TOTAL_WORDS = frozenset(
    {"合計", "小計", "計", "総計", "総合計", "累計", "合計額", "total", "subtotal", "grandtotal"}
)

ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary (OLE2): legacy .xls, and password-protected .xlsx files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Names users give for Windows Shift_JIS; all are read as cp932 (its superset).
_CP932_NAMES = {"shift_jis", "cp932", "windows_31j", "windows-31j"}
_WIDE_ENCODINGS = ("utf-16", "utf-32")
_COPY_CHUNK = 1024 * 1024

#: Defaults of DAICHO_MAX_UNZIPPED_MB and DAICHO_MAX_UNZIP_RATIO (settings override them).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_UNZIP_RATIO = 100
#: Members smaller than this once unpacked are not held to the ratio (a tiny, very repetitive
#: XML part compresses far better than 100:1 and costs nothing).
RATIO_GRACE_BYTES = 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row: its row number and original header text -> stripped cell text."""

    # Record number in the file, counting the header record as 1 (and any blank records
    # before it).  This is the row number Excel shows; it differs from a text editor's line
    # number only after a quoted cell containing a line break.  For XLSX, the sheet row number.
    number: int
    # Original header text -> cell text ('' when empty).  Cells beyond the last header are
    # kept under '列{n}' keys (n = 1-based column index) when any of them is non-empty.
    values: dict[str, str]


class TableReader:
    """Iterate rows of one table; ``headers`` is the list of original header texts (stripped).

    Build it with :func:`open_table`.  Iteration is single-pass (the file is streamed) and
    skips completely blank rows without renumbering.  When a data row has more cells than
    there are headers, the extra cells are dropped if they are all empty, otherwise they are
    added under ``'列{n}'`` keys so the caller can decide (warn, reject, ...).  Missing cells
    are ``''``.  Use as a context manager, or call :meth:`close`.  A caller-supplied file
    object is never closed (only files this module opened itself).
    """

    headers: list[str]
    encoding: str | None
    delimiter: str | None
    format: str
    name: str | None
    header_row: int

    def __init__(
        self,
        records: Iterator[tuple[int, list[str]]],
        *,
        name: str | None,
        format: str,
        encoding: str | None,
        delimiter: str | None,
        closer: Callable[[], None],
        header_test: Callable[[list[str]], bool] | None = None,
    ) -> None:
        """Read the header record from ``records`` (internal: use :func:`open_table`).

        ``header_test(cells)`` says whether a row is the header: the first of the first
        :data:`HEADER_SCAN_ROWS` non-blank rows that passes is, the rows above it are titles
        (skipped and noted). Without a test the first non-blank row is the header."""
        self._records = records
        self._closer = closer
        self._closed = False
        self.name = name
        self.format = format
        self.encoding = encoding
        self.delimiter = delimiter
        #: What was passed over, for the user: [{"rows": [...], "reason": "title"|"total"|
        #: "blank", "text": first cells}] (see :meth:`notes_text`).
        self.skipped: list[dict[str, Any]] = []
        self._blank: list[int] = []
        try:
            self._find_header(header_test)
        except BaseException:
            self.close()
            raise
        self._header_set = set(self.headers)

    def _find_header(self, header_test: Callable[[list[str]], bool] | None) -> None:
        tried: list[tuple[int, list[str]]] = []
        for number, cells in self._records:
            if not any(cell.strip() for cell in cells):
                continue
            if header_test is None or header_test(cells):
                self.header_row = number
                self.headers = _make_headers(cells, self.name)
                if tried:
                    self.skipped.append(
                        {
                            "reason": "title",
                            "rows": [n for n, _cells in tried],
                            "text": " ".join(_preview(c) for _n, c in tried[:2]),
                        }
                    )
                return
            tried.append((number, cells))
            if len(tried) >= HEADER_SCAN_ROWS:
                break
        if not tried:
            raise ImportFileError(_named("ファイルが空です (the file is empty)", self.name))
        seen = "、".join(f"{n}行目「{_preview(cells)}」" for n, cells in tried[:5])
        needs = getattr(header_test, "needs", "")
        raise ImportFileError(
            _named(
                f"見出しの行が見つかりません（{tried[0][0]}〜{tried[-1][0]}行目を見ました）。"
                f"見えた行: {seen} (no header row found in rows {tried[0][0]}–{tried[-1][0]})"
                + (f" — {needs}" if needs else ""),
                self.name,
            )
        )

    def __iter__(self) -> Iterator[SourceRow]:
        """Yield the data rows after the header, skipping blank and total rows."""
        headers = self.headers
        width = len(headers)
        for number, cells in self.records():
            while cells and not cells[-1]:
                cells.pop()  # trailing empty cells carry nothing (and may exceed the headers)
            values = {
                header: cells[i] if i < len(cells) else "" for i, header in enumerate(headers)
            }
            for index in range(width, len(cells)):
                values[self._extra_key(index + 1)] = cells[index]
            yield SourceRow(number, values)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows as (row number, stripped cells) without a dict per row: for bulk
        paths that read millions of rows by column position (see :attr:`headers`).

        Blank rows are skipped (those between data rows are noted); a row whose first filled
        cell is 合計, 小計, 計 … is a total: skipped and noted, never imported."""
        strip = str.strip
        blank = self._blank
        for number, raw in self._records:
            cells = list(map(strip, raw))
            if not any(cells):
                blank.append(number)
                continue
            first = cells[0] or next(c for c in cells if c)
            if ("計" in first or "otal" in first or "OTAL" in first) and _is_total(first):
                self._skip(number, "total", cells)
                continue
            if blank:
                self._skip_blank()
            yield number, cells
        blank.clear()  # blank rows after the last data row are not worth a word

    def _skip(self, number: int, reason: str, cells: list[str]) -> None:
        if self._blank:
            self._skip_blank()
        last = self.skipped[-1] if self.skipped else None
        if last is not None and last["reason"] == reason and reason != "title":
            last["rows"].append(number)
        else:
            self.skipped.append({"reason": reason, "rows": [number], "text": _preview(cells)})

    def _skip_blank(self) -> None:
        for number in self._blank:
            last = self.skipped[-1] if self.skipped else None
            if last is not None and last["reason"] == "blank":
                last["rows"].append(number)
            else:
                self.skipped.append({"reason": "blank", "rows": [number], "text": ""})
        self._blank.clear()

    def _extra_key(self, column: int) -> str:
        """Key for a cell beyond the headers; never collides with a real header."""
        key = f"列{column}"
        while key in self._header_set:
            key += "'"
        return key

    def close(self) -> None:
        """Release the file (idempotent)."""
        if self._closed:
            return
        self._closed = True
        close_records = getattr(self._records, "close", None)
        if close_records is not None:
            close_records()
        self._closer()

    def __enter__(self) -> Self:
        """Return the reader itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the file."""
        self.close()

    def __repr__(self) -> str:
        return (
            f"<TableReader {self.name!r} format={self.format} encoding={self.encoding} "
            f"delimiter={self.delimiter!r} headers={self.headers!r}>"
        )


def open_table(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    name: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    header_test: Callable[[list[str]], bool] | None = None,
) -> TableReader:
    """Open a CSV/TSV/XLSX file (path or binary file object) and read its header row
    (the first row that passes ``header_test``, see :class:`TableReader`)."""
    owns = isinstance(source, str | os.PathLike)
    if owns:
        path = os.fspath(source)
        name = name or os.path.basename(path)
        try:
            stream: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the TableReader
        except OSError as exc:
            raise ImportFileError(
                _named(f"ファイルを開けません (cannot open the file: {exc.strerror})", name)
            ) from exc
    else:
        stream = source  # type: ignore[assignment]
        if name is None and isinstance(getattr(source, "name", None), str):
            name = os.path.basename(source.name) or None  # type: ignore[union-attr]
    try:
        return _open_stream(
            stream, name=name, sheet=sheet, encoding=encoding, owns=owns, header_test=header_test
        )
    except BaseException:
        if owns:
            stream.close()
        raise


# --- dispatch -------------------------------------------------------------------------------


def _open_stream(
    stream: IO[bytes],
    *,
    name: str | None,
    sheet: str | None,
    encoding: str | None,
    owns: bool,
    header_test: Callable[[list[str]], bool] | None = None,
) -> TableReader:
    """Sniff the first bytes and hand over to the XLSX or text reader."""
    seekable = _is_seekable(stream)
    if seekable:
        stream.seek(0)
    magic = _read_up_to(stream, len(ZIP_MAGIC))
    if magic == ZIP_MAGIC:
        return _open_xlsx(
            stream,
            magic,
            seekable=seekable,
            name=name,
            sheet=sheet,
            owns=owns,
            header_test=header_test,
        )
    sample = magic + _read_up_to(stream, SAMPLE_SIZE - len(magic))
    at_eof = len(sample) < SAMPLE_SIZE
    if not sample:
        raise ImportFileError(_named("ファイルが空です (the file is empty)", name))
    if sample.startswith(OLE_MAGIC):
        raise ImportFileError(
            _named(
                "Excel 97-2003 形式 (.xls) またはパスワード付きのファイルは読めません。"
                ".xlsx か CSV で保存し直してください "
                "(legacy .xls and password-protected files are not supported)",
                name,
            )
        )
    if seekable:
        stream.seek(0)
        prefix = b""
    else:
        prefix = sample  # a non-seekable stream: replay the sample before the rest
    return _open_text(
        stream,
        sample,
        at_eof,
        prefix=prefix,
        name=name,
        encoding=encoding,
        owns=owns,
        header_test=header_test,
    )


# --- text (CSV / TSV) -----------------------------------------------------------------------


def _open_text(
    stream: IO[bytes],
    sample: bytes,
    at_eof: bool,
    *,
    prefix: bytes,
    name: str | None,
    encoding: str | None,
    owns: bool,
    header_test: Callable[[list[str]], bool] | None = None,
) -> TableReader:
    """Detect encoding and delimiter, then stream the text through csv.reader."""
    if encoding:
        chosen = _normalise_encoding(encoding, sample)
        guessed = False
    else:
        chosen = _detect_encoding(sample, at_eof, name)
        guessed = chosen == "cp932"
    wide = chosen.startswith(_WIDE_ENCODINGS)
    if not wide and b"\x00" in sample:
        if not guessed and _looks_utf16(sample, at_eof):
            raise ImportFileError(
                _named(
                    f"文字コード {chosen} として読めません（1行目）。UTF-16 のファイルのようです"
                    f" — --encoding を確認してください (cannot decode as {chosen}: the file"
                    " looks like UTF-16)",
                    name,
                )
            )
        raise ImportFileError(_binary_message(name))
    head_bytes = sample[:HEAD_SIZE]
    head_complete = at_eof and len(sample) <= HEAD_SIZE
    head = codecs.getincrementaldecoder(chosen)(errors="replace").decode(
        head_bytes, final=head_complete
    )
    if _looks_binary(head, count_undecodable=guessed):
        raise ImportFileError(_binary_message(name))
    delimiter = _detect_delimiter(head, complete=head_complete)

    raw = _ReplayStream(stream, prefix, owns_source=owns)
    buffered = io.BufferedReader(raw, buffer_size=64 * 1024)
    text = io.TextIOWrapper(buffered, encoding=chosen, errors="strict", newline="")
    records = _csv_records(text, delimiter, chosen, _counting_codec(chosen, sample), name)
    return TableReader(
        records,
        name=name,
        format="tsv" if delimiter == "\t" else "csv",
        encoding=chosen,
        delimiter=delimiter,
        closer=text.close,
        header_test=header_test,
    )


def _normalise_encoding(encoding: str, sample: bytes) -> str:
    """Canonical codec name for a user-given encoding (Shift_JIS aliases -> cp932)."""
    lowered = encoding.strip().lower()
    if lowered in _CP932_NAMES:
        return "cp932"
    try:
        info = codecs.lookup(lowered)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ImportFileError(
            f"文字コード「{encoding}」は使えません (unknown encoding: {encoding}) "
            "— 例: utf-8, cp932, utf-16"
        )
    if info.name in _CP932_NAMES:
        return "cp932"
    if info.name == "utf-8" and sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"  # 'utf-8' given for a file with a BOM: do not leak U+FEFF
    return info.name


def _detect_encoding(sample: bytes, at_eof: bool, name: str | None) -> str:
    """Guess the encoding of a text file from its first bytes (see the module rules)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    probe_complete = at_eof and len(sample) <= UTF16_PROBE_SIZE
    utf16 = _utf16_without_bom(sample[:UTF16_PROBE_SIZE], probe_complete)
    if utf16:
        return utf16
    if b"\x00" in sample:
        raise ImportFileError(_binary_message(name))
    # Strict UTF-8 on the sample.  The incremental decoder (final=False unless the whole file
    # is in the sample) accepts a multi-byte character cut at the end of the sample, i.e. it
    # ignores up to 3 trailing bytes of an incomplete sequence, while rejecting any real error.
    try:
        codecs.getincrementaldecoder("utf-8")(errors="strict").decode(sample, final=at_eof)
    except UnicodeDecodeError:
        return "cp932"
    return "utf-8"


def _looks_utf16(sample: bytes, at_eof: bool) -> bool:
    """Whether the sample has a UTF-16 BOM or the NUL pattern of UTF-16 text."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    complete = at_eof and len(sample) <= UTF16_PROBE_SIZE
    return _utf16_without_bom(sample[:UTF16_PROBE_SIZE], complete) is not None


def _utf16_without_bom(probe: bytes, complete: bool) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL bytes sit (almost) only at odd/even offsets."""
    probe = probe[: len(probe) - len(probe) % 2]
    pairs = len(probe) // 2
    if not pairs:
        return None
    even_nuls = probe[0::2].count(0)
    odd_nuls = probe[1::2].count(0)
    # ASCII characters (digits, delimiters, CR/LF) encode as XX 00 in LE and 00 XX in BE, so
    # in real tables at least a fifth of the code units carry a NUL, nearly all on one side;
    # Japanese characters rarely contain a 00 byte, binary data has NULs at both parities.
    needed = max(2, pairs // 5)
    if odd_nuls >= needed and even_nuls <= odd_nuls // 10:
        candidate = "utf-16-le"
    elif even_nuls >= needed and odd_nuls <= even_nuls // 10:
        candidate = "utf-16-be"
    else:
        return None
    try:
        codecs.getincrementaldecoder(candidate)(errors="strict").decode(probe, final=complete)
    except UnicodeDecodeError:
        return None
    return candidate


def _looks_binary(text: str, *, count_undecodable: bool) -> bool:
    """True when more than 10 % of the characters are control characters (or undecodable)."""
    if not text:
        return False
    bad = sum(
        1
        for char in text
        if (char < " " and char not in "\t\r\n")
        or char == "\x7f"
        or (count_undecodable and char == "\ufffd")
    )
    return bad > len(text) * BINARY_CONTROL_RATIO


def _detect_delimiter(head: str, *, complete: bool) -> str:
    """Pick the delimiter splitting the header into most fields with consistent rows after it.

    Each candidate parses the head with csv.reader (so quoted delimiters do not count).  A
    candidate needs at least 2 header fields; candidates are ranked by (at least 80 % of the
    following records have the header's field count, header field count, that share), ties
    going to the earlier candidate in :data:`DELIMITERS`.  Without any candidate: ','.
    """
    if not complete:
        # Drop the (probably cut) last line; keep everything if there is a single line.
        cut = max(head.rfind("\n"), head.rfind("\r"))
        if cut > 0:
            head = head[: cut + 1]
    best: tuple[tuple[bool, int, float], str] | None = None
    for delimiter in DELIMITERS:
        records = _probe_records(head, delimiter)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        rest = records[1:]
        share = sum(len(r) == width for r in rest) / len(rest) if rest else 1.0
        key = (share >= 0.8, width, share)
        if best is None or key > best[0]:
            best = (key, delimiter)
    return best[1] if best else ","


def _probe_records(head: str, delimiter: str) -> list[list[str]]:
    """The first non-blank records of ``head`` parsed with ``delimiter``."""
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append(record)
                if len(records) > DELIMITER_PROBE_ROWS:
                    break
    except csv.Error:
        pass  # judge on what could be parsed
    return records


def _counting_codec(encoding: str, sample: bytes) -> str:
    """Byte-order-specific codec to re-decode a chunk when locating a decoding error."""
    if encoding in ("utf-16", "utf-32"):
        little = not sample.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE))
        return f"{encoding}-{'le' if little else 'be'}"
    return encoding


class _ReplayStream(io.RawIOBase):
    """Raw binary stream that first replays an already-read prefix, then reads the source."""

    def __init__(self, source: IO[bytes], prefix: bytes, *, owns_source: bool) -> None:
        super().__init__()
        self._source = source
        self._prefix = memoryview(prefix)
        self._owns_source = owns_source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._prefix:
            count = min(len(view), len(self._prefix))
            view[:count] = self._prefix[:count]
            self._prefix = self._prefix[count:]
            return count
        data = self._source.read(len(view))
        if not data:
            return 0
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._prefix = memoryview(b"")
            if self._owns_source:
                self._source.close()
        super().close()


def _decode_message(
    exc: UnicodeDecodeError, lines_read: int, encoding: str, counting: str, name: str | None
) -> str:
    """Where a decoding error is, for the user: `lines_read` lines were read before it."""
    # TextIOWrapper decodes chunk by chunk and only fetches a chunk once the lines before
    # it were consumed, so the bad byte is on the line after the ones already read plus
    # the line breaks that precede it inside the failing chunk.
    before = bytes(exc.object[: exc.start]).decode(counting, errors="replace")
    line = lines_read + 1 + before.count("\r") + before.count("\n") - before.count("\r\n")
    where = f": {name}" if name else ""
    return (
        f"文字コード {encoding} として読めません（{line}行目）{where} "
        f"— --encoding を確認してください (cannot decode as {encoding} at line {line})"
    )


def _csv_records(
    text: io.TextIOWrapper, delimiter: str, encoding: str, counting: str, name: str | None
) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) for every record, blank ones included; decoding errors and
    malformed CSV become ImportFileError naming the line (csv.reader counts the lines)."""
    reader = csv.reader(text, delimiter=delimiter, quotechar='"', strict=False)
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, cells
    except UnicodeDecodeError as exc:
        message = _decode_message(exc, reader.line_num, encoding, counting, name)
        raise ImportFileError(message) from exc
    except csv.Error as exc:
        line = max(reader.line_num, 1)
        raise ImportFileError(
            _named(
                f"CSVの形式が正しくありません（{line}行目付近） "
                f"(malformed CSV near line {line}: {exc})",
                name,
            )
        ) from exc


# --- zip members (XLSX and zips of files) ---------------------------------------------------


def _zip_limits() -> tuple[int, float]:
    """(largest unpacked member in bytes, highest compression ratio) from the settings."""
    try:
        from django.conf import settings

        return (
            int(getattr(settings, "DAICHO_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES)),
            float(getattr(settings, "DAICHO_MAX_UNZIP_RATIO", MAX_UNZIP_RATIO)),
        )
    except ImportError:  # the readers are usable without Django
        return MAX_UNZIPPED_BYTES, MAX_UNZIP_RATIO


def check_zip_members(archive: zipfile.ZipFile, name: str | None) -> None:
    """Refuse a zip (an XLSX is one) any of whose members would unpack to more than the limit,
    or at a higher ratio than the limit, before a byte of it is inflated.

    The sizes are the ones the archive declares; zipfile never inflates a member past its
    declared ``file_size`` (and a member that lies fails its CRC), so they bound what a reader
    can be made to hold.
    """
    max_bytes, max_ratio = _zip_limits()
    for info in archive.infolist():
        ratio = info.file_size / max(info.compress_size, 1)
        too_big = info.file_size > max_bytes
        if too_big or (info.file_size > RATIO_GRACE_BYTES and ratio > max_ratio):
            raise ImportFileError(
                _named(
                    f"圧縮されたファイル「{info.filename}」は展開すると "
                    f"{info.file_size / 1048576:,.0f} MB（圧縮率 {ratio:,.0f} 倍）になり、"
                    f"上限（{max_bytes / 1048576:,.0f} MB、{max_ratio:,.0f} 倍）を超えるため"
                    f"読みません (the member {info.filename!r} would unpack to "
                    f"{info.file_size / 1048576:,.0f} MB at a ratio of {ratio:,.0f}:1, over the "
                    f"limit of {max_bytes / 1048576:,.0f} MB and {max_ratio:,.0f}:1)",
                    name,
                )
            )


# --- XLSX -----------------------------------------------------------------------------------


def _open_xlsx(
    stream: IO[bytes],
    magic: bytes,
    *,
    seekable: bool,
    name: str | None,
    sheet: str | None,
    owns: bool,
    header_test: Callable[[list[str]], bool] | None = None,
) -> TableReader:
    """Open the workbook read-only and stream the chosen worksheet."""
    from openpyxl import load_workbook

    if seekable:
        stream.seek(0)
        archive: IO[bytes] = stream
        spool = None
    else:
        # A zip needs random access: copy the stream to a temporary file (in memory up to 1 MB).
        spool = tempfile.SpooledTemporaryFile(max_size=_COPY_CHUNK)  # noqa: SIM115
        spool.write(magic)
        shutil.copyfileobj(stream, spool, _COPY_CHUNK)
        spool.seek(0)
        archive = spool  # type: ignore[assignment]

    def release() -> None:
        if spool is not None:
            spool.close()

    not_xlsx = _named("Excelファイルとして読めません (not a readable XLSX file)", name)
    try:
        with zipfile.ZipFile(archive) as members:  # the central directory only: nothing inflated
            check_zip_members(members, name)
        archive.seek(0)
        workbook = load_workbook(archive, read_only=True, data_only=True)
    except ImportFileError:
        release()
        raise
    except Exception as exc:  # openpyxl/zipfile raise many types for a damaged file
        release()
        raise ImportFileError(not_xlsx) from exc

    def close() -> None:
        workbook.close()
        release()
        if owns:
            stream.close()

    try:
        worksheet = _pick_sheet(workbook, sheet, name)
    except BaseException:
        workbook.close()
        release()
        raise
    # Some writers store a wrong <dimension>; read every row the sheet really has.
    worksheet.reset_dimensions()
    merged = _merged_ranges(workbook, worksheet)
    return TableReader(
        _xlsx_records(worksheet, not_xlsx, merged),
        name=name,
        format="xlsx",
        encoding=None,
        delimiter=None,
        closer=close,
        header_test=header_test,
    )


def _pick_sheet(workbook: Any, sheet: str | None, name: str | None) -> Any:
    """The named worksheet, or the first one."""
    worksheets = workbook.worksheets
    names = [ws.title for ws in worksheets]
    if not sheet:
        if not worksheets:
            raise ImportFileError(_named("ワークシートがありません (no worksheet)", name))
        return worksheets[0]
    for worksheet in worksheets:
        if worksheet.title == sheet:
            return worksheet
    available = "、".join(f"「{n}」" for n in names)
    raise ImportFileError(
        _named(
            f"シート「{sheet}」がありません。あるシート: {available} "
            f"(no sheet named {sheet!r}; available: {', '.join(names)})",
            name,
        )
    )


def _xlsx_records(
    worksheet: Any, not_xlsx: str, merged: list[tuple[int, int, int, int]] = ()
) -> Iterator[tuple[int, list[str]]]:
    """(sheet row number, cell texts) for every row; empty rows included. A merged range's
    cells all take the value of its top-left cell, as a person reads the sheet.

    The sheet's XML is read by :func:`_sheet_rows` (about twice as fast as openpyxl's
    read-only parser); a worksheet it cannot lay out goes through openpyxl's."""
    rows = None
    try:
        workbook = worksheet.parent
        rows = _sheet_rows(
            workbook._archive.open(worksheet._worksheet_path),
            worksheet._shared_strings,
            workbook._date_formats,
            workbook._timedelta_formats,
            workbook.epoch,
        )
    except (AttributeError, KeyError, ValueError):
        pass
    if rows is None:
        rows = _openpyxl_rows(worksheet)
    anchors: dict[tuple[int, int], str] = {}
    try:
        while True:
            try:
                number, cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet part surfaces only while iterating
                raise ImportFileError(not_xlsx) from exc
            if merged:
                _fill_merged(number, cells, merged, anchors)
            yield number, cells
    finally:
        rows.close()


def _openpyxl_rows(worksheet: Any) -> Iterator[tuple[int, list[str]]]:
    """openpyxl's read-only rows as (sheet row number, cell texts)."""
    # Read-only sheets yield missing rows as empty tuples: the numbers stay right.
    for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
        yield number, [_cell_text(value) for value in row]


_XLSX_READ = 1 << 18
_DIGITS = "0123456789"
_WORKSHEET = re.compile(
    rb"<(?:([\w.-]+):)?worksheet(?:\s+[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*>"
)
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData(?:\s[^>]*?)?(/?)>")


def _sheet_rows(
    part: IO[bytes],
    shared: list[str],
    date_styles: Any,
    duration_styles: Any,
    epoch: datetime.datetime,
) -> Iterator[tuple[int, list[str]]] | None:
    """(sheet row number, cell texts) for every row of a worksheet part, or None (the part
    closed) when its start is not laid out as the format says.

    What openpyxl's read-only ``iter_rows(values_only=True)`` gives, as :func:`_cell_text`
    writes it: shared and inline strings (rich-text runs joined, phonetic guides left out),
    numbers (int, or float), dates and times by the cell's number format (``date_styles``,
    ``duration_styles``: style ids, as openpyxl reads them from the workbook's styles), booleans,
    errors and formula results (the cached value). Missing rows come as empty lists; a row
    repeated or out of order is skipped, as openpyxl does.

    The rows are cut out of the XML at their closing tags, a few hundred kilobytes at a time,
    and each cut is parsed whole by ElementTree's C parser: no Python call per element, where
    openpyxl's iterparse makes three per cell. Comments and CDATA sections (which could hide a
    closing tag; no spreadsheet program writes them) send the rest through a pull parser."""
    head = b""
    while True:
        block = part.read(_XLSX_READ)
        head += block
        data = _SHEET_DATA.search(head)
        if data is not None or not block or len(head) > 16 * _XLSX_READ:
            break
    root = _WORKSHEET.search(head, 0, data.start()) if data is not None else None
    if root is None:
        part.close()
        return None
    prefix = root.group(1) + b":" if root.group(1) else b""
    wrap = (root.group(0), b"</%sworksheet>" % prefix, data.group(0))
    if data.group(1):  # <sheetData/>: no rows
        part.close()
        return (row for row in ())
    return _rows_of(
        part,
        head[data.end() :],
        wrap,
        b"</%srow>" % prefix,
        _Cells(shared, date_styles, duration_styles, epoch),
    )


def _rows_of(
    part: IO[bytes], rest: bytes, wrap: tuple[bytes, ...], row_end: bytes, cells: _Cells
) -> Iterator[tuple[int, list[str]]]:
    """The rows of the sheet data from ``rest`` on (see :func:`_sheet_rows`)."""
    opening, closing, sheet_data = wrap
    end = len(row_end)
    try:
        while True:
            block = part.read(_XLSX_READ)
            rest += block
            cut = rest.rfind(row_end)
            if cut < 0 and block:
                continue
            chunk, rest = (rest[: cut + end], rest[cut + end :]) if cut >= 0 else (b"", rest)
            if b"<!" in chunk or (not block and b"<!" in rest):
                yield from _pulled_rows(opening + sheet_data + chunk + rest, part, cells)
                return
            if not block:
                # The last rows: up to the end of the sheet data (rows written <row/> may be
                # there), the rest of the part (merged cells, page setup …) left out.
                last = rest.find(b"sheetData>")
                chunk += rest[: rest.rfind(b"<", 0, last)] if last >= 0 else rest
            if chunk:
                for row in ElementTree.fromstring(opening + chunk + closing):
                    texts = cells.row(row)
                    if texts is not None:
                        for missing in cells.missing:
                            yield missing, []
                        yield cells.number, texts
            if not block:
                return
    finally:
        part.close()


def _pulled_rows(start: bytes, part: IO[bytes], cells: _Cells) -> Iterator[tuple[int, list[str]]]:
    """The rows from ``start`` (the worksheet's and the sheet data's opening tags, then rows)
    and the rest of ``part``, through a pull parser."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    sheet_data = None
    block = start
    while block:
        parser.feed(block)
        for event, element in parser.read_events():
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                if tag == "sheetData":
                    sheet_data = element
            elif tag == "row" and sheet_data is not None:
                texts = cells.row(element)
                if texts is not None:
                    yield from ((missing, []) for missing in cells.missing)
                    yield cells.number, texts
                sheet_data.remove(element)  # rows read are let go: memory stays flat
        block = part.read(_XLSX_READ)
    parser.close()


class _Cells:
    """Row elements of a sheet as (row number, cell texts), numbered as openpyxl numbers them
    (see :func:`_sheet_rows`)."""

    def __init__(self, shared, date_styles, duration_styles, epoch) -> None:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.shared = shared
        self.date_styles = date_styles
        self.duration_styles = duration_styles
        self.epoch = epoch
        self.columns: dict[str, int] = {}
        self.number = 0  # the last row's number
        self.next = 1  # the next row number to give (rows before it are given or skipped)
        self.missing = range(0)
        self.tags: tuple[str, ...] = ()

    def _tags(self, row_tag: str) -> tuple[str, ...]:
        ns = row_tag[: row_tag.find("}") + 1]
        self.tags = (ns + "v", ns + "is", ns + "t", ns + "r")
        return self.tags

    def _column(self, letters: str) -> int:
        index = 0
        for char in letters.upper():
            index = index * 26 + ord(char) - 64
        self.columns[letters] = index
        return index

    def row(self, row: Any) -> list[str] | None:
        """The row's cell texts (``number`` its number, ``missing`` the empty rows before it
        that the sheet leaves out), or None for a row repeated."""
        text = row.get("r")
        if text:
            try:
                self.number = int(text)
            except ValueError:
                value = float(text)
                if not value.is_integer():
                    raise ValueError(f"{text} is not a valid row number") from None
                self.number = int(value)
        else:
            self.number += 1
        number = self.number
        if number < self.next:
            return None
        self.missing = range(self.next, number)
        self.next = number + 1
        V, IS, T, R = self.tags or self._tags(row.tag)  # noqa: N806
        columns, shared = self.columns, self.shared
        texts: list[str] = []
        append = texts.append
        column = 0
        for cell in row:
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                at = columns.get(letters) or self._column(letters)
            else:
                at = column + 1
            kind = cell.get("t", "n")
            if kind == "s":
                value = cell.findtext(V)
                value = shared[int(value)] if value else ""
            elif kind == "inlineStr":
                inline = cell.find(IS)
                if inline is not None:
                    runs = [r.findtext(T) or "" for r in inline.iterfind(R)]
                    value = (inline.findtext(T) or "") + "".join(runs)
                else:
                    value = ""
            else:
                value = cell.findtext(V)
                value = self.convert(kind, value, cell.get("s")) if value else ""
            # As openpyxl: a later cell of a column wins; the row is as wide as its last cell.
            size = len(texts)
            if at > size:
                if at > size + 1:
                    texts.extend([""] * (at - size - 1))
                append(value)
            else:
                texts[at - 1] = value
            column = at
        del texts[column:]
        return texts

    def convert(self, kind: str, value: str, style: str | None) -> str:
        """A cell's text from its type, cached value and style (not for shared strings)."""
        if kind == "n":
            number: Any = (
                float(value) if "." in value or "E" in value or "e" in value else int(value)
            )
            if style and int(style) in self.date_styles:
                duration = int(style) in self.duration_styles
                try:
                    return _cell_text(self.from_excel(number, self.epoch, timedelta=duration))
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return str(number) if number.__class__ is int else _float_text(number)
        if kind == "b":
            return "true" if int(value) else "false"
        if kind == "d":
            return _cell_text(self.from_iso(value))
        return value  # str (a formula's text), e (an error), anything unforeseen


def _fill_merged(
    number: int,
    cells: list[str],
    merged: list[tuple[int, int, int, int]],
    anchors: dict[tuple[int, int], str],
) -> None:
    """Give the cells of row ``number`` that lie in a merged range the range's value."""
    for min_row, min_col, max_row, max_col in merged:
        if not min_row <= number <= max_row:
            continue
        if number == min_row:
            anchors[(min_row, min_col)] = cells[min_col - 1] if len(cells) >= min_col else ""
        value = anchors.get((min_row, min_col), "")
        if len(cells) < max_col:
            cells.extend([""] * (max_col - len(cells)))
        for column in range(min_col, max_col + 1):
            cells[column - 1] = value


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _merged_ranges(workbook: Any, worksheet: Any) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a read-only worksheet as (min row, min col, max row, max col).

    openpyxl's read-only mode does not read them; they sit at the end of the sheet's XML, which
    is scanned as bytes (the rows are not parsed twice)."""
    from openpyxl.utils import column_index_from_string

    archive = getattr(workbook, "_archive", None)
    path = getattr(worksheet, "_worksheet_path", None)
    if archive is None or path is None:
        return []
    ranges: list[tuple[int, int, int, int]] = []
    try:
        with archive.open(path) as part:
            tail = b""
            for block in iter(lambda: part.read(1 << 20), b""):
                data = tail + block
                if b"mergeCell" in data:
                    for m in _MERGE_CELL.finditer(data):
                        first_col, first_row, last_col, last_row = m.groups()
                        last_col, last_row = last_col or first_col, last_row or first_row
                        ranges.append(
                            (
                                int(first_row),
                                column_index_from_string(first_col.decode()),
                                int(last_row),
                                column_index_from_string(last_col.decode()),
                            )
                        )
                tail = data[-200:]
    except (KeyError, OSError, ValueError):
        return []
    return sorted(set(ranges))


def _cell_text(value: object) -> str:
    """Text of an XLSX cell value: ints without '.0', ISO dates, 'true'/'false', '' for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime.datetime):
        # Excel has no date type: a date cell comes back as a midnight datetime.
        if value.time() == datetime.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)  # timedelta (duration formats) and anything unforeseen


def _float_text(value: float) -> str:
    """Plain decimal text for a float: 12.0 -> '12', 0.1 -> '0.1', 1e-07 -> '0.0000001'."""
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    text = repr(value)  # shortest text that round-trips
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


# --- helpers --------------------------------------------------------------------------------


def _make_headers(cells: list[str], name: str | None) -> list[str]:
    """Stripped header texts; blank ones named '列{n}'; duplicates refused."""
    headers = [cell.strip() for cell in cells]
    if headers:
        headers[0] = headers[0].lstrip("\ufeff").strip()  # a BOM the codec did not remove
    while headers and not headers[-1]:
        headers.pop()  # trailing blank header cells are not columns
    headers = [header or f"列{index}" for index, header in enumerate(headers, start=1)]
    seen: dict[str, int] = {}
    for index, header in enumerate(headers, start=1):
        if header in seen:
            raise ImportFileError(
                _named(
                    f"見出し「{header}」が重複しています（{seen[header]}列目と{index}列目） "
                    f"(duplicate column header: {header})",
                    name,
                )
            )
        seen[header] = index
    return headers


def _is_total(text: str) -> bool:
    """Whether a cell reads 合計, 小計, 計 … (a total row's label), spaces and brackets aside."""
    key = re.sub(r"[\s【】\[\]()（）<>＜＞:：]", "", unicodedata.normalize("NFKC", text)).lower()
    return key in TOTAL_WORDS


def _preview(cells: list[str], limit: int = 60) -> str:
    """The filled cells of a row, joined for a message (a merged cell's value once)."""
    filled = [c.strip() for c in cells if c and c.strip()]
    text = "、".join(c for i, c in enumerate(filled) if i == 0 or c != filled[i - 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _named(message: str, name: str | None) -> str:
    """Append the file name to a message when it is known."""
    return f"{message}: {name}" if name else message


def _binary_message(name: str | None) -> str:
    return _named(
        "バイナリファイルのようです (this looks like a binary file, not CSV/TSV/XLSX)", name
    )


def _is_seekable(stream: IO[bytes]) -> bool:
    """Whether seek(0) can be used on the stream (file-likes may lack seekable())."""
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    """Read ``size`` bytes, or fewer only at end of file (read() may return short)."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)
