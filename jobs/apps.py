from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("就业超市")

    def ready(self):
        # The postings and employers lists' exports, run by core.exports' one task and page.
        from core.exports.kinds import register
        from jobs.exports import EMPLOYERS_EXPORT, POSTINGS_EXPORT

        register(POSTINGS_EXPORT)
        register(EMPLOYERS_EXPORT)
