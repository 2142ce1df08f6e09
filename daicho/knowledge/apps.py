from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """The knowledge base (articles, FAQ, search, usage) and each system's カルテ."""

    name = "daicho.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daicho.core import demo
        from daicho.knowledge import demo as knowledge_demo
        from daicho.knowledge import metrics, timeline

        demo.register("knowledge", knowledge_demo.load, order=35)
        metrics.register()
        timeline.register()
