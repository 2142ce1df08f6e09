"""The permission matrix's command-line part: every action of Daicho's `daicho` commands is
declared beside the command (``ACCESS``: `OPERATOR`, or the answer of each role through
``--as USER``), and each ``--as`` action is run as every role of the matrix in the matrix's world
(a record of every kind in section A), the answer compared with the declaration.

OK is an exit status 0; DENIED a refusal: one line (a `CommandError`) or, for an import whose rows
the user may not write, the import's own report and exit status 1 — never a traceback. An
operator's action takes no ``--as`` at all (argparse refuses it with exit status 2).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from daicho.core.access import (
    CLI_ROLES,
    OK,
    OPERATOR,
    Answer,
    cli_actions,
    cli_markdown,
)
from daicho.core.management.base import Refused
from tests.core.test_cli import run as cli
from tests.test_permission_matrix import _readme_roles

pytestmark = pytest.mark.django_db

ACTIONS = cli_actions()


def _device_file(tmp: Path) -> str:
    path = tmp / "devices.csv"
    path.write_text("機器名,所属\nPC-MATRIX-0001,D01-S01\n", encoding="utf-8")
    return str(path)


#: The arguments each ``--as`` action is run with (before ``--as USER``): a function of the
#: world (its organisation's code) and a scratch folder.
CLI_ARGS = {
    "export": lambda org, tmp: ["systems", "--format", "json"],
    "import": lambda org, tmp: ["devices", _device_file(tmp), "--org", org, "--json"],
    "continuity": lambda org, tmp: ["backups", "--org", org, "--json"],
    "security": lambda org, tmp: ["incidents", "--org", org, "--json"],
}


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    from tests.test_permission_matrix import build_matrix_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_matrix_world()
        transaction.set_rollback(True)


def run(action, m, tmp: Path, username: str | None) -> tuple[str, str]:
    """(answer, what it printed) of one run of ``action`` as ``username`` (None: the operator),
    in a savepoint rolled back after it."""
    args = [*action.name.split(), *CLI_ARGS[action.name](m.world.org.code, tmp)]
    if username:
        args += ["--as", username]
    out, err = io.StringIO(), io.StringIO()
    with transaction.atomic():
        try:
            call_command(*args, stdout=out, stderr=err)
            answer = Answer.OK
        except Refused as exc:
            answer, err = Answer.DENIED, io.StringIO(str(exc))
        except SystemExit as exc:  # the import's report of refused rows
            answer = Answer.DENIED if exc.code else Answer.OK
        except CommandError as exc:
            answer = f"failed: {exc}"
        except Exception as exc:  # noqa: BLE001 (a traceback is an answer the matrix reports)
            answer = f"traceback ({type(exc).__name__}: {exc})"
        transaction.set_rollback(True)
    return answer, out.getvalue() + err.getvalue()


def test_every_cli_action_is_declared():
    """A new command (or sub-command) fails here until its row is declared beside it: OPERATOR
    when it takes no --as, each role's answer when it does."""
    missing = [a.name for a in ACTIONS if a.access is None]
    assert not missing, "CLI actions without an ACCESS declaration:\n" + "\n".join(missing)
    wrong = [
        a.name
        for a in ACTIONS
        if (a.access == OPERATOR) == a.takes_as
        or (a.access != OPERATOR and set(a.access) != set(CLI_ROLES))
    ]
    assert not wrong, "declared OPERATOR but take --as, or the reverse:\n" + "\n".join(wrong)
    assert {a.name for a in ACTIONS if a.takes_as} == set(CLI_ARGS)


def test_a_command_without_its_row_is_named():
    class Command(BaseCommand):  # a new command, declared nowhere
        def add_arguments(self, parser):
            sub = parser.add_subparsers(dest="action", required=True)
            sub.add_parser("list").add_argument("--as", dest="as_user")

    found = cli_actions([("newcmd", Command())])
    assert [(a.name, a.access, a.takes_as) for a in found] == [("newcmd list", None, True)]


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.takes_as], ids=lambda a: a.name)
def test_each_role_gets_the_declared_answer_on_the_cli(matrix, action, tmp_path):
    failures = []
    for role in CLI_ROLES:
        got, printed = run(action, matrix, tmp_path, matrix.users[role].username)
        if got != action.access[role]:
            failures.append(f"--as {role}: {got}, declared {action.access[role]}\n{printed[:300]}")
        elif got == Answer.DENIED:
            assert printed.strip() and "Traceback" not in printed, (action.name, role, printed)
    assert not failures, f"daicho {action.name}\n" + "\n".join(failures)


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.takes_as], ids=lambda a: a.name)
def test_the_cli_arguments_succeed_for_the_operator(matrix, action, tmp_path):
    """The matrix's arguments are valid: the operator's run succeeds, so a refusal above is the
    user's permission, not a bad argument."""
    got, printed = run(action, matrix, tmp_path, None)
    assert got == OK, printed


def test_a_refusal_names_the_user_and_exits_non_zero(matrix, tmp_path, capsys):
    """As a user would see it: one line, exit status 1, no traceback, nothing written."""
    from daicho.sam.models import Device

    path = _device_file(tmp_path)
    code, _out, err = cli(capsys, "import", "devices", path, "--org", "330001", "--as", "viewer")
    assert code == 1
    assert err.strip().splitlines() == [
        "Refused: viewer は 岡山県 の台帳を編集する権限がないため、取り込みできません。"
    ]
    assert not Device.objects.filter(name="PC-MATRIX-0001").exists()


def test_an_operators_command_refuses_as(capsys):
    code, _out, err = cli(capsys, "backup", "x.tar.gz", "--as", "viewer")
    assert code == 2
    assert "unrecognized arguments: --as viewer" in err


def test_the_generated_table_in_the_operations_guide_is_in_step():
    """docs/operations.md's table of who may run each command is generated from the
    declarations: replace it with ``cli_markdown()`` when this fails."""
    page = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text("utf-8")
    table = re.search(r"do not edit by hand -->\n(.*?)<!-- end of", page, flags=re.S).group(1)
    assert table == cli_markdown()


# The README's roles table, checked against the CLI's part of the matrix too: what a row says a
# role may do on the command line, and what it does not grant.
README_CLI_CLAIMS = {
    "sam_officer": [("with `daicho import --as` too", "sam", "import")],
    "owner": [("edit the systems, costs and contracts", "owner", "import")],
    "viewer": [("read everything in the organisation", "viewer", "export")],
    "auditor": [("read everything", "auditor", "continuity")],
}
README_CLI_REFUSALS = [("viewer", "import"), ("auditor", "import"), ("outsider", "continuity")]


def test_the_readme_roles_table_and_the_cli_matrix_agree():
    by_name = {a.name: a for a in ACTIONS}
    readme = _readme_roles()
    wrong = []
    for role, claims in README_CLI_CLAIMS.items():
        for phrase, player, action in claims:
            if phrase not in readme[role]:
                wrong.append(f"README's {role} row no longer says {phrase!r}")
            if by_name[action].access[player] != OK:
                wrong.append(f"{role} may {phrase!r} but `daicho {action} --as` is refused")
    for player, action in README_CLI_REFUSALS:
        if by_name[action].access[player] == OK:
            wrong.append(f"{player} may run `daicho {action} --as`, README does not say so")
    assert not wrong, "\n".join(wrong)
