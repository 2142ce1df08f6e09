from django.contrib.auth import views as auth_views
from django.urls import path
from mozilla_django_oidc import views as oidc_views

from daicho.core import account_views, views
from daicho.core.access import (
    AUDIT_READERS,
    DENIED,
    LOGIN,
    NOT_FOUND,
    OK,
    OWNERS_EDIT,
    POLICY_CREATE,
    POLICY_EDIT,
    PUBLIC,
    RECORD_READERS,
    SIGNED_IN,
    Access,
    answers,
)
from daicho.core.importing import views as import_views

urlpatterns = [
    path("imports/", import_views.ImportListView.as_view(), name="import_list"),
    path("imports/new/", import_views.ImportUploadView.as_view(), name="import_upload"),
    path("imports/start/", import_views.FirstRunView.as_view(), name="import_first_run"),
    path(
        "imports/templates/<slug:kind>.xlsx",
        import_views.ImportTemplateView.as_view(),
        name="import_template",
    ),
    path(
        "imports/progress/<str:token>/",
        import_views.ImportProgressView.as_view(),
        name="import_progress",
    ),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import_detail"),
    path(
        "imports/<int:pk>/confirm/", import_views.ImportConfirmView.as_view(), name="import_confirm"
    ),
    path(
        "imports/<int:pk>/rollback/",
        import_views.ImportRollbackView.as_view(),
        name="import_rollback",
    ),
    path("", views.HomeView.as_view(), name="home"),
    path("units/picker/", views.UnitPickerView.as_view(), name="unit_picker"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/otp/", account_views.OtpVerifyView.as_view(), name="otp_verify"),
    path("account/", account_views.AccountView.as_view(), name="account"),
    path("account/otp/setup/", account_views.OtpSetupView.as_view(), name="otp_setup"),
    path("account/otp/remove/", account_views.OtpRemoveView.as_view(), name="otp_remove"),
    path("account/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="registration/password_new.html"),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_finished.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "oidc/authenticate/",
        account_views.oidc_only_when_enabled(oidc_views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        account_views.oidc_only_when_enabled(account_views.OidcCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "organisation/", account_views.OrganisationSwitchView.as_view(), name="organisation_switch"
    ),
    path("healthz", account_views.healthz, name="healthz"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/new/", views.UnitEditView.as_view(), name="unit_create"),
    path("units/<int:pk>/edit/", views.UnitEditView.as_view(), name="unit_edit"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("notes/<int:ct_id>/<str:object_id>/", views.NoteAddView.as_view(), name="note_add"),
    path(
        "attachments/add/<int:ct_id>/<str:object_id>/",
        views.AttachmentAddView.as_view(),
        name="attachment_add",
    ),
    path(
        "attachments/<int:pk>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "attachments/<int:pk>/delete/",
        views.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
    path("views/<str:list_name>/save/", views.SavedViewSaveView.as_view(), name="saved_view_save"),
    path("views/<int:pk>/delete/", views.SavedViewDeleteView.as_view(), name="saved_view_delete"),
]


# What each role gets from the routes above (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "import_list": Access(get=SIGNED_IN),
    "import_upload": Access(
        get=answers(OK, viewer=DENIED, auditor=DENIED),
        post=answers(OK, viewer=DENIED, auditor=DENIED),
    ),
    "import_first_run": Access(get=SIGNED_IN),
    "import_template": Access(get=SIGNED_IN),
    "import_progress": Access(get=answers(NOT_FOUND)),
    "import_detail": Access(get=answers(NOT_FOUND, auditor=OK, policy=OK, dual_policy=OK)),
    "import_confirm": Access(
        post=answers(NOT_FOUND, auditor=DENIED, policy=DENIED, dual_policy=DENIED)
    ),
    "import_rollback": Access(post=answers(NOT_FOUND, auditor=DENIED, policy=OK, dual_policy=OK)),
    "home": Access(get=SIGNED_IN),
    # the options of a unit picker: each member gets the units it may read (or record for)
    "unit_picker": Access(get=SIGNED_IN),
    "login": Access(get=PUBLIC, post=PUBLIC, put=PUBLIC),
    "logout": Access(post=answers(LOGIN)),
    "otp_verify": Access(get=SIGNED_IN, post=SIGNED_IN),
    "account": Access(get=SIGNED_IN),
    "otp_setup": Access(get=SIGNED_IN, post=SIGNED_IN),
    "otp_remove": Access(post=SIGNED_IN),
    "password_change": Access(get=SIGNED_IN, post=SIGNED_IN, put=SIGNED_IN),
    "password_reset": Access(get=PUBLIC, post=PUBLIC, put=PUBLIC),
    "password_reset_done": Access(get=PUBLIC),
    "password_reset_confirm": Access(get=PUBLIC, post=PUBLIC, put=PUBLIC),
    "password_reset_complete": Access(get=PUBLIC),
    "oidc_authentication_init": Access(get=answers(NOT_FOUND, anonymous=NOT_FOUND)),
    "oidc_authentication_callback": Access(get=answers(NOT_FOUND, anonymous=NOT_FOUND)),
    "organisation_switch": Access(post=SIGNED_IN),
    "healthz": Access(get=PUBLIC),
    "unit_list": Access(get=SIGNED_IN),
    "unit_create": Access(get=POLICY_CREATE, post=POLICY_CREATE),
    "unit_edit": Access(get=POLICY_EDIT, post=POLICY_EDIT),
    "audit_list": Access(get=AUDIT_READERS),
    "note_add": Access(post=OWNERS_EDIT),
    "attachment_add": Access(post=OWNERS_EDIT),
    "attachment_download": Access(get=RECORD_READERS),
    "attachment_delete": Access(post=OWNERS_EDIT),
    "saved_view_save": Access(post=SIGNED_IN),
    # one's own view, or (the IT policy division) a view shared with the organisation
    "saved_view_delete": Access(post=answers(NOT_FOUND, policy=OK, dual_policy=OK)),
}
