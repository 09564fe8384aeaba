"""The job list's rendered results, cached for a minute per search, and dropped as soon as a posting changes.

Two cores serve a county's whole job fair: without this every visitor who follows the same link from a WeChat
group would have the same page searched and rendered again. The key carries a version that the services bump
whenever a posting is published, closed, filled or expired, so a new posting shows at once; anything else (an
edit) shows within `JOBS_LIST_CACHE_SECONDS`.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

_VERSION_KEY = "jobs:list-version"


def list_cache_invalidate():
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # not set yet, or evicted: any new value makes the stored fragments stale
        cache.set(_VERSION_KEY, 1, timeout=None)


def cached_list_fragment(query, render):
    """The cached rendering of the list for `query` (a QueryDict), or `render()` stored for next time.

    JOBS_LIST_CACHE_SECONDS=0 turns the cache off: neither read nor written.

    The fragment is stored with the version it was rendered at, and both are read in one round trip.
    """
    if not settings.JOBS_LIST_CACHE_SECONDS:
        return render()
    canonical = "&".join(f"{name}={value}" for name, values in sorted(query.lists()) for value in values)
    key = f"jobs:list:{get_language()}:{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"
    found = cache.get_many([_VERSION_KEY, key])
    version = found.get(_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(_VERSION_KEY, version, timeout=None)
    stored_version, fragment = found.get(key, (None, None))
    if stored_version != version:
        fragment = render()
        cache.set(key, (version, fragment), timeout=settings.JOBS_LIST_CACHE_SECONDS)
    return fragment
