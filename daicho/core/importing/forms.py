"""The upload form of the web import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daicho.core.forms import WarekiDateField
from daicho.core.importing import engine


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=())
    file = forms.FileField(label=_("File (CSV, TSV or Excel)"))
    skip_invalid = forms.BooleanField(
        label=_("Import the good rows even if some are rejected"), required=False
    )
    refuse = forms.MultipleChoiceField(
        label=_("Do not create, reject the rows instead"),
        required=False,
        choices=list(engine.REFERENCES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "What the file names and the ledger lacks is created and listed in the preview, "
            "unless it is ticked here."
        ),
    )
    mapping = forms.CharField(
        label=_("Rename headers"),
        required=False,
        help_text=_("Their header=column, separated by commas (e.g. 業務名=name)."),
    )
    sheet = forms.CharField(
        label=_("Excel sheet"), required=False, help_text=_("Empty: the first sheet.")
    )
    effective = WarekiDateField(
        label=_("Changes take effect on"),
        required=False,
        help_text=_(
            "For a changed hosting or server placement: the date it changed (empty: today)."
        ),
    )
    device = forms.CharField(
        label=_("Device"),
        required=False,
        max_length=100,
        help_text=_(
            "Installations: the device of a file that lists one device's software and has no "
            "device column (e.g. PC0123). A file that lists several devices needs a device "
            "column instead (name it above, e.g. PC名=device)."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Character encoding"),
        required=False,
        choices=[
            ("", _("Detect")),
            ("cp932", "Shift_JIS (CP932)"),
            ("utf-8", "UTF-8"),
            ("utf-16", "UTF-16"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.name, k.title) for k in engine.kinds().values()]
        self.fields["device"].show_when = "kind=installations"  # see daicho.js
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"
