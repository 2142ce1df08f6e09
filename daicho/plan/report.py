"""The annual report to the IT strategy committee: HTML (print / PDF) and XLSX.

Sections: cover and summary of the year, progress by measure (indicator, target, actual, met,
comment), and the cost table by department (千円, base year vs year, 増減 as △, 削減率).
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from daicho.core import money, summaries, wareki
from daicho.plan import printing, selectors
from daicho.plan.models import IndicatorNarrative, Plan, PublishedReport, TargetKind
from daicho.registry.selectors import operation_cost_by_department

TARGET_TEXT = {
    TargetKind.AT_LEAST: "{target}{unit}以上",
    TargetKind.AT_MOST: "{target}{unit}以下",
    TargetKind.EQUAL: "{target}{unit}",
    TargetKind.INCREASE: "前年度より増加",
    TargetKind.DECREASE: "前年度より減少",
}


def _num(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"


def target_text(indicator, *, japanese: bool = True) -> str:
    """The target as a reader says it: 30%以上 / 前年度より増加 (or "At least 30%")."""
    target = "" if indicator.target is None else _num(indicator.target)
    if not japanese:
        return f"{indicator.get_target_kind_display()} {target}{indicator.unit}".strip()
    return TARGET_TEXT[indicator.target_kind].format(target=target, unit=indicator.unit)


PRELIMINARY = "速報値"


def _cell(value: Any) -> Any:
    """A report cell as JSON keeps it (dates tagged, Decimals as numbers)."""
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_cell(v) for v in value]
    return value


def _uncell(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"date"}:
        return datetime.date.fromisoformat(value["date"])
    if isinstance(value, list):
        return [_uncell(v) for v in value]
    return value


def figures(plan: Plan, fiscal_year: int) -> dict[str, Any]:
    """Every number the report prints for the year, as JSON: what publishing the year freezes.

    Only the year and earlier: the cost chart stops at the year, the tables are as of its end.
    """
    rows = selectors.indicator_rows(plan, fiscal_year)
    progress = []
    for row in rows:
        i = row.indicator
        progress.append(
            {
                "indicator": i.pk,
                "measure": i.measure.code,
                "measure_title": i.measure.title,
                "code": i.code,
                "name": i.name,
                "target": target_text(i),
                "unit": i.unit,
                "actual": None if row.value is None else str(row.value),
                "actual_text": "未集計" if row.value is None else f"{_num(row.value)}{i.unit}",
                "previous_text": "—" if row.previous is None else f"{_num(row.previous)}{i.unit}",
                "met": row.met,
                "met_text": {True: "達成", False: "未達成", None: "—"}[row.met],
                "comment": row.detail
                if row.available
                else "当該分野の台帳は未整備のため集計していません",
                "source": row.source,
            }
        )
    base = plan.base_year
    departments = operation_cost_by_department(
        organisation=plan.organisation, years=[base, fiscal_year]
    )
    cost_rows = []
    total_base = total_year = 0
    for d in departments:
        b, y = d["years"].get(base, 0), d["years"].get(fiscal_year, 0)
        total_base += b
        total_year += y
        cost_rows.append(
            {
                "name": d["name"],
                "base": b,
                "year": y,
                "change": y - b,
                "reduction": money.reduction_ratio(b, y),
            }
        )
    risks = [
        {
            "title": str(t.title),
            "headers": [str(h) for h in t.headers],
            "rows": [_cell(list(r)) for r in t.rows],
            "note": str(t.note),
            "highlights": [[str(label), _cell(figure)] for label, figure in t.highlights],
        }
        for t in summaries.tables(plan.organisation, fiscal_year)
    ]
    return {
        "chart": cost_trend(plan, up_to=fiscal_year),
        "progress": progress,
        "costs": cost_rows,
        "cost_total": {
            "base": total_base,
            "year": total_year,
            "change": total_year - total_base,
            "reduction": money.reduction_ratio(total_base, total_year),
        },
        "risks": risks,
    }


def narratives(plan: Plan, fiscal_year: int) -> dict[int, IndicatorNarrative]:
    """The report's words for the year, by indicator id."""
    return {
        n.indicator_id: n
        for n in IndicatorNarrative.objects.filter(
            indicator__measure__plan=plan, fiscal_year=fiscal_year
        )
    }


def data(plan: Plan, fiscal_year: int) -> dict[str, Any]:
    """Everything the report shows, computed once (the XLSX and HTML render the same data).

    A published year is read from what its publication froze; any other year is computed from
    the ledger now and marked 速報値 throughout.
    """
    frozen = PublishedReport.objects.filter(plan=plan, fiscal_year=fiscal_year).first()
    figs = frozen.figures if frozen is not None else figures(plan, fiscal_year)
    progress = [dict(p) for p in figs["progress"]]
    # Published before the report froze its figures (an older publication): the indicators are
    # frozen, the other tables are today's ledger — said so in the report.
    published = frozen is not None or (
        bool(progress) and all(p["source"] == "published" for p in progress)
    )
    words = narratives(plan, fiscal_year)
    measures: dict[str, dict[str, Any]] = {}
    for p in progress:
        p["actual"] = None if p["actual"] is None else Decimal(p["actual"])
        n = words.get(p["indicator"])
        p["narrative"] = {k: getattr(n, k, "") for k in ("activities", "evaluation", "next_policy")}
        m = measures.setdefault(
            p["measure"], {"code": p["measure"], "title": p["measure_title"], "indicators": []}
        )
        m["indicators"].append(p)
    for index, m in enumerate(measures.values(), start=1):
        m["anchor"] = f"m{index}"
    risks = [
        summaries.SummaryTable(
            title=t["title"],
            headers=t["headers"],
            rows=[_uncell(r) for r in t["rows"]],
            note=t["note"],
            highlights=[(label, _uncell(figure)) for label, figure in t["highlights"]],
        )
        for t in figs["risks"]
    ]
    out = {
        "chart": figs["chart"],
        "plan": plan,
        "organisation": plan.organisation,
        "fiscal_year": fiscal_year,
        "fy_text": wareki.format_fiscal_year(fiscal_year),
        "base_text": wareki.format_fiscal_year(plan.base_year),
        "created": timezone.localdate(),
        "progress": progress,
        "measures": list(measures.values()),
        "met": sum(1 for p in progress if p["met"]),
        "not_met": sum(1 for p in progress if p["met"] is False),
        "unavailable": sum(1 for p in progress if p["actual"] is None),
        "costs": figs["costs"],
        "cost_total": figs["cost_total"],
        "published": published,
        "published_at": frozen.published_at if frozen is not None else None,
        "tables_live": published and frozen is None,
        "status": "公表値" if published else PRELIMINARY,
        "risks": risks,
    }
    out["status_text"] = status_text(out)
    return out


def cost_trend(plan: Plan, *, up_to: int | None = None) -> list[dict[str, Any]]:
    """運用等経費 (budget) per fiscal year from the base year to the plan's end (or ``up_to``, so a
    year's report never shows a later year): the seed's 図2."""
    base = plan.base_year
    last = plan.end_year if up_to is None else min(up_to, plan.end_year)
    years = list(range(base, last + 1))
    by_year = operation_cost_by_department(organisation=plan.organisation, years=years)
    trend = [(y, sum(dep["years"].get(y, 0) for dep in by_year)) for y in years]
    peak = max((t for _y, t in trend), default=0) or 1
    return [
        {
            "fy": y,
            "label": wareki.format_fiscal_year(y, style="wareki"),
            "thousand": money.to_thousand(t),
            "height": round(t / peak * 120),
            "reduction": money.reduction_ratio(trend[0][1], t) if y != base else None,
        }
        for y, t in trend
    ]


def status_text(d: dict[str, Any]) -> str:
    """What the figures are: published (frozen) or 速報値, said the same way in every format."""
    if not d["published"]:
        return f"未公表の{PRELIMINARY}です（公表時に確定します）。"
    if d["tables_live"]:
        return "評価指標は公表済みの数値です。経費と基盤・リスクの表は台帳の現在の記録です。"
    return "公表済みの数値です。"


def html(plan: Plan, fiscal_year: int, *, links: dict[str, str] | None = None) -> str:
    """The report as one HTML page: on screen (with ``links`` to the other formats) and printed."""
    with translation.override("ja"):
        return render_to_string("plan/report.html", {**data(plan, fiscal_year), "links": links})


def xlsx(plan: Plan, fiscal_year: int) -> bytes:
    """One sheet per section, with number formats (千円, %) and frozen headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    with translation.override("ja"):
        d = data(plan, fiscal_year)
    book = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE6F0")

    def header(sheet, titles, widths):
        sheet.append(titles)
        for index, width in enumerate(widths, start=1):
            cell = sheet.cell(row=sheet.max_row, column=index)
            cell.font, cell.fill = bold, head_fill
            sheet.column_dimensions[cell.column_letter].width = width
        sheet.freeze_panes = f"A{sheet.max_row + 1}"  # a coordinate: no empty row after it

    summary = book.active
    summary.title = "概要"
    summary.append([f"{d['organisation'].name} {d['plan'].title}"])
    summary["A1"].font = Font(bold=True, size=14)
    mark = "" if d["published"] else f"（{PRELIMINARY}）"
    summary.append([f"{d['fy_text']} 取組状況報告{mark}"])
    summary.append([f"作成日 {wareki.format_date(d['created'])}"])
    summary.append([])
    for label, value in [
        ("数値の状態", status_text(d)),
        ("評価指標数", len(d["progress"])),
        ("達成", d["met"]),
        ("未達成", d["not_met"]),
        ("未集計", d["unavailable"]),
        (f"運用等経費（{d['base_text']}、千円）", money.to_thousand(d["cost_total"]["base"])),
        (f"運用等経費（{d['fy_text']}、千円）", money.to_thousand(d["cost_total"]["year"])),
        ("削減率", d["cost_total"]["reduction"]),
    ]:
        summary.append([label, value])
    summary.column_dimensions["A"].width = 44
    summary.column_dimensions["B"].width = 18
    for row in summary.iter_rows(min_row=5):
        if isinstance(row[1].value, float):
            row[1].number_format = "0.0%"
        elif isinstance(row[1].value, int):
            row[1].number_format = "#,##0"

    progress = book.create_sheet("指標")
    header(
        progress,
        [
            "取組",
            "取組名",
            "評価指標",
            "目標",
            "実績" if d["published"] else f"実績（{PRELIMINARY}）",
            "前年度",
            "達成状況",
            "備考",
            "取組内容",
            "評価",
            "次年度の方針",
        ],
        [8, 30, 44, 18, 14, 14, 12, 40, 50, 50, 50],
    )
    wrap = Alignment(wrap_text=True, vertical="top")
    for p in d["progress"]:
        progress.append(
            [
                p["measure"],
                p["measure_title"],
                p["name"],
                p["target"],
                None if p["actual"] is None else float(p["actual"]),
                p["previous_text"],
                p["met_text"],
                p["comment"],
                p["narrative"]["activities"],
                p["narrative"]["evaluation"],
                p["narrative"]["next_policy"],
            ]
        )
        progress.cell(row=progress.max_row, column=5).number_format = "#,##0.0"
        for column in range(8, 12):
            progress.cell(row=progress.max_row, column=column).alignment = wrap

    costs = book.create_sheet("経費（部局別）")
    header(
        costs,
        ["部局", f"{d['base_text']}（千円）", f"{d['fy_text']}（千円）", "増減（千円）", "削減率"],
        [32, 20, 20, 16, 10],
    )
    for c in [*d["costs"], {"name": "合計", **d["cost_total"]}]:
        costs.append(
            [
                c["name"],
                money.to_thousand(c["base"]),
                money.to_thousand(c["year"]),
                money.to_thousand(c["change"]),
                c["reduction"],
            ]
        )
        r = costs.max_row
        for col in (2, 3):
            costs.cell(row=r, column=col).number_format = "#,##0"
        costs.cell(row=r, column=4).number_format = '#,##0;"△"#,##0'
        costs.cell(row=r, column=5).number_format = '0.0%;"△"0.0%'
    costs.cell(row=costs.max_row, column=1).font = bold
    for number, table in enumerate(d["risks"], start=5):
        name = re.sub(r"[\\/*?:\[\]]", "", f"{number}.{table.title}")[:31]
        sheet = book.create_sheet(name)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        for label, figure in table.highlights:
            sheet.append([label, figure])
        if table.note:
            sheet.append([table.note])
        sheet.append([])
        header(sheet, table.headers, [40] + [16] * (len(table.headers) - 1))
        for row in table.rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif hasattr(cell.value, "isoformat"):
                    cell.number_format = "yyyy/m/d"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PdfUnavailable = printing.PdfUnavailable


def pdf(plan: Plan, fiscal_year: int, *, keep_warm: bool = True) -> bytes:
    """The HTML report printed to A4 PDF by headless Chromium (fonts embedded by Chromium);
    Chromium starts while the figures are computed (and stays warm unless ``keep_warm=False``)."""
    return printing.html_to_pdf(lambda: html(plan, fiscal_year), keep=keep_warm)


def narrative_history(plan: Plan, fiscal_year: int, limit: int = 50):
    """Who changed the report's words of the year, and how (newest first)."""
    from django.contrib.contenttypes.models import ContentType

    from daicho.core.models import AuditEvent

    ids = IndicatorNarrative.objects.filter(
        indicator__measure__plan=plan, fiscal_year=fiscal_year
    ).values_list("pk", flat=True)
    return (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(IndicatorNarrative),
            object_id__in=[str(pk) for pk in ids],
        )
        .select_related("content_type")
        .order_by("-time")[:limit]
    )
