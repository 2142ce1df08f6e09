from django.urls import path

from daicho.core.access import (
    MEMBERS,
    POLICY_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    Access,
)
from daicho.standardisation import views

app_name = "standardisation"

urlpatterns = [
    path("", views.MigrationMatrixView.as_view(), name="migrations"),
    path("new/", views.MigrationEditView.as_view(), name="migration_create"),
    path("share/", views.MigrationShareView.as_view(), name="share"),
    path("costs/", views.MigrationCostView.as_view(), name="costs"),
    path("<int:pk>/", views.MigrationDetailView.as_view(), name="migration_detail"),
    path("<int:pk>/edit/", views.MigrationEditView.as_view(), name="migration_edit"),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "migrations": Access(get=MEMBERS),
    "migration_create": Access(get=POLICY_CREATE_HERE, post=POLICY_CREATE_HERE),
    "share": Access(post=POLICY_CREATE_HERE),
    "costs": Access(get=MEMBERS),
    "migration_detail": Access(get=RECORD_READERS, post=POLICY_EDIT),
    "migration_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
}
