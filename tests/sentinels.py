"""Redis Sentinel for the tests that run the portal through it (docs/testing.md, "Redis Sentinel").

Such a run sets REDIS_SENTINELS to sentinels of a master and replica of its own (`bin/redis-sentinels start`) and
REDIS_URL to the database number, e.g. redis://chunfeng/1; every other run skips these tests, saying so.
"""

import contextlib
import time

import pytest
import redis
from django.conf import settings
from redis.sentinel import Sentinel

needs_sentinels = pytest.mark.skipif(
    not settings.REDIS_SENTINELS,
    reason="no Redis Sentinel configured: bin/redis-sentinels start, then REDIS_SENTINELS=127.0.0.1:26391,"
    "127.0.0.1:26392,127.0.0.1:26393 REDIS_URL=redis://chunfeng/1 (docs/testing.md, 'Redis Sentinel')",
)


def master_address():
    return Sentinel(settings.REDIS_SENTINELS, socket_timeout=1).discover_master(settings.REDIS_SENTINEL_MASTER)


def wait_until_replicated(key, db, timeout=10):
    """Redis replicates after answering the write: a key is safe from a failover once every replica holds it."""
    replicas = Sentinel(settings.REDIS_SENTINELS, socket_timeout=1).discover_slaves(settings.REDIS_SENTINEL_MASTER)
    deadline = time.monotonic() + timeout
    while not all(redis.Redis(*address, db=db, socket_timeout=1).exists(key) for address in replicas):
        if time.monotonic() > deadline:
            pytest.fail(f"{key} did not reach the replicas {replicas}")
        time.sleep(0.05)


def server_role(address):
    return redis.Redis(*address, socket_timeout=1).info("replication")["role"]


# How long one SENTINEL FAILOVER is given before it is asked again: a sentinel that finds no replica fit to promote
# (the old master of a failover a few seconds before, still syncing as a replica) aborts it and does not try again
# by itself.
ATTEMPT_SECONDS = 8


def failover(timeout=30):
    """SENTINEL FAILOVER (asked again while the master has not changed: a sentinel may refuse or abort it); returns
    the new master once the old one serves as its replica."""
    old = master_address()
    host, port = settings.REDIS_SENTINELS[0]
    sentinel = redis.Redis(host, port, socket_timeout=2)
    deadline = time.monotonic() + timeout
    asked_at = None
    while time.monotonic() < deadline:
        try:
            new = master_address()
            if new != old:
                if server_role(new) == "master" and server_role(old) == "slave":
                    return new
            elif asked_at is None or time.monotonic() - asked_at > ATTEMPT_SECONDS:
                asked_at = time.monotonic()
                # NOGOODSLAVE or INPROG: the replica is not ready yet, or a failover is under way.
                with contextlib.suppress(redis.ResponseError):
                    sentinel.execute_command("SENTINEL", "FAILOVER", settings.REDIS_SENTINEL_MASTER)
        except redis.RedisError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the sentinels did not fail over from {old} within {timeout} s")
