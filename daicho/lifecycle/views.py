"""Pages of the lifecycle area: end-of-support risk, products and releases, raw-name mapping."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Value
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core import exports, wareki
from daicho.core.models import OrgUnit
from daicho.core.permissions import require_organisation, scope_of
from daicho.core.views import (
    ObjectEditView,
    ObjectListView,
    apply_errors,
    is_policy,
    save_form,
)
from daicho.lifecycle import eol, selectors, services
from daicho.lifecycle.filters import MatchRuleFilterSet, ProductFilterSet
from daicho.lifecycle.forms import MapForm, ReleaseForm, ReleaseOverrideForm, RuleForm
from daicho.lifecycle.models import MatchRule, ProductRelease, ReleaseOverride, SoftwareProduct
from daicho.lifecycle.tables import PRODUCT_COLUMNS, RULE_COLUMNS, RULE_DELETE_COLUMN

EOL_EXPORT = exports.ExportKind(
    "eol",
    gettext_lazy("End-of-support risk"),
    [
        exports.Column("kind", "種別", lambda i: i.kind_label),
        exports.Column("name", "名称", lambda i: i.name),
        exports.Column("unit", "所属", lambda i: i.unit),
        exports.Column("system", "システムID", lambda i: i.system_code),
        exports.Column("system_name", "システム名", lambda i: i.system_name),
        exports.Column("product", "製品", lambda i: i.product),
        exports.Column("release", "バージョン", lambda i: i.release),
        exports.Column("end_of_support", "サポート終了日", lambda i: i.eol, "date"),
        exports.Column("status", "状態", lambda i: i.status),
    ],
    lambda user: [],
)


def _options(request):
    """as_of, within (months), unit, kinds, status from the query string, with messages."""
    today = timezone.localdate()
    as_of = today
    text = request.GET.get("as_of", "").strip()
    if text:
        try:
            as_of = wareki.parse_date(text)
            eol.horizon_end(as_of, 120)
        except wareki.WarekiError:
            messages.error(request, _("Not a date: %(value)s") % {"value": text})
            as_of = today
        except ValueError as exc:
            messages.error(request, str(exc))
            as_of = today
    within = request.GET.get("within", "12")
    within = int(within) if within.isdigit() and int(within) <= 120 else 12
    unit = None
    unit_text = request.GET.get("unit", "").strip()
    if unit_text and request.organisation:
        unit = (
            OrgUnit.objects.filter(organisation=request.organisation, code=unit_text).first()
            or OrgUnit.objects.filter(organisation=request.organisation, name=unit_text).first()
        )
        if unit is None:
            messages.error(request, _("No such unit: %(name)s") % {"name": unit_text})
    kinds = [k for k in request.GET.getlist("kind") if k in eol.sources()]
    status = request.GET.get("status") if request.GET.get("status") in ("past", "within") else None
    return as_of, within, unit, kinds, status


class _Listing:
    """The end-of-support listing as the paginator sees it: its length known from the counts,
    a slice read from the database when a page asks for it."""

    def __init__(self, total: int, read):
        self.total = total
        self.read = read

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, part: slice):
        return self.read(part.start or 0, part.stop if part.stop is not None else self.total)


class EolView(LoginRequiredMixin, View):
    """Everything past end of support, or reaching it within N months, with a timeline."""

    def get(self, request):
        organisation = request.organisation
        if organisation is None:
            raise PermissionDenied
        as_of, within, unit, kinds, status = _options(request)
        fmt = request.GET.get("export")
        if fmt in exports.FORMATS:
            items = eol.eol_items(
                organisation=organisation,
                as_of=as_of,
                within_months=within,
                unit=unit,
                kinds=kinds or None,
                status=status,
            )
            return exports.download(EOL_EXPORT, items, request, f"eol-{as_of}")
        by_unit, by_quarter, by_kind = eol.eol_counts(
            organisation=organisation, as_of=as_of, within_months=within, unit=unit
        )
        units: dict[str, dict[str, int]] = defaultdict(lambda: {"past": 0, "within": 0})
        for (name, state), n in by_unit.items():
            units[name][state] += n
        quarters = sorted(by_quarter)
        chart = {
            "label": _("Records reaching end of support"),
            "labels": [f"{y} Q{q}" for y, q in quarters],
            "counts": [by_quarter[k] for k in quarters],
            "past": [
                by_quarter[(y, q)] if datetime.date(y, 3 * q - 2, 1) < as_of else 0
                for y, q in quarters
            ],
        }
        # The listing's figures from the counts; only the page shown is read row by row.
        listed = {
            state: sum(
                n
                for (kind, st), n in by_kind.items()
                if st == state and (not kinds or kind in kinds) and status in (None, state)
            )
            for state in ("past", "within")
        }
        items = _Listing(
            listed["past"] + listed["within"],
            lambda start, stop: eol.eol_items_slice(
                organisation=organisation,
                as_of=as_of,
                within_months=within,
                unit=unit,
                kinds=kinds or None,
                status=status,
                start=start,
                stop=stop,
            ),
        )
        kinds_summary = [
            {
                "kind": key,
                "label": source.label,
                "past": by_kind[(key, "past")],
                "within": by_kind[(key, "within")],
            }
            for key, source in eol.sources().items()
        ]
        page = Paginator(items, 100).get_page(request.GET.get("page"))
        return render(
            request,
            "lifecycle/eol.html",
            {
                "as_of": as_of,
                "within": within,
                "unit": unit,
                "kinds": kinds,
                "status": status,
                "page": page,
                "total": len(items),
                "past": listed["past"],
                "within_count": listed["within"],
                "units": sorted(units.items(), key=lambda kv: (-kv[1]["past"], kv[0])),
                "kinds_summary": kinds_summary,
                "chart": chart,
                "sources": eol.sources(),
                "query": request.GET.urlencode(),
            },
        )


class ProductListView(ObjectListView):
    """The products with their releases and the end of support the organisation goes by."""

    template_name = "lifecycle/product_list.html"
    filterset_class = ProductFilterSet
    columns = PRODUCT_COLUMNS
    default_sort = "category"
    per_page = 100
    title = gettext_lazy("Products and support dates")

    def may_create(self, scope) -> bool:
        return False

    def get_queryset(self):
        return selectors.product_list()

    def prepare_page(self, products) -> None:
        releases = [r for p in products for r in p.releases.all()]
        selectors.as_seen_by(releases, self.request.organisation)


class ProductDetailView(LoginRequiredMixin, View):
    """A product's releases with the dates the user's organisation goes by (its overrides over
    the global dates); the site administrator edits the global dates, IT policy overrides."""

    def get(self, request, slug):
        product = get_object_or_404(SoftwareProduct, slug=slug)
        scope = scope_of(request.user)
        organisation = request.organisation
        releases = selectors.as_seen_by(
            product.releases.order_by("-released_on", "cycle"), organisation
        )
        return render(
            request,
            "lifecycle/product_detail.html",
            {
                "product": product,
                "releases": releases,
                "today": timezone.localdate(),
                "can_edit": scope.superuser,
                "can_override": organisation is not None
                and organisation.pk in scope.policy_org_ids,
                "organisation": organisation,
            },
        )


class ReleaseEditView(ObjectEditView):
    """The global dates of a release, shared by every organisation: the site administrator's."""

    model = ProductRelease
    form_class = ReleaseForm

    def get_object(self, pk):
        if not services.is_site_administrator(self.request.user):
            raise PermissionDenied
        return get_object_or_404(ProductRelease.objects.select_related("product"), pk=pk)

    def get(self, request, pk=None):
        if pk is None:
            raise PermissionDenied
        return super().get(request, pk)

    def post(self, request, pk=None):
        if pk is None:
            raise PermissionDenied
        return super().post(request, pk)

    def save(self, form, obj):
        return services.release_update(release=obj, data=form.cleaned_data)


class ReleaseOverrideView(LoginRequiredMixin, View):
    """The organisation's own support dates for a release (its IT policy division)."""

    template_name = "lifecycle/release_override.html"

    def _release(self, request, pk):
        organisation = request.organisation
        if organisation is None or organisation.pk not in scope_of(request.user).policy_org_ids:
            raise PermissionDenied
        release = get_object_or_404(ProductRelease.objects.select_related("product"), pk=pk)
        return organisation, release

    def get(self, request, pk):
        organisation, release = self._release(request, pk)
        override = ReleaseOverride.objects.filter(
            organisation=organisation, release=release
        ).first()
        initial = (
            {name: getattr(override, name) for name in services.OVERRIDE_FIELDS} if override else {}
        )
        return self._render(organisation, release, ReleaseOverrideForm(initial=initial))

    def post(self, request, pk):
        organisation, release = self._release(request, pk)
        form = ReleaseOverrideForm(request.POST)
        if form.is_valid():
            try:
                services.release_override_set(
                    organisation=organisation, release=release, data=form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(obj)s") % {"obj": release})
                return redirect(release.get_absolute_url())
        return self._render(organisation, release, form, status=400)

    def _render(self, organisation, release, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"organisation": organisation, "release": release, "form": form},
            status=status,
        )


class UnmatchedView(LoginRequiredMixin, View):
    """Raw names no rule matches, with a form to map each to a release."""

    def get(self, request):
        organisation = request.organisation
        if organisation is None:
            raise PermissionDenied
        can_map = organisation.pk in scope_of(request.user).policy_org_ids
        return render(
            request,
            "lifecycle/unmatched.html",
            {
                "names": selectors.unmatched_names(organisation=organisation),
                "form": MapForm() if can_map else None,
                "can_map": can_map,
            },
        )

    def post(self, request):
        organisation = request.organisation
        if organisation is None or organisation.pk not in scope_of(request.user).policy_org_ids:
            raise PermissionDenied  # the IT policy division maps names, whatever the form says
        form = MapForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the release this name means."))
            return redirect("lifecycle:unmatched")
        try:
            services.raw_name_map(
                organisation=organisation,
                raw=form.cleaned_data["raw"],
                release=form.cleaned_data["release"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(raw)s now means %(release)s.")
                % {"raw": form.cleaned_data["raw"], "release": form.cleaned_data["release"]},
            )
        return redirect("lifecycle:unmatched")


class RuleListView(ObjectListView):
    """The matching rules the organisation's names are read with: its own, then the shipped
    ones, in the order they are tried; its IT policy division adds and deletes its own."""

    template_name = "lifecycle/rules.html"
    filterset_class = MatchRuleFilterSet
    default_sort = ""  # the order the rules are tried in (get_queryset)
    list_name = "match_rules"
    title = gettext_lazy("Matching rules")
    table_id = "rules"

    def may_edit(self) -> bool:
        return is_policy(self.request)  # the IT policy division keeps the rules

    @property
    def columns(self):
        return [*RULE_COLUMNS, RULE_DELETE_COLUMN] if self.may_edit() else RULE_COLUMNS

    def get_queryset(self):
        organisation = require_organisation(self.request.organisation)
        return (
            MatchRule.objects.visible_to(self.request.user)
            .for_organisation(organisation)
            .select_related("product")
            .annotate(
                shipped=Q(organisation__isnull=True),
                editable=Q(organisation=organisation) if self.may_edit() else Value(False),
            )
            .order_by("shipped", "priority", "pk")
        )

    def extra_context(self):
        return {"form": self.form or (RuleForm() if self.may_edit() else None)}

    def post(self, request):
        if not self.may_edit():
            raise PermissionDenied
        form = RuleForm(request.POST)
        if save_form(
            form, lambda data: services.rule_create(organisation=request.organisation, **data)
        ):
            messages.success(request, _("Saved."))
            return redirect("lifecycle:rules")
        return self.refused(form)


class RuleDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        rule = get_object_or_404(MatchRule.objects.editable_by(request.user), pk=pk)
        services.rule_delete(rule=rule)
        messages.success(request, _("Deleted: %(obj)s") % {"obj": rule.pattern})
        return redirect("lifecycle:rules")


def eol_panel(request) -> dict:
    """The home page warning: records past end of support today."""
    organisation = request.organisation
    if organisation is None:
        return {"past": 0}
    today = timezone.localdate()
    return {
        "past": eol.past_count(organisation=organisation, as_of=today),
        "url": reverse("lifecycle:eol") + f"?status=past&as_of={today.isoformat()}",
    }


def register_home_panels(home) -> None:
    home.register(
        "lifecycle.eol", template="lifecycle/_panel_eol.html", context=eol_panel, order=1, width=12
    )
