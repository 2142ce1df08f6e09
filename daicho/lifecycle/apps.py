from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    """Software products, their releases' end of support, and matching raw names to them."""

    name = "daicho.lifecycle"
    label = "lifecycle"
    verbose_name = _("Software lifecycle")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.core import summaries
        from daicho.lifecycle import summaries as lifecycle_summaries

        summaries.register("eol", compute=lifecycle_summaries.end_of_support, order=20)
        from daicho.core import home
        from daicho.lifecycle import metrics, services, views

        post_migrate.connect(services.snapshot_post_migrate, sender=self)
        metrics.register()
        views.register_home_panels(home)
