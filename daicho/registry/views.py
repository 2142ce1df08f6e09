"""Pages of the registry: systems, their costs and history, the cost entry sheet, vendors,
contracts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Value
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core import money, wareki
from daicho.core.forms import AttachmentForm, NoteForm, WarekiDateField
from daicho.core.models import Attachment
from daicho.core.permissions import may_edit, scope_of
from daicho.core.selectors import record_history
from daicho.core.views import (
    ObjectAddFormView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    PickerSearchView,
    PolicyCreateMixin,
    get_visible_or_404,
    safe_next,
)
from daicho.registry import sections as system_sections
from daicho.registry import selectors, services
from daicho.registry.filters import (
    ContractFilterSet,
    CostItemFilterSet,
    CoUseFilterSet,
    SystemFilterSet,
    VendorFilterSet,
)
from daicho.registry.forms import (
    ContractForm,
    CostItemForm,
    CostLineForm,
    CostSheetForm,
    CoUseForm,
    SystemBulkEditForm,
    SystemForm,
    VendorForm,
)
from daicho.registry.models import (
    Basis,
    Category,
    Contract,
    CostItem,
    CostLine,
    InformationSystem,
    SystemCoUse,
    Vendor,
)
from daicho.registry.tables import (
    CO_USE_COLUMNS,
    CONTRACT_COLUMNS,
    COST_ITEM_COLUMNS,
    ORGANISATION_COLUMN,
    SYSTEM_COLUMNS,
    VENDOR_COLUMNS,
)

# --- systems ------------------------------------------------------------------------------------


class SystemListView(ObjectListView):
    filterset_class = SystemFilterSet
    columns = SYSTEM_COLUMNS
    list_name = "systems"
    title = gettext_lazy("Information systems")
    create_url_name = "registry:system_create"
    export_kind = "systems"
    bulk_actions = [
        (reverse_lazy("registry:system_bulk_edit"), gettext_lazy("Edit selected")),
        (reverse_lazy("registry:system_bulk_delete"), gettext_lazy("Delete selected")),
    ]

    def get_queryset(self):
        # The table reads its rows as dicts (table_rows), the export as the export reads them.
        return InformationSystem.objects.visible_to(self.request.user)

    def export_rows(self, queryset):
        return queryset.select_related("vendor", "owner_unit__department")

    def table_rows(self, queryset, columns):
        # The selection box's label reads the code and the name.
        return selectors.system_row_values(
            queryset, keys={"code", "name"}.union(*(c.reads for c in columns))
        )

    @staticmethod
    def describe(row: dict) -> str:
        return f"{row['code']} {row['name']}"


class SystemDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        system = get_visible_or_404(InformationSystem.objects, request.user, pk=pk)
        system = selectors.system_detail(user=request.user, pk=system.pk)
        years = selectors.system_costs_by_year(system=system)
        content_type = ContentType.objects.get_for_model(system)
        return render(
            request,
            "registry/system_detail.html",
            {
                "system": system,
                "years": years,
                "contracts": selectors.system_contracts(system=system),
                "history": record_history(system),
                "attachments": Attachment.objects.filter(
                    content_type=content_type, object_id=str(system.pk)
                ),
                "content_type": content_type,
                "can_edit": may_edit(system, request.user),
                "note_form": NoteForm(),
                "attachment_form": AttachmentForm(),
                "hosting_changes": system.hosting_changes.order_by(
                    F("effective_on").asc(nulls_first=True), "pk"
                ),
                "sections": [
                    (section, section.context(request, system))
                    for section in system_sections.sections()
                ],
                "co_uses": selectors.system_co_uses(system=system),
                "co_use_form": CoUseForm(system=system)
                if system.organisation_id in scope_of(request.user).policy_org_ids
                else None,
            },
        )


class SystemEditView(ObjectEditView):
    model = InformationSystem
    form_class = SystemForm

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        effective_on = data.pop("hosting_changed_on", None)
        if obj is None:
            return services.system_create(organisation=data["owner_unit"].organisation, **data)
        return services.system_update(system=obj, data=data, effective_on=effective_on)

    def cancel_url(self):
        return reverse("registry:system_list")


class SystemDeleteView(ObjectDeleteView):
    model = InformationSystem
    success_url = reverse_lazy("registry:system_list")

    def delete(self, obj):
        services.system_delete(system=obj)


def _selected_systems(request) -> list[InformationSystem]:
    if not scope_of(request.user).can_write:  # 403 for readers, whatever was selected
        raise PermissionDenied(_("You do not have permission to do this."))
    pks = [int(pk) for pk in request.POST.getlist("pk") if pk.isdigit()]
    systems = list(
        InformationSystem.objects.editable_by(request.user)
        .filter(pk__in=pks)
        .select_related("owner_unit")
        .order_by("code")
    )
    if len(systems) != len(set(pks)):
        raise PermissionDenied(_("Some of the selected systems may not be changed by you."))
    return systems


class SystemBulkEditView(LoginRequiredMixin, View):
    """Set fields on many systems at once: all or none, one audited change per system."""

    def post(self, request):
        systems = _selected_systems(request)
        back = safe_next(request, reverse("registry:system_list"))
        if not systems:
            messages.warning(request, _("Select the systems first."))
            return redirect(back)
        form = SystemBulkEditForm(
            request.POST if "_apply" in request.POST else None, user=request.user
        )
        if form.is_bound and form.is_valid():
            changes = form.changes()
            if not changes:
                form.add_error(None, _("Choose at least one field to change."))
            else:
                try:
                    count = services.system_bulk_update(systems=systems, data=changes)
                except ValidationError as exc:
                    problems = "; ".join(exc.messages)
                    form.add_error(
                        None, _("Nothing was changed: %(problems)s") % {"problems": problems}
                    )
                else:
                    messages.success(request, _("%(count)d systems updated.") % {"count": count})
                    return redirect(back)
        return render(
            request,
            "registry/system_bulk_edit.html",
            {"form": form, "systems": systems, "next": back},
        )


class SystemBulkDeleteView(LoginRequiredMixin, View):
    """Delete many systems at once after a confirmation."""

    def post(self, request):
        systems = _selected_systems(request)
        back = safe_next(request, reverse("registry:system_list"))
        if not systems:
            messages.warning(request, _("Select the systems first."))
            return redirect(back)
        if "_confirm" in request.POST:
            try:
                count = services.system_bulk_delete(systems=systems)
            except ValidationError as exc:  # a system still referred to: nothing is deleted
                messages.error(
                    request,
                    _("Nothing was changed: %(problems)s") % {"problems": "; ".join(exc.messages)},
                )
            else:
                messages.success(request, _("%(count)d systems deleted.") % {"count": count})
            return redirect(back)
        return render(
            request, "registry/system_bulk_delete.html", {"systems": systems, "next": back}
        )


# --- costs --------------------------------------------------------------------------------------


class SystemCostsView(ObjectAddFormView):
    """A system's cost lines, with a form to add one."""

    model = InformationSystem
    form_class = CostLineForm
    template_name = "registry/system_costs.html"
    object_name = "system"
    success_message = gettext_lazy("Cost recorded.")

    def form_kwargs(self, system):
        return {"user": self.request.user, "system": system}

    def add(self, system, data):
        services.cost_line_create(system=system, **data)

    def extra_context(self, system):
        lines = (
            CostLine.objects.filter(system=system)
            .select_related("item")
            .order_by("-fiscal_year", "basis", "category", "item__sort_order")
        )
        return {"lines": lines}

    def success_url(self, system):
        return reverse("registry:system_costs", args=[system.pk])


class CostLineEditView(ObjectEditView):
    model = CostLine

    form_class = CostLineForm

    def form_kwargs(self, obj):
        return {"instance": obj, "user": self.request.user, "system": obj.system}

    def get(self, request, pk=None):
        if pk is None:
            raise PermissionDenied
        return super().get(request, pk)

    def post(self, request, pk=None):
        if pk is None:
            raise PermissionDenied
        return super().post(request, pk)

    def save(self, form, obj):
        return services.cost_line_update(line=obj, data=form.cleaned_data)


class CostLineDeleteView(ObjectDeleteView):
    model = CostLine

    def delete(self, obj):
        self.success_url = reverse("registry:system_costs", args=[obj.system_id])
        services.cost_line_delete(line=obj)


class CostSheetView(LoginRequiredMixin, View):
    """One fiscal year's costs of many systems on one sheet, every 費目 at once: how budget
    season works. Cells are named ``amt-<system id>-<cost item id>``; only changed cells (against
    their ``orig-`` twin) are saved, all together through the service or not at all."""

    def _form(self, request, data):
        organisation = request.organisation
        if organisation is None:
            raise PermissionDenied(_("You are not a member of any organisation."))
        initial = {
            "fy": wareki.fiscal_year_of(timezone.localdate()),
            "basis": Basis.BUDGET,
            "category": Category.OPERATION,
        }
        params = {**initial, **data.dict()} if data else initial
        return CostSheetForm(params, user=request.user, organisation=organisation), organisation

    def get(self, request):
        form, organisation = self._form(request, request.GET)
        return self.render(form, organisation)

    def post(self, request):
        organisation = request.organisation
        if organisation is not None and not scope_of(request.user).writes_in(organisation.pk):
            raise PermissionDenied(_("You do not have permission to do this."))
        form, organisation = self._form(request, request.POST)
        errors: dict[str, str] = {}
        if form.is_valid():
            amounts, errors = self._posted_amounts(request.POST, organisation)
            if not errors:
                try:
                    with transaction.atomic():
                        counts = services.cost_sheet_save(
                            organisation=organisation,
                            fiscal_year=form.cleaned_data["fy"],
                            basis=form.cleaned_data["basis"],
                            category=form.cleaned_data["category"],
                            amounts=amounts,
                        )
                except (ValidationError, PermissionDenied) as exc:
                    messages.error(
                        request,
                        _("Nothing was saved: %(problem)s")
                        % {"problem": " ".join(getattr(exc, "messages", [str(exc)]))},
                    )
                else:
                    messages.success(
                        request,
                        _("Saved: %(created)d added, %(updated)d changed, %(deleted)d cleared.")
                        % counts,
                    )
                    return redirect(
                        f"{reverse('registry:cost_sheet')}?{request.GET.urlencode()}"
                        if request.GET
                        else self._url(form)
                    )
            else:
                messages.error(
                    request,
                    _("Nothing was saved: correct the highlighted cells (%(cells)s).")
                    % {"cells": "、".join(errors.values())},
                )
        return self.render(form, organisation, errors=errors, posted=request.POST, status=400)

    @staticmethod
    def _posted_amounts(post, organisation):
        """The changed cells of a posted sheet, parsed: ({(system id, item id): yen}, errors).

        An error names the cell's system and 費目 (by its code and name) and the problem."""
        cells: dict[tuple[int, int], tuple[str, str]] = {}
        for key, raw in post.items():
            parts = key.split("-")
            if len(parts) != 3 or parts[0] != "amt" or not (parts[1] + parts[2]).isdigit():
                continue
            if raw.strip() == post.get(f"orig-{parts[1]}-{parts[2]}", "").strip():
                continue  # untouched cells are not written (nor checked for permission)
            cells[(int(parts[1]), int(parts[2]))] = (key, raw)
        if not cells:
            return {}, {}
        systems = dict(
            InformationSystem.objects.filter(
                organisation=organisation, pk__in={s for s, _i in cells}
            ).values_list("pk", "code")
        )
        items = dict(
            CostItem.objects.filter(
                organisation=organisation, pk__in={i for _s, i in cells}
            ).values_list("pk", "name")
        )
        amounts: dict[tuple[int, int], int | None] = {}
        errors: dict[str, str] = {}
        for (system_id, item_id), (key, raw) in sorted(cells.items()):
            where = f"{systems.get(system_id, system_id)} {items.get(item_id, item_id)}"
            try:
                amount = money.parse_yen(raw)
            except money.MoneyError:
                errors[key] = _("%(cell)s: not an amount in yen: %(value)s") % {
                    "cell": where,
                    "value": raw,
                }
                continue
            if amount is not None and amount < 0:
                errors[key] = _("%(cell)s: an amount cannot be negative.") % {"cell": where}
                continue
            amounts[(system_id, item_id)] = amount
        return amounts, errors

    def _url(self, form):
        from urllib.parse import urlencode

        data = form.cleaned_data
        query = {"fy": data["fy"], "basis": data["basis"], "category": data["category"]}
        if data.get("department"):
            query["department"] = data["department"].code
        return f"{reverse('registry:cost_sheet')}?{urlencode(query)}"

    def render(self, form, organisation, errors=None, posted=None, status=200):
        items, rows = [], []
        totals = {"per_item": [], "total": 0, "previous_total": 0}
        if form.is_valid():
            data = form.cleaned_data
            items, rows = selectors.cost_sheet_rows(
                user=self.request.user,
                organisation=organisation,
                fiscal_year=data["fy"],
                basis=data["basis"],
                category=data["category"],
                department=data.get("department"),
            )
            totals["per_item"] = [
                sum(row["cells"][i] or 0 for row in rows) for i in range(len(items))
            ]
            totals["total"] = sum(row["total"] for row in rows)
            totals["previous_total"] = sum(row["previous_total"] or 0 for row in rows)
            for row in rows:
                row["inputs"] = []
                for item, amount in zip(items, row["cells"], strict=True):
                    name = f"amt-{row['system'].pk}-{item.pk}"
                    orig = "" if amount is None else f"{amount:,}"
                    row["inputs"].append(
                        {
                            "item": item,
                            "name": name,
                            "orig_name": f"orig-{row['system'].pk}-{item.pk}",
                            "orig": orig,
                            "amount": amount,
                            "value": posted.get(name)
                            if posted is not None and name in posted
                            else orig,
                            "error": (errors or {}).get(name),
                        }
                    )
        return render(
            self.request,
            "registry/cost_sheet.html",
            {
                "form": form,
                "items": items,
                "rows": rows,
                "totals": totals,
                "any_editable": any(r["editable"] for r in rows),
            },
            status=status,
        )


# --- vendors and contracts ------------------------------------------------------------------------


class VendorListView(ObjectListView):
    filterset_class = VendorFilterSet
    columns = VENDOR_COLUMNS
    list_name = "vendors"
    title = gettext_lazy("Vendors")
    create_url_name = "registry:vendor_create"
    export_kind = "vendors"

    def get_queryset(self):
        return Vendor.objects.visible_to(self.request.user).annotate(
            contract_count=Count("contracts")
        )


class VendorDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        vendor = get_visible_or_404(Vendor.objects, request.user, pk=pk)
        return render(
            request,
            "registry/vendor_detail.html",
            {
                "vendor": vendor,
                "contracts": vendor.contracts.select_related("owner_unit").prefetch_related(
                    "systems"
                ),
                "can_edit": may_edit(vendor, request.user),
                "history": record_history(vendor),
            },
        )


class VendorEditView(ObjectEditView):
    model = Vendor
    form_class = VendorForm

    def save(self, form, obj):
        if obj is None:
            return services.vendor_create(
                organisation=self.request.organisation, **form.cleaned_data
            )
        return services.vendor_update(vendor=obj, data=form.cleaned_data)

    def cancel_url(self):
        return reverse("registry:vendor_list")


class VendorDeleteView(ObjectDeleteView):
    model = Vendor
    success_url = reverse_lazy("registry:vendor_list")

    def delete(self, obj):
        services.vendor_delete(vendor=obj)


class ContractListView(ObjectListView):
    filterset_class = ContractFilterSet
    columns = CONTRACT_COLUMNS
    default_sort = "-start_on"
    list_name = "contracts"
    title = gettext_lazy("Contracts")
    create_url_name = "registry:contract_create"
    export_kind = "contracts"

    def get_queryset(self):
        return Contract.objects.visible_to(self.request.user).select_related("vendor", "owner_unit")


class ContractDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        contract = get_visible_or_404(Contract.objects, request.user, pk=pk)
        return render(
            request,
            "registry/contract_detail.html",
            {
                "contract": contract,
                "systems": contract.systems.select_related("owner_unit"),
                "can_edit": may_edit(contract, request.user),
                "history": record_history(contract),
            },
        )


class ContractEditView(ObjectEditView):
    model = Contract
    form_class = ContractForm

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        systems = list(data.pop("systems"))
        if obj is None:
            return services.contract_create(
                organisation=data["owner_unit"].organisation, systems=systems, **data
            )
        return services.contract_update(contract=obj, data=data, systems=systems)

    def cancel_url(self):
        return reverse("registry:contract_list")


class ContractDeleteView(ObjectDeleteView):
    model = Contract
    success_url = reverse_lazy("registry:contract_list")

    def delete(self, obj):
        services.contract_delete(contract=obj)


# --- cost items (費目) ----------------------------------------------------------------------------


class CostItemListView(PolicyCreateMixin, ObjectListView):
    """The organisation's 費目, with the cost lines each carries: read by every member, kept by
    the IT policy division (page, API and the `cost-items` import)."""

    template_name = "registry/cost_item_list.html"
    filterset_class = CostItemFilterSet
    default_sort = "sort_order"
    per_page = 250
    title = gettext_lazy("Cost items")
    create_url_name = "registry:cost_item_create"
    export_kind = "cost-items"
    empty_text = gettext_lazy("No cost items yet.")

    @property
    def columns(self):
        if len(scope_of(self.request.user).read_org_ids) > 1:
            return [ORGANISATION_COLUMN, *COST_ITEM_COLUMNS]
        return COST_ITEM_COLUMNS

    def get_queryset(self):
        editable = scope_of(self.request.user).policy_org_ids
        return (
            CostItem.objects.visible_to(self.request.user)
            .annotate(
                line_count=Count("cost_lines"),
                editable=Q(organisation_id__in=editable) if editable else Value(False),
            )
            .select_related("organisation")
            .order_by("organisation_id", "sort_order", "code")
        )

    def extra_context(self):
        return {
            "items": self.table.page.object_list,
            "can_add": self.may_create(scope_of(self.request.user)),
        }


class CostItemEditView(ObjectEditView):
    model = CostItem
    form_class = CostItemForm

    def _require_policy(self):
        organisation = self.request.organisation
        policy = scope_of(self.request.user).policy_org_ids
        if organisation is None or organisation.pk not in policy:
            raise PermissionDenied(_("Only the IT policy division keeps the list of cost items."))

    def get(self, request, pk=None):
        if pk is None:
            self._require_policy()
        return super().get(request, pk)

    def post(self, request, pk=None):
        if pk is None:
            self._require_policy()
        return super().post(request, pk)

    def save(self, form, obj):
        if obj is None:
            return services.cost_item_create(
                organisation=self.request.organisation, **form.cleaned_data
            )
        return services.cost_item_update(item=obj, data=form.cleaned_data)

    def cancel_url(self):
        return reverse("registry:cost_item_list")


class CostItemDeleteView(ObjectDeleteView):
    model = CostItem
    success_url = reverse_lazy("registry:cost_item_list")

    def delete(self, obj):
        services.cost_item_delete(item=obj)


# --- home panels --------------------------------------------------------------------------------


def departments_panel(request) -> dict:
    organisation = request.organisation
    if not organisation:
        return {"rows": []}
    rows = selectors.systems_per_department(user=request.user, organisation=organisation)
    return {"rows": rows, "total": sum(r["total"] for r in rows)}


def costs_panel(request) -> dict:
    organisation = request.organisation
    if not organisation:
        return {"years": []}
    every_year = selectors.organisation_costs_by_year(user=request.user, organisation=organisation)
    budgeted = set(selectors.budgeted_years(user=request.user, organisation=organisation))
    last = max(budgeted, default=None)
    years = [y for y in every_year if last is None or y.fiscal_year <= last]
    later = [y.fiscal_year for y in every_year if last is not None and y.fiscal_year > last]
    base = organisation.cost_base_year
    reduction_budget = selectors.operation_cost_reduction(years=years, base_year=base)
    reduction_actual = selectors.operation_cost_reduction(
        years=years, base_year=base, basis=Basis.ACTUAL
    )
    chart = {
        "labels": [wareki.format_fiscal_year(y.fiscal_year, style="western") for y in years],
        "budget": [round(y.budget_operation / 1_000_000, 1) for y in years],
        "actual": [
            round(y.actual_operation / 1_000_000, 1) if y.actual_operation else None for y in years
        ],
        "reduction": [
            None
            if reduction_budget.get(y.fiscal_year) is None
            else round(reduction_budget[y.fiscal_year] * 100, 1)
            for y in years
        ],
        "budget_label": _("Operation costs, budget (million yen)"),
        "actual_label": _("Operation costs, actual (million yen)"),
        "reduction_label": _("Reduction vs FY%(year)s, budget (%%)") % {"year": base},
    }
    return {
        "years": years,
        "base_year": base,
        "reduction_budget": reduction_budget,
        "reduction_actual": reduction_actual,
        "chart": chart,
        "later": (min(later), max(later)) if later else None,
    }


def co_use_panel(request) -> dict:
    """For an organisation that co-uses another's systems: each of them this fiscal year, with
    its share of the system's 運用等経費 (budget) and the page that shows every year."""
    from daicho.core import wareki
    from daicho.registry.models import SystemCoUse

    organisation = request.organisation
    if not organisation:
        return {"rows": []}
    fiscal_year = wareki.fiscal_year_of(timezone.localdate())
    co_uses = (
        SystemCoUse.objects.visible_to(request.user)
        .filter(co_user=organisation)
        .active_in(fiscal_year)
        .select_related("system", "system__organisation")
        .order_by("system__organisation__name", "system__code")
    )
    rows = []
    for co_use in co_uses:
        years = selectors.co_use_years(co_use)
        rows.append({"co_use": co_use, "latest": years[0] if years else None})
    return {"rows": rows}


def register_home_panels(home) -> None:
    home.register(
        "registry.co_use",
        template="registry/_panel_co_use.html",
        context=co_use_panel,
        order=5,
        width=12,
    )
    home.register(
        "registry.departments",
        template="registry/_panel_departments.html",
        context=departments_panel,
        order=10,
        width=5,
    )
    home.register(
        "registry.costs",
        template="registry/_panel_costs.html",
        context=costs_panel,
        order=20,
        width=7,
    )


class SystemCoUseView(LoginRequiredMixin, View):
    """On the owning system's page, the IT policy division records a co-use, ends it on a day
    or deletes a record entered by mistake (audited)."""

    def post(self, request, pk):
        from daicho.registry.models import SystemCoUse

        system = get_visible_or_404(InformationSystem.objects, request.user, pk=pk)
        if system.organisation_id not in scope_of(request.user).policy_org_ids:
            raise PermissionDenied
        action = request.POST.get("action", "set")
        try:
            if action in ("end", "remove"):
                co_use = SystemCoUse.objects.filter(system=system, pk=request.POST.get("co_use"))
                co_use = co_use.select_related("system").first()
                if co_use is None:
                    raise ValidationError(_("No such co-use of this system."))
                if action == "remove":
                    services.co_use_remove(co_use=co_use)
                    messages.success(request, _("Co-use record deleted."))
                else:
                    ended_on = WarekiDateField(required=False).clean(
                        request.POST.get("ended_on", "")
                    )
                    services.co_use_end(co_use=co_use, ended_on=ended_on or timezone.localdate())
                    messages.success(request, _("Co-use ended."))
            else:
                form = CoUseForm(request.POST, system=system)
                if not form.is_valid():
                    raise ValidationError(
                        [
                            f"{form.fields[name].label}: {' '.join(errors)}"
                            if name in form.fields
                            else " ".join(errors)
                            for name, errors in form.errors.items()
                        ]
                    )
                services.co_use_set(system=system, **form.cleaned_data)
                messages.success(request, _("Co-use saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(reverse("registry:system_detail", args=[system.pk]) + "#co-use")


class CoUseDetailView(LoginRequiredMixin, View):
    """One co-use, read-only, for the owner and for the co-using organisation: the system and
    the co-user's share of its 運用等経費 per fiscal year."""

    def get(self, request, pk):
        from daicho.registry.models import SystemCoUse

        co_use = get_visible_or_404(
            SystemCoUse.objects.select_related(
                "system", "system__owner_unit", "system__organisation", "co_user"
            ),
            request.user,
            pk=pk,
        )
        return render(
            request,
            "registry/co_use_detail.html",
            {
                "co_use": co_use,
                "system": co_use.system,
                "years": selectors.co_use_years(co_use),
                "is_owner": co_use.system.organisation_id in scope_of(request.user).read_org_ids,
            },
        )


class CoUseListView(ObjectListView):
    """Systems co-used (共同利用) with other organisations and their cost shares; `?fy=` keeps
    the co-uses active in that fiscal year."""

    template_name = "registry/co_use_list.html"
    filterset_class = CoUseFilterSet
    columns = CO_USE_COLUMNS
    title = gettext_lazy("Systems co-used with other organisations")
    empty_text = gettext_lazy("No co-use recorded.")

    def get_queryset(self):
        return SystemCoUse.objects.visible_to(self.request.user).select_related(
            "system", "co_user", "system__organisation"
        )

    def extra_context(self):
        form = self.filterset.form
        fy = form.cleaned_data.get("fy") if form.is_bound and form.is_valid() else None
        return {"fy": fy}


class SystemPickerView(PickerSearchView):
    """Systems for a system picker: those the user may read (``?scope=edit``: may edit)."""

    search_fields = ("code", "name")

    def get_queryset(self, user, scope):
        systems = InformationSystem.objects
        systems = systems.editable_by(user) if scope == "edit" else systems.visible_to(user)
        return systems.order_by("code")

    def label(self, system):
        return f"{system.code} {system.name}"
