"""Destructive staff actions ask first (core/confirmation.py): the first tap shows what will happen and changes
nothing; only the confirming POST acts. Works without JavaScript: plain forms all the way."""

import pytest

from core.accounts.models import Role
from jobs.models import PostingStatus
from placement.applications.services import application_recommend
from tests.factories import JobPostingFactory, TripFactory, UserFactory, WorkerFactory
from transport.models import BookingStatus, TripStatus
from transport.services import booking_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def liuyang_staff(regions):
    return UserFactory(username="liuyang_staff", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))


def recommended(staff, worker, posting):
    application, _created = application_recommend(actor=staff, worker=worker, posting_id=posting.pk)
    return application


@pytest.fixture
def workers(regions):
    return [WorkerFactory(home_region=regions.get(code="430181102201")) for _ in range(3)]


def test_cancelling_a_trip_first_says_how_many_passengers_will_get_an_sms_and_changes_nothing(client, regions, workers):
    trip = TripFactory()
    for worker in workers:
        booking_create(trip_id=trip.pk, worker=worker)
    client.force_login(UserFactory(role=Role.DISPATCHER, region=regions.get(code="431322")))

    asked = client.post(f"/console/trips/{trip.pk}/cancel/")

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "将短信通知已预约的 3 人" in page
    assert trip.service_number in page
    assert 'name="confirmed" value="yes"' in page
    assert f'href="/console/trips/{trip.pk}/"' in page  # the way back
    trip.refresh_from_db()
    assert trip.status == TripStatus.OPEN
    assert trip.bookings.filter(status=BookingStatus.CONFIRMED).count() == 3


def test_a_confirmed_cancellation_cancels_the_trip_and_every_booking(client, regions, workers):
    trip = TripFactory()
    for worker in workers:
        booking_create(trip_id=trip.pk, worker=worker)
    client.force_login(UserFactory(role=Role.DISPATCHER, region=regions.get(code="431322")))

    response = client.post(f"/console/trips/{trip.pk}/cancel/", {"confirmed": "yes"})

    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.status == TripStatus.CANCELLED
    assert set(trip.bookings.values_list("status", flat=True)) == {BookingStatus.CANCELLED}


def test_the_trip_page_sets_the_cancel_button_apart_from_the_safe_ones(client, regions):
    trip = TripFactory()
    client.force_login(UserFactory(role=Role.DISPATCHER, region=regions.get(code="431322")))

    page = client.get(f"/console/trips/{trip.pk}/").content.decode()

    danger = page[page.index('class="danger-zone"') :]
    assert "取消专车并通知乘客" in danger
    assert "停止预约" not in danger
    assert "停止预约" in page


def test_a_bulk_close_asks_first_with_the_number_of_postings_and_keeps_the_list_filter(client, liuyang_staff):
    postings = JobPostingFactory.create_batch(2, created_by=liuyang_staff)
    client.force_login(liuyang_staff)
    data = {"action": "close", "posting": [posting.pk for posting in postings], "days": ""}

    asked = client.post("/console/jobs/postings/bulk/?status=published", data)

    page = asked.content.decode()
    assert "将关闭 2 个岗位" in page
    assert 'action="/console/jobs/postings/bulk/?status=published"' in page
    for posting in postings:
        assert f'name="posting" value="{posting.pk}"' in page
    assert {posting.status for posting in postings} == {PostingStatus.PUBLISHED}
    assert JobPostingFactory._meta.model.objects.filter(status=PostingStatus.CLOSED).count() == 0

    client.post("/console/jobs/postings/bulk/?status=published", {**data, "confirmed": "yes"})
    assert JobPostingFactory._meta.model.objects.filter(status=PostingStatus.CLOSED).count() == 2


def test_closing_one_posting_asks_first(client, liuyang_staff):
    posting = JobPostingFactory(created_by=liuyang_staff, title="锂电池厂普工")
    client.force_login(liuyang_staff)

    asked = client.post(f"/console/jobs/postings/{posting.pk}/close/")

    assert "“锂电池厂普工”将从就业超市下架" in asked.content.decode()
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PUBLISHED
    client.post(f"/console/jobs/postings/{posting.pk}/close/", {"confirmed": "yes"})
    posting.refresh_from_db()
    assert posting.status == PostingStatus.CLOSED


def test_declining_an_application_names_the_worker_and_the_posting_before_it_acts(client, liuyang_staff, workers):
    posting = JobPostingFactory(title="锂电池厂普工")
    worker = workers[0]
    worker.full_name = "谭小梅"
    worker.save()
    application = recommended(liuyang_staff, worker, posting)
    client.force_login(liuyang_staff)
    back = f"/console/applications/postings/{posting.pk}/"
    url = f"/console/applications/{application.pk}/move/"

    asked = client.post(url, {"state": "declined", "next": back})

    page = asked.content.decode()
    assert "谭小梅 报名的“锂电池厂普工”将标为“未录用”" in page
    assert f'href="{back}"' in page
    application.refresh_from_db()
    assert application.state == "recommended"

    done = client.post(url, {"state": "declined", "next": back, "confirmed": "yes"})
    assert done["Location"] == back
    application.refresh_from_db()
    assert application.state == "declined"


def test_a_forward_move_needs_no_confirmation(client, liuyang_staff, workers):
    application = recommended(liuyang_staff, workers[0], JobPostingFactory())
    client.force_login(liuyang_staff)

    response = client.post(f"/console/applications/{application.pk}/move/", {"state": "intention"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "intention"


def test_the_confirmation_page_for_an_application_outside_the_scope_is_not_found(
    client, regions, liuyang_staff, workers
):
    application = recommended(liuyang_staff, workers[0], JobPostingFactory())
    client.force_login(UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="431322")))

    response = client.post(f"/console/applications/{application.pk}/move/", {"state": "declined"})

    assert response.status_code == 404
