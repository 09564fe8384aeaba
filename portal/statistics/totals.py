"""The rebuild's second half: each day's DailyFigures rows added up per province, city and county (and the whole
country) into DailyTotals, so that a dashboard above a township reads one row per region and day."""

from collections import Counter, defaultdict
from datetime import date, datetime

from django.db import models

from portal.statistics.models import ROLLED_UP_DIGITS


def _figure_names(totals_model: type[models.Model]) -> tuple[str, ...]:
    # Read off the model handed in, not the live catalogue: the migration's historical model has the columns of
    # its time, and a figure added later must not make that migration ask for a column it does not have yet.
    return tuple(field.name for field in totals_model._meta.fields if isinstance(field, models.PositiveIntegerField))


def daily_totals_write(
    *, figures_model: type[models.Model], totals_model: type[models.Model], day: date, rebuilt_at: datetime
) -> int:
    """Replace `day`'s totals with the sums of its figures rows; returns how many totals were written.

    The models are passed in so that the migration that created DailyTotals fills it through its historical models
    with this same code.
    """
    figure_names = _figure_names(totals_model)
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    carried: dict[str, Counter[str]] = defaultdict(Counter)
    for row in figures_model.objects.filter(day=day).values("region_code", "carried_by_province", *figure_names):
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
                **{name: values[name] for name in figure_names},
            )
            for prefix, values in totals.items()
        ],
        batch_size=1000,
    )
    return len(totals)
