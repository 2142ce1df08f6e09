"""Form widgets shared by the areas: a select with a server-side search in front of it."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse


class PickerMixin:
    """A select (kept whole, so the form works without JavaScript and validates the chosen pk
    against its queryset as before) with a search box that asks ``search_url`` for the
    matching options — the long list need not be scrolled.

    ``search_url`` is a URL name; ``scope`` is passed on to it (``edit`` limits the matches to
    what the user may edit, as the form's queryset does).
    """

    template_name = "core/widgets/picker.html"

    def __init__(self, attrs=None, *, search_url: str, scope: str = "", **kwargs):
        super().__init__(attrs, **kwargs)
        self.search_url = search_url
        self.scope = scope

    def picker_context(self, element_id: str) -> dict:
        url = reverse(self.search_url)
        if self.scope:
            url += f"?scope={self.scope}"
        return {"url": url, "multiple": self.allow_multiple_selected, "id": element_id}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["picker"] = self.picker_context(context["widget"]["attrs"].get("id", name))
        return context

    def wrap(self, select_html: str, element_id: str) -> str:
        """The picker around a select built elsewhere (the ``widget`` template filter's fast
        path for long lists)."""
        return render_to_string(
            self.template_name, {"picker": self.picker_context(element_id), "select": select_html}
        )


class PickerSelect(PickerMixin, forms.Select):
    """One record, chosen by searching."""


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    """Several records, each added by searching."""
