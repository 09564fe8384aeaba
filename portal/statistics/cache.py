"""Figures kept in the cache until the next rebuild.

Every key carries the current *generation*, a token the rebuild replaces when it commits: what was cached before is
then never read again (and expires on its own). Visits folded in meanwhile show at the next rebuild, at most a
quarter of an hour later (rebuild_today's period).
"""

from collections.abc import Callable
from typing import TypeVar
from uuid import uuid4

from django.core.cache import cache

GENERATION_KEY = "statistics:generation"
# Entries of an older generation are never read; this only bounds how long they take up room.
CACHED_SECONDS = 60 * 60

T = TypeVar("T")


def dashboard_cache_expire() -> None:
    cache.set(GENERATION_KEY, uuid4().hex, timeout=None)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Lost (a cache restarted empty): a new one, so nothing cached under an older token can be served.
        cache.add(GENERATION_KEY, uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def cached_until_rebuild(key: str, compute: Callable[[], T]) -> T:
    full_key = f"statistics:{_generation()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, CACHED_SECONDS)
    return value
