"""Shipped support dates are shared and global: an organisation's edit is an override of its own.

Regression: an IT policy user of another organisation edited Windows XP's end of support and the
first organisation's past-EOL list went from 660 to 0, with an audit event under no organisation.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.core.templatetags.daicho import jdate
from daicho.lifecycle import eol, services
from daicho.lifecycle.models import ProductRelease, ReleaseOverride
from daicho.sam import services as sam_services
from tests.core.test_import import run
from tests.factories import OrgUnitFactory

D = datetime.date
AS_OF = D(2016, 1, 1)
XP = "Windows XP Professional SP3"


@pytest.fixture
def xp_pcs(world):
    """Three XP PCs in the first organisation, two in the other: all past end of support."""
    other_unit = OrgUnitFactory(organisation=world.other_org, code="X02", name="総務課")
    with audit_context(actor=None, channel=Channel.CLI):
        for n in range(3):
            sam_services.device_create(
                organisation=world.org, name=f"PC-A{n}", unit=world.section_a, os=XP
            )
        for n in range(2):
            sam_services.device_create(
                organisation=world.other_org, name=f"PC-B{n}", unit=other_unit, os=XP
            )
    return ProductRelease.objects.get(product__slug="windows", cycle="xp")


def past(organisation) -> int:
    return eol.past_count(organisation=organisation, as_of=AS_OF)


def test_another_organisations_override_changes_only_its_own_past_eol_figures(world, xp_pcs):
    assert (past(world.org), past(world.other_org)) == (3, 2)
    with audit_context(actor=world.outsider, channel=Channel.WEB):
        services.release_override_set(
            organisation=world.other_org, release=xp_pcs, data={"eol": D(2099, 12, 31)}
        )
    assert past(world.org) == 3
    assert past(world.other_org) == 0
    xp_pcs.refresh_from_db()
    assert xp_pcs.eol == D(2014, 4, 8)  # the shared date is untouched
    items = eol.eol_items(organisation=world.org, as_of=AS_OF)
    assert {i.eol for i in items} == {D(2014, 4, 8)}
    by_unit, _, _ = eol.eol_counts(organisation=world.other_org, as_of=AS_OF)
    assert sum(by_unit.values()) == 0


def test_an_override_moves_the_organisations_own_date_in_the_listing(world, xp_pcs):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.release_override_set(
            organisation=world.org, release=xp_pcs, data={"eol": D(2016, 6, 30)}
        )
    items = eol.eol_items(organisation=world.org, as_of=AS_OF)
    assert {(i.status, i.eol) for i in items} == {("within", D(2016, 6, 30))}
    assert past(world.other_org) == 2


def test_the_override_is_audited_under_its_organisation(world, xp_pcs):
    with audit_context(actor=world.outsider, channel=Channel.WEB):
        services.release_override_set(
            organisation=world.other_org, release=xp_pcs, data={"eol": D(2099, 12, 31)}
        )
    event = AuditEvent.objects.get(content_type__model="releaseoverride")
    assert event.organisation_id == world.other_org.pk
    assert not AuditEvent.objects.filter(
        organisation=world.org, content_type__model__in=["releaseoverride", "productrelease"]
    ).exists()


def test_lifecycle_update_keeps_the_organisations_override(world, xp_pcs, tmp_path, capsys):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.release_override_set(
            organisation=world.org, release=xp_pcs, data={"eol": D(2017, 3, 31)}
        )
    path = tmp_path / "windows.json"
    path.write_text(json.dumps([{"cycle": "xp", "eol": "2014-04-09"}]), encoding="utf-8")
    code, _, err = run(capsys, "lifecycle", "update", str(path))
    assert code == 0, err
    xp_pcs.refresh_from_db()
    assert xp_pcs.eol == D(2014, 4, 9)  # the shared date follows the file
    assert ReleaseOverride.objects.get(organisation=world.org).eol == D(2017, 3, 31)
    assert past(world.org) == 0  # the organisation still goes by its own date
    assert past(world.other_org) == 2


def test_only_the_organisations_it_policy_overrides(world, xp_pcs):
    for user in (world.viewer, world.owner_a, world.auditor, world.sam, world.outsider):
        with audit_context(actor=user, channel=Channel.WEB), pytest.raises(PermissionDenied):
            services.release_override_set(
                organisation=world.org, release=xp_pcs, data={"eol": D(2099, 1, 1)}
            )
    assert not ReleaseOverride.objects.exists()


def test_an_override_with_every_date_blank_is_removed(world, xp_pcs):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.release_override_set(
            organisation=world.org, release=xp_pcs, data={"eol": D(2099, 1, 1)}
        )
        services.release_override_set(organisation=world.org, release=xp_pcs, data={"eol": None})
    assert not ReleaseOverride.objects.exists()
    assert past(world.org) == 3


def test_the_global_edit_page_refuses_an_organisations_it_policy(world, xp_pcs, client):
    url = reverse("lifecycle:release_edit", args=[xp_pcs.pk])
    for user in (world.outsider, world.policy):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"label": "XP", "eol": "2099-12-31"}).status_code == 403
    xp_pcs.refresh_from_db()
    assert xp_pcs.eol == D(2014, 4, 8)
    assert past(world.org) == 3


def test_the_global_edit_page_works_for_a_superuser_and_is_audited_as_such(
    world, xp_pcs, client, admin_user
):
    client.force_login(admin_user)
    url = reverse("lifecycle:release_edit", args=[xp_pcs.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"label": "XP", "eol": "2014-04-09"})
    assert response.status_code == 302
    xp_pcs.refresh_from_db()
    assert xp_pcs.eol == D(2014, 4, 9)
    event = AuditEvent.objects.get(content_type__model="productrelease")
    assert event.organisation_id is None and event.actor_id == admin_user.pk


def test_it_policy_overrides_on_the_override_page_and_sees_its_date(world, xp_pcs, client):
    client.force_login(world.outsider)
    url = reverse("lifecycle:release_override", args=[xp_pcs.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"eol": "2099-12-31"}).status_code == 302
    assert past(world.other_org) == 0 and past(world.org) == 3
    shown = jdate(D(2099, 12, 31))
    page = client.get(reverse("lifecycle:product_detail", args=["windows"]))
    assert shown in page.content.decode()
    client.force_login(world.policy)
    page = client.get(reverse("lifecycle:product_detail", args=["windows"]))
    assert shown not in page.content.decode() and jdate(D(2014, 4, 8)) in page.content.decode()
    client.force_login(world.viewer)
    assert client.get(url).status_code == 403


def test_the_device_list_and_the_api_show_the_organisations_own_date(world, xp_pcs, client):
    """The device list's end-of-support column and the devices API read the override too."""
    from daicho.core.services import token_create

    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.release_override_set(
            organisation=world.org, release=xp_pcs, data={"eol": D(2016, 6, 30)}
        )
    client.force_login(world.policy)
    page = client.get(reverse("sam:device_list") + "?columns=name,eol").content.decode()
    assert jdate(D(2016, 6, 30)) in page and jdate(D(2014, 4, 8)) not in page
    with audit_context(actor=world.policy, channel=Channel.CLI):
        _token, key = token_create(user=world.policy)
    answer = client.get("/api/v1/devices", headers={"Authorization": f"Bearer {key}"}).json()
    dates = {d["name"]: d["end_of_support"] for d in answer["items"]}
    assert dates["PC-A0"] == "2016-06-30"


def _products_api(client, user) -> dict:
    """The products API as ``user`` sees it: release (product/cycle) → its dates."""
    from daicho.core.services import token_create

    with audit_context(actor=user, channel=Channel.CLI):
        _token, key = token_create(user=user)
    answer = client.get(
        "/api/v1/lifecycle/products", headers={"Authorization": f"Bearer {key}"}
    ).json()
    return {f"{p['slug']}/{r['cycle']}": r for p in answer for r in p["releases"]}


def test_the_products_api_shows_each_organisation_its_own_override_only(world, xp_pcs, client):
    """Regression: /api/v1/lifecycle/products showed the shared dates to everyone; each
    organisation now reads its own override, never another organisation's."""
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.release_override_set(
            organisation=world.org, release=xp_pcs, data={"eol": D(2016, 6, 30)}
        )
    with audit_context(actor=world.outsider, channel=Channel.WEB):
        services.release_override_set(
            organisation=world.other_org,
            release=xp_pcs,
            data={"extended_support_end": D(2099, 12, 31)},
        )
    first = _products_api(client, world.viewer)["windows/xp"]
    assert (first["eol"], first["extended_support_end"]) == ("2016-06-30", None)
    assert first["overridden"] == ["eol"]
    other = _products_api(client, world.outsider)["windows/xp"]
    assert (other["eol"], other["extended_support_end"]) == ("2014-04-08", "2099-12-31")
    assert other["overridden"] == ["extended_support_end"]
    untouched = _products_api(client, world.viewer)["windows/7"]
    assert untouched["overridden"] == []
