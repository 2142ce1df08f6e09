"""The unit trees each process keeps for the unit filters: read once, read again after any write."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daicho.core import services
from daicho.core.models import Organisation, OrgUnit, Role
from daicho.core.permissions import scope_of
from daicho.core.units import unit_rows
from tests.factories import OrgUnitFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _unit_options(client, query: str = "") -> list[str]:
    """The options of the section filter on the system list, as the user sees them."""
    html = client.get(f"/systems/{query}").content.decode()
    select = re.search(r'<select[^>]*name="owner_unit".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def _unit_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "core_orgunit"' in q["sql"]]


def test_the_filters_offer_the_units_and_a_request_reads_none_once_they_are_kept(client, world):
    client.force_login(world.policy)
    assert {"総務部", "情報政策課", "県民生活部", "くらし安全安心課"} <= set(_unit_options(client))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/systems/?department=D01&owner_unit=D01-S01")
    assert "税務システム" in response.content.decode()
    assert "公共施設予約システム" not in response.content.decode()
    assert _unit_queries(queries.captured_queries) == []


def test_a_unit_written_through_the_services_shows_on_the_next_request(client, world, as_user):
    client.force_login(world.policy)
    assert "情報政策課" in _unit_options(client)
    with as_user(world.policy):
        services.unit_update(unit=world.section_a, data={"name": "デジタル推進課"})
        services.unit_create(
            organisation=world.org,
            code="D02-S09",
            name="新設課",
            kind="section",
            parent=world.dept_b,
        )
    options = _unit_options(client)
    assert "デジタル推進課" in options and "新設課" in options
    assert "情報政策課" not in options

    with as_user(world.policy):
        services.unit_delete(unit=OrgUnit.objects.get(code="D02-S09"))
    assert "新設課" not in _unit_options(client)
    html = client.get("/systems/?owner_unit=D02-S09").content.decode()
    assert '<div class="errorlist">' in html  # the code of a unit that is gone is refused


def test_every_write_of_a_unit_gives_its_organisation_a_new_version(world):
    def version() -> int:
        return Organisation.objects.values_list("units_version", flat=True).get(pk=world.org.pk)

    seen = [version()]
    unit = OrgUnitFactory(organisation=world.org, code="D09", name="臨時部", kind="department")
    seen.append(version())
    unit.name = "臨時本部"
    unit.save()
    seen.append(version())
    unit.delete()
    seen.append(version())
    assert len(set(seen)) == 4  # random values: a restored database cannot bring one back
    other = Organisation.objects.values_list("units_version", flat=True).get(pk=world.other_org.pk)
    assert other not in seen[1:]


def test_a_member_of_two_organisations_gets_both_trees_one_after_the_other(world):
    user = member(UserFactory(username="both"), Role.VIEWER, None, world.org)
    member(user, Role.VIEWER, None, world.other_org)
    codes = [u.code for u in unit_rows(scope_of(user))]
    first, second = sorted([world.org.pk, world.other_org.pk])
    expected = {
        first: list(OrgUnit.objects.filter(organisation_id=first).order_by("path")),
        second: list(OrgUnit.objects.filter(organisation_id=second).order_by("path")),
    }
    assert codes == [u.code for u in expected[first] + expected[second]]
    with CaptureQueriesContext(connection) as queries:
        assert [u.code for u in unit_rows(scope_of(user))] == codes
    assert _unit_queries(queries.captured_queries) == []
