"""The booking path after its rewrite into one statement (transport/services/booking.py): idempotent retries
answered by the unique index, waiting-list positions, seats freed by cancellations, messages left to the sweep."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import ApplicationError
from core.notifications.models import Channel, OutboxMessage, Status
from core.notifications.services import OPTED_OUT_REASON, notification_preference_set, outbox_dispatch
from tests.factories import TripFactory
from transport.models import Booking, BookingStatus, TripStatus
from transport.services import booking_cancel, booking_create, trip_cancel, trip_close

pytestmark = [pytest.mark.django_db, pytest.mark.twins]


def _rows(worker, template):
    return OutboxMessage.objects.filter(recipient=worker.user, template=template)


def test_a_retry_with_the_same_idempotency_key_returns_the_first_booking_and_changes_nothing(trip, make_worker):
    worker = make_worker()

    first, created = booking_create(trip_id=trip.pk, worker=worker, idempotency_key="tap-1")
    retry, created_again = booking_create(trip_id=trip.pk, worker=worker, idempotency_key="tap-1")

    assert (created, created_again) == (True, False)
    assert retry.pk == first.pk
    trip.refresh_from_db()
    assert (trip.taken, trip.seats_issued) == (1, 1)
    assert Booking.objects.filter(trip=trip).count() == 1
    assert _rows(worker, "trip_booking_confirmed").count() == 2


def test_a_retry_returns_the_first_booking_even_once_the_trip_is_full_or_closed(regions, make_worker, dispatcher):
    trip = TripFactory(capacity=1)
    worker = make_worker()
    first, _ = booking_create(trip_id=trip.pk, worker=worker, idempotency_key="tap-1")

    when_full, _ = booking_create(trip_id=trip.pk, worker=worker, idempotency_key="tap-1")
    trip_close(actor=dispatcher, trip_id=trip.pk)
    when_closed, created = booking_create(trip_id=trip.pk, worker=worker, idempotency_key="tap-1")

    assert when_full.pk == when_closed.pk == first.pk
    assert created is False
    assert Booking.objects.filter(trip=trip).count() == 1


def test_a_new_key_on_a_booked_trip_is_refused_with_the_message_and_takes_no_seat(trip, make_worker):
    worker = make_worker()
    booking_create(trip_id=trip.pk, worker=worker, idempotency_key="tap-1")

    with pytest.raises(ApplicationError, match="已预约过"):
        booking_create(trip_id=trip.pk, worker=worker, idempotency_key="tap-2")

    trip.refresh_from_db()
    assert (trip.taken, trip.seats_issued) == (1, 1)


def test_waitlisted_bookings_learn_their_place_in_line_in_order_in_the_answer_and_the_message(regions, make_worker):
    trip = TripFactory(capacity=1)
    booking_create(trip_id=trip.pk, worker=make_worker())

    waiting = [booking_create(trip_id=trip.pk, worker=make_worker())[0] for _ in range(3)]

    assert [booking.status for booking in waiting] == [BookingStatus.WAITLISTED] * 3
    assert [booking.position for booking in waiting] == [1, 2, 3]
    texts = [_rows(booking.worker, "trip_waitlisted").get(channel=Channel.INBOX).text for booking in waiting]
    assert ["第1位" in texts[0], "第2位" in texts[1], "第3位" in texts[2]] == [True, True, True]
    assert [booking.pk for booking in waiting] == sorted(booking.pk for booking in waiting)


def test_the_booking_returned_is_the_row_written(trip, make_worker):
    booking, _ = booking_create(trip_id=trip.pk, worker=make_worker(), idempotency_key="tap-1")

    stored = Booking.objects.get(pk=booking.pk)
    fields = ("status", "seat_number", "code", "idempotency_key", "trip_departs_at", "trip_arrives_at", "worker_id")
    assert [getattr(booking, name) for name in fields] == [getattr(stored, name) for name in fields]
    assert stored.checks_passed == []


def test_a_seat_freed_with_nobody_waiting_goes_to_the_next_booking_then_numbering_carries_on(regions, make_worker):
    trip = TripFactory(capacity=4)
    seated = [booking_create(trip_id=trip.pk, worker=make_worker())[0] for _ in range(3)]
    booking_cancel(booking_id=seated[1].pk, actor=seated[1].worker.user)

    into_the_gap = booking_create(trip_id=trip.pk, worker=make_worker())[0]
    after_it = booking_create(trip_id=trip.pk, worker=make_worker())[0]
    full = booking_create(trip_id=trip.pk, worker=make_worker())[0]

    assert (into_the_gap.seat_number, after_it.seat_number) == (2, 4)
    assert full.status == BookingStatus.WAITLISTED
    trip.refresh_from_db()
    assert (trip.taken, trip.seats_issued) == (4, 4)


def test_a_cancelled_trip_starts_its_seat_numbers_again(regions, make_worker, dispatcher):
    trip = TripFactory(capacity=2)
    booking_create(trip_id=trip.pk, worker=make_worker())

    trip_cancel(actor=dispatcher, trip_id=trip.pk)

    trip.refresh_from_db()
    assert (trip.status, trip.taken, trip.seats_issued) == (TripStatus.CANCELLED, 0, 0)


def test_the_booking_sms_waits_for_the_outbox_dispatch_which_enqueues_it(trip, make_worker):
    worker = make_worker()

    booking_create(trip_id=trip.pk, worker=worker)

    sms = _rows(worker, "trip_booking_confirmed").get(channel=Channel.SMS)
    inbox = _rows(worker, "trip_booking_confirmed").get(channel=Channel.INBOX)
    assert (sms.status, sms.enqueued_at, sms.phone) == (Status.QUEUED, None, worker.user.phone)
    assert "座位1号" in sms.text
    assert sms.params["seat"] == "1"
    assert (inbox.status, inbox.sent_at is not None) == (Status.SENT, True)
    assert outbox_dispatch()["enqueued"] >= 1
    sms.refresh_from_db()
    assert sms.enqueued_at is not None


def test_a_worker_who_turned_sms_off_gets_the_inbox_message_and_no_sms(trip, make_worker):
    worker = make_worker()
    notification_preference_set(user=worker.user, sms_enabled=False)

    booking_create(trip_id=trip.pk, worker=worker)

    sms = _rows(worker, "trip_booking_confirmed").get(channel=Channel.SMS)
    assert (sms.status, sms.last_error) == (Status.CANCELLED, OPTED_OUT_REASON)
    assert _rows(worker, "trip_booking_confirmed").get(channel=Channel.INBOX).status == Status.SENT


@pytest.mark.postgresql
def test_a_booking_on_postgresql_reads_the_trip_then_claims_books_and_writes_its_messages_in_one_prepared_statement(
    trip, make_worker
):
    first, worker = make_worker(), make_worker()
    assert connection.vendor == "postgresql"

    # The first booking on a connection prepares the statement (earlier tests may have done it on this one).
    booking_create(trip_id=trip.pk, worker=first, idempotency_key="tap-1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'chunfeng_%%'")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("UPDATE transport_trip" in sql and "INSERT INTO notifications_outboxmessage" in sql for sql in prepared)

    with CaptureQueriesContext(connection) as queries:
        booking_create(trip_id=trip.pk, worker=worker, idempotency_key="tap-1")

    # The trip, then the one statement (in a test, inside the test's transaction, between a savepoint and its release).
    statements = [query["sql"] for query in queries.captured_queries if "SAVEPOINT" not in query["sql"]]
    assert len(statements) == 2
    assert statements[1].startswith("EXECUTE chunfeng_")
    assert _rows(worker, "trip_booking_confirmed").count() == 2
    assert not _rows(worker, "trip_waitlisted").exists()


def test_a_waitlisted_booking_message_written_by_the_statement_tells_its_place(regions, make_worker):
    trip = TripFactory(capacity=1)
    booking_create(trip_id=trip.pk, worker=make_worker())
    second, third = make_worker(), make_worker()
    notification_preference_set(user=third.user, sms_enabled=False)

    booking_create(trip_id=trip.pk, worker=second)
    booking_create(trip_id=trip.pk, worker=third)

    for worker, place in ((second, "1"), (third, "2")):
        inbox = _rows(worker, "trip_waitlisted").get(channel=Channel.INBOX)
        assert f"候补第{place}位" in inbox.text
        assert inbox.params["position"] == place
        assert not _rows(worker, "trip_booking_confirmed").exists()
    sms = _rows(third, "trip_waitlisted").get(channel=Channel.SMS)
    assert (sms.status, sms.last_error, sms.params["position"]) == (Status.CANCELLED, OPTED_OUT_REASON, "2")
