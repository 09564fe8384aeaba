"""The statistics pages under /console/stats/: the dashboard, the weekly report (printable page and Excel)."""

from datetime import timedelta

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.accounts.permissions import console_required
from core.errors import ApplicationError
from core.regions.models import RegionLevel
from core.replicas import replica_reads
from portal.statistics import selectors
from portal.statistics.cache import cached_until_rebuild
from portal.statistics.catalogue import SECTIONS
from portal.statistics.credit import CREDIT_COLUMNS, agent_credit, agent_credit_workbook
from portal.statistics.funnel import STAFF_ONLY_STEPS, STEPS, region_funnel, worker_path
from portal.statistics.reports import last_complete_week, week_of, weekly_report, weekly_report_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The daily series drawn on the dashboard's chart (and listed in the table beside it).
SERIES_FIGURES = (
    ("postings_published", gettext_lazy("发布岗位")),
    ("workers_registered", gettext_lazy("登记务工人员")),
    ("applications_signed", gettext_lazy("签约")),
    ("boarded", gettext_lazy("运送务工人员")),
)
# Sub-regions of these levels have figures of their own below them, so the table links down into them.
DRILLABLE_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


class PeriodForm(forms.Form):
    region = forms.RegexField(regex=r"^[0-9]{6,12}$", required=False)
    campaign = forms.IntegerField(label=gettext_lazy("春风行动"), required=False, min_value=1, max_value=2**31 - 1)
    start = forms.DateField(label=gettext_lazy("开始日期"), required=False)
    end = forms.DateField(label=gettext_lazy("结束日期"), required=False)

    def period(self):
        """The chosen period, or the default one with the reason on the form when the choice was bad."""
        if self.is_valid():
            data = self.cleaned_data
            try:
                return selectors.period_choose(campaign_id=data["campaign"], first=data["start"], last=data["end"])
            except ApplicationError as error:
                self.add_error(None, error.message)
        return selectors.default_period()


def _region_of(request, form):
    code = form.cleaned_data.get("region", "") if form.is_bound and hasattr(form, "cleaned_data") else ""
    return selectors.stats_region(user=request.user, code=code or "")


def _series_chart(series):
    days = list(series)
    return {
        "days": [day.strftime("%m-%d") for day in days],
        "series": [{"name": str(label), "data": [series[day][name] for day in days]} for name, label in SERIES_FIGURES],
    }


def _sub_region_chart(rows):
    named = [row for row in rows if row.region is not None]
    return {
        "names": [row.region.name for row in named],
        "series": [
            {"name": str(label), "data": [row.figures[name] for row in named]}
            for name, label in (("workers_registered", _("登记务工人员")), ("boarded", _("运送务工人员")))
        ],
    }


def _dashboard_figures(region, period, week):
    """The dashboard below its period form: tiles, the table by sub-region, the daily series, every figure."""
    figures = selectors.region_figures(region, period)
    series, rows, total = figures.series, figures.rows, figures.total
    context = {
        "region": region,
        "period": period,
        "tiles": selectors.tiles(series, period),
        "series_figures": SERIES_FIGURES,
        "series_rows": [(day, [series[day][name] for name, _label in SERIES_FIGURES]) for day in series],
        "series_chart": _series_chart(series),
        "sub_region_chart": _sub_region_chart(rows),
        "rows": rows,
        "drillable": region is None or region.level in DRILLABLE_LEVELS,
        "sections": [
            (label, [(figure.label, total[figure.name]) for figure in figures]) for label, figures in SECTIONS
        ],
        "carried": figures.carried,
        "week": week,
    }
    return render_to_string("statistics/console/_dashboard_figures.html", context)


@console_required
@require_safe
@replica_reads
def dashboard(request):
    form = PeriodForm(request.GET or None)
    period = form.period()
    region = _region_of(request, form)
    week = last_complete_week(timezone.localdate())
    # Rendering a 90-day table and every figure costs more than reading them: the page is rendered once per region,
    # period and language between two rebuilds.
    key = (
        f"dashboard:{get_language()}:{selectors.region_prefix(region) or '*'}:{period.first}:{period.last}:{week.first}"
    )
    context = {
        "form": form,
        "region": region,
        "breadcrumbs": selectors.breadcrumbs(region),
        "period": period,
        "campaigns": selectors.campaigns(),
        "figures_html": cached_until_rebuild(key, lambda: _dashboard_figures(region, period, week)),
    }
    return render(request, "statistics/console/dashboard.html", context)


class WeekForm(forms.Form):
    region = forms.RegexField(regex=r"^[0-9]{6,12}$", required=False)
    week = forms.DateField(required=False)


def _weekly(request):
    form = WeekForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    region = selectors.stats_region(user=request.user, code=data.get("region") or "")
    day = data.get("week")
    in_range = day is not None and selectors.EARLIEST_DAY <= day <= selectors.LATEST_DAY
    week = week_of(day) if in_range else last_complete_week(timezone.localdate())
    return weekly_report(region, week)


@console_required
@require_safe
@replica_reads
def weekly(request):
    report = _weekly(request)
    context = {
        "report": report,
        "region": report.region,
        "previous_week": report.week.first - timedelta(days=7),
        "next_week": report.week.first + timedelta(days=7),
    }
    return render(request, "statistics/console/weekly.html", context)


@console_required
@require_safe
@replica_reads
def weekly_excel(request):
    report = _weekly(request)
    response = HttpResponse(weekly_report_workbook(report), content_type=XLSX)
    file_name = f"weekly-report-{report.region.code if report.region else 'all'}-{report.week.first:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@console_required
@require_safe
@replica_reads
def funnel(request):
    form = PeriodForm(request.GET or None)
    period = form.period()
    region = _region_of(request, form)
    context = {
        "form": form,
        "region": region,
        "period": period,
        "campaigns": selectors.campaigns(),
        "steps": [label for _name, label in STEPS],
    }
    funnel_rows = region_funnel(region, period)
    context.update(
        total_rows=[funnel_rows["total"]], secretaries=funnel_rows["secretaries"], agents=funnel_rows["agents"]
    )
    return render(request, "statistics/console/funnel.html", context)


def _agent_credit(request):
    form = PeriodForm(request.GET or None)
    period = form.period()
    region = _region_of(request, form)
    return form, period, region, agent_credit(user=request.user, region=region, period=period)


@console_required
@require_safe
@replica_reads
def agents(request):
    form, period, region, credits = _agent_credit(request)
    context = {
        "form": form,
        "region": region,
        "period": period,
        "campaigns": selectors.campaigns(),
        "columns": [label for _name, label in CREDIT_COLUMNS],
        "credits": credits,
    }
    return render(request, "statistics/console/agents.html", context)


@console_required
@require_safe
@replica_reads
def agents_excel(request):
    _form, period, region, credits = _agent_credit(request)
    title = _("%(place)s劳务经纪人业绩（%(first)s—%(last)s）") % {
        "place": region.name if region else _("全国"),
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
    }
    response = HttpResponse(agent_credit_workbook(credits, title=title), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="agents-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx"'
    return response


def worker_record_path(*, worker):
    """The panel on the staff's worker record: every step of the funnel, with its date or a dash."""
    return render_to_string("statistics/console/_worker_path.html", {"steps": worker_path(worker)})


def worker_home_path(*, worker):
    """The card on the worker's own page: the steps they reached, with their dates (nothing before the first)."""
    reached = [step for step in worker_path(worker) if step.reached and step.name not in STAFF_ONLY_STEPS]
    return render_to_string("statistics/me/_worker_path.html", {"steps": reached}) if reached else ""
