"""Columns of the product list."""

from __future__ import annotations

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
