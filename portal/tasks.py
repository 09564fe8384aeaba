from celery import shared_task

from core.heartbeat import worker_heartbeat_record


@shared_task
def worker_heartbeat(queue):
    """Sent by Celery beat to `queue` itself (CELERY_BEAT_SCHEDULE): whoever runs it is serving that queue."""
    worker_heartbeat_record(queue=queue)
