"""Open-data files following the 自治体標準オープンデータセット conventions.

Each dataset is a CSV in UTF-8 with BOM whose leading columns are 全国地方公共団体コード, ID and
地方公共団体名; codes stay strings. A catalogue file (catalog.json) describes every dataset:
title, publisher, licence (CC BY 4.0 by default), update frequency, columns.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.utils import timezone, translation

from daicho.core.exports import neutralise
from daicho.core.models import Organisation
from daicho.registry.models import Basis, Category, CostLine, InformationSystem, Status

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"


@dataclass(frozen=True)
class Dataset:
    """One published file: its name, Japanese title and description, columns and rows."""

    slug: str
    title: str
    description: str
    columns: list[str]
    rows: Callable[[Organisation], Iterable[list[Any]]]


def _label(choices, value) -> str:
    with translation.override("ja"):
        return str(dict(choices.choices).get(value, value or ""))


def published_systems(organisation: Organisation):
    """Systems the organisation publishes (marked open data, not planned)."""
    return (
        InformationSystem.objects.filter(organisation=organisation, open_data=True)
        .exclude(status__in=[Status.PLANNING, Status.DEVELOPMENT])  # not before they run
        .select_related("owner_unit", "owner_unit__department")
        .order_by("code")
    )


def _system_rows(organisation: Organisation):
    from daicho.registry.models import Hosting, StandardBusiness

    for s in published_systems(organisation):
        department = s.owner_unit.department
        yield [
            s.code,
            s.name,
            department.name if department else "",
            s.owner_unit.name if s.owner_unit.parent_id else "",
            _label(Status, s.status),
            s.in_service_on.isoformat() if s.in_service_on else "",
            s.retired_on.isoformat() if s.retired_on else "",
            _label(Hosting, s.hosting),
            _label(StandardBusiness, s.standard_business) if s.standard_business else "",
            s.description,
        ]


def _cost_rows(organisation: Organisation):
    totals = (
        CostLine.objects.filter(system__in=published_systems(organisation))
        .values_list("system__code", "system__name", "fiscal_year", "basis", "category")
        .annotate(total=Sum("amount"))
        .order_by("system__code", "fiscal_year", "basis", "category")
    )
    for code, name, fiscal_year, basis, category, total in totals:
        yield [code, name, fiscal_year, _label(Basis, basis), _label(Category, category), total]


DATASETS = [
    Dataset(
        "information_systems",
        "情報システム一覧",
        "地方公共団体が運用する情報システムの一覧（所管、状態、稼働環境）",
        [
            "システム名",
            "所管部局",
            "所管課",
            "状態",
            "稼働開始日",
            "廃止日",
            "稼働環境",
            "標準化対象業務",
            "概要",
        ],
        _system_rows,
    ),
    Dataset(
        "information_system_costs",
        "情報システム経費",
        "情報システムごとの年度別経費（予算・決算、整備経費・運用等経費、円）",
        ["システム名", "年度", "予算決算", "経費区分", "金額（円）"],
        _cost_rows,
    ),
]
LEADING = ["全国地方公共団体コード", "ID", "地方公共団体名"]


def dataset_csv(dataset: Dataset, organisation: Organisation) -> bytes:
    """The dataset as CSV (UTF-8 with BOM) with the standard leading columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LEADING + dataset.columns)
    for row in dataset.rows(organisation):
        ident, rest = row[0], row[1:]
        writer.writerow(
            [
                organisation.code,
                ident,
                organisation.name,
                *[neutralise(v) if v is not None else "" for v in rest],
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def catalogue(organisation: Organisation, base_url: str = "") -> dict[str, Any]:
    """Catalogue metadata of the organisation's datasets (DCAT-like keys, Japanese titles)."""
    modified = timezone.localdate().isoformat()
    return {
        "publisher": organisation.name,
        "publisher_code": organisation.code,
        "license": LICENCE,
        "license_url": LICENCE_URL,
        "datasets": [
            {
                "identifier": f"{organisation.code}-{d.slug}",
                "title": f"{organisation.name} {d.title}",
                "description": d.description,
                "publisher": organisation.name,
                "license": LICENCE,
                "accrual_periodicity": "年1回（予算・決算の確定時）",
                "modified": modified,
                "language": "ja",
                "distribution": {
                    "file": f"{d.slug}.csv",
                    "url": f"{base_url}{d.slug}.csv" if base_url else f"{d.slug}.csv",
                    "media_type": "text/csv",
                    "encoding": "UTF-8 (BOM)",
                },
                "columns": LEADING + d.columns,
            }
            for d in DATASETS
        ],
    }


def write_folder(directory: str, organisations: Iterable[Organisation] | None = None) -> list[str]:
    """Write every organisation's datasets and catalogue under DIR/<code>/; returns the files."""
    written = []
    for organisation in organisations or Organisation.objects.exclude(code=""):
        folder = os.path.join(directory, organisation.code)
        os.makedirs(folder, exist_ok=True)
        for dataset in DATASETS:
            path = os.path.join(folder, f"{dataset.slug}.csv")
            with open(path, "wb") as fh:
                fh.write(dataset_csv(dataset, organisation))
            written.append(path)
        path = os.path.join(folder, "catalog.json")
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(catalogue(organisation), fh, ensure_ascii=False, indent=1)
        written.append(path)
    return written
