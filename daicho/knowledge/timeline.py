"""The knowledge base's part of a system's カルテ: articles written about it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from daicho.core import timeline
from daicho.core.timeline import Entry, as_datetime
from daicho.knowledge.models import Article


def article_entries(system, *, user, start=None, end=None, limit=500):
    articles = Article.objects.visible_to(user).filter(systems=system)
    if start:
        articles = articles.filter(created_at__gte=as_datetime(start))
    if end:
        articles = articles.filter(created_at__lte=as_datetime(end, end=True))
    articles = articles.select_related("author").order_by("-created_at")[:limit]
    return [
        Entry(
            time=a.created_at,
            kind="article",
            title=f"{a.get_kind_display()} · {a.title}",
            actor=a.author.get_username() if a.author else "",
            url=a.get_absolute_url(),
            tone="info",
        )
        for a in articles
    ]


def register() -> None:
    timeline.register(
        "article", label=gettext_lazy("Knowledge articles"), fetch=article_entries, order=45
    )
