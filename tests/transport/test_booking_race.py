"""The race, proven first: a naive read-then-write booking oversells under parallel requests; the service never does.

Real threads, each with its own PostgreSQL connection, released together by a barrier.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count

from tests.factories import TripFactory, WorkerFactory
from transport.models import HOLDS_SEAT, Booking, BookingStatus, Trip
from transport.services import booking_cancel, booking_code_new, booking_create

PARALLEL_REQUESTS = 24
CAPACITY = 5


def _in_parallel(function, arguments):
    barrier = threading.Barrier(len(arguments), timeout=60)
    errors = []

    def run(argument):
        try:
            barrier.wait()
            function(argument, barrier)
        except Exception as error:  # any failure in a thread must reach the test's assertions
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def naive_booking(trip_id, worker, read_done):
    """What the service must not do: read the free seats, decide, then write what was read plus one."""
    with transaction.atomic():
        taken, capacity, departs_at, arrives_at = (
            Trip.objects.filter(pk=trip_id).values_list("taken", "capacity", "departs_at", "arrives_at").get()
        )
        # Every request reads before any writes: the interleaving that a rush produces by chance.
        read_done.wait()
        confirmed = taken < capacity
        if confirmed:
            Trip.objects.filter(pk=trip_id).update(taken=taken + 1, seats_issued=taken + 1)
        Booking.objects.create(
            trip_id=trip_id,
            worker=worker,
            status=BookingStatus.CONFIRMED if confirmed else BookingStatus.WAITLISTED,
            seat_number=taken + 1 if confirmed else None,
            code=booking_code_new(),
            trip_departs_at=departs_at,
            trip_arrives_at=arrives_at,
        )


@pytest.fixture
def seat_constraint_off():
    """Switch off the database's own last line of defence (one seat per booking) so the naive race can show."""
    constraint = next(c for c in Booking._meta.constraints if c.name == "booking_seat_once")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Booking, constraint)
    yield
    Booking.objects.all().delete()
    with connection.schema_editor() as editor:
        editor.add_constraint(Booking, constraint)


@pytest.mark.django_db(transaction=True)
def test_a_naive_read_then_write_booking_oversells_under_parallel_requests(regions, seat_constraint_off):
    trip = TripFactory(capacity=CAPACITY)
    workers = [WorkerFactory(home_region=regions.get(code="430181102201")) for _ in range(PARALLEL_REQUESTS)]

    _in_parallel(lambda worker, barrier: naive_booking(trip.pk, worker, barrier), workers)

    confirmed = Booking.objects.filter(trip=trip, status=BookingStatus.CONFIRMED).count()
    assert confirmed > CAPACITY


@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_through_the_service_never_exceed_capacity_and_the_rest_wait_in_order(regions):
    trip = TripFactory(capacity=CAPACITY)
    workers = [WorkerFactory(home_region=regions.get(code="430181102201")) for _ in range(PARALLEL_REQUESTS)]

    errors = _in_parallel(lambda worker, barrier: booking_create(trip_id=trip.pk, worker=worker), workers)

    assert errors == []
    trip.refresh_from_db()
    assert trip.taken == CAPACITY
    by_status = dict(Booking.objects.filter(trip=trip).values_list("status").annotate(n=Count("id")))
    assert by_status == {BookingStatus.CONFIRMED: CAPACITY, BookingStatus.WAITLISTED: PARALLEL_REQUESTS - CAPACITY}
    seats = sorted(
        Booking.objects.filter(trip=trip, status=BookingStatus.CONFIRMED).values_list("seat_number", flat=True)
    )
    assert seats == list(range(1, CAPACITY + 1))


@pytest.mark.django_db(transaction=True)
def test_parallel_cancellations_and_bookings_never_give_one_seat_twice_even_without_the_seat_constraint(
    regions, seat_constraint_off
):
    trip = TripFactory(capacity=CAPACITY)
    workers = [WorkerFactory(home_region=regions.get(code="430181102201")) for _ in range(PARALLEL_REQUESTS)]
    seated = [booking_create(trip_id=trip.pk, worker=worker)[0] for worker in workers[:CAPACITY]]
    # Seats 2 and 4 free before the rush, 1 and 3 freed during it: newcomers must fill the gaps one each.
    for booking in (seated[1], seated[3]):
        booking_cancel(booking_id=booking.pk, actor=booking.worker.user)

    def cancel_or_book(request, barrier):
        if isinstance(request, Booking):
            booking_cancel(booking_id=request.pk, actor=request.worker.user)
        else:
            booking_create(trip_id=trip.pk, worker=request)

    errors = _in_parallel(cancel_or_book, [seated[0], seated[2], *workers[CAPACITY:]])

    assert errors == []
    trip.refresh_from_db()
    seats = sorted(Booking.objects.filter(HOLDS_SEAT, trip=trip).values_list("seat_number", flat=True))
    # More newcomers than free seats: every free seat is taken again, each by exactly one booking.
    assert seats == list(range(1, CAPACITY + 1))
    assert trip.taken == CAPACITY


@pytest.mark.django_db(transaction=True)
def test_a_double_click_with_the_same_idempotency_key_makes_one_booking(regions):
    trip = TripFactory(capacity=CAPACITY)
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))
    results = []

    errors = _in_parallel(
        lambda _, barrier: results.append(booking_create(trip_id=trip.pk, worker=worker, idempotency_key="tap-1")),
        range(8),
    )

    assert errors == []
    assert len(results) == 8
    assert Booking.objects.filter(trip=trip).count() == 1
    assert len({booking.pk for booking, _ in results}) == 1
    assert sum(created for _, created in results) == 1
