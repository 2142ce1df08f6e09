"""Load test: `daicho serve` under 50 concurrent clients, the system list API and the list page.

Prepares a database with the demo organisation (202 systems, 17,000 cost lines; SQLite in a
scratch folder, or DATABASE_URL), starts `daicho serve` (gunicorn, workers sized to the cores)
on loopback, and drives it from a second process with N keep-alive connections for D seconds
per target: wrk (Debian's `wrk`, a C load generator that leaves the cores to the server) when it
is installed, else an asyncio client in this process (which takes a share of the CPU itself):

  * api   GET /api/v1/systems?page=…&ordering=…   (one read-only token per client)
  * page  GET /systems/?page=…&sort=…              (one signed-in session per client)

and prints requests per second, p50/p95/p99 latency and errors (any status but 200, any broken
connection) for each. Goal (issue #9): zero errors and ≥ 300 req/s for the API on 2 cores.

    .venv/bin/python bench/load.py [--clients 50] [--duration 60] [--port 8104] [--json]
                                   [--driver wrk|python]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daicho_x .venv/bin/python bench/load.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAICHO = [sys.executable, "-m", "daicho.cli"]

PREPARE = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from daicho.core.models import TokenScope, User
from daicho.core.services import token_create
user = User.objects.get(username="viewer")
tokens, sessions = [], []
for _ in range(N):
    tokens.append(token_create(user=user, days=1, scope=TokenScope.READ)[1])
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "daicho.core.signin.PasswordBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    sessions.append(s.session_key)
print(json.dumps({"tokens": tokens, "sessions": sessions}))
"""


def prepare(env: dict, clients: int) -> dict:
    subprocess.run([*DAICHO, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*DAICHO, "demo", "--no-migrate"], env=env, check=True, cwd=ROOT, capture_output=True
    )
    out = subprocess.run(
        [*DAICHO, "shell", "-c", PREPARE.replace("range(N)", f"range({clients})")],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", 0)))
    return status, headers.get("connection", "").lower() != "close"


async def _client(host, port, paths, header, start_at, stop_at, latencies, errors, statuses):
    reader = writer = None
    i = 0
    while time.perf_counter() < stop_at:
        if writer is None:
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError:
                errors.append("connect")
                await asyncio.sleep(0.05)
                continue
        path = paths[i % len(paths)]
        i += 1
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{header}\r\n\r\n".encode()
        began = time.perf_counter()
        try:
            writer.write(request)
            await writer.drain()
            status, keep = await asyncio.wait_for(_response(reader), timeout=30)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors.append(type(exc).__name__)
            writer.close()
            reader = writer = None
            continue
        ended = time.perf_counter()
        if began >= start_at:  # the warm-up is not counted
            latencies.append(ended - began)
            statuses[status] = statuses.get(status, 0) + 1
            if status != 200:
                errors.append(str(status))
        if not keep:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def drive(host, port, paths, headers, duration, warmup) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[int, int] = {}
    now = time.perf_counter()
    start_at, stop_at = now + warmup, now + warmup + duration
    await asyncio.gather(
        *(
            _client(host, port, paths, header, start_at, stop_at, latencies, errors, statuses)
            for header in headers
        )
    )
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0
        )

    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / duration, 1),
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


# wrk sends each request with the next path and the next client's credentials, and prints its
# figures as one JSON line when done (its own report has no p95).
WRK_SCRIPT = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local i = 0
request = function()
  i = i + 1
  local name, value = headers[(i %% #headers) + 1]:match("^([^:]+):%%s*(.*)$")
  return wrk.format("GET", paths[(i %% #paths) + 1], {[name] = value})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "p50": %%d, "p95": %%d, "p99": %%d, "mean": %%f, '
    .. '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def drive_wrk(host, port, paths, headers, duration, warmup, clients) -> dict:
    """The same figures as `drive`, measured by wrk (two threads, `clients` connections)."""

    def lua_list(items):
        return ", ".join(json.dumps(item) for item in items)

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": lua_list(paths), "headers": lua_list(headers)})
    url = f"http://{host}:{port}"

    def run(seconds: float) -> dict:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
            + ["-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return json.loads(next(line for line in out.splitlines() if line.startswith("{")))

    try:
        if warmup:
            run(warmup)  # not counted: workers import, compile templates, open connections
        r = run(duration)
    finally:
        os.unlink(script.name)
    errors = {k: r[k] for k in ("connect", "read", "write", "status", "timeout") if r[k]}
    return {
        "requests": r["requests"],
        "rps": round(r["requests"] / r["seconds"], 1),
        "p50_ms": round(r["p50"] / 1000, 1),
        "p95_ms": round(r["p95"] / 1000, 1),
        "p99_ms": round(r["p99"] / 1000, 1),
        "mean_ms": round(r["mean"] / 1000, 1),
        "errors": sum(errors.values()),
        "error_kinds": sorted(errors),
        "statuses": {},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--targets", default="api,page")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--driver",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (default: wrk when installed)",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="daicho-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "daicho.settings",
        "DAICHO_VAR_DIR": str(scratch),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'load.sqlite3'}")
    if args.workers:
        env["DAICHO_WORKERS"] = str(args.workers)
    creds = prepare(env, args.clients)
    server = subprocess.Popen(
        [*DAICHO, "serve", "--port", str(args.port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = server.stdout.readline().strip()
        import urllib.request

        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        orderings = ["name", "code", "-in_service_on", "owner_unit"]
        targets = {
            "api": (
                [f"/api/v1/systems?page={p}&ordering={orderings[p % 4]}" for p in (1, 2, 3, 4, 5)],
                [f"Authorization: Bearer {t}" for t in creds["tokens"]],
            ),
            "page": (
                [f"/systems/?page={p}&sort={orderings[p % 4]}" for p in (1, 2, 3, 4, 5)],
                [f"Cookie: sessionid={s}" for s in creds["sessions"]],
            ),
        }
        results = {
            "database": "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite",
            "server": banner,
            "cores": os.cpu_count(),
            "clients": args.clients,
            "duration_s": args.duration,
            "driver": args.driver,
        }
        for name in args.targets.split(","):
            paths, headers = targets[name]
            if args.driver == "wrk":
                results[name] = drive_wrk(
                    "127.0.0.1",
                    args.port,
                    paths,
                    headers,
                    args.duration,
                    args.warmup,
                    args.clients,
                )
            else:
                results[name] = asyncio.run(
                    drive("127.0.0.1", args.port, paths, headers, args.duration, args.warmup)
                )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return 0
    print(f"{results['server']}")
    print(
        f"database {results['database']}, {results['cores']} cores, "
        f"{args.clients} clients, {args.duration:g} s per target, load from {args.driver}"
    )
    print(f"{'target':<6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name in args.targets.split(","):
        r = results[name]
        print(
            f"{name:<6} {r['rps']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} "
            f"{r['errors']:>7}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
