"""Where systems run: sites, physical servers, virtualization hosts and clusters, virtual
machines, cloud services and virtual desktop pools — each tied to the systems it serves.

Placement carries dates: a VM's host and a server's site are kept as a history
(`ServerPlacement`), so the platform can be shown as it stood at the end of any fiscal year.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.core.models import CodedModel, Organisation, OrgUnit
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.lifecycle.models import ProductRelease
from daicho.registry.models import InformationSystem


class SiteKind(models.TextChoices):
    OFFICE = "office", _("Government building")
    DATA_CENTRE = "data_centre", _("Data centre")
    BRANCH = "branch", _("Branch office")
    CLOUD = "cloud", _("Cloud region")


class Site(CodedModel):
    """A place where equipment runs: the government building's machine room, a data centre."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sites", verbose_name=_("organisation")
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="infra_site_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("infra:server_list") + f"?site={self.pk}"


class Cluster(models.Model):
    """A virtualization cluster: hosts that share storage and move VMs between them."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="clusters",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("site")
    )
    note = models.TextField(_("note"), blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("virtualization cluster")
        verbose_name_plural = _("virtualization clusters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="infra_cluster_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("infra:virtualization")


class ServerKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical server")
    HOST = "host", _("Virtualization host")
    VM = "vm", _("Virtual machine")


class Server(CodedModel):
    """A physical server, a virtualization host or a virtual machine."""

    unique_field = "name"  # a duplicate is reported on the name

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="servers",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ServerKind.choices)
    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="servers",
        verbose_name=_("system"),
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosts",
        verbose_name=_("cluster"),
    )
    host = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guests",
        verbose_name=_("host"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="servers",
        verbose_name=_("site"),
    )
    os = models.CharField(_("OS"), max_length=200, blank=True)
    release = models.ForeignKey(
        ProductRelease,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("OS release"),
    )
    cores = models.PositiveIntegerField(_("CPU cores"), null=True, blank=True)
    memory_gb = models.PositiveIntegerField(_("memory (GB)"), null=True, blank=True)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), null=True, blank=True)
    purchased_on = models.DateField(_("purchased on"), null=True, blank=True)
    lease_end = models.DateField(_("lease ends"), null=True, blank=True)
    in_service_on = models.DateField(_("in service since"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scoped = Scoped(unit="system__owner_unit")  # the system's owner section edits it
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("server")
        verbose_name_plural = _("servers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="infra_server_unique_name"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "kind"]),
            models.Index(fields=["release"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("infra:server_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        for name in ("system", "site", "cluster", "host"):
            related = getattr(self, name)
            if related is not None and related.organisation_id != self.organisation_id:
                errors[name] = _("This belongs to another organisation.")
        if self.kind == ServerKind.VM:
            if self.host_id is None and not errors.get("host"):
                errors["host"] = _("A virtual machine needs the host it runs on.")
            elif self.host is not None and self.host.kind != ServerKind.HOST:
                errors["host"] = _("%(name)s is not a virtualization host.") % {
                    "name": self.host.name
                }
            if self.cluster_id:
                errors["cluster"] = _("Only a host belongs to a cluster.")
        elif self.host_id:
            errors["host"] = _("Only a virtual machine runs on a host.")
        if self.retired_on and self.in_service_on and self.retired_on < self.in_service_on:
            errors["retired_on"] = _("The retirement date is before the in-service date.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_physical(self) -> bool:
        return self.kind in (ServerKind.PHYSICAL, ServerKind.HOST)


class ServerPlacement(models.Model):
    """Where a server was from a date on: its host (a VM) and its site.

    ``effective_on`` NULL is the placement from the start (before any recorded change)."""

    server = models.ForeignKey(
        Server, on_delete=models.CASCADE, related_name="placements", verbose_name=_("server")
    )
    effective_on = models.DateField(_("from"), null=True, blank=True)
    host = models.ForeignKey(
        Server,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("host"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("server placement")
        verbose_name_plural = _("server placements")
        ordering = ["server", "effective_on"]
        indexes = [models.Index(fields=["server", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.server} @ {self.host or self.site} ({self.effective_on or '—'})"

    def audit_root(self):
        return self.server


class ServiceModel(models.TextChoices):
    SAAS = "saas", "SaaS"
    PAAS = "paas", "PaaS"
    IAAS = "iaas", "IaaS"


class CloudService(models.Model):
    """A cloud service the organisation contracts (SaaS, PaaS, IaaS, ガバメントクラウド)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cloud_services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    service_model = models.CharField(
        _("service model"), max_length=10, choices=ServiceModel.choices
    )
    government_cloud = models.BooleanField(_("government cloud"), default=False)
    systems = models.ManyToManyField(
        InformationSystem, blank=True, related_name="cloud_services", verbose_name=_("systems")
    )
    started_on = models.DateField(_("in use since"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    annual_cost = models.BigIntegerField(
        _("annual cost (yen)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("note"), blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cloud service")
        verbose_name_plural = _("cloud services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="infra_cloud_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("infra:cloud_list") + f"#c{self.pk}"

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date is before the start date.")})


class VdiPool(models.Model):
    """A pool of virtual desktops (仮想デスクトップ) and its seats."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="vdi_pools",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit using it"),
    )
    capacity = models.PositiveIntegerField(_("seats available"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("VDI pool")
        verbose_name_plural = _("VDI pools")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="infra_vdi_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("infra:vdi_list")


class VdiUsage(models.Model):
    """Seats in use in a VDI pool on a date (a monthly or yearly count)."""

    pool = models.ForeignKey(
        VdiPool, on_delete=models.CASCADE, related_name="usages", verbose_name=_("VDI pool")
    )
    measured_on = models.DateField(_("date"))
    seats_in_use = models.PositiveIntegerField(_("seats in use"))

    class Meta:
        verbose_name = _("VDI seats in use")
        verbose_name_plural = _("VDI seats in use")
        ordering = ["pool", "measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "measured_on"], name="infra_vdi_usage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pool} {self.measured_on}: {self.seats_in_use}"

    def audit_root(self):
        return self.pool

    @property
    def organisation(self):
        return self.pool.organisation


class SoftwareComponent(models.Model):
    """Software a system is built on (database, middleware, runtime) and its release."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.CASCADE,
        related_name="components",
        verbose_name=_("system"),
    )
    server = models.ForeignKey(
        Server,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="components",
        verbose_name=_("server"),
    )
    name = models.CharField(_("product as written"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    release = models.ForeignKey(
        ProductRelease,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("release"),
    )

    scoped = Scoped(unit="system__owner_unit")  # the system's owner section edits it
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("system component")
        verbose_name_plural = _("system components")
        ordering = ["system", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "server", "name"], name="infra_component_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system.code} {self.name}"

    def get_absolute_url(self) -> str:
        return self.system.get_absolute_url()

    def audit_root(self):
        return self.system
