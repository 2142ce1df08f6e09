"""The SAM endpoints as another tool uses them: licences, a device's software, the position."""

from __future__ import annotations

import pytest

from daicho.core.services import token_create
from tests.sam.factories import LicenceFactory, TitleFactory
from tests.sam.test_position import install


@pytest.fixture
def call(client):
    def _call(user, path, **params):
        _t, key = token_create(user=user)
        return client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {key}")

    return _call


@pytest.fixture
def office(world):
    office = TitleFactory(organisation=world.org, name="Microsoft Office", edition="Standard")
    install(office, world.section_a, "2013", 20)
    install(office, world.section_b, "2010", 8)
    LicenceFactory(
        title=office, version="2013", quantity=25, downgrade_rights=True, certificate="VL-1"
    )
    return office


def test_the_position_endpoint_gives_the_clis_figures(call, world, office):
    body = call(world.viewer, "/sam/position", as_of="2025-04-01").json()
    assert [(e["version"], e["entitled"], e["consumed"], e["shortfall"]) for e in body] == [
        ("2013", 25, 20, 0),
        ("2010", 0, 8, 3),
    ]
    # Within one unit, the organisation's licences cover its 8 installations by downgrade.
    body = call(world.viewer, "/sam/position", unit="D02-S01").json()
    assert [(e["version"], e["consumed"], e["shortfall"]) for e in body] == [
        ("2013", 0, 0),
        ("2010", 8, 0),
    ]
    assert call(world.viewer, "/sam/position", unit="nowhere").status_code == 404
    assert call(world.outsider, "/sam/position").json() == []


def test_licences_and_a_devices_software(call, world, office):
    body = call(world.viewer, "/licences", q="VL-1").json()
    assert body["count"] == 1 and body["items"][0]["software"] == "Microsoft Office Standard"
    assert call(world.outsider, "/licences").json()["count"] == 0
    device = office.installations.first().device
    items = call(world.viewer, f"/devices/{device.pk}/installations").json()
    assert [(i["title"], i["title_version"]) for i in items] == [
        ("Microsoft Office Standard", "2013")
    ]
    assert call(world.outsider, f"/devices/{device.pk}/installations").status_code == 404
