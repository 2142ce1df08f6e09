"""Columns of the article list."""

from __future__ import annotations

from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column
from daicho.knowledge.models import ArticleKind


def _title(article) -> str:
    if article.kind == ArticleKind.FAQ:
        return format_html('<span class="badge text-bg-info me-1">FAQ</span>{}', article.title)
    return article.title


def _summary(article) -> str:
    return Truncator(strip_tags(article.body_html)).chars(140)


def _tags(article) -> str:
    return " ".join(t.name for t in article.tags.all())


ARTICLE_COLUMNS = [
    Column(
        "title",
        _("Title"),
        _title,
        sort=("title",),
        link="knowledge:article_detail",
        optional=False,
    ),
    Column("summary", _("Summary"), _summary),
    Column("tags", _("Tags"), _tags),
    Column("updated_at", _("Updated"), format=lambda t: localtime(t).strftime("%Y-%m-%d")),
    Column("view_total", _("Views"), format=lambda n: n or 0, numeric=True),
]
