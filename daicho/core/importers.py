"""Import (and export) kind of the core: the unit tree (部局 → 課室/所属, 出先機関)."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core import services
from daicho.core.importing import values as v
from daicho.core.importing.engine import Field, Kind, register
from daicho.core.importing.keys import text_key
from daicho.core.models import OrgUnit, UnitKind

_key = text_key  # codes and names as keys compare them (NFKC, case, spaces)


class UnitImport(Kind):
    """Units: upsert by code; a parent (by code or name) must exist or come earlier in the file.

    Natural key: 組織コード (required: an official unit list always has one).
    """

    name = "units"
    title = gettext_lazy("Units")
    fields = [
        Field("code", "組織コード", v.code(30), required=True, get=lambda u: u.code),
        Field("name", "組織名", v.text(100), required=True, get=lambda u: u.name),
        Field("kind", "種別", v.choice(UnitKind.choices), get=lambda u: u.kind),
        Field(
            "parent", "上位組織", v.text(100), get=lambda u: u.parent.code if u.parent_id else None
        ),
        Field("sort_order", "表示順", v.integer, get=lambda u: u.sort_order),
    ]

    def key(self, values):
        return _key(values["code"])

    def export_queryset(self, user):
        return OrgUnit.objects.visible_to(user).select_related("parent").order_by("path")

    def process(self, rows, ctx):
        units = {}
        for unit in OrgUnit.objects.filter(organisation=ctx.organisation).select_related("parent"):
            units[_key(unit.code)] = unit
        names = {_key(u.name): u for u in units.values()}
        for row in rows:
            values = row.values
            parent = None
            if values.get("parent"):
                parent = units.get(_key(values["parent"])) or names.get(_key(values["parent"]))
                if parent is None:
                    ctx.reject(
                        row,
                        "parent",
                        _(
                            "No such unit: %(name)s (a parent must exist or "
                            "come earlier in the file)"
                        )
                        % {"name": values["parent"]},
                    )
                    continue
            kind = values.get("kind") or (UnitKind.SECTION if parent else UnitKind.DEPARTMENT)
            data = {"name": values["name"], "kind": kind, "parent": parent}
            if values.get("sort_order") is not None:
                data["sort_order"] = values["sort_order"]
            existing = units.get(_key(values["code"]))
            try:
                unit = ctx.upsert(
                    existing,
                    data,
                    update=partial(services.unit_update, unit=existing),
                    create=partial(
                        services.unit_create,
                        organisation=ctx.organisation,
                        code=values["code"],
                        **data,
                    ),
                )
                units[_key(unit.code)] = unit
                names.setdefault(_key(unit.name), unit)
            except ValidationError as exc:
                ctx.reject_validation(row, exc)
            except PermissionDenied as exc:
                ctx.reject(row, "", str(exc) or _("You may not edit units."))


def register_kinds() -> None:
    register(UnitImport())
