"""Filters of the unit list (UI and API), and the unit filters every list kept per unit uses."""

from __future__ import annotations

import copy
import functools

import django_filters as df
from django.db.models import Q
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField

from daicho.core.models import OrgUnit
from daicho.core.permissions import scope_of
from daicho.core.units import UnitRow, unit_rows


class FilterSet(df.FilterSet):
    """django-filter's FilterSet without its two deep copies per request.

    django-filter deep-copies every declared filter for each FilterSet, makes a form class, then
    the form deep-copies every field those filters just made: tens of thousands of calls on a
    list with fifteen filters. Here each filter is copied shallowly, with its own ``extra`` (the
    state a filter changes: model choice filters put the request's queryset there) and its own
    method binding, its form field made afresh for this request (or made once, where it is the
    same for every request), and the form, of a class made once, takes the fields as they are.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, declared in self.base_filters.items():
            filter_ = copy.copy(declared)
            filter_.__dict__.pop("_field", None)
            filter_.extra = dict(declared.extra)
            if getattr(declared, "_method", None) is not None:
                filter_.method = declared._method  # a FilterMethod that calls this copy's parent
            filter_.model = queryset.model
            filter_.parent = self
            if _field_is_fixed(declared):
                kept = declared.__dict__.get("_kept_field")
                if kept is None:  # made by the first request's copy (its label may need model)
                    kept = declared._kept_field = filter_.field
                filter_._field = kept
            self.filters[name] = filter_

    def get_form_class(self):
        """One form class per FilterSet class, without fields: the form takes this request's
        filter fields as they are (see :attr:`form`)."""
        form_class = _form_classes.get(type(self))
        if form_class is None:
            name = f"{type(self).__name__}Form"
            form_class = _form_classes[type(self)] = type(name, (self._meta.form,), {})
        return form_class

    @property
    def form(self):
        """The filter form, its fields those of this request's filters (no copies: each is
        made for this request, or is the same for every request)."""
        if not hasattr(self, "_form"):
            form = self.get_form_class()(
                self.data if self.is_bound else None, prefix=self.form_prefix
            )
            fields = {}
            for name, filter_ in self.filters.items():
                field = fields[name] = filter_.field
                field.html_key = html_key(filter_, self.base_filters[name])
            form.fields = fields
            self._form = form
        return self._form


_form_classes: dict[type, type] = {}


@functools.cache  # declared filters are class attributes: asked about on every request
def _field_is_fixed(declared) -> bool:
    """Whether a declared filter's form field is the same for every request, so that one made
    once serves them all (a form field is not changed by the forms that use it): not where it
    offers a queryset, calls for its choices, or makes its own field."""
    return (
        type(declared).field is df.Filter.field
        and not issubclass(declared.field_class, ModelChoiceField | ModelMultipleChoiceField)
        and "queryset" not in declared.extra
        and not callable(declared.extra.get("choices"))
    )


def html_key(filter_, declared) -> tuple | None:
    """What a filter field's HTML depends on beside its value and the language, where that is
    not the request: the form writes a field (and a select box's options) once per process and
    key, value and language (`templatetags.daicho.filter_fields`).

    A fixed field depends on its declaration alone; a unit filter on the versions of the unit
    trees it offers (`UnitCodeFilter.options_key`). Choices read from a queryset or a callable
    are written on each request (None).
    """
    # Declared filters are class attributes: their ids stay for the process.
    if hasattr(filter_, "options_key"):
        key = filter_.options_key()
        return None if key is None else (id(declared), key)
    return (id(declared),) if _field_is_fixed(declared) else None


def visible_units(request):
    """The units the request's user can read, in tree order (a model choice filter's queryset)."""
    return OrgUnit.objects.visible_to(getattr(request, "user", None)).order_by("path")


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
        # Lazy choices, and the field's lookups, bound to this request's copy of the filter.
        self.extra.update(choices=self.choices, unit_filter=self)
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
