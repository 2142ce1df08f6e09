"""Import kind of the standardisation ledger: one row per business area (標準化対象業務).

The spreadsheets municipalities and prefectures send back and forth carry, per area, the current
and target systems, the phase and its date, the planned completion, the environment and the
特定移行支援 designation. Rows are matched on the area, so an export imports back unchanged.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core.exports import iso
from daicho.core.importing import values as v
from daicho.core.importing.engine import Context, Field, Kind, differences, register
from daicho.core.importing.keys import text_key
from daicho.core.importing.rows import many, present, write
from daicho.registry.models import InformationSystem, StandardBusiness, SystemCoUse
from daicho.standardisation import selectors, services
from daicho.standardisation.models import (
    CloudProvider,
    Environment,
    Migration,
    Phase,
    Tenancy,
)

TEXT = ("target_product", "target_vendor", "spec_version", "environment_reason")
TEXT += ("special_reason", "note")


def _codes(systems) -> str:
    return " ".join(s.code for s in systems)


class MigrationImport(Kind):
    """Standardisation migrations (標準化移行状況): upsert by business area.

    Natural key: 業務 (one row per area of the organisation)."""

    name = "standardisation"
    title = gettext_lazy("Standardisation migrations")
    fields = [
        Field(
            "area",
            "業務",
            v.choice(StandardBusiness.choices, synonyms="standardisation.area"),
            required=True,
            get=lambda m: m.area,
            example="住民基本台帳",
        ),
        Field(
            "current_systems",
            "現行システムID",
            v.text(),
            get=lambda m: _codes(m.current_systems.all()),
            help=gettext_lazy("The systems the area runs today, separated by spaces or 、."),
            example="S0001",
        ),
        Field(
            "target_system",
            "標準準拠システムID",
            v.text(30),
            get=lambda m: m.target_system.code if m.target_system else None,
            help=gettext_lazy(
                "The organisation's own system, or one it co-uses (another organisation's ID)."
            ),
        ),
        Field(
            "target_product",
            "標準準拠製品",
            v.text(200),
            get=lambda m: m.target_product,
            example="標準準拠 住民記録システム",
        ),
        Field("target_vendor", "事業者", v.text(200), get=lambda m: m.target_vendor, example=""),
        Field(
            "spec_version",
            "標準仕様書の版",
            v.text(30),
            get=lambda m: m.spec_version,
            example="第5.0版",
        ),
        Field(
            "phase",
            "フェーズ",
            v.choice(Phase.choices, synonyms="standardisation.phase"),
            required=True,
            get=lambda m: m.phase,
            example="移行中",
        ),
        Field(
            "phase_on",
            "フェーズ到達日",
            v.date,
            get=lambda m: iso(m.phase_reached_on),
            fmt="date",
            example="2025-04-01",
        ),
        Field(
            "migrated_planned_on",
            "移行完了予定日",
            v.date,
            get=lambda m: iso(m.migrated_planned_on),
            fmt="date",
            example="2026-01-04",
        ),
        Field(
            "environment",
            "稼働環境",
            v.choice(Environment.choices, synonyms="standardisation.environment"),
            get=lambda m: m.environment,
            example="ガバメントクラウド",
        ),
        Field(
            "cloud_provider",
            "クラウド事業者",
            v.choice(CloudProvider.choices, synonyms="standardisation.cloud_provider"),
            get=lambda m: m.cloud_provider or None,
            example="AWS",
        ),
        Field(
            "tenancy",
            "利用形態",
            v.choice(Tenancy.choices, synonyms="standardisation.tenancy"),
            get=lambda m: m.tenancy or None,
            example="共同利用",
        ),
        Field(
            "environment_reason",
            "ガバメントクラウド以外の理由",
            v.text(),
            get=lambda m: m.environment_reason,
        ),
        Field(
            "special_reason",
            "特定移行支援の理由",
            v.text(),
            get=lambda m: m.special_reason,
        ),
        Field(
            "special_target_on",
            "特定移行支援の移行目標日",
            v.date,
            get=lambda m: iso(m.special_target_on),
            fmt="date",
        ),
        Field(
            "depends_on",
            "依存システムID",
            v.text(),
            get=lambda m: _codes(m.depends_on.all()),
            help=gettext_lazy(
                "Systems the migration needs first (宛名, 共通基盤), separated by spaces or 、."
            ),
        ),
        Field("note", "備考", v.text(), get=lambda m: m.note),
    ]

    def key(self, values):
        return (values["area"],)

    def export_queryset(self, user):
        return (
            selectors.migration_list(user=user)
            .prefetch_related("current_systems", "depends_on")
            .order_by("organisation__code", "area")
        )

    def process(self, rows, ctx: Context) -> None:
        organisation = ctx.organisation
        own = {
            text_key(s.code): s for s in InformationSystem.objects.filter(organisation=organisation)
        }
        co_used = {
            text_key(c.system.code): c.system
            for c in SystemCoUse.objects.filter(co_user=organisation).select_related("system")
        }
        targets = {**co_used, **own}
        existing = {
            m.area: m
            for m in selectors.migration_list(
                user=None, queryset=Migration.objects.filter(organisation=organisation)
            )
        }
        for row in rows:
            values = row.values
            current = many(ctx, row, "current_systems", own)
            depends = many(ctx, row, "depends_on", own)
            target = None
            if values.get("target_system"):
                target = targets.get(text_key(values["target_system"]))
                if target is None:
                    ctx.reject(
                        row,
                        "target_system",
                        _("Unknown system IDs: %(codes)s") % {"codes": values["target_system"]},
                    )
            if ctx.is_rejected(row):
                continue
            data = present(
                values,
                (*TEXT, "environment", "cloud_provider", "tenancy", "special_target_on"),
                TEXT + ("cloud_provider", "tenancy"),
            )
            if "target_system" in values:
                data["target_system"] = target
            found = existing.get(values["area"])
            phase = values["phase"]
            if found is not None and phase == Phase.SPECIAL and found.phase != phase:
                data.pop("special_reason", None)  # entered with the phase below
            record = write(
                ctx,
                row,
                functools.partial(self._save, ctx, row, found, values, data, current, depends),
                {"on": "phase_on"},
                denied_column="area",
            )
            if record is not None:
                existing[record.area] = record

    @transaction.atomic
    def _save(self, ctx, row, found, values, data, current, depends):
        """Create or update the area's migration, then its phase and planned completion (one
        savepoint, so a refused phase leaves nothing of the row)."""
        phase, on = values["phase"], values.get("phase_on")
        before: dict = {}
        after: dict = {}
        if found is None:
            special = {}
            if phase == Phase.SPECIAL:  # validated with the phase, so created with it
                special = {"phase": phase}
            record = services.migration_create(
                organisation=ctx.organisation,
                area=values["area"],
                current_systems=current or (),
                depends_on=depends or (),
                **data,
                **special,
            )
            changed = True
        else:
            record, label = found, str(found)
            before, after = differences(
                found, data, {"current_systems": current, "depends_on": depends}
            )
            changed = bool(after)
            if changed:
                services.migration_update(
                    migration=found, data=data, current_systems=current, depends_on=depends
                )
        reached_on = getattr(record, "phase_reached_on", None)
        if on is not None and (record.phase != phase or reached_on != on):
            if record.phase != phase:
                before["phase"], after["phase"] = record.phase, phase
            if reached_on != on:  # the file's own column: the model keeps it in the phases
                before[self.label_of("phase_on")], after[self.label_of("phase_on")] = (
                    reached_on,
                    on,
                )
            services.migration_phase_enter(
                migration=record,
                phase=phase,
                on=on,
                special_reason=values.get("special_reason") or "",
                special_target_on=values.get("special_target_on"),
            )
            changed = True
        elif record.phase != phase:
            raise ValidationError({"phase_on": _("Give the date the area reached this phase.")})
        planned_on = getattr(record, "migrated_planned_on", None)
        if "migrated_planned_on" in values and planned_on != values["migrated_planned_on"]:
            column = self.label_of("migrated_planned_on")
            before[column], after[column] = planned_on, values["migrated_planned_on"]
            services.migration_phase_plan(
                migration=record, phase=Phase.MIGRATED, planned_on=values["migrated_planned_on"]
            )
            changed = True
        if found is None:
            ctx.count_created(row, record)
        elif changed:
            ctx.count_updated(row, record, before, after, label=label)
        else:
            ctx.counts["unchanged"] += 1
        return record


def register_kinds() -> None:
    register(MigrationImport())
