"""The dispatch: the frequent, local sweep of the outbox (beat runs `outbox_dispatch` every two seconds). It only
touches the database, so nothing outside can slow it down."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from core.notifications.catalog import bulk_template_keys
from core.notifications.models import Broadcast, BroadcastStatus, Channel, OutboxMessage, Status
from core.notifications.publishing import fan_out, send_after_commit

WORKER_LOST_REASON = "发送进程中断，正在向服务商核实是否已发送"


def _mark_dead_workers_rows_unknown(now: datetime) -> int:
    """Rows in `sending` longer than any task may live: their worker died, during the call or before it. Only the
    provider knows which, so they join the reconciliation."""
    stuck_before = now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_AFTER_SECONDS)
    return OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=stuck_before).update(
        status=Status.UNKNOWN, last_error=WORKER_LOST_REASON, error_code="worker-lost", reconcile_after=now
    )


def _enqueue_unclaimed_rows(now: datetime) -> int:
    """Queued rows that are due and that no task carries: written by SQL (a booking), held for the quiet hours
    that just ended, or whose task a lost broker took with it. Each goes to its template's queue (publishing.py);
    the ones not sent in bulk first, so that a booking's SMS written at 8:00 does not wait for the ticks that enqueue
    the night's held pushes."""
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(channel=Channel.SMS, status=Status.QUEUED, send_after__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .values_list("id", "template")
            .order_by(Case(When(template__in=bulk_template_keys(), then=Value(1)), default=Value(0)), "id")[
                : settings.NOTIFICATIONS_DISPATCH_LIMIT
            ]
        )
        OutboxMessage.objects.filter(id__in=[row_id for row_id, _template in rows]).update(enqueued_at=now)
        send_after_commit(rows)
    return len(rows)


def _resume_stalled_fan_outs(now: datetime) -> int:
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    broadcasts = list(
        Broadcast.objects.filter(status=BroadcastStatus.PREPARING, updated_at__lt=stale).values_list("id", flat=True)
    )
    for broadcast_id in broadcasts:
        fan_out(broadcast_id)
    return len(broadcasts)


def outbox_dispatch() -> dict[str, int]:
    """The frequent, local sweep (no provider call, so nothing outside can slow it down): enqueue the due rows no
    task carries, hand the rows of dead workers to the reconciliation, restart stalled fan-outs."""
    now = timezone.now()
    return {
        "unknown": _mark_dead_workers_rows_unknown(now),
        "enqueued": _enqueue_unclaimed_rows(now),
        "fan_outs": _resume_stalled_fan_outs(now),
    }
