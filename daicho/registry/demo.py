"""Loads the demo organisation 岡山県 (data in demo_data.py) through the services; idempotent."""

from __future__ import annotations

import datetime
import functools
import random

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from daicho.core import services
from daicho.core.models import Membership, Organisation, OrgUnit, User
from daicho.registry import demo_data as data
from daicho.registry import services as registry_services
from daicho.registry.models import (
    Basis,
    Category,
    Contract,
    CostItem,
    CostLine,
    InformationSystem,
    Vendor,
)

DEMO_PASSWORD = "daicho-demo"
LAST_FY = 2016


@functools.cache
def password_hash() -> str:
    """The demo password hashed once for every demo user (each hash costs most of a second)."""
    return make_password(DEMO_PASSWORD)


def _date(iso: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(iso) if iso else None


def _units(organisation: Organisation) -> dict[str, OrgUnit]:
    units = {u.code: u for u in OrgUnit.objects.filter(organisation=organisation)}
    for order, dept in enumerate(data.DEPARTMENTS, start=1):
        parent = units.get(dept["code"]) or services.unit_create(
            organisation=organisation,
            code=dept["code"],
            name=dept["name"],
            kind="department",
            sort_order=order,
        )
        units[dept["code"]] = parent
        for position, section in enumerate(dept["sections"], start=1):
            if section["code"] not in units:
                units[section["code"]] = services.unit_create(
                    organisation=organisation,
                    code=section["code"],
                    name=section["name"],
                    kind=section["kind"],
                    parent=parent,
                    sort_order=position,
                )
    return units


def _systems(organisation, units) -> dict[str, InformationSystem]:
    """The 202 systems, in bulk as an import writes them (each with its audit event)."""
    systems = {s.code: s for s in InformationSystem.objects.filter(organisation=organisation)}
    new: list[InformationSystem] = []
    for row in data.SYSTEMS:
        if row["code"] in systems:
            continue
        description = row["description"]
        if row.get("planned_in_service_on"):
            description += _(" (planned to go live on %(date)s)") % {
                "date": row["planned_in_service_on"]
            }
        new.append(
            InformationSystem(
                organisation=organisation,
                owner_unit=units[row["section"]],
                code=row["code"],
                name=row["name"],
                status=row["status"],
                in_service_on=_date(row["in_service_on"]),
                retired_on=_date(row["retired_on"]),
                hosting=row["hosting"],
                confidentiality=row["confidentiality"],
                integrity=row["integrity"],
                availability=row["availability"],
                users=row["users"],
                personal_data=row["personal_data"],
                my_number=row["my_number"],
                standard_business=row["standard_business"],
                sso_integrated=row["sso"],
                description=description,
                # The prefecture publishes its systems except the most confidential ones.
                open_data=row["confidentiality"] != "3" and row["status"] != "planning",
            )
        )
    for system in services.objects_create_many(objs=new, organisation=organisation):
        systems[system.code] = system
    return systems


def _budget(row: dict, fy: int) -> int:
    """The yearly operating budget: the data's expansion plus a small drift after FY2014."""
    budget = (
        data.operating_budget(row, min(fy, 2014)) if fy > 2014 else data.operating_budget(row, fy)
    )
    if fy > 2014 and budget:
        rng = random.Random(f"{row['code']}-{fy}")
        budget = int(round(budget * rng.uniform(0.99, 1.02), -3))
    return budget


def _cost_lines(systems, items) -> int:
    """Budget and actual, build and operation, FY2008–FY2016, for systems without any costs yet."""
    have_costs = set(
        CostLine.objects.filter(system__in=systems.values())
        .values_list("system_id", flat=True)
        .distinct()
    )
    lines: list[CostLine] = []
    for row in data.SYSTEMS:
        system = systems[row["code"]]
        if system.pk in have_costs:
            continue
        builds = dict(row["cost_profile"]["build"])
        for fy in range(2008, LAST_FY + 1):
            rng = random.Random(f"{row['code']}-actual-{fy}")
            operation = _budget(row, fy)
            for basis in (Basis.BUDGET, Basis.ACTUAL):
                factor = 1.0 if basis == Basis.BUDGET else rng.uniform(0.93, 0.99)
                if operation:
                    for code, amount in data.split_operating(operation, row["hosting"]).items():
                        lines.append(
                            CostLine(
                                system=system,
                                fiscal_year=fy,
                                basis=basis,
                                category=Category.OPERATION,
                                item=items[code],
                                amount=int(round(amount * factor, -3)),
                            )
                        )
                if builds.get(fy):
                    lines.append(
                        CostLine(
                            system=system,
                            fiscal_year=fy,
                            basis=basis,
                            category=Category.INITIAL,
                            item=items[data.BUILD_ITEM],
                            amount=int(round(builds[fy] * factor, -3)),
                        )
                    )
    # Below the ORM, as the cost import writes them, each line with its own audit event; the
    # figures are the data's own, so the per-row validation is left out.
    organisation = next(iter(systems.values())).organisation if systems else None
    created = services.objects_create_many(objs=lines, organisation=organisation, validate=False)
    return len(created)


def load(*, stdout=None) -> None:
    """Create (or complete) the demo organisation and print how to log in."""
    organisation = Organisation.objects.filter(code=data.ORGANISATION["code"]).first()
    if organisation is None:
        organisation = services.object_create(
            obj=Organisation(
                name=data.ORGANISATION["name"],
                code=data.ORGANISATION["code"],
                kind=data.ORGANISATION["kind"],
                cost_base_year=data.ORGANISATION["cost_base_year"],
            )
        )
    units = _units(organisation)
    registry_services.cost_items_seed(organisation=organisation)  # as `daicho init` does
    items = {i.code: i for i in CostItem.objects.filter(organisation=organisation)}
    for order, (code, name) in enumerate(data.COST_ITEMS, start=1):
        if code not in items:
            items[code] = registry_services.cost_item_create(
                organisation=organisation, code=code, name=name, sort_order=order
            )
    systems = _systems(organisation, units)
    line_count = _cost_lines(systems, items)
    vendors = {v.code: v for v in Vendor.objects.filter(organisation=organisation)}
    for row in data.VENDORS:
        if row["code"] not in vendors:
            vendors[row["code"]] = registry_services.vendor_create(
                organisation=organisation,
                code=row["code"],
                name=row["name"],
                corporate_number=row["corporate_number"],
                phone=row["phone"],
            )
    existing_contracts = set(
        Contract.objects.filter(organisation=organisation).values_list("code", flat=True)
    )
    for row in data.CONTRACTS:
        if row["code"] in existing_contracts:
            continue
        registry_services.contract_create(
            organisation=organisation,
            owner_unit=units[row["owner_unit"]],
            vendor=vendors[row["vendor"]],
            code=row["code"],
            title=row["title"],
            systems=[systems[c] for c in row["systems"]],
            kind=row["kind"],
            start_on=_date(row["start_on"]),
            end_on=_date(row["end_on"]),
            yearly_amount=row["yearly_amount"],
        )
    for row in data.USERS:
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            user = User(username=row["username"], first_name=row["display_name"])
            user.password = password_hash()
            services.object_create(obj=user)
        unit = units[row["unit"]] if row["unit"] else None
        if not Membership.objects.filter(
            user=user, organisation=organisation, role=row["role"]
        ).exists():
            services.membership_grant(
                user=user, organisation=organisation, role=row["role"], unit=unit
            )
    if stdout is not None:
        stdout.write(
            _("Demo organisation %(name)s: %(systems)d systems, %(lines)d new cost lines.")
            % {"name": organisation.name, "systems": len(systems), "lines": line_count}
        )
        stdout.write(
            _("Log in at http://127.0.0.1:8000/ as one of these users (password: %(password)s):")
            % {"password": DEMO_PASSWORD}
        )
        for row in data.USERS:
            stdout.write(f"  {row['username']:<8} {row['role']:<12} {row['display_name']}")
