from celery import shared_task

from jobs import services
from jobs.imports.services import demand_import_run


@shared_task
def postings_expire_due():
    """Run by Celery beat every hour (CELERY_BEAT_SCHEDULE); idempotent."""
    return services.postings_expire_due()


@shared_task  # routed to the `imports` queue by CELERY_TASK_ROUTES
def demand_import_run_task(import_id):
    demand_import_run(import_id=import_id)
