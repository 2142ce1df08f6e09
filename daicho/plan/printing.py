"""HTML to PDF with the server's headless Chromium, driven over its DevTools pipe.

Starting Chromium is most of the time a PDF takes, so it is started first and prints when the
HTML is ready (its start-up runs while the report's figures are computed), and a process that
prints keeps one Chromium idle for the next PDF for `DAICHO_PDF_KEEP_WARM` seconds (default 120;
0 starts one per PDF). No network: the page is a local file, its fonts are the system's
(Debian's fonts-noto-cjk), and Chromium's background services are off.
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
TIMEOUT = 120  # seconds for one print, as before
PRINT = {
    "printBackground": True,
    "preferCSSPageSize": True,  # the page's own @page size (A4) and margins
    "displayHeaderFooter": False,
    "generateDocumentOutline": True,  # the headings as the PDF's bookmarks
}


def keep_warm() -> float:
    try:
        return float(os.environ.get("DAICHO_PDF_KEEP_WARM", "120"))
    except ValueError:
        return 120.0


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

    def __init__(self, write_fd: int, read_fd: int):
        self.write_fd, self.read_fd = write_fd, read_fd
        self.deadline = time.monotonic() + TIMEOUT
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


class _Chromium:
    """One headless Chromium and its pipe; prints one page at a time in a fresh tab."""

    def __init__(self):
        executable = browser()
        self.folder = tempfile.mkdtemp(prefix="daicho-pdf-")
        self.prints = 0
        self.idle_since = 0.0
        # Chromium reads commands on its fd 3 and answers on its fd 4. posix_spawn places the
        # pipe ends there (safe in a threaded web server, unlike a preexec_fn); the parent's own
        # descriptors are close-on-exec, so the child gets only these and /dev/null.
        to_child_r, to_child_w = _pipe()
        from_child_r, from_child_w = _pipe()
        null = _high(os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC))
        try:
            self.pid = os.posix_spawn(
                executable,
                [executable, *FLAGS, f"--user-data-dir={self.folder}/profile", "about:blank"],
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, null, 0),
                    (os.POSIX_SPAWN_DUP2, null, 1),
                    (os.POSIX_SPAWN_DUP2, null, 2),
                    (os.POSIX_SPAWN_DUP2, to_child_r, 3),
                    (os.POSIX_SPAWN_DUP2, from_child_w, 4),
                ],
            )
        except OSError:
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            for fd in (to_child_r, from_child_w, null):
                os.close(fd)
        self.pipe = _Pipe(to_child_w, from_child_r)

    def print_pdf(self, source: Path) -> bytes:
        pipe = self.pipe
        pipe.deadline = time.monotonic() + TIMEOUT
        target = created = None
        if self.prints == 0:  # the tab Chromium opened at start: its renderer is already up
            tabs = pipe.call("Target.getTargets")["targetInfos"]
            target = next((t["targetId"] for t in tabs if t["type"] == "page"), None)
        if target is None:
            target = created = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        pipe.call("Page.enable", session=session)
        pipe.call("Page.navigate", {"url": source.as_uri()}, session=session)
        pipe.wait_for("Page.loadEventFired", session)
        result = pipe.call("Page.printToPDF", PRINT, session=session)
        self.prints += 1
        if created:  # the first tab stays (Chromium keeps running with it); later ones go
            pipe.call("Target.closeTarget", {"targetId": created})
        elif keep_warm() > 0:  # the first tab lets go of the page while it waits
            pipe.call("Page.navigate", {"url": "about:blank"}, session=session)
        return base64.b64decode(result["data"])

    def close(self) -> None:
        """Ask Chromium to quit and reap it in the background (it takes most of a second): no
        PDF waits for it, and a command-line run waits for it at exit."""
        with contextlib.suppress(PrintFailed, OSError):
            self.pipe.send("Browser.close")
        for fd in (self.pipe.write_fd, self.pipe.read_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        reaper = threading.Thread(target=_reap, args=(self.pid, self.folder), daemon=True)
        reaper.start()
        _reapers[:] = [r for r in _reapers if r.is_alive()] + [reaper]


_lock = threading.Lock()
_idle: _Chromium | None = None  # the warm Chromium, when no print is using it
_reapers: list[threading.Thread] = []


def _take() -> tuple[_Chromium, bool]:
    global _idle
    with _lock:
        chromium, _idle = _idle, None
    if chromium is not None:
        return chromium, True
    return _Chromium(), False


def _give_back(chromium: _Chromium, *, keep: bool = True) -> None:
    global _idle
    wait = keep_warm() if keep else 0
    with _lock:
        if wait > 0 and _idle is None:
            chromium.idle_since = time.monotonic()
            _idle = chromium
            timer = threading.Timer(wait, _close_if_idle, args=(chromium, wait))
            timer.daemon = True  # never keeps a finished command waiting
            timer.start()
            return
    chromium.close()


def _close_if_idle(chromium: _Chromium, wait: float) -> None:
    global _idle
    with _lock:
        if _idle is not chromium or time.monotonic() - chromium.idle_since < wait - 0.01:
            return
        _idle = None
    chromium.close()


@atexit.register
def _shut_down() -> None:
    global _idle
    with _lock:
        chromium, _idle = _idle, None
    if chromium is not None:
        chromium.close()
    for reaper in _reapers:
        reaper.join(timeout=15)  # _reap kills a Chromium that has not quit after 10 s


def html_to_pdf(render: Callable[[], str], *, keep: bool = True) -> bytes:
    """Print the HTML that ``render`` returns to PDF; a cold Chromium starts while it renders.

    ``keep=False`` (a one-off command) closes Chromium after the print instead of keeping it warm.
    """
    chromium, warm = _take()
    try:
        html = render()
    except BaseException:
        _give_back(chromium)
        raise
    with tempfile.TemporaryDirectory(prefix="daicho-page-") as folder:
        source = Path(folder) / "report.html"
        source.write_text(html, encoding="utf-8")
        try:
            content = chromium.print_pdf(source)
        except PrintFailed:
            chromium.close()
            if not warm:
                raise
            chromium = _Chromium()  # the idle one had died: once more with a fresh one
            try:
                content = chromium.print_pdf(source)
            except PrintFailed:
                chromium.close()
                raise
    _give_back(chromium, keep=keep)
    return content
