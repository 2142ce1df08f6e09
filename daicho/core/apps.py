from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Organisations, units, people and roles, the audit log, notes and the shared helpers."""

    name = "daicho.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.core import importers, savedviews, twofactor, units  # noqa: F401 (signals)

        importers.register_kinds()
