"""Top-level URLs: the web UI, the REST API and the language switch."""

from django.contrib import admin
from django.urls import include, path

from daicho.api import api

urlpatterns = [
    path("", include("daicho.core.urls")),
    path("", include("daicho.registry.urls")),
    path("continuity/", include("daicho.continuity.urls")),
    path("security/", include("daicho.security.urls")),
    path("governance/", include("daicho.governance.urls")),
    path("knowledge/", include("daicho.knowledge.urls")),
    path("api/v1/", api.urls),
    path("infra/", include("daicho.infra.urls")),
    path("lifecycle/", include("daicho.lifecycle.urls")),
    path("sam/", include("daicho.sam.urls")),
    path("opendata/", include("daicho.opendata.urls")),
    path("plan/", include("daicho.plan.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
