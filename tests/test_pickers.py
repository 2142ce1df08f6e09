"""The searchable system and unit pickers: the search answers only what the user may see, and
the forms that use them still save (and still refuse a pk outside the user's choices)."""

from __future__ import annotations

from django.urls import reverse

from daicho.governance.models import Consultation
from daicho.knowledge.models import Article
from daicho.registry.models import InformationSystem
from daicho.security.models import Incident


def _search(client, name, **params):
    return client.get(reverse(name), params).content.decode()


def test_the_system_search_finds_a_system_by_part_of_its_name(client, world):
    client.force_login(world.viewer)
    page = _search(client, "registry:system_picker", q="施設")
    assert "S0002 公共施設予約システム" in page
    assert "税務システム" not in page
    # full-width digits and several words
    assert "S0001 税務システム" in _search(client, "registry:system_picker", q="Ｓ０００１")
    assert "S0002" in _search(client, "registry:system_picker", q="公共 予約")


def test_the_system_search_never_shows_another_organisations_systems(client, world):
    client.force_login(world.policy)
    page = _search(client, "registry:system_picker", q="システム")
    assert "税務システム" in page and "公共施設予約システム" in page
    assert "よその市のシステム" not in page
    client.force_login(world.outsider)
    page = _search(client, "registry:system_picker", q="システム")
    assert "よその市のシステム" in page
    assert "税務システム" not in page


def test_the_edit_scope_answers_only_systems_the_user_may_edit(client, world):
    client.force_login(world.owner_b)
    page = _search(client, "registry:system_picker", q="システム", scope="edit")
    assert "公共施設予約システム" in page
    assert "税務システム" not in page


def test_the_search_says_when_nothing_matches_and_when_there_are_more(client, world):
    client.force_login(world.policy)
    page = _search(client, "registry:system_picker", q="該当なし")
    assert "「該当なし」に該当するものはありません" in page
    for n in range(25):
        InformationSystem.objects.create(
            organisation=world.org, owner_unit=world.section_a, code=f"T{n:03d}", name=f"試験{n}"
        )
    page = _search(client, "registry:system_picker", q="試験")
    assert page.count("data-picker-value") == 20
    assert "名前をもっと入力してください" in page


def test_the_unit_search_answers_the_units_the_user_may_record_for(client, world):
    client.force_login(world.owner_b)
    assert "県民生活部 くらし安全安心課" in _search(client, "unit_picker", q="課")
    assert "情報政策課" in _search(client, "unit_picker", q="課")
    edit = _search(client, "unit_picker", q="課", scope="edit")
    assert "くらし安全安心課" in edit and "情報政策課" not in edit
    assert "情報課" not in _search(client, "unit_picker", q="情報")  # another organisation's


def test_the_picker_keeps_the_plain_select_and_the_search_box(client, world):
    client.force_login(world.policy)
    page = client.get(reverse("governance:consultation_create")).content.decode()
    assert "data-picker-search" in page and reverse("registry:system_picker") in page
    # without JavaScript the select lists the systems as before
    assert f'<option value="{world.system_b.pk}">S0002 公共施設予約システム</option>' in page


def test_the_consultation_form_still_saves_and_refuses_a_foreign_system(client, world):
    client.force_login(world.policy)
    data = {
        "consulted_on": "2015-06-01",
        "unit": world.section_b.pk,
        "system": world.system_other.pk,
        "topic": "procurement",
        "channel": "meeting",
        "subject": "更新の相談",
        "result": "仕様を見直す",
        "cost_saving": "0",
    }
    response = client.post(reverse("governance:consultation_create"), data)
    assert response.status_code == 400 or "有効な選択肢" in response.content.decode()
    assert not Consultation.objects.exists()
    data["system"] = world.system_b.pk
    response = client.post(reverse("governance:consultation_create"), data)
    assert response.status_code == 302
    assert Consultation.objects.get().system == world.system_b


def test_the_incident_and_article_forms_save_the_systems_picked(client, world):
    client.force_login(world.owner_a)
    response = client.post(
        reverse("security:incident_create"),
        {
            "occurred_on": "2015-06-01",
            "title": "USBメモリ紛失",
            "kind": "loss",
            "severity": "low",
            "unit": world.section_a.pk,
            "systems": [world.system_a.pk, world.system_b.pk],
            "description": "庁外で紛失",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(Incident.objects.get().systems.all()) == {world.system_a, world.system_b}
    client.force_login(world.policy)
    response = client.post(
        reverse("knowledge:article_create"),
        {
            "kind": "article",
            "title": "更新の手引き",
            "body": "本文",
            "systems": [world.system_b.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(Article.objects.get().systems.all()) == [world.system_b]


def test_a_search_is_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(30):
        InformationSystem.objects.create(
            organisation=world.org, owner_unit=world.section_a, code=f"T{n:03d}", name=f"試験{n}"
        )
    client.force_login(world.policy)
    client.get(reverse("unit_picker"), {"q": "課"})  # the session's first request
    with django_assert_max_num_queries(6):
        _search(client, "registry:system_picker", q="試験")
    with django_assert_max_num_queries(6):
        _search(client, "unit_picker", q="課")


def test_the_four_forms_have_system_pickers(client, world):
    client.force_login(world.policy)
    system_search = reverse("registry:system_picker")
    for name, scope in (
        ("governance:case_create", "?scope=edit"),
        ("governance:consultation_create", ""),
        ("security:incident_create", ""),
        ("knowledge:article_create", ""),
    ):
        page = client.get(reverse(name)).content.decode()
        assert f'hx-get="{system_search}{scope}"' in page, name
