"""Imports and exports of the continuity and security kinds through the common engine, and the
`daicho continuity` / `daicho security` lists as JSON."""

from __future__ import annotations

import datetime
import json

import pytest

from daicho.continuity.models import BackupConfig, BcpPlan, Drill, DrillFinding, Outage, RestoreTest
from daicho.core.importing import engine
from daicho.security.models import Attendance, Incident, TrainingSession
from tests.core.test_import import run, write

FILES = {
    "backups": """システムID,方式,取得頻度,保存世代数,保管場所,暗号化,最終成功日
S0001,フル,日次,7,遠隔地,あり,令和元年5月1日
S0002,差分,週次,３,同一建物内,なし,
""",
    "restore_tests": """システムID,実施日,結果,復旧所要時間（分）,復元したデータ
S0001,H26.11.20,成功,180,課税DB
S0002,2015-02-01,失敗,30,予約データ
""",
    "bcp": """システムID,非常時優先業務,復旧優先度,RTO（時間）,RPO（時間）,策定日,依存システムID
S0002,○,B,24,24,H26.6.1,
S0001,○,A,4,24,H26.6.1,S0002
""",
    "drills": """実施日,訓練名,訓練の種類,参加人数,対象システムID,参加所属
H26.11.5,大規模地震訓練,機能訓練,42,S0001 S0002,D01-S01、D02-S01
""",
    "drill_findings": """訓練実施日,訓練名,課題,改善策,担当所属,期限,状況,完了日
2014-11-05,大規模地震訓練,連絡網が古い,連絡網を更新する,D01-S01,H27.1.31,完了(A),2015-01-20
2014-11-05,大規模地震訓練,電源切替に時間,手順書を改訂する,くらし安全安心課,H27.3.31,実施(D),
""",
    "outages": """システムID,停止開始,停止終了,計画停止,原因
S0001,2014-07-01 08:00,2014-07-01 18:00,なし,ディスク障害
S0001,H26.8.16 0:00,H26.8.17 0:00,○,定期保守
""",
    "incidents": """発生日,件名,種別,重大度,発生所属,個人情報,個人情報件数,状況,対策
H26.5.1,USBメモリ紛失,loss,中,D01-S01,あり,120,終結,暗号化USBに限定
H27.1.10,メール誤送信,missent,軽微,D02-S01,なし,,対応中,
""",
    "training_attendance": """研修ID,研修名,実施日,分野,職員番号,氏名,所属,出席
T2014-01,情報セキュリティ研修,H26.6.10,情報セキュリティ,0001,岡山 太郎,D01-S01,○
T2014-01,情報セキュリティ研修,H26.6.10,情報セキュリティ,0002,倉敷 花子,くらし安全安心課,×
""",
}
ORDER = list(FILES)


def _import_all(capsys, tmp_path):
    for kind in ORDER:
        path = write(tmp_path, f"{kind}.csv", FILES[kind])
        code, out, err = run(capsys, "import", kind, path, "--org", "330001", "--json")
        assert code == 0, (kind, out, err)


def test_every_kind_imports_from_a_japanese_office_file(world, capsys, tmp_path):
    _import_all(capsys, tmp_path)
    config = BackupConfig.objects.get(system=world.system_a)
    assert (config.frequency, config.generations, config.copy_location, config.encrypted) == (
        "daily",
        7,
        "off_site",
        True,
    )
    assert BackupConfig.objects.get(system=world.system_b).generations == 3
    assert RestoreTest.objects.get(system=world.system_a).tested_on == datetime.date(2014, 11, 20)
    plan = BcpPlan.objects.get(system=world.system_a)
    assert [d.code for d in plan.dependencies.all()] == ["S0002"]
    drill = Drill.objects.get()
    assert drill.kind == "functional" and drill.units.count() == 2
    done = DrillFinding.objects.get(action="連絡網を更新する")
    assert (done.status, done.done_on) == ("act", datetime.date(2015, 1, 20))
    assert DrillFinding.objects.get(action="手順書を改訂する").status == "do"
    assert Outage.objects.filter(planned=True).count() == 1
    closed = Incident.objects.get(title="USBメモリ紛失")
    assert (closed.code, closed.status, closed.personal_records) == ("2014-001", "closed", 120)
    assert Incident.objects.get(title="メール誤送信").code == "2014-002"
    assert TrainingSession.objects.get().code == "T2014-01"
    assert Attendance.objects.filter(attended=True).count() == 1


def test_export_then_import_changes_nothing(world, capsys, tmp_path):
    _import_all(capsys, tmp_path)
    for kind in ORDER:
        for fmt in ("csv", "xlsx"):
            target = tmp_path / f"out-{kind}.{fmt}"
            assert run(capsys, "export", kind, "--as", "policy", "-o", str(target))[0] == 0
            result = engine.run(kind=kind, source=str(target), organisation=world.org)
            b = result.batch
            assert (b.created, b.updated, b.rejected) == (0, 0, 0), (kind, fmt, result.problems)
            assert b.unchanged > 0


@pytest.mark.parametrize(
    ("kind", "text", "column", "value"),
    [
        (
            "backups",
            "システムID,取得頻度,保存世代数,保管場所\nS9999,日次,7,遠隔地\n",
            "system",
            "S9999",
        ),
        (
            "backups",
            "システムID,取得頻度,保存世代数,保管場所\nS0001,毎秒,7,遠隔地\n",
            "frequency",
            "毎秒",
        ),
        (
            "outages",
            "システムID,停止開始,停止終了,原因\nS0001,2014-07-02 10:00,2014-07-02 09:00,x\n",
            "ended_at",
            "",
        ),
        (
            "bcp",
            "システムID,復旧優先度,RTO（時間）,RPO（時間）,策定日,依存システムID\n"
            "S0001,A,4,1,H26.6.1,S0001\n",
            "dependencies",
            "",
        ),
        (
            "incidents",
            "発生日,件名,種別,重大度,発生所属\nH26.5.1,x,loss,中,存在しない課\n",
            "unit",
            "存在しない課",
        ),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(
    world, capsys, tmp_path, kind, text, column, value
):
    path = write(tmp_path, f"{kind}.csv", text)
    code, out, _err = run(
        capsys, "import", kind, path, "--org", "330001", "--json", "--no-create", "units"
    )
    assert code != 0
    report = json.loads(out)
    problem = report["problems"][0]
    assert problem["row"] == 2 and problem["column"] == column
    if value:
        assert problem["value"] == value
    assert report["created"] == 0
    assert not BackupConfig.objects.exists() and not Outage.objects.exists()
    assert not Incident.objects.exists() and not BcpPlan.objects.exists()


def test_an_owner_cannot_import_the_backups_of_another_unit(world, tmp_path):
    path = write(
        tmp_path, "b.csv", "システムID,取得頻度,保存世代数,保管場所\nS0001,日次,7,遠隔地\n"
    )
    result = engine.run(kind="backups", source=path, organisation=world.org, user=world.owner_b)
    assert not result.ok
    assert result.problems[0].column == "system"
    assert not BackupConfig.objects.exists()


def test_the_cli_lists_print_one_json_document(world, capsys, tmp_path, settings):
    _import_all(capsys, tmp_path)
    from daicho.continuity import services
    from daicho.core.audit import Channel, audit_context

    with audit_context(actor=None, channel=Channel.CLI):
        from daicho.continuity.services import scheme_install

        scheme = scheme_install(organisation=world.org, code="soumu")
        services.standard_create(
            organisation=world.org,
            version="第1版",
            title="基準",
            scheme=scheme,
            effective_from=datetime.date(2014, 4, 1),
        )
    code, out, err = run(capsys, "continuity", "--org", "330001", "backups", "--json")
    assert code == 0, err
    assert [r["system"] for r in json.loads(out)] == ["S0001", "S0002"]
    code, out, _ = run(
        capsys, "continuity", "--org", "330001", "compliance", "--on", "H27.3.31", "--json"
    )
    rows = json.loads(out)
    assert {r["system"] for r in rows} == {"S0001", "S0002"} and rows[0]["standard"] == "第1版"
    code, out, _ = run(capsys, "continuity", "--org", "330001", "readiness", "--json")
    readiness = {r["system"]: r for r in json.loads(out)}
    assert readiness["S0001"]["contradictions"] >= 1
    assert readiness["S0001"]["dependencies"] == ["S0002"]
    code, out, _ = run(capsys, "continuity", "--org", "330001", "drills", "--json")
    assert json.loads(out)[0]["findings"][0]["status"] in ("act", "do")
    code, out, _ = run(capsys, "continuity", "--org", "330001", "actions", "--overdue", "--json")
    assert [a["action"] for a in json.loads(out)] == ["手順書を改訂する"]
    code, out, _ = run(
        capsys, "continuity", "--org", "330001", "availability", "--fy", "H26", "--json"
    )
    assert json.loads(out)[0]["downtime_minutes"] == 600
    code, out, _ = run(capsys, "continuity", "--org", "330001", "outages", "--fy", "2014", "--json")
    assert len(json.loads(out)) == 2
    code, out, _ = run(capsys, "security", "--org", "330001", "incidents", "--fy", "2014", "--json")
    assert [i["code"] for i in json.loads(out)] == ["2014-001", "2014-002"]
    code, out, _ = run(capsys, "security", "--org", "330001", "training", "--json")
    assert json.loads(out)[0]["attended"] == 1
    code, out, _ = run(capsys, "security", "--org", "330001", "phishing", "--json")
    assert json.loads(out) == []
    code, out, err = run(
        capsys, "continuity", "--org", "330001", "compliance", "--on", "H20.1.1", "--json"
    )
    assert code != 0 and out == "" and "No backup standard" in err or "基準" in err
    code, out, err = run(capsys, "security", "--org", "330001", "incidents", "--as", "nobody")
    assert code != 0 and "nobody" in err
