"""Several organisations on one server: someone who belongs to two switches between their
ledgers; nobody reaches an organisation they do not belong to."""

from __future__ import annotations

from django.urls import reverse

from daicho.core.models import Membership, Role
from tests.factories import UserFactory, member


def _names(client) -> set[str]:
    page = client.get(reverse("registry:system_list")).content.decode()
    return {n for n in ("税務システム", "公共施設予約システム", "よその市のシステム") if n in page}


def test_a_member_of_two_organisations_switches_between_their_ledgers(world, client):
    user = member(UserFactory(username="kyodo"), Role.VIEWER, None, world.org)
    member(user, Role.VIEWER, None, world.other_org)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "すべての所属団体" in page and "別の市" in page
    assert _names(client) == {"税務システム", "公共施設予約システム", "よその市のシステム"}

    response = client.post(
        reverse("organisation_switch"), {"organisation": world.other_org.pk, "next": "/systems/"}
    )
    assert response.status_code == 302 and response.url == "/systems/"
    assert _names(client) == {"よその市のシステム"}
    assert client.get(reverse("api:me")).json()["organisations"] == [world.other_org.pk]

    client.post(reverse("organisation_switch"), {"organisation": world.org.pk})
    assert _names(client) == {"税務システム", "公共施設予約システム"}
    client.post(reverse("organisation_switch"), {"organisation": ""})
    assert len(_names(client)) == 3


def test_nobody_switches_into_an_organisation_they_do_not_belong_to(world, client):
    client.force_login(world.viewer)
    assert "すべての所属団体" not in client.get(reverse("home")).content.decode()
    response = client.post(reverse("organisation_switch"), {"organisation": world.other_org.pk})
    assert response.status_code == 404
    assert "よその市のシステム" not in _names(client)


def test_a_choice_is_dropped_when_the_membership_ends(world, client):
    user = member(UserFactory(username="kyodo"), Role.VIEWER, None, world.org)
    member(user, Role.VIEWER, None, world.other_org)
    client.force_login(user)
    client.post(reverse("organisation_switch"), {"organisation": world.other_org.pk})
    Membership.objects.filter(user=user, organisation=world.other_org).delete()
    assert _names(client) == {"税務システム", "公共施設予約システム"}
    assert "daicho_org" not in client.session
