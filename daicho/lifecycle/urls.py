from django.urls import path

from daicho.lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("eol/", views.EolView.as_view(), name="eol"),
    path("products/", views.ProductListView.as_view(), name="product_list"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="product_detail"),
    path("releases/<int:pk>/edit/", views.ReleaseEditView.as_view(), name="release_edit"),
    path(
        "releases/<int:pk>/override/",
        views.ReleaseOverrideView.as_view(),
        name="release_override",
    ),
    path("unmatched/", views.UnmatchedView.as_view(), name="unmatched"),
    path("rules/", views.RuleListView.as_view(), name="rules"),
    path("rules/<int:pk>/delete/", views.RuleDeleteView.as_view(), name="rule_delete"),
]
