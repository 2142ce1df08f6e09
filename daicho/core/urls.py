from django.contrib.auth import views as auth_views
from django.urls import path

from daicho.core import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/new/", views.UnitEditView.as_view(), name="unit_create"),
    path("units/<int:pk>/edit/", views.UnitEditView.as_view(), name="unit_edit"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("notes/<int:ct_id>/<str:object_id>/", views.NoteAddView.as_view(), name="note_add"),
    path(
        "attachments/add/<int:ct_id>/<str:object_id>/",
        views.AttachmentAddView.as_view(),
        name="attachment_add",
    ),
    path(
        "attachments/<int:pk>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "attachments/<int:pk>/delete/",
        views.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
    path("views/<str:list_name>/save/", views.SavedViewSaveView.as_view(), name="saved_view_save"),
    path("views/<int:pk>/delete/", views.SavedViewDeleteView.as_view(), name="saved_view_delete"),
]
