"""Background jobs: work too long for a web request, run by the job worker (huey) that
`daicho serve` starts, with its progress in the database (core.Job) so that any server process
can show it.

An area plugs its work in with `@handler("kind")`: the handler gets the Job and a function to
report rows done, and returns the ImportBatch it produced (or None). `job_enqueue` records the job
and queues it once the caller's transaction has committed; tests run jobs at once (huey's
immediate mode, tests/conftest.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from daicho.core.models import ImportBatch, Job, JobState, Organisation, User

logger = logging.getLogger(__name__)

Reporter = Callable[[int], None]
Handler = Callable[[Job, Reporter], ImportBatch | None]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does the work of jobs of `kind`."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def job_enqueue(*, kind: str, user: User, organisation: Organisation | None, params: dict) -> Job:
    """Record a job and hand it to the worker once the caller's transaction has committed."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for jobs of kind {kind!r}")
    job = Job.objects.create(kind=kind, user=user, organisation=organisation, params=params)
    transaction.on_commit(lambda: job_task(job.pk))
    return job


def job_for(*, token: str, user: User) -> Job | None:
    """The job with this token, if `user` started it (nobody else sees another's progress)."""
    return Job.objects.filter(token=token, user=user).select_related("batch").first()


@contextmanager
def on_database(wrapper) -> None:
    """Point this thread's default database connection at `wrapper` for the block."""
    previous = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = previous


@contextmanager
def progress_writer(job_pk: int):
    """A reporter that writes a job's rows done through a connection outside whatever
    transaction the work runs in (a dry run is rolled back, and its progress would be too)."""
    live = connections[DEFAULT_DB_ALIAS]
    own = live.vendor != "sqlite"  # on SQLite the work runs on a snapshot (importing.services)
    writer = live.__class__(dict(live.settings_dict), alias=DEFAULT_DB_ALIAS) if own else live

    def report(rows: int) -> None:
        with on_database(writer):
            Job.objects.filter(pk=job_pk).update(rows=rows)

    try:
        yield report
    finally:
        if own:
            writer.close()


def job_run(*, job_pk: int) -> None:
    """Run one queued job with its handler, recording its state, rows, batch or error."""
    updated = Job.objects.filter(pk=job_pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    if not updated:  # gone, or already run (a task delivered twice)
        return
    job = Job.objects.select_related("user", "organisation").get(pk=job_pk)
    outcome = {"state": JobState.DONE, "error": ""}
    try:
        with progress_writer(job.pk) as report:
            outcome["batch"] = HANDLERS[job.kind](job, report)
    except (ValidationError, PermissionDenied) as exc:
        messages = getattr(exc, "messages", None) or [str(exc) or _("Permission denied.")]
        outcome = {"state": JobState.FAILED, "error": " ".join(messages)}
    except Exception as exc:  # the worker must go on; the user reads what went wrong
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        outcome = {
            "state": JobState.FAILED,
            "error": _("The work stopped with an error: %(error)s") % {"error": exc},
        }
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)


@db_task()
def job_task(job_pk: int) -> None:
    """The worker's task: any queued job, through its handler (`job_enqueue` queues it)."""
    job_run(job_pk=job_pk)
