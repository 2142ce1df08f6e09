"""An import preview never holds the ledger's write lock: a large systems file is previewed by
the job worker of a real `daicho serve` while other people sign in and save, and none of them
waits or fails; the progress is read from the database by any server process; /healthz says when
a write cannot start; the web refuses an upload above its row limit.

The server, its job worker and this test share a database file (SQLite) or the test database
(PostgreSQL), as in test_crash_safety.py.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from daicho.core.models import ImportBatch
from tests.core.test_crash_safety import shared_database  # noqa: F401 (a fixture)
from tests.core.test_serve import _free_port

ROOT = Path(__file__).resolve().parents[2]
ROWS = int(os.environ.get("DAICHO_LOCK_ROWS", 20_000))
PASSWORD = "a-Long-Enough-Passw0rd"

SETUP = """
import django
django.setup()
from daicho.core.models import Membership, Organisation, OrgUnit, Role, User
from daicho.core.services import token_create
# get_or_create: on PostgreSQL the second test may find the first one's rows
org, _ = Organisation.objects.get_or_create(code="330001", defaults={{"name": "岡山県"}})
dept, _ = OrgUnit.objects.get_or_create(
    organisation=org, code="D02", defaults={{"name": "県民生活部", "kind": "department"}}
)
OrgUnit.objects.get_or_create(
    organisation=org, code="D02-S01", defaults={{"name": "くらし安全安心課", "parent": dept}}
)
user, _ = User.objects.get_or_create(username="policy")
user.set_password({password!r})
user.save()
Membership.objects.get_or_create(user=user, organisation=org, role=Role.IT_POLICY)
print(token_create(user=user)[1])
with open({csv!r}, "w", encoding="utf-8") as fh:
    fh.write("システムID,システム名,所管部局,所管課,稼働環境\\n")
    for n in range({rows}):
        fh.write(f"S{{n:06d}},業務システム{{n}},県民生活部,くらし安全安心課,クラウド\\n")
"""


class Browser:
    """A person at a browser: cookies of their own, signing in through the login form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        return self.opener.open(request, timeout=60)

    def csrf(self, path: str) -> str:
        page = self.open(path).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def sign_in(self) -> None:
        token = self.csrf("/login/")
        body = urllib.parse.urlencode(
            {"username": "policy", "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        with self.open("/login/", body) as response:
            assert "/login/" not in response.geturl(), "the sign-in was refused"

    def upload(self, path: Path) -> str:
        token = self.csrf("/imports/new/")
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in (("csrfmiddlewaretoken", token), ("kind", "systems"))
        ]
        body = (
            "".join(parts).encode()
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + path.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        with self.open("/imports/new/", body, headers) as response:
            return response.geturl().removeprefix(self.base)


def _progress(browser: Browser, path: str) -> tuple[bool, str]:
    """(done, what the progress panel says)."""
    with browser.open(path, headers={"HX-Request": "true"}) as response:
        if response.status == 204:
            return True, response.headers["HX-Redirect"]
        return False, response.read().decode()


@pytest.fixture
def served(shared_database, tmp_path):  # noqa: F811
    url, query = shared_database
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "daicho.settings",
        "DAICHO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": url,
        "DAICHO_WORKERS": "2",
        "DAICHO_LANGUAGE": "en",
        # Files above 64 KB go to the job worker (512 KB by default): a smaller file (fewer rows,
        # a shorter run on PostgreSQL) still takes the worker's path.
        "DAICHO_IMPORT_BACKGROUND_KB": "64",
    }
    env.pop("DAICHO_JOBS_IMMEDIATE", None)
    daicho = [sys.executable, "-m", "daicho.cli"]
    if url.startswith("sqlite"):
        subprocess.run([*daicho, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    csv_path = tmp_path / "systems.csv"
    setup = SETUP.format(password=PASSWORD, csv=str(csv_path), rows=ROWS)
    made = subprocess.run(
        [sys.executable, "-c", setup], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr[-3000:]
    key = made.stdout.strip()
    port = _free_port()
    log = tmp_path / "server.log"  # its tail is printed at the end: pytest shows it on failure
    output = log.open("w")
    process = subprocess.Popen(
        [*daicho, "serve", "--port", str(port), "--threads", "2"],
        env=env,
        cwd=ROOT,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).close()  # noqa: S310
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(log.read_text())
            time.sleep(0.2)
    yield base, url, query, key, csv_path
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    output.close()
    print(log.read_text()[-6000:])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # PostgreSQL: the server uses the test database
def test_a_large_preview_leaves_sign_in_and_saving_free(served):
    base, url, query, key, csv_path = served
    uploader = Browser(base)
    uploader.sign_in()
    progress = uploader.upload(csv_path)
    assert progress.startswith("/imports/progress/"), progress

    saved_while_running = 0
    seen_rows = False
    done = False
    n = 0
    while not done:
        n += 1
        # Someone else signs in (a session and last_login written) and saves through the API.
        colleague = Browser(base)
        colleague.sign_in()
        request = urllib.request.Request(
            base + "/api/v1/vendors",
            data=json.dumps({"code": f"V{n:04d}", "name": f"業者{n}"}).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            assert response.status == 201
        # The progress, read by either session in whichever server process answers.
        done, text = _progress(uploader if n % 2 else colleague, progress)
        if not done:
            if "rows read" in text:
                seen_rows = seen_rows or bool(re.search(r"[1-9][\d,]* rows read", text))
                saved_while_running += 1
            assert "could not be checked" not in text, text
            time.sleep(1)  # leave the worker some of the machine
    assert saved_while_running >= 1, "the preview ended before anyone saved"
    assert seen_rows
    assert query("SELECT COUNT(*) FROM registry_vendor") == n
    assert query("SELECT COUNT(*) FROM registry_informationsystem") == 0  # a preview
    status, created = (
        query("SELECT status FROM core_importbatch"),
        query("SELECT created FROM core_importbatch"),
    )
    assert (status, created) == ("dry_run", ROWS)
    with uploader.open(text) as response:
        assert f'<div class="fs-3">{ROWS}</div>' in response.read().decode()


def _signs_in_and_saves(base: str, key: str, n: int) -> Browser:
    """Someone else signs in (a session and last_login written) and saves through the API."""
    colleague = Browser(base)
    colleague.sign_in()
    request = urllib.request.Request(
        base + "/api/v1/vendors",
        data=json.dumps({"code": f"V{n:04d}", "name": f"業者{n}"}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        assert response.status == 201
    return colleague


def _follow(browser: Browser, path: str, base: str, key: str, start: int) -> tuple[str, int, int]:
    """Poll a job's progress page until it is done while colleagues sign in and save; returns
    where it led, the saves made and how many of them while the job was still running."""
    n, during = start, 0
    while True:
        n += 1
        colleague = _signs_in_and_saves(base, key, n)
        done, text = _progress(browser if n % 2 else colleague, path)
        if done:
            return text, n, during
        assert "could not be checked" not in text and "stopped with an error" not in text, text
        during += 1
        time.sleep(1)  # leave the worker some of the machine


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # PostgreSQL: the server uses the test database
def test_a_large_confirmed_import_leaves_sign_in_and_saving_free(served):
    """The import itself (not only its preview): every row is checked first, then written in
    short transactions, so colleagues sign in and save while it runs and none of them fails."""
    base, url, query, key, csv_path = served
    uploader = Browser(base)
    uploader.sign_in()
    progress = uploader.upload(csv_path)
    preview_page, saves, _ = _follow(uploader, progress, base, key, 0)
    token = uploader.csrf(preview_page)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
    preview_pk = re.search(r"/imports/(\d+)/", preview_page).group(1)
    with uploader.open(f"/imports/{preview_pk}/confirm/", body) as response:
        confirming = response.geturl().removeprefix(base)
    assert confirming.startswith("/imports/progress/"), confirming
    applied_page, saves, during = _follow(uploader, confirming, base, key, saves)
    assert during >= 1, "the import ended before anyone saved"
    assert query("SELECT COUNT(*) FROM registry_vendor") == saves
    assert query("SELECT COUNT(*) FROM registry_informationsystem") == ROWS
    assert query("SELECT COUNT(*) FROM core_importbatch WHERE status = 'applied'") == 1
    assert query("SELECT created FROM core_importbatch WHERE status = 'applied'") == ROWS
    with uploader.open(applied_page) as response:
        assert f'<div class="fs-3">{ROWS}</div>' in response.read().decode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_healthz_names_the_write_check_when_another_writer_holds_the_lock(served):
    base, url, _query, _key, _csv = served
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:  # noqa: S310
        assert response.read() == b"ok"
    if not url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock to hold")
    writer = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(base + "/healthz", timeout=10)  # noqa: S310
        assert answer.value.code == 503
        assert json.loads(answer.value.read())["check"] == "database_write"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:  # noqa: S310
        assert response.read() == b"ok"


@pytest.mark.django_db
def test_a_web_upload_above_the_row_limit_is_refused(client, world, settings):
    settings.DAICHO_MAX_IMPORT_ROWS = 2
    client.force_login(world.policy)
    rows = "".join(f"S09{n},システム{n},県民生活部,くらし安全安心課,クラウド\n" for n in range(3))
    upload = SimpleUploadedFile(
        "systems.csv", ("システムID,システム名,所管部局,所管課,稼働環境\n" + rows).encode()
    )
    response = client.post(reverse_upload(), {"kind": "systems", "file": upload}, follow=True)
    page = response.content.decode()
    assert "2 行を超え" in page or "more than 2 rows" in page, page[:3000]
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected" and batch.created == 0


def reverse_upload() -> str:
    from django.urls import reverse

    return reverse("import_upload")
