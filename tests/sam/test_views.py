"""The position page: figures, drill-down to devices, Excel export; who sees it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.sam.factories import LicenceFactory, TitleFactory
from tests.sam.test_position import install


@pytest.fixture
def position(world):
    office = TitleFactory(organisation=world.org, name="Microsoft Office", edition="Standard")
    install(office, world.section_a, "2013", 20)
    install(office, world.section_b, "2010", 8)
    LicenceFactory(
        title=office, version="2013", quantity=25, downgrade_rights=True, unit_price=30_000
    )
    reader = TitleFactory(organisation=world.org, name="Adobe Acrobat Reader", free=True)
    install(reader, world.section_b, "", 5, start=500)
    return office


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("policy", 200),
        ("owner_a", 200),
        ("viewer", 200),
        ("auditor", 200),
        ("sam", 200),
    ],
)
def test_the_position_page_answers_each_role(client, world, position, role, status):
    if world.user(role):
        client.force_login(world.user(role))
    for url in (reverse("sam:position"), reverse("sam:volume")):
        assert client.get(url).status_code == status, url


def test_another_organisation_sees_nothing_of_this_position(client, world, position):
    client.force_login(world.outsider)
    page = client.get(reverse("sam:position")).content.decode()
    assert "Microsoft Office" not in page


def test_the_page_shows_the_shortfall_and_its_cost(client, world, position):
    client.force_login(world.viewer)
    page = client.get(reverse("sam:position"), {"as_of": "2025-04-01"}).content.decode()
    assert 'data-figure="shortfall">3<' in page
    assert "90,000" in page  # 3 × 30,000 yen


def test_drill_down_lists_the_devices_of_a_title_and_version(client, world, position):
    client.force_login(world.viewer)
    page = client.get(
        reverse("sam:position"), {"title": position.pk, "version": "2010", "as_of": "2025-04-01"}
    ).content.decode()
    assert page.count("D02-S01-2010-") == 8
    assert "D01-S01-2013-" not in page


def test_the_position_exports_to_excel(client, world, position):
    client.force_login(world.viewer)
    response = client.get(reverse("sam:position"), {"export": "xlsx", "as_of": "2025-04-01"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    shortfall = header.index("不足")
    assert [r[shortfall] for r in rows[1:]] == [0, 0, 3]


def test_the_position_page_runs_a_bounded_number_of_queries(client, world, position):
    client.force_login(world.viewer)
    client.get(reverse("sam:position"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("sam:position"))
    more = TitleFactory(organisation=world.org, name="一太郎")
    install(more, world.section_a, "2014", 30, start=900)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("sam:position"))
    assert len(many) == len(few) <= 20


def test_the_volume_page_compares_at_the_prices_entered(client, world, position):
    LicenceFactory(title=position, quantity=3, type="package", unit_price=40_000)
    client.force_login(world.viewer)
    page = client.get(
        reverse("sam:volume"),
        {f"v_{position.pk}": "２５，０００", f"s_{position.pk}": "", "years": "5"},
    ).content.decode()
    assert "700,000" in page  # 28 devices × 25,000 yen
    response = client.get(reverse("sam:volume"), {f"v_{position.pk}": "abc"})
    assert response.status_code == 200
