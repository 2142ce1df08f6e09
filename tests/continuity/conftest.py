"""Continuity fixtures: the guideline scheme and a backup standard with five rules."""

from __future__ import annotations

import datetime

import pytest

from daicho.continuity import services
from daicho.continuity.models import ClassificationLevel


def level(scheme, axis, code):
    return ClassificationLevel.objects.get(scheme=scheme, axis=axis, code=code)


@pytest.fixture
def scheme(world, as_user):
    with as_user(world.policy):
        return services.scheme_install(organisation=world.org, code="soumu")


def make_standard(world, scheme, *, version="第1版", effective=datetime.date(2014, 4, 1), gens=7):
    """A standard with five rules keyed by classification levels."""
    s = services.standard_create(
        organisation=world.org,
        version=version,
        title="バックアップ・リストア基準",
        scheme=scheme,
        effective_from=effective,
    )
    services.rule_create(
        standard=s,
        title="重要データ（可用性2・完全性2）",
        levels=[level(scheme, "availability", "2"), level(scheme, "integrity", "2")],
        order=1,
        max_frequency="daily",
        min_generations=gens,
        min_copy_location="off_site",
        restore_test_months=12,
    )
    services.rule_create(
        standard=s,
        title="機密性3",
        levels=[level(scheme, "confidentiality", "3")],
        order=2,
        encryption_required=True,
    )
    services.rule_create(
        standard=s,
        title="機密性2",
        levels=[level(scheme, "confidentiality", "2")],
        order=3,
        max_frequency="weekly",
        min_generations=3,
    )
    services.rule_create(
        standard=s,
        title="全システム共通",
        levels=[level(scheme, "confidentiality", c) for c in ("1", "2", "3")],
        order=4,
        max_frequency="weekly",
        min_generations=2,
    )
    services.rule_create(
        standard=s,
        title="可用性1のリストア確認",
        levels=[level(scheme, "availability", "1")],
        order=5,
        restore_test_months=24,
    )
    return s


@pytest.fixture
def standard(world, scheme, as_user):
    with as_user(world.policy):
        return make_standard(world, scheme)
