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


def test_licence_pages_for_each_role(client, world, position):
    from daicho.sam.models import Licence

    licence = Licence.objects.get()
    urls = [
        reverse("sam:licence_list"),
        reverse("sam:licence_detail", args=[licence.pk]),
    ]
    for role, expected in [("anonymous", 302), ("viewer", 200), ("sam", 200), ("policy", 200)]:
        client.logout()
        if world.user(role):
            client.force_login(world.user(role))
        for url in urls:
            assert client.get(url).status_code == expected, (role, url)
    client.force_login(world.viewer)
    assert client.get(reverse("sam:licence_edit", args=[licence.pk])).status_code == 403
    client.force_login(world.outsider)
    assert client.get(reverse("sam:licence_detail", args=[licence.pk])).status_code == 404


def test_policy_records_a_licence_from_the_form_and_attaches_its_certificate(
    client, world, position
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from daicho.core.models import Attachment, AuditEvent
    from daicho.sam.models import Licence

    client.force_login(world.policy)
    response = client.post(
        reverse("sam:licence_create"),
        {
            "title": position.pk,
            "version": "2010",
            "metric": "device",
            "quantity": "5",
            "type": "package",
            "valid_from": "H26.4.1",
            "unit": world.section_b.pk,
            "certificate": "PKG-2010-01",
            "unit_price": "２８，０００",
        },
    )
    licence = Licence.objects.get(certificate="PKG-2010-01")
    assert response.status_code == 302
    assert (licence.unit_price, str(licence.valid_from), licence.unit) == (
        28_000,
        "2014-04-01",
        world.section_b,
    )
    assert AuditEvent.objects.filter(object_repr__contains="PKG-2010-01", action="create").exists()
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Licence)
    client.post(
        reverse("attachment_add", args=[ct.pk, licence.pk]),
        {"file": SimpleUploadedFile("証書.pdf", b"%PDF-1.4 test"), "description": "ライセンス証書"},
    )
    assert Attachment.objects.filter(object_id=str(licence.pk)).count() == 1
    page = client.get(reverse("sam:licence_detail", args=[licence.pk])).content.decode()
    assert "証書.pdf" in page


def test_the_device_page_lists_its_installed_software(client, world, position):
    from daicho.sam.models import Device

    device = Device.objects.filter(name__startswith="D02-S01-2010-").first()
    client.force_login(world.viewer)
    page = client.get(reverse("sam:device_detail", args=[device.pk])).content.decode()
    assert "Microsoft Office Standard 2010" in page


def test_the_licence_list_runs_a_bounded_number_of_queries(client, world, position):
    client.force_login(world.viewer)
    client.get(reverse("sam:licence_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("sam:licence_list"))
    for n in range(10):
        LicenceFactory(title=position, quantity=n + 1, unit=world.section_a)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("sam:licence_list"))
    assert len(many) == len(few)


def test_policy_sets_a_titles_release_order_and_the_position_follows(client, world):
    from daicho.sam.models import SoftwareTitle

    acrobat = TitleFactory(organisation=world.org, name="Adobe Acrobat")
    install(acrobat, world.section_a, "X", 5)
    LicenceFactory(title=acrobat, version="XI", quantity=5, downgrade_rights=True)
    client.force_login(world.viewer)
    assert client.get(reverse("sam:title_list")).status_code == 200
    assert client.get(reverse("sam:title_edit", args=[acrobat.pk])).status_code == 403
    client.force_login(world.policy)
    response = client.post(
        reverse("sam:title_edit", args=[acrobat.pk]),
        {
            "publisher": "Adobe",
            "name": "Adobe Acrobat",
            "edition": "",
            "release_order": "X, XI, DC",
        },
    )
    assert response.status_code == 302
    assert SoftwareTitle.objects.get(pk=acrobat.pk).release_order == "X, XI, DC"
    page = client.get(reverse("sam:position"), {"as_of": "2025-04-01"}).content.decode()
    assert 'data-figure="shortfall">0<' in page  # XI with downgrade rights now covers X
    assert "Adobe Acrobat" in client.get(reverse("sam:title_list")).content.decode()
