"""Writes to the core ledger (units, people, notes, attachments, tokens) and the shared write path.

Every service runs in one transaction and writes its AuditEvent inside it: a write that is not
audited does not happen.
"""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from daicho.core import audit
from daicho.core.audit import Action
from daicho.core.models import (
    ApiToken,
    Attachment,
    JournalEntry,
    Membership,
    Organisation,
    OrgUnit,
    Role,
    SavedView,
    TokenScope,
    User,
)
from daicho.core.permissions import forget_scope, may_edit, scope_of

# ---------------------------------------------------------------------------------------------
# The shared write path: validate, save, audit. Entity services add their permission checks.


def object_create(
    *, obj: models.Model, m2m: dict[str, Iterable[Any]] | None = None
) -> models.Model:
    """Validate and insert ``obj`` (and its many-to-many values) with a `create` audit event."""
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit.record(action=Action.CREATE, obj=obj, after=audit.snapshot(obj))
    return obj


def objects_create_many(
    *,
    objs: list[models.Model],
    organisation: Organisation | None = None,
    validate: bool = True,
) -> list[models.Model]:
    """Insert many new records of one model in bulk, each with its `create` audit event, in the
    caller's transaction: the loads of many rows (the demo) as the import engine writes them.

    Each record is validated as `object_create` validates it, except the checks the database
    makes itself (references, uniqueness, constraints), which would cost a query per row; rows go
    in below the ORM (`core.bulk.insert`) with primary keys allocated up front, so the audit
    events can name them. The events' values are those `audit.snapshot` gives (new records have
    no many-to-many values yet)."""
    import decimal

    from django.db import connection
    from django.db.backends.utils import format_number

    from daicho.core import bulk

    if not objs:
        return []
    model = type(objs[0])
    concrete = model._meta.concrete_fields
    fields = [f for f in concrete if not f.primary_key]
    if validate:
        references = [f.name for f in fields if f.is_relation]
        for obj in objs:
            obj.full_clean(exclude=references, validate_unique=False, validate_constraints=False)
    # Only stamps need pre_save and only some types need the database's form of a value or a
    # JSON form for the event; the rest go as they are (Django's per-value preparation and the
    # generic snapshot were most of the time). One plan per field, made once.
    as_is = {"CharField", "TextField", "IntegerField", "BigIntegerField", "SmallIntegerField",
             "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
             "BooleanField", "ForeignKey", "OneToOneField", "EmailField", "URLField", "SlugField",
             "FloatField"}  # fmt: skip
    plans = []
    for f in fields:
        kind = f.get_internal_type()
        stamp = getattr(f, "auto_now", False) or f.__dict__.get("auto_now_add", False)
        if kind == "DecimalField":

            def event(value, f=f):
                if isinstance(value, decimal.Decimal):
                    return format_number(value, f.max_digits, f.decimal_places)
                return audit._jsonable(value)
        else:
            event = None if kind in as_is else audit._jsonable
        plans.append((f, f.attname, stamp, kind not in as_is, event))
    ids = bulk.allocate_ids(model, len(objs))
    rows: list[tuple] = []
    events: list[tuple] = []
    m2m = {f.name: [] for f in model._meta.many_to_many}
    pk_name = model._meta.pk.attname
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        row = [pk]  # the allocated key itself: the events and references name it
        after: dict[str, Any] = {pk_name: pk}
        values = obj.__dict__
        for f, attname, stamp, prepare, event in plans:
            value = f.pre_save(obj, True) if stamp else values[attname]
            after[attname] = value if event is None else event(value)
            row.append(f.get_db_prep_save(value, connection) if prepare else value)
        rows.append(tuple(row))
        obj._state.adding = False
        obj._state.db = connection.alias
        root = obj.audit_root() if hasattr(obj, "audit_root") else obj
        events.append((pk, str(obj), root.pk, {**after, **m2m}))
    bulk.insert(model, [pk_name, *(f.attname for f in fields)], rows)
    root_model = type(objs[0].audit_root()) if hasattr(objs[0], "audit_root") else None
    audit.record_created_rows(
        model,
        events,
        root=root_model,
        organisation=organisation or getattr(objs[0], "organisation", None),
    )
    return list(objs)


def object_update(
    *, obj: models.Model, data: dict[str, Any], m2m: dict[str, Iterable[Any]] | None = None
) -> models.Model:
    """Apply ``data`` to ``obj``, validate, save only what changed and audit the difference.
    A refused change leaves ``obj`` as it was (a form shown again, or a retry, sees the record
    the database has)."""
    before = audit.snapshot(obj)
    kept = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    for name, value in data.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError:
        for attname, value in kept.items():
            setattr(obj, attname, value)
        raise
    after = audit.snapshot(obj)
    changed = [
        f.name
        for f in obj._meta.concrete_fields
        if not f.primary_key and before.get(f.attname) != after.get(f.attname)
    ]
    if changed:
        # auto_now fields (updated_at) are not in `changed` but must be saved with it.
        auto = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=[*changed, *auto])
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit.record(action=Action.UPDATE, obj=obj, before=before, after=audit.snapshot(obj))
    return obj


def object_delete(*, obj: models.Model) -> None:
    """Delete ``obj`` with a `delete` audit event that keeps its last state; a record others
    still depend on (a protected reference) is refused with their names, not a 500."""
    before = audit.snapshot(obj)
    try:
        with transaction.atomic():
            audit.record(action=Action.DELETE, obj=obj, before=before)
            obj.delete()
    except models.ProtectedError as exc:
        raise ValidationError(
            _("%(obj)s cannot be deleted: these records depend on it: %(records)s")
            % {
                "obj": obj,
                "records": "、".join(str(o) for o in list(exc.protected_objects)[:20]),
            }
        ) from None


def actor() -> User | None:
    """The user the current audit context acts for (None for the CLI and the system)."""
    return audit.current().actor


def require(allowed: bool, message: str | None = None) -> None:
    """Raise PermissionDenied unless ``allowed``; trusted channels (CLI, system) have no actor."""
    trusted = (audit.Channel.CLI, audit.Channel.SYSTEM, audit.Channel.IMPORT)
    if actor() is None and audit.current().channel in trusted:
        return
    if not allowed:
        raise PermissionDenied(message or _("You do not have permission to do this."))


def require_editable(obj: models.Model) -> None:
    """Only who may edit ``obj`` (its model's ``editable_by``) may continue."""
    manager = type(obj)._default_manager
    require(
        hasattr(manager, "editable_by") and may_edit(obj, actor()),
        _("You may read this record but not change it."),
    )


def has_page(obj: models.Model) -> bool:
    """Whether ``obj`` has a page of its own (where notes and attachments are shown)."""
    from django.urls import NoReverseMatch

    try:
        return bool(obj.get_absolute_url())
    except (AttributeError, NoReverseMatch):  # no page for this kind of record
        return False


def _require_note_target(target: models.Model, what: str) -> None:
    require_editable(target)
    if not has_page(target):
        raise ValidationError(
            _("%(what)s cannot be added to a %(kind)s: it has no page to show them on.")
            % {"what": what, "kind": target._meta.verbose_name}
        )


def require_policy(organisation: Organisation) -> None:
    """Only the IT policy division of ``organisation`` (or a superuser) may continue."""
    require(organisation.pk in scope_of(actor()).policy_org_ids)


# ---------------------------------------------------------------------------------------------
# Organisation, units, people


@transaction.atomic
def organisation_create(*, name: str, code: str = "", cost_base_year: int = 2008) -> Organisation:
    """Register a public body."""
    require(actor() is not None and actor().is_superuser)
    return object_create(obj=Organisation(name=name, code=code, cost_base_year=cost_base_year))


def _set_path(unit: OrgUnit) -> None:
    # The parent's path as stored now (an object held in memory may predate a move).
    parent = (
        OrgUnit.objects.values("path", "tree_key", "department_id").get(pk=unit.parent_id)
        if unit.parent_id
        else None
    )
    unit.path = f"{parent['path'] if parent else ''}{unit.pk}/"
    unit.tree_key = (parent["tree_key"] if parent else "") + OrgUnit.key_part(
        unit.sort_order, unit.pk
    )
    unit.department_id = parent["department_id"] if parent else unit.pk
    OrgUnit.objects.filter(pk=unit.pk).update(
        path=unit.path, tree_key=unit.tree_key, department_id=unit.department_id
    )


@transaction.atomic
def unit_create(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    sort_order: int = 0,
) -> OrgUnit:
    """Add a unit to an organisation's tree."""
    require_policy(organisation)
    if parent is not None and parent.organisation_id != organisation.pk:
        raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})
    unit = OrgUnit(
        organisation=organisation,
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        sort_order=sort_order,
    )
    unit.full_clean()
    unit.save()
    _set_path(unit)
    audit.record(action=Action.CREATE, obj=unit, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def unit_update(*, unit: OrgUnit, data: dict[str, Any]) -> OrgUnit:
    """Rename or move a unit; moving it moves its whole subtree."""
    require_policy(unit.organisation)
    old_path = OrgUnit.objects.values_list("path", flat=True).get(pk=unit.pk)
    new_parent = data.get("parent", unit.parent)
    if new_parent is not None and new_parent.organisation_id != unit.organisation_id:
        raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})
    if new_parent is not None and (
        new_parent.pk == unit.pk
        or OrgUnit.objects.values_list("path", flat=True).get(pk=new_parent.pk).startswith(old_path)
    ):
        raise ValidationError({"parent": _("A unit cannot be placed below itself.")})
    old_key = OrgUnit.objects.values_list("tree_key", flat=True).get(pk=unit.pk)
    object_update(obj=unit, data=data)
    _set_path(unit)
    if unit.path != old_path or unit.tree_key != old_key:
        for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            OrgUnit.objects.filter(pk=child.pk).update(
                path=unit.path + child.path[len(old_path) :],
                tree_key=unit.tree_key + child.tree_key[len(old_key) :],
                department_id=unit.department_id,
            )
    return unit


@transaction.atomic
def unit_delete(*, unit: OrgUnit) -> None:
    """Remove a unit that has no sub-units and nothing recorded against it."""
    require_policy(unit.organisation)
    object_delete(obj=unit)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None = None,
    email: str = "",
    full_name: str = "",
    is_superuser: bool = False,
) -> tuple[User, str]:
    """Create a user; returns the user and the password (generated when none is given)."""
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("A user with this name already exists.")})
    password = password or secrets.token_urlsafe(12)
    user = User(
        username=username,
        email=email,
        first_name=full_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(action=Action.CREATE, obj=user, after={"username": username, "email": email})
    return user, password


@transaction.atomic
def membership_grant(
    *, user: User, organisation: Organisation, role: str, unit: OrgUnit | None = None
) -> Membership:
    """Give ``user`` a role in ``organisation`` (for `owner` and `sam_officer`, in ``unit``)."""
    require_policy(organisation)
    if role in (Role.OWNER, Role.SAM_OFFICER) and unit is None:
        raise ValidationError({"unit": _("This role needs a unit.")})
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError({"unit": _("The unit belongs to another organisation.")})
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, unit=unit, role=role
    )
    if created:
        audit.record(
            action=Action.CREATE,
            obj=membership,
            organisation=organisation,
            after=audit.snapshot(membership),
        )
    forget_scope(user)
    return membership


# ---------------------------------------------------------------------------------------------
# Notes, attachments, saved views, tokens


@transaction.atomic
def note_add(*, target: models.Model, text: str, kind: str = "info") -> JournalEntry:
    """Add a journal note to a ledger record the actor may edit."""
    _require_note_target(target, _("Notes"))
    if not text.strip():
        raise ValidationError({"text": _("Write the note first.")})
    note = JournalEntry(
        organisation=target.organisation,
        target=target,
        text=text.strip(),
        kind=kind,
        author=actor(),
    )
    return object_create(obj=note)


ALLOWED_ATTACHMENT_TYPES = (
    ".pdf",
    ".xlsx",
    ".xls",
    ".docx",
    ".doc",
    ".pptx",
    ".ppt",
    ".csv",
    ".txt",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".vsdx",
    ".zip",
    ".odt",
    ".ods",
    ".odp",
    ".jtd",
    ".md",
)


def require_size(upload, limit: int) -> None:
    """Refuse an uploaded file over ``limit`` bytes, saying how large it is."""
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s MB; the limit is %(limit)s MB).")
                % {"size": round(upload.size / 1048576, 1), "limit": limit // 1048576}
            }
        )


@transaction.atomic
def attachment_add(*, target: models.Model, upload, description: str = "") -> Attachment:
    """Store a document against a ledger record, within the size limit and known file types."""
    _require_note_target(target, _("Files"))
    name = upload.name.rsplit("/", 1)[-1]
    require_size(upload, settings.DAICHO_MAX_UPLOAD_BYTES)
    if not name.lower().endswith(ALLOWED_ATTACHMENT_TYPES):
        raise ValidationError(
            {"file": _("This type of file cannot be attached: %(name)s") % {"name": name}}
        )
    attachment = Attachment(
        organisation=target.organisation,
        target=target,
        name=name,
        size=upload.size,
        mime_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        description=description,
        uploaded_by=actor(),
    )
    attachment.file.save(name, upload, save=False)
    storage, path = attachment.file.storage, attachment.file.name
    try:
        return object_create(obj=attachment)
    except BaseException:
        storage.delete(path)  # nothing half-written: no file without its record
        raise


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    """Remove an attachment and its file (after the transaction commits)."""
    require_editable(attachment.target)
    storage, path = attachment.file.storage, attachment.file.name
    object_delete(obj=attachment)
    transaction.on_commit(lambda: storage.delete(path))


@transaction.atomic
def saved_view_save(
    *, owner: User, organisation: Organisation, list_name: str, name: str, query: str, shared: bool
) -> SavedView:
    """Save (or overwrite, by name) a filtered list as a named view for oneself; only the IT
    policy division shares one with the whole organisation."""
    me = actor()
    scope = scope_of(me)
    require(
        me is not None and me.pk == owner.pk and organisation.pk in scope.read_org_ids,
        _("A view is saved by its owner, in an organisation they belong to."),
    )
    if shared and me is not None and organisation.pk not in scope.policy_org_ids:
        raise ValidationError(
            {"shared": _("Only the IT policy division shares views with the whole organisation.")}
        )
    if not name.strip():
        raise ValidationError({"name": _("Give the view a name.")})
    view = SavedView.objects.filter(owner=owner, list_name=list_name, name=name.strip()).first()
    if view:
        return object_update(obj=view, data={"query": query, "shared": shared})
    return object_create(
        obj=SavedView(
            owner=owner,
            organisation=organisation,
            list_name=list_name,
            name=name.strip(),
            query=query,
            shared=shared,
        )
    )


@transaction.atomic
def saved_view_delete(*, view: SavedView) -> None:
    """Delete a saved view: its owner, or the IT policy division a view shared with its
    organisation."""
    me = actor()
    require(
        me is not None
        and (
            view.owner_id == me.pk
            or (view.shared and view.organisation_id in scope_of(me).policy_org_ids)
        )
    )
    object_delete(obj=view)


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str = "",
    expires_at=None,
    days: int | None = None,
    scope: str = TokenScope.WRITE,
) -> tuple[ApiToken, str]:
    """Create an API token for ``user``; the clear key is returned once and never stored.

    Every token expires: at ``expires_at``, after ``days``, or after DAICHO_API_TOKEN_DAYS; never
    later than DAICHO_API_TOKEN_MAX_DAYS from now.
    """
    from datetime import timedelta

    from django.utils import timezone

    me = actor()
    require(me is not None and (me.is_superuser or me.pk == user.pk))
    now = timezone.now()
    if expires_at is None:
        expires_at = now + timedelta(days=days or settings.DAICHO_API_TOKEN_DAYS)
    if expires_at > now + timedelta(days=settings.DAICHO_API_TOKEN_MAX_DAYS, minutes=1):
        raise ValidationError(
            {
                "expires_at": _("A token may be valid for at most %(days)s days.")
                % {"days": settings.DAICHO_API_TOKEN_MAX_DAYS}
            }
        )
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose read or write.")})
    key = "dch_" + secrets.token_urlsafe(32)
    while not key[4].isalnum():  # a prefix starting with "-" would read as an option on the CLI
        key = "dch_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[4:12],
        digest=ApiToken.digest_of(key),
        expires_at=expires_at,
        scope=scope,
    )
    token.save()
    audit.record(
        action=Action.CREATE,
        obj=token,
        organisation=None,
        after={
            "user": user.username,
            "prefix": token.prefix,
            "name": name,
            "scope": scope,
            "expires_at": expires_at.isoformat(),
        },
    )
    return token, key


@transaction.atomic
def token_revoke(*, prefix: str) -> int:
    """Revoke (delete) the tokens with ``prefix``; each revocation is audited. A user revokes
    their own tokens; a superuser and the CLI, anyone's."""
    me = actor()
    require(me is not None)
    tokens = ApiToken.objects.select_related("user").filter(prefix=prefix)
    if me is not None and not me.is_superuser:
        tokens = tokens.filter(user_id=me.pk)
    tokens = list(tokens)
    for token in tokens:
        audit.record(
            action=Action.DELETE,
            obj=token,
            organisation=None,
            before={"user": token.user.username, "prefix": token.prefix, "scope": token.scope},
        )
        token.delete()
    return len(tokens)
