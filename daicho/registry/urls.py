from django.urls import path

from daicho.core.access import (
    DENIED,
    MEMBERS,
    OK,
    OWNERS_CREATE,
    OWNERS_CREATE_HERE,
    OWNERS_EDIT,
    POLICY_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    Access,
    answers,
)
from daicho.registry import views

app_name = "registry"

urlpatterns = [
    path("co-use/", views.CoUseListView.as_view(), name="co_use_list"),
    path("co-use/<int:pk>/", views.CoUseDetailView.as_view(), name="co_use_detail"),
    path("systems/", views.SystemListView.as_view(), name="system_list"),
    path("systems/picker/", views.SystemPickerView.as_view(), name="system_picker"),
    path("systems/new/", views.SystemEditView.as_view(), name="system_create"),
    path("systems/bulk-edit/", views.SystemBulkEditView.as_view(), name="system_bulk_edit"),
    path("systems/bulk-delete/", views.SystemBulkDeleteView.as_view(), name="system_bulk_delete"),
    path("systems/<int:pk>/", views.SystemDetailView.as_view(), name="system_detail"),
    path("systems/<int:pk>/edit/", views.SystemEditView.as_view(), name="system_edit"),
    path("systems/<int:pk>/delete/", views.SystemDeleteView.as_view(), name="system_delete"),
    path("systems/<int:pk>/costs/", views.SystemCostsView.as_view(), name="system_costs"),
    path("systems/<int:pk>/co-use/", views.SystemCoUseView.as_view(), name="system_co_use"),
    path("costs/sheet/", views.CostSheetView.as_view(), name="cost_sheet"),
    path("costs/<int:pk>/edit/", views.CostLineEditView.as_view(), name="cost_edit"),
    path("costs/<int:pk>/delete/", views.CostLineDeleteView.as_view(), name="cost_delete"),
    path("cost-items/", views.CostItemListView.as_view(), name="cost_item_list"),
    path("cost-items/new/", views.CostItemEditView.as_view(), name="cost_item_create"),
    path("cost-items/<int:pk>/edit/", views.CostItemEditView.as_view(), name="cost_item_edit"),
    path(
        "cost-items/<int:pk>/delete/", views.CostItemDeleteView.as_view(), name="cost_item_delete"
    ),
    path("vendors/", views.VendorListView.as_view(), name="vendor_list"),
    path("vendors/new/", views.VendorEditView.as_view(), name="vendor_create"),
    path("vendors/<int:pk>/", views.VendorDetailView.as_view(), name="vendor_detail"),
    path("vendors/<int:pk>/edit/", views.VendorEditView.as_view(), name="vendor_edit"),
    path("vendors/<int:pk>/delete/", views.VendorDeleteView.as_view(), name="vendor_delete"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", views.ContractEditView.as_view(), name="contract_create"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.ContractEditView.as_view(), name="contract_edit"),
    path("contracts/<int:pk>/delete/", views.ContractDeleteView.as_view(), name="contract_delete"),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
#: Changing many systems at once (the matrix selects section A's system)
BULK_EDIT = answers(DENIED, owner=OK, policy=OK, dual_policy=OK)

ACCESS = {
    "co_use_list": Access(get=MEMBERS),
    "co_use_detail": Access(get=RECORD_READERS),
    "system_co_use": Access(post=POLICY_EDIT),
    "system_list": Access(get=MEMBERS),
    # the options of a system picker: each member gets the systems it may read (or edit)
    "system_picker": Access(get=MEMBERS),
    "system_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    # every selected system must be editable (403 otherwise, the other organisation's too)
    "system_bulk_edit": Access(post=BULK_EDIT),
    "system_bulk_delete": Access(post=BULK_EDIT),
    "system_detail": Access(get=RECORD_READERS),
    "system_edit": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "system_delete": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "system_costs": Access(get=RECORD_READERS, post=OWNERS_EDIT),
    # those who write the organisation's ledger; each cell is checked against its system
    "cost_sheet": Access(get=MEMBERS, post=OWNERS_CREATE_HERE),
    "cost_edit": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "cost_delete": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "cost_item_list": Access(get=MEMBERS),
    "cost_item_create": Access(get=POLICY_CREATE_HERE, post=POLICY_CREATE_HERE),
    "cost_item_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "cost_item_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "vendor_list": Access(get=MEMBERS),
    "vendor_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    "vendor_detail": Access(get=RECORD_READERS),
    "vendor_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "vendor_delete": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "contract_list": Access(get=MEMBERS),
    "contract_create": Access(get=OWNERS_CREATE, post=OWNERS_CREATE),
    "contract_detail": Access(get=RECORD_READERS),
    "contract_edit": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
    "contract_delete": Access(get=OWNERS_EDIT, post=OWNERS_EDIT),
}
