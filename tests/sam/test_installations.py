# ruff: noqa: E501  (CSV fixtures are written as offices write them, one record per line)
"""Normalisation of raw names and installations imported as per-device snapshots."""

from __future__ import annotations

import json

import pytest

from daicho.core.models import AuditEvent, ImportBatch
from daicho.sam.models import Device, Installation, NormalisationRule, SoftwareTitle
from daicho.sam.normalisation import Normaliser
from tests.core.test_import import run as _run
from tests.core.test_import import write


def run(capsys, *args):
    return _run(capsys, *args, "--org", "330001")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Microsoft Office Professional Plus 2013",
            ("Microsoft Office", "Professional Plus", "2013", False),
        ),
        ("Microsoft Office Standard 2010", ("Microsoft Office", "Standard", "2010", False)),
        (
            "Microsoft Office Home and Business 2019 - ja-jp",
            ("Microsoft Office", "Home and Business", "2019", False),
        ),
        ("Microsoft Visio Professional 2016", ("Microsoft Visio", "Professional", "2016", False)),
        ("Microsoft Project Standard 2019", ("Microsoft Project", "Standard", "2019", False)),
        (
            "Microsoft 365 Apps for enterprise - ja-jp",
            ("Microsoft 365 Apps", "enterprise", "", False),
        ),
        ("一太郎2023", ("一太郎", "", "2023", False)),
        ("一太郎２０２２", ("一太郎", "", "2022", False)),
        ("ATOK 2017 for Windows", ("ATOK", "", "2017", False)),
        ("花子2023", ("花子", "", "2023", False)),
        ("Adobe Acrobat Reader DC - Japanese", ("Adobe Acrobat Reader", "", "", True)),
        ("Adobe Acrobat XI Pro", ("Adobe Acrobat", "Pro", "XI", False)),
        ("Adobe Acrobat DC (64-bit)", ("Adobe Acrobat", "DC", "DC", False)),
        (
            "ウイルスバスター コーポレートエディション クライアント",
            ("ウイルスバスター コーポレートエディション", "", "", False),
        ),
        ("ESET Endpoint Security", ("ESET Endpoint Security", "", "", False)),
        ("Lhaplus", ("Lhaplus", "", "", True)),
        ("秀丸エディタ (64bit)", ("秀丸エディタ", "", "", False)),
        ("Java 8 Update 351", ("Java SE Runtime", "", "8", False)),
        ("Java(TM) 6 Update 45", ("Java SE Runtime", "", "6", False)),
        ("Google Chrome", ("Google Chrome", "", "", True)),
        ("Mozilla Firefox (x64 ja)", ("Mozilla Firefox", "", "", True)),
        ("Microsoft Edge", ("Microsoft Edge", "", "", True)),
        ("DocuWorks 9", ("DocuWorks", "", "9", False)),
        ("Microsoft Word 2016", ("Microsoft Word", "", "2016", False)),
    ],
)
def test_shipped_rules_name_the_software_public_bodies_run(raw, expected):
    found = Normaliser(None)(raw)
    assert (found.title, found.edition, found.version, found.free) == expected


def test_an_unknown_name_is_left_unmatched():
    assert not Normaliser(None)("業務用自作ツール Ver.3").matched


INSTALLS = """機器名,ソフトウェア名,バージョン,発行元,インストール日
PC000001,Microsoft Office Professional Plus 2013,15.0.4569.1506,Microsoft Corporation,2014/04/01
PC000001,一太郎2014,24.0,JustSystems,H26.5.1
PC000001,Google Chrome,120.0,Google LLC,
PC000002,Microsoft Office Professional Plus 2013,15.0.4569.1506,Microsoft Corporation,2014/04/01
PC000002,業務用自作ツール Ver.3,3.0,岡山県,
"""


@pytest.fixture
def devices(world):
    from tests.sam.factories import DeviceFactory

    return [
        DeviceFactory(organisation=world.org, unit=world.section_b, name=f"PC00000{i}")
        for i in (1, 2, 3)
    ]


def test_installations_import_names_titles_and_lists_unmatched(world, devices, capsys, tmp_path):
    code, out, err = run(
        capsys, "import", "installations", write(tmp_path, "i.csv", INSTALLS), "--json"
    )
    assert code == 0, out + err
    assert json.loads(out)["created"] == 5
    office = Installation.objects.get(
        device__name="PC000001", raw_name__startswith="Microsoft Office"
    )
    assert (office.title.name, office.title.edition, office.version, office.raw_version) == (
        "Microsoft Office",
        "Professional Plus",
        "2013",
        "15.0.4569.1506",
    )
    assert str(Installation.objects.get(raw_name="一太郎2014").installed_on) == "2014-05-01"
    assert SoftwareTitle.objects.get(name="Google Chrome").free
    assert Installation.objects.get(raw_name__startswith="業務用").title is None
    # Titles the import created are audited; installations per batch.
    assert AuditEvent.objects.filter(object_repr="Microsoft Office Professional Plus").count() == 1
    batch = ImportBatch.objects.get(kind="installations")
    assert (batch.created, batch.file_digest != "") == (5, True)


def test_reimporting_a_snapshot_replaces_only_the_devices_it_names(
    world, devices, capsys, tmp_path
):
    run(capsys, "import", "installations", write(tmp_path, "i.csv", INSTALLS))
    run(capsys, "import", "installations", write(tmp_path, "i.csv", INSTALLS))
    assert Installation.objects.count() == 5
    again = "機器名,ソフトウェア名,バージョン\nPC000002,Google Chrome,121.0\n"
    code, out, _ = run(capsys, "import", "installations", write(tmp_path, "j.csv", again), "--json")
    assert code == 0
    assert sorted(
        Installation.objects.filter(device__name="PC000002").values_list("raw_name", flat=True)
    ) == ["Google Chrome"]
    assert Installation.objects.filter(device__name="PC000001").count() == 3


def test_devices_the_ledger_lacks_are_created_and_reported(world, devices, capsys, tmp_path):
    text = "機器名,ソフトウェア名,所属\nPC009999,Lhaplus,D02-S01\nPC009999,秀丸エディタ,D02-S01\n"
    code, out, err = run(
        capsys, "import", "installations", write(tmp_path, "n.csv", text), "--json"
    )
    assert code == 0, out + err
    result = json.loads(out)
    assert result["created_refs"] == {
        "devices": ["PC009999"],
        "titles": ["Lhaplus", "秀丸エディタ"],
    }
    device = Device.objects.get(name="PC009999")
    assert (device.unit.code, device.installations.count()) == ("D02-S01", 2)
    assert AuditEvent.objects.filter(object_repr="PC009999", action="create").count() == 1


def test_bad_installation_rows_are_reported_and_nothing_is_written(
    world, devices, capsys, tmp_path
):
    text = "機器名,ソフトウェア名,インストール日,所属\nPC000001,Lhaplus,2014/13/45,\n,秀丸エディタ,,\nPC777,Lhaplus,,存在しない課\n"
    code, out, _ = run(
        capsys,
        "import",
        "installations",
        write(tmp_path, "b.csv", text),
        "--json",
        "--no-create",
        "units",
    )
    assert code == 1
    problems = {(p["row"], p["column"]) for p in json.loads(out)["problems"]}
    assert problems == {(2, "installed_on"), (3, "device"), (4, "unit")}
    assert not Installation.objects.exists()
    assert not Device.objects.filter(name="PC777").exists()


def test_a_sam_officer_loads_only_its_units_devices(world, devices, capsys, tmp_path):
    from tests.sam.factories import DeviceFactory

    DeviceFactory(organisation=world.org, unit=world.section_a, name="PC-A")
    text = "機器名,ソフトウェア名\nPC000001,Lhaplus\nPC-A,Lhaplus\n"
    code, out, _ = run(
        capsys, "import", "installations", write(tmp_path, "s.csv", text), "--json", "--as", "sam"
    )
    assert code == 1
    assert [(p["row"], p["column"]) for p in json.loads(out)["problems"]] == [(3, "device")]


RULES = """パターン,発行元,タイトル,エディション,バージョン,無償
^業務用自作ツール ver\\.(\\d+),,業務用自作ツール,,\\1,はい
^(broken,,壊れた規則,,,
^x,,Y,,\\2,
"""


def test_normalisation_rules_import_maps_unmatched_names_and_reports_bad_rows(
    world, devices, capsys, tmp_path
):
    run(capsys, "import", "installations", write(tmp_path, "i.csv", INSTALLS))
    code, out, _ = run(
        capsys, "import", "normalisation-rules", write(tmp_path, "r.csv", RULES), "--json"
    )
    assert code == 1
    problems = {(p["row"], p["column"]) for p in json.loads(out)["problems"]}
    assert problems == {(3, "pattern"), (4, "version")}
    assert not NormalisationRule.objects.exists()
    good = RULES.splitlines()[0:2]
    code, out, err = run(
        capsys,
        "import",
        "normalisation-rules",
        write(tmp_path, "g.csv", "\n".join(good) + "\n"),
        "--json",
    )
    assert code == 0, out + err
    tool = Installation.objects.get(raw_name__startswith="業務用")
    assert (tool.title.name, tool.version, tool.title.free) == ("業務用自作ツール", "3", True)


def test_a_large_load_drops_and_rebuilds_the_title_index(
    world, devices, capsys, tmp_path, monkeypatch
):
    from daicho.sam import installations

    monkeypatch.setattr(installations, "CHUNK", 2)
    run(capsys, "import", "installations", write(tmp_path, "i.csv", INSTALLS))
    code, out, err = run(
        capsys, "import", "installations", write(tmp_path, "i.csv", INSTALLS), "--json"
    )
    assert code == 0, out + err
    assert Installation.objects.count() == 5
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "sam_installation")
    assert "sam_inst_title_version_dev" in constraints


def test_an_unmatched_name_is_mapped_from_the_rules_page(client, world, devices, capsys, tmp_path):
    from django.urls import reverse

    run(capsys, "import", "installations", write(tmp_path, "i.csv", INSTALLS))
    client.force_login(world.policy)
    page = client.get(reverse("sam:rules")).content.decode()
    assert "業務用自作ツール Ver.3" in page
    client.post(
        reverse("sam:rules"),
        {
            "action": "map",
            "raw_name": "業務用自作ツール Ver.3",
            "title": "業務用自作ツール",
            "free": "on",
        },
    )
    tool = Installation.objects.get(raw_name__startswith="業務用")
    assert (tool.title.name, tool.title.free) == ("業務用自作ツール", True)
    assert (
        'data-name="業務用自作ツール Ver.3"'
        not in client.get(reverse("sam:rules")).content.decode()
    )
    client.force_login(world.sam)
    assert (
        client.post(
            reverse("sam:rules"), {"action": "map", "raw_name": "x", "title": "y"}
        ).status_code
        == 403
    )


def test_the_home_page_reminds_a_sam_officer_of_its_units_inventory(
    client, world, devices, as_user
):
    import datetime

    from django.urls import reverse

    from daicho.sam import services

    with as_user(world.policy):
        services.campaign_open(
            organisation=world.org,
            fiscal_year=2026,
            deadline=datetime.date(2026, 12, 25),
            units=[world.section_a, world.section_b],
        )
    client.force_login(world.sam)
    page = client.get(reverse("home")).content.decode()
    assert 'id="sam-panel"' in page and "くらし安全安心課" in page
    client.force_login(world.viewer)
    page = client.get(reverse("home")).content.decode()
    assert 'id="sam-panel"' in page and "くらし安全安心課" not in page


def test_a_sam_officer_uploads_its_units_inventory_from_the_browser(client, world, devices):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world.sam)
    assert client.get(reverse("import_upload")).status_code == 200
    text = "機器名,ソフトウェア名,バージョン\nPC000001,Lhaplus,1.74\nPC000002,秀丸エディタ,9.22\n"
    response = client.post(
        reverse("import_upload"),
        {"kind": "installations", "file": SimpleUploadedFile("inv.csv", text.encode("cp932"))},
    )
    preview = ImportBatch.objects.get()
    assert (response.status_code, preview.status, preview.created) == (302, "dry_run", 2)
    client.post(reverse("import_confirm", args=[preview.pk]))
    assert Installation.objects.filter(device__unit=world.section_b).count() == 2
    # Another kind: the rows are checked against the officer's rights, and refused.
    systems = "システムID,システム名,所管部局,所管課\nS0100,河川情報システム,県民生活部,くらし安全安心課\n"
    client.post(
        reverse("import_upload"),
        {"kind": "systems", "file": SimpleUploadedFile("s.csv", systems.encode("cp932"))},
    )
    assert ImportBatch.objects.filter(kind="systems").get().rejected == 1


def test_deleting_a_device_or_a_title_takes_its_installations_along(world, as_user):
    """The installation table keeps no foreign keys in the database (bulk loads): Django's
    on_delete still removes a deleted device's rows and unnames a deleted title's."""
    from daicho.sam import services
    from tests.sam.factories import DeviceFactory, InstallationFactory, TitleFactory

    title = TitleFactory(organisation=world.org, publisher="Schezo", name="Lhaplus")
    kept, gone = (DeviceFactory(unit=world.section_a) for _ in range(2))
    InstallationFactory(device=kept, title=title)
    InstallationFactory(device=gone, title=title)
    with as_user(world.policy):
        services.device_delete(device=gone)
    assert list(Installation.objects.values_list("device", flat=True)) == [kept.pk]
    title.delete()
    assert list(Installation.objects.values_list("title", "raw_name")) == [(None, "Lhaplus")]


def test_rows_of_new_devices_and_titles_wait_for_them_and_all_land(
    world, devices, capsys, tmp_path, monkeypatch
):
    """Small chunks (as PostgreSQL streams them) with new devices and titles all through the
    file: rows naming one are held until it is created, and every row lands once, on its own
    device and title."""
    from daicho.sam import installations

    monkeypatch.setattr(installations, "CHUNK", 3)
    monkeypatch.setattr(installations, "STREAM_CHUNK", 3)
    monkeypatch.setattr(installations, "HELD", 4)
    lines = ["機器名,ソフトウェア名,バージョン,所属"]
    expected = {}
    for n in range(12):
        name = f"PC{n:06d}" if n % 3 else f"NEW{n:03d}"  # every third device new to the ledger
        programs = ["Google Chrome", f"業務ツール{n % 5}", "Lhaplus"][: 1 + n % 3]
        lines += [f"{name},{p},1.{n},D02-S01" for p in programs]
        expected[name] = sorted(programs)
    path = write(tmp_path, "m.csv", "\n".join(lines) + "\n")
    code, out, err = run(capsys, "import", "installations", path, "--json")
    assert code == 0, out + err
    assert json.loads(out)["created"] == sum(len(p) for p in expected.values())
    found = {}
    for device, raw, title in Installation.objects.values_list(
        "device__name", "raw_name", "title__name"
    ):
        found.setdefault(device, []).append(raw)
        assert title is not None or raw.startswith("業務ツール"), raw
    assert {d: sorted(r) for d, r in found.items()} == expected
    assert Device.objects.filter(name__startswith="NEW").count() == 4
