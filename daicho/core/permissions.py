"""What a user may read and edit: the scope (`daicho.core.scope`, named here too, where the
views and services have always found it) and what needs the models to find it — the user and
their scope read with an API token or a session in one query, the organisation they work in.
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from daicho.core.models import Organisation, User
from daicho.core.scope import (
    MEMBERSHIP_COLUMNS,
    TRUSTED,
    Scope,
    TrustedOperator,
    forget_scope,
    may_edit,
    narrow_scope,
    organisations_of,
    remember_scope,
    scope_from_memberships,
    scope_of,
)

__all__ = [
    "MEMBERSHIP_COLUMNS",
    "TRUSTED",
    "Scope",
    "TrustedOperator",
    "current_organisation",
    "forget_scope",
    "may_edit",
    "narrow_scope",
    "organisations_of",
    "read_with_user_and_scope",
    "remember_scope",
    "require_organisation",
    "scope_from_memberships",
    "scope_of",
    "working_organisation",
]


_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]


@functools.cache
def _with_user_and_scope(model, fields: tuple[str, ...], user: str):
    """The columns :func:`read_with_user_and_scope` reads, as a queryset made once and filtered
    per request: resolving thirty field paths costs more than the query itself."""
    prefix = f"{user}__" if user else ""
    return model._default_manager.values_list(
        *fields,
        *(f"{prefix}{name}" for name in _USER_FIELDS),
        *(f"{prefix}memberships__{name}" for name in MEMBERSHIP_COLUMNS),
    )


def read_with_user_and_scope(
    model, fields: list[str], user: str, **lookup
) -> tuple[tuple, User] | None:
    """The first row of ``model`` that ``lookup`` finds (its ``fields``), the user that ``user``
    names from it (a path, "" for the model's own rows) and the user's scope, in one query: a
    row per membership. Signed-in requests and API tokens read their user this way, since every
    page and endpoint needs the scope next."""
    queryset = _with_user_and_scope(model, tuple(fields), user).filter(**lookup)
    rows = list(queryset)
    if not rows:
        return None
    n_lead, n_user = len(fields), len(_USER_FIELDS)
    found = User.from_db(queryset.db, _USER_FIELDS, rows[0][n_lead : n_lead + n_user])
    memberships = [row[n_lead + n_user :] for row in rows if row[n_lead + n_user] is not None]
    remember_scope(found, scope_from_memberships(found, memberships))
    return rows[0][:n_lead], found


def require_organisation(organisation):
    """``organisation``, or a refusal for a user who belongs to none."""
    if organisation is None:
        raise PermissionDenied(_("You are not a member of any organisation."))
    return organisation


def working_organisation(user):
    """The organisation the user works in (:func:`current_organisation`), or a refusal for a
    user who belongs to none."""
    return require_organisation(current_organisation(user))


def current_organisation(user):
    """The organisation the user works in: the one chosen with the switcher, else the first."""
    scope = scope_of(user)
    if not scope.read_org_ids:
        return None
    return Organisation.objects.filter(pk__in=scope.read_org_ids).order_by("pk").first()
