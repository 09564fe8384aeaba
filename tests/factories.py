from datetime import date, timedelta

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from stdnum.cn import uscc

from core.accounts.models import Role, User

DEMO_PASSWORD = "chunfeng-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user; pass `role` and `region` (a Region row) for the scope under test."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    role = Role.COUNTY_STAFF
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class JobSeekerFactory(UserFactory):
    """A job seeker: they sign in with an SMS code, so no password (and no hashing), as the services make them."""

    username = factory.Sequence(lambda n: f"seeker{n}")
    role = Role.JOB_SEEKER
    password = None
    region = None
    phone = factory.Sequence(lambda n: f"138{n:08d}")

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # None, by default or given, is what the services store for a job seeker: an unusable password, unhashed.
        kwargs["password"] = kwargs["password"] or make_password(None)
        return kwargs


def credit_code(serial, region_code="430181"):
    """A valid 统一社会信用代码: a company (91), its region, a 9-character organisation code, the check character."""
    body = f"91{region_code}{serial:09d}"
    return body + uscc.calc_check_digit(body)


class EmployerFactory(factory.django.DjangoModelFactory):
    """An employer in 浏阳市 (the `regions` fixture must have loaded the regions)."""

    class Meta:
        model = "jobs.Employer"

    name = factory.Sequence(lambda n: f"恒信第{n}实业有限公司")
    credit_code = factory.Sequence(credit_code)
    industry = "电子制造"
    region_id = "430181"
    county_id = "430181"
    contact_name = "王经理"
    contact_phone = "0731-83612345"


class JobPostingFactory(factory.django.DjangoModelFactory):
    """A published posting in 浏阳市, valid for a month, indexed for search as the services would index it."""

    class Meta:
        model = "jobs.JobPosting"

    employer = factory.SubFactory(EmployerFactory)
    title = "电子厂普工"
    occupation = "general_worker"
    description = "流水线组装，长白班，月休4天。"
    headcount = 10
    wage_min = 4000
    wage_max = 6000
    work_region_id = "430181"
    county_id = "430181"
    status = "published"
    published_at = factory.LazyFunction(timezone.now)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from jobs.services import posting_lexemes, region_names

        posting = model_class(*args, **kwargs)
        posting.search_tokens = posting_lexemes(posting, place_names=region_names(posting.work_region))
        posting.save()
        return posting


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """A queued SMS to a job seeker, as `notify` writes it."""

    class Meta:
        model = "notifications.OutboxMessage"

    recipient = factory.SubFactory(JobSeekerFactory)
    channel = "sms"
    phone = factory.SelfAttribute("recipient.phone")
    template = "trip_departure"
    kind = "critical"
    params = factory.LazyFunction(lambda: {"trip": "G1", "departure": "8:20", "time": "8:00", "place": "县汽车站"})
    text = "您预约的返岗专车G1将于8:20发车，请于8:00到县汽车站集合，携带身份证。"
    idempotency_key = factory.Sequence(lambda n: f"test-{n}")
    send_after = factory.LazyFunction(timezone.now)


def _worker_identity(n):
    from core.identity import make_id_number
    from workers.services import identity_from_id_number

    birth = date(1970, 1, 1) + timedelta(days=(n * 37) % 12000)
    return identity_from_id_number(make_id_number(county_code="430181", birth_date=birth, sequence=n % 1000))


class WorkerFactory(factory.django.DjangoModelFactory):
    """A registered worker (pass `home_region`, a village Region row), with a valid, encrypted ID number."""

    class Meta:
        model = "workers.Worker"

    class Params:
        identity = factory.Sequence(_worker_identity)

    user = factory.SubFactory(
        JobSeekerFactory, first_name=factory.SelfAttribute("..full_name"), region=factory.SelfAttribute("..home_region")
    )
    full_name = factory.Faker("name", locale="zh_CN")
    id_number_encrypted = factory.LazyAttribute(lambda worker: worker.identity.encrypted)
    id_number_hash = factory.LazyAttribute(lambda worker: worker.identity.hash)
    id_number_masked = factory.LazyAttribute(lambda worker: worker.identity.masked)
    sex = factory.LazyAttribute(lambda worker: worker.identity.sex)
    birth_date = factory.LazyAttribute(lambda worker: worker.identity.birth_date)
    status = "returned"
    status_since = factory.LazyFunction(timezone.localdate)


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workers.ServiceRecord"

    worker = factory.SubFactory(WorkerFactory)
    secretary = factory.SelfAttribute("worker.secretary")
    kind = "guidance"
    served_on = factory.LazyFunction(timezone.localdate)


class TripFactory(factory.django.DjangoModelFactory):
    """An open 50-seat coach from 新化县 to 浏阳市, bookable now, leaving in three days (needs `regions`)."""

    class Meta:
        model = "transport.Trip"

    class Params:
        departs_in = timedelta(days=3)

    mode = "coach"
    service_number = factory.Sequence(lambda n: f"湘K{n:05d}")
    origin_county_id = "431322"
    destination_region_id = "430181"
    destination_address = "浏阳经开区康万路"
    departs_at = factory.LazyAttribute(lambda trip: timezone.now() + trip.departs_in)
    arrives_at = factory.LazyAttribute(lambda trip: trip.departs_at + timedelta(hours=5))
    capacity = 50
    booking_opens_at = factory.LazyAttribute(lambda trip: timezone.now() - timedelta(hours=1))
    booking_closes_at = factory.LazyAttribute(lambda trip: trip.departs_at - timedelta(hours=1))
    contact_name = "罗师傅"
    contact_phone = "13907381234"
    status = "open"


class PickupPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "transport.PickupPoint"

    trip = factory.SubFactory(TripFactory)
    name = "洋溪镇政府"
    meets_at = factory.LazyAttribute(lambda point: point.trip.departs_at - timedelta(minutes=30))
