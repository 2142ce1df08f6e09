"""HTML to PDF with the server's headless Chromium, driven over its DevTools pipe.

Chromium is started first and prints when the HTML is ready, so its start-up (most of the time
a PDF takes) runs while the report's figures are computed. No network: the page is a local file,
its fonts are the system's (Debian's fonts-noto-cjk), and Chromium's background services are off.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--remote-debugging-pipe",
]
EXTRA = os.environ.get("DAICHO_PDF_FLAGS", "").split()
TIMEOUT = 120  # seconds for the whole print, as before


class PdfUnavailable(Exception):
    """No headless Chromium to print with."""


class PrintFailed(Exception):
    """Chromium started but did not print the page."""


def browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise PdfUnavailable(
            "PDF needs Debian's chromium (apt-get install chromium "
            "fonts-noto-cjk); XLSX and HTML work without it."
        )
    return found


class _Pipe:
    """CDP over --remote-debugging-pipe: JSON messages ended by NUL, commands on the child's fd 3,
    answers and events on its fd 4."""

    def __init__(self, write_fd: int, read_fd: int, deadline: float):
        self.write_fd, self.read_fd, self.deadline = write_fd, read_fd, deadline
        self.buffer = b""
        self.next_id = 0

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise PrintFailed("Chromium exited before printing") from None
        return self.next_id

    def receive(self) -> dict:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.read_fd], [], [], left)[0]:
                raise PrintFailed("Chromium did not answer in time")
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise PrintFailed("Chromium closed its pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        wanted = self.send(method, params, session)
        while True:
            message = self.receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise PrintFailed(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})

    def wait_for(self, event: str, session: str) -> None:
        while True:
            message = self.receive()
            if message.get("method") == event and message.get("sessionId") == session:
                return


def _high(fd: int) -> int:
    """The descriptor moved to 10 or above, so placing others at 0–4 never overwrites it."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def _pipe() -> tuple[int, int]:
    r, w = os.pipe()
    return _high(r), _high(w)


_reapers: list[threading.Thread] = []


@atexit.register
def _wait_for_reapers() -> None:
    for reaper in _reapers:
        reaper.join(timeout=10)


def _reap(pid: int, folder: str) -> None:
    """Wait for Chromium to exit after Browser.close (killed if it lingers), then remove its
    profile folder."""
    deadline = time.monotonic() + 10
    try:
        while time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def html_to_pdf(render: Callable[[], str]) -> bytes:
    """Start Chromium, call ``render`` for the HTML meanwhile, and print it to A4 (the page's own
    @page size and margins), with the headings as the PDF's bookmarks."""
    executable = browser()
    deadline = time.monotonic() + TIMEOUT
    folder = tempfile.mkdtemp(prefix="daicho-pdf-")
    # Chromium reads commands on its fd 3 and answers on its fd 4. posix_spawn places the
    # pipe ends there (safe in a threaded web server, unlike a preexec_fn); the parent's own
    # descriptors are close-on-exec, so the child gets only these and /dev/null.
    to_child_r, to_child_w = _pipe()
    from_child_r, from_child_w = _pipe()
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    null = _high(null)
    try:
        pid = os.posix_spawn(
            executable,
            [executable, *FLAGS, *EXTRA, f"--user-data-dir={folder}/profile", "about:blank"],
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, null, 0),
                (os.POSIX_SPAWN_DUP2, null, 1),
                (os.POSIX_SPAWN_DUP2, null, 2),
                (os.POSIX_SPAWN_DUP2, to_child_r, 3),
                (os.POSIX_SPAWN_DUP2, from_child_w, 4),
            ],
        )
    finally:
        os.close(to_child_r)
        os.close(from_child_w)
        os.close(null)
    try:
        source = Path(folder) / "report.html"
        source.write_text(render(), encoding="utf-8")
        pipe = _Pipe(to_child_w, from_child_r, deadline)
        # The page Chromium opened at start (its renderer started with the browser).
        pages = pipe.call("Target.getTargets")["targetInfos"]
        target = next((t["targetId"] for t in pages if t["type"] == "page"), None)
        if target is None:
            target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        pipe.call("Page.enable", session=session)
        pipe.call("Page.navigate", {"url": source.as_uri()}, session=session)
        pipe.wait_for("Page.loadEventFired", session)
        result = pipe.call(
            "Page.printToPDF",
            {
                "printBackground": True,
                "preferCSSPageSize": True,
                "displayHeaderFooter": False,
                "generateDocumentOutline": True,
            },
            session=session,
        )
        with contextlib.suppress(PrintFailed):
            pipe.send("Browser.close")
        return base64.b64decode(result["data"])
    finally:
        os.close(to_child_w)
        os.close(from_child_r)
        # Chromium takes most of a second to shut down: the PDF is not kept waiting for it (a
        # command-line run waits for it at exit, so no profile folder is left behind).
        reaper = threading.Thread(target=_reap, args=(pid, folder), daemon=True)
        reaper.start()
        _reapers[:] = [r for r in _reapers if r.is_alive()] + [reaper]
