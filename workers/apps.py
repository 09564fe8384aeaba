from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkersConfig(AppConfig):
    name = "workers"
    verbose_name = _("务工人员")

    def ready(self):
        # Registers the ledger's broadcast recipient filters and its message template with core.notifications.
        from workers import notifications, recipient_filters  # noqa: F401
