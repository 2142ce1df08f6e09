from django.urls import path

from daicho.security import views

app_name = "security"

urlpatterns = [
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/new/", views.IncidentEditView.as_view(), name="incident_create"),
    path("incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
    path("incidents/<int:pk>/delete/", views.IncidentDeleteView.as_view(), name="incident_delete"),
    path("incidents/<int:pk>/move/", views.IncidentMoveView.as_view(), name="incident_move"),
    path("training/", views.TrainingListView.as_view(), name="training_list"),
    path("training/new/", views.TrainingEditView.as_view(), name="training_create"),
    path("training/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("training/<int:pk>/edit/", views.TrainingEditView.as_view(), name="training_edit"),
    path("phishing/", views.PhishingListView.as_view(), name="phishing_list"),
    path("phishing/new/", views.PhishingEditView.as_view(), name="phishing_create"),
    path("phishing/<int:pk>/", views.PhishingDetailView.as_view(), name="phishing_detail"),
    path("phishing/<int:pk>/edit/", views.PhishingEditView.as_view(), name="phishing_edit"),
]
