"""Who is writing, and through which channel: one context for web, API, CLI and imports.

Web middleware, API authentication and the CLI each set the context; services read it when they
write an AuditEvent, so every write is attributed whatever door it came through.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.backends.utils import format_number

from daicho.core.choices import Action, Channel

if TYPE_CHECKING:
    from daicho.core.models import AuditEvent, Organisation, User


@dataclass(frozen=True)
class AuditContext:
    """The actor, channel and request (or batch) id of the current unit of work."""

    actor: User | None
    channel: str
    request_id: str


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "daicho_audit_context",
    default=AuditContext(actor=None, channel=Channel.SYSTEM, request_id=""),  # noqa: B039 (frozen)
)


@contextmanager
def audit_context(
    *, actor: User | None, channel: str, request_id: str = ""
) -> Iterator[AuditContext]:
    """Attribute every write inside the block to ``actor`` through ``channel``."""
    ctx = AuditContext(actor=actor, channel=channel, request_id=request_id or uuid.uuid4().hex)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def current() -> AuditContext:
    """The audit context in force."""
    return _current.get()


def set_actor(actor: User | None) -> None:
    """Replace the actor of the current context (used once a request has authenticated)."""
    ctx = _current.get()
    _current.set(AuditContext(actor=actor, channel=ctx.channel, request_id=ctx.request_id))


def set_request_id(request_id: str) -> None:
    """Replace the request id of the current context (e.g. to name the API token used)."""
    ctx = _current.get()
    _current.set(AuditContext(actor=ctx.actor, channel=ctx.channel, request_id=request_id[:64]))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str | dict):
        return value
    return str(value)  # e.g. a stored file: its name


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The field values of ``obj`` as JSON (foreign keys as ids, many-to-many as id lists)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        value = field.value_from_object(obj)
        if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal):
            # As the database keeps it: 100 and 100.00 are the same value, not a change.
            value = format_number(value, field.max_digits, field.decimal_places)
        data[field.attname] = _jsonable(value)
    if obj.pk:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(o.pk for o in field.value_from_object(obj))
    return data


def changed_values(obj: models.Model, before: dict, after: dict) -> tuple[dict, dict] | None:
    """The values an update changed, before and after, by field; None when none did. "Updated
    at" stamps change with every save: they are not a change worth recording."""
    stamps = {f.attname for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)}
    changed = sorted(k for k in after if before.get(k) != after.get(k) and k not in stamps)
    if not changed:
        return None
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def record(
    *,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
    message: str = "",
) -> AuditEvent | None:
    """Write one AuditEvent for ``obj`` in the caller's transaction; None when nothing changed."""
    from django.contrib.contenttypes.models import ContentType

    from daicho.core.models import AuditEvent

    if action == Action.UPDATE and before is not None and after is not None:
        values = changed_values(obj, before, after)
        if values is None:
            return None
        before, after = values
    ctx = current()
    actor = ctx.actor if ctx.actor is not None and ctx.actor.pk else None
    if organisation is None:
        organisation = getattr(obj, "organisation", None)
    root = obj.audit_root() if hasattr(obj, "audit_root") else obj
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        actor_name=actor.get_username() if actor else ctx.channel,
        channel=ctx.channel,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        root_type=ContentType.objects.get_for_model(root, for_concrete_model=True),
        root_id=str(root.pk),
        before=before,
        after=after,
        request_id=ctx.request_id,
        message=message,
    )


# The columns bulk audit writers fill, in order (the id and defaults are the database's).
EVENT_COLUMNS = (
    "organisation_id",
    "time",
    "actor_id",
    "actor_name",
    "channel",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "root_type_id",
    "root_id",
    "before",
    "after",
    "request_id",
    "message",
)


def record_many(
    changes: list[tuple[str, models.Model, dict | None, dict | None]],
    *,
    organisation: Organisation | None = None,
) -> int:
    """One AuditEvent per (action, object, before, after), written in bulk below the ORM
    (imports and loads of many ledger rows) in the caller's transaction."""
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from daicho.core import bulk
    from daicho.core.models import AuditEvent

    ctx = current()
    actor = ctx.actor if ctx.actor is not None and ctx.actor.pk else None
    actor_id = actor.pk if actor else None
    actor_name = actor.get_username() if actor else ctx.channel
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    types: dict[type, int] = {}

    def type_id(obj) -> int:
        cls = type(obj)
        if cls not in types:
            types[cls] = ContentType.objects.get_for_model(obj, for_concrete_model=True).pk
        return types[cls]

    def dumps(value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def rows():
        for action, obj, before, after in changes:
            root = obj.audit_root() if hasattr(obj, "audit_root") else obj
            if action == Action.UPDATE and before is not None and after is not None:
                values = changed_values(obj, before, after)
                if values is None:
                    continue
                before, after = values
            org = organisation or getattr(obj, "organisation", None)
            yield (
                org.pk if org else None,
                now,
                actor_id,
                actor_name,
                ctx.channel,
                action,
                type_id(obj),
                str(obj.pk),
                str(obj)[:200],
                type_id(root),
                str(root.pk),
                dumps(before),
                dumps(after),
                ctx.request_id,
                "",
            )

    # Built before the insert starts: a COPY owns the connection until it ends, so nothing may
    # query (content types, related objects) while it runs.
    events = list(rows())
    bulk.insert(AuditEvent, EVENT_COLUMNS, events)
    return len(events)


def record_created_rows(
    model: type[models.Model],
    rows: list[tuple[Any, str, Any, dict]],
    *,
    root: type[models.Model] | None = None,
    organisation: Organisation | None = None,
) -> int:
    """`create` events for rows inserted below the ORM: (pk, text, root pk, after) each."""
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from daicho.core import bulk
    from daicho.core.models import AuditEvent

    ctx = current()
    actor = ctx.actor if ctx.actor is not None and ctx.actor.pk else None
    type_id = ContentType.objects.get_for_model(model).pk
    root_id = ContentType.objects.get_for_model(root).pk if root else type_id
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    org = organisation.pk if organisation else None
    name = actor.get_username() if actor else ctx.channel
    bulk.insert(
        AuditEvent,
        EVENT_COLUMNS,
        [
            (
                org,
                now,
                actor.pk if actor else None,
                name,
                ctx.channel,
                Action.CREATE,
                type_id,
                str(pk),
                text[:200],
                root_id,
                str(root_pk if root else pk),
                None,
                json.dumps(after, ensure_ascii=False, default=str),
                ctx.request_id,
                "",
            )
            for pk, text, root_pk, after in rows
        ],
    )
    return len(rows)


def record_created_by_query(
    model: type[models.Model],
    *,
    alias: str,
    after: Sequence[str],
    text: str,
    text_params: Sequence[Any] = (),
    joins: str = "",
    where: str,
    params: Sequence[Any] = (),
    root: type[models.Model] | None = None,
    root_column: str = "",
    organisation: Organisation | None = None,
) -> int:
    """`create` events for rows just inserted below the ORM, built by the database itself.

    One INSERT … SELECT reads the new rows (`FROM` the model's table `AS alias`, `joins`,
    `WHERE where` with `params`) and writes one event per row: its `after` is a JSON object of
    the row's `after` columns (attnames, as `snapshot` keys them), its text the SQL expression
    `text` with `text_params` (cut to 200 characters), its root the row's `root_column` (or a
    column of `joins`, named with its table's alias: ``c.campaign_id``).
    The events equal those of `record_created_rows`, without a Python object or JSON encoding
    per row: for imports of a million ledger rows (docs/architecture.md, "Databases and scale").
    Returns the number of events written."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from daicho.core.models import AuditEvent

    ctx = current()
    actor = ctx.actor if ctx.actor is not None and ctx.actor.pk else None
    type_id = ContentType.objects.get_for_model(model).pk
    root_id = ContentType.objects.get_for_model(root).pk if root else type_id
    build = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    pairs = ", ".join(
        f"'{column}', {alias}.{connection.ops.quote_name(column)}" for column in after
    )
    pk = f"{alias}.{connection.ops.quote_name(model._meta.pk.column)}"
    if root and "." not in root_column:
        root_column = f"{alias}.{connection.ops.quote_name(root_column)}"
    root_pk = root_column if root else pk
    columns = ", ".join(connection.ops.quote_name(c) for c in EVENT_COLUMNS)
    constants = [
        organisation.pk if organisation else None,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        actor.pk if actor else None,
        actor.get_username() if actor else ctx.channel,
        ctx.channel,
        Action.CREATE,
        type_id,
    ]
    sql = (
        f"INSERT INTO {connection.ops.quote_name(AuditEvent._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT %s, %s, %s, %s, %s, %s, %s, CAST({pk} AS TEXT), "
        f"SUBSTR({text}, 1, 200), %s, CAST({root_pk} AS TEXT), NULL, {build}({pairs}), %s, '' "
        f"FROM {connection.ops.quote_name(model._meta.db_table)} {alias} {joins} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *text_params, root_id, ctx.request_id, *params])
        return cursor.rowcount


def record_created_many(
    objs: list[models.Model], *, organisation: Organisation | None = None
) -> int:
    """One `create` AuditEvent per object, inserted in bulk (for loads of many ledger rows)."""
    return record_many(
        [(Action.CREATE, obj, None, snapshot(obj)) for obj in objs], organisation=organisation
    )
