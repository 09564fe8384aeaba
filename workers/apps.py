from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkersConfig(AppConfig):
    name = "workers"
    verbose_name = _("务工人员")

    def ready(self):
        # Registers the ledger's message templates with core.notifications (its recipient filters are wired in
        # portal/flows.py), and the ledger's export with core.exports (its one task and page run it).
        from core.exports.kinds import register
        from workers import notifications  # noqa: F401
        from workers.exports import LEDGER_EXPORT

        register(LEDGER_EXPORT)
