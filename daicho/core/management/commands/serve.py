"""`daicho serve`: the production web server, with static files served by the app (WhiteNoise).

gunicorn (pre-forked worker processes, each with a few threads) on Linux; waitress (one process,
threads, pure Python) on Windows servers or with `--server waitress`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext as _

from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand


def default_workers() -> int:
    """Two processes per core plus one (gunicorn's advice: one works while another waits on the
    database), at most 12; DAICHO_WORKERS overrides."""
    if os.environ.get("DAICHO_WORKERS"):
        return max(1, int(os.environ["DAICHO_WORKERS"]))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cores or 1) + 1, 12)


# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Serve Daicho on http://127.0.0.1:8000 with a production server (gunicorn; waitress on "
        "Windows) and its static files; no internet needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DAICHO_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("DAICHO_PORT", 8000)))
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="worker processes (default: 2 × cores + 1, or DAICHO_WORKERS)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("DAICHO_THREADS", 2)),
            help="threads per worker (default 2)",
        )
        parser.add_argument(
            "--server",
            choices=["gunicorn", "waitress"],
            default="waitress" if sys.platform == "win32" else "gunicorn",
        )
        parser.add_argument("--access-log", action="store_true", help="log every request")

    def handle(self, *args, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = start_job_worker()
        try:
            self.serve(options)
        finally:
            stop_job_worker(worker)

    def serve(self, options):
        from daicho.wsgi import application  # after collectstatic: WhiteNoise indexes at start

        # Housekeeping at start: uploaded import files past DAICHO_IMPORT_FILES_DAYS go.
        call_command("imports", "purge", verbosity=0, stdout=self.stdout)

        host, port = options["host"], options["port"]
        workers = options["workers"] or default_workers()
        url = f"http://{host}:{port}/"
        if options["server"] == "waitress":
            from waitress import serve

            self.stdout.write(_("Daicho is serving on %(url)s (Ctrl+C to stop)") % {"url": url})
            self.stdout.flush()
            from daicho.core.middleware import MULTIPART_ALLOWANCE

            serve(
                application,
                host=host,
                port=port,
                threads=options["threads"] * 2,
                ident="",
                # waitress buffers a body before the application sees it: no larger than the
                # largest Daicho accepts (an import), where its default is 1 GB.
                max_request_body_size=settings.DAICHO_MAX_IMPORT_BYTES + MULTIPART_ALLOWANCE,
            )
            return
        self.stdout.write(
            _("Daicho is serving on %(url)s with %(workers)d processes (Ctrl+C to stop)")
            % {"url": url, "workers": workers}
        )
        self.stdout.flush()
        GunicornServer(
            application,
            {
                "bind": f"{'[' + host + ']' if ':' in host else host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": options["threads"],
                "timeout": 120,  # the annual report's PDF takes a while
                "graceful_timeout": 30,
                "keepalive": 5,
                # A worker is replaced after this many requests: memory stays flat for months.
                "max_requests": 5000,
                "max_requests_jitter": 500,
                "accesslog": "-" if options["access_log"] else None,
                "errorlog": "-",
                "loglevel": "warning",
                # Trust X-Forwarded-* only from the proxies Daicho is told about (settings).
                "forwarded_allow_ips": settings.DAICHO_PROXY_IPS
                if settings.DAICHO_PROXY_COUNT
                else "",
                "proc_name": "daicho",
                "limit_request_line": 8190,
            },
        ).run()


def start_job_worker() -> subprocess.Popen | None:
    """The background job worker (huey's consumer: import previews and confirmations of large
    files), a process beside the web's; none when jobs run in the request (immediate mode)."""
    from huey.contrib.djhuey import HUEY

    if HUEY.immediate:
        return None
    return subprocess.Popen([sys.executable, "-m", "daicho.cli", "run_huey", "--quiet"])


def stop_job_worker(worker: subprocess.Popen | None) -> None:
    """Stop the worker as the web processes stop: it finishes the job in hand (huey's graceful
    stop on SIGINT), and is killed if that takes longer than the web's own grace time."""
    if worker is None or worker.poll() is not None:
        return
    if sys.platform == "win32":
        worker.terminate()
    else:
        worker.send_signal(signal.SIGINT)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


try:
    from gunicorn.app.base import BaseApplication
except ImportError:  # pragma: no cover - Windows
    BaseApplication = object


class GunicornServer(BaseApplication):
    """gunicorn started from Python with Daicho's WSGI application (no config file to keep)."""

    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if value is not None and key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        return self.application
