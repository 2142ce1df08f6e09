"""List pages and list endpoints run a constant number of queries whatever the page size."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daicho.core.services import token_create
from tests.factories import ContractFactory, SystemFactory, VendorFactory


def _queries(fn) -> int:
    fn()  # warm up: per-process caches (content types) and the token's last-used stamp
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n):
    for _ in range(n):
        system = SystemFactory(owner_unit=world.section_b)
        vendor = VendorFactory(organisation=world.org)
        ContractFactory(vendor=vendor, owner_unit=world.section_b).systems.add(system)


def test_system_list_page_queries_do_not_grow_with_rows(client, world):
    client.force_login(world.policy)
    url = reverse("registry:system_list") + "?per_page=100&cols=department&cols=owner_unit"
    few = _queries(lambda: client.get(url))
    _grow(world, 30)
    many = _queries(lambda: client.get(url))
    assert many == few


def test_contract_and_vendor_lists_do_not_grow_with_rows(client, world):
    client.force_login(world.policy)
    _grow(world, 2)  # a few rows of each kind, so that empty lists do not skip queries
    urls = [
        reverse("registry:contract_list") + "?per_page=100",
        reverse("registry:vendor_list") + "?per_page=100",
    ]
    few = [_queries(lambda u=u: client.get(u)) for u in urls]
    _grow(world, 20)
    assert [_queries(lambda u=u: client.get(u)) for u in urls] == few


def test_api_lists_do_not_grow_with_rows(client, world):
    _grow(world, 2)
    _t, key = token_create(user=world.policy)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    paths = [
        "/api/v1/systems?page_size=200",
        "/api/v1/contracts?page_size=200",
        "/api/v1/costs?page_size=200",
        "/api/v1/vendors?page_size=200",
    ]
    few = [_queries(lambda p=p: client.get(p, **headers)) for p in paths]
    _grow(world, 25)
    assert [_queries(lambda p=p: client.get(p, **headers)) for p in paths] == few
