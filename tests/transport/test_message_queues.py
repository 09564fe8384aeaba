"""A trip's messages on the right queue (docs/notifications.md, "Queues"): each booker's confirmation with the
messages people wait for, a whole trip's cancellation in bulk, behind nothing a booker or a sign-in waits for."""

import pytest

from core.notifications.models import Channel, OutboxMessage
from core.notifications.services import outbox_dispatch
from tests.core.notifications.test_queues import BULK, NOTIFICATIONS, empty_queues, sent_ids  # noqa: F401 - fixture
from tests.factories import TripFactory
from transport.services import booking_create, trip_cancel

pytestmark = pytest.mark.django_db


def _sms_ids(template):
    return sorted(OutboxMessage.objects.filter(template=template, channel=Channel.SMS).values_list("id", flat=True))


def test_the_bookers_confirmations_go_one_by_one_and_the_trips_cancellation_to_all_of_them_in_bulk(
    empty_queues,  # noqa: F811 - the imported fixture
    regions,
    make_worker,
    dispatcher,
    django_capture_on_commit_callbacks,
):
    trip = TripFactory(capacity=5)
    for _ in range(3):
        booking_create(trip_id=trip.pk, worker=make_worker())
    with django_capture_on_commit_callbacks(execute=True):
        outbox_dispatch()  # the booking statement's SMS, as beat sends them
    assert sorted(sent_ids(NOTIFICATIONS)) == _sms_ids("trip_booking_confirmed")
    assert sent_ids(BULK) == []

    with django_capture_on_commit_callbacks(execute=True):
        trip_cancel(actor=dispatcher, trip_id=trip.pk)

    assert len(_sms_ids("trip_cancelled")) == 3
    assert sorted(sent_ids(BULK)) == _sms_ids("trip_cancelled")
    assert sorted(sent_ids(NOTIFICATIONS)) == _sms_ids("trip_booking_confirmed")
