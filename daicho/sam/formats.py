"""Formats the `installations` kind reads besides its own table.

* a table (CSV, TSV, XLSX, or the UTF-16 text Windows writes when "Programs and Features" or
  PowerShell's `Get-ItemProperty …\\Uninstall\\* | Export-Csv` output is saved): columns are
  matched by name (the kind's alias table, data/import_headers.yaml) or through `--map`. A table
  must name its device in a column (PC名, ComputerName, PSComputerName, …); one without a device
  column is refused unless `--device NAME` says whose inventory it is. Nothing is named after
  the file: a multi-PC export whose device column went unrecognised would otherwise land on one
  invented device;
* `dpkg-query -W` output from a Debian/Ubuntu server (package TAB version per line, no header):
  one device's by nature, named by the file (web01.txt → device web01) or `--device`;
* a folder, or a zip, of ISO/IEC 19770-2 SWID tag files (*.swidtag, 2009 or 2015 schema): tags in
  a sub-folder belong to the device the sub-folder names, others to the device the folder or zip
  names (or `--device`).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from daicho.core.importing.engine import header_key
from daicho.core.importing.readers import ImportFileError, check_zip_members, open_table

DEVICE = "機器名"
HEADERS = [DEVICE, "ソフトウェア名", "バージョン", "発行元"]
_DPKG_LINE = re.compile(r"^[a-z0-9][a-z0-9+.\-]*(?::[a-z0-9]+)?\t\S*$")


def _stem(name: str | None) -> str:
    base = os.path.basename(os.path.normpath(name or "")) or "device"
    return os.path.splitext(base)[0]


class RowsReader:
    """A reader of installation rows built from another format (same interface the kind uses:
    headers, records(), problems, context manager)."""

    format = "rows"

    def __init__(self, rows: Iterator[tuple[int, list[str]]], *, problems=None):
        self.headers = list(HEADERS)
        self._rows = rows
        self.problems: list[tuple[int, str, str]] = problems if problems is not None else []

    def records(self):
        yield from self._rows

    def __iter__(self):
        raise NotImplementedError  # the installations kind reads records()

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _WithDevice:
    """A table without a device column: every row belongs to the device the file names."""

    def __init__(self, reader, device: str):
        self._reader = reader
        self._width = len(reader.headers)
        self.headers = [*reader.headers, DEVICE]
        self.device = device
        self.format = reader.format
        self.problems: list = []
        self.skipped = reader.skipped  # the title and total rows the table reader passed over
        self.header_row = reader.header_row

    def records(self):
        width, device = self._width, self.device
        for number, cells in self._reader.records():
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield number, [*cells[:width], device]

    def close(self) -> None:
        self._reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_installations(
    source,
    *,
    names: dict[str, str],
    name=None,
    sheet=None,
    encoding=None,
    mapping: dict[str, str] | None = None,
    device: str | None = None,
    header_test=None,
):
    """A reader of installation rows from any of the accepted formats.

    ``names`` is the kind's {header key: column} (engine.Kind.header_names), ``mapping`` the
    user's `--map` ({header key: column}), applied here before deciding whether the table has
    a device column; ``device`` is `--device NAME`; ``header_test`` finds the header row."""
    device = (device or "").strip() or None
    if isinstance(source, str | os.PathLike) and os.path.isdir(source):
        return swid_folder(source, device=device)
    head = _peek(source)
    if head.startswith(b"PK\x03\x04") and _is_swid_zip(source):
        return swid_zip(source, name=name, device=device)
    if head and _looks_dpkg(head, encoding):
        return dpkg(source, name=name, encoding=encoding, device=device)
    reader = open_table(source, name=name, sheet=sheet, encoding=encoding, header_test=header_test)
    _set_aside(reader, names, mapping or {})
    found = device_headers(reader.headers, names, mapping or {})
    if found and device:
        reader.close()
        raise ImportFileError(
            _(
                "The file names its devices in the column %(headers)s; --device is only for "
                "a file without a device column."
            )
            % {"headers": "、".join(found)}
        )
    if not found:
        if device:
            return _WithDevice(reader, device)
        headers = "、".join(h for h in reader.headers if h) or _("(none)")
        reader.close()
        raise ImportFileError(
            _(
                "No device column: the headers found are %(headers)s. Name the column that holds "
                'the device with --map (e.g. --map "PC名=device"; on the web: Rename headers), '
                "or, for one device's inventory, give its name with --device NAME (on the web: "
                "Device)."
            )
            % {"headers": headers}
        )
    return reader


# A header that wins its column when the file has others meaning the same: PowerShell's
# `Get-ItemProperty …\\Uninstall\\* | Export-Csv` writes the registry's DWORD "Version" beside
# the "DisplayVersion" people read.
PREFERRED = {"version": "displayversion"}


def _set_aside(reader, names: dict[str, str], mapping: dict[str, str]) -> None:
    """Rename the headers a PREFERRED header outranks, so that they are read as unknown columns
    instead of refusing the file for two columns meaning one (unless `--map` names one)."""
    keys = [header_key(h) for h in reader.headers]
    for column, preferred in PREFERRED.items():
        if preferred not in keys or column in {
            names.get(header_key(ours)) for ours in mapping.values()
        }:
            continue
        winner = reader.headers[keys.index(preferred)]
        for index, key in enumerate(keys):
            if key != preferred and key not in mapping and names.get(key) == column:
                reader.headers[index] = _("%(header)s (not read: %(preferred)s is)") % {
                    "header": reader.headers[index],
                    "preferred": winner,
                }


def device_headers(headers, names: dict[str, str], mapping: dict[str, str]) -> list[str]:
    """The headers that will be read as the device column, `--map` first (as match_headers
    reads them)."""
    found = []
    for header in headers:
        key = header_key(header)
        column = names.get(header_key(mapping[key])) if key in mapping else names.get(key)
        if column == "device":
            found.append(header)
    return found


def _peek(source, size: int = 65536) -> bytes:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            return fh.read(size)
    position = source.tell()
    data = source.read(size)
    source.seek(position)
    return data


def _looks_dpkg(head: bytes, encoding: str | None) -> bool:
    try:
        text = head.decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return False
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if len(lines) > 1 and len(head) == 65536:
        lines = lines[:-1]  # the last line of a sample may be cut
    return bool(lines) and all(_DPKG_LINE.match(line) for line in lines)


def dpkg(source, *, name=None, encoding=None, device: str | None = None) -> RowsReader:
    """`dpkg-query -W` output from one server: one package and its version per line."""
    device = device or _stem(name or (source if isinstance(source, str) else ""))

    def rows():
        raw = open(source, "rb") if isinstance(source, str | os.PathLike) else source  # noqa: SIM115
        try:
            text = io.TextIOWrapper(raw, encoding=encoding or "utf-8", errors="replace", newline="")
            for number, line in enumerate(text, start=1):
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                package, _tab, version = line.partition("\t")
                yield number, [device, package.strip(), version.strip(), ""]
            text.detach()
        finally:
            if isinstance(source, str | os.PathLike):
                raw.close()

    reader = RowsReader(rows())
    reader.format = "dpkg"
    return reader


# -- SWID tags ---------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_swid(data: bytes) -> tuple[str, str, str]:
    """(name, version, publisher) of one SWID tag (ISO/IEC 19770-2:2015 or :2009)."""
    root = ElementTree.fromstring(data)  # noqa: S314 (expat refuses external entities)
    if _local(root.tag) == "SoftwareIdentity":
        publisher = ""
        for element in root.iter():
            if _local(element.tag) == "Entity" and "softwareCreator" in element.get("role", ""):
                publisher = element.get("name", "")
                break
        return root.get("name", ""), root.get("version", ""), publisher
    values: dict[str, str] = {}
    for element in root.iter():
        local = _local(element.tag)
        if local in ("product_title",):
            values["name"] = (element.text or "").strip()
        elif local == "product_version":
            for child in element:
                if _local(child.tag) == "name":
                    values["version"] = (child.text or "").strip()
        elif local == "software_creator":
            for child in element:
                if _local(child.tag) == "name":
                    values["publisher"] = (child.text or "").strip()
    if "name" not in values:
        raise ValueError(_("not a SWID tag (no SoftwareIdentity or product_title)"))
    return values["name"], values.get("version", ""), values.get("publisher", "")


def _swid_rows(files: Iterator[tuple[str, bytes]], default_device: str, problems: list):
    number = 0
    for path, data in files:
        number += 1
        parts = PurePosixPath(path).parts
        device = parts[-2] if len(parts) > 1 else default_device
        try:
            name, version, publisher = parse_swid(data)
        except (ElementTree.ParseError, ValueError) as exc:
            problems.append((number, path, str(exc)))
            continue
        yield number, [device, name, version, publisher]


def swid_folder(path, *, device: str | None = None) -> RowsReader:
    """A folder of SWID tag files (sub-folders name devices)."""
    base = os.fspath(path)

    def files():
        for root, dirs, names in os.walk(base):
            dirs.sort()
            for file_name in sorted(names):
                if file_name.lower().endswith((".swidtag", ".xml")):
                    full = os.path.join(root, file_name)
                    with open(full, "rb") as fh:
                        yield os.path.relpath(full, base).replace(os.sep, "/"), fh.read()

    problems: list = []
    reader = RowsReader(_swid_rows(files(), device or _stem(base), problems), problems=problems)
    reader.format = "swid"
    return reader


def _is_swid_zip(source) -> bool:
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        if not isinstance(source, str | os.PathLike):
            source.seek(0)
    return "[Content_Types].xml" not in names and any(n.lower().endswith(".swidtag") for n in names)


def swid_zip(source, *, name=None, device: str | None = None) -> RowsReader:
    """A zip of SWID tag files (folders inside name devices)."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("Not a readable zip file: %(error)s") % {"error": exc}) from None
    try:
        label = name or (
            os.path.basename(os.fspath(source)) if isinstance(source, str | os.PathLike) else None
        )
        check_zip_members(archive, label)
    except ImportFileError:
        archive.close()
        raise

    def files():
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if not info.is_dir() and info.filename.lower().endswith((".swidtag", ".xml")):
                yield info.filename, archive.read(info)

    problems: list = []
    reader = RowsReader(
        _swid_rows(
            files(), device or _stem(name or (source if isinstance(source, str) else "")), problems
        ),
        problems=problems,
    )
    reader.format = "swid"
    reader.close = archive.close
    return reader
