"""Information security (plan 3.1.3, 3.5.1): incidents, training with attendance, targeted-mail
(phishing) drills."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daicho.core.models import CodedModel, Organisation, OrgUnit
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.registry.models import InformationSystem, code_validator


class IncidentKind(models.TextChoices):
    MALWARE = "malware", _("Malware infection")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("Unauthorised access")
    LEAK = "leak", _("Information leak")
    LOSS = "loss", _("Loss or theft of a device or media")
    MISSENT = "missent", _("Mail or fax sent to the wrong person")
    DEFACEMENT = "defacement", _("Website defacement")
    DOS = "dos", _("Denial of service")
    TARGETED_MAIL = "targeted_mail", _("Targeted mail")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Minor")
    MEDIUM = "medium", _("Moderate")
    HIGH = "high", _("Serious")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("incident status", "Reported")
    INVESTIGATING = "investigating", _("Investigating")
    CONTAINED = "contained", _("Contained")
    CLOSED = "closed", _("Closed")


INCIDENT_TRANSITIONS = {
    IncidentStatus.REPORTED: (IncidentStatus.INVESTIGATING, IncidentStatus.CLOSED),
    IncidentStatus.INVESTIGATING: (IncidentStatus.CONTAINED,),
    IncidentStatus.CONTAINED: (IncidentStatus.CLOSED, IncidentStatus.INVESTIGATING),
    IncidentStatus.CLOSED: (IncidentStatus.INVESTIGATING,),
}


class Incident(CodedModel):
    """An information security incident (情報セキュリティ事故) and how it was handled."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    code = models.CharField(_("incident number"), max_length=30, validators=[code_validator])
    occurred_on = models.DateField(_("occurred on"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit concerned")
    )
    systems = models.ManyToManyField(
        InformationSystem, related_name="incidents", blank=True, verbose_name=_("systems")
    )
    personal_data = models.BooleanField(_("personal data involved"), default=False)
    personal_records = models.PositiveIntegerField(
        _("personal records involved"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=15, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    description = models.TextField(_("what happened"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    reported_to = models.CharField(
        _("reported to"),
        max_length=300,
        blank=True,
        help_text=_("e.g. 情報政策課, CISO, 個人情報保護委員会, 総務省, 警察"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scoped = Scoped(unit="unit")  # the unit concerned records it
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("security incident")
        verbose_name_plural = _("security incidents")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="security_incident_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("security:incident_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if (
            self.unit_id
            and self.organisation_id
            and self.unit.organisation_id != self.organisation_id
        ):
            errors["unit"] = _("The unit belongs to another organisation.")
        if self.personal_records and not self.personal_data:
            errors["personal_data"] = _(
                "Personal records are counted but personal data is not marked."
            )
        if self.closed_on and self.occurred_on and self.closed_on < self.occurred_on:
            errors["closed_on"] = _("The incident is closed before it occurred.")
        if errors:
            raise ValidationError(errors)


class TrainingTopic(models.TextChoices):
    SECURITY = "security", _("Information security")
    IT_SKILLS = "it_skills", _("Basic IT skills")
    PROJECT = "project", _("Business analysis and project management")
    OTHER = "other", _("Other")


class TrainingSession(models.Model):
    """A training session (研修) held for staff."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    code = models.CharField(_("session ID"), max_length=30, validators=[code_validator])
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=15, choices=TrainingTopic.choices)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(99)],
    )
    note = models.TextField(_("note"), blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="security_training_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("security:training_detail", args=[self.pk])


class Attendance(models.Model):
    """One person's attendance at a training session, with the unit they belong to."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("training session"),
    )
    staff_id = models.CharField(_("staff number"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    attended = models.BooleanField(_("attended"), default=True)

    scoped = Scoped(org="session__organisation")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["unit__tree_key", "staff_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "staff_id"], name="security_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.name}"

    def get_absolute_url(self) -> str:
        return self.session.get_absolute_url()

    @property
    def organisation(self) -> Organisation:
        return self.session.organisation

    def audit_root(self):
        return self.session

    def clean(self) -> None:
        if (
            self.unit_id
            and self.session_id
            and (self.unit.organisation_id != self.session.organisation_id)
        ):
            raise ValidationError({"unit": _("The unit belongs to another organisation.")})


class PhishingDrill(models.Model):
    """A targeted-mail drill (標的型メール訓練): training mails sent to staff on a day."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    sent_on = models.DateField(_("sent on"))
    title = models.CharField(_("title"), max_length=200)
    scenario = models.TextField(_("mail used"), blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("targeted-mail drill")
        verbose_name_plural = _("targeted-mail drills")
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.sent_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("security:phishing_detail", args=[self.pk])


class PhishingResult(models.Model):
    """What one unit did with a drill's mails: sent, opened, clicked, reported."""

    drill = models.ForeignKey(
        PhishingDrill, on_delete=models.CASCADE, related_name="results", verbose_name=_("drill")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    sent = models.PositiveIntegerField(_("sent"))
    opened = models.PositiveIntegerField(_("opened"), default=0)
    clicked = models.PositiveIntegerField(_("clicked"), default=0)
    reported = models.PositiveIntegerField(_("reported"), default=0)

    scoped = Scoped(org="drill__organisation")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("targeted-mail drill result")
        verbose_name_plural = _("targeted-mail drill results")
        ordering = ["unit__tree_key"]
        constraints = [
            models.UniqueConstraint(fields=["drill", "unit"], name="security_phishing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.drill} {self.unit}"

    def get_absolute_url(self) -> str:
        return self.drill.get_absolute_url()

    @property
    def organisation(self) -> Organisation:
        return self.drill.organisation

    def audit_root(self):
        return self.drill

    def clean(self) -> None:
        errors = {}
        for name in ("opened", "clicked", "reported"):
            value = getattr(self, name)
            if value is not None and self.sent is not None and value > self.sent:
                errors[name] = _("More than the %(sent)d mails sent.") % {"sent": self.sent}
        if (
            self.unit_id
            and self.drill_id
            and self.unit.organisation_id != self.drill.organisation_id
        ):
            errors["unit"] = _("The unit belongs to another organisation.")
        if errors:
            raise ValidationError(errors)
