"""Forms of the governance pages; choices limited to what the user may use."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daicho.core.forms import FiscalYearField, WarekiDateField, YenField
from daicho.core.models import OrgUnit
from daicho.core.units import ownable_units
from daicho.core.widgets import PickerSelect
from daicho.governance.models import (
    Consultation,
    Evaluation,
    ProcurementCase,
    ReviewSettings,
)
from daicho.registry.forms import UnitChoiceField
from daicho.registry.models import InformationSystem, Vendor


class SystemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, system):
        return f"{system.code} {system.name}"


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


class CaseForm(forms.ModelForm):
    """The owner's part of a case: what, why, how much, and the contract to be made."""

    owner_unit = UnitChoiceField(
        label=_("Owner section"),
        queryset=OrgUnit.objects.none(),
        widget=PickerSelect(search_url="unit_picker", scope="edit"),
    )
    system = SystemChoiceField(
        label=_("System"),
        queryset=InformationSystem.objects.none(),
        widget=PickerSelect(search_url="registry:system_picker", scope="edit"),
        help_text=_("A new system is registered first with the status “Planning”."),
    )
    fiscal_year = FiscalYearField(
        label=_("Budget fiscal year"),
        widget=forms.TextInput(attrs={"placeholder": "2015 / 平成27年度 / H27"}),
    )
    initial_cost = YenField(label=_("Estimated initial cost (yen)"), required=False)
    recurring_cost = YenField(label=_("Estimated recurring cost per year (yen)"), required=False)
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), queryset=Vendor.objects.none(), required=False
    )
    contract_start_on = WarekiDateField(label=_("Contract start"), required=False)
    contract_end_on = WarekiDateField(label=_("Contract end"), required=False)
    contract_amount = YenField(label=_("Contract yearly amount (yen)"), required=False)

    class Meta:
        model = ProcurementCase
        fields = [
            "title",
            "system",
            "kind",
            "owner_unit",
            "fiscal_year",
            "initial_cost",
            "recurring_cost",
            "procurement_method",
            "green",
            "expected_staff_hours_saved",
            "expected_usage",
            "purpose",
            "vendor",
            "contract_code",
            "contract_kind",
            "contract_start_on",
            "contract_end_on",
            "contract_amount",
        ]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = ownable_units(user)
        self.fields["system"].queryset = InformationSystem.objects.editable_by(user).order_by(
            "code"
        )
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("code")
        _style(self)

    def clean_initial_cost(self):
        return self.cleaned_data.get("initial_cost") or 0

    def clean_recurring_cost(self):
        return self.cleaned_data.get("recurring_cost") or 0

    def _post_clean(self):
        # Model validation runs in the service (one place for web, API, CLI).
        pass


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, case):
        return f"{case.code} {case.title}"


class ConsultationForm(forms.ModelForm):
    consulted_on = WarekiDateField(label=_("Date"))
    unit = UnitChoiceField(
        label=_("Section"),
        queryset=OrgUnit.objects.none(),
        widget=PickerSelect(search_url="unit_picker"),
    )
    system = SystemChoiceField(
        label=_("System"),
        queryset=InformationSystem.objects.none(),
        required=False,
        widget=PickerSelect(search_url="registry:system_picker"),
    )
    case = CaseChoiceField(
        label=_("Procurement case"), queryset=ProcurementCase.objects.none(), required=False
    )
    cost_saving = YenField(
        label=_("Cost saving (yen)"),
        required=False,
        help_text=_("Yearly cost cut thanks to the advice; 0 if none."),
    )

    class Meta:
        model = Consultation
        fields = [
            "consulted_on",
            "unit",
            "system",
            "case",
            "topic",
            "channel",
            "subject",
            "result",
            "cost_saving",
        ]
        widgets = {"result": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user).order_by("tree_key")
        self.fields["system"].queryset = InformationSystem.objects.visible_to(user).order_by("code")
        self.fields["case"].queryset = ProcurementCase.objects.visible_to(user).order_by("-code")
        _style(self)

    def clean_cost_saving(self):
        value = self.cleaned_data.get("cost_saving") or 0
        if value < 0:
            raise forms.ValidationError(_("An amount cannot be negative."))
        return value

    def _post_clean(self):
        pass


class EvaluationForm(forms.ModelForm):
    fiscal_year = FiscalYearField(
        label=_("Fiscal year evaluated"),
        widget=forms.TextInput(attrs={"placeholder": "2015 / 平成27年度 / H27"}),
    )
    evaluated_on = WarekiDateField(label=_("Evaluated on"))
    expected_cost = YenField(label=_("Expected recurring cost (yen)"), required=False)
    actual_cost = YenField(label=_("Actual recurring cost (yen)"), required=False)
    follow_up_due = WarekiDateField(label=_("Follow-up due"), required=False)

    class Meta:
        model = Evaluation
        fields = [
            "fiscal_year",
            "evaluated_on",
            "expected_cost",
            "actual_cost",
            "expected_usage",
            "actual_usage",
            "expected_staff_hours_saved",
            "actual_staff_hours_saved",
            "conclusion",
            "findings",
            "follow_up",
            "follow_up_due",
        ]
        widgets = {
            "findings": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self):
        pass


class ReviewSettingsForm(forms.ModelForm):
    min_amount = YenField(label=_("Ignore requests below (yen)"))

    class Meta:
        model = ReviewSettings
        fields = ["growth_percent", "history_percent", "peer_percent", "min_amount"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self):
        pass
