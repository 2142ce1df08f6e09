"""Pages of the device ledger."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core.views import ObjectDeleteView, ObjectEditView, ObjectListView, get_visible_or_404
from daicho.registry.views import _history
from daicho.sam import services
from daicho.sam.filters import DeviceFilterSet
from daicho.sam.forms import DeviceForm
from daicho.sam.models import Device
from daicho.sam.tables import DEVICE_COLUMNS


class DeviceListView(ObjectListView):
    filterset_class = DeviceFilterSet
    columns = DEVICE_COLUMNS
    default_sort = "name"
    list_name = "devices"
    title = gettext_lazy("Devices")
    create_url_name = "sam:device_create"
    export_kind = "devices"

    def get_queryset(self):
        return Device.objects.visible_to(self.request.user).select_related(
            "unit", "release__product"
        )


class DeviceDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        device = get_visible_or_404(
            Device.objects.select_related("unit", "release__product"), request.user, pk=pk
        )
        today = timezone.localdate()
        return render(
            request,
            "sam/device_detail.html",
            {
                "device": device,
                "eol_status": device.release.status(today) if device.release else "",
                "can_edit": Device.objects.editable_by(request.user).filter(pk=pk).exists(),
                "history": _history(device),
            },
        )


class DeviceEditView(ObjectEditView):
    model = Device
    form_class = DeviceForm

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
