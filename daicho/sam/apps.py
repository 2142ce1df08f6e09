from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamConfig(AppConfig):
    """Software asset management: devices, titles, installations, licences, the inventory."""

    name = "daicho.sam"
    label = "sam"
    verbose_name = _("Software asset management")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.core import summaries
        from daicho.sam import summaries as sam_summaries

        summaries.register("sam", compute=sam_summaries.position, order=50)
        from daicho.core import demo, home
        from daicho.lifecycle import eol
        from daicho.lifecycle.services import Target, register_target
        from daicho.sam import demo as sam_demo
        from daicho.sam import demo_assets, demo_inventory, importers, inventory_views
        from daicho.sam import eol as sam_eol
        from daicho.sam import metrics as sam_metrics
        from daicho.sam.models import Device

        register_target(Target(Device, "os"))
        eol.register_source(sam_eol.devices)
        importers.register_kinds()
        sam_metrics.register()
        home.register(
            "sam.assets",
            template="sam/_panel_sam.html",
            context=inventory_views.sam_panel,
            order=5,
            width=12,
        )
        demo.register("sam", sam_demo.load, order=30)
        demo.register("sam-assets", demo_assets.load, order=35)
        demo.register("sam-inventory", demo_inventory.load, order=36)
