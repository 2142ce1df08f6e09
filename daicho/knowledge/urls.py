from django.urls import path

from daicho.core.access import (
    MEMBERS,
    OWNERS_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    Access,
)
from daicho.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("new/", views.ArticleEditView.as_view(), name="article_create"),
    path("<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("<int:pk>/edit/", views.ArticleEditView.as_view(), name="article_edit"),
    path("<int:pk>/delete/", views.ArticleDeleteView.as_view(), name="article_delete"),
    path("karte/<int:pk>/", views.KarteView.as_view(), name="karte"),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "article_list": Access(get=MEMBERS),
    # a viewer here who is IT policy elsewhere neither opens the form nor creates an article here
    "article_create": Access(get=OWNERS_CREATE_HERE, post=OWNERS_CREATE_HERE),
    "article_detail": Access(get=RECORD_READERS),
    "article_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "article_delete": Access(post=POLICY_EDIT),
    "karte": Access(get=RECORD_READERS),
}
