"""What the job worker loads (huey finds this module in each installed app): the task that runs
any core.Job (`jobs.job_task`) and the handlers the areas registered for their kinds."""

from __future__ import annotations

from daicho.core.importing import services as _import_jobs  # noqa: F401 (registers its handlers)
from daicho.core.jobs import job_task  # noqa: F401 (the task)
