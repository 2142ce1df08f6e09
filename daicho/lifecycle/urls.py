from django.urls import path

from daicho.core.access import DENIED, MEMBERS, NOT_FOUND, POLICY_CREATE_HERE, Access, answers
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


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "eol": Access(get=MEMBERS),
    "product_list": Access(get=MEMBERS),
    "product_detail": Access(get=MEMBERS),
    # The shared support dates: a site administrator (superuser) or the CLI only.
    "release_edit": Access(get=answers(DENIED), post=answers(DENIED)),
    # An organisation's own dates over the shared ones: its IT policy division.
    "release_override": Access(get=POLICY_CREATE_HERE, post=POLICY_CREATE_HERE),
    # mapping names and keeping the rules: the IT policy division of the organisation worked in
    "unmatched": Access(get=MEMBERS, post=POLICY_CREATE_HERE),
    "rules": Access(get=MEMBERS, post=POLICY_CREATE_HERE),
    "rule_delete": Access(post=answers(NOT_FOUND)),
}
