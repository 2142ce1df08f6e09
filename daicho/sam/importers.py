"""Import (and export) kind `devices`: PCs, tablets and other devices with their OS."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core.importing import values as v
from daicho.core.importing.engine import Context, Field, Kind, Row, register
from daicho.core.importing.values import normalize
from daicho.core.models import OrgUnit
from daicho.lifecycle.matching import Resolver
from daicho.sam import services
from daicho.sam.models import Device, DeviceStatus, DeviceType


def _key(text: str | None) -> str:
    return normalize(text or "").lower()


def _iso(value) -> str | None:
    return value.isoformat() if value else None


TYPE_WORDS = {
    "デスクトップ": DeviceType.DESKTOP,
    "ノート": DeviceType.LAPTOP,
    "PC": DeviceType.DESKTOP,
}
STATUS_WORDS = {
    "使用中": DeviceStatus.IN_USE,
    "稼働": DeviceStatus.IN_USE,
    "在庫": DeviceStatus.IN_STOCK,
    "廃棄": DeviceStatus.DISPOSED,
}


class DeviceImport(Kind):
    """Devices: upsert by device name in the organisation; the unit by code or name."""

    name = "devices"
    title = gettext_lazy("Devices")
    chunk_size = 5000
    fields = [
        Field(
            "name",
            "機器名",
            v.text(100),
            required=True,
            aliases=("ホスト名", "コンピュータ名"),
            get=lambda d: d.name,
        ),
        Field("type", "種別", v.choice(DeviceType.choices, TYPE_WORDS), get=lambda d: d.type),
        Field("unit", "所属", v.text(200), required=True, get=lambda d: d.unit.code),
        Field("user", "利用者", v.text(100), get=lambda d: d.user_name),
        Field("os", "OS", v.text(200), get=lambda d: d.os),
        Field("serial", "シリアル番号", v.text(100), get=lambda d: d.serial),
        Field("purchased_on", "購入日", v.date, get=lambda d: _iso(d.purchased_on), fmt="date"),
        Field("disposed_on", "廃棄日", v.date, get=lambda d: _iso(d.disposed_on), fmt="date"),
        Field(
            "status", "状態", v.choice(DeviceStatus.choices, STATUS_WORDS), get=lambda d: d.status
        ),
    ]
    columns = {"user_name": "user", "release_id": "os", "__all__": "name"}

    def key(self, values):
        return _key(values["name"])

    def export_queryset(self, user):
        return Device.objects.visible_to(user).select_related("unit").order_by("name")

    def _caches(self, ctx: Context):
        if "devices" not in ctx.cache:
            ctx.cache["devices"] = {
                _key(d.name): d for d in Device.objects.filter(organisation=ctx.organisation)
            }
            units: dict[str, OrgUnit] = {}
            all_units = list(OrgUnit.objects.filter(organisation=ctx.organisation))
            for unit in all_units:
                units.setdefault(_key(unit.code), unit)
            for unit in all_units:
                units.setdefault(_key(unit.name), unit)
            ctx.cache["device_units"] = units
            ctx.cache["resolver"] = Resolver(ctx.organisation)
        return ctx.cache["devices"], ctx.cache["device_units"], ctx.cache["resolver"]

    def process(self, rows: list[Row], ctx: Context) -> None:
        devices, units, resolver = self._caches(ctx)
        for row in rows:
            values = row.values
            unit = units.get(_key(values["unit"]))
            if unit is None:
                ctx.reject(row, "unit", _("No such unit: %(name)s") % {"name": values["unit"]})
                continue
            data: dict[str, Any] = {"unit": unit}
            for column, field_name in (
                ("type", "type"),
                ("user", "user_name"),
                ("os", "os"),
                ("serial", "serial"),
                ("purchased_on", "purchased_on"),
                ("disposed_on", "disposed_on"),
                ("status", "status"),
            ):
                if column not in values:
                    continue
                value = values[column]
                if value is None and field_name in ("user_name", "os", "serial"):
                    value = ""
                if value is None and field_name in ("type", "status"):
                    continue
                data[field_name] = value
            if data.get("disposed_on") and "status" not in data:
                data["status"] = DeviceStatus.DISPOSED
            existing = devices.get(_key(values["name"]))
            try:
                device = ctx.upsert(
                    existing,
                    data,
                    update=partial(services.device_update, device=existing, resolver=resolver),
                    create=partial(
                        services.device_create,
                        organisation=ctx.organisation,
                        name=values["name"],
                        resolver=resolver,
                        **data,
                    ),
                )
                devices[_key(device.name)] = device
            except ValidationError as exc:
                columns = dict(self.columns)
                if "disposed_on" not in row.raw:  # "disposed" without a date: the status says so
                    columns["disposed_on"] = "status"
                ctx.reject_validation(row, exc, columns)
            except PermissionDenied as exc:
                ctx.reject(row, "unit", str(exc) or _("You may not keep devices of this unit."))


def register_kinds() -> None:
    register(DeviceImport())
