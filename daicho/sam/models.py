"""Software asset management. This first part holds the devices (PCs, tablets, servers as SAM
sees them) with their OS; titles, installations, licences and the inventory come with SAM."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.core.models import Organisation, OrgUnit
from daicho.core.permissions import scope_of
from daicho.lifecycle.models import ProductRelease


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


class DeviceQuerySet(models.QuerySet):
    """Devices: members read them; policy edits all; owners and SAM officers their unit's."""

    def visible_to(self, user):
        return self.filter(organisation_id__in=scope_of(user).read_org_ids)

    def editable_by(self, user):
        scope = scope_of(user)
        return self.filter(
            Q(organisation_id__in=scope.policy_org_ids)
            | (
                scope.unit_q("unit__", scope.owner_paths + scope.sam_paths)
                & Q(organisation_id__in=scope.read_org_ids)
            )
        )

    def in_use_on(self, date):
        """Devices in service on ``date``: bought by then, not yet disposed."""
        return self.filter(
            (Q(purchased_on__isnull=True) | Q(purchased_on__lte=date))
            & (Q(disposed_on__isnull=True) | Q(disposed_on__gt=date))
        ).exclude(status=DeviceStatus.DISPOSED, disposed_on__isnull=True)


class Device(models.Model):
    """A PC, tablet or other device in a unit, with its user and operating system."""

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
    purchased_on = models.DateField(_("purchased on"), null=True, blank=True)
    disposed_on = models.DateField(_("disposed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.IN_USE
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            if "__all__" in getattr(exc, "error_dict", {}):
                raise ValidationError(
                    {"name": _("%(name)s is already used.") % {"name": self.name}}
                ) from None
            raise

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
