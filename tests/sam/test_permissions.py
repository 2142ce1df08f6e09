"""The SAM permission matrix: every SAM page for anonymous, each role, another unit and another
organisation, with the status each must get; allowed writes are audited."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.sam import services
from tests.sam.factories import DeviceFactory, LicenceFactory, TitleFactory
from tests.sam.test_position import install

ROLES = ["anonymous", "viewer", "owner_a", "owner_b", "sam", "policy", "auditor", "outsider"]
READ = {r: 200 for r in ROLES} | {"anonymous": 302}
READ_OBJECT = READ | {"outsider": 404}
POLICY_ONLY = {
    "anonymous": 302,
    "viewer": 403,
    "owner_a": 403,
    "owner_b": 403,
    "sam": 403,
    "policy": 200,
    "auditor": 403,
    "outsider": 404,
}


@pytest.fixture
def sam_world(world):
    office = TitleFactory(organisation=world.org, name="Microsoft Office", edition="Standard")
    install(office, world.section_b, "2016", 3)
    licence = LicenceFactory(title=office, quantity=2, unit=world.section_b)
    DeviceFactory(unit=world.section_a, name="PC-A")
    with audit_context(actor=world.policy, channel=Channel.WEB):
        campaign = services.campaign_open(
            organisation=world.org,
            fiscal_year=2026,
            deadline=datetime.date(2026, 12, 25),
            units=[world.section_a, world.section_b],
        )
        audit = services.sam_audit_create(
            organisation=world.org,
            fiscal_year=2025,
            name="監査",
            held_on=datetime.date(2026, 1, 20),
        )
    return {
        "licence": licence,
        "campaign": campaign,
        "part_b": campaign.confirmations.get(unit=world.section_b),
        "audit": audit,
    }


def pages(s):
    return [
        (reverse("sam:position"), READ),
        (reverse("sam:volume"), READ),
        (reverse("sam:rules"), READ),
        (reverse("sam:title_list"), READ),
        (reverse("sam:licence_list"), READ),
        (reverse("sam:licence_detail", args=[s["licence"].pk]), READ_OBJECT),
        (reverse("sam:campaign_list"), READ),
        (reverse("sam:campaign_detail", args=[s["campaign"].pk]), READ_OBJECT),
        (reverse("sam:confirmation", args=[s["part_b"].pk]), READ_OBJECT),
        (reverse("sam:audit_list"), READ),
        (reverse("sam:audit_detail", args=[s["audit"].pk]), READ_OBJECT),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_sam_page_answers_each_role(client, world, sam_world, role):
    for url, expected in pages(sam_world):
        client.logout()
        if world.user(role):
            client.force_login(world.user(role))
        status = client.get(url).status_code
        assert status == expected[role], (role, url, status)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("viewer", 403),
        ("owner_b", 403),  # owners keep devices, but the 棚卸 is the SAM officer's
        ("sam", 302),
        ("policy", 302),
        ("outsider", 404),
    ],
)
def test_confirming_a_units_inventory(client, world, sam_world, role, expected):
    if world.user(role):
        client.force_login(world.user(role))
    url = reverse("sam:confirmation", args=[sam_world["part_b"].pk])
    decided = {"action": "confirm", "unchecked": "present", "reason": "稼働記録で確認"}
    assert client.post(url, decided).status_code == expected
    confirmed = sam_world["part_b"].__class__.objects.get(pk=sam_world["part_b"].pk).status
    assert (confirmed == "confirmed") == (expected == 302 and role != "anonymous")
    if confirmed == "confirmed":
        assert AuditEvent.objects.filter(actor=world.user(role), channel="web").exists()


@pytest.mark.parametrize(
    ("role", "expected"), [(r, POLICY_ONLY[r] if POLICY_ONLY[r] != 200 else 302) for r in ROLES]
)
def test_only_it_policy_opens_a_campaign_or_records_an_audit(
    client, world, sam_world, role, expected
):
    if world.user(role):
        client.force_login(world.user(role))
    data = {"fiscal_year": 2027, "deadline": "2027-12-25", "units": [world.section_a.pk]}
    status = client.post(reverse("sam:campaign_list"), data).status_code
    if role == "outsider":  # IT policy of its own organisation: the unit is not one of its own
        assert status == 200
    else:
        assert status == expected, role
    data = {"name": "監査", "fiscal_year": 2026, "held_on": "2027-01-20"}
    status = client.post(reverse("sam:audit_list"), data).status_code
    assert status == (302 if role == "outsider" else expected), role


def test_the_campaign_pages_run_a_bounded_number_of_queries(client, world, sam_world):
    client.force_login(world.sam)
    urls = [
        reverse("sam:campaign_detail", args=[sam_world["campaign"].pk]),
        reverse("sam:confirmation", args=[sam_world["part_b"].pk]),
    ]
    for url in urls:
        client.get(url)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            for url in urls:
                client.get(url)
        counts.append(len(queries))
        for n in range(15):
            DeviceFactory(unit=world.section_b, name=f"PC-more-{len(counts)}-{n}")
    assert counts[0] == counts[1]


def test_a_sam_officer_adds_a_device_of_its_unit_from_the_web_and_not_of_another(client, world):
    """The README gives the SAM officer its unit's devices: the create page opened with 403."""
    from daicho.sam.models import Device

    client.force_login(world.sam)
    assert client.get(reverse("sam:device_create")).status_code == 200
    assert reverse("sam:device_create") in client.get(reverse("sam:device_list")).content.decode()
    data = {"name": "PC-SAM-01", "type": "desktop", "status": "in_use"}
    response = client.post(reverse("sam:device_create"), {**data, "unit": world.section_b.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Device.objects.get(name="PC-SAM-01").unit == world.section_b
    other = client.post(
        reverse("sam:device_create"), {**data, "name": "PC-SAM-02", "unit": world.section_a.pk}
    )
    assert other.status_code == 400  # the form refuses a unit outside the officer's
    assert not Device.objects.filter(name="PC-SAM-02").exists()
