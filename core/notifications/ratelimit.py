"""A messages-per-second limit per gateway, shared by every Celery worker through Redis.

A sliding one-second log in a Lua script (atomic on the Redis server, timed by the server's clock, so workers on
different machines agree): a caller asks for n messages under its limit (pushes to many a lower one than the
messages a person waits for, in the same window) and either gets them or learns how long to wait. A batch
larger than the rate can never fit, so senders cut their provider calls to at most the rate.
"""

import math
import time
import uuid

import redis
from django.conf import settings

from core.redis_client import redis_client

# One second plus a margin for the network: a call let through at the very end of a window can reach the
# provider a little later, and the provider counts by arrival.
WINDOW_MICROSECONDS = 1_100_000

_ACQUIRE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  used = used + tonumber(string.match(member, '^(%d+):'))
end
local wanted = tonumber(ARGV[2])
if used + wanted <= tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, wanted .. ':' .. ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, math.ceil((tonumber(oldest[2]) + window - now) / 1000))
"""

_clients = {}


def _client():
    # Keyed by the configuration, so that a test pointing the settings at another Redis gets a client of that one.
    where = (settings.REDIS_URL, tuple(settings.REDIS_SENTINELS))
    if where not in _clients:
        _clients[where] = redis_client(socket_timeout=5, retry_on_timeout=True)
    return _clients[where]


def messages_per_second(*, bulk=False):
    """The rate a send may use, 0 when the limit is off (and always off without Redis, in the embedded mode). The
    messages a person waits for may use the whole configured rate; those sent in bulk (to many at once: broadcasts,
    the nightly push, MessageTemplate.in_bulk) leave NOTIFICATIONS_SMS_RATE_RESERVED_SHARE of each second to them,
    so that a sign-in code never waits at the limit behind a broadcast (docs/notifications.md, "Queues")."""
    rate = settings.NOTIFICATIONS_SMS_RATE_LIMIT if settings.REDIS_URL else 0
    if rate and bulk:
        # Never 0: a rate too small to share still sends the broadcast.
        return max(1, math.floor(rate * (1 - settings.NOTIFICATIONS_SMS_RATE_RESERVED_SHARE)))
    return rate


def rate_limit_acquire(*, gateway, count, bulk=False):
    """Block until `count` messages may go out through `gateway` without exceeding the shared rate: one window for
    every send, which those sent in bulk may fill only up to their share (`messages_per_second`)."""
    rate = messages_per_second(bulk=bulk)
    if not rate:
        return
    if count > rate:
        raise ValueError(f"a call of {count} messages can never fit a rate of {rate} per second")
    client = _client()
    script = client.register_script(_ACQUIRE)
    key = f"chunfeng:notifications:rate:{gateway}"
    while True:
        try:
            wait_ms = script(keys=[key], args=[rate, count, WINDOW_MICROSECONDS, uuid.uuid4().hex])
        except redis.ConnectionError:
            # Redis restarting: the limit cannot be checked, so wait rather than risk exceeding it.
            wait_ms = 500
        if wait_ms == 0:
            return
        time.sleep(wait_ms / 1000)
