"""The ledger of information systems (情報システム台帳): systems, vendors, contracts, costs."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.core import wareki
from daicho.core.models import CodedModel, Organisation, OrgUnit
from daicho.core.money import MAX_YEN
from daicho.core.scope import Scoped, ScopedQuerySet


class Status(models.TextChoices):
    PLANNING = "planning", _("Planning")
    DEVELOPMENT = "development", _("In development")
    OPERATING = "operating", _("In operation")
    RETIRED = "retired", _("Retired")


class Hosting(models.TextChoices):
    ON_PREMISES = "on_premises", _("On premises")
    VIRTUALIZED = "virtualized", _("Virtualization platform")
    CLOUD = "cloud", _("Cloud")
    GOV_CLOUD = "gov_cloud", _("Government cloud")
    SHARED_USE = "shared_use", _("Shared use")


class Confidentiality(models.TextChoices):
    LEVEL_1 = "1", _("Confidentiality 1")
    LEVEL_2 = "2", _("Confidentiality 2")
    LEVEL_3 = "3", _("Confidentiality 3")


class Integrity(models.TextChoices):
    LEVEL_1 = "1", _("Integrity 1")
    LEVEL_2 = "2", _("Integrity 2")


class Availability(models.TextChoices):
    LEVEL_1 = "1", _("Availability 1")
    LEVEL_2 = "2", _("Availability 2")


class UserBase(models.TextChoices):
    STAFF = "staff", _("Staff")
    RESIDENTS = "residents", _("Residents")
    BOTH = "both", _("Staff and residents")


class StandardBusiness(models.TextChoices):
    """The 20 business areas of the local government system standardisation (標準化対象業務)."""

    JUKI = "juki", _("Basic resident register")
    SENKYO = "senkyo", _("Electoral register")
    KOTEI_SHISAN = "kotei_shisan", _("Fixed asset tax")
    KOJIN_JUMINZEI = "kojin_juminzei", _("Individual resident tax")
    HOJIN_JUMINZEI = "hojin_juminzei", _("Corporate resident tax")
    KEI_JIDOSHA = "kei_jidosha", _("Light vehicle tax")
    KOSEKI = "koseki", _("Family register")
    KOSEKI_FUHYO = "koseki_fuhyo", _("Family register annex")
    INKAN = "inkan", _("Seal registration")
    SHUGAKU = "shugaku", _("School enrolment")
    KENKO_KANRI = "kenko_kanri", _("Health management")
    JIDO_FUYO = "jido_fuyo", _("Child rearing allowance")
    SEIKATSU_HOGO = "seikatsu_hogo", _("Public assistance")
    SHOGAI_FUKUSHI = "shogai_fukushi", _("Disability welfare")
    KAIGO = "kaigo", _("Long-term care insurance")
    KOKUHO = "kokuho", _("National health insurance")
    KOKI_KOREISHA = "koki_koreisha", _("Late-stage elderly medical care")
    KOKUMIN_NENKIN = "kokumin_nenkin", _("National pension")
    KODOMO_KOSODATE = "kodomo_kosodate", _("Child and child-rearing support")
    JIDO_TEATE = "jido_teate", _("Child allowance")


code_validator = RegexValidator(r"^[0-9A-Za-z_.\-]+$", _("Use letters, digits, '-', '_' or '.'."))


class InformationSystem(CodedModel):
    """One information system of the organisation: who owns it, where it runs, what it holds."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="systems",
        verbose_name=_("organisation"),
    )
    code = models.CharField(_("system ID"), max_length=30, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    owner_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="systems", verbose_name=_("owner section")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPERATING
    )
    in_service_on = models.DateField(_("in service since"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    hosting = models.CharField(
        _("hosting"), max_length=20, choices=Hosting.choices, default=Hosting.ON_PREMISES
    )
    confidentiality = models.CharField(
        _("confidentiality"), max_length=2, choices=Confidentiality.choices, blank=True
    )
    integrity = models.CharField(
        _("integrity"), max_length=2, choices=Integrity.choices, blank=True
    )
    availability = models.CharField(
        _("availability"), max_length=2, choices=Availability.choices, blank=True
    )
    users = models.CharField(
        _("users"), max_length=10, choices=UserBase.choices, default=UserBase.STAFF
    )
    personal_data = models.BooleanField(_("personal data"), default=False)
    my_number = models.BooleanField(_("uses the individual number (My Number)"), default=False)
    standard_business = models.CharField(
        _("standardisation business area"),
        max_length=20,
        choices=StandardBusiness.choices,
        blank=True,
    )
    sso_integrated = models.BooleanField(_("single sign-on integrated"), default=False)
    vendor = models.ForeignKey(
        "Vendor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="maintained_systems",
        verbose_name=_("maintenance vendor"),
    )
    description = models.TextField(_("description"), blank=True)
    open_data = models.BooleanField(
        _("published as open data"),
        default=False,
        help_text=_("Listed in the public open-data catalogue with its yearly costs."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scoped = Scoped(unit="owner_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("information system")
        verbose_name_plural = _("information systems")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="registry_system_unique_code"
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("registry:system_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if (
            self.owner_unit_id
            and self.organisation_id
            and (self.owner_unit.organisation_id != self.organisation_id)
        ):
            errors["owner_unit"] = _("The owner section belongs to another organisation.")
        if self.retired_on and self.in_service_on and self.retired_on < self.in_service_on:
            errors["retired_on"] = _("The retirement date is before the in-service date.")
        if self.status == Status.RETIRED and not self.retired_on:
            errors["retired_on"] = _("Give the date the system was retired.")
        if (
            self.vendor_id
            and self.organisation_id
            and (self.vendor.organisation_id != self.organisation_id)
        ):
            errors["vendor"] = _("The vendor belongs to another organisation.")
        if self.my_number and not self.personal_data:
            errors["personal_data"] = _(
                "A system that uses the individual number holds personal data."
            )
        if errors:
            raise ValidationError(errors)


class Vendor(CodedModel):
    """A company that builds, maintains, leases or hosts systems."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="vendors",
        verbose_name=_("organisation"),
    )
    code = models.CharField(_("vendor ID"), max_length=30, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        blank=True,
        validators=[RegexValidator(r"^\d{13}$", _("A corporate number has 13 digits."))],
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    note = models.TextField(_("note"), blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="registry_vendor_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:vendor_detail", args=[self.pk])


class ContractKind(models.TextChoices):
    DEVELOPMENT = "development", _("Development")
    MAINTENANCE = "maintenance", _("Operation and maintenance")
    LEASE = "lease", _("Lease")
    CLOUD = "cloud", _("Cloud service")
    LINE = "line", _("Network line")


class GreenPurchase(models.TextChoices):
    """Whether a purchase meets the green procurement criteria (グリーン購入法)."""

    YES = "yes", _("Meets the green criteria")
    NO = "no", _("Does not meet the green criteria")
    NOT_APPLICABLE = "na", _("Not applicable (services only)")


class Contract(CodedModel):
    """A contract with a vendor for one or more systems, with its period and yearly amount."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contracts",
        verbose_name=_("organisation"),
    )
    code = models.CharField(_("contract ID"), max_length=30, validators=[code_validator])
    title = models.CharField(_("title"), max_length=200)
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("vendor")
    )
    owner_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("owner section")
    )
    systems = models.ManyToManyField(
        InformationSystem, related_name="contracts", blank=True, verbose_name=_("systems")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    yearly_amount = models.BigIntegerField(
        _("yearly amount (yen)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_YEN)],
    )
    green = models.CharField(
        _("green procurement"), max_length=10, choices=GreenPurchase.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    scoped = Scoped(unit="owner_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_on", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="registry_contract_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registry:contract_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The contract ends before it starts.")})
        if (
            self.vendor_id
            and self.organisation_id
            and self.vendor.organisation_id != self.organisation_id
        ):
            raise ValidationError({"vendor": _("The vendor belongs to another organisation.")})


class CostItem(CodedModel):
    """An expense item (費目) from the organisation's editable list, e.g. 委託料."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cost_items",
        verbose_name=_("organisation"),
    )
    code = models.CharField(_("code"), max_length=30, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    budget_section = models.CharField(
        _("budget section (節)"),
        max_length=30,
        blank=True,
        help_text=_(
            "The section of the expenditure budget (地方自治法施行規則) the item is budgeted "
            "under, e.g. 委託料 for 運用保守委託料."
        ),
    )
    sort_order = models.IntegerField(_("sort order"), default=0)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="registry_costitem_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:cost_item_list")

    def clean(self) -> None:
        # Files and the cost sheet name an item by its name as often as by its code: two items
        # of one organisation must not read alike (compared as imports compare them).
        if self.organisation_id and self.name:
            key = cost_item_key(self.name)
            others = CostItem.objects.filter(organisation_id=self.organisation_id).exclude(
                pk=self.pk
            )
            for other_code, other_name in others.values_list("code", "name"):
                if cost_item_key(other_name) == key:
                    raise ValidationError(
                        {
                            "name": _("The cost item %(code)s is already named %(name)s.")
                            % {"code": other_code, "name": other_name}
                        }
                    )


_ITEM_KEY_DROPPED = re.compile(r"[\s、,，・･]+")


@functools.lru_cache(maxsize=4096)  # a cost file repeats the same few names on every row
def cost_item_key(text: str) -> str:
    """A 費目 name as files are matched against it: NFKC, without spaces or 、・, 及び as 及.

    「使用料及賃借料」 (the law's spelling), 「使用料 及び 賃借料」 and 「使用料及び賃借料」 are one
    item; so are 「負担金、補助及交付金」 and 「負担金補助及び交付金」."""
    text = _ITEM_KEY_DROPPED.sub("", unicodedata.normalize("NFKC", text or ""))
    return text.replace("及び", "及").lower()


class Basis(models.TextChoices):
    BUDGET = "budget", _("Budget")
    ACTUAL = "actual", _("Actual")


class Category(models.TextChoices):
    INITIAL = "initial", _("Development and build")
    OPERATION = "operation", _("Operation")


class CostLine(models.Model):
    """What a system costs in a fiscal year: budget or actual, build or operation, by item."""

    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.CASCADE,
        related_name="cost_lines",
        verbose_name=_("system"),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        validators=[
            MinValueValidator(wareki.MIN_FISCAL_YEAR),
            MaxValueValidator(wareki.MAX_FISCAL_YEAR),
        ],
    )
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    item = models.ForeignKey(
        CostItem, on_delete=models.PROTECT, related_name="cost_lines", verbose_name=_("cost item")
    )
    amount = models.BigIntegerField(
        _("amount (yen)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_YEN)]
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    scoped = Scoped(org="system__organisation", unit="system__owner_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["system", "fiscal_year", "basis", "category", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "fiscal_year", "basis", "category", "item"],
                name="registry_costline_unique",
            )
        ]
        indexes = [models.Index(fields=["fiscal_year", "basis", "category"])]

    def __str__(self) -> str:
        # Basis(...).label, not get_basis_display(): this runs once per line in bulk audits.
        return f"{self.system.code} FY{self.fiscal_year} {Basis(self.basis).label} {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("registry:system_costs", args=[self.system_id])

    @property
    def organisation(self) -> Organisation:
        return self.system.organisation

    def audit_root(self) -> InformationSystem:
        """A cost line's history belongs to its system's カルテ."""
        return self.system

    def clean(self) -> None:
        if (
            self.item_id
            and self.system_id
            and self.item.organisation_id != self.system.organisation_id
        ):
            raise ValidationError({"item": _("The cost item belongs to another organisation.")})


class HostingChange(models.Model):
    """A system's hosting from a date on, so the ledger can say where it ran at any year end.

    ``effective_on`` NULL is the hosting from the start (before any dated change)."""

    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.CASCADE,
        related_name="hosting_changes",
        verbose_name=_("system"),
    )
    effective_on = models.DateField(_("from"), null=True, blank=True)
    hosting = models.CharField(_("hosting"), max_length=20, choices=Hosting.choices)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hosting change")
        verbose_name_plural = _("hosting changes")
        ordering = ["system", "effective_on"]
        indexes = [models.Index(fields=["system", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.system.code} {self.get_hosting_display()} ({self.effective_on or '—'})"

    def audit_root(self):
        return self.system

    @property
    def organisation(self):
        return self.system.organisation


class CoUseQuerySet(ScopedQuerySet):
    """Co-use records are the owning organisation's: its members and the co-using
    organisation's members read them, the owner's IT policy division keeps them."""

    def visible_q(self, scope, user):
        return super().visible_q(scope, user) | Q(co_user_id__in=scope.read_org_ids)

    def active_in(self, fiscal_year: int):
        """Co-uses running at some time in the fiscal year (April to March)."""
        start, end = datetime.date(fiscal_year, 4, 1), datetime.date(fiscal_year + 1, 3, 31)
        return self.filter(Q(started_on__isnull=True) | Q(started_on__lte=end)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=start)
        )


class SystemCoUse(models.Model):
    """Another organisation co-using (共同利用) a system, and its share of the system's cost."""

    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.CASCADE,
        related_name="co_uses",
        verbose_name=_("information system"),
    )
    co_user = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="co_used_systems",
        verbose_name=_("co-using organisation"),
    )
    share_percent = models.DecimalField(
        _("cost share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    started_on = models.DateField(_("co-use from"), null=True, blank=True)
    ended_on = models.DateField(_("co-use until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scoped = Scoped(org="system__organisation")
    objects = CoUseQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-use")
        verbose_name_plural = _("co-uses")
        ordering = ["co_user__code", "co_user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "co_user"], name="registry_systemcouse_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} · {self.co_user}"

    @property
    def organisation(self) -> Organisation:
        """The ledger this record belongs to (the system owner's): where it is audited."""
        return self.system.organisation

    def audit_root(self):
        return self.system

    def clean(self) -> None:
        errors = {}
        if self.co_user_id and self.co_user_id == self.system.organisation_id:
            errors["co_user"] = _("The owning organisation does not co-use its own system.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end is before the start.")
        others = (
            SystemCoUse.objects.filter(system_id=self.system_id)
            .exclude(pk=self.pk)
            .aggregate(total=models.Sum("share_percent"))["total"]
            or 0
        )
        if self.share_percent is not None and others + self.share_percent > 100:
            errors["share_percent"] = _(
                "The shares of the co-using organisations add up to more than 100 percent."
            )
        if errors:
            raise ValidationError(errors)
