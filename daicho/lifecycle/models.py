"""Software products and their releases with end-of-support dates, and the rules that map the
OS and product strings inventories write ("Windows XP Professional SP3") to a release."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.core.models import Organisation
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.lifecycle.horizon import horizon_end
from daicho.lifecycle.patterns import compile_pattern


class Category(models.TextChoices):
    OS = "os", _("Operating system")
    SERVER_OS = "server_os", _("Server operating system")
    DATABASE = "database", _("Database")
    MIDDLEWARE = "middleware", _("Middleware")
    RUNTIME = "runtime", _("Language runtime")
    VIRTUALIZATION = "virtualization", _("Virtualization")
    BROWSER = "browser", _("Browser")
    OFFICE = "office", _("Office suite")
    APPLICATION = "application", _("Application")


class Source(models.TextChoices):
    SNAPSHOT = "snapshot", _("Shipped snapshot")
    ENDOFLIFE = "endoflife", _("endoflife.date file")
    LOCAL = "local", _("Entered locally")


class SoftwareProduct(models.Model):
    """A product line whose releases have a published support lifecycle (e.g. Windows Server)."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    vendor = models.CharField(_("vendor"), max_length=120, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    source_url = models.URLField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("software product")
        verbose_name_plural = _("software products")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lifecycle:product_detail", args=[self.slug])


class ProductRelease(models.Model):
    """One release cycle of a product and its support dates.

    ``eol`` is the end of support: after it the vendor ships no security fixes under standard
    support (for Windows, the end of extended support; for RHEL, the end of maintenance support).
    ``extended_support_end`` is a paid extension beyond it (ESU, ELS, ESM), shown for information.
    ``local_fields`` names the fields someone edited here: a data update never overwrites them.
    """

    product = models.ForeignKey(
        SoftwareProduct,
        on_delete=models.CASCADE,
        related_name="releases",
        verbose_name=_("product"),
    )
    cycle = models.CharField(_("release cycle"), max_length=40)
    label = models.CharField(_("release"), max_length=120)
    released_on = models.DateField(_("release date"), null=True, blank=True)
    active_support_end = models.DateField(_("end of active support"), null=True, blank=True)
    eol = models.DateField(_("end of support"), null=True, blank=True)
    extended_support_end = models.DateField(_("end of extended support"), null=True, blank=True)
    lts = models.BooleanField(_("long-term support"), default=False)
    latest = models.CharField(_("latest version"), max_length=60, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.SNAPSHOT
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    local_fields = models.JSONField(_("edited locally"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product release")
        verbose_name_plural = _("product releases")
        ordering = ["product__name", "-released_on", "cycle"]
        constraints = [
            models.UniqueConstraint(fields=["product", "cycle"], name="lifecycle_release_unique")
        ]
        indexes = [models.Index(fields=["eol"])]

    def __str__(self) -> str:
        return f"{self.product.name} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("lifecycle:product_detail", args=[self.product.slug]) + f"#r{self.pk}"

    def status(self, as_of: datetime.date, within_months: int = 12) -> str:
        """`past`, `within` (ends within the horizon), `supported` or `unknown`."""
        if self.eol is None:
            return "unknown"
        if self.eol < as_of:
            return "past"
        if self.eol <= horizon_end(as_of, within_months):
            return "within"
        return "supported"


class MatchRuleQuerySet(ScopedQuerySet):
    """Rules: the shipped ones (no organisation) are everyone's to read; an organisation's own
    are read by its members and kept by its IT policy division."""

    def for_organisation(self, organisation):
        """Shipped rules and the organisation's own, the organisation's first."""
        return self.filter(Q(organisation__isnull=True) | Q(organisation=organisation))

    def visible_q(self, scope, user):
        return Q(organisation__isnull=True) | super().visible_q(scope, user)


class MatchRule(models.Model):
    """A regular expression on a raw OS or product string and the release it means.

    ``cycle`` may take groups of the pattern (``\\1``). Shipped rules have no organisation; an
    organisation's own rules are tried first, then by ascending ``priority``.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="match_rules",
        verbose_name=_("organisation"),
    )
    pattern = models.CharField(_("pattern"), max_length=300)
    product = models.ForeignKey(
        SoftwareProduct, on_delete=models.CASCADE, related_name="rules", verbose_name=_("product")
    )
    cycle = models.CharField(_("release cycle"), max_length=60)
    priority = models.PositiveIntegerField(_("priority"), default=100)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scoped = Scoped()
    objects = MatchRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("matching rule")
        verbose_name_plural = _("matching rules")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return f"{self.pattern} → {self.product.name} {self.cycle}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        try:
            compile_pattern(self.pattern)
        except ValueError as exc:
            raise ValidationError({"pattern": str(exc)}) from None


class ReleaseOverride(models.Model):
    """An organisation's own support dates for a shipped release, used over the global ones.

    The shipped releases are shared by every organisation and edited only by a site
    administrator; an organisation that knows better (a support contract, a local decision)
    records its dates here. A blank date means the global date applies.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="release_overrides",
        verbose_name=_("organisation"),
    )
    release = models.ForeignKey(
        ProductRelease,
        on_delete=models.CASCADE,
        related_name="overrides",
        verbose_name=_("release"),
    )
    active_support_end = models.DateField(_("end of active support"), null=True, blank=True)
    eol = models.DateField(_("end of support"), null=True, blank=True)
    extended_support_end = models.DateField(_("end of extended support"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("support date override")
        verbose_name_plural = _("support date overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "release"], name="lifecycle_override_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.release} ({self.organisation})"

    def get_absolute_url(self) -> str:
        return self.release.get_absolute_url()
