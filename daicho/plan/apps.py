from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    """The plan: measures, indicators computed from the ledger, the yearly report."""

    name = "daicho.plan"
    label = "plan"
    verbose_name = _("Plan")

    def ready(self) -> None:
        from daicho.core import demo
        from daicho.plan import demo as plan_demo
        from daicho.plan import jobs  # noqa: F401 (registers the annual report's job)

        demo.register("plan", plan_demo.load, order=50)
