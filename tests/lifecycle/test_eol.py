"""The end-of-support listing as of a date, the `daicho eol` command, the home warning."""

from __future__ import annotations

import datetime
import json

import pytest

from daicho.core.audit import Channel, audit_context
from daicho.infra import services as infra_services
from daicho.lifecycle import eol
from daicho.sam import services as sam_services
from tests.core.test_import import run

D = datetime.date


@pytest.fixture
def fleet(world):
    """An XP PC and a Windows 7 PC in section A, an XP PC disposed in 2013, a 2003 server."""
    with audit_context(actor=world.policy, channel=Channel.WEB):
        xp = sam_services.device_create(
            organisation=world.org,
            name="PC-XP",
            unit=world.section_a,
            os="Windows XP Professional SP3",
            purchased_on=D(2008, 4, 1),
        )
        win7 = sam_services.device_create(
            organisation=world.org,
            name="PC-7",
            unit=world.section_b,
            os="Windows 7 Professional SP1",
            purchased_on=D(2011, 4, 1),
        )
        gone = sam_services.device_create(
            organisation=world.org,
            name="PC-XP-OLD",
            unit=world.section_a,
            os="Windows XP Professional SP3",
            purchased_on=D(2007, 4, 1),
            disposed_on=D(2013, 6, 30),
            status="disposed",
        )
        server = infra_services.server_create(
            organisation=world.org,
            name="SV-TAX",
            kind="physical",
            system=world.system_a,
            os="Microsoft Windows Server 2003 R2 Standard Edition",
            in_service_on=D(2006, 4, 1),
        )
    return {"xp": xp, "win7": win7, "gone": gone, "server": server}


def names(items):
    return {i.name: i.status for i in items}


def test_windows_xp_is_within_24_months_on_31_march_2014_and_windows_7_is_not(world, fleet):
    items = eol.eol_items(organisation=world.org, as_of=D(2014, 3, 31), within_months=24)
    assert names(items) == {"PC-XP": "within", "SV-TAX": "within"}  # 2003: 2015-07-14


def test_windows_xp_is_past_end_of_support_after_8_april_2014(world, fleet):
    on_the_day = eol.eol_items(organisation=world.org, as_of=D(2014, 4, 8), within_months=12)
    after = eol.eol_items(organisation=world.org, as_of=D(2014, 4, 9), within_months=12)
    assert names(on_the_day)["PC-XP"] == "within"
    assert names(after)["PC-XP"] == "past"
    item = next(i for i in after if i.name == "PC-XP")
    assert (item.product, item.release, item.eol) == ("Windows", "XP", D(2014, 4, 8))
    assert item.unit == "情報政策課"


def test_a_disposed_device_is_not_at_risk_and_windows_7_shows_in_its_year(world, fleet):
    items = eol.eol_items(organisation=world.org, as_of=D(2019, 6, 1), within_months=12)
    assert "PC-XP-OLD" not in names(items)
    assert names(items)["PC-7"] == "within"  # 2020-01-14


def test_the_server_lists_the_system_it_serves_and_unit_filter_keeps_its_subtree(world, fleet):
    items = eol.eol_items(
        organisation=world.org, as_of=D(2016, 1, 1), within_months=12, unit=world.dept_a
    )
    assert names(items) == {"PC-XP": "past", "SV-TAX": "past"}
    server = next(i for i in items if i.name == "SV-TAX")
    assert (server.system_code, server.system_name) == ("S0001", "税務システム")


def test_counts_per_unit_and_per_quarter_agree_with_the_listing(world, fleet):
    by_unit, by_quarter, by_kind = eol.eol_counts(
        organisation=world.org, as_of=D(2014, 3, 31), within_months=24
    )
    assert by_unit[("情報政策課", "within")] == 2
    assert by_quarter[(2014, 2)] == 1 and by_quarter[(2015, 3)] == 1
    assert by_kind[("device", "within")] == 1 and by_kind[("server", "within")] == 1


def test_another_organisations_records_never_appear(world, fleet):
    assert eol.eol_items(organisation=world.other_org, as_of=D(2016, 1, 1)) == []


def test_daicho_eol_json_lists_items_and_affected_systems(world, fleet, capsys):
    code, out, err = run(
        capsys, "eol", "--as-of", "2014-04-09", "--within-months", "24", "--org", "330001", "--json"
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["as_of"] == "2014-04-09"
    assert (document["past"], document["within"]) == (1, 1)
    xp = next(i for i in document["items"] if i["name"] == "PC-XP")
    assert xp == {
        "kind": "device",
        "name": "PC-XP",
        "unit": "情報政策課",
        "system": "",
        "system_name": "",
        "product": "Windows",
        "release": "XP",
        "end_of_support": "2014-04-08",
        "extended_support_end": None,
        "status": "past",
    }
    assert document["systems_affected"] == [
        {"system": "S0001", "name": "税務システム", "past": 0, "within": 1}
    ]


def test_daicho_eol_takes_wareki_and_a_unit_and_refuses_a_bad_date(world, fleet, capsys):
    code, out, _ = run(
        capsys, "eol", "--as-of", "平成26年4月9日", "--unit", "D02", "--org", "330001", "--json"
    )
    assert code == 0 and json.loads(out)["count"] == 0
    code, _, err = run(capsys, "eol", "--as-of", "2014-13-45", "--org", "330001")
    assert code == 1 and "--as-of" in err and "Traceback" not in err


def test_the_home_page_warns_when_anything_is_past_end_of_support(world, fleet, client):
    client.force_login(world.viewer)
    page = client.get("/").content.decode()
    assert 'id="eol-warning"' in page  # XP and 2003 are past today


def test_the_eol_page_shows_the_figures_and_exports(world, fleet, client):
    client.force_login(world.viewer)
    response = client.get("/lifecycle/eol/", {"as_of": "2014-04-09", "within": "24"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="past">1<' in page and 'data-figure="within">1<' in page
    csv = client.get(
        "/lifecycle/eol/", {"as_of": "2014-04-09", "within": "24", "export": "csv"}
    ).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("種別,名称,所属")
    assert "PC-XP" in csv and "2014-04-08" in csv


def test_a_horizon_past_the_year_9999_names_the_last_date_a_listing_takes():
    import datetime

    from daicho.lifecycle.horizon import LAST_AS_OF, horizon_end

    with pytest.raises(ValueError) as e:
        horizon_end(datetime.date(9999, 6, 1), 12)
    assert LAST_AS_OF.isoformat() in str(e.value)
