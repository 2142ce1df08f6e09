"""Demo knowledge base of 岡山県: the know-how the plan (3.5.2) wants kept through personnel
transfers — procurement guideline points, FAQ, system notes — and who read it. Idempotent."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core import audit
from daicho.core.audit import Channel
from daicho.core.models import Organisation, User
from daicho.knowledge import services
from daicho.knowledge.models import Article, ArticleView
from daicho.registry.models import InformationSystem

ARTICLES = [
    {
        "kind": "article",
        "title": "情報システム調達ガイドラインの要点",
        "author": "policy",
        "created": "2013-05-10",
        "tags": ["調達", "ガイドライン"],
        "systems": [],
        "body": """# 調達ガイドラインの要点

平成21年2月に策定した「岡山県情報システム調達ガイドライン」のうち、所管課からの相談が多い点をまとめます。

## 企画段階
- 導入目的と**期待される効果**（業務時間の削減、県民サービスの向上）を数値で示す
- クラウドサービス・既存システム・共同利用の活用を先に検討する
- 業務の見直し（BPR）を行ってからシステム化する

## 予算要求段階
- 複数事業者から参考見積を取り、**整備経費と運用等経費を分けて**積算する
- 過年度の実績、類似システムの経費と比較する

## 調達・契約段階
| 項目 | 確認内容 |
|---|---|
| 調達方式 | 一般競争入札またはプロポーザル。随意契約は理由を記録 |
| セキュリティ | 仕様書にセキュリティ要件を明記 |
| サポート期間 | 提案製品のサポートが契約期間中続くこと |
""",
    },
    {
        "kind": "faq",
        "title": "予算要求で情報政策課への協議が必要な経費は？",
        "author": "policy2",
        "created": "2013-09-02",
        "tags": ["予算要求", "FAQ"],
        "systems": [],
        "body": """**情報システムの開発・導入、既存システムの変更、保守・運用**に関する経費は、
すべて協議の対象です（平成21年度予算編成方針）。

パソコン等の機器更新のみの場合も、台数と仕様を添えて協議してください。協議は台帳の「案件」から予算要求ゲートに提出します。""",
    },
    {
        "kind": "faq",
        "title": "クラウドサービス契約で確認すべき事項は？",
        "author": "policy",
        "created": "2014-01-20",
        "tags": ["クラウド", "契約", "FAQ"],
        "systems": ["S0009", "S0011"],
        "body": """次の事項を契約書または利用規約で確認してください。

1. データの保管場所（国内法の適用）
2. **契約終了時のデータ返却・消去**と、次の事業者への移行支援
3. 障害時の連絡体制と稼働率の保証（SLA）
4. 個人情報を扱う場合の再委託の制限""",
    },
    {
        "kind": "article",
        "title": "サーバ仮想化基盤の更新（平成27年度）に向けた検討メモ",
        "author": "policy3",
        "created": "2014-06-16",
        "tags": ["仮想化", "基盤"],
        "systems": ["S0008"],
        "body": """# 仮想化基盤の更新

現行の仮想化基盤（平成21年4月稼働）は平成27年度に保守期限を迎えます。

- 搭載システム数は74（平成26年3月現在）
- 更新時に**ガバメントクラウド**や民間クラウドへの移行可否も比較する
- 移行リハーサルは所管課の繁忙期（予算要求期、年度末）を避ける""",
    },
    {
        "kind": "article",
        "title": "仮想化基盤へのシステム移行手順",
        "author": "policy3",
        "created": "2013-11-05",
        "tags": ["仮想化", "手順"],
        "systems": ["S0008"],
        "body": """1. 所管課と移行対象サーバの構成を確認する
2. 仮想マシンのサイズ（CPU・メモリ・ディスク）を見積もる
3. バックアップを取得し、移行リハーサルを行う
4. 本番移行後、台帳の稼働環境を「仮想化基盤」に更新する""",
    },
    {
        "kind": "article",
        "title": "見積書の妥当性を確認するポイント",
        "author": "policy2",
        "created": "2013-07-22",
        "tags": ["見積", "予算要求", "調達"],
        "systems": [],
        "body": """- 作業項目ごとの**工数と単価**が示されているか
- 保守費が機器価格の何％か（一般に10〜15％程度）
- 前年度と同じ作業が重複して計上されていないか
- 複数者の見積で作業範囲がそろっているか""",
    },
    {
        "kind": "faq",
        "title": "随意契約にできるのはどんな場合？",
        "author": "policy",
        "created": "2014-02-12",
        "tags": ["調達", "契約", "FAQ"],
        "systems": [],
        "body": """地方自治法施行令第167条の2に該当する場合に限られます。

例: 既存システムの改修で、著作権等の理由により他の事業者が対応できない場合。

**理由は案件の調達ゲートで必ず記録**してください。""",
    },
    {
        "kind": "article",
        "title": "保守契約の見直しで経費を削減した事例（税務システム）",
        "author": "owner",
        "created": "2014-11-28",
        "tags": ["経費削減", "保守", "事例"],
        "systems": ["S0023"],
        "body": """汎用機から再構築した税務システムの保守契約について、
情報政策課と作業項目を精査しました。

- 障害対応の待機体制を平日日中に限定
- 帳票印刷を庁内の共通基盤に移行

これにより運用等経費を年間約**1,200万円**削減しました。""",
    },
    {
        "kind": "article",
        "title": "統合認証・アップデートシステムへの端末参加手順",
        "author": "policy2",
        "created": "2014-04-08",
        "tags": ["セキュリティ", "手順", "端末"],
        "systems": ["S0005"],
        "body": """新しい端末をドメインに参加させる手順です。

1. 端末名を命名規則（所属コード＋連番）で設定する
2. 情報政策課に参加申請を出す
3. 再起動後、修正プログラムが自動で適用されることを確認する""",
    },
    {
        "kind": "article",
        "title": "ICT-BCP策定の進め方",
        "author": "policy",
        "created": "2014-08-19",
        "tags": ["BCP", "セキュリティ"],
        "systems": [],
        "body": """# ICT-BCPの策定

1. 非常時優先業務と、それを支えるシステムを洗い出す
2. 目標復旧時間（RTO）と目標復旧時点（RPO）を決める
3. バックアップの保管場所と復旧手順を定める
4. 年1回以上の訓練で手順を確認し、見直す""",
    },
    {
        "kind": "faq",
        "title": "グリーン購入の基準を満たす機器か確認するには？",
        "author": "policy3",
        "created": "2014-05-30",
        "tags": ["グリーン調達", "FAQ", "端末"],
        "systems": [],
        "body": """国の「環境物品等の調達の推進に関する基本方針」の判断の基準を確認し、
仕様書に記載してください。

案件の調達ゲートでは「グリーン購入」欄に**適合／不適合／対象外（役務のみ）**を記録します。この記録が評価指標「グリーン調達の達成率」になります。""",
    },
    {
        "kind": "article",
        "title": "共有ファイルサーバの容量管理",
        "author": "policy3",
        "created": "2015-01-14",
        "tags": ["ファイルサーバ", "運用"],
        "systems": ["S0004"],
        "body": """- 所属ごとの割当容量は毎年4月に見直す
- 使用率が80％を超えた所属には整理を依頼する
- 平成26年度に容量を増設（案件 P2014-001）""",
    },
    {
        "kind": "article",
        "title": "ソフトウェア棚卸（SAM）の手順",
        "author": "policy2",
        "created": "2014-09-03",
        "tags": ["SAM", "ライセンス", "手順"],
        "systems": ["S0007"],
        "body": """1. SAMシステムからインストール一覧を出力する
2. 各所属のセキュリティ担当者が保有ライセンスと照合する
3. 差異があれば理由を記入し、情報政策課へ報告する""",
    },
]

READERS = ["policy", "policy2", "policy3", "owner", "viewer"]  # the IT policy division first
FIRST_YEAR, LAST_YEAR = 2013, 2016  # the plan's years (and the one before) the indicator reads


def fiscal_year(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def load(*, stdout=None) -> None:
    """The demo knowledge base (once), and a few years of reading by the IT policy division."""
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None or Article.objects.filter(organisation=organisation).exists():
        return
    systems = {s.code: s for s in InformationSystem.objects.filter(organisation=organisation)}
    users = {u.username: u for u in User.objects.filter(username__in=READERS)}
    articles = []
    for row in ARTICLES:
        author = users.get(row["author"])
        with audit.audit_context(actor=author, channel=Channel.WEB):
            article = services.article_create(
                organisation=organisation,
                title=row["title"],
                body=row["body"],
                kind=row["kind"],
                tags=row["tags"],
                systems=[systems[c] for c in row["systems"] if c in systems],
            )
        created = timezone.make_aware(
            datetime.datetime.combine(
                datetime.date.fromisoformat(row["created"]), datetime.time(10)
            )
        )
        # The articles were written over the years; the demo dates them so.
        Article.objects.filter(pk=article.pk).update(created_at=created, updated_at=created)
        articles.append((article, created.date()))
    rng = random.Random("knowledge-views")
    views = []
    for username in READERS:
        user = users.get(username)
        if user is None:
            continue
        for article, created in articles:
            days = {created + datetime.timedelta(days=rng.randint(0, 600)) for _ in range(3)}
            views += [
                ArticleView(article=article, user=user, viewed_on=day, count=rng.randint(1, 3))
                for day in sorted(days)
                if day <= timezone.localdate() and rng.random() < 0.6
            ]
    # Every member of the IT policy division uses the knowledge base every year, as the plan asks
    # (3.5.2: 活用率 100 %): whoever the draw above left out of a year reads its newest article.
    for username in READERS[:3]:
        user = users.get(username)
        read = {fiscal_year(v.viewed_on) for v in views if v.user is user}
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            written = [(a, c) for a, c in articles if c <= datetime.date(year + 1, 2, 28)]
            if user is None or year in read or not written:
                continue
            article, created = max(written, key=lambda pair: pair[1])
            day = max(created, datetime.date(year, 4, 1)) + datetime.timedelta(days=30)
            views.append(ArticleView(article=article, user=user, viewed_on=day, count=1))
    ArticleView.objects.bulk_create(views, ignore_conflicts=True)
    if stdout is not None:
        stdout.write(_("Knowledge base: %(articles)d articles.") % {"articles": len(ARTICLES)})
