from django.urls import path

from daicho.continuity import views

app_name = "continuity"

urlpatterns = [
    path("backups/", views.ComplianceView.as_view(), name="compliance"),
    path("systems/<int:pk>/backup/", views.SystemBackupView.as_view(), name="system_backup"),
    path(
        "restore-tests/<int:pk>/delete/",
        views.RestoreTestDeleteView.as_view(),
        name="restore_test_delete",
    ),
    path("standards/", views.StandardListView.as_view(), name="standard_list"),
    path("standards/new/", views.StandardEditView.as_view(), name="standard_create"),
    path("standards/<int:pk>/", views.StandardDetailView.as_view(), name="standard_detail"),
    path("standards/<int:pk>/edit/", views.StandardEditView.as_view(), name="standard_edit"),
    path("standards/<int:pk>/delete/", views.StandardDeleteView.as_view(), name="standard_delete"),
    path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("rules/<int:pk>/delete/", views.RuleDeleteView.as_view(), name="rule_delete"),
    path("schemes/install/", views.SchemeInstallView.as_view(), name="scheme_install"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("bcp/", views.BcpListView.as_view(), name="bcp_list"),
    path("systems/<int:pk>/bcp/", views.SystemBcpView.as_view(), name="system_bcp"),
    path("drills/", views.DrillListView.as_view(), name="drill_list"),
    path("drills/new/", views.DrillEditView.as_view(), name="drill_create"),
    path("drills/<int:pk>/", views.DrillDetailView.as_view(), name="drill_detail"),
    path("drills/<int:pk>/edit/", views.DrillEditView.as_view(), name="drill_edit"),
    path("drills/<int:pk>/delete/", views.DrillDeleteView.as_view(), name="drill_delete"),
    path("findings/<int:pk>/move/", views.FindingMoveView.as_view(), name="finding_move"),
    path("availability/", views.AvailabilityListView.as_view(), name="availability"),
    path(
        "systems/<int:pk>/availability/",
        views.SystemAvailabilityView.as_view(),
        name="system_availability",
    ),
    path("outages/<int:pk>/edit/", views.OutageEditView.as_view(), name="outage_edit"),
    path("outages/<int:pk>/delete/", views.OutageDeleteView.as_view(), name="outage_delete"),
]
