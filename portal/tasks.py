from celery import shared_task

from core.heartbeat import worker_heartbeat_record
from portal.retention import retention_apply


@shared_task(name="portal.worker_heartbeat")
def worker_heartbeat(queue):
    """Sent by Celery beat to `queue` itself (CELERY_BEAT_SCHEDULE): whoever runs it is serving that queue."""
    worker_heartbeat_record(queue=queue)


@shared_task(name="portal.retention_apply")
def retention_apply_task():
    """Nightly (CELERY_BEAT_SCHEDULE): what has passed its retention is deleted or anonymised."""
    return retention_apply()
