"""Demo trips: coaches and a train carriage from 新化 and 古丈 to the employers of 浏阳 and 宁乡, one full with a
waiting list, one boarding now, one arrived, so that every trip page has something to show.

Bookings go through the booking service, as a worker's phone would. Idempotent: nothing is added twice.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.accounts.models import Role, User
from core.campaigns.models import Campaign
from jobs.models import Employer
from transport.models import Booking, PickupPoint, Trip, TripMode, TripStatus
from transport.services import booking_board, booking_create, trip_arrive, trip_close, trip_depart
from workers.models import Worker


@dataclass(frozen=True)
class DemoTrip:
    service_number: str
    mode: str
    origin: str
    employer_region: str
    departs_in: timedelta
    capacity: int
    bookings: int
    pickup: str
    boarded: int = 0
    stage: str = TripStatus.OPEN


DEMO_TRIPS = [
    # Full, with a waiting list of four.
    DemoTrip("湘K·A3561", TripMode.COACH, "431322", "430181", timedelta(days=2), 12, 16, "洋溪镇政府"),
    DemoTrip("G6173 5号车厢", TripMode.TRAIN, "433126", "430181", timedelta(days=3), 40, 23, "古丈站"),
    # Closed for booking and boarding at the door right now.
    DemoTrip("湘K·B2208", TripMode.COACH, "431322", "430182", timedelta(hours=1), 20, 18, "上梅街道", 11, "closed"),
    # Arrived last week.
    DemoTrip("湘K·C7719", TripMode.COACH, "433126", "430182", timedelta(days=-7), 15, 14, "默戎镇", 13, "arrived"),
]


def _employer(region_code):
    return Employer.objects.filter(region_id=region_code).order_by("id").first()


@transaction.atomic
def seed_demo_trips():
    if Trip.objects.filter(service_number__in=[demo.service_number for demo in DEMO_TRIPS]).exists():
        return 0
    today = timezone.localdate()
    campaign, _ = Campaign.objects.get_or_create(
        name=f"{today.year}年春风行动",
        defaults={"starts_on": today - timedelta(days=30), "ends_on": today + timedelta(days=60)},
    )
    dispatcher = User.objects.filter(role=Role.ADMIN).first() or User.objects.filter(is_superuser=True).first()
    now = timezone.now()
    for demo in DEMO_TRIPS:
        _seed_trip(demo, campaign=campaign, dispatcher=dispatcher, now=now)
    return len(DEMO_TRIPS)


def _seed_trip(demo, *, campaign, dispatcher, now):
    # Trips in the past are booked as if tomorrow, then moved back: bookings go through the service's window.
    departs = now + max(demo.departs_in, timedelta(hours=1))
    employer = _employer(demo.employer_region)
    trip = Trip.objects.create(
        mode=demo.mode,
        service_number=demo.service_number,
        origin_county_id=demo.origin,
        destination_employer=employer,
        destination_region_id=None if employer else demo.employer_region,
        destination_address=employer.name if employer else "",
        departs_at=departs,
        arrives_at=departs + timedelta(hours=5),
        capacity=demo.capacity,
        booking_opens_at=now - timedelta(days=1),
        booking_closes_at=departs - timedelta(minutes=30),
        contact_name="罗海军",
        contact_phone="13907381234",
        campaign=campaign,
        status=TripStatus.OPEN,
        created_by=dispatcher,
    )
    point = PickupPoint.objects.create(trip=trip, name=demo.pickup, meets_at=departs - timedelta(minutes=30))
    workers = Worker.objects.filter(home_region__code__startswith=demo.origin, anonymised_at__isnull=True)
    workers = workers.exclude(bookings__status__in=["confirmed", "waitlisted", "boarded"]).order_by("id")
    for worker in workers[: demo.bookings]:
        booking_create(trip_id=trip.pk, worker=worker, pickup_point_id=point.pk, notify=False)
    if demo.stage == TripStatus.OPEN:
        return
    trip_close(actor=dispatcher, trip_id=trip.pk)
    for booking in trip.bookings.filter(status="confirmed").order_by("seat_number")[: demo.boarded]:
        booking_board(actor=dispatcher, trip_id=trip.pk, query=booking.code)
    if demo.stage == TripStatus.ARRIVED:
        trip_depart(actor=dispatcher, trip_id=trip.pk)
        trip_arrive(actor=dispatcher, trip_id=trip.pk)
        shift = demo.departs_in - timedelta(hours=1)
        Trip.objects.filter(pk=trip.pk).update(
            departs_at=departs + shift,
            arrives_at=departs + shift + timedelta(hours=5),
            booking_opens_at=now - timedelta(days=1) + shift,
            booking_closes_at=departs + shift - timedelta(minutes=30),
            arrived_at=departs + shift + timedelta(hours=5),
        )
        PickupPoint.objects.filter(trip=trip).update(meets_at=departs + shift - timedelta(minutes=30))
        Booking.objects.filter(trip=trip).update(
            trip_departs_at=departs + shift, trip_arrives_at=departs + shift + timedelta(hours=5)
        )
