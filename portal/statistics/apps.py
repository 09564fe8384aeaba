from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """Campaign figures (docs/statistics.md): the top floor reads every app's tables; no app imports it."""

    name = "portal.statistics"
    label = "statistics"
    verbose_name = _("统计")
    default_auto_field = "django.db.models.BigAutoField"
