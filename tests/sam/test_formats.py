# ruff: noqa: E501  (files are written as Windows and dpkg write them, one record per line)
"""The other installation formats: Programs and Features (UTF-16), dpkg-query, SWID tags."""

from __future__ import annotations

import json
import zipfile

from daicho.sam.models import Device, Installation
from tests.core.test_import import run as _run
from tests.sam.factories import DeviceFactory


def run(capsys, *args):
    return _run(capsys, *args, "--org", "330001")


PROGRAMS = (
    "DisplayName\tDisplayVersion\tPublisher\tInstallDate\n"
    "Microsoft Office Professional Plus 2016\t16.0.4266.1001\tMicrosoft Corporation\t20170401\n"
    "一太郎2016\t26.0\tJustSystems\t20160510\n"
    "Lhaplus\t1.74\tSchezo\t\n"
)


def test_a_programs_and_features_export_in_utf16_is_one_devices_snapshot(world, capsys, tmp_path):
    DeviceFactory(unit=world.section_b, name="PC000123")
    path = tmp_path / "PC000123.txt"
    path.write_bytes(PROGRAMS.replace("\n", "\r\n").encode("utf-16"))
    # The file does not say whose programs these are: the file name is not taken for a device.
    code, out, _ = run(capsys, "import", "installations", str(path), "--json")
    assert code == 1
    assert "DisplayName、DisplayVersion、Publisher、InstallDate" in json.loads(out)["error"]
    assert not Installation.objects.exists()
    code, out, err = run(
        capsys, "import", "installations", str(path), "--device", "PC000123", "--json"
    )
    assert code == 0, out + err
    installs = Installation.objects.filter(device__name="PC000123").select_related("title")
    assert sorted((i.title.name, i.version) for i in installs) == [
        ("Lhaplus", ""),
        ("Microsoft Office", "2016"),
        ("一太郎", "2016"),
    ]
    assert str(installs.get(raw_name="一太郎2016").installed_on) == "2016-05-10"


def test_a_japanese_programs_and_features_copy_through_map(world, capsys, tmp_path):
    DeviceFactory(unit=world.section_b, name="PC000124")
    text = "名前\t発行元\tインストール日\tサイズ\tバージョン\n花子2016\tJustSystems\t2016/05/10\t300 MB\t26.0\n"
    path = tmp_path / "PC000124.txt"
    path.write_bytes(text.encode("utf-16"))
    code, out, err = run(
        capsys,
        "import",
        "installations",
        str(path),
        "--map",
        "名前=software",
        "--device",
        "PC000124",
        "--json",
    )
    assert code == 0, out + err
    assert Installation.objects.get(device__name="PC000124").title.name == "花子"


def test_dpkg_query_output_from_a_server(world, capsys, tmp_path):
    path = tmp_path / "web01.txt"
    path.write_text(
        "openssh-server\t1:9.2p1-2+deb12u3\npostgresql-15\t15.8-0+deb12u1\nlibc6:amd64\t2.36-9\n"
    )
    code, out, err = run(capsys, "import", "installations", str(path), "--json")
    assert code == 0, out + err
    assert json.loads(out)["created"] == 3
    device = Device.objects.get(name="web01")  # created, since the ledger lacked it
    pg = device.installations.get(raw_name="postgresql-15")
    assert (pg.title.name, pg.version, pg.raw_version) == ("PostgreSQL", "15", "15.8-0+deb12u1")


SWID_2015 = """<?xml version="1.0" encoding="utf-8"?>
<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"
  name="Adobe Acrobat XI Pro" tagId="adobe.com-AcrobatPro-11" version="11.0.23">
  <Entity name="Adobe Systems Incorporated" regid="adobe.com" role="softwareCreator tagCreator"/>
</SoftwareIdentity>"""
SWID_2009 = """<?xml version="1.0" encoding="utf-8"?>
<swid:software_identification_tag xmlns:swid="http://standards.iso.org/iso/19770/-2/2009/schema.xsd">
  <swid:product_title>Microsoft Visio Professional 2013</swid:product_title>
  <swid:product_version><swid:name>15.0.4569</swid:name></swid:product_version>
  <swid:software_creator><swid:name>Microsoft Corporation</swid:name></swid:software_creator>
</swid:software_identification_tag>"""


def test_a_zip_of_swid_tags_per_device_folder(world, capsys, tmp_path):
    DeviceFactory(unit=world.section_b, name="PC000200")
    DeviceFactory(unit=world.section_b, name="PC000201")
    path = tmp_path / "tags.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("PC000200/adobe.swidtag", SWID_2015)
        archive.writestr("PC000200/visio.swidtag", SWID_2009)
        archive.writestr("PC000201/visio.swidtag", SWID_2009)
    code, out, err = run(capsys, "import", "installations", str(path), "--json")
    assert code == 0, out + err
    acrobat = Installation.objects.get(device__name="PC000200", raw_name="Adobe Acrobat XI Pro")
    assert (acrobat.title.name, acrobat.version, acrobat.publisher) == (
        "Adobe Acrobat",
        "XI",
        "Adobe Systems Incorporated",
    )
    assert Installation.objects.filter(title__name="Microsoft Visio", version="2013").count() == 2


def test_a_folder_of_swid_tags_with_a_broken_file_is_refused_naming_it(world, capsys, tmp_path):
    folder = tmp_path / "PC000300"
    folder.mkdir()
    (folder / "a.swidtag").write_text(SWID_2015)
    (folder / "b.swidtag").write_text("<SoftwareIdentity name='x'")
    code, out, _ = run(capsys, "import", "installations", str(folder), "--json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["row"], p["value"]) for p in problems] == [(2, "b.swidtag")]
    assert not Installation.objects.exists()
    code, out, err = run(capsys, "import", "installations", str(folder), "--json", "--skip-invalid")
    assert json.loads(out)["created"] == 1, out + err
    assert Installation.objects.get().device.name == "PC000300"
