from django.urls import path

from daicho.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.CatalogueView.as_view(), name="index"),
    path("<str:code>/catalog.json", views.CatalogueJsonView.as_view(), name="catalogue"),
    path("<str:code>/<slug:slug>.csv", views.DatasetView.as_view(), name="dataset"),
]
