"""Forms of the core pages, and form fields that read Japanese input (和暦, 千円, full width)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daicho.core import money, wareki
from daicho.core.date_problems import date_problem
from daicho.core.models import NoteKind, OrgUnit, UnitKind


class WarekiDateField(forms.DateField):
    """A date typed as 2014-04-01, 2014/4/1, 平成26年4月1日, H26.4.1 or R1.5.1; a year and
    month (平成26年4月, 2014/4) is the first of the month. An impossible one says why."""

    widget = forms.TextInput(attrs={"placeholder": "2014-04-01 / 平成26年4月1日 / H26.4.1"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "isoformat"):
            return value
        try:
            return wareki.parse_date(str(value))
        except wareki.WarekiError as exc:
            raise forms.ValidationError(date_problem(exc, str(value)), code="invalid") from None


class YenField(forms.IntegerField):
    """An amount in yen; accepts separators, full-width digits, △ for negatives and 千円/万円."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return money.parse_yen(str(value))
        except money.MoneyError:
            raise forms.ValidationError(
                _("Not an amount in yen: %(value)s"), code="invalid", params={"value": value}
            ) from None


class FiscalYearField(forms.IntegerField):
    """A fiscal year typed as 2014, 平成26年度, H26 or FY2014."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return wareki.parse_fiscal_year(value)
        except wareki.WarekiError:
            raise forms.ValidationError(
                _("Not a fiscal year: %(value)s (write 2014, 平成26年度 or FY2014)."),
                code="invalid",
                params={"value": value},
            ) from None


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent unit"), queryset=OrgUnit.objects.none(), required=False
    )
    sort_order = forms.IntegerField(label=_("Sort order"), initial=0)

    def __init__(self, *args, instance=None, user=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "code": instance.code,
                "name": instance.name,
                "kind": instance.kind,
                "parent": instance.parent_id,
                "sort_order": instance.sort_order,
                **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.editable_by(user)
        if instance is not None:
            units = units.exclude(path__startswith=instance.path)
        self.fields["parent"].queryset = units.order_by("tree_key")
        self.fields["parent"].label_from_instance = lambda u: "　" * u.depth + u.name


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices, initial=NoteKind.INFO)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), required=False, max_length=255)


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=100)
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)
    shared = forms.BooleanField(label=_("Share with the organisation"), required=False)


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


class StyledModelForm(forms.ModelForm):
    """A model form with Bootstrap classes, whose model validation runs in the service."""

    id_prefix = ""  # forms shown together on one page keep their element ids apart

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        style(self)

    def _post_clean(self):
        # Model validation runs in the service (one place for web, imports and the CLI).
        pass
