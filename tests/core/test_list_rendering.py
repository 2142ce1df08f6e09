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


def test_links_that_differ_in_one_parameter_match_the_query_string_they_stand_for():
    from daicho.core.html import query_string_with

    cases = [
        (QueryDict("department=D03&status=operating&page=3&q=%E7%A8%8E"), "page", {}),
        (QueryDict("department=D03&page=3&sort=name"), "sort", {"page": None}),
        (QueryDict(""), "page", {}),
        (QueryDict("q=%00slot%00&page=2"), "page", {}),  # the stand-in's own text in the query
    ]
    for params, key, changes in cases:
        link = query_string_with(params, key, **changes)
        for value in (1, 27, "-name", "税 &x"):
            assert link(value) == query_string(params, **changes, **{key: value})


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


def test_filter_fields_follow_the_user_the_language_and_the_value(rf, world):
    from django.utils import translation

    from daicho.registry.filters import SystemFilterSet

    def form(user, query=""):
        request = rf.get("/", QueryDict(query))
        request.user = user
        return SystemFilterSet(request.GET or None, request=request).form

    policy_units = dict(form(world.policy).fields["owner_unit"].choices)
    assert world.section_a.code in policy_units
    for language, status in (("ja", "状態"), ("en", "Status")):
        with translation.override(language):
            assert str(form(world.policy)["status"].label) == status
    bound = form(world.policy, "status=bogus")
    assert not bound.is_valid() and "status" in bound.errors
    assert form(world.policy, "status=operating").is_valid()


def test_filter_fields_follow_the_value_the_language_and_errors(client, world):
    from django.urls import reverse

    client.force_login(world.policy)
    policy_client = client
    url = reverse("registry:system_list")

    def status_select(html: str) -> str:
        start = html.index('name="status"')
        return html[start : html.index("</select>", start)]

    plain = status_select(policy_client.get(url).content.decode())
    chosen = status_select(policy_client.get(url, {"status": "operating"}).content.decode())
    assert "selected" not in plain and '<option value="operating" selected>' in chosen
    assert status_select(policy_client.get(url).content.decode()) == plain  # kept, not stale
    text = policy_client.get(url, {"q": "税<務"}).content.decode()
    assert 'name="q" value="税&lt;務"' in text
    assert 'name="q" value="税&lt;務"' not in policy_client.get(url).content.decode()
    wrong = policy_client.get(url, {"status": "bogus"}).content.decode()
    assert 'class="errorlist"' in wrong
    assert 'class="errorlist"' not in policy_client.get(url).content.decode()
    policy_client.cookies["django_language"] = "en"
    english = policy_client.get(url).content.decode()
    assert ">In operation</option>" in english and ">運用中</option>" in plain


def test_the_menu_shows_the_audit_log_to_those_who_read_it(client, world):
    from django.urls import reverse

    audit = f'href="{reverse("audit_list")}"'
    for user, shown in ((world.viewer, False), (world.auditor, True), (world.viewer, False)):
        client.force_login(user)
        assert (audit in client.get(reverse("home")).content.decode()) is shown


def test_the_menu_offers_the_budget_review_to_those_who_may_open_it(client, world):
    from django.urls import reverse

    review = f'href="{reverse("governance:budget_review")}"'
    for user, shown in (
        (world.owner_a, False),
        (world.policy, True),
        (world.sam, False),
        (world.viewer, True),
    ):
        client.force_login(user)
        assert (review in client.get(reverse("home")).content.decode()) is shown
        answer = client.get(reverse("governance:budget_review")).status_code
        assert answer == (200 if shown else 403)
