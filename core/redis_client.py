"""The one way to a Redis client of the portal's own (rate limits, page-visit counters, queue lengths, health).

With REDIS_SENTINELS set the client asks the sentinels which server is the master of REDIS_SENTINEL_MASTER, and asks
again after a failover (redis-py's Sentinel support): REDIS_URL then gives only the database number and password.
Without it, REDIS_URL is the server. Celery and the cache are configured for the same choice in portal/settings.py.
"""

import redis
from django.conf import settings
from redis.connection import parse_url
from redis.sentinel import Sentinel


def redis_client(**options) -> redis.Redis:
    """A client of the master; `options` are redis-py's (socket_timeout, …)."""
    if not settings.REDIS_SENTINELS:
        return redis.Redis.from_url(settings.REDIS_URL, **options)
    address = parse_url(settings.REDIS_URL)
    sentinels = Sentinel(settings.REDIS_SENTINELS, **options)
    return sentinels.master_for(
        settings.REDIS_SENTINEL_MASTER,
        db=address.get("db", 0),
        username=address.get("username"),
        password=address.get("password"),
        **options,
    )
