"""Import (and export) kinds of the infrastructure ledger: servers, cloud services, VDI seats,
system components."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core.exports import iso
from daicho.core.importing import values as v
from daicho.core.importing.engine import Context, Field, Kind, Row, differences, register
from daicho.core.importing.keys import text_key
from daicho.core.importing.rows import write
from daicho.infra import selectors, services
from daicho.infra.models import (
    CloudService,
    Server,
    ServerKind,
    ServiceModel,
    Site,
    SiteKind,
    SoftwareComponent,
    VdiPool,
    VdiUsage,
)
from daicho.lifecycle.matching import Resolver
from daicho.registry.importers import system_columns_check, system_lookup, system_named

_key = text_key  # codes and names as keys compare them (NFKC, case, spaces)


def _resolver(ctx: Context) -> Resolver:
    if "resolver" not in ctx.cache:
        ctx.cache["resolver"] = Resolver(ctx.organisation)
    return ctx.cache["resolver"]


def _system(ctx: Context, row: Row, column: str = "system") -> tuple[bool, Any]:
    """(ok, system or None) for the row's system column."""
    text = row.values.get(column)
    if not text:
        return True, None
    system = system_lookup(ctx).get(_key(text))
    if system is None:
        ctx.reject(row, column, _("No such system: %(system)s") % {"system": text})
        return False, None
    return True, system


# --- servers ------------------------------------------------------------------------------------


class ServerImport(Kind):
    """Physical servers, virtualization hosts and VMs: upsert by name in the organisation.

    Hosts come before their VMs in the same file or already exist. A changed host or site is
    recorded in the placement history from --effective (default today).

    Natural key: 名称 (a server's name is unique in the organisation).
    """

    name = "servers"
    title = gettext_lazy("Servers")
    fields = [
        Field(
            "name",
            "名称",
            v.text(100),
            required=True,
            aliases=("サーバ名",),
            get=lambda s: s.name,
            example="SV-JUKI-01",
        ),
        Field(
            "kind",
            "種別",
            v.choice(ServerKind.choices, synonyms="servers.kind"),
            required=True,
            get=lambda s: s.kind,
            example="物理サーバ",
        ),
        Field("host", "収容ホスト", v.text(100), get=lambda s: s.host.name if s.host else None),
        Field(
            "cluster", "クラスタ", v.text(100), get=lambda s: s.cluster.name if s.cluster else None
        ),
        Field("os", "OS", v.text(200), get=lambda s: s.os, example="Windows Server 2022 Standard"),
        Field(
            "system",
            "システムID",
            v.text(200),
            get=lambda s: s.system.code if s.system else None,
            example="S0001",
        ),
        Field(
            "site",
            "設置場所",
            v.text(200),
            get=lambda s: s.site.name if s.site else None,
            example="本庁舎サーバ室",
        ),
        Field(
            "cores",
            "CPUコア数",
            v.integer,
            aliases=("vcpu", "コア数"),
            get=lambda s: s.cores,
            example="16",
        ),
        Field(
            "memory",
            "メモリ（GB）",
            v.gigabytes,
            aliases=("memory_gb", "メモリ"),
            get=lambda s: s.memory_gb,
            example="64",
        ),
        Field(
            "storage",
            "ストレージ（GB）",
            v.gigabytes,
            aliases=("storage_gb", "ストレージ"),
            get=lambda s: s.storage_gb,
            example="2000",
        ),
        Field(
            "purchased_on",
            "購入日",
            v.date,
            get=lambda s: iso(s.purchased_on),
            fmt="date",
            example="2022-03-15",
        ),
        Field(
            "lease_end",
            "リース満了日",
            v.date,
            get=lambda s: iso(s.lease_end),
            fmt="date",
            example="2027-03-31",
        ),
        Field(
            "in_service_on",
            "稼働開始日",
            v.date,
            get=lambda s: iso(s.in_service_on),
            fmt="date",
            example="2022-04-01",
        ),
        Field("retired_on", "廃止日", v.date, get=lambda s: iso(s.retired_on), fmt="date"),
        Field("note", "備考", v.text(), get=lambda s: s.note, example="5年リース"),
    ]
    columns = {
        "memory_gb": "memory",
        "storage_gb": "storage",
        "release_id": "os",
        "__all__": "name",
    }
    plain = ("os", "cores", "purchased_on", "lease_end", "in_service_on", "retired_on", "note")

    def key(self, values):
        return _key(values["name"])

    def export_queryset(self, user):
        return selectors.server_list(user=user).order_by("kind", "name")

    def _caches(self, ctx: Context):
        if "servers" not in ctx.cache:
            ctx.cache["servers"] = {
                _key(s.name): s for s in Server.objects.filter(organisation=ctx.organisation)
            }
            sites = {}
            for site in Site.objects.filter(organisation=ctx.organisation):
                sites.setdefault(_key(site.code), site)
                sites.setdefault(_key(site.name), site)
            ctx.cache["sites"] = sites
            ctx.cache["clusters"] = {_key(c.name): c for c in ctx.organisation.clusters.all()}
        return ctx.cache["servers"], ctx.cache["sites"], ctx.cache["clusters"]

    def process(self, rows: list[Row], ctx: Context) -> None:
        servers, sites, clusters = self._caches(ctx)
        for row in rows:
            values = row.values
            ok, system = _system(ctx, row)
            if not ok:
                continue
            data: dict[str, Any] = {"system": system} if "system" in values else {}
            if values.get("host"):
                host = servers.get(_key(values["host"]))
                if host is None:
                    ctx.reject(
                        row,
                        "host",
                        _("No such host: %(host)s (list hosts before their VMs).")
                        % {"host": values["host"]},
                    )
                    continue
                data["host"] = host
            elif "host" in values:
                data["host"] = None
            if values.get("site"):
                site = sites.get(_key(values["site"]))
                if site is None and not ctx.may_create("sites"):
                    ctx.refuse_missing(row, "site", "sites", values["site"])
                    continue
                if site is None:
                    site = write(
                        ctx,
                        row,
                        columns={"name": "site", "code": "site"},
                        action=partial(
                            services.site_create,
                            organisation=ctx.organisation,
                            code=f"SITE{len(sites) + 1:02d}",
                            name=values["site"],
                            kind=SiteKind.OFFICE,
                        ),
                    )
                    if site is None:
                        continue
                    sites[_key(site.name)] = sites[_key(site.code)] = site
                    ctx.created("sites", site.name)
                data["site"] = site
            elif "site" in values:
                data["site"] = None
            if values.get("cluster"):
                cluster = clusters.get(_key(values["cluster"]))
                if cluster is None and not ctx.may_create("clusters"):
                    ctx.refuse_missing(row, "cluster", "clusters", values["cluster"])
                    continue
                if cluster is None:
                    cluster = write(
                        ctx,
                        row,
                        columns={"name": "cluster"},
                        action=partial(
                            services.cluster_create,
                            organisation=ctx.organisation,
                            name=values["cluster"],
                        ),
                    )
                    if cluster is None:
                        continue
                    clusters[_key(cluster.name)] = cluster
                    ctx.created("clusters", cluster.name)
                data["cluster"] = cluster
            elif "cluster" in values:
                data["cluster"] = None
            for column in self.plain:
                if column in values:
                    data[column] = (
                        values[column]
                        if values[column] is not None
                        else ("" if column in ("os", "note") else None)
                    )
            if "memory" in values:
                data["memory_gb"] = values["memory"]
            if "storage" in values:
                data["storage_gb"] = values["storage"]
            data["kind"] = values["kind"]
            existing = servers.get(_key(values["name"]))
            if existing is not None and "os" in data and data["os"] == existing.os:
                del data["os"]
            server = write(
                ctx,
                row,
                columns=self.columns,
                action=partial(
                    ctx.upsert,
                    existing,
                    data,
                    row=row,
                    update=partial(
                        services.server_update,
                        server=existing,
                        effective_on=ctx.effective,
                        resolver=_resolver(ctx),
                    ),
                    create=partial(
                        services.server_create,
                        organisation=ctx.organisation,
                        name=values["name"],
                        resolver=_resolver(ctx),
                        **data,
                    ),
                ),
            )
            if server is not None:
                servers[_key(server.name)] = server


# --- cloud services -----------------------------------------------------------------------------


class CloudServiceImport(Kind):
    """Cloud services and the systems on them: upsert by name.

    Natural key: サービス名.
    """

    name = "cloud-services"
    title = gettext_lazy("Cloud services")
    fields = [
        Field(
            "name",
            "サービス名",
            v.text(200),
            required=True,
            get=lambda c: c.name,
            example="ガバメントクラウド（AWS）",
        ),
        Field(
            "provider",
            "提供事業者",
            v.text(200),
            required=True,
            get=lambda c: c.provider,
            example="アマゾン ウェブ サービス ジャパン合同会社",
        ),
        Field(
            "service_model",
            "サービス形態",
            v.choice(ServiceModel.choices, synonyms="cloud-services.service_model"),
            required=True,
            get=lambda c: c.service_model,
            example="IaaS",
        ),
        Field(
            "government_cloud",
            "ガバメントクラウド",
            v.boolean,
            get=lambda c: c.government_cloud,
            example="あり",
        ),
        Field(
            "systems",
            "システムID",
            v.text(),
            help="system IDs separated by commas",
            get=lambda c: ",".join(s.code for s in c.systems.all()),
            example="S0001",
        ),
        Field(
            "started_on",
            "利用開始日",
            v.date,
            get=lambda c: iso(c.started_on),
            fmt="date",
            example="2025-01-06",
        ),
        Field("ended_on", "利用終了日", v.open_date, get=lambda c: iso(c.ended_on), fmt="date"),
        Field(
            "annual_cost",
            "年額（円）",
            v.yen(),
            get=lambda c: c.annual_cost,
            fmt="yen",
            example="6000000",
        ),
        Field("note", "備考", v.text(), get=lambda c: c.note, example="標準準拠システムの移行先"),
    ]

    def key(self, values):
        return _key(values["name"])

    def export_queryset(self, user):
        return CloudService.objects.visible_to(user).prefetch_related("systems").order_by("name")

    def process(self, rows: list[Row], ctx: Context) -> None:
        if "clouds" not in ctx.cache:
            ctx.cache["clouds"] = {
                _key(c.name): c for c in CloudService.objects.filter(organisation=ctx.organisation)
            }
        clouds = ctx.cache["clouds"]
        for row in rows:
            values = row.values
            systems = None
            if "systems" in values:
                systems = []
                for code in filter(
                    None,
                    (c.strip() for c in (values["systems"] or "").replace("、", ",").split(",")),
                ):
                    system = system_lookup(ctx).get(_key(code))
                    if system is None:
                        ctx.reject(
                            row, "systems", _("No such system: %(system)s") % {"system": code}
                        )
                        break
                    systems.append(system)
                if ctx.is_rejected(row):
                    continue
            data = {
                k: values[k]
                for k in ("provider", "service_model", "started_on", "ended_on", "annual_cost")
                if k in values
            }
            if "government_cloud" in values:
                data["government_cloud"] = bool(values["government_cloud"])
            if "note" in values:
                data["note"] = values["note"] or ""
            existing = clouds.get(_key(values["name"]))
            if existing is None:
                service = write(
                    ctx,
                    row,
                    columns={},
                    action=partial(
                        services.cloud_service_create,
                        organisation=ctx.organisation,
                        name=values["name"],
                        systems=systems or [],
                        **data,
                    ),
                )
                if service is not None:
                    ctx.count_created(row, service)
                    clouds[_key(service.name)] = service
                continue
            before, after = differences(existing, data, {"systems": systems})
            if not after:
                ctx.counts["unchanged"] += 1
                continue
            label = str(existing)
            if write(
                ctx,
                row,
                columns={},
                action=partial(
                    services.cloud_service_update,
                    service=existing,
                    data={k: val for k, val in after.items() if k in data},
                    systems=after.get("systems"),
                ),
            ):
                ctx.count_updated(row, existing, before, after, label=label)


# --- VDI ----------------------------------------------------------------------------------------


class VdiImport(Kind):
    """Seats in use per VDI pool and date (the pool is created when new).

    Natural key: プール名 + 計測日.
    """

    name = "vdi"
    title = gettext_lazy("Virtual desktops (seats in use)")
    fields = [
        Field(
            "pool",
            "プール名",
            v.text(100),
            required=True,
            get=lambda u: u.pool.name,
            example="職員用VDI",
        ),
        Field(
            "measured_on",
            "計測日",
            v.date,
            required=True,
            get=lambda u: iso(u.measured_on),
            fmt="date",
            example="2024-10-01",
        ),
        Field(
            "seats_in_use",
            "利用数",
            v.integer,
            required=True,
            get=lambda u: u.seats_in_use,
            example="850",
        ),
        Field("capacity", "提供数", v.integer, get=lambda u: u.pool.capacity, example="1000"),
    ]

    def key(self, values):
        return (_key(values["pool"]), values["measured_on"])

    def export_queryset(self, user):
        return (
            VdiUsage.objects.filter(pool__in=VdiPool.objects.visible_to(user))
            .select_related("pool")
            .order_by("pool__name", "measured_on")
        )

    def process(self, rows: list[Row], ctx: Context) -> None:
        if "pools" not in ctx.cache:
            ctx.cache["pools"] = {
                _key(p.name): p for p in VdiPool.objects.filter(organisation=ctx.organisation)
            }
        pools = ctx.cache["pools"]
        for row in rows:
            values = row.values
            if values["seats_in_use"] < 0:
                ctx.reject(row, "seats_in_use", _("Seats cannot be negative."))
                continue
            pool = pools.get(_key(values["pool"]))
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            if pool is None:
                pool = write(
                    ctx,
                    row,
                    columns={"name": "pool"},
                    action=partial(
                        services.vdi_pool_create,
                        organisation=ctx.organisation,
                        name=values["pool"],
                        capacity=values.get("capacity"),
                    ),
                )
                if pool is None:
                    continue
                pools[_key(pool.name)] = pool
            elif values.get("capacity") is not None and values["capacity"] != pool.capacity:
                before["pool__capacity"] = pool.capacity
                after["pool__capacity"] = values["capacity"]
                if (
                    write(
                        ctx,
                        row,
                        columns={},
                        action=partial(
                            services.vdi_pool_update,
                            pool=pool,
                            data={"capacity": values["capacity"]},
                        ),
                    )
                    is None
                ):
                    continue
            if values.get("capacity") is not None and values["seats_in_use"] > values["capacity"]:
                ctx.reject(
                    row,
                    "seats_in_use",
                    _("More seats in use (%(used)d) than the pool provides (%(capacity)d).")
                    % {"used": values["seats_in_use"], "capacity": values["capacity"]},
                )
                continue
            existing = VdiUsage.objects.filter(pool=pool, measured_on=values["measured_on"]).first()
            if existing is not None:
                label = str(existing)
                if existing.seats_in_use != values["seats_in_use"]:
                    before["seats_in_use"] = existing.seats_in_use
                    after["seats_in_use"] = values["seats_in_use"]
                if not after:
                    ctx.counts["unchanged"] += 1
                    continue
                if "seats_in_use" not in after:  # only the pool's capacity changed
                    ctx.count_updated(row, existing, before, after, label=label)
                    continue
            usage = write(
                ctx,
                row,
                columns={},
                action=partial(
                    services.vdi_usage_record,
                    pool=pool,
                    measured_on=values["measured_on"],
                    seats_in_use=values["seats_in_use"],
                ),
            )
            if usage and existing:
                ctx.count_updated(row, usage, before, after, label=label)
            elif usage:
                ctx.count_created(row, usage)


# --- system components ----------------------------------------------------------------------------


class ComponentImport(Kind):
    """Software a system is built on: upsert by system + server + product as written.

    Natural key: システムID (or システム名) + サーバ (blank: none) + 製品名.
    """

    name = "components"
    title = gettext_lazy("System components")
    fields = [
        Field(
            "system",
            "システムID",
            v.text(200),
            get=lambda c: c.system.code,
            example="S0001",
        ),
        Field("system_name", "システム名", v.text(200)),  # a list kept by system name
        Field(
            "product",
            "製品名",
            v.text(200),
            required=True,
            get=lambda c: c.name,
            example="Windows Server 2022",
        ),
        Field(
            "server",
            "サーバ",
            v.text(100),
            get=lambda c: c.server.name if c.server else None,
            example="SV-JUKI-01",
        ),
        Field("role", "用途", v.text(100), get=lambda c: c.role, example="アプリケーションサーバ"),
    ]

    def check(self, headers):
        return system_columns_check(headers)

    def key(self, values):
        return (_key(system_named(values)), _key(values.get("server")), _key(values["product"]))

    def export_queryset(self, user):
        return (
            SoftwareComponent.objects.visible_to(user)
            .select_related("system", "server")
            .order_by("system__code", "name")
        )

    def process(self, rows: list[Row], ctx: Context) -> None:
        if "component_servers" not in ctx.cache:
            ctx.cache["component_servers"] = {
                _key(s.name): s for s in Server.objects.filter(organisation=ctx.organisation)
            }
        servers = ctx.cache["component_servers"]
        if "components" not in ctx.cache:
            ctx.cache["components"] = {
                (c.system_id, c.server_id, _key(c.name)): c
                for c in SoftwareComponent.objects.filter(organisation=ctx.organisation)
            }
        components = ctx.cache["components"]
        for row in rows:
            values = row.values
            named = system_named(values)
            system = system_lookup(ctx).get(_key(named))
            if system is None:
                ctx.reject(
                    row,
                    "system_name" if named and not values.get("system") else "system",
                    _("No such system: %(system)s") % {"system": named}
                    if named
                    else _("Give the system's ID or name."),
                )
                continue
            server = None
            if values.get("server"):
                server = servers.get(_key(values["server"]))
                if server is None:
                    ctx.reject(
                        row,
                        "server",
                        _("No such server: %(server)s") % {"server": values["server"]},
                    )
                    continue
            key = (system.pk, server.pk if server else None, _key(values["product"]))
            existing = components.get(key)
            data = {"role": values["role"] or ""} if "role" in values else {}
            component = write(
                ctx,
                row,
                columns={"name": "product"},
                action=partial(
                    ctx.upsert,
                    existing,
                    data,
                    row=row,
                    update=partial(services.component_update, component=existing),
                    create=partial(
                        services.component_create,
                        system=system,
                        name=values["product"],
                        server=server,
                        resolver=_resolver(ctx),
                        **data,
                    ),
                ),
            )
            if component is not None:
                components[key] = component


def register_kinds() -> None:
    for kind in (ServerImport(), CloudServiceImport(), VdiImport(), ComponentImport()):
        register(kind)
