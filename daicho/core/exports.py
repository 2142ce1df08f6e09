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


@dataclass(frozen=True)
class Column:
    """One exported column: canonical name (used by imports too), Japanese label, value getter."""

    name: str
    label: str
    get: Callable[[Any], Any]


@dataclass(frozen=True)
class ExportKind:
    name: str
    title: str
    columns: Sequence[Column]
    queryset: Callable[[Any], QuerySet]  # user -> rows the user may read


_kinds: dict[str, ExportKind] = {}


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


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def rows_of(kind: ExportKind, objects: Iterable[Any]) -> Iterable[list[Any]]:
    for obj in objects:
        yield [column.get(obj) for column in kind.columns]


def write(kind: ExportKind, objects: Iterable[Any], fmt: str) -> bytes:
    """The rows as a file in ``fmt``: CSV and JSON keyed by canonical names, XLSX by labels."""
    names = [c.name for c in kind.columns]
    if fmt == "json":
        data = [
            dict(zip(names, map(_json_value, row), strict=True)) for row in rows_of(kind, objects)
        ]
        return json.dumps(data, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(names)
        for row in rows_of(kind, objects):
            writer.writerow([_cell(v) for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(kind.title)[:31])
        bold = Font(bold=True)

        header = []
        for column in kind.columns:
            cell = WriteOnlyCell(sheet, value=str(column.label))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows_of(kind, objects):
            sheet.append([_cell(v) if not isinstance(v, bool) else v for v in row])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
