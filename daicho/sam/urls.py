from django.urls import path

from daicho.core.access import (
    DENIED,
    MEMBERS,
    NOT_FOUND,
    OK,
    OWNERS_CREATE,
    POLICY_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    SAM_EDIT,
    Access,
    answers,
)
from daicho.sam import inventory_views, views

app_name = "sam"

urlpatterns = [
    path("devices/", views.DeviceListView.as_view(), name="device_list"),
    path("devices/new/", views.DeviceEditView.as_view(), name="device_create"),
    path("devices/<int:pk>/", views.DeviceDetailView.as_view(), name="device_detail"),
    path("devices/<int:pk>/edit/", views.DeviceEditView.as_view(), name="device_edit"),
    path("devices/<int:pk>/delete/", views.DeviceDeleteView.as_view(), name="device_delete"),
    path("licences/", views.LicenceListView.as_view(), name="licence_list"),
    path("licences/new/", views.LicenceEditView.as_view(), name="licence_create"),
    path("licences/<int:pk>/", views.LicenceDetailView.as_view(), name="licence_detail"),
    path("licences/<int:pk>/edit/", views.LicenceEditView.as_view(), name="licence_edit"),
    path("licences/<int:pk>/delete/", views.LicenceDeleteView.as_view(), name="licence_delete"),
    path("position/", views.PositionView.as_view(), name="position"),
    path("volume/", views.VolumeView.as_view(), name="volume"),
    path("rules/", inventory_views.RuleListView.as_view(), name="rules"),
    path("titles/", views.TitleListView.as_view(), name="title_list"),
    path("titles/new/", views.TitleEditView.as_view(), name="title_create"),
    path("titles/<int:pk>/edit/", views.TitleEditView.as_view(), name="title_edit"),
    path("inventory/", inventory_views.CampaignListView.as_view(), name="campaign_list"),
    path(
        "inventory/<int:pk>/", inventory_views.CampaignDetailView.as_view(), name="campaign_detail"
    ),
    path(
        "inventory/units/<int:pk>/",
        inventory_views.ConfirmationView.as_view(),
        name="confirmation",
    ),
    path("audits/", inventory_views.AuditListView.as_view(), name="audit_list"),
    path("audits/<int:pk>/", inventory_views.AuditDetailView.as_view(), name="audit_detail"),
]


#: creating a device or licence: owners and SAM officers of a unit, the IT policy division
SAM_CREATE = answers(
    DENIED, owner=OK, other_owner=OK, sam=OK, policy=OK, dual_policy=OK, dual_viewer=OK, outsider=OK
)

# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "device_list": Access(get=MEMBERS),
    # the SAM officer keeps its unit's devices and licences, as owners and IT policy do
    "device_create": Access(get=SAM_CREATE, post=SAM_CREATE),
    "device_detail": Access(get=RECORD_READERS),
    "device_edit": Access(
        get=answers(DENIED, owner=OK, sam=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND),
        post=answers(DENIED, owner=OK, sam=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND),
    ),
    "device_delete": Access(
        get=answers(DENIED, owner=OK, sam=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND),
        post=answers(DENIED, owner=OK, sam=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND),
    ),
    "licence_list": Access(get=MEMBERS),
    "licence_create": Access(get=SAM_CREATE, post=SAM_CREATE),
    "licence_detail": Access(get=RECORD_READERS),
    "licence_edit": Access(
        get=answers(DENIED, owner=OK, sam=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND),
        post=answers(DENIED, owner=OK, sam=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND),
    ),
    "licence_delete": Access(
        get=answers(DENIED, owner=OK, sam=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND),
        post=answers(DENIED, owner=OK, sam=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND),
    ),
    "position": Access(get=MEMBERS),
    "volume": Access(get=MEMBERS),
    "rules": Access(get=MEMBERS, post=POLICY_CREATE_HERE),
    "title_list": Access(get=MEMBERS),
    "title_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    "title_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "campaign_list": Access(get=MEMBERS, post=POLICY_CREATE_HERE),
    # close and reopen are the IT policy division's; remind also a SAM officer's, for the units
    # under them (the matrix posts action=remind)
    "campaign_detail": Access(get=RECORD_READERS, post=SAM_EDIT),
    # the unit's SAM officer and the IT policy division review and confirm
    "confirmation": Access(get=RECORD_READERS, post=SAM_EDIT),
    "audit_list": Access(get=MEMBERS, post=POLICY_CREATE_HERE),
    # adding a finding (the matrix's body) is the IT policy division's; marking one done is also
    # the unit's (checked by services.finding_done)
    "audit_detail": Access(get=RECORD_READERS, post=POLICY_EDIT),
}
