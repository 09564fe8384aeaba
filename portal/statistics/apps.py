from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """Campaign figures (docs/statistics.md): the top floor reads every app's tables; no app imports it."""

    name = "portal.statistics"
    label = "statistics"
    verbose_name = _("统计")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the weekly report's and the 稳岗回访 reminder's message templates with core.notifications.
        from portal.statistics import notifications  # noqa: F401
