from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    """Applications (报名 -> 签约 -> 上岗) and job fairs: the path from a worker's interest to a signed job."""

    name = "placement.applications"
    label = "applications"
    verbose_name = _("报名与招聘会")
