"""A trip's rules live in one service, trip_problems(): the form shows them next to their fields, the services
refuse on the first, so a caller that skips the form (a script, a future API) cannot store a trip that breaks them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from transport.models import Trip
from transport.services import trip_create, trip_problems, trip_update


def _fields(regions, **changes):
    departs = timezone.now() + timedelta(days=3)
    fields = {
        "mode": "coach",
        "service_number": "湘K12345",
        "origin_county": regions.get(code="431322"),
        "destination_region": regions.get(code="430181"),
        "destination_address": "浏阳经开区康万路",
        "departs_at": departs,
        "arrives_at": departs + timedelta(hours=5),
        "capacity": 50,
        "booking_opens_at": timezone.now(),
        "booking_closes_at": departs - timedelta(hours=12),
        "contact_name": "罗师傅",
        "contact_phone": "13907381234",
    }
    return {**fields, **changes}


def test_a_sound_trip_has_no_problems(regions):
    assert trip_problems(**_fields(regions)) == []


def test_each_broken_rule_is_named_next_to_its_field(regions):
    departs = timezone.now() + timedelta(days=3)
    problems = trip_problems(
        **_fields(
            regions,
            destination_region=None,
            arrives_at=departs - timedelta(hours=1),
            departs_at=departs,
            booking_closes_at=departs + timedelta(hours=1),
        )
    )
    assert problems == [
        ("destination_region", "请选择目的地单位或目的地城市。"),
        ("arrives_at", "到达时间应晚于出发时间。"),
        ("booking_closes_at", "截止预约不能晚于出发时间。"),
    ]


def test_booking_that_closes_before_it_opens_is_a_problem(regions):
    opens = timezone.now()
    problems = trip_problems(**_fields(regions, booking_opens_at=opens, booking_closes_at=opens - timedelta(hours=1)))
    assert problems == [("booking_closes_at", "截止预约应晚于开始预约。")]


@pytest.mark.django_db
def test_the_services_refuse_a_trip_that_breaks_a_rule_and_store_nothing(regions, dispatcher):
    departs = timezone.now() + timedelta(days=3)
    backwards = _fields(regions, departs_at=departs, arrives_at=departs - timedelta(hours=2))

    with pytest.raises(ApplicationError, match="到达时间应晚于出发时间") as refused:
        trip_create(actor=dispatcher, fields=backwards)
    assert refused.value.field == "arrives_at"
    assert not Trip.objects.exists()

    trip = trip_create(actor=dispatcher, fields=_fields(regions))
    with pytest.raises(ApplicationError, match="请选择目的地"):
        trip_update(actor=dispatcher, trip_id=trip.pk, fields=_fields(regions, destination_region=None))
    trip.refresh_from_db()
    assert trip.destination_region_id == "430181"


@pytest.mark.django_db
def test_the_services_store_a_contact_phone_normalised_and_refuse_one_that_is_no_number(regions, dispatcher):
    trip = trip_create(actor=dispatcher, fields=_fields(regions, contact_phone="+86 139-0738-1234"))
    assert trip.contact_phone == "13907381234"

    with pytest.raises(ApplicationError) as refused:
        trip_update(actor=dispatcher, trip_id=trip.pk, fields=_fields(regions, contact_phone="找罗师傅"))
    assert refused.value.field == "contact_phone"
    trip.refresh_from_db()
    assert trip.contact_phone == "13907381234"
