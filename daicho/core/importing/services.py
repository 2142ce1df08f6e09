"""Writes around imports from the web: keep an upload, confirm a preview, roll a batch back."""

from __future__ import annotations

import os
import threading
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from daicho.core import audit
from daicho.core.audit import Action
from daicho.core.importing import engine
from daicho.core.models import AuditEvent, ImportBatch, ImportStatus, Organisation, User
from daicho.core.permissions import scope_of
from daicho.core.services import actor, object_delete, require, require_size


def import_dir() -> str:
    path = os.path.join(settings.MEDIA_ROOT, "imports")
    os.makedirs(path, exist_ok=True)
    return path


def upload_store(*, upload) -> str:
    """Keep an uploaded file under the media root; returns its path."""
    require_size(upload, settings.DAICHO_MAX_IMPORT_BYTES)
    path = os.path.join(import_dir(), uuid.uuid4().hex)
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


def import_files_purge(*, days: int | None = None, now=None) -> dict[str, int]:
    """Remove uploaded import files older than ``days`` (DAICHO_IMPORT_FILES_DAYS): applied,
    rejected and never-confirmed alike. Their batches keep the digest, counts and problems; a
    preview whose file is gone asks for the file again. Returns {"files", "bytes"} removed."""
    import datetime

    days = settings.DAICHO_IMPORT_FILES_DAYS if days is None else days
    if days < 0:
        raise ValidationError(_("The number of days cannot be negative."))
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    removed, freed = [], 0
    with os.scandir(import_dir()) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            stat = entry.stat(follow_symlinks=False)
            if datetime.datetime.fromtimestamp(stat.st_mtime, tz=datetime.UTC) >= cutoff:
                continue
            try:
                os.remove(entry.path)
            except FileNotFoundError:  # removed meanwhile (another purge)
                continue
            removed.append(entry.path)
            freed += stat.st_size
    if removed:
        ImportBatch.objects.filter(stored_file__in=removed).update(stored_file="")
    return {"files": len(removed), "bytes": freed}


def import_preview(
    *, organisation: Organisation, user: User, kind: str, path: str, name: str, **options
) -> engine.Result:
    """Dry-run an uploaded file; the batch remembers the file so it can be confirmed."""
    require(scope_of(user).can_import)
    result = engine.run(
        kind=kind,
        source=path,
        name=name,
        organisation=organisation,
        user=user,
        dry_run=True,
        **options,
    )
    result.batch.stored_file = path
    result.batch.save(update_fields=["stored_file"])
    return result


def _progress_key(token: str) -> str:
    return f"daicho:import-progress:{token}"


def preview_progress(token: str) -> dict | None:
    """How far a background preview has got: rows read, done, the batch (or the error)."""
    return cache.get(_progress_key(token))


def preview_in_background(
    *, organisation: Organisation, user: User, kind: str, path: str, name: str, **options
) -> str:
    """Preview a large file in a thread, reporting rows read through the cache; returns a token.

    The page polls `preview_progress(token)`; the thread has its own database connection.
    """
    require(scope_of(user).can_import)
    token = uuid.uuid4().hex
    key = _progress_key(token)
    state = {"rows": 0, "done": False, "batch": None, "error": "", "user": user.pk}
    cache.set(key, state, 3600)

    def report(rows: int) -> None:
        cache.set(key, {**state, "rows": rows}, 3600)

    def work() -> None:
        try:
            result = import_preview(
                organisation=organisation,
                user=user,
                kind=kind,
                path=path,
                name=name,
                progress=report,
                **options,
            )
            cache.set(
                key,
                {
                    **state,
                    "rows": result.batch.created
                    + result.batch.updated
                    + result.batch.unchanged
                    + result.batch.rejected,
                    "done": True,
                    "batch": result.batch.pk,
                },
                3600,
            )
        except Exception as exc:  # reported on the page; the import itself wrote nothing
            cache.set(key, {**state, "done": True, "error": str(exc)}, 3600)
        finally:
            connection.close()

    threading.Thread(target=work, name=f"import-{token[:8]}", daemon=True).start()
    return token


class AlreadyConfirmed(Exception):
    """The preview was confirmed before: `batch` is the import that applied it."""

    def __init__(self, batch: ImportBatch):
        super().__init__(batch.batch_id)
        self.batch = batch


def import_confirm(*, preview: ImportBatch, user: User) -> engine.Result:
    """Run a previewed import for real, with the options it was previewed with; once only.

    The preview's row is locked for the whole import and records the batch that applied it,
    in the same transaction: a second confirmation, even one sent at the same moment (a
    double click, a resent form), waits for the first and then raises AlreadyConfirmed with
    the applied batch, writing nothing."""
    with transaction.atomic():
        # SQLite takes its write lock when the transaction begins (transaction_mode IMMEDIATE),
        # PostgreSQL the row's lock here: either way the second request reads after the first
        # committed.
        preview = ImportBatch.objects.select_for_update().get(pk=preview.pk)
        if preview.user_id != user.pk:
            raise PermissionDenied(_("Only the person who uploaded the file can confirm it."))
        if preview.confirmed_by_id is not None:
            raise AlreadyConfirmed(ImportBatch.objects.get(pk=preview.confirmed_by_id))
        if preview.status != ImportStatus.DRY_RUN or not preview.stored_file:
            raise ValidationError(_("Only a preview can be confirmed."))
        if not os.path.exists(preview.stored_file):
            raise ValidationError(_("The uploaded file is no longer kept; upload it again."))
        options = preview.options
        result = engine.run(
            kind=preview.kind,
            source=preview.stored_file,
            name=preview.file_name,
            organisation=preview.organisation,
            user=user,
            dry_run=False,
            skip_invalid=options.get("skip_invalid", False),
            refuse=options.get("refuse") or (),
            create_refs=options.get("create_refs", True),
            mapping=options.get("map") or None,
            sheet=options.get("sheet") or None,
            encoding=options.get("encoding") or None,
            effective=parse_date(options.get("effective") or "")
            if options.get("effective")
            else None,
            device=options.get("device") or None,
        )
        result.batch.stored_file = preview.stored_file
        result.batch.save(update_fields=["stored_file"])
        if result.batch.status == ImportStatus.APPLIED:
            preview.confirmed_by = result.batch
            preview.save(update_fields=["confirmed_by"])
    return result


def batch_blockers(batch: ImportBatch) -> list[str]:
    """Records of the batch that something newer has changed: they block a rollback."""
    events = AuditEvent.objects.filter(request_id=batch.batch_id)
    first = events.order_by("pk").values_list("pk", flat=True).first()
    if first is None:
        return []
    touched = set(events.values_list("content_type_id", "object_id"))
    later = (
        AuditEvent.objects.filter(pk__gt=first)
        .exclude(request_id=batch.batch_id)
        .values_list("content_type_id", "object_id", "root_type_id", "root_id", "object_repr")
    )
    # A later change of a batch record, or of something that belongs to one (a cost line
    # added by hand to a system the import created).
    return sorted(
        {
            text
            for ct, oid, root_ct, root_id, text in later
            if (ct, oid) in touched or (root_ct, root_id) in touched
        }
    )


@transaction.atomic
def batch_rollback(*, batch: ImportBatch) -> int:
    """Undo an applied batch from the before-images of its audit events (newest first).

    Refused when anything newer touched its records. Each undo is itself audited.
    """
    me = actor()
    require(
        me is not None
        and (batch.user_id == me.pk or batch.organisation_id in scope_of(me).policy_org_ids)
    )
    if batch.status != ImportStatus.APPLIED:
        raise ValidationError(_("Only an applied import can be rolled back."))
    kind = engine.kinds().get(batch.kind)
    if kind is not None and not kind.can_roll_back:
        raise ValidationError(
            _(
                "An import of %(kind)s is a snapshot and cannot be rolled back; "
                "import the previous file again."
            )
            % {"kind": kind.title}
        )
    refusals = kind.rollback_blockers(batch) if kind is not None else []
    if refusals:
        raise ValidationError(" ".join(refusals))
    blockers = batch_blockers(batch)
    if blockers:
        raise ValidationError(
            _("Changed since the import, so it cannot be rolled back: %(records)s")
            % {"records": "、".join(blockers[:20])}
        )
    try:
        undone = kind.roll_back(batch) if kind is not None else 0
        return undone + _undo(batch)
    except ProtectedError as exc:
        raise ValidationError(
            _("Records added since depend on this import, so it cannot be rolled back: %(records)s")
            % {"records": "、".join(str(o) for o in list(exc.protected_objects)[:20])}
        ) from None


def _undo(batch: ImportBatch) -> int:
    """Apply the before-images of the batch's events, newest first (see batch_rollback)."""
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
    batch.status = ImportStatus.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.save(update_fields=["status", "rolled_back_at"])
    return undone
