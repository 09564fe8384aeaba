"""The Prometheus exposition at /metrics (docs/operations.md, "Metrics"): this process's request measurements
(core/observability/http_metrics.py, or every gunicorn worker's when PROMETHEUS_MULTIPROC_DIR is set) and, read at
each scrape, what the whole portal is doing (portal/monitoring.py)."""

import logging
import os

import redis
from django.conf import settings
from django.db import DatabaseError
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from core.heartbeat import beat_last_tick, queues_without_worker
from core.notifications.outcome_counts import sms_outcome_totals
from core.observability.models import OperationKind
from portal import monitoring

logger = logging.getLogger(__name__)


def _gauge(name, documentation, value=None, labels=(), samples=()):
    family = GaugeMetricFamily(name, documentation, value=value, labels=list(labels) or None)
    for label_values, sample in samples:
        family.add_metric(label_values, sample)
    return family


def _queues():
    lengths = monitoring.celery_queue_lengths()
    yield _gauge(
        "chunfeng_celery_queue_length",
        "Messages waiting in each Celery queue (Redis list length).",
        labels=["queue"],
        samples=[([queue], length) for queue, length in lengths.items()],
    )
    if lengths:  # with REDIS_URL: tasks wait for a worker (embedded, they run in-process)
        idle = set(queues_without_worker())
        yield _gauge(
            "chunfeng_celery_queue_served",
            "1 if a worker took a task from the queue within WORKER_HEARTBEAT_TTL_SECONDS, else 0.",
            labels=["queue"],
            samples=[([queue], 0 if queue in idle else 1) for queue in settings.WORKER_HEARTBEAT_QUEUES],
        )


def _outbox():
    counts, oldest_age = monitoring.outbox_unsent()
    yield _gauge(
        "chunfeng_outbox_messages",
        "Outbox rows not yet sent, by status (queued, sending, unknown).",
        labels=["status"],
        samples=[([status], rows) for status, rows in counts.items()],
    )
    yield _gauge(
        "chunfeng_outbox_oldest_unsent_age_seconds",
        "Seconds since the oldest unsent outbox row was due (0 when none is).",
        value=oldest_age or 0,
    )


def _sms():
    family = CounterMetricFamily(
        "chunfeng_sms",
        "SMS outcomes since the counters began: sent, failed, delivered, undelivered.",
        labels=["outcome"],
    )
    for outcome, total in sms_outcome_totals().items():
        family.add_metric([outcome], total)
    yield family


def _bookings():
    yield _gauge(
        "chunfeng_bookings_last_minute",
        "Seat bookings made in the last 60 seconds.",
        value=monitoring.bookings_last_minute(),
    )


def _imports():
    yield _gauge(
        "chunfeng_imports",
        "Spreadsheet imports waiting (pending) or running, by kind (ledger, demand).",
        labels=["kind", "status"],
        samples=[([kind, status], count) for (kind, status), count in monitoring.imports_unfinished().items()],
    )


def _beat():
    tick = beat_last_tick()
    if tick is not None:
        yield _gauge(
            "chunfeng_beat_last_tick_timestamp_seconds",
            "When Celery beat last ticked (Unix time).",
            value=tick.timestamp(),
        )


def _operations():
    latest = monitoring.operation_runs_latest()
    backup = latest.get((OperationKind.BACKUP, True))
    if backup is not None:
        yield _gauge(
            "chunfeng_backup_last_success_timestamp_seconds",
            "When the last backup succeeded (Unix time).",
            value=backup.timestamp(),
        )
    drill_passed = latest.get((OperationKind.RESTORE_DRILL, True))
    drill_failed = latest.get((OperationKind.RESTORE_DRILL, False))
    last_drill = max(filter(None, (drill_passed, drill_failed)), default=None)
    if last_drill is not None:
        yield _gauge(
            "chunfeng_restore_drill_last_run_timestamp_seconds",
            "When the last restore drill ended (Unix time).",
            value=last_drill.timestamp(),
        )
        yield _gauge(
            "chunfeng_restore_drill_last_success",
            "1 if the last restore drill found the restored copy identical to the backup, else 0.",
            value=1 if last_drill == drill_passed else 0,
        )


def _replicas():
    lags = monitoring.replica_lag_seconds()
    yield _gauge("chunfeng_replicas_connected", "Streaming replicas connected to the primary.", value=len(lags))
    yield _gauge(
        "chunfeng_replica_lag_seconds",
        "How far each streaming replica replays behind the primary.",
        labels=["replica"],
        samples=[([replica], lag) for replica, lag in lags.items()],
    )


_READINGS = {
    "queues": _queues,
    "outbox": _outbox,
    "sms": _sms,
    "bookings": _bookings,
    "imports": _imports,
    "beat": _beat,
    "operations": _operations,
    "replicas": _replicas,
}


class PortalCollector:
    """Reads the portal's state at each scrape. A reading that fails (the database or Redis down) is left out and
    says so in chunfeng_reading_up, so the others, and the request metrics, still arrive."""

    def collect(self):
        up = GaugeMetricFamily(
            "chunfeng_reading_up", "1 if the reading could be taken at this scrape.", labels=["reading"]
        )
        for name, reading in _READINGS.items():
            try:
                families = list(reading())
            except (DatabaseError, redis.RedisError) as error:
                logger.warning("Metrics reading %s failed: %s", name, error)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


_portal_registry = CollectorRegistry(auto_describe=False)
_portal_registry.register(PortalCollector())


def _process_registry():
    """This process's own metrics, or, under gunicorn with PROMETHEUS_MULTIPROC_DIR, all its workers' added up."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


def metrics_text():
    return generate_latest(_process_registry()) + generate_latest(_portal_registry)
