import pytest
from rest_framework.test import APIClient

from core.accounts.models import Role
from tests.factories import EmployerFactory, TripFactory, UserFactory
from transport.models import Booking, BookingStatus
from transport.services import booking_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_it_lists_open_trips_filtered_by_origin_county(api, regions):
    xinhua = TripFactory()
    TripFactory(origin_county_id="433126")

    response = api.get("/api/v1/trips/", {"origin_county": "431322", "destination": "4301"})

    assert [trip["id"] for trip in response.json()] == [xinhua.pk]


def test_booking_answers_confirmed_then_the_same_key_returns_the_same_booking(api, trip, make_worker):
    worker = make_worker()
    api.force_authenticate(worker.user)

    first = api.post(f"/api/v1/trips/{trip.pk}/bookings/", {}, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    retry = api.post(f"/api/v1/trips/{trip.pk}/bookings/", {}, format="json", HTTP_IDEMPOTENCY_KEY="abc")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["status"] == "confirmed"
    assert first.json()["id"] == retry.json()["id"]
    assert Booking.objects.count() == 1


def test_booking_a_full_trip_answers_waitlisted_with_the_position(api, regions, make_worker):
    trip = TripFactory(capacity=1)
    booking_create(trip_id=trip.pk, worker=make_worker())
    worker = make_worker()
    api.force_authenticate(worker.user)

    response = api.post(f"/api/v1/trips/{trip.pk}/bookings/", {}, format="json")

    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 1


def test_a_refused_booking_answers_a_chinese_message(api, regions, make_worker):
    trip = TripFactory(status="closed")
    api.force_authenticate(make_worker().user)

    response = api.post(f"/api/v1/trips/{trip.pk}/bookings/", {}, format="json")

    assert response.status_code == 400
    assert "不接受预约" in response.json()["error"]["message"]


def test_a_worker_cancels_their_booking(api, trip, make_worker):
    worker = make_worker()
    booking, _ = booking_create(trip_id=trip.pk, worker=worker)
    api.force_authenticate(worker.user)

    response = api.delete(f"/api/v1/bookings/{booking.pk}/")

    booking.refresh_from_db()
    assert response.status_code == 200
    assert booking.status == BookingStatus.CANCELLED


def test_boarding_is_for_staff_of_the_trips_region(api, regions, trip, make_worker, dispatcher):
    worker = make_worker()
    booking, _ = booking_create(trip_id=trip.pk, worker=worker)
    stranger = UserFactory(role=Role.DISPATCHER, region=regions.get(code="433126"))

    api.force_authenticate(worker.user)
    assert api.post(f"/api/v1/bookings/{booking.code}/board/", {}, format="json").status_code == 403
    api.force_authenticate(stranger)
    assert api.post(f"/api/v1/bookings/{booking.code}/board/", {}, format="json").status_code == 404
    api.force_authenticate(dispatcher)
    first = api.post(f"/api/v1/bookings/{booking.code}/board/", {}, format="json")
    second = api.post(f"/api/v1/bookings/{booking.code}/board/", {}, format="json")

    assert (first.json()["outcome"], second.json()["outcome"]) == ("boarded", "already_boarded")


def test_the_trip_endpoints_are_in_the_openapi_schema(api, db):
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    assert {"/api/v1/trips/", "/api/v1/trips/{trip_id}/bookings/", "/api/v1/bookings/{booking_id}/"} <= set(paths)
    assert "/api/v1/bookings/{code}/board/" in paths


def test_booking_a_trip_that_does_not_exist_answers_404(api, regions, make_worker):
    api.force_authenticate(make_worker().user)

    response = api.post("/api/v1/trips/999999999/bookings/", {}, format="json")

    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "找不到这趟车。", "fields": {}}


def test_booking_the_same_trip_twice_answers_409_conflict(api, trip, make_worker):
    worker = make_worker()
    booking_create(trip_id=trip.pk, worker=worker)
    api.force_authenticate(worker.user)

    response = api.post(f"/api/v1/trips/{trip.pk}/bookings/", {}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert Booking.objects.count() == 1


def test_a_job_seeker_without_a_worker_record_is_told_to_register_before_booking(api, trip):
    seeker = UserFactory(role=Role.JOB_SEEKER, phone="13700000091", username="13700000091")
    api.force_authenticate(seeker)

    response = api.post(f"/api/v1/trips/{trip.pk}/bookings/", {}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["message"] == "请先登记务工信息。"
    assert not Booking.objects.exists()


@pytest.mark.parametrize("employer", ["abc", "999999999", "-1"])
def test_an_unknown_employer_filter_is_refused_not_ignored(api, trip, employer):
    response = api.get("/api/v1/trips/", {"employer": employer})

    assert response.status_code == 400
    assert "employer" in response.json()["error"]["fields"]


def test_the_trip_list_filters_by_a_known_employer(api, regions):
    wanted = TripFactory(destination_employer=EmployerFactory())
    TripFactory(destination_employer=EmployerFactory())

    response = api.get("/api/v1/trips/", {"employer": wanted.destination_employer_id})

    assert [trip["id"] for trip in response.json()] == [wanted.pk]


def test_empty_trip_filters_mean_no_filter(api, trip):
    response = api.get("/api/v1/trips/", {"origin_county": "", "destination": ""})

    assert [row["id"] for row in response.json()] == [trip.pk]
