from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Two-way matching: postings ranked for a worker, workers ranked for a posting, and the nightly push."""

    name = "placement.matching"
    label = "matching"
    verbose_name = _("人岗匹配")

    def ready(self):
        from placement.matching import notifications  # noqa: F401  (registers the nightly push's message template)
