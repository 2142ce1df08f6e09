# ruff: noqa: E501  (CSV fixtures are written as offices write them, one record per line)
"""The compliance position: every rule of the issue's point 5, with the figures a SAM auditor
checks."""

from __future__ import annotations

import datetime
import json

import pytest

from daicho.sam.models import Installation, LicenceMetric, LicenceType
from daicho.sam.selectors import compliance_position
from tests.core.test_import import run as _run
from tests.core.test_import import write
from tests.sam.factories import DeviceFactory, LicenceFactory, TitleFactory

TODAY = datetime.date(2025, 4, 1)


@pytest.fixture
def office(world):
    return TitleFactory(
        organisation=world.org, publisher="Microsoft", name="Microsoft Office", edition="Standard"
    )


def install(title, unit, version, count, *, start=0, users=None, cores=None):
    """`count` devices of `unit`, each with `title` `version` installed."""
    devices = [
        DeviceFactory(
            unit=unit,
            name=f"{unit.code}-{version}-{start + i}",
            user_name=(users[i % len(users)] if users else f"職員{start + i}"),
            cores=cores,
        )
        for i in range(count)
    ]
    Installation.objects.bulk_create(
        Installation(device=d, title=title, raw_name=str(title), version=version) for d in devices
    )
    return devices


def by_version(entries, title=None):
    return {
        e.version: (e.entitled, e.consumed, e.shortfall, e.surplus)
        for e in entries
        if title is None or e.title_id == title.pk
    }


def shortfall(entries):
    return sum(e.shortfall for e in entries)


def test_downgrade_rights_cover_earlier_versions(world, office):
    install(office, world.section_a, "2013", 200)
    install(office, world.section_a, "2010", 80)
    LicenceFactory(title=office, version="2013", quantity=250, downgrade_rights=True)
    entries = compliance_position(world.org, as_of=TODAY)
    assert shortfall(entries) == 30
    assert by_version(entries) == {"2013": (250, 200, 0, 0), "2010": (0, 80, 30, 0)}
    assert [e.downgrade_in for e in entries if e.version == "2010"] == [50]


def test_without_downgrade_rights_only_the_licences_own_version_counts(world, office):
    install(office, world.section_a, "2013", 200)
    install(office, world.section_a, "2010", 80)
    LicenceFactory(title=office, version="2013", quantity=250, downgrade_rights=False)
    entries = compliance_position(world.org, as_of=TODAY)
    assert shortfall(entries) == 80
    assert by_version(entries) == {"2013": (250, 200, 0, 50), "2010": (0, 80, 80, 0)}


def test_downgrade_never_covers_a_later_version(world, office):
    install(office, world.section_a, "2016", 10)
    LicenceFactory(title=office, version="2013", quantity=50, downgrade_rights=True)
    assert shortfall(compliance_position(world.org, as_of=TODAY)) == 10


def test_versions_in_release_order_when_they_are_not_numbers(world):
    acrobat = TitleFactory(organisation=world.org, name="Adobe Acrobat", release_order="X, XI, DC")
    install(acrobat, world.section_a, "X", 5)
    install(acrobat, world.section_a, "DC", 5, start=100)
    LicenceFactory(title=acrobat, version="XI", quantity=10, downgrade_rights=True)
    assert by_version(compliance_position(world.org, as_of=TODAY)) == {
        "DC": (0, 5, 5, 0),
        "XI": (10, 0, 0, 5),
        "X": (0, 5, 0, 0),
    }


def test_numeric_versions_order_by_number_not_text(world):
    java = TitleFactory(organisation=world.org, name="Java SE Runtime")
    install(java, world.section_a, "9", 3)
    LicenceFactory(title=java, version="11", quantity=3, downgrade_rights=True)
    assert shortfall(compliance_position(world.org, as_of=TODAY)) == 0


def test_an_expired_subscription_counts_nothing(world, office):
    install(office, world.section_a, "", 10)
    LicenceFactory(
        title=office,
        quantity=100,
        type=LicenceType.SUBSCRIPTION,
        valid_from=datetime.date(2024, 4, 1),
        valid_until=datetime.date(2025, 3, 31),
    )
    entries = compliance_position(world.org, as_of=TODAY)
    assert by_version(entries) == {"": (0, 10, 10, 0)}
    earlier = compliance_position(world.org, as_of=datetime.date(2025, 3, 31))
    assert by_version(earlier) == {"": (100, 10, 0, 90)}


def test_a_site_licence_covers_every_device(world, office):
    install(office, world.section_a, "2019", 40)
    install(office, world.section_b, "2016", 25)
    LicenceFactory(title=office, metric=LicenceMetric.SITE, quantity=0)
    entries = compliance_position(world.org, as_of=TODAY)
    assert shortfall(entries) == 0
    assert sum(e.consumed for e in entries) == 65


def test_a_free_title_shows_no_shortfall(world):
    reader = TitleFactory(organisation=world.org, name="Adobe Acrobat Reader", free=True)
    install(reader, world.section_a, "", 30)
    assert by_version(compliance_position(world.org, as_of=TODAY)) == {"": (0, 30, 0, 0)}


def test_the_plans_summary_shows_the_shortfalls_without_counting_the_free_titles(
    world, office, django_assert_num_queries
):
    """The plan dashboard's licence summary lists shortfalls and their cost: it leaves out the
    free titles' count (most installations: runtimes, browsers, readers), a query less."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from daicho.sam.summaries import position

    reader = TitleFactory(organisation=world.org, name="Adobe Acrobat Reader", free=True)
    install(reader, world.section_a, "", 30)
    install(office, world.section_a, "2019", 12)
    LicenceFactory(title=office, version="2019", quantity=10, unit_price=30_000)
    with CaptureQueriesContext(connection) as full:
        entries = compliance_position(world.org, as_of=TODAY)
    with django_assert_num_queries(len(full) - 2):  # the free titles and their count
        licensable = compliance_position(world.org, as_of=TODAY, free=False)
    assert [e for e in entries if not e.free] == licensable
    assert not any(e.free for e in licensable)
    table = position(world.org, 2024)
    assert table.rows == [["Microsoft Office Standard", "2019", 10, 12, 2]]
    assert table.highlights[0][1] == 1
    assert table.highlights[1][1] == "60,000"


def test_a_licensable_title_without_licences_is_short_by_its_whole_count(world):
    hidemaru = TitleFactory(organisation=world.org, name="秀丸エディタ")
    install(hidemaru, world.section_b, "", 12)
    assert by_version(compliance_position(world.org, as_of=TODAY)) == {"": (0, 12, 12, 0)}


def test_device_licences_count_distinct_devices(world, office):
    devices = install(office, world.section_a, "2019", 3)
    Installation.objects.create(device=devices[0], title=office, raw_name="x64", version="2019")
    LicenceFactory(title=office, version="2019", quantity=3)
    assert by_version(compliance_position(world.org, as_of=TODAY)) == {"2019": (3, 3, 0, 0)}


def test_user_licences_count_distinct_users(world, office):
    install(office, world.section_a, "", 6, users=["佐藤", "鈴木"])
    LicenceFactory(title=office, metric=LicenceMetric.USER, quantity=1)
    entries = compliance_position(world.org, as_of=TODAY)
    assert by_version(entries) == {"": (1, 2, 1, 0)}
    assert entries[0].metric == "user"


def test_core_licences_count_server_cores(world):
    sql = TitleFactory(organisation=world.org, name="Microsoft SQL Server", edition="Standard")
    install(sql, world.section_a, "2019", 2, cores=16)
    LicenceFactory(title=sql, version="2019", metric=LicenceMetric.CORE, quantity=24)
    assert by_version(compliance_position(world.org, as_of=TODAY)) == {"2019": (24, 32, 8, 0)}


def test_concurrent_licences_count_the_declared_peak(world):
    cad = TitleFactory(organisation=world.org, name="AutoCAD", declared_peak=7)
    install(cad, world.section_a, "", 20)
    LicenceFactory(title=cad, metric=LicenceMetric.CONCURRENT, quantity=5)
    assert by_version(compliance_position(world.org, as_of=TODAY)) == {"": (5, 7, 2, 0)}


def test_a_units_licences_cover_that_unit_and_its_sub_units_only(world, office):
    install(office, world.section_a, "", 10)  # under dept_a
    install(office, world.section_b, "", 10)  # under dept_b
    LicenceFactory(title=office, quantity=15, unit=world.dept_a)
    entries = compliance_position(world.org, as_of=TODAY)
    # dept_a's 15 licences cover its section's 10; section_b's 10 stay short; 5 left over.
    assert by_version(entries) == {"": (15, 20, 10, 5)}
    LicenceFactory(title=office, quantity=10)  # organisation-wide: covers everyone
    assert shortfall(compliance_position(world.org, as_of=TODAY)) == 0


def test_the_cost_to_close_a_shortfall_uses_the_known_unit_price(world, office):
    install(office, world.section_a, "2019", 12)
    LicenceFactory(title=office, version="2019", quantity=10, unit_price=45_000)
    (entry,) = compliance_position(world.org, as_of=TODAY)
    assert (entry.shortfall, entry.cost_to_close) == (2, 90_000)


def test_disposed_devices_consume_nothing(world, office):
    devices = install(office, world.section_a, "", 3)
    devices[0].status = "disposed"
    devices[0].disposed_on = datetime.date(2024, 1, 1)
    devices[0].save()
    assert by_version(compliance_position(world.org, as_of=TODAY)) == {"": (0, 2, 2, 0)}


def test_another_organisations_licences_and_devices_do_not_count(world, office):
    other_unit = world.system_other.owner_unit
    theirs = TitleFactory(organisation=world.other_org, name="Microsoft Office", edition="Standard")
    install(theirs, other_unit, "", 5)
    install(office, world.section_a, "", 5)
    LicenceFactory(title=theirs, quantity=100)
    assert by_version(compliance_position(world.org, as_of=TODAY)) == {"": (0, 5, 5, 0)}


def test_position_cli_json_and_unit_filter(world, office, capsys):
    install(office, world.section_a, "2013", 200)
    install(office, world.section_a, "2010", 80)
    install(office, world.section_b, "2013", 5)
    LicenceFactory(title=office, version="2013", quantity=250, downgrade_rights=True)
    code, out, err = _run(
        capsys, "sam", "position", "--org", "330001", "--json", "--as-of", "R7.4.1"
    )
    assert code == 0, err
    document = json.loads(out)
    assert [
        (e["title"], e["version"], e["entitled"], e["consumed"], e["shortfall"], e["surplus"])
        for e in document
    ] == [
        ("Microsoft Office Standard", "2013", 250, 205, 0, 0),
        ("Microsoft Office Standard", "2010", 0, 80, 35, 0),
    ]
    code, out, _ = _run(capsys, "sam", "position", "--org", "330001", "--json", "--unit", "D02-S01")
    assert [(e["version"], e["consumed"], e["shortfall"]) for e in json.loads(out)] == [
        ("2013", 5, 0)
    ]
    code, out, err = _run(capsys, "sam", "position", "--org", "330001", "--unit", "nowhere")
    assert code != 0 and "nowhere" in err


LICENCES = """ソフトウェア名,エディション,バージョン,単位,数量,種別,開始日,有効期限,ダウングレード権,管理部門,証書番号,単価
Microsoft Office,Standard,2013,端末,250,ボリューム,H26.4.1,,あり,,VL-0001,"32,000"
一太郎,,2014,端末,30,パッケージ,,,なし,D02-S01,JS-1,12000
ウイルスバスター コーポレートエディション,,,端末,100,サブスクリプション,R6.4.1,R7.3.31,,,TM-2024,3000
"""


def test_licences_import_names_titles_and_reimport_updates_by_certificate(
    world, office, capsys, tmp_path
):
    code, out, err = _run(
        capsys,
        "import",
        "licences",
        write(tmp_path, "l.csv", LICENCES),
        "--json",
        "--org",
        "330001",
    )
    assert code == 0, out + err
    assert json.loads(out)["created"] == 3
    from daicho.sam.models import Licence

    vl = Licence.objects.get(certificate="VL-0001")
    assert (vl.title, vl.quantity, vl.type, vl.downgrade_rights, vl.unit_price, vl.unit) == (
        office,
        250,
        "volume",
        True,
        32_000,
        None,
    )
    assert Licence.objects.get(certificate="JS-1").unit == world.section_b
    changed = LICENCES.replace(",250,", ",300,")
    code, out, _ = _run(
        capsys, "import", "licences", write(tmp_path, "m.csv", changed), "--json", "--org", "330001"
    )
    result = json.loads(out)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 2)


def test_bad_licence_rows_are_reported_by_row_and_column(world, office, capsys, tmp_path):
    bad = """ソフトウェア名,単位,数量,開始日,有効期限,管理部門
Microsoft Office,台数,10,,,
一太郎,端末,,,,
花子,端末,5,R7.4.1,R6.4.1,
ATOK,端末,5,,,存在しない課
"""
    code, out, _ = _run(
        capsys,
        "import",
        "licences",
        write(tmp_path, "b.csv", bad),
        "--json",
        "--org",
        "330001",
        "--no-create",
        "units",
    )
    assert code == 1
    problems = {(p["row"], p["column"]) for p in json.loads(out)["problems"]}
    assert problems == {(2, "metric"), (3, "quantity"), (4, "valid_until"), (5, "unit")}
    from daicho.sam.models import Licence

    assert not Licence.objects.exists()


def test_volume_analysis_compares_the_mix_with_volume_and_subscription(world, office):
    from daicho.sam.selectors import volume_analysis

    install(office, world.section_a, "2019", 100)
    LicenceFactory(title=office, quantity=60, type=LicenceType.OEM, unit_price=20_000)
    LicenceFactory(title=office, quantity=30, type=LicenceType.PACKAGE, unit_price=40_000)
    (option,) = volume_analysis(
        world.org, as_of=TODAY, prices={office.pk: (30_000, 5_000)}, years=5
    )
    # Held: 60 × 20,000 + 30 × 40,000 = 2,400,000; 10 short at 40,000 = 400,000 → 2,800,000.
    assert (option.need, option.oem, option.package, option.current_cost) == (
        100,
        60,
        30,
        2_800_000,
    )
    assert (option.volume_cost, option.subscription_cost) == (3_000_000, 2_500_000)
    assert (option.cheapest, option.saving) == ("subscription", 300_000)
