"""The demo's standardisation (docs/standardisation.md, "The demo"): 倉敷市, one of the
municipalities co-using the prefecture's systems, with its 20 business areas in several
phases — 9 migrated to a standard-conforming system it co-uses with 岡山市 and 玉野市, 4 to its
own, 3 migrating, one procured late, one without a date, two under 特定移行支援 — and 運用等経費
back to FY2018.

It shares its migration state with the prefecture, whose IT policy division sees it on the
migration page. Idempotent: a second run finds the migrations and leaves them.

The two municipalities' systems and costs and 倉敷市's migration returns are files under
data/demo/ loaded through the import engine (tests/standardisation/test_demo_source.py checks
their story); the organisations, their first unit, the co-use of 岡山市's system, the sharing
with the prefecture and the sign-in user have no import kind and go through the services."""

from __future__ import annotations

import datetime
from itertools import groupby
from pathlib import Path

from django.contrib.auth import get_user_model

from daicho.core import services as core_services
from daicho.core.demo import data_rows, import_rows
from daicho.core.models import Membership, Organisation, OrganisationKind, OrgUnit, Role, UnitKind
from daicho.registry import services as registry_services
from daicho.registry.models import CostItem, InformationSystem
from daicho.standardisation import services
from daicho.standardisation.models import Migration, MigrationShare

MUNICIPALITY = ("332020", "倉敷市")
PREFECTURE = "330001"
DEMO_PASSWORD = "daicho-demo"
USERNAME = "kurashiki"
D = datetime.date
DATA = Path(__file__).parent / "data" / "demo"

#: The co-used standard-conforming system (自治体クラウド): 岡山市 runs it on the Government Cloud
#: for itself and two neighbours, each carrying its share of the running cost.
SHARED_OWNER = ("331007", "岡山市")
SHARES = [("332020", 40), ("332046", 20)]  # 倉敷市, 玉野市
SHARED_SINCE = D(2024, 4, 1)


def _unit(organisation: Organisation) -> OrgUnit:
    unit = OrgUnit.objects.filter(organisation=organisation).order_by("tree_key").first()
    if unit is None:
        unit = core_services.unit_create(
            organisation=organisation, code="K01", name="情報政策課", kind=UnitKind.SECTION
        )
    return unit


def _item(organisation: Organisation) -> CostItem:
    registry_services.cost_items_seed(organisation=organisation)
    return CostItem.objects.filter(organisation=organisation, code="itaku").first() or (
        CostItem.objects.filter(organisation=organisation).order_by("sort_order").first()
    )


def _ledger(organisation, prefix: str) -> None:
    """An organisation's systems and their 運用等経費 (決算) as its own files give them, through
    the import engine (a system already there is kept, with its costs)."""
    have = set(
        InformationSystem.objects.filter(organisation=organisation).values_list("code", flat=True)
    )
    systems = [
        row for row in data_rows(DATA / f"{prefix}_systems.csv") if row["システムID"] not in have
    ]
    new = {row["システムID"] for row in systems}
    costs = [row for row in data_rows(DATA / f"{prefix}_costs.csv") if row["システムID"] in new]
    import_rows("systems", systems, organisation=organisation, name=f"demo-{prefix}-systems.csv")
    import_rows("costs", costs, organisation=organisation, name=f"demo-{prefix}-costs.csv")


def _migrations(organisation) -> None:
    """The 20 areas' migration as the municipality reported it, return after return (報告回):
    each return gives every area's phase then and the date it reached it, so the phases keep
    their history as the standardisation import records it."""
    rows = data_rows(DATA / "kurashiki_migrations.csv")
    for number, group in groupby(rows, key=lambda row: row["報告回"]):
        import_rows(
            "standardisation",
            [{k: v for k, v in row.items() if k != "報告回"} for row in group],
            organisation=organisation,
            name=f"demo-standardisation-{number}.csv",
        )


def load(*, stdout=None) -> None:
    code, name = MUNICIPALITY
    prefecture = Organisation.objects.filter(code=PREFECTURE).first()
    municipality = Organisation.objects.filter(code=code).first()
    if prefecture is None:
        return
    if municipality is None:
        municipality = Organisation.objects.create(
            code=code, name=name, kind=OrganisationKind.MUNICIPALITY
        )
    if Migration.objects.filter(organisation=municipality).exists():
        return

    # The co-used standard-conforming system on the Government Cloud.
    owner = Organisation.objects.filter(code=SHARED_OWNER[0]).first()
    if owner is None:
        owner = Organisation.objects.create(
            code=SHARED_OWNER[0], name=SHARED_OWNER[1], kind=OrganisationKind.MUNICIPALITY
        )
    _unit(owner)
    _item(owner)  # the 費目 as `daicho init` seeds them
    _ledger(owner, "okayama_city")
    shared = InformationSystem.objects.get(organisation=owner, code="STD-0001")
    for co_code, share in SHARES:
        co_user = Organisation.objects.filter(code=co_code).first()
        if co_user is not None:
            registry_services.co_use_set(
                system=shared, co_user=co_user, share_percent=share, started_on=SHARED_SINCE
            )

    # The municipality's own ledger (its systems and their running costs since FY2018), then
    # its areas' migration.
    _unit(municipality)
    _item(municipality)
    _ledger(municipality, "kurashiki")
    _migrations(municipality)
    if not MigrationShare.objects.filter(organisation=municipality, reader=prefecture).exists():
        services.migration_share(organisation=municipality, reader=prefecture)

    # Someone to sign in as: the municipality's IT policy division.
    user_model = get_user_model()
    user = user_model.objects.filter(username=USERNAME).first()
    if user is None:
        user = user_model(username=USERNAME, first_name=f"{name} 情報政策課")
        user.set_password(DEMO_PASSWORD)
        core_services.object_create(obj=user)
    if not Membership.objects.filter(user=user, organisation=municipality).exists():
        core_services.membership_grant(user=user, organisation=municipality, role=Role.IT_POLICY)
    if stdout is not None:
        stdout.write(
            f"標準化: {name}の20業務（移行済13・特定移行支援2）、"
            f"{USERNAME}（{name} 情報政策課）でログイン"
        )
