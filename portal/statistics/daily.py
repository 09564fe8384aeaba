"""One day's figures per region, counted straight from every app's tables (the rebuild's reading half).

Days are Asia/Shanghai days. Each figure is counted where its rows belong: postings, employers and fairs at the
county that entered them, trips at their county of departure, people (registrations, statuses, services,
applications, messages) at their home township (`LEFT(code, 9)`, the county itself for a county-level code).
What has changed since (a booking cancelled after its trip, a posting closed later) is counted as it stands now:
rebuilding a day again brings it in.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Left

from core.accounts.models import Role
from core.notifications.models import Channel, Delivery, OutboxMessage, Status
from jobs.models import Employer, JobPosting, PostingStatus
from placement.applications.models import (
    HIRED_STATES,
    Application,
    ApplicationState,
    ApplicationStateChange,
    JobFair,
)
from transport.models import Booking, BookingStatus, Trip, TripStatus
from workers.models import ONE_THREE_ONE, Consent, ServiceRecord, Worker, WorkerKeyGroup

# LEFT(code, 9): a village's or a township's code gives its township, a county's code gives the county.
TOWNSHIP_DIGITS = 9
# Trips that never ran carry no one: a draft was never offered, a cancelled one never left.
TRIPS_THAT_RAN = Q(status__in=[TripStatus.OPEN, TripStatus.CLOSED, TripStatus.DEPARTED, TripStatus.ARRIVED])
# A booked seat: held (confirmed), used (boarded) or held and not used (no show); not cancelled, not waiting.
SEAT_BOOKED = (BookingStatus.CONFIRMED, BookingStatus.BOARDED, BookingStatus.NO_SHOW)
# An intention reached at a fair and not since undone: the application stands at intention or further.
INTENTION_OR_FURTHER = (ApplicationState.INTENTION, ApplicationState.SIGNED, ApplicationState.ONBOARDED)


def day_bounds(day):
    """The first instant of an Asia/Shanghai day and of the next."""
    start = datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return start, start + timedelta(days=1)


def township(path):
    return Left(path, TOWNSHIP_DIGITS)


class DayFigures:
    """{region code: {figure: value}} for one day, plus the people carried per destination province."""

    def __init__(self, day):
        self.day = day
        self.start, self.end = day_bounds(day)
        self.by_region = defaultdict(lambda: defaultdict(int))
        self.carried = defaultdict(lambda: defaultdict(int))

    def add(self, rows, name=None):
        """Rows of (code, value) into `name`, or of (code, name, value) when each row names its figure."""
        for row in rows:
            code, figure, value = row if name is None else (row[0], name, row[1])
            if code and value:
                self.by_region[code][figure] += value

    def during(self, field):
        return {f"{field}__gte": self.start, f"{field}__lt": self.end}


def day_figures(day):
    figures = DayFigures(day)
    for count in (_demand, _fairs, _registrations, _ledger_stocks, _secretaries, _applications, _trips, _messages):
        count(figures)
    return figures


def _demand(figures):
    published = JobPosting.objects.filter(**figures.during("published_at")).values("county_id")
    for row in published.annotate(n=Count("id"), headcount=Sum("headcount")).order_by():
        figures.add([(row["county_id"], row["n"])], "postings_published")
        figures.add([(row["county_id"], row["headcount"])], "headcount_wanted")
    still_open = JobPosting.objects.filter(
        status=PostingStatus.PUBLISHED, published_at__lt=figures.end, valid_until__gte=figures.day
    )
    figures.add(still_open.values_list("county_id").annotate(Count("id")).order_by(), "postings_open")
    signed = ApplicationStateChange.objects.filter(
        **figures.during("changed_at"), to_state=ApplicationState.SIGNED, application__state__in=HIRED_STATES
    )
    figures.add(
        signed.values_list("application__posting__county_id").annotate(Count("id")).order_by(), "headcount_filled"
    )
    employers = Employer.objects.filter(**figures.during("created_at")).values_list("county_id")
    figures.add(employers.annotate(Count("id")).order_by(), "employers_registered")
    figures.add(employers.filter(is_key_enterprise=True).annotate(Count("id")).order_by(), "key_enterprises_registered")


def _fairs(figures):
    fairs = JobFair.objects.filter(**figures.during("starts_at"))
    figures.add(
        (county, f"fairs_{kind}", n)
        for county, kind, n in fairs.values_list("county_id", "kind").annotate(Count("id")).order_by()
    )
    attending = JobFair.employers.through.objects.filter(**figures.during("jobfair__starts_at"))
    figures.add(attending.values_list("jobfair__county_id").annotate(Count("id")).order_by(), "fair_employers")
    intentions = Application.objects.filter(**figures.during("fair__starts_at"), state__in=INTENTION_OR_FURTHER)
    figures.add(intentions.values_list("fair__county_id").annotate(Count("id")).order_by(), "fair_intentions")


def registration_source(worker_queryset):
    """Workers annotated with how they came into the ledger: self, by an agent, by county staff, or imported.

    A registration through a form always records the person's consent; a spreadsheet import records none (the
    county holds the paper forms), which is what tells an imported worker from one a clerk typed in.
    """
    consented = Exists(Consent.objects.filter(worker=OuterRef("pk")))
    return worker_queryset.annotate(
        source=Case(
            When(registered_by__isnull=True, then=Value("workers_registered_self")),
            When(~consented, then=Value("workers_imported")),
            When(registered_by__role=Role.VILLAGE_AGENT, then=Value("workers_registered_by_agent")),
            default=Value("workers_registered_by_staff"),
        )
    )


def _registrations(figures):
    registered = registration_source(Worker.objects.filter(**figures.during("registered_at")))
    rows = registered.annotate(code=township("home_region_id")).values_list("code", "source")
    figures.add(rows.annotate(Count("id")).order_by())


def _ledger_stocks(figures):
    on_file = Worker.objects.filter(registered_at__lt=figures.end)
    by_status = on_file.annotate(code=township("home_region_id")).values_list("code", "status")
    figures.add((code, f"workers_{status}", n) for code, status, n in by_status.annotate(Count("id")).order_by())
    groups = WorkerKeyGroup.objects.filter(worker__registered_at__lt=figures.end)
    by_group = groups.annotate(code=township("worker__home_region_id")).values_list("code", "group")
    figures.add((code, f"key_group_{group}", n) for code, group, n in by_group.annotate(Count("id")).order_by())


def one_three_one_met_by(day):
    """Ids of the workers whose services up to `day` meet the 1-3-1 norm (as a subquery)."""
    counts = {kind: Count("id", filter=Q(kind=kind)) for kind in ONE_THREE_ONE}
    per_worker = ServiceRecord.objects.filter(served_on__lte=day).values("worker_id").annotate(**counts).order_by()
    return per_worker.filter(**{f"{kind}__gte": needed for kind, needed in ONE_THREE_ONE.items()}).values("worker_id")


def _secretaries(figures):
    caseload = Worker.objects.filter(
        secretary__isnull=False, anonymised_at__isnull=True, registered_at__lt=figures.end
    ).annotate(code=township("home_region_id"))
    figures.add(caseload.values_list("code").annotate(Count("id")).order_by(), "secretary_caseload")
    met = caseload.filter(id__in=one_three_one_met_by(figures.day))
    figures.add(met.values_list("code").annotate(Count("id")).order_by(), "one_three_one_met")
    services = ServiceRecord.objects.filter(served_on=figures.day).annotate(code=township("worker__home_region_id"))
    figures.add(services.values_list("code").annotate(Count("id")).order_by(), "services")


def _applications(figures):
    moves = ApplicationStateChange.objects.filter(**figures.during("changed_at"))
    rows = moves.annotate(code=township("application__worker__home_region_id")).values_list("code", "to_state")
    figures.add((code, f"applications_{state}", n) for code, state, n in rows.annotate(Count("id")).order_by())


def destination_province(prefix=""):
    """The first two digits of a trip's destination: its employer's region, else the destination city."""
    return Coalesce(Left(f"{prefix}destination_employer__region_id", 2), Left(f"{prefix}destination_region_id", 2))


def _trips(figures):
    trips = Trip.objects.filter(TRIPS_THAT_RAN, **figures.during("departs_at"))
    for county, mode, n, seats in (
        trips.values_list("origin_county_id", "mode").annotate(Count("id"), Sum("capacity")).order_by()
    ):
        figures.add([(county, n)], f"trips_{mode}")
        figures.add([(county, seats)], "seats_offered")
    bookings = Booking.objects.filter(trip__in=trips)
    booked = bookings.filter(status__in=SEAT_BOOKED).values_list("trip__origin_county_id")
    figures.add(booked.annotate(Count("id")).order_by(), "seats_booked")
    boarded = bookings.filter(status=BookingStatus.BOARDED).annotate(province=destination_province("trip__"))
    for county, province, n in (
        boarded.values_list("trip__origin_county_id", "province").annotate(Count("id")).order_by()
    ):
        figures.add([(county, n)], "boarded")
        figures.carried[county][province] += n


def _messages(figures):
    sms = OutboxMessage.objects.filter(channel=Channel.SMS).annotate(code=township("recipient__region_id"))
    sent = sms.filter(**figures.during("sent_at"))
    figures.add(sent.values_list("code").annotate(Count("id")).order_by(), "sms_sent")
    delivered = sent.filter(delivery=Delivery.DELIVERED)
    figures.add(delivered.values_list("code").annotate(Count("id")).order_by(), "sms_delivered")
    failed = sms.filter(status=Status.FAILED, **figures.during("updated_at"))
    figures.add(failed.values_list("code").annotate(Count("id")).order_by(), "sms_failed")
