from celery import shared_task

from placement.matching import services

# The push for a hundred thousand workers takes minutes, longer than the default task limit.
PUSH_TIME_LIMIT = 1800


@shared_task(time_limit=PUSH_TIME_LIMIT, soft_time_limit=PUSH_TIME_LIMIT - 60)
def matches_push_nightly():
    run = services.matches_push()
    return None if run is None else {"run": run.pk, "workers": run.workers_notified, "owners": run.owners_notified}
