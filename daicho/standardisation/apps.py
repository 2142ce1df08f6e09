from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardisationConfig(AppConfig):
    """地方公共団体情報システムの標準化: the 20 business areas' migration to standard-conforming
    systems on the Government Cloud, and its cost goal (30 % below FY2018)."""

    name = "daicho.standardisation"
    label = "standardisation"
    verbose_name = _("Standardisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.core import demo
        from daicho.standardisation import demo as standardisation_demo
        from daicho.standardisation import importers, metrics

        # After the co-use demo (15), before the plan (50): the municipality's plan reads it.
        demo.register("standardisation", standardisation_demo.load, order=40)
        importers.register_kinds()
        metrics.register()
