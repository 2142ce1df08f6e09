"""Pages of the knowledge base and each system's カルテ."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core import timeline
from daicho.core.permissions import may_edit, scope_of
from daicho.core.views import ObjectListView, apply_errors, get_visible_or_404, require_editable
from daicho.knowledge import selectors, services
from daicho.knowledge.filters import ArticleFilterSet
from daicho.knowledge.forms import ArticleForm, KarteFilterForm
from daicho.knowledge.models import Article
from daicho.knowledge.tables import ARTICLE_COLUMNS
from daicho.registry.models import InformationSystem


class ArticleListView(ObjectListView):
    """Search and browse articles and FAQ (title matches first, then the newest)."""

    template_name = "knowledge/article_list.html"
    table_id = "results"
    filterset_class = ArticleFilterSet
    columns = ARTICLE_COLUMNS
    default_sort = ""  # the search's ranking
    per_page = 20
    per_page_choices = (20, 50, 100)
    title = gettext_lazy("Knowledge base")
    create_url_name = "knowledge:article_create"
    create_label = gettext_lazy("Write an article")
    empty_text = gettext_lazy("No articles found.")

    def get_queryset(self):
        return selectors.articles_with_views(Article.objects.visible_to(self.request.user))

    def extra_context(self):
        code = self.request.GET.get("system")
        system = (
            InformationSystem.objects.visible_to(self.request.user).filter(code=code).first()
            if code
            else None
        )
        return {"system": system}


class ArticleDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        article = get_visible_or_404(
            Article.objects.select_related("author").prefetch_related("tags", "systems"),
            request.user,
            pk=pk,
        )
        services.article_view_record(article=article, user=request.user)
        return render(
            request,
            "knowledge/article_detail.html",
            {
                "article": article,
                "can_edit": may_edit(article, request.user),
            },
        )


class ArticleEditView(LoginRequiredMixin, View):
    def _object(self, request, pk):
        if pk is None:
            organisation = request.organisation
            if organisation is None or not scope_of(request.user).writes_in(organisation.pk):
                raise PermissionDenied
            return None
        article = get_visible_or_404(Article.objects, request.user, pk=pk)
        require_editable(article, request.user)
        return article

    def get(self, request, pk=None):
        article = self._object(request, pk)
        initial = {}
        if article is None and request.GET.get("system"):
            initial["systems"] = [request.GET["system"]]
        form = ArticleForm(instance=article, user=request.user, initial=initial)
        return self.render(article, form)

    def post(self, request, pk=None):
        article = self._object(request, pk)
        form = ArticleForm(request.POST, instance=article, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if article is None:
                    article = services.article_create(
                        organisation=request.organisation,
                        title=data["title"],
                        body=data["body"],
                        kind=data["kind"],
                        tags=form.tag_names(),
                        systems=list(data["systems"]),
                    )
                else:
                    services.article_update(
                        article=article,
                        data={"title": data["title"], "body": data["body"], "kind": data["kind"]},
                        tags=form.tag_names(),
                        systems=list(data["systems"]),
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(obj)s") % {"obj": article})
                return redirect(article.get_absolute_url())
        return self.render(article, form, status=400)

    def render(self, article, form, status=200):
        return render(
            self.request,
            "knowledge/article_form.html",
            {"article": article, "form": form},
            status=status,
        )


class ArticleDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        article = get_visible_or_404(Article.objects, request.user, pk=pk)
        require_editable(article, request.user)
        services.article_delete(article=article)
        messages.success(request, _("Deleted: %(obj)s") % {"obj": article})
        return redirect("knowledge:article_list")


# --- カルテ -----------------------------------------------------------------------------------


KARTE_COLUMNS = [
    ("time", "日時"),
    ("kind", "種類"),
    ("title", "内容"),
    ("body", "詳細"),
    ("actor", "担当"),
]


class KarteView(LoginRequiredMixin, View):
    """A system's one timeline: changes, notes, consultations, cases, evaluations, and whatever
    other areas register (incidents, drills …); filterable by kind and date, exportable."""

    def get(self, request, pk):
        system = get_visible_or_404(
            InformationSystem.objects.select_related("owner_unit"), request.user, pk=pk
        )
        form = KarteFilterForm(request.GET or None)
        kinds, start, end = None, None, None
        if form.is_bound and form.is_valid():
            kinds = form.cleaned_data["kind"] or None
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        entries = timeline.entries(
            system, user=request.user, kinds=kinds, start=start, end=end, limit=1000
        )
        labels = {s.kind: s.label for s in timeline.sources()}
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx", "json"):
            return karte_export(system, entries, labels, fmt)
        counts: dict[str, int] = {}
        for entry in entries:
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        return render(
            request,
            "knowledge/karte.html",
            {
                "system": system,
                "entries": entries,
                "labels": labels,
                "counts": counts,
                "form": form,
                "articles": system.articles.order_by("-updated_at")[:20],
                "can_edit": may_edit(system, request.user),
            },
        )


def _karte_rows(entries, labels):
    for e in entries:
        body = e.body
        if e.details:
            body = "\n".join([body] if body else []) + "\n".join(
                f"{f}: {b} → {a}" for f, b, a in e.details
            )
        yield [
            timezone.localtime(e.time).strftime("%Y-%m-%d %H:%M"),
            str(labels.get(e.kind, e.kind)),
            e.title,
            body,
            e.actor,
        ]


def karte_export(system, entries, labels, fmt: str) -> HttpResponse:
    """The timeline as CSV (UTF-8 with BOM), XLSX or JSON."""
    from daicho.core.exports import CONTENT_TYPES, neutralise

    rows = list(_karte_rows(entries, labels))
    names = [c for c, _label in KARTE_COLUMNS]
    if fmt == "json":
        data = json.dumps(
            [dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False, indent=1
        ).encode()
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([label for _c, label in KARTE_COLUMNS])
        writer.writerows([[neutralise(v) for v in row] for row in rows])
        data = ("\ufeff" + out.getvalue()).encode("utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "カルテ"
        sheet.append([label for _c, label in KARTE_COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
        for letter, width in zip("ABCDE", (17, 16, 50, 60, 24), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="karte-{system.code}.{fmt}"'
    return response


def karte_url(system) -> str:
    return reverse("knowledge:karte", args=[system.pk])
