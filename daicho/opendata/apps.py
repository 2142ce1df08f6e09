from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The public catalogue: registry and cost data an organisation publishes as open data."""

    name = "daicho.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from daicho.core import exports
        from daicho.opendata import publish

        exports.register_folder("opendata", publish.write_folder)
