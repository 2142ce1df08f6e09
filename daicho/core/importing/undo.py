"""Undoing what an import wrote, from the before-images of its audit events: a refused import's
earlier chunks (the engine) and a rolled-back batch (`services.batch_rollback`). Below both, so
neither imports the other."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from daicho.core import audit
from daicho.core.audit import Action
from daicho.core.models import AuditEvent, ImportBatch
from daicho.core.services import object_delete


def undo_written(*, batch: ImportBatch) -> int:
    """Undo, in one transaction, what an import refused part-way had written in its earlier
    chunks (engine.run(in_chunks=True)): the before-images of its audit events, newest first.
    The batch is then recorded as rejected, as if nothing had been written."""
    with transaction.atomic():
        return undo_events(batch)


def undo_events(batch: ImportBatch) -> int:
    """Apply the before-images of the batch's events, newest first; the number undone."""
    events = list(
        AuditEvent.objects.filter(request_id=batch.batch_id)
        .select_related("content_type")
        .order_by("-pk")
    )
    undone = 0
    for event in events:
        model = event.content_type.model_class()
        if event.action == Action.CREATE:
            obj = model._base_manager.filter(pk=event.object_id).first()
            if obj is not None:
                object_delete(obj=obj)
                undone += 1
        elif event.action == Action.UPDATE:
            obj = model._base_manager.get(pk=event.object_id)
            before = audit.snapshot(obj)
            m2m = {f.name for f in model._meta.many_to_many}
            for name, value in (event.before or {}).items():
                if name in m2m:
                    getattr(obj, name).set(value)
                else:
                    setattr(obj, name, value)
            obj.save()
            audit.record(
                action=Action.UPDATE,
                obj=obj,
                before=before,
                after=audit.snapshot(obj),
                message=_("rollback of import %(batch)s") % {"batch": batch.batch_id},
            )
            undone += 1
        elif event.action == Action.DELETE:
            data = dict(event.before or {})
            m2m = {f.name: data.pop(f.name) for f in model._meta.many_to_many if f.name in data}
            obj = model(**data)
            obj.save(force_insert=True)
            for name, value in m2m.items():
                getattr(obj, name).set(value)
            audit.record(action=Action.CREATE, obj=obj, after=audit.snapshot(obj))
            undone += 1
    return undone
