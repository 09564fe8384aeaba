"""A campaign's worth of generated rows in two counties of 湖南省, and every figure counted from them in Python.

`generate_campaign(seed)` writes postings, employers, fairs, workers (by each way of registering), services,
applications with their logs, trips, bookings and SMS, at random moments of WEEK (Asia/Shanghai, close to midnight
too) and a day either side. `expected_figures()` then walks the rows one by one, with none of the grouped queries of
portal/statistics/daily.py, and returns {(region code, day): Counter of figures}: what every page must add up to.
"""

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.accounts.models import Role
from core.campaigns.models import Campaign
from core.notifications.models import OutboxMessage
from jobs.models import Employer, JobPosting
from placement.applications.models import Application, ApplicationStateChange, JobFair
from tests.factories import EmployerFactory, JobPostingFactory, OutboxMessageFactory, UserFactory, WorkerFactory
from transport.models import Booking, Trip
from workers.models import ONE_THREE_ONE, Consent, KeyGroup, ServiceRecord, Worker, WorkerKeyGroup

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = [date(2026, 2, 2) + timedelta(days=n) for n in range(7)]  # Monday 2 to Sunday 8 February 2026
DAYS = [WEEK[0] - timedelta(days=1), *WEEK, WEEK[-1] + timedelta(days=1)]
LIUYANG, XINHUA = "430181", "431322"
HOMES = ["430181102201", "430181102202", "430181001201", XINHUA]
STATES_PATH = {
    "applied": ["applied"],
    "recommended": ["applied", "recommended"],
    "intention": ["applied", "recommended", "intention"],
    "signed": ["applied", "recommended", "intention", "signed"],
    "onboarded": ["applied", "recommended", "intention", "signed", "onboarded"],
    "declined": ["applied", "recommended", "declined"],
    "withdrawn": ["applied", "withdrawn"],
}
RAN = ("open", "closed", "departed", "arrived")


def moment(rng, day):
    """A random instant of an Asia/Shanghai day, a quarter of them in its last or first half hour."""
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    edge = rng.random()
    if edge < 0.125:
        seconds = rng.randrange(1800)
    elif edge < 0.25:
        seconds = 86400 - 1 - rng.randrange(1800)
    else:
        seconds = rng.randrange(86400)
    return start + timedelta(seconds=seconds)


def _set(instance, **fields):
    """Write fields Django fills itself (auto_now_add) as if the row had been made then."""
    type(instance).objects.filter(pk=instance.pk).update(**fields)
    for name, value in fields.items():
        setattr(instance, name, value)


def generate_campaign(seed, regions):
    rng = random.Random(seed)
    Campaign.objects.get_or_create(
        name="2026年春风行动", defaults={"starts_on": date(2026, 1, 20), "ends_on": date(2026, 3, 31)}
    )
    counties = [LIUYANG, XINHUA]
    staff = {county: UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code=county)) for county in counties}
    agent = UserFactory(role=Role.VILLAGE_AGENT, region=regions.get(code="430181102"))

    employers = []
    for n in range(8):
        county = counties[n % 2]
        employer = EmployerFactory(region_id=county, county_id=county, is_key_enterprise=n % 3 == 0)
        _set(employer, created_at=moment(rng, rng.choice(DAYS)))
        employers.append(employer)

    postings = []
    for n in range(24):
        employer = employers[n % len(employers)]
        published = moment(rng, rng.choice(DAYS))
        status = rng.choice(["published", "published", "published", "filled", "closed", "draft"])
        posting = JobPostingFactory(
            employer=employer,
            county_id=employer.county_id,
            work_region_id=employer.county_id,
            headcount=rng.randint(1, 30),
            status=status,
            published_at=None if status == "draft" else published,
            valid_until=rng.choice(DAYS) + timedelta(days=rng.choice([0, 2, 30])),
        )
        postings.append(posting)
    open_postings = [posting for posting in postings if posting.status != "draft"]

    workers = []
    for n in range(48):
        home = regions.get(code=HOMES[n % len(HOMES)])
        way = n % 4  # self, agent, staff, imported
        registered_by = [None, agent, staff[home.code[:6]], staff[home.code[:6]]][way]
        secretary = staff[home.code[:6]] if rng.random() < 0.5 else None
        worker = WorkerFactory(
            home_region=home,
            status=rng.choice(["returned", "seeking", "employed_local", "working_away"]),
            registered_by=registered_by,
            secretary=secretary,
        )
        _set(worker, registered_at=moment(rng, rng.choice(DAYS)))
        if way != 3:
            Consent.objects.create(worker=worker, version="v1", text="同意", given_at=worker.registered_at)
        for group in rng.sample(sorted(KeyGroup.values), rng.randint(0, 3)):
            WorkerKeyGroup.objects.create(worker=worker, group=group)
        if secretary is not None:
            # Every fourth worker with a secretary gets the whole 1-3-1 (in a random order of days).
            kinds = ["guidance", "recommendation", "recommendation", "recommendation", "training"] if n % 4 == 1 else []
            kinds += rng.choices(["guidance", "recommendation", "training", "policy"], k=rng.randint(0, 4))
            for kind in kinds:
                ServiceRecord.objects.create(worker=worker, secretary=secretary, kind=kind, served_on=rng.choice(DAYS))
        workers.append(worker)

    fairs = []
    for n, kind in enumerate(["offline", "online", "livestream", "offline"]):
        starts = moment(rng, rng.choice(WEEK))
        fair = JobFair.objects.create(
            title=f"招聘会{n}",
            kind=kind,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            place="县体育馆" if kind == "offline" else "",
            stream_url="" if kind == "offline" else "https://live.example.cn/1",
            county_id=counties[n % 2],
        )
        fair.employers.set(rng.sample(employers, rng.randint(1, 4)))
        fairs.append(fair)

    for worker in rng.sample(workers, 30):
        posting = rng.choice(open_postings)
        final = rng.choice(list(STATES_PATH))
        fair = rng.choice(fairs) if rng.random() < 0.3 else None
        application = Application.objects.create(
            worker=worker, posting=posting, state=final, source="self_applied", fair=fair
        )
        when = moment(rng, rng.choice(DAYS))
        _set(application, created_at=when)
        previous = ""
        for state in STATES_PATH[final]:
            change = ApplicationStateChange.objects.create(application=application, from_state=previous, to_state=state)
            _set(change, changed_at=when)
            previous, when = state, when + timedelta(hours=rng.randint(1, 40))

    riders = iter(rng.sample(workers, len(workers)))
    for n in range(6):
        departs = moment(rng, rng.choice(DAYS))
        trip = Trip.objects.create(
            mode=rng.choice(["coach", "train"]),
            service_number=f"湘K{n:05d}",
            origin_county_id=counties[n % 2],
            destination_employer=employers[n] if n % 2 else None,
            destination_region_id=None if n % 2 else "440306",
            destination_address="园区",
            departs_at=departs,
            arrives_at=departs + timedelta(hours=5),
            capacity=rng.randint(10, 50),
            booking_opens_at=departs - timedelta(days=5),
            booking_closes_at=departs - timedelta(hours=1),
            contact_name="罗师傅",
            contact_phone="13907381234",
            status=rng.choice(["open", "departed", "arrived", "arrived", "cancelled", "draft"]),
        )
        for seat in range(1, rng.randint(2, 7)):
            status = rng.choice(["confirmed", "boarded", "boarded", "no_show", "cancelled", "waitlisted"])
            holds = status in ("confirmed", "boarded")
            Booking.objects.create(
                trip=trip,
                worker=next(riders),
                status=status,
                seat_number=seat if holds else None,
                code=f"B{n}{seat:03d}",
                trip_departs_at=trip.departs_at,
                trip_arrives_at=trip.arrives_at,
            )

    for worker in rng.sample(workers, 20):
        sent = moment(rng, rng.choice(DAYS))
        failed = rng.random() < 0.25
        message = OutboxMessageFactory(
            recipient=worker.user,
            status="failed" if failed else "sent",
            sent_at=None if failed else sent,
            delivery="" if failed else rng.choice(["delivered", "delivered", "undelivered", ""]),
        )
        _set(message, updated_at=sent)
    return {"staff": staff, "agent": agent}


# --- Counting one row at a time -----------------------------------------------------------------------------------


def local_day(instant):
    return timezone.localtime(instant, SHANGHAI).date() if instant else None


def township(code):
    return code[:9]


def expected_figures():
    figures = defaultdict(Counter)
    carried = defaultdict(Counter)

    for posting in JobPosting.objects.all():
        published = local_day(posting.published_at)
        if published is None:
            continue
        figures[(posting.county_id, published)]["postings_published"] += 1
        figures[(posting.county_id, published)]["headcount_wanted"] += posting.headcount
        for day in DAYS:
            if posting.status == "published" and published <= day <= posting.valid_until:
                figures[(posting.county_id, day)]["postings_open"] += 1
    for employer in Employer.objects.all():
        key = (employer.county_id, local_day(employer.created_at))
        figures[key]["employers_registered"] += 1
        figures[key]["key_enterprises_registered"] += employer.is_key_enterprise
    for fair in JobFair.objects.all():
        key = (fair.county_id, local_day(fair.starts_at))
        figures[key][f"fairs_{fair.kind}"] += 1
        figures[key]["fair_employers"] += fair.employers.count()
        figures[key]["fair_intentions"] += fair.applications.filter(
            state__in=["intention", "signed", "onboarded"]
        ).count()
    for change in ApplicationStateChange.objects.select_related("application__worker", "application__posting"):
        application = change.application
        day = local_day(change.changed_at)
        figures[(township(application.worker.home_region_id), day)][f"applications_{change.to_state}"] += 1
        if change.to_state == "signed" and application.state in ("signed", "onboarded"):
            figures[(application.posting.county_id, day)]["headcount_filled"] += 1

    for worker in Worker.objects.select_related("registered_by"):
        code, registered = township(worker.home_region_id), local_day(worker.registered_at)
        if worker.registered_by is None:
            way = "workers_registered_self"
        elif not Consent.objects.filter(worker=worker).exists():
            way = "workers_imported"
        elif worker.registered_by.role == Role.VILLAGE_AGENT:
            way = "workers_registered_by_agent"
        else:
            way = "workers_registered_by_staff"
        figures[(code, registered)][way] += 1
        groups = list(WorkerKeyGroup.objects.filter(worker=worker).values_list("group", flat=True))
        for day in DAYS:
            if registered > day:
                continue
            figures[(code, day)][f"workers_{worker.status}"] += 1
            for group in groups:
                figures[(code, day)][f"key_group_{group}"] += 1
            if worker.secretary_id and worker.anonymised_at is None:
                figures[(code, day)]["secretary_caseload"] += 1
                kinds = Counter(worker.service_records.filter(served_on__lte=day).values_list("kind", flat=True))
                figures[(code, day)]["one_three_one_met"] += all(kinds[k] >= n for k, n in ONE_THREE_ONE.items())
    for record in ServiceRecord.objects.select_related("worker"):
        figures[(township(record.worker.home_region_id), record.served_on)]["services"] += 1

    for trip in Trip.objects.select_related("destination_employer"):
        if trip.status not in RAN:
            continue
        key = (trip.origin_county_id, local_day(trip.departs_at))
        figures[key][f"trips_{trip.mode}"] += 1
        figures[key]["seats_offered"] += trip.capacity
        destination = trip.destination_employer.region_id if trip.destination_employer else trip.destination_region_id
        for booking in trip.bookings.all():
            figures[key]["seats_booked"] += booking.status in ("confirmed", "boarded", "no_show")
            if booking.status == "boarded":
                figures[key]["boarded"] += 1
                carried[key][destination[:2]] += 1

    for message in OutboxMessage.objects.filter(channel="sms").select_related("recipient"):
        code = township(message.recipient.region_id)
        if message.sent_at:
            figures[(code, local_day(message.sent_at))]["sms_sent"] += 1
            figures[(code, local_day(message.sent_at))]["sms_delivered"] += message.delivery == "delivered"
        if message.status == "failed":
            figures[(code, local_day(message.updated_at))]["sms_failed"] += 1
    return figures, carried
