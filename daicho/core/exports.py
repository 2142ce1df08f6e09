"""Export kinds (systems, costs, units, …) as CSV (UTF-8 with BOM), XLSX or JSON.

Each app registers its kinds; the CLI (`daicho export KIND`), the web list pages and the API
all write through `write()`, so a file looks the same whichever door it came from.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext


@dataclass(frozen=True)
class Column:
    """One exported column: canonical name (used by imports too), Japanese label, value getter,
    and how a spreadsheet shows it (`yen`: #,##0; `date`: 和暦; default: as it is)."""

    name: str
    label: str
    get: Callable[[Any], Any]
    fmt: str = ""
    labels: dict[str, Any] | None = None  # value -> label, shown in spreadsheets (choices)


@dataclass(frozen=True)
class ExportKind:
    name: str
    title: str
    columns: Sequence[Column]
    queryset: Callable[[Any], QuerySet]  # user -> rows the user may read


_kinds: dict[str, ExportKind] = {}
# Exports that write a folder of files (e.g. the open-data catalogue): name -> writer(dir, org)
_folders: dict[str, Callable[..., list[str]]] = {}


def register_folder(name: str, writer: Callable[..., list[str]]) -> None:
    """Register an export that writes several files into a folder (`daicho export NAME -o DIR`)."""
    _folders[name] = writer


def folders() -> dict[str, Callable[..., list[str]]]:
    return dict(_folders)


def register(kind: ExportKind) -> None:
    _kinds[kind.name] = kind


def kinds() -> dict[str, ExportKind]:
    return dict(sorted(_kinds.items()))


FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


# What makes a spreadsheet read a cell as a formula (OWASP's list, tab and carriage return
# included); and the apostrophe itself, doubled so that a value that really starts with one
# comes back unchanged.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED_PREFIXES = (*FORMULA_PREFIXES, "'")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection), and
    so does text that starts with an apostrophe; imports take exactly one off again."""
    if isinstance(value, str) and value.startswith(NEUTRALISED_PREFIXES):
        return "'" + value
    return value


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    """A date (or time) as an export writes it, 2014-04-01; None stays None."""
    return value.isoformat() if value else None


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def _label_cell(column: Column, value: Any) -> Any:
    """A value as people read it: a choice by its name, yes/no as あり/なし."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if column.labels and value in column.labels:
        return str(column.labels[value])
    return _cell(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def rows_of(kind: ExportKind, objects: Iterable[Any]) -> Iterable[list[Any]]:
    for obj in objects:
        yield [column.get(obj) for column in kind.columns]


def write(kind: ExportKind, objects: Iterable[Any], fmt: str, *, codes: bool = False) -> bytes:
    """The rows as a file in ``fmt``. XLSX, and CSV by default, as people read them: Japanese
    headers, choices by their names, あり/なし; CSV with ``codes`` (and JSON always) by the
    canonical column names and values. Each imports back unchanged."""
    names = [c.name for c in kind.columns]
    if fmt == "json":
        data = [
            dict(zip(names, map(_json_value, row), strict=True)) for row in rows_of(kind, objects)
        ]
        return json.dumps(data, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if codes:
            writer.writerow(names)
            for row in rows_of(kind, objects):
                writer.writerow([_cell(v) for v in row])
        else:
            writer.writerow([str(c.label) for c in kind.columns])
            for row in rows_of(kind, objects):
                writer.writerow([_label_cell(c, v) for c, v in zip(kind.columns, row, strict=True)])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(kind, objects)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def download(kind: ExportKind, objects: Iterable[Any], request: HttpRequest, filename: str):
    """A download of ``objects`` in the format ``?export=`` names, as ``filename.<format>``:
    CSV as people read it, or with ``?codes=1`` in the canonical names and values."""
    fmt = request.GET["export"]
    data = write(kind, objects, fmt, codes=request.GET.get("codes") == "1")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


WIDE = ("name", "title", "description", "note", "system_name")


def _width(column: Column) -> int:
    """A column width that shows typical Japanese content without resizing."""
    if column.name in WIDE:
        return 36
    if column.fmt in ("yen", "date") or column.labels:
        return 16
    return max(10, min(28, len(str(column.label)) * 2 + 4))


XLSX_FORMATS = {"yen": "#,##0", "date": '[$-ja-JP]ggge"年"m"月"d"日"', "int": "0"}


def _xlsx_value(value: Any) -> Any:
    """A cell's value: text that really starts with an apostrophe before a formula sign gets a
    second one (imports take one off); other text is written as text, as it is."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in NEUTRALISED_PREFIXES:
        return "'" + value
    return value


def _xlsx(kind: ExportKind, objects: Iterable[Any]) -> bytes:
    """A workbook with a bold, frozen, filterable header; yen with separators; dates in 和暦."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(kind.title)[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(kind.columns, start=1):
        width = (
            14
            if column.fmt in ("yen", "date")
            else max(10, min(40, len(str(column.label)) * 2 + 4))
        )
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    header = []
    for column in kind.columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows_of(kind, objects):
        cells = []
        for column, value in zip(kind.columns, row, strict=True):
            if isinstance(value, str) and column.fmt == "date" and value:
                value = datetime.date.fromisoformat(value)
            elif column.labels and value in column.labels:
                value = str(column.labels[value])
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula: no apostrophe needed to show it
            if column.fmt in XLSX_FORMATS and value is not None:
                cell.number_format = XLSX_FORMATS[column.fmt]
            cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(kind.columns))}{count + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
