"""Co-use from both sides: the owner's IT policy division records, ends and deletes a co-use on
the system's page (audited); the co-using organisation's users read, and only read, the system
and their own share of its 運用等経費 per year, on the pages and over the API."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.core.services import token_create
from daicho.registry import services
from daicho.registry.models import SystemCoUse
from tests.factories import CostLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world):
    """別の市 co-uses 税務システム with 1.85 % of its cost from FY2020. The system's 運用等経費:
    FY2019 budget 20,000,000 (before the co-use); FY2020 budget 24,000,000 and actual
    23,000,000. The city's share: FY2020 budget 24,000,000 × 1.85 % = 444,000 yen (444千円),
    actual 23,000,000 × 1.85 % = 425,500 yen (426千円, rounded half up); FY2019 is not its."""
    for fy, basis, amount in ((2019, "budget", 20_000_000), (2020, "budget", 24_000_000),
                              (2020, "actual", 23_000_000)):  # fmt: skip
        CostLineFactory(
            system=world.system_a, fiscal_year=fy, basis=basis, category="operation",
            amount=amount,
        )  # fmt: skip
    with audit_context(actor=world.policy, channel=Channel.WEB):
        return services.co_use_set(
            system=world.system_a,
            co_user=world.other_org,
            share_percent=Decimal("1.85"),
            started_on=datetime.date(2020, 4, 1),
        )


def test_the_co_using_organisation_reads_its_share_per_year(client, world, shared):
    client.force_login(world.outsider)
    listing = client.get(reverse("registry:co_use_list")).content.decode()
    assert world.system_a.name in listing and world.org.name in listing
    page = client.get(reverse("registry:co_use_detail", args=[shared.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="share">1.85%' in html
    row = html[html.index('data-fy="2020"') :].split("</tr>")[0]
    assert 'data-col="share_budget">444<' in row and 'data-col="share_actual">426<' in row
    assert 'data-fy="2019"' not in html  # before the co-use began
    assert "別の市" in html and "編集" not in html
    # Read-only: the system's own page and its edit page stay the owner's.
    assert client.get(world.system_a.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("registry:system_co_use", args=[world.system_a.pk])).status_code == 404
    )


def test_the_co_using_organisations_home_page_shows_its_share_and_the_menu_leads_there(
    client, world, shared
):
    client.force_login(world.outsider)
    html = client.get(reverse("home")).content.decode()
    panel = html[html.index("共同利用しているシステム") :].split("</table>")[0]
    assert world.system_a.name in panel and world.org.name in panel and "1.85%" in panel
    # The latest year with costs while the co-use runs: FY2020, 444千円 budget, 426千円 actual.
    assert "2020年度" in panel and ">444<" in panel and ">426<" in panel
    assert reverse("registry:co_use_detail", args=[shared.pk]) in panel
    assert f'href="{reverse("registry:co_use_list")}"' in html  # the menu's 共同利用


def test_the_owners_home_page_has_no_co_use_panel(client, world, shared):
    client.force_login(world.policy)
    assert "共同利用しているシステム" not in client.get(reverse("home")).content.decode()


def test_an_organisation_neither_owning_nor_co_using_sees_nothing(client, world, shared):
    from tests.factories import OrganisationFactory

    shared.co_user = OrganisationFactory(name="第三の町")
    shared.save()
    client.force_login(world.outsider)
    assert client.get(reverse("registry:co_use_detail", args=[shared.pk])).status_code == 404
    assert world.system_a.name not in client.get(reverse("registry:co_use_list")).content.decode()


def test_it_policy_records_ends_and_deletes_a_co_use_on_the_system_page(client, world):
    url = reverse("registry:system_co_use", args=[world.system_a.pk])
    client.force_login(world.owner_a)
    assert (
        client.post(url, {"co_user": world.other_org.pk, "share_percent": "5"}).status_code == 403
    )
    client.force_login(world.policy)
    page = client.get(world.system_a.get_absolute_url()).content.decode()
    assert 'id="co-use-form"' in page
    response = client.post(
        url,
        {"co_user": world.other_org.pk, "share_percent": "5.5", "started_on": "令和2年4月1日"},
        follow=True,
    )
    assert "共同利用を保存しました。" in response.content.decode()
    co_use = SystemCoUse.objects.get(system=world.system_a)
    assert (co_use.share_percent, co_use.started_on) == (Decimal("5.5"), datetime.date(2020, 4, 1))
    assert AuditEvent.objects.filter(
        content_type__model="systemcouse", action="create", actor=world.policy
    ).exists()
    bad = client.post(url, {"co_user": world.other_org.pk, "share_percent": "150"}, follow=True)
    assert "費用負担割合" in bad.content.decode()
    client.post(url, {"action": "end", "co_use": co_use.pk, "ended_on": "2025-03-31"})
    co_use.refresh_from_db()
    assert co_use.ended_on == datetime.date(2025, 3, 31)
    client.post(url, {"action": "remove", "co_use": co_use.pk})
    assert not SystemCoUse.objects.exists()
    assert AuditEvent.objects.filter(content_type__model="systemcouse", action="delete").exists()


def test_an_organisation_does_not_co_use_its_own_system(world):
    with audit_context(actor=world.policy, channel=Channel.WEB), pytest.raises(ValidationError):
        services.co_use_set(system=world.system_a, co_user=world.org, share_percent=1)


def _api(client, user, method, path, body=None):
    _token, key = token_create(user=user)
    kwargs = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {key}"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_co_use_over_the_api(client, world, shared):
    items = _api(client, world.outsider, "get", "/co-uses").json()["items"]
    assert [(i["system"], i["share_percent"]) for i in items] == [(world.system_a.code, 1.85)]
    assert items[0]["years"][0] == {
        "fiscal_year": 2020,
        "budget": 24_000_000,
        "actual": 23_000_000,
        "share_budget": 444_000,
        "share_actual": 425_500,
    }
    path = f"/systems/{world.system_a.pk}/co-uses"
    body = {"co_user": world.other_org.code or world.other_org.name, "share_percent": 2.5}
    assert _api(client, world.owner_a, "post", path, body).status_code == 403
    response = _api(client, world.policy, "post", path, body)
    assert response.status_code == 200, response.content
    assert response.json()["share_percent"] == 2.5
    unknown = _api(client, world.policy, "post", path, {"co_user": "無い町", "share_percent": 1})
    assert unknown.status_code == 400
