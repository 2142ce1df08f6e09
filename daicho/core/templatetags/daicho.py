"""Template filters for Japanese public-sector figures: 年度, 和暦, 千円, △."""

from __future__ import annotations

import datetime
import hashlib

from django import forms, template
from django.core.cache import caches
from django.forms.widgets import Input
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from daicho.core import money, wareki
from daicho.core.html import esc
from daicho.core.widgets import PickerMixin

register = template.Library()


def _japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


@register.filter
def fy(value, style: str = "both") -> str:
    """2014 → 2014年度（平成26年度） in Japanese, FY2014 in English."""
    if value in (None, ""):
        return ""
    try:
        return wareki.format_fiscal_year(int(value), style=style if _japanese() else "en")
    except (ValueError, OverflowError):  # a year no era table covers: show it as it is
        return str(value)


@register.filter
def jdate(value) -> str:
    """A date as 平成26年4月1日 (Japanese) or 2014-04-01."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return wareki.format_date(value) if _japanese() else value.isoformat()


@register.filter
def jdatetime(value) -> str:
    """A moment in local time: 平成26年4月1日 09:30 (Japanese) or 2014-04-01 09:30."""
    if not value:
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{jdate(value)} {value:%H:%M}"


@register.filter
def yen(value) -> str:
    """Integer yen with separators; negatives as △."""
    return money.format_yen(None if value in (None, "") else int(value))


@register.filter
def kyen(value) -> str:
    """Yen shown in 千円 (thousands), rounded half up; negatives as △."""
    return money.format_yen(None if value in (None, "") else int(value), unit="thousand")


@register.filter
def percent(value, digits: int = 1) -> str:
    return money.format_percent(value, digits)


@register.simple_tag(takes_context=True)
def query(context, **kwargs) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    from daicho.core.html import query_string

    return query_string(context["request"].GET, **kwargs)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def widget(bound_field) -> str:
    """A form field's widget; select boxes are built in Python (a template per option is slow on
    long unit lists)."""
    w = bound_field.field.widget
    if isinstance(w, Input) and not isinstance(w, forms.CheckboxInput | forms.FileInput):
        return _input(bound_field, w)
    if not isinstance(w, forms.Select) or isinstance(w, forms.RadioSelect):
        return bound_field.as_widget()
    value = bound_field.value()
    selected = (
        {str(v) for v in value}
        if isinstance(value, list | tuple)
        else {"" if value is None else str(value)}
    )
    attrs = {**w.attrs, "name": bound_field.html_name, "id": bound_field.auto_id}
    attrs = {k: v for k, v in attrs.items() if v is not True}  # no bare flags but `multiple`
    if isinstance(w, forms.SelectMultiple):
        attrs["multiple"] = True
    options = "".join(
        f"{start}{' selected' if value in selected else ''}{end}"
        for value, start, end in _options(bound_field.field)
    )
    select = mark_safe(f"<select{_attributes(attrs)}>{options}</select>")  # noqa: S308 (escaped)
    if isinstance(w, PickerMixin):
        return w.wrap(select, bound_field.auto_id)
    return select


@register.simple_tag
def filter_fields(form) -> str:
    """The fields of a list's filter form, each with its label, widget and errors (built in
    Python: a list page shows a dozen of them on every request)."""
    fields = (_filter_field(field) for field in form if field.name != "ordering")  # headers sort
    return mark_safe("".join(fields))  # noqa: S308 (every value is escaped)


def _filter_field(field) -> str:
    """One filter field: its label, its widget and its errors, in a grid column."""
    html = (
        '<div class="col-6 col-md-3 col-xl-2">'
        f'<label class="form-label" for="{esc(field.id_for_label)}">{esc(field.label)}</label>'
        f"{widget(field)}"
    )
    if field.errors:
        html += f'<div class="errorlist">{esc(" ".join(field.errors))}</div>'
    return f"{html}</div>"


def _input(bound_field, w) -> str:
    """A text-like input as Django's widget template writes it."""
    extra = bound_field.build_widget_attrs({}, w)  # required, disabled, aria-invalid, …
    if bound_field.auto_id and "id" not in w.attrs:
        extra.setdefault("id", bound_field.auto_id)
    attrs = w.build_attrs(w.attrs, extra)
    value = w.format_value(bound_field.value())
    html = f'<input type="{esc(w.input_type)}" name="{esc(bound_field.html_name)}"'
    if value is not None:
        html += f' value="{esc(value)}"'
    return mark_safe(f"{html}{_attributes(attrs)}>")  # noqa: S308 (every value is escaped)


def _attributes(attrs: dict) -> str:
    """HTML attributes as Django's attrs.html writes them: True as a bare name, False and None
    left out."""
    return "".join(
        f" {esc(key)}" if value is True else f' {esc(key)}="{esc(value)}"'
        for key, value in attrs.items()
        if value is not False and value is not None
    )


def _options(field) -> list[tuple[str, str, str]]:
    """A select box's options as (value, the tag up to where `selected` goes, the rest), escaped.

    A unit filter's options (a hundred units or more) are kept per process, language and
    version of the unit trees it offers (`core.filters.UnitCodeFilter.options_key`).
    """
    unit_filter = getattr(field, "unit_filter", None)
    key = unit_filter.options_key() if unit_filter is not None else None
    if key is None:
        return _written_options(field)
    digest = hashlib.md5(repr(key).encode(), usedforsecurity=False).hexdigest()
    key = f"options:{type(unit_filter).__name__}:{get_language()}:{digest}"
    return caches["memo"].get_or_set(key, lambda: _written_options(field))


def _written_options(field) -> list[tuple[str, str, str]]:
    return [
        (str(v), f'<option value="{esc(v)}"', f">{esc(label)}</option>")
        for v, label in _flat_choices(field)
    ]


def _flat_choices(field):
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # option groups are flattened
            yield from label
        else:
            yield ("" if value is None else getattr(value, "value", value)), label
