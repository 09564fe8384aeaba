"""The funnel: pushed -> opened -> applied -> intention -> signed -> booked -> boarded -> onboarded -> still employed
after 30 and 90 days, in people (distinct workers of the region) who reached each step during the period.

Counted live from the base tables (a person, not an event, is what a conversion rate is about), for the region and
per employment secretary and per village agent. docs/statistics.md says which rows each step reads.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role, User
from core.notifications.models import Channel, OutboxMessage
from placement.applications.models import Application, ApplicationState, ApplicationStateChange
from placement.matching.models import PushDirection, PushedMatch
from portal.statistics.daily import SEAT_BOOKED, day_bounds
from transport.models import Booking, BookingStatus
from workers.models import ServiceKind, ServiceRecord, Worker

STEPS = (
    ("pushed", _("推送岗位")),
    ("opened", _("查看推送")),
    ("applied", _("报名")),
    ("intention", _("达成意向")),
    ("signed", _("签约")),
    ("booked", _("预约专车")),
    ("boarded", _("上车")),
    ("onboarded", _("上岗")),
    ("retained_30", _("30天仍在岗")),
    ("retained_90", _("90天仍在岗")),
)


def _step_workers(step, start, end, first, last):
    """The ids of the workers who reached `step` between `start` and `end` (a subquery)."""
    during = {"__gte": start, "__lt": end}

    def at(field):
        return {f"{field}{lookup}": value for lookup, value in during.items()}

    moved = {
        "intention": ApplicationState.INTENTION,
        "signed": ApplicationState.SIGNED,
        "onboarded": ApplicationState.ONBOARDED,
    }
    if step == "pushed":
        return PushedMatch.objects.filter(direction=PushDirection.TO_WORKER, **at("pushed_at")).values("worker_id")
    if step == "opened":
        opened = OutboxMessage.objects.filter(template="job_push", channel=Channel.INBOX, **at("read_at"))
        return opened.values("recipient__worker__id")
    if step == "applied":
        return Application.objects.filter(**at("created_at")).values("worker_id")
    if step in moved:
        changes = ApplicationStateChange.objects.filter(to_state=moved[step], **at("changed_at"))
        return changes.values("application__worker_id")
    if step == "booked":
        return Booking.objects.filter(status__in=SEAT_BOOKED, **at("created_at")).values("worker_id")
    if step == "boarded":
        return Booking.objects.filter(status=BookingStatus.BOARDED, **at("boarded_at")).values("worker_id")
    kind = ServiceKind.RETENTION_30 if step == "retained_30" else ServiceKind.RETENTION_90
    records = ServiceRecord.objects.filter(kind=kind, still_employed=True, served_on__range=(first, last))
    return records.values("worker_id")


@dataclass
class FunnelRow:
    name: str
    counts: list  # one per step

    @property
    def steps(self):
        """(count, percent of the step before) per step; the first step has no rate."""
        rows, previous = [], None
        for count in self.counts:
            rows.append((count, round(100 * count / previous) if previous else None))
            previous = count
        return rows


def _counts(workers, period, dimension=None):
    """{dimension value: [count per step]} (one key, None, without a dimension)."""
    start, _next = day_bounds(period.first)
    _start, end = day_bounds(period.last)
    counts = {}
    for index, (step, _label) in enumerate(STEPS):
        reached = workers.filter(id__in=_step_workers(step, start, end, period.first, period.last))
        if dimension is None:
            rows = [(None, reached.count())]
        else:
            rows = reached.values_list(dimension).annotate(Count("id")).order_by()
        for key, n in rows:
            counts.setdefault(key, [0] * len(STEPS))[index] = n
    return counts


def region_funnel(region, period):
    workers = Worker.objects.filter(home_region__code__startswith=region.prefix if region else "")
    total = _counts(workers, period).get(None, [0] * len(STEPS))
    by_secretary = _counts(workers.filter(secretary__isnull=False), period, "secretary_id")
    by_agent = _counts(workers.filter(registered_by__role=Role.VILLAGE_AGENT), period, "registered_by_id")
    names = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=[*by_secretary, *by_agent])
    }
    return {
        "total": FunnelRow(str(region.name if region else _("全国")), total),
        "secretaries": [FunnelRow(names[pk], counts) for pk, counts in sorted(by_secretary.items())],
        "agents": [FunnelRow(names[pk], counts) for pk, counts in sorted(by_agent.items())],
    }
