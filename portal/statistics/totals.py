"""The rebuild's second half: each day's DailyFigures rows added up per province, city and county (and the whole
country) into DailyTotals, so that a dashboard above a township reads one row per region and day."""

from collections import Counter, defaultdict
from datetime import date, datetime

from django.db import models

from portal.statistics.catalogue import FIGURES
from portal.statistics.models import ROLLED_UP_DIGITS

FIGURE_NAMES = tuple(figure.name for figure in FIGURES)


def daily_totals_write(
    *, figures_model: type[models.Model], totals_model: type[models.Model], day: date, rebuilt_at: datetime
) -> int:
    """Replace `day`'s totals with the sums of its figures rows; returns how many totals were written.

    The models are passed in so that the migration that created DailyTotals fills it through its historical models
    with this same code.
    """
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    carried: dict[str, Counter[str]] = defaultdict(Counter)
    for row in figures_model.objects.filter(day=day).values("region_code", "carried_by_province", *FIGURE_NAMES):
        code = row.pop("region_code")
        carried_here = row.pop("carried_by_province")
        for digits in ROLLED_UP_DIGITS:
            totals[code[:digits]].update(row)
            carried[code[:digits]].update(carried_here)
    totals_model.objects.filter(day=day).delete()
    totals_model.objects.bulk_create(
        [
            totals_model(
                day=day,
                prefix=prefix,
                carried_by_province=dict(carried[prefix]),
                rebuilt_at=rebuilt_at,
                **{name: values[name] for name in FIGURE_NAMES},
            )
            for prefix, values in totals.items()
        ],
        batch_size=1000,
    )
    return len(totals)
