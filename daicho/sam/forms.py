"""The device and licence forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daicho.core.forms import WarekiDateField, YenField
from daicho.core.models import OrgUnit
from daicho.core.units import ownable_units
from daicho.sam.models import Device, Licence, SoftwareTitle


class DeviceForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    purchased_on = WarekiDateField(label=_("Purchased on"), required=False)
    disposed_on = WarekiDateField(label=_("Disposed on"), required=False)

    class Meta:
        model = Device
        fields = [
            "name",
            "type",
            "unit",
            "user_name",
            "os",
            "serial",
            "purchased_on",
            "disposed_on",
            "status",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = ownable_units(user, Device.scoped.editors)
        for field in self.fields.values():
            widget = field.widget
            widget.attrs["class"] = (
                "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

    def _post_clean(self):
        pass


class LicenceForm(forms.ModelForm):
    """An entitlement; the unit list offers the units the user may keep licences for."""

    title = forms.ModelChoiceField(label=_("Software"), queryset=SoftwareTitle.objects.none())
    unit = forms.ModelChoiceField(
        label=_("Managing unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Empty: the licence covers the whole organisation."),
    )
    valid_from = WarekiDateField(label=_("Valid from"), required=False)
    valid_until = WarekiDateField(label=_("Valid until"), required=False)
    unit_price = YenField(label=_("Unit price (yen)"), required=False)

    class Meta:
        model = Licence
        fields = [
            "title",
            "version",
            "metric",
            "quantity",
            "type",
            "valid_from",
            "valid_until",
            "downgrade_rights",
            "unit",
            "certificate",
            "unit_price",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].queryset = SoftwareTitle.objects.visible_to(user).filter(
            free=False
        ) | SoftwareTitle.objects.filter(pk=getattr(self.instance, "title_id", None))
        self.fields["unit"].queryset = ownable_units(user, Device.scoped.editors)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = (
                    "form-select" if isinstance(widget, forms.Select) else "form-control"
                )

    def _post_clean(self):
        pass


class TitleForm(forms.ModelForm):
    """A software title: free or licensable, the release order of its versions, its peak."""

    class Meta:
        model = SoftwareTitle
        fields = ["publisher", "name", "edition", "free", "release_order", "declared_peak"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            widget.attrs["class"] = (
                "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            )

    def _post_clean(self):
        pass
