"""Booking a seat, cancelling it, taking a seat offered from the waiting list, offers lapsing (docs/transport.md).

`booking_create` is the path a rush goes through (POST /api/v1/trips/{id}/bookings/, the trip page, and
benchmarks/booking.py). On PostgreSQL the seat claim, the booking's INSERT and its messages are one autocommit
statement: the conditional UPDATE of the trip's counters holds the trip's row lock until that statement commits,
so concurrent claims on one trip queue behind it and each re-checks `taken < capacity` on the row version it
finally gets; the seat number comes from that same row (see transport/services/seats.py), never from a read made
before the lock. Nothing is read first and written later, which is what lets 1,000 simultaneous requests give
out exactly 50 seats. The statement is prepared once per connection (core/prepared.py): planning it cost more
than running it.
"""

import secrets
from contextlib import nullcontext
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError
from core.prepared import execute_prepared, model_columns, model_from_row
from core.regions.models import Region
from core.typed_input import parse_object_id
from transport.eligibility import worker_may_book
from transport.models import ACTIVE_BOOKING_STATUSES, Booking, BookingStatus, PickupPoint, Trip, TripStatus
from transport.notifications import booking_message_sql, china_time, trip_notify
from transport.services.seats import (
    booking_not_found,
    booking_release,
    locked_booking,
    seat_claim,
    waitlist_position,
)
from workers.models import Worker

# No 0/O, 1/I/L: booking codes are read aloud and typed on a phone at the bus door.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

_CONSTRAINT_MESSAGES = {
    "booking_one_active_per_worker_and_trip": _("您已预约过这趟车，请在“我的预约”中查看。"),
    "booking_no_overlapping_trips": _("您已预约了时间重叠的另一趟车，请先取消那一趟。"),
}


def booking_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _clashing_rule(*, trip: Trip, worker: Worker) -> str | None:
    """The rule a new booking would break, if any: one active booking per worker and trip, no overlapping trips.

    Asked only on databases without the exclusion constraint (SQLite); PostgreSQL refuses both rules itself and
    booking_create turns the refusal into the same message. Returns the name of the constraint, or None.
    """
    clashing = set(
        Booking.objects.filter(
            worker=worker,
            status__in=ACTIVE_BOOKING_STATUSES,
            trip_departs_at__lt=trip.arrives_at,
            trip_arrives_at__gt=trip.departs_at,
        ).values_list("trip_id", flat=True)
    )
    if trip.pk in clashing:
        return "booking_one_active_per_worker_and_trip"
    return "booking_no_overlapping_trips" if clashing else None


def _idempotent_twin(*, worker: Worker, idempotency_key: str | None) -> Booking | None:
    if not idempotency_key:
        return None
    return Booking.objects.filter(worker=worker, idempotency_key=idempotency_key).first()


def _twin_or_refusal(*, worker: Worker, idempotency_key: str | None, constraint: str | None) -> Booking | None:
    """A retry racing its twin may meet the twin's booking in any rule first: that booking is then the answer.
    Otherwise the rule's message; None when the rule has none."""
    twin = _idempotent_twin(worker=worker, idempotency_key=idempotency_key)
    if twin is None and constraint in _CONSTRAINT_MESSAGES:
        raise ApplicationError(_CONSTRAINT_MESSAGES[constraint], code="conflict")
    return twin


# Every booking request reads its trip once, through a prepared statement (core/prepared.py) and without a
# queryset: compiling the ORM query and building the row cost more than the booking's own statement.
_TRIP_WITH_COUNTY_NAME = f"""
SELECT {model_columns(Trip, "trip")}, county.name
  FROM {Trip._meta.db_table} AS trip JOIN {Region._meta.db_table} AS county ON county.code = trip.origin_county_id
 WHERE trip.id = %(trip)s
"""


def _bookable_trip(trip_id: object, now: datetime, *, booked_by: User | None) -> Trip:
    # Hand-written SQL has no ORM guard for an id past bigint: such an id is a trip that does not exist.
    trip_id = parse_object_id(trip_id)
    row = None
    if trip_id is not None:
        with connection.cursor() as cursor:
            execute_prepared(connection, cursor, _TRIP_WITH_COUNTY_NAME, {"trip": trip_id})
            row = cursor.fetchone()
    trip = None if row is None else model_from_row(connection, Trip, row[:-1])
    # A draft trip is not public: to a worker it is as missing as one that does not exist.
    if row is None or trip is None or (trip.status == TripStatus.DRAFT and booked_by is None):
        raise ApplicationError(_("找不到这趟车。"), code="not_found")
    county_name = row[-1]
    # The messages name the county as the meeting place when no pickup point is chosen.
    trip.origin_county = Region(code=trip.origin_county_id, name=county_name)
    if trip.status != TripStatus.OPEN:
        raise ApplicationError(_("这趟车目前不接受预约（%(status)s）。") % {"status": trip.get_status_display()})
    if now < trip.booking_opens_at:
        raise ApplicationError(_("预约将于%(time)s开始。") % {"time": china_time(trip.booking_opens_at)})
    if now >= trip.booking_closes_at:
        raise ApplicationError(_("预约已于%(time)s截止。") % {"time": china_time(trip.booking_closes_at)})
    return trip


def _pickup_point(trip: Trip, pickup_point_id: int | None) -> PickupPoint | None:
    if not pickup_point_id:
        return None
    point = PickupPoint.objects.filter(pk=pickup_point_id, trip_id=trip.pk).first()
    if point is None:
        raise ApplicationError(_("请选择这趟车的上车点。"), field="pickup_point")
    return point


# The claim, the INSERT and the messages in one statement (PostgreSQL), run on its own in autocommit: the trip's
# row lock is held from the claim to the statement's commit, with no Python and no round trip in between. `claim`
# takes the next seat of a compact trip (see seats.py) under that lock; `outcome` is one row when the booking is
# decided here: confirmed with that seat, or waitlisted because the trip is full. No row (the trip has gaps left by
# cancellations, or changed since this statement's snapshot) inserts nothing and the caller takes the general path.
# The waiting-list position counts the waitlisted bookings this statement can see, which are exactly those that
# came before it. The message rows (core.notifications' message_rows_sql, as more CTEs after `placed`) read the seat
# or the position off `placed`.
_CLAIM_AND_INSERT_CTES = f"""
WITH claim AS (
    UPDATE {Trip._meta.db_table}
       SET taken = taken + 1, seats_issued = seats_issued + 1
     WHERE id = %(trip)s AND status = %(open)s AND taken < capacity AND taken = seats_issued
 RETURNING seats_issued AS seat
), outcome AS (
    SELECT claim.seat FROM (VALUES (1)) AS one (n) LEFT JOIN claim ON true
     WHERE claim.seat IS NOT NULL
        OR EXISTS (SELECT FROM {Trip._meta.db_table} WHERE id = %(trip)s AND status = %(open)s AND taken >= capacity)
), booking AS (
    INSERT INTO {Booking._meta.db_table} (trip_id, worker_id, pickup_point_id, status, seat_number, code,
                                          trip_departs_at, trip_arrives_at, idempotency_key, booked_by_id,
                                          checks_passed, created_at)
    SELECT %(trip)s, %(worker)s, %(pickup_point)s,
           CASE WHEN seat IS NULL THEN %(waitlisted)s ELSE %(confirmed)s END, seat, %(code)s,
           %(departs_at)s, %(arrives_at)s, %(idempotency_key)s, %(booked_by)s, '[]', %(now)s
      FROM outcome
 RETURNING id, seat_number
), placed AS (
    SELECT booking.id, booking.seat_number AS seat,
           CASE WHEN booking.seat_number IS NULL THEN 1 + (
               SELECT count(*) FROM {Booking._meta.db_table} AS waiting
                WHERE waiting.trip_id = %(trip)s AND waiting.status = %(waitlisted)s
                  AND waiting.offer_expires_at IS NULL)
           END AS position
      FROM booking
)"""
_CLAIM_AND_INSERT_RESULT = "SELECT id, seat, position FROM placed"


def _claim_and_insert_statement(message_ctes: list[str]) -> str:
    return "".join([_CLAIM_AND_INSERT_CTES, *(f", {cte}" for cte in message_ctes), "\n", _CLAIM_AND_INSERT_RESULT])


def _claim_and_insert(booking: Booking, *, notify: bool) -> int | bool | None:
    """PostgreSQL's one statement: fills in the booking's id, status and seat and returns its waiting-list position
    (None when confirmed), or returns False when the statement decided nothing."""
    params = {
        "trip": booking.trip_id,
        "worker": booking.worker_id,
        "pickup_point": booking.pickup_point_id,
        "code": booking.code,
        "departs_at": booking.trip_departs_at,
        "arrives_at": booking.trip_arrives_at,
        "idempotency_key": booking.idempotency_key,
        "booked_by": booking.booked_by_id,
        "now": booking.created_at,
        "open": TripStatus.OPEN,
        "confirmed": BookingStatus.CONFIRMED,
        "waitlisted": BookingStatus.WAITLISTED,
    }
    message_ctes = []
    if notify:
        for template, variable, condition in (
            ("trip_booking_confirmed", "seat", "placed.seat IS NOT NULL"),
            ("trip_waitlisted", "position", "placed.seat IS NULL"),
        ):
            rows = booking_message_sql(
                booking=booking,
                template=template,
                sql_context={variable: f"placed.{variable}"},
                source="placed",
                condition=condition,
            )
            message_ctes.append(rows.as_cte(template))
            params.update(rows.params)
    # Inside a caller's transaction a refusal must not break it: a savepoint then; on its own, autocommit.
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
        execute_prepared(connection, cursor, _claim_and_insert_statement(message_ctes), params)
        row = cursor.fetchone()
    if row is None:
        return False
    booking.pk, booking.seat_number, position = row
    booking.status = BookingStatus.CONFIRMED if booking.seat_number else BookingStatus.WAITLISTED
    booking._state.adding = False
    booking._state.db = connection.alias
    return position


def _claim_then_insert(booking: Booking) -> int | None:
    """The general path (SQLite, and a PostgreSQL trip with gaps): claim under the row lock, then INSERT."""
    booking.seat_number = seat_claim(trip_id=booking.trip_id)
    booking.status = BookingStatus.CONFIRMED if booking.seat_number else BookingStatus.WAITLISTED
    booking.save(force_insert=True)
    return None if booking.seat_number else waitlist_position(booking)


def booking_create(
    *,
    trip_id: object,
    worker: Worker,
    booked_by: User | None = None,
    pickup_point_id: int | None = None,
    idempotency_key: str | None = None,
    notify: bool = True,
) -> tuple[Booking, bool]:
    """Book a seat for `worker`: confirmed with a seat while seats remain, else waitlisted in order.

    Returns (booking, created); a waitlisted booking carries its place in line as `booking.position`. A repeated
    request with the same idempotency key returns the first booking, whatever has happened to the trip since: the
    unique index on (worker, key) answers, and only a refused request looks the twin up. The SMS and inbox rows
    are written by the booking's own statement (off that path, in its transaction) and left to the outbox sender,
    which publishes them in batches. `notify=False` only for the demo data.
    """
    idempotency_key = idempotency_key or None
    now = timezone.now()
    try:
        trip = _bookable_trip(trip_id, now, booked_by=booked_by)
        if not worker_may_book(trip=trip, worker=worker):
            raise ApplicationError(_("这趟车只接受指定人员预约。"), code="not_eligible")
        pickup_point = _pickup_point(trip, pickup_point_id)
    except ApplicationError:
        twin = _idempotent_twin(worker=worker, idempotency_key=idempotency_key)
        if twin is None:
            raise
        return twin, False
    on_postgresql = connection.vendor == "postgresql"
    if not on_postgresql:
        # SQLite has no exclusion constraint for the overlap rule: asked here, without its guarantee.
        clash = _clashing_rule(trip=trip, worker=worker)
        if clash:
            twin = _twin_or_refusal(worker=worker, idempotency_key=idempotency_key, constraint=clash)
            assert twin is not None, "every clashing rule has its message, so no twin means a refusal was raised"
            return twin, False
    booking = Booking(
        trip=trip,
        worker=worker,
        pickup_point=pickup_point,
        code=booking_code_new(),
        trip_departs_at=trip.departs_at,
        trip_arrives_at=trip.arrives_at,
        idempotency_key=idempotency_key,
        booked_by=booked_by,
        checks_passed=[],
        created_at=now,
    )
    try:
        position = _claim_and_insert(booking, notify=notify) if on_postgresql else False
        if position is False:
            with transaction.atomic():
                position = _claim_then_insert(booking)
                booking.position = position
                if notify:
                    _booking_notify(booking)
        booking.position = position
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        twin = _twin_or_refusal(worker=worker, idempotency_key=idempotency_key, constraint=constraint)
        if twin is None:
            raise
        return twin, False
    return booking, True


def _booking_notify(booking: Booking) -> None:
    """The general path's messages: the same rows as the one statement's, the seat or the position known by now."""
    if booking.seat_number:
        sql, params = booking_message_sql(booking=booking, template="trip_booking_confirmed")
    else:
        sql, params = booking_message_sql(
            booking=booking, template="trip_waitlisted", context={"position": booking.position}
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def booking_cancel(*, booking_id: int, actor: User) -> Booking:
    """The worker (or staff of the trip's region) cancels: the seat is freed and offered to the first in line."""
    booking = locked_booking(booking_id)
    if not booking_is_own_or_in_scope(booking=booking, user=actor):
        raise booking_not_found()
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED):
        raise ApplicationError(_("这个预约已是“%(status)s”，不能取消。") % {"status": booking.get_status_display()})
    if booking.trip.status not in (TripStatus.OPEN, TripStatus.CLOSED):
        raise ApplicationError(_("这趟车已发车，不能再取消。"))
    booking_release(booking, now=timezone.now())
    return booking


def booking_is_own_or_in_scope(*, booking: Booking, user: User) -> bool:
    if booking.worker.user_id == user.pk:
        return True
    return user.is_console_user and user_can_access_region(user, booking.trip.origin_county_id)


@transaction.atomic
def booking_accept_offer(*, booking_id: int, worker: Worker) -> Booking:
    """The waitlisted worker takes the seat offered to them before its deadline."""
    booking = locked_booking(booking_id)
    if booking.worker_id != worker.pk:
        raise booking_not_found()
    if booking.status != BookingStatus.WAITLISTED or booking.offer_expires_at is None:
        raise ApplicationError(_("这个预约没有待确认的座位。"))
    if booking.offer_expires_at <= timezone.now():
        raise ApplicationError(_("座位保留已过期，已让给下一位候补。"))
    booking.status = BookingStatus.CONFIRMED
    booking.offer_expires_at = None
    booking.save(update_fields=["status", "offer_expires_at"])
    trip_notify(bookings=[booking], template="trip_booking_confirmed")
    return booking


def offers_expire(*, now: datetime | None = None) -> int:
    """Offers not taken by their deadline lapse (the booking is cancelled) and the seat passes to the next in line.

    Each booking in its own short transaction, re-checked under its row lock, so a worker accepting at the last
    second and this task never both win. Returns how many offers lapsed.
    """
    now = now or timezone.now()
    lapsed = 0
    due = Booking.objects.filter(status=BookingStatus.WAITLISTED, offer_expires_at__lte=now).values_list(
        "pk", flat=True
    )
    for booking_id in list(due):
        with transaction.atomic():
            booking = locked_booking(booking_id)
            if booking.status != BookingStatus.WAITLISTED or not booking.offer_expires_at:
                continue
            if booking.offer_expires_at > now:
                continue
            booking_release(booking, now=now)
            lapsed += 1
    return lapsed
