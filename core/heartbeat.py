"""Whether a Celery worker is taking tasks from a queue, so that a page waiting on one can say when nobody is; and
when Celery beat last ticked, for the health check and the metrics.

Celery beat sends `portal.tasks.worker_heartbeat` to each watched queue (WORKER_HEARTBEAT_QUEUES) every
WORKER_HEARTBEAT_INTERVAL_SECONDS; the worker that takes it writes a key that lives WORKER_HEARTBEAT_TTL_SECONDS.
A worker busy with a long task takes no heartbeat meanwhile, so starting a task from a watched queue keeps the key
for as long as that task may run (CELERY_TASK_TIME_LIMIT), and finishing it writes a fresh one: a worker busy with
a six-minute import is not taken for a missing one (it was, with a three-minute key). No key: no worker has served
the queue for that long. The keys live in the cache, which is Redis whenever REDIS_URL is set (the only time tasks
wait for a worker: without it they run in-process).
"""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

BEAT_TICK_KEY = "beat-tick"


def _key(queue):
    return f"worker-heartbeat:{queue}"


def worker_heartbeat_record(*, queue):
    cache.set(_key(queue), timezone.now().isoformat(), timeout=settings.WORKER_HEARTBEAT_TTL_SECONDS)


def worker_busy_record(*, queue):
    """A worker started a task from `queue`: it serves the queue at least until the task must have ended."""
    lasts = settings.CELERY_TASK_TIME_LIMIT + settings.WORKER_HEARTBEAT_TTL_SECONDS
    cache.set(_key(queue), timezone.now().isoformat(), timeout=lasts)


def worker_is_running(*, queue):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    return cache.get(_key(queue)) is not None


def queues_without_worker():
    """The watched queues (WORKER_HEARTBEAT_QUEUES) that no worker has served lately, in one cache round trip: a
    queue nobody consumes keeps its tasks forever (a broadcast that never goes, and nothing says so)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    found = cache.get_many([_key(queue) for queue in settings.WORKER_HEARTBEAT_QUEUES])
    return [queue for queue in settings.WORKER_HEARTBEAT_QUEUES if _key(queue) not in found]


def task_queue(task):
    """The queue a running task was taken from ("" for an eager task, which no queue carried)."""
    delivery_info = getattr(task.request, "delivery_info", None) or {}
    return delivery_info.get("routing_key") or ""


def worker_task_started(task=None, **_signal):
    """task_prerun (portal/celery.py)."""
    queue = task_queue(task) if task is not None else ""
    if queue in settings.WORKER_HEARTBEAT_QUEUES:
        worker_busy_record(queue=queue)


def worker_task_finished(task=None, **_signal):
    """task_postrun (portal/celery.py)."""
    queue = task_queue(task) if task is not None else ""
    if queue in settings.WORKER_HEARTBEAT_QUEUES:
        worker_heartbeat_record(queue=queue)


def beat_tick_record():
    """Written by Celery beat at every tick (portal/beat.py); kept until the next, however long that is."""
    cache.set(BEAT_TICK_KEY, timezone.now().isoformat(), timeout=None)


def beat_last_tick():
    """When Celery beat last ticked, or None if it never has (or Redis lost it)."""
    value = cache.get(BEAT_TICK_KEY)
    return datetime.fromisoformat(value) if value else None
