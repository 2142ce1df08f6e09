"""Writes around imports from the web: keep an upload, confirm a preview, roll a batch back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from daicho.core import jobs
from daicho.core.importing import engine
from daicho.core.importing.undo import undo_events
from daicho.core.models import AuditEvent, ImportBatch, ImportStatus, Job, Organisation, User
from daicho.core.permissions import scope_of
from daicho.core.services import actor, require, require_size


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


@contextmanager
def _snapshot():
    """This thread's default database is, for the block, a private copy of the live SQLite
    database, taken with sqlite3's backup API (a reader: in WAL mode nobody waits for it)."""
    live = connections[DEFAULT_DB_ALIAS]
    live.ensure_connection()
    folder = tempfile.mkdtemp(prefix="daicho-preview-", dir=settings.VAR_DIR)
    path = os.path.join(folder, "snapshot.sqlite3")
    copy = None
    try:
        target = sqlite3.connect(path)
        try:
            live.connection.backup(target)
        finally:
            target.close()
        copy = live.__class__({**live.settings_dict, "NAME": path}, alias=DEFAULT_DB_ALIAS)
        with jobs.on_database(copy):
            yield
    finally:
        if copy is not None:
            copy.close()
        shutil.rmtree(folder, ignore_errors=True)


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
    *,
    organisation: Organisation,
    user: User,
    kind: str,
    path: str,
    name: str,
    progress=None,
    **options,
) -> engine.Result:
    """Dry-run an uploaded file; the batch remembers the file so it can be confirmed.

    A dry run imports inside a transaction and rolls it back, so that every kind checks its
    rows, and creates the references they name, exactly as the real import would. On SQLite
    that transaction would hold the one write lock of the live database for the whole preview
    (every sign-in and save waiting, then failing), so the dry run works on a snapshot of the
    database and only its result, the ImportBatch, is written to the live one. On PostgreSQL a
    transaction locks only the rows it writes and nobody else waits for the rest: the dry run
    stays in the live database. Inside a caller's transaction (which already holds the lock,
    and cannot be copied from) it runs there too."""
    require(scope_of(user).can_import)
    options.setdefault("max_rows", settings.DAICHO_MAX_IMPORT_ROWS or None)
    arguments = {
        "kind": kind,
        "source": path,
        "name": name,
        "organisation": organisation,
        "user": user,
        "dry_run": True,
        "progress": progress,
        **options,
    }
    result = _away_from_the_write_lock(arguments)
    result.batch.stored_file = path
    result.batch.save()
    return result


def _snapshot_usable() -> bool:
    """Whether a dry run here should work on a snapshot: SQLite, outside a transaction."""
    live = connections[DEFAULT_DB_ALIAS]
    return live.vendor == "sqlite" and not live.in_atomic_block


def _away_from_the_write_lock(arguments: dict) -> engine.Result:
    """A dry run (engine.run) that leaves SQLite's write lock free: on a snapshot there, in the
    live database elsewhere (see import_preview). The batch is not saved yet."""
    if not _snapshot_usable():
        return engine.run(**arguments)
    with _snapshot():
        result = engine.run(**arguments)
    result.batch.pk = None  # to be written into the live database
    result.batch._state.adding = True
    return result


def import_dry_run(**arguments) -> engine.Result:
    """`daicho import --dry-run`: the preview the web makes, on the same snapshot (never the live
    write lock on SQLite), its batch recorded in the live database. Arguments as engine.run's;
    the CLI's operator may import, so no permission is checked here."""
    result = _away_from_the_write_lock({**arguments, "dry_run": True})
    result.batch.save()
    return result


def import_apply(*, batch: ImportBatch | None = None, **arguments) -> engine.Result:
    """Import a file for real, all or nothing, without holding SQLite's write lock for the run.

    On SQLite (outside a caller's transaction) every row is first read, parsed, resolved and
    checked by a dry run on a snapshot of the database — reads only on the live one. A file
    the check refuses is refused (its batch recorded as rejected) with nothing written; else
    the rows are written chunk by chunk, each chunk in a short transaction of its own with its
    audit events, so others sign in and save between chunks. Should a chunk be refused after
    all (the ledger changed since the check) or fail, it is rolled back and the chunks before
    it are undone from their audit events (engine.run(in_chunks=True)). On PostgreSQL, where a
    transaction locks only the rows it writes, the import is one transaction. Arguments as
    engine.run's; ``batch`` a row already claimed for it (import_confirm)."""
    if not _snapshot_usable():
        return engine.run(batch=batch, **arguments)
    check = _away_from_the_write_lock({**arguments, "dry_run": True})
    if check.fatal or (check.batch.rejected and not arguments.get("skip_invalid")):
        refused = check.batch
        refused.status = ImportStatus.REJECTED
        refused.options["dry_run"] = False
        if batch is not None:  # the claimed row records the refusal
            refused.pk, refused.batch_id, refused._state.adding = batch.pk, batch.batch_id, False
            refused.stored_file, refused.started_at = batch.stored_file, batch.started_at
        refused.save()
        return check
    return engine.run(batch=batch, in_chunks=True, **arguments)


def _json_options(options: dict) -> dict:
    effective = options.get("effective")
    return {
        **options,
        "refuse": sorted(options.get("refuse") or ()),
        "effective": effective.isoformat() if effective else "",
    }


def preview_in_background(
    *, organisation: Organisation, user: User, kind: str, path: str, name: str, **options
) -> Job:
    """Queue the preview of a large file for the job worker; the progress page follows it."""
    require(scope_of(user).can_import)
    return jobs.job_enqueue(
        kind="import_preview",
        user=user,
        organisation=organisation,
        params={"kind": kind, "path": path, "name": name, "options": _json_options(options)},
    )


def _rows_of(batch: ImportBatch) -> int:
    return batch.created + batch.updated + batch.unchanged + batch.rejected


@jobs.handler("import_preview")
def _preview_job(job: Job, report) -> ImportBatch:
    params = job.params
    options = dict(params["options"])
    options["effective"] = parse_date(options["effective"]) if options.get("effective") else None
    result = import_preview(
        organisation=job.organisation,
        user=job.user,
        kind=params["kind"],
        path=params["path"],
        name=params["name"],
        progress=report,
        **options,
    )
    report(_rows_of(result.batch))
    return result.batch


def confirm_in_background(*, preview: ImportBatch, user: User) -> Job:
    """Queue the confirmation of a large preview for the job worker."""
    require(scope_of(user).can_import)
    return jobs.job_enqueue(
        kind="import_confirm",
        user=user,
        organisation=preview.organisation,
        params={"preview": preview.pk},
    )


@jobs.handler("import_confirm")
def _confirm_job(job: Job, report) -> ImportBatch:
    preview = ImportBatch.objects.get(pk=job.params["preview"])
    try:
        result = import_confirm(preview=preview, user=job.user, progress=report)
    except AlreadyConfirmed as exc:
        return exc.batch
    report(_rows_of(result.batch))
    return result.batch


class AlreadyConfirmed(Exception):
    """The preview was confirmed before: `batch` is the import that applied it."""

    def __init__(self, batch: ImportBatch):
        super().__init__(batch.batch_id)
        self.batch = batch


def import_confirm(*, preview: ImportBatch, user: User, progress=None) -> engine.Result:
    """Run a previewed import for real, with the options it was previewed with; once only.

    A short transaction locks the preview's row and claims it for a new batch (the preview's
    confirmed_by): a second confirmation, even one sent at the same moment (a double click, a
    resent form), reads the claim and raises AlreadyConfirmed with that batch, writing nothing.
    The import then runs outside that transaction (import_apply: on SQLite the write lock is
    held a chunk at a time). An import that does not apply gives the claim back, so the preview
    can be confirmed again once what refused it is fixed."""
    with transaction.atomic():
        # SQLite takes its write lock when the transaction begins (transaction_mode IMMEDIATE),
        # PostgreSQL the row's lock here: either way the second request reads after the first
        # claimed the preview.
        preview = ImportBatch.objects.select_for_update().get(pk=preview.pk)
        if preview.user_id != user.pk:
            raise PermissionDenied(_("Only the person who uploaded the file can confirm it."))
        if preview.confirmed_by_id is not None:
            raise AlreadyConfirmed(ImportBatch.objects.get(pk=preview.confirmed_by_id))
        if preview.status != ImportStatus.DRY_RUN or not preview.stored_file:
            raise ValidationError(_("Only a preview can be confirmed."))
        if not os.path.exists(preview.stored_file):
            raise ValidationError(_("The uploaded file is no longer kept; upload it again."))
        claimed = ImportBatch.objects.create(
            batch_id=uuid.uuid4().hex,
            organisation=preview.organisation,
            kind=preview.kind,
            file_name=preview.file_name,
            file_digest=preview.file_digest,
            file_size=preview.file_size,
            user=user,
            channel=preview.channel,
            options={**preview.options, "dry_run": False},
            status=ImportStatus.REJECTED,  # until the import below says otherwise
            stored_file=preview.stored_file,
        )
        preview.confirmed_by = claimed
        preview.save(update_fields=["confirmed_by"])
    options = preview.options
    result = None
    try:
        result = import_apply(
            batch=claimed,
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
            progress=progress,
        )
        result.batch.stored_file = preview.stored_file
        result.batch.save(update_fields=["stored_file"])
    finally:
        if result is None or result.batch.status != ImportStatus.APPLIED:
            ImportBatch.objects.filter(pk=preview.pk, confirmed_by=claimed).update(
                confirmed_by=None
            )
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
    undone = undo_events(batch)
    batch.status = ImportStatus.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.save(update_fields=["status", "rolled_back_at"])
    return undone
