"""The Celery app. Apps never import it: their tasks use `shared_task` and are routed to named queues here."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from core.heartbeat import worker_task_finished, worker_task_started
from core.observability.task_context import request_id_publish, request_id_release, request_id_resume

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
# Named queues (settings.CELERY_TASK_QUEUES) so that a flood of SMS never delays a spreadsheet import, a broadcast
# (`bulk`) never delays a sign-in code (`notifications`), and each can get its own workers. Wherever workers are
# started, every queue has one (docs/operations.md, "Workers by queue"); tests/portal/test_worker_queues.py holds
# each place to that. Nothing here reads a setting when imported: a settings module built on portal's
# (benchmarks/settings.py) imports this package before it has any name.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# What every task carries and does around its run, whichever app it belongs to (docs/operations.md): the request id
# of whoever published it (core/observability/task_context.py), and the heartbeat of a queue whose worker is busy
# with a long task (core/heartbeat.py).
before_task_publish.connect(request_id_publish)
task_prerun.connect(request_id_resume)
task_prerun.connect(worker_task_started)
task_postrun.connect(worker_task_finished)
task_postrun.connect(request_id_release)
