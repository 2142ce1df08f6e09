"""Software asset management. This first part holds the devices (PCs, tablets, servers as SAM
sees them) with their OS; titles, installations, licences and the inventory come with SAM."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daicho.core.choices import Role
from daicho.core.models import CodedModel, Organisation, OrgUnit
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.lifecycle.models import ProductRelease
from daicho.sam.patterns import check_rule


class DeviceType(models.TextChoices):
    DESKTOP = "desktop", _("Desktop PC")
    LAPTOP = "laptop", _("Laptop PC")
    TABLET = "tablet", _("Tablet")
    THIN_CLIENT = "thin_client", _("Thin client")
    SERVER = "server", _("Server")
    OTHER = "other", _("Other")


class DeviceStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    IN_STOCK = "in_stock", _("In stock")
    DISPOSED = "disposed", _("Disposed")


class DeviceQuerySet(ScopedQuerySet):
    """Devices: members read them; IT policy edits all, owners and SAM officers their unit's."""

    def in_use_on(self, date):
        """Devices in service on ``date``: bought by then, not yet disposed."""
        return self.filter(
            (Q(purchased_on__isnull=True) | Q(purchased_on__lte=date))
            & (Q(disposed_on__isnull=True) | Q(disposed_on__gt=date))
        ).exclude(status=DeviceStatus.DISPOSED, disposed_on__isnull=True)


class Device(CodedModel):
    """A PC, tablet or other device in a unit, with its user and operating system."""

    unique_field = "name"  # a duplicate is reported on the name

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="devices",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("device name"), max_length=100)
    type = models.CharField(
        _("type"), max_length=20, choices=DeviceType.choices, default=DeviceType.DESKTOP
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="devices", verbose_name=_("unit")
    )
    user_name = models.CharField(_("user"), max_length=100, blank=True)
    os = models.CharField(_("OS"), max_length=200, blank=True)
    release = models.ForeignKey(
        ProductRelease,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("OS release"),
    )
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    cores = models.PositiveIntegerField(
        _("CPU cores"), null=True, blank=True, help_text=_("Counted by per-core licences.")
    )
    purchased_on = models.DateField(_("purchased on"), null=True, blank=True)
    disposed_on = models.DateField(_("disposed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.IN_USE
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scoped = Scoped(unit="unit", editors=(Role.OWNER, Role.SAM_OFFICER))
    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="sam_device_unique_name")
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["release"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sam:device_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if (
            self.unit_id
            and self.organisation_id
            and self.unit.organisation_id != self.organisation_id
        ):
            errors["unit"] = _("The unit belongs to another organisation.")
        if self.status == DeviceStatus.DISPOSED and not self.disposed_on:
            errors["disposed_on"] = _("Give the date the device was disposed of.")
        if self.disposed_on and self.purchased_on and self.disposed_on < self.purchased_on:
            errors["disposed_on"] = _("The disposal date is before the purchase date.")
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Titles, normalisation rules and installations


class SoftwareTitle(models.Model):
    """A piece of software as SAM counts it: publisher, title and edition; free or licensable."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="software_titles",
        verbose_name=_("organisation"),
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    name = models.CharField(_("title"), max_length=200)
    edition = models.CharField(_("edition"), max_length=100, blank=True)
    free = models.BooleanField(_("free software"), default=False)
    release_order = models.CharField(
        _("versions in release order"),
        max_length=500,
        blank=True,
        help_text=_(
            "Comma-separated, oldest first (e.g. XP, Vista, 7, 8.1, 10), for versions that "
            "are not numbers; downgrade rights follow this order."
        ),
    )
    declared_peak = models.PositiveIntegerField(
        _("declared peak of concurrent use"), null=True, blank=True
    )

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("software title")
        verbose_name_plural = _("software titles")
        ordering = ["publisher", "name", "edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "publisher", "name", "edition"],
                name="sam_title_unique",
            )
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.name, self.edition) if p)

    def get_absolute_url(self) -> str:
        return reverse("sam:position") + f"?title={self.pk}"


class NormalisationRule(models.Model):
    """A regular expression on the raw installed name (and publisher) naming the title,
    edition and version (``\\1`` takes a group); the organisation's rules come before the
    shipped ones."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="normalisation_rules",
        verbose_name=_("organisation"),
    )
    priority = models.IntegerField(_("priority"), default=100)
    pattern = models.CharField(_("pattern"), max_length=300)
    publisher_pattern = models.CharField(_("publisher"), max_length=200, blank=True)
    publisher = models.CharField(_("resulting publisher"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    edition = models.CharField(_("edition"), max_length=100, blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)
    free = models.BooleanField(_("free software"), default=False)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("normalisation rule")
        verbose_name_plural = _("normalisation rules")
        ordering = ["priority", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pattern", "publisher_pattern"],
                name="sam_rule_unique_pattern",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pattern} → {self.title}"

    def clean(self) -> None:
        errors = check_rule(
            self.pattern, self.publisher_pattern, self.title, self.edition, self.version
        )
        if errors:
            raise ValidationError(errors)


class Installation(models.Model):
    """One piece of software found on a device by the latest inventory of that device."""

    # No foreign-key constraints in the database (as ReplacedInstallation): an inventory load
    # writes a million rows whose devices and titles the loader itself resolved or created in
    # the same transaction, and the database's check of each reference cost more than the
    # insert (PostgreSQL fires two trigger checks per row at commit: ~5 s a million rows).
    # Deleting a device or a title still takes its installations (Django's on_delete).
    device = models.ForeignKey(
        Device,
        on_delete=models.CASCADE,
        related_name="installations",
        verbose_name=_("device"),
        db_index=False,  # the (device, id) index below serves it
        db_constraint=False,
    )
    title = models.ForeignKey(
        SoftwareTitle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="installations",
        verbose_name=_("software title"),
        db_index=False,  # the (title, version, device) index below serves it
        db_constraint=False,
    )
    raw_name = models.CharField(_("software name"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    raw_version = models.CharField(_("version as found"), max_length=100, blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)

    scoped = Scoped(org="device__organisation", editable=False)  # kept by inventory imports
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        # Covers the position's aggregation (title, version, distinct devices) without the table.
        # Only rows with a title are counted there: most rows (runtimes, drivers, updates no
        # rule names) have none and stay out of the index, which a large load then rebuilds
        # in a quarter of the time.
        indexes = [
            models.Index(
                fields=["title", "version", "device"],
                name="sam_inst_title_version_dev",
                condition=models.Q(title__isnull=False),
            ),
            # A device's rows, and among them those older than a load (id up to the highest
            # before it): an import moves a changed device's older rows to its previous
            # snapshot. On the device alone, the database walked every row of the device the
            # load had just added to find none older (about a second for 10,000 PCs).
            models.Index(fields=["device", "id"], name="sam_inst_device_id"),
        ]

    def __str__(self) -> str:
        return f"{self.raw_name} ({self.device_id})"

    def audit_root(self):
        return self.device


class InstallationLoad(models.Model):
    """One applied import of installations: the devices whose snapshot it loaded, and (in
    ReplacedInstallation) the snapshot it replaced, so that the import can be rolled back."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    batch_id = models.CharField(_("import batch"), max_length=64, unique=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    rolled_back_at = models.DateTimeField(_("rolled back at"), null=True, blank=True)

    class Meta:
        verbose_name = _("installations import")
        verbose_name_plural = _("installations imports")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return _("Installations import %(batch)s") % {"batch": self.batch_id[:8]}


class LoadedDevice(models.Model):
    """A device whose installations an import replaced with the file's snapshot."""

    load = models.ForeignKey(
        InstallationLoad, on_delete=models.CASCADE, related_name="devices", db_index=False
    )
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    # rows:hash of the snapshot loaded (installations.Loader): an identical one is left alone.
    fingerprint = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["load", "device"], name="sam_loaded_device_unique")
        ]

    def __str__(self) -> str:
        return f"{self.load_id}: {self.device_id}"


class ReplacedInstallation(models.Model):
    """An installation an import replaced: the device's previous snapshot, kept while that
    import is the device's latest (its rollback puts these rows back).

    Written in bulk (as many rows as an inventory replaces): no foreign-key constraints in the
    database, which cost PostgreSQL one check per row and key; deletions cascade through the
    ORM, and a rollback puts back only rows whose device still exists."""

    load = models.ForeignKey(
        InstallationLoad,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,  # found through the device index: (device, load)
    )
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    title = models.ForeignKey(
        SoftwareTitle,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    raw_name = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    raw_version = models.CharField(max_length=100, blank=True)
    version = models.CharField(max_length=50, blank=True)
    installed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.raw_name} ({self.device_id})"


# ---------------------------------------------------------------------------------------------
# Licences (entitlements)


class LicenceMetric(models.TextChoices):
    DEVICE = "device", _("Per device")
    USER = "user", _("Per user")
    CORE = "core", _("Per core")
    CONCURRENT = "concurrent", _("Concurrent use")
    SITE = "site", pgettext_lazy("licence metric", "Site-wide")


class LicenceType(models.TextChoices):
    OEM = "oem", _("OEM")
    PACKAGE = "package", _("Package")
    VOLUME = "volume", _("Volume")
    SUBSCRIPTION = "subscription", _("Subscription")


class LicenceQuerySet(ScopedQuerySet):
    """Licences: members read them; IT policy edits all, owners and SAM officers their unit's."""

    def valid_on(self, date):
        """Licences in force on ``date`` (no dates: perpetual)."""
        return self.filter(
            (Q(valid_from__isnull=True) | Q(valid_from__lte=date))
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=date))
        )


class Licence(models.Model):
    """An entitlement: so many units of a title (and version) under a metric, for a time."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="licences",
        verbose_name=_("organisation"),
    )
    title = models.ForeignKey(
        SoftwareTitle,
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("software title"),
    )
    version = models.CharField(_("version"), max_length=50, blank=True)
    metric = models.CharField(
        _("metric"), max_length=12, choices=LicenceMetric.choices, default=LicenceMetric.DEVICE
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    type = models.CharField(
        _("licence type"), max_length=12, choices=LicenceType.choices, default=LicenceType.PACKAGE
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    downgrade_rights = models.BooleanField(_("downgrade rights"), default=False)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licences",
        verbose_name=_("managing unit"),
        help_text=_("Empty: the licence covers the whole organisation."),
    )
    certificate = models.CharField(_("certificate number"), max_length=100, blank=True)
    unit_price = models.BigIntegerField(_("unit price (yen)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scoped = Scoped(unit="unit", editors=(Role.OWNER, Role.SAM_OFFICER))
    objects = LicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["title__name", "version", "pk"]
        indexes = [models.Index(fields=["organisation", "title"], name="sam_licence_org_title")]

    def __str__(self) -> str:
        label = " ".join(p for p in (str(self.title), self.version) if p)
        count = (
            f" {LicenceMetric.SITE.label}"
            if self.metric == LicenceMetric.SITE
            else f" × {self.quantity}"
        )
        return f"{label}{count}" + (f" ({self.certificate})" if self.certificate else "")

    def get_absolute_url(self) -> str:
        return reverse("sam:licence_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if (
            self.title_id
            and self.organisation_id
            and self.title.organisation_id != self.organisation_id
        ):
            errors["title"] = _("The title belongs to another organisation.")
        if (
            self.unit_id
            and self.organisation_id
            and self.unit.organisation_id != self.organisation_id
        ):
            errors["unit"] = _("The unit belongs to another organisation.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The licence ends before it starts.")
        if self.unit_price is not None and self.unit_price < 0:
            errors["unit_price"] = _("A price cannot be negative.")
        if self.metric != LicenceMetric.SITE and not self.quantity:
            errors["quantity"] = _("Give the number of licences (a site licence needs none).")
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Inventory-taking (棚卸) and SAM audits


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Under way")
    CLOSED = "closed", _("Closed")


class InventoryCampaign(models.Model):
    """The year's inventory-taking (棚卸): opened by IT policy with a deadline and the units in
    scope; each unit's SAM officer confirms its devices."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="inventory_campaigns",
        verbose_name=_("organisation"),
    )
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    name = models.CharField(_("name"), max_length=200)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inventory campaign")
        verbose_name_plural = _("inventory campaigns")
        ordering = ["-fiscal_year", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sam:campaign_detail", args=[self.pk])

    def clean(self) -> None:
        if self.deadline and self.opened_on and self.deadline < self.opened_on:
            raise ValidationError({"deadline": _("The deadline is before the opening date.")})


class ConfirmationStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    CONFIRMED = "confirmed", _("Confirmed")


class InventoryConfirmation(models.Model):
    """One unit's part of a campaign: its review of devices and its confirmation."""

    campaign = models.ForeignKey(
        InventoryCampaign,
        on_delete=models.CASCADE,
        related_name="confirmations",
        verbose_name=_("inventory campaign"),
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConfirmationStatus.choices,
        default=ConfirmationStatus.PENDING,
    )
    note = models.TextField(_("explanation of differences"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "core.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    completed_on = models.DateField(
        _("completed on"),
        null=True,
        blank=True,
        help_text=_("The day the unit finished its inventory (a past year's keeps its real date)."),
    )

    class Meta:
        verbose_name = _("inventory confirmation")
        verbose_name_plural = _("inventory confirmations")
        ordering = ["unit__tree_key"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="sam_confirmation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("sam:confirmation", args=[self.pk])

    def audit_root(self):
        return self.campaign


class CheckResult(models.TextChoices):
    PRESENT = "present", _("Present")
    MISSING = "missing", _("Missing")
    DISPOSED = "disposed", _("Disposed")
    ADDED = "added", _("Added (was not listed)")


class CheckMethod(models.TextChoices):
    """How a device's result was decided: nothing counts as found unless someone said so."""

    SCANNED = "scanned", _("Scanned")
    CHECKED = "checked", _("Checked")
    BULK = "bulk", _("Marked in bulk")
    DECIDED = "decided", _("Decided when confirming")


class InventoryCheck(models.Model):
    """What a unit found for one device during the campaign, how it was decided and by whom."""

    confirmation = models.ForeignKey(
        InventoryConfirmation,
        on_delete=models.CASCADE,
        related_name="checks",
        verbose_name=_("inventory confirmation"),
    )
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="inventory_checks", verbose_name=_("device")
    )
    result = models.CharField(_("result"), max_length=10, choices=CheckResult.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    method = models.CharField(
        _("how decided"), max_length=10, choices=CheckMethod.choices, default=CheckMethod.CHECKED
    )
    checked_by = models.ForeignKey(
        "core.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inventory check")
        verbose_name_plural = _("inventory checks")
        constraints = [
            models.UniqueConstraint(fields=["confirmation", "device"], name="sam_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.result}"

    def audit_root(self):
        return self.confirmation.campaign


class SamAudit(models.Model):
    """A software asset audit (SAM監査) of the organisation, with findings per unit."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sam_audits",
        verbose_name=_("organisation"),
    )
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    name = models.CharField(_("name"), max_length=200)
    held_on = models.DateField(_("held on"))
    auditor = models.CharField(_("auditor"), max_length=200, blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("SAM audit")
        verbose_name_plural = _("SAM audits")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sam:audit_detail", args=[self.pk])


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Not yet addressed")
    DONE = "done", _("Done")


class AuditFinding(models.Model):
    """A finding of a SAM audit for a unit, with the follow-up action and its state."""

    audit = models.ForeignKey(
        SamAudit, on_delete=models.CASCADE, related_name="findings", verbose_name=_("SAM audit")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    description = models.TextField(_("finding"))
    action = models.TextField(_("follow-up action"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["status", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.description[:40]}"

    def audit_root(self):
        return self.audit
