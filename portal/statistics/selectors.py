"""Every read of the figures: a region (already checked against the reader's scope) over a period of days.

Two grouped queries carry a whole dashboard: one row per day (the series, the tiles and their change since last
week) and one row per region code (the table by sub-region). Flows add up over the days, stocks are read on the
last day that has figures.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connections
from django.db.models import Max, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.scoping import user_can_access_region
from core.campaigns.models import Campaign
from core.errors import ApplicationError
from core.regions.models import Region
from core.regions.selectors import place_path, region_children
from portal.statistics.catalogue import FIGURES, FLOWS, STOCKS
from portal.statistics.models import DailyFigures, DailyVisits

WEEK = timedelta(days=7)
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    first: object
    last: object
    campaign: object = None

    @property
    def days(self):
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def current_campaign(today=None):
    today = today or timezone.localdate()
    return Campaign.objects.filter(starts_on__lte=today).order_by("-starts_on").first()


def campaign_period(campaign, today=None):
    today = today or timezone.localdate()
    return Period(campaign.starts_on, max(campaign.starts_on, min(campaign.ends_on, today)), campaign)


def default_period(today=None):
    """The campaign under way (or the latest one) up to today, else the last DEFAULT_DAYS days."""
    today = today or timezone.localdate()
    campaign = current_campaign(today)
    if campaign is not None:
        return campaign_period(campaign, today)
    return Period(today - timedelta(days=DEFAULT_DAYS - 1), today)


def stats_region(*, user, code):
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


def region_prefix(region):
    return region.prefix if region is not None else ""


def sub_regions(region):
    """The regions one level down, a placeholder level (市辖区) replaced by what it holds."""
    children = list(region_children(parent_code=region.code if region else None))
    shown = []
    for child in children:
        if child.is_placeholder:
            shown.extend(region_children(parent_code=child.code))
        else:
            shown.append(child)
    return shown


def _zeros():
    return dict.fromkeys((figure.name for figure in FIGURES), 0)


@dataclass
class Figures:
    """One set of figures (a region over a period): the catalogue's values, derived totals, visits."""

    values: dict = field(default_factory=_zeros)
    visits: int = 0
    # Whether any row was counted into it: the stocks of a period are read on its last counted day.
    counted: bool = False

    def __getitem__(self, name):
        return self.derived().get(name, 0)

    def derived(self):
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


def _sums(names):
    return {name: Sum(name) for name in names}


def daily_series(prefix, period):
    """{day: Figures} for every day of the period (days without rows hold zeros)."""
    rows = (
        DailyFigures.objects.filter(region_code__startswith=prefix, day__range=(period.first, period.last))
        .values("day")
        .annotate(**_sums([figure.name for figure in FIGURES]))
        .order_by("day")
    )
    series = {day: Figures() for day in period.days}
    for row in rows:
        figures = series[row.pop("day")]
        figures.values.update({name: value or 0 for name, value in row.items()})
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


def _last_counted_day(series):
    days = [day for day, figures in series.items() if figures.counted]
    return max(days) if days else None


def totals_from_series(series, *, upto=None, since=None):
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
    label: str
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


def tiles(series, period):
    """Each headline figure over the period, and how much it grew in the period's last week."""
    total = totals_from_series(series)
    week_ago = period.last - WEEK
    before = totals_from_series(series, upto=week_ago)
    return [Tile(name, label, total[name], total[name] - before[name]) for name, label in TILE_FIGURES]


@dataclass
class RegionRow:
    region: object  # a Region, or None for the figures kept at the region itself (县本级)
    figures: Figures


def figures_by_sub_region(region, period):
    """One row per sub-region (plus one for figures kept at the region itself, if any), in code order."""
    prefix = region_prefix(region)
    children = sub_regions(region)
    rows = {child.code: RegionRow(child, Figures()) for child in children}
    own = RegionRow(None, Figures())
    # Longest prefix first, so that a township's code finds its township before its county.
    by_prefix = sorted(((child.prefix, child.code) for child in children), key=lambda pair: -len(pair[0]))

    def row_for(code):
        for child_prefix, child_code in by_prefix:
            if code.startswith(child_prefix):
                return rows[child_code]
        return own

    in_period = DailyFigures.objects.filter(region_code__startswith=prefix, day__range=(period.first, period.last))
    flows = in_period.values("region_code").annotate(**_sums(FLOWS)).order_by()
    for row in flows:
        target = row_for(row.pop("region_code")).figures.values
        for name, value in row.items():
            target[name] += value or 0
    stock_day = in_period.aggregate(day=Max("day"))["day"]
    if stock_day is not None:
        stocks = in_period.filter(day=stock_day).values("region_code").annotate(**_sums(STOCKS)).order_by()
        for row in stocks:
            target = row_for(row.pop("region_code")).figures.values
            for name, value in row.items():
                target[name] += value or 0
    visits = (
        DailyVisits.objects.filter(region_code__startswith=prefix, day__range=(period.first, period.last))
        .values_list("region_code")
        .annotate(Sum("visits"))
        .order_by()
    )
    for code, n in visits:
        row_for(code).figures.visits += n
    result = [rows[child.code] for child in children]
    if any(own.figures.values.values()) or own.figures.visits:
        result.append(own)
    return result


def carried_by_province(region, period):
    """[(province name, people boarded)] over the period, most first: the JSON columns added up in the database."""
    # Where the ORM would read these rows: a replica when the page allows it (core/replicas.py).
    connection = connections[DailyFigures.objects.db]
    each = "jsonb_each_text" if connection.vendor == "postgresql" else "json_each"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT carried.key, SUM(CAST(carried.value AS integer)) FROM {DailyFigures._meta.db_table} figures, "
            f"{each}(figures.carried_by_province) carried "
            "WHERE figures.region_code LIKE %s AND figures.day BETWEEN %s AND %s AND figures.boarded > 0 "
            "GROUP BY carried.key",
            [region_prefix(region) + "%", period.first, period.last],
        )
        carried = dict(cursor.fetchall())
    names = dict(Region.objects.filter(code__in=[f"{p}0000" for p in carried]).values_list("code", "name"))
    return sorted(((names.get(f"{p}0000", p), n) for p, n in carried.items()), key=lambda pair: -pair[1])


def breadcrumbs(region):
    return place_path(region) if region is not None else []


# The longest period one request may ask for: a year of days (the campaign itself is about three months).
MAX_PERIOD_DAYS = 366
# Dates outside these are typing mistakes (and a day's end past year 9999 cannot even be computed).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def period_choose(*, campaign_id=None, first=None, last=None, today=None):
    """The period a reader chose: a campaign, or a range of dates (either end may be left out), else the default.

    Bad choices raise ApplicationError with a sentence for the reader.
    """
    today = today or timezone.localdate()
    if campaign_id is not None:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise ApplicationError(_("没有这个春风行动。"), field="campaign")
        return campaign_period(campaign, today)
    if first is None and last is None:
        return default_period(today)
    if any(day is not None and not EARLIEST_DAY <= day <= LATEST_DAY for day in (first, last)):
        raise ApplicationError(
            _("日期须在 %(earliest)s 至 %(latest)s 之间。") % {"earliest": EARLIEST_DAY, "latest": LATEST_DAY},
            field="from",
        )
    last = last or min(today, first + timedelta(days=DEFAULT_DAYS - 1))
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ApplicationError(_("开始日期不能晚于结束日期。"), field="from")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise ApplicationError(_("一次最多查看 %(days)d 天。") % {"days": MAX_PERIOD_DAYS}, field="from")
    return Period(first, last)


def campaigns():
    return Campaign.objects.order_by("-starts_on")
