"""Helpers the import kinds share for a row's cells: lists in one cell, references among a
lookup, the columns present, and a service call whose refusals become the row's problems."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from daicho.core.importing.engine import Context, Row
from daicho.core.importing.keys import text_key

# What separates the items of a list in one cell: spaces, commas, 、, semicolons (any width).
SEPARATORS = re.compile(r"[\s,、，;；]+")


def words(text: str | None) -> list[str]:
    """The items a cell lists."""
    return [w for w in SEPARATORS.split(text or "") if w]


def many(ctx: Context, row: Row, column: str, lookup: dict) -> list | None:
    """The records a cell lists, each found in ``lookup`` (keyed by `keys.text_key`); None, and
    the row rejected naming the unknown ones, when one is missing (None too when the file has no
    such column)."""
    if column not in row.values:
        return None
    items = words(row.values[column])
    missing = [w for w in items if text_key(w) not in lookup]
    if missing:
        ctx.reject(row, column, _("Unknown: %(codes)s") % {"codes": ", ".join(missing)})
        return None
    return [lookup[text_key(w)] for w in items]


def present(values: dict, names: tuple[str, ...], text: tuple[str, ...] = ()) -> dict:
    """The values of the columns present (empty text as "", other empties left out)."""
    data = {}
    for name in names:
        if name not in values:
            continue
        value = values[name]
        if value is None:
            if name in text:
                data[name] = ""
            continue
        data[name] = value
    return data


def write(
    ctx: Context,
    row: Row,
    action: Callable[[], Any],
    columns: dict[str, str] | None = None,
    *,
    denied_column: str = "system",
) -> Any:
    """``action()`` (a service call) for the row: its validation errors become the row's
    problems on the file's columns (model field → column), a refusal a problem on
    ``denied_column``; None then."""
    try:
        return action()
    except ValidationError as exc:
        ctx.reject_validation(row, exc, columns)
    except PermissionDenied as exc:
        ctx.reject(row, denied_column, str(exc) or _("You may not change this record."))
    return None
