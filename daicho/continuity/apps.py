from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContinuityConfig(AppConfig):
    """Backups by data importance, ICT-BCP and drills, availability (plan 3.1.1, 3.1.2, 3.3.3)."""

    name = "daicho.continuity"
    label = "continuity"
    verbose_name = _("Continuity")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.continuity import summaries as continuity_summaries
        from daicho.core import summaries

        summaries.register("backups", compute=continuity_summaries.backups, order=30)
        summaries.register("drills", compute=continuity_summaries.drills, order=40)
        from daicho.continuity import demo as continuity_demo
        from daicho.continuity import importers, metrics
        from daicho.continuity.views import drills
        from daicho.core import demo, home

        demo.register("continuity", continuity_demo.load, order=30)
        importers.register_kinds()
        metrics.register()
        drills.register_home_panels(home)
        from daicho.continuity import timeline

        timeline.register()
        from daicho.registry import sections

        sections.register(
            "continuity.system",
            template="continuity/_system_section.html",
            context=lambda request, system: {},
            order=20,
            column="left",
        )
