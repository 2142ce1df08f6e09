"""Shared fixtures: one organisation with two departments, a user per role, a few systems."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from daicho.core.audit import Channel, audit_context
from daicho.core.models import Organisation, OrgUnit, Role, User
from daicho.registry.models import CostItem, InformationSystem
from tests.factories import (
    CostItemFactory,
    CostLineFactory,
    OrganisationFactory,
    OrgUnitFactory,
    SystemFactory,
    UserFactory,
    member,
)


@pytest.fixture(autouse=True, scope="session")
def _connections_closed_after_each_request():
    """The live server's request threads close their connections as they end, so the test
    database can be dropped at the end (the server keeps them: DAICHO_DB_CONN_MAX_AGE)."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_at_once():
    """Background jobs run in the request that queues them (huey's immediate mode, in memory):
    the suite needs no worker. tests/core/test_import_lock.py runs a real one."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    dept_a: OrgUnit
    section_a: OrgUnit
    dept_b: OrgUnit
    section_b: OrgUnit
    policy: User
    owner_a: User
    owner_b: User
    viewer: User
    auditor: User
    sam: User
    outsider: User
    item: CostItem
    system_a: InformationSystem
    system_b: InformationSystem
    system_other: InformationSystem

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "policy": self.policy,
            "owner_a": self.owner_a,
            "owner_b": self.owner_b,
            "viewer": self.viewer,
            "auditor": self.auditor,
            "sam": self.sam,
            "outsider": self.outsider,
        }[role]


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    """The shared world (also built once per module by the permission matrix)."""
    org = OrganisationFactory(name="岡山県", code="330001")
    other = OrganisationFactory(name="別の市", code="332011")
    dept_a = OrgUnitFactory(organisation=org, code="D01", name="総務部", kind="department")
    section_a = OrgUnitFactory(organisation=org, code="D01-S01", name="情報政策課", parent=dept_a)
    dept_b = OrgUnitFactory(organisation=org, code="D02", name="県民生活部", kind="department")
    section_b = OrgUnitFactory(
        organisation=org, code="D02-S01", name="くらし安全安心課", parent=dept_b
    )
    other_unit = OrgUnitFactory(organisation=other, code="X01", name="情報課")
    item = CostItemFactory(organisation=org)
    system_a = SystemFactory(owner_unit=section_a, code="S0001", name="税務システム")
    system_b = SystemFactory(
        owner_unit=section_b, code="S0002", name="公共施設予約システム", hosting="cloud"
    )
    system_other = SystemFactory(owner_unit=other_unit, code="S0001", name="よその市のシステム")
    CostLineFactory(system=system_a, fiscal_year=2013, amount=12_000_000, item=item)
    CostLineFactory(system=system_a, fiscal_year=2014, amount=10_500_000, item=item)
    return World(
        org=org,
        other_org=other,
        dept_a=dept_a,
        section_a=section_a,
        dept_b=dept_b,
        section_b=section_b,
        policy=member(UserFactory(username="policy"), Role.IT_POLICY, section_a),
        owner_a=member(UserFactory(username="owner_a"), Role.OWNER, dept_a),
        owner_b=member(UserFactory(username="owner_b"), Role.OWNER, section_b),
        viewer=member(UserFactory(username="viewer"), Role.VIEWER, None, org),
        auditor=member(UserFactory(username="auditor"), Role.AUDITOR, None, org),
        sam=member(UserFactory(username="sam"), Role.SAM_OFFICER, section_b),
        outsider=member(UserFactory(username="outsider"), Role.IT_POLICY, other_unit),
        item=item,
        system_a=system_a,
        system_b=system_b,
        system_other=system_other,
    )


@pytest.fixture
def as_user():
    """Run service calls as a user through the web channel: `with as_user(u): ...`."""

    def _as(user, channel=Channel.WEB):
        return audit_context(actor=user, channel=channel)

    return _as


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Tests do not need a slow password hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Japanese), as a new request or CLI run does.

    A request with the English cookie leaves English active in the thread (LocaleMiddleware
    activates a language and nothing resets it), which made messages depend on test order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _cache_cleared(settings):
    """Each test starts with an empty cache: counts kept there (password reset requests, API
    rates) do not carry over from one test to the next. The shared cache is the database's
    (a test without the database must not touch it), so each test counts under a key prefix of
    its own there; the per-process counters and memos are cleared (a memo another test left
    under the same version would spare a query that the test's own first request must make)."""
    import copy
    import uuid

    from django.core.cache import caches

    configured = copy.deepcopy(settings.CACHES)
    configured["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = configured  # Django drops the cache connections of every thread
    caches["counters"].clear()
    caches["memo"].clear()
