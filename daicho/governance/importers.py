"""Import kind of the governance area: consultations kept in a spreadsheet (one row each).

Rows are matched on date + section + subject, so a file exported from Daicho imports back with
zero changes; only the IT policy division records consultations.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core.exports import iso
from daicho.core.importing import values as v
from daicho.core.importing.engine import Context, Field, Kind, register
from daicho.core.importing.keys import text_key
from daicho.core.importing.refs import unit_resolver
from daicho.core.models import User
from daicho.governance import selectors, services
from daicho.governance.models import Consultation, ConsultationChannel, ConsultationTopic
from daicho.registry.models import InformationSystem

_key = text_key  # codes and names as keys compare them (NFKC, case, spaces)


class ConsultationImport(Kind):
    """Consultations (支援記録): upsert by date, section and subject.

    Natural key: 日付 + 所属 (code or name) + 件名.
    """

    name = "consultations"
    title = gettext_lazy("Consultations")
    fields = [
        Field(
            "consulted_on",
            "日付",
            v.date,
            required=True,
            get=lambda c: iso(c.consulted_on),
            fmt="date",
            example="2024-07-01",
        ),
        Field(
            "unit", "所属", v.text(100), required=True, get=lambda c: c.unit.code, example="市民課"
        ),
        Field(
            "system",
            "システムID",
            v.text(30),
            get=lambda c: c.system.code if c.system else None,
            example="S0001",
        ),
        Field(
            "topic",
            "分野",
            v.choice(ConsultationTopic.choices, synonyms="consultations.topic"),
            required=True,
            get=lambda c: c.topic,
            example="調達・仕様書",
        ),
        Field(
            "channel",
            "方法",
            v.choice(ConsultationChannel.choices, synonyms="consultations.channel"),
            required=True,
            get=lambda c: c.channel,
            example="打合せ",
        ),
        Field(
            "subject",
            "件名",
            v.text(200),
            required=True,
            get=lambda c: c.subject,
            example="次期住民記録システムの仕様書の確認",
        ),
        Field(
            "result",
            "対応結果",
            v.text(),
            get=lambda c: c.result,
            example="標準仕様書との差分を整理して助言",
        ),
        Field(
            "cost_saving",
            "経費削減額（円）",
            v.yen(),
            get=lambda c: c.cost_saving,
            fmt="yen",
            example="1500000",
        ),
        Field(
            "cost_saving_thousand_yen", "経費削減額（千円）", v.yen(thousands=True), example="1500"
        ),
        Field(
            "handled_by",
            "対応者",
            v.text(150),
            get=lambda c: c.handled_by.username if c.handled_by else None,
        ),
    ]

    def key(self, values):
        return (values["consulted_on"], _key(values["unit"]), _key(values["subject"]))

    def export_queryset(self, user):
        return selectors.consultation_list(user=user).order_by("consulted_on", "pk")

    def process(self, rows, ctx: Context) -> None:
        units = unit_resolver(ctx)
        systems = {
            _key(s.code): s for s in InformationSystem.objects.filter(organisation=ctx.organisation)
        }
        existing = {
            (c.consulted_on, c.unit_id, _key(c.subject)): c
            for c in Consultation.objects.filter(organisation=ctx.organisation)
        }
        users: dict[str, User | None] = {}
        for row in rows:
            values = row.values
            unit = units.find(row, "unit", values["unit"])
            system = None
            if values.get("system"):
                system = systems.get(_key(values["system"]))
                if system is None:
                    ctx.reject(
                        row,
                        "system",
                        _("Unknown system IDs: %(codes)s") % {"codes": values["system"]},
                    )
            handled_by = None
            if values.get("handled_by"):
                name = values["handled_by"]
                if name not in users:
                    users[name] = User.objects.filter(username=name).first()
                handled_by = users[name]
                if handled_by is None:
                    ctx.reject(row, "handled_by", _("No user %(name)s.") % {"name": name})
            if ctx.is_rejected(row):
                continue
            saving = values.get("cost_saving")
            if saving is None:
                saving = values.get("cost_saving_thousand_yen")
            # Only the columns the file has: a list without 対応結果 keeps the results recorded.
            data = {"topic": values["topic"], "channel": values["channel"]}
            if "system" in values:
                data["system"] = system
            if "result" in values:
                data["result"] = values["result"] or ""
            if "cost_saving" in values or "cost_saving_thousand_yen" in values:
                data["cost_saving"] = saving or 0
            if handled_by is not None:
                data["handled_by"] = handled_by
            found = existing.get((values["consulted_on"], unit.pk, _key(values["subject"])))
            try:
                record = ctx.upsert(
                    found,
                    data,
                    row=row,
                    update=partial(services.consultation_update, consultation=found),
                    create=partial(
                        services.consultation_create,
                        organisation=ctx.organisation,
                        consulted_on=values["consulted_on"],
                        unit=unit,
                        subject=values["subject"],
                        **data,
                    ),
                )
                existing[(record.consulted_on, record.unit_id, _key(record.subject))] = record
            except ValidationError as exc:
                ctx.reject_validation(row, exc)
            except PermissionDenied as exc:
                ctx.reject(row, "", str(exc))


def register_kinds() -> None:
    register(ConsultationImport())
