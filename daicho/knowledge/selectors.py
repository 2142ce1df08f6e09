"""Reads of the knowledge base: search, usage."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from daicho.core import wareki
from daicho.core.models import Membership, Organisation, Role
from daicho.knowledge.models import Article, ArticleGram, ArticleView
from daicho.knowledge.text import bigrams, terms


def article_search(*, user, query: str = "", tag: str = "", system=None, kind: str = ""):
    """Articles the user may read matching every word of ``query``; title matches first."""
    articles = Article.objects.visible_to(user)
    if tag:
        articles = articles.filter(tags__name=tag)
    if system is not None:
        articles = articles.filter(systems=system)
    if kind:
        articles = articles.filter(kind=kind)
    return article_match(articles_with_views(articles), query)


def articles_with_views(articles):
    """The articles with their total views (``view_total``), newest first, with their author and
    tags."""
    views = (
        ArticleView.objects.filter(article=OuterRef("pk"))
        .values("article")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return (
        articles.annotate(view_total=Subquery(views))
        .order_by("-updated_at", "-pk")
        .select_related("author")
        .prefetch_related("tags")
    )


def article_match(articles, query: str):
    """The articles that contain every word of ``query``, title matches first.

    Each word narrows the candidates through the bigram index (one indexed `IN … GROUP BY`
    subquery), then the normalised text must contain the word itself.
    """
    title_hits = []
    for word in terms(query):
        grams = bigrams(word)
        if grams:
            candidates = (
                ArticleGram.objects.filter(gram__in=grams)
                .values("article_id")
                .annotate(found=Count("gram"))
                .filter(found=len(grams))
                .values("article_id")
            )
            articles = articles.filter(pk__in=candidates)
        articles = articles.filter(search_text__contains=word)
        title_hits.append(When(search_title__contains=word, then=Value(1)))
    if not title_hits:
        return articles
    return articles.annotate(
        title_hit=sum(
            (Case(hit, default=Value(0), output_field=IntegerField()) for hit in title_hits),
            Value(0),
        )
    ).order_by("-title_hit", "-updated_at", "-pk")


def it_policy_staff(organisation: Organisation):
    """The IT policy division's active staff (today's memberships)."""
    return (
        Membership.objects.filter(
            organisation=organisation, role=Role.IT_POLICY, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def knowledge_users(organisation: Organisation, fiscal_year: int) -> set[int]:
    """Users who read or wrote an article of the organisation during the fiscal year."""
    start, end = wareki.fiscal_year_range(fiscal_year)
    readers = ArticleView.objects.filter(
        article__organisation=organisation, viewed_on__gte=start, viewed_on__lte=end
    ).values_list("user_id", flat=True)
    writers = Article.objects.filter(
        Q(organisation=organisation)
        & Q(created_at__date__gte=start)
        & Q(created_at__date__lte=end)
        & Q(author__isnull=False)
    ).values_list("author_id", flat=True)
    return set(readers) | set(writers)


def articles_used(organisation: Organisation, fiscal_year: int, *, users) -> QuerySet[Article]:
    """The organisation's articles that any of ``users`` read or wrote during the fiscal year."""
    start, end = wareki.fiscal_year_range(fiscal_year)
    read = ArticleView.objects.filter(
        article__organisation=organisation,
        viewed_on__gte=start,
        viewed_on__lte=end,
        user_id__in=users,
    ).values("article_id")
    return Article.objects.filter(organisation=organisation).filter(
        Q(pk__in=read)
        | Q(created_at__date__gte=start, created_at__date__lte=end, author_id__in=users)
    )
