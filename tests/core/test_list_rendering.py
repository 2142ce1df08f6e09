"""The list pages' hot paths are written in Python instead of templates: they must write what
Django's own widgets and QueryDict would."""

from __future__ import annotations

import datetime

from django import forms
from django.http import QueryDict

from daicho.core.html import esc, query_string
from daicho.core.templatetags.daicho import widget


class _Form(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": 'a"b<'}))
    n = forms.IntegerField()
    d = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    e = forms.EmailField(disabled=True)
    s = forms.ChoiceField(choices=[("", "---"), ("a", "A & B")], required=False)


def test_inputs_are_written_as_djangos_widgets_write_them():
    initial = {"d": datetime.date(2020, 1, 2)}
    for form in (
        _Form(initial=initial),
        _Form({"q": 'x"<y>&', "n": "12", "d": "2024-01-02", "e": "bad"}, initial=initial),
    ):
        form.is_valid()
        for name in ("q", "n", "d", "e"):
            assert str(widget(form[name])) == form[name].as_widget()


def test_select_options_are_escaped_and_the_value_selected():
    html = str(widget(_Form({"s": "a"})["s"]))
    assert '<option value="a" selected>A &amp; B</option>' in html


def test_query_string_replaces_in_place_removes_and_appends():
    params = QueryDict("department=D03&status=operating&status=planning&page=3&q=%E7%A8%8E")
    assert query_string(params, page=None, sort="-name") == (
        "department=D03&status=operating&status=planning&q=%E7%A8%8E&sort=-name"
    )
    assert query_string(params, page=4) == params.urlencode().replace("page=3", "page=4")
    assert query_string(QueryDict(""), export="csv") == "export=csv"


def test_esc_escapes_text_and_keeps_safe_html():
    from django.utils.safestring import mark_safe

    assert esc('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert esc(mark_safe("<b>ok</b>")) == "<b>ok</b>"
    assert esc(12) == "12"


def test_lazy_labels_follow_the_active_language():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    label = gettext_lazy("Status")
    with translation.override("ja"):
        assert esc(label) == "状態"
    with translation.override("en"):
        assert esc(label) == "Status"
