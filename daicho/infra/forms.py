"""Forms of the infrastructure pages; choices limited to the user's organisation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daicho.core.forms import WarekiDateField, YenField
from daicho.core.permissions import scope_of
from daicho.infra.models import CloudService, Cluster, Server, ServerKind, Site, VdiPool
from daicho.registry.models import InformationSystem


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


class SystemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, system):
        return f"{system.code} {system.name}"


class ServerForm(forms.ModelForm):
    system = SystemChoiceField(
        label=_("System"), queryset=InformationSystem.objects.none(), required=False
    )
    purchased_on = WarekiDateField(label=_("Purchased on"), required=False)
    lease_end = WarekiDateField(label=_("Lease ends"), required=False)
    in_service_on = WarekiDateField(label=_("In service since"), required=False)
    retired_on = WarekiDateField(label=_("Retired on"), required=False)
    moved_on = WarekiDateField(
        label=_("Moved on"),
        required=False,
        help_text=_("When the host or site changes: the date it moved (empty: today)."),
    )

    class Meta:
        model = Server
        fields = [
            "name",
            "kind",
            "system",
            "cluster",
            "host",
            "site",
            "moved_on",
            "os",
            "cores",
            "memory_gb",
            "storage_gb",
            "purchased_on",
            "lease_end",
            "in_service_on",
            "retired_on",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        org_ids = scope_of(user).read_org_ids
        self.fields["system"].queryset = InformationSystem.objects.filter(
            organisation_id__in=org_ids
        ).order_by("code")
        self.fields["cluster"].queryset = Cluster.objects.filter(organisation_id__in=org_ids)
        self.fields["site"].queryset = Site.objects.filter(organisation_id__in=org_ids)
        self.fields["host"].queryset = Server.objects.filter(
            organisation_id__in=org_ids, kind=ServerKind.HOST
        ).order_by("name")
        _style(self)

    def _post_clean(self):
        pass  # model validation runs in the service


class CloudServiceForm(forms.ModelForm):
    systems = forms.ModelMultipleChoiceField(
        label=_("Systems"),
        queryset=InformationSystem.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    started_on = WarekiDateField(label=_("In use since"), required=False)
    ended_on = WarekiDateField(label=_("Ended on"), required=False)
    annual_cost = YenField(label=_("Annual cost (yen)"), required=False, min_value=0)

    class Meta:
        model = CloudService
        fields = [
            "name",
            "provider",
            "service_model",
            "government_cloud",
            "systems",
            "started_on",
            "ended_on",
            "annual_cost",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = InformationSystem.objects.visible_to(user).order_by(
            "code"
        )
        self.fields["systems"].label_from_instance = lambda s: f"{s.code} {s.name}"
        _style(self)

    def _post_clean(self):
        pass


class VdiUsageForm(forms.Form):
    pool = forms.ModelChoiceField(label=_("VDI pool"), queryset=VdiPool.objects.none())
    measured_on = WarekiDateField(label=_("Date"))
    seats_in_use = forms.IntegerField(label=_("Seats in use"), min_value=0)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = VdiPool.objects.editable_by(user)
        _style(self)


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["code", "name", "kind", "address", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self):
        pass


class ClusterForm(forms.ModelForm):
    class Meta:
        model = Cluster
        fields = ["name", "site", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user)
        _style(self)

    def _post_clean(self):
        pass
