"""Benchmark: the system list page and API list against one raw SQL query for the same page.

Generates 10,000 systems and 100,000 cost lines in a scratch database (SQLite by default, or
DATABASE_URL), then times, server-side, N requests of a filtered and sorted page of 50:

  * the web list page   GET /systems/?department=…&status=operating&sort=name&page=3
  * the API list         GET /api/v1/systems?department=…&status=operating&ordering=name&page=3
  * raw SQL              the page's hand-written SQL alone, in the process (its count and its 50
                         rows with unit and department names: two statements, cheaper than one
                         with a window count on SQLite and as cheap on PostgreSQL), no request
  * raw SQL page         the same SQL fetched as a page: a bare view behind the same server
                         stack and sign-in that writes the 50 rows and the count as an HTML
                         table (no ORM, no forms, no templates)
  * a signed-in no-op    GET /healthz with the session cookie, for scale

and prints median and p95 of each, and the ratio of each to both floors measured in the same
run (the requests in turns, so that the machine's other work falls on all alike). Goal (issue
#2): p95 under 50 ms and a ratio under 3. The raw SQL page is what "the same page fetched with
one raw SQL query" reads as: it pays for the request and the sign-in as the page does, so its
ratio is what Daicho's ORM, filters, permissions and templates cost; the raw SQL alone pays for
neither, and its ratio is printed beside it.

    .venv/bin/python bench/registry_list.py [--systems 10000] [--lines 100000] [--repeat 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daicho_list_bench .venv/bin/python bench/…

On PostgreSQL the database named in DATABASE_URL is created, or emptied, at the start.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import types
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(scratch: Path) -> None:
    os.environ["DAICHO_VAR_DIR"] = str(scratch)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "daicho.settings"
    import django

    django.setup()


def generate(n_systems: int, n_lines: int):
    from django.core.management import call_command

    from daicho.core.models import Membership, Organisation, OrgUnit, Role, User
    from daicho.registry.models import CostItem, CostLine, InformationSystem

    call_command("migrate", verbosity=0)
    if InformationSystem.objects.count() >= n_systems:
        return User.objects.get(username="bench")
    rng = random.Random(2014)
    org = Organisation.objects.create(name="ベンチ県", code="399999")
    departments, sections = [], []
    for d in range(12):
        dept = OrgUnit.objects.create(
            organisation=org, code=f"D{d:02d}", name=f"部局{d}", kind="department", sort_order=d
        )
        dept.path, dept.department = f"{dept.pk}/", dept
        dept.save()
        departments.append(dept)
        for s in range(8):
            sec = OrgUnit.objects.create(
                organisation=org,
                code=f"D{d:02d}-S{s:02d}",
                name=f"部局{d}課{s}",
                parent=dept,
                department=dept,
            )
            sec.path = f"{dept.path}{sec.pk}/"
            sec.save()
            sections.append(sec)
    statuses = ["operating"] * 8 + ["planning", "retired"]
    hostings = ["on_premises", "virtualized", "cloud", "gov_cloud", "shared_use"]
    systems = [
        InformationSystem(
            organisation=org,
            owner_unit=rng.choice(sections),
            code=f"S{i:05d}",
            name=f"システム{rng.randrange(10**6):06d}",
            status=rng.choice(statuses),
            retired_on="2015-03-31" if False else None,
            hosting=rng.choice(hostings),
            confidentiality=rng.choice("123"),
            integrity=rng.choice("12"),
            availability=rng.choice("12"),
        )
        for i in range(n_systems)
    ]
    for s in systems:
        if s.status == "retired":
            s.status = "operating"
    InformationSystem.objects.bulk_create(systems, batch_size=2000)
    ids = list(InformationSystem.objects.values_list("pk", flat=True))
    items = [
        CostItem.objects.create(organisation=org, code=f"i{k}", name=f"費目{k}") for k in range(5)
    ]
    seen = set()
    lines = []
    while len(lines) < n_lines:
        key = (
            rng.choice(ids),
            rng.randrange(2008, 2017),
            rng.choice(["budget", "actual"]),
            rng.choice(["initial", "operation"]),
            rng.randrange(5),
        )
        if key in seen:
            continue
        seen.add(key)
        lines.append(
            CostLine(
                system_id=key[0],
                fiscal_year=key[1],
                basis=key[2],
                category=key[3],
                item=items[key[4]],
                amount=rng.randrange(10**5, 10**8),
            )
        )
    CostLine.objects.bulk_create(lines, batch_size=5000)
    user = User.objects.create(username="bench")
    Membership.objects.create(user=user, organisation=org, unit=sections[0], role=Role.IT_POLICY)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, as after any bulk load
    return user


def timed(fns: dict, repeat: int) -> dict[str, list[float]]:
    """``repeat`` timings of each function in ms, taken in turns, so that whatever else the
    machine does in the meantime falls on all of them alike."""
    for fn in fns.values():
        for _ in range(5):
            fn()  # warm up
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--keep", help="scratch folder to keep (default: a temporary one)")
    args = parser.parse_args()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="daicho-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.path.insert(0, str(ROOT / "bench"))
        from import_costs import recreate_database

        recreate_database(scratch)  # created, or emptied when it exists
    setup_django(scratch)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import include, path

    # The product's URLs, with the raw SQL page in front of them.
    bench_urls = types.ModuleType("bench_registry_list_urls")
    bench_urls.urlpatterns = [path("", include("daicho.urls"))]
    sys.modules[bench_urls.__name__] = bench_urls
    settings.ROOT_URLCONF = bench_urls.__name__

    from daicho.core.models import OrgUnit
    from daicho.core.services import token_create

    t0 = time.perf_counter()
    user = generate(args.systems, args.lines)
    print(
        f"data: {args.systems} systems, {args.lines} cost lines "
        f"({time.perf_counter() - t0:.1f} s to generate) on {connection.vendor}"
    )
    department = OrgUnit.objects.get(code="D03")
    client = Client()
    client.force_login(user)
    api_client = Client()  # an API client sends its token, not a session cookie
    _token, key = token_create(user=user)
    page_url = "/systems/?department=D03&status=operating&sort=name&page=3"
    api_url = "/api/v1/systems?department=D03&status=operating&ordering=name&page=3"

    def web():
        response = client.get(page_url)
        assert response.status_code == 200 and b"S0" in response.content

    def api():
        response = api_client.get(api_url, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200 and len(response.json()["items"]) == 50

    placeholder = "%s"
    sql_rows = f"""
        SELECT s.id, s.code, s.name, s.status, s.hosting, s.confidentiality, s.integrity,
               s.availability, s.in_service_on, u.name, d.name
        FROM registry_informationsystem s
        JOIN core_orgunit u ON u.id = s.owner_unit_id
        LEFT JOIN core_orgunit d ON d.id = u.department_id
        WHERE s.organisation_id IN ({placeholder}) AND u.department_id = {placeholder}
          AND s.status = {placeholder}
        ORDER BY s.name LIMIT 50 OFFSET 100"""
    sql_count = f"""
        SELECT COUNT(*) FROM registry_informationsystem s
        JOIN core_orgunit u ON u.id = s.owner_unit_id
        WHERE s.organisation_id IN ({placeholder}) AND u.department_id = {placeholder}
          AND s.status = {placeholder}"""
    params = [department.organisation_id, department.pk, "operating"]

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql_count, params)
            cursor.fetchone()
            cursor.execute(sql_rows, params)
            rows = cursor.fetchall()
        assert len(rows) == 50

    def raw_page_view(request):
        from django.http import HttpResponse, HttpResponseForbidden

        if not request.user.is_authenticated:
            return HttpResponseForbidden()
        with connection.cursor() as cursor:
            cursor.execute(sql_count, params)
            (count,) = cursor.fetchone()
            cursor.execute(sql_rows, params)
            rows = cursor.fetchall()
        body = "".join(
            f'<tr><td><a href="/systems/{pk}/">{escape(code)}</a></td>'
            f'<td><a href="/systems/{pk}/">{escape(name)}</a></td>'
            f"<td>{escape(department or '')}</td><td>{escape(unit)}</td>"
            f"<td>{escape(status)}</td><td>{escape(hosting)}</td>"
            f"<td>C{c} I{i} A{a}</td><td>{in_service or ''}</td></tr>"
            for pk, code, name, status, hosting, c, i, a, in_service, unit, department in rows
        )
        return HttpResponse(f"<h1>{count}</h1><table><tbody>{body}</tbody></table>")

    bench_urls.urlpatterns.insert(0, path("bench/raw-page/", raw_page_view))

    def raw_page():
        response = client.get("/bench/raw-page/")
        assert response.status_code == 200 and b"S0" in response.content

    def signed_in():
        response = client.get("/healthz")
        assert response.status_code == 200

    results = timed(
        {
            "raw SQL": raw,
            "raw SQL page": raw_page,
            "web list page": web,
            "API list": api,
            "signed-in no-op": signed_in,
        },
        args.repeat,
    )
    sql_floor, page_floor = p95(results["raw SQL"]), p95(results["raw SQL page"])
    print(
        f"{'':16} {'median ms':>10} {'p95 ms':>10} {'p95 / raw SQL page':>19} {'p95 / raw SQL':>14}"
    )
    for name, samples in results.items():
        print(
            f"{name:16} {statistics.median(samples):10.2f} {p95(samples):10.2f} "
            f"{p95(samples) / page_floor:19.1f} {p95(samples) / sql_floor:14.1f}"
        )
    print("goal: p95 < 50 ms and ratio < 3")
    print(
        "(signed-in no-op: /healthz with a session, which loads the session and the user and"
        " asks the database SELECT 1, for scale)"
    )


if __name__ == "__main__":
    main()
