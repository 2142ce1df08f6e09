"""Forms of the lifecycle pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daicho.core.forms import WarekiDateField
from daicho.lifecycle.models import MatchRule, ProductRelease


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


class ReleaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, release):
        return f"{release.product.name} {release.label}"


class ReleaseForm(forms.ModelForm):
    released_on = WarekiDateField(label=_("Release date"), required=False)
    active_support_end = WarekiDateField(label=_("End of active support"), required=False)
    eol = WarekiDateField(label=_("End of support"), required=False)
    extended_support_end = WarekiDateField(label=_("End of extended support"), required=False)

    class Meta:
        model = ProductRelease
        fields = [
            "label",
            "released_on",
            "active_support_end",
            "eol",
            "extended_support_end",
            "lts",
            "note",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self):
        pass


class ReleaseOverrideForm(forms.Form):
    """An organisation's own support dates for a release; blank means the global date."""

    active_support_end = WarekiDateField(label=_("End of active support"), required=False)
    eol = WarekiDateField(label=_("End of support"), required=False)
    extended_support_end = WarekiDateField(label=_("End of extended support"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class MapForm(forms.Form):
    """Map an unmatched raw name to a release."""

    raw = forms.CharField(widget=forms.HiddenInput)
    release = ReleaseChoiceField(
        label=_("Release"),
        queryset=ProductRelease.objects.select_related("product").order_by(
            "product__name", "-released_on"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RuleForm(forms.ModelForm):
    class Meta:
        model = MatchRule
        fields = ["pattern", "product", "cycle", "priority", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self):
        pass
