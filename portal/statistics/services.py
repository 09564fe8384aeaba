from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.statistics.daily import day_figures
from portal.statistics.models import DailyFigures


@transaction.atomic
def daily_figures_rebuild(*, day):
    """Count `day` again from the base tables and replace its rows: running it twice gives the same rows.

    Returns the number of regions with figures that day.
    """
    figures = day_figures(day)
    now = timezone.now()
    rows = [
        DailyFigures(
            day=day,
            region_code=code,
            carried_by_province=dict(figures.carried.get(code, {})),
            rebuilt_at=now,
            **values,
        )
        for code, values in figures.by_region.items()
    ]
    DailyFigures.objects.filter(day=day).delete()
    DailyFigures.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def daily_figures_rebuild_range(*, first, last):
    """Every day from `first` to `last`, each in its own transaction; returns the days rebuilt."""
    day, days = first, 0
    while day <= last:
        daily_figures_rebuild(day=day)
        day += timedelta(days=1)
        days += 1
    return days
