"""Forms of the knowledge base and the カルテ filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daicho.core import timeline
from daicho.core.forms import WarekiDateField
from daicho.core.widgets import PickerSelectMultiple
from daicho.knowledge.models import Article, ArticleKind
from daicho.registry.models import InformationSystem


class SystemsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, system):
        return f"{system.code} {system.name}"


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Body (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: # heading, **bold**, - list, [link](https://…), | table |."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate with commas, e.g. 調達, クラウド"),
    )
    systems = SystemsField(
        label=_("Systems"),
        queryset=InformationSystem.objects.none(),
        required=False,
        widget=PickerSelectMultiple(search_url="registry:system_picker"),
    )

    def __init__(self, *args, instance: Article | None = None, user=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "kind": instance.kind,
                "title": instance.title,
                "body": instance.body,
                "tags": ", ".join(t.name for t in instance.tags.all()),
                "systems": list(instance.systems.values_list("pk", flat=True)),
                **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = InformationSystem.objects.visible_to(user).order_by(
            "code"
        )
        self.fields["systems"].widget.attrs.update({"size": 6})
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def tag_names(self) -> list[str]:
        text = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in text.replace("、", ",").split(",") if t.strip()]


class KarteFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label=_("Show"), required=False, widget=forms.CheckboxSelectMultiple
    )
    start = WarekiDateField(label=_("From"), required=False)
    end = WarekiDateField(label=_("To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(s.kind, s.label) for s in timeline.sources()]
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(
                {"class": "form-control form-control-sm", "placeholder": "R6.4.1"}
            )
