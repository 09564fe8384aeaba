"""Celery beat's scheduler: exactly one beat sends the schedule, and it says that it is alive.

Exactly one: a second beat started by mistake (on another host, by a second `docker compose up`) would send every
entry twice: each broadcast dispatch, each reminder run. Each beat holds a lock in Redis while it sends: the one that
holds it renews it at every tick; any other sends nothing and tries again every BEAT_LOCK_RETRY_SECONDS, so that it
takes over within BEAT_LOCK_SECONDS when the first one dies (at once when it stops cleanly: it lets the lock go).

Alive: /healthz?full=1 and the metrics read the time of the sending beat's last tick (core/heartbeat.py), and the
example alert fires when it is three minutes old (docs/operations.md).
"""

import contextlib
import logging
import os
import socket

from celery.beat import PersistentScheduler
from django.conf import settings
from redis.exceptions import LockError, RedisError

from core.heartbeat import beat_tick_record
from core.redis_client import redis_client

logger = logging.getLogger(__name__)

BEAT_LOCK_KEY = "chunfeng:beat-lock"


class TickRecordingScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        self._lock = None
        self._holding = False
        super().__init__(*args, **kwargs)

    def _lock_held(self):
        """Take the lock, or keep it for another BEAT_LOCK_SECONDS; whether this beat may send."""
        if not settings.REDIS_URL:  # embedded: tasks run in-process and no second beat can share anything
            return True
        if self._lock is None:
            self._lock = redis_client(socket_timeout=5).lock(
                BEAT_LOCK_KEY, timeout=settings.BEAT_LOCK_SECONDS, thread_local=False
            )
        try:
            if self._holding:
                self._lock.reacquire()
            else:
                # The owner's name as the value: `GET chunfeng:beat-lock` tells an operator which host sends.
                self._holding = self._lock.acquire(blocking=False, token=f"{socket.gethostname()}:{os.getpid()}")
                if self._holding:
                    logger.info("This beat holds %s and sends the schedule", BEAT_LOCK_KEY)
        except LockError:
            logger.warning("This beat lost %s (it was silent too long): another beat may send now", BEAT_LOCK_KEY)
            self._holding = False
        except RedisError:
            # Redis down: nothing could be sent anyway; keep the lock's state and ask again at the next tick.
            logger.warning("Redis unavailable: this beat cannot renew %s", BEAT_LOCK_KEY, exc_info=True)
            return False
        return self._holding

    def tick(self, *args, **kwargs):
        if not self._lock_held():
            logger.info("Another beat holds %s: this one sends nothing", BEAT_LOCK_KEY)
            return settings.BEAT_LOCK_RETRY_SECONDS
        beat_tick_record()
        # Back before the lock lapses, however long until the next entry is due.
        return min(super().tick(*args, **kwargs), settings.BEAT_LOCK_SECONDS / 3)

    def close(self):
        if self._holding:
            with contextlib.suppress(LockError, RedisError):  # lapsed or unreachable: it expires by itself
                self._lock.release()
            self._holding = False
        super().close()
