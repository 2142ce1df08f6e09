"""The access pages in the permission matrix: sign-in pages are open, account pages need a
sign-in and show only one's own account, the SSO endpoints exist only when configured."""

from __future__ import annotations

import pytest
from django.urls import reverse

ROLES = ["anonymous", "viewer", "owner_a", "owner_b", "policy", "auditor", "outsider"]
OPEN = ["login", "password_reset", "password_reset_done", "healthz"]
SIGNED_IN = ["account", "otp_setup", "password_change"]


@pytest.mark.parametrize("role", ROLES)
def test_sign_in_pages_are_open_and_account_pages_need_a_sign_in(client, world, role):
    user = world.user(role)
    if user is not None:
        user.set_password("x-Very-Long-Passw0rd")
        user.save()
        client.force_login(user)
    for name in OPEN:
        expected = 302 if (name == "login" and user is not None) else 200
        assert client.get(reverse(name)).status_code == expected, name
    for name in SIGNED_IN:
        response = client.get(reverse(name))
        if user is None:
            assert response.status_code == 302 and response.url.startswith("/login/"), name
        else:
            assert response.status_code == 200, name
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_account_page_shows_only_ones_own_roles(client, world, role):
    user = world.user(role)
    if user is None:
        return
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert user.username in page
    assert ("別の市" in page) is (role == "outsider")


@pytest.mark.parametrize("role", ["anonymous", "viewer", "outsider"])
def test_switching_needs_a_sign_in_and_a_membership(client, world, role):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    response = client.post(reverse("organisation_switch"), {"organisation": world.org.pk})
    expected = {"anonymous": 302, "viewer": 302, "outsider": 404}[role]
    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith("/login/")
