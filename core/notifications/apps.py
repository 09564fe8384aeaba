from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "core.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self):
        # The services publish the tasks by name (publishing.py); every process, the web's too, must know them.
        from core.notifications import tasks  # noqa: F401
