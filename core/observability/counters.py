"""Counters kept in the cache (Redis whenever REDIS_URL is set), for events that happen in any process on any host
and that the metrics endpoint reports as Prometheus counters: SMS sent, failed, delivered, undelivered.

Counting them from the outbox table at each scrape would read every row ever sent; a counter is one key. Added after
the commit of the change it counts, so a rolled-back send is never counted. A counter lost with Redis starts again
from zero, which Prometheus' rate() reads as a reset, not as a drop.
"""

from django.core.cache import cache
from django.db import transaction

_PREFIX = "metrics-counter:"


def counter_add(name, amount=1):
    if amount <= 0:
        return

    def add():
        key = _PREFIX + name
        cache.add(key, 0, timeout=None)
        cache.incr(key, amount)

    transaction.on_commit(add)


def counter_values(names):
    found = cache.get_many([_PREFIX + name for name in names])
    return {name: int(found.get(_PREFIX + name, 0)) for name in names}
