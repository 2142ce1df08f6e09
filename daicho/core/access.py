"""Who gets what answer from each page and API operation: the declarations of the permission matrix.

Every ``urls.py`` keeps an ``ACCESS`` table beside its ``urlpatterns`` (route name → `Access`), and
every ``api.py`` one beside its router (operation function name → answers). The generated matrix
in ``tests/test_permission_matrix.py`` walks the URL resolver and the API's operations, fails on a
route without a declaration, and asks each route as each role of the matrix, comparing the answer
class with the one declared here. The declarations do nothing at run time: the views and services
enforce the permissions; this is the statement of what they must answer.

The roles, as the matrix builds them around one record in a section of the organisation:

- ``anonymous`` — not signed in;
- ``viewer``, ``auditor`` — organisation-wide readers;
- ``owner`` — owner of the record's unit (through its department); ``other_owner`` — owner of
  another unit of the same organisation; ``sam`` — the SAM officer of the record's unit;
- ``policy`` — the IT policy division;
- ``dual_policy`` — it_policy here and viewer in another organisation; ``dual_viewer`` — viewer
  here and it_policy in another organisation;
- ``outsider`` — it_policy of another organisation only;
- API only: ``read_token`` — the IT policy division's read-only token (every other user role
  acts through a write-scoped token).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class Answer(StrEnum):
    """The class of an answer: the matrix checks the permission, not the form validation."""

    OK = "ok"  # 2xx, 3xx other than to a sign-in page, 400/422 (got past the permission)
    LOGIN = "login"  # redirect to the sign-in page (pages)
    UNAUTHORIZED = "401"  # no or an unknown token (API)
    DENIED = "403"
    NOT_FOUND = "404"


OK, LOGIN, UNAUTHORIZED, DENIED, NOT_FOUND = (
    Answer.OK,
    Answer.LOGIN,
    Answer.UNAUTHORIZED,
    Answer.DENIED,
    Answer.NOT_FOUND,
)

USER_ROLES = (
    "viewer",
    "owner",
    "other_owner",
    "sam",
    "auditor",
    "policy",
    "dual_policy",
    "dual_viewer",
    "outsider",
)
ROLES = ("anonymous", *USER_ROLES)
API_ROLES = (*ROLES, "read_token")

Answers = MappingProxyType  # role → Answer, read-only


def answers(default: Answer, **per_role: Answer) -> Answers:
    """Every role's answer: ``default`` for the signed-in roles unless named; anonymous is sent to
    the sign-in page unless named."""
    unknown = set(per_role) - set(API_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    table = {"anonymous": LOGIN, **dict.fromkeys(USER_ROLES, default)}
    table.update(per_role)
    return MappingProxyType(table)


def via_api(page: Answers, **per_role: Answer) -> Answers:
    """The API's answers given the page's: 401 instead of the sign-in page; the read-only token
    reads as its user (IT policy) and is refused every write (pass ``read_token=`` for writes)."""
    table = {role: (UNAUTHORIZED if answer == LOGIN else answer) for role, answer in page.items()}
    table.setdefault("read_token", table["policy"])
    table.update(per_role)
    return MappingProxyType(table)


# --- the common rules -----------------------------------------------------------------------------

#: Open to everyone, signed in or not (sign-in pages, the public catalogue, the health check).
PUBLIC = answers(OK, anonymous=OK)
#: Any signed-in user (their own account pages).
SIGNED_IN = answers(OK)
#: A list or page of the organisation read by every member (each sees their own organisation's).
MEMBERS = answers(OK)
#: One record of the organisation: every member reads it; another organisation's users get 404.
RECORD_READERS = answers(OK, outsider=NOT_FOUND)
#: Pages and records for the IT policy division and the auditor (the audit log; each reads the
#: organisations where they hold one of these roles).
AUDIT_READERS = answers(DENIED, policy=OK, dual_policy=OK, dual_viewer=OK, auditor=OK, outsider=OK)
#: Creating a record in one's own unit: owners and the IT policy division (any organisation's).
OWNERS_CREATE = answers(
    DENIED, owner=OK, other_owner=OK, policy=OK, dual_policy=OK, dual_viewer=OK, outsider=OK
)
#: Creating in the organisation the user works in: its owners and IT policy division.
OWNERS_CREATE_HERE = answers(
    DENIED, owner=OK, other_owner=OK, policy=OK, dual_policy=OK, outsider=OK
)
#: Editing a record of the owner's unit: its owner and the IT policy division.
OWNERS_EDIT = answers(DENIED, owner=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND)
#: Creating an organisation-wide record: the IT policy division (of any organisation).
POLICY_CREATE = answers(DENIED, policy=OK, dual_policy=OK, dual_viewer=OK, outsider=OK)
#: Creating in the organisation the user works in (the first, or the one chosen in the switcher):
#: its IT policy division — a viewer here who is IT policy elsewhere is refused.
POLICY_CREATE_HERE = answers(DENIED, policy=OK, dual_policy=OK, outsider=OK)
#: Editing an organisation-wide record: the organisation's IT policy division only.
POLICY_EDIT = answers(DENIED, policy=OK, dual_policy=OK, outsider=NOT_FOUND)
#: Devices, installations and licences: the SAM officer of the unit and the IT policy division.
SAM_CREATE = answers(DENIED, sam=OK, policy=OK, dual_policy=OK, dual_viewer=OK, outsider=OK)
SAM_EDIT = answers(DENIED, sam=OK, policy=OK, dual_policy=OK, outsider=NOT_FOUND)


@dataclass(frozen=True)
class Access:
    """The answers of one route per HTTP method. A write method the view answers without its own
    declaration (PUT or DELETE beside POST on a form or delete view) is declared by ``post``."""

    get: Answers | None = None
    post: Answers | None = None
    put: Answers | None = None
    patch: Answers | None = None
    delete: Answers | None = None
    #: why an answer differs from what it should be (a known hole, being fixed): role → reason
    known: MappingProxyType | None = None

    def for_method(self, method: str) -> Answers | None:
        declared = getattr(self, method)
        if declared is None and method in ("put", "patch", "delete"):
            return self.post
        return declared


def known(**reasons: str) -> MappingProxyType:
    """Known holes of a declaration: ``METHOD_role="why"`` (e.g. ``post_viewer=...``)."""
    return MappingProxyType(reasons)
