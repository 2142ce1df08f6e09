"""Reads of the registry: lists, a system's costs by year, totals per fiscal year."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum

from daicho.core.models import Organisation, OrgUnit
from daicho.registry.models import (
    Basis,
    Category,
    Contract,
    CostItem,
    CostLine,
    InformationSystem,
    Status,
)


def system_list(*, user) -> QuerySet[InformationSystem]:
    """Systems the user may read, with what a list row shows in the same query."""
    return (
        InformationSystem.objects.visible_to(user)
        .select_related("owner_unit")
        .annotate(department_name=F("owner_unit__department__name"))
    )


SYSTEM_ROW_FIELDS = (
    "id",
    "code",
    "name",
    "status",
    "in_service_on",
    "retired_on",
    "hosting",
    "confidentiality",
    "integrity",
    "availability",
    "users",
    "personal_data",
    "my_number",
    "standard_business",
    "sso_integrated",
    "open_data",
    "description",
    "updated_at",
)


def system_rows(*, user) -> QuerySet:
    """Systems for the API, as :func:`system_row_values`."""
    return system_row_values(InformationSystem.objects.visible_to(user))


SYSTEM_ROW_RELATED = {
    "owner_unit_code": "owner_unit__code",
    "owner_unit_name": "owner_unit__name",
    "department": "owner_unit__department__name",
}


def system_row_values(
    systems: QuerySet[InformationSystem], keys: set[str] | None = None
) -> QuerySet:
    """``systems`` as dicts of their columns and their owner section's code and name and
    department: no model instances, so a page of them is written as a list page or as JSON in a
    fraction of the time (the ledger's busiest list). ``keys`` keeps only those (and ``id``):
    a list page reads what its visible columns show."""
    return systems.values(
        *(f for f in SYSTEM_ROW_FIELDS if keys is None or f == "id" or f in keys),
        **{k: F(path) for k, path in SYSTEM_ROW_RELATED.items() if keys is None or k in keys},
    )


def system_detail(*, user, pk: int) -> InformationSystem:
    return system_list(user=user).select_related("organisation").get(pk=pk)


@dataclass
class YearCosts:
    """One fiscal year of a system's (or an organisation's) costs, in yen."""

    fiscal_year: int
    budget_initial: int = 0
    budget_operation: int = 0
    actual_initial: int = 0
    actual_operation: int = 0
    operation_change: int | None = None  # budget operation cost against the previous year

    @property
    def budget_total(self) -> int:
        return self.budget_initial + self.budget_operation

    @property
    def actual_total(self) -> int:
        return self.actual_initial + self.actual_operation


def _years(rows) -> list[YearCosts]:
    years: dict[int, YearCosts] = {}
    for fy, basis, category, total in rows:
        year = years.setdefault(fy, YearCosts(fiscal_year=fy))
        setattr(year, f"{basis}_{category}", total or 0)
    result = [years[fy] for fy in sorted(years)]
    for previous, year in zip(result, result[1:], strict=False):
        if previous.fiscal_year == year.fiscal_year - 1:
            year.operation_change = year.budget_operation - previous.budget_operation
    return result


def system_costs_by_year(*, system: InformationSystem) -> list[YearCosts]:
    """The system's costs per fiscal year (budget and actual, build and operation)."""
    rows = (
        CostLine.objects.filter(system=system)
        .values_list("fiscal_year", "basis", "category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return _years(rows)


def organisation_costs_by_year(*, user, organisation: Organisation) -> list[YearCosts]:
    """The organisation's total costs per fiscal year, as the user may read them."""
    rows = (
        CostLine.objects.visible_to(user)
        .filter(system__organisation=organisation)
        .values_list("fiscal_year", "basis", "category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return _years(rows)


def budgeted_years(*, user, organisation: Organisation) -> list[int]:
    """The fiscal years whose operation budget is the organisation's, not a few systems' yet:
    each year up to the last one in which at least half as many systems have an operation
    budget as in the busiest year before it. The later years hold only what is planned ahead
    (an approved contract's amounts for the years of its term) and would read as a 99 % cut."""
    counts = dict(
        CostLine.objects.visible_to(user)
        .filter(
            system__organisation=organisation,
            basis=Basis.BUDGET,
            category=Category.OPERATION,
        )
        .values_list("fiscal_year")
        .annotate(systems=Count("system", distinct=True))
        .order_by()
    )
    years, busiest = [], 0
    for fy in sorted(counts):
        if counts[fy] * 2 < busiest:
            break
        years.append(fy)
        busiest = max(busiest, counts[fy])
    return years


def operation_cost_reduction(
    *, years: list[YearCosts], base_year: int, basis: str = Basis.BUDGET
) -> dict[int, float | None]:
    """Reduction of 運用等経費 against the base year, per fiscal year: (base − year) / base."""
    by_year = {y.fiscal_year: getattr(y, f"{basis}_operation") for y in years}
    base = by_year.get(base_year)
    return {
        fy: (None if not base or value is None else (base - value) / base)
        for fy, value in by_year.items()
    }


def systems_per_department(*, user, organisation: Organisation) -> list[dict]:
    """Each department with how many of its systems are in each status."""
    rows = (
        InformationSystem.objects.visible_to(user)
        .filter(organisation=organisation)
        .values(
            "owner_unit__department_id",
            "owner_unit__department__name",
            "owner_unit__department__code",
        )
        .annotate(
            total=Count("pk", filter=~Q(status=Status.RETIRED)),
            operating=Count("pk", filter=Q(status=Status.OPERATING)),
            planned=Count("pk", filter=Q(status__in=[Status.PLANNING, Status.DEVELOPMENT])),
            retired=Count("pk", filter=Q(status=Status.RETIRED)),
        )
        .order_by("owner_unit__department__sort_order", "owner_unit__department__code")
    )
    return [
        {
            "id": r["owner_unit__department_id"],
            "code": r["owner_unit__department__code"],
            "name": r["owner_unit__department__name"],
            "total": r["total"],
            "operating": r["operating"],
            "planned": r["planned"],
            "retired": r["retired"],
        }
        for r in rows
    ]


def system_contracts(*, system: InformationSystem) -> QuerySet[Contract]:
    return system.contracts.select_related("vendor", "owner_unit").order_by("-start_on")


def cost_sheet_rows(
    *,
    user,
    organisation: Organisation,
    fiscal_year: int,
    basis: str,
    category: str,
    department: OrgUnit | None = None,
) -> tuple[list[CostItem], list[dict]]:
    """The cost entry sheet: the organisation's 費目 (the columns) and one row per system.

    A row holds the system, whether the user may edit it, its amount per 費目 this year
    (``cells``, in the order of the columns; None where there is no line), its total this year
    and last year's total, for one basis and category. Four queries whatever the size."""
    items = list(CostItem.objects.filter(organisation=organisation).order_by("sort_order", "code"))
    systems = (
        system_list(user=user)
        .filter(organisation=organisation)
        .exclude(status=Status.RETIRED, retired_on__lt=f"{fiscal_year}-04-01")
        .order_by("owner_unit__department__sort_order", "owner_unit__department__code", "code")
    )
    if department is not None:
        systems = systems.filter(owner_unit__department=department)
    systems = list(systems)
    amounts: dict[tuple[int, int, int], int] = defaultdict(int)
    lines = (
        CostLine.objects.filter(
            system__in=[s.pk for s in systems],
            fiscal_year__in=[fiscal_year, fiscal_year - 1],
            basis=basis,
            category=category,
        )
        .values_list("system_id", "fiscal_year", "item_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    previous: dict[int, int] = defaultdict(int)
    for system_id, fy, item_id, total in lines:
        if fy == fiscal_year:
            amounts[(system_id, fy, item_id)] = total
        else:
            previous[system_id] += total
    editable = set(
        InformationSystem.objects.editable_by(user)
        .filter(pk__in=[s.pk for s in systems])
        .values_list("pk", flat=True)
    )
    rows = []
    for s in systems:
        cells = [amounts.get((s.pk, fiscal_year, item.pk)) for item in items]
        rows.append(
            {
                "system": s,
                "editable": s.pk in editable,
                "cells": cells,
                "total": sum(c for c in cells if c is not None),
                "previous_total": previous.get(s.pk),
            }
        )
    return items, rows


def operation_cost_by_department(
    *, organisation: Organisation, years: list[int], basis: str = Basis.BUDGET
) -> list[dict]:
    """運用等経費 per department (部局) for the given fiscal years: one query."""
    rows = (
        CostLine.objects.filter(
            system__organisation=organisation,
            fiscal_year__in=years,
            basis=basis,
            category=Category.OPERATION,
        )
        .values_list(
            "system__owner_unit__department__name",
            "system__owner_unit__department__sort_order",
            "fiscal_year",
        )
        .annotate(total=Sum("amount"))
        .order_by()
    )
    departments: dict[str, dict] = {}
    for name, order, fy, total in rows:
        entry = departments.setdefault(name, {"name": name, "order": order or 0, "years": {}})
        entry["years"][fy] = total or 0
    return sorted(departments.values(), key=lambda d: (d["order"], d["name"]))


def hosting_on(day):
    """An expression for a system's hosting on ``day``, from its dated hosting history.

    The latest change dated on or before ``day`` wins; before the first dated change, the
    undated starting row; a system without history has always been where it is now."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from daicho.registry.models import HostingChange

    then = (
        HostingChange.objects.filter(system=OuterRef("pk"))
        .filter(Q(effective_on__lte=day) | Q(effective_on__isnull=True))
        .order_by(F("effective_on").desc(nulls_last=True), "-pk")
        .values("hosting")[:1]
    )
    return Coalesce(Subquery(then), F("hosting"))


def systems_in_service_on(organisation, day) -> QuerySet[InformationSystem]:
    """Systems in operation on ``day``, each annotated with ``hosting_then``."""
    return (
        InformationSystem.objects.filter(organisation=organisation)
        .filter(Q(in_service_on__lte=day) & (Q(retired_on__isnull=True) | Q(retired_on__gt=day)))
        .annotate(hosting_then=hosting_on(day))
    )


def systems_in_ledger_on(organisation, day) -> QuerySet[InformationSystem]:
    """The organisation's information systems on ``day`` as the plan counts them (庁内情報システム,
    the 202 of its 2.3 取組の適用範囲): those in operation then, and those being planned or built
    (not in service yet, whose phase the ledger keeps); retired ones not."""
    return InformationSystem.objects.filter(organisation=organisation).filter(
        (
            Q(in_service_on__lte=day)
            | Q(in_service_on__isnull=True, status__in=[Status.PLANNING, Status.DEVELOPMENT])
        )
        & (Q(retired_on__isnull=True) | Q(retired_on__gt=day))
    )


def share_of(amount: int | None, share_percent) -> int | None:
    """A co-user's part of an amount in yen, rounded half up (None when there is no amount)."""
    from decimal import ROUND_HALF_UP, Decimal

    if amount is None:
        return None
    return int((Decimal(amount) * share_percent / 100).quantize(0, ROUND_HALF_UP))


def co_use_years(co_use) -> list[dict]:
    """A co-user's share per fiscal year of the co-used system's 運用等経費: for each year with
    costs while the co-use was active, the system's budget and actual totals and the co-user's
    part of each (yen, rounded half up)."""
    from daicho.core import wareki
    from daicho.registry.models import Basis, Category, CostLine

    totals: dict[int, dict[str, int]] = {}
    for row in (
        CostLine.objects.filter(system_id=co_use.system_id, category=Category.OPERATION)
        .values("fiscal_year", "basis")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        totals.setdefault(row["fiscal_year"], {})[row["basis"]] = row["total"]
    first = wareki.fiscal_year_of(co_use.started_on) if co_use.started_on else None
    last = wareki.fiscal_year_of(co_use.ended_on) if co_use.ended_on else None
    years = []
    for fiscal_year in sorted(totals, reverse=True):
        if (first is not None and fiscal_year < first) or (last is not None and fiscal_year > last):
            continue
        budget = totals[fiscal_year].get(Basis.BUDGET)
        actual = totals[fiscal_year].get(Basis.ACTUAL)
        years.append(
            {
                "fiscal_year": fiscal_year,
                "budget": budget,
                "actual": actual,
                "share_budget": share_of(budget, co_use.share_percent),
                "share_actual": share_of(actual, co_use.share_percent),
            }
        )
    return years


def system_co_uses(*, system) -> list:
    """The organisations co-using a system, each with its share of the latest fiscal year's
    operation costs (運用等経費, budget) in yen."""
    from daicho.registry.models import Basis, Category, CostLine, SystemCoUse

    latest = (
        CostLine.objects.filter(system=system, basis=Basis.BUDGET, category=Category.OPERATION)
        .values("fiscal_year")
        .annotate(total=Sum("amount"))
        .order_by("-fiscal_year")
        .first()
    )
    rows = list(SystemCoUse.objects.filter(system=system).select_related("co_user"))
    for row in rows:
        row.fiscal_year = latest["fiscal_year"] if latest else None
        row.share_yen = share_of(latest["total"] if latest else None, row.share_percent)
    return rows
