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
from daicho.core.importing.refs import unit_resolver
from daicho.core.models import OrgUnit, UnitKind

_key = text_key  # codes and names as keys compare them (NFKC, case, spaces)


class UnitImport(Kind):
    """Units: upsert by code; a parent (by code or name) must exist or come earlier in the file.

    Natural key: 組織コード (required: an official unit list always has one).
    """

    name = "units"
    title = gettext_lazy("Units")
    fields = [
        Field(
            "code", "組織コード", v.code(30), required=True, get=lambda u: u.code, example="200000"
        ),
        Field(
            "name", "組織名", v.text(100), required=True, get=lambda u: u.name, example="市民生活部"
        ),
        Field(
            "kind",
            "種別",
            v.choice(UnitKind.choices, synonyms="units.kind"),
            get=lambda u: u.kind,
            example="部局",
        ),
        Field(
            "parent", "上位組織", v.text(100), get=lambda u: u.parent.code if u.parent_id else None
        ),
        Field("sort_order", "表示順", v.integer, get=lambda u: u.sort_order, example="20"),
    ]

    def key(self, values):
        return _key(values["code"])

    def export_queryset(self, user):
        return OrgUnit.objects.visible_to(user).select_related("parent").order_by("tree_key")

    def process(self, rows, ctx):
        """Upsert by code. A unit the ledger already has under another code (made by an earlier
        import of a system ledger, D01 …) is adopted: found by its place and name, it takes the
        official code and place, so no twin is made and nothing recorded against it moves."""
        resolver = unit_resolver(ctx)
        codes_in_file = {_key(row.values["code"]) for row in rows}
        for row in rows:
            values = row.values
            parent = None
            if values.get("parent"):
                found = resolver.lookup(values["parent"])
                parent = found if isinstance(found, OrgUnit) else None
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
            existing = resolver.by_code.get(_key(values["code"]))
            if existing is None:
                existing = self._adoptable(resolver, values["name"], parent, codes_in_file)
            try:
                unit = ctx.upsert(
                    existing,
                    {**data, "code": values["code"]} if existing is not None else data,
                    row=row,
                    update=partial(services.unit_update, unit=existing),
                    create=partial(
                        services.unit_create,
                        organisation=ctx.organisation,
                        code=values["code"],
                        **data,
                    ),
                )
                resolver.forget(unit)
                unit.refresh_from_db()
                resolver.add(unit)
            except ValidationError as exc:
                ctx.reject_validation(row, exc)
            except PermissionDenied as exc:
                ctx.reject(row, "", str(exc) or _("You may not edit units."))

    @staticmethod
    def _adoptable(resolver, name: str, parent: OrgUnit | None, codes_in_file: set[str]):
        """The unit already in the ledger that this row names by place and name, if its own code
        is not one the file gives to another unit."""
        found = resolver.lookup(name, under=parent) if parent else resolver.lookup(name)
        if isinstance(found, OrgUnit) and _key(found.code) not in codes_in_file:
            return found
        return None


def register_kinds() -> None:
    register(UnitImport())
