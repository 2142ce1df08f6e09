"""The sources of a system's カルテ (timeline): each app registers what it knows about a system.

Core never imports the apps: governance registers consultations, cases, gate decisions and
evaluations; continuity and security can register drills and incidents the same way, from their
own ``apps.py``:

    from daicho.core import timeline
    timeline.register("incident", label=_("Incidents"), fetch=incidents_of, order=60)

``fetch(system, *, user, start, end, limit)`` returns `Entry` objects for the system between two
dates (either may be None), newest first, at most ``limit``. The カルテ page merges every source,
filters by kind and exports the result.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    """One line of the カルテ."""

    time: datetime.datetime
    kind: str  # the source's key
    title: str
    body: str = ""
    actor: str = ""
    url: str = ""
    tone: str = ""  # a Bootstrap colour for the marker: success, warning, danger, info…
    details: list[tuple[str, Any, Any]] = field(default_factory=list)  # (field, before, after)


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any
    fetch: Callable[..., Iterable[Entry]]
    order: int


_sources: dict[str, Source] = {}


def register(kind: str, *, label, fetch: Callable[..., Iterable[Entry]], order: int) -> None:
    """Add (or replace) a source of timeline entries."""
    _sources[kind] = Source(kind=kind, label=label, fetch=fetch, order=order)


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.order)


def as_datetime(day: datetime.date, *, end: bool = False) -> datetime.datetime:
    """A date as an aware datetime at the start (or end) of that day, in the local zone."""
    from django.utils import timezone

    moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    return timezone.make_aware(moment)


def entries(
    system,
    *,
    user,
    kinds: Iterable[str] | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    limit: int = 500,
) -> list[Entry]:
    """The merged timeline of ``system``, newest first, from the chosen sources."""
    wanted = set(kinds) if kinds else None
    merged: list[Entry] = []
    for source in sources():
        if wanted is not None and source.kind not in wanted:
            continue
        merged.extend(source.fetch(system, user=user, start=start, end=end, limit=limit))
    merged.sort(key=lambda e: e.time, reverse=True)
    return merged[:limit]


# --- the core's own sources: audit events and journal notes --------------------------------------


def _range(queryset, name: str, start, end):
    if start:
        queryset = queryset.filter(**{f"{name}__gte": as_datetime(start)})
    if end:
        queryset = queryset.filter(**{f"{name}__lte": as_datetime(end, end=True)})
    return queryset


def _short(value: str, width: int = 80) -> str:
    """A value of a change as one short line."""
    return value[: width - 1] + "…" if len(value) > width else value


def audit_entries(system, *, user, start=None, end=None, limit=500) -> list[Entry]:
    """Every write to the system and to what belongs to it (costs, contracts' links, cases…).

    Many events of one request on the system's parts (a cost sheet, an import) become one entry.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from daicho.core.models import AuditEvent

    content_type = ContentType.objects.get_for_model(system)
    events = _range(
        AuditEvent.objects.filter(
            Q(root_type=content_type, root_id=str(system.pk))
            | Q(content_type=content_type, object_id=str(system.pk))
        ).select_related("content_type"),
        "time",
        start,
        end,
    )[: limit * 20]
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
        items.append({"event": event, "count": 1})
    result = []
    for item in items[:limit]:
        event, count = item["event"], item["count"]
        what = (
            _("%(count)s × %(kind)s") % {"count": count, "kind": event.content_type.name}
            if count > 1
            else event.object_repr
        )
        result.append(
            Entry(
                time=event.time,
                kind="audit",
                title=f"{event.get_action_display()} · {what}",
                actor=f"{event.actor_name} ({event.get_channel_display()})",
                tone={"create": "success", "delete": "danger"}.get(event.action, "secondary"),
                details=[(f, _short(b), _short(a)) for f, b, a in event.changes()]
                if event.action == "update" and count == 1
                else [],
                body=event.message,
            )
        )
    return result


def note_entries(system, *, user, start=None, end=None, limit=500) -> list[Entry]:
    """Journal notes written on the system."""
    from django.contrib.contenttypes.models import ContentType

    from daicho.core.models import JournalEntry

    content_type = ContentType.objects.get_for_model(system)
    notes = _range(
        JournalEntry.objects.filter(content_type=content_type, object_id=str(system.pk)),
        "created_at",
        start,
        end,
    ).select_related("author")[:limit]
    return [
        Entry(
            time=note.created_at,
            kind="note",
            title=note.get_kind_display(),
            body=note.text,
            actor=note.author.get_username() if note.author else "",
            tone="warning" if note.kind in ("warning", "incident") else "info",
        )
        for note in notes
    ]


register("audit", label=_("Changes"), fetch=audit_entries, order=10)
register("note", label=_("Notes"), fetch=note_entries, order=20)
