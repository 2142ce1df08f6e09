"""Pages of the SAM ledger: devices and the licence compliance position."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core import exports, wareki
from daicho.core.models import OrgUnit
from daicho.core.permissions import may_edit
from daicho.core.selectors import record_history
from daicho.core.views import ObjectDeleteView, ObjectEditView, ObjectListView, get_visible_or_404
from daicho.lifecycle.eol import with_row_end_of_support
from daicho.lifecycle.selectors import as_seen_by
from daicho.sam import selectors, services
from daicho.sam.filters import DeviceFilterSet, LicenceFilterSet, TitleFilterSet
from daicho.sam.forms import DeviceForm, LicenceForm, TitleForm
from daicho.sam.models import Device, Licence, LicenceMetric, SoftwareTitle
from daicho.sam.tables import DEVICE_COLUMNS, LICENCE_COLUMNS, TITLE_COLUMNS


class DeviceListView(ObjectListView):
    filterset_class = DeviceFilterSet
    columns = DEVICE_COLUMNS
    default_sort = "name"
    list_name = "devices"
    title = gettext_lazy("Devices")
    create_url_name = "sam:device_create"
    export_kind = "devices"

    def may_create(self, scope) -> bool:
        return scope.can_write or bool(scope.sam_paths)  # SAM officers add their units' too

    def get_queryset(self):
        return with_row_end_of_support(
            Device.objects.visible_to(self.request.user).select_related("unit", "release__product")
        )


class DeviceDetailView(LoginRequiredMixin, View):
    """A device, the software its latest inventory found, and its history."""

    def get(self, request, pk):
        device = get_visible_or_404(
            Device.objects.select_related("unit", "release__product"), request.user, pk=pk
        )
        today = timezone.localdate()
        as_seen_by([device.release], device.organisation_id)
        return render(
            request,
            "sam/device_detail.html",
            {
                "device": device,
                "eol_status": device.release.status(today) if device.release else "",
                "can_edit": may_edit(device, request.user),
                "history": record_history(device),
                "installations": device.installations.select_related("title").order_by("raw_name")[
                    :500
                ],
            },
        )


class DeviceEditView(ObjectEditView):
    model = Device
    form_class = DeviceForm

    def may_create(self, scope) -> bool:
        # SAM officers keep their units' devices and licences (the service checks the unit).
        return scope.can_write or bool(scope.sam_paths)

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        if obj is None:
            return services.device_create(
                organisation=data["unit"].organisation, name=data.pop("name"), **data
            )
        return services.device_update(device=obj, data=data)

    def cancel_url(self):
        return reverse("sam:device_list")


class DeviceDeleteView(ObjectDeleteView):
    model = Device
    success_url = reverse_lazy("sam:device_list")

    def delete(self, obj):
        services.device_delete(device=obj)


# ---------------------------------------------------------------------------------------------
# The compliance position

POSITION_EXPORT = exports.ExportKind(
    "sam-position",
    gettext_lazy("Licence compliance position"),
    [
        exports.Column("title", "ソフトウェア", lambda e: e.title),
        exports.Column("publisher", "発行元", lambda e: e.publisher),
        exports.Column("version", "バージョン", lambda e: e.version),
        exports.Column("metric", "単位", lambda e: str(LicenceMetric(e.metric).label)),
        exports.Column("free", "無償", lambda e: "無償" if e.free else ""),
        exports.Column("entitled", "保有数", lambda e: e.entitled),
        exports.Column("consumed", "使用数", lambda e: e.consumed),
        exports.Column("downgrade_in", "ダウングレード充当", lambda e: e.downgrade_in),
        exports.Column("shortfall", "不足", lambda e: e.shortfall),
        exports.Column("surplus", "余剰", lambda e: e.surplus),
        exports.Column("unit_price", "単価（円）", lambda e: e.unit_price, "yen"),
        exports.Column("cost_to_close", "不足解消費用（円）", lambda e: e.cost_to_close, "yen"),
    ],
    lambda user: [],
)


class PositionView(LoginRequiredMixin, View):
    """Entitlements against installations per title and version, with drill-down to devices."""

    def get(self, request):
        organisation = request.organisation
        if organisation is None:
            raise PermissionDenied
        today = timezone.localdate()
        as_of = today
        text = request.GET.get("as_of", "").strip()
        if text:
            try:
                as_of = wareki.parse_date(text)
            except wareki.WarekiError:
                messages.error(request, _("Not a date: %(value)s") % {"value": text})
        unit = None
        unit_text = request.GET.get("unit", "").strip()
        if unit_text:
            unit = (
                OrgUnit.objects.filter(organisation=organisation, code=unit_text).first()
                or OrgUnit.objects.filter(organisation=organisation, name=unit_text).first()
            )
            if unit is None:
                messages.error(request, _("No such unit: %(name)s") % {"name": unit_text})
        title_id = request.GET.get("title", "")
        title_id = int(title_id) if title_id.isdigit() else None
        entries = selectors.compliance_position(
            organisation, as_of=as_of, unit=unit, title_id=title_id
        )
        shortfall_only = request.GET.get("shortfall") == "1"
        if shortfall_only:
            entries = [e for e in entries if e.shortfall]
        search = request.GET.get("q", "").strip().lower()
        if search:
            entries = [e for e in entries if search in e.title.lower()]
        fmt = request.GET.get("export")
        if fmt in exports.FORMATS:
            return exports.download(POSITION_EXPORT, entries, request, f"sam-position-{as_of}")
        devices = None
        version = request.GET.get("version")
        if title_id and version is not None:
            devices = (
                Device.objects.visible_to(request.user)
                .filter(organisation=organisation)
                .in_use_on(as_of)
                .filter(installations__title_id=title_id, installations__version=version)
                .select_related("unit")
                .distinct()
                .order_by("unit__tree_key", "name")
            )
            if unit is not None:
                devices = devices.filter(unit__path__startswith=unit.path)
            devices = Paginator(devices, 100).get_page(request.GET.get("page"))
        return render(
            request,
            "sam/position.html",
            {
                "as_of": as_of,
                "unit": unit,
                "entries": entries,
                "totals": selectors.position_totals(entries),
                "shortfall_only": shortfall_only,
                "q": search,
                "title": SoftwareTitle.objects.filter(
                    organisation=organisation, pk=title_id
                ).first()
                if title_id
                else None,
                "version": version,
                "devices": devices,
                "expiring": selectors.licences_expiring(organisation, today=today)[:20],
                "unmatched": selectors.unmatched_names(organisation, limit=20),
            },
        )


class VolumeView(LoginRequiredMixin, View):
    """OEM/package mix against volume or subscription agreements, at prices the user enters."""

    def get(self, request):
        organisation = request.organisation
        if organisation is None:
            raise PermissionDenied
        years = request.GET.get("years", "5")
        years = int(years) if years.isdigit() and 1 <= int(years) <= 10 else 5
        prices: dict[int, tuple[int | None, int | None]] = {}
        for key, value in request.GET.items():
            if key.startswith(("v_", "s_")) and key[2:].isdigit() and value.strip():
                try:
                    amount = parse_yen(value)
                except ValueError:
                    messages.error(request, _("Not an amount: %(value)s") % {"value": value})
                    continue
                volume, subscription = prices.get(int(key[2:]), (None, None))
                prices[int(key[2:])] = (amount, subscription) if key[0] == "v" else (volume, amount)
        options = selectors.volume_analysis(organisation, prices=prices, years=years)
        return render(request, "sam/volume.html", {"options": options, "years": years})


def parse_yen(text: str) -> int:
    """An amount in yen as typed (full-width digits and separators accepted)."""
    from daicho.core.importing.values import CellError, yen

    try:
        value = yen()(text)
    except CellError as exc:
        raise ValueError(str(exc)) from None
    if value is None or value < 0:
        raise ValueError(text)
    return value


# ---------------------------------------------------------------------------------------------
# Licences


class LicenceListView(ObjectListView):
    filterset_class = LicenceFilterSet
    columns = LICENCE_COLUMNS
    default_sort = "title"
    list_name = "licences"
    title = gettext_lazy("Licences")
    create_url_name = "sam:licence_create"
    export_kind = "licences"

    def may_create(self, scope) -> bool:
        return scope.can_write or bool(scope.sam_paths)  # SAM officers add their units' too

    def get_queryset(self):
        return Licence.objects.visible_to(self.request.user).select_related("title", "unit")


class LicenceDetailView(LoginRequiredMixin, View):
    """A licence with its certificates (attached documents) and history."""

    def get(self, request, pk):
        from django.contrib.contenttypes.models import ContentType

        from daicho.core.models import Attachment

        licence = get_visible_or_404(
            Licence.objects.select_related("title", "unit"), request.user, pk=pk
        )
        content_type = ContentType.objects.get_for_model(Licence)
        return render(
            request,
            "sam/licence_detail.html",
            {
                "licence": licence,
                "can_edit": may_edit(licence, request.user),
                "history": record_history(licence),
                "content_type": content_type,
                "attachments": Attachment.objects.filter(
                    content_type=content_type, object_id=str(licence.pk)
                ),
                "valid": Licence.objects.filter(pk=pk).valid_on(timezone.localdate()).exists(),
            },
        )


class LicenceEditView(ObjectEditView):
    model = Licence
    form_class = LicenceForm

    def may_create(self, scope) -> bool:
        # SAM officers keep their units' devices and licences (the service checks the unit).
        return scope.can_write or bool(scope.sam_paths)

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        if obj is None:
            return services.licence_create(
                organisation=data["title"].organisation, title=data.pop("title"), **data
            )
        return services.licence_update(licence=obj, data=data)

    def cancel_url(self):
        return reverse("sam:licence_list")


class LicenceDeleteView(ObjectDeleteView):
    model = Licence
    success_url = reverse_lazy("sam:licence_list")

    def delete(self, obj):
        services.licence_delete(licence=obj)


# ---------------------------------------------------------------------------------------------
# Software titles


class TitleListView(ObjectListView):
    filterset_class = TitleFilterSet
    columns = TITLE_COLUMNS
    default_sort = "name"
    list_name = "software-titles"
    title = gettext_lazy("Software titles")
    create_url_name = "sam:title_create"

    def get_queryset(self):
        return SoftwareTitle.objects.visible_to(self.request.user)


class TitleEditView(ObjectEditView):
    model = SoftwareTitle
    form_class = TitleForm

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        if obj is None:
            organisation = self.request.organisation
            if organisation is None:
                raise PermissionDenied
            return services.title_create(organisation=organisation, name=data.pop("name"), **data)
        return services.title_update(title=obj, data=data)

    def success_url(self, obj) -> str:
        return reverse("sam:title_list")

    def cancel_url(self):
        return reverse("sam:title_list")
