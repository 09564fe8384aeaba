"""稳岗回访 reminders: 30 and 90 days after a worker started a job, their secretary is asked to call and record
whether the person is still in work (a RETENTION_30 / RETENTION_90 service record, which the funnel counts)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.notifications.models import Channel, OutboxMessage
from core.notifications.services import notify_each
from placement.applications.models import ApplicationState, ApplicationStateChange
from portal.statistics.daily import day_bounds
from portal.statistics.notifications import RETENTION_TEMPLATE as TEMPLATE
from workers.models import ServiceKind

MILESTONES = {30: ServiceKind.RETENTION_30, 90: ServiceKind.RETENTION_90}
# A reminder missed (beat down for a few days) is still sent within this many days of falling due.
CATCH_UP_DAYS = 7


@transaction.atomic
def retention_reminders_send(*, today=None):
    """One inbox message per worker and milestone due in the last CATCH_UP_DAYS days, to the worker's secretary,
    unless the follow-up is already recorded or the reminder already sent. Returns the messages written."""
    today = today or timezone.localdate()
    messages = []
    for days, kind in MILESTONES.items():
        start, _next = day_bounds(today - timedelta(days=days + CATCH_UP_DAYS - 1))
        _start, end = day_bounds(today - timedelta(days=days))
        started = (
            ApplicationStateChange.objects.filter(
                to_state=ApplicationState.ONBOARDED, changed_at__gte=start, changed_at__lt=end
            )
            .filter(application__worker__secretary__isnull=False, application__worker__anonymised_at__isnull=True)
            .exclude(application__worker__service_records__kind=kind)
            .select_related("application__worker__secretary")
        )
        for change in started:
            worker = change.application.worker
            link = f"{settings.PORTAL_BASE_URL}{reverse('workers:detail', args=[worker.pk])}"
            context = {"name": worker.full_name, "days": days, "link": link}
            messages.append((worker.secretary, context))
    sent = set(OutboxMessage.objects.filter(template=TEMPLATE).values_list("params__link", "params__days").order_by())
    due = [(user, context) for user, context in messages if (context["link"], str(context["days"])) not in sent]
    unique = list({(context["link"], context["days"]): (user, context) for user, context in due}.values())
    return len(notify_each(messages=unique, template=TEMPLATE, channels=[Channel.INBOX]))
