# ruff: noqa: E501  (CSV fixtures are written as offices write them, one record per line)
"""An installations import rolled back: each device gets back the inventory the import replaced,
the devices and units it created go, the devices it moved return; only a device's latest import
can be rolled back."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from daicho.core.importing import services as import_services
from daicho.core.models import AuditEvent, ImportBatch, OrgUnit
from daicho.sam.models import Device, Installation, InstallationLoad, ReplacedInstallation
from tests.core.test_import import run as _run
from tests.core.test_import import write
from tests.sam.factories import DeviceFactory

APRIL = """PC名,ソフトウェア名,バージョン,発行元
PC-0001,Microsoft Office Standard 2013,15.0.4569.1506,Microsoft Corporation
PC-0001,Lhaplus,1.74,Schezo
PC-0002,Google Chrome,119.0,Google LLC
"""
MAY = """PC名,部署,ソフトウェア名,バージョン,発行元
PC-0001,くらし安全安心課,Microsoft Office Professional Plus 2016,16.0.4266.1001,Microsoft Corporation
PC-0001,くらし安全安心課,Lhaplus,1.74,Schezo
PC-0002,情報政策課,Google Chrome,119.0,Google LLC
PC-0003,危機管理課,花子2016,26.0,JustSystems
"""


def load(capsys, tmp_path, name, text):
    code, out, err = _run(
        capsys, "import", "installations", write(tmp_path, name, text), "--json", "--org", "330001"
    )
    assert code == 0, out + err
    return ImportBatch.objects.get(batch_id=json.loads(out)["batch"])


def inventory() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for device, raw in Installation.objects.order_by("raw_name").values_list(
        "device__name", "raw_name"
    ):
        found.setdefault(device, []).append(raw)
    return found


@pytest.fixture
def pcs(world):
    return [DeviceFactory(unit=world.section_b, name=f"PC-000{i}") for i in (1, 2)]


def test_rolling_back_an_inventory_restores_the_previous_snapshot(
    world, pcs, capsys, tmp_path, as_user
):
    load(capsys, tmp_path, "april.csv", APRIL)
    april = inventory()
    may = load(capsys, tmp_path, "may.csv", MAY)
    # PC-0001 changed (2 rows), PC-0003 is new (1), PC-0002 the same (1) but moved.
    assert (may.created, may.unchanged, may.updated) == (3, 1, 1)
    assert Device.objects.get(name="PC-0002").unit == world.section_a
    assert inventory()["PC-0001"][0] == "Lhaplus"  # Office 2016 replaced 2013
    with as_user(world.policy):
        import_services.batch_rollback(batch=may)
    assert inventory() == april
    assert Device.objects.get(name="PC-0002").unit == world.section_b
    assert not Device.objects.filter(name="PC-0003").exists()
    assert not OrgUnit.objects.filter(name="危機管理課").exists()
    office = Installation.objects.get(raw_name__startswith="Microsoft Office")
    assert (office.title.edition, office.version) == ("Standard", "2013")
    may.refresh_from_db()
    assert may.status == "rolled_back"
    assert not ReplacedInstallation.objects.exists()
    [event] = AuditEvent.objects.filter(
        message__contains=may.batch_id, content_type__model="installationload"
    )
    assert event.actor == world.policy
    assert event.object_repr == str(InstallationLoad.objects.get(batch_id=may.batch_id))
    assert "may.csv" in event.message


def test_only_a_devices_latest_inventory_can_be_rolled_back(world, pcs, capsys, tmp_path, as_user):
    april = load(capsys, tmp_path, "april.csv", APRIL)
    may = load(capsys, tmp_path, "may.csv", MAY)
    with as_user(world.policy), pytest.raises(ValidationError) as refused:
        import_services.batch_rollback(batch=april)
    message = " ".join(refused.value.messages)
    assert "PC-0001" in message and "may.csv" in message
    assert inventory()["PC-0003"] == ["花子2016"]  # nothing changed
    with as_user(world.policy):
        import_services.batch_rollback(batch=may)
    # April's own previous snapshot went when May replaced it: still refused.
    with as_user(world.policy), pytest.raises(ValidationError):
        import_services.batch_rollback(batch=april)
    april.refresh_from_db()
    assert april.status == "applied"


def test_an_unchanged_inventory_is_not_replaced_so_its_import_keeps_its_rollback(
    world, pcs, capsys, tmp_path, as_user
):
    april = load(capsys, tmp_path, "april.csv", APRIL)
    again = load(capsys, tmp_path, "april.csv", APRIL)
    assert (again.created, again.unchanged) == (0, 3)
    with as_user(world.policy):
        import_services.batch_rollback(batch=april)
    assert inventory() == {}


def test_a_title_an_import_created_and_others_use_blocks_its_rollback(
    world, pcs, capsys, tmp_path, as_user
):
    april = load(capsys, tmp_path, "april.csv", APRIL)
    load(capsys, tmp_path, "other.csv", "PC名,ソフトウェア名\nPC-0009,Lhaplus\n")
    with as_user(world.policy), pytest.raises(ValidationError) as refused:
        import_services.batch_rollback(batch=april)
    assert "Lhaplus" in " ".join(refused.value.messages)


def test_a_preview_keeps_no_snapshot(world, pcs, capsys, tmp_path):
    code, _out, _err = _run(
        capsys,
        "import",
        "installations",
        write(tmp_path, "april.csv", APRIL),
        "--dry-run",
        "--org",
        "330001",
    )
    assert code == 0
    assert not InstallationLoad.objects.exists() and not Installation.objects.exists()


def test_an_inventory_is_rolled_back_from_its_batch_page(world, pcs, client, capsys, tmp_path):
    april = load(capsys, tmp_path, "april.csv", APRIL)
    may = load(capsys, tmp_path, "may.csv", MAY)
    client.force_login(world.policy)
    page = client.get(reverse("import_detail", args=[april.pk])).content.decode()
    assert 'id="rollback-refused"' in page and "PC-0001" in page
    assert reverse("import_rollback", args=[april.pk]) not in page
    page = client.get(reverse("import_detail", args=[may.pk])).content.decode()
    assert reverse("import_rollback", args=[may.pk]) in page
    response = client.post(reverse("import_rollback", args=[may.pk]))
    assert response.status_code == 302
    assert inventory()["PC-0001"] == ["Lhaplus", "Microsoft Office Standard 2013"]
    # A viewer may not roll anything back.
    client.force_login(world.viewer)
    assert client.post(reverse("import_rollback", args=[april.pk])).status_code == 404
