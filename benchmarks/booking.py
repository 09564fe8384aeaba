"""Booking benchmark: seats claimed by many phones at once through `transport.services.booking_create`, the
service behind POST /api/v1/trips/{id}/bookings/ (trip checked, then seat claimed, booking inserted and the SMS and
inbox outbox rows written in one statement, exactly as the API does). The workers are loaded before the clock, as
an API request has its authenticated user before the service is called.

Scenarios, in one run:
  contended   --requests (1,000) booking requests for ONE trip of --capacity (50) seats, from --processes x
              --threads concurrent clients, released together: confirmed (must be 50), waitlisted (950), oversold
              (must be 0), waiting list in arrival order, throughput and p50/p99 latency.
  spread      --trips (1,000) trips x 50 seats booked by 50 x --trips (50,000) workers at once: throughput, p99,
              oversold (must be 0).
  ceiling     pgbench's built-in simple-update (-N) on this machine with the same number of clients: the
              database's own ceiling for single-row update transactions; the booking throughputs are reported as a
              fraction of it (target: >= 25% on the contended trip). Also a one-hot-row UPDATE script, the ceiling
              for updates that all hit the same row, as every claim on the contended trip does.

The 1,000 requests are all in flight at once and are served by --processes (default 5) client processes, as
gunicorn's recommended 2 x cores + 1 sync workers would serve them on this 2-core machine: more processes than
that only add context switches on the same two cores (16 measured 13-14% of simple-update where 4 measured 23%).
pgbench runs with the same number of clients. The clients are processes (one thread each by default: Python's GIL
would make threads of one process take turns),
each with its own connection opened and warmed up (a few bookings on a trip of its own) before the clock starts,
then released together at one instant. Throughput is the requests over the time from that instant to the last
client's last answer.

It creates its own PostgreSQL database (dropped at the end) and uses the given Redis database (flushed at the
end; never 0). Run it alone on the machine:

  flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/booking.py
"""

import argparse
import multiprocessing
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks.scratch_database import POSTGRES_SERVER, create_database, drop_database  # noqa: E402

PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="contended rounds, each on a fresh trip")
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--trips", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=5, help="client processes, one connection each")
    parser.add_argument("--threads", type=int, default=1, help="client threads per process, one connection each")
    parser.add_argument("--warm-up", type=int, default=5, help="bookings per client before the clock starts")
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--database", default="chunfeng_booking_benchmark")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    return parser.parse_args()


def setup_django(database, redis_url):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        # As in production: with DEBUG on, Django would also log every query.
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"{POSTGRES_SERVER}/{database}",
        REDIS_URL=redis_url,
        DATABASE_CONN_MAX_AGE="600",
        PII_KEY="booking-benchmark-key",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def create_data(workers_count):
    """Regions, then `workers_count` job seekers and their ledger rows in two INSERT ... SELECT statements."""
    from django.core.management import call_command
    from django.db import connection

    from core.regions.services import regions_load_divisions

    call_command("migrate", verbosity=0)
    regions_load_divisions()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                          is_active, date_joined, role, region_id, phone)
               SELECT '!', false, 'b' || n, '工人' || n, '', '', false, true, now(), 'job_seeker', '431322',
                      '17' || lpad(n::text, 9, '0')
                 FROM generate_series(1, %s) n""",
            [workers_count],
        )
        cursor.execute(
            """INSERT INTO workers_worker (user_id, full_name, id_number_encrypted, id_number_hash, id_number_masked,
                                           sex, birth_date, home_region_id, status, status_since, skills,
                                           wanted_occupations, wanted_area, wanted_cities, registered_at, updated_at)
               SELECT id, first_name, 'x', md5(username), '43***************X', 'M', '1990-01-01', '431322',
                      'returned', current_date, '', '', 'anywhere', '', now(), now()
                 FROM accounts_user WHERE role = 'job_seeker'"""
        )


def create_trips(count, capacity):
    from datetime import timedelta

    from django.utils import timezone

    from transport.models import Trip

    now = timezone.now()
    trips = Trip.objects.bulk_create(
        Trip(
            service_number=f"湘K{n:05d}",
            origin_county_id="431322",
            destination_region_id="430181",
            destination_address="浏阳经开区",
            # Hours apart, so that one worker could hold bookings on several without the overlap rule biting.
            departs_at=now + timedelta(days=2, hours=6 * n),
            arrives_at=now + timedelta(days=2, hours=6 * n + 5),
            capacity=capacity,
            booking_opens_at=now - timedelta(hours=1),
            booking_closes_at=now + timedelta(days=1),
            contact_name="罗师傅",
            contact_phone="13907381234",
            status="open",
        )
        for n in range(count)
    )
    return [trip.pk for trip in trips]


def client_process(jobs, warm_up_jobs, start_at, threads, results):
    """One client process: `threads` connections, each booking as one worker's phone would, from `start_at`."""
    from django.db import connection, connections

    from transport.services import booking_create
    from workers.models import Worker

    # The parent's connection must not be shared across fork: each client opens its own.
    connection.inc_thread_sharing()
    connection.close()
    connection.dec_thread_sharing()

    def book(trip_id, worker):
        began = time.perf_counter()
        booking, _created = booking_create(trip_id=trip_id, worker=worker, idempotency_key=f"bench-{worker.pk}")
        return booking.status, time.perf_counter() - began

    def loaded(own_jobs):
        """The clients' workers with their users, read before the clock in one query, as an API request has its
        authenticated user (and the request's own worker lookup) before the service is called."""
        workers = Worker.objects.select_related("user").in_bulk([worker_id for _trip_id, worker_id in own_jobs])
        return [(trip_id, workers[worker_id]) for trip_id, worker_id in own_jobs]

    def client(own_jobs, own_warm_up, ready, outcomes):
        for job in loaded(own_warm_up):
            book(*job)
        own_jobs = loaded(own_jobs)
        ready.wait()
        time.sleep(max(0, start_at - time.time()))
        outcomes.append(("released", time.time()))
        outcomes.extend(book(*job) for job in own_jobs)
        outcomes.append(("finished", time.time()))
        connections.close_all()

    ready = threading.Barrier(threads)
    per_thread = [[] for _ in range(threads)]
    workers = [
        threading.Thread(
            target=client, args=(jobs[index::threads], warm_up_jobs[index::threads], ready, per_thread[index])
        )
        for index in range(threads)
    ]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    results.put([outcome for outcomes in per_thread for outcome in outcomes])


def run_clients(jobs, warm_up_jobs, processes, threads):
    """`jobs` shared out round-robin among the clients, released together; returns the outcomes and the seconds from
    the release to the last answer."""
    from django.db import connections

    connections.close_all()
    results = multiprocessing.Queue()
    # Time enough for every client to start, connect and warm up before the release.
    start_at = time.time() + 5 + len(warm_up_jobs) * 0.05 + len(jobs) * 0.0002
    workers = [
        multiprocessing.Process(
            target=client_process,
            args=(jobs[index::processes], warm_up_jobs[index::processes], start_at, threads, results),
        )
        for index in range(processes)
    ]
    for process in workers:
        process.start()
    outcomes = []
    for _process in workers:
        outcomes.extend(results.get())
    for process in workers:
        process.join()
    released = [moment for status, moment in outcomes if status == "released"]
    finished = [moment for status, moment in outcomes if status == "finished"]
    if max(released) - start_at > 0.05:
        print(f"warning: a client was released {max(released) - start_at:.2f} s late (slow warm-up)", flush=True)
    return [outcome for outcome in outcomes if outcome[0] not in ("released", "finished")], max(finished) - start_at


def latency_figures(outcomes, elapsed):
    latencies = sorted(latency for _status, latency in outcomes)
    return {
        "requests": len(outcomes),
        "seconds": round(elapsed, 2),
        "throughput": round(len(outcomes) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
    }


def oversold_trips():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM (
                 SELECT t.id FROM transport_trip t JOIN transport_booking b ON b.trip_id = t.id
                  WHERE b.status IN ('confirmed', 'boarded') GROUP BY t.id, t.capacity
                 HAVING count(*) > t.capacity) over_capacity"""
        )
        return cursor.fetchone()[0]


def pgbench(database, clients, seconds, script=None):
    arguments = [PGBENCH, "-h", "127.0.0.1", "-U", "postgres", "-c", str(clients), "-j", "2", "-T", str(seconds)]
    arguments += ["-f", script] if script else ["-N"]
    output = subprocess.run([*arguments, database], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("tps"))
    return float(line.split("=")[1].split()[0])


def ceiling(database, clients, seconds):
    subprocess.run(
        [PGBENCH, "-h", "127.0.0.1", "-U", "postgres", "-i", "-q", "-s", "10", database],
        capture_output=True,
        check=True,
    )
    simple_update = pgbench(database, clients, seconds)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("UPDATE pgbench_branches SET bbalance = bbalance + 1 WHERE bid = 1;\n")
    hot_row = pgbench(database, clients, seconds, script.name)
    os.unlink(script.name)
    return simple_update, hot_row


def contended_checks(trip_id, capacity):
    """Seats 1..capacity each held once, and how many waiting-list positions told by SMS were told twice (two
    requests waitlisted at the same instant cannot see each other, so both may hear the same place in line)."""
    from django.db import connection

    from transport.models import Booking

    seats = sorted(Booking.objects.filter(trip_id=trip_id, status="confirmed").values_list("seat_number", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) - count(DISTINCT params->>'position') FROM notifications_outboxmessage
                WHERE template = 'trip_waitlisted' AND channel = 'inbox'
                  AND recipient_id IN (SELECT worker.user_id FROM workers_worker worker
                                         JOIN transport_booking booking ON booking.worker_id = worker.id
                                        WHERE booking.trip_id = %s)""",
            [trip_id],
        )
        (positions_told_twice,) = cursor.fetchone()
    return {"seats_1_to_capacity": seats == list(range(1, capacity + 1)), "positions_told_twice": positions_told_twice}


def main():
    arguments = parse_arguments()
    database = arguments.database
    clients = arguments.processes * arguments.threads
    warm_up = clients * arguments.warm_up
    create_database(database)
    try:
        setup_django(database, arguments.redis_url)
        rounds = arguments.rounds
        workers_needed = rounds * arguments.requests + arguments.trips * arguments.capacity + (rounds + 1) * warm_up
        started = time.time()
        create_data(workers_needed)
        print(f"data: {workers_needed} workers in {time.time() - started:.1f} s", flush=True)

        from django.db.models import Count

        from transport.models import Booking
        from workers.models import Worker

        worker_ids = list(Worker.objects.order_by("id").values_list("id", flat=True))

        def take(count):
            taken, worker_ids[:] = worker_ids[:count], worker_ids[count:]
            return taken

        def warm_up_jobs():
            # Half the warm-up seats: both the confirmed and the waitlisted path are exercised before the clock.
            (trip_id,) = create_trips(1, max(1, warm_up // 2))
            return [(trip_id, worker_id) for worker_id in take(warm_up)]

        # contended: every request for the same trip, `rounds` times on a fresh trip (the machine may be shared)
        rounds_figures = []
        for round_number in range(1, rounds + 1):
            (contended_trip,) = create_trips(1, arguments.capacity)
            jobs = [(contended_trip, worker_id) for worker_id in take(arguments.requests)]
            outcomes, elapsed = run_clients(jobs, warm_up_jobs(), arguments.processes, arguments.threads)
            by_status = dict(
                Booking.objects.filter(trip_id=contended_trip).values_list("status").annotate(n=Count("id"))
            )
            figures = latency_figures(outcomes, elapsed)
            figures.update(
                confirmed=by_status.get("confirmed", 0),
                waitlisted=by_status.get("waitlisted", 0),
                oversold=oversold_trips(),
                **contended_checks(contended_trip, arguments.capacity),
            )
            print(f"contended round {round_number}:", figures, flush=True)
            rounds_figures.append(figures)
        contended = sorted(rounds_figures, key=lambda figures: figures["throughput"])[len(rounds_figures) // 2]

        # spread: 50 workers per trip, all trips at once
        trip_ids = create_trips(arguments.trips, arguments.capacity)
        spread_warm_up = warm_up_jobs()
        jobs = [(trip_ids[index % len(trip_ids)], worker_id) for index, worker_id in enumerate(worker_ids)]
        outcomes, elapsed = run_clients(jobs, spread_warm_up, arguments.processes, arguments.threads)
        spread = latency_figures(outcomes, elapsed)
        spread.update(
            confirmed=Booking.objects.filter(trip_id__in=trip_ids, status="confirmed").count(),
            oversold=oversold_trips(),
        )
        print("spread:", spread, flush=True)

        from django.db import connections

        connections.close_all()
        simple_update, hot_row = ceiling(database, clients, arguments.pgbench_seconds)
        print(
            f"ceiling: pgbench simple-update {simple_update:.0f} tps, one hot row {hot_row:.0f} tps ({clients} clients)"
        )
        print(
            "booking as a fraction of simple-update: contended (median round) "
            f"{contended['throughput'] / simple_update:.1%}, "
            f"spread {spread['throughput'] / simple_update:.1%}; contended vs one hot row "
            f"{contended['throughput'] / hot_row:.1%}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(database)
        import redis

        client = redis.Redis.from_url(arguments.redis_url)
        # Only ever the benchmark's own Redis database: 0 is the portal's.
        if client.connection_pool.connection_kwargs.get("db", 0) != 0:
            client.flushdb()


if __name__ == "__main__":
    main()
