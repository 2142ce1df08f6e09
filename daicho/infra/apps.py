from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfraConfig(AppConfig):
    """Sites, servers, the virtualization platform, cloud services and virtual desktops."""

    name = "daicho.infra"
    label = "infra"
    verbose_name = _("Infrastructure")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.core import summaries
        from daicho.infra import summaries as infra_summaries

        summaries.register("infra", compute=infra_summaries.infrastructure, order=10)
        from daicho.core import demo, home
        from daicho.infra import demo as infra_demo
        from daicho.infra import eol as infra_eol
        from daicho.infra import importers, metrics, views
        from daicho.infra.models import Server, SoftwareComponent
        from daicho.lifecycle import eol
        from daicho.lifecycle.services import Target, register_target

        register_target(Target(Server, "os"))
        register_target(Target(SoftwareComponent, "name"))
        for source in infra_eol.SOURCES:
            eol.register_source(source)
        importers.register_kinds()
        metrics.register()
        views.register_home_panels(home)
        demo.register("infra", infra_demo.load, order=20)
