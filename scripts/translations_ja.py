"""Japanese catalogue for Daicho: the translations, and a tool that applies them.

Run from anywhere:

    .venv/bin/python scripts/translations_ja.py

It runs ``makemessages -l ja --no-location --no-obsolete`` in the ``daicho`` package,
fills daicho/locale/ja/LC_MESSAGES/django.po from TRANSLATIONS below, lists every msgid
that has no translation yet, and compiles the catalogue (``compilemessages -l ja``).

To add strings: run the script, copy the msgids it lists as missing into TRANSLATIONS,
translate them, and run it again. Translations already in the .po file but not in
TRANSLATIONS are kept (and listed, so they can be moved here); guesses that msgmerge
marks ``#, fuzzy`` are discarded and the entry is listed as missing.

Plural entries (``ngettext`` / ``{% blocktranslate count %}``) are keyed by the singular
msgid; Japanese has a single plural form, so the value is one string.

Vocabulary follows the usage of Japanese local-government IT administration
(情報政策課, 所管課, 標準化対象業務, 整備経費/運用等経費, 予算/決算, …).
The exit status is 1 when translations are missing or placeholders do not match.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "daicho"
PO_PATH = PACKAGE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MANAGE = ROOT / ".venv" / "bin" / "daicho"

HEADER = {
    "Project-Id-Version": "Daicho",
    "Language-Team": "Japanese",
    "Language": "ja",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}

# fmt: off
TRANSLATIONS: dict[str, str] = {
    # --- API / common errors ------------------------------------------------------------
    "The data is not valid.": "データの内容が正しくありません。",
    "The request is not valid.": "リクエストの内容が正しくありません。",
    "You do not have permission to do this.": "この操作を行う権限がありません。",
    "Not found.": "見つかりません。",
    "Authentication required: send Authorization: Bearer TOKEN.":
        "認証が必要です。Authorization: Bearer TOKEN ヘッダーを付けて送信してください。",
    # --- apps -----------------------------------------------------------------------------
    "Core": "共通機能",
    "Registry": "台帳管理",
    # --- audit channels and actions -------------------------------------------------------
    "Web": "Web",
    "API": "API",
    "CLI": "CLI",
    "Import": "インポート",
    "System": "システム",
    "Created": "登録",
    "Updated": "更新",
    "Deleted": "削除",
    # --- filters / forms (core) -----------------------------------------------------------
    "Search": "検索",
    "Code": "コード",
    "Parent unit": "上位組織",
    "Not a date: %(value)s (write 2014-04-01, 平成26年4月1日 or H26.4.1).":
        "日付として読み取れません: %(value)s"
        "（2014-04-01、平成26年4月1日、H26.4.1 のように入力してください）。",
    "Not an amount in yen: %(value)s": "円単位の金額として読み取れません: %(value)s",
    "Not a fiscal year: %(value)s (write 2014, 平成26年度 or FY2014).":
        "年度として読み取れません: %(value)s"
        "（2014、平成26年度、FY2014 のように入力してください）。",
    "Name": "名称",
    "Kind": "種別",
    "Sort order": "表示順",
    "Note": "備考",
    "File": "ファイル",
    "Description": "説明",
    "Name of the view": "検索条件の名前",
    "Share with the organisation": "団体内で共有する",
    # --- command line ---------------------------------------------------------------------
    "Unknown kind %(kind)s; choose one of: %(kinds)s":
        "種類 %(kind)s は指定できません。次のいずれかを指定してください: %(kinds)s",
    "XLSX is binary: give a file with -o.":
        "XLSX はバイナリ形式のため、-o で出力先のファイルを指定してください。",
    "No user %(name)s.": "ユーザー %(name)s は登録されていません。",
    "Cannot write %(file)s: %(reason)s": "%(file)s に書き込めません: %(reason)s",
    "Wrote %(file)s.": "%(file)s に出力しました。",
    "User %(name)s already exists.": "ユーザー %(name)s は既に登録されています。",
    "IT policy division": "情報政策課",
    "Organisation: %(name)s": "団体: %(name)s",
    "Administrator: %(user)s": "管理者: %(user)s",
    "Password (shown once): %(password)s": "パスワード（この一度だけ表示します）: %(password)s",
    "Daicho is serving on %(url)s (Ctrl+C to stop)":
        "台帳を %(url)s で公開しています（Ctrl+C で停止します）",
    "No token with prefix %(p)s.": "接頭辞が %(p)s のトークンはありません。",
    "Revoked.": "トークンを失効させました。",
    "User %(user)s: %(role)s in %(where)s": "ユーザー %(user)s: %(where)s の%(role)s",
    "Name the organisation with --org (code or name).":
        "--org で団体を指定してください（コードまたは名称）。",
    "No such organisation; run `daicho init` first.":
        "該当する団体がありません。先に `daicho init` を実行してください。",
    "No single unit with code or name %(unit)s.":
        "コードまたは名称が %(unit)s の組織を1つに特定できません。",
    # --- roles ----------------------------------------------------------------------------
    "System owner section": "システム所管課",
    "SAM officer": "SAM担当者（セキュリティ担当者）",
    "Viewer": "閲覧者",
    "Auditor": "監査担当",
    # --- core models ----------------------------------------------------------------------
    "user": "ユーザー",
    "users": "ユーザー",
    "Prefecture": "都道府県",
    "Municipality": "市区町村",
    "Agency": "一部事務組合等",
    "name": "名称",
    "local government code": "地方公共団体コード",
    "全国地方公共団体コード, six digits with the check digit (e.g. 330001).":
        "全国地方公共団体コード（検査数字を含む6桁。例: 330001）。",
    "kind": "種別",
    "cost base fiscal year": "経費削減の基準年度",
    "The fiscal year that cost reductions are measured against.":
        "経費の削減率を算出する際の基準となる年度です。",
    "created at": "登録日時",
    "organisation": "団体",
    "organisations": "団体",
    "Department": "部局",
    "Section": "課室・所属",
    "Branch office": "出先機関",
    "Other": "その他",
    "parent unit": "上位組織",
    "code": "コード",
    "sort order": "表示順",
    "active": "有効",
    "department": "部局",
    "unit": "組織",
    "units": "組織",
    "role": "役割",
    "membership": "所属",
    "memberships": "所属",
    "time": "日時",
    "actor": "操作者",
    "channel": "経路",
    "action": "操作",
    "object": "対象",
    "before": "変更前",
    "after": "変更後",
    "request or batch id": "リクエストID・バッチID",
    "message": "メッセージ",
    "audit event": "監査イベント",
    "audit events": "監査イベント",
    "Information": "情報",
    "Decision": "決定事項",
    "Warning": "注意",
    "Incident": "インシデント",
    "note": "メモ",
    "journal note": "メモ",
    "journal notes": "メモ",
    "file": "ファイル",
    "file name": "ファイル名",
    "size": "サイズ",
    "description": "説明",
    "uploaded at": "アップロード日時",
    "attachment": "添付資料",
    "attachments": "添付資料",
    "filter": "絞り込み条件",
    "shared with the organisation": "団体内で共有",
    "saved view": "保存した検索条件",
    "saved views": "保存した検索条件",
    "expires at": "有効期限",
    "API token": "APIトークン",
    "API tokens": "APIトークン",
    "The parent unit belongs to another organisation.": "上位組織が別の団体に属しています。",
    "A unit cannot be placed below itself.": "組織をその組織自身の下位に置くことはできません。",
    "A user with this name already exists.": "このユーザー名は既に使用されています。",
    "This role needs a unit.": "この役割には所属する組織の指定が必要です。",
    "The unit belongs to another organisation.": "この組織は別の団体に属しています。",
    "Write the note first.": "メモの内容を入力してください。",
    "The file is too large (%(size)s MB; the limit is %(limit)s MB).":
        "ファイルが大きすぎます（%(size)s MB。上限は %(limit)s MB です）。",
    "This type of file cannot be attached: %(name)s":
        "この種類のファイルは添付できません: %(name)s",
    "Give the view a name.": "検索条件の名前を入力してください。",
    # --- audit log ------------------------------------------------------------------------
    "last state kept": "削除前の内容を記録済み",
    "Audit log": "監査ログ（操作履歴）",
    "Actor": "操作者",
    "Object": "対象",
    "Channel": "経路",
    "Changes": "変更内容",
    # --- generic views and templates ------------------------------------------------------
    "Filter": "絞り込み",
    "Home": "ホーム",
    "IT ledger": "情報システム台帳",
    "You are not a member of any organisation yet. Ask the IT policy division to add you.":
        "まだどの団体にも所属していません。情報政策課に登録を依頼してください。",
    "Delete": "削除",
    "Delete %(model_name)s": "%(model_name)sの削除",
    "Delete “%(object)s”? The deletion is recorded in the audit log.":
        "「%(object)s」を削除しますか？削除の記録は監査ログに残ります。",
    "Cancel": "キャンセル",
    "New %(model_name)s": "%(model_name)sの新規登録",
    "Edit %(model_name)s": "%(model_name)sの編集",
    "Save": "保存",
    "%(counter)s record": "%(counter)s件",
    "Export": "出力",
    "Add": "新規登録",
    "Saved views": "保存した検索条件",
    "Clear": "クリア",
    "Columns": "表示列",
    "Rows per page": "表示件数",
    "Apply": "適用",
    "Save this view": "検索条件を保存",
    "Selected": "選択中",
    "Units": "組織",
    "Systems": "情報システム",
    "Edit": "編集",
    "You may read this record but not change it.":
        "この記録は閲覧のみ可能です。変更する権限はありません。",
    "Saved: %(obj)s": "保存しました: %(obj)s",
    "Deleted: %(obj)s": "削除しました: %(obj)s",
    "Note added.": "メモを追加しました。",
    "File attached.": "添付資料を登録しました。",
    "Attachment deleted.": "添付資料を削除しました。",
    "View saved.": "検索条件を保存しました。",
    "View deleted.": "保存した検索条件を削除しました。",
    "You are not a member of any organisation.": "どの団体にも所属していません。",
    # --- imports / lookups ----------------------------------------------------------------
    "No unit with code %(code)s.": "コード %(code)s の組織はありません。",
    "No vendor with ID %(code)s.": "事業者ID %(code)s の事業者はありません。",
    "No cost item %(code)s.": "費目 %(code)s はありません。",
    "Unknown system IDs: %(codes)s": "登録されていないシステムIDです: %(codes)s",
    "No system with ID %(code)s.": "システムID %(code)s の情報システムはありません。",
    # --- demo data ------------------------------------------------------------------------
    " (planned to go live on %(date)s)": "（%(date)s 稼働予定）",
    "Demo organisation %(name)s: %(systems)d systems, %(lines)d new cost lines.":
        "デモ団体 %(name)s: 情報システム %(systems)d件、新たな経費明細 %(lines)d件を登録しました。",
    "Log in at http://127.0.0.1:8000/ as one of these users (password: %(password)s):":
        "http://127.0.0.1:8000/ に次のいずれかのユーザーでログインしてください"
        "（パスワード: %(password)s）:",
    # --- export columns and filters (registry) --------------------------------------------
    "System ID": "システムID",
    "Owner section code": "所管課コード",
    "Owner section": "所管課",
    "Status": "状態",
    "In service since": "稼働開始日",
    "Retired on": "廃止日",
    "Hosting": "稼働環境",
    "Confidentiality": "機密性",
    "Integrity": "完全性",
    "Availability": "可用性",
    "Users": "利用者",
    "Personal data": "個人情報",
    "Individual number": "個人番号",
    "Standardisation business area": "標準化対象業務",
    "SSO integrated": "統合認証（SSO）連携",
    "Fiscal year": "年度",
    "Basis": "予算・決算",
    "Category": "経費区分",
    "Cost item": "費目",
    "Amount (yen)": "金額（円）",
    "Parent unit code": "上位組織コード",
    "Vendor ID": "事業者ID",
    "Corporate number": "法人番号",
    "Phone": "電話番号",
    "E-mail": "メールアドレス",
    "Contract ID": "契約ID",
    "Title": "件名",
    "System IDs": "対象システムID",
    "Start": "開始日",
    "End": "終了日",
    "Yearly amount (yen)": "年額（円）",
    "Information systems": "情報システム",
    "Costs": "経費",
    "Vendors": "事業者",
    "Contracts": "契約",
    "Yes": "あり",
    "No": "なし",
    "Order by": "並び順",
    "From fiscal year": "開始年度",
    "To fiscal year": "終了年度",
    "Vendor": "事業者",
    "In force on": "基準日（契約期間内）",
    "(unchanged)": "（変更しない）",
    # --- registry choices -----------------------------------------------------------------
    "Planning": "企画中",
    "In development": "開発中",
    "In operation": "運用中",
    "Retired": "廃止",
    "On premises": "オンプレミス",
    "Virtualization platform": "仮想化基盤",
    "Cloud": "クラウド",
    "Government cloud": "ガバメントクラウド",
    "Shared use": "共同利用",
    "Confidentiality 1": "機密性1",
    "Confidentiality 2": "機密性2",
    "Confidentiality 3": "機密性3",
    "Integrity 1": "完全性1",
    "Integrity 2": "完全性2",
    "Availability 1": "可用性1",
    "Availability 2": "可用性2",
    "Staff": "職員",
    "Residents": "住民",
    "Staff and residents": "職員・住民",
    "Basic resident register": "住民基本台帳",
    "Electoral register": "選挙人名簿管理",
    "Fixed asset tax": "固定資産税",
    "Individual resident tax": "個人住民税",
    "Corporate resident tax": "法人住民税",
    "Light vehicle tax": "軽自動車税",
    "Family register": "戸籍",
    "Family register annex": "戸籍附票",
    "Seal registration": "印鑑登録",
    "School enrolment": "就学",
    "Health management": "健康管理",
    "Child rearing allowance": "児童扶養手当",
    "Public assistance": "生活保護",
    "Disability welfare": "障害者福祉",
    "Long-term care insurance": "介護保険",
    "National health insurance": "国民健康保険",
    "Late-stage elderly medical care": "後期高齢者医療",
    "National pension": "国民年金",
    "Child and child-rearing support": "子ども・子育て支援",
    "Child allowance": "児童手当",
    "Development": "開発",
    "Operation and maintenance": "運用保守",
    "Lease": "賃貸借",
    "Cloud service": "クラウドサービス",
    "Network line": "回線",
    "Budget": "予算",
    "Actual": "決算",
    "Development and build": "整備経費",
    "Operation": "運用等経費",
    # --- registry models ------------------------------------------------------------------
    "Use letters, digits, '-', '_' or '.'.": "英字・数字と「-」「_」「.」だけを使ってください。",
    "system ID": "システムID",
    "owner section": "所管課",
    "status": "状態",
    "in service since": "稼働開始日",
    "retired on": "廃止日",
    "hosting": "稼働環境",
    "confidentiality": "機密性",
    "integrity": "完全性",
    "availability": "可用性",
    "personal data": "個人情報",
    "uses the individual number (My Number)": "個人番号利用",
    "standardisation business area": "標準化対象業務",
    "single sign-on integrated": "統合認証（SSO）連携",
    "updated at": "更新日時",
    "information system": "情報システム",
    "information systems": "情報システム",
    "The owner section belongs to another organisation.": "所管課が別の団体に属しています。",
    "The retirement date is before the in-service date.":
        "廃止日が稼働開始日より前になっています。",
    "Give the date the system was retired.": "廃止日を入力してください。",
    "A system that uses the individual number holds personal data.":
        "個人番号を利用する情報システムは、個人情報「あり」として登録してください。",
    "vendor ID": "事業者ID",
    "corporate number": "法人番号",
    "A corporate number has 13 digits.": "法人番号は13桁の数字で入力してください。",
    "phone": "電話番号",
    "e-mail": "メールアドレス",
    "vendor": "事業者",
    "vendors": "事業者",
    "contract ID": "契約ID",
    "title": "件名",
    "systems": "対象システム",
    "start": "開始日",
    "end": "終了日",
    "yearly amount (yen)": "年額（円）",
    "contract": "契約",
    "contracts": "契約",
    "The contract ends before it starts.": "契約の終了日が開始日より前になっています。",
    "The vendor belongs to another organisation.": "事業者が別の団体に属しています。",
    "cost item": "費目",
    "cost items": "費目",
    "system": "情報システム",
    "fiscal year": "年度",
    "basis": "予算・決算",
    "category": "経費区分",
    "amount (yen)": "金額（円）",
    "cost line": "経費明細",
    "cost lines": "経費明細",
    "The cost item belongs to another organisation.": "費目が別の団体に属しています。",
    "%(code)s is already used.": "「%(code)s」は既に使われています。",
    "This system already has a %(item)s line for that year, basis and category.":
        "この情報システムには、同じ年度・予算／決算・経費区分の「%(item)s」の経費明細が"
        "既に登録されています。",
    "Unknown system %(id)s.": "情報システム %(id)s が見つかりません。",
    "You may not edit the costs of %(system)s.": "%(system)s の経費を編集する権限がありません。",
    "This vendor still has contracts; delete or move them first.":
        "この事業者にはまだ契約が登録されています。"
        "先に契約を削除するか、別の事業者に付け替えてください。",
    # --- registry tables and templates ----------------------------------------------------
    "Classification": "格付け",
    "SSO": "SSO",
    "C": "機",
    "I": "完",
    "A": "可",
    "History": "履歴",
    "No history yet.": "履歴はまだありません。",
    "Operation costs per fiscal year": "年度別の運用等経費",
    "against %(base)s": "%(base)s比",
    "Budget (thousand yen)": "予算（千円）",
    "Actual (thousand yen)": "決算（千円）",
    "Reduction (budget)": "削減率（予算）",
    "Reduction (actual)": "削減率（決算）",
    "No costs recorded yet.": "経費はまだ登録されていません。",
    "Systems per department": "部局別の情報システム数",
    "In use or planned": "運用中・導入予定",
    "Planned": "導入予定",
    "No systems recorded yet.": "情報システムはまだ登録されていません。",
    "Total": "合計",
    "Period": "契約期間",
    "Cost entry sheet": "経費一括入力",
    "Enter or review one fiscal year's costs for many systems at once. Amounts in yen "
    "(1,234,000 / 1234千円 / △ not allowed). Empty a cell to remove the line. "
    "Only changed cells are saved, all together or not at all.":
        "複数の情報システムについて、1年度分の経費をまとめて入力・確認できます。"
        "金額は円単位で入力してください（1,234,000 や 1234千円 の形式も使えます。"
        "△（マイナス）は入力できません）。セルを空にすると、その経費明細を削除します。"
        "保存されるのは変更したセルだけで、すべてまとめて保存されるか、"
        "1つでも誤りがあれば何も保存されないかのどちらかです。",
    "Show": "表示",
    "Build, %(fy)s": "整備経費（%(fy)s）",
    "Operation, %(fy)s": "運用等経費（%(fy)s）",
    "Build": "整備経費",
    "No systems.": "情報システムはありません。",
    "Save the sheet": "一括保存",
    "Delete selected systems": "選択した情報システムの削除",
    "Delete %(counter)s system?": "%(counter)s件の情報システムを削除しますか？",
    "Their cost lines are deleted with them. Every deletion is recorded in the audit log.":
        "それぞれの経費明細もあわせて削除されます。削除の記録はすべて監査ログに残ります。",
    "Edit selected systems": "選択した情報システムの一括編集",
    "Edit %(counter)s system": "%(counter)s件の情報システムを一括編集",
    "Set these fields on every selected system; fields left “(unchanged)” keep their values.":
        "選択したすべての情報システムに、以下の項目の値を設定します。"
        "「（変更しない）」のままの項目は、現在の値がそのまま残ります。",
    "Apply to all": "一括で反映",
    "Cost lines": "経費明細",
    "No costs recorded.": "経費は登録されていません。",
    "Add a cost": "経費を登録",
    "Overview": "概要",
    "Yes,No": "あり,なし",
    "Single sign-on integrated": "統合認証（SSO）連携",
    "Yearly (thousand yen)": "年額（千円）",
    "No contracts recorded.": "契約は登録されていません。",
    "Documents": "添付資料",
    "No documents attached.": "添付資料はありません。",
    "Attach": "添付",
    "Costs per fiscal year": "年度別の経費",
    "(thousand yen)": "（千円）",
    "Operation vs previous year": "運用等経費の対前年度増減",
    "History (karte)": "カルテ（履歴）",
    "%(counter)s × %(kind)s": "%(kind)s %(counter)s件",
    "Add a note: a decision, an incident, a call with the vendor…":
        "メモを追加（決定事項、障害・インシデント、事業者とのやり取りなど）…",
    "Add note": "メモを追加",
    "Edit selected": "一括編集",
    "Delete selected": "一括削除",
    "Some of the selected systems may not be changed by you.":
        "選択した情報システムの中に、変更する権限のないものが含まれています。",
    "Select the systems first.": "先に情報システムを選択してください。",
    "Choose at least one field to change.": "変更する項目を1つ以上選んでください。",
    "Nothing was changed: %(problems)s": "何も変更されませんでした: %(problems)s",
    "%(count)d systems updated.": "%(count)d件の情報システムを更新しました。",
    "%(count)d systems deleted.": "%(count)d件の情報システムを削除しました。",
    "Cost recorded.": "経費を登録しました。",
    "An amount cannot be negative.": "金額にマイナスの値は入力できません。",
    "Nothing was saved: %(problem)s": "何も保存されませんでした: %(problem)s",
    "Saved: %(created)d added, %(updated)d changed, %(deleted)d cleared.":
        "保存しました（追加 %(created)d件、変更 %(updated)d件、削除 %(deleted)d件）。",
    "Nothing was saved: correct the highlighted cells.":
        "何も保存されませんでした。色の付いたセルを修正してください。",
    "Operation costs, budget (million yen)": "運用等経費・予算（百万円）",
    "Operation costs, actual (million yen)": "運用等経費・決算（百万円）",
    "Reduction vs FY%(year)s, budget (%%)": "%(year)s年度比 削減率（予算・%%）",
    # --- error pages, base layout, login --------------------------------------------------
    "Not allowed": "権限がありません",
    "Back to the home page": "ホームに戻る",
    "Not found": "ページが見つかりません",
    "The page or record does not exist, or you may not see it.":
        "ページまたは記録が存在しないか、閲覧する権限がありません。",
    "Daicho": "台帳",
    "Menu": "メニュー",
    "Log out": "ログアウト",
    "Close": "閉じる",
    "IT-governance ledger for public bodies": "地方公共団体のためのITガバナンス台帳",
    "Log in": "ログイン",
    "Log in to Daicho": "台帳にログイン",
    "The user name or password is not correct.": "ユーザー名またはパスワードが正しくありません。",
    "User name": "ユーザー名",
    "Password": "パスワード",
    "Select all": "すべて選択",
    "No records match.": "該当するデータはありません。",
    "Pages": "ページ",
    "previous": "前へ",
    "next": "次へ",
    "Time": "日時",
    "Action": "操作",
    'No such unit: %(name)s (a parent must exist or come earlier in the file)': '組織「%(name)s」がありません（上位組織は既に登録済みか、ファイルのより前の行にある必要があります）',
    'You may not edit units.': '組織を編集する権限がありません。',
    '--map takes “their header=column” pairs: %(part)s': '--map には「ファイルの見出し=列名」の組を指定してください: %(part)s',
    'Two columns of the file mean %(column)s: %(headers)s': 'ファイルの複数の列が %(column)s を指しています: %(headers)s',
    'Required column missing: %(columns)s': '必須の列がありません: %(columns)s',
    'The database refused the import: %(error)s': 'データベースが取り込みを拒否しました（何も書き込まれていません）: %(error)s',
    'This column must not be empty.': 'この列は空欄にできません。',
    'The same record as row %(row)d.': '%(row)d行目と同じデータです。',
    'What the file holds': '取り込むデータの種類',
    'File (CSV, TSV or Excel)': 'ファイル（CSV・TSV・Excel）',
    'Import the good rows even if some are rejected': 'エラーのある行を除いて取り込む',
    'Create departments and sections the file names': 'ファイルにある未登録の部局・課室を作成する',
    'Rename headers': '見出しの読み替え',
    'Their header=column, separated by commas (e.g. 業務名=name).': '「ファイルの見出し=列名」をカンマ区切りで指定（例: 業務名=name）。',
    'Excel sheet': 'Excelのシート',
    'Empty: the first sheet.': '空欄の場合は最初のシート。',
    'Character encoding': '文字コード',
    'Detect': '自動判定',
    'Only a preview can be confirmed.': '確認画面（試行）の取り込みだけが確定できます。',
    'Only the person who uploaded the file can confirm it.': 'ファイルをアップロードした本人だけが確定できます。',
    'The uploaded file is no longer kept; upload it again.': 'アップロードされたファイルが残っていません。もう一度アップロードしてください。',
    'Only an applied import can be rolled back.': '取り込み済みのものだけを取り消せます。',
    'Changed since the import, so it cannot be rolled back: %(records)s': '取り込み後に変更されたデータがあるため取り消せません: %(records)s',
    'rollback of import %(batch)s': '取り込み %(batch)s の取消し',
    'Too long: %(length)d characters, at most %(max)d.': '長すぎます: %(length)d文字（最大%(max)d文字）。',
    'An amount cannot be negative: %(value)s': '金額にマイナスは指定できません: %(value)s',
    'Not a whole number: %(value)s': '整数ではありません: %(value)s',
    'Not yes or no: %(value)s (write あり/なし, ○/×, yes/no or 1/0).': 'あり・なしとして読めません: %(value)s（あり/なし、○/×、yes/no、1/0 で入力してください）。',
    'Unknown value: %(value)s (use one of: %(allowed)s)': '選択肢にない値です: %(value)s（%(allowed)s のいずれか）',
    'Only members who edit the ledger can import.': '台帳を編集できるユーザーだけが取り込みできます。',
    'Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.': '取り込みました: 新規 %(created)d件、更新 %(updated)d件、変更なし %(unchanged)d件。',
    'Nothing was imported; see the problems below.': '何も取り込まれませんでした。下のエラーを確認してください。',
    'Rolled back: %(n)d changes undone.': '取り消しました: %(n)d件の変更を元に戻しました。',
    'No such file: %(file)s': 'ファイルがありません: %(file)s',
    '%(file)s: unknown column “%(header)s” was not imported (use --map to name it)': '%(file)s: 列「%(header)s」は不明な列のため取り込んでいません（--map で列名を指定できます）',
    '… and %(n)d more problems (see --json)': '…ほか %(n)d件のエラー（--json で全件表示）',
    'imported': '取り込み済み',
    'dry run, nothing written': '試行のため書き込みなし',
    'nothing written': '書き込みなし',
    '%(kind)s from %(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(rejected)d rejected — %(status)s (batch %(batch)s)': '%(kind)s（%(file)s）: 新規 %(created)d件、更新 %(updated)d件、変更なし %(unchanged)d件、エラー %(rejected)d件 — %(status)s（バッチ %(batch)s）',
    '  new unit: %(unit)s': '  新しい組織: %(unit)s',
    'Applied': '取込済み',
    'Dry run': '試行',
    'Rejected': 'エラー',
    'Rolled back': '取消済み',
    'SHA-256': 'SHA-256',
    'created': '新規',
    'updated': '更新',
    'unchanged': '変更なし',
    'rejected': 'エラー',
    'started at': '開始日時',
    'finished at': '終了日時',
    'rolled back at': '取消日時',
    'import batch': '取り込み',
    'import batches': '取り込み',
    'Imports': '取り込み',
    'to create': '新規予定',
    'to update': '更新予定',
    'New units that will be created:': '作成される組織:',
    'New units created:': '作成した組織:',
    'Importing…': '取り込み中…',
    'Import, leaving out %(counter)s rejected row': 'エラーの%(counter)s行を除いて取り込む',
    'Upload a corrected file': '修正したファイルをアップロード',
    'Nothing can be imported until every problem is fixed (or “import the good rows” is chosen). Correct the file and upload it again.': 'すべてのエラーを修正するまで（または「エラーのある行を除いて取り込む」を選ぶまで）取り込めません。ファイルを修正してもう一度アップロードしてください。',
    'The changes of this import in the audit log': 'この取り込みによる変更（監査ログ）',
    'Undo every change of this import?': 'この取り込みによる変更をすべて元に戻しますか？',
    'Roll back this import': 'この取り込みを取り消す',
    'This import can no longer be rolled back: these records changed since.': '取り込み後に次のデータが変更されたため、この取り込みは取り消せません。',
    'Problems': 'エラー',
    'Row': '行',
    'Column': '列',
    'Value': '値',
    'Reason': '理由',
    'Batch': 'バッチ',
    'Import a file': 'ファイルの取り込み',
    'User': 'ユーザー',
    'Unchanged': '変更なし',
    'No imports yet.': '取り込みはまだありません。',
    'CSV or TSV (Shift_JIS, UTF-8 or UTF-16, as Excel saves it) or an Excel workbook. Nothing is written yet: the next page shows what would change and every problem at its row.': 'CSV・TSV（Excelで保存したShift_JIS、UTF-8、UTF-16）またはExcelファイル。この段階ではまだ書き込みません。次の画面で変更内容と各行のエラーを確認できます。',
    'Reading the file…': 'ファイルを確認中…',
    'Check the file': 'ファイルを確認',
    'Headers may be the column name or its Japanese label; * is required.': '見出しは列名または日本語の項目名で指定します。* は必須です。',
    'No such unit: %(name)s (units are not created with --no-create-units).': '組織「%(name)s」がありません（--no-create-units のため作成しません）。',
    'No such vendor: %(name)s': '事業者「%(name)s」がありません',
    'You may not edit this system.': 'このシステムを編集する権限がありません。',
    'Required column missing: amount (金額（円）) or amount_thousand_yen (金額（千円）)': '必須の列がありません: amount（金額（円））または amount_thousand_yen（金額（千円））',
    'No such system: %(system)s': 'システム「%(system)s」がありません',
    'No such cost item: %(item)s (known: %(items)s)': '費目「%(item)s」がありません（登録済み: %(items)s）',
    'Give the amount in yen or in thousand yen.': '金額（円）または金額（千円）を入力してください。',
    'The amount in yen (%(yen)s) and in thousand yen (%(thousand)s) differ.': '金額（円）%(yen)s と 金額（千円）%(thousand)s が一致しません。',
    'No such unit: %(name)s': '組織「%(name)s」がありません',
    'maintenance vendor': '保守事業者',
    '%(kind)s writes several files: give a folder with -o.': '%(kind)s は複数のファイルを書き出します。-o で出力先フォルダを指定してください。',
    '%(file)s: row %(row)d%(column)s%(value)s: %(message)s': '%(file)s: %(row)d行目%(column)s%(value)s: %(message)s',
    'Open data': 'オープンデータ',
    'Information systems and their yearly costs, as the organisations publish them. Licence: <a href="%(licence_url)s">%(licence)s</a>. Files are CSV in UTF-8 (with BOM) following the 自治体標準オープンデータセット conventions.': '各団体が公開している情報システムと年度別経費です。ライセンス: <a href="%(licence_url)s">%(licence)s</a>。ファイルは自治体標準オープンデータセットの形式に沿ったCSV（UTF-8、BOM付き）です。',
    'Organisation': '団体',
    'Systems published': '公開システム数',
    'Files': 'ファイル',
    'Nothing is published yet.': '公開しているデータはまだありません。',
    'Published as open data': 'オープンデータとして公開',
    'published as open data': 'オープンデータとして公開',
    'Listed in the public open-data catalogue with its yearly costs.': '年度別経費とともにオープンデータのカタログに掲載します。',
    'Plan': '計画',
    'not available': '未集計',
    'Give a plan file or --builtin NAME.': '計画ファイルまたは --builtin NAME を指定してください。',
    'Plan %(title)s: %(measures)d measures, %(indicators)d indicators.': '計画「%(title)s」: 取組 %(measures)d件、評価指標 %(indicators)d件。',
    'FY%(year)s published: %(count)d figures frozen.': '%(year)s年度の実績を公表しました（%(count)d件の数値を確定）。',
    'No plan%(code)s; load one with `daicho plan import`.': '計画%(code)sがありません。`daicho plan import` で登録してください。',
    'Give a file ending in .xlsx, .pdf or .html.': '拡張子が .xlsx、.pdf、.html のファイル名を指定してください。',
    'first fiscal year': '開始年度',
    'last fiscal year': '終了年度',
    'base fiscal year': '基準年度',
    'source': '出典',
    'plan': '計画',
    'plans': '計画',
    'policy': '基本方針',
    'summary': '概要',
    'measure': '取組',
    'measures': '取組',
    'Higher is better': '高いほど良い',
    'Lower is better': '低いほど良い',
    'At least': '以上',
    'At most': '以下',
    'Equal to': '等しい',
    'More than last year': '前年度より増加',
    'Less than last year': '前年度より減少',
    'metric': '算出方法',
    'Registered metric key; empty for a manual indicator.': '登録済みの算出方法のキー。手入力の指標は空欄。',
    'direction': '方向',
    'target': '目標',
    'target value': '目標値',
    'cost basis': '経費の基準（予算・決算）',
    'wording in the plan': '計画での表記',
    'indicator': '評価指標',
    'indicators': '評価指標',
    'value': '値',
    'met': '達成',
    'computed': '自動集計',
    'detail': '内訳',
    'evidence': '根拠',
    'published': '公表済み',
    'indicator result': '評価指標の実績',
    'indicator results': '評価指標の実績',
    'The plan file is not valid YAML: %(error)s': '計画ファイルがYAMLとして読めません: %(error)s',
    'A plan file needs at least a code and measures.': '計画ファイルには code と measures が必要です。',
    'The plan file lacks: %(fields)s': '計画ファイルに次の項目がありません: %(fields)s',
    'Unknown target kind %(kind)s of %(code)s.': '%(code)s の目標の種類 %(kind)s は使えません。',
    'Say where the figure comes from.': '数値の根拠を入力してください。',
    'FY%(year)s is published; its figures no longer change.': '%(year)s年度は公表済みのため、数値は変更できません。',
    'Indicators': '評価指標',
    'Annual report': '年次報告書',
    'Freeze the figures of this year?': 'この年度の数値を確定（公表）しますか？',
    'Publish this year': 'この年度を公表',
    '%(year)s: %(met)s met, %(not_met)s not met, %(unavailable)s not available yet.': '%(year)s: 達成 %(met)s件、未達成 %(not_met)s件、未集計 %(unavailable)s件。',
    'Measure': '取組',
    'Indicator': '評価指標',
    'Target': '目標',
    'Previous year': '前年度',
    'Trend': '推移',
    'now %(live)s': '現在の集計値 %(live)s',
    'Met': '達成',
    'Not met': '未達成',
    'Evidence': '根拠',
    'No plan is loaded yet. The IT policy division loads one with “daicho plan import FILE” (or “--builtin okayama-2014”).': '計画はまだ登録されていません。情報政策課が「daicho plan import FILE」（または「--builtin okayama-2014」）で登録します。',
    'Not a number: %(value)s': '数値ではありません: %(value)s',
    'Result': '実績',
    'Records added since depend on this import, so it cannot be rolled back: %(records)s': '取り込み後に追加されたデータが依存しているため取り消せません: %(records)s',
    'The amount is too large: %(value)s': '金額が大きすぎます: %(value)s',
    'This field cannot be empty.': 'この項目は空にできません。',
    'Only the IT policy division decides what is published as open data.': 'オープンデータとして公開するかどうかは情報政策課だけが決められます。',
    'A system needs an owner section.': '情報システムには所管課が必要です。',
    'The file could not be checked:': 'ファイルを確認できませんでした:',
    'Checking the file… %(rows)s rows read.': 'ファイルを確認しています… %(rows)s行を読み込みました。',
    'A large file is being checked. Nothing is written yet; this page shows the result when the check is done.': '大きなファイルを確認しています。まだ何も書き込んでいません。確認が終わるとこの画面に結果が表示されます。',
    # access (sign-in, backups, hardening, serving)
    'Sign in with single sign-on': "統合認証でログイン",
    'The second factor is on: each sign-in now asks for a code.': "二要素認証を有効にしました。今後はログインのたびに確認コードを入力します。",
    'The second factor was removed.': "二要素認証を解除しました。",
    'Your password was changed.': "パスワードを変更しました。",
    "%(tool)s was not found. Install the PostgreSQL client tools of the server's version (Debian: postgresql-client) or set DAICHO_PG_BIN to their folder.": "%(tool)s が見つかりません。サーバーと同じバージョンの PostgreSQL クライアント（Debian: postgresql-client）をインストールするか、DAICHO_PG_BIN にその場所を設定してください。",
    '%(tool)s is version %(tool_v)s but the server is PostgreSQL %(server_v)s: install the client tools of version %(server_v)s or later.': "%(tool)s のバージョンは %(tool_v)s ですが、サーバーは PostgreSQL %(server_v)s です。バージョン %(server_v)s 以降のクライアントをインストールしてください。",
    '%(what)s failed: %(reason)s': "%(what)s に失敗しました: %(reason)s",
    'Backups of a %(vendor)s database are not supported.': "%(vendor)s データベースのバックアップには対応していません。",
    '%(file)s is a folder: name the backup file.': "%(file)s はフォルダです。バックアップファイル名を指定してください。",
    'The folder %(folder)s does not exist.': "フォルダ %(folder)s がありません。",
    '%(file)s does not exist.': "%(file)s がありません。",
    '%(file)s is not a Daicho backup.': "%(file)s は Daicho のバックアップではありません。",
    '%(file)s is damaged: %(reason)s': "%(file)s は壊れています: %(reason)s",
    '%(file)s is damaged: %(member)s does not match its checksum.': "%(file)s は壊れています: %(member)s がチェックサムと一致しません。",
    'This backup is of a %(backup)s database but Daicho now uses %(current)s: restore it into a %(backup)s database (DATABASE_URL).': "このバックアップは %(backup)s データベースのものですが、現在の Daicho は %(current)s を使っています。%(backup)s データベース（DATABASE_URL）に復元してください。",
    'A restore cannot run inside a transaction.': "トランザクションの中では復元できません。",
    'Backed up the %(vendor)s database and %(media)d files to %(file)s (%(size)s bytes).': "%(vendor)s データベースと添付ファイル %(media)d 件を %(file)s にバックアップしました（%(size)s バイト）。",
    'Restored the ledger as it was at %(time)s from %(file)s.': "%(file)s から %(time)s 時点の台帳を復元しました。",
    'If Daicho was upgraded since then, run `daicho migrate`.': "その後 Daicho を更新している場合は `daicho migrate` を実行してください。",
    'This replaces the whole ledger with the backup of %(time)s.': "台帳全体を %(time)s のバックアップで置き換えます。",
    'Not restored: confirm with --yes.': "復元していません。--yes を付けて確認してください。",
    'Type yes to restore: ': "復元するには yes と入力してください: ",
    'Not restored.': "復元していません。",
    'Sign-in of %(user)s unlocked.': "%(user)s のログイン制限を解除しました。",
    'Your session has expired.': "セッションの有効期限が切れました。",
    'Your session has expired. Please log in again.': "セッションの有効期限が切れました。もう一度ログインしてください。",
    'Enter your one-time code in the browser first.': "先にブラウザで確認コードを入力してください。",
    'Granted in Daicho': "台帳で付与",
    'From the directory': "ディレクトリから",
    'Your account': "アカウント",
    'Roles': "権限",
    'Unit': "所属",
    'Role': "権限",
    'Source': "付与元",
    'No role yet: ask the IT policy division.': "まだ権限がありません。情報政策課に依頼してください。",
    'Second factor (one-time code)': "二要素認証（確認コード）",
    'On: each sign-in with a password asks for a code from your authenticator app.': "有効: パスワードでログインするたびに認証アプリの確認コードを入力します。",
    'Remove the second factor?': "二要素認証を解除しますか？",
    'Remove': "解除",
    'Required for the IT policy division.': "情報政策課では必須です。",
    'Off.': "無効。",
    'Turn on': "有効にする",
    'Change your password': "パスワードの変更",
    'You sign in through the directory or single sign-on: change your password there.': "ディレクトリまたは統合認証でログインしています。パスワードはそちらで変更してください。",
    'Turn on the second factor': "二要素認証を有効にする",
    'The IT policy division signs in with a one-time code. Set it up to continue.': "情報政策課は確認コードでログインします。続けるには設定してください。",
    'Open an authenticator app (e.g. Google Authenticator, Microsoft Authenticator) and scan this code:': "認証アプリ（Google Authenticator、Microsoft Authenticator など）でこのコードを読み取ります:",
    'or enter this key:': "または次のキーを入力します:",
    'Enter the six-digit code the app shows:': "アプリに表示された6桁のコードを入力します:",
    'Confirm': "確認",
    'One-time code': "確認コード",
    'Enter the six-digit code from your authenticator app.': "認証アプリに表示された6桁のコードを入力してください。",
    'Too many wrong codes: wait a little and try again.': "誤ったコードが続きました。しばらく待ってから再度お試しください。",
    'The code is not correct. Check the time on your phone.': "コードが正しくありません。スマートフォンの時刻を確認してください。",
    'The IT policy division must use a second factor.': "情報政策課は二要素認証が必須です。",
    'Sign-in locked': "ログイン制限",
    'Sign-in is locked for a while': "しばらくログインできません",
    'The password was wrong %(n)s time in a row.': "パスワードを%(n)s回続けて間違えました。",
    'Wait %(minutes)s minute and try again, or ask the IT policy division to unlock the account.': "%(minutes)s分待ってから再度ログインするか、情報政策課に解除を依頼してください。",
    'Forgot your password?': "パスワードを忘れた場合",
    'Single sign-on did not succeed. Try again, or ask the IT policy division.': "統合認証でログインできませんでした。もう一度試すか、情報政策課に問い合わせてください。",
    'or with a user name and password': "またはユーザー名とパスワードで",
    'Use the user name and password of your office PC.': "庁内パソコンのユーザー名とパスワードを使います。",
    'Change the password': "パスワードを変更",
    'Set a new password': "新しいパスワードの設定",
    'Set the password': "パスワードを設定",
    'This link has expired or was already used. Ask for a new one.': "このリンクは期限が切れているか、すでに使われています。もう一度申し込んでください。",
    'Reset your password': "パスワードの再設定",
    'Enter the e-mail address of your Daicho account. We send a link to set a new password.': "台帳のアカウントのメールアドレスを入力してください。新しいパスワードを設定するリンクを送ります。",
    'E-mail address': "メールアドレス",
    'Send the link': "リンクを送る",
    'Back to log in': "ログインに戻る",
    'Accounts that sign in through the directory or single sign-on change their password there.': "ディレクトリまたは統合認証でログインするアカウントは、パスワードをそちらで変更します。",
    'A new password was asked for the Daicho account %(name)s.': "台帳のアカウント %(name)s の新しいパスワードの設定が申し込まれました。",
    'Open this link to set it (it works once):': "次のリンクを開いて設定してください（一度だけ使えます）:",
    'If you did not ask for this, ignore this message: your password stays as it is.': "心当たりがない場合はこのメールを無視してください。パスワードは変わりません。",
    'Your password was set. Log in with it.': "パスワードを設定しました。新しいパスワードでログインしてください。",
    'Daicho: set a new password': "台帳: 新しいパスワードの設定",
    'If the address belongs to a Daicho account, a link to set a new password is on its way. It works once and expires in two hours.': "このアドレスが台帳のアカウントのものであれば、新しいパスワードを設定するリンクが届きます。リンクは一度だけ、2時間以内に使えます。",
    'Too many requests with this token: wait and try again.': "このトークンからのリクエストが多すぎます。しばらく待ってから再度お試しください。",
    'This token is read-only.': "このトークンは読み取り専用です。",
    '--days must be 1 or more.': "--days には1以上を指定してください。",
    'Token %(prefix)s for %(user)s: %(scope)s, expires %(expires)s.': "%(user)s のトークン %(prefix)s: %(scope)s、有効期限 %(expires)s。",
    'Read only': "読み取り専用",
    'Read and write': "読み書き",
    'scope': "権限の範囲",
    'last used from': "最終利用元",
    'requests': "リクエスト数",
    'A token may be valid for at most %(days)s days.': "トークンの有効期間は最長%(days)s日です。",
    'Choose read or write.': "read か write を指定してください。",
    'Daicho is serving on %(url)s with %(workers)d processes (Ctrl+C to stop)': "Daicho を %(url)s で %(workers)d プロセスで公開しています（Ctrl+C で停止）",
    'All my organisations': "すべての所属団体",
    'A value cannot be stored: %(error)s': "保存できない値があります: %(error)s",
    'The request contains a NUL character, which cannot be stored.': "リクエストに NUL 文字が含まれています。NUL 文字は保存できません。",
    'co-using organisation': "共同利用団体",
    'cost share (%)': "負担割合（％）",
    'co-use from': "共同利用開始日",
    'co-use until': "共同利用終了日",
    'co-use': "共同利用",
    'co-uses': "共同利用",
    'The owning organisation does not co-use its own system.': "所有する団体は自らのシステムの共同利用団体になれません。",
    'The end is before the start.': "終了日が開始日より前です。",
    'The shares of the co-using organisations add up to more than 100 percent.': "共同利用団体の負担割合の合計が100％を超えています。",
    'Co-use': "共同利用",
    'Systems co-used with other organisations': "他団体と共同利用しているシステム",
    'Co-using organisation': "共同利用団体",
    'Cost share': "負担割合",
    'No co-use recorded.': "共同利用は登録されていません。",
    'The IT policy division records co-use with `daicho couse add SYSTEM ORGANISATION --share PERCENT`.': "情報政策課が `daicho couse add システムID 団体 --share 割合` で登録します。",
    'Share of operation costs (thousand yen)': "運用等経費の負担額（千円）",
    'No system %(code)s.': "システム %(code)s はありません。",
    'No organisation %(key)s.': "団体 %(key)s はありません。",
    '%(org)s does not co-use %(code)s.': "%(org)s は %(code)s を共同利用していません。",
    'Removed.': "削除しました。",
    '--share must be a number of percent, e.g. 3.7': "--share には割合（％）を数値で指定してください（例: 3.7）",
    '%(org)s co-uses %(system)s with a %(share)s%% share.': "%(org)s が %(system)s を負担割合 %(share)s%% で共同利用します。",
}
# fmt: on

# Things that must survive translation unchanged: printf-style placeholders, Django
# template variables, HTML tags and the literal percent sign.
_PLACEHOLDER = re.compile(
    r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{\{[^}]*\}\}|"
    r"\{%[^%]*%\}|</?[a-zA-Z][^>]*>|%%"
)


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def _set_header(po) -> None:
    for key, value in HEADER.items():
        po.metadata[key] = value
    # The catalogue is regenerated from the sources, so it is as recent as the template.
    po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
    po.metadata["Last-Translator"] = "Daicho project"
    po.metadata_is_fuzzy = []
    po.header = (
        "Japanese catalogue for Daicho (台帳).\n"
        "Generated by scripts/translations_ja.py: edit translations there."
    )


def apply(po_path: str | Path = PO_PATH, translations: dict[str, str] | None = None) -> dict:
    """Fill the .po file at po_path from translations (default TRANSLATIONS).

    Returns a dict with lists ``missing`` (msgids still untranslated), ``kept`` (translated
    only in the .po file), ``bad`` (msgid, problem) for mismatched placeholders, and
    ``unused`` (dictionary keys the catalogue does not contain).
    """
    import polib

    translations = TRANSLATIONS if translations is None else translations
    po = polib.pofile(str(po_path), wrapwidth=79)
    _set_header(po)
    missing, kept, bad = [], [], []
    seen = set()
    for entry in po:
        if entry.obsolete:
            continue
        seen.add(entry.msgid)
        was_fuzzy = "fuzzy" in entry.flags
        if was_fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        text = translations.get(entry.msgid)
        if text is None:
            if entry.msgid_plural:
                current = entry.msgstr_plural.get(0, "") if not was_fuzzy else ""
                entry.msgstr_plural = {0: current}
            else:
                current = entry.msgstr if not was_fuzzy else ""
                entry.msgstr = current
            (kept if current else missing).append(entry.msgid)
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        if all(_placeholders(text) != _placeholders(src) for src in sources):
            bad.append(
                (
                    entry.msgid,
                    f"placeholders {_placeholders(sources[0])} became {_placeholders(text)}",
                )
            )
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
    po.save(str(po_path))
    unused = [key for key in translations if key not in seen]
    return {
        "missing": missing,
        "kept": kept,
        "bad": bad,
        "unused": unused,
        "total": len([e for e in po if not e.obsolete]),
    }


def _run(args: list[str]) -> None:
    print("$", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=PACKAGE_DIR, check=True)


def main() -> int:
    _run([MANAGE, "makemessages", "-l", "ja", "--no-location", "--no-obsolete"])
    report = apply(PO_PATH)
    print(
        f"{PO_PATH.relative_to(ROOT)}: {report['total']} entries, "
        f"{report['total'] - len(report['missing'])} translated."
    )
    for msgid in report["kept"]:
        print(f"  translated only in the .po file (move it here): {msgid!r}")
    for msgid in report["unused"]:
        print(f"  no longer in the sources (can be removed here): {msgid!r}")
    for msgid, problem in report["bad"]:
        print(f"  PLACEHOLDER MISMATCH {msgid!r}: {problem}")
    if report["missing"]:
        print(f"Missing translations ({len(report['missing'])}):")
        for msgid in report["missing"]:
            print(f'    {msgid!r}: "",')
    _run([MANAGE, "compilemessages", "-l", "ja"])
    return 1 if report["missing"] or report["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
