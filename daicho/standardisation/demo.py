"""The demo's standardisation (docs/standardisation.md, "The demo"): 倉敷市, one of the
municipalities co-using the prefecture's systems, with its 20 business areas in several
phases — 9 migrated to a standard-conforming system it co-uses with 岡山市 and 玉野市, 4 to its
own, 3 migrating, one procured late, one without a date, two under 特定移行支援 — and 運用等経費
back to FY2018.

It shares its migration state with the prefecture, whose IT policy division sees it on the
migration page. Idempotent: a second run finds the migrations and leaves them."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from daicho.core import services as core_services
from daicho.core.models import Membership, Organisation, OrganisationKind, OrgUnit, Role, UnitKind
from daicho.registry import services as registry_services
from daicho.registry.models import (
    Basis,
    Category,
    CostItem,
    CostLine,
    Hosting,
    InformationSystem,
    Status,
)
from daicho.standardisation import services
from daicho.standardisation.models import Migration, MigrationShare, Phase

MUNICIPALITY = ("332020", "倉敷市")
PREFECTURE = "330001"
DEMO_PASSWORD = "daicho-demo"
USERNAME = "kurashiki"
D = datetime.date

#: The municipality's systems: code, name, in service, retired, hosting, 運用等経費 (actual) per FY.
SYSTEMS = [
    ("M001", "住民記録・税総合システム", D(2010, 4, 1), D(2025, 1, 5), Hosting.ON_PREMISES,
     {2018: 90_000_000, 2019: 88_000_000, 2020: 88_000_000, 2021: 86_000_000,
      2022: 86_000_000, 2023: 85_000_000, 2024: 80_000_000}),
    ("M002", "福祉総合システム", D(2012, 4, 1), None, Hosting.ON_PREMISES,
     {2018: 45_000_000, 2019: 45_000_000, 2020: 45_000_000, 2021: 44_000_000,
      2022: 44_000_000, 2023: 44_000_000, 2024: 44_000_000, 2025: 36_000_000}),
    ("M003", "戸籍総合システム", D(2013, 4, 1), None, Hosting.ON_PREMISES,
     {2018: 20_000_000, 2019: 20_000_000, 2020: 20_000_000, 2021: 20_500_000,
      2022: 20_500_000, 2023: 21_000_000, 2024: 21_000_000, 2025: 21_000_000}),
    ("M004", "生活保護システム", D(2014, 4, 1), None, Hosting.ON_PREMISES,
     {2018: 8_000_000, 2019: 8_000_000, 2020: 8_000_000, 2021: 8_000_000,
      2022: 8_200_000, 2023: 8_200_000, 2024: 8_500_000, 2025: 8_500_000}),
    ("M005", "宛名管理システム（共通基盤）", D(2010, 4, 1), None, Hosting.ON_PREMISES,
     {year: 6_000_000 for year in range(2018, 2026)}),
    ("M101", "標準準拠福祉システム", D(2025, 10, 1), None, Hosting.GOV_CLOUD,
     {2025: 18_000_000}),
]  # fmt: skip

#: The co-used standard-conforming system (自治体クラウド): 岡山市 runs it on the Government Cloud
#: for itself and two neighbours, each carrying its share of the running cost.
SHARED_OWNER = ("331007", "岡山市")
SHARED_SYSTEM = ("STD-0001", "自治体標準準拠基幹業務システム（共同利用）")
SHARED_COSTS = {2024: 90_000_000, 2025: 135_000_000}
SHARES = [("332020", 40), ("332046", 20)]  # 倉敷市, 玉野市

KIKAN = ["juki", "koseki_fuhyo", "inkan", "senkyo", "kotei_shisan", "kojin_juminzei",
         "hojin_juminzei", "kei_jidosha", "shugaku"]  # fmt: skip
FUKUSHI_DONE = ["jido_teate", "jido_fuyo", "kodomo_kosodate", "kenko_kanri"]
FUKUSHI_MIGRATING = ["kokuho", "kokumin_nenkin", "koki_koreisha"]

#: Each area's phases: area → [(phase, actual date or None, planned date or None)].
KIKAN_PHASES = [
    (Phase.PLANNING, D(2022, 4, 1), None),
    (Phase.PROCUREMENT, D(2023, 4, 1), None),
    (Phase.MIGRATING, D(2024, 4, 1), None),
    (Phase.MIGRATED, D(2025, 1, 6), D(2025, 1, 6)),
]
FUKUSHI_DONE_PHASES = [
    (Phase.PLANNING, D(2023, 4, 1), None),
    (Phase.PROCUREMENT, D(2024, 4, 1), None),
    (Phase.MIGRATING, D(2025, 4, 1), None),
    (Phase.MIGRATED, D(2025, 10, 1), D(2025, 10, 1)),
]
FUKUSHI_MIGRATING_PHASES = [
    (Phase.PLANNING, D(2023, 4, 1), None),
    (Phase.PROCUREMENT, D(2024, 4, 1), None),
    (Phase.MIGRATING, D(2025, 4, 1), None),
    (Phase.MIGRATED, None, D(2026, 1, 4)),
]


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


def _system(organisation, unit, code, name, **fields) -> InformationSystem:
    system = InformationSystem.objects.filter(organisation=organisation, code=code).first()
    if system is None:
        system = registry_services.system_create(
            organisation=organisation, owner_unit=unit, code=code, name=name, **fields
        )
    return system


def _costs(system, item, amounts: dict[int, int]) -> None:
    for fiscal_year, amount in amounts.items():
        if not CostLine.objects.filter(
            system=system, fiscal_year=fiscal_year, basis=Basis.ACTUAL, category=Category.OPERATION
        ).exists():
            registry_services.cost_line_create(
                system=system,
                fiscal_year=fiscal_year,
                basis=Basis.ACTUAL,
                category=Category.OPERATION,
                item=item,
                amount=amount,
            )


def _migrate(organisation, area, phases, *, current, target, depends, **fields) -> None:
    migration = services.migration_create(
        organisation=organisation,
        area=area,
        current_systems=current,
        depends_on=depends,
        target_system=target,
        **fields,
    )
    for phase, actual_on, planned_on in phases:
        if planned_on:
            services.migration_phase_plan(migration=migration, phase=phase, planned_on=planned_on)
        if actual_on:
            migration = services.migration_phase_enter(
                migration=migration,
                phase=phase,
                on=actual_on,
                special_reason=fields.get("special_reason", ""),
                special_target_on=fields.get("special_target_on"),
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
    shared = _system(
        owner,
        _unit(owner),
        *SHARED_SYSTEM,
        in_service_on=D(2024, 4, 1),
        hosting=Hosting.GOV_CLOUD,
        standard_business="juki",
        personal_data=True,
        my_number=True,
    )
    for co_code, share in SHARES:
        co_user = Organisation.objects.filter(code=co_code).first()
        if co_user is not None:
            registry_services.co_use_set(
                system=shared, co_user=co_user, share_percent=share, started_on=D(2024, 4, 1)
            )
    _costs(shared, _item(owner), SHARED_COSTS)

    # The municipality's own ledger: its systems and their running costs since FY2018.
    unit, item = _unit(municipality), _item(municipality)
    systems = {}
    for s_code, s_name, since, retired, hosting, amounts in SYSTEMS:
        systems[s_code] = _system(
            municipality,
            unit,
            s_code,
            s_name,
            in_service_on=since,
            retired_on=retired,
            status=Status.RETIRED if retired else Status.OPERATING,
            hosting=hosting,
            personal_data=True,
        )
        _costs(systems[s_code], item, amounts)
    base = [systems["M005"]]
    gov_cloud = {"cloud_provider": "aws"}
    for area in KIKAN:
        _migrate(
            municipality, area, KIKAN_PHASES, current=[systems["M001"]], target=shared,
            depends=base, target_product="標準準拠基幹業務パッケージ", spec_version="第4.0版",
            tenancy="shared", **gov_cloud,
        )  # fmt: skip
    welfare = {"current": [systems["M002"]], "target": systems["M101"], "depends": base}
    welfare_fields = {"target_product": "標準準拠福祉パッケージ", "spec_version": "第4.0版"}
    for area in FUKUSHI_DONE:
        _migrate(municipality, area, FUKUSHI_DONE_PHASES, **welfare, **welfare_fields,
                 tenancy="single", **gov_cloud)  # fmt: skip
    for area in FUKUSHI_MIGRATING:
        _migrate(municipality, area, FUKUSHI_MIGRATING_PHASES, **welfare, **welfare_fields,
                 tenancy="single", **gov_cloud)  # fmt: skip
    # 介護保険: procured late (the product's release moved), migrated after the deadline.
    _migrate(
        municipality, "kaigo",
        [(Phase.PLANNING, D(2023, 4, 1), None), (Phase.PROCUREMENT, D(2025, 6, 1), None),
         (Phase.MIGRATED, None, D(2026, 9, 1))],
        **welfare, **welfare_fields, tenancy="single", **gov_cloud,
        note="標準準拠製品のリリース延期により移行完了が令和8年9月の見込み",
    )  # fmt: skip
    # 障害者福祉: still planning, no date yet.
    _migrate(
        municipality, "shogai_fukushi", [(Phase.PLANNING, D(2024, 4, 1), None)],
        **welfare, tenancy="single", **gov_cloud,
    )  # fmt: skip
    # Two 特定移行支援システム with their own target dates.
    _migrate(
        municipality, "koseki",
        [(Phase.PLANNING, D(2022, 4, 1), None), (Phase.SPECIAL, D(2024, 8, 1), None)],
        current=[systems["M003"]], target=None, depends=base,
        special_reason="現行事業者が標準準拠製品の提供を期限までに行えないため",
        special_target_on=D(2027, 3, 31),
    )  # fmt: skip
    _migrate(
        municipality, "seikatsu_hogo",
        [(Phase.PLANNING, D(2023, 4, 1), None), (Phase.SPECIAL, D(2024, 12, 1), None)],
        current=[systems["M004"]], target=None, depends=base,
        environment="other", environment_reason="移行までの間、庁内の仮想化基盤で稼働を継続",
        special_reason="独自施策との連携の見直しに時間を要するため",
        special_target_on=D(2028, 1, 31),
    )  # fmt: skip
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
