"""How the services start the notification tasks: by the tasks' registered names, and the one rule of which
queue a message's send goes to.

tasks.py is the Celery face of the services (each task takes ids and calls one service), so it imports them; the
services in turn start tasks (the send after a commit, a broadcast's fan-out). Importing tasks.py back made the two
a loop. Naming the tasks keeps the dependency one way (tasks -> services, a contract in pyproject.toml), while
Celery's registry still hands over the task itself, so the embedded mode (CELERY_TASK_ALWAYS_EAGER) runs it
in-process as before. tests/core/notifications/test_publishing.py checks that each name is the task in tasks.py.

Two queues (docs/notifications.md, "Queues"). A message one person is waiting for this minute (a sign-in code, a
booking's confirmation) is sent by `outbox_send` on the `notifications` queue. A message pushed to many at once (a
broadcast, the nightly job push, a trip's cancellation to all its passengers, the reminders' sweep: its template's
`in_bulk`, catalog.py) is sent by `outbox_send_bulk` on the `bulk` queue, as is a broadcast's fan-out. A
100,000-person broadcast is a hundred send tasks and its fan-out; on one queue a sign-in code asked for meanwhile
waited behind all of them (p95 11-15 s instead of 0.5 s in benchmarks/campaign_peak.py). CELERY_TASK_ROUTES
(portal/settings.py) maps the task names to the queues; `send_task_name` below asks the template which.
"""

from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.db import transaction

from core.batching import chunked
from core.notifications.catalog import sent_in_bulk

OUTBOX_SEND = "core.notifications.tasks.outbox_send"
OUTBOX_SEND_BULK = "core.notifications.tasks.outbox_send_bulk"
BROADCAST_FAN_OUT = "core.notifications.tasks.broadcast_fan_out"


def task(name):
    return current_app.tasks[name]


def queue_of(name: str) -> str:
    """The queue CELERY_TASK_ROUTES sends task `name` to: where a page looks for a worker (core/heartbeat.py)."""
    return current_app.amqp.router.route({}, name)["queue"].name


def send_task_name(template: str) -> str:
    """The task (and so the queue) that sends a message written from the template `template` (its key): what goes
    to many at once in bulk, behind nothing that a person is waiting for."""
    return OUTBOX_SEND_BULK if sent_in_bulk(template) else OUTBOX_SEND


def send_after_commit(rows: Iterable[tuple[int, str]], *, countdown: float = 0) -> None:
    """Send `rows`, (outbox id, template key) pairs, once the caller's transaction commits (at once outside a
    transaction), `countdown` seconds later: one task per NOTIFICATIONS_BATCH_SIZE rows of a queue, on that queue."""
    by_task: dict[str, list[int]] = {}
    for row_id, template in rows:
        by_task.setdefault(send_task_name(template), []).append(row_id)
    for name, outbox_ids in by_task.items():
        for chunk in chunked(outbox_ids, settings.NOTIFICATIONS_BATCH_SIZE):
            transaction.on_commit(
                lambda name=name, chunk=chunk: task(name).apply_async(args=[chunk], countdown=countdown)
            )


def fan_out(broadcast_id):
    """Publish the broadcast's `broadcast_fan_out` task (after the commit that made the broadcast: the caller's
    `transaction.on_commit`)."""
    task(BROADCAST_FAN_OUT).delay(broadcast_id)
