"""Forms of the standardisation pages: an area's migration, and a phase reached or planned."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daicho.core.forms import StyledModelForm, WarekiDateField, style
from daicho.registry.models import InformationSystem
from daicho.standardisation.models import Migration, Phase


def _systems_label(system) -> str:
    return f"{system.code} {system.name}"


class MigrationForm(StyledModelForm):
    """What is recorded of an area's migration; its phase is recorded with a date (PhaseForm)."""

    special_target_on = WarekiDateField(
        label=_("target date under specified migration support"), required=False
    )

    class Meta:
        model = Migration
        fields = [
            "area",
            "current_systems",
            "target_system",
            "target_product",
            "target_vendor",
            "spec_version",
            "environment",
            "cloud_provider",
            "tenancy",
            "environment_reason",
            "special_reason",
            "special_target_on",
            "depends_on",
            "note",
        ]
        widgets = {
            "environment_reason": forms.Textarea(attrs={"rows": 2}),
            "special_reason": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = organisation or getattr(self.instance, "organisation", None)
        own = InformationSystem.objects.filter(organisation=organisation).order_by("code")
        for name in ("current_systems", "depends_on"):
            self.fields[name].queryset = own
            self.fields[name].label_from_instance = _systems_label
        self.fields["target_system"].queryset = InformationSystem.objects.filter(
            Q(organisation=organisation) | Q(co_uses__co_user=organisation)
        ).order_by("code")
        self.fields["target_system"].label_from_instance = _systems_label
        if self.instance.pk:
            self.fields["area"].disabled = True


class PhaseForm(forms.Form):
    """A phase the area reached on a date, or the date it is planned to."""

    phase = forms.ChoiceField(label=_("phase"), choices=Phase.choices)
    actual_on = WarekiDateField(label=_("reached on"), required=False)
    planned_on = WarekiDateField(label=_("planned"), required=False)
    special_reason = forms.CharField(
        label=_("reason for specified migration support"), required=False
    )
    special_target_on = WarekiDateField(
        label=_("target date under specified migration support"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self):
        data = super().clean()
        if not data.get("actual_on") and not data.get("planned_on"):
            raise forms.ValidationError(_("Give the date the phase was reached or is planned."))
        return data
