import gc

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Organisations, units, people and roles, the audit log, notes and the shared helpers."""

    name = "daicho.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.core import home, importers, savedviews, twofactor, units  # noqa: F401 (signals)
        from daicho.core.importing.first_run import first_run_panel

        importers.register_kinds()
        # A new ledger's way in, above the areas' panels.
        home.register(
            "core.first_run",
            template="core/_panel_first_run.html",
            context=first_run_panel,
            order=0,
            width=12,
        )
        post_migrate.connect(cache_tables_create, sender=self)
        request_finished.connect(heap_freeze, dispatch_uid="daicho.core.heap_freeze")


def cache_tables_create(*, using: str = "default", **kwargs) -> None:
    """Make the shared cache's table (settings.CACHES "default": a DatabaseCache unless Redis is
    configured) after every `migrate`, `daicho init` and test database: rate limits count in it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


def heap_freeze(**kwargs) -> None:
    """Once the process has served its first request, move everything it then holds (the loaded
    code, URL patterns, templates, translations: about 170,000 objects) out of the cyclic
    garbage collector's sight (`gc.freeze`). Each full collection otherwise walks them all —
    about 100 ms every fifteen or so requests of a large page, the single slow requests
    bench/pages.py showed on pages whose median is 10–50 ms (docs/performance.md). What later
    requests create is collected as before; the garbage of the first request is collected
    first, so none of it is kept."""
    request_finished.disconnect(dispatch_uid="daicho.core.heap_freeze")
    gc.collect()
    gc.freeze()
