import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("portal")


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("春风")

    def ready(self):
        import portal.flows  # noqa: F401 (connects the flows between the floors)

        if settings.EMBEDDED_MODE:
            logger.info(
                "REDIS_URL is not set: Celery tasks run in-process (eager) and the cache is local memory. "
                "Set REDIS_URL for background workers and a shared cache."
            )
