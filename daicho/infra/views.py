"""Pages of the infrastructure ledger: servers, the virtualization platform, cloud, VDI."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core import wareki
from daicho.core.permissions import may_edit, scope_of
from daicho.core.selectors import record_history
from daicho.core.tables import Table
from daicho.core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    PolicyCreateMixin,
    get_visible_or_404,
    is_policy,
    save_form,
)
from daicho.infra import selectors, services
from daicho.infra.filters import CloudServiceFilterSet, ServerFilterSet
from daicho.infra.forms import CloudServiceForm, ClusterForm, ServerForm, SiteForm, VdiUsageForm
from daicho.infra.models import (
    CloudService,
    Cluster,
    Server,
    ServerKind,
    ServerPlacement,
    Site,
    SoftwareComponent,
    VdiPool,
    VdiUsage,
)
from daicho.infra.tables import (
    CLOUD_COLUMNS,
    CLUSTER_COLUMNS,
    SERVER_COLUMNS,
    SITE_COLUMNS,
    VDI_POOL_COLUMNS,
    edit_column,
)
from daicho.lifecycle.eol import horizon_end, with_row_end_of_support
from daicho.lifecycle.selectors import as_seen_by


def _today() -> datetime.date:
    return timezone.localdate()


# --- servers ------------------------------------------------------------------------------------


class ServerListView(ObjectListView):
    filterset_class = ServerFilterSet
    columns = SERVER_COLUMNS
    default_sort = "name"
    list_name = "servers"
    title = gettext_lazy("Servers")
    create_url_name = "infra:server_create"
    export_kind = "servers"

    def get_queryset(self):
        return with_row_end_of_support(selectors.server_list(user=self.request.user))


class ServerDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        server = get_visible_or_404(selectors.server_list(user=request.user), request.user, pk=pk)
        today = _today()
        as_seen_by([server.release], server.organisation_id)
        status = server.release.status(today) if server.release else ""
        return render(
            request,
            "infra/server_detail.html",
            {
                "server": server,
                "eol_status": status,
                "guests": server.guests.select_related("system", "release__product").order_by(
                    "name"
                )
                if server.kind == ServerKind.HOST
                else [],
                "placements": ServerPlacement.objects.filter(server=server)
                .select_related("host", "site")
                .order_by("effective_on"),
                "components": server.components.select_related("release__product", "system"),
                "can_edit": may_edit(server, request.user),
                "history": record_history(server),
            },
        )


class ServerEditView(ObjectEditView):
    model = Server
    form_class = ServerForm

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        moved_on = data.pop("moved_on", None)
        if obj is None:
            organisation = (
                data["system"].organisation if data.get("system") else self.request.organisation
            )
            return services.server_create(
                organisation=organisation, name=data.pop("name"), kind=data.pop("kind"), **data
            )
        return services.server_update(server=obj, data=data, effective_on=moved_on)

    def cancel_url(self):
        return reverse("infra:server_list")


class ServerDeleteView(ObjectDeleteView):
    model = Server
    success_url = reverse_lazy("infra:server_list")

    def delete(self, obj):
        try:
            services.server_delete(server=obj)
        except Exception as exc:  # a host with guests is protected
            from django.db.models import ProtectedError

            if isinstance(exc, ProtectedError):
                raise ValidationError(
                    _("%(name)s still has virtual machines; move or retire them first.")
                    % {"name": obj.name}
                ) from None
            raise


def component_redirect(request, pk):
    component = get_visible_or_404(SoftwareComponent.objects, request.user, pk=pk)
    return redirect(component.system.get_absolute_url() + "#infrastructure")


# --- virtualization platform --------------------------------------------------------------------


def _day_from(request) -> tuple[datetime.date, int | None]:
    """The date a page shows: ?as_of=DATE, or the end of ?fy=YEAR, or today."""
    fy = request.GET.get("fy", "")
    if fy.isdigit():
        return datetime.date(int(fy) + 1, 3, 31), int(fy)
    text = request.GET.get("as_of", "")
    if text:
        try:
            return wareki.parse_date(text), None
        except wareki.WarekiError:
            messages.error(request, _("Not a date: %(value)s") % {"value": text})
    return _today(), None


class VirtualizationView(LoginRequiredMixin, View):
    def get(self, request):
        organisation = request.organisation
        if organisation is None:
            raise PermissionDenied
        day, fiscal_year = _day_from(request)
        platform = selectors.platform_on(user=request.user, organisation=organisation, day=day)
        current_fy = wareki.fiscal_year_of(_today())
        first = min(organisation.cost_base_year, current_fy)
        years = selectors.year_end_counts(organisation, list(range(first, current_fy + 1)))
        return render(
            request,
            "infra/virtualization.html",
            {
                "platform": platform,
                "day": day,
                "fiscal_year": fiscal_year,
                "years": years,
                "increase": [
                    (b["fiscal_year"], b["platform_systems"] - a["platform_systems"])
                    for a, b in zip(years, years[1:], strict=False)
                ],
            },
        )


# --- cloud services -----------------------------------------------------------------------------


class CloudListView(ObjectListView):
    filterset_class = CloudServiceFilterSet
    columns = CLOUD_COLUMNS
    default_sort = "name"
    list_name = "cloud"
    title = gettext_lazy("Cloud services")
    create_url_name = "infra:cloud_create"
    export_kind = "cloud-services"

    def get_queryset(self):
        return CloudService.objects.visible_to(self.request.user).prefetch_related("systems")


class CloudEditView(ObjectEditView):
    model = CloudService
    form_class = CloudServiceForm

    def get_object(self, pk):
        obj = super().get_object(pk)
        return obj

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        systems = data.pop("systems", [])
        if obj is None:
            return services.cloud_service_create(
                organisation=self.request.organisation, systems=systems, **data
            )
        return services.cloud_service_update(service=obj, data=data, systems=systems)

    def success_url(self, obj):
        return reverse("infra:cloud_list")

    def cancel_url(self):
        return reverse("infra:cloud_list")


class CloudDeleteView(ObjectDeleteView):
    model = CloudService
    success_url = reverse_lazy("infra:cloud_list")

    def delete(self, obj):
        services.cloud_service_delete(service=obj)


# --- VDI ----------------------------------------------------------------------------------------


class VdiListView(ObjectListView):
    """The VDI pools with their latest count, the seats in use at the end of each fiscal year,
    and the form the IT policy division records counts with."""

    template_name = "infra/vdi_list.html"
    columns = VDI_POOL_COLUMNS
    default_sort = "name"
    title = gettext_lazy("Virtual desktops")
    empty_text = gettext_lazy("No VDI pools recorded.")

    def may_edit(self) -> bool:
        return is_policy(self.request)

    def get_queryset(self):
        latest = VdiUsage.objects.filter(pool=OuterRef("pk")).order_by("-measured_on")
        self.pools = VdiPool.objects.visible_to(self.request.user)
        return self.pools.select_related("unit").annotate(
            latest_seats=Subquery(latest.values("seats_in_use")[:1]),
            latest_on=Max("usages__measured_on"),
        )

    def extra_context(self):
        organisation = self.request.organisation
        current_fy = wareki.fiscal_year_of(_today())
        years = []
        if organisation is not None:
            for fy in range(organisation.cost_base_year, current_fy + 1):
                seats, counted = selectors.vdi_seats_on(organisation, datetime.date(fy + 1, 3, 31))
                if counted:
                    years.append({"fiscal_year": fy, "seats": seats, "pools": counted})
        return {
            "years": years,
            "form": self.form
            or (VdiUsageForm(user=self.request.user) if self.may_edit() else None),
            "usages": VdiUsage.objects.filter(pool__in=self.pools.values("pk"))
            .select_related("pool")
            .order_by("-measured_on", "pool__name")[:50],
        }

    def post(self, request):
        if not self.may_edit():
            raise PermissionDenied  # the IT policy division records seats, whatever the form says
        form = VdiUsageForm(request.POST, user=request.user)
        if save_form(form, lambda data: services.vdi_usage_record(**data)):
            messages.success(request, _("Saved."))
            return redirect("infra:vdi_list")
        return self.refused(form)


# --- the home page and the system page ------------------------------------------------------------


def system_section(request, system) -> dict:
    """What the system page shows of its infrastructure and its end-of-support risk."""
    today = _today()
    servers = list(
        system.servers.select_related("host", "site", "release__product").order_by("kind", "name")
    )
    components = list(system.components.select_related("server", "release__product"))
    as_seen_by([i.release for i in [*servers, *components]], system.organisation_id)
    horizon = horizon_end(today, 12)
    risks = [
        (item, item.release)
        for item in [*servers, *components]
        if item.release
        and item.release.eol
        and item.release.eol <= horizon
        and not getattr(item, "retired_on", None)
    ]
    return {
        "servers": servers,
        "components": components,
        "clouds": list(system.cloud_services.all()),
        "risks": risks,
        "today": today,
    }


def register_home_panels(home) -> None:
    from daicho.registry import sections

    sections.register(
        "infra.system",
        template="infra/_system_section.html",
        context=system_section,
        order=10,
        column="left",
    )


# --- sites and clusters -------------------------------------------------------------------------


class SiteListView(PolicyCreateMixin, ObjectListView):
    """Sites with the servers in service at each, and the virtualization clusters."""

    template_name = "infra/site_list.html"
    default_sort = "code"
    title = gettext_lazy("Sites and clusters")
    create_url_name = "infra:site_create"
    create_label = gettext_lazy("New")
    empty_text = gettext_lazy("None yet.")

    @property
    def columns(self):
        if self.may_create(scope_of(self.request.user)):
            return [*SITE_COLUMNS, edit_column("infra:site_edit")]
        return SITE_COLUMNS

    def get_queryset(self):
        return Site.objects.visible_to(self.request.user).annotate(
            servers_count=Count("servers", filter=Q(servers__retired_on__isnull=True))
        )

    def extra_context(self):
        can_edit = self.may_create(scope_of(self.request.user))
        clusters = (
            Cluster.objects.visible_to(self.request.user)
            .select_related("site")
            .annotate(hosts_count=Count("hosts", filter=Q(hosts__retired_on__isnull=True)))
        )
        columns = (
            [*CLUSTER_COLUMNS, edit_column("infra:cluster_edit")] if can_edit else CLUSTER_COLUMNS
        )
        return {
            "can_edit": can_edit,
            "clusters": Table(
                columns=columns,
                queryset=clusters,
                request=self.request,
                default_sort="name",
                prefix="cluster_",
                empty_text=_("None yet."),
            ),
        }


class SiteEditView(ObjectEditView):
    model = Site
    form_class = SiteForm

    def save(self, form, obj):
        if obj is None:
            return services.site_create(organisation=self.request.organisation, **form.cleaned_data)
        return services.site_update(site=obj, data=form.cleaned_data)

    def success_url(self, obj):
        return reverse("infra:site_list")

    def cancel_url(self):
        return reverse("infra:site_list")


class SiteDeleteView(ObjectDeleteView):
    model = Site
    success_url = reverse_lazy("infra:site_list")

    def delete(self, obj):
        services.site_delete(site=obj)


class ClusterEditView(ObjectEditView):
    model = Cluster
    form_class = ClusterForm

    def save(self, form, obj):
        if obj is None:
            return services.cluster_create(
                organisation=self.request.organisation, **form.cleaned_data
            )
        return services.cluster_update(cluster=obj, data=form.cleaned_data)

    def success_url(self, obj):
        return reverse("infra:site_list")

    def cancel_url(self):
        return reverse("infra:site_list")


class ClusterDeleteView(ObjectDeleteView):
    model = Cluster
    success_url = reverse_lazy("infra:site_list")

    def delete(self, obj):
        services.cluster_delete(cluster=obj)
