from django.apps import AppConfig


class TransportConfig(AppConfig):
    name = "transport"
    verbose_name = "返岗专车"
