from django.urls import path

from daicho.governance import views

app_name = "governance"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/new/", views.CaseEditView.as_view(), name="case_create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("cases/<int:pk>/delete/", views.CaseDeleteView.as_view(), name="case_delete"),
    path("cases/<int:pk>/checklist/", views.CaseChecklistView.as_view(), name="case_checklist"),
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
