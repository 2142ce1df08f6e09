"""`daicho serve` runs a production server: several worker processes, static files with cache
headers, the security headers, and a clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def server(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "daicho.settings",
        "DAICHO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "DAICHO_WORKERS": "2",
    }
    daicho = [sys.executable, "-m", "daicho.cli"]
    subprocess.run([*daicho, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    port = _free_port()
    process = subprocess.Popen(
        [*daicho, "serve", "--port", str(port), "--threads", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            _get(base + "/healthz")
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(process.stdout.read())
            time.sleep(0.2)
    yield base, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_serve_runs_worker_processes_and_serves_static_files(server):
    base, process = server
    status, _headers, body = _get(base + "/healthz")
    assert (status, body) == (200, b"ok")
    status, headers, body = _get(base + "/static/vendor/bootstrap-5.3.8.min.css")
    assert status == 200 and len(body) > 100_000
    assert "max-age" in headers["Cache-Control"]
    status, headers, body = _get(base + "/login/")
    assert status == 200 and "ログイン" in body.decode()
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    # The first worker may answer while gunicorn is still forking the second.
    for _ in range(100):
        children = subprocess.run(
            ["ps", "--ppid", str(process.pid), "-o", "pid="], capture_output=True, text=True
        ).stdout.split()
        if len(children) >= 3:
            break
        time.sleep(0.1)
    assert len(children) == 3  # DAICHO_WORKERS, and the job worker
    commands = subprocess.run(
        ["ps", "-o", "args=", "-p", ",".join(children)], capture_output=True, text=True
    ).stdout
    assert "run_huey" in commands

    process.send_signal(signal.SIGTERM)
    # Within the web's grace time and then the job worker's (30 s each at most; seconds when
    # idle, but a busy machine stretches them).
    output, _ = process.communicate(timeout=75)
    assert process.returncode == 0, output
    for child in children:  # the web processes and the job worker stopped with it
        assert not Path(f"/proc/{child}").exists(), child
    assert "2" in output and "http://127.0.0.1:" in output
