from celery import shared_task

from workers.imports.services import ledger_import_run
from workers.selectors import workers_due_for_anonymisation
from workers.services import worker_anonymise


@shared_task  # routed to the `imports` queue by CELERY_TASK_ROUTES
def ledger_import_run_task(import_id):
    ledger_import_run(import_id=import_id)


@shared_task
def workers_anonymise_due():
    """Hourly (CELERY_BEAT_SCHEDULE): carry out the deletion requests whose retention period has passed."""
    for worker_id in workers_due_for_anonymisation().values_list("pk", flat=True):
        worker_anonymise(worker_id=worker_id)
