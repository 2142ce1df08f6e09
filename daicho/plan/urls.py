from django.urls import path

from daicho.core.access import MEMBERS, POLICY_EDIT, RECORD_READERS, Access
from daicho.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("publish/", views.PublishView.as_view(), name="publish"),
    path("indicators/<int:pk>/result/", views.ResultEnterView.as_view(), name="result_enter"),
    path("report.<str:fmt>", views.ReportView.as_view(), name="report"),
    path("narratives/", views.NarrativeEditView.as_view(), name="narratives"),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "dashboard": Access(get=MEMBERS),
    "publish": Access(post=POLICY_EDIT),
    "result_enter": Access(post=POLICY_EDIT),
    "report": Access(get=RECORD_READERS),
    "narratives": Access(get=POLICY_EDIT, post=POLICY_EDIT),
}
