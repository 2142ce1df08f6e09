from django.urls import path

from daicho.sam import views

app_name = "sam"

urlpatterns = [
    path("devices/", views.DeviceListView.as_view(), name="device_list"),
    path("devices/new/", views.DeviceEditView.as_view(), name="device_create"),
    path("devices/<int:pk>/", views.DeviceDetailView.as_view(), name="device_detail"),
    path("devices/<int:pk>/edit/", views.DeviceEditView.as_view(), name="device_edit"),
    path("devices/<int:pk>/delete/", views.DeviceDeleteView.as_view(), name="device_delete"),
    path("position/", views.PositionView.as_view(), name="position"),
]
