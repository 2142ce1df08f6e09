from django.urls import path

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
