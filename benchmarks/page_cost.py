"""What one request for a page costs in Python and in the database, measured in-process (no gunicorn, no wrk).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chunfeng_bench \
        flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/page_cost.py '/jobs/?q=普工' --profile

Runs the page through the whole Django stack (middleware, view, templates) with DEBUG off and the job list's result
cache off (`--cached`: on, with REDIS_URL set, what a repeated search costs), the way benchmarks/search.py's gunicorn
serves it, and reports per request: the wall time (p50), the time
spent waiting for SQL, and the CPU time of this process, which is what the rendering costs. Unlike the load test's
requests per second, the CPU time hardly moves when other work shares the machine. `--profile` adds cProfile's
top functions. Run `manage.py collectstatic` first (DEBUG off serves hashed static names).
"""

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.update(
    DJANGO_SETTINGS_MODULE="benchmarks.settings",
    DEBUG="false",
    SECRET_KEY=secrets.token_urlsafe(50),
    PII_KEY=secrets.token_urlsafe(32),
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="false",
    LOG_LEVEL="WARNING",
)
# Read before Django's settings are: the result cache's setting is read when they load.
CACHED = "--cached" in sys.argv[1:]
os.environ["JOBS_LIST_CACHE_SECONDS"] = "60" if CACHED else "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks.database_clock import DatabaseClock  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/jobs/?q=普工")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="then profile 100 more requests with cProfile")
    parser.add_argument("--cached", action="store_true", help="with the job list's result cache on")
    options = parser.parse_args()

    client = Client()
    for _warm_up in range(20):
        response = client.get(options.path)
    if response.status_code != 200:
        sys.exit(f"{options.path} answered {response.status_code}")

    clock = DatabaseClock()
    walls = []
    cpu_started = time.process_time()
    with connection.execute_wrapper(clock):
        for _request in range(options.requests):
            started = time.perf_counter()
            client.get(options.path)
            walls.append((time.perf_counter() - started) * 1000)
    cpu = (time.process_time() - cpu_started) * 1000 / options.requests
    print(
        f"{options.path}: {len(response.content) / 1024:.1f} KB; per request: wall p50 "
        f"{statistics.median(walls):.1f} ms, waiting for SQL {clock.seconds * 1000 / options.requests:.1f} ms, "
        f"Python CPU {cpu:.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    if options.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _request in range(100):
            client.get(options.path)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
