"""Template filters for Japanese public-sector figures: 年度, 和暦, 千円, △."""

from __future__ import annotations

import datetime

from django import forms, template
from django.forms.widgets import Input
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from daicho.core import money, wareki
from daicho.core.html import esc
from daicho.core.kept import Kept

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


class KeptNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context) -> str:
        key = (
            self.name,
            get_language(),
            get_script_prefix(),
            *(value.resolve(context) for value in self.vary_on),
        )
        html = _kept_blocks.get(key)
        if html is None:
            html = _kept_blocks.keep(key, self.nodelist.render(context))
        return html


_kept_blocks = Kept(1000)


@register.tag
def kept(parser, token):
    """``{% kept NAME [VALUE …] %}…{% endkept %}``: HTML that depends on nothing but the
    language and the values given (the frame of every page: style sheets, the menu, links to
    fixed pages), written once per process and kept in memory, not in a cache backend."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("kept needs a name")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])


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
    return mark_safe(f"<select{_attributes(attrs)}>{options}</select>")  # noqa: S308 (escaped)


@register.simple_tag
def filter_fields(form) -> str:
    """The fields of a list's filter form, each with its label, widget and errors (built in
    Python: a list page shows a dozen of them on every request)."""
    parts = []
    language = get_language()
    for field in form:
        if field.name == "ordering":  # the table's headers sort
            continue
        # A field whose filter gives a key (core.filters.html_key) is written once per key,
        # value and language; one with errors each time.
        key = getattr(field.field, "html_key", None)
        if key is not None and not field.errors:
            value = tuple(form.data.getlist(field.html_name)) if form.is_bound else None
            key = (key, field.html_name, field.auto_id, language, value)
            html = _kept_fields.get(key)
            if html is None:
                html = _kept_fields.keep(key, _filter_field(field))
        else:
            html = _filter_field(field)
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 (every value is escaped)


_kept_fields = Kept(5000)  # values typed into search boxes pile up


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


_kept_options = Kept(1000)  # unit trees renewed many times in a long-lived process


def _options(field) -> list[tuple[str, str, str]]:
    """A select box's options as (value, the tag up to where `selected` goes, the rest), escaped.

    Where the field's filter says what they depend on (`core.filters.html_key`), they are
    written once per process and language: the unit filters offer a hundred units or more.
    """
    key = getattr(field, "html_key", None)
    if key is not None:
        key = (key, get_language())
        kept = _kept_options.get(key)
        if kept is not None:
            return kept
    options = [
        (str(v), f'<option value="{esc(v)}"', f">{esc(label)}</option>")
        for v, label in _flat_choices(field)
    ]
    return options if key is None else _kept_options.keep(key, options)


def _flat_choices(field):
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # option groups are flattened
            yield from label
        else:
            yield ("" if value is None else getattr(value, "value", value)), label
