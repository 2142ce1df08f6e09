"""Filters of the unit list (UI and API), and the unit filters every list kept per unit uses."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField

from daicho.core import wareki
from daicho.core.models import AuditEvent, OrgUnit
from daicho.core.permissions import scope_of
from daicho.core.units import UnitRow, unit_rows

# Every list's filters are django-filter's FilterSet, as it is.
FilterSet = df.FilterSet


def visible_units(request):
    """The units the request's user can read, in tree order (a model choice filter's queryset)."""
    return OrgUnit.objects.visible_to(getattr(request, "user", None)).order_by("tree_key")


class UnitFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    code = df.CharFilter(field_name="code", lookup_expr="iexact", label=_("Code"))
    parent = df.ModelChoiceFilter(
        queryset=visible_units, to_field_name="code", label=_("Parent unit")
    )

    class Meta:
        model = OrgUnit
        fields = ["kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


# --- a fiscal year, as people write it ------------------------------------------------------------


class FiscalYearField(forms.CharField):
    """A fiscal year typed as 2014, 平成26年度 or H26; anything else is a form error."""

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return wareki.parse_fiscal_year(value)
        except wareki.WarekiError as exc:
            raise forms.ValidationError(str(exc)) from None


class FiscalYearFilter(df.CharFilter):
    """A fiscal year typed as 2014, 平成26年度 or H26, applied to a date field's range."""

    field_class = FiscalYearField

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        start, end = wareki.fiscal_year_range(value)
        return qs.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lte": end})


# --- unit filters shared by every list kept per unit ----------------------------------------------


class UnitCodeField(ChoiceField):
    """A unit's code, checked against the units the filter offers by its code."""

    def __init__(self, *args, unit_filter: UnitCodeFilter, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_filter = unit_filter

    def valid_value(self, value) -> bool:
        return bool(self.unit_filter.units_with_code(str(value)))


class UnitCodeFilter(df.ChoiceFilter):
    """A unit the user can read, chosen by its code; keeps the records whose unit (the FK named
    by ``field_name``) is that unit or one below it.

    The units come from the process's copy of each organisation's tree (daicho.core.units),
    read once per FilterSet and only when needed: a request makes no query for them.
    """

    field_class = UnitCodeField
    departments_only = False

    @property
    def field(self):
        # Lazy choices, and the field's lookups, bound to this request's copy of the filter. The
        # choices are a function, not a bound method: the form deep-copies its fields, and a
        # bound method would be copied with its filter, its FilterSet and the request.
        self.extra.update(choices=lambda: self.choices(), unit_filter=self)
        return super().field

    def units(self) -> list[UnitRow]:
        """The units offered: those the user reads (the departments among them, in their
        order, for a department filter)."""
        parent = self.parent
        units = getattr(parent, "_visible_units", None)
        if units is None:
            user = getattr(parent.request, "user", None)
            units = parent._visible_units = unit_rows(scope_of(user))
        if self.departments_only:
            return sorted(
                (u for u in units if u.parent_id is None), key=lambda u: (u.sort_order, u.code)
            )
        return units

    def units_with_code(self, code: str) -> list[UnitRow]:
        """The units offered with this code (one per organisation)."""
        found = self.__dict__.setdefault("_with_code", {})
        if code not in found:
            found[code] = [u for u in self.units() if u.code == code]
        return found[code]

    def choices(self) -> list[tuple[str, str]]:
        return [(u.code, u.name) for u in self.units()]

    def options_key(self) -> tuple | None:
        """The options are those of the unit trees of the organisations the user reads, at
        their versions (None when one has no version to go by)."""
        scope = scope_of(getattr(self.parent.request, "user", None))
        return scope.versions_read(scope.unit_versions)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        chosen = self.units_with_code(value)
        if self.departments_only:  # every unit of a department names it as its department
            return qs.filter(**{f"{self.field_name}__department_id__in": [u.pk for u in chosen]})
        match = Q(pk__in=[])
        for unit in chosen:
            match |= Q(**{f"{self.field_name}__path__startswith": unit.path})
        return qs.filter(match)


class DepartmentCodeFilter(UnitCodeFilter):
    """A department (a unit at the top of the tree) by its code: the records of all its units."""

    departments_only = True


class AuditEventFilterSet(FilterSet):
    """The audit log by actor, record, channel, action and import batch."""

    actor = df.CharFilter(label=_("Actor"), field_name="actor_name", lookup_expr="icontains")
    q = df.CharFilter(label=_("Object"), field_name="object_repr", lookup_expr="icontains")
    batch = df.CharFilter(label=_("Import batch"), field_name="request_id")

    class Meta:
        model = AuditEvent
        fields = ["channel", "action"]
