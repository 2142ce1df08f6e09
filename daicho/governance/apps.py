from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """Procurement gates, budget review, consultations, evaluations, green procurement."""

    name = "daicho.governance"
    label = "governance"
    verbose_name = _("Governance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.core import demo, home
        from daicho.governance import demo as governance_demo
        from daicho.governance import (
            exports,
            importers,
            metrics,
            notices,
            timeline,
            views,
            workflow,
        )

        demo.register("governance", governance_demo.load, order=30)
        exports.register()
        importers.register_kinds()
        metrics.register()
        notices.register()
        timeline.register()
        views.register_home_panels(home)
        workflow.register_checklist_labels()
