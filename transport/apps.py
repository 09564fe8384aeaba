from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "transport"
    verbose_name = _("返岗专车")

    def ready(self):
        from transport import notifications  # noqa: F401  (registers the trip message templates)
