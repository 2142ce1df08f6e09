"""Defects found in review, each pinned by the request or input that triggered it."""

from __future__ import annotations

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from daicho.core.audit import Channel, audit_context
from daicho.core.importing import engine
from daicho.core.importing import services as import_services
from daicho.core.models import OrgUnit, Role
from daicho.core.services import token_create
from daicho.registry import services
from daicho.registry.models import CostLine, InformationSystem, Vendor
from tests.factories import OrgUnitFactory, UserFactory, member


def api(client, user, method, path, body=None):
    _t, key = token_create(user=user)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_only_the_it_policy_division_publishes_open_data(client, world):
    response = api(
        client, world.owner_a, "patch", f"/systems/{world.system_a.pk}", {"open_data": True}
    )
    assert response.status_code == 403
    assert not InformationSystem.objects.get(pk=world.system_a.pk).open_data
    assert (
        api(
            client, world.policy, "patch", f"/systems/{world.system_a.pk}", {"open_data": True}
        ).status_code
        == 200
    )


def test_systems_not_yet_in_operation_are_not_published(client, world):
    InformationSystem.objects.filter(pk=world.system_a.pk).update(open_data=True, status="planning")
    assert client.get("/opendata/330001/information_systems.csv").status_code == 404


def test_an_owner_elsewhere_is_no_owner_here(client, world):
    dual = member(UserFactory(username="dual"), Role.VIEWER, None, world.org)
    other_unit = OrgUnit.objects.get(organisation=world.other_org)
    member(dual, Role.OWNER, other_unit)
    assert api(client, dual, "post", "/vendors", {"code": "V9", "name": "x"}).status_code == 403
    assert not Vendor.objects.filter(code="V9").exists()


def test_a_fiscal_year_out_of_range_is_refused_and_pages_survive(client, world):
    line = CostLine.objects.filter(system=world.system_a).first()
    response = api(client, world.policy, "patch", f"/costs/{line.pk}", {"fiscal_year": 1_000_000})
    assert response.status_code in (400, 422)
    client.force_login(world.policy)
    assert client.get("/").status_code == 200
    assert client.get("/plan/?fy=99999").status_code == 200
    assert client.get("/plan/?fy=abc").status_code == 200


def test_explicit_nulls_are_field_errors_not_crashes(client, world):
    response = api(
        client, world.policy, "patch", f"/systems/{world.system_a.pk}", {"owner_unit": None}
    )
    assert response.status_code == 400 and "owner_unit" in response.json()["errors"]


def test_malformed_form_fields_and_ids_are_not_server_errors(client, world):
    client.force_login(world.policy)
    response = client.post(
        "/costs/sheet/", {"fy": "2014", "basis": "budget", "item": "itaku", "amt-5": "100"}
    )
    assert response.status_code in (200, 302)
    ct = ContentType.objects.get_for_model(InformationSystem)
    assert client.post(f"/notes/{ct.pk}/abc/", {"text": "x"}).status_code == 404


def test_a_huge_amount_is_a_rejected_row(world, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "system,fiscal_year,basis,category,item,amount\n"
        "S0001,2014,budget,operation,itaku,99999999999999999999999\n",
        encoding="utf-8",
    )
    result = engine.run(kind="costs", source=str(path), organisation=world.org)
    assert result.batch.rejected == 1 and not result.fatal
    assert result.problems[0].column == "amount"


def test_units_moved_by_an_import_keep_correct_paths(world, tmp_path):
    za = OrgUnitFactory(organisation=world.org, code="ZA", name="ZA部", kind="department")
    OrgUnitFactory(organisation=world.org, code="ZD", name="ZD部", kind="department")
    zb = OrgUnitFactory(organisation=world.org, code="ZB", name="ZB課", parent=za)
    OrgUnitFactory(organisation=world.org, code="ZC", name="ZC係", parent=zb)
    path = tmp_path / "u.csv"
    path.write_text("code,name,parent\nZB,ZB課,ZD\nZE,ZE所,ZC\n", encoding="utf-8")
    result = engine.run(kind="units", source=str(path), organisation=world.org)
    assert result.ok, result.problems
    zd = OrgUnit.objects.get(code="ZD")
    ze = OrgUnit.objects.get(code="ZE")
    assert ze.department_id == zd.pk and ze.path.startswith(zd.path)


def test_rollback_is_refused_when_records_were_added_to_imported_ones(world, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "code,name,department,section\nS0500,新システム,総務部,情報政策課\n", encoding="utf-8"
    )
    result = engine.run(kind="systems", source=str(path), organisation=world.org)
    system = InformationSystem.objects.get(code="S0500")
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.cost_line_create(
            system=system,
            fiscal_year=2015,
            basis="budget",
            category="operation",
            item=world.item,
            amount=1,
        )
        with pytest.raises(ValidationError):
            import_services.batch_rollback(batch=result.batch)
    assert InformationSystem.objects.filter(code="S0500").exists()
    assert CostLine.objects.filter(system=system).exists()


# --- found by the generated permission matrix -----------------------------------------------------


def test_an_http_delete_on_a_delete_page_is_not_allowed_rather_than_a_500(client, world):
    from django.urls import reverse

    client.force_login(world.policy)
    response = client.delete(reverse("registry:system_delete", args=[world.system_a.pk]))
    assert response.status_code == 405
    assert InformationSystem.objects.filter(pk=world.system_a.pk).exists()


def test_deleting_a_system_a_case_refers_to_says_so_rather_than_a_500(client, world):
    from django.urls import reverse

    from daicho.core.models import AuditEvent
    from daicho.governance.models import ProcurementCase

    ProcurementCase.objects.create(
        organisation=world.org,
        code="P2015-001",
        system=world.system_a,
        owner_unit=world.section_a,
        fiscal_year=2015,
        kind=ProcurementCase._meta.get_field("kind").choices[0][0],
        title="税務システム更新",
    )
    client.force_login(world.policy)
    response = client.post(reverse("registry:system_delete", args=[world.system_a.pk]), follow=True)
    assert response.status_code == 200
    assert "税務システム は削除できません" in response.content.decode()
    assert "税務システム更新" in response.content.decode()
    assert InformationSystem.objects.filter(pk=world.system_a.pk).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()
    _t, key = token_create(user=world.policy)
    api = client.delete(f"/api/v1/systems/{world.system_a.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 400
    assert "税務システム更新" in api.json()["errors"]["__all__"][0]
