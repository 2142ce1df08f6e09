from django.urls import path

from daicho.core.access import (
    MEMBERS,
    NOT_FOUND,
    POLICY_EDIT,
    RECORD_READERS,
    Access,
    answers,
)
from daicho.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("publish/", views.PublishView.as_view(), name="publish"),
    path("indicators/<int:pk>/records/", views.IndicatorRecordsView.as_view(), name="records"),
    path("indicators/<int:pk>/result/", views.ResultEnterView.as_view(), name="result_enter"),
    path("report.<str:fmt>", views.ReportView.as_view(), name="report"),
    path("report/jobs/<str:token>/", views.ReportJobView.as_view(), name="report_job"),
    path("report/jobs/<str:token>/file/", views.ReportFileView.as_view(), name="report_file"),
    path("narratives/", views.NarrativeEditView.as_view(), name="narratives"),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "dashboard": Access(get=MEMBERS),
    "records": Access(get=RECORD_READERS),
    "publish": Access(post=POLICY_EDIT),
    "result_enter": Access(post=POLICY_EDIT),
    # XLSX and PDF are made by the job worker: a POST queues the report (anyone who reads the
    # plan); its progress page and file are its requester's only (the matrix asks another token)
    "report": Access(get=RECORD_READERS, post=RECORD_READERS),
    "report_job": Access(get=answers(NOT_FOUND)),
    "report_file": Access(get=answers(NOT_FOUND)),
    "narratives": Access(get=POLICY_EDIT, post=POLICY_EDIT),
}
