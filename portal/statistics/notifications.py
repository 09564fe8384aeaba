"""The Monday message: each supervisor's inbox gets the link to last week's report for their region."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.accounts.models import Role, User
from core.notifications.models import Channel, OutboxMessage
from core.notifications.services import notify_each
from portal.statistics.reports import last_complete_week

TEMPLATE = "weekly_report"


@transaction.atomic
def weekly_report_announce(*, today=None):
    """One inbox message per active supervisor for last week; a second run the same week sends nothing more.

    Returns the number of messages written.
    """
    week = last_complete_week(today or timezone.localdate())
    week_label = f"{week.first:%Y-%m-%d}—{week.last:%m-%d}"
    already = OutboxMessage.objects.filter(template=TEMPLATE, params__week=week_label).values("recipient_id")
    supervisors = (
        User.objects.filter(role=Role.SUPERVISOR, is_active=True, region__isnull=False)
        .exclude(id__in=already)
        .select_related("region")
    )
    path = reverse("statistics:weekly")
    messages = [
        (
            supervisor,
            {
                "region": supervisor.region.name,
                "week": week_label,
                "link": f"{settings.PORTAL_BASE_URL}{path}?week={week.first:%Y-%m-%d}&region={supervisor.region_id}",
            },
        )
        for supervisor in supervisors
    ]
    return len(notify_each(messages=messages, template=TEMPLATE, channels=[Channel.INBOX]))
