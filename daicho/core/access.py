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


# --- the command line -----------------------------------------------------------------------------
#
# Every action of Daicho's `daicho` commands (a command, or each of its sub-commands) is declared
# too, in an ``ACCESS`` table in the command's module (sub-command name → declaration; ``""`` for a
# command without sub-commands). A command runs as the operator at the server (the site
# administrator, audited as ``cli``); an action that takes ``--as USER`` runs with that user's
# permissions instead, and declares the answer each role gets through it (OK: it runs; DENIED: one
# line saying why, a non-zero exit status, nothing written). An action without ``--as`` is the
# operator's only and declares `OPERATOR`. The CLI matrix, tests/test_permission_matrix_cli.py,
# runs each ``--as`` action as every role and fails on an action without a declaration.

#: The declaration of an action the operator alone runs (it takes no ``--as USER``).
OPERATOR = "operator"

#: The roles a CLI action is run as through ``--as`` (every signed-in role of the matrix).
CLI_ROLES = USER_ROLES


def as_user(default: Answer, **per_role: Answer) -> Answers:
    """Every role's answer to a CLI action run with ``--as`` that role's user."""
    unknown = set(per_role) - set(CLI_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return MappingProxyType({**dict.fromkeys(CLI_ROLES, default), **per_role})


#: Lists and exports: each user reads what its memberships let it read.
CLI_READERS = as_user(OK)
#: Lists of one organisation (``--org``): its members; a user of another organisation is refused.
CLI_MEMBERS = as_user(OK, outsider=DENIED)
#: Imports into one organisation: those who edit its ledger (its IT policy division, owners, SAM
#: officers), each row still checked against the user's rights (here a device of section A).
CLI_IMPORTERS = as_user(DENIED, owner=OK, sam=OK, policy=OK, dual_policy=OK, other_owner=DENIED)


@dataclass(frozen=True)
class CliAction:
    """One action of a `daicho` command and its declaration (None: not declared)."""

    command: str
    action: str  # the sub-command, "" for a command without any
    access: Answers | str | None
    takes_as: bool

    @property
    def name(self) -> str:
        return f"{self.command} {self.action}".strip()


def _sub_parsers(parser) -> list[tuple[str, object]]:
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices.items())
    return [("", parser)]


def daicho_commands() -> list[tuple[str, object]]:
    """(name, command) of each of Daicho's own commands; every other command (Django's
    ``migrate``, ``createsuperuser``, the libraries') is the operator's."""
    from django.core.management import get_commands, load_command_class

    return [
        (name, load_command_class(app, name))
        for name, app in sorted(get_commands().items())
        if app.startswith("daicho.")
    ]


def other_commands() -> list[str]:
    from django.core.management import get_commands

    return sorted(n for n, app in get_commands().items() if not app.startswith("daicho."))


def cli_actions(commands: list[tuple[str, object]] | None = None) -> list[CliAction]:
    """Every action of ``commands`` (default: Daicho's) with its declaration."""
    import sys

    found = []
    for name, command in daicho_commands() if commands is None else commands:
        table = getattr(sys.modules[type(command).__module__], "ACCESS", {})
        for action, parser in _sub_parsers(command.create_parser("daicho", name)):
            takes_as = "--as" in parser._option_string_actions
            found.append(CliAction(name, action, table.get(action), takes_as))
    return found


#: The columns of the generated table: the README's roles as the matrix plays them.
CLI_COLUMNS = (
    ("`it_policy`", "policy"),
    ("`owner`", "owner"),
    ("`sam_officer`", "sam"),
    ("`viewer`", "viewer"),
    ("`auditor`", "auditor"),
    ("another organisation", "outsider"),
)


def cli_markdown() -> str:
    """The CLI's part of the permission matrix as a Markdown table (docs/operations.md)."""
    head = " | ".join(c for c, _ in CLI_COLUMNS)
    lines = [f"| command | run by | {head} |", "|---|---|" + "---|" * len(CLI_COLUMNS)]
    for a in cli_actions():
        if a.access == OPERATOR or a.access is None:
            who, cells = "the operator", ["—"] * len(CLI_COLUMNS)
        else:
            who = "the operator, or a user with `--as USER`"
            cells = ["✓" if a.access[role] == OK else "refused" for _, role in CLI_COLUMNS]
        lines.append(f"| `daicho {a.name}` | {who} | " + " | ".join(cells) + " |")
    others = ", ".join(f"`{n}`" for n in other_commands())
    lines += ["", f"Every other command is the operator's only: {others}."]
    return "\n".join(lines) + "\n"
