"""The read-replica router with a second database alias configured as the replica.

The replica is a copy of the primary taken with SQLite's backup API (as streaming replication
would give), then marked so that a test can see which copy answered: API reads come from the
replica, writes go to the primary, reads after a write in the same request and every web page
stay on the primary, and migrations run on the primary only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json
import django
django.setup()
from django.test import Client
from django.db import connections
from django.contrib.sessions.models import Session
from daicho.core.models import TokenScope, User
from daicho.core.services import token_create
from daicho.core.routers import ReadReplicaRouter, replica_reads
from daicho.registry.models import InformationSystem

out = {}
out["aliases"] = sorted(connections.databases)
router = ReadReplicaRouter()
out["migrate_on_replica"] = router.allow_migrate("replica", "registry")
with replica_reads():
    out["read_in_block"] = InformationSystem.objects.db_manager().get(code="S1").name
    out["sessions_in_block"] = router.db_for_read(Session)
out["read_outside"] = InformationSystem.objects.get(code="S1").name

policy = User.objects.get(username="policy")
_t, key = token_create(user=policy, scope=TokenScope.WRITE)
client = Client()
auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
out["api_list"] = [s["name"] for s in client.get("/api/v1/systems", **auth).json()["items"]]
system = InformationSystem.objects.get(code="S1")
response = client.patch(
    f"/api/v1/systems/{system.pk}", data=json.dumps({"description": "更新"}),
    content_type="application/json", **auth,
)
out["patch"] = response.status_code
out["patch_answer_name"] = response.json().get("name")
client.force_login(policy)
out["page"] = "（レプリカ）" in client.get("/systems/").content.decode()
print(json.dumps(out, ensure_ascii=False))
"""

SETUP = r"""
import django
django.setup()
from django.core.management import call_command
from daicho.core.models import Membership, Organisation, OrgUnit, Role, User
from daicho.registry.models import InformationSystem
call_command("migrate", verbosity=0)
org = Organisation.objects.create(name="岡山県", code="330001")
unit = OrgUnit.objects.create(organisation=org, code="D01", name="総務部", kind="department")
unit.path = f"{unit.pk}/"; unit.department = unit; unit.save()
InformationSystem.objects.create(organisation=org, owner_unit=unit, code="S1", name="税務システム")
user = User.objects.create_user("policy", password="x")
Membership.objects.create(user=user, organisation=org, unit=unit, role=Role.IT_POLICY)
"""


def test_reads_go_to_the_replica_and_writes_to_the_primary(tmp_path):
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "daicho.settings",
        "DAICHO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{primary}",
    }
    subprocess.run([sys.executable, "-c", SETUP], env=base, check=True, cwd=ROOT)
    with sqlite3.connect(primary) as src, sqlite3.connect(replica) as dst:
        src.backup(dst)
    with sqlite3.connect(replica) as db:
        db.execute("UPDATE registry_informationsystem SET name = name || '（レプリカ）'")

    env = {**base, "DAICHO_REPLICA_URL": f"sqlite:///{replica}"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["aliases"] == ["default", "replica"]
    assert out["migrate_on_replica"] is False
    assert out["read_in_block"] == "税務システム（レプリカ）"
    assert out["sessions_in_block"] == "default"  # sign-in state never lags
    assert out["read_outside"] == "税務システム"
    assert out["api_list"] == ["税務システム（レプリカ）"]  # API reads: the replica
    assert out["patch"] == 200
    assert out["patch_answer_name"] == "税務システム"  # after a write: the primary
    assert out["page"] is False  # web pages: the primary

    with sqlite3.connect(primary) as db:
        assert db.execute(
            "SELECT description FROM registry_informationsystem WHERE code = 'S1'"
        ).fetchone() == ("更新",)
    with sqlite3.connect(replica) as db:
        assert db.execute(
            "SELECT description FROM registry_informationsystem WHERE code = 'S1'"
        ).fetchone() == ("",)
