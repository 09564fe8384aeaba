"""Every read that the trip pages and API need; staff reads are scoped by the trip's origin county."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.accounts.models import User
from core.accounts.scoping import scope_to_user
from jobs import selectors as jobs_selectors
from jobs.models import CooperationAgreement, JobPosting, PostingStatus
from jobs.selectors import console_postings
from placement.applications.selectors import with_tallies
from transport.models import ACTIVE_BOOKING_STATUSES, BoardingScan, Booking, BookingStatus, Trip, TripStatus
from workers.models import Worker

MANIFEST_STATUSES = (*ACTIVE_BOOKING_STATUSES, BookingStatus.NO_SHOW)
# The passengers who hold (or held, when the coach left without them) a seat: the "of N" in "已上车 3 / N".
SEATED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.BOARDED, BookingStatus.NO_SHOW)


def _trips() -> QuerySet[Trip]:
    return Trip.objects.select_related("origin_county", "destination_employer", "destination_region", "campaign")


def trips_for_staff(*, user: User, status: str | None = None) -> QuerySet[Trip]:
    trips = scope_to_user(user, _trips(), region_field="origin_county")
    if status:
        trips = trips.filter(status=status)
    return trips.order_by("-departs_at", "-id")


def trip_for_staff(*, user: User, trip_id: int) -> Trip:
    return get_object_or_404(
        scope_to_user(user, _trips().prefetch_related("pickup_points", "postings"), region_field="origin_county"),
        pk=trip_id,
    )


def trip_posting_choices(*, user: User, trip: Trip | None = None) -> QuerySet[JobPosting]:
    """The postings a trip of the user's region may carry: their county's drafts and open postings (and whatever the
    trip carries already), grouped by employer."""
    postings = console_postings(user=user)
    current = Q(status__in=[PostingStatus.DRAFT, PostingStatus.PUBLISHED])
    if trip is not None and trip.pk:
        current |= Q(pk__in=trip.postings.values("pk"))
    return postings.filter(current).order_by("employer__name", "title", "id")


def trips_bookable(
    *,
    origin_county: str | None = None,
    destination: str | None = None,
    employer: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Trip]:
    """Open trips whose booking window has not closed, soonest first.

    `destination`: a region code; trips to that region or to an employer inside it. `employer`: an employer id.
    """
    now = now or timezone.now()
    trips = _trips().prefetch_related("pickup_points").filter(status=TripStatus.OPEN, booking_closes_at__gt=now)
    if origin_county:
        trips = trips.filter(origin_county_id=origin_county)
    if destination:
        trips = trips.filter(
            Q(destination_region__code__startswith=destination)
            | Q(destination_employer__region__code__startswith=destination)
        )
    if employer:
        trips = trips.filter(destination_employer_id=employer)
    return trips.order_by("departs_at", "id")


def trip_public(*, trip_id: int) -> Trip:
    return get_object_or_404(
        _trips().prefetch_related("pickup_points"),
        pk=trip_id,
        status__in=[TripStatus.OPEN, TripStatus.CLOSED, TripStatus.DEPARTED, TripStatus.ARRIVED, TripStatus.CANCELLED],
    )


def worker_bookings(*, worker: Worker) -> QuerySet[Booking]:
    return (
        Booking.objects.select_related(
            "trip__origin_county", "trip__destination_employer", "trip__destination_region", "pickup_point"
        )
        .filter(worker=worker)
        .order_by("-trip__departs_at", "-id")
    )


def worker_booking_for_trip(*, worker: Worker, trip: Trip) -> Booking | None:
    return Booking.objects.filter(worker=worker, trip=trip, status__in=ACTIVE_BOOKING_STATUSES).first()


def trip_manifest(*, trip: Trip) -> QuerySet[Booking]:
    """The manifest rows: every passenger with a seat or on the waiting list, seats first."""
    return (
        trip.bookings.select_related("worker__user", "pickup_point")
        .filter(status__in=MANIFEST_STATUSES)
        .order_by("seat_number", "id")
    )


def trip_by_manifest_token(*, token: str) -> Trip:
    return get_object_or_404(_trips(), manifest_token=token)


def trip_scans(*, trip: Trip, limit: int = 20) -> QuerySet[BoardingScan]:
    return trip.scans.select_related("booking__worker")[:limit]


def trip_booking_counts(*, trip: Trip) -> dict[str, int]:
    counts = dict(trip.bookings.values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in BookingStatus.values}


def trip_active_booking_count(*, trip: Trip) -> int:
    """How many people cancelling the trip would tell: everyone holding or waiting for a seat."""
    return trip.bookings.filter(status__in=ACTIVE_BOOKING_STATUSES).count()


@dataclass(frozen=True)
class BoardingProgress:
    """At the door: how many of the passengers holding a seat have boarded, and who is still to come."""

    boarded: int
    seated: int
    missing: list[Booking]


def trip_boarding_progress(*, trip: Trip) -> BoardingProgress:
    counts = trip_booking_counts(trip=trip)
    missing = (
        trip.bookings.select_related("worker", "pickup_point")
        .filter(status=BookingStatus.CONFIRMED)
        .order_by("seat_number", "id")
    )
    return BoardingProgress(
        boarded=counts[BookingStatus.BOARDED],
        seated=sum(counts[status] for status in SEATED_STATUSES),
        missing=list(missing),
    )


def transport_figures(*, user: User) -> list[dict[str, Any]]:
    """Per origin county and campaign: trips, seats, booked, boarded and people transported (boarded on arrived trips).

    Two grouped queries (trips, then bookings) whatever the number of trips.
    """
    trips = scope_to_user(
        user, Trip.objects.exclude(status__in=[TripStatus.DRAFT, TripStatus.CANCELLED]), region_field="origin_county"
    )
    rows: defaultdict[tuple[Any, Any], dict[str, int]] = defaultdict(
        lambda: {"trips": 0, "seats": 0, "booked": 0, "boarded": 0, "transported": 0}
    )
    for row in trips.values("origin_county__name", "campaign__name").annotate(n=Count("id"), seats=Sum("capacity")):
        key = (row["origin_county__name"], row["campaign__name"] or "")
        rows[key].update(trips=row["n"], seats=row["seats"])
    bookings = (
        Booking.objects.filter(trip__in=trips)
        .values("trip__origin_county__name", "trip__campaign__name")
        .annotate(
            booked=Count("id", filter=Q(status__in=SEATED_STATUSES)),
            boarded=Count("id", filter=Q(status=BookingStatus.BOARDED)),
            transported=Count("id", filter=Q(status=BookingStatus.BOARDED, trip__status=TripStatus.ARRIVED)),
        )
    )
    for row in bookings:
        key = (row["trip__origin_county__name"], row["trip__campaign__name"] or "")
        rows[key].update(booked=row["booked"], boarded=row["boarded"], transported=row["transported"])
    return [{"county": county, "campaign": campaign, **figures} for (county, campaign), figures in sorted(rows.items())]


@dataclass(frozen=True)
class AgreementProgress:
    """A cooperation agreement's figures: places filled against its target, and the trips that carry its workers."""

    target: int
    posted: int
    filled: int
    trips: int
    passengers: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.filled / self.target)) if self.target else 0


def agreement_trips(*, agreement: CooperationAgreement) -> QuerySet[Trip]:
    """The agreement's trips that still count: every one but the cancelled."""
    return Trip.objects.filter(agreement=agreement).exclude(status=TripStatus.CANCELLED)


def agreement_progress(*, agreement: CooperationAgreement, postings: list[JobPosting]) -> AgreementProgress:
    """Places filled (signed or at work) over the agreement's postings that left the draft, and its trips' seats taken.

    `postings`: the agreement's postings, each with its headcount tally (placement's `with_tallies`).
    """
    live = [posting for posting in postings if posting.status != PostingStatus.DRAFT]
    trips = agreement_trips(agreement=agreement).aggregate(count=Count("id"), seats=Sum("taken"))
    return AgreementProgress(
        target=agreement.target_people,
        posted=sum(posting.tally.posted for posting in live),
        filled=sum(posting.tally.signed + posting.tally.onboarded for posting in live),
        trips=trips["count"],
        passengers=trips["seats"] or 0,
    )


def agreement_postings_with_tallies(*, agreement: CooperationAgreement) -> list[JobPosting]:
    """Every posting attributed to the agreement, each with its headcount tally."""
    return with_tallies(list(jobs_selectors.agreement_postings(agreement=agreement)))
