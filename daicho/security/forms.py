"""Forms of the security pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daicho.core.forms import StyledModelForm, WarekiDateField, style
from daicho.core.models import OrgUnit
from daicho.core.units import ownable_units
from daicho.core.widgets import PickerSelect, PickerSelectMultiple
from daicho.registry.forms import UnitChoiceField
from daicho.registry.models import InformationSystem
from daicho.security.models import Incident, IncidentStatus, PhishingDrill, TrainingSession


class IncidentForm(StyledModelForm):
    occurred_on = WarekiDateField(label=_("Occurred on"))
    unit = UnitChoiceField(
        label=_("Unit concerned"),
        queryset=OrgUnit.objects.none(),
        widget=PickerSelect(search_url="unit_picker", scope="edit"),
    )

    class Meta:
        model = Incident
        fields = [
            "code",
            "occurred_on",
            "title",
            "kind",
            "severity",
            "unit",
            "personal_data",
            "personal_records",
            "systems",
            "reported_to",
            "description",
            "measures",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "systems": PickerSelectMultiple(attrs={"size": 5}, search_url="registry:system_picker"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Left empty: the next number of the fiscal year.")
        self.fields["unit"].queryset = ownable_units(self.user)
        self.fields["systems"].queryset = InformationSystem.objects.visible_to(self.user).order_by(
            "code"
        )


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=IncidentStatus.choices)


class TrainingForm(StyledModelForm):
    held_on = WarekiDateField(label=_("Held on"))

    class Meta:
        model = TrainingSession
        fields = ["code", "held_on", "title", "topic", "hours", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class AttendanceForm(forms.Form):
    staff_id = forms.CharField(label=_("Staff number"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by(
            "path"
        )
        style(self)


class PhishingDrillForm(StyledModelForm):
    sent_on = WarekiDateField(label=_("Sent on"))

    class Meta:
        model = PhishingDrill
        fields = ["sent_on", "title", "scenario"]
        widgets = {"scenario": forms.Textarea(attrs={"rows": 2})}


class PhishingResultForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    sent = forms.IntegerField(label=_("Sent"), min_value=0)
    opened = forms.IntegerField(label=_("Opened"), min_value=0, initial=0)
    clicked = forms.IntegerField(label=_("Clicked"), min_value=0, initial=0)
    reported = forms.IntegerField(label=_("Reported"), min_value=0, initial=0)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by(
            "path"
        )
        style(self)
