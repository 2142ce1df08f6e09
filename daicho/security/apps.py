from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Security incidents, staff training and targeted-mail drills (plan 3.1.3, 3.5.1)."""

    name = "daicho.security"
    label = "security"
    verbose_name = _("Security")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.core import demo
        from daicho.security import demo as security_demo
        from daicho.security import importers, metrics

        demo.register("security", security_demo.load, order=35)
        importers.register_kinds()
        metrics.register()
        from daicho.security import timeline

        timeline.register()
