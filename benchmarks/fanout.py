"""Fan-out benchmark: a broadcast to 100,000 recipients through real Celery workers, Redis and PostgreSQL, with
the Alibaba Cloud gateway pointed at the local recording provider (core.notifications.fake_provider).

It starts its own redis-server (default port 6390, no persistence, so a restart loses every queued message) and
creates its own PostgreSQL database, dropped at the end. Scenarios:

  plain          the broadcast, nothing going wrong: messages per second end to end
  kill-worker    one worker SIGKILLed when half the recipients have been reached, then started again
  restart-redis  the Redis server killed at half-way and started again, empty
  rate-limit     the shared rate limit on (--rate messages/second): the most the provider saw in any second
  reconcile-backlog
                 --backlog rows (10,000) whose provider answer was lost wait for reconciliation while
                 QuerySendDetails takes --query-latency (0.2 s); meanwhile a booking's SMS is written by SQL (as
                 the seat booking writes it) every few seconds: how long each takes to reach the provider

Each reports from the provider's own record: numbers received twice (must be 0) and recipients never reached
(must be 0). Run it alone on the machine:

  flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/fanout.py
"""

import argparse
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks.scratch_database import POSTGRES_SERVER, create_database, drop_database  # noqa: E402

SECRET = "benchmark-secret"
COUNTY, TOWNSHIP = "430181", "430181102"
# Every queue a broadcast's tasks go to (its fan-out and sends: `bulk`) and the bookings' SMS of the
# reconcile-backlog scenario (`notifications`); each worker takes both.
WORKER_QUEUES = ("notifications", "bulk")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=3, help="Celery worker processes (one thread each)")
    parser.add_argument("--rate", type=int, default=2000, help="messages per second for the rate-limit scenario")
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--redis-downtime", type=float, default=3.0, help="seconds Redis stays down when restarted")
    parser.add_argument(
        "--provider-latency", type=float, default=0.1, help="seconds the local provider takes to answer SendSms"
    )
    parser.add_argument(
        "--query-latency", type=float, default=0.2, help="seconds QuerySendDetails takes (reconcile-backlog)"
    )
    parser.add_argument("--backlog", type=int, default=10_000, help="rows awaiting reconciliation (reconcile-backlog)")
    parser.add_argument("--bookings", type=int, default=10, help="booking SMS written during reconcile-backlog")
    parser.add_argument("--database", default="chunfeng_fanout_benchmark")
    parser.add_argument(
        "--scenarios", default="plain,kill-worker,restart-redis,rate-limit", help="comma-separated, in order"
    )
    return parser.parse_args()


class Redis:
    """A private redis-server that this script may kill and restart (never the machine's shared one)."""

    def __init__(self, port):
        self.port = port
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port)
        for _attempt in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


class Workers:
    def __init__(self, count, env):
        self.env = env
        self.processes = [None] * count
        self.beat = None
        self.beat_dir = tempfile.mkdtemp(prefix="fanout-beat-")

    def start_worker(self, index):
        self.processes[index] = subprocess.Popen(
            [
                str(BASE_DIR / ".venv/bin/celery"),
                "-A",
                "portal",
                "worker",
                # One thread per worker, like the solo pool, but the worker still answers `inspect` while busy.
                "--pool",
                "threads",
                "--concurrency",
                "1",
                "--queues",
                ",".join(WORKER_QUEUES),
                "--hostname",
                f"fanout{index}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,  # the start-up banner; warnings and errors still reach stderr
        )

    def start(self):
        for index in range(len(self.processes)):
            self.start_worker(index)
        self.beat = subprocess.Popen(
            [
                str(BASE_DIR / ".venv/bin/celery"),
                "-A",
                "portal",
                "beat",
                "--schedule",
                f"{self.beat_dir}/schedule",
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env=self.env,
        )

    def kill(self, index):
        self.processes[index].send_signal(signal.SIGKILL)
        self.processes[index].wait()

    def stop(self):
        for process in [*self.processes, self.beat]:
            if process and process.poll() is None:
                process.terminate()
        for process in [*self.processes, self.beat]:
            if process:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def seed(recipients):
    """Regions, one county staff member and the job seekers of one township, by COPY."""
    from django.db import connection
    from django.utils import timezone

    from core.accounts.models import Role
    from core.accounts.services import staff_user_create
    from core.regions.models import Region, RegionLevel

    province = Region.objects.create(code="430000", name="湖南省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="430100", name="长沙市", level=RegionLevel.CITY, parent=province)
    county = Region.objects.create(code=COUNTY, name="浏阳市", level=RegionLevel.COUNTY, parent=city)
    Region.objects.create(code=TOWNSHIP, name="大瑶镇", level=RegionLevel.TOWNSHIP, parent=county)
    staff = staff_user_create(
        username="fanout_staff", password="benchmark-password-2026", role=Role.COUNTY_STAFF, region=county
    )
    now = timezone.now().isoformat()
    rows = io.StringIO()
    for number in range(recipients):
        rows.write(f'!,f,seeker{number},"","","",f,t,{now},job_seeker,{TOWNSHIP},{13_000_000_000 + number}\n')
    rows.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, role, region_id, phone) FROM STDIN WITH (FORMAT csv)",
            rows,
        )
        cursor.execute("ANALYZE accounts_user")
    return staff


def reset_outbox(provider, redis_port):
    import redis
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_outboxmessage, notifications_broadcast")
    if redis_port:
        redis.Redis(port=redis_port, db=12).flushdb()
    with provider.lock:
        provider.received.clear()
        provider.by_phone.clear()
        provider.calls.clear()
        provider.queries = 0


def busy_worker():
    """The worker to kill: preferably one in the middle of sending, where a death can leave rows in `sending`."""
    from celery import current_app

    active = current_app.control.inspect(timeout=1.0).active() or {}
    running = {
        int(hostname.split("@")[0].removeprefix("fanout")): tasks[0]["name"].rsplit(".", 1)[-1]
        for hostname, tasks in active.items()
        if tasks
    }
    senders = [index for index, task in running.items() if task == "outbox_send"]
    victim = senders[0] if senders else next(iter(running), 0)
    return victim, running.get(victim, "nothing")


def status_counts():
    from django.db.models import Count

    from core.notifications.models import OutboxMessage

    return dict(OutboxMessage.objects.values_list("status").annotate(total=Count("id")))


def run_scenario(name, *, staff, provider, workers, redis_server, redis_downtime, recipients):
    from django.db.models import F

    from core.notifications import services
    from core.notifications.models import Broadcast, OutboxMessage

    reset_outbox(provider, redis_server.port)
    started = time.monotonic()
    broadcast, _created = services.broadcast_create(
        actor=staff,
        filters={"region": TOWNSHIP, "role": "job_seeker"},
        template="announcement",
        context={"content": "浏阳市春风行动招聘会2月12日在大瑶镇举行，欢迎参加。"},
        channels=["sms"],
    )
    disrupted_at = None
    settled = {"sent", "failed", "cancelled"}
    while True:
        time.sleep(0.25)
        counts = status_counts()
        done = sum(total for status, total in counts.items() if status in settled)
        reached = len(provider.received)
        if disrupted_at is None and reached >= recipients // 2 and name in ("kill-worker", "restart-redis"):
            disrupted_at = time.monotonic() - started
            if name == "kill-worker":
                victim, task = busy_worker()
                workers.kill(victim)
                print(
                    f"  {disrupted_at:.1f}s: SIGKILL worker {victim} (running {task}) at {reached} received; "
                    "restarting it",
                    flush=True,
                )
                workers.start_worker(victim)
            else:
                redis_server.kill()
                print(
                    f"  {disrupted_at:.1f}s: killed redis-server at {reached} received; "
                    f"restarting it empty after {redis_downtime} s",
                    flush=True,
                )
                time.sleep(redis_downtime)
                redis_server.start()
        broadcast.refresh_from_db()
        if done >= recipients and broadcast.status == "sending":
            break
        if time.monotonic() - started > 900:
            print("  gave up after 900 s", counts, flush=True)
            break
    elapsed = time.monotonic() - started
    expected = {str(13_000_000_000 + number) for number in range(recipients)}
    received = provider.phones()
    never_reached = len(expected - set(received))
    duplicates = len(provider.duplicates())
    result = {
        "scenario": name,
        "recipients": recipients,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(len(set(received)) / elapsed),
        "received_twice": duplicates,
        "never_reached": never_reached,
        "provider_calls": len(provider.calls),
        "statuses": counts,
        # Rows a killed worker left in `sending`, settled by the recovery: found at the provider (no BizId) ...
        "settled_by_send_detail_query": OutboxMessage.objects.filter(status="sent", provider_message_id="").count(),
        # ... or sent by a second claim (the first claim's worker died before its call, or a retry).
        "claimed_more_than_once": OutboxMessage.objects.filter(attempts__gt=1).count(),
        # ... or whose task was lost (a killed worker's message, a restarted Redis) and were enqueued again.
        "enqueued_again": OutboxMessage.objects.filter(enqueued_at__gt=F("created_at") + timedelta(seconds=5)).count(),
        "most_in_any_second": provider.most_in_any_second(),
    }
    print(f"  {result}", flush=True)
    Broadcast.objects.filter(pk=broadcast.pk).delete()
    return result


def run_reconcile_backlog(*, provider, backlog, bookings, query_latency, recipients):
    """`backlog` rows in `unknown` (their SendSms answer lost; the provider did take them), a slow
    QuerySendDetails, and booking SMS written by SQL meanwhile: seconds from each booking's commit to the provider."""
    import statistics

    from django.db import connection, transaction
    from django.utils import timezone

    from core.accounts.models import User
    from core.notifications.models import OutboxMessage
    from core.notifications.services import message_rows_sql

    assert backlog + bookings < recipients, "--recipients must cover the backlog and the bookings"
    reset_outbox(provider, None)
    claimed_at = timezone.now() - timedelta(minutes=1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO notifications_outboxmessage (recipient_id, channel, phone, template, kind, params, text,
                status, attempts, last_error, error_code, provider_message_id, provider_out_id, idempotency_key,
                send_after, claimed_at, reconcile_after, delivery, delivery_error, created_at, updated_at)
            SELECT id, 'sms', phone, 'announcement', 'marketing', '{}', 'backlog', 'unknown', 1, '', 'no-answer',
                '', md5(id::text), 'backlog-' || id, %(claimed)s, %(claimed)s, %(claimed)s, '', '', %(claimed)s,
                %(claimed)s
            FROM accounts_user WHERE role = 'job_seeker' ORDER BY id LIMIT %(backlog)s
            RETURNING phone, provider_out_id
            """,
            {"claimed": claimed_at, "backlog": backlog},
        )
        for phone, out_id in cursor.fetchall():
            provider.record(phone=phone, out_id=out_id, arrived=claimed_at.timestamp())
    provider.query_delay_seconds = query_latency
    warm_up, *travellers = User.objects.filter(role="job_seeker").order_by("-id")[: bookings + 1]

    def book(traveller):
        """Write the booking's messages by SQL, as the seat booking does; seconds until the provider has the SMS."""
        with transaction.atomic():
            sql, params = message_rows_sql(
                user=traveller,
                template="trip_departure",
                context={"trip": "湘A12345", "departure": "2月10日8:00", "time": "2月10日7:30", "place": "大瑶镇政府"},
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        committed = time.monotonic()
        while traveller.phone not in provider.phones() and time.monotonic() - committed < 60:
            time.sleep(0.05)
        return time.monotonic() - committed

    # The first booking also waits for the just-started workers and beat to come up: reported, not counted.
    print(f"  warm-up booking (workers starting): {book(warm_up):.2f} s", flush=True)
    started = time.monotonic()
    latencies = []
    for traveller in travellers:
        time.sleep(3)
        latencies.append(book(traveller))
        print(f"  booking SMS to {traveller.phone} reached the provider {latencies[-1]:.2f} s after commit", flush=True)
    elapsed = time.monotonic() - started
    settled = OutboxMessage.objects.filter(idempotency_key__startswith="backlog-", status="sent").count()
    result = {
        "scenario": "reconcile-backlog",
        "backlog": backlog,
        "query_latency": query_latency,
        "booking_latency_max": round(max(latencies), 2),
        "booking_latency_median": round(statistics.median(latencies), 2),
        "bookings_over_5_s": sum(latency > 5 for latency in latencies),
        "backlog_settled": settled,
        "backlog_seconds": round(elapsed, 1),
        "queries": provider.queries,
        "received_twice": len(provider.duplicates()),
    }
    print(f"  {result}", flush=True)
    provider.query_delay_seconds = 0
    return result


def main():
    arguments = parse_arguments()
    redis_url = f"redis://127.0.0.1:{arguments.redis_port}/12"
    database_url = f"{POSTGRES_SERVER}/{arguments.database}"

    from core.notifications.fake_provider import FakeSmsProvider

    provider = FakeSmsProvider(access_key_secret=SECRET).start()
    provider.send_delay_seconds = arguments.provider_latency
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "NOTIFICATIONS_SMS_GATEWAY": "aliyun",
        "ALIYUN_SMS_ENDPOINT": provider.url,
        "ALIYUN_SMS_ACCESS_KEY_ID": "benchmark-key",
        "ALIYUN_SMS_ACCESS_KEY_SECRET": SECRET,
        "ALIYUN_SMS_TEMPLATE_CODES": "announcement=SMS_900001,trip_departure=SMS_900002",
        # No quiet hours (start == end), so the benchmark runs the same at any hour.
        "NOTIFICATIONS_QUIET_HOURS_START": "0",
        "NOTIFICATIONS_QUIET_HOURS_END": "0",
        # Short recovery times so that a killed worker or a lost queue is repaired within the run.
        "NOTIFICATIONS_STUCK_AFTER_SECONDS": "10",
        "NOTIFICATIONS_REQUEUE_AFTER_SECONDS": "10",
        "NOTIFICATIONS_DISPATCH_INTERVAL_SECONDS": "2",
        "NOTIFICATIONS_RECONCILE_INTERVAL_SECONDS": "3",
        "NOTIFICATIONS_SMS_RATE_LIMIT": "0",
    }
    os.environ.update(env)
    redis_server = Redis(arguments.redis_port)
    redis_server.start()
    create_database(arguments.database)
    workers = None
    results, backlog_results = [], []
    try:
        import django

        django.setup()
        from django.core.management import call_command

        import portal.celery  # noqa: F401 - configures Celery for the broadcast this process enqueues

        call_command("migrate", verbosity=0)
        staff = seed(arguments.recipients)
        print(
            f"seeded {arguments.recipients} recipients; {arguments.workers} workers; "
            f"provider answers SendSms in {arguments.provider_latency} s",
            flush=True,
        )
        for name in arguments.scenarios.split(","):
            rate = str(arguments.rate) if name == "rate-limit" else "0"
            workers_env = {**env, "NOTIFICATIONS_SMS_RATE_LIMIT": rate}
            workers = Workers(arguments.workers, workers_env)
            workers.start()
            time.sleep(4)  # let the workers connect before the clock starts
            print(f"{name}{f' (rate limit {rate}/s)' if rate != '0' else ''}:", flush=True)
            if name == "reconcile-backlog":
                backlog_results.append(
                    run_reconcile_backlog(
                        provider=provider,
                        backlog=arguments.backlog,
                        bookings=arguments.bookings,
                        query_latency=arguments.query_latency,
                        recipients=arguments.recipients,
                    )
                )
                workers.stop()
                workers = None
                continue
            results.append(
                run_scenario(
                    name,
                    staff=staff,
                    provider=provider,
                    workers=workers,
                    redis_server=redis_server,
                    redis_downtime=arguments.redis_downtime,
                    recipients=arguments.recipients,
                )
            )
            workers.stop()
            workers = None
    finally:
        if workers:
            workers.stop()
        provider.stop()
        redis_server.kill()
        drop_database(arguments.database)
    print(
        "\nscenario        seconds  msg/s  received twice  never reached  most in any second  recovered  re-claimed"
        "  re-enqueued"
    )
    for result in results:
        print(
            f"{result['scenario']:<15} {result['seconds']:>7} {result['messages_per_second']:>6} "
            f"{result['received_twice']:>15} {result['never_reached']:>14} {result['most_in_any_second']:>19} "
            f"{result['settled_by_send_detail_query']:>10} {result['claimed_more_than_once']:>11} "
            f"{result['enqueued_again']:>12}"
        )
    for result in backlog_results:
        print(
            f"\nreconcile-backlog: {result['backlog']} rows awaiting reconciliation, QuerySendDetails "
            f"{result['query_latency']} s: booking SMS reached the provider in {result['booking_latency_median']} s "
            f"(median), {result['booking_latency_max']} s (slowest), {result['bookings_over_5_s']} over 5 s; "
            f"{result['backlog_settled']} backlog rows settled in {result['backlog_seconds']} s; "
            f"received twice {result['received_twice']}"
        )


if __name__ == "__main__":
    main()
