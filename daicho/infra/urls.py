from django.urls import path

from daicho.core.access import (
    MEMBERS,
    NOT_FOUND,
    OK,
    OWNERS_CREATE,
    POLICY_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    Access,
    answers,
)
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


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "server_list": Access(get=MEMBERS),
    "server_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    "server_detail": Access(get=RECORD_READERS),
    "server_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "server_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "virtualization": Access(get=MEMBERS),
    "cloud_list": Access(get=MEMBERS),
    "cloud_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    "cloud_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "cloud_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    # recording the seats in use: the IT policy division of the organisation worked in
    "vdi_list": Access(get=MEMBERS, post=POLICY_CREATE_HERE),
    "site_list": Access(get=MEMBERS),
    "site_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    "site_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "site_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "cluster_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    "cluster_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "cluster_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "component_redirect": Access(get=answers(OK, anonymous=NOT_FOUND, outsider=NOT_FOUND)),
}
