"""What one Prometheus scrape of /metrics costs when the outbox is large: each reading timed alone, then the whole
scrape through the view, over an outbox of --sent rows already sent (a campaign's history) and --queued rows
waiting (a broadcast being sent), with the plan of the outbox query.

It works in a PostgreSQL database of its own, created fresh and dropped at the end; with REDIS_URL set the queue
reading asks that Redis too. Run it alone on the machine:

  flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/metrics_scrape.py
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks.scratch_database import create_database, drop_database  # noqa: E402


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sent", type=int, default=2_000_000)
    parser.add_argument("--queued", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database", default="chunfeng_metrics_benchmark")
    return parser.parse_args()


def fill_outbox(*, sent, queued):
    from django.db import connection

    from core.accounts.models import User

    user = User.objects.create(username="benchmark-recipient", phone="13800000000")
    with connection.cursor() as cursor:
        for status, count, when in (("sent", sent, "now() - interval '30 days'"), ("queued", queued, "now()")):
            cursor.execute(
                "INSERT INTO notifications_outboxmessage (recipient_id, channel, phone, template, kind, params, text,"
                " status, attempts, last_error, error_code, provider_message_id, provider_out_id, idempotency_key,"
                " send_after, sent_at, delivery, delivery_error, request_id, created_at, updated_at)"
                " SELECT %s, 'sms', '13800000000', 'announcement', 'marketing', '{}', '通知', %s, 1, '', '', '', '',"
                f" %s || i, {when} - i * interval '1 millisecond',"
                f" CASE WHEN %s = 'sent' THEN {when} END, '', '', '', {when}, {when}"
                " FROM generate_series(1, %s) AS i",
                [user.pk, status, status, status, count],
            )
        cursor.execute("VACUUM ANALYZE notifications_outboxmessage")


def timed(function, rounds):
    durations = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), max(durations)


def main():
    arguments = parse_arguments()
    url = create_database(arguments.database)
    os.environ.update(DATABASE_URL=url, DEBUG="true", METRICS_TOKEN="benchmark-token-0123456789abcdef0123456789")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from portal import monitoring

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        fill_outbox(sent=arguments.sent, queued=arguments.queued)
        seconds = time.perf_counter() - started
        print(f"outbox: {arguments.sent:,} sent + {arguments.queued:,} queued rows in {seconds:.0f} s")
        readings = {
            "outbox_unsent": monitoring.outbox_unsent,
            "bookings_last_minute": monitoring.bookings_last_minute,
            "imports_unfinished": monitoring.imports_unfinished,
            "operation_runs_latest": monitoring.operation_runs_latest,
            "replica_lag_seconds": monitoring.replica_lag_seconds,
            "celery_queue_lengths": monitoring.celery_queue_lengths,
        }
        for name, reading in readings.items():
            median, worst = timed(reading, arguments.rounds)
            print(f"{name:<24} median {median:7.2f} ms   max {worst:7.2f} ms")
        client = Client()
        token = f"Bearer {os.environ['METRICS_TOKEN']}"
        scrape = lambda: client.get("/metrics", HTTP_HOST="localhost", HTTP_AUTHORIZATION=token)  # noqa: E731
        median, worst = timed(scrape, arguments.rounds)
        print(f"{'whole scrape (/metrics)':<24} median {median:7.2f} ms   max {worst:7.2f} ms")
        print(explain_outbox())
        with open("/proc/loadavg") as loadavg:
            print("load average:", loadavg.read().split()[:3])
    finally:
        connection.close()
        drop_database(arguments.database)


def explain_outbox():
    from django.db import connection
    from django.db.models import Count, Min, Q
    from django.utils import timezone

    from portal.monitoring import UNSENT_STATUSES, OutboxMessage

    query = (
        OutboxMessage.objects.filter(status__in=UNSENT_STATUSES)
        .values("status")
        .annotate(rows=Count("*"), oldest_due=Min("send_after", filter=Q(send_after__lte=timezone.now())))
        .order_by()
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


if __name__ == "__main__":
    main()
