"""Issue #19 point 8: the smaller defects the probe found, one regression test each, named after
what broke."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.core import mail
from django.urls import reverse

from daicho.core import exports
from daicho.core.audit import Channel, audit_context
from daicho.core.importing import services as import_services
from daicho.core.importing.values import unneutralise
from daicho.core.models import ImportBatch
from daicho.core.services import token_create
from tests.core.test_import import run


@pytest.fixture
def api(client, world):
    def call(user, method, path, body=None, **params):
        with audit_context(actor=None, channel=Channel.CLI):
            _t, key = token_create(user=user, scope="write")
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif params:
            kwargs["data"] = params
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


# --- out-of-range numbers: 400 with the reason, never a 500 --------------------------------------


def test_eol_api_as_of_9999_12_31_answers_400_with_the_reason_not_500(api, world):
    response = api(world.policy, "get", "/eol", as_of="9999-12-31")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and "as_of" in body["errors"]


def test_incidents_api_fiscal_year_0_answers_400_with_the_reason_not_500(api, world):
    response = api(world.policy, "get", "/security/incidents", fiscal_year="0")
    assert response.status_code == 400
    assert "fiscal_year" in response.json()["errors"]


def test_an_unexpected_api_error_is_json_detail_not_an_html_500(client, world, monkeypatch):
    from daicho.lifecycle import eol

    def boom(**kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(eol, "eol_items", boom)
    client.raise_request_exception = False
    client.force_login(world.policy)
    response = client.get("/api/v1/eol")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_co_use_page_with_fy_10_to_the_30_shows_a_form_error_not_500(client, world):
    client.force_login(world.viewer)
    response = client.get(reverse("registry:co_use_list"), {"fy": str(10**30)})
    assert response.status_code == 400
    assert str(10**30) in response.content.decode()


def test_eol_page_with_a_date_beyond_9999_shows_a_message_not_500(client, world):
    client.force_login(world.viewer)
    response = client.get(reverse("lifecycle:eol"), {"as_of": "9999-12-31"})
    assert response.status_code == 200
    assert "9999-12-31" in response.content.decode()


# --- formula neutralising ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["\tcmd|' /C calc'!A0", "\r=1+1", "=SUM(A1)", "@x", "-2+3"])
def test_values_starting_with_tab_or_cr_or_a_formula_sign_are_neutralised(value):
    assert exports.neutralise(value) == "'" + value
    assert unneutralise(exports.neutralise(value)) == value


@pytest.mark.parametrize("value", ["'=1+1", "'abc", "''", "'", "plain", "O'Brien"])
def test_a_value_that_really_starts_with_an_apostrophe_keeps_it_through_export_and_import(
    value,
):
    assert unneutralise(exports.neutralise(value)) == value


def test_a_system_named_with_a_leading_apostrophe_equals_round_trips_through_csv(
    client, world, tmp_path, capsys
):
    world.system_a.name = "'=見出し"
    world.system_a.save()
    client.force_login(world.policy)
    csv = client.get(reverse("registry:system_list"), {"export": "csv"}).content
    path = tmp_path / "systems.csv"
    path.write_bytes(csv)
    code, _out, err = run(capsys, "import", "systems", str(path), "--org", "330001")
    assert code == 0, err
    world.system_a.refresh_from_db()
    assert world.system_a.name == "'=見出し"


# --- invalid filters are errors, never "everything" --------------------------------------------


def test_systems_export_with_another_organisations_department_x01_answers_400_not_all_rows(
    client, world
):
    client.force_login(world.policy)
    response = client.get(reverse("registry:system_list"), {"export": "json", "department": "X01"})
    assert response.status_code == 400
    assert "department" in response.content.decode()


def test_systems_page_with_an_invalid_filter_shows_the_form_error_and_no_rows(client, world):
    client.force_login(world.policy)
    response = client.get(reverse("registry:system_list"), {"department": "X01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "X01" in html and "税務システム" not in html


def test_systems_api_with_an_invalid_filter_answers_400_with_the_reason(api, world):
    response = api(world.policy, "get", "/systems", department="X01")
    assert response.status_code == 400
    assert "department" in response.json()["errors"]


# --- password reset rate limit ----------------------------------------------------------------


def test_password_reset_is_limited_per_address(client, world, settings):
    settings.DAICHO_PASSWORD_RESET_PER_ADDRESS = 3
    world.viewer.email = "viewer@pref.example.lg.jp"
    world.viewer.save()
    url = reverse("password_reset")
    answers = [
        client.post(url, {"email": "Viewer@pref.example.lg.jp"}).status_code for _ in range(5)
    ]
    assert answers == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    page = client.post(url, {"email": "viewer@pref.example.lg.jp"}).content.decode()
    assert "60" in page  # says when to try again


def test_password_reset_is_limited_per_client(client, world, settings):
    settings.DAICHO_PASSWORD_RESET_PER_CLIENT = 4
    url = reverse("password_reset")
    answers = [client.post(url, {"email": f"someone{n}@example.jp"}).status_code for n in range(6)]
    assert answers == [302, 302, 302, 302, 429, 429]


# --- uploaded import files are kept for a while, then removed -----------------------------------


def test_uploaded_import_files_older_than_the_setting_are_purged(world, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    settings.DAICHO_IMPORT_FILES_DAYS = 30
    folder = import_services.import_dir()
    old, new = os.path.join(folder, "old"), os.path.join(folder, "new")
    for path in (old, new):
        with open(path, "wb") as fh:
            fh.write(b"x" * 10)
    forty_days_ago = time.time() - 40 * 86400
    os.utime(old, (forty_days_ago, forty_days_ago))
    batch = ImportBatch.objects.create(
        organisation=world.org,
        kind="systems",
        file_name="a.csv",
        status="rejected",
        stored_file=old,
    )
    code, out, err = run(capsys, "imports", "purge", "--json")
    assert code == 0, err
    assert json.loads(out) == {"files": 1, "bytes": 10}
    assert not os.path.exists(old) and os.path.exists(new)
    batch.refresh_from_db()
    assert batch.stored_file == ""
    code, out, _ = run(capsys, "imports", "purge", "--days", "0", "--json")
    assert json.loads(out)["files"] == 1 and not os.path.exists(new)


# --- contracts over the API ---------------------------------------------------------------------


def _contract(systems):
    return {
        "code": "C0900",
        "title": "保守",
        "vendor": "V900",
        "owner_unit": "D01",
        "systems": systems,
        "kind": "maintenance",
        "start_on": "2014-04-01",
        "end_on": "2015-03-31",
    }


def test_an_owner_cannot_attach_another_units_system_to_its_contract_over_the_api(api, world):
    from daicho.registry.models import Contract, Vendor

    Vendor.objects.create(organisation=world.org, code="V900", name="保守会社")
    # owner_a owns D01 (section A's S0001); S0002 belongs to section B.
    response = api(world.owner_a, "post", "/contracts", _contract(["S0001", "S0002"]))
    assert response.status_code == 400, response.content
    assert "S0002" in " ".join(response.json()["errors"]["systems"])
    assert not Contract.objects.exists()
    response = api(world.owner_a, "post", "/contracts", _contract(["S0001"]))
    assert response.status_code == 201, response.content
    contract = Contract.objects.get()
    response = api(
        world.owner_a, "patch", f"/contracts/{contract.pk}", {"systems": ["S0001", "S0002"]}
    )
    assert response.status_code == 400
    assert list(contract.systems.values_list("code", flat=True)) == ["S0001"]


# --- the API docs page ------------------------------------------------------------------------


def test_api_docs_page_allows_no_inline_script(client, world):
    client.force_login(world.viewer)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp.split("style-src")[0]
    html = response.content.decode()
    assert "swagger-ui-init.js" in html
