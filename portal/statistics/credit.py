"""Credit per village agent (劳务经纪人 / 就业观察员): the people they registered and how far those people got.

Brokers' rewards are paid by these figures, so each is counted per person, from the base tables, as it stands now:
of the workers an agent registered in the period, how many applied, signed (a signing not since undone), were
carried on a return-to-work trip, and were still employed at the 90-day 稳岗回访.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from core.accounts.models import Role, User
from core.accounts.scoping import scope_to_user
from core.spreadsheets import append_row, workbook_bytes
from placement.applications.models import HIRED_STATES, Application
from portal.statistics.daily import day_bounds
from transport.models import Booking, BookingStatus
from workers.models import ServiceKind, ServiceRecord, Worker

CREDIT_COLUMNS = (
    ("registered", gettext_lazy("登记人数")),
    ("applied", gettext_lazy("其中报名")),
    ("signed", gettext_lazy("其中签约")),
    ("carried", gettext_lazy("其中乘专车返岗")),
    ("retained_90", gettext_lazy("其中90天稳岗")),
)


@dataclass
class AgentCredit:
    agent: object
    figures: dict

    @property
    def values(self):
        return [self.figures[name] for name, _label in CREDIT_COLUMNS]


def _outcomes():
    """Per registered worker, whether each step was reached (subqueries on the worker row)."""
    return {
        "applied": Exists(Application.objects.filter(worker=OuterRef("pk"))),
        "signed": Exists(Application.objects.filter(worker=OuterRef("pk"), state__in=HIRED_STATES)),
        "carried": Exists(Booking.objects.filter(worker=OuterRef("pk"), status=BookingStatus.BOARDED)),
        "retained_90": Exists(
            ServiceRecord.objects.filter(worker=OuterRef("pk"), kind=ServiceKind.RETENTION_90, still_employed=True)
        ),
    }


def agent_credit(*, user, region, period):
    """One AgentCredit per village agent of `region` (inside the reader's scope), those with most people first."""
    agents = scope_to_user(user, User.objects.filter(role=Role.VILLAGE_AGENT).select_related("region"))
    if region is not None:
        agents = agents.filter(region__code__startswith=region.prefix)
    start, _next = day_bounds(period.first)
    _start, end = day_bounds(period.last)
    workers = Worker.objects.filter(registered_by__in=agents, registered_at__gte=start, registered_at__lt=end).annotate(
        **_outcomes()
    )
    counts = {
        row.pop("registered_by_id"): row
        for row in workers.values("registered_by_id")
        .annotate(
            registered=Count("id"),
            **{name: Count("id", filter=Q(**{name: True})) for name, _label in CREDIT_COLUMNS[1:]},
        )
        .order_by()
    }
    zero = dict.fromkeys((name for name, _label in CREDIT_COLUMNS), 0)
    credits = [AgentCredit(agent, counts.get(agent.pk, zero)) for agent in agents]
    return sorted(credits, key=lambda credit: (-credit.figures["registered"], credit.agent.username))


def agent_credit_workbook(credits, *, title):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("经纪人")
    append_row(sheet, [title])
    append_row(sheet, [_("经纪人"), _("账号"), _("所属区划"), *[str(label) for _name, label in CREDIT_COLUMNS]])
    for credit in credits:
        agent = credit.agent
        append_row(sheet, [agent.get_full_name() or agent.username, agent.username, agent.region.name, *credit.values])
    return workbook_bytes(workbook)
