"""The public open-data pages: no login, only what organisations publish."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views import View

from daicho.core.models import Organisation
from daicho.opendata import publish


class CatalogueView(View):
    def get(self, request):
        organisations = Organisation.objects.exclude(code="").order_by("code")
        entries = [(org, publish.published_systems(org).count()) for org in organisations]
        return render(
            request,
            "opendata/index.html",
            {
                "entries": [(org, n) for org, n in entries if n],
                "datasets": publish.DATASETS,
                "licence": publish.LICENCE,
                "licence_url": publish.LICENCE_URL,
            },
        )


class DatasetView(View):
    def get(self, request, code, slug):
        organisation = get_object_or_404(Organisation, code=code)
        dataset = next((d for d in publish.DATASETS if d.slug == slug), None)
        if dataset is None or not publish.published_systems(organisation).exists():
            raise Http404
        response = HttpResponse(
            publish.dataset_csv(dataset, organisation), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{code}_{slug}.csv"'
        return response


class CatalogueJsonView(View):
    def get(self, request, code):
        organisation = get_object_or_404(Organisation, code=code)
        base = request.build_absolute_uri(f"/opendata/{code}/")
        return JsonResponse(
            publish.catalogue(organisation, base_url=base),
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
