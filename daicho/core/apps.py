from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(cache_tables_create, sender=self)


def cache_tables_create(*, using: str = "default", **kwargs) -> None:
    """Make the shared cache's table (settings.CACHES "default": a DatabaseCache unless Redis is
    configured) after every `migrate`, `daicho init` and test database: rate limits count in it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
