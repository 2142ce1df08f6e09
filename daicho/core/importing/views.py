"""Web import: upload → preview (the dry run, problems at their rows) → confirm; history and
rollback of a batch."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core import jobs
from daicho.core.importing import engine, first_run, services, template
from daicho.core.importing.forms import ImportForm
from daicho.core.models import ImportBatch, ImportStatus, JobState
from daicho.core.permissions import scope_of
from daicho.core.tables import IMPORT_COLUMNS
from daicho.core.views import ObjectListView


class ImportListView(ObjectListView):
    """The imports the user may see, newest first, with their counts."""

    template_name = "core/import_list.html"
    columns = IMPORT_COLUMNS
    default_sort = "-started_at"
    title = gettext_lazy("Imports")
    create_url_name = "import_upload"
    create_label = gettext_lazy("Import a file")
    empty_text = gettext_lazy("No imports yet.")

    def may_create(self, scope) -> bool:
        return scope.can_import

    def get_queryset(self):
        return (
            ImportBatch.objects.visible_to(self.request.user)
            .select_related("user")
            .defer("changes", "created_refs")
        )


class FirstRunView(LoginRequiredMixin, View):
    """The order in which to load an organisation's files, each step with its state, a link to
    upload it and its template; members who cannot import read it too (as the import list)."""

    def get(self, request):
        organisation = request.organisation
        steps = (
            first_run.first_run_steps(user=request.user, organisation=organisation)
            if organisation
            else []
        )
        return render(
            request,
            "core/first_run.html",
            {
                "steps": steps,
                "can_import": scope_of(request.user).can_import and bool(organisation),
                "new_ledger": first_run.ledger_is_new(user=request.user, organisation=organisation),
            },
        )


class ImportTemplateView(LoginRequiredMixin, View):
    """The XLSX template of an import kind (headers, an example row, drop-down lists)."""

    def get(self, request, kind):
        the_kind = engine.kinds().get(kind)
        if the_kind is None:
            raise Http404
        response = HttpResponse(
            template.build(the_kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="template-{kind}.xlsx"'
        return response


class ImportUploadView(LoginRequiredMixin, View):
    def _check(self, request):
        if not scope_of(request.user).can_import or request.organisation is None:
            raise PermissionDenied(_("Only members who edit the ledger can import."))

    def get(self, request):
        self._check(request)
        return render(
            request,
            "core/import_upload.html",
            {
                "form": ImportForm(initial={"kind": request.GET.get("kind", "systems")}),
                "kinds": engine.kinds().values(),
            },
        )

    def post(self, request):
        self._check(request)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                path = services.upload_store(upload=data["file"])
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                options = {
                    "skip_invalid": data["skip_invalid"],
                    "refuse": data["refuse"],
                    "mapping": data["mapping"] or None,
                    "sheet": data["sheet"] or None,
                    "encoding": data["encoding"] or None,
                    "effective": data["effective"],
                    "device": data["device"] or None,
                }
                if data["file"].size > settings.DAICHO_IMPORT_BACKGROUND_BYTES:
                    job = services.preview_in_background(
                        organisation=request.organisation,
                        user=request.user,
                        kind=data["kind"],
                        path=path,
                        name=data["file"].name,
                        **options,
                    )
                    return redirect("import_progress", token=job.token)
                result = services.import_preview(
                    organisation=request.organisation,
                    user=request.user,
                    kind=data["kind"],
                    path=path,
                    name=data["file"].name,
                    **options,
                )
                return redirect(result.batch.get_absolute_url())
        return render(
            request,
            "core/import_upload.html",
            {"form": form, "kinds": engine.kinds().values()},
            status=400,
        )


class ImportProgressView(LoginRequiredMixin, View):
    """A large file being previewed or imported by the job worker: rows done so far, read from
    the database (any server process answers); the batch page when it is done."""

    def get(self, request, token):
        job = jobs.job_for(token=token, user=request.user)
        if job is None:
            raise Http404
        if job.state == JobState.DONE and job.batch_id:
            url = job.batch.get_absolute_url()
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        template = (
            "core/_import_progress.html"
            if request.headers.get("HX-Request")
            else "core/import_progress.html"
        )
        return render(request, template, {"state": job})


class ImportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
        kind = engine.kinds().get(batch.kind)
        applied = batch.status == ImportStatus.APPLIED
        refusals = kind.rollback_blockers(batch) if applied and kind and kind.can_roll_back else []
        blockers = services.batch_blockers(batch) if applied and not refusals else []
        return render(
            request,
            "core/import_detail.html",
            {
                "batch": batch,
                "kind": kind,
                "problems": batch.problems,
                "changes": engine.row_changes(batch),
                "notes": [engine.note_text(note) for note in batch.notes],
                "created_refs": [
                    (engine.REFERENCES.get(reference, reference), names)
                    for reference, names in batch.created_refs.items()
                ],
                "can_confirm": batch.status == ImportStatus.DRY_RUN
                and batch.confirmed_by_id is None
                and batch.user_id == request.user.pk
                and (batch.rejected == 0 or batch.options.get("skip_invalid")),
                "can_rollback": batch.status == ImportStatus.APPLIED
                and (kind is None or kind.can_roll_back)
                and not blockers
                and not refusals
                and (
                    batch.user_id == request.user.pk
                    or batch.organisation_id in scope_of(request.user).policy_org_ids
                ),
                "blockers": blockers,
                "refusals": refusals,
            },
        )


class ImportConfirmView(LoginRequiredMixin, View):
    def post(self, request, pk):
        preview = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
        if preview.file_size > settings.DAICHO_IMPORT_BACKGROUND_BYTES:
            try:
                job = services.confirm_in_background(preview=preview, user=request.user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect(preview.get_absolute_url())
            return redirect("import_progress", token=job.token)
        try:
            result = services.import_confirm(preview=preview, user=request.user)
        except services.AlreadyConfirmed as exc:
            messages.info(
                request,
                _("This preview was already imported; nothing was imported again."),
            )
            return redirect(exc.batch.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(preview.get_absolute_url())
        if result.ok or result.batch.status == ImportStatus.APPLIED:
            messages.success(
                request,
                _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "created": result.batch.created,
                    "updated": result.batch.updated,
                    "unchanged": result.batch.unchanged,
                },
            )
        else:
            messages.error(request, _("Nothing was imported; see the problems below."))
        return redirect(result.batch.get_absolute_url())


class ImportRollbackView(LoginRequiredMixin, View):
    def post(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
        try:
            undone = services.batch_rollback(batch=batch)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Rolled back: %(n)d changes undone.") % {"n": undone})
        return redirect(batch.get_absolute_url())
