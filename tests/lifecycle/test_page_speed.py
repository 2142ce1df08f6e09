"""The end-of-support page reads its figures from GROUP BY counts and only the page of the
listing it shows, in a fixed number of queries, with the same rows and figures as the full
listing (issue #18)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.infra import services as infra_services
from daicho.lifecycle import eol
from daicho.sam import services as sam_services

D = datetime.date
AS_OF = D(2014, 6, 1)


def _devices(world, n, start=0):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        for i in range(start, start + n):
            sam_services.device_create(
                organisation=world.org,
                name=f"PC{i:04d}",
                unit=world.section_a if i % 3 else world.section_b,
                os="Windows XP Professional SP3" if i % 2 else "Windows 7 Professional SP1",
                purchased_on=D(2008, 4, 1),
            )


@pytest.fixture
def fleet(world):
    _devices(world, 130)
    with audit_context(actor=world.policy, channel=Channel.WEB):
        infra_services.server_create(
            organisation=world.org,
            name="SV-TAX",
            kind="physical",
            system=world.system_a,
            os="Microsoft Windows Server 2003 R2 Standard Edition",
            in_service_on=D(2006, 4, 1),
        )


def _rows(page: str) -> list[str]:
    body = page.split('id="eol-items"')[1].split("</table>")[0]
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', body)


def _figure(page: str, name: str) -> str:
    return page.split(f'data-figure="{name}">')[1].split("<")[0]


@pytest.mark.parametrize(
    "query",
    [
        {"as_of": "2014-06-01", "within": "120"},
        {"as_of": "2014-06-01", "within": "120", "page": "2"},
        {"as_of": "2014-06-01", "within": "120", "status": "past", "kind": "device"},
        {"as_of": "2014-06-01", "within": "12", "kind": "server"},
    ],
)
def test_the_page_shows_the_full_listings_rows_and_figures(client, world, fleet, query):
    client.force_login(world.viewer)
    page = client.get(reverse("lifecycle:eol"), query).content.decode()
    items = eol.eol_items(
        organisation=world.org,
        as_of=AS_OF,
        within_months=int(query["within"]),
        kinds=[query["kind"]] if "kind" in query else None,
        status=query.get("status"),
    )
    first = (int(query.get("page", 1)) - 1) * 100
    assert _rows(page) == [i.name for i in items[first : first + 100]]
    assert _figure(page, "past") == str(sum(1 for i in items if i.status == "past"))
    assert _figure(page, "within") == str(sum(1 for i in items if i.status == "within"))
    assert f'<h2 class="h5">{len(items)} 件</h2>' in page


def test_a_slice_is_the_same_part_of_the_listing(world, fleet):
    items = eol.eol_items(organisation=world.org, as_of=AS_OF, within_months=120)
    assert len(items) == 131
    for start, stop in ((0, 100), (100, 200), (30, 60)):
        part = eol.eol_items_slice(
            organisation=world.org, as_of=AS_OF, within_months=120, start=start, stop=stop
        )
        assert part == items[start:stop]


def test_the_page_takes_the_same_queries_whatever_the_fleet(
    client, world, fleet, django_assert_max_num_queries
):
    client.force_login(world.viewer)
    url = reverse("lifecycle:eol")
    query = {"as_of": "2014-06-01", "within": "120"}
    client.get(url, query)  # the session's first request does its own bookkeeping
    with django_assert_max_num_queries(15) as few:
        client.get(url, query)
    _devices(world, 120, start=1000)
    with django_assert_max_num_queries(len(few)):
        client.get(url, query)


def test_the_plans_summary_counts_each_kind_per_release_whatever_the_fleet(
    world, fleet, django_assert_num_queries
):
    """The plan dashboard's end-of-support summary (and the home page's warning): one GROUP BY
    per kind of record and one read of the releases' dates, not a date worked out per record."""
    queries = len(eol.sources()) + 1
    with django_assert_num_queries(queries):
        by_kind = eol.eol_counts_by_kind(organisation=world.org, as_of=AS_OF, within_months=120)
    # 65 PCs on Windows XP (ended 2014-04-08), 65 on Windows 7 (2020), the 2003 R2 server (2015)
    assert +by_kind == {("device", "past"): 65, ("device", "within"): 65, ("server", "within"): 1}
    assert by_kind == eol.eol_counts(organisation=world.org, as_of=AS_OF, within_months=120)[2]
    _devices(world, 120, start=1000)
    with django_assert_num_queries(queries):
        assert eol.past_count(organisation=world.org, as_of=AS_OF) == 125
