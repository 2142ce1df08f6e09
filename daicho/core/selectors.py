"""Reads of core's records that pages of every area show."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from daicho.core.models import AuditEvent, JournalEntry


def record_history(obj, limit: int = 200) -> list[dict]:
    """The カルテ: audit events of the record (and of what belongs to it) and its notes.

    Many events of one request on the record's parts (a cost sheet, an import) show as one entry
    with a count, so the history stays readable.
    """
    content_type = ContentType.objects.get_for_model(obj)
    events = AuditEvent.objects.filter(
        Q(root_type=content_type, root_id=str(obj.pk))
        | Q(content_type=content_type, object_id=str(obj.pk))
    ).select_related("content_type")[: limit * 20]
    notes = JournalEntry.objects.filter(
        content_type=content_type, object_id=str(obj.pk)
    ).select_related("author")[:limit]
    items: list[dict] = []
    for event in events:
        last = items[-1] if items else None
        if (
            last is not None
            and event.content_type_id != content_type.pk
            and last["event"].content_type_id == event.content_type_id
            and last["event"].request_id == event.request_id
            and last["event"].action == event.action
        ):
            last["count"] += 1
            continue
        items.append({"time": event.time, "kind": "event", "event": event, "count": 1})
    items += [{"time": n.created_at, "kind": "note", "note": n} for n in notes]
    return sorted(items, key=lambda i: i["time"], reverse=True)[:limit]
