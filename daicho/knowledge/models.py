"""The knowledge base (ナレッジデータベース): articles and FAQ in Markdown, tags, links to
systems, a character-bigram search index that behaves the same on SQLite and PostgreSQL, and who
read what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daicho.core.models import Organisation
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.registry.models import InformationSystem


class Tag(models.Model):
    """A keyword that groups articles (e.g. 調達, クラウド, 予算要求)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=50)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="knowledge_tag_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ArticleKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    FAQ = "faq", _("FAQ")


class ArticleQuerySet(ScopedQuerySet):
    """Articles: every member reads them; their author and the IT policy division edit them."""

    def editable_q(self, scope, user):
        author = Q(author_id=user.pk) if getattr(user, "pk", None) else Q(pk__in=[])
        return super().editable_q(scope, user) | (author & self.model.scoped.visible_q(scope))


class Article(models.Model):
    """A piece of know-how: an article or a question and its answer, in Markdown."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ArticleKind.choices, default=ArticleKind.ARTICLE
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    # Rendered and sanitised when saved (never rendered from user input at display time).
    body_html = models.TextField(editable=False, default="")
    # NFKC, lower case: title, body and tags; what the search matches against.
    search_text = models.TextField(editable=False, default="")
    # The normalised title: title matches rank first, compared the same way on both databases.
    search_title = models.CharField(max_length=200, editable=False, default="")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    systems = models.ManyToManyField(
        InformationSystem, blank=True, related_name="articles", verbose_name=_("systems")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scoped = Scoped()
    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article_detail", args=[self.pk])


class ArticleGram(models.Model):
    """One character bigram of an article's search text: the portable full-text index."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    gram = models.CharField(max_length=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gram", "article"], name="knowledge_gram_unique")
        ]

    def __str__(self) -> str:
        return self.gram


class ArticleView(models.Model):
    """That a user read an article on a day (and how many times): the usage indicator."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    viewed_on = models.DateField(default=timezone.localdate)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user", "viewed_on"], name="knowledge_view_unique"
            )
        ]
        indexes = [models.Index(fields=["viewed_on", "user"])]

    def __str__(self) -> str:
        return f"{self.article_id} {self.user_id} {self.viewed_on}"
