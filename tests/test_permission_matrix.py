"""The generated permission matrix: every URL pattern and every API operation, asked as every role
of the matrix with every method the view answers, gets the answer its declaration names.

The declarations live beside the routes: an ``ACCESS`` table in each ``urls.py`` (route name →
`Access`) and in each ``api.py`` (operation function name → answers); see `daicho.core.access`.
A route without one fails `test_every_route_is_declared`, naming it.

One world is built for the whole module (a record of every kind in section A of the organisation,
a user per role) inside a transaction rolled back at the end; every request runs in a savepoint
rolled back after it, so a delete by one role leaves the record for the next. Writes are sent with
an empty body, or with the minimal valid body of `PAGE_BODIES` / `API_BODIES`: the matrix checks
the permission's answer (sign-in, 401, 403, 404 or anything else), not the form's validation —
and `test_the_bodies_succeed_for_the_it_policy_division` checks that each body really is valid, so
an allowed role's write in the matrix does what it says.
"""

from __future__ import annotations

import datetime
import importlib
import json
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from daicho.core.access import API_ROLES, ROLES, Access, Answer
from daicho.core.models import Role
from tests.conftest import build_world
from tests.factories import ContractFactory, SystemFactory, UserFactory, VendorFactory, member

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch", "delete")


# --- the routes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "registry:system_edit", or "api:update_system"
    pattern: str  # "systems/<int:pk>/edit/", or "/api/v1/systems/{system_id}"
    methods: tuple[str, ...]
    access: Access | None
    api: bool = False


def _access_table(module) -> dict:
    return getattr(module, "ACCESS", {}) if module is not None else {}


def _walk(patterns, prefix="", namespaces=(), tables=()):
    for p in patterns:
        if isinstance(p, URLResolver):
            module = p.urlconf_name if not isinstance(p.urlconf_name, (str, list)) else None
            if isinstance(p.urlconf_name, str):
                module = importlib.import_module(p.urlconf_name)
            ns = (*namespaces, p.namespace) if p.namespace else namespaces
            yield from _walk(
                p.url_patterns, prefix + str(p.pattern), ns, (*tables, _access_table(module))
            )
        else:
            name = ":".join((*namespaces, p.name or "?"))
            yield name, prefix + str(p.pattern), p, tables


def _declared(name: str, tables) -> Access | None:
    """The innermost table naming the route (by its own name, its full name or its namespace)."""
    short = name.rsplit(":", 1)[-1]
    namespace = name.rsplit(":", 1)[0] + ":*" if ":" in name else None
    for table in reversed(tables):
        for key in (name, short, namespace):
            if key and key in table:
                return table[key]
    return None


def _methods(name: str, pattern: URLPattern, access: Access | None) -> tuple[str, ...]:
    """The methods a class-based view answers; a function view (and Django's admin, asked with
    GET only) answers what it is declared to answer."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is not None and not name.startswith("admin:"):
        return tuple(
            m
            for m in ("get", "post", "put", "patch", "delete")
            if hasattr(view_class, m) and m in view_class.http_method_names
        )
    return tuple(
        m
        for m in ("get", "post", "put", "patch", "delete")
        if access is not None and getattr(access, m) is not None
    ) or ("get",)


def page_routes() -> list[Route]:
    root = importlib.import_module(settings.ROOT_URLCONF)
    routes = []
    for name, pattern, p, tables in _walk(
        get_resolver().url_patterns, tables=(_access_table(root),)
    ):
        if name.startswith("api:") and name.split(":", 1)[1] in _api_operation_names():
            continue  # declared on the API's operations
        access = _declared(name, tables)
        routes.append(Route(name, pattern, _methods(name, p, access), access))
    return routes


def _api_operation_names() -> set[str]:
    return {r.name.split(":", 1)[1] for r in api_routes()}


def api_routes() -> list[Route]:
    from daicho.api import api

    api.urls  # noqa: B018 (binds the routers)
    routes = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                func = operation.view_func
                table = _access_table(importlib.import_module(func.__module__))
                declared = table.get(func.__name__)
                full = "/api/v1/" + "/".join(s.strip("/") for s in (prefix, path) if s.strip("/"))
                methods = tuple(m.lower() for m in operation.methods)
                access = Access(**dict.fromkeys(methods, declared)) if declared else None
                routes.append(Route(f"api:{func.__name__}", full, methods, access, api=True))
    return routes


ROUTES = page_routes() + api_routes()


# --- the world ------------------------------------------------------------------------------------


def _make(model, **values):
    """A row of ``model`` with ``values`` and a plain value in every other required field."""
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in values or f.null or f.blank or f.has_default():
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.choices:
            values[f.name] = f.choices[0][0]
        elif isinstance(f, models.DateTimeField):
            values[f.name] = datetime.datetime(2014, 6, 1, 9, 0, tzinfo=datetime.UTC)
        elif isinstance(f, models.DateField):
            values[f.name] = datetime.date(2014, 6, 1)
        elif isinstance(f, (models.IntegerField, models.DecimalField, models.FloatField)):
            values[f.name] = 1
        elif isinstance(f, (models.CharField, models.TextField)):
            values[f.name] = f"{model.__name__}-1"
    return model.objects.create(**values)


def build_matrix_world():
    """The shared world, the matrix's extra members and a record of every kind in section A."""
    from daicho.continuity import models as cm
    from daicho.core import models as core
    from daicho.core.services import token_create
    from daicho.governance import models as gm
    from daicho.infra import models as im
    from daicho.knowledge import models as km
    from daicho.lifecycle import models as lm
    from daicho.plan import models as pm
    from daicho.registry import models as rm
    from daicho.sam import models as sm
    from daicho.security import models as secm
    from daicho.standardisation import models as stm

    w = build_world()
    org, a = w.org, w.section_a
    users = {
        "viewer": w.viewer,
        "owner": w.owner_a,
        "other_owner": w.owner_b,
        "sam": member(UserFactory(username="sam_a"), Role.SAM_OFFICER, a),
        "auditor": w.auditor,
        "policy": w.policy,
        "dual_policy": member(
            member(UserFactory(username="dual_policy"), Role.IT_POLICY, None, org),
            Role.VIEWER,
            None,
            w.other_org,
        ),
        "dual_viewer": member(
            member(UserFactory(username="dual_viewer"), Role.VIEWER, None, org),
            Role.IT_POLICY,
            None,
            w.other_org,
        ),
        "outsider": w.outsider,
    }
    system = w.system_a
    system_ct = ContentType.objects.get_for_model(system)
    vendor = VendorFactory(organisation=org)
    contract = ContractFactory(vendor=vendor, owner_unit=a)
    contract.systems.add(system)
    scheme = _make(cm.ClassificationScheme, organisation=org, code="soumu")
    standard = _make(cm.BackupStandard, organisation=org, scheme=scheme)
    drill = _make(cm.Drill, organisation=org)
    from daicho.governance import workflow

    # at its first gate, ready to submit (checklist ticked, purpose given)
    case = _make(
        gm.ProcurementCase, organisation=org, system=system, owner_unit=a, fiscal_year=2015,
        purpose="matrix",
    )  # fmt: skip
    case.checklist = {"planning": {i.key: True for i in workflow.checklist_items(case)}}
    case.save(update_fields=["checklist"])
    product = _make(lm.SoftwareProduct, slug="matrix-os", name="Matrix OS")
    device = _make(sm.Device, organisation=org, unit=a)
    title = _make(sm.SoftwareTitle, organisation=org)
    campaign = _make(sm.InventoryCampaign, organisation=org)
    plan = _make(pm.Plan, organisation=org, start_year=2014, end_year=2018, base_year=2008)
    server = _make(im.Server, organisation=org)
    attachment = core.Attachment.objects.create(
        organisation=org,
        content_type=system_ct,
        object_id=str(system.pk),
        file=ContentFile(b"memo", name="memo.txt"),
        name="memo.txt",
        size=4,
    )
    records = {
        "registry:system": system,
        # one nothing refers to, for the bulk delete
        "registry:spare_system": SystemFactory(owner_unit=a, code="S0900", name="matrix"),
        "registry:cost": system.cost_lines.first(),
        "registry:cost_item": w.item,
        "registry:vendor": vendor,
        "registry:contract": contract,
        # co-used by a third organisation (not the outsider's): readable by the owner's members
        "registry:co_use": _make(
            rm.SystemCoUse,
            system=system,
            co_user=_make(core.Organisation, name="第三の町"),
            share_percent=1,
        ),  # fmt: skip
        "unit": a,
        "continuity:system": system,
        "continuity:restore_test": _make(cm.RestoreTest, system=system),
        "continuity:standard": standard,
        "continuity:rule": _make(cm.BackupRule, standard=standard),
        "continuity:scheme": scheme,
        "continuity:drill": drill,
        "continuity:finding": _make(cm.DrillFinding, drill=drill, action_unit=a),
        "continuity:outage": _make(cm.Outage, system=system),
        "security:incident": _make(secm.Incident, organisation=org, unit=a),
        "security:training": _make(secm.TrainingSession, organisation=org),
        "security:phishing": _make(secm.PhishingDrill, organisation=org),
        "governance:case": case,
        "governance:consultation": _make(gm.Consultation, organisation=org, unit=a),
        "governance:evaluation": _make(
            gm.Evaluation, organisation=org, system=system, fiscal_year=2014
        ),
        "knowledge:article": _make(km.Article, organisation=org),
        "knowledge:karte": system,
        "infra:server": server,
        "infra:cloud": _make(im.CloudService, organisation=org),
        "infra:site": _make(im.Site, organisation=org),
        "infra:cluster": _make(im.Cluster, organisation=org),
        "infra:component": _make(im.SoftwareComponent, organisation=org, system=system),
        "infra:vdi_pool": _make(im.VdiPool, organisation=org, unit=a),
        "lifecycle:release": _make(lm.ProductRelease, product=product),
        "lifecycle:rule": _make(lm.MatchRule, product=product),
        "sam:device": device,
        "sam:licence": _make(sm.Licence, organisation=org, title=title, unit=a),
        "sam:title": title,
        "sam:campaign": campaign,
        "sam:confirmation": _make(sm.InventoryConfirmation, campaign=campaign, unit=a),
        "sam:audit": _make(sm.SamAudit, organisation=org),
        "plan:result": _make(pm.Indicator, measure=_make(pm.Measure, plan=plan), code="bcp_drills"),
        "standardisation:migration": _make(stm.Migration, organisation=org, area="juki"),
        "import": _make(core.ImportBatch, organisation=org, kind="systems", status="previewed"),
        "attachment": attachment,
        "saved_view": _make(
            core.SavedView, organisation=org, owner=w.policy, list_name="systems", shared=True
        ),
    }
    kwargs = {
        "ct_id": system_ct.pk,
        "object_id": system.pk,
        "kind": "systems",
        "slug": product.slug,
        "list_name": "systems",
        "token": "no-such-preview",
        "uidb64": "MQ",
        "fmt": "xlsx",
        "action": "submit",
        "content_type_id": system_ct.pk,
    }
    overrides = {
        "opendata:catalogue": {"code": org.code},
        "opendata:dataset": {"code": org.code, "slug": "systems"},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    }
    tokens = {}
    for role, user in users.items():
        tokens[role] = token_create(user=user)[1]
    tokens["read_token"] = token_create(user=w.policy, scope="read")[1]
    return SimpleNamespace(
        world=w, users=users, records=records, kwargs=kwargs, overrides=overrides, tokens=tokens
    )


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The matrix's world and a signed-in client per role, once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        m = build_matrix_world()
        m.clients = {}
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(m.users[role])
            m.clients[role] = (client, dict(client.cookies.items()))
        yield m
        transaction.set_rollback(True)


# --- asking ---------------------------------------------------------------------------------------

_KIND_SUFFIX = re.compile(
    r"_(detail|edit|delete|move|backup|bcp|availability|costs|redirect|override)$"
)
_KIND_ALIASES = {
    "unit_edit": "unit",
    "import_detail": "import",
    "import_confirm": "import",
    "import_rollback": "import",
    "attachment_download": "attachment",
    "attachment_delete": "attachment",
    "saved_view_delete": "saved_view",
    "continuity:system_backup": "continuity:system",
    "continuity:system_bcp": "continuity:system",
    "continuity:system_availability": "continuity:system",
    "registry:system_costs": "registry:system",
    "registry:system_co_use": "registry:system",
    "governance:case_checklist": "governance:case",
    "governance:case_action": "governance:case",
    "governance:case_review": "governance:case",
    "knowledge:karte": "knowledge:karte",
    "infra:component_redirect": "infra:component",
    "plan:result_enter": "plan:result",
    "plan:records": "plan:result",
    "sam:campaign_detail": "sam:campaign",
    "sam:confirmation": "sam:confirmation",
    "sam:audit_detail": "sam:audit",
}


def _record_for(route: Route, m):
    if route.name.startswith("admin:"):
        return SimpleNamespace(pk=1)  # the admin asks staff to sign in before any lookup
    kind = _KIND_ALIASES.get(route.name) or _KIND_SUFFIX.sub("", route.name)
    if kind not in m.records:
        raise LookupError(f"{route.name}: no record for <pk> (add one to build_matrix_world)")
    return m.records[kind]


def url_of(route: Route, m) -> str:
    """The route's URL with its arguments filled from the world's records."""
    if route.api:
        system = m.records["registry:system"]
        values = {
            "unit_id": m.world.section_a.pk,
            "system_id": system.pk,
            "cost_id": m.records["registry:cost"].pk,
            "item_id": m.records["registry:cost_item"].pk,
            "vendor_id": m.records["registry:vendor"].pk,
            "contract_id": m.records["registry:contract"].pk,
            "server_id": m.records["infra:server"].pk,
            "device_id": m.records["sam:device"].pk,
            "code": system.code,
            "case_id": m.records["governance:case"].pk,
            "action": "submit",
            "plan_code": m.records["plan:result"].measure.plan.code,
        }
        return re.sub(r"{(\w+)}", lambda g: str(values[g.group(1)]), route.pattern)
    values = {**m.kwargs, **m.overrides.get(route.name, {})}
    if "<int:pk>" in route.pattern or "<pk>" in route.pattern:
        values["pk"] = _record_for(route, m).pk
    regex = {"app_label": "auth", "url": "x"}  # the admin's regular-expression routes
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda g: regex[g.group(1)], route.pattern)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda g: str(values[g.group(1)]), path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


#: Minimal valid bodies of the API's writes (a dict, or a function of the world giving one): an
#: allowed role's request does the write; every other role is refused whatever the body names.
API_BODIES = {
    "api:create_system": {"code": "S0999", "name": "matrix", "owner_unit": "D01-S01"},
    "api:create_cost": lambda m: {
        "system": m.records["registry:system"].code,
        "fiscal_year": 2015,
        "basis": "budget",
        "category": "operation",
        "item": m.records["registry:cost_item"].code,
        "amount": 1,
    },
    "api:create_cost_item": {"code": "matrix", "name": "matrix"},
    "api:create_vendor": {"code": "V-matrix", "name": "matrix"},
    "api:create_contract": lambda m: {
        "code": "C-matrix",
        "title": "matrix",
        "vendor": m.records["registry:vendor"].code,
        "owner_unit": m.world.section_a.code,
        "kind": "maintenance",
        "start_on": "2015-04-01",
        "end_on": "2016-03-31",
    },
    "api:add_restore_test": {"tested_on": "2015-01-01", "result": "success", "duration_minutes": 1},
    "api:decide_case": {},
    # the review is recorded while the case waits for approval (each request is rolled back)
    "api:record_review_checks": lambda m: (
        type(m.records["governance:case"])
        .objects.filter(pk=m.records["governance:case"].pk)
        .update(state="submitted")
        and {"checks": {}}
    ),
    "api:set_co_use": {"co_user": "第三の町", "share_percent": 1},
    "api:create_consultation": lambda m: {
        "consulted_on": "2015-01-01",
        "unit": m.world.section_a.code,
        "topic": "planning",
        "channel": "phone",
        "subject": "matrix",
    },
}


#: Minimal valid bodies of page writes (a dict, or a function of the world giving one), so that
#: the permission answers and an allowed role's request really does the write.
PAGE_BODIES = {
    "sam:campaign_detail": {"action": "remind"},
    "sam:confirmation": {"action": "confirm", "unchecked": "present", "reason": "matrix"},
    "sam:audit_detail": lambda m: {"unit": m.world.section_a.pk, "description": "matrix"},
    "continuity:finding_move": {"status": "do"},
    "registry:system_bulk_edit": lambda m: {
        "pk": m.records["registry:system"].pk,
        "_apply": "1",
        "status": "development",
    },
    "registry:system_bulk_delete": lambda m: {
        "pk": m.records["registry:spare_system"].pk,
        "_confirm": "1",
    },
    "registry:cost_sheet": lambda m: {
        "fy": "2015",
        "basis": "budget",
        "category": "operation",
        f"amt-{m.records['registry:system'].pk}-{m.records['registry:cost_item'].pk}": "1000",
    },
    "lifecycle:unmatched": lambda m: {
        "raw": "Matrix OS 1",
        "release": m.records["lifecycle:release"].pk,
    },
    "lifecycle:rules": lambda m: {
        "pattern": "matrix",
        "product": m.records["lifecycle:release"].product_id,
        "cycle": m.records["lifecycle:release"].cycle,
        "priority": "10",
    },
    "infra:vdi_list": lambda m: {
        "pool": m.records["infra:vdi_pool"].pk,
        "measured_on": "2015-01-01",
        "seats_in_use": "3",
    },
    "governance:my_work": {"email_digest": "on"},
}


def body_of(route: Route, m) -> dict:
    """The body a write to ``route`` is sent with (empty unless one is declared above)."""
    body = (API_BODIES if route.api else PAGE_BODIES).get(route.name, {})
    return body(m) if callable(body) else body


def answer_of(response, api: bool) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        if location.startswith(("/login/", "/admin/login/")):
            return Answer.LOGIN
        return Answer.OK
    if status == 401:
        return Answer.UNAUTHORIZED
    if status == 403:
        return Answer.DENIED
    if status == 404:
        return Answer.NOT_FOUND
    if status >= 500 or status == 405:
        return str(status)
    return Answer.OK


def request(route: Route, m, role: str, method: str):
    """One request to ``route`` as ``role`` (the caller rolls back what it wrote)."""
    url = url_of(route, m)
    body = body_of(route, m) if method in WRITES else None
    if route.api:
        client = Client()
        headers = {}
        if role != "anonymous":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {m.tokens[role]}"
        kwargs = {"content_type": "application/json", **headers}
        if body is not None:
            kwargs["data"] = json.dumps(body)
        return getattr(client, method)(url, **kwargs)
    client, cookies = m.clients[role if role in m.clients else "anonymous"]
    client.cookies.clear()
    for key, morsel in cookies.items():
        client.cookies[key] = morsel.value
    return getattr(client, method)(url, body) if body else getattr(client, method)(url)


def ask(route: Route, m, role: str, method: str) -> str:
    """The answer class of one request, in a savepoint rolled back after it."""
    with transaction.atomic():
        try:
            answer = answer_of(request(route, m, role, method), route.api)
        except Exception as exc:  # noqa: BLE001 (an exception is an answer the matrix reports)
            answer = f"500 ({type(exc).__name__}: {exc})"
        transaction.set_rollback(True)
    return answer


def problems_of(response) -> list[str]:
    """Why a write did not do what it was asked: an error status, an error message, a form
    shown again with its errors."""
    from django.contrib.messages import ERROR, get_messages

    found = []
    if response.status_code >= 400:
        found.append(f"answered {response.status_code}: {response.content[:300]!r}")
    request = getattr(response, "wsgi_request", None)
    if request is not None and hasattr(request, "_messages"):
        found += [f"message: {m}" for m in get_messages(request) if m.level >= ERROR]
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if getattr(value, "is_bound", False) and getattr(value, "errors", None):
                found.append(f"form errors: {dict(value.errors)}")
    return found


# --- the tests ------------------------------------------------------------------------------------


def test_every_route_is_declared():
    """A new page or API operation fails here until its answers are declared beside it."""
    missing = [f"{r.name} ({r.pattern})" for r in ROUTES if r.access is None]
    assert not missing, "routes without an ACCESS declaration:\n" + "\n".join(missing)
    undeclared = [
        f"{r.name} {m.upper()}" for r in ROUTES for m in r.methods if r.access.for_method(m) is None
    ]
    assert not undeclared, "methods answered without a declaration:\n" + "\n".join(undeclared)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.access], ids=lambda r: r.name)
def test_each_role_gets_the_declared_answer(matrix, route):
    failures = []
    known = route.access.known or {}
    for method in route.methods:
        declared = route.access.for_method(method)
        for role in API_ROLES if route.api else ROLES:
            expected = declared[role]
            got = ask(route, matrix, role, method)
            reason = known.get(f"{method}_{role}")
            if reason is not None:
                if got == expected:
                    failures.append(f"{method.upper()} as {role}: {got} — fixed; drop `known`")
                continue
            if got != expected:
                failures.append(f"{method.upper()} as {role}: {got}, declared {expected}")
    assert not failures, f"{route.name} {url_of(route, matrix)}\n" + "\n".join(failures)


BODIED = [r for r in ROUTES if r.name in (API_BODIES if r.api else PAGE_BODIES)]


@pytest.mark.parametrize("route", BODIED, ids=lambda r: r.name)
def test_the_bodies_succeed_for_the_it_policy_division(matrix, route):
    """The matrix's bodies are valid: the IT policy division's write with one does the write (no
    error status, no error message, no form shown again), so the matrix's "ok" for an allowed
    role is a write that happened, not a form that refused it."""
    for method in (m for m in route.methods if m in WRITES):
        with transaction.atomic():
            response = request(route, matrix, "policy", method)
            problems = problems_of(response)
            transaction.set_rollback(True)
        assert not problems, f"{route.name} {method.upper()}: " + "; ".join(problems)


# --- the matrix itself ----------------------------------------------------------------------------

urlpatterns = []  # the urlconf of the test below: one page without a declaration


def test_a_route_without_a_declaration_is_named(settings):
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    urlpatterns[:] = [path("new-page/", lambda request: HttpResponse(), name="new_page")]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    try:
        routes = page_routes()
    finally:
        clear_url_caches()
    assert [(r.name, r.access) for r in routes] == [("new_page", None)]


# README's roles table says what each role may; the matrix must declare the same. Each phrase of a
# role's row names a route and method the role (as the matrix plays it) must be allowed.
README_CLAIMS = {
    "it_policy": [
        ("units and users", "policy", "unit_create", "post"),
        ("approve or return procurement gates", "policy", "governance:case_action", "post"),
        ("record consultations", "policy", "governance:consultation_create", "post"),
        ("budget review", "policy", "governance:budget_review", "post"),
    ],
    "owner": [
        ("edit the systems, costs and contracts", "owner", "registry:system_edit", "post"),
        ("edit the systems, costs and contracts", "owner", "registry:cost_edit", "post"),
        ("edit the systems, costs and contracts", "owner", "registry:contract_edit", "post"),
        ("devices and licences of its unit", "owner", "sam:device_edit", "post"),
        (
            "open, submit and withdraw its procurement cases",
            "owner",
            "governance:case_create",
            "post",
        ),
        ("write knowledge articles", "owner", "knowledge:article_create", "post"),
    ],
    "sam_officer": [
        ("keep the devices, installations and licences", "sam", "sam:device_edit", "post"),
        ("keep the devices, installations and licences", "sam", "sam:licence_edit", "post"),
        ("import them from the browser", "sam", "import_upload", "post"),
        ("confirm its unit's 棚卸", "sam", "sam:confirmation", "get"),
    ],
    "viewer": [
        ("read everything in the organisation", "viewer", "registry:system_detail", "get"),
        ("including the budget review", "viewer", "governance:budget_review", "get"),
    ],
    "auditor": [
        ("including the audit log", "auditor", "audit_list", "get"),
    ],
}
# ... and what a role's row does not grant, the matrix refuses it.
README_REFUSALS = [
    ("viewer", "registry:system_edit", "post"),
    ("viewer", "audit_list", "get"),
    ("auditor", "registry:system_edit", "post"),
    ("sam", "registry:system_edit", "post"),
    ("other_owner", "registry:system_edit", "post"),
    ("owner", "unit_create", "post"),
    ("owner", "governance:consultation_create", "post"),
]


def _readme_roles() -> dict[str, str]:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Roles\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|$", section, flags=re.M)
    return dict(rows)


def test_the_readme_roles_table_and_the_matrix_agree():
    by_name = {r.name: r for r in ROUTES}
    readme = _readme_roles()
    assert sorted(readme) == sorted(Role.values)
    wrong = []
    for role, claims in README_CLAIMS.items():
        for phrase, player, route, method in claims:
            if phrase not in readme[role]:
                wrong.append(f"README's {role} row no longer says {phrase!r}")
            if by_name[route].access.for_method(method)[player] != Answer.OK:
                wrong.append(f"{role} may {phrase!r} but {route} {method.upper()} is refused")
    for player, route, method in README_REFUSALS:
        if by_name[route].access.for_method(method)[player] == Answer.OK:
            wrong.append(f"{player} is allowed {route} {method.upper()}, README does not say so")
    assert not wrong, "\n".join(wrong)
