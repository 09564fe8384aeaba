"""Every read of the figures: a region (already checked against the reader's scope) over a period of days.

A region down to a county reads its roll-ups (DailyTotals: one row per day for itself, one per day for each
sub-region); a township reads its DailyFigures rows. Flows add up over the days, stocks are read on the last day
that has figures. A dashboard's figures are kept in the cache until the next rebuild (portal/statistics/cache.py).
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.models import User
from core.accounts.scoping import user_can_access_region
from core.campaigns.models import Campaign
from core.errors import ApplicationError
from core.regions.models import Region
from core.regions.selectors import place_path, region_children
from portal.statistics.cache import cached_until_rebuild
from portal.statistics.catalogue import FIGURES, FLOWS, STOCKS
from portal.statistics.models import ROLLED_UP_DIGITS, DailyFigures, DailyTotals, DailyVisits

WEEK = timedelta(days=7)
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    campaign: Campaign | None = None

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def current_campaign(today: date | None = None) -> Campaign | None:
    today = today or timezone.localdate()
    return Campaign.objects.filter(starts_on__lte=today).order_by("-starts_on").first()


def campaign_period(campaign: Campaign, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(campaign.starts_on, max(campaign.starts_on, min(campaign.ends_on, today)), campaign)


def default_period(today: date | None = None) -> Period:
    """The campaign under way (or the latest one) up to today, else the last DEFAULT_DAYS days."""
    today = today or timezone.localdate()
    campaign = current_campaign(today)
    if campaign is not None:
        return campaign_period(campaign, today)
    return Period(today - timedelta(days=DEFAULT_DAYS - 1), today)


def stats_region(*, user: User, code: str) -> Region | None:
    """The region a reader asked for (their own when `code` is empty), or 404 outside their scope.

    None stands for the whole country, which only system admins (full scope) may read.
    """
    if not code:
        if user.has_full_scope and user.region_id is None:
            return None
        code = user.region_id or ""
    region = Region.objects.filter(code=code).first()
    if region is None or not user_can_access_region(user, region.code):
        raise Http404
    return region


def region_prefix(region: Region | None) -> str:
    return region.prefix if region is not None else ""


def sub_regions(region: Region | None) -> list[Region]:
    """The regions one level down, a placeholder level (市辖区) replaced by what it holds."""
    children = list(region_children(parent_code=region.code if region else None))
    shown: list[Region] = []
    for child in children:
        if child.is_placeholder:
            shown.extend(region_children(parent_code=child.code))
        else:
            shown.append(child)
    return shown


def _zeros() -> dict[str, int]:
    return dict.fromkeys((figure.name for figure in FIGURES), 0)


@dataclass
class Figures:
    """One set of figures (a region over a period): the catalogue's values, derived totals, visits."""

    values: dict[str, int] = field(default_factory=_zeros)
    visits: int = 0
    # Whether any row was counted into it: the stocks of a period are read on its last counted day.
    counted: bool = False

    def __getitem__(self, name: str) -> int:
        return self.derived().get(name, 0)

    def derived(self) -> dict[str, int]:
        values = self.values
        return {
            **values,
            "fairs": values["fairs_offline"] + values["fairs_online"] + values["fairs_livestream"],
            "trips": values["trips_coach"] + values["trips_train"],
            "workers_registered": values["workers_registered_self"]
            + values["workers_registered_by_agent"]
            + values["workers_registered_by_staff"]
            + values["workers_imported"],
            "visits": self.visits,
        }


def _sums(names: tuple[str, ...] | list[str]) -> dict[str, Sum]:
    return {name: Sum(name) for name in names}


def figure_rows(prefix: str, period: Period) -> QuerySet[Any]:
    """The figures of the region with code prefix `prefix` over the period, one row a day: its roll-up down to a
    county, else the township's own row (no figures are kept below a township)."""
    if len(prefix) in ROLLED_UP_DIGITS:
        return DailyTotals.objects.filter(prefix=prefix, day__range=(period.first, period.last))
    return DailyFigures.objects.filter(region_code=prefix, day__range=(period.first, period.last))


def daily_series(prefix: str, period: Period) -> dict[date, Figures]:
    """{day: Figures} for every day of the period (days without rows hold zeros)."""
    rows = figure_rows(prefix, period).values("day", *(figure.name for figure in FIGURES))
    series = {day: Figures() for day in period.days}
    for row in rows:
        figures = series[row.pop("day")]
        figures.values.update(row)
        figures.counted = True
    visits = (
        DailyVisits.objects.filter(region_code__startswith=prefix, day__range=(period.first, period.last))
        .values_list("day")
        .annotate(Sum("visits"))
        .order_by()
    )
    for day, n in visits:
        series[day].visits = n
    return series


def _last_counted_day(series: dict[date, Figures]) -> date | None:
    days = [day for day, figures in series.items() if figures.counted]
    return max(days) if days else None


def totals_from_series(series: dict[date, Figures], *, upto: date | None = None, since: date | None = None) -> Figures:
    """Flows summed over the days in (since, upto], stocks on the last day with figures up to `upto`."""
    days = [day for day in series if (upto is None or day <= upto) and (since is None or day > since)]
    total = Figures()
    for day in days:
        for name in FLOWS:
            total.values[name] += series[day].values[name]
        total.visits += series[day].visits
    stock_day = _last_counted_day({day: series[day] for day in series if upto is None or day <= upto})
    if stock_day is not None:
        for name in STOCKS:
            total.values[name] = series[stock_day].values[name]
    return total


@dataclass
class Tile:
    name: str
    label: str | Promise
    value: int
    change: int


# The headline tiles: what a supervisor reads first, in the weekly report's order.
TILE_FIGURES = (
    ("fairs", gettext_lazy("举办招聘会（场）")),
    ("headcount_wanted", gettext_lazy("提供岗位（个）")),
    ("workers_registered", gettext_lazy("登记务工人员（人）")),
    ("applications_intention", gettext_lazy("达成就业意向（人）")),
    ("applications_signed", gettext_lazy("实现转移就业（人）")),
    ("trips", gettext_lazy("开行专车/专列（趟）")),
    ("boarded", gettext_lazy("运送务工人员（人）")),
    ("visits", gettext_lazy("访问量（次）")),
)


def tiles(series: dict[date, Figures], period: Period) -> list[Tile]:
    """Each headline figure over the period, and how much it grew in the period's last week."""
    total = totals_from_series(series)
    week_ago = period.last - WEEK
    before = totals_from_series(series, upto=week_ago)
    return [Tile(name, label, total[name], total[name] - before[name]) for name, label in TILE_FIGURES]


@dataclass
class RegionRow:
    region: Region | None  # None for the figures kept at the region itself (县本级)
    figures: Figures


def _add_period(in_period: QuerySet[Any], key: str, row_for: Callable[[str], RegionRow]) -> None:
    """Each code's flows over the period and stocks on the period's last counted day, into row_for(code)."""
    for row in in_period.values(key).annotate(**_sums(FLOWS)).order_by():
        target = row_for(row.pop(key)).figures.values
        for name, value in row.items():
            target[name] += value or 0
    stock_day = in_period.aggregate(day=Max("day"))["day"]
    if stock_day is not None:
        for row in in_period.filter(day=stock_day).values(key).annotate(**_sums(STOCKS)).order_by():
            target = row_for(row.pop(key)).figures.values
            for name, value in row.items():
                target[name] += value or 0


def figures_by_sub_region(region: Region | None, period: Period) -> list[RegionRow]:
    """One row per sub-region (plus one for figures kept at the region itself, if any), in code order.

    Down to a county the sub-regions' roll-ups are read, and what the region keeps itself is its own roll-up less
    theirs; a county reads its townships' rows.
    """
    prefix = region_prefix(region)
    children = sub_regions(region)
    rows = {child.prefix: RegionRow(child, Figures()) for child in children}
    own = RegionRow(None, Figures())
    days = (period.first, period.last)
    # Longest prefix first, so that a village's code would find its village before its township.
    by_prefix = sorted(rows, key=len, reverse=True)

    def row_for(code: str) -> RegionRow:
        return next((rows[child] for child in by_prefix if code.startswith(child)), own)

    if all(len(child_prefix) in ROLLED_UP_DIGITS for child_prefix in rows):
        totals = DailyTotals.objects.filter(prefix__in=[prefix, *rows], day__range=days)
        _add_period(totals, "prefix", lambda code: own if code == prefix else rows[code])
        for row in rows.values():
            for name, value in row.figures.values.items():
                own.figures.values[name] -= value
    else:
        _add_period(
            DailyFigures.objects.filter(region_code__startswith=prefix, day__range=days), "region_code", row_for
        )
    visits = (
        DailyVisits.objects.filter(region_code__startswith=prefix, day__range=days)
        .values_list("region_code")
        .annotate(Sum("visits"))
        .order_by()
    )
    for code, n in visits:
        row_for(code).figures.visits += n
    result = [rows[child.prefix] for child in children]
    if any(own.figures.values.values()) or own.figures.visits:
        result.append(own)
    return result


def carried_by_province(region: Region | None, period: Period) -> list[tuple[str, int]]:
    """[(province name, people boarded)] over the period, most first."""
    carried: Counter[str] = Counter()
    rows = figure_rows(region_prefix(region), period).filter(boarded__gt=0)
    for by_province in rows.values_list("carried_by_province", flat=True):
        carried.update(by_province)
    names = dict(Region.objects.filter(code__in=[f"{p}0000" for p in carried]).values_list("code", "name"))
    return sorted(((names.get(f"{p}0000", p), n) for p, n in carried.items()), key=lambda pair: -pair[1])


@dataclass(frozen=True)
class RegionFigures:
    """What a dashboard and the API show of a region over a period."""

    series: dict[date, Figures]
    rows: list[RegionRow]
    carried: list[tuple[str, int]]

    @property
    def total(self) -> Figures:
        return totals_from_series(self.series)


def region_figures(region: Region | None, period: Period) -> RegionFigures:
    """The daily series, the table by sub-region and the people carried per province; cached until the next
    rebuild (the caller has checked the region against the reader's scope)."""
    return cached_until_rebuild(
        f"region:{region_prefix(region) or '*'}:{period.first}:{period.last}",
        lambda: RegionFigures(
            series=daily_series(region_prefix(region), period),
            rows=figures_by_sub_region(region, period),
            carried=carried_by_province(region, period),
        ),
    )


def breadcrumbs(region: Region | None) -> list[Region]:
    return place_path(region) if region is not None else []


# The longest period one request may ask for: a year of days (the campaign itself is about three months).
MAX_PERIOD_DAYS = 366
# Dates outside these are typing mistakes (and a day's end past year 9999 cannot even be computed).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def period_choose(
    *,
    campaign_id: int | None = None,
    first: date | None = None,
    last: date | None = None,
    today: date | None = None,
) -> Period:
    """The period a reader chose: a campaign, or a range of dates (either end may be left out), else the default.

    Bad choices raise ApplicationError with a sentence for the reader.
    """
    today = today or timezone.localdate()
    if campaign_id is not None:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise ApplicationError(_("没有这个春风行动。"), field="campaign")
        return campaign_period(campaign, today)
    if any(day is not None and not EARLIEST_DAY <= day <= LATEST_DAY for day in (first, last)):
        raise ApplicationError(
            _("日期须在 %(earliest)s 至 %(latest)s 之间。") % {"earliest": EARLIEST_DAY, "latest": LATEST_DAY},
            field="from",
        )
    if first is None:
        if last is None:
            return default_period(today)
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    elif last is None:
        last = min(today, first + timedelta(days=DEFAULT_DAYS - 1))
    if first > last:
        raise ApplicationError(_("开始日期不能晚于结束日期。"), field="from")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise ApplicationError(_("一次最多查看 %(days)d 天。") % {"days": MAX_PERIOD_DAYS}, field="from")
    return Period(first, last)


def campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.order_by("-starts_on")
