from django.urls import path

from daicho.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("publish/", views.PublishView.as_view(), name="publish"),
    path("indicators/<int:pk>/result/", views.ResultEnterView.as_view(), name="result_enter"),
    path("report.<str:fmt>", views.ReportView.as_view(), name="report"),
]
