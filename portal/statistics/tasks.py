"""Beat tasks of the statistics app (CELERY_BEAT_SCHEDULE): thin wrappers over services, safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from portal.statistics.notifications import weekly_report_announce
from portal.statistics.retention import retention_reminders_send
from portal.statistics.services import daily_figures_rebuild, daily_figures_rebuild_range
from portal.statistics.visits import visits_fold


@shared_task
def rebuild_nightly():
    """Yesterday and the days before it that late changes still reach (STATISTICS_NIGHTLY_REBUILD_DAYS)."""
    yesterday = timezone.localdate() - timedelta(days=1)
    first = yesterday - timedelta(days=settings.STATISTICS_NIGHTLY_REBUILD_DAYS - 1)
    return daily_figures_rebuild_range(first=first, last=yesterday)


@shared_task
def rebuild_today():
    return daily_figures_rebuild(day=timezone.localdate())


@shared_task
def fold_visits():
    return visits_fold()


@shared_task
def announce_weekly_report():
    return weekly_report_announce()


@shared_task
def send_retention_reminders():
    return retention_reminders_send()
