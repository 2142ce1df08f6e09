"""Forms of the registry pages; choices limited to what the user may use."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from daicho.core.forms import FiscalYearField, WarekiDateField, YenField, style
from daicho.core.models import Organisation, OrgUnit
from daicho.core.units import ownable_units
from daicho.registry.models import (
    Availability,
    Basis,
    Category,
    Confidentiality,
    Contract,
    CostItem,
    CostLine,
    Hosting,
    InformationSystem,
    Integrity,
    Status,
    Vendor,
)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return "　" * unit.depth + unit.name


class SystemForm(forms.ModelForm):
    owner_unit = UnitChoiceField(label=_("Owner section"), queryset=OrgUnit.objects.none())
    in_service_on = WarekiDateField(label=_("In service since"), required=False)
    retired_on = WarekiDateField(label=_("Retired on"), required=False)
    hosting_changed_on = WarekiDateField(
        label=_("Hosting changed on"),
        required=False,
        help_text=_("When the hosting changes: the date it moved (empty: today)."),
    )

    class Meta:
        model = InformationSystem
        fields = [
            "code",
            "name",
            "owner_unit",
            "status",
            "in_service_on",
            "retired_on",
            "hosting",
            "hosting_changed_on",
            "confidentiality",
            "integrity",
            "availability",
            "users",
            "standard_business",
            "personal_data",
            "my_number",
            "sso_integrated",
            "open_data",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = ownable_units(user)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"

    def _post_clean(self):
        # Model validation runs in the service (one place for web, API, CLI and imports).
        pass


BLANK = [("", _("(unchanged)"))]


class SystemBulkEditForm(forms.Form):
    """Fields to set on every selected system; blank ones stay as they are."""

    owner_unit = UnitChoiceField(
        label=_("Owner section"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("(unchanged)"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=BLANK + Status.choices, required=False)
    hosting = forms.ChoiceField(label=_("Hosting"), choices=BLANK + Hosting.choices, required=False)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=BLANK + Confidentiality.choices, required=False
    )
    integrity = forms.ChoiceField(
        label=_("Integrity"), choices=BLANK + Integrity.choices, required=False
    )
    availability = forms.ChoiceField(
        label=_("Availability"), choices=BLANK + Availability.choices, required=False
    )
    sso_integrated = forms.NullBooleanField(
        label=_("SSO integrated"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("(unchanged)")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    open_data = forms.NullBooleanField(
        label=_("Published as open data"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("(unchanged)")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    retired_on = WarekiDateField(label=_("Retired on"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = ownable_units(user)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class CostLineForm(forms.ModelForm):
    fiscal_year = FiscalYearField(label=_("Fiscal year"))
    amount = YenField(label=_("Amount (yen)"), min_value=0)

    class Meta:
        model = CostLine
        fields = ["fiscal_year", "basis", "category", "item", "amount", "note"]

    def __init__(self, *args, user=None, system=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisation_id = system.organisation_id if system else self.instance.system.organisation_id
        self.fields["item"].queryset = CostItem.objects.filter(organisation_id=organisation_id)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def _post_clean(self):
        pass


class CostSheetForm(forms.Form):
    """Which part of the budget the sheet shows."""

    fy = FiscalYearField(label=_("Fiscal year"))
    basis = forms.ChoiceField(label=_("Basis"), choices=Basis.choices, initial=Basis.BUDGET)
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, initial=Category.OPERATION
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=OrgUnit.objects.none(), required=False, to_field_name="code"
    )

    def __init__(self, *args, user=None, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = OrgUnit.objects.filter(
            organisation=organisation, parent=None
        ).order_by("sort_order", "code")
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )


class VendorForm(forms.ModelForm):
    class Meta:
        model = Vendor
        fields = ["code", "name", "corporate_number", "phone", "email", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def _post_clean(self):
        pass


class ContractForm(forms.ModelForm):
    owner_unit = UnitChoiceField(label=_("Owner section"), queryset=OrgUnit.objects.none())
    start_on = WarekiDateField(label=_("Start"))
    end_on = WarekiDateField(label=_("End"))
    yearly_amount = YenField(label=_("Yearly amount (yen)"), min_value=0, initial=0)
    systems = forms.ModelMultipleChoiceField(
        label=_("Systems"),
        queryset=InformationSystem.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Contract
        fields = [
            "code",
            "title",
            "vendor",
            "owner_unit",
            "kind",
            "start_on",
            "end_on",
            "yearly_amount",
            "green",
            "systems",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = ownable_units(user)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user)
        self.fields["systems"].queryset = InformationSystem.objects.visible_to(user).order_by(
            "code"
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def _post_clean(self):
        pass


class SuggestingInput(forms.TextInput):
    """A text input that offers a list of values (an HTML datalist) and takes any other."""

    def __init__(self, suggestions, attrs=None):
        super().__init__(attrs)
        self.suggestions = suggestions

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-suggestions"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">', ((s,) for s in self.suggestions))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


class CostItemForm(forms.ModelForm):
    """A 費目 of the organisation's list; the 節 of the standard list are offered."""

    class Meta:
        model = CostItem
        fields = ["code", "name", "budget_section", "sort_order"]

    def __init__(self, *args, user=None, **kwargs):
        from daicho.registry.cost_items import standard_items

        super().__init__(*args, **kwargs)
        self.fields["budget_section"].widget = SuggestingInput(
            [item.name for item in standard_items()]
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def _post_clean(self):
        pass


class CoUseForm(forms.Form):
    """Record (or change) that another organisation co-uses a system, with its cost share."""

    co_user = forms.ModelChoiceField(
        label=_("Co-using organisation"), queryset=Organisation.objects.none()
    )
    share_percent = forms.DecimalField(
        label=_("Cost share (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    started_on = WarekiDateField(label=_("co-use from"), required=False)
    ended_on = WarekiDateField(label=_("co-use until"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_user"].queryset = Organisation.objects.exclude(
            pk=system.organisation_id
        ).order_by("code", "name")
        style(self)
