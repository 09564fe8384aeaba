from celery import shared_task

from jobs.services import postings_expire_due


@shared_task(name="jobs.expire_postings")
def expire_postings():
    """Run by Celery beat every hour (CELERY_BEAT_SCHEDULE); idempotent."""
    return postings_expire_due()
