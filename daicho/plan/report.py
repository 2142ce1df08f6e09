"""The annual report to the IT strategy committee: HTML (print / PDF) and XLSX.

Sections: cover and summary of the year, progress by measure (indicator, target, actual, met,
comment), and the cost table by department (千円, base year vs year, 増減 as △, 削減率).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from daicho.core import money, summaries, wareki
from daicho.plan import selectors
from daicho.plan.models import Plan, TargetKind
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


def data(plan: Plan, fiscal_year: int) -> dict[str, Any]:
    """Everything the report shows, computed once (the XLSX and HTML render the same data)."""
    rows = selectors.indicator_rows(plan, fiscal_year)
    progress = []
    for row in rows:
        i = row.indicator
        progress.append(
            {
                "measure": i.measure.code,
                "measure_title": i.measure.title,
                "code": i.code,
                "name": i.name,
                "target": target_text(i),
                "unit": i.unit,
                "actual": None if row.value is None else row.value,
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
    chart = cost_trend(plan)
    return {
        "chart": chart,
        "plan": plan,
        "organisation": plan.organisation,
        "fiscal_year": fiscal_year,
        "fy_text": wareki.format_fiscal_year(fiscal_year),
        "base_text": wareki.format_fiscal_year(base),
        "created": timezone.localdate(),
        "progress": progress,
        "met": sum(1 for p in progress if p["met"]),
        "not_met": sum(1 for p in progress if p["met"] is False),
        "unavailable": sum(1 for p in progress if p["actual"] is None),
        "costs": cost_rows,
        "cost_total": {
            "base": total_base,
            "year": total_year,
            "change": total_year - total_base,
            "reduction": money.reduction_ratio(total_base, total_year),
        },
        "published": any(p["source"] == "published" for p in progress),
        "risks": summaries.tables(plan.organisation, fiscal_year),
    }


def cost_trend(plan: Plan) -> list[dict[str, Any]]:
    """運用等経費 (budget) per fiscal year from the base year to the plan's end: the seed's 図2."""
    base = plan.base_year
    years = list(range(base, plan.end_year + 1))
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


def html(plan: Plan, fiscal_year: int) -> str:
    with translation.override("ja"):
        return render_to_string("plan/report.html", data(plan, fiscal_year))


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
    summary.append([f"{d['fy_text']} 取組状況報告"])
    summary.append([f"作成日 {wareki.format_date(d['created'])}"])
    summary.append([])
    for label, value in [
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
        ["取組", "取組名", "評価指標", "目標", "実績", "前年度", "達成状況", "備考"],
        [8, 30, 44, 18, 14, 14, 12, 50],
    )
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
            ]
        )
        progress.cell(row=progress.max_row, column=5).number_format = "#,##0.0"
        progress.cell(row=progress.max_row, column=8).alignment = Alignment(wrap_text=True)

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


class PdfUnavailable(Exception):
    """No headless Chromium to print the report with."""


def pdf(plan: Plan, fiscal_year: int) -> bytes:
    """The HTML report printed to A4 PDF by headless Chromium (fonts embedded by Chromium)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise PdfUnavailable(
            "PDF needs Debian's chromium (apt-get install chromium "
            "fonts-noto-cjk); XLSX and HTML work without it."
        )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.html"
        target = Path(folder) / "report.pdf"
        source.write_text(html(plan, fiscal_year), encoding="utf-8")
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                f"--user-data-dir={folder}/profile",
                "--no-pdf-header-footer",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return target.read_bytes()
