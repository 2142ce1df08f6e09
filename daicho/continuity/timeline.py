"""ICT-BCP drills and restore tests in a system's カルテ."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.continuity.models import Drill, RestoreTest
from daicho.core import timeline


def drills_of(system, *, user, start=None, end=None, limit=500) -> list[timeline.Entry]:
    drills = Drill.objects.filter(systems=system, organisation_id=system.organisation_id)
    if start:
        drills = drills.filter(held_on__gte=start)
    if end:
        drills = drills.filter(held_on__lte=end)
    return [
        timeline.Entry(
            time=timeline.as_datetime(drill.held_on),
            kind="drill",
            title=drill.title,
            body=f"{drill.get_kind_display()} · {drill.scenario[:80]}",
            url=drill.get_absolute_url(),
            tone="info",
        )
        for drill in drills.order_by("-held_on", "-pk")[:limit]
    ]


def restore_tests_of(system, *, user, start=None, end=None, limit=500) -> list[timeline.Entry]:
    tests = RestoreTest.objects.filter(system=system)
    if start:
        tests = tests.filter(tested_on__gte=start)
    if end:
        tests = tests.filter(tested_on__lte=end)
    return [
        timeline.Entry(
            time=timeline.as_datetime(test.tested_on),
            kind="restore_test",
            title=_("Restore test: %(result)s") % {"result": test.get_result_display()},
            body=test.data_restored,
            url=reverse("continuity:system_backup", args=[system.pk]),
            tone="success" if test.result == "success" else "warning",
        )
        for test in tests.order_by("-tested_on", "-pk")[:limit]
    ]


def register() -> None:
    timeline.register("drill", label=gettext_lazy("Drills"), fetch=drills_of, order=60)
    timeline.register(
        "restore_test", label=gettext_lazy("Restore tests"), fetch=restore_tests_of, order=62
    )
