"""Dated history: where systems ran and where VMs were placed at the end of any fiscal year."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from daicho.core import metrics
from daicho.core.audit import Channel, audit_context
from daicho.infra import selectors, services
from daicho.infra.models import ServerPlacement
from daicho.registry import services as registry_services
from daicho.registry.models import HostingChange
from tests.factories import SystemFactory

D = datetime.date


@pytest.fixture
def platform(world):
    """Four systems in service since 2005; two move to the platform in FY2013, one in FY2014."""
    systems = [
        SystemFactory(owner_unit=world.section_a, code=f"S01{i:02d}", in_service_on=D(2005, 4, 1))
        for i in range(4)
    ]
    with audit_context(actor=world.policy, channel=Channel.WEB):
        for system, day in ((systems[0], D(2013, 10, 1)), (systems[1], D(2014, 3, 1))):
            registry_services.system_update(
                system=system, data={"hosting": "virtualized"}, effective_on=day
            )
        registry_services.system_update(
            system=systems[2], data={"hosting": "virtualized"}, effective_on=D(2014, 6, 1)
        )
    return systems


def value(key, world, fy):
    return metrics.metrics()[key].compute(world.org, fy).value


def test_year_end_counts_come_from_the_dated_history(world, platform):
    assert selectors.platform_systems_on(world.org, D(2013, 3, 31)).count() == 0
    assert selectors.platform_systems_on(world.org, D(2014, 3, 31)).count() == 2
    assert selectors.platform_systems_on(world.org, D(2015, 3, 31)).count() == 3
    assert value("virtualized_systems_increase", world, 2013) == Decimal(2)
    assert value("virtualized_systems_increase", world, 2014) == Decimal(1)


def test_a_change_keeps_the_starting_hosting_and_a_same_day_correction_replaces_it(world, platform):
    changes = HostingChange.objects.filter(system=platform[0]).order_by("effective_on")
    assert sorted((c.effective_on, c.hosting) for c in changes if c.effective_on) == [
        (D(2013, 10, 1), "virtualized")
    ]
    assert changes.filter(effective_on=None, hosting="on_premises").exists()
    with audit_context(actor=world.policy, channel=Channel.WEB):
        registry_services.system_update(
            system=platform[0], data={"hosting": "cloud"}, effective_on=D(2013, 10, 1)
        )
    assert HostingChange.objects.filter(system=platform[0]).count() == 2
    assert selectors.platform_systems_on(world.org, D(2014, 3, 31)).count() == 1


def test_cloud_ratio_counts_cloud_hosting_and_cloud_services_at_the_year_end(world, platform):
    # world.system_b is hosted on cloud (no history: always there); a SaaS starts in FY2014.
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.cloud_service_create(
            organisation=world.org,
            name="グループウェア",
            provider="サイボウズ",
            service_model="saas",
            started_on=D(2014, 10, 1),
            systems=[platform[3]],
        )
    m2013 = metrics.metrics()["cloud_ratio"].compute(world.org, 2013)
    m2014 = metrics.metrics()["cloud_ratio"].compute(world.org, 2014)
    assert m2013.extra == {"part": 1, "total": 6}
    assert m2014.extra == {"part": 2, "total": 6}
    assert m2014.value == Decimal("33.3")


def test_a_vm_moved_to_another_host_is_counted_on_each_host_at_its_date(world):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        old = services.server_create(
            organisation=world.org,
            name="VH01",
            kind="host",
            cores=16,
            memory_gb=128,
            in_service_on=D(2010, 4, 1),
            retired_on=D(2019, 4, 1),
        )
        new = services.server_create(
            organisation=world.org,
            name="VH11",
            kind="host",
            cores=32,
            memory_gb=512,
            in_service_on=D(2019, 4, 1),
        )
        vm = services.server_create(
            organisation=world.org,
            name="S0001-AP",
            kind="vm",
            host=old,
            system=world.system_a,
            cores=4,
            memory_gb=16,
            in_service_on=D(2012, 4, 1),
        )
        services.server_update(server=vm, data={"host": new}, effective_on=D(2019, 4, 1))
    assert ServerPlacement.objects.filter(server=vm).count() == 2
    before = selectors.platform_on(user=world.viewer, organisation=world.org, day=D(2018, 3, 31))
    after = selectors.platform_on(user=world.viewer, organisation=world.org, day=D(2020, 3, 31))
    assert [(r.host.name, [v.name for v in r.vms]) for r in before.hosts] == [
        ("VH01", ["S0001-AP"])
    ]
    assert [(r.host.name, r.vcpu, r.memory_gb) for r in after.hosts] == [("VH11", 4, 16)]
    assert after.hosts[0].memory_share == Decimal("3.1")


def test_physical_servers_and_vdi_seats_at_the_year_end(world):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        for n, (start, end) in enumerate([(D(2005, 4, 1), D(2013, 9, 30)), (D(2008, 4, 1), None)]):
            services.server_create(
                organisation=world.org,
                name=f"SV{n}",
                kind="physical",
                purchased_on=start,
                retired_on=end,
            )
        pool = services.vdi_pool_create(organisation=world.org, name="VDI", capacity=500)
        services.vdi_usage_record(pool=pool, measured_on=D(2014, 3, 31), seats_in_use=120)
        services.vdi_usage_record(pool=pool, measured_on=D(2015, 3, 1), seats_in_use=180)
        services.vdi_usage_record(pool=pool, measured_on=D(2015, 3, 1), seats_in_use=190)
    assert value("physical_servers", world, 2012) == Decimal(2)
    assert value("physical_servers", world, 2013) == Decimal(1)
    assert value("vdi_seats", world, 2013) == Decimal(120)
    assert value("vdi_seats", world, 2014) == Decimal(190)
    assert metrics.metrics()["vdi_seats"].compute(world.org, 2012).value is None


def test_a_vm_needs_a_host_and_only_a_vm_has_one(world):
    from django.core.exceptions import ValidationError

    with audit_context(actor=world.policy, channel=Channel.WEB):
        physical = services.server_create(organisation=world.org, name="SV", kind="physical")
        with pytest.raises(ValidationError) as e:
            services.server_create(organisation=world.org, name="VM", kind="vm")
        assert "host" in e.value.message_dict
        with pytest.raises(ValidationError) as e:
            services.server_create(organisation=world.org, name="VM", kind="vm", host=physical)
        assert e.value.message_dict["host"] == ["SV は仮想化ホストではありません。"]


def test_a_duplicate_server_or_device_name_is_reported_on_the_name(world):
    from django.core.exceptions import ValidationError

    from daicho.sam import services as sam_services

    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.server_create(organisation=world.org, name="SV01", kind="physical")
        with pytest.raises(ValidationError) as e:
            services.server_create(organisation=world.org, name="SV01", kind="physical")
        assert e.value.message_dict == {"name": ["「SV01」は既に使われています。"]}
        sam_services.device_create(organisation=world.org, name="PC1", unit=world.section_a)
        with pytest.raises(ValidationError) as e:
            sam_services.device_create(organisation=world.org, name="PC1", unit=world.section_a)
        assert e.value.message_dict == {"name": ["「PC1」は既に使われています。"]}
