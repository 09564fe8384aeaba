"""The funnel: pushed -> opened -> applied -> intention -> signed -> booked -> boarded -> onboarded -> still employed
after 30 and 90 days, in people (distinct workers of the region) who reached each step during the period.

Counted live from the base tables (a person, not an event, is what a conversion rate is about), for the region and
per employment secretary and per village agent. docs/statistics.md says which rows each step reads.
"""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
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


# The steps an application's state log records: a move into this state.
MOVES = {
    "intention": ApplicationState.INTENTION,
    "signed": ApplicationState.SIGNED,
    "onboarded": ApplicationState.ONBOARDED,
}
# Steps the staff read on a record but the person does not see on their own page: what we sent them and whether they
# opened it.
STAFF_ONLY_STEPS = ("pushed", "opened")


def _step_source(step):
    """Where `step` is read: its rows, the field that names their worker and the field that dates them."""
    if step == "pushed":
        return PushedMatch.objects.filter(direction=PushDirection.TO_WORKER), "worker_id", "pushed_at"
    if step == "opened":
        opened = OutboxMessage.objects.filter(template="job_push", channel=Channel.INBOX)
        return opened, "recipient__worker__id", "read_at"
    if step == "applied":
        return Application.objects.all(), "worker_id", "created_at"
    if step in MOVES:
        return ApplicationStateChange.objects.filter(to_state=MOVES[step]), "application__worker_id", "changed_at"
    if step == "booked":
        return Booking.objects.filter(status__in=SEAT_BOOKED), "worker_id", "created_at"
    if step == "boarded":
        return Booking.objects.filter(status=BookingStatus.BOARDED), "worker_id", "boarded_at"
    kind = ServiceKind.RETENTION_30 if step == "retained_30" else ServiceKind.RETENTION_90
    return ServiceRecord.objects.filter(kind=kind, still_employed=True), "worker_id", "served_on"


def _step_workers(step, start, end, first, last):
    """The ids of the workers who reached `step` between `start` and `end` (a subquery); a follow-up call, dated
    by its day, between the days `first` and `last`."""
    rows, worker, when = _step_source(step)
    if when == "served_on":
        return rows.filter(served_on__range=(first, last)).values(worker)
    return rows.filter(**{f"{when}__gte": start, f"{when}__lt": end}).values(worker)


@dataclass(frozen=True)
class PathStep:
    name: str
    label: str
    reached: object  # when the person first reached it (a datetime, a date for the follow-up calls), or None


def worker_path(worker):
    """The funnel's steps for one person, each with when they first reached it (one query)."""
    first_reached = {}
    for step, _label in STEPS:
        rows, worker_field, when = _step_source(step)
        reached = rows.filter(**{worker_field: OuterRef("pk"), f"{when}__isnull": False}).order_by(when)
        first_reached[f"reached_{step}"] = Subquery(reached.values(when)[:1])
    dates = Worker.objects.filter(pk=worker.pk).values(**first_reached).get()
    return [PathStep(step, label, dates[f"reached_{step}"]) for step, label in STEPS]


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
