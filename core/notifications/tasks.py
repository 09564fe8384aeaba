"""Thin Celery wrappers over the services: ids in, idempotent, acknowledged late. CELERY_TASK_ROUTES sends
them to the `notifications` queue, but for the sends and the fan-out of messages to many (`outbox_send_bulk`,
`broadcast_fan_out`), which go to `bulk` (publishing.py says which message goes where)."""

from celery import shared_task

from core.notifications import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outbox_send(outbox_ids):
    services.outbox_send(outbox_ids=outbox_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outbox_send_bulk(outbox_ids):
    """The same send, on the `bulk` queue: pushes to many (broadcasts, the nightly job push)."""
    services.outbox_send(outbox_ids=outbox_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def broadcast_fan_out(broadcast_id):
    services.broadcast_fan_out(broadcast_id=broadcast_id)


@shared_task(acks_late=True)
def outbox_dispatch():
    return services.outbox_dispatch()


@shared_task(acks_late=True)
def outbox_reconcile():
    return services.outbox_reconcile()
