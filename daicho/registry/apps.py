from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """The information systems, vendors, contracts and yearly costs (情報システム台帳)."""

    name = "daicho.registry"
    label = "registry"
    verbose_name = _("Registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from daicho.core import demo, home, seeds
        from daicho.registry import demo as registry_demo
        from daicho.registry import demo_couse, importers, metrics, services, views

        demo.register("registry", registry_demo.load, order=10)
        demo.register("co-use", demo_couse.load, order=15)
        importers.register_kinds()
        metrics.register()
        views.register_home_panels(home)
        seeds.register(
            "cost-items",
            services.cost_items_seed,
            label=gettext_lazy("Cost items (費目)"),
            order=10,
        )
