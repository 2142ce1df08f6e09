"""Columns of the product and matching-rule lists."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column
from daicho.core.templatetags.daicho import jdate
from daicho.lifecycle.models import Category


def _name(product) -> str:
    return format_html('<a href="{}">{}</a>', product.get_absolute_url(), product.name)


def _releases(product) -> str:
    """Each release with the end of support the organisation goes by (past ones in red)."""
    today = timezone.localdate()
    return format_html_join(
        "",
        '<div class="{}">{}: {}</div>',
        (
            ("text-danger" if r.eol and r.eol < today else "", r.label, jdate(r.eol) or "—")
            for r in product.releases.all()
        ),
    )


PRODUCT_COLUMNS = [
    Column("name", _("Product"), _name, sort=("name",), optional=False),
    Column("vendor", _("Vendor")),
    Column("category", _("Category"), choices=Category, sort=("category", "name")),
    Column("releases", _("Releases and end of support"), _releases),
]


def _code(value: str) -> str:
    return format_html("<code>{}</code>", value)


def _rule_delete(rule) -> str:
    # Shipped rules are not the organisation's to delete. The button posts the page's
    # `rule-delete` form (outside the table: forms do not nest) to the rule's address.
    if not rule.editable:
        return ""
    return format_html(
        '<button class="btn btn-link btn-sm text-danger p-0" form="rule-delete" '
        'formaction="{}">{}</button>',
        reverse("lifecycle:rule_delete", args=[rule.pk]),
        _("Delete"),
    )


RULE_COLUMNS = [
    Column("pattern", _("Pattern"), format=_code, optional=False),
    Column("product", _("Product"), field="product__name"),
    Column("cycle", _("Release cycle")),
    Column("priority", _("Priority"), numeric=True),
    Column("note", _("Note")),
    Column("shipped", _("Shipped"), format=lambda shipped: "○" if shipped else ""),
]
# For the IT policy division only.
RULE_DELETE_COLUMN = Column("delete", "", _rule_delete, optional=False)
