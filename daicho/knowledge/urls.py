from django.urls import path

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
