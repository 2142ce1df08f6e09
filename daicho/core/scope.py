"""Who the user is in the ledger, and which rows that lets them read and edit.

A leaf of `core` (it imports no model, so `core.models` can use it): the user's :class:`Scope`
(the organisations they read, those whose IT policy division they are, the unit subtrees they
own or keep devices for), computed once per request from their memberships; and the vocabulary
the models declare their rows' permissions in — ``scoped = Scoped(org=..., unit=...,
editors=...)`` with ``objects = ScopedQuerySet.as_manager()`` — from which every
``visible_to(user)`` and ``editable_by(user)`` comes, so the UI, the API, the CLI and every
export agree on the same rows (docs/architecture.md, "Permissions").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q

from daicho.core.choices import Role


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

    def paths(self, roles: tuple[str, ...]) -> tuple[str, ...]:
        """The unit subtrees where the user holds one of ``roles`` (owner, SAM officer)."""
        by_role = {Role.OWNER: self.owner_paths, Role.SAM_OFFICER: self.sam_paths}
        return tuple(path for role in roles for path in by_role[role])

    def may_own(self, unit, editors: tuple[str, ...] = (Role.OWNER,)) -> bool:
        """Whether the user may keep records owned by ``unit``: the IT policy division of its
        organisation, or one of ``editors`` at or above it. The rule :class:`Scoped` writes in
        SQL, for one unit in hand (a form's or a service's argument)."""
        if unit is None:
            return False
        return unit.organisation_id in self.policy_org_ids or (
            unit.organisation_id in self.read_org_ids
            and any(unit.path.startswith(path) for path in self.paths(editors))
        )


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
        memberships = user.memberships.all()
        if organisation_id is not None:
            memberships = memberships.filter(organisation_id=organisation_id)
        rows = list(memberships.values_list(*MEMBERSHIP_COLUMNS))
    return scope_from_memberships(user, rows, organisation_id)


def scope_from_memberships(user, rows: list[tuple], organisation_id: int | None = None) -> Scope:
    """The scope from rows of :data:`MEMBERSHIP_COLUMNS` (read by the caller, e.g. with the
    API token that names the user)."""
    if user.is_superuser:
        # Looked up, not imported: this module stays below the models (docs/architecture.md).
        organisations = apps.get_model("core", "Organisation").objects.order_by("pk")
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


# ---------------------------------------------------------------------------------------------
# Rows: what a model declares, and the queryset that reads the declaration


@dataclass(frozen=True)
class Scoped:
    """Who reads and who edits a model's rows, declared once on the model (``scoped = ...``).

    ``org`` is the path from a row to its organisation: the organisation's members read the row
    and its IT policy division edits it. ``unit``, when the row is kept by a unit, is the path to
    that unit: the holders of one of the ``editors`` roles at or above it (owners, by default)
    edit the row too. ``editable=False`` marks rows that only their services write (gate
    decisions, installations): no one edits them as records.
    """

    org: str = "organisation"
    unit: str | None = None
    editors: tuple[str, ...] = (Role.OWNER,)
    editable: bool = True

    def __post_init__(self) -> None:
        unknown = set(self.editors) - {Role.OWNER, Role.SAM_OFFICER}
        if unknown:
            names = ", ".join(sorted(map(str, unknown)))
            raise ValueError(f"Only unit roles edit the rows of a unit, not {names}.")

    def visible_q(self, scope: Scope) -> Q:
        """Rows of the organisations the user reads."""
        return Q(**{f"{self.org}_id__in": scope.read_org_ids})

    def editable_q(self, scope: Scope) -> Q:
        """Rows of the organisations whose IT policy division the user is, and rows of the
        units where the user holds an editing role (the SQL of :meth:`Scope.may_own`)."""
        if not self.editable:
            return Q(pk__in=[])
        q = Q(**{f"{self.org}_id__in": scope.policy_org_ids})
        if self.unit:
            q |= scope.unit_q(f"{self.unit}__", scope.paths(self.editors)) & self.visible_q(scope)
        return q


class ScopedQuerySet(models.QuerySet):
    """``visible_to(user)`` and ``editable_by(user)`` for a model that declares ``scoped``.

    A model with a genuine exception to the common rule (co-using organisations read a system's
    co-use; an article's author edits it) overrides :meth:`visible_q` or :meth:`editable_q` in a
    subclass and adds its rows to the common ones (``super()... | Q(...)``).
    """

    def visible_to(self, user):
        return self.filter(self.visible_q(scope_of(user), user))

    def editable_by(self, user):
        return self.filter(self.editable_q(scope_of(user), user))

    def visible_q(self, scope: Scope, user) -> Q:
        return self.model.scoped.visible_q(scope)

    def editable_q(self, scope: Scope, user) -> Q:
        return self.model.scoped.editable_q(scope)


def may_edit(obj, user) -> bool:
    """Whether ``user`` may edit the record ``obj`` (of a model with a scoped queryset): the
    rule its ``editable_by`` says, asked of one row in one query."""
    return type(obj).objects.editable_by(user).filter(pk=obj.pk).exists()
