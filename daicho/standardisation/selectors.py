"""Reads of the standardisation ledger: the 20 areas × phases, deadline risk, the phase at a year
end, the municipalities that share their state, and operating costs against FY2018."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery, Sum

from daicho.core.models import Organisation
from daicho.core.money import reduction_ratio
from daicho.registry.models import Category, CostLine, StandardBusiness, SystemCoUse
from daicho.standardisation.models import (
    BASE_YEAR,
    DEADLINE,
    TARGET_REDUCTION,
    Migration,
    MigrationPhase,
    Phase,
)


def year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


# --- the migrations and their risk ----------------------------------------------------------------


class Risk:
    """Why an area may miss the deadline (None: it will not, as far as the ledger says)."""

    LATE = "late"  # planned to be migrated after the deadline, without 特定移行支援
    NO_DATE = "no_date"  # no planned date (or a 特定移行支援 without its own target date)


def deadline_risk(migration: Migration, migrated_planned_on: datetime.date | None) -> str | None:
    """The deadline risk of one area's migration (docs/standardisation.md, "Deadline risk")."""
    if migration.phase == Phase.MIGRATED:
        return None
    if migration.phase == Phase.SPECIAL:
        return None if migration.special_target_on else Risk.NO_DATE
    if migrated_planned_on is None:
        return Risk.NO_DATE
    if migrated_planned_on > DEADLINE:
        return Risk.LATE
    return None


def migration_list(*, user, queryset=None):
    """Migrations the user reads (their own organisations'), with the planned date of reaching
    移行済 and the date the current phase was reached, in one query."""
    phases = MigrationPhase.objects.filter(migration=OuterRef("pk"))
    queryset = Migration.objects.visible_to(user) if queryset is None else queryset
    return queryset.select_related("organisation", "target_system").annotate(
        migrated_planned_on=Subquery(phases.filter(phase=Phase.MIGRATED).values("planned_on")[:1]),
        phase_reached_on=Subquery(phases.filter(phase=OuterRef("phase")).values("actual_on")[:1]),
    )


@dataclass
class AreaRow:
    """One of the 20 areas on the migration page: its record (None: not recorded) and risk."""

    area: str
    label: str
    migration: Migration | None = None
    risk: str | None = None

    @property
    def phase(self) -> str | None:
        return self.migration.phase if self.migration else None


def area_rows(migrations) -> list[AreaRow]:
    """The 20 areas in the national order, each with the organisation's migration if any."""
    by_area = {m.area: m for m in migrations}
    rows = []
    for area, label in StandardBusiness.choices:
        migration = by_area.get(area)
        risk = deadline_risk(migration, migration.migrated_planned_on) if migration else None
        rows.append(AreaRow(area, label, migration, risk))
    return rows


def phase_counts(rows: list[AreaRow]) -> dict[str, int]:
    counts = dict.fromkeys(Phase.values, 0)
    for row in rows:
        if row.phase:
            counts[row.phase] += 1
    return counts


def migration_matrix(*, user, organisation: Organisation) -> list[AreaRow]:
    """The organisation's 20 areas × phases, with deadline risk."""
    migrations = migration_list(user=user).filter(organisation=organisation)
    return area_rows(migrations)


@dataclass
class SharedRow:
    """One municipality's 20 areas on the prefecture's matrix."""

    organisation: Organisation
    cells: list[AreaRow]
    counts: dict[str, int]
    at_risk: int


def shared_matrix(*, user) -> list[SharedRow]:
    """Other organisations' migration state shared with the user's organisations (by an explicit
    share or as open data), one row per organisation, in one query."""
    migrations = migration_list(user=user, queryset=Migration.objects.shared_with(user))
    grouped: dict[int, list[Migration]] = defaultdict(list)
    organisations: dict[int, Organisation] = {}
    for migration in migrations.order_by("organisation__code", "area"):
        grouped[migration.organisation_id].append(migration)
        organisations[migration.organisation_id] = migration.organisation
    rows = []
    for org_id, items in grouped.items():
        cells = area_rows(items)
        rows.append(
            SharedRow(
                organisations[org_id],
                cells,
                phase_counts(cells),
                sum(1 for c in cells if c.risk),
            )
        )
    return rows


def phases_at(organisation: Organisation, on: datetime.date) -> dict[str, str]:
    """Each area's phase on a date, read from the dated history (the phase reached last by
    then); areas not started by then are left out."""
    reached = (
        MigrationPhase.objects.filter(migration__organisation=organisation, actual_on__lte=on)
        .order_by("migration_id", "actual_on", "pk")
        .values_list("migration__area", "phase")
    )
    state: dict[str, str] = {}
    for area, phase in reached:
        state[area] = phase
    return state


def recorded_areas(organisation: Organisation) -> int:
    return Migration.objects.filter(organisation=organisation).count()


# --- costs before and after -----------------------------------------------------------------------


@dataclass
class AreaCost:
    """One migrated area's 運用等経費: its share of the FY2018 systems and of the year's."""

    area: str
    label: str
    before: int = 0
    after: int = 0
    parts: list[str] = field(default_factory=list)

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def reduction(self) -> Decimal | None:
        return reduction_percent(self.before, self.after)

    @property
    def reduction_ratio(self) -> float | None:
        """The reduction as a ratio, as pages show it (an increase as △)."""
        return reduction_ratio(self.before, self.after)


@dataclass
class CostComparison:
    """The migrated areas' operating costs in a year against FY2018, and the 30 % goal."""

    fiscal_year: int
    basis: str
    areas: list[AreaCost]
    base_year: int = BASE_YEAR
    target: int = TARGET_REDUCTION

    @property
    def before(self) -> int:
        return sum(a.before for a in self.areas)

    @property
    def after(self) -> int:
        return sum(a.after for a in self.areas)

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def reduction(self) -> Decimal | None:
        return reduction_percent(self.before, self.after)

    @property
    def reduction_ratio(self) -> float | None:
        return reduction_ratio(self.before, self.after)

    @property
    def met(self) -> bool | None:
        return None if self.reduction is None else self.reduction >= self.target


def reduction_percent(before: int, after: int) -> Decimal | None:
    """(before − after) / before in %, one decimal, half up."""
    if not before:
        return None
    return (Decimal(before - after) * 100 / Decimal(before)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _operation_costs(system_ids: set[int], years: list[int], basis: str) -> dict:
    """{(system id, fiscal year): 運用等経費} in one query."""
    rows = (
        CostLine.objects.filter(
            system_id__in=system_ids,
            fiscal_year__in=years,
            basis=basis,
            category=Category.OPERATION,
        )
        .values("system_id", "fiscal_year")
        .annotate(total=Sum("amount"))
    )
    return {(r["system_id"], r["fiscal_year"]): r["total"] for r in rows}


def _attribution(organisation: Organisation, systems, fiscal_year: int) -> dict[int, Decimal]:
    """The organisation's share (0–1) of each system's cost in the year: its own system less what
    its co-users carry, or the share it carries of another organisation's."""
    active = (
        SystemCoUse.objects.filter(system__in=[s.pk for s in systems])
        .active_in(fiscal_year)
        .values_list("system_id", "co_user_id", "share_percent")
    )
    carried: dict[int, Decimal] = defaultdict(Decimal)
    own_share: dict[int, Decimal] = {}
    for system_id, co_user_id, share in active:
        carried[system_id] += share
        if co_user_id == organisation.pk:
            own_share[system_id] = share
    shares = {}
    for system in systems:
        if system.organisation_id == organisation.pk:
            shares[system.pk] = (Decimal(100) - carried[system.pk]) / 100
        else:
            shares[system.pk] = own_share.get(system.pk, Decimal(0)) / 100
    return shares


def migration_costs(
    organisation: Organisation, fiscal_year: int, *, basis: str = "actual"
) -> CostComparison:
    """運用等経費 of the areas migrated by the end of ``fiscal_year`` against FY2018.

    Before: the FY2018 cost of the systems the area ran (its current systems). After: the year's
    cost of those systems (still running for other areas) and of the target system, the target's
    attributed to the organisation by the co-use shares. A system serving several of the
    organisation's areas is split evenly across them, so no yen is counted twice."""
    migrated = {
        a for a, p in phases_at(organisation, year_end(fiscal_year)).items() if p == "migrated"
    }
    migrations = list(
        Migration.objects.filter(organisation=organisation)
        .select_related("target_system")
        .prefetch_related("current_systems")
    )
    users: dict[int, int] = defaultdict(int)  # system id → areas of the organisation using it
    systems = {}
    for m in migrations:
        for s in {*m.current_systems.all(), *([m.target_system] if m.target_system else [])}:
            users[s.pk] += 1
            systems[s.pk] = s
    costs = _operation_costs(set(systems), [BASE_YEAR, fiscal_year], basis)
    base_shares = _attribution(organisation, list(systems.values()), BASE_YEAR)
    year_shares = _attribution(organisation, list(systems.values()), fiscal_year)
    labels = dict(StandardBusiness.choices)
    areas = []
    for m in sorted(migrations, key=lambda m: list(labels).index(m.area)):
        if m.area not in migrated:
            continue
        row = AreaCost(m.area, labels[m.area])
        before = after = Decimal(0)
        for s in m.current_systems.all():
            before += Decimal(costs.get((s.pk, BASE_YEAR), 0)) * base_shares[s.pk] / users[s.pk]
            after += Decimal(costs.get((s.pk, fiscal_year), 0)) * year_shares[s.pk] / users[s.pk]
        if m.target_system and m.target_system not in m.current_systems.all():
            t = m.target_system
            after += Decimal(costs.get((t.pk, fiscal_year), 0)) * year_shares[t.pk] / users[t.pk]
        row.before = int(before.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        row.after = int(after.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        areas.append(row)
    return CostComparison(fiscal_year, basis, areas)
