"""Import (and export) kinds of SAM: devices, installations, normalisation rules, licences."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core.exports import iso
from daicho.core.importing import values as v
from daicho.core.importing.engine import Context, Field, Kind, Row, header_key, register
from daicho.core.importing.keys import text_key
from daicho.core.importing.refs import unit_resolver
from daicho.lifecycle.matching import Resolver
from daicho.sam import services
from daicho.sam.models import (
    Device,
    DeviceStatus,
    DeviceType,
    Installation,
    Licence,
    LicenceMetric,
    LicenceType,
    NormalisationRule,
    SoftwareTitle,
)

_key = text_key  # names as keys compare them (NFKC, case, spaces), as in the other areas


class DeviceImport(Kind):
    """Devices: upsert by device name in the organisation; the unit by code or name.

    Natural key: 機器名 (unique in the organisation)."""

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
            example="PC-SHIMIN-0001",
        ),
        Field(
            "type",
            "種別",
            v.choice(DeviceType.choices, synonyms="devices.type"),
            get=lambda d: d.type,
            example="ノートPC",
        ),
        Field(
            "unit", "所属", v.text(200), required=True, get=lambda d: d.unit.code, example="市民課"
        ),
        Field("user", "利用者", v.text(100), get=lambda d: d.user_name, example="山田 太郎"),
        Field("os", "OS", v.text(200), get=lambda d: d.os, example="Windows 11 Pro"),
        Field("serial", "シリアル番号", v.text(100), get=lambda d: d.serial, example="5CG3251ABC"),
        Field(
            "purchased_on",
            "購入日",
            v.date,
            get=lambda d: iso(d.purchased_on),
            fmt="date",
            example="2023-09-01",
        ),
        Field("disposed_on", "廃棄日", v.date, get=lambda d: iso(d.disposed_on), fmt="date"),
        Field(
            "status",
            "状態",
            v.choice(DeviceStatus.choices, synonyms="devices.status"),
            get=lambda d: d.status,
            example="使用中",
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
            ctx.cache["resolver"] = Resolver(ctx.organisation)
        return ctx.cache["devices"], ctx.cache["resolver"]

    def process(self, rows: list[Row], ctx: Context) -> None:
        devices, resolver = self._caches(ctx)
        units = unit_resolver(ctx)
        for row in rows:
            values = row.values
            unit = units.find(row, "unit", values["unit"])
            if unit is None:
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
                    row=row,
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


class InstallationImport(Kind):
    """Installed software per device; a file is a snapshot of the devices it names.

    Natural key: 機器名 — the device's rows replace its installations as a whole (a snapshot
    equal to the last one leaves them as they were)."""

    name = "installations"
    title = gettext_lazy("Installations")
    # Audited per batch, not per row: the snapshots a batch replaced are kept (installations.
    # Loader) and put back by roll_back().
    fields = [
        Field(
            "device",
            "機器名",
            v.text(100),
            required=True,
            aliases=("ホスト名", "コンピュータ名", "コンピューター名", "pscomputername"),
            get=lambda i: i.device.name,
            example="PC-SHIMIN-0001",
        ),
        Field(
            "software",
            "ソフトウェア名",
            v.text(300),
            required=True,
            aliases=("displayname", "製品名", "ソフトウェア", "package"),
            get=lambda i: i.raw_name,
            example="Microsoft Office Standard 2021",
        ),
        Field(
            "version",
            "バージョン",
            v.text(100),
            aliases=("displayversion",),
            get=lambda i: i.raw_version,
            example="16.0.14332.20358",
        ),
        Field(
            "publisher",
            "発行元",
            v.text(200),
            aliases=("publisher", "メーカー"),
            get=lambda i: i.publisher,
            example="Microsoft Corporation",
        ),
        Field(
            "installed_on",
            "インストール日",
            v.date,
            aliases=("installdate", "インストール日時"),
            get=lambda i: iso(i.installed_on),
            fmt="date",
            example="2023-09-05",
        ),
        Field(
            "unit",
            "所属",
            v.text(200),
            get=lambda i: i.device.unit.code,
            help=gettext_lazy(
                "The device's unit (code, 部局/課 path or name): a device the ledger lacks is "
                "created in it, one it has is moved to it."
            ),
            example="市民課",
        ),
        Field(
            "user",
            "使用者",
            v.text(100),
            get=lambda i: i.device.user_name,
            help=gettext_lazy("The device's user: updates the device."),
            example="山田 太郎",
        ),
    ]

    def export_queryset(self, user):
        return (
            Installation.objects.visible_to(user)
            .select_related("device", "device__unit")
            .order_by("device__name", "raw_name", "pk")
        )

    def header_columns(self) -> set[str]:
        # A one-device table (Programs and Features, PowerShell) has no device column.
        return {"software"}

    def open(self, source, *, name, sheet, encoding, mapping=None, device=None, header_test=None):
        from daicho.sam import formats

        return formats.open_installations(
            source,
            names=self.header_names(),
            name=name,
            sheet=sheet,
            encoding=encoding,
            mapping=mapping,
            device=device,
            header_test=header_test,
        )

    def rollback_blockers(self, batch) -> list[str]:
        """An installations import can be rolled back while it is its devices' latest, and no
        other inventory uses a title it created."""
        from daicho.sam.installations import loaded_devices_blocking
        from daicho.sam.models import InstallationLoad

        load = InstallationLoad.objects.filter(batch_id=batch.batch_id).first()
        if load is None:
            return [
                _(
                    "This import kept no copy of the inventories it replaced (it was made by "
                    "an earlier version); import the previous file again instead."
                )
            ]
        later = loaded_devices_blocking(load)
        if later:
            from daicho.core.models import ImportBatch

            files = dict(
                ImportBatch.objects.filter(batch_id__in={b for _d, b in later}).values_list(
                    "batch_id", "file_name"
                )
            )
            return [
                _(
                    "A later import loaded the inventory of %(devices)s again (%(files)s); only "
                    "the latest import of a device can be rolled back."
                )
                % {
                    "devices": "、".join(sorted({d for d, _b in later})[:10]),
                    "files": "、".join(sorted({files.get(b, b[:8]) for _d, b in later})),
                }
            ]
        used = self._titles_used_elsewhere(batch, load)
        if used:
            return [
                _(
                    "Software titles this import created are used since by other inventories "
                    "or licences: %(titles)s."
                )
                % {"titles": "、".join(used[:10])}
            ]
        return []

    @staticmethod
    def _titles_used_elsewhere(batch, load) -> list[str]:
        from django.contrib.contenttypes.models import ContentType

        from daicho.core.models import AuditEvent
        from daicho.sam.models import LoadedDevice

        created = AuditEvent.objects.filter(
            request_id=batch.batch_id,
            action="create",
            content_type=ContentType.objects.get_for_model(SoftwareTitle),
        ).values_list("object_id", flat=True)
        ids = [int(pk) for pk in created]
        if not ids:
            return []
        mine = LoadedDevice.objects.filter(load=load).values("device_id")
        used = set(
            Installation.objects.filter(title_id__in=ids)
            .exclude(device_id__in=mine)
            .values_list("title_id", flat=True)
            .distinct()
        ) | set(Licence.objects.filter(title_id__in=ids).values_list("title_id", flat=True))
        return sorted(str(t) for t in SoftwareTitle.objects.filter(pk__in=used))

    def roll_back(self, batch) -> int:
        """Put back the inventories the batch replaced (one audit event for the batch); the
        devices and titles it created or changed are undone from their own events after."""
        from daicho.core import audit
        from daicho.core.audit import Action
        from daicho.sam.installations import load_roll_back
        from daicho.sam.models import InstallationLoad

        load = InstallationLoad.objects.select_for_update().get(batch_id=batch.batch_id)
        before = audit.snapshot(load)
        devices, removed, restored = load_roll_back(load)
        load.rolled_back_at = timezone.now()
        load.save(update_fields=["rolled_back_at"])
        audit.record(
            action=Action.UPDATE,
            obj=load,
            before=before,
            after=audit.snapshot(load),
            message=(
                _(
                    "Rollback of import %(batch)s (%(file)s): the inventories of %(devices)d "
                    "devices put back (%(removed)d installations removed, %(restored)d restored)."
                )
                % {
                    "batch": batch.batch_id,
                    "file": batch.file_name,
                    "devices": devices,
                    "removed": removed,
                    "restored": restored,
                }
            )[:500],
        )
        if restored:
            # The rows come back as they were named then: name them by today's rules.
            services.installations_renormalise(organisation=batch.organisation)
        return devices

    def process_table(self, reader, columns, ctx, progress) -> None:
        from daicho.sam.installations import Loader

        loader = Loader(ctx)
        loader.load(reader.records(), reader.headers, columns)
        for number, where, message in getattr(reader, "problems", []):
            ctx.reject(number, "software", f"{where}: {message}", where)
        if progress:
            progress(loader.inserted + ctx.counts["rejected"])


class RuleImport(Kind):
    """Normalisation rules of the organisation: upsert by pattern (and publisher pattern).

    Natural key: パターン + 発行元 (as written)."""

    name = "normalisation-rules"
    title = gettext_lazy("Normalisation rules")
    fields = [
        Field(
            "pattern",
            "パターン",
            v.text(300),
            required=True,
            aliases=("正規表現",),
            get=lambda r: r.pattern,
            example="Microsoft Office Standard 2021*",
        ),
        Field(
            "publisher",
            "発行元",
            v.text(200),
            get=lambda r: r.publisher_pattern,
            example="Microsoft*",
        ),
        Field(
            "title",
            "タイトル",
            v.text(200),
            required=True,
            aliases=("製品名",),
            get=lambda r: r.title,
            example="Office Standard 2021",
        ),
        Field("edition", "エディション", v.text(100), get=lambda r: r.edition, example="Standard"),
        Field("version", "バージョン", v.text(50), get=lambda r: r.version, example="2021"),
        Field("free", "無償", v.boolean, aliases=("フリー",), get=lambda r: r.free, example="なし"),
        Field("priority", "優先順位", v.integer, get=lambda r: r.priority, example="100"),
    ]
    columns = {"publisher_pattern": "publisher", "__all__": "pattern"}

    def key(self, values):
        return (values["pattern"], values.get("publisher") or "")

    def export_queryset(self, user):
        return NormalisationRule.objects.visible_to(user).order_by("priority", "pk")

    def process(self, rows: list[Row], ctx: Context) -> None:
        if "rules" not in ctx.cache:
            ctx.cache["rules"] = {
                (r.pattern, r.publisher_pattern): r
                for r in NormalisationRule.objects.filter(organisation=ctx.organisation)
            }
        rules = ctx.cache["rules"]
        for row in rows:
            values = row.values
            data = {
                "title": values["title"],
                "edition": values.get("edition") or "",
                "version": values.get("version") or "",
            }
            if values.get("free") is not None:
                data["free"] = values["free"]
            if values.get("priority") is not None:
                data["priority"] = values["priority"]
            key = (values["pattern"], values.get("publisher") or "")
            existing = rules.get(key)
            unchanged = ctx.counts["unchanged"]
            try:
                rule = ctx.upsert(
                    existing,
                    data,
                    row=row,
                    update=partial(services.rule_update, rule=existing),
                    create=partial(
                        services.rule_create,
                        organisation=ctx.organisation,
                        pattern=key[0],
                        publisher_pattern=key[1],
                        **data,
                    ),
                )
                rules[key] = rule
                if ctx.counts["unchanged"] == unchanged:  # created or updated
                    ctx.cache["rules_changed"] = True
            except ValidationError as exc:
                ctx.reject_validation(row, exc, self.columns)
            except PermissionDenied as exc:
                ctx.reject(row, "", str(exc))
        if ctx.cache.pop("rules_changed", False) and not ctx.counts["rejected"]:
            # Installations already loaded take the new rules at once.
            services.installations_renormalise(organisation=ctx.organisation)


# What licence ledgers write in 管理部門 for licences bought for the whole organisation: held
# organisation-wide (no unit), as an empty cell is, so they cover every unit's devices.
ORGANISATION_WIDE = frozenset({"全庁", "全庁共通", "全体", "共通", "組織全体", "全部署", "全所属"})


class LicenceImport(Kind):
    """Licences (entitlements): upsert by certificate number when given, else by what makes
    the licence (title, edition, version, unit, metric, validity): importing a file twice
    changes nothing.

    Natural key: 証書番号; a row without one, ソフトウェア名 + エディション + バージョン + 管理部門
    + 単位 + 開始日 + 有効期限."""

    name = "licences"
    title = gettext_lazy("Licences")
    fields = [
        Field(
            "software",
            "ソフトウェア名",
            v.text(200),
            required=True,
            aliases=("製品名",),
            get=lambda li: li.title.name,
            example="Office Standard 2021",
        ),
        Field(
            "edition",
            "エディション",
            v.text(100),
            get=lambda li: li.title.edition,
            example="Standard",
        ),
        Field("version", "バージョン", v.text(50), get=lambda li: li.version, example="2021"),
        Field(
            "metric",
            "単位",
            v.choice(LicenceMetric.choices, synonyms="licences.metric"),
            get=lambda li: li.metric,
            example="端末",
        ),
        Field(
            "quantity",
            "数量",
            v.integer,
            aliases=("ライセンス数",),
            get=lambda li: li.quantity,
            example="120",
        ),
        Field(
            "type",
            "種別",
            v.choice(LicenceType.choices, synonyms="licences.type"),
            get=lambda li: li.type,
            example="ボリューム",
        ),
        Field(
            "valid_from",
            "開始日",
            v.date,
            get=lambda li: iso(li.valid_from),
            fmt="date",
            example="2023-09-01",
        ),
        Field(
            "valid_until",
            "有効期限",
            v.open_date,
            aliases=("終了日",),
            get=lambda li: iso(li.valid_until),
            fmt="date",
        ),
        Field(
            "downgrade_rights",
            "ダウングレード権",
            v.boolean,
            get=lambda li: li.downgrade_rights,
            example="あり",
        ),
        Field(
            "unit",
            "管理部門",
            v.text(200),
            get=lambda li: li.unit.code if li.unit else "",
            example="市民課",
            help=gettext_lazy(
                "The unit whose devices the licences cover (and its sections); empty or 全庁: "
                "the whole organisation."
            ),
        ),
        Field(
            "certificate",
            "証書番号",
            v.text(100),
            aliases=("ライセンス番号",),
            get=lambda li: li.certificate,
            example="V1234567",
        ),
        Field(
            "unit_price", "単価", v.yen(), get=lambda li: li.unit_price, fmt="yen", example="45000"
        ),
        Field(
            "publisher",
            "発行元",
            v.text(200),
            get=lambda li: li.title.publisher,
            example="Microsoft",
        ),
    ]
    columns = {"title": "software", "unit_price": "unit_price", "__all__": "certificate"}

    def key(self, values):
        """The certificate number when given, else the licence's natural key as written."""
        if values.get("certificate"):
            return ("cert", _key(values["certificate"]))
        return (
            "licence",
            _key(values["software"]),
            _key(values.get("edition")),
            _key(values.get("version")),
            _key(values.get("unit")),
            values.get("metric") or LicenceMetric.DEVICE,
            values.get("valid_from"),
            values.get("valid_until"),
        )

    @staticmethod
    def natural_key(licence_or_data) -> tuple:
        """What makes a licence without a certificate number the same licence: its title (and
        so edition), version, unit, metric and validity."""
        get = (
            licence_or_data.get
            if isinstance(licence_or_data, dict)
            else partial(getattr, licence_or_data)
        )
        title, unit = get("title"), get("unit")
        return (
            title.pk,
            _key(get("version")),
            unit.pk if unit else None,
            get("metric") or LicenceMetric.DEVICE,
            get("valid_from"),
            get("valid_until"),
        )

    def export_queryset(self, user):
        return (
            Licence.objects.visible_to(user)
            .select_related("title", "unit")
            .order_by("title__name", "version", "pk")
        )

    def _caches(self, ctx: Context):
        if "licences" not in ctx.cache:
            from daicho.sam.normalisation import Normaliser

            by_certificate: dict[str, Licence] = {}
            by_key: dict[tuple, list[Licence]] = {}
            for licence in (
                Licence.objects.filter(organisation=ctx.organisation)
                .select_related("title", "unit")
                .order_by("pk")
            ):
                self._remember(licence, by_certificate, by_key)
            ctx.cache["licences"] = (by_certificate, by_key)
            ctx.cache["titles"] = {}
            for title in SoftwareTitle.objects.filter(organisation=ctx.organisation):
                ctx.cache["titles"].setdefault((_key(title.name), _key(title.edition)), title)
            ctx.cache["title_of"] = {}  # the name and edition as written -> (title, version)
            ctx.cache["normaliser"] = Normaliser(ctx.organisation)
        return ctx.cache["licences"], ctx.cache["titles"], ctx.cache["normaliser"]

    def _remember(self, licence: Licence, by_certificate: dict, by_key: dict) -> None:
        if licence.certificate:
            by_certificate.setdefault(_key(licence.certificate), licence)
        entries = by_key.setdefault(self.natural_key(licence), [])
        if licence not in entries:
            entries.append(licence)

    @staticmethod
    def _match(entries: list[Licence], *, certified: bool) -> Licence | None:
        """The licence a row without (or with a new) certificate number is: the oldest one
        without a number; a row without a number also takes one that has a number."""
        for licence in entries:
            if not licence.certificate:
                return licence
        if not certified:
            return entries[0] if entries else None
        return None

    def _title(self, values, ctx, titles, normaliser):
        name, edition = values["software"], values.get("edition") or ""
        written = (_key(name), _key(edition), _key(values.get("version")))
        known = ctx.cache["title_of"].get(written)
        if known is not None:
            return known
        title = titles.get((_key(name), _key(edition)))
        if title is not None:
            return title, ""
        found = normaliser(" ".join(p for p in (name, edition, values.get("version") or "") if p))
        if found.matched:
            title = titles.get((_key(found.title), _key(found.edition)))
            if title is not None:
                ctx.cache["title_of"][written] = (title, found.version)
                return title, found.version
        title = services.title_create(
            organisation=ctx.organisation,
            publisher=values.get("publisher") or (found.publisher if found.matched else ""),
            name=found.title if found.matched and not edition else name,
            edition=found.edition if found.matched and not edition else edition,
            free=False,
        )
        titles[(_key(title.name), _key(title.edition))] = title
        ctx.created("titles", str(title))
        result = (title, found.version if found.matched else "")
        ctx.cache["title_of"][written] = result
        return result

    def process(self, rows: list[Row], ctx: Context) -> None:
        (by_certificate, by_key), titles, normaliser = self._caches(ctx)
        units = unit_resolver(ctx)
        for row in rows:
            values = row.values
            unit = None
            if values.get("unit") and header_key(values["unit"]) not in ORGANISATION_WIDE:
                unit = units.find(row, "unit", values["unit"])
                if unit is None:
                    continue
            try:
                title, version = self._title(values, ctx, titles, normaliser)
            except ValidationError as exc:
                ctx.reject_validation(row, exc, {"name": "software", "edition": "edition"})
                continue
            except PermissionDenied as exc:
                ctx.reject(row, "software", str(exc))
                continue
            data: dict[str, Any] = {
                "title": title,
                "unit": unit,
                "version": values.get("version") or version,
            }
            for column in (
                "metric",
                "quantity",
                "type",
                "valid_from",
                "valid_until",
                "downgrade_rights",
                "unit_price",
            ):
                if column in values and values[column] is not None:
                    data[column] = values[column]
            certificate = values.get("certificate")
            if certificate:
                data["certificate"] = certificate
                existing = by_certificate.get(_key(certificate))
            else:
                existing = None
            if existing is None:
                existing = self._match(
                    by_key.get(self.natural_key(data), []), certified=bool(certificate)
                )
            try:
                licence = ctx.upsert(
                    existing,
                    data,
                    row=row,
                    update=partial(services.licence_update, licence=existing),
                    create=partial(services.licence_create, organisation=ctx.organisation, **data),
                )
                self._remember(licence, by_certificate, by_key)
            except ValidationError as exc:
                ctx.reject_validation(row, exc, self.columns)
            except PermissionDenied as exc:
                ctx.reject(row, "unit", str(exc) or _("You may not keep licences of this unit."))


def register_kinds() -> None:
    register(DeviceImport())
    register(InstallationImport())
    register(RuleImport())
    register(LicenceImport())
