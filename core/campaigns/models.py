"""The campaign (春风行动): a named period that statistics roll up to.

It lives in core, not in transport, because DESIGN.md's layers let both jobs (postings, job fairs, applications)
and transport (trips) point at it, and neither may import the other's sideways or upwards. It is not a region:
a campaign is a period, so it does not belong in core.regions.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("春风行动")
        verbose_name_plural = _("春风行动")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(name="campaign_ends_after_it_starts", condition=Q(ends_on__gte=F("starts_on"))),
        ]

    def __str__(self):
        return self.name
