"""Filters of the article list: words (title matches first), kind, tag, system."""

from __future__ import annotations

import django_filters as df
from django.utils.translation import gettext_lazy as _

from daicho.core.filters import FilterSet
from daicho.knowledge import selectors
from daicho.knowledge.models import Article, ArticleKind, Tag


def _visible_tags(request):
    return Tag.objects.visible_to(getattr(request, "user", None)).order_by("name")


class ArticleFilterSet(FilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    kind = df.ChoiceFilter(label=_("Kind"), choices=ArticleKind.choices)
    tag = df.ModelChoiceFilter(
        label=_("Tag"), queryset=_visible_tags, field_name="tags", to_field_name="name"
    )
    system = df.CharFilter(label=_("System ID"), field_name="systems__code")

    class Meta:
        model = Article
        fields: list[str] = []

    def search(self, queryset, name, value):
        return selectors.article_match(queryset, value)
