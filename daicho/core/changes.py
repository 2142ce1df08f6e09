"""Audit changes as people read them: the field's label, choice names, yes/no, dates in 和暦 and
times in local time, a related record by its name, and of a structured value (a checklist) only
the parts that changed, each under its own label.

The audit log keeps the raw values (before/after as JSON, for the API and exports); this is how
pages and the カルテ show them. An app names the parts of its structured fields with
:func:`register_parts` (governance: a checklist's stages and items), from its ``ready()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from daicho.core import wareki

EMPTY = "—"

# (model, field name) → the label of one part of the field's structured value, by its path.
_parts: dict[tuple[type[models.Model], str], Callable[[tuple[str, ...]], str | None]] = {}


def register_parts(
    model: type[models.Model], field: str, label: Callable[[tuple[str, ...]], str | None]
) -> None:
    """Name the parts of ``model.field``'s structured value: ``label(path)`` gives the label of
    the part at ``path`` (e.g. ("planning", "purpose")), or None to keep the key."""
    _parts[(model, field)] = label


class Change(NamedTuple):
    """One field (or one part of a structured field) an update changed, as shown."""

    label: str
    before: str
    after: str


def readable_changes(
    model: type[models.Model] | None, before: dict | None, after: dict | None
) -> list[Change]:
    """The changes of an update of a ``model`` record, field by field, as people read them."""
    before, after = before or {}, after or {}
    fields = _fields(model) if model is not None else {}
    related: dict[tuple[type, Any], str] = {}
    result = []
    for key in sorted(set(before) | set(after), key=lambda k: _order(fields, k)):
        field = fields.get(key)
        label = str(field.verbose_name) if field is not None else key
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) or isinstance(new, dict):
            name = field.name if field is not None else key
            result += _parts_changed(model, name, label, old or {}, new or {})
            continue
        result.append(Change(label, _shown(field, old, related), _shown(field, new, related)))
    return result


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    """The model's concrete fields by name and by attname (``owner_unit_id`` too)."""
    fields = {}
    for f in model._meta.concrete_fields:
        fields[f.name] = fields[f.attname] = f
    return fields


def _order(fields: dict, key: str) -> tuple[int, str]:
    """Fields in the model's order, unknown keys after them."""
    field = fields.get(key)
    return (field.creation_counter if field is not None else 10**9, key)


def _parts_changed(model, name: str, label: str, old: dict, new: dict) -> list[Change]:
    """The parts of a structured value that changed, each as "label: part"."""
    naming = _parts.get((model, name), lambda path: None)
    changes = []
    for path, was, now in _leaves_changed((), old, new):
        before, after = _part(was), _part(now)
        if before == after:  # e.g. an item first stored unticked: nothing a reader would see
            continue
        part = naming(path) or " / ".join(path)
        changes.append(Change(f"{label}: {part}", before, after))
    return changes


def _leaves_changed(path: tuple[str, ...], old: Any, new: Any):
    if isinstance(old, dict) or isinstance(new, dict):
        old = old if isinstance(old, dict) else {}
        new = new if isinstance(new, dict) else {}
        for key in sorted(set(old) | set(new)):
            yield from _leaves_changed((*path, str(key)), old.get(key), new.get(key))
    elif old != new:
        yield path, old, new


def _shown(field: models.Field | None, value: Any, related: dict) -> str:
    if value is None or value == "":
        return EMPTY
    if field is None:
        return _plain(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _plain(value)
    if isinstance(field, models.DateTimeField):
        return _datetime(value)
    if isinstance(field, models.DateField):
        return _date(value)
    if isinstance(field, models.ForeignKey):
        return _record(field.related_model, value, related)
    if isinstance(field, models.IntegerField | models.DecimalField) and not isinstance(
        field, models.AutoField
    ):
        return _number(value)
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value) or EMPTY
    return str(value)


def _part(value: Any) -> str:
    """A leaf of a structured value: a checklist's tick as checked or not."""
    if isinstance(value, bool) or value is None:
        return _("checked") if value else _("unchecked")
    return _plain(value)


def _number(value: Any) -> str:
    try:
        return f"{int(value):,}" if float(value).is_integer() else f"{float(value):,}"
    except (TypeError, ValueError):
        return str(value)


def _japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


def _date(value: Any) -> str:
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return wareki.format_date(day) if _japanese() else day.isoformat()


def _datetime(value: Any) -> str:
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{_date(moment.date().isoformat())} {moment:%H:%M}"


def _record(model: type[models.Model], pk: Any, related: dict) -> str:
    """A related record by its name (the record as it is now, or its id once deleted)."""
    key = (model, pk)
    if key not in related:
        found = model._default_manager.filter(pk=pk).first()
        related[key] = str(found) if found is not None else f"#{pk}"
    return related[key]
