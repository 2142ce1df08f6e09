from django.urls import path

from daicho.core.access import (
    DENIED,
    MEMBERS,
    NOT_FOUND,
    OK,
    OWNERS_CREATE,
    OWNERS_EDIT,
    POLICY_CREATE,
    POLICY_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    Access,
    answers,
)
from daicho.governance import views

app_name = "governance"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/new/", views.CaseEditView.as_view(), name="case_create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("cases/<int:pk>/delete/", views.CaseDeleteView.as_view(), name="case_delete"),
    path("cases/<int:pk>/checklist/", views.CaseChecklistView.as_view(), name="case_checklist"),
    path("cases/<int:pk>/review/", views.CaseReviewChecksView.as_view(), name="case_review"),
    path("cases/<int:pk>/<str:action>/", views.CaseActionView.as_view(), name="case_action"),
    path("work/", views.MyWorkView.as_view(), name="my_work"),
    path("consultations/", views.ConsultationListView.as_view(), name="consultation_list"),
    path("consultations/new/", views.ConsultationEditView.as_view(), name="consultation_create"),
    path(
        "consultations/<int:pk>/",
        views.ConsultationEditView.as_view(),
        name="consultation_edit",
    ),
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/new/", views.EvaluationCreateView.as_view(), name="evaluation_create"),
    path("evaluations/<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("budget-review/", views.BudgetReviewView.as_view(), name="budget_review"),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "case_list": Access(get=MEMBERS),
    "case_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    "case_detail": Access(get=RECORD_READERS),
    "case_edit": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "case_delete": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "case_checklist": Access(post=OWNERS_EDIT),
    "case_review": Access(post=POLICY_EDIT),
    "case_action": Access(post=OWNERS_EDIT),
    # every member saves their own notification settings
    "my_work": Access(get=MEMBERS, post=MEMBERS),
    "consultation_list": Access(get=MEMBERS),
    "consultation_create": Access(get=POLICY_CREATE, post=POLICY_CREATE),
    "consultation_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "evaluation_list": Access(get=MEMBERS),
    # without ?case= the page lists the cases at the evaluation gate the user may edit
    "evaluation_create": Access(get=MEMBERS, post=answers(NOT_FOUND)),
    "evaluation_detail": Access(get=RECORD_READERS),
    "budget_review": Access(
        get=answers(OK, owner=DENIED, other_owner=DENIED, sam=DENIED), post=POLICY_CREATE_HERE
    ),
}
