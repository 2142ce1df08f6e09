"""Co-use (共同利用): a system used by other organisations with cost shares, the
`municipal_co_use` indicator, and who may record it."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from daicho.core import metrics
from daicho.core.models import AuditEvent, OrganisationKind
from daicho.registry.models import SystemCoUse
from daicho.registry.services import co_use_remove, co_use_set
from tests.core.test_cli import run
from tests.factories import OrganisationFactory


@pytest.fixture
def municipalities(world):
    world.other_org.kind = OrganisationKind.MUNICIPALITY
    world.other_org.save()
    kurashiki = OrganisationFactory(
        name="倉敷市", code="332020", kind=OrganisationKind.MUNICIPALITY
    )
    agency = OrganisationFactory(name="岡山県信用保証協会", code="", kind=OrganisationKind.AGENCY)
    return world.other_org, kurashiki, agency


def test_the_it_policy_division_records_co_use_with_shares_and_it_is_audited(
    world, municipalities, as_user
):
    other, kurashiki, _agency = municipalities
    with as_user(world.policy):
        co_use_set(system=world.system_a, co_user=other, share_percent=Decimal("12.5"))
        co_use_set(system=world.system_a, co_user=kurashiki, share_percent=Decimal("30"))
        with pytest.raises(ValidationError, match="100"):
            co_use_set(system=world.system_a, co_user=kurashiki, share_percent=Decimal("90"))
        with pytest.raises(ValidationError):
            co_use_set(system=world.system_a, co_user=world.org, share_percent=Decimal("1"))
    assert SystemCoUse.objects.filter(system=world.system_a).count() == 2
    event = AuditEvent.objects.filter(action="create", object_repr__contains="倉敷市").get()
    assert event.organisation == world.org  # the owner's ledger, not the co-user's
    for user in (world.owner_a, world.viewer, world.outsider):
        with as_user(user), pytest.raises(PermissionDenied):
            co_use_set(system=world.system_a, co_user=kurashiki, share_percent=Decimal("5"))
    with as_user(world.policy):
        co_use_remove(co_use=SystemCoUse.objects.get(co_user=kurashiki))
    assert SystemCoUse.objects.filter(system=world.system_a).count() == 1


def test_municipal_co_use_counts_municipalities_co_using_in_the_fiscal_year(
    world, municipalities, as_user
):
    other, kurashiki, agency = municipalities
    with as_user(world.policy):
        co_use_set(system=world.system_a, co_user=other, share_percent=Decimal("10"))
        co_use_set(system=world.system_b, co_user=other, share_percent=Decimal("10"))
        co_use_set(
            system=world.system_b,
            co_user=kurashiki,
            share_percent=Decimal("20"),
            started_on=datetime.date(2015, 4, 1),
        )
        co_use_set(system=world.system_a, co_user=agency, share_percent=Decimal("5"))
    compute = metrics.metrics()["municipal_co_use"].compute
    assert compute(world.org, 2014).value == 1  # the same town twice counts once; not agencies
    assert compute(world.org, 2015).value == 2
    assert "co-use" in compute(world.org, 2015).records_url


def test_the_system_page_shows_each_co_users_share_of_the_costs(
    world, municipalities, as_user, client
):
    other, _kurashiki, _agency = municipalities
    with as_user(world.policy):
        co_use_set(system=world.system_a, co_user=other, share_percent=Decimal("20"))
    client.force_login(world.viewer)
    page = client.get(world.system_a.get_absolute_url()).content.decode()
    assert "共同利用" in page and "別の市" in page and "20.00%" in page
    page = client.get(reverse("registry:co_use_list") + "?fy=2014").content.decode()
    assert "税務システム" in page and "別の市" in page
    # The co-user's own staff read the co-use (read-only), not the rest of the owner's ledger.
    client.force_login(world.outsider)
    assert "税務システム" in client.get(reverse("registry:co_use_list")).content.decode()
    assert client.get(world.system_a.get_absolute_url()).status_code == 404


def test_the_cli_adds_lists_and_removes_co_use(world, municipalities, capsys):
    code, out, err = run(
        capsys, "couse", "add", "S0001", "別の市", "--share", "12.5%", "--org", "330001"
    )
    assert code == 0, err
    code, out, _ = run(capsys, "couse", "list", "--json")
    rows = json.loads(out)
    assert rows[0]["system"] == "S0001" and rows[0]["share_percent"] == "12.50"
    code, _out, err = run(
        capsys, "couse", "add", "S0001", "別の市", "--share", "x", "--org", "330001"
    )
    assert code == 1 and "--share" in err
    code, _out, _err = run(capsys, "couse", "remove", "S0001", "別の市", "--org", "330001")
    assert code == 0 and not SystemCoUse.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("viewer", 200), ("owner_b", 200), ("auditor", 200), ("outsider", 200)],
)
def test_the_co_use_list_follows_the_permission_matrix(world, client, role, expected):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    assert client.get(reverse("registry:co_use_list")).status_code == expected


def test_the_co_use_list_runs_in_a_fixed_number_of_queries(
    world, municipalities, as_user, client, django_assert_max_num_queries
):
    other, kurashiki, _agency = municipalities
    with as_user(world.policy):
        co_use_set(system=world.system_a, co_user=other, share_percent=Decimal("10"))
        co_use_set(system=world.system_b, co_user=kurashiki, share_percent=Decimal("10"))
    client.force_login(world.viewer)
    with django_assert_max_num_queries(8):
        client.get(reverse("registry:co_use_list"))
