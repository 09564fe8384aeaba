"""The statistics app's messages: the Monday link to last week's report for each supervisor, and the 稳岗回访
reminder to a secretary (retention.py). Registered in core.notifications' catalogue when this module is imported
(StatisticsConfig.ready())."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.accounts.models import Role, User
from core.notifications.catalog import MessageTemplate, register_templates
from core.notifications.models import Channel, Kind, OutboxMessage
from core.notifications.services import notify_each
from portal.statistics.reports import last_complete_week

TEMPLATE = "weekly_report"
RETENTION_TEMPLATE = "retention_due"

register_templates(
    MessageTemplate(
        # Every Monday morning, to each city and province supervisor; inbox only.
        key=TEMPLATE,
        label=gettext_lazy("春风行动进展周报"),
        text="${region}春风行动进展周报（${week}）已生成，请查看：${link}",
        kind=Kind.CRITICAL,
        inbox_only=True,
    ),
    MessageTemplate(
        # A secretary's 稳岗回访 falls due 30 and 90 days after a worker started; inbox only.
        key=RETENTION_TEMPLATE,
        label=gettext_lazy("稳岗回访提醒"),
        text="${name}上岗已满${days}天，请做稳岗回访并在服务记录中登记是否仍在岗：${link}",
        kind=Kind.CRITICAL,
        inbox_only=True,
    ),
)


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
