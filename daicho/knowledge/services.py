"""Writes of the knowledge base: articles (rendered, sanitised and indexed when saved), tags,
and view tracking."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core.models import Organisation
from daicho.core.permissions import may_edit, scope_of
from daicho.core.services import actor, object_create, object_delete, object_update, require
from daicho.knowledge.models import Article, ArticleGram, ArticleView, Tag
from daicho.knowledge.text import bigrams, normalise, render_markdown
from daicho.registry.models import InformationSystem


def _tags(organisation: Organisation, names: Iterable[str]) -> list[Tag]:
    result = []
    for name in names:
        name = " ".join(name.split())[:50]
        if name:
            tag, _created = Tag.objects.get_or_create(organisation=organisation, name=name)
            result.append(tag)
    return result


def _index(article: Article, tag_names: Iterable[str]) -> None:
    """Refresh the article's rendered HTML, normalised text and bigram index."""
    article.body_html = render_markdown(article.body)
    article.search_text = normalise(f"{article.title}\n{article.body}\n{' '.join(tag_names)}")
    article.search_title = normalise(article.title)[:200]
    Article.objects.filter(pk=article.pk).update(
        body_html=article.body_html,
        search_text=article.search_text,
        search_title=article.search_title,
    )
    ArticleGram.objects.filter(article=article).delete()
    ArticleGram.objects.bulk_create(
        [ArticleGram(article=article, gram=g) for g in sorted(bigrams(article.search_text))],
        batch_size=1000,
    )


def _check_systems(organisation: Organisation, systems: list[InformationSystem]) -> None:
    if any(s.organisation_id != organisation.pk for s in systems):
        raise ValidationError({"systems": _("A system belongs to another organisation.")})


@transaction.atomic
def article_create(
    *,
    organisation: Organisation,
    title: str,
    body: str,
    kind: str = "article",
    tags: Iterable[str] = (),
    systems: list[InformationSystem] | None = None,
) -> Article:
    """Write an article or FAQ (any member who records systems, and the IT policy division)."""
    require(
        scope_of(actor()).writes_in(organisation.pk),
        _("Only staff who keep the ledger write articles."),
    )
    systems = systems or []
    _check_systems(organisation, systems)
    tag_list = _tags(organisation, tags)
    me = actor()
    article = object_create(
        obj=Article(
            organisation=organisation,
            title=title.strip(),
            body=body,
            kind=kind,
            author=me if me is not None and me.pk else None,
        ),
        m2m={"tags": tag_list, "systems": systems},
    )
    _index(article, [t.name for t in tag_list])
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    data: dict,
    tags: Iterable[str] | None = None,
    systems: list[InformationSystem] | None = None,
) -> Article:
    """Change an article (its author or the IT policy division)."""
    require(may_edit(article, actor()))
    m2m = {}
    if tags is not None:
        m2m["tags"] = _tags(article.organisation, tags)
    if systems is not None:
        _check_systems(article.organisation, systems)
        m2m["systems"] = systems
    if "title" in data:
        data = {**data, "title": data["title"].strip()}
    object_update(obj=article, data=data, m2m=m2m)
    _index(article, list(article.tags.values_list("name", flat=True)))
    return article


@transaction.atomic
def article_delete(*, article: Article) -> None:
    """Remove an article (its author or the IT policy division)."""
    require(may_edit(article, actor()))
    object_delete(obj=article)


def article_view_record(*, article: Article, user) -> None:
    """Count that ``user`` read the article today.

    Not an audit event: reading is usage, not a change to the ledger, and the audit log would
    drown in it.
    """
    if user is None or not getattr(user, "pk", None):
        return
    today = timezone.localdate()
    updated = ArticleView.objects.filter(article=article, user=user, viewed_on=today).update(
        count=F("count") + 1
    )
    if not updated:
        ArticleView.objects.get_or_create(
            article=article, user=user, viewed_on=today, defaults={"count": 1}
        )
