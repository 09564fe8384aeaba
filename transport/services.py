"""Every change to trips and bookings (docs/transport.md).

The seat claim is one conditional UPDATE of the trip's counter, in the same short transaction as the booking's
INSERT: `taken = taken + 1 ... WHERE taken < capacity`. Concurrent claims queue on the trip's row lock, which the
UPDATE holds until commit, and each re-checks the condition on the row it finally gets, so the counter can never
pass the capacity (and the CHECK constraint would refuse it if it did). No row is read first and written later,
which is what lets 1,000 simultaneous requests give out exactly 50 seats. The same statements run on PostgreSQL
and on SQLite (which locks the whole database for a write instead of the row).
"""

import itertools
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError
from transport.eligibility import worker_may_book
from transport.models import (
    ACTIVE_BOOKING_STATUSES,
    HOLDS_SEAT,
    BoardingCheck,
    BoardingOutcome,
    BoardingScan,
    Booking,
    BookingStatus,
    PickupPoint,
    ReminderKind,
    ReminderSent,
    Trip,
    TripStatus,
)
from transport.notifications import china_time, trip_notify

# No 0/O, 1/I/L: booking codes are read aloud and typed on a phone at the bus door.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

_CONSTRAINT_MESSAGES = {
    "booking_one_active_per_worker_and_trip": _("您已预约过这趟车，请在“我的预约”中查看。"),
    "booking_no_overlapping_trips": _("您已预约了时间重叠的另一趟车，请先取消那一趟。"),
}


def booking_code_new():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _trip_table():
    return Trip._meta.db_table


def seat_claim(*, trip_id):
    """Take one seat of an open trip if any is left: the seat number, or None when the trip is full.

    The seat is the lowest number no seat-holding booking of the trip has, so seats given back are reused first.
    Must run inside the caller's transaction: the UPDATE holds the trip's row lock until it commits, so the claims
    on one trip run one after another and each one's SELECT (a fresh snapshot under READ COMMITTED) sees the
    bookings of those before it. Keep that transaction short. `booking_seat_once` is the database's last word.
    """
    claimed = Trip.objects.filter(pk=trip_id, status=TripStatus.OPEN, taken__lt=F("capacity")).update(
        taken=F("taken") + 1
    )
    if not claimed:
        return None
    held = set(Booking.objects.filter(HOLDS_SEAT, trip_id=trip_id).values_list("seat_number", flat=True))
    # `taken` counts the seat-holding bookings, ours included, so the lowest free number is at most `taken`, which
    # the UPDATE kept within the capacity.
    return next(seat for seat in itertools.count(1) if seat not in held)


def _seat_release(*, trip_id):
    Trip.objects.filter(pk=trip_id).update(taken=F("taken") - 1)


def _clashing_rule(*, trip, worker):
    """The rule a new booking would break, if any: one active booking per worker and trip, no overlapping trips.

    The database refuses both as well (on SQLite only the first: it has no exclusion constraint); checking here
    gives the same clear message everywhere. Returns the name of the database constraint for that rule, or None.
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


def _idempotent_twin(*, worker, idempotency_key):
    if not idempotency_key:
        return None
    return Booking.objects.filter(worker=worker, idempotency_key=idempotency_key).first()


def _twin_or_refusal(*, worker, idempotency_key, constraint):
    """A retry racing its twin may meet the twin's booking in any rule first: that booking is then the answer.
    Otherwise the rule's message; None when the rule has none."""
    twin = _idempotent_twin(worker=worker, idempotency_key=idempotency_key)
    if twin is None and constraint in _CONSTRAINT_MESSAGES:
        raise ApplicationError(_CONSTRAINT_MESSAGES[constraint], code="conflict")
    return twin


def _check_boarding_checks(checks, *, field):
    unknown = set(checks) - set(BoardingCheck.values)
    if unknown:
        raise ApplicationError(
            _("未知的上车前核验：%(checks)s。") % {"checks": "、".join(sorted(unknown))}, field=field
        )


def _bookable_trip(trip_id, now):
    trip = Trip.objects.select_related("origin_county").filter(pk=trip_id).first()
    if trip is None:
        raise ApplicationError(_("找不到这趟车。"), code="not_found")
    if trip.status != TripStatus.OPEN:
        raise ApplicationError(_("这趟车目前不接受预约（%(status)s）。") % {"status": trip.get_status_display()})
    if now < trip.booking_opens_at:
        raise ApplicationError(_("预约将于%(time)s开始。") % {"time": china_time(trip.booking_opens_at)})
    if now >= trip.booking_closes_at:
        raise ApplicationError(_("预约已于%(time)s截止。") % {"time": china_time(trip.booking_closes_at)})
    return trip


def waitlist_position(booking):
    """1 for the first in line: waitlisted bookings without a seat offer, in the order they came."""
    return (
        Booking.objects.filter(
            trip_id=booking.trip_id, status=BookingStatus.WAITLISTED, offer_expires_at__isnull=True, id__lt=booking.id
        ).count()
        + 1
    )


def booking_create(*, trip_id, worker, booked_by=None, pickup_point_id=None, idempotency_key=None, notify=True):
    """Book a seat for `worker`: confirmed with a seat while seats remain, else waitlisted in order.

    Returns (booking, created). A repeated request with the same idempotency key returns the first booking.
    `notify=False` only for the benchmark, which measures the claim rather than the SMS outbox.
    """
    existing = _idempotent_twin(worker=worker, idempotency_key=idempotency_key)
    if existing:
        return existing, False
    now = timezone.now()
    trip = _bookable_trip(trip_id, now)
    if not worker_may_book(trip=trip, worker=worker):
        raise ApplicationError(_("这趟车只接受指定人员预约。"), code="not_eligible")
    if pickup_point_id and not PickupPoint.objects.filter(pk=pickup_point_id, trip_id=trip.pk).exists():
        raise ApplicationError(_("请选择这趟车的上车点。"), field="pickup_point")
    clash = _clashing_rule(trip=trip, worker=worker)
    if clash:
        return _twin_or_refusal(worker=worker, idempotency_key=idempotency_key, constraint=clash), False
    try:
        with transaction.atomic():
            seat = seat_claim(trip_id=trip.pk)
            booking = Booking.objects.create(
                trip=trip,
                worker=worker,
                pickup_point_id=pickup_point_id,
                status=BookingStatus.CONFIRMED if seat else BookingStatus.WAITLISTED,
                seat_number=seat,
                code=booking_code_new(),
                trip_departs_at=trip.departs_at,
                trip_arrives_at=trip.arrives_at,
                idempotency_key=idempotency_key or None,
                booked_by=booked_by,
            )
            if notify:
                if seat:
                    trip_notify(bookings=[booking], template="trip_booking_confirmed")
                else:
                    trip_notify(
                        bookings=[booking], template="trip_waitlisted", context={"position": waitlist_position(booking)}
                    )
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        twin = _twin_or_refusal(worker=worker, idempotency_key=idempotency_key, constraint=constraint)
        if twin is None:
            raise
        return twin, False
    return booking, True


def _offer_free_seats(*, trip_id, now):
    """Give each free seat, in waiting-list order, to the next waitlisted booking as an offer with a deadline."""
    deadline = now + timedelta(minutes=settings.TRANSPORT_OFFER_MINUTES)
    waiting = (
        Booking.objects.select_related("trip", "worker__user", "pickup_point")
        .filter(trip_id=trip_id, status=BookingStatus.WAITLISTED, offer_expires_at__isnull=True)
        .order_by("id")
    )
    for booking in waiting.iterator():
        seat = seat_claim(trip_id=trip_id)
        if seat is None:
            return
        booking.seat_number = seat
        booking.offer_expires_at = deadline
        booking.save(update_fields=["seat_number", "offer_expires_at"])
        trip_notify(bookings=[booking], template="trip_seat_offer", context={"deadline": china_time(deadline)})


def _booking_release(booking, *, now):
    """Cancel one active booking, give its seat back and offer it to the waiting list."""
    seat = booking.seat_number
    booking.status = BookingStatus.CANCELLED
    booking.seat_number = None
    booking.offer_expires_at = None
    booking.cancelled_at = now
    booking.save(update_fields=["status", "seat_number", "offer_expires_at", "cancelled_at"])
    if seat:
        _seat_release(trip_id=booking.trip_id)
        _offer_free_seats(trip_id=booking.trip_id, now=now)


def _locked_booking(booking_id):
    return Booking.objects.select_for_update(of=("self",)).select_related("trip").get(pk=booking_id)


@transaction.atomic
def booking_cancel(*, booking_id, actor):
    """The worker (or staff of the trip's region) cancels: the seat is freed and offered to the first in line."""
    booking = _locked_booking(booking_id)
    if not booking_is_own_or_in_scope(booking=booking, user=actor):
        raise ApplicationError(_("您不能取消这个预约。"), code="permission_denied")
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED):
        raise ApplicationError(_("这个预约已是“%(status)s”，不能取消。") % {"status": booking.get_status_display()})
    if booking.trip.status not in (TripStatus.OPEN, TripStatus.CLOSED):
        raise ApplicationError(_("这趟车已发车，不能再取消。"))
    _booking_release(booking, now=timezone.now())
    return booking


def booking_is_own_or_in_scope(*, booking, user):
    if booking.worker.user_id == user.pk:
        return True
    return user.is_console_user and user_can_access_region(user, booking.trip.origin_county_id)


@transaction.atomic
def booking_accept_offer(*, booking_id, worker):
    """The waitlisted worker takes the seat offered to them before its deadline."""
    booking = _locked_booking(booking_id)
    if booking.worker_id != worker.pk:
        raise ApplicationError(_("您不能确认这个预约。"), code="permission_denied")
    if booking.status != BookingStatus.WAITLISTED or booking.offer_expires_at is None:
        raise ApplicationError(_("这个预约没有待确认的座位。"))
    if booking.offer_expires_at <= timezone.now():
        raise ApplicationError(_("座位保留已过期，已让给下一位候补。"))
    booking.status = BookingStatus.CONFIRMED
    booking.offer_expires_at = None
    booking.save(update_fields=["status", "offer_expires_at"])
    trip_notify(bookings=[booking], template="trip_booking_confirmed")
    return booking


def offers_expire(*, now=None):
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
            booking = _locked_booking(booking_id)
            if booking.status != BookingStatus.WAITLISTED or not booking.offer_expires_at:
                continue
            if booking.offer_expires_at > now:
                continue
            _booking_release(booking, now=now)
            lapsed += 1
    return lapsed


# --- Trips ---------------------------------------------------------------------------------------------------


def _check_trip_scope(*, actor, origin_county_id):
    if not user_can_access_region(actor, origin_county_id):
        raise ApplicationError(_("只能安排本辖区出发的专车。"), field="origin_county", code="permission_denied")


def _pickup_points_replace(trip, pickup_points):
    trip.pickup_points.all().delete()
    PickupPoint.objects.bulk_create(PickupPoint(trip=trip, **point) for point in pickup_points)


@transaction.atomic
def trip_create(*, actor, fields, postings=(), pickup_points=()):
    """A new trip in draft. `fields`: Trip field values; `pickup_points`: dicts of name, address, meets_at."""
    _check_trip_scope(actor=actor, origin_county_id=fields["origin_county"].pk)
    _check_boarding_checks(fields.get("boarding_checks", ()), field="boarding_checks")
    trip = Trip.objects.create(created_by=actor, **fields)
    trip.postings.set(postings)
    _pickup_points_replace(trip, pickup_points)
    return trip


@transaction.atomic
def trip_update(*, actor, trip_id, fields, postings=(), pickup_points=()):
    trip = Trip.objects.select_for_update().get(pk=trip_id)
    _check_trip_scope(actor=actor, origin_county_id=trip.origin_county_id)
    _check_trip_scope(actor=actor, origin_county_id=fields["origin_county"].pk)
    _check_boarding_checks(fields.get("boarding_checks", ()), field="boarding_checks")
    if trip.status not in (TripStatus.DRAFT, TripStatus.OPEN, TripStatus.CLOSED):
        raise ApplicationError(_("已发车或已取消的专车不能再修改。"))
    if fields["capacity"] < trip.taken:
        raise ApplicationError(
            _("已有%(taken)s人占座，座位数不能少于这个数。") % {"taken": trip.taken}, field="capacity"
        )
    for name, value in fields.items():
        setattr(trip, name, value)
    trip.save()
    trip.postings.set(postings)
    _pickup_points_replace(trip, pickup_points)
    trip.bookings.filter(status__in=ACTIVE_BOOKING_STATUSES).update(
        trip_departs_at=trip.departs_at, trip_arrives_at=trip.arrives_at
    )
    # More seats than before go to the waiting list first.
    _offer_free_seats(trip_id=trip.pk, now=timezone.now())
    return trip


_TRANSITIONS = {
    TripStatus.OPEN: (TripStatus.DRAFT, TripStatus.CLOSED),
    TripStatus.CLOSED: (TripStatus.OPEN,),
    TripStatus.DEPARTED: (TripStatus.OPEN, TripStatus.CLOSED),
    TripStatus.ARRIVED: (TripStatus.DEPARTED,),
    TripStatus.CANCELLED: (TripStatus.DRAFT, TripStatus.OPEN, TripStatus.CLOSED),
}


def _trip_transition(*, actor, trip_id, to):
    trip = Trip.objects.select_for_update().get(pk=trip_id)
    _check_trip_scope(actor=actor, origin_county_id=trip.origin_county_id)
    if trip.status not in _TRANSITIONS[to]:
        raise ApplicationError(
            _("“%(status)s”的专车不能改为“%(to)s”。")
            % {"status": trip.get_status_display(), "to": TripStatus(to).label}
        )
    trip.status = to
    return trip


def _passengers(trip, statuses):
    return trip.bookings.select_related("trip__origin_county", "worker__user", "pickup_point").filter(
        status__in=statuses
    )


@transaction.atomic
def trip_open(*, actor, trip_id):
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.OPEN)
    trip.save(update_fields=["status"])
    _offer_free_seats(trip_id=trip.pk, now=timezone.now())
    return trip


@transaction.atomic
def trip_close(*, actor, trip_id):
    """Stop booking: passengers get the meeting time and place, the rest of the waiting list is told no seat came."""
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.CLOSED)
    trip.save(update_fields=["status"])
    now = timezone.now()
    waiting = list(_passengers(trip, [BookingStatus.WAITLISTED]))
    for booking in waiting:
        _booking_release(booking, now=now)
    trip_notify(bookings=_passengers(trip, [BookingStatus.CONFIRMED]), template="trip_closed")
    trip_notify(bookings=waiting, template="trip_waitlist_ended")
    return trip


@transaction.atomic
def trip_cancel(*, actor, trip_id):
    """Cancel the trip and every booking on it, and tell every passenger (confirmed and waiting)."""
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.CANCELLED)
    trip.taken = 0
    trip.save(update_fields=["status", "taken"])
    passengers = list(_passengers(trip, ACTIVE_BOOKING_STATUSES))
    Booking.objects.filter(pk__in=[booking.pk for booking in passengers]).update(
        status=BookingStatus.CANCELLED, seat_number=None, offer_expires_at=None, cancelled_at=timezone.now()
    )
    trip_notify(bookings=passengers, template="trip_cancelled")
    return trip


@transaction.atomic
def trip_depart(*, actor, trip_id):
    """The coach leaves: whoever has a seat and has not boarded is a no-show; the waiting list is closed."""
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.DEPARTED)
    trip.save(update_fields=["status"])
    no_shows = trip.bookings.filter(status=BookingStatus.CONFIRMED).update(status=BookingStatus.NO_SHOW)
    now = timezone.now()
    # An open offer holds a seat; releasing it keeps the counter true (no new offer: the trip is no longer open).
    for booking in trip.bookings.filter(status=BookingStatus.WAITLISTED):
        _booking_release(booking, now=now)
    return trip, no_shows


@transaction.atomic
def trip_arrive(*, actor, trip_id):
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.ARRIVED)
    trip.arrived_at = timezone.now()
    trip.save(update_fields=["status", "arrived_at"])
    return trip


# --- Boarding ------------------------------------------------------------------------------------------------


def _find_booking(trip, query):
    bookings = Booking.objects.select_related("worker__user").filter(trip=trip)
    if query.isdigit() and len(query) == 11:
        return bookings.filter(worker__user__phone=query).order_by("-id").first()
    return bookings.filter(code=query.upper()).first()


@transaction.atomic
def booking_board(*, actor, trip_id, query, checks=()):
    """One scan at the door (QR code, typed booking code or phone). Appends a BoardingScan and returns it.

    A second scan of a boarded passenger answers when they boarded and changes nothing.
    """
    trip = Trip.objects.get(pk=trip_id)
    _check_trip_scope(actor=actor, origin_county_id=trip.origin_county_id)
    query = (query or "").strip()
    if not query:
        raise ApplicationError(_("请扫描二维码，或输入预约码或手机号。"), field="query")
    _check_boarding_checks(checks, field="checks")
    booking = _find_booking(trip, query)
    outcome, message = _boarding_decision(trip, booking, set(checks))
    if outcome == BoardingOutcome.BOARDED:
        boarded_at = timezone.now()
        updated = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
            status=BookingStatus.BOARDED, boarded_at=boarded_at, checks_passed=sorted(checks)
        )
        if updated:
            message = _("%(name)s 上车成功，座位%(seat)s号。") % {
                "name": booking.worker.full_name,
                "seat": booking.seat_number,
            }
        else:
            booking.refresh_from_db()
            outcome, message = _boarding_decision(trip, booking, set(checks))
    return BoardingScan.objects.create(
        trip=trip, booking=booking, query=query[:100], outcome=outcome, message=message, scanned_by=actor
    )


def _boarding_decision(trip, booking, checks):
    if booking is None:
        return BoardingOutcome.NOT_FOUND, _("本趟车没有这个预约。")
    if booking.status == BookingStatus.BOARDED:
        return BoardingOutcome.ALREADY_BOARDED, _("%(name)s 已于%(time)s上车。") % {
            "name": booking.worker.full_name,
            "time": timezone.localtime(booking.boarded_at).strftime("%H:%M"),
        }
    if booking.status != BookingStatus.CONFIRMED:
        return BoardingOutcome.REFUSED, _("%(name)s 的预约是“%(status)s”，不能上车。") % {
            "name": booking.worker.full_name,
            "status": booking.get_status_display(),
        }
    if trip.status not in (TripStatus.OPEN, TripStatus.CLOSED):
        return BoardingOutcome.REFUSED, _("这趟车是“%(status)s”，不能再上车。") % {"status": trip.get_status_display()}
    missing = [check for check in trip.boarding_checks if check not in checks]
    if missing:
        labels = "、".join(str(BoardingCheck(check).label) for check in missing)
        return BoardingOutcome.REFUSED, _("请先完成上车前核验：%(checks)s。") % {"checks": labels}
    return BoardingOutcome.BOARDED, ""


# --- Reminders -----------------------------------------------------------------------------------------------

# (kind, template, earliest and latest time before departure at which it goes)
REMINDERS = (
    (ReminderKind.DAY_BEFORE, "trip_reminder_24h", timedelta(hours=2), timedelta(hours=24)),
    (ReminderKind.TWO_HOURS, "trip_departure", timedelta(0), timedelta(hours=2)),
)


def _as_sql_datetime(value):
    # Raw SQL gets no field to convert its parameters: SQLite compares the text the ORM stored (UTC, no offset).
    return connection.ops.adapt_datetimefield_value(value)


def trip_reminders_send(*, now=None):
    """Send every due reminder once: the INSERT ... ON CONFLICT DO NOTHING on (booking, kind) decides who gets one,
    so a second run (or two beat processes at once) finds nothing left to send. Returns how many were sent.

    PostgreSQL and SQLite (3.35+) both run this statement: the SELECT's WHERE clause keeps SQLite from reading
    ON CONFLICT as part of the join."""
    now = now or timezone.now()
    sent = 0
    for kind, template, earliest, latest in REMINDERS:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {ReminderSent._meta.db_table} (booking_id, kind, sent_at)
                    SELECT booking.id, %s, %s
                      FROM {Booking._meta.db_table} booking
                      JOIN {_trip_table()} trip ON trip.id = booking.trip_id
                     WHERE booking.status = %s AND trip.status IN (%s, %s)
                       AND trip.departs_at > %s AND trip.departs_at <= %s
                ON CONFLICT (booking_id, kind) DO NOTHING
                RETURNING booking_id""",
                [
                    kind,
                    _as_sql_datetime(now),
                    BookingStatus.CONFIRMED,
                    TripStatus.OPEN,
                    TripStatus.CLOSED,
                    _as_sql_datetime(now + earliest),
                    _as_sql_datetime(now + latest),
                ],
            )
            booking_ids = [row[0] for row in cursor.fetchall()]
            bookings = Booking.objects.select_related("trip__origin_county", "worker__user", "pickup_point").filter(
                pk__in=booking_ids
            )
            trip_notify(bookings=bookings, template=template)
            sent += len(booking_ids)
    return sent
