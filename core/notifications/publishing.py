"""How the services start the notification tasks: by the tasks' registered names.

tasks.py is the Celery face of the services (each task takes ids and calls one service), so it imports them; the
services in turn start tasks (the send after a commit, a broadcast's fan-out). Importing tasks.py back made the two
a loop. Naming the tasks keeps the dependency one way (tasks -> services, a contract in pyproject.toml), while
Celery's registry still hands over the task itself, so the embedded mode (CELERY_TASK_ALWAYS_EAGER) runs it
in-process as before. tests/core/notifications/test_publishing.py checks that each name is the task in tasks.py.
"""

from celery import current_app
from django.conf import settings
from django.db import transaction

from core.batching import chunked

OUTBOX_SEND = "core.notifications.tasks.outbox_send"
BROADCAST_FAN_OUT = "core.notifications.tasks.broadcast_fan_out"


def task(name):
    return current_app.tasks[name]


def send_after_commit(outbox_ids, *, countdown=0):
    """One `outbox_send` task per NOTIFICATIONS_BATCH_SIZE rows, published once the caller's transaction commits
    (at once outside a transaction), `countdown` seconds later."""
    for chunk in chunked(outbox_ids, settings.NOTIFICATIONS_BATCH_SIZE):
        transaction.on_commit(lambda chunk=chunk: task(OUTBOX_SEND).apply_async(args=[chunk], countdown=countdown))


def fan_out(broadcast_id):
    """Publish the broadcast's `broadcast_fan_out` task (after the commit that made the broadcast: the caller's
    `transaction.on_commit`)."""
    task(BROADCAST_FAN_OUT).delay(broadcast_id)
