"""What /healthz reports: each backing service the portal is configured with, and whether it answers; with
?full=1 and the operator's token, the backlog and the background machinery too."""

from datetime import timedelta
from math import isfinite

import redis
from django.conf import settings
from django.db import connections
from django.db.utils import DatabaseError
from django.utils import timezone

from core.heartbeat import beat_last_tick, queues_without_worker
from core.redis_client import redis_client
from core.replicas import replica_aliases, replica_lag_seconds
from portal import monitoring

UP, DOWN, NOT_CONFIGURED = "up", "down", "not configured"


def database_status():
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return DOWN
    return UP


def redis_status():
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    client = redis_client(socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return DOWN
    finally:
        client.close()
    return UP


def service_statuses():
    return {"database": database_status(), "redis": redis_status()}


# What /healthz?full=1 calls a problem: the same limits as the example alert rules (docs/operations.md).
OUTBOX_LATE_AFTER_SECONDS = 5 * 60
BEAT_SILENT_AFTER_SECONDS = 3 * 60
BACKUP_OLD_AFTER_HOURS = 26


def _seconds_since(moment, now):
    return round((now - moment).total_seconds(), 1) if moment else None


def _queues_and_beat(report, problems, now):
    if not settings.REDIS_URL:
        # Embedded: tasks run in-process and no beat runs; nothing waits in a queue.
        return
    try:
        report["queues"] = monitoring.celery_queue_lengths()
        tick = beat_last_tick()
    except redis.RedisError as error:
        problems.append(f"redis: {error}")
        return
    report["beat_last_tick"] = tick.isoformat() if tick else None
    silent = _seconds_since(tick, now)
    if silent is None or silent > BEAT_SILENT_AFTER_SECONDS:
        problems.append("beat silent" if tick else "beat never ticked")
        # The queues' heartbeats come from beat: without it, a queue's silence says nothing about its workers.
        return
    try:
        idle = queues_without_worker()
    except redis.RedisError as error:
        problems.append(f"redis: {error}")
        return
    report["queues_without_worker"] = idle
    problems.extend(f"no worker on queue {queue}" for queue in idle)


def _outbox_and_backups(report, problems, now):
    try:
        counts, oldest = monitoring.outbox_unsent()
        backup = monitoring.last_successful_backup()
        drill = monitoring.last_restore_drill()
    except DatabaseError as error:
        problems.append(f"database: {error}")
        return
    report["outbox"] = {**counts, "oldest_unsent_seconds": round(oldest, 1) if oldest is not None else None}
    if oldest is not None and oldest > OUTBOX_LATE_AFTER_SECONDS:
        problems.append("outbox rows late")
    report["last_backup"] = backup.isoformat() if backup else None
    report["last_restore_drill"] = (
        {"finished_at": drill.finished_at.isoformat(), "succeeded": drill.succeeded, "summary": drill.summary}
        if drill
        else None
    )
    if connections["default"].vendor == "postgresql":
        if backup is None or now - backup > timedelta(hours=BACKUP_OLD_AFTER_HOURS):
            problems.append("no backup in the last day" if backup else "no backup recorded")
        if drill is not None and not drill.succeeded:
            problems.append("last restore drill failed")


def _replicas(report, problems):
    """Each read replica: up, behind (further than REPLICA_MAX_LAG_SECONDS: the router reads from the primary
    instead, which then carries every read) or down."""
    replicas = {}
    for alias in replica_aliases():
        try:
            lag = replica_lag_seconds(alias)
        except DatabaseError:
            replicas[alias] = {"status": "down", "lag_seconds": None}
            problems.append(f"replica {alias} does not answer")
            continue
        behind = lag > settings.REPLICA_MAX_LAG_SECONDS
        replicas[alias] = {
            "status": "behind" if behind else "up",
            "lag_seconds": round(lag, 1) if isfinite(lag) else None,
        }
        if behind:
            problems.append(f"replica {alias} behind the primary")
    if replicas:
        report["replicas"] = replicas


def full_report():
    """The backlog and the background machinery, for an operator (/healthz?full=1 with METRICS_TOKEN): Celery
    queues and those no worker serves, the outbox's unsent rows and how late the oldest is, beat's last tick, the
    last backup and drill, each read replica's lag, and the list of what is wrong by the example alert rules'
    limits."""
    now = timezone.now()
    report, problems = {}, []
    _queues_and_beat(report, problems, now)
    _outbox_and_backups(report, problems, now)
    _replicas(report, problems)
    report["problems"] = problems
    return report
