"""Shared behaviour of Daicho's commands: user errors become one clear line, never a traceback."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError


def describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(m for e in errs for m in e.messages)}"
            for field, errs in exc.error_dict.items()
        )
    return " ".join(exc.messages)


class Refused(CommandError):
    """The user named by ``--as`` may not do this: one line saying why, exit status 1."""


class DaichoCommand(BaseCommand):
    """A command whose validation and permission errors exit non-zero with a message."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ValidationError as exc:
            raise CommandError(describe(exc)) from None
        except PermissionDenied as exc:
            raise Refused(str(exc) or "permission denied") from None
        except DatabaseError as exc:
            raise CommandError(
                f"database error: {exc} (is the database reachable, and has `daicho migrate` run?)"
            ) from None


def organisation_from(key: str | None):
    """The organisation named by `--org` (code or name); the only one when not named."""
    from django.db.models import Q
    from django.utils.translation import gettext as _

    from daicho.core.models import Organisation

    organisations = Organisation.objects.all()
    if key:
        organisations = organisations.filter(Q(code=key) | Q(name=key))
    found = list(organisations[:2])
    if not key and len(found) > 1:
        # Organisations that only co-use another's systems keep no ledger of their own: the one
        # organisation with members or systems is meant.
        keeping = Organisation.objects.filter(
            Q(memberships__isnull=False) | Q(systems__isnull=False)
        ).distinct()
        found = list(keeping[:2]) or found
    if len(found) != 1:
        raise CommandError(
            _("Name the organisation with --org (code or name).")
            if found
            else _("No such organisation; run `daicho init` first.")
        )
    return found[0]


def user_from(username: str | None, organisation=None):
    """The user named by ``--as`` (the operator, `TRUSTED`, when none is named); with
    ``organisation``, refused unless the user is one of its members."""
    from django.utils.translation import gettext as _

    from daicho.core.models import User
    from daicho.core.permissions import TRUSTED, scope_of

    if not username:
        return TRUSTED
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("No user %(name)s.") % {"name": username})
    if organisation is not None and organisation.pk not in scope_of(user).read_org_ids:
        raise Refused(
            _("%(user)s is not a member of %(org)s.")
            % {"user": user.username, "org": organisation.name}
        )
    return user
