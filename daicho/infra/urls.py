from django.urls import path

from daicho.infra import views

app_name = "infra"

urlpatterns = [
    path("servers/", views.ServerListView.as_view(), name="server_list"),
    path("servers/new/", views.ServerEditView.as_view(), name="server_create"),
    path("servers/<int:pk>/", views.ServerDetailView.as_view(), name="server_detail"),
    path("servers/<int:pk>/edit/", views.ServerEditView.as_view(), name="server_edit"),
    path("servers/<int:pk>/delete/", views.ServerDeleteView.as_view(), name="server_delete"),
    path("virtualization/", views.VirtualizationView.as_view(), name="virtualization"),
    path("cloud/", views.CloudListView.as_view(), name="cloud_list"),
    path("cloud/new/", views.CloudEditView.as_view(), name="cloud_create"),
    path("cloud/<int:pk>/edit/", views.CloudEditView.as_view(), name="cloud_edit"),
    path("cloud/<int:pk>/delete/", views.CloudDeleteView.as_view(), name="cloud_delete"),
    path("vdi/", views.VdiListView.as_view(), name="vdi_list"),
    path("sites/", views.SiteListView.as_view(), name="site_list"),
    path("sites/new/", views.SiteEditView.as_view(), name="site_create"),
    path("sites/<int:pk>/edit/", views.SiteEditView.as_view(), name="site_edit"),
    path("sites/<int:pk>/delete/", views.SiteDeleteView.as_view(), name="site_delete"),
    path("clusters/new/", views.ClusterEditView.as_view(), name="cluster_create"),
    path("clusters/<int:pk>/edit/", views.ClusterEditView.as_view(), name="cluster_edit"),
    path("clusters/<int:pk>/delete/", views.ClusterDeleteView.as_view(), name="cluster_delete"),
    path("components/<int:pk>/", views.component_redirect, name="component_redirect"),
]
