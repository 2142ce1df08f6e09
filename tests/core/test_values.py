# ruff: noqa: E501  (CSV fixtures are written as offices write them, one record per line)
"""Values as people write them: what a Japanese office types in a cell → what the ledger stores,
read through the very column (kind and field) that reads it in an import."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from daicho.core.importing import engine
from daicho.core.importing import values as v
from daicho.core.management.commands.columns import values_markdown
from daicho.registry.models import CostLine, InformationSystem
from tests.core.test_import import run, write

D = datetime.date
ROOT = Path(__file__).resolve().parents[2]


def field(kind: str, column: str) -> engine.Field:
    return next(f for f in engine.kinds()[kind].fields if f.name == column)


def read(kind: str, column: str, typed: str):
    return field(kind, column).parse(typed)


# (kind, column, what people type, what is stored)
TYPED = [
    # Dates: the forms that always worked …
    ("systems", "in_service_from", "2014-04-01", D(2014, 4, 1)),
    ("systems", "in_service_from", "平成26年4月1日", D(2014, 4, 1)),
    ("systems", "in_service_from", "Ｈ２６．４．１", D(2014, 4, 1)),
    # … year-months: the first of the month …
    ("systems", "in_service_from", "平成26年4月", D(2014, 4, 1)),
    ("systems", "in_service_from", "H30.4", D(2018, 4, 1)),
    ("systems", "in_service_from", "2014/4", D(2014, 4, 1)),
    ("systems", "in_service_from", "2014年4月", D(2014, 4, 1)),
    ("systems", "in_service_from", "R1.5", D(2019, 5, 1)),
    ("servers", "purchased_on", "令和元年5月", D(2019, 5, 1)),
    ("devices", "purchased_on", "2014-04", D(2014, 4, 1)),
    # … Excel date-times as saved to CSV: the date.
    ("systems", "in_service_from", "2014/04/01 0:00", D(2014, 4, 1)),
    ("systems", "retired_on", "2014-04-01 00:00:00", D(2014, 4, 1)),
    ("contracts", "start_on", "2014/4/1 9:30", D(2014, 4, 1)),
    ("backups", "last_success_on", "2014-04-01T09:30:00", D(2014, 4, 1)),
    # A lone dash in a date column: nothing written.
    ("systems", "retired_on", "-", None),
    ("systems", "retired_on", "―", None),
    # An end date that may be open: no end.
    ("licences", "valid_until", "無期限", None),
    ("licences", "valid_until", "期限なし", None),
    ("licences", "valid_until", "なし", None),
    ("licences", "valid_until", "永久", None),
    ("licences", "valid_until", "-", None),
    ("licences", "valid_until", "", None),
    ("licences", "valid_until", "R7.3", D(2025, 3, 1)),
    ("licences", "valid_until", "2026/03/31 0:00", D(2026, 3, 31)),
    ("cloud-services", "ended_on", "無期限", None),
    # Whole numbers with the unit people write after them.
    ("licences", "quantity", "5本", 5),
    ("licences", "quantity", "1,000本", 1000),
    ("licences", "quantity", "2ライセンス", 2),
    ("licences", "quantity", "10 users", 10),
    ("licences", "quantity", "１０ライセンス", 10),
    ("licences", "quantity", "7世代", 7),  # a unit that contradicts the column is not checked
    ("backups", "generations", "7世代", 7),
    ("vdi", "seats_in_use", "3台", 3),
    ("servers", "cores", "8コア", 8),
    ("servers", "cores", "4 vCPU", 4),
    ("drills", "participants", "42名", 42),
    ("units", "sort_order", "10", 10),
    # Sizes in GB and hours: the other units converted.
    ("servers", "memory", "16GB", 16),
    ("servers", "memory", "１６ ＧＢ", 16),
    ("servers", "storage", "2TB", 2048),
    ("servers", "storage", "500", 500),
    ("bcp", "rto_hours", "24時間", 24),
    ("bcp", "rto_hours", "3日", 72),
    ("bcp", "rpo_hours", "1週間", 168),
    ("bcp", "rpo_hours", "24h", 24),
    # Amounts and fiscal years, as the doc promises.
    ("costs", "amount", "¥1,234,000", 1_234_000),
    ("costs", "amount", "123.4万円", 1_234_000),
    ("costs", "amount_thousand_yen", "1,234.5", 1_234_500),
    ("costs", "fiscal_year", "令和元年度", 2019),
    ("costs", "fiscal_year", "H26", 2014),
    ("costs", "fiscal_year", "FY2014", 2014),
    # Yes/no.
    ("systems", "personal_data", "○", True),
    ("systems", "personal_data", "済", True),
    ("systems", "personal_data", "×", False),
    ("systems", "personal_data", "-", False),
    # Status of a system.
    ("systems", "status", "稼働中", "operating"),
    ("systems", "status", "運用中", "operating"),
    ("systems", "status", "本番稼働", "operating"),
    ("systems", "status", "本番 稼働", "operating"),
    ("systems", "status", "稼動中", "operating"),
    ("systems", "status", "廃止予定", "operating"),
    ("systems", "status", "開発中", "development"),
    ("systems", "status", "構築中", "development"),
    ("systems", "status", "計画中", "planning"),
    ("systems", "status", "廃止", "retired"),
    ("systems", "status", "廃止済", "retired"),
    ("systems", "status", "停止", "retired"),
    ("systems", "status", "operating", "operating"),
    ("systems", "status", "In operation", "operating"),
    # Where a system runs, who uses it.
    ("systems", "hosting", "オンプレ", "on_premises"),
    ("systems", "hosting", "仮想化共通基盤", "virtualized"),
    ("systems", "hosting", "ＳａａＳ", "cloud"),
    ("systems", "hosting", "ガバクラ", "gov_cloud"),
    ("systems", "hosting", "自治体クラウド", "shared_use"),
    ("systems", "users", "職員のみ", "staff"),
    ("systems", "users", "市民", "residents"),
    ("systems", "standard_business", "住民記録", "juki"),
    ("systems", "standard_business", "国保", "kokuho"),
    ("systems", "confidentiality", "機密性Ⅱ", "2"),
    # Cost basis and category.
    ("costs", "basis", "予算", "budget"),
    ("costs", "basis", "当初予算", "budget"),
    ("costs", "basis", "補正後予算", "budget"),
    ("costs", "basis", "決算", "actual"),
    ("costs", "basis", "決算額", "actual"),
    ("costs", "basis", "実績", "actual"),
    ("costs", "basis", "決算見込", "actual"),
    ("costs", "basis", "決算見込み額", "actual"),
    ("costs", "category", "整備経費", "initial"),
    ("costs", "category", "初期費用", "initial"),
    ("costs", "category", "イニシャル", "initial"),
    ("costs", "category", "運用等経費", "operation"),
    ("costs", "category", "運用経費", "operation"),
    ("costs", "category", "ランニング", "operation"),
    ("costs", "category", "保守", "operation"),
    # Backup frequency and the rest of the backup configuration.
    ("backups", "frequency", "毎日", "daily"),
    ("backups", "frequency", "日次", "daily"),
    ("backups", "frequency", "1日1回", "daily"),
    ("backups", "frequency", "毎週", "weekly"),
    ("backups", "frequency", "週次", "weekly"),
    ("backups", "frequency", "毎月", "monthly"),
    ("backups", "frequency", "月次", "monthly"),
    ("backups", "frequency", "毎時", "hourly"),
    ("backups", "frequency", "リアルタイム", "hourly"),
    ("backups", "method", "フルバックアップ", "full"),
    ("backups", "copy_location", "遠隔地保管", "off_site"),
    ("restore_tests", "result", "正常", "success"),
    # Other kinds' choices, with the words that used to be literals in code.
    ("servers", "kind", "物理", "physical"),
    ("servers", "kind", "VM", "vm"),
    ("devices", "type", "ノートパソコン", "laptop"),
    ("devices", "status", "稼働", "in_use"),
    ("licences", "metric", "台", "device"),
    ("licences", "type", "プレインストール", "oem"),
    ("contracts", "kind", "リース", "lease"),
    ("contracts", "green", "適合", "yes"),
    ("contracts", "green", "対象外", "na"),
    ("incidents", "status", "解決済", "closed"),
    ("consultations", "channel", "メール", "email"),
    ("units", "kind", "課", "section"),
]


@pytest.mark.parametrize(("kind", "column", "typed", "stored"), TYPED)
def test_what_people_type_is_stored_as(db, kind, column, typed, stored):
    assert read(kind, column, typed) == stored


# (kind, column, what people type, the message a Japanese user reads)
REFUSED = [
    (
        "systems",
        "in_service_from",
        "平成31年5月7日",
        "存在しない日付です: 平成31年5月7日（平成は2019年4月30日まで）",
    ),
    (
        "systems",
        "in_service_from",
        "平成31年5月",
        "存在しない日付です: 平成31年5月（平成は2019年4月30日まで）",
    ),
    (
        "systems",
        "in_service_from",
        "令和元年4月1日",
        "存在しない日付です: 令和元年4月1日（令和は2019年5月1日から）",
    ),
    (
        "systems",
        "in_service_from",
        "昭和64年1月8日",
        "存在しない日付です: 昭和64年1月8日（昭和は1989年1月7日まで）",
    ),
    (
        "systems",
        "in_service_from",
        "2014年2月30日",
        "存在しない日付です: 2014年2月30日（2014年2月は28日まで）",
    ),
    (
        "systems",
        "in_service_from",
        "H28.2.30",
        "存在しない日付です: H28.2.30（2016年2月は29日まで）",
    ),
    (
        "licences",
        "valid_until",
        "2014/4/31 0:00",
        "存在しない日付です: 2014/4/31 0:00（2014年4月は30日まで）",
    ),
    ("systems", "in_service_from", "2014/13", "存在しない日付です: 2014/13（月は1〜12）"),
    (
        "systems",
        "in_service_from",
        "H0.4.1",
        "存在しない日付です: H0.4.1（和暦の年は元年（1年）から）",
    ),
    ("systems", "in_service_from", "H26", "日付として読み取れません: H26"),
    # An ordinary date refuses what only an open end date may say.
    (
        "systems",
        "in_service_from",
        "無期限",
        "無期限: この列には日付を入力してください。無期限と書けるのは",
    ),
    ("contracts", "end_on", "無期限", "無期限: この列には日付を入力してください。"),
    ("licences", "valid_from", "なし", "なし: この列には日付を入力してください。"),
    # Numbers that are not whole, or multiplied.
    ("licences", "quantity", "1万本", "整数ではありません: 1万本"),
    ("licences", "quantity", "1.5", "整数ではありません: 1.5"),
    ("licences", "quantity", "5k", "整数ではありません: 5k"),
    ("servers", "memory", "512MB", "GB単位の容量として読み取れません: 512MB"),
    ("bcp", "rto_hours", "30分", "時間数として読み取れません: 30分"),
    # A word that names no one value.
    (
        "backups",
        "frequency",
        "随時",
        "選択肢にない値です: 随時（毎時以上、日次、週次、月次 のいずれか）",
    ),
    ("costs", "basis", "補正予算", "選択肢にない値です: 補正予算（予算、決算 のいずれか）"),
]


@pytest.mark.parametrize(("kind", "column", "typed", "message"), REFUSED)
def test_what_cannot_be_stored_says_why(db, kind, column, typed, message):
    with translation.override("ja"), pytest.raises(v.CellError) as excinfo:
        read(kind, column, typed)
    assert str(excinfo.value).startswith(message)


def test_the_reason_reads_in_english_too(db):
    with translation.override("en"), pytest.raises(v.CellError) as excinfo:
        read("systems", "in_service_from", "平成31年5月7日")
    assert str(excinfo.value) == "No such date: 平成31年5月7日 (平成 ended on April 30, 2019)."
    with translation.override("en"), pytest.raises(v.CellError) as excinfo:
        read("systems", "in_service_from", "2015/2/29")
    assert str(excinfo.value) == "No such date: 2015/2/29 (February 2015 has 28 days)."


def test_a_date_typed_in_a_form_says_why_too(db):
    from django import forms

    from daicho.core.forms import WarekiDateField

    with translation.override("ja"), pytest.raises(forms.ValidationError) as excinfo:
        WarekiDateField().clean("平成31年5月7日")
    assert excinfo.value.messages == [
        "存在しない日付です: 平成31年5月7日（平成は2019年4月30日まで）"
    ]
    assert WarekiDateField().clean("平成26年4月") == D(2014, 4, 1)


# --- the synonym tables ---------------------------------------------------------------------


def choice_fields():
    return [
        (kind, f)
        for kind in engine.kinds().values()
        for f in kind.fields
        if getattr(f.parse, "choices", None)
    ]


def test_every_choice_column_reads_its_own_table_and_every_table_is_read(db):
    keys = {f.parse.synonyms for _kind, f in choice_fields()}
    assert keys == {f"{kind.name}.{f.name}" for kind, f in choice_fields()}
    tables = {f"{kind}.{column}" for kind, cols in v.choice_synonyms().items() for column in cols}
    assert tables <= keys, tables - keys  # a table under a misspelt kind or column is read by none


def test_every_word_of_every_table_reads_as_the_value_it_names(db):
    for _kind, f in choice_fields():
        for word, value in f.parse.synonym_table().items():
            assert f.parse(word) == value, (f.parse.synonyms, word)
            assert f.parse(f" {word.upper()} ") == value, (f.parse.synonyms, word)


def test_a_table_naming_no_choice_or_another_label_is_refused_at_once():
    choices = [("daily", "日次"), ("weekly", "週次")]
    with pytest.raises(ImproperlyConfigured, match="毎日"):
        v.choice(choices, {"毎日": "every day"})("毎日")
    with pytest.raises(ImproperlyConfigured, match="日次"):
        v.choice(choices, {"日次": "weekly"})("weekly!")


def test_the_doc_lists_what_the_code_reads():
    """docs/import-values.md is `daicho columns --values`: regenerate it when a table changes."""
    doc = (ROOT / "docs" / "import-values.md").read_text(encoding="utf-8")
    assert doc == values_markdown()
    assert "| `operating` | 運用中 | In operation | " in doc and "稼働中" in doc
    assert "決算見込" in doc.split("### `costs` 予算決算")[1].split("###")[0]


# --- end to end: files as Excel saves them ----------------------------------------------------

SYSTEMS_CP932 = """システムID,システム名,所管部局,所管課,状態,稼働開始日,廃止日,稼働環境,利用者,個人情報,標準化対象業務
S0100,河川情報システム,土木部,河川課,稼働中,平成26年4月,,仮想化共通基盤,職員のみ,なし,
S0101,住民記録システム,市民生活部,市民課,本番稼働,2014/04/01 0:00,,ガバクラ,職員・住民,○,住民記録
S0102,旧財務会計システム,総務部,財政課,廃止済,H20.4,R1.5,オンプレ,職員,あり,
S0103,電子申請システム,総務部,情報政策課,構築中,,,ＳａａＳ,市民,×,
S0104,文書管理システム,総務部,情報政策課,廃止予定,2014/4/1 9:30,-,庁内,,,
"""

COSTS_CP932 = """システムID,年度,予算決算,経費区分,費目,金額（千円）,備考
S0001,平成26年度,当初予算,運用等経費,委託料,"10,500",
S0001,H27,補正後予算,ランニング,委託料,"9,800",
S0001,H27,決算見込,保守,委託料,"9,750",
S0002,令和元年度,決算額,イニシャル,委託料,"1,234",
S0002,R2,実績,初期費用,委託料,"2,000",
"""


def test_a_system_ledger_and_its_costs_in_the_words_people_use(world, capsys, tmp_path):
    code, out, err = run(
        capsys, "import", "systems", write(tmp_path, "台帳.csv", SYSTEMS_CP932), "--org", "330001"
    )
    assert code == 0, err
    systems = {
        s.code: (s.status, s.in_service_on, s.retired_on, s.hosting, s.users, s.personal_data)
        for s in InformationSystem.objects.filter(organisation=world.org, code__gte="S0100")
    }
    assert systems == {
        "S0100": ("operating", D(2014, 4, 1), None, "virtualized", "staff", False),
        "S0101": ("operating", D(2014, 4, 1), None, "gov_cloud", "both", True),
        "S0102": ("retired", D(2008, 4, 1), D(2019, 5, 1), "on_premises", "staff", True),
        "S0103": ("development", None, None, "cloud", "residents", False),
        "S0104": ("operating", D(2014, 4, 1), None, "on_premises", "staff", False),  # the default
    }
    assert InformationSystem.objects.get(code="S0101").standard_business == "juki"

    code, out, err = run(
        capsys, "import", "costs", write(tmp_path, "経費.csv", COSTS_CP932), "--org", "330001"
    )
    assert code == 0, err
    lines = {
        (c.system.code, c.fiscal_year, c.basis, c.category): c.amount
        for c in CostLine.objects.filter(system__organisation=world.org)
    }
    assert lines == {
        ("S0001", 2013, "budget", "operation"): 12_000_000,  # the world's, untouched
        ("S0001", 2014, "budget", "operation"): 10_500_000,
        ("S0001", 2015, "budget", "operation"): 9_800_000,
        ("S0001", 2015, "actual", "operation"): 9_750_000,
        ("S0002", 2019, "actual", "initial"): 1_234_000,
        ("S0002", 2020, "actual", "initial"): 2_000_000,
    }

    # The same files again change nothing: the words read the same way every time.
    for kind, name, text in (
        ("systems", "台帳.csv", SYSTEMS_CP932),
        ("costs", "経費.csv", COSTS_CP932),
    ):
        code, out, err = run(
            capsys, "import", kind, write(tmp_path, name, text), "--org", "330001", "--json"
        )
        assert code == 0, err
        result = json.loads(out)
        assert (result["created"], result["updated"], result["rejected"]) == (0, 0, 0), kind


def test_an_impossible_date_is_refused_with_its_reason_on_its_row(world, capsys, tmp_path):
    text = SYSTEMS_CP932 + "S0105,新システム,総務部,情報政策課,稼働中,平成31年5月7日,,,,,\n"
    code, _out, err = run(
        capsys, "import", "systems", write(tmp_path, "台帳.csv", text), "--org", "330001"
    )
    assert code == 1
    assert "7行目" in err and "平成は2019年4月30日まで" in err
    assert not InformationSystem.objects.filter(code__gte="S0100").exists()


LICENCES_CP932 = """ソフトウェア名,単位,数量,種別,開始日,有効期限,証書番号
一太郎,台,30本,パッケージ,H26.4,無期限,JS-1
ウイルスバスター,端末,"1,000ライセンス",サブスク,2024/4/1 0:00,R7.3,TM-2024
"""


def test_licences_open_ended_and_counted_in_their_own_words(world, capsys, tmp_path):
    from daicho.sam.models import Licence

    code, _out, err = run(
        capsys, "import", "licences", write(tmp_path, "l.csv", LICENCES_CP932), "--org", "330001"
    )
    assert code == 0, err
    licences = {
        li.certificate: (li.metric, li.quantity, li.type, li.valid_from, li.valid_until)
        for li in Licence.objects.all()
    }
    assert licences == {
        "JS-1": ("device", 30, "package", D(2014, 4, 1), None),
        "TM-2024": ("device", 1000, "subscription", D(2024, 4, 1), D(2025, 3, 1)),
    }
