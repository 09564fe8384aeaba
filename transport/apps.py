from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "transport"
    verbose_name = _("返岗专车")

    def ready(self):
        from transport.notifications import register_trip_templates
        from transport.signing_offers import register_offer_template

        register_trip_templates()
        register_offer_template()
