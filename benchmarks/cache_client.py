"""What one cache read costs through Django's own Redis backend and through django-redis, on the same server.

    REDIS_URL=redis://127.0.0.1:6379/9 DEBUG=true .venv/bin/python benchmarks/cache_client.py

Django's RedisCache builds a client object for every call; django-redis (the portal's backend since the Sentinel
work) keeps one. Both read the same small dict, 5,000 times a round, five rounds each, alternating; the key is
deleted afterwards (nothing else in that Redis database is touched).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.core.cache.backends.redis import RedisCache  # noqa: E402
from django_redis.cache import RedisCache as DjangoRedisCache  # noqa: E402

CALLS = 5000
ROUNDS = 5
KEY = "cache-client-benchmark"


def main():
    url = os.environ.get("REDIS_URL")
    if not url:
        sys.exit("Set REDIS_URL to a Redis database this may write one key to.")
    backends = {"django": RedisCache(url, {}), "django-redis": DjangoRedisCache(url, {})}
    backends["django"].set(KEY, {"count": 1})
    rounds = {name: [] for name in backends}
    for _round in range(ROUNDS):
        for name, cache in backends.items():
            cache.get(KEY)
            started = time.perf_counter()
            for _call in range(CALLS):
                cache.get(KEY)
            rounds[name].append((time.perf_counter() - started) / CALLS * 1e6)
    backends["django"].delete(KEY)
    print(f"load average {os.getloadavg()[0]:.1f}; µs per get, {ROUNDS} rounds of {CALLS:,}")
    for name, samples in rounds.items():
        print(f"{name:13} median {statistics.median(samples):4.0f}   rounds: {' '.join(f'{s:.0f}' for s in samples)}")


if __name__ == "__main__":
    main()
