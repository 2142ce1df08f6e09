"""The device form."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daicho.core.forms import WarekiDateField
from daicho.core.models import OrgUnit
from daicho.core.permissions import scope_of
from daicho.sam.models import Device


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
        scope = scope_of(user)
        self.fields["unit"].queryset = (
            OrgUnit.objects.filter(
                scope.unit_q("", scope.owner_paths + scope.sam_paths)
                | Q(organisation_id__in=scope.policy_org_ids)
            )
            .filter(organisation_id__in=scope.read_org_ids)
            .order_by("path")
        )
        for field in self.fields.values():
            widget = field.widget
            widget.attrs["class"] = (
                "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

    def _post_clean(self):
        pass
