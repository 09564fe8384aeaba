"""Daily-cap lock benchmark: what a fan-out chunk pays to count today's pushes safely under concurrency.

`notify` must keep two writers of marketing SMS to one person from counting at the same time. It used to lock every
recipient's user row (`SELECT … FOR NO KEY UPDATE` of the chunk's 1,000 ids, which writes the lock into each row's
page); it now takes one transaction-scoped advisory lock per writer. This times both statements, chunk by chunk in
their own transactions as the fan-out runs them, alternating so that the machine's load falls on both alike, and
then a whole broadcast's fan-out (rows written, none sent: quiet hours hold them) for scale.

    flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/daily_cap.py --recipients 30000
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks.fanout import seed  # noqa: E402
from benchmarks.scratch_database import POSTGRES_SERVER, create_database, drop_database  # noqa: E402


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=5, help="passes over all recipients, per lock")
    parser.add_argument("--database", default="chunfeng_daily_cap_benchmark")
    return parser.parse_args()


def time_locks(user_ids, rounds, chunk_size):
    """Seconds per chunk of each lock statement, each chunk in its own transaction."""
    from django.db import connection, transaction

    from core.accounts.models import User
    from core.notifications.services.messages import DAILY_CAP_LOCK_KEY

    def row_locks(ids):
        list(User.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))

    def advisory_lock(ids):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DAILY_CAP_LOCK_KEY])

    timings = {"row locks (before)": [], "advisory lock (now)": []}
    chunks = [user_ids[start : start + chunk_size] for start in range(0, len(user_ids), chunk_size)]
    for _round in range(rounds):
        for chunk in chunks:
            for name, lock in (("row locks (before)", row_locks), ("advisory lock (now)", advisory_lock)):
                with transaction.atomic():
                    started = time.perf_counter()
                    lock(chunk)
                    timings[name].append(time.perf_counter() - started)
    return timings


def time_fan_out(staff):
    """The broadcast from its creation to its last row: without Redis the fan-out task runs in-process as soon as
    the creation commits, so the creation's call returns when every row is written."""
    from core.notifications.models import Broadcast
    from core.notifications.services import broadcast_create

    started = time.perf_counter()
    broadcast, _created = broadcast_create(
        actor=staff,
        filters={"role": "job_seeker"},
        template="announcement",
        context={"content": "浏阳市春风行动招聘会2月12日在大瑶镇举行，欢迎参加。"},
        channels=["sms"],
    )
    seconds = time.perf_counter() - started
    return seconds, Broadcast.objects.get(pk=broadcast.pk).prepared_count


def main():
    arguments = parse_arguments()
    hour = time.gmtime().tm_hour
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "true",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"{POSTGRES_SERVER}/{arguments.database}",
            # Quiet hours around the present hour (Asia/Shanghai = UTC+8): every SMS is held, none is sent, so the
            # fan-out's time is the writing alone. No Redis: nothing is published.
            "NOTIFICATIONS_QUIET_HOURS_START": str((hour + 8) % 24),
            "NOTIFICATIONS_QUIET_HOURS_END": str((hour + 10) % 24),
        }
    )
    os.environ.pop("REDIS_URL", None)
    create_database(arguments.database)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from core.accounts.models import User

        call_command("migrate", verbosity=0)
        staff = seed(arguments.recipients)
        user_ids = list(User.objects.filter(role="job_seeker").order_by("pk").values_list("pk", flat=True))
        timings = time_locks(user_ids, arguments.rounds, settings.NOTIFICATIONS_BATCH_SIZE)
        fan_out_seconds, prepared = time_fan_out(staff)
    finally:
        drop_database(arguments.database)
    print(
        f"{arguments.recipients} recipients, chunks of {settings.NOTIFICATIONS_BATCH_SIZE}, {arguments.rounds} rounds"
    )
    for name, seconds in timings.items():
        per_chunk = statistics.median(seconds) * 1000
        per_broadcast = sum(seconds) / arguments.rounds
        print(f"{name:<20} median {per_chunk:7.1f} ms a chunk, {per_broadcast:6.2f} s a {arguments.recipients} fan-out")
    print(
        f"whole broadcast now, created and fanned out (rows written, held for the quiet hours): {fan_out_seconds:.1f} s"
        f" for {prepared} recipients"
    )


if __name__ == "__main__":
    main()
