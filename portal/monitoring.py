"""What an operator watches, read cheaply enough to be asked every 15 seconds: each reading is one indexed query or
one Redis round trip. /metrics (portal/metrics.py) and /healthz?full=1 (portal/health.py) both report these.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from core.notifications.models import OutboxMessage, Status
from core.observability.models import OperationKind, OperationRun
from core.redis_client import redis_client
from jobs.models import DemandImport
from transport.models import Booking
from workers.models import ImportStatus, LedgerImport

# Rows still to go out: queued, handed to a worker, or waiting for the provider to say whether it took them.
UNSENT_STATUSES = (Status.QUEUED, Status.SENDING, Status.UNKNOWN)
# Kombu's Redis transport keeps a queue as a list of its name, plus one list per priority step above 0.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def celery_queue_lengths():
    """{queue: messages waiting} for each Celery queue; empty in the embedded mode (tasks run in-process)."""
    if not settings.REDIS_URL:
        return {}
    from portal.celery import app

    queues = [queue.name for queue in app.conf.task_queues]
    client = redis_client(socket_connect_timeout=1, socket_timeout=1)
    try:
        with client.pipeline(transaction=False) as pipeline:
            for queue in queues:
                for suffix in _PRIORITY_SUFFIXES:
                    pipeline.llen(queue + suffix)
            lengths = pipeline.execute()
    finally:
        client.close()
    per_queue = len(_PRIORITY_SUFFIXES)
    return {queue: sum(lengths[i * per_queue : (i + 1) * per_queue]) for i, queue in enumerate(queues)}


def outbox_unsent():
    """({status: rows} for the unsent statuses, seconds since the oldest of them was due or None). One query over
    the (status, send_after) index; rows held for the end of the quiet hours are not due, so they are not late."""
    now = timezone.now()
    rows = (
        OutboxMessage.objects.filter(status__in=UNSENT_STATUSES)
        .values("status")
        .annotate(rows=Count("*"), oldest_due=Min("send_after", filter=Q(send_after__lte=now)))
        .order_by()
    )
    counts = dict.fromkeys(UNSENT_STATUSES, 0)
    oldest = None
    for row in rows:
        counts[row["status"]] = row["rows"]
        if row["oldest_due"] is not None:
            oldest = row["oldest_due"] if oldest is None else min(oldest, row["oldest_due"])
    return {str(status): rows for status, rows in counts.items()}, ((now - oldest).total_seconds() if oldest else None)


def bookings_last_minute():
    return Booking.objects.filter(created_at__gte=timezone.now() - timedelta(minutes=1)).count()


def imports_unfinished():
    """{(kind, status): imports} for the ledger and demand imports waiting or running: one query per kind, each on
    its partial index of unfinished imports."""
    unfinished = [str(ImportStatus.PENDING), str(ImportStatus.RUNNING)]
    found = {}
    for kind, model in (("ledger", LedgerImport), ("demand", DemandImport)):
        counts = dict(
            model.objects.filter(status__in=unfinished).values_list("status").annotate(n=Count("*")).order_by()
        )
        found.update({(kind, status): counts.get(status, 0) for status in unfinished})
    return found


def operation_runs_latest():
    """{(kind, succeeded): finished_at} of the newest backup and drill, successful and failed (one grouped query
    over the (kind, succeeded, finished_at) index)."""
    rows = OperationRun.objects.values("kind", "succeeded").annotate(last=Max("finished_at")).order_by()
    return {(row["kind"], row["succeeded"]): row["last"] for row in rows}


def last_successful_backup():
    return operation_runs_latest().get((OperationKind.BACKUP, True))


def last_restore_drill():
    """The newest drill's run (its outcome and summary), or None."""
    return OperationRun.objects.filter(kind=OperationKind.RESTORE_DRILL).order_by("-finished_at").first()


def replica_lag_seconds():
    """{replica: seconds it replays behind} as the primary sees its streaming replicas; {} without any (or on
    SQLite). An idle replica that has replayed everything has no lag to report: 0."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(application_name, client_addr::text, pid::text),"
            " coalesce(extract(epoch FROM replay_lag), 0) FROM pg_stat_replication"
        )
        return {name: float(lag) for name, lag in cursor.fetchall()}
