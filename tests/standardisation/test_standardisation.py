"""Standardisation (issue #20): phase history, deadline risk, sharing with the prefecture, the
FY2018 cost comparison, the builtin plan, the import kind and the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent, Organisation, Role
from daicho.plan import selectors as plan_selectors
from daicho.plan import services as plan_services
from daicho.standardisation import selectors, services
from daicho.standardisation.models import Migration, MigrationPhase, Phase
from tests.factories import UserFactory, member

D = datetime.date


@pytest.fixture
def juki(world):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        return services.migration_create(
            organisation=world.org, area="juki", current_systems=[world.system_a]
        )


# --- 1. phases and their dated history -----------------------------------------------------------


def test_phases_are_dated_audited_and_read_back_at_any_date(world, juki):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.migration_phase_plan(
            migration=juki, phase=Phase.MIGRATED, planned_on=D(2025, 12, 1)
        )
        services.migration_phase_enter(migration=juki, phase=Phase.PLANNING, on=D(2023, 4, 1))
        services.migration_phase_enter(migration=juki, phase=Phase.PROCUREMENT, on=D(2024, 6, 1))
    juki.refresh_from_db()
    assert juki.phase == Phase.PROCUREMENT
    rows = {
        p.phase: (p.planned_on, p.actual_on) for p in MigrationPhase.objects.filter(migration=juki)
    }
    assert rows == {
        "migrated": (D(2025, 12, 1), None),
        "planning": (None, D(2023, 4, 1)),
        "procurement": (None, D(2024, 6, 1)),
    }
    # The phase at each year end comes from the history, not from today's phase.
    assert selectors.phases_at(world.org, D(2022, 3, 31)) == {}
    assert selectors.phases_at(world.org, D(2024, 3, 31)) == {"juki": "planning"}
    assert selectors.phases_at(world.org, D(2025, 3, 31)) == {"juki": "procurement"}
    # Every write is in the audit log, on the migration's history, with its actor.
    events = AuditEvent.objects.filter(organisation=world.org, actor=world.policy)
    assert events.filter(content_type__model="migrationphase").count() == 3
    assert events.filter(content_type__model="migration", action="update").count() == 2
    # ... and the phases are on the migration's own history (its カルテ-like page).
    assert events.filter(root_id=str(juki.pk), content_type__model="migrationphase").count() == 3


def test_a_phase_dated_before_a_later_one_is_refused(world, juki):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.migration_phase_enter(migration=juki, phase=Phase.MIGRATING, on=D(2025, 4, 1))
        with pytest.raises(ValidationError) as exc:
            services.migration_phase_enter(migration=juki, phase=Phase.PLANNING, on=D(2024, 4, 1))
    assert "この日付より後です" in str(exc.value)


def test_specified_migration_support_needs_a_reason_and_its_own_date(world, juki):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        with pytest.raises(ValidationError) as exc:
            services.migration_phase_enter(migration=juki, phase=Phase.SPECIAL, on=D(2024, 8, 1))
        assert set(exc.value.message_dict) == {"special_reason", "special_target_on"}
        services.migration_phase_enter(
            migration=juki,
            phase=Phase.SPECIAL,
            on=D(2024, 8, 1),
            special_reason="事業者の撤退",
            special_target_on=D(2027, 3, 31),
        )
    juki.refresh_from_db()
    assert (juki.phase, juki.special_target_on) == (Phase.SPECIAL, D(2027, 3, 31))


def test_only_the_it_policy_division_records_a_migration(world, juki):
    for user in (world.owner_a, world.viewer, world.outsider):
        with audit_context(actor=user, channel=Channel.WEB), pytest.raises(PermissionDenied):
            services.migration_phase_enter(migration=juki, phase=Phase.PLANNING, on=D(2023, 4, 1))


def test_another_environment_needs_its_reason(world, juki):
    with (
        audit_context(actor=world.policy, channel=Channel.WEB),
        pytest.raises(ValidationError) as exc,
    ):
        services.migration_update(migration=juki, data={"environment": "other"})
    assert "ガバメントクラウドで稼働しない理由" in str(exc.value.message_dict["environment_reason"])


def test_the_target_system_is_own_or_co_used(world, juki):
    with (
        audit_context(actor=world.policy, channel=Channel.WEB),
        pytest.raises(ValidationError) as exc,
    ):
        services.migration_update(migration=juki, data={"target_system": world.system_other})
    assert "target_system" in exc.value.message_dict


# --- 2. deadline risk and the matrices -----------------------------------------------------------


def test_deadline_risk_is_a_late_plan_or_no_date(kurashiki, world):
    user = member(UserFactory(username="kura"), Role.VIEWER, None, kurashiki)
    rows = {r.area: r for r in selectors.migration_matrix(user=user, organisation=kurashiki)}
    assert len(rows) == 20
    # 介護保険 is planned for 2026-09-01, after 2026-03-31, without 特定移行支援.
    assert rows["kaigo"].risk == "late"
    # 障害者福祉 is still being planned and has no date.
    assert rows["shogai_fukushi"].risk == "no_date"
    # Migrated, migrating on time, and the two 特定移行支援 with their own dates: no risk.
    assert {a for a, r in rows.items() if r.risk} == {"kaigo", "shogai_fukushi"}
    assert selectors.phase_counts(list(rows.values())) == {
        "not_started": 0,
        "planning": 1,
        "procurement": 1,
        "migrating": 3,
        "migrated": 13,
        "special": 2,
    }


def test_the_prefecture_reads_a_municipality_only_where_it_shares(kurashiki, world):
    shared = selectors.shared_matrix(user=world.policy)
    assert [r.organisation.code for r in shared] == ["332020"]
    assert shared[0].counts["migrated"] == 13 and shared[0].at_risk == 2
    # Another organisation, not named in a share, sees nothing of it ...
    assert selectors.shared_matrix(user=world.outsider) == []
    # ... until the municipality publishes it as open data; and unsharing takes it back.
    with audit_context(actor=None, channel=Channel.CLI):
        open_share = services.migration_share(organisation=kurashiki, reader=None)
    assert [r.organisation.code for r in selectors.shared_matrix(user=world.outsider)] == ["332020"]
    with audit_context(actor=None, channel=Channel.CLI):
        services.migration_unshare(share=open_share)
        for share in kurashiki_shares(kurashiki):
            services.migration_unshare(share=share)
    assert selectors.shared_matrix(user=world.policy) == []
    # The prefecture never reads the municipality's records directly.
    assert not Migration.objects.visible_to(world.policy).filter(organisation=kurashiki).exists()


def kurashiki_shares(organisation):
    from daicho.standardisation.models import MigrationShare

    return list(MigrationShare.objects.filter(organisation=organisation))


# --- 3. costs before and after ------------------------------------------------------------------


def test_the_fy2018_comparison_of_the_demo_municipality(kurashiki):
    """運用等経費 (actual) of the areas migrated by 2026-03-31, against FY2018, by hand:

    The 9 基幹系 areas moved from M001 (FY2018: 90,000,000 yen, 9 areas → 10,000,000 each) to
    STD-0001, 岡山市's system co-used by 倉敷市 (FY2025: 135,000,000 yen × 倉敷市's 40 %
    = 54,000,000, 9 areas → 6,000,000 each); M001 was retired in January 2025 and costs
    nothing in FY2025.
    The 4 welfare areas migrated on 2025-10-01 moved from M002 (FY2018: 45,000,000 yen, 9 areas
    → 5,000,000 each; FY2025, still running for the other 5: 36,000,000 → 4,000,000 each) to
    M101 (FY2025: 18,000,000 yen, own, 9 areas → 2,000,000 each): 6,000,000 each after.

        before = 9 × 10,000,000 + 4 × 5,000,000 = 110,000,000 yen = 110,000千円
        after  = 9 ×  6,000,000 + 4 × 6,000,000 =  78,000,000 yen =  78,000千円
        change = △32,000千円; reduction = 32,000 / 110,000 = 29.09… → 29.1 %, below the 30 % goal.
    """
    comparison = selectors.migration_costs(kurashiki, 2025, basis="actual")
    assert len(comparison.areas) == 13
    by_area = {a.area: a for a in comparison.areas}
    assert (by_area["juki"].before, by_area["juki"].after) == (10_000_000, 6_000_000)
    assert (by_area["jido_teate"].before, by_area["jido_teate"].after) == (5_000_000, 6_000_000)
    assert (comparison.before, comparison.after) == (110_000_000, 78_000_000)
    assert comparison.reduction == Decimal("29.1")
    assert comparison.met is False
    assert "kaigo" not in by_area and "koseki" not in by_area


def test_the_costs_page_shows_thousands_of_yen_with_a_triangle(client, kurashiki):
    user = member(UserFactory(username="kura"), Role.VIEWER, None, kurashiki)
    client.force_login(user)
    page = client.get(reverse("standardisation:costs"), {"fy": 2025}).content.decode()
    total = page[page.index('id="costs-total"') :]
    assert "110,000" in total and "78,000" in total and "△32,000" in total and "29.1%" in total
    # A welfare area costs more than in FY2018 (5,000千円 → 6,000千円): an increase, △20.0 %.
    row = page[page.index('data-area="jido_teate"') :]
    assert "1,000" in row[: row.index("</tr>")] and "△20.0%" in row[: row.index("</tr>")]


# --- 4. the builtin plan ----------------------------------------------------------------------


def test_the_builtin_plan_computes_the_national_indicators(kurashiki):
    with audit_context(actor=None, channel=Channel.CLI):
        text = plan_services.BUILTIN["standardisation-2025"].read_text(encoding="utf-8")
        plan = plan_services.plan_import(organisation=kurashiki, data=plan_services.plan_data(text))
    rows = {r.indicator.code: r for r in plan_selectors.indicator_rows(plan, 2025)}
    # 13 of 20 areas migrated by 2026-03-31; 9 a year earlier (the 基幹系 on 2025-01-06).
    assert rows["standardisation_migrated_share"].value == Decimal("65.0")
    assert rows["standardisation_migrated_share"].previous == Decimal("45.0")
    assert rows["standardisation_special_count"].value == 2
    assert rows["standardisation_cost_reduction"].value == Decimal("29.1")
    assert rows["standardisation_cost_reduction"].met is False
    # Freezing works unchanged: a later change of the ledger no longer moves FY2025's figure.
    with audit_context(actor=None, channel=Channel.CLI):
        plan_services.year_publish(plan=plan, fiscal_year=2025)
        shogai = Migration.objects.get(organisation=kurashiki, area="shogai_fukushi")
        services.migration_phase_enter(migration=shogai, phase=Phase.MIGRATED, on=D(2026, 3, 1))
    row = next(
        r
        for r in plan_selectors.indicator_rows(plan, 2025)
        if r.indicator.code == "standardisation_migrated_share"
    )
    assert (row.source, row.value, row.live) == ("published", Decimal("65.0"), Decimal("70.0"))


# --- 5. the API --------------------------------------------------------------------------------


@pytest.fixture
def plan(kurashiki):
    with audit_context(actor=None, channel=Channel.CLI):
        text = plan_services.BUILTIN["standardisation-2025"].read_text(encoding="utf-8")
        return plan_services.plan_import(organisation=kurashiki, data=plan_services.plan_data(text))


def _get(client, user, path, **params):
    from daicho.core.services import token_create

    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token_create(user=user)[1]}"
    return client.get(f"/api/v1{path}", params, **headers)


def test_the_api_lists_the_plans_a_user_reads(client, plan, kurashiki, world):
    kura = member(UserFactory(username="kura"), Role.VIEWER, None, kurashiki)
    assert [p["code"] for p in _get(client, kura, "/plans").json()] == ["standardisation-2025"]
    assert _get(client, world.policy, "/plans").json() == []  # the prefecture has none here
    assert _get(client, None, "/plans").status_code == 401


def test_the_api_gives_each_indicator_for_a_year_per_role(client, plan, kurashiki, world):
    kura_policy = member(UserFactory(username="kura_p"), Role.IT_POLICY, None, kurashiki)
    kura_viewer = member(UserFactory(username="kura_v"), Role.VIEWER, None, kurashiki)
    for user in (kura_policy, kura_viewer):
        answer = _get(client, user, "/plans/standardisation-2025/indicators", fy=2025)
        assert answer.status_code == 200
        items = {i["code"]: i for i in answer.json()["items"]}
        share = items["standardisation_migrated_share"]
        assert (share["actual"], share["target"], share["met"], share["previous"]) == (
            65.0,
            100.0,
            False,
            45.0,
        )
        assert (share["frozen"], share["source"]) == (False, "computed")
        assert items["standardisation_cost_reduction"]["actual"] == 29.1
    # The prefecture's users and other organisations do not see the municipality's plan.
    for user in (world.policy, world.outsider):
        assert _get(client, user, "/plans/standardisation-2025/indicators").status_code == 404
    assert _get(client, None, "/plans/standardisation-2025/indicators").status_code == 401
    # A year outside the plan is a 400 with its reason.
    answer = _get(client, kura_viewer, "/plans/standardisation-2025/indicators", fy=1999)
    assert answer.status_code == 400 and "FY1999" in answer.json()["detail"]


def test_a_published_year_answers_frozen(client, plan, kurashiki):
    kura = member(UserFactory(username="kura"), Role.VIEWER, None, kurashiki)
    with audit_context(actor=None, channel=Channel.CLI):
        plan_services.year_publish(plan=plan, fiscal_year=2024)
    items = _get(client, kura, "/plans/standardisation-2025/indicators", fy=2024).json()["items"]
    assert all(i["frozen"] and i["source"] == "published" for i in items)


def test_the_plan_endpoints_are_in_the_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/plans" in paths
    operation = paths["/api/v1/plans/{plan_code}/indicators"]["get"]
    assert "fy" in {p["name"] for p in operation["parameters"]}


# --- 6. the import kind and the pages ----------------------------------------------------------


def test_an_export_imports_back_unchanged(kurashiki, tmp_path):
    from daicho.core import exports
    from daicho.core.importing import engine

    user = member(UserFactory(username="kura_p"), Role.IT_POLICY, None, kurashiki)
    kind = exports.kinds()["standardisation"]
    objects = engine.kinds()["standardisation"].export_queryset(user)
    path = tmp_path / "標準化.xlsx"
    path.write_bytes(exports.write(kind, objects, "xlsx"))
    result = engine.run(
        kind="standardisation",
        source=path,
        organisation=kurashiki,
        user=user,
        channel=Channel.WEB,
    )
    assert result.problems == []
    assert (result.batch.created, result.batch.updated, result.batch.unchanged) == (0, 0, 20)


def test_a_spreadsheet_moves_an_area_to_its_next_phase(kurashiki, tmp_path):
    from daicho.core.importing import engine

    user = member(UserFactory(username="kura_p"), Role.IT_POLICY, None, kurashiki)
    path = tmp_path / "移行状況.csv"
    path.write_text(
        "業務,フェーズ,フェーズ到達日,移行完了予定日\n"
        "障害者福祉,調達,2025-04-01,2026-02-01\n"
        "介護保険,移行済,令和7年4月1日,\n",
        encoding="utf-8",
    )
    result = engine.run(
        kind="standardisation", source=path, organisation=kurashiki, user=user, channel=Channel.WEB
    )
    # 介護保険 cannot be migrated on 2025-04-01: it reached 調達 on 2025-06-01, later.
    assert [(p.row, p.column) for p in result.problems] == [(3, "phase_on")]
    assert "この日付より後です" in result.problems[0].message
    # All or nothing: the good row is not written either.
    assert Migration.objects.get(organisation=kurashiki, area="shogai_fukushi").phase == "planning"


def test_the_migration_page_shows_the_20_areas_and_the_risk(client, kurashiki, world):
    user = member(UserFactory(username="kura"), Role.VIEWER, None, kurashiki)
    client.force_login(user)
    page = client.get(reverse("standardisation:migrations")).content.decode()
    assert page.count("<tr data-area=") == 20
    assert 'id="at-risk-count">2<' in page
    # The prefecture's IT policy division sees the municipality's row in the shared matrix.
    client.force_login(world.policy)
    page = client.get(reverse("standardisation:migrations")).content.decode()
    assert 'data-organisation="332020"' in page and "倉敷市" in page


def test_recording_a_phase_on_the_page(client, world, juki):
    client.force_login(world.policy)
    url = reverse("standardisation:migration_detail", args=[juki.pk])
    response = client.post(url, {"phase": "planning", "actual_on": "令和5年4月1日"})
    assert response.status_code == 302
    juki.refresh_from_db()
    assert juki.phase == "planning"
    page = client.get(url).content.decode()
    assert "令和5年4月1日" in page
    client.force_login(world.viewer)
    assert client.post(url, {"phase": "procurement", "actual_on": "2024-04-01"}).status_code == 403


def test_the_demo_loads_twice_without_a_change(kurashiki):
    before = AuditEvent.objects.count()
    with audit_context(actor=None, channel=Channel.CLI):
        from daicho.standardisation import demo

        demo.load()
    assert AuditEvent.objects.count() == before
    assert Organisation.objects.filter(code="332020").count() == 1


def test_the_migration_page_reads_in_a_fixed_number_of_queries(
    client, kurashiki, world, django_assert_max_num_queries
):
    """The 20 areas in one query, the municipalities that share in one more, whatever their
    number (tests/test_query_counts.py's rule)."""
    client.force_login(world.policy)
    client.get(reverse("standardisation:migrations"))  # warm the session and the caches
    with django_assert_max_num_queries(7):
        page = client.get(reverse("standardisation:migrations"))
    assert page.status_code == 200
    user = member(UserFactory(username="kura"), Role.VIEWER, None, kurashiki)
    client.force_login(user)
    client.get(reverse("standardisation:costs"), {"fy": 2025})
    with django_assert_max_num_queries(9):
        assert client.get(reverse("standardisation:costs"), {"fy": 2025}).status_code == 200
