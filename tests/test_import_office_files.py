"""Files as an office keeps them, imported twice on a fresh ledger: the second run changes nothing.

Each kind's file is written the way a section keeps its spreadsheet: Japanese headers, saved by
Excel as CP932 or as UTF-8 with a BOM, and without the code column the ledger would assign
(システムID, 事業者ID, 契約ID, 事故番号, 研修ID) — rows are matched on their natural keys
(docs/import-keys.md). The files a kind's rows refer to (units, systems, …) are loaded first,
in the order of the first-run page.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from daicho.core.importing import engine
from daicho.core.models import AuditEvent, Organisation
from daicho.core.permissions import TRUSTED
from daicho.registry.models import CostItem, InformationSystem, Vendor
from daicho.security.models import Incident

pytestmark = pytest.mark.django_db

ORG = "332020"

# kind -> (encoding, file). In load order: a kind's references come before it.
FILES: dict[str, tuple[str, str]] = {
    "units": (
        "cp932",
        """組織コード,組織名,上位組織
100000,総務局,
101000,情報政策課,100000
102000,総務課,100000
200000,市民局,
201000,市民課,200000
""",
    ),
    "vendors": (
        "utf-8-sig",
        """事業者名,法人番号,電話番号,メールアドレス,備考
株式会社吉備システムサービス,1234567890123,086-000-0000,,住民記録の保守
山陽データセンター株式会社,,086-111-1111,info@example.jp,
""",
    ),
    "systems": (
        "cp932",
        """システム名,所管部局,所管課,状態,稼働開始日,稼働環境,機密性,個人情報,保守事業者,概要
住民記録システム,市民局,市民課,運用中,平成20年4月1日,オンプレミス,機密性3,あり,株式会社吉備システムサービス,
財務会計システム,総務局,総務課,運用中,H25.4.1,クラウド,2,なし,,
文書管理システム,総務局,総務課,運用中,2016/04/01,仮想化基盤,2,なし,山陽データセンター株式会社,"庁内の文書を管理する"
""",
    ),
    "contracts": (
        "cp932",
        """件名,事業者,担当課,契約種別,契約開始日,契約終了日,年額（千円）,グリーン購入
住民記録システム運用保守業務委託,株式会社吉備システムサービス,市民課,運用保守,平成31年4月1日,令和2年3月31日,"1,200",対象外
文書管理システム賃貸借,山陽データセンター株式会社,総務課,賃貸借,R2.4.1,R7.3.31,"3,600",適合
""",
    ),
    "costs": (
        "cp932",
        """システム名,年度,予算決算,経費区分,費目,金額（千円）,備考
住民記録システム,平成30年度,予算,運用等経費,委託料,"1,200",
住民記録システム,令和元年度,決算,運用等経費,委託料,"1,180",
財務会計システム,R2,予算,運用等経費,委託料,"９８０",当初予算
""",
    ),
    "backups": (
        "utf-8-sig",
        """システム名,方式,対象データ,取得頻度,保存世代数,保管場所,暗号化,最終成功日
住民記録システム,フル,住民データベース,日次,7,遠隔地,あり,令和6年3月31日
財務会計システム,増分,,週次,4,クラウド,なし,
""",
    ),
    "restore_tests": (
        "utf-8-sig",
        """システム名,実施日,結果,復旧所要時間（分）,復元したデータ,備考
住民記録システム,令和5年11月10日,成功,95,住民データベース,
住民記録システム,令和6年11月8日,一部成功,180,住民データベース,帳票の一部が復元されず
""",
    ),
    "bcp": (
        "cp932",
        """システム名,非常時優先業務,復旧優先度,RTO（時間）,RPO（時間）,策定日,職員連絡先,代替手段
住民記録システム,○,A,24,24,平成28年3月31日,市民課 内線1234,窓口で紙の届出を受け付ける
""",
    ),
    "drills": (
        "cp932",
        """実施日,訓練名,訓練の種類,参加人数,想定シナリオ
令和5年1月20日,令和4年度ICT-BCP訓練,机上訓練,25,庁舎の停電
令和6年1月19日,令和5年度ICT-BCP訓練,総合訓練,40,データセンターの被災
""",
    ),
    "drill_findings": (
        "cp932",
        """訓練実施日,訓練名,課題,改善策,担当所属,担当者,期限
令和5年1月20日,令和4年度ICT-BCP訓練,連絡網が古い,連絡網を毎年4月に更新する,情報政策課,岡山,令和5年4月30日
令和6年1月19日,令和5年度ICT-BCP訓練,代替端末が足りない,予備端末を10台確保する,総務課,,令和6年9月30日
""",
    ),
    "outages": (
        "utf-8-sig",
        """システム名,停止開始,停止終了,計画停止,原因
住民記録システム,令和6年5月12日 9:00,令和6年5月12日 11:30,なし,ディスク障害
財務会計システム,2024/08/03 20:00,2024/08/04 6:00,あり,定期保守
""",
    ),
    "servers": (
        "cp932",
        """サーバ名,種別,収容ホスト,OS,設置場所,CPUコア数,メモリ（GB）
VHOST01,仮想化ホスト,,,本庁舎サーバ室,32,512
JUKI-AP01,仮想マシン,VHOST01,Windows Server 2019,,4,16
""",
    ),
    "cloud-services": (
        "utf-8-sig",
        """サービス名,提供事業者,サービス形態,ガバメントクラウド,利用開始日,年額（円）
財務会計クラウド,山陽データセンター株式会社,SaaS,なし,令和2年4月1日,"2,400,000"
""",
    ),
    "vdi": (
        "cp932",
        """プール名,計測日,利用数,提供数
本庁VDI,令和6年4月1日,180,200
本庁VDI,令和6年10月1日,192,200
""",
    ),
    "components": (
        "cp932",
        """システム名,製品名,サーバ,用途
住民記録システム,Oracle Database 19c,JUKI-AP01,データベース
住民記録システム,Apache Tomcat 9,,アプリケーションサーバ
""",
    ),
    "incidents": (
        "cp932",
        """発生日,件名,種別,重大度,発生所属,個人情報,個人情報件数,状況,概要
令和6年6月3日,USBメモリの紛失,機器・媒体の紛失・盗難,中,市民課,あり,12,終結,出張先で紛失
令和6年7月1日,メールの誤送信,メール・FAXの誤送信,軽微,総務課,なし,,調査中,
""",
    ),
    "training_attendance": (
        "cp932",
        """研修名,実施日,分野,職員番号,氏名,所属,出席
情報セキュリティ研修,令和6年6月10日,情報セキュリティ,012345,吉備 太郎,市民課,○
情報セキュリティ研修,令和6年6月10日,情報セキュリティ,012346,備前 花子,総務課,×
""",
    ),
    "consultations": (
        "utf-8-sig",
        """日付,所属,分野,方法,件名,対応結果,経費削減額（千円）
令和6年5月8日,市民課,調達・仕様書,打合せ,住民記録システム更改の仕様書,仕様書案を確認,500
令和6年5月9日,総務課,運用保守,電話,文書管理システムの保守範囲,,
""",
    ),
    "standardisation": (
        "utf-8-sig",
        """業務,フェーズ,フェーズ到達日,移行完了予定日,稼働環境,クラウド事業者,利用形態,特定移行支援の理由,特定移行支援の移行目標日
住民基本台帳,移行中,令和7年4月1日,令和8年1月4日,ガバメントクラウド,AWS,共同利用,,
戸籍の附票,移行済,2025-01-06,2025-01-06,ガバクラ,AWS,共同利用,,
介護保険,計画,2024-04-01,,ガバメントクラウド,,,,
戸籍,特定移行支援,令和6年8月1日,,ガバメントクラウド,,,事業者の標準準拠製品の提供が期限後となるため,令和9年3月31日
""",
    ),
}


def excluded_kinds() -> set[str]:
    """The SAM kinds and cost items have their own tests (the SAM formats, the 費目 page)."""
    return {
        name
        for name, kind in engine.kinds().items()
        if type(kind).__module__.startswith("daicho.sam")
    } | {"cost-items"}


def test_every_kind_has_its_office_file():
    assert sorted(FILES) == sorted(set(engine.kinds()) - excluded_kinds())


def test_every_kind_documents_its_natural_key():
    """Every kind, the SAM kinds and cost items included (their files are tested elsewhere)."""
    table = (Path(__file__).parents[1] / "docs" / "import-keys.md").read_text(encoding="utf-8")
    for name in sorted(engine.kinds()):
        assert "Natural key:" in (type(engine.kinds()[name]).__doc__ or ""), name
        assert f"| `{name}` |" in table, name


def _import(tmp_path, kind: str) -> dict:
    encoding, text = FILES[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    out = io.StringIO()
    with contextlib.suppress(SystemExit):  # a rejected file exits 1; the summary says why
        call_command("import", kind, str(path), "--org", ORG, "--json", stdout=out)
    return json.loads(out.getvalue())


def _load_before(tmp_path, kind: str) -> None:
    """Load the files that come before ``kind`` (the references its rows name)."""
    for before in list(FILES)[: list(FILES).index(kind)]:
        summary = _import(tmp_path, before)
        assert summary["status"] == "applied", (before, summary["problems"])


@pytest.fixture
def fresh(db):
    organisation = Organisation.objects.create(code=ORG, name="倉敷市")
    # 費目 are the organisation's own list; `daicho init` seeds them.
    CostItem.objects.get_or_create(organisation=organisation, code="13", name="委託料")
    return organisation


@pytest.mark.parametrize("kind", list(FILES))
def test_an_office_file_imported_twice_changes_nothing_the_second_time(fresh, tmp_path, kind):
    _load_before(tmp_path, kind)
    rows = FILES[kind][1].strip().count("\n")
    first = _import(tmp_path, kind)
    assert first["status"] == "applied", first["problems"]
    assert first["created"] + first["updated"] + first["unchanged"] == rows
    assert first["created"] > 0
    events = AuditEvent.objects.count()
    second = _import(tmp_path, kind)
    assert second["status"] == "applied", second["problems"]
    assert (second["created"], second["updated"], second["unchanged"], second["rejected"]) == (
        0,
        0,
        rows,
        0,
    )
    assert second["created_refs"] == {}
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("kind", list(FILES))
def test_a_row_given_twice_in_one_file_is_reported_as_a_copy_of_the_first(fresh, tmp_path, kind):
    _load_before(tmp_path, kind)
    encoding, text = FILES[kind]
    lines = text.strip().split("\n")
    rows = len(lines) - 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(FILES, kind, (encoding, "\n".join([*lines, lines[1]]) + "\n"))
        summary = _import(tmp_path, kind)
    assert summary["status"] == "rejected"
    assert [(p["row"], p["message"]) for p in summary["problems"]] == [
        (rows + 2, "2行目と同じデータです。")
    ]


# The same records written another way: other widths, case and spaces in the names and titles
# that are their keys, a unit by its code instead of its name, a staff number in full width.
RESPELT = {
    "systems": """システム名,所管部局,所管課
住民記録 システム,市民局,市民課
""",
    "vendors": """事業者名,電話番号
山陽データセンター　株式会社,086-111-1111
""",
    "contracts": """件名,事業者,担当課,契約種別,契約開始日,契約終了日
住民記録システム 運用保守業務委託,株式会社吉備システムサービス,201000,運用保守,2019-04-01,2020-03-31
""",
    "components": """システム名,製品名,サーバ
住民記録システム,ORACLE DATABASE 19C,ｊｕｋｉ－ap01
""",
    "servers": """サーバ名,種別
vhost01,仮想化ホスト
""",
    "drills": """実施日,訓練名,訓練の種類
2023-01-20,令和4年度 ICT－BCP訓練,机上訓練
""",
    "incidents": """発生日,件名,種別,重大度,発生所属
2024-06-03,ＵＳＢメモリの紛失,機器・媒体の紛失・盗難,中,201000
""",
    "training_attendance": """研修名,実施日,職員番号,氏名,所属
情報セキュリティ 研修,2024-06-10,０１２３４５,吉備 太郎,市民課
""",
    "consultations": """日付,所属,分野,方法,件名
2024-05-08,201000,調達・仕様書,打合せ,住民記録システム更改の 仕様書
""",
}


@pytest.mark.parametrize("kind", list(RESPELT))
def test_a_record_written_another_way_is_found_not_added(fresh, tmp_path, kind):
    _load_before(tmp_path, kind)
    assert _import(tmp_path, kind)["status"] == "applied"
    records = engine.kinds()[kind].export_queryset
    before = records(TRUSTED).count()
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(FILES, kind, ("cp932", RESPELT[kind]))
        summary = _import(tmp_path, kind)
        assert summary["status"] == "applied", summary["problems"]
        assert summary["created"] == 0 and summary["created_refs"] == {}
        assert records(TRUSTED).count() == before
        again = _import(tmp_path, kind)
    assert (again["created"], again["updated"]) == (0, 0)


def test_a_vendor_renamed_is_found_by_its_corporate_number(fresh, tmp_path):
    _load_before(tmp_path, "contracts")  # units, vendors and the systems they maintain
    with pytest.MonkeyPatch.context() as patch:
        renamed = "事業者名,法人番号\n(株)吉備システムサービス,1234567890123\n"
        patch.setitem(FILES, "vendors", ("cp932", renamed))
        summary = _import(tmp_path, "vendors")
    assert (summary["created"], summary["updated"]) == (0, 1)
    vendor = Vendor.objects.get(organisation=fresh, corporate_number="1234567890123")
    assert vendor.name == "(株)吉備システムサービス"
    assert InformationSystem.objects.get(name="住民記録システム").vendor == vendor


def test_an_incident_without_its_number_must_name_one_of_several_alike(fresh, tmp_path):
    _load_before(tmp_path, "incidents")
    numbered = (
        "事故番号,発生日,件名,種別,重大度,発生所属\n"
        "2024-001,令和6年6月3日,メールの誤送信,メール・FAXの誤送信,軽微,市民課\n"
        "2024-002,令和6年6月3日,メールの誤送信,メール・FAXの誤送信,軽微,市民課\n"
    )
    unnumbered = (
        "発生日,件名,種別,重大度,発生所属\n"
        "令和6年6月3日,メールの誤送信,メール・FAXの誤送信,中,市民課\n"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(FILES, "incidents", ("cp932", numbered))
        assert _import(tmp_path, "incidents")["created"] == 2
        patch.setitem(FILES, "incidents", ("cp932", unnumbered))
        summary = _import(tmp_path, "incidents")
    assert summary["status"] == "rejected"
    assert [(p["row"], p["column"], p["message"]) for p in summary["problems"]] == [
        (
            2,
            "title",
            "この発生日・発生所属でこの件名の事故が2件あります（2024-001、2024-002）。"
            "事故番号で指定してください。",
        )
    ]
    assert set(Incident.objects.filter(organisation=fresh).values_list("severity", flat=True)) == {
        "low"
    }
