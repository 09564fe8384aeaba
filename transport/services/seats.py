"""The seat counter of a trip: claiming a seat, giving it back, offering freed seats to the waiting list.

A trip's `taken` counts the bookings that hold a seat, and `seats_issued` is the highest seat number handed out:
every held seat is numbered 1..seats_issued. While the two are equal the seats held are exactly 1..seats_issued,
so the next seat is `seats_issued + 1`, read straight off the trip's row (booking_create's one-statement path).
A cancellation leaves a gap (`taken < seats_issued`); claims then take the lowest free number, found by a scan
under the trip's row lock (`seat_claim`), until the gaps are filled and the trip is compact again.
"""

import itertools
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, F, PositiveIntegerField, When
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from transport.models import HOLDS_SEAT, Booking, BookingStatus, Trip, TripStatus
from transport.notifications import china_time, trip_notify


def seat_claim(*, trip_id: int) -> int | None:
    """Take one seat of an open trip if any is left: the seat number, or None when the trip is full.

    The seat is the lowest number no seat-holding booking of the trip has, so seats given back are reused first.
    Must run inside the caller's transaction: the UPDATE holds the trip's row lock until it commits, so the claims
    on one trip run one after another and each one's SELECT (a fresh snapshot under READ COMMITTED) sees the
    bookings of those before it. Keep that transaction short. `booking_seat_once` is the database's last word.
    """
    claimed = Trip.objects.filter(pk=trip_id, status=TripStatus.OPEN, taken__lt=F("capacity")).update(
        taken=F("taken") + 1,
        # A compact trip's lowest free seat is the next number; with gaps, one of them (below seats_issued).
        seats_issued=Case(
            When(taken=F("seats_issued"), then=F("seats_issued") + 1),
            default=F("seats_issued"),
            output_field=PositiveIntegerField(),
        ),
    )
    if not claimed:
        return None
    held = set(Booking.objects.filter(HOLDS_SEAT, trip_id=trip_id).values_list("seat_number", flat=True))
    # `taken` counts the seat-holding bookings, ours included, so the lowest free number is at most `taken`, which
    # the UPDATE kept within the capacity.
    return next(seat for seat in itertools.count(1) if seat not in held)


def seat_release(*, trip_id: int) -> None:
    Trip.objects.filter(pk=trip_id).update(taken=F("taken") - 1)


def offer_free_seats(*, trip_id: int, now: datetime) -> None:
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


def booking_release(booking: Booking, *, now: datetime) -> None:
    """Cancel one active booking, give its seat back and offer it to the waiting list."""
    seat = booking.seat_number
    booking.status = BookingStatus.CANCELLED
    booking.seat_number = None
    booking.offer_expires_at = None
    booking.cancelled_at = now
    booking.save(update_fields=["status", "seat_number", "offer_expires_at", "cancelled_at"])
    if seat:
        seat_release(trip_id=booking.trip_id)
        offer_free_seats(trip_id=booking.trip_id, now=now)


def booking_not_found() -> ApplicationError:
    """One answer for a booking that does not exist and for one the caller may not touch, so that ids cannot be
    probed."""
    return ApplicationError(_("找不到这个预约。"), code="not_found")


def locked_booking(booking_id: int) -> Booking:
    """The booking under its row lock, or ApplicationError `not_found`."""
    booking = Booking.objects.select_for_update(of=("self",)).select_related("trip").filter(pk=booking_id).first()
    if booking is None:
        raise booking_not_found()
    return booking


def waitlist_position(booking: Booking) -> int:
    """1 for the first in line: waitlisted bookings without a seat offer, in the order they came."""
    return (
        Booking.objects.filter(
            trip_id=booking.trip_id, status=BookingStatus.WAITLISTED, offer_expires_at__isnull=True, id__lt=booking.id
        ).count()
        + 1
    )
