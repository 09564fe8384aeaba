"""Matching speed over 1,000,000 postings and 1,000,000 workers: "jobs for you" (top 20 for a worker), a posting's
top 50 candidates, and the nightly two-way push for 100,000 workers looking for work.

    REDIS_URL=redis://127.0.0.1:6379/14 flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/matching_speed.py

It creates its own PostgreSQL database (benchmarks/scratch_database.py), migrates it, loads the counties, fills it
with INSERT ... SELECT generate_series (seconds, not the ORM), measures through the same selectors and service
the pages and the beat task call, and drops the database at the end (`--keep` keeps it).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "true")

from benchmarks.scratch_database import POSTGRES_SERVER, create_database, drop_database

DATABASE = "chunfeng_matching_speed"

# Workers come mostly from the labour-exporting provinces, postings mostly from the coastal ones (湖南 四川 河南
# 贵州 江西 安徽; 广东 浙江 江苏 福建), each half the time; the rest anywhere in China.
SENDING_PROVINCES = ["43", "51", "41", "52", "36", "34"]
RECEIVING_PROVINCES = ["44", "33", "32", "35"]
WANTED = ["普工", "电子厂普工", "建筑工", "服装厂", "物流分拣", "保安", "家政", "厨师", "保洁", "司机", "采茶", "焊工"]
SKILLS = ["", "", "电工", "焊工", "叉车", "缝纫", "驾驶", "砌筑"]
CITIES = ["东莞", "深圳", "广州", "长沙", "苏州", "杭州", "宁波", "厦门"]
OCCUPATIONS = [
    "general_worker", "electronics", "sewing", "construction", "technician", "tea_picking", "cleaning",
    "security", "cook", "driver", "courier", "domestic", "sales", "public_service",
]  # fmt: skip


def sql_array(values):
    return "ARRAY[" + ",".join(f"'{value}'" for value in values) + "]"


def pick(array_sql, seed_sql):
    """One element of a SQL array, chosen by a deterministic hash of the row number."""
    return f"({array_sql})[1 + abs(hashint4({seed_sql})) % array_length({array_sql}, 1)]"


def fill_defaults(model, given):
    """Every NOT NULL column the INSERT does not give, with the field's default as a literal."""
    columns = dict(given)
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key or field.null:
            continue
        default = field.get_default()
        if isinstance(default, bool):
            columns[field.column] = "true" if default else "false"
        elif isinstance(default, int | float):
            columns[field.column] = str(default)
        elif default in ("", None) or isinstance(default, list):
            columns[field.column] = "''"
        else:
            columns[field.column] = f"'{default}'"
    return columns


def insert_select(cursor, model, count, columns):
    columns = fill_defaults(model, columns)
    names = ", ".join(columns)
    values = ", ".join(columns.values())
    cursor.execute(f"INSERT INTO {model._meta.db_table} ({names}) SELECT {values} FROM generate_series(1, {count}) i")


def generate(postings, workers, province=""):
    """Employers, postings and workers spread over China's counties, or over one province's (`province`, its two
    digits) when given."""
    from django.db import connection

    from core.accounts.models import User
    from core.regions.models import Region, RegionLevel
    from core.regions.services import regions_load_divisions
    from jobs.models import Employer, JobPosting
    from workers.models import Worker

    regions_load_divisions()
    counties = list(
        Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=province).values_list("code", flat=True)
    )
    # Within one province the sending or the receiving counties may be none: then any of its counties.
    sending = [code for code in counties if code[:2] in SENDING_PROVINCES] or counties
    receiving = [code for code in counties if code[:2] in RECEIVING_PROVINCES] or counties
    all_counties, sending, receiving = sql_array(counties), sql_array(sending), sql_array(receiving)
    with connection.cursor() as cursor:
        # Indexes are dropped for the load and built once at the end: far faster than maintaining them per row
        # (the workers' per-occupation indexes evaluate matching_occupations() for every row).
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('jobs_jobposting', 'workers_worker') "
            "AND indexname NOT LIKE '%%_pkey' AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET maintenance_work_mem = '1GB'")
        employers = 30_000
        insert_select(
            cursor,
            Employer,
            employers,
            {
                "name": "'单位' || i",
                "credit_code": "'91' || lpad(i::text, 16, '0')",
                "industry": "'制造'",
                "region_id": pick(all_counties, "i"),
                "county_id": pick(all_counties, "i"),
                "contact_name": "'王经理'",
                "contact_phone": "'13800000000'",
                "created_at": "now()",
            },
        )
        place = f"CASE WHEN i % 2 = 0 THEN {pick(receiving, 'i * 7')} ELSE {pick(all_counties, 'i * 7')} END"
        wage_min = "3500 + (abs(hashint4(i * 3)) % 30) * 100"
        insert_select(
            cursor,
            JobPosting,
            postings,
            {
                "employer_id": f"1 + abs(hashint4(i * 5)) % {employers}",
                "title": "'岗位' || i",
                "occupation": pick(sql_array(OCCUPATIONS), "i * 11"),
                "description": "'流水线作业'",
                "headcount": "10",
                "wage_min": wage_min,
                "wage_max": f"{wage_min} + (abs(hashint4(i * 13)) % 25) * 100",
                "provides_meals": "abs(hashint4(i * 17)) % 10 < 6",
                "provides_housing": "abs(hashint4(i * 19)) % 10 < 5",
                "return_shuttle": "abs(hashint4(i * 23)) % 10 < 1",
                "work_region_id": place,
                "county_id": place,
                "age_min": "18",
                "age_max": "45 + (abs(hashint4(i * 29)) % 4) * 5",
                "status": "CASE WHEN i % 20 = 0 THEN 'closed' ELSE 'published' END",
                # Everything older than a day: the nightly scenario marks its own new postings.
                "published_at": "now() - interval '1 day' - (abs(hashint4(i * 31)) % 5000000) * interval '1 second'",
                "valid_until": "current_date + (abs(hashint4(i * 37)) % 90)",
                "created_at": "now()",
                "updated_at": "now()",
                "search_tokens": "''::tsvector",
            },
        )
        insert_select(
            cursor,
            User,
            workers,
            {
                "username": "'w' || i",
                "password": "''",
                "phone": "'139' || lpad(i::text, 8, '0')",
                "role": "'job_seeker'",
                "is_active": "true",
                "date_joined": "now()",
            },
        )
        cursor.execute("SELECT min(id) FROM accounts_user WHERE username = 'w1'")
        first_user = cursor.fetchone()[0]
        home = f"CASE WHEN i % 10 < 7 THEN {pick(sending, 'i * 41')} ELSE {pick(all_counties, 'i * 41')} END"
        area = "abs(hashint4(i * 43)) % 10"
        insert_select(
            cursor,
            Worker,
            workers,
            {
                "user_id": f"{first_user} + i - 1",
                "full_name": "'工友' || i",
                "id_number_encrypted": "'x'",
                "id_number_hash": "md5(i::text)",
                "birth_date": "date '1966-01-01' + (abs(hashint4(i * 47)) % 14000)",
                "home_region_id": home,
                "status": "CASE WHEN i % 2 = 0 THEN 'returned' ELSE 'seeking' END",
                "status_since": "current_date",
                "wanted_occupations": pick(sql_array(WANTED), "i * 53"),
                "skills": pick(sql_array(SKILLS), "i * 59"),
                "wanted_area": f"CASE WHEN {area} < 3 THEN 'near_home' WHEN {area} < 6 THEN 'in_province' "
                f"WHEN {area} < 9 THEN 'anywhere' ELSE 'named_cities' END",
                "wanted_cities": f"CASE WHEN {area} = 9 THEN {pick(sql_array(CITIES), 'i * 61')} ELSE '' END",
                "expected_wage": "CASE WHEN i % 5 = 0 THEN NULL ELSE 4000 + (abs(hashint4(i * 67)) % 30) * 100 END",
                "registered_at": "now() - interval '2 days' - (i % 100000) * interval '1 minute'",
                "updated_at": "now() - interval '2 days'",
            },
        )
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table in ("jobs_employer", "jobs_jobposting", "accounts_user", "workers_worker"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def set_aside_occupation_indexes(cursor):
    """Drop the workers' per-occupation indexes (matching/0003) and return their definitions.

    Changing the status of hundreds of thousands of workers otherwise evaluates `matching_occupations()` for each of
    their 28 predicates on every row (about 20 minutes for the night's 900,000 here); dropped, then rebuilt, the
    same change takes a few minutes. Nothing the push does reads them."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'workers_worker' AND indexname LIKE %s",
        ["matching\\_worker\\_%"],
    )
    definitions = cursor.fetchall()
    for name, _definition in definitions:
        cursor.execute(f'DROP INDEX "{name}"')
    return definitions


def rebuild_indexes(cursor, definitions):
    cursor.execute("SET maintenance_work_mem = '1GB'")
    for _name, definition in definitions:
        cursor.execute(definition)


def undo_the_night():
    """What an earlier run's nightly scenario changed, put back (for --reuse): everyone looking for work again,
    nothing new since yesterday, nothing pushed."""
    from django.db import connection

    night = "status = 'working_away' OR updated_at > now() - interval '1 day'"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT FROM workers_worker WHERE {night})")
        if cursor.fetchone()[0]:
            occupation_indexes = set_aside_occupation_indexes(cursor)
            cursor.execute(
                "UPDATE workers_worker SET status = CASE WHEN id % 2 = 0 THEN 'returned' ELSE 'seeking' END, "
                f"updated_at = now() - interval '2 days' WHERE {night}"
            )
            rebuild_indexes(cursor, occupation_indexes)
        cursor.execute(
            "UPDATE jobs_jobposting SET published_at = published_at - interval '2 days', created_by_id = NULL "
            "WHERE published_at > now() - interval '1 day'"
        )
        cursor.execute("TRUNCATE matching_pushedmatch, matching_matchrun, notifications_outboxmessage")
        cursor.execute("VACUUM ANALYZE workers_worker")
        cursor.execute("VACUUM ANALYZE jobs_jobposting")


def timed(function, samples):
    times = []
    for sample in samples:
        started = time.perf_counter()
        function(sample)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1]


def time_the_push(options):
    """The nightly push on the night the database holds, then the same push again (which must send nothing)."""
    from django.utils import timezone

    from core.notifications.models import Channel, OutboxMessage
    from placement.matching.models import MatchRun
    from placement.matching.services import matches_push

    started = time.monotonic()
    run = matches_push(now=timezone.now())
    elapsed = time.monotonic() - started
    sms = OutboxMessage.objects.filter(channel=Channel.SMS).count()
    print(
        f"nightly push: {options.push_workers:,} workers looking for work, {options.new_postings:,} new postings, "
        f"{options.new_workers:,} changed workers: {elapsed:.0f} s; {run.workers_notified:,} workers sent "
        f"{run.jobs_pushed:,} jobs in {sms:,} SMS, {run.owners_notified:,} owners"
    )
    started = time.monotonic()
    MatchRun.objects.update(finished_at=None)
    again = matches_push(now=timezone.now())
    print(f"the same push again: {time.monotonic() - started:.0f} s, {again.jobs_pushed} jobs sent")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--push-workers", type=int, default=100_000)
    parser.add_argument("--new-postings", type=int, default=5_000)
    parser.add_argument("--new-workers", type=int, default=1_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by an earlier --keep run")
    parser.add_argument(
        "--push-only",
        action="store_true",
        help="with --reuse: the kept database already holds the night (a run that stopped at the push); "
        "forget what was pushed and time the push again",
    )
    options = parser.parse_args()

    os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{DATABASE}" if options.reuse else create_database(DATABASE)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from core.accounts.models import Role, User
    from placement.matching.selectors import candidates_for_posting, jobs_for_worker
    from workers.models import Worker

    try:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        if options.push_only:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE matching_pushedmatch, matching_matchrun, notifications_outboxmessage")
            time_the_push(options)
            return
        if not options.reuse:
            generate(options.postings, options.workers)
        undo_the_night()
        print(
            f"generated {options.postings:,} postings and {options.workers:,} workers "
            f"in {time.monotonic() - started:.0f} s"
        )

        admin, _created = User.objects.get_or_create(
            username="bench_admin", defaults={"role": Role.ADMIN, "is_superuser": True, "is_staff": True}
        )
        step = max(options.workers // options.samples, 1)
        worker_ids = list(Worker.objects.order_by("id").values_list("id", flat=True)[::step][: options.samples])
        workers = list(Worker.objects.filter(id__in=worker_ids))
        # Warm the caches the way a running server has them, then measure.
        timed(lambda worker: jobs_for_worker(worker=worker), workers[:20])
        p50, p95, worst = timed(lambda worker: jobs_for_worker(worker=worker), workers)
        print(
            f"jobs for you (top 20 of {options.postings:,} postings): "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms"
        )

        step = max(options.postings // options.samples, 1)
        # Generated ids run from 1; every 20th posting is closed.
        posting_ids = [row for row in range(1, options.postings + 1, step) if row % 20 != 0][: options.samples]
        timed(lambda posting_id: candidates_for_posting(user=admin, posting_id=posting_id), posting_ids[:20])
        p50, p95, worst = timed(
            lambda posting_id: candidates_for_posting(user=admin, posting_id=posting_id), posting_ids
        )
        print(
            f"candidates (top 50 of {options.workers:,} workers): "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms"
        )

        with connection.cursor() as cursor:
            # The night's picture: N workers looking for work (the rest away at work), a few thousand postings
            # published since the last run, a thousand workers who registered or changed their profile today.
            occupation_indexes = set_aside_occupation_indexes(cursor)
            cursor.execute("UPDATE workers_worker SET status = 'working_away' WHERE id > %s", [options.push_workers])
            cursor.execute(
                "UPDATE workers_worker SET updated_at = now() - interval '1 hour' WHERE id <= %s",
                [options.new_workers],
            )
            cursor.execute(
                "UPDATE jobs_jobposting SET published_at = now() - interval '1 hour' WHERE id IN "
                "(SELECT id FROM jobs_jobposting WHERE status = 'published' ORDER BY hashint4(id::int) LIMIT %s)",
                [options.new_postings],
            )
            owners = [
                User.objects.get_or_create(
                    username=f"bench_staff{n}", defaults={"role": Role.COUNTY_STAFF, "region_id": "430181"}
                )[0].pk
                for n in range(100)
            ]
            cursor.execute(
                "UPDATE jobs_jobposting SET created_by_id = (%s::bigint[])[1 + id %% 100] "
                "WHERE published_at > now() - interval '1 day'",
                [owners],
            )
            cursor.execute("VACUUM ANALYZE workers_worker")
            cursor.execute("VACUUM ANALYZE jobs_jobposting")
        time_the_push(options)
        if options.keep:
            with connection.cursor() as cursor:
                rebuild_indexes(cursor, occupation_indexes)
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            drop_database(DATABASE)


if __name__ == "__main__":
    main()
