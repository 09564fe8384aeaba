"""Whether a Celery worker is taking tasks from a queue, so that a page waiting on one can say when nobody is.

Celery beat sends `portal.tasks.worker_heartbeat` to each watched queue every WORKER_HEARTBEAT_INTERVAL_SECONDS; the
worker that takes it writes a key that lives WORKER_HEARTBEAT_TTL_SECONDS. No key: no worker has served the queue
for that long. The key lives in the cache, which is Redis whenever REDIS_URL is set (the only time tasks wait
for a worker: without it they run in-process).
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def _key(queue):
    return f"worker-heartbeat:{queue}"


def worker_heartbeat_record(*, queue):
    cache.set(_key(queue), timezone.now().isoformat(), timeout=settings.WORKER_HEARTBEAT_TTL_SECONDS)


def worker_is_running(*, queue):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    return cache.get(_key(queue)) is not None
