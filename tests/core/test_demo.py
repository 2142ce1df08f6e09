"""The demo organisation follows the seed plan's numbers."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from daicho.core.models import OrgUnit, User
from daicho.registry.models import CostLine, InformationSystem


@pytest.mark.django_db
def test_demo_loads_the_seeds_organisation_and_is_idempotent():
    from django.apps import apps

    def counts() -> dict[str, int]:
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    out = io.StringIO()
    call_command("demo", "--no-migrate", stdout=out)
    first = counts()
    call_command("demo", "--no-migrate", stdout=io.StringIO())  # a second run adds nothing
    second = counts()
    grown = {label: (n, second[label]) for label, n in first.items() if second[label] != n}
    assert grown == {}  # every area's records (the other areas' demo tests load it once)
    assert InformationSystem.objects.count() == 202
    per_department = dict(
        InformationSystem.objects.values_list("owner_unit__department__name")
        .annotate(n=Count("pk"))
        .values_list("owner_unit__department__name", "n")
    )
    assert per_department["危機管理監・総務部・総合政策局"] == 27
    assert per_department["県民生活部"] == 38
    assert per_department["教育庁"] == 21
    assert OrgUnit.objects.filter(parent=None).count() == 11
    for name in [
        "税務システム",
        "統合財務会計システム",
        "給与システム",
        "共有ファイルサーバ",
        "情報システム台帳管理システム",
        "全県統合型GIS",
        "宛名管理システム",
    ]:
        assert InformationSystem.objects.filter(name=name).exists(), name

    def operation_budget(fy):
        return CostLine.objects.filter(
            fiscal_year=fy, basis="budget", category="operation"
        ).aggregate(s=Sum("amount"))["s"]

    reduction = (operation_budget(2008) - operation_budget(2014)) / operation_budget(2008)
    assert 0.29 <= reduction <= 0.31
    mainframe = CostLine.objects.filter(
        system__name__in=["税務システム", "統合財務会計システム", "給与システム"],
        basis="budget",
        category="operation",
    )
    assert (
        720_000_000
        <= mainframe.filter(fiscal_year=2008).aggregate(s=Sum("amount"))["s"]
        <= 760_000_000
    )
    assert set(User.objects.values_list("username", flat=True)) >= {
        "policy",
        "owner",
        "sam",
        "viewer",
        "auditor",
    }
    assert "daicho-demo" in out.getvalue()
