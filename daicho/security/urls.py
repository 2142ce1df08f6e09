from django.urls import path

from daicho.core.access import (
    MEMBERS,
    OWNERS_CREATE,
    OWNERS_EDIT,
    POLICY_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    Access,
)
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


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "incident_list": Access(get=MEMBERS),
    "incident_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    "incident_detail": Access(get=RECORD_READERS),
    "incident_edit": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "incident_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "incident_move": Access(post=OWNERS_EDIT),
    "training_list": Access(get=MEMBERS),
    "training_create": Access(get=POLICY_CREATE_HERE, post=POLICY_CREATE_HERE),
    "training_detail": Access(get=RECORD_READERS, post=POLICY_EDIT),
    "training_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "phishing_list": Access(get=MEMBERS),
    "phishing_create": Access(get=POLICY_CREATE_HERE, post=POLICY_CREATE_HERE),
    "phishing_detail": Access(get=RECORD_READERS, post=POLICY_EDIT),
    "phishing_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
}
