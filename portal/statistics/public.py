"""The campaign's figures on the public home page, for the visitor's province, kept in the cache for a few minutes."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core.regions.models import Region
from portal.statistics.selectors import daily_series, default_period, totals_from_series

HOME_FIGURES = (
    ("postings_published", _("发布岗位（个）")),
    ("fairs", _("举办招聘会（场）")),
    ("trips", _("开行专车/专列（趟）")),
    ("boarded", _("送务工人员返岗（人）")),
)


@dataclass(frozen=True)
class HomeFigures:
    province: str
    campaign: str
    figures: list  # (label, value)


def visitor_province(user):
    """The province of a signed-in person's region, else the one the portal serves (STATISTICS_PROVINCE)."""
    if getattr(user, "is_authenticated", False) and user.region_id:
        return user.region_id[:2] + "0000"
    return settings.STATISTICS_PROVINCE


def home_figures(province_code):
    """This campaign's headline figures for a province (None if the province is unknown), cached."""
    key = f"statistics:home:{province_code}"
    cached = cache.get(key)
    if cached is None:
        province = Region.objects.filter(code=province_code).first()
        if province is None:
            return None
        period = default_period()
        total = totals_from_series(daily_series(province.prefix, period))
        cached = HomeFigures(
            province=province.name,
            campaign=period.campaign.name if period.campaign else "",
            figures=[(str(label), total[name]) for name, label in HOME_FIGURES],
        )
        cache.set(key, cached, settings.STATISTICS_HOME_CACHE_SECONDS)
    return cached
