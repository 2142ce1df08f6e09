from django.urls import path

from daicho.continuity.views import availability, backups, bcp, drills
from daicho.core.access import (
    DENIED,
    MEMBERS,
    NOT_FOUND,
    OWNERS_EDIT,
    POLICY_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    Access,
    answers,
)

app_name = "continuity"

urlpatterns = [
    path("backups/", backups.ComplianceView.as_view(), name="compliance"),
    path("systems/<int:pk>/backup/", backups.SystemBackupView.as_view(), name="system_backup"),
    path(
        "restore-tests/<int:pk>/delete/",
        backups.RestoreTestDeleteView.as_view(),
        name="restore_test_delete",
    ),
    path("standards/", backups.StandardListView.as_view(), name="standard_list"),
    path("standards/new/", backups.StandardEditView.as_view(), name="standard_create"),
    path("standards/<int:pk>/", backups.StandardDetailView.as_view(), name="standard_detail"),
    path("standards/<int:pk>/edit/", backups.StandardEditView.as_view(), name="standard_edit"),
    path(
        "standards/<int:pk>/delete/", backups.StandardDeleteView.as_view(), name="standard_delete"
    ),
    path("rules/<int:pk>/edit/", backups.RuleEditView.as_view(), name="rule_edit"),
    path("rules/<int:pk>/delete/", backups.RuleDeleteView.as_view(), name="rule_delete"),
    path("schemes/install/", backups.SchemeInstallView.as_view(), name="scheme_install"),
    path("schemes/<int:pk>/", backups.SchemeDetailView.as_view(), name="scheme_detail"),
    path("bcp/", bcp.BcpListView.as_view(), name="bcp_list"),
    path("systems/<int:pk>/bcp/", bcp.SystemBcpView.as_view(), name="system_bcp"),
    path("drills/", drills.DrillListView.as_view(), name="drill_list"),
    path("drills/new/", drills.DrillEditView.as_view(), name="drill_create"),
    path("drills/<int:pk>/", drills.DrillDetailView.as_view(), name="drill_detail"),
    path("drills/<int:pk>/edit/", drills.DrillEditView.as_view(), name="drill_edit"),
    path("drills/<int:pk>/delete/", drills.DrillDeleteView.as_view(), name="drill_delete"),
    path("findings/<int:pk>/move/", drills.FindingMoveView.as_view(), name="finding_move"),
    path("availability/", availability.AvailabilityListView.as_view(), name="availability"),
    path(
        "systems/<int:pk>/availability/",
        availability.SystemAvailabilityView.as_view(),
        name="system_availability",
    ),
    path("outages/<int:pk>/edit/", availability.OutageEditView.as_view(), name="outage_edit"),
    path("outages/<int:pk>/delete/", availability.OutageDeleteView.as_view(), name="outage_delete"),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "compliance": Access(get=MEMBERS),
    "system_backup": Access(
        get=RECORD_READERS,
        post=answers(
            DENIED, owner=NOT_FOUND, policy=NOT_FOUND, dual_policy=NOT_FOUND, outsider=NOT_FOUND
        ),
    ),
    "restore_test_delete": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "standard_list": Access(get=MEMBERS),
    "standard_create": Access(get=POLICY_CREATE_HERE, post=POLICY_CREATE_HERE),
    "standard_detail": Access(get=RECORD_READERS, post=POLICY_EDIT),
    "standard_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "standard_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "rule_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "rule_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "scheme_install": Access(post=POLICY_CREATE_HERE),
    "scheme_detail": Access(get=RECORD_READERS, post=POLICY_EDIT),
    "bcp_list": Access(get=MEMBERS),
    "system_bcp": Access(get=RECORD_READERS, post=OWNERS_EDIT),
    "drill_list": Access(get=MEMBERS),
    "drill_create": Access(get=POLICY_CREATE_HERE, post=POLICY_CREATE_HERE),
    "drill_detail": Access(get=RECORD_READERS, post=POLICY_EDIT),
    "drill_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "drill_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    # the responsible unit's owner and the IT policy division (checked before the form)
    "finding_move": Access(post=OWNERS_EDIT),
    "availability": Access(get=MEMBERS),
    "system_availability": Access(
        get=RECORD_READERS,
        post=answers(
            DENIED, owner=NOT_FOUND, policy=NOT_FOUND, dual_policy=NOT_FOUND, outsider=NOT_FOUND
        ),
    ),
    "outage_edit": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "outage_delete": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
}
