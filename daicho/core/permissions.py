"""What a user may read and edit, computed once per request from their memberships.

Querysets call `scope_of(user)` in `visible_to` / `editable_by`, so the UI, the API, the CLI and
every export agree on the same rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from daicho.core.models import Membership, Role, User


@dataclass(frozen=True)
class Scope:
    """The organisations a user reads, those it edits wholesale, and the unit subtrees it owns."""

    read_org_ids: frozenset[int] = frozenset()
    policy_org_ids: frozenset[int] = frozenset()
    audit_org_ids: frozenset[int] = frozenset()
    owner_paths: tuple[str, ...] = ()
    sam_paths: tuple[str, ...] = ()
    owner_org_ids: frozenset[int] = frozenset()  # where the user owns a unit
    sam_org_ids: frozenset[int] = frozenset()  # where the user is a SAM officer of a unit
    roles: frozenset[str] = field(default_factory=frozenset)
    superuser: bool = False
    names: tuple[tuple[int, str], ...] = ()  # (id, name) of the organisations read, by id
    unit_versions: tuple[tuple[int, int], ...] = ()  # (id, units_version) of the same

    def versions_read(self, versions: tuple[tuple[int, int], ...]) -> tuple | None:
        """(organisation, version) of each organisation read, from ``versions``
        (:attr:`unit_versions`): the version a cached copy of their unit trees is kept under
        (`daicho.core.units`); None when one has no version to go by."""
        known = dict(versions)
        if not known.keys() >= self.read_org_ids:
            return None
        return tuple((pk, known[pk]) for pk in sorted(self.read_org_ids))

    @property
    def organisation_name(self) -> str:
        """The name of the organisation the user works in (the first, as in
        :func:`current_organisation`), for the page header without a query."""
        return self.names[0][1] if self.names else ""

    @property
    def reads_budget_review(self) -> bool:
        """Reads the budget review (IT policy, the auditors, and the finance division among the
        viewers), so the menu offers it (`governance.views.BudgetReviewView` checks it for the
        organisation at hand)."""
        return self.superuser or bool(
            self.policy_org_ids or self.audit_org_ids or Role.VIEWER in self.roles
        )

    @property
    def can_write(self) -> bool:
        return self.superuser or bool(self.policy_org_ids or self.owner_paths)

    @property
    def can_import(self) -> bool:
        """May upload files: those who edit the ledger, and SAM officers (their unit's devices
        and installations; each kind still checks every row against the user's rights)."""
        return self.can_write or bool(self.sam_paths)

    def writes_in(self, organisation_id: int | None) -> bool:
        """May write the ledger of this organisation (its IT policy division or an owner of one
        of its units): :attr:`can_write`, for one organisation."""
        return organisation_id in self.policy_org_ids or organisation_id in self.owner_org_ids

    def unit_q(self, prefix: str, paths: tuple[str, ...]) -> Q:
        """Rows whose unit (reached through ``prefix``) lies in one of the subtrees ``paths``."""
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q


_EMPTY = Scope()


class TrustedOperator:
    """The person at the server's command line: reads and writes every organisation.

    CLI commands act as this when no `--as USER` is given; the audit log records them as `cli`.
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None
    username = "cli"

    def get_username(self) -> str:
        return self.username


TRUSTED = TrustedOperator()


def remember_scope(user, scope: Scope) -> None:
    """Use ``scope`` for ``user`` for the rest of the request (read along with the user)."""
    user._daicho_scope = scope


def scope_of(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return _EMPTY
    cached = getattr(user, "_daicho_scope", None)
    if cached is not None:
        return cached
    scope = _build_scope(user, None)
    if user is not TRUSTED:
        user._daicho_scope = scope
    return scope


# What a scope is built from, per membership: organisation id, role, unit path, organisation name
# and the version of its unit tree (daicho.core.units).
MEMBERSHIP_COLUMNS = (
    "organisation_id",
    "role",
    "unit__path",
    "organisation__name",
    "organisation__units_version",
)


def _build_scope(user, organisation_id: int | None) -> Scope:
    """The scope from the user's memberships (in one organisation when ``organisation_id``)."""
    rows = []
    if user.pk:  # the CLI's trusted operator has no memberships, only superuser rights
        memberships = Membership.objects.filter(user=user)
        if organisation_id is not None:
            memberships = memberships.filter(organisation_id=organisation_id)
        rows = list(memberships.values_list(*MEMBERSHIP_COLUMNS))
    return scope_from_memberships(user, rows, organisation_id)


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


def scope_from_memberships(user, rows: list[tuple], organisation_id: int | None = None) -> Scope:
    """The scope from rows of :data:`MEMBERSHIP_COLUMNS` (read by the caller, e.g. with the
    API token that names the user)."""
    if user.is_superuser:
        from daicho.core.models import Organisation

        organisations = Organisation.objects.order_by("pk")
        if organisation_id is not None:
            organisations = organisations.filter(pk=organisation_id)
        organisations = list(organisations.values_list("pk", "name", "units_version"))
        org_ids = frozenset(pk for pk, *_ in organisations)
        return Scope(
            read_org_ids=org_ids,
            policy_org_ids=org_ids,
            audit_org_ids=org_ids,
            roles=frozenset(row[1] for row in rows) | {Role.IT_POLICY},
            superuser=True,
            names=tuple((pk, name) for pk, name, *_ in organisations),
            unit_versions=tuple((pk, units) for pk, _name, units in organisations),
        )
    return Scope(
        read_org_ids=frozenset(o for o, *_ in rows),
        policy_org_ids=frozenset(o for o, r, *_ in rows if r == Role.IT_POLICY),
        audit_org_ids=frozenset(o for o, r, *_ in rows if r in (Role.AUDITOR, Role.IT_POLICY)),
        owner_paths=tuple(sorted({p for _, r, p, *_ in rows if r == Role.OWNER and p})),
        sam_paths=tuple(sorted({p for _, r, p, *_ in rows if r == Role.SAM_OFFICER and p})),
        owner_org_ids=frozenset(o for o, r, p, *_ in rows if r == Role.OWNER and p),
        sam_org_ids=frozenset(o for o, r, p, *_ in rows if r == Role.SAM_OFFICER and p),
        roles=frozenset(r for _, r, *_ in rows),
        names=tuple(sorted({(o, name) for o, _, _, name, *_ in rows})),
        unit_versions=tuple(sorted({(o, units) for o, _, _, _, units in rows})),
    )


def organisations_of(user) -> frozenset[int]:
    """Every organisation the user belongs to, even while the switcher narrows the scope."""
    return getattr(user, "_daicho_all_org_ids", None) or scope_of(user).read_org_ids


def narrow_scope(user, organisation_id: int) -> bool:
    """For the rest of the request, only the user's roles in one of their organisations count
    (the organisation switcher): lists, pages and exports show that organisation's ledger."""
    full = scope_of(user)
    if organisation_id not in full.read_org_ids:
        return False
    if len(full.read_org_ids) > 1:
        user._daicho_all_org_ids = full.read_org_ids
        user._daicho_scope = _build_scope(user, organisation_id)
    return True


def forget_scope(user) -> None:
    """Drop the cached scope (after memberships change)."""
    for attribute in ("_daicho_scope", "_daicho_all_org_ids"):
        if hasattr(user, attribute):
            delattr(user, attribute)


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
    from daicho.core.models import Organisation

    scope = scope_of(user)
    if not scope.read_org_ids:
        return None
    return Organisation.objects.filter(pk__in=scope.read_org_ids).order_by("pk").first()
