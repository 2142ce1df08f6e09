"""The virtualization page counts its year ends in the database, in a fixed number of queries,
and shows the same figures as the per-day selectors the indicators use (issue #18)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.infra import selectors, services
from daicho.registry import services as registry_services
from tests.factories import SystemFactory

D = datetime.date
YEARS = list(range(2010, 2022))


@pytest.fixture
def estate(world):
    """Servers of each kind coming and going, systems moving to the platform and to cloud."""
    systems = [
        SystemFactory(
            owner_unit=world.section_a,
            code=f"S09{i:02d}",
            in_service_on=D(2008 + i, 4 if i % 2 else 3, 1),
            retired_on=D(2019, 3, 31) if i == 3 else None,
        )
        for i in range(6)
    ]
    with audit_context(actor=world.policy, channel=Channel.WEB):
        for system, hosting, day in (
            (systems[0], "virtualized", D(2013, 10, 1)),
            (systems[1], "virtualized", D(2014, 3, 31)),
            (systems[1], "cloud", D(2018, 4, 1)),
            (systems[2], "gov_cloud", D(2016, 4, 1)),
            (systems[3], "virtualized", D(2015, 6, 1)),
        ):
            registry_services.system_update(
                system=system, data={"hosting": hosting}, effective_on=day
            )
        host = services.server_create(
            organisation=world.org, name="VH01", kind="host", in_service_on=D(2012, 4, 1)
        )
        services.server_create(
            organisation=world.org,
            name="VH02",
            kind="host",
            purchased_on=D(2015, 3, 1),
            retired_on=D(2020, 3, 31),
        )
        for i, (start, end) in enumerate(
            ((D(2009, 4, 1), D(2014, 4, 1)), (None, D(2016, 3, 31)), (D(2011, 1, 5), None))
        ):
            services.server_create(
                organisation=world.org,
                name=f"PS{i}",
                kind="physical",
                system=systems[i],
                in_service_on=start,
                retired_on=end,
            )
        for i in range(4):
            services.server_create(
                organisation=world.org,
                name=f"VM{i}",
                kind="vm",
                host=host,
                in_service_on=D(2013 + i, 4, 1),
                retired_on=D(2019, 4, 1) if i == 0 else None,
            )
        services.cloud_service_create(
            organisation=world.org,
            name="グループウェア",
            provider="サイボウズ",
            service_model="saas",
            started_on=D(2014, 10, 1),
            ended_on=D(2019, 3, 31),
            systems=[systems[4], systems[1]],
        )
    return systems


def _one_day_at_a_time(organisation, fiscal_years):
    """The year ends as the page counted them before: each figure its own query."""
    rows = []
    for fy in fiscal_years:
        day = D(fy + 1, 3, 31)
        physical = selectors.physical_servers_on(organisation, day)
        rows.append(
            {
                "fiscal_year": fy,
                "physical": physical.filter(kind="physical").count(),
                "hosts": physical.filter(kind="host").count(),
                "vms": selectors.in_service_on(
                    selectors.Server.objects.filter(organisation=organisation, kind="vm"), day
                ).count(),
                "platform_systems": selectors.platform_systems_on(organisation, day).count(),
                "cloud_systems": selectors.cloud_systems_on(organisation, day).count(),
                "systems": selectors.systems_in_service_on(organisation, day).count(),
            }
        )
    return rows


def test_year_end_counts_match_the_day_by_day_figures(world, estate):
    counts = selectors.year_end_counts(world.org, YEARS)
    assert counts == _one_day_at_a_time(world.org, YEARS)
    by_year = {row["fiscal_year"]: row for row in counts}
    # PS0 retired on 2014-04-01: still running at the end of FY2013, gone by FY2014's.
    assert by_year[2013]["physical"] == 3 and by_year[2014]["physical"] == 2
    assert by_year[2014]["hosts"] == 2 and by_year[2020]["hosts"] == 1
    assert [by_year[fy]["vms"] for fy in (2012, 2013, 2016, 2019)] == [0, 1, 4, 3]
    assert by_year[2013]["platform_systems"] == 2  # world's systems are not on the platform
    # FY2017: world's system_b, S0901 and S0904 using the SaaS, S0902 on ガバメントクラウド;
    # the SaaS ended on the last day of FY2018, and S0901 had moved to cloud by then.
    assert [by_year[fy]["cloud_systems"] for fy in (2017, 2018)] == [4, 3]


def test_the_virtualization_page_takes_a_fixed_number_of_queries(
    client, world, estate, django_assert_max_num_queries
):
    client.force_login(world.viewer)
    url = reverse("infra:virtualization")
    client.get(url)  # the session's first request does its own bookkeeping
    with django_assert_max_num_queries(12):
        page = client.get(url, {"fy": 2016}).content.decode()
    row = page.split('data-fy="2016"')[1].split("</tr>")[0]
    figures = _one_day_at_a_time(world.org, [2016])[0]
    cells = [c.split("<")[0].lstrip(">") for c in row.split('class="num"')[1:]]
    assert cells[:3] == [str(figures["physical"]), str(figures["hosts"]), str(figures["vms"])]
