"""Organisations, their unit tree, people and roles, the audit log, notes, attachments, tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daicho.core.changes import Change, readable_changes
from daicho.core.choices import Action, Channel, Role
from daicho.core.scope import Scoped, ScopedQuerySet


class CodedModel(models.Model):
    """A record with a `code` (or another ``unique_field``, such as a server's name) unique in its
    organisation: a duplicate is reported on that field, not as a form-wide error."""

    unique_field = "code"

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            for error in general:
                field = self.unique_field
                if getattr(error, "code", None) == "unique_together" and field not in errors:
                    errors[field] = [
                        ValidationError(
                            _("%(code)s is already used."),
                            code="unique",
                            params={"code": getattr(self, field)},
                        )
                    ]
                else:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(error)
            raise ValidationError(errors) from None


class User(AbstractUser):
    """A person who signs in; what they may do comes from their memberships."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        db_table = "core_user"


class OrganisationKind(models.TextChoices):
    PREFECTURE = "prefecture", _("Prefecture")
    MUNICIPALITY = "municipality", _("Municipality")
    AGENCY = "agency", _("Agency")


class Organisation(models.Model):
    """A public body whose ledger this is (a prefecture, a municipality, an agency)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("local government code"),
        max_length=6,
        blank=True,
        help_text=_("全国地方公共団体コード, six digits with the check digit (e.g. 330001)."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=OrganisationKind.choices,
        default=OrganisationKind.PREFECTURE,
    )
    cost_base_year = models.PositiveSmallIntegerField(
        _("cost base fiscal year"),
        default=2008,
        help_text=_("The fiscal year that cost reductions are measured against."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A new random value whenever one of the organisation's units is written: processes keep the
    # unit tree in memory under it (daicho.core.units). Random rather than counted, so a restored
    # database never brings back a value that stood for other units.
    units_version = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="core_organisation_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    SECTION = "section", _("Section")
    BRANCH = "branch", _("Branch office")
    OTHER = "other", _("Other")


class OrgUnit(CodedModel):
    """A department (部局), section (課室/所属) or branch office (出先機関) in the unit tree."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.SECTION
    )
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Materialised path of primary keys ("12/57/"): a unit's scope is every unit below it.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # The same path as a sort key (each level: sort order, then primary key, fixed width), so that
    # ordering by it lists the tree as people read it: a department before its sections, siblings
    # by their sort order ("7/" as text sorts after "56/"; this key does not).
    tree_key = models.CharField(max_length=400, editable=False, db_index=True, default="")
    # The top-level unit (部局) above this one (itself for a department); kept with the path.
    department = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("department"),
    )

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["tree_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="core_orgunit_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def key_part(sort_order: int, pk: int) -> str:
        """One level of ``tree_key``: the sort order (negative ones first) and the key."""
        return f"{sort_order + 500_000:07d}.{pk:010d}/"

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 1, 0)


class MembershipSource(models.TextChoices):
    """Who keeps a membership: the IT policy division by hand, or the directory at each sign-in."""

    LOCAL = "local", _("Granted in Daicho")
    DIRECTORY = "directory", _("From the directory")


class Membership(models.Model):
    """A role a user holds in a unit; `owner` scope reaches every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=MembershipSource.choices,
        default=MembershipSource.LOCAL,
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "unit", "role"], name="core_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or self.organisation}"


class AuditEvent(models.Model):
    """One write to the ledger: who, when, through which channel, what before and after."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor"), max_length=150)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # No single-column index: the composite indexes below start with it (fewer indexes to
    # maintain on bulk imports).
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    # The record whose history (カルテ) this event belongs to, e.g. the system of a cost line.
    root_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    root_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    # Indexed: an import batch is found (and rolled back) by it.
    request_id = models.CharField(
        _("request or batch id"), max_length=64, blank=True, db_index=True
    )
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-time", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "time"]),
            models.Index(fields=["root_type", "root_id", "time"]),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def changes(self) -> list[Change]:
        """(label, before, after) of every field (or part of one) this event changed, as people
        read them (`daicho.core.changes`)."""
        return readable_changes(self.content_type.model_class(), self.before, self.after)


class NoteKind(models.TextChoices):
    INFO = "info", _("Information")
    DECISION = "decision", _("Decision")
    WARNING = "warning", _("Warning")
    INCIDENT = "incident", _("Incident")


class JournalEntry(models.Model):
    """A dated note on any ledger record: part of the system カルテ."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(
        _("kind"), max_length=10, choices=NoteKind.choices, default=NoteKind.INFO
    )
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("journal note")
        verbose_name_plural = _("journal notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.text[:50]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.organisation_id}/{timezone.now():%Y/%m}/{secrets.token_hex(8)}"


class Attachment(models.Model):
    """A document (system diagram, specification, quote…) attached to any ledger record."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    mime_type = models.CharField(max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.name


class SavedViewQuerySet(ScopedQuerySet):
    """A user's own views, and those shared in the organisations they read; the owner edits
    a view, and the IT policy division the views shared with its organisation."""

    def visible_q(self, scope, user) -> Q:
        return Q(owner=user) | Q(shared=True, organisation_id__in=scope.read_org_ids)

    def editable_q(self, scope, user) -> Q:
        return Q(owner=user) | Q(shared=True, organisation_id__in=scope.policy_org_ids)


class SavedView(models.Model):
    """A named filter of a list page that a user can return to, and share with the organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField(max_length=50)
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filter"), max_length=2000, blank=True)
    shared = models.BooleanField(_("shared with the organisation"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    scoped = Scoped()
    objects = SavedViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenScope(models.TextChoices):
    """What an API token may do."""

    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 digest is stored.

    A token is read-only or read-write, always expires, and keeps a summary of its use (when,
    from where, how many requests); writes made with it are audited as the user, channel `api`,
    with the token's prefix in the request id.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        _("scope"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    use_count = models.PositiveBigIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(key: str) -> str:
        return _digest(key)


class ImportStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    DRY_RUN = "dry_run", _("Dry run")
    REJECTED = "rejected", _("Rejected")
    ROLLED_BACK = "rolled_back", _("Rolled back")


class ImportBatchQuerySet(ScopedQuerySet):
    """The IT policy division and auditors see every import of their organisations; other
    members their own. Only the import engine writes a batch."""

    def visible_q(self, scope, user) -> Q:
        return Q(organisation_id__in=scope.audit_org_ids) | Q(
            organisation_id__in=scope.read_org_ids, user=user
        )


class ImportBatch(models.Model):
    """One import of one file: who, when, what file (digest), the counts and the problems.

    Its audit events carry `batch_id` as their request id, so the batch can be inspected and
    rolled back as a whole.
    """

    batch_id = models.CharField(max_length=32, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=255)
    file_digest = models.CharField(_("SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("size"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # What the import created (or, in a dry run, would create) that the file only named:
    # {reference kind (engine.REFERENCES): [names]}.
    created_refs = models.JSONField(default=dict, blank=True)
    # What the reader passed over and why (title rows above the header, 合計 rows, blank rows).
    notes = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    # What the first rows change (engine.MAX_ROW_CHANGES per kind), for the preview:
    # {"created": [{row, label}], "updated": [{row, label, fields: [{label, before, after}]}]}.
    changes = models.JSONField(_("changes by row"), default=dict, blank=True)
    # The uploaded file, kept so a previewed (dry-run) import can be confirmed without re-upload.
    stored_file = models.CharField(max_length=255, blank=True)
    # A preview (dry run) confirmed from the web: the batch that applied it. Set once, in the
    # transaction that applied it, so a preview can be confirmed only once.
    confirmed_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by import"),
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rolled_back_at = models.DateTimeField(_("rolled back at"), null=True, blank=True)

    scoped = Scoped(editable=False)
    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("import_detail", args=[self.pk])


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _job_token() -> str:
    return secrets.token_hex(16)


class Job(models.Model):
    """A piece of background work run by the job worker (an import's preview or confirmation),
    with how far it has got: kept in the database so every server process can show it."""

    token = models.CharField(max_length=32, unique=True, default=_job_token, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    # What the job needs to run (JSON-safe), e.g. the stored file and the import's options.
    params = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows done"), default=0)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the user reads when the job could not do its work (already translated).
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:8]} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
