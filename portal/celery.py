"""The Celery app. Apps never import it: their tasks use `shared_task` and are routed to named queues here."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Named queues so that a flood of SMS never delays a spreadsheet import, and each can get its own workers.
app.conf.task_queues = [Queue("default"), Queue("notifications"), Queue("imports")]
app.autodiscover_tasks()
