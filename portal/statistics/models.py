from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.statistics.catalogue import FIGURES

# A county (6 digits) or a township (9): figures about people sit at their home township, so that a county's
# dashboard drills down one more level; figures about postings, fairs and trips sit at their county. A province
# code holds only the page visits nobody's region could be told for (see visits.py).
REGION_CODE_SHAPE = r"^([0-9]{6}|[0-9]{9})$"


# A roll-up's prefix: the whole country (empty), a province (2 digits), a city (4) or a county (6).
TOTALS_PREFIX_SHAPE = r"^([0-9]{2}|[0-9]{4}|[0-9]{6})?$"
ROLLED_UP_DIGITS = (0, 2, 4, 6)


class FigureColumns(models.Model):
    """A day's figures: the columns of catalogue.FIGURES (added below, in that order) and the people carried."""

    day = models.DateField(_("日期"))
    # Boarded people by destination province: {"44": 120, "33": 15}.
    carried_by_province = models.JSONField(_("按目的地省份的运送人数"), default=dict)
    rebuilt_at = models.DateTimeField(_("生成时间"))

    class Meta:
        abstract = True


for _figure in FIGURES:
    FigureColumns.add_to_class(_figure.name, models.PositiveIntegerField(_figure.label, default=0))


class DailyFigures(FigureColumns):
    """One region's figures for one day (Asia/Shanghai), rebuilt from the base tables by `daily_figures_rebuild`."""

    region_code = models.CharField(_("区划代码"), max_length=12)

    class Meta:
        verbose_name = _("每日统计")
        verbose_name_plural = _("每日统计")
        constraints = [
            models.UniqueConstraint(fields=["day", "region_code"], name="dailyfigures_once_per_region_and_day"),
            models.CheckConstraint(
                name="dailyfigures_region_code_shape", condition=Q(region_code__regex=REGION_CODE_SHAPE)
            ),
        ]
        # Every read is a range of days under a code prefix.
        indexes = [models.Index(fields=["region_code", "day"], name="dailyfigures_region_day")]

    def __str__(self):
        return f"{self.day} {self.region_code}"


class DailyTotals(FigureColumns):
    """The country's, a province's, a city's or a county's figures for one day: the sum of the DailyFigures rows
    under its code prefix, written by the same rebuild. A province's 90-day dashboard reads 90 of these rows (and
    its cities' 90 x 14) instead of the 90 x 1,342 rows of its counties and townships."""

    prefix = models.CharField(_("区划代码前缀"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("每日汇总")
        verbose_name_plural = _("每日汇总")
        constraints = [
            # Also the index every read uses: one prefix (or a few sibling prefixes) over a range of days.
            models.UniqueConstraint(fields=["prefix", "day"], name="dailytotals_once_per_prefix_and_day"),
            models.CheckConstraint(name="dailytotals_prefix_shape", condition=Q(prefix__regex=TOTALS_PREFIX_SHAPE)),
        ]

    def __str__(self):
        return f"{self.day} {self.prefix or '*'}"


class DailyVisits(models.Model):
    """Page visits per region and day, folded in from the Redis counters (visits.py): never written per request."""

    day = models.DateField(_("日期"))
    region_code = models.CharField(_("区划代码"), max_length=12)
    visits = models.PositiveBigIntegerField(_("访问量"), default=0)

    class Meta:
        verbose_name = _("每日访问量")
        verbose_name_plural = _("每日访问量")
        constraints = [
            models.UniqueConstraint(fields=["day", "region_code"], name="dailyvisits_once_per_region_and_day"),
            models.CheckConstraint(
                name="dailyvisits_region_code_shape", condition=Q(region_code__regex=REGION_CODE_SHAPE)
            ),
        ]
        indexes = [models.Index(fields=["region_code", "day"], name="dailyvisits_region_day")]

    def __str__(self):
        return f"{self.day} {self.region_code}: {self.visits}"
