from datetime import timedelta

import pytest
from django.utils import timezone

from core.accounts.models import Role
from core.privacy.models import AuditAction, AuditLog
from jobs.models import CooperationAgreement
from tests.factories import TripFactory, UserFactory
from transport.models import Booking, BookingStatus, Trip, TripStatus
from transport.services import booking_create

pytestmark = pytest.mark.django_db


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_dispatcher_lists_and_opens_only_trips_of_their_region(client, regions, dispatcher):
    own = TripFactory()
    other = TripFactory(origin_county_id="433126")
    client.force_login(dispatcher)

    page = client.get("/console/trips/")

    assert own.service_number in page.text
    assert other.service_number not in page.text
    assert client.get(f"/console/trips/{own.pk}/").status_code == 200
    assert client.get(f"/console/trips/{other.pk}/").status_code == 404
    assert client.post(f"/console/trips/{other.pk}/cancel/").status_code == 404
    other.refresh_from_db()
    assert other.status == TripStatus.OPEN


def test_a_city_dispatcher_sees_the_trips_of_every_county_below(client, regions):
    loudi = UserFactory(role=Role.DISPATCHER, region=regions.get(code="431300"))
    xinhua_trip, guzhang_trip = TripFactory(), TripFactory(origin_county_id="433126")
    client.force_login(loudi)

    page = client.get("/console/trips/")

    assert xinhua_trip.service_number in page.text
    assert guzhang_trip.service_number not in page.text


def _new_trip_form(departs, **fields):
    return {
        "mode": "train",
        "service_number": "G6173 5号车厢",
        "origin_county": "431322",
        "destination_region": "430181",
        "destination_address": "浏阳经开区",
        "departs_at": _local(departs),
        "arrives_at": _local(departs + timedelta(hours=3)),
        "capacity": "90",
        "booking_opens_at": _local(timezone.now()),
        "booking_closes_at": _local(departs - timedelta(hours=2)),
        "who_may_book": "anyone",
        "cost": "free",
        "contact_name": "罗海军",
        "contact_phone": "13907381234",
        "boarding_checks": ["id_verified"],
        "pickup-TOTAL_FORMS": "1",
        "pickup-INITIAL_FORMS": "0",
        "pickup-MIN_NUM_FORMS": "1",
        "pickup-MAX_NUM_FORMS": "10",
        "pickup-0-name": "新化站",
        "pickup-0-address": "新化县上梅镇",
        "pickup-0-meets_at": _local(departs - timedelta(minutes=40)),
        **fields,
    }


def test_a_dispatcher_creates_a_trip_with_a_pickup_point(client, regions, dispatcher):
    client.force_login(dispatcher)
    departs = timezone.now() + timedelta(days=2)

    response = client.post("/console/trips/new/", _new_trip_form(departs))

    trip = Trip.objects.get()
    assert response.status_code == 302
    assert (trip.status, trip.capacity, trip.boarding_checks) == (TripStatus.DRAFT, 90, ["id_verified"])
    assert list(trip.pickup_points.values_list("name", flat=True)) == ["新化站"]


def test_a_dispatcher_cannot_create_a_trip_from_another_county(client, regions, dispatcher):
    client.force_login(dispatcher)

    response = client.post("/console/trips/new/", {"origin_county": "433126", "service_number": "X"})

    assert response.status_code == 400
    assert not Trip.objects.exists()


def test_a_worker_books_from_the_trip_page_and_sees_the_qr_code(client, trip, make_worker):
    worker = make_worker()
    client.force_login(worker.user)

    response = client.post(f"/trips/{trip.pk}/book/", {"idempotency_key": "k1"})
    again = client.post(f"/trips/{trip.pk}/book/", {"idempotency_key": "k1"})
    page = client.get("/me/trips/")

    booking = Booking.objects.get()
    assert (response.status_code, again.status_code) == (302, 302)
    assert booking.status == BookingStatus.CONFIRMED
    assert "<svg" in page.text
    assert booking.code in page.text


def test_the_worker_home_page_links_to_my_bookings(client, make_worker):
    worker = make_worker()
    client.force_login(worker.user)

    assert "/me/trips/" in client.get("/me/").text


def test_the_public_trip_list_shows_open_trips_only(client, regions):
    open_trip = TripFactory()
    draft = TripFactory(status=TripStatus.DRAFT)

    page = client.get("/trips/")

    assert open_trip.service_number in page.text
    assert draft.service_number not in page.text


def test_the_manifest_export_is_audited_and_masks_id_numbers(client, trip, make_worker, dispatcher):
    worker = make_worker()
    booking_create(trip_id=trip.pk, worker=worker)
    client.force_login(dispatcher)

    response = client.post(f"/console/trips/{trip.pk}/manifest.xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    log = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert (log.actor, log.subject, log.detail["rows"]) == (dispatcher, f"trip:{trip.pk}:manifest", 1)
    assert worker.id_number.encode() not in response.content


def test_the_receiving_employer_reads_the_manifest_by_its_link_only(client, trip, make_worker):
    worker = make_worker()
    booking_create(trip_id=trip.pk, worker=worker)

    page = client.get(f"/trips/manifest/{trip.manifest_token}/")
    guessed = client.get("/trips/manifest/guess/")

    assert worker.full_name in page.text
    assert worker.id_number_masked in page.text
    assert worker.user.phone not in page.text
    assert guessed.status_code == 404
    assert len(trip.manifest_token) >= 43


def test_boarding_on_the_dispatchers_page_answers_a_second_scan_with_the_time(client, trip, make_worker, dispatcher):
    booking, _ = booking_create(trip_id=trip.pk, worker=make_worker())
    client.force_login(dispatcher)

    first = client.post(f"/console/trips/{trip.pk}/boarding/", {"query": booking.code})
    second = client.post(f"/console/trips/{trip.pk}/boarding/", {"query": booking.code})

    assert 'data-outcome="boarded"' in first.text
    assert 'data-outcome="already_boarded"' in second.text
    assert "已于" in second.text


def test_the_dispatchers_page_shows_figures_per_county_and_campaign(client, trip, make_worker, dispatcher):
    booking_create(trip_id=trip.pk, worker=make_worker())
    client.force_login(dispatcher)

    figures = client.get("/console/trips/").context["figures"]

    assert figures == [
        {"county": "新化县", "campaign": "", "trips": 1, "seats": 50, "booked": 1, "boarded": 0, "transported": 0}
    ]


def test_a_waitlisted_worker_accepts_the_offered_seat_and_the_first_cancels_from_my_bookings(
    client, regions, make_worker
):
    trip = TripFactory(capacity=1)
    first, _ = booking_create(trip_id=trip.pk, worker=make_worker())
    second, _ = booking_create(trip_id=trip.pk, worker=make_worker())

    client.force_login(first.worker.user)
    client.post(f"/me/trips/{first.pk}/cancel/")
    client.force_login(second.worker.user)
    page = client.get("/me/trips/")
    client.post(f"/me/trips/{second.pk}/accept/")

    first.refresh_from_db()
    second.refresh_from_db()
    assert "确认座位" in page.text
    assert first.status == BookingStatus.CANCELLED
    assert (second.status, second.seat_number) == (BookingStatus.CONFIRMED, 1)


def test_the_dispatchers_trip_pages_render_for_their_own_trip(client, trip, make_worker, dispatcher):
    booking_create(trip_id=trip.pk, worker=make_worker())
    client.force_login(dispatcher)

    for url in ("/console/trips/new/", f"/console/trips/{trip.pk}/edit/", f"/console/trips/{trip.pk}/manifest/"):
        assert client.get(url).status_code == 200, url
    boarding = client.get(f"/console/trips/{trip.pk}/boarding/")
    assert "boarding-scan.js" in boarding.text


def _agreement(sending, receiving):
    today = timezone.localdate()
    return CooperationAgreement.objects.create(
        title=f"{sending}-{receiving}",
        sending_region_id=sending,
        receiving_region_id=receiving,
        signed_on=today,
        term_start=today,
        term_end=today + timedelta(days=365),
        target_people=100,
    )


def test_a_trip_is_attributed_to_a_cooperation_agreement_of_the_dispatchers_region_only(client, regions, dispatcher):
    ours = _agreement("431322", "430181")
    others = _agreement("433126", "430181")
    client.force_login(dispatcher)
    departs = timezone.now() + timedelta(days=2)

    refused = client.post("/console/trips/new/", _new_trip_form(departs, agreement=str(others.pk)))
    assert refused.status_code == 400
    assert not Trip.objects.exists()

    client.post("/console/trips/new/", _new_trip_form(departs, agreement=str(ours.pk)))
    assert Trip.objects.get().agreement == ours
