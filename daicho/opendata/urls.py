from django.urls import path

from daicho.core.access import NOT_FOUND, PUBLIC, Access, answers
from daicho.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.CatalogueView.as_view(), name="index"),
    path("<str:code>/catalog.json", views.CatalogueJsonView.as_view(), name="catalogue"),
    path("<str:code>/<slug:slug>.csv", views.DatasetView.as_view(), name="dataset"),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "index": Access(get=PUBLIC),
    "catalogue": Access(get=PUBLIC),
    "dataset": Access(get=answers(NOT_FOUND, anonymous=NOT_FOUND)),
}
