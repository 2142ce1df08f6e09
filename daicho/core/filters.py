"""Filters of the unit list (UI and API), and the unit filters every list kept per unit uses."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daicho.core.models import OrgUnit


def _units(request):
    return OrgUnit.objects.visible_to(getattr(request, "user", None)).order_by("path")


class UnitFilterSet(df.FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    code = df.CharFilter(field_name="code", lookup_expr="iexact", label=_("Code"))
    parent = df.ModelChoiceFilter(queryset=_units, to_field_name="code", label=_("Parent unit"))

    class Meta:
        model = OrgUnit
        fields = ["kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


# --- unit filters shared by every list kept per unit ----------------------------------------------


class UnitCodeFilter(df.ChoiceFilter):
    """A unit the user can read, chosen by its code; keeps the records whose unit (the FK named
    by ``field_name``) is that unit or one below it.

    Its choices are set by :class:`UnitChoicesFilterSet` from one query for all the unit filters
    of a form (a model choice field would build a model instance per unit, per filter).
    """

    departments_only = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [])
        super().__init__(*args, **kwargs)
        self.units: dict[str, list[tuple[int, str]]] = {}  # code → [(id, path)] (one per org)

    def use_units(self, units: list[tuple[int, str, str, str, int | None, int]]) -> None:
        """``units``: (id, code, name, path, parent id, sort order) of every unit, by path."""
        chosen = units
        if self.departments_only:
            chosen = sorted((u for u in units if u[4] is None), key=lambda u: (u[5], u[1]))
        self.extra["choices"] = [(u[1], u[2]) for u in chosen]
        self.units = {}
        for pk, code, _name, path, *_rest in chosen:
            self.units.setdefault(code, []).append((pk, path))

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        if self.departments_only:  # every unit of a department names it as its department
            ids = [pk for pk, _path in self.units.get(value, [])]
            return qs.filter(**{f"{self.field_name}__department_id__in": ids})
        match = Q(pk__in=[])
        for _pk, path in self.units.get(value, []):
            match |= Q(**{f"{self.field_name}__path__startswith": path})
        return qs.filter(match)


class DepartmentCodeFilter(UnitCodeFilter):
    """A department (a unit at the top of the tree) by its code: the records of all its units."""

    departments_only = True


class UnitChoicesFilterSet(df.FilterSet):
    """A FilterSet whose unit filters offer the units the request's user can read."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        unit_filters = [f for f in self.filters.values() if isinstance(f, UnitCodeFilter)]
        if unit_filters:
            units = list(
                OrgUnit.objects.visible_to(getattr(request, "user", None))
                .order_by("path")
                .values_list("pk", "code", "name", "path", "parent_id", "sort_order")
            )
            for unit_filter in unit_filters:
                unit_filter.use_units(units)
