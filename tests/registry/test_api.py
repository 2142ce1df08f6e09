"""The REST API as another tool uses it: filters, pagination, JSON errors per field, OpenAPI."""

from __future__ import annotations

import json

import pytest

from daicho.core.services import token_create
from daicho.registry.models import CostLine


@pytest.fixture
def api(client, world):
    _t, key = token_create(user=world.policy)

    def call(method, path, body=None, **params):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif params:
            kwargs["data"] = params
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def test_list_systems_filters_like_the_ui_and_counts(api, world):
    body = api("get", "/systems", code="S0001").json()
    assert body["count"] == 1 and body["items"][0]["name"] == "税務システム"
    assert body["items"][0]["department"] == "総務部"
    assert body["items"][0]["owner_unit"] == "D01-S01"
    assert [s["code"] for s in api("get", "/systems", department="D02").json()["items"]] == [
        "S0002"
    ]
    page = api("get", "/systems", page_size=1, page=2).json()
    assert page["count"] == 2 and [s["code"] for s in page["items"]] == ["S0002"]


def test_the_count_is_the_number_of_matches_on_every_page(api, world):
    from tests.factories import SystemFactory

    for n in range(5):
        SystemFactory(owner_unit=world.section_a, code=f"S09{n:02d}", status="planning")
    for page, size, expected in [(1, 2, 2), (3, 2, 1), (4, 2, 0), (9, 50, 0)]:
        body = api("get", "/systems", status="planning", page=page, page_size=size).json()
        assert body["count"] == 5 and len(body["items"]) == expected, (page, size)
        assert all("pagination_total" not in item for item in body["items"])


def test_an_invalid_filter_value_is_a_400_naming_the_field(api, world):
    response = api("get", "/systems", status="broken")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_unit_filters_take_codes_of_the_users_own_units_only(api, world):
    assert [s["code"] for s in api("get", "/systems", owner_unit="D01").json()["items"]] == [
        "S0001"  # a department as a unit: the systems of every section below it
    ]
    assert api("get", "/systems", owner_unit="D02-S01").json()["count"] == 1
    for name, code in [("department", "D01-S01"), ("department", "X01"), ("owner_unit", "X01")]:
        response = api("get", "/systems", **{name: code})  # a section; another organisation's
        assert response.status_code == 400 and name in response.json()["errors"], code


def test_create_then_patch_then_delete_a_system(api, world):
    created = api(
        "post",
        "/systems",
        {
            "code": "S0100",
            "name": "電子申請サービス",
            "owner_unit": "D01-S01",
            "hosting": "cloud",
            "in_service_on": "2014-04-01",
        },
    )
    assert created.status_code == 201, created.content
    system_id = created.json()["id"]
    patched = api(
        "patch", f"/systems/{system_id}", {"status": "retired", "retired_on": "2016-03-31"}
    )
    assert patched.status_code == 200 and patched.json()["status"] == "retired"
    assert api("delete", f"/systems/{system_id}").status_code == 204
    assert api("get", f"/systems/{system_id}").status_code == 404


def test_validation_errors_come_back_per_field(api, world):
    response = api(
        "post",
        "/systems",
        {"code": "S0002", "name": "x", "owner_unit": "D01-S01", "status": "nonsense"},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "code" in errors and "status" in errors
    response = api("post", "/systems", {"code": "S0101", "name": "x", "owner_unit": "NOPE"})
    assert response.status_code == 400 and "owner_unit" in response.json()["errors"]
    response = api("post", "/systems", {"name": "no code"})
    assert response.status_code == 422 and "code" in response.json()["errors"]


def test_costs_create_filter_and_correct(api, world):
    created = api(
        "post",
        "/costs",
        {
            "system": "S0002",
            "fiscal_year": 2014,
            "basis": "budget",
            "category": "operation",
            "item": "itaku",
            "amount": 2_500_000,
        },
    )
    assert created.status_code == 201, created.content
    rows = api("get", "/costs", system="S0002").json()["items"]
    assert [(r["fiscal_year"], r["amount"]) for r in rows] == [(2014, 2_500_000)]
    line_id = created.json()["id"]
    assert api("patch", f"/costs/{line_id}", {"amount": 2_400_000}).json()["amount"] == 2_400_000
    negative = api("patch", f"/costs/{line_id}", {"amount": -1})
    assert negative.status_code == 400 and "amount" in negative.json()["errors"]
    assert CostLine.objects.get(pk=line_id).amount == 2_400_000


def test_vendors_and_contracts_round_trip(api, world):
    vendor = api(
        "post",
        "/vendors",
        {"code": "V010", "name": "株式会社岡山情報", "corporate_number": "1234567890123"},
    )
    assert vendor.status_code == 201
    contract = api(
        "post",
        "/contracts",
        {
            "code": "C0100",
            "title": "税務システム運用保守",
            "vendor": "V010",
            "owner_unit": "D01-S01",
            "systems": ["S0001"],
            "kind": "maintenance",
            "start_on": "2014-04-01",
            "end_on": "2015-03-31",
            "yearly_amount": 12_000_000,
        },
    )
    assert contract.status_code == 201, contract.content
    assert contract.json()["systems"] == ["S0001"]
    listed = api("get", "/contracts", system="S0001").json()
    assert listed["count"] == 1
    bad = api(
        "post",
        "/contracts",
        {
            "code": "C0101",
            "title": "x",
            "vendor": "V010",
            "owner_unit": "D01-S01",
            "kind": "maintenance",
            "start_on": "2015-04-01",
            "end_on": "2014-03-31",
        },
    )
    assert bad.status_code == 400 and "end_on" in bad.json()["errors"]


def test_openapi_document_lists_the_resources(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/systems",
        "/api/v1/systems/{system_id}",
        "/api/v1/costs",
        "/api/v1/vendors",
        "/api/v1/contracts",
        "/api/v1/units",
    ]:
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/systems"]["get"]["parameters"]}
    assert {"department", "status", "code", "page", "page_size"} <= params
