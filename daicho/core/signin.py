"""Signing in through the prefecture's directory: OpenID Connect, LDAP/Active Directory, and the
mapping of directory groups to Daicho roles.

Roles that come from a directory are kept as memberships with `source=directory`: each sign-in
makes them match the person's groups (granted, or revoked when they left the group), while roles
the IT policy division granted by hand are never touched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import Q

from daicho.core import audit
from daicho.core.audit import Action
from daicho.core.models import Membership, MembershipSource, Organisation, OrgUnit, Role, User
from daicho.core.permissions import forget_scope, read_with_user_and_scope

logger = logging.getLogger(__name__)

UNIT_ROLES = (Role.OWNER, Role.SAM_OFFICER)


def client_ip(request) -> str | None:
    """The client's address for login throttling: behind DAICHO_PROXY_COUNT trusted proxies,
    the address the nearest one saw (earlier X-Forwarded-For entries can be forged)."""
    count = settings.DAICHO_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


try:
    from axes.backends import AxesStandaloneBackend
except ImportError:  # pragma: no cover - a pinned dependency
    AxesStandaloneBackend = object


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' lockout check for sign-ins over the web; a credential check without a request
    (the test client's login, a script) is not a web sign-in and is not throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ScopeReadingMixin:
    """A signed-in request's user is read with the user's memberships in one query (every page
    needs the scope next): the session's user costs one query instead of two."""

    def get_user(self, user_id):
        found = read_with_user_and_scope(User, [], user="", pk=user_id)
        if found is None:
            return None
        user = found[1]
        return user if user.is_active else None


class PasswordBackend(ScopeReadingMixin, ModelBackend):
    """Django's user name and password check, with the user of a signed-in request read as
    :class:`ScopeReadingMixin` does."""


@dataclass(frozen=True)
class Grant:
    """One role a directory group gives."""

    organisation_id: int
    unit_id: int | None
    role: str


def _organisation() -> Organisation | None:
    key = settings.DAICHO_SSO_ORGANISATION
    organisations = Organisation.objects.all()
    if key:
        organisations = organisations.filter(Q(code=key) | Q(name=key))
    found = list(organisations[:2])
    return found[0] if len(found) == 1 else None


def _parse(value) -> list[dict]:
    """'it_policy@D01-S01', {'role': …, 'unit': …, 'organisation': …} or a list of them."""
    if isinstance(value, list):
        return [item for v in value for item in _parse(v)]
    if isinstance(value, dict):
        return [value]
    role, _at, unit = str(value).partition("@")
    return [{"role": role.strip(), "unit": unit.strip() or None}]


def grants_for(groups: Iterable[str]) -> set[Grant]:
    """The roles DAICHO_ROLE_MAP gives to someone in ``groups`` (names or DNs, any case)."""
    wanted = {g.strip().lower() for g in groups if g}
    mapping = {str(k).strip().lower(): v for k, v in settings.DAICHO_ROLE_MAP.items()}
    default_org = None
    grants = set()
    for group in sorted(wanted & set(mapping)):
        for rule in _parse(mapping[group]):
            role = rule.get("role")
            if role not in Role.values:
                logger.warning("DAICHO_ROLE_MAP: %s gives unknown role %r", group, role)
                continue
            if rule.get("organisation"):
                org = Organisation.objects.filter(
                    Q(code=rule["organisation"]) | Q(name=rule["organisation"])
                ).first()
            else:
                default_org = default_org or _organisation()
                org = default_org
            if org is None:
                logger.warning("DAICHO_ROLE_MAP: no organisation for group %s", group)
                continue
            unit = None
            if rule.get("unit"):
                unit = OrgUnit.objects.filter(organisation=org, code=rule["unit"]).first()
                if unit is None:
                    logger.warning("DAICHO_ROLE_MAP: %s names unknown unit %s", group, rule["unit"])
                    continue
            elif role in UNIT_ROLES:
                logger.warning("DAICHO_ROLE_MAP: %s gives %s without a unit", group, role)
                continue
            grants.add(Grant(org.pk, unit.pk if unit else None, role))
    return grants


def memberships_sync_from_directory(*, user: User, groups: Iterable[str]) -> tuple[int, int]:
    """Make the user's directory roles match their groups; returns (granted, revoked).

    Each change is audited with the user as the actor, through the current channel.
    """
    ctx = audit.current()
    with (
        audit.audit_context(actor=user, channel=ctx.channel, request_id=ctx.request_id),
        transaction.atomic(),
    ):
        return _sync(user, grants_for(groups))


def _sync(user: User, grants: set[Grant]) -> tuple[int, int]:
    current = {
        Grant(m.organisation_id, m.unit_id, m.role): m
        for m in Membership.objects.filter(user=user).select_for_update()
    }
    granted = revoked = 0
    for grant in sorted(grants - set(current), key=str):
        membership = Membership.objects.create(
            user=user,
            organisation_id=grant.organisation_id,
            unit_id=grant.unit_id,
            role=grant.role,
            source=MembershipSource.DIRECTORY,
        )
        audit.record(
            action=Action.CREATE,
            obj=membership,
            organisation=membership.organisation,
            after=audit.snapshot(membership),
            message="directory",
        )
        granted += 1
    for grant, membership in current.items():
        if membership.source == MembershipSource.DIRECTORY and grant not in grants:
            audit.record(
                action=Action.DELETE,
                obj=membership,
                organisation=membership.organisation,
                before=audit.snapshot(membership),
                message="directory",
            )
            membership.delete()
            revoked += 1
    forget_scope(user)
    return granted, revoked


def _update_profile(user: User, *, email: str, full_name: str) -> None:
    changed = []
    if email and user.email != email:
        user.email = email
        changed.append("email")
    if full_name and user.first_name != full_name[:150]:
        user.first_name = full_name[:150]
        changed.append("first_name")
    if changed:
        user.save(update_fields=changed)


# --- OpenID Connect ------------------------------------------------------------------------------

try:
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend
except ImportError:  # pragma: no cover - a pinned dependency
    OIDCAuthenticationBackend = object


class DirectoryOIDCBackend(ScopeReadingMixin, OIDCAuthenticationBackend):
    """OpenID Connect sign-in: the user name from DAICHO_OIDC_USERNAME_CLAIM, roles from the
    groups claim (in the ID token or the userinfo answer)."""

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload)
        claims.update(super().get_userinfo(access_token, id_token, payload) or {})
        return claims

    def _username(self, claims) -> str:
        name = claims.get(settings.DAICHO_OIDC_USERNAME_CLAIM) or claims.get("email") or ""
        return str(name)[:150]

    def verify_claims(self, claims) -> bool:
        return bool(self._username(claims))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username__iexact=self._username(claims))

    def create_user(self, claims):
        user = self.UserModel(username=self._username(claims), email=claims.get("email", ""))
        user.set_unusable_password()
        user.save()
        ctx = audit.current()
        with audit.audit_context(actor=user, channel=ctx.channel, request_id=ctx.request_id):
            audit.record(action=Action.CREATE, obj=user, after={"username": user.username})
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if not user.is_active:
            return None
        _update_profile(user, email=claims.get("email", ""), full_name=claims.get("name", ""))
        groups = claims.get(settings.DAICHO_OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        memberships_sync_from_directory(user=user, groups=groups)
        if self.request is not None and hasattr(self.request, "session"):
            # The identity provider is responsible for the second factor of this sign-in.
            self.request.session["daicho_signin"] = "oidc"
        return user


# --- LDAP / Active Directory ---------------------------------------------------------------------

try:
    from django_auth_ldap.backend import LDAPBackend
except ImportError:  # python-ldap is optional (it needs C headers to build)
    LDAPBackend = object


class DirectoryLDAPBackend(LDAPBackend):
    """LDAP/Active Directory sign-in with the password checked by the directory; roles from the
    groups DAICHO_LDAP_GROUP_BASE finds (matched by DN or by name)."""

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is not None:
            groups = set()
            if self.settings.GROUP_SEARCH:
                groups = set(ldap_user.group_dns) | set(ldap_user.group_names)
            memberships_sync_from_directory(user=user, groups=groups)
        return user
