"""Dispatchers' trips: create, edit, and the status changes draft -> open -> closed -> departed -> arrived, or
cancelled, each telling the passengers what it means for them."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError
from core.typed_input import normalize_contact_phone
from jobs.models import JobPosting
from transport.models import (
    ACTIVE_BOOKING_STATUSES,
    BoardingCheck,
    Booking,
    BookingStatus,
    PickupPoint,
    Trip,
    TripStatus,
)
from transport.notifications import trip_notify
from transport.services.seats import booking_release, offer_free_seats


def check_trip_scope(*, actor: User, origin_county_id: str) -> None:
    if not user_can_access_region(actor, origin_county_id):
        raise ApplicationError(_("只能安排本辖区出发的专车。"), field="origin_county", code="permission_denied")


def check_boarding_checks(checks: Iterable[str], *, field: str) -> None:
    unknown = set(checks) - set(BoardingCheck.values)
    if unknown:
        raise ApplicationError(
            _("未知的上车前核验：%(checks)s。") % {"checks": "、".join(sorted(unknown))}, field=field
        )


def trip_problems(
    *,
    destination_employer: object = None,
    destination_region: object = None,
    departs_at: datetime | None = None,
    arrives_at: datetime | None = None,
    booking_opens_at: datetime | None = None,
    booking_closes_at: datetime | None = None,
    **other_fields: Any,
) -> list[tuple[str, str]]:
    """Every rule a trip's destination and times break, as (field, message) pairs: the form shows each next to its
    field, the services refuse on the first. Times that are None are not compared (the form reports them missing)."""
    problems = []
    if not destination_employer and not destination_region:
        problems.append(("destination_region", _("请选择目的地单位或目的地城市。")))
    if departs_at and arrives_at and arrives_at <= departs_at:
        problems.append(("arrives_at", _("到达时间应晚于出发时间。")))
    if booking_opens_at and booking_closes_at and booking_closes_at <= booking_opens_at:
        problems.append(("booking_closes_at", _("截止预约应晚于开始预约。")))
    if departs_at and booking_closes_at and booking_closes_at > departs_at:
        problems.append(("booking_closes_at", _("截止预约不能晚于出发时间。")))
    return problems


def _refuse_problems(fields: Mapping[str, Any]) -> None:
    problems = trip_problems(**fields)
    if problems:
        field_name, message = problems[0]
        raise ApplicationError(message, field=field_name)


def _with_contact_phone_normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """The contact number as every phone field stores it (core/typed_input.py), whoever calls: the form has done
    it already, a script or an API may not have."""
    if "contact_phone" not in fields:
        return fields
    return {**fields, "contact_phone": normalize_contact_phone(fields["contact_phone"])}


def _pickup_points_replace(trip: Trip, pickup_points: Iterable[Mapping[str, Any]]) -> None:
    trip.pickup_points.all().delete()
    PickupPoint.objects.bulk_create(PickupPoint(trip=trip, **point) for point in pickup_points)


@transaction.atomic
def trip_create(
    *,
    actor: User,
    fields: dict[str, Any],
    postings: Iterable[JobPosting] = (),
    pickup_points: Iterable[Mapping[str, Any]] = (),
) -> Trip:
    """A new trip in draft. `fields`: Trip field values; `pickup_points`: dicts of name, address, meets_at."""
    check_trip_scope(actor=actor, origin_county_id=fields["origin_county"].pk)
    check_boarding_checks(fields.get("boarding_checks", ()), field="boarding_checks")
    _refuse_problems(fields)
    fields = _with_contact_phone_normalised(fields)
    trip = Trip.objects.create(created_by=actor, **fields)
    trip.postings.set(postings)
    _pickup_points_replace(trip, pickup_points)
    return trip


@transaction.atomic
def trip_update(
    *,
    actor: User,
    trip_id: int,
    fields: dict[str, Any],
    postings: Iterable[JobPosting] = (),
    pickup_points: Iterable[Mapping[str, Any]] = (),
) -> Trip:
    trip = Trip.objects.select_for_update().get(pk=trip_id)
    check_trip_scope(actor=actor, origin_county_id=trip.origin_county_id)
    check_trip_scope(actor=actor, origin_county_id=fields["origin_county"].pk)
    check_boarding_checks(fields.get("boarding_checks", ()), field="boarding_checks")
    _refuse_problems(fields)
    fields = _with_contact_phone_normalised(fields)
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
    offer_free_seats(trip_id=trip.pk, now=timezone.now())
    return trip


_TRANSITIONS = {
    TripStatus.OPEN: (TripStatus.DRAFT, TripStatus.CLOSED),
    TripStatus.CLOSED: (TripStatus.OPEN,),
    TripStatus.DEPARTED: (TripStatus.OPEN, TripStatus.CLOSED),
    TripStatus.ARRIVED: (TripStatus.DEPARTED,),
    TripStatus.CANCELLED: (TripStatus.DRAFT, TripStatus.OPEN, TripStatus.CLOSED),
}


def _trip_transition(*, actor: User, trip_id: int, to: TripStatus) -> Trip:
    trip = Trip.objects.select_for_update().get(pk=trip_id)
    check_trip_scope(actor=actor, origin_county_id=trip.origin_county_id)
    if trip.status not in _TRANSITIONS[to]:
        raise ApplicationError(
            _("“%(status)s”的专车不能改为“%(to)s”。")
            % {"status": trip.get_status_display(), "to": TripStatus(to).label}
        )
    trip.status = to
    return trip


def _passengers(trip: Trip, statuses: Iterable[str]) -> QuerySet[Booking]:
    return trip.bookings.select_related("trip__origin_county", "worker__user", "pickup_point").filter(
        status__in=statuses
    )


@transaction.atomic
def trip_open(*, actor: User, trip_id: int) -> Trip:
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.OPEN)
    trip.save(update_fields=["status"])
    offer_free_seats(trip_id=trip.pk, now=timezone.now())
    return trip


@transaction.atomic
def trip_close(*, actor: User, trip_id: int) -> Trip:
    """Stop booking: passengers get the meeting time and place, the rest of the waiting list is told no seat came."""
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.CLOSED)
    trip.save(update_fields=["status"])
    now = timezone.now()
    waiting = list(_passengers(trip, [BookingStatus.WAITLISTED]))
    for booking in waiting:
        booking_release(booking, now=now)
    trip_notify(bookings=_passengers(trip, [BookingStatus.CONFIRMED]), template="trip_closed")
    trip_notify(bookings=waiting, template="trip_waitlist_ended")
    return trip


@transaction.atomic
def trip_cancel(*, actor: User, trip_id: int) -> Trip:
    """Cancel the trip and every booking on it, and tell every passenger (confirmed and waiting)."""
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.CANCELLED)
    trip.taken = trip.seats_issued = 0
    trip.save(update_fields=["status", "taken", "seats_issued"])
    passengers = list(_passengers(trip, ACTIVE_BOOKING_STATUSES))
    Booking.objects.filter(pk__in=[booking.pk for booking in passengers]).update(
        status=BookingStatus.CANCELLED, seat_number=None, offer_expires_at=None, cancelled_at=timezone.now()
    )
    trip_notify(bookings=passengers, template="trip_cancelled")
    return trip


@transaction.atomic
def trip_depart(*, actor: User, trip_id: int) -> tuple[Trip, int]:
    """The coach leaves: whoever has a seat and has not boarded is a no-show; the waiting list is closed."""
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.DEPARTED)
    trip.save(update_fields=["status"])
    no_shows = trip.bookings.filter(status=BookingStatus.CONFIRMED).update(status=BookingStatus.NO_SHOW)
    now = timezone.now()
    # An open offer holds a seat; releasing it keeps the counter true (no new offer: the trip is no longer open).
    for booking in trip.bookings.filter(status=BookingStatus.WAITLISTED):
        booking_release(booking, now=now)
    return trip, no_shows


@transaction.atomic
def trip_arrive(*, actor: User, trip_id: int) -> Trip:
    trip = _trip_transition(actor=actor, trip_id=trip_id, to=TripStatus.ARRIVED)
    trip.arrived_at = timezone.now()
    trip.save(update_fields=["status", "arrived_at"])
    return trip
