"""Writes check the permission before they read the form: a role that may not gets 403 whatever
the body (an empty one included), and nothing is written.

Regression: these views read their form first, so an empty POST from a viewer was answered by the
form (a redirect with "choose the next step", a 400 page) and the permission matrix could not
prove who may write; see also the bodies in tests/test_permission_matrix.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from daicho.continuity.models import Drill, DrillFinding
from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.core.services import token_create
from daicho.governance.models import ProcurementCase
from daicho.infra.models import VdiPool
from daicho.registry.models import InformationSystem
from daicho.sam.models import InventoryCampaign, InventoryConfirmation, SamAudit

pytestmark = pytest.mark.django_db
D = datetime.date(2015, 1, 1)


@pytest.fixture
def records(world):
    org, a = world.org, world.section_a
    drill = Drill.objects.create(organisation=org, held_on=D, kind="desk", title="訓練")
    campaign = InventoryCampaign.objects.create(
        organisation=org, fiscal_year=2014, name="棚卸", deadline=D, opened_on=D
    )
    return {
        "continuity:finding_move": DrillFinding.objects.create(
            drill=drill, finding="f", action="a", action_unit=a, due_on=D
        ),
        "sam:confirmation": InventoryConfirmation.objects.create(campaign=campaign, unit=a),
        "sam:audit_detail": SamAudit.objects.create(
            organisation=org, fiscal_year=2014, name="監査", held_on=D
        ),
    }


PAGES = [
    "continuity:finding_move",
    "sam:confirmation",
    "sam:audit_detail",
    "registry:system_bulk_edit",
    "registry:system_bulk_delete",
    "registry:cost_sheet",
    "lifecycle:unmatched",
    "lifecycle:rules",
    "infra:vdi_list",
]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_an_empty_post_from_a_reader_is_refused_and_writes_nothing(
    client, world, records, role, name
):
    record = records.get(name)
    url = reverse(name, args=[record.pk]) if record else reverse(name)
    client.force_login(world.user(role))
    events = AuditEvent.objects.count()
    assert client.post(url).status_code == 403
    assert AuditEvent.objects.count() == events


def test_a_finding_moves_for_its_units_owner_and_not_for_another(client, world, records):
    finding = records["continuity:finding_move"]
    url = reverse("continuity:finding_move", args=[finding.pk])
    client.force_login(world.owner_b)  # owner of another section
    assert client.post(url, {"status": "do"}).status_code == 403
    client.force_login(world.owner_a)  # owner of the responsible unit's department
    assert client.post(url, {"status": "do"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == "do"


def test_vdi_seats_are_recorded_by_the_it_policy_division_only(client, world):
    pool = VdiPool.objects.create(organisation=world.org, name="職員VDI")
    body = {"pool": pool.pk, "measured_on": "2015-01-01", "seats_in_use": "120"}
    client.force_login(world.owner_a)
    assert client.post(reverse("infra:vdi_list"), body).status_code == 403
    client.force_login(world.policy)
    assert client.post(reverse("infra:vdi_list"), body).status_code == 302
    assert pool.usages.get().seats_in_use == 120


def test_bulk_delete_of_a_system_still_referred_to_says_so_and_deletes_nothing(client, world):
    """Regression: the bulk delete of a system a procurement case refers to answered 500."""
    ProcurementCase.objects.create(
        organisation=world.org,
        system=world.system_a,
        owner_unit=world.section_a,
        fiscal_year=2015,
        title="更新",
    )
    client.force_login(world.policy)
    response = client.post(
        reverse("registry:system_bulk_delete"),
        {"pk": [world.system_a.pk, world.system_b.pk], "_confirm": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert "何も変更されませんでした" in response.content.decode()
    assert (
        InformationSystem.objects.filter(pk__in=[world.system_a.pk, world.system_b.pk]).count() == 2
    )


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (
            "/api/v1/costs",
            {
                "system": "NOPE",
                "fiscal_year": 2015,
                "basis": "budget",
                "category": "operation",
                "item": "NOPE",
                "amount": 1,
            },
        ),
        (
            "/api/v1/contracts",
            {
                "code": "C1",
                "title": "t",
                "vendor": "NOPE",
                "owner_unit": "NOPE",
                "kind": "maintenance",
                "start_on": "2015-04-01",
                "end_on": "2016-03-31",
            },
        ),
        (
            "/api/v1/consultations",
            {
                "consulted_on": "2015-01-01",
                "unit": "NOPE",
                "topic": "planning",
                "channel": "phone",
                "subject": "s",
            },
        ),
        ("/api/v1/vendors", {"code": "V1", "name": "n"}),
    ],
)
def test_the_api_refuses_a_reader_before_it_looks_up_the_codes(client, world, url, body):
    with audit_context(actor=world.viewer, channel=Channel.CLI):
        _token, key = token_create(user=world.viewer)
    response = client.post(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 403, response.content
    assert "detail" in response.json()
