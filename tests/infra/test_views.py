"""The infrastructure, lifecycle and device pages for every role; the lists' query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.infra import services
from daicho.infra.models import Server
from daicho.lifecycle.models import ProductRelease
from daicho.sam import services as sam_services
from tests.test_permissions import CREATE, EDIT_A, POLICY_ONLY, READ, READ_OBJECT, ROLES, _status

D = datetime.date


@pytest.fixture
def infra(world):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        host = services.server_create(
            organisation=world.org,
            name="VH01",
            kind="host",
            cores=32,
            memory_gb=512,
            in_service_on=D(2019, 4, 1),
            os="VMware ESXi 6.7",
        )
        vm = services.server_create(
            organisation=world.org,
            name="S0001-AP",
            kind="vm",
            host=host,
            system=world.system_a,
            os="Microsoft Windows Server 2012 R2 Standard",
            cores=4,
            memory_gb=16,
            in_service_on=D(2019, 4, 1),
        )
        cloud = services.cloud_service_create(
            organisation=world.org,
            name="グループウェア",
            provider="サイボウズ",
            service_model="saas",
            systems=[world.system_b],
        )
        pool = services.vdi_pool_create(organisation=world.org, name="VDI", capacity=100)
        site = services.site_create(
            organisation=world.org, code="DC1", name="県DC", kind="data_centre"
        )
        cluster = services.cluster_create(organisation=world.org, name="基盤", site=site)
        services.vdi_usage_record(pool=pool, measured_on=D(2025, 3, 31), seats_in_use=80)
        device = sam_services.device_create(
            organisation=world.org, name="PC0001", unit=world.section_a, os="Windows 10 Pro"
        )
    return {
        "host": host,
        "vm": vm,
        "cloud": cloud,
        "device": device,
        "site": site,
        "cluster": cluster,
    }


def cases(world, infra):
    vm, device = infra["vm"].pk, infra["device"].pk
    release = ProductRelease.objects.get(product__slug="windows", cycle="10")
    # Shared support dates: only a site administrator edits them; each organisation's IT policy
    # division overrides them for its own organisation.
    site_admin = {**POLICY_ONLY, "policy": 403, "outsider": 403}
    policy_any = {**POLICY_ONLY, "outsider": 200}
    return [
        ("server_list", reverse("infra:server_list"), READ),
        ("server_export", reverse("infra:server_list") + "?export=xlsx", READ),
        ("server_detail", reverse("infra:server_detail", args=[vm]), READ_OBJECT),
        ("server_create", reverse("infra:server_create"), CREATE),
        ("server_edit", reverse("infra:server_edit", args=[vm]), EDIT_A),
        ("server_delete", reverse("infra:server_delete", args=[vm]), EDIT_A),
        ("virtualization", reverse("infra:virtualization") + "?fy=2020", READ),
        ("cloud_list", reverse("infra:cloud_list"), READ),
        ("cloud_create", reverse("infra:cloud_create"), CREATE),
        ("cloud_edit", reverse("infra:cloud_edit", args=[infra["cloud"].pk]), POLICY_ONLY),
        ("vdi_list", reverse("infra:vdi_list"), READ),
        ("site_list", reverse("infra:site_list"), READ),
        ("site_create", reverse("infra:site_create"), CREATE),
        ("site_edit", reverse("infra:site_edit", args=[infra["site"].pk]), POLICY_ONLY),
        ("site_delete", reverse("infra:site_delete", args=[infra["site"].pk]), POLICY_ONLY),
        ("cluster_edit", reverse("infra:cluster_edit", args=[infra["cluster"].pk]), POLICY_ONLY),
        ("device_list", reverse("sam:device_list"), READ),
        ("device_detail", reverse("sam:device_detail", args=[device]), READ_OBJECT),
        ("device_edit", reverse("sam:device_edit", args=[device]), EDIT_A),
        ("eol", reverse("lifecycle:eol") + "?as_of=2026-01-01&within=24", READ),
        ("eol_export", reverse("lifecycle:eol") + "?export=json", READ),
        ("products", reverse("lifecycle:product_list"), READ),
        ("product", reverse("lifecycle:product_detail", args=["windows"]), READ),
        ("release_edit", reverse("lifecycle:release_edit", args=[release.pk]), site_admin),
        (
            "release_override",
            reverse("lifecycle:release_override", args=[release.pk]),
            policy_any,
        ),
        ("unmatched", reverse("lifecycle:unmatched"), READ),
        ("rules", reverse("lifecycle:rules"), READ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_expected(client, world, infra, role):
    failures = []
    for name, url, expected in cases(world, infra):
        client.logout()
        status = _status(client, world, role, "get", url)
        if status != expected[role]:
            failures.append(f"{name} {url}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


def test_another_organisation_sees_none_of_these_records(client, world, infra):
    client.force_login(world.outsider)
    for url in (
        reverse("infra:server_list"),
        reverse("sam:device_list"),
        reverse("infra:cloud_list"),
    ):
        page = client.get(url).content.decode()
        assert "S0001-AP" not in page and "PC0001" not in page and "グループウェア" not in page


def test_an_owner_moves_its_vm_and_the_move_is_dated_and_audited(client, world, infra):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        new = services.server_create(
            organisation=world.org, name="VH02", kind="host", in_service_on=D(2024, 4, 1)
        )
    client.force_login(world.owner_a)
    vm = infra["vm"]
    response = client.post(
        reverse("infra:server_edit", args=[vm.pk]),
        {
            "name": vm.name,
            "kind": "vm",
            "system": world.system_a.pk,
            "host": new.pk,
            "moved_on": "令和6年4月1日",
            "os": vm.os,
            "cores": 4,
            "memory_gb": 16,
        },
    )
    assert response.status_code == 302
    vm.refresh_from_db()
    assert vm.host == new
    assert vm.placements.filter(effective_on=D(2024, 4, 1), host=new).exists()
    assert AuditEvent.objects.filter(object_repr="S0001-AP", action="update", actor=world.owner_a)


def test_the_system_page_shows_its_servers_and_their_end_of_support(client, world, infra):
    client.force_login(world.viewer)
    page = client.get(reverse("registry:system_detail", args=[world.system_a.pk])).content.decode()
    assert 'id="infrastructure"' in page and "S0001-AP" in page
    assert "令和5年10月10日" in page  # Windows Server 2012 R2, past its end of support
    assert "サポートが終了しています" in page


def test_the_virtualization_page_shows_allocation_per_host(client, world, infra):
    client.force_login(world.viewer)
    page = client.get(reverse("infra:virtualization"), {"fy": 2020}).content.decode()
    assert 'data-figure="hosts">1<' in page and 'data-figure="vms">1<' in page
    assert "4 / 32" in page and "16 / 512 GB" in page


def test_an_unmatched_name_is_mapped_from_the_page(client, world, infra):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        sam_services.device_create(
            organisation=world.org, name="PC0002", unit=world.section_a, os="Solaris 10"
        )
    client.force_login(world.policy)
    assert "Solaris 10" in client.get(reverse("lifecycle:unmatched")).content.decode()
    release = ProductRelease.objects.get(product__slug="rhel", cycle="7")
    response = client.post(
        reverse("lifecycle:unmatched"), {"raw": "Solaris 10", "release": release.pk}
    )
    assert response.status_code == 302
    page = client.get(reverse("lifecycle:unmatched")).content.decode()
    assert "Solaris 10 を Red Hat Enterprise Linux 7 に対応付けました" in page
    assert "<code>Solaris 10</code>" not in page


@pytest.mark.parametrize("url_name", ["infra:server_list", "sam:device_list", "infra:cloud_list"])
def test_lists_take_a_fixed_number_of_queries(client, world, infra, url_name):
    client.force_login(world.viewer)
    url = reverse(url_name)
    client.get(url)  # the first request of a session does its own bookkeeping
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with audit_context(actor=world.policy, channel=Channel.WEB):
        for n in range(15):
            services.server_create(
                organisation=world.org,
                name=f"SV{n}",
                kind="physical",
                system=world.system_a,
                os="Windows Server 2019",
            )
            sam_services.device_create(
                organisation=world.org, name=f"PC1{n:03d}", unit=world.section_a, os="Windows 11"
            )
            services.cloud_service_create(
                organisation=world.org,
                name=f"SaaS{n}",
                provider="X",
                service_model="saas",
                systems=[world.system_a],
            )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert Server.objects.count() == 17


def test_the_api_lists_servers_devices_and_end_of_support_risk(client, world, infra):
    from daicho.core.services import token_create

    with audit_context(actor=world.viewer, channel=Channel.WEB):
        _token, secret = token_create(user=world.viewer, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    servers = client.get("/api/v1/servers?kind=vm", **headers).json()
    assert servers["count"] == 1
    vm = servers["items"][0]
    assert (vm["name"], vm["host"], vm["system"], vm["release"]) == (
        "S0001-AP",
        "VH01",
        "S0001",
        "2012 R2",
    )
    assert vm["end_of_support"] == "2023-10-10"
    devices = client.get("/api/v1/devices", **headers).json()
    assert [d["name"] for d in devices["items"]] == ["PC0001"]
    risk = client.get("/api/v1/eol?as_of=2024-01-01&within_months=0", **headers).json()
    assert risk["past"] == 2  # ESXi 6.7 ended 2022-10-15, Windows Server 2012 R2 2023-10-10
    assert [i["name"] for i in risk["items"]] == ["VH01", "S0001-AP"]
    bad = client.get("/api/v1/eol?unit=NOPE", **headers)
    assert bad.status_code == 400 and "unit" in bad.json()["errors"]
    assert client.get("/api/v1/eol").status_code == 401


def test_policy_records_a_site_and_an_owner_may_not(client, world, infra):
    client.force_login(world.owner_a)
    data = {"code": "BR1", "name": "県北出張所", "kind": "branch"}
    response = client.post(reverse("infra:site_create"), data)
    assert response.status_code in (400, 403)
    client.force_login(world.policy)
    assert client.post(reverse("infra:site_create"), data).status_code == 302
    page = client.get(reverse("infra:site_list")).content.decode()
    assert "県北出張所" in page and "県DC" in page
    duplicate = client.post(reverse("infra:site_create"), data)
    assert duplicate.status_code == 400 and "BR1" in duplicate.content.decode()
