"""Loads the demo organisation 岡山県 (data in data/demo.yaml, expanded by demo_data.py) through
the import engine, as an organisation loads its own files; idempotent (what exists is kept)."""

from __future__ import annotations

import functools
import random

from django.contrib.auth.hashers import get_hasher, make_password
from django.utils.translation import gettext as _

from daicho.core import services
from daicho.core.demo import import_rows
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


def password_hash() -> str:
    """The demo password hashed once for every demo user (each hash costs most of a second),
    by the hasher the settings name first (a hash made before the settings changed would not
    sign in: the tests change them)."""
    return _password_hash(get_hasher().algorithm)


@functools.cache
def _password_hash(algorithm: str) -> str:
    return make_password(DEMO_PASSWORD, hasher=algorithm)


def _units(organisation: Organisation) -> dict[str, OrgUnit]:
    """The departments and their sections, as the unit import loads an official unit list."""
    have = set(OrgUnit.objects.filter(organisation=organisation).values_list("code", flat=True))
    rows = []
    for order, dept in enumerate(data.DEPARTMENTS, start=1):
        rows.append(
            {
                "code": dept["code"],
                "name": dept["name"],
                "kind": "department",
                "parent": None,
                "sort_order": order,
            }
        )
        rows += [
            {
                "code": section["code"],
                "name": section["name"],
                "kind": section["kind"],
                "parent": dept["code"],
                "sort_order": position,
            }
            for position, section in enumerate(dept["sections"], start=1)
        ]
    rows = [row for row in rows if row["code"] not in have]
    import_rows("units", rows, organisation=organisation, name="demo-units.csv")
    return {u.code: u for u in OrgUnit.objects.filter(organisation=organisation)}


def _systems(organisation) -> dict[str, InformationSystem]:
    """The 202 systems, as the system import loads a system ledger (部局 and 課 by name)."""
    have = set(
        InformationSystem.objects.filter(organisation=organisation).values_list("code", flat=True)
    )
    depts = {d["code"]: d["name"] for d in data.DEPARTMENTS}
    rows = []
    for row in data.SYSTEMS:
        if row["code"] in have:
            continue
        description = row["description"]
        if row.get("planned_in_service_on"):
            description += _(" (planned to go live on %(date)s)") % {
                "date": row["planned_in_service_on"]
            }
        rows.append(
            {
                "code": row["code"],
                "name": row["name"],
                "department": depts[row["dept"]],
                "section": data.SECTION_INDEX[row["section"]]["name"],
                "status": row["status"],
                "in_service_from": row["in_service_on"],
                "retired_on": row["retired_on"],
                "hosting": row["hosting"],
                "confidentiality": row["confidentiality"],
                "integrity": row["integrity"],
                "availability": row["availability"],
                "users": row["users"],
                "personal_data": _yes(row["personal_data"]),
                "my_number": _yes(row["my_number"]),
                "standard_business": row["standard_business"],
                "sso_integrated": _yes(row["sso"]),
                # The prefecture publishes its systems except the most confidential ones.
                "open_data": _yes(row["confidentiality"] != "3" and row["status"] != "planning"),
                "description": description,
            }
        )
    import_rows("systems", rows, organisation=organisation, name="demo-systems.csv")
    return {s.code: s for s in InformationSystem.objects.filter(organisation=organisation)}


def _yes(flag: bool) -> str:
    return "あり" if flag else "なし"


def _budget(row: dict, fy: int) -> int:
    """The yearly operating budget: the data's expansion plus a small drift after FY2014."""
    budget = (
        data.operating_budget(row, min(fy, 2014)) if fy > 2014 else data.operating_budget(row, fy)
    )
    if fy > 2014 and budget:
        rng = random.Random(f"{row['code']}-{fy}")
        budget = int(round(budget * rng.uniform(0.99, 1.02), -3))
    return budget


def _cost_lines(organisation, systems) -> int:
    """Budget and actual, build and operation, FY2008–FY2016, for systems without any costs
    yet: a cost sheet as the cost import loads it."""
    have_costs = set(
        CostLine.objects.filter(system__in=systems.values())
        .values_list("system_id", flat=True)
        .distinct()
    )
    lines: list[dict] = []

    def line(code, fy, basis, category, item, amount):
        lines.append(
            {
                "system": code,
                "fiscal_year": fy,
                "basis": basis,
                "category": category,
                "item": item,
                "amount": amount,
            }
        )

    for row in data.SYSTEMS:
        if systems[row["code"]].pk in have_costs:
            continue
        builds = dict(row["cost_profile"]["build"])
        for fy in range(2008, LAST_FY + 1):
            rng = random.Random(f"{row['code']}-actual-{fy}")
            operation = _budget(row, fy)
            for basis in (Basis.BUDGET, Basis.ACTUAL):
                factor = 1.0 if basis == Basis.BUDGET else rng.uniform(0.93, 0.99)
                if operation:
                    for code, amount in data.split_operating(operation, row["hosting"]).items():
                        line(
                            row["code"],
                            fy,
                            basis,
                            Category.OPERATION,
                            code,
                            int(round(amount * factor, -3)),
                        )
                if builds.get(fy):
                    line(
                        row["code"],
                        fy,
                        basis,
                        Category.INITIAL,
                        data.BUILD_ITEM,
                        int(round(builds[fy] * factor, -3)),
                    )
    return import_rows("costs", lines, organisation=organisation, name="demo-costs.csv")


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
    have = set(CostItem.objects.filter(organisation=organisation).values_list("code", flat=True))
    items = [
        {"code": code, "name": name, "sort_order": order}
        for order, (code, name) in enumerate(data.COST_ITEMS, start=1)
        if code not in have
    ]
    import_rows("cost-items", items, organisation=organisation, name="demo-cost-items.csv")
    have = set(Vendor.objects.filter(organisation=organisation).values_list("code", flat=True))
    vendors = [
        {k: row[k] for k in ("code", "name", "corporate_number", "phone")}
        for row in data.VENDORS
        if row["code"] not in have
    ]
    import_rows("vendors", vendors, organisation=organisation, name="demo-vendors.csv")
    systems = _systems(organisation)
    line_count = _cost_lines(organisation, systems)
    have = set(Contract.objects.filter(organisation=organisation).values_list("code", flat=True))
    contracts = [
        {
            "code": row["code"],
            "title": row["title"],
            "vendor": row["vendor"],
            "owner_unit": row["owner_unit"],
            "systems": " ".join(row["systems"]),
            "kind": row["kind"],
            "start_on": row["start_on"],
            "end_on": row["end_on"],
            "yearly_amount": row["yearly_amount"],
        }
        for row in data.CONTRACTS
        if row["code"] not in have
    ]
    import_rows("contracts", contracts, organisation=organisation, name="demo-contracts.csv")
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
