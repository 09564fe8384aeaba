"""`seed_demo`, the demo data `make run` loads: every app's part of it, checked on one run built once for this module.

Building the demo takes seconds; it is built once, inside a transaction that is rolled back when the module ends,
and each test runs in a savepoint inside it (its own changes are rolled back as usual).
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from core.accounts.models import Role, User
from core.identity import parse_id_number
from core.regions.models import Region
from jobs.demo import seed_demo_postings
from jobs.models import Employer, JobPosting
from jobs.selectors import PostingFilters, posting_search
from placement.applications.models import Application, JobFair
from placement.applications.selectors import fair_figures
from portal.demo import DEMO_PASSWORD, DEMO_STAFF
from transport.models import Booking, BookingStatus, Trip, TripStatus
from workers.models import ServiceRecord, Worker

pytestmark = pytest.mark.django_db

DEMO_TABLES = (User, Region, Worker, ServiceRecord, Employer, JobPosting, JobFair, Application, Trip, Booking)


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """What `seed_demo` printed; its data stays in the database until the module's last test has run."""
    output = StringIO()
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=output)
    yield output.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def test_seed_demo_creates_staff_of_every_role_with_the_printed_password(demo_output):
    assert DEMO_PASSWORD in demo_output
    roles = set(User.objects.values_list("role", flat=True))
    assert roles >= {Role.ADMIN, Role.COUNTY_STAFF, Role.VILLAGE_AGENT, Role.DISPATCHER, Role.SUPERVISOR}
    for staff in DEMO_STAFF:
        user = User.objects.get(username=staff.username)
        assert staff.username in demo_output
        assert user.check_password(DEMO_PASSWORD)
        assert user.region_id == staff.region_code


def test_seed_demo_adds_the_townships_and_villages_of_the_demo_counties(demo_output):
    assert Region.objects.get(code="431322102").name == "洋溪镇"
    assert Region.objects.get(code="431322102201").parent_id == "431322102"


def test_seed_demo_run_again_changes_nothing(demo_output, settings):
    settings.DEBUG = True
    counts = {model.__name__: model.objects.count() for model in DEMO_TABLES}
    call_command("seed_demo", stdout=StringIO())
    assert {model.__name__: model.objects.count() for model in DEMO_TABLES} == counts
    assert seed_demo_postings() == counts["JobPosting"]


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    users = User.objects.count()
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert User.objects.count() == users


# --- workers ------------------------------------------------------------------------------------------------------


def test_seed_demo_adds_a_few_hundred_workers_with_valid_numbers_and_secretaries(demo_output):
    workers = list(Worker.objects.select_related("user", "secretary"))
    assert 200 <= len(workers) <= 1000
    for worker in workers:
        assert parse_id_number(worker.id_number).birth_date == worker.birth_date
        assert worker.user.phone.startswith("199")
    assert {worker.secretary.username for worker in workers if worker.secretary} == {
        "liuyang_staff", "ningxiang_staff", "xinhua_staff", "guzhang_staff"
    }  # fmt: skip
    assert ServiceRecord.objects.exists()
    assert any(worker.id_number.startswith("430123") for worker in workers)


# --- jobs ---------------------------------------------------------------------------------------------------------


def test_the_demo_publishes_a_few_hundred_postings_across_the_demo_counties(demo_output):
    assert JobPosting.objects.filter(status="published").count() >= 200
    assert {"430181", "430182", "431322", "433126"} <= set(JobPosting.objects.values_list("work_region_id", flat=True))


def test_the_demo_has_a_cleaning_job_in_liuyang(demo_output):
    page = posting_search(filters=PostingFilters(q="保洁", region=Region.objects.get(code="430181")))
    assert page.postings
    assert all(posting.work_region_id == "430181" for posting in page.postings)


def test_the_demo_posts_a_shop_in_shanghai_at_its_place_of_work_not_the_agencys_county(demo_output):
    shanghai = JobPosting.objects.filter(employer__name="云阳面工劳务服务有限公司", work_address="上海门店")
    assert shanghai.exists()
    assert {posting.work_region.name for posting in shanghai} == {"徐汇区"}
    assert {posting.employer.region_id for posting in shanghai} == {"500235"}


# --- applications and fairs ---------------------------------------------------------------------------------------


def test_seed_demo_adds_fairs_of_each_kind_and_applications_in_several_states(demo_output):
    fairs = JobFair.objects.all()
    assert {fair.kind for fair in fairs} == {"offline", "online", "livestream"}
    states = set(Application.objects.values_list("state", flat=True))
    assert {"applied", "recommended", "intention", "signed", "onboarded", "withdrawn", "declined"} <= states
    figures = fair_figures(fairs.get(kind="offline"))
    assert (figures.visitors, figures.intentions) == (6, 4)


# --- transport ----------------------------------------------------------------------------------------------------


def test_seed_demo_adds_a_full_trip_with_a_waiting_list_a_boarding_one_and_an_arrived_one(demo_output):
    trips = {trip.service_number: trip for trip in Trip.objects.all()}
    full = trips["湘K·A3561"]
    assert len(trips) == 4
    assert full.taken == full.capacity
    assert Booking.objects.filter(trip=full, status=BookingStatus.WAITLISTED).count() == 4
    assert Booking.objects.filter(trip=trips["湘K·B2208"], status=BookingStatus.BOARDED).count() == 11
    assert trips["湘K·C7719"].status == TripStatus.ARRIVED
    assert {trip.mode for trip in trips.values()} == {"coach", "train"}
