"""Units named in a file, found the one way every kind finds them (the reference policy).

A unit is found by its code; else by its path of names (総務部/情報政策課, 総務部＞情報政策課);
else by a name that is unique at any level of the tree. A name that several units carry is
refused with the paths to choose from. What the ledger lacks is created (and listed under
新しい組織) unless the user refused units (`--no-create units`): a department at the top, a
section below the department the row names.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from daicho.core.importing.engine import Context, Row
from daicho.core.importing.keys import text_key
from daicho.core.models import OrgUnit, UnitKind
from daicho.core.services import unit_create

# 総務部/情報政策課, 総務部／情報政策課 (NFKC makes ／ a /), 総務部＞情報政策課, 総務部 > 情報政策課
PATH_SEPARATORS = re.compile(r"\s*[/>＞]\s*")


_key = text_key  # unit codes and names compare as every natural key does


class UnitResolver:
    """The units of one organisation, loaded once per import (``unit_resolver(ctx)``)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.by_code: dict[str, OrgUnit] = {}
        self.by_name: dict[str, list[OrgUnit]] = defaultdict(list)
        self.children: dict[int | None, dict[str, OrgUnit]] = defaultdict(dict)
        self.units: dict[int, OrgUnit] = {}
        for unit in OrgUnit.objects.filter(organisation=ctx.organisation).order_by("tree_key"):
            self.add(unit)

    def add(self, unit: OrgUnit) -> None:
        """Know a unit (new, or read again after a change)."""
        self.units[unit.pk] = unit
        self.by_code[_key(unit.code)] = unit
        self.by_name[_key(unit.name)].append(unit)
        self.children[unit.parent_id].setdefault(_key(unit.name), unit)

    def forget(self, unit: OrgUnit) -> None:
        """Drop what is known of a unit (before it is read again with a new code or place)."""
        old = self.units.pop(unit.pk, None)
        if old is None:
            return
        if self.by_code.get(_key(old.code)) is old:
            del self.by_code[_key(old.code)]
        self.by_name[_key(old.name)] = [u for u in self.by_name[_key(old.name)] if u.pk != old.pk]
        if self.children[old.parent_id].get(_key(old.name)) is old:
            del self.children[old.parent_id][_key(old.name)]

    # -- finding -----------------------------------------------------------------------------

    def path_of(self, unit: OrgUnit) -> str:
        """総務部/情報政策課: the unit's names from the top."""
        names = []
        while unit is not None:
            names.append(unit.name)
            unit = self.units.get(unit.parent_id) if unit.parent_id else None
        return "/".join(reversed(names))

    def _below(self, ancestor: OrgUnit, name: str) -> list[OrgUnit]:
        """Units named ``name`` anywhere below ``ancestor``."""
        return [
            u
            for u in self.by_name.get(_key(name), [])
            if u.pk != ancestor.pk and self._descends(u, ancestor)
        ]

    def _descends(self, unit: OrgUnit, ancestor: OrgUnit) -> bool:
        while unit.parent_id:
            if unit.parent_id == ancestor.pk:
                return True
            unit = self.units[unit.parent_id]
        return False

    def lookup(self, text: str, *, under: OrgUnit | None = None) -> OrgUnit | list[OrgUnit] | None:
        """The unit ``text`` names (code, path of names, or unique name), the candidates when
        the name is ambiguous, or None. ``under``: look below that unit first."""
        text = (text or "").strip()
        if not text:
            return None
        unit = self.by_code.get(_key(text))
        if unit is not None:
            return unit
        parts = [p for p in PATH_SEPARATORS.split(text) if p]
        if len(parts) > 1:
            found: OrgUnit | None = None
            for index, part in enumerate(parts):
                if found is None and index == 0:
                    candidate = self.lookup(part)
                    found = candidate if isinstance(candidate, OrgUnit) else None
                else:
                    found = self._child(found, part) if found else None
                if found is None:
                    return None
            return found
        if under is not None:
            candidates = self._below(under, text)
            if len(candidates) == 1:
                return candidates[0]
            if candidates:
                child = self.children[under.pk].get(_key(text))
                return child or candidates
        candidates = self.by_name.get(_key(text), [])
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            top = [u for u in candidates if u.parent_id is None]
            return top[0] if len(top) == 1 else candidates
        return None

    def _child(self, parent: OrgUnit, name: str) -> OrgUnit | None:
        child = self.children[parent.pk].get(_key(name))
        if child is not None:
            return child
        below = self._below(parent, name)
        return below[0] if len(below) == 1 else None

    # -- resolving rows (find or create) -------------------------------------------------------

    def find(self, row: Row | int, column: str, text: str) -> OrgUnit | None:
        """The unit a cell names, created (with its path) when the ledger lacks it; None when
        the row was rejected."""
        found = self.lookup(text)
        if isinstance(found, OrgUnit):
            return found
        if isinstance(found, list):
            return self._ambiguous(row, column, text, found)
        parts = [p for p in PATH_SEPARATORS.split(text.strip()) if p]
        parent: OrgUnit | None = None
        for part in parts:
            existing = self._child(parent, part) if parent else self._top_or_unique(part)
            if existing is None:
                existing = self._create(row, column, part, parent)
                if existing is None:
                    return None
            parent = existing
        return parent

    def find_pair(
        self,
        row: Row,
        department_column: str,
        department: str,
        section_column: str,
        section: str | None,
    ) -> OrgUnit | None:
        """The unit of a 部局 column and a 課 column (the section below the department)."""
        dept = self.lookup(department)
        if isinstance(dept, list):
            return self._ambiguous(row, department_column, department, dept)
        if dept is None:
            dept = self.find(row, department_column, department)
            if dept is None:
                return None
        if not section:
            return dept
        unit = self.by_code.get(_key(section))
        if unit is not None and (unit.pk == dept.pk or self._descends(unit, dept)):
            return unit
        unit = self._child(dept, section)
        if unit is not None:
            return unit
        candidates = self._below(dept, section)
        if candidates:
            return self._ambiguous(row, section_column, section, candidates)
        return self._create(row, section_column, section, dept)

    def _top_or_unique(self, name: str) -> OrgUnit | None:
        found = self.lookup(name)
        return found if isinstance(found, OrgUnit) else None

    def _ambiguous(self, row, column: str, text: str, candidates: list[OrgUnit]) -> None:
        self.ctx.reject(
            row,
            column,
            _("Several units are called %(name)s: %(paths)s — write the path or the code.")
            % {
                "name": text,
                "paths": "、".join(
                    f"{self.path_of(u)} ({u.code})" for u in sorted(candidates, key=self.path_of)
                ),
            },
            text,
        )
        return None

    def _create(self, row, column: str, name: str, parent: OrgUnit | None) -> OrgUnit | None:
        ctx = self.ctx
        if not ctx.may_create("units"):
            ctx.refuse_missing(row, column, "units", name)
            return None
        try:
            unit = unit_create(
                organisation=ctx.organisation,
                code=self._next_code(parent),
                name=name,
                kind=UnitKind.SECTION if parent else UnitKind.DEPARTMENT,
                parent=parent,
            )
        except (ValidationError, PermissionDenied) as exc:
            ctx.reject(row, column, " ".join(getattr(exc, "messages", [str(exc)])), name)
            return None
        self.add(unit)
        ctx.created("units", f"{self.path_of(unit)} ({unit.code})")
        return unit

    def _next_code(self, parent: OrgUnit | None) -> str:
        prefix = f"{parent.code}-" if parent else "D"
        n = 1
        while _key(f"{prefix}{n:02d}") in self.by_code:
            n += 1
        return f"{prefix}{n:02d}"


def unit_resolver(ctx: Context) -> UnitResolver:
    """The import's unit resolver (one per import, shared by the kind's chunks)."""
    resolver = ctx.cache.get("unit_resolver")
    if resolver is None:
        resolver = ctx.cache["unit_resolver"] = UnitResolver(ctx)
    return resolver
