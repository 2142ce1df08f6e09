"""Top-level URLs: the web UI, the REST API and the language switch."""

from django.contrib import admin
from django.urls import include, path

from daicho.api import api
from daicho.core.access import LOGIN, NOT_FOUND, PUBLIC, Access, answers

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
    path("standardisation/", include("daicho.standardisation.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "api:openapi-json": Access(get=PUBLIC),
    "api:openapi-view": Access(get=PUBLIC),
    "api:api-root": Access(get=answers(NOT_FOUND, anonymous=NOT_FOUND)),
    "set_language": Access(get=PUBLIC),
    # The Django admin: nobody in the matrix is staff, so every page asks for the admin's sign-in.
    "admin:*": Access(get=answers(LOGIN)),
    "admin:login": Access(get=PUBLIC),
    "admin:logout": Access(get=PUBLIC),
}
