from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from portal.statistics.cache import dashboard_cache_expire
from portal.statistics.daily import day_figures
from portal.statistics.models import DailyFigures, DailyTotals
from portal.statistics.totals import daily_totals_write


@transaction.atomic
def daily_figures_rebuild(*, day: date) -> int:
    """Count `day` again from the base tables and replace its rows and its totals: running it twice gives the same
    rows. Dashboards cached before it are not served after it commits.

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
    daily_totals_write(figures_model=DailyFigures, totals_model=DailyTotals, day=day, rebuilt_at=now)
    transaction.on_commit(dashboard_cache_expire)
    return len(rows)


def daily_figures_rebuild_range(*, first: date, last: date) -> int:
    """Every day from `first` to `last`, each in its own transaction; returns the days rebuilt."""
    day, days = first, 0
    while day <= last:
        daily_figures_rebuild(day=day)
        day += timedelta(days=1)
        days += 1
    return days
