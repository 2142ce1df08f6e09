"""Core pages (home, units, audit log, notes and attachments) and the generic list/edit/delete views
that every ledger app builds its pages from."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Value
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core import exports, home, savedviews, services
from daicho.core.filters import AuditEventFilterSet, UnitFilterSet
from daicho.core.forms import AttachmentForm, NoteForm, SavedViewForm, UnitForm
from daicho.core.html import query_string_with
from daicho.core.models import Attachment, AuditEvent, OrgUnit, SavedView
from daicho.core.permissions import may_edit, scope_of
from daicho.core.tables import AUDIT_COLUMNS, UNIT_COLUMNS, Column, Table
from daicho.core.units import ownable_units


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the form has the field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def save_form(form, action) -> bool:
    """Run a service with a valid form's data; show its errors on the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    return True


def is_policy(request) -> bool:
    """Whether the user is the IT policy division of the organisation the request works in."""
    return request.organisation is not None and (
        request.organisation.pk in scope_of(request.user).policy_org_ids
    )


class PolicyCreateMixin:
    """For a list or an edit page (before ``ObjectListView`` / ``ObjectEditView``) whose new
    records only the IT policy division of the organisation worked in adds: the list offers the
    button and the edit page the form for a new record to it alone (403 to the others)."""

    def may_create(self, scope) -> bool:
        return is_policy(self.request)


def get_visible_or_404(queryset, user, **lookup):
    """A record the user may read (404 otherwise: records of others are not confirmed to exist)."""
    return get_object_or_404(queryset.visible_to(user), **lookup)


def require_editable(obj, user) -> None:
    """403 unless the user may edit ``obj``."""
    if not may_edit(obj, user):
        raise PermissionDenied(_("You may read this record but not change it."))


# --- generic views ----------------------------------------------------------------------------


class PickerSearchView(LoginRequiredMixin, View):
    """The options of a searchable picker (core/widgets.py) that match ``?q=``: only records the
    user may read (``?scope=edit``: may edit), every word of the query in one of
    ``search_fields``, at most ``limit`` of them."""

    limit = 20
    search_fields: tuple[str, ...] = ()

    def get_queryset(self, user, scope: str):
        raise NotImplementedError

    def label(self, obj) -> str:
        return str(obj)

    def get(self, request):
        # Full-width letters and digits (Ｓ０００１) and half-width kana find what they mean.
        query = unicodedata.normalize("NFKC", request.GET.get("q", "")).strip()[:100]
        options, more = [], False
        if query:
            match = Q()
            for word in query.split():
                any_field = Q()
                for field in self.search_fields:
                    any_field |= Q(**{f"{field}__icontains": word})
                match &= any_field
            queryset = self.get_queryset(request.user, request.GET.get("scope", ""))
            rows = list(queryset.filter(match)[: self.limit + 1])
            more = len(rows) > self.limit
            options = [(row.pk, self.label(row)) for row in rows[: self.limit]]
        return render(
            request,
            "core/_picker_options.html",
            {"options": options, "more": more, "query": query},
        )


class UnitPickerView(PickerSearchView):
    """Units for a unit picker: the user's organisations' (``?scope=edit``: the units the user
    may record for, `units.ownable_units`)."""

    search_fields = ("code", "name")

    def get_queryset(self, user, scope):
        units = ownable_units(user) if scope == "edit" else OrgUnit.objects.visible_to(user)
        return units.select_related("department").order_by("tree_key")

    def label(self, unit):
        # Sections of different departments share names (総務課): say whose.
        if unit.department_id and unit.department_id != unit.pk:
            return f"{unit.department.name} {unit.name}"
        return unit.name


class ObjectListView(LoginRequiredMixin, View):
    """A filtered, sorted, paginated table with column choice, saved views and exports.

    Every list page of the ledger is one. A report (a summary with its rows, such as backup
    compliance) is one too: its ``table_rows`` returns the rows it computes as a list (dicts with
    ``id``), which the table sorts and pages as it does a queryset, and its template extends
    ``core/object_list.html`` to add the summary (blocks ``nav``, ``heading``, ``summary``,
    ``below``) from ``extra_context``.
    """

    template_name = "core/object_list.html"
    filterset_class: type | None = None
    columns: list[Column] = []
    default_sort = "code"
    list_name: str = ""
    title = ""
    create_url_name: str | None = None
    create_label = gettext_lazy("Add")  # the text of the button for a new record
    # The export kind's name (`exports.register`), or the kind itself for a report's own columns.
    export_kind: str | exports.ExportKind | None = None
    export_formats: tuple[str, ...] = exports.FORMATS
    bulk_actions: list[tuple[str, str]] = []
    per_page = 50
    per_page_choices = (25, 50, 100, 250)
    empty_text = ""  # what the table says when no row matches (default: "No records match.")
    form = None  # a form beside the list that did not save, shown with its errors (`refused`)
    table_id = ""  # the id of the table's box on the page

    def may_create(self, scope) -> bool:
        """Whether the list offers a button for a new record."""
        return scope.can_write

    def get_queryset(self):
        raise NotImplementedError

    def table_rows(self, queryset, columns):
        """What the table's rows are read from, given the columns shown (model instances by
        default; a list may read dicts of what its columns show, and its columns read those; a
        report returns the list of rows it computes)."""
        return queryset

    describe = staticmethod(str)  # a row as the selection box's label reads it
    row_attrs = None  # a row's <tr> attributes, as `Table.row_attrs`
    prepare_page = None  # what a page's rows need before they are shown, as `Table.prepare`

    def export_rows(self, queryset):
        """The filtered rows as the list's export reads them (with what its columns follow)."""
        return queryset

    def get(self, request):
        queryset = self.get_queryset()
        self.filterset = filterset = None
        invalid = False
        export = request.GET.get("export") in self.export_formats and self.export_kind
        if self.filterset_class is not None:
            self.filterset = filterset = self.filterset_class(
                request.GET or None, queryset=queryset, request=request
            )
            style_filter_form(filterset.form)
            if filterset.is_bound and not filterset.is_valid():
                # A filter the list cannot apply is an error, never "everything": an export
                # answers 400 with the reason; the page shows the form's errors and no rows.
                if export:
                    return HttpResponse(
                        filter_errors_text(filterset.errors),
                        status=400,
                        content_type="text/plain; charset=utf-8",
                    )
                invalid = True
                queryset = queryset.none()
            elif filterset.is_bound:
                queryset = filterset.qs
        if export:
            return export_response(self.export_kind, self.export_rows(queryset), request)
        per_page = request.GET.get("per_page", "")
        per_page = (
            int(per_page)
            if per_page.isdigit() and int(per_page) in self.per_page_choices
            else self.per_page
        )
        scope = scope_of(request.user)
        can_bulk = bool(self.bulk_actions) and scope.can_write
        self.table = table = Table(
            columns=self.columns,
            queryset=queryset,
            read=self.table_rows,
            request=request,
            default_sort=self.default_sort,
            per_page=per_page,
            selectable=can_bulk,
            chosen=request.GET.getlist("cols") or None,
            describe=self.describe,
            per_page_choices=self.per_page_choices,
            row_attrs=self.row_attrs,
            empty_text=self.empty_text,
            prepare=self.prepare_page,
        )
        saved = savedviews.saved_views(request.user, self.list_name) if self.list_name else ()
        return render(
            request,
            self.template_name,
            {
                "title": self.title,
                "table": table,
                "filterset": filterset,
                "saved_views": saved,
                "list_name": self.list_name,
                "can_share": bool(scope.policy_org_ids),
                "create_url": reverse(self.create_url_name)
                if self.create_url_name and self.may_create(scope)
                else None,
                "create_label": self.create_label,
                "export_links": self.export_links(request),
                "bulk_actions": self.bulk_actions if can_bulk else [],
                "table_id": self.table_id,
                **self.extra_context(),
            },
            status=400 if invalid else 200,
        )

    def extra_context(self) -> dict[str, Any]:
        """What the page shows beside its table (after the rows are read: ``self.table``)."""
        return {}

    def refused(self, form) -> HttpResponse:
        """The page again, answered 400, with a form it shows beside the list (``self.form``)
        that did not save, for the user to correct."""
        self.form = form
        response = self.get(self.request)
        response.status_code = 400
        return response

    def export_links(self, request) -> list[tuple[str, str]]:
        """(label, link) of each export format of the filtered list."""
        if not self.export_kind:
            return []
        link = query_string_with(request.GET, "export", page=None)
        return [(fmt.upper(), f"?{link(fmt)}") for fmt in self.export_formats]


def filter_errors_text(errors) -> str:
    """A filter form's errors as one line per field: ``field: reason``."""
    return "\n".join(
        f"{field}: {' '.join(str(m) for m in messages)}" for field, messages in errors.items()
    )


def style_filter_form(form) -> None:
    """Compact Bootstrap widgets for a filter form."""
    from django import forms

    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.SelectMultiple):
            widget.attrs.update({"class": "form-select form-select-sm", "size": 3})
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"


def export_response(kind: str | exports.ExportKind, queryset, request) -> HttpResponse:
    """A download of ``queryset`` as the export kind's file (a registered kind by its name),
    in the format ``?export=`` names."""
    if isinstance(kind, str):
        kind = exports.kinds()[kind]
    return exports.download(kind, queryset, request, kind.name)


class ObjectEditView(LoginRequiredMixin, View):
    """Create (no pk) or edit a record through its services, with the form's validation."""

    template_name = "core/object_edit.html"
    model: type
    form_class: type

    def get_object(self, pk):
        obj = get_visible_or_404(self.model.objects, self.request.user, pk=pk)
        require_editable(obj, self.request.user)
        return obj

    def form_kwargs(self, obj) -> dict[str, Any]:
        return {"instance": obj, "user": self.request.user}

    def may_create(self, scope) -> bool:
        """Whether the user may open the form for a new record (the service checks the unit)."""
        return scope.can_write

    def get(self, request, pk=None):
        obj = self.get_object(pk) if pk else None
        if obj is None and not self.may_create(scope_of(request.user)):
            raise PermissionDenied
        return self.render(
            obj, self.form_class(**self.form_kwargs(obj), initial=request.GET.dict())
        )

    def post(self, request, pk=None):
        obj = self.get_object(pk) if pk else None
        if obj is None and not self.may_create(scope_of(request.user)):
            raise PermissionDenied
        form = self.form_class(request.POST, **self.form_kwargs(obj))
        if form.is_valid():
            try:
                saved = self.save(form, obj)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(obj)s") % {"obj": saved})
                return redirect(self.success_url(saved))
        return self.render(obj, form, status=400)

    def render(self, obj, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "object": obj,
                "form": form,
                "model_name": self.model._meta.verbose_name,
                "cancel_url": self.success_url(obj) if obj else self.cancel_url(),
            },
            status=status,
        )

    def save(self, form, obj):
        raise NotImplementedError

    def success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def cancel_url(self) -> str:
        return reverse("home")


class ObjectDeleteView(LoginRequiredMixin, View):
    """Confirm, then delete a record through its service."""

    template_name = "core/object_delete.html"
    model: type
    # `delete(obj)` below is the record's deletion hook, not the HTTP method: without this an
    # HTTP DELETE reached it with the URL's arguments and answered 500.
    http_method_names = ["get", "post", "head", "options"]

    def get_object(self, pk):
        obj = get_visible_or_404(self.model.objects, self.request.user, pk=pk)
        require_editable(obj, self.request.user)
        return obj

    def get(self, request, pk):
        obj = self.get_object(pk)
        return render(
            request,
            self.template_name,
            {"object": obj, "model_name": self.model._meta.verbose_name},
        )

    def post(self, request, pk):
        obj = self.get_object(pk)
        try:
            self.delete(obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(obj.get_absolute_url())
        messages.success(request, _("Deleted: %(obj)s") % {"obj": obj})
        return redirect(self.success_url)

    def delete(self, obj):
        raise NotImplementedError

    success_url = "/"


class ObjectAddFormView(LoginRequiredMixin, View):
    """A record's page with a form that adds something to it (a scheme's levels, a drill's
    findings, a session's attendance): whoever reads the record sees the page, whoever may edit
    it posts the form, which :meth:`add` hands to the service; the form comes back with its
    errors (400) or the page reloads with ``success_message``."""

    model: type
    form_class: type
    template_name: str
    object_name: str  # what the template calls the record
    success_message = gettext_lazy("Saved.")

    def get_object(self, pk):
        return get_visible_or_404(self.model.objects, self.request.user, pk=pk)

    def form_kwargs(self, obj) -> dict[str, Any]:
        return {}

    def add(self, obj, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def extra_context(self, obj) -> dict[str, Any]:
        """What the page shows of the record besides the form."""
        return {}

    def success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get(self, request, pk):
        obj = self.get_object(pk)
        return self.render(obj, self.form_class(**self.form_kwargs(obj)))

    def post(self, request, pk):
        obj = self.get_object(pk)
        require_editable(obj, request.user)
        form = self.form_class(request.POST, **self.form_kwargs(obj))
        if save_form(form, lambda data: self.add(obj, data)):
            messages.success(request, self.success_message)
            return redirect(self.success_url(obj))
        return self.render(obj, form, status=400)

    def render(self, obj, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                self.object_name: obj,
                "form": form,
                "can_edit": may_edit(obj, self.request.user),
                **self.extra_context(obj),
            },
            status=status,
        )


# --- pages ------------------------------------------------------------------------------------


class HomeView(LoginRequiredMixin, View):
    """The organisation at a glance: each app contributes panels."""

    def get(self, request):
        panels = [(p, p.context(request)) for p in home.panels()]
        return render(request, "core/home.html", {"panels": panels})


class UnitListView(ObjectListView):
    """The unit tree with the number of systems each unit owns."""

    filterset_class = UnitFilterSet
    columns = UNIT_COLUMNS
    default_sort = "name"  # the tree's order
    per_page = 250
    title = gettext_lazy("Units")
    create_url_name = "unit_create"
    export_kind = "units"

    def may_create(self, scope) -> bool:
        return bool(scope.policy_org_ids)

    def export_rows(self, queryset):
        return queryset.select_related("parent")

    def get_queryset(self):
        editable = scope_of(self.request.user).policy_org_ids
        return OrgUnit.objects.visible_to(self.request.user).annotate(
            system_count=Count("systems", distinct=True),
            editable=Q(organisation_id__in=editable) if editable else Value(False),
        )


class UnitEditView(ObjectEditView):
    model = OrgUnit
    form_class = UnitForm

    def get_object(self, pk):
        obj = get_visible_or_404(OrgUnit.objects, self.request.user, pk=pk)
        if obj.organisation_id not in scope_of(self.request.user).policy_org_ids:
            raise PermissionDenied
        return obj

    def may_create(self, scope) -> bool:
        return bool(scope.policy_org_ids)  # a unit in any organisation it is the division of

    def save(self, form, obj):
        data = form.cleaned_data
        if obj is None:
            return services.unit_create(organisation=self.request.organisation, **data)
        return services.unit_update(unit=obj, data=data)

    def success_url(self, obj) -> str:
        return reverse("unit_list")

    def cancel_url(self) -> str:
        return reverse("unit_list")


class AuditListView(ObjectListView):
    """Every write in the organisation, newest first (IT policy division and auditors)."""

    filterset_class = AuditEventFilterSet
    columns = AUDIT_COLUMNS
    default_sort = "-time"
    per_page = 100
    title = gettext_lazy("Audit log")

    def get_queryset(self):
        org_ids = scope_of(self.request.user).audit_org_ids
        if not org_ids:
            raise PermissionDenied
        return AuditEvent.objects.filter(organisation_id__in=org_ids)


def _target(request, ct_id: int, object_id: str, *, edit: bool):
    """The ledger record a note or attachment hangs on, if the user may read (or edit) it."""
    content_type = get_object_or_404(ContentType, pk=ct_id)
    model = content_type.model_class()
    if model is None or not hasattr(model.objects, "visible_to"):
        raise Http404
    try:
        obj = get_visible_or_404(model.objects, request.user, pk=object_id)
    except (ValueError, ValidationError):  # an id that is not a key of this model
        raise Http404 from None
    if edit:
        require_editable(obj, request.user)
    return obj


def _back(request, obj, anchor: str = "history") -> HttpResponseRedirect:
    url = obj.get_absolute_url() if services.has_page(obj) else reverse("home")
    return redirect(f"{url}#{anchor}")


class NoteAddView(LoginRequiredMixin, View):
    def post(self, request, ct_id, object_id):
        obj = _target(request, ct_id, object_id, edit=True)
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.note_add(target=obj, **form.cleaned_data)
                messages.success(request, _("Note added."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.error(request, _("Write the note first."))
        return _back(request, obj)


class AttachmentAddView(LoginRequiredMixin, View):
    def post(self, request, ct_id, object_id):
        obj = _target(request, ct_id, object_id, edit=True)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.attachment_add(
                    target=obj,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                )
                messages.success(request, _("File attached."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(request, obj, "attachments")


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        _target(request, attachment.content_type_id, attachment.object_id, edit=False)
        return FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=attachment.name
        )


class AttachmentDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        obj = _target(request, attachment.content_type_id, attachment.object_id, edit=True)
        services.attachment_delete(attachment=attachment)
        messages.success(request, _("Attachment deleted."))
        return _back(request, obj, "attachments")


class SavedViewSaveView(LoginRequiredMixin, View):
    def post(self, request, list_name):
        form = SavedViewForm(request.POST)
        url = safe_next(request, reverse("home"))
        if form.is_valid() and request.organisation:
            try:
                services.saved_view_save(
                    owner=request.user,
                    organisation=request.organisation,
                    list_name=list_name,
                    **form.cleaned_data,
                )
                messages.success(request, _("View saved."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.error(request, _("Give the view a name."))
        return redirect(url)


class SavedViewDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        view = get_object_or_404(SavedView.objects.editable_by(request.user), pk=pk)
        services.saved_view_delete(view=view)
        messages.success(request, _("View deleted."))
        return redirect(safe_next(request))


def safe_next(request, default: str = "/") -> str:
    """The `next` URL of a form if it points inside this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default
