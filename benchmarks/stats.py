"""Statistics at province scale: the nightly rebuild of one day over the base tables, the province's and a county's
dashboard, the province's weekly Excel, and the page-visit counter's database writes (there must be none).

    REDIS_URL=redis://127.0.0.1:6379/14 flock /tmp/chunfeng-benchmark.lock \\
        .venv/bin/python benchmarks/stats.py --workers 1000000 --postings 1000000

It creates its own database (benchmarks/scratch_database.py), fills workers and postings with matching_speed's
INSERT ... SELECT generator (all of China's counties), rebuilds one day through the service the nightly task calls,
then writes a 90-day campaign of daily rows for 湖南省 (its 122 counties and ten townships each: what a province's
rebuilds leave) and reads the dashboards through the Django test client, as a signed-in supervisor and county clerk
would. The database is dropped at the end (`--keep` keeps it).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "true")
# The test client that reads the dashboards calls itself "testserver".
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from benchmarks.scratch_database import POSTGRES_SERVER, create_database, drop_database

DATABASE = "chunfeng_stats_bench"
CAMPAIGN_DAYS = 90
TOWNSHIPS_PER_COUNTY = 10
WRITES = ("INSERT", "UPDATE", "DELETE")


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def timed_requests(client, url, samples):
    durations = []
    for _ in range(samples):
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return durations


def fill_province_days(first_day):
    """A 90-day campaign of daily rows for every county of 湖南省 and ten townships in each."""
    from django.db import connection

    from portal.statistics.catalogue import FIGURES

    names = [figure.name for figure in FIGURES]
    values = ", ".join(f"abs(hashint4(n::int * {index + 7} + d)) %% 50" for index, _name in enumerate(names))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO statistics_dailyfigures (day, region_code, carried_by_province, rebuilt_at, {", ".join(names)})
            SELECT %s::date + d, code, '{{"44": 3}}'::jsonb, now(), {values}
            FROM generate_series(0, {CAMPAIGN_DAYS - 1}) d,
                 (SELECT code, row_number() OVER () AS n FROM (
                      SELECT code FROM regions_region WHERE level = 'county' AND code LIKE '43%%'
                      UNION ALL
                      SELECT r.code || lpad(t::text, 3, '0') FROM regions_region r,
                             generate_series(1, {TOWNSHIPS_PER_COUNTY}) t
                      WHERE r.level = 'county' AND r.code LIKE '43%%') codes) regions
            """,
            [first_day],
        )
        cursor.execute("VACUUM ANALYZE statistics_dailyfigures")
        cursor.execute("SELECT count(*) FROM statistics_dailyfigures")
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()

    os.environ["DATABASE_URL"] = create_database(DATABASE)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from benchmarks.matching_speed import generate
        from core.accounts.models import Role, User
        from core.regions.models import Region
        from core.regions.services import regions_load_divisions
        from portal.statistics.services import daily_figures_rebuild

        call_command("migrate", verbosity=0)
        if options.workers or options.postings:
            start = time.perf_counter()
            generate(postings=options.postings, workers=options.workers)
            took = time.perf_counter() - start
            print(f"generated {options.workers:,} workers, {options.postings:,} postings in {took:.0f} s")
            yesterday = timezone.localdate() - timedelta(days=1)
            rebuilds = []
            for _ in range(3):
                start = time.perf_counter()
                regions = daily_figures_rebuild(day=yesterday)
                rebuilds.append(time.perf_counter() - start)
            print(f"nightly rebuild of one day: {min(rebuilds):.1f}-{max(rebuilds):.1f} s ({regions:,} regions)")
        else:  # only the dashboards (--workers 0 --postings 0): they read the daily rows alone
            regions_load_divisions()

        from portal.statistics.models import DailyFigures

        DailyFigures.objects.all().delete()
        first_day = timezone.localdate() - timedelta(days=CAMPAIGN_DAYS - 1)
        rows = fill_province_days(first_day)
        print(f"daily rows for 湖南省: {rows:,} ({CAMPAIGN_DAYS} days)")

        supervisor = User.objects.create_user(
            "bench_supervisor", role=Role.SUPERVISOR, region=Region.objects.get(code="430000")
        )
        clerk = User.objects.create_user(
            "bench_clerk", role=Role.COUNTY_STAFF, region=Region.objects.get(code="430181")
        )
        period = f"start={first_day.isoformat()}&end={timezone.localdate().isoformat()}"
        for label, user in (("province", supervisor), ("county", clerk)):
            client = Client()
            client.force_login(user)
            timed_requests(client, f"/console/stats/?{period}", 3)  # warm-up
            durations = timed_requests(client, f"/console/stats/?{period}", options.samples)
            print(f"{label} dashboard, 90 days: p50 {statistics.median(durations):.0f} ms, p95 {p95(durations):.0f} ms")
        client = Client()
        client.force_login(supervisor)
        week = timezone.localdate() - timedelta(days=7)
        durations = timed_requests(client, f"/console/stats/weekly.xlsx?week={week.isoformat()}", 10)
        print(f"province weekly Excel: p50 {statistics.median(durations):.0f} ms, max {max(durations):.0f} ms")

        with CaptureQueriesContext(connection) as queries:
            Client().get("/")
        writes = [
            query for query in queries if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        print(f"database writes during a counted page visit: {len(writes)}")
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            drop_database(DATABASE)
        print(f"database {POSTGRES_SERVER}/{DATABASE} {'kept' if options.keep else 'dropped'}")


if __name__ == "__main__":
    main()
