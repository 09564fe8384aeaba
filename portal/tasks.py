from celery import shared_task

from core.heartbeat import worker_heartbeat_record
from portal import retention


@shared_task
def worker_heartbeat(queue):
    """Sent by Celery beat to `queue` itself (CELERY_BEAT_SCHEDULE): whoever runs it is serving that queue."""
    worker_heartbeat_record(queue=queue)


@shared_task
def retention_apply():
    """Nightly (CELERY_BEAT_SCHEDULE): what has passed its retention is deleted or anonymised."""
    return retention.retention_apply()
