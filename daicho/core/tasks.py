"""The job worker's tasks (huey finds this module in each installed app): one task runs any
core.Job through the handler its area registered (daicho.core.jobs)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from daicho.core import jobs
from daicho.core.importing import services as _import_jobs  # noqa: F401 (registers its handlers)


@db_task()
def job_task(job_pk: int) -> None:
    jobs.job_run(job_pk=job_pk)
