"""Statistics at province scale: the nightly rebuild of one day over the base tables, the province's and a county's
dashboard, the province's weekly Excel, and the page-visit counter's database writes (there must be none).

    # once (about half an hour): a province's base tables, kept in chunfeng_stats_bench
    .venv/bin/python benchmarks/stats.py --step generate
    # then, as often as needed:
    REDIS_URL=redis://127.0.0.1:6379/3 flock /tmp/chunfeng-benchmark.lock \\
        .venv/bin/python benchmarks/stats.py --step measure

The generated province is 湖南省 (its 122 counties): 1,000,000 workers and 1,000,000 postings (matching_speed's
INSERT ... SELECT generator), 5,000 job fairs with ten employers each, 20,000 trips (30 bookings each: boarded,
no-show, cancelled, or confirmed for the trips still to leave) and 300,000 applications with their state logs,
spread over the 90 days up to now. The measurement rebuilds yesterday through the service the nightly task calls,
then writes a 90-day campaign of daily rows for the province's counties and ten townships in each (what a
province's rebuilds leave, with their roll-ups) and reads the dashboards through the Django test client, as a
signed-in supervisor and county clerk would: once with the cache's generation replaced before every request, as a
rebuild does (the first reader after a rebuild), and once as later readers find it. `--step all` does both and
drops the database unless `--keep`.
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
PROVINCE = "43"  # 湖南省
DESTINATION_PROVINCE = "44"  # 广东省, where the trips go
CAMPAIGN_DAYS = 90
TOWNSHIPS_PER_COUNTY = 10
BOOKINGS_PER_TRIP = 30
FAIR_EMPLOYERS = 10
WRITES = ("INSERT", "UPDATE", "DELETE")
# How an application's state log reads for each state it stands at now.
STATE_PATHS = {
    "applied": ["applied"],
    "recommended": ["applied", "recommended"],
    "intention": ["applied", "recommended", "intention"],
    "signed": ["applied", "recommended", "intention", "signed"],
    "onboarded": ["applied", "recommended", "intention", "signed", "onboarded"],
    "declined": ["applied", "declined"],
    "withdrawn": ["applied", "withdrawn"],
}


def in_campaign(seed_sql):
    """An instant in the last CAMPAIGN_DAYS days, chosen by a hash of the row number."""
    return f"(now() - (abs(hashint4({seed_sql})) % {CAMPAIGN_DAYS * 86400}) * interval '1 second')"


def generate_campaign(*, workers, trips, fairs, applications):
    """Fairs, trips with their bookings and applications with their logs in the province's counties."""
    from django.db import connection

    from benchmarks.matching_speed import insert_select, pick, sql_array
    from core.regions.models import Region, RegionLevel
    from placement.applications.models import Application, ApplicationStateChange, JobFair
    from transport.models import Booking, Trip

    def counties_of(province):
        codes = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=province)
        return sql_array(codes.values_list("code", flat=True))

    counties, destinations = counties_of(PROVINCE), counties_of(DESTINATION_PROVINCE)
    with connection.cursor() as cursor:
        starts = in_campaign("i * 3")
        insert_select(
            cursor,
            JobFair,
            fairs,
            {
                "title": "'春风行动招聘会' || i",
                "kind": pick(sql_array(["offline", "online", "livestream"]), "i"),
                "starts_at": starts,
                "ends_at": f"{starts} + interval '4 hours'",
                "place": "'县人力资源市场'",
                "stream_url": "'https://live.example.cn/' || i",
                "county_id": pick(counties, "i * 5"),
                "created_at": "now()",
            },
        )
        cursor.execute(
            f"INSERT INTO {JobFair.employers.through._meta.db_table} (jobfair_id, employer_id) "
            f"SELECT DISTINCT fair.id, 1 + abs(hashint4((fair.id * {FAIR_EMPLOYERS} + k)::int)) % 30000 "
            f"FROM {JobFair._meta.db_table} fair, generate_series(1, {FAIR_EMPLOYERS}) k"
        )
        departs = in_campaign("i * 7")
        insert_select(
            cursor,
            Trip,
            trips,
            {
                "mode": "CASE WHEN i % 5 = 0 THEN 'train' ELSE 'coach' END",
                "service_number": "'湘A' || lpad(i::text, 5, '0')",
                "origin_county_id": pick(counties, "i * 11"),
                "destination_region_id": pick(destinations, "i * 13"),
                "destination_address": "'工业园'",
                "departs_at": departs,
                "arrives_at": f"{departs} + interval '10 hours'",
                "capacity": "50",
                "taken": str(BOOKINGS_PER_TRIP),
                "seats_issued": str(BOOKINGS_PER_TRIP),
                "booking_opens_at": f"{departs} - interval '7 days'",
                "booking_closes_at": f"{departs} - interval '1 hour'",
                "contact_name": "'李师傅'",
                "contact_phone": "'13900000000'",
                "boarding_checks": "'[]'::jsonb",
                "status": f"CASE WHEN {departs} < now() THEN 'arrived' ELSE 'open' END",
                "manifest_token": "md5('trip' || i)",
                "created_at": "now()",
            },
        )
        cursor.execute("SELECT min(id) FROM workers_worker")
        first_worker = cursor.fetchone()[0]
        cursor.execute("SELECT min(id), count(*) FROM jobs_jobposting")
        first_posting, postings = cursor.fetchone()
        cursor.execute(f"SELECT min(id) FROM {JobFair._meta.db_table}")
        first_fair = cursor.fetchone()[0]
        # Seats 1-26 boarded, 27-28 no-shows, 29-30 cancelled on the trips that left; confirmed on the others.
        status = (
            "CASE WHEN trip.status = 'open' THEN 'confirmed' WHEN seat <= 26 THEN 'boarded' "
            "WHEN seat <= 28 THEN 'no_show' ELSE 'cancelled' END"
        )
        cursor.execute(
            f"""
            INSERT INTO {Booking._meta.db_table} (trip_id, worker_id, status, seat_number, code, trip_departs_at,
                trip_arrives_at, checks_passed, created_at, boarded_at, cancelled_at)
            SELECT id, {first_worker} + ((id * {BOOKINGS_PER_TRIP} + seat) % {workers}), status,
                   CASE WHEN status IN ('confirmed', 'boarded') THEN seat END, 'B' || id || '-' || seat,
                   departs_at, arrives_at, '[]'::jsonb, departs_at - interval '3 days',
                   CASE WHEN status = 'boarded' THEN departs_at END,
                   CASE WHEN status = 'cancelled' THEN departs_at - interval '1 day' END
            FROM (SELECT trip.id, trip.departs_at, trip.arrives_at, seat, {status} AS status
                  FROM {Trip._meta.db_table} trip, generate_series(1, {BOOKINGS_PER_TRIP}) seat) seats
            """
        )
        state = "abs(hashint4(i * 19)) % 100"
        created = in_campaign("i * 17")
        insert_select(
            cursor,
            Application,
            applications,
            {
                "worker_id": f"{first_worker} + (i - 1) % {workers}",
                "posting_id": f"{first_posting} + abs(hashint4(i * 23)) % {postings}",
                "state": f"CASE WHEN {state} < 50 THEN 'applied' WHEN {state} < 60 THEN 'recommended' "
                f"WHEN {state} < 70 THEN 'intention' WHEN {state} < 80 THEN 'signed' "
                f"WHEN {state} < 90 THEN 'onboarded' WHEN {state} < 95 THEN 'declined' ELSE 'withdrawn' END",
                "source": "CASE WHEN i % 4 = 0 THEN 'job_fair' ELSE 'self_applied' END",
                "fair_id": f"CASE WHEN i % 4 = 0 THEN {first_fair} + i % {fairs} END",
                "created_at": created,
                "updated_at": created,
            },
        )
        paths = " ".join(
            f"WHEN '{state}' THEN ARRAY[{', '.join(repr(step) for step in steps)}]"
            for state, steps in STATE_PATHS.items()
        )
        cursor.execute(
            f"""
            INSERT INTO {ApplicationStateChange._meta.db_table} (application_id, from_state, to_state, changed_at,
                note)
            SELECT id, coalesce(path[step - 1], ''), path[step], created_at + (step - 1) * interval '1 day', ''
            FROM (SELECT id, created_at, CASE state {paths} END AS path
                  FROM {Application._meta.db_table}) application,
                 generate_series(1, array_length(path, 1)) step
            """
        )
        for model in (JobFair, Trip, Booking, Application, ApplicationStateChange):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def timed_requests(client, url, samples, before_each=None):
    durations = []
    for _ in range(samples):
        if before_each is not None:
            before_each()
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


def generate(options):
    from django.core.management import call_command

    from benchmarks.matching_speed import generate as generate_supply_and_demand

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    generate_supply_and_demand(postings=options.postings, workers=options.workers, province=PROVINCE)
    generate_campaign(
        workers=options.workers, trips=options.trips, fairs=options.fairs, applications=options.applications
    )
    print(
        f"generated {options.workers:,} workers, {options.postings:,} postings, {options.fairs:,} fairs, "
        f"{options.trips:,} trips, {options.applications:,} applications in {time.perf_counter() - start:.0f} s"
    )


def measure(options):
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from core.accounts.models import Role, User
    from core.regions.models import Region
    from portal.statistics.cache import dashboard_cache_expire
    from portal.statistics.models import DailyFigures, DailyTotals
    from portal.statistics.services import daily_figures_rebuild
    from portal.statistics.totals import daily_totals_write

    call_command("migrate", verbosity=0)
    yesterday = timezone.localdate() - timedelta(days=1)
    rebuilds = []
    for _ in range(3):
        start = time.perf_counter()
        regions = daily_figures_rebuild(day=yesterday)
        rebuilds.append(time.perf_counter() - start)
    counted = DailyTotals.objects.get(day=yesterday, prefix=PROVINCE)
    print(
        f"nightly rebuild of one day: {min(rebuilds):.1f}-{max(rebuilds):.1f} s ({regions:,} regions; the province "
        f"counted {counted.postings_open:,} postings open, "
        f"{counted.workers_returned + counted.workers_seeking:,} workers on file, "
        f"{counted.applications_applied:,} applications, {counted.trips_coach + counted.trips_train:,} trips, "
        f"{counted.boarded:,} people boarded)"
    )

    DailyFigures.objects.all().delete()
    first_day = timezone.localdate() - timedelta(days=CAMPAIGN_DAYS - 1)
    rows = fill_province_days(first_day)
    start = time.perf_counter()
    for offset in range(CAMPAIGN_DAYS):
        day = first_day + timedelta(days=offset)
        daily_totals_write(figures_model=DailyFigures, totals_model=DailyTotals, day=day, rebuilt_at=timezone.now())
    took = (time.perf_counter() - start) / CAMPAIGN_DAYS * 1000
    print(f"daily rows for 湖南省: {rows:,} ({CAMPAIGN_DAYS} days); rolling up one day: {took:.0f} ms")

    User.objects.filter(username__in=["bench_supervisor", "bench_clerk"]).delete()
    supervisor = User.objects.create_user(
        "bench_supervisor", role=Role.SUPERVISOR, region=Region.objects.get(code=f"{PROVINCE}0000")
    )
    clerk = User.objects.create_user("bench_clerk", role=Role.COUNTY_STAFF, region=Region.objects.get(code="430181"))
    period = f"start={first_day.isoformat()}&end={timezone.localdate().isoformat()}"
    for label, user in (("province", supervisor), ("county", clerk)):
        client = Client()
        client.force_login(user)
        timed_requests(client, f"/console/stats/?{period}", 3)  # warm-up
        cold = timed_requests(client, f"/console/stats/?{period}", options.samples, before_each=dashboard_cache_expire)
        warm = timed_requests(client, f"/console/stats/?{period}", options.samples)
        print(
            f"{label} dashboard, 90 days: first reader after a rebuild p50 {statistics.median(cold):.0f} ms, "
            f"p95 {p95(cold):.0f} ms; later readers p50 {statistics.median(warm):.0f} ms, p95 {p95(warm):.0f} ms"
        )
    client = Client()
    client.force_login(supervisor)
    week = timezone.localdate() - timedelta(days=7)
    durations = timed_requests(client, f"/console/stats/weekly.xlsx?week={week.isoformat()}", 10)
    print(f"province weekly Excel: p50 {statistics.median(durations):.0f} ms, max {max(durations):.0f} ms")

    with CaptureQueriesContext(connection) as queries:
        Client().get("/")
    writes = [query for query in queries if query["sql"].lstrip().upper().startswith(WRITES)]
    print(f"database writes during a counted page visit: {len(writes)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", choices=["all", "generate", "measure"], default="all")
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--trips", type=int, default=20_000)
    parser.add_argument("--fairs", type=int, default=5_000)
    parser.add_argument("--applications", type=int, default=300_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--database", default=DATABASE, help="the scratch database's name")
    parser.add_argument("--keep", action="store_true", help="keep the database after --step all")
    options = parser.parse_args()

    if options.step == "measure":
        os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{options.database}"
    else:
        os.environ["DATABASE_URL"] = create_database(options.database)
    keep = options.keep or options.step != "all"
    try:
        import django

        django.setup()
        if options.step in ("all", "generate"):
            generate(options)
        if options.step in ("all", "measure"):
            measure(options)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            drop_database(options.database)
        print(f"database {POSTGRES_SERVER}/{options.database} {'kept' if keep else 'dropped'}")


if __name__ == "__main__":
    main()
