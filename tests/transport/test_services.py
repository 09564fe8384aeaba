from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from core.accounts.models import Role
from core.errors import ApplicationError
from core.notifications.models import OutboxMessage
from tests.factories import TripFactory, UserFactory
from transport.models import BoardingCheck, BoardingOutcome, BoardingScan, Booking, BookingStatus, TripStatus
from transport.services import (
    booking_accept_offer,
    booking_board,
    booking_cancel,
    booking_create,
    offers_expire,
    trip_arrive,
    trip_cancel,
    trip_close,
    trip_depart,
    trip_reminders_send,
)

pytestmark = [pytest.mark.django_db, pytest.mark.twins]


def _messages(worker, template):
    return OutboxMessage.objects.filter(recipient=worker.user, template=template)


def _book(trip, worker):
    booking, _ = booking_create(trip_id=trip.pk, worker=worker)
    return booking


def test_it_confirms_with_a_seat_and_a_code_and_messages_the_worker(trip, make_worker):
    worker = make_worker()

    booking = _book(trip, worker)

    assert booking.status == BookingStatus.CONFIRMED
    assert booking.seat_number == 1
    assert len(booking.code) == 8
    assert {row.channel for row in _messages(worker, "trip_booking_confirmed")} == {"sms", "inbox"}


def test_a_full_trip_puts_the_next_workers_on_the_waiting_list_in_order(regions, make_worker):
    trip = TripFactory(capacity=1)
    _book(trip, make_worker())

    second, third = _book(trip, make_worker()), _book(trip, make_worker())

    assert (second.status, third.status) == (BookingStatus.WAITLISTED, BookingStatus.WAITLISTED)
    assert second.seat_number is None
    assert "第2位" in _messages(third.worker, "trip_waitlisted").get(channel="inbox").text


def test_cancelling_frees_the_seat_and_offers_it_to_the_first_in_line(regions, make_worker):
    trip = TripFactory(capacity=1)
    first = _book(trip, make_worker())
    second, third = _book(trip, make_worker()), _book(trip, make_worker())

    booking_cancel(booking_id=first.pk, actor=first.worker.user)

    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.status == BookingStatus.CANCELLED
    assert first.seat_number is None
    assert second.seat_number == 1
    assert second.offer_expires_at is not None
    assert third.offer_expires_at is None
    assert _messages(second.worker, "trip_seat_offer").filter(channel="sms").exists()
    trip.refresh_from_db()
    assert trip.taken == 1


def test_an_accepted_offer_confirms_the_seat(regions, make_worker):
    trip = TripFactory(capacity=1)
    first = _book(trip, make_worker())
    second = _book(trip, make_worker())
    booking_cancel(booking_id=first.pk, actor=first.worker.user)

    booking_accept_offer(booking_id=second.pk, worker=second.worker)

    second.refresh_from_db()
    assert (second.status, second.seat_number, second.offer_expires_at) == (BookingStatus.CONFIRMED, 1, None)


def test_an_offer_not_taken_in_time_passes_to_the_next_in_line(regions, make_worker):
    trip = TripFactory(capacity=1)
    first = _book(trip, make_worker())
    second, third = _book(trip, make_worker()), _book(trip, make_worker())
    booking_cancel(booking_id=first.pk, actor=first.worker.user)
    second.refresh_from_db()

    assert offers_expire(now=second.offer_expires_at - timedelta(seconds=1)) == 0
    assert offers_expire(now=second.offer_expires_at) == 1

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == BookingStatus.CANCELLED
    assert (third.seat_number, third.offer_expires_at is not None) == (1, True)
    with pytest.raises(ApplicationError):
        booking_accept_offer(booking_id=second.pk, worker=second.worker)


def test_a_worker_cannot_accept_an_offer_after_its_deadline(regions, make_worker, settings):
    settings.TRANSPORT_OFFER_MINUTES = 0
    trip = TripFactory(capacity=1)
    first, second = _book(trip, make_worker()), _book(trip, make_worker())
    booking_cancel(booking_id=first.pk, actor=first.worker.user)

    with pytest.raises(ApplicationError, match="过期"):
        booking_accept_offer(booking_id=second.pk, worker=second.worker)


def test_a_worker_cannot_cancel_someone_elses_booking(trip, make_worker):
    booking = _book(trip, make_worker())

    with pytest.raises(ApplicationError):
        booking_cancel(booking_id=booking.pk, actor=make_worker().user)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_cancelling_the_trip_cancels_and_notifies_every_passenger(regions, make_worker, dispatcher):
    trip = TripFactory(capacity=1)
    seated, waiting = _book(trip, make_worker()), _book(trip, make_worker())

    trip_cancel(actor=dispatcher, trip_id=trip.pk)

    trip.refresh_from_db()
    assert (trip.status, trip.taken) == (TripStatus.CANCELLED, 0)
    assert set(Booking.objects.filter(trip=trip).values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    for booking in (seated, waiting):
        assert _messages(booking.worker, "trip_cancelled").filter(channel="sms").exists()


def test_closing_the_trip_tells_passengers_where_to_meet_and_ends_the_waiting_list(regions, make_worker, dispatcher):
    trip = TripFactory(capacity=1)
    seated, waiting = _book(trip, make_worker()), _book(trip, make_worker())

    trip_close(actor=dispatcher, trip_id=trip.pk)

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.CANCELLED
    assert _messages(seated.worker, "trip_closed").exists()
    assert _messages(waiting.worker, "trip_waitlist_ended").exists()
    with pytest.raises(ApplicationError, match="不接受预约"):
        _book(trip, make_worker())


def test_one_worker_cannot_book_the_same_trip_twice(trip, make_worker):
    worker = make_worker()
    _book(trip, worker)

    with pytest.raises(ApplicationError, match="已预约过"):
        _book(trip, worker)
    trip.refresh_from_db()
    assert trip.taken == 1


def test_one_worker_cannot_hold_bookings_on_two_trips_that_overlap(regions, make_worker):
    worker = make_worker()
    morning = TripFactory()
    overlapping = TripFactory(departs_at=morning.departs_at + timedelta(hours=2))
    next_day = TripFactory(departs_at=morning.departs_at + timedelta(days=1))
    _book(morning, worker)

    with pytest.raises(ApplicationError, match="时间重叠"):
        _book(overlapping, worker)
    overlapping.refresh_from_db()
    assert overlapping.taken == 0
    assert _book(next_day, worker).status == BookingStatus.CONFIRMED


@pytest.mark.postgresql
def test_the_database_refuses_overlapping_active_bookings_even_without_the_service(regions, make_worker):
    worker = make_worker()
    first = _book(TripFactory(), worker)
    other = TripFactory(departs_at=first.trip.departs_at + timedelta(minutes=30))

    with pytest.raises(IntegrityError):
        Booking.objects.create(
            trip=other,
            worker=worker,
            status=BookingStatus.WAITLISTED,
            code="ZZZZ2345",
            trip_departs_at=other.departs_at,
            trip_arrives_at=other.arrives_at,
        )


def test_booking_is_refused_before_the_window_opens_and_after_it_closes(regions, make_worker):
    now = timezone.now()
    not_yet = TripFactory(booking_opens_at=now + timedelta(hours=1))
    too_late = TripFactory(booking_opens_at=now - timedelta(days=2), booking_closes_at=now - timedelta(minutes=1))

    with pytest.raises(ApplicationError, match="开始"):
        _book(not_yet, make_worker())
    with pytest.raises(ApplicationError, match="截止"):
        _book(too_late, make_worker())
    assert not Booking.objects.exists()


def test_a_draft_trip_cannot_be_booked(regions, make_worker):
    with pytest.raises(ApplicationError):
        _book(TripFactory(status=TripStatus.DRAFT), make_worker())


def test_a_second_scan_says_when_they_boarded_and_changes_nothing(trip, make_worker, dispatcher):
    booking = _book(trip, make_worker())

    first = booking_board(actor=dispatcher, trip_id=trip.pk, query=booking.code.lower())
    booking.refresh_from_db()
    boarded_at = booking.boarded_at
    second = booking_board(actor=dispatcher, trip_id=trip.pk, query=booking.code)

    booking.refresh_from_db()
    assert first.outcome == BoardingOutcome.BOARDED
    assert second.outcome == BoardingOutcome.ALREADY_BOARDED
    assert f"已于{timezone.localtime(boarded_at):%H:%M}上车" in second.message
    assert booking.boarded_at == boarded_at
    assert BoardingScan.objects.filter(booking=booking).count() == 2


def test_boarding_finds_the_passenger_by_phone_number(trip, make_worker, dispatcher):
    booking = _book(trip, make_worker())

    scan = booking_board(actor=dispatcher, trip_id=trip.pk, query=booking.worker.user.phone)

    assert scan.outcome == BoardingOutcome.BOARDED
    assert scan.booking == booking


def test_an_unknown_code_is_logged_and_boards_nobody(trip, make_worker, dispatcher):
    _book(trip, make_worker())

    scan = booking_board(actor=dispatcher, trip_id=trip.pk, query="NOPE2345")

    assert scan.outcome == BoardingOutcome.NOT_FOUND
    assert not Booking.objects.filter(status=BookingStatus.BOARDED).exists()


def test_boarding_waits_for_the_trips_pre_boarding_checks(regions, make_worker, dispatcher):
    trip = TripFactory(boarding_checks=[BoardingCheck.ID_VERIFIED, BoardingCheck.HEALTH_DECLARATION])
    booking = _book(trip, make_worker())

    refused = booking_board(actor=dispatcher, trip_id=trip.pk, query=booking.code, checks=[BoardingCheck.ID_VERIFIED])
    boarded = booking_board(
        actor=dispatcher,
        trip_id=trip.pk,
        query=booking.code,
        checks=[BoardingCheck.ID_VERIFIED, BoardingCheck.HEALTH_DECLARATION],
    )

    assert refused.outcome == BoardingOutcome.REFUSED
    assert "健康申报" in refused.message
    assert boarded.outcome == BoardingOutcome.BOARDED


def test_departure_marks_the_passengers_who_did_not_board_as_no_shows(regions, make_worker, dispatcher):
    trip = TripFactory(capacity=2)
    rider, absent, waiting = _book(trip, make_worker()), _book(trip, make_worker()), _book(trip, make_worker())
    booking_board(actor=dispatcher, trip_id=trip.pk, query=rider.code)

    _, no_shows = trip_depart(actor=dispatcher, trip_id=trip.pk)
    trip_arrive(actor=dispatcher, trip_id=trip.pk)

    statuses = dict(Booking.objects.filter(trip=trip).values_list("pk", "status"))
    assert no_shows == 1
    assert statuses == {
        rider.pk: BookingStatus.BOARDED,
        absent.pk: BookingStatus.NO_SHOW,
        waiting.pk: BookingStatus.CANCELLED,
    }
    trip.refresh_from_db()
    assert trip.status == TripStatus.ARRIVED
    assert trip.arrived_at is not None


def test_each_reminder_goes_once_even_if_beat_runs_twice(regions, make_worker):
    trip = TripFactory(departs_in=timedelta(hours=20))
    booking = _book(trip, make_worker())

    assert trip_reminders_send() == 1
    assert trip_reminders_send() == 0
    assert trip_reminders_send(now=trip.departs_at - timedelta(hours=1)) == 1
    assert trip_reminders_send(now=trip.departs_at - timedelta(hours=1)) == 0

    assert _messages(booking.worker, "trip_reminder_24h").filter(channel="sms").count() == 1
    assert _messages(booking.worker, "trip_departure").filter(channel="sms").count() == 1


def test_reminders_skip_waitlisted_and_cancelled_bookings(regions, make_worker):
    trip = TripFactory(capacity=1, departs_in=timedelta(hours=20))
    seated = _book(trip, make_worker())
    _book(trip, make_worker())
    booking_cancel(booking_id=seated.pk, actor=seated.worker.user)

    assert trip_reminders_send() == 0


def test_a_dispatcher_cannot_change_a_trip_of_another_county(regions):
    guzhang = UserFactory(role=Role.DISPATCHER, region=regions.get(code="433126"))
    trip = TripFactory()

    with pytest.raises(ApplicationError):
        trip_cancel(actor=guzhang, trip_id=trip.pk)
    trip.refresh_from_db()
    assert trip.status == TripStatus.OPEN


def test_departure_gives_back_the_seat_held_by_an_open_offer(regions, make_worker, dispatcher):
    trip = TripFactory(capacity=1)
    first, offered = _book(trip, make_worker()), _book(trip, make_worker())
    booking_cancel(booking_id=first.pk, actor=first.worker.user)

    trip_depart(actor=dispatcher, trip_id=trip.pk)

    offered.refresh_from_db()
    trip.refresh_from_db()
    assert (offered.status, offered.seat_number) == (BookingStatus.CANCELLED, None)
    assert trip.taken == 0


def test_boarding_refuses_an_unknown_check_and_boards_nobody(trip, make_worker, dispatcher):
    booking = _book(trip, make_worker())

    with pytest.raises(ApplicationError, match="未知的上车前核验"):
        booking_board(actor=dispatcher, trip_id=trip.pk, query=booking.code, checks=["temperature_taken"])

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not BoardingScan.objects.exists()
