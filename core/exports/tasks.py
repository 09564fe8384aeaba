from celery import shared_task

from core.exports.services import export_run, exports_sweep


@shared_task  # routed to the `imports` queue by CELERY_TASK_ROUTES
def export_build(export_id):
    export_run(export_id=export_id)


@shared_task
def exports_delete_expired():
    """Every 15 minutes (CELERY_BEAT_SCHEDULE); idempotent."""
    return exports_sweep()
