"""Rendered HTML kept in the shared cache under a version that every relevant write bumps.

A fragment is stored together with the version it was rendered at, and both are read in one round trip: bumping
the version makes every fragment stored before it stale at once, in every worker, without finding and deleting
them. Used for the job list's results (jobs/pagecache.py) and the region pickers (core/regions/fields.py).
"""

import time

from django.core.cache import cache

from core.replicas import primary_wal_position, replica_reads_include


def _fresh_version():
    # Not 1: if the version key is ever evicted, a fragment stored under an earlier "1" must not come back to life.
    return time.time_ns()


def _position_key(version_key):
    return f"{version_key}:primary-position"


def fragment_version_bump(version_key):
    try:
        cache.incr(version_key)
    except ValueError:  # not set yet, or evicted: any new value makes the stored fragments stale
        cache.set(version_key, _fresh_version(), timeout=None)
    # With read replicas: the fragments rendered next must come from data that has the write behind this bump.
    position = primary_wal_position()
    if position is not None:
        cache.set(_position_key(version_key), position, timeout=None)


def cached_fragment(*, version_key, key, render, timeout):
    """The fragment stored under `key` at the current version of `version_key`, or `render()`, stored for next time."""
    found = cache.get_many([version_key, key, _position_key(version_key)])
    version = found.get(version_key)
    if version is None:
        cache.add(version_key, _fresh_version(), timeout=None)
        version = cache.get(version_key)
    stored_version, fragment = found.get(key, (None, None))
    if stored_version != version:
        replica_reads_include(found.get(_position_key(version_key)))
        fragment = render()
        cache.set(key, (version, fragment), timeout=timeout)
    return fragment
