"""The cache, the Celery broker and the portal's own Redis clients through Redis Sentinel, before and after a
failover (portal/settings.py, core/redis_client.py); needs real sentinels (tests/sentinels.py)."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from kombu import Connection

from core.redis_client import redis_client
from tests.sentinels import failover, master_address, needs_sentinels, wait_until_replicated

# The database too: `make test-replicas` also configures read replicas, and then every fragment-version bump (the
# autouse region-picker fixture makes one) asks the primary for its WAL position (core/fragment_cache.py).
pytestmark = [needs_sentinels, pytest.mark.django_db]


def _database():
    return redis_client().connection_pool.connection_kwargs["db"]


def _held_by_the_master(key):
    return redis.Redis(*master_address(), db=_database(), socket_timeout=1).exists(key) == 1


def _broker_round_trip(queue_name, payload):
    """A message through the broker's transport, as Celery's publisher and worker use it; what came back."""
    from portal.celery import app

    with Connection(settings.CELERY_BROKER_URL, transport_options=app.conf.broker_transport_options) as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            queue.put(payload)
            message = queue.get(timeout=5)
            message.ack()
            return message.payload
        finally:
            queue.close()


def test_the_cache_the_broker_and_the_portals_clients_use_the_master_the_sentinels_name_before_and_after_a_failover():
    cache.set("sentinel-check", "before")
    assert cache.get("sentinel-check") == "before"
    assert _held_by_the_master(cache.make_and_validate_key("sentinel-check"))
    assert _broker_round_trip("sentinel-check", {"n": 1}) == {"n": 1}
    redis_client().set("sentinel-client-check", 1)
    wait_until_replicated(cache.make_and_validate_key("sentinel-check"), _database())
    wait_until_replicated("sentinel-client-check", _database())

    new_master = failover()

    # The same cache and clients, with nothing restarted: they ask the sentinels again and reach the new master.
    assert cache.get("sentinel-check") == "before"
    cache.set("sentinel-check", "after")
    assert cache.get("sentinel-check") == "after"
    assert master_address() == new_master
    assert _held_by_the_master(cache.make_and_validate_key("sentinel-check"))
    assert _broker_round_trip("sentinel-check", {"n": 2}) == {"n": 2}
    assert redis_client().incr("sentinel-client-check") == 2
