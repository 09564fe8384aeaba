"""What the booking SMS tells the passenger: where and when to meet, and when the coach or train leaves."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.notifications.catalog import SMS_VARIABLE_LIMIT
from core.notifications.models import Channel, OutboxMessage
from tests.factories import PickupPointFactory, TripFactory
from transport.services import booking_create

pytestmark = [pytest.mark.django_db, pytest.mark.twins]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _booking_sms(worker):
    return OutboxMessage.objects.get(recipient=worker.user, template="trip_booking_confirmed", channel=Channel.SMS)


@pytest.fixture
def train(regions):
    departs = datetime(2030, 12, 5, 10, 21, tzinfo=SHANGHAI)
    trip = TripFactory(
        mode="train",
        service_number="G6173",
        departs_at=departs,
        booking_closes_at=departs - timedelta(hours=12),
    )
    return trip


def test_the_booking_sms_says_where_and_when_to_meet_and_when_the_train_leaves(train, make_worker):
    point = PickupPointFactory(trip=train, name="洋溪镇政府", meets_at=train.departs_at - timedelta(minutes=30))
    worker = make_worker()

    booking_create(trip_id=train.pk, worker=worker, pickup_point_id=point.pk)

    assert "请于12月5日9:51到洋溪镇政府集合，10:21发车" in _booking_sms(worker).text


def test_a_meeting_the_day_before_departure_gives_the_departure_date_too(train, make_worker):
    point = PickupPointFactory(trip=train, name="新化站", meets_at=train.departs_at - timedelta(hours=11))
    worker = make_worker()

    booking_create(trip_id=train.pk, worker=worker, pickup_point_id=point.pk)

    assert "请于12月4日23:21到新化站集合，12月5日10:21发车" in _booking_sms(worker).text


def test_without_a_pickup_point_the_passenger_meets_in_the_origin_county_at_departure(train, make_worker):
    worker = make_worker()

    booking_create(trip_id=train.pk, worker=worker)

    assert "请于12月5日10:21到新化县集合，10:21发车" in _booking_sms(worker).text


def test_every_variable_of_the_booking_sms_stays_within_the_providers_limit(train, make_worker):
    long_name = "新化县洋溪镇人民政府大院东门停车场（农商银行对面，请提前到达并听从工作人员安排）"
    point = PickupPointFactory(trip=train, name=long_name, meets_at=train.departs_at - timedelta(minutes=30))
    train.service_number = "G6173 5号车厢 " + "加" * 29  # the field's 40 characters
    train.save()
    worker = make_worker()

    booking_create(trip_id=train.pk, worker=worker, pickup_point_id=point.pk)

    sms = _booking_sms(worker)
    assert len(long_name) > SMS_VARIABLE_LIMIT
    assert all(len(value) <= SMS_VARIABLE_LIMIT for value in sms.params.values()), sms.params
    assert sms.params["place"].startswith("新化县洋溪镇人民政府大院东门")
