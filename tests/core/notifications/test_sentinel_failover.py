"""The outbox's exactly-once promise through a Redis Sentinel failover (the broker's master changes mid-flight).

Rows are written in the database before any message reaches Redis, so a message lost with the old master (Redis
replicates asynchronously) is only a row still queued: the dispatch enqueues it again. A message delivered twice
finds its row claimed. Needs real sentinels (tests/sentinels.py).
"""

import time

import pytest

from core.notifications import services
from core.notifications.models import OutboxMessage, Status
from tests.factories import JobSeekerFactory
from tests.sentinels import failover, needs_sentinels

# Marked, not only through the worker's fixture: the database must be open before the autouse fixtures, one of
# which bumps a fragment version, and with read replicas configured (make test-replicas) that asks the primary.
pytestmark = [needs_sentinels, pytest.mark.django_db(transaction=True)]

TRIP = {"trip": "湘A12345", "departure": "2月10日8:00", "time": "2月10日7:30", "place": "洋溪镇政府"}
BATCHES = 3
PER_BATCH = 20


def test_every_sms_goes_out_exactly_once_when_the_broker_fails_over_mid_flight(celery_worker, provider, settings):
    settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS = 2
    seekers = JobSeekerFactory.create_batch(BATCHES * PER_BATCH)
    for batch in range(BATCHES):
        services.notify(
            recipients=seekers[batch * PER_BATCH : (batch + 1) * PER_BATCH],
            template="trip_departure",
            context=TRIP,
            channels=["sms"],
        )
        if batch == 0:
            failover()  # with the first batch's tasks queued or running on the old master

    deadline = time.monotonic() + 60
    while OutboxMessage.objects.exclude(status=Status.SENT).exists():
        if time.monotonic() > deadline:
            pytest.fail(f"unsent after the failover: {list(OutboxMessage.objects.values_list('status', flat=True))}")
        services.outbox_dispatch()  # beat's every two seconds: enqueues again what the old master lost
        time.sleep(0.5)

    assert sorted(provider.phones()) == sorted(seeker.phone for seeker in seekers)
    assert provider.duplicates() == {}
