"""Forms of the continuity pages; choices limited to the user's organisation."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daicho.continuity.models import (
    ActionStatus,
    BackupConfig,
    BackupRule,
    BackupStandard,
    BcpPlan,
    ClassificationLevel,
    ClassificationScheme,
    Drill,
    DrillFinding,
    Outage,
    RestoreTest,
    ServiceProfile,
)
from daicho.core import wareki
from daicho.core.forms import StyledModelForm, WarekiDateField, style
from daicho.core.models import OrgUnit
from daicho.core.permissions import scope_of
from daicho.registry.forms import UnitChoiceField
from daicho.registry.models import InformationSystem

_TIME = re.compile(r"^(.*?)[\sT　]+(\d{1,2})[:：時](\d{2})?分?$")


class WarekiDateTimeField(forms.DateTimeField):
    """A date and time typed as 2014-04-01 10:30, 平成26年4月1日 10:30 or H26.4.1 10時."""

    widget = forms.TextInput(attrs={"placeholder": "2014-04-01 10:30 / H26.4.1 10:30"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value
        text = str(value).strip()
        match = _TIME.match(text)
        try:
            if match:
                day = wareki.parse_date(match.group(1))
                hour, minute = int(match.group(2)), int(match.group(3) or 0)
            else:
                day, hour, minute = wareki.parse_date(text), 0, 0
            if hour == 24 and minute == 0:
                return timezone.make_aware(
                    datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
                )
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        except (wareki.WarekiError, ValueError):
            raise forms.ValidationError(
                _("Not a date and time: %(value)s (write 2014-04-01 10:30 or H26.4.1 10:30)."),
                code="invalid",
                params={"value": value},
            ) from None


def _organisation_ids(user):
    return scope_of(user).read_org_ids


class BackupConfigForm(StyledModelForm):
    id_prefix = "config"

    last_success_on = WarekiDateField(label=_("Last successful backup"), required=False)

    class Meta:
        model = BackupConfig
        fields = [
            "method",
            "target",
            "frequency",
            "generations",
            "copy_location",
            "encrypted",
            "last_success_on",
            "note",
        ]


class RestoreTestForm(StyledModelForm):
    id_prefix = "restore"

    tested_on = WarekiDateField(label=_("Tested on"))

    class Meta:
        model = RestoreTest
        fields = ["tested_on", "result", "duration_minutes", "data_restored", "note"]


class ClassifyForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Level"), queryset=ClassificationLevel.objects.none())

    def __init__(self, *args, levels=(), **kwargs):
        kwargs.setdefault("auto_id", "id_classify_%s")
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = ClassificationLevel.objects.filter(
            pk__in=[lv.pk for lv in levels]
        )
        style(self)


class LevelForm(StyledModelForm):
    class Meta:
        model = ClassificationLevel
        fields = ["axis", "code", "name", "guideline_level", "rank", "description"]


class StandardForm(StyledModelForm):
    effective_from = WarekiDateField(label=_("Effective from"))
    copy_rules_from = forms.ModelChoiceField(
        label=_("Start from the rules of"),
        queryset=BackupStandard.objects.none(),
        required=False,
    )

    class Meta:
        model = BackupStandard
        fields = ["version", "title", "scheme", "effective_from", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = scope_of(self.user).policy_org_ids
        self.fields["scheme"].queryset = ClassificationScheme.objects.filter(
            organisation_id__in=orgs
        )
        if self.instance.pk:
            del self.fields["copy_rules_from"]
        else:
            self.fields["copy_rules_from"].queryset = BackupStandard.objects.filter(
                organisation_id__in=orgs
            )


class RuleForm(StyledModelForm):
    class Meta:
        model = BackupRule
        fields = [
            "title",
            "order",
            "levels",
            "max_frequency",
            "min_generations",
            "min_copy_location",
            "encryption_required",
            "restore_test_months",
            "note",
        ]
        widgets = {"levels": forms.CheckboxSelectMultiple}

    def __init__(self, *args, standard=None, **kwargs):
        super().__init__(*args, **kwargs)
        standard = standard or self.instance.standard
        self.fields["levels"].queryset = ClassificationLevel.objects.filter(
            scheme=standard.scheme
        ).order_by("axis", "-rank")


class BcpForm(StyledModelForm):
    established_on = WarekiDateField(label=_("Established on"))
    reviewed_on = WarekiDateField(label=_("Last reviewed on"), required=False)

    class Meta:
        model = BcpPlan
        fields = [
            "priority_work",
            "recovery_priority",
            "rto_hours",
            "rpo_hours",
            "established_on",
            "reviewed_on",
            "staff_contact",
            "vendor_contact",
            "dependencies",
            "alternate_procedure",
        ]
        widgets = {
            "alternate_procedure": forms.Textarea(attrs={"rows": 3}),
            "dependencies": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, system=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dependencies"].queryset = (
            InformationSystem.objects.filter(organisation=system.organisation)
            .exclude(pk=system.pk)
            .order_by("code")
        )


class DrillForm(StyledModelForm):
    held_on = WarekiDateField(label=_("Held on"))
    units = forms.ModelMultipleChoiceField(
        label=_("Units taking part"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Drill
        fields = [
            "held_on",
            "kind",
            "title",
            "participants",
            "systems",
            "units",
            "scenario",
            "summary",
        ]
        widgets = {
            "scenario": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "systems": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = scope_of(self.user).policy_org_ids
        self.fields["systems"].queryset = InformationSystem.objects.filter(
            organisation_id__in=orgs
        ).order_by("code")
        self.fields["units"].queryset = OrgUnit.objects.filter(organisation_id__in=orgs).order_by(
            "path"
        )


class FindingForm(StyledModelForm):
    due_on = WarekiDateField(label=_("Due on"))
    action_unit = UnitChoiceField(label=_("Responsible unit"), queryset=OrgUnit.objects.none())

    class Meta:
        model = DrillFinding
        fields = ["finding", "action", "action_unit", "action_owner", "due_on"]
        widgets = {
            "finding": forms.Textarea(attrs={"rows": 2}),
            "action": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_unit"].queryset = OrgUnit.objects.filter(
            organisation=organisation
        ).order_by("tree_key")


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    note = forms.CharField(required=False, max_length=500)


class ServiceProfileForm(StyledModelForm):
    id_prefix = "profile"

    class Meta:
        model = ServiceProfile
        fields = [
            "service_start_hour",
            "service_end_hour",
            "weekdays_only",
            "exclude_planned",
            "shared_file_server",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not scope_of(self.user).policy_org_ids:
            del self.fields["shared_file_server"]  # the IT policy division decides it


class OutageForm(StyledModelForm):
    id_prefix = "outage"

    started_at = WarekiDateTimeField(label=_("Started at"))
    ended_at = WarekiDateTimeField(label=_("Ended at"), required=False)

    class Meta:
        model = Outage
        fields = ["started_at", "ended_at", "planned", "cause", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class UsageForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    since = WarekiDateField(label=_("Since"))
    until = WarekiDateField(label=_("Until"), required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        kwargs.setdefault("auto_id", "id_usage_%s")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by(
            "path"
        )
        style(self)
