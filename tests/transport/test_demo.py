import pytest
from django.core.management import call_command

from transport.models import Booking, BookingStatus, Trip, TripStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_full_trip_with_a_waiting_list_a_boarding_one_and_an_arrived_one(regions, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")

    trips = {trip.service_number: trip for trip in Trip.objects.all()}
    full = trips["湘K·A3561"]
    assert len(trips) == 4
    assert full.taken == full.capacity
    assert Booking.objects.filter(trip=full, status=BookingStatus.WAITLISTED).count() == 4
    assert Booking.objects.filter(trip=trips["湘K·B2208"], status=BookingStatus.BOARDED).count() == 11
    assert trips["湘K·C7719"].status == TripStatus.ARRIVED
    assert {trip.mode for trip in trips.values()} == {"coach", "train"}
