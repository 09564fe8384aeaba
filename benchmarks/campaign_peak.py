"""The campaign-morning load test (issue 19): the whole portal at once, on this one machine, driven by Locust.

    flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/campaign_peak.py            # ~20 minutes
    .venv/bin/python benchmarks/campaign_peak.py --quick                                          # ~2 minutes

What it starts, all on 127.0.0.1: gunicorn serving portal.wsgi as the Dockerfile does (sync workers, DEBUG off,
several workers: --web-workers, default 2 x cores + 1), one Celery worker per queue (notifications, bulk, imports,
default) and beat, the project's fake SMS provider (core.notifications.fake_provider, the Alibaba Cloud gateway
pointed at it: no network) with a small "phone inbox" beside it from which the simulated phones read their sign-in
codes, and Locust headless (benchmarks/campaign_locustfile.py). PostgreSQL and Redis are the machine's own (Redis
database --redis-db, flushed at the start: give it one nobody else uses).

The data set is built once into --dataset (kept, reused by later runs with the same sizes): every county of China,
the postings of benchmarks/generate.py, one county's staff member, one 100,000-person township per load step for
the broadcasts, and the registered job seekers (with API tokens) who book and apply. Each run copies it into
--database (CREATE DATABASE ... TEMPLATE, so every run starts from the same state) and drops the copy at the end.

Each load step (--users, e.g. 25,50,100) runs Locust for --step-seconds with the issue's mix (see the locustfile):
70% browse and search, 10% posting pages, 5% sign-in by SMS code and registration, 5% applications, 5% the booking
rush (20 new trips of 50 seats whose booking opens at the same minute, a pool of 2,000 bookers), 5% console lists
and exports. At the start of each step a 100,000-person broadcast (to that step's own township: the daily cap of
marketing messages would otherwise cancel the later ones) and a 10,000-row demand import are started, plus a
2,000-row sheet whose last row is wrong, which must import nothing. During the step the CPU of gunicorn, the
PostgreSQL backends of the run, Redis, Celery and Locust itself is sampled with psutil every second.

It prints, per step and per kind of request, requests/s, p50/p95/p99 and failures; the CPU table; the highest step
at which p95 <= 300 ms with 0 failures held; then the checks: no trip oversold, every broadcast message exactly
once (one outbox row per recipient, each number received once by the provider), each import all or nothing.
It exits non-zero when a check fails. --json writes every figure to a file.
"""

import argparse
import csv
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch_database import POSTGRES_SERVER, admin_execute, create_database, drop_database  # noqa: E402

BIN = Path(sys.executable).parent
COUNTY = "430181"  # 浏阳市: the staff member's county, where the imports go and the broadcasts are sent
HOME_COUNTY = "431322"  # 新化县: where the bookers and applicants live and the buses leave from
REGISTRATION_VILLAGE = "430181100201"
SEEKER_VILLAGE = "431322100201"
STAFF_USERNAME = "campaign_staff"
STAFF_PASSWORD = "campaign-peak-password-2026"
PII_KEY = "campaign-peak-benchmark-key"
PROVIDER_SECRET = "campaign-peak-secret"
# Every template that may go out as an SMS, mapped to a made-up approved TemplateCode of the fake provider.
SMS_TEMPLATES = [
    "announcement",
    "job_fair",
    "job_push",
    "sign_in_code",
    "staff_unlock_code",
    "trip_booking_confirmed",
    "trip_cancelled",
    "trip_closed",
    "trip_departure",
    "trip_offer_signed",
    "trip_reminder_24h",
    "trip_seat_offer",
    "trip_waitlist_ended",
    "trip_waitlisted",
    "worker_registered_by_staff",
]
TEMPLATE_CODES = {template: f"SMS_9{index:05d}" for index, template in enumerate(SMS_TEMPLATES)}
TRIPS_PER_STEP, SEATS_PER_TRIP = 20, 50
USER_COLUMNS = ["password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active"]
USER_COLUMNS += ["date_joined", "role", "region_id", "phone"]
P95_TARGET_MS = 300


@dataclass(frozen=True)
class Sizes:
    postings: int
    employers: int
    recipients: int  # per broadcast, one township of them per step
    seekers: int  # registered job seekers with tokens: half book, half apply
    import_rows: int
    bad_import_rows: int
    steps: tuple[int, ...]
    step_seconds: int


FULL = Sizes(
    postings=300_000,
    employers=10_000,
    recipients=100_000,
    seekers=4_000,
    import_rows=10_000,
    bad_import_rows=2_000,
    steps=(25, 50, 100, 150),
    step_seconds=120,
)
QUICK = Sizes(
    postings=5_000,
    employers=300,
    recipients=2_000,
    seekers=400,
    import_rows=300,
    bad_import_rows=100,
    steps=(12,),
    step_seconds=45,
)


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small data set, one short step (about 2 minutes)")
    parser.add_argument("--users", help="comma-separated Locust user counts, one load step each")
    parser.add_argument("--step-seconds", type=int, help="length of each load step")
    parser.add_argument("--postings", type=int, help="postings in the data set")
    parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--dataset", help="database the data set is built in and kept (default per size)")
    parser.add_argument("--rebuild", action="store_true", help="build the data set again even when it exists")
    parser.add_argument("--dataset-only", action="store_true", help="build (or check) the data set, run nothing")
    parser.add_argument("--database", default="chunfeng_peak_run", help="the run's copy, dropped at the end")
    parser.add_argument("--port", type=int, default=8101, help="gunicorn; the phone inbox and the provider use +1, +2")
    parser.add_argument("--redis-db", type=int, default=1)
    parser.add_argument("--json", help="write every figure to this file")
    arguments = parser.parse_args(argv)
    sizes = QUICK if arguments.quick else FULL
    changes = {}
    if arguments.users:
        changes["steps"] = tuple(int(users) for users in arguments.users.split(","))
    if arguments.step_seconds:
        changes["step_seconds"] = arguments.step_seconds
    if arguments.postings:
        changes["postings"] = arguments.postings
    arguments.sizes = Sizes(**{**asdict(sizes), **changes})
    if not arguments.dataset:
        arguments.dataset = f"chunfeng_peak_data_{arguments.sizes.postings}_{arguments.sizes.recipients}"
    return arguments


def environment(arguments, database, provider_url=""):
    """The settings every process of the run gets: production's (DEBUG off) on this machine's services."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "campaign-peak-" + "k" * 50,
        "PII_KEY": PII_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no redirect to HTTPS, cookies sent without TLS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_URL": f"{POSTGRES_SERVER}/{database}",
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": f"redis://127.0.0.1:6379/{arguments.redis_db}",
        "LOG_LEVEL": "WARNING",
        "NOTIFICATIONS_SMS_GATEWAY": "aliyun",
        "ALIYUN_SMS_ENDPOINT": provider_url or "http://127.0.0.1:9/",
        "ALIYUN_SMS_ACCESS_KEY_ID": "campaign-peak",
        "ALIYUN_SMS_ACCESS_KEY_SECRET": PROVIDER_SECRET,
        "ALIYUN_SMS_TEMPLATE_CODES": ",".join(f"{key}={code}" for key, code in TEMPLATE_CODES.items()),
        # The broadcast goes out whatever the hour of the run (no quiet hours: start == end).
        "NOTIFICATIONS_QUIET_HOURS_START": "0",
        "NOTIFICATIONS_QUIET_HOURS_END": "0",
        # Every simulated phone comes from 127.0.0.1: the per-address limits would stop all but the first few.
        "SIGN_IN_CODE_RATES_PER_IP": "1000000/h",
        "REGISTRATION_RATES_PER_IP": "1000000/h",
    }


# --- the data set ----------------------------------------------------------------------------------------------


def database_exists(name):
    import psycopg2

    connection = psycopg2.connect(f"{POSTGRES_SERVER}/postgres")
    with connection.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
        row = cursor.fetchone()
    connection.close()
    return row


def ensure_dataset(arguments):
    """Build the data set into its own database unless one built with the same sizes is there."""
    sizes = arguments.sizes
    # What the data set holds: a run with other steps' length or import sizes reuses it.
    label = json.dumps(
        {
            "campaign_peak": [sizes.postings, sizes.employers, sizes.recipients, sizes.seekers],
            "townships": len(sizes.steps),
        }
    )
    existing = database_exists(arguments.dataset)
    if existing and existing[0] == label and not arguments.rebuild:
        print(f"data set: reusing {arguments.dataset}", flush=True)
        return
    started = time.monotonic()
    create_database(arguments.dataset)
    subprocess.run(
        [sys.executable, __file__, "--build-dataset", json.dumps(asdict(arguments.sizes))],
        env={**environment(arguments, arguments.dataset), "TQDM_DISABLE": "1"},
        cwd=ROOT,
        check=True,
    )
    # Written last: a build that failed half-way is never taken for a finished one.
    admin_execute(f"COMMENT ON DATABASE \"{arguments.dataset}\" IS '{label}'")
    print(f"data set: built {arguments.dataset} in {time.monotonic() - started:.0f} s", flush=True)


def build_dataset(sizes):
    """Runs in its own process, DATABASE_URL pointing at the empty data-set database."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(sizes)


def seed(sizes):
    """The postings, the staff member, the broadcast townships and the registered job seekers (`sizes` as a dict)."""
    from django.db import connection
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from benchmarks.generate import copy_rows, generate_postings
    from core.accounts.models import Role, User
    from core.accounts.services import staff_user_create
    from core.regions.models import Region, RegionLevel
    from workers.models import Worker, WorkerStatus

    generate_postings(postings=sizes["postings"], employers=sizes["employers"], seed=2026)
    county, home_county = Region.objects.get(code=COUNTY), Region.objects.get(code=HOME_COUNTY)
    for parent, township_code, village_code in [
        (county, REGISTRATION_VILLAGE[:9], REGISTRATION_VILLAGE),
        (home_county, SEEKER_VILLAGE[:9], SEEKER_VILLAGE),
    ]:
        township = Region.objects.create(code=township_code, name="春风镇", level=RegionLevel.TOWNSHIP, parent=parent)
        Region.objects.create(code=village_code, name="春风村", level=RegionLevel.VILLAGE, parent=township)
    staff_user_create(username=STAFF_USERNAME, password=STAFF_PASSWORD, role=Role.COUNTY_STAFF, region=county)

    # One township of broadcast recipients per load step (their numbers 13s nnnnnnnn, s the step).
    now = timezone.now()
    for step in range(len(sizes["steps"])):
        township = Region.objects.create(
            code=f"{COUNTY}2{step:02d}", name=f"广播镇{step + 1}", level=RegionLevel.TOWNSHIP, parent=county
        )
        rows = (
            ["!", False, f"p{step}_{number}", "", "", "", False, True, now, Role.JOB_SEEKER, township.code, phone]
            for number in range(sizes["recipients"])
            for phone in [f"13{step}{number:08d}"]
        )
        copy_rows(
            "accounts_user",
            USER_COLUMNS,
            rows,
        )

    # The registered job seekers who book and apply, each with the API token a sign-in would have given them.
    users = User.objects.bulk_create(
        User(username=f"s{number}", phone=f"150{number:08d}", role=Role.JOB_SEEKER, password="!")
        for number in range(sizes["seekers"])
    )
    Worker.objects.bulk_create(
        Worker(
            user=user,
            full_name=f"务工{user.phone[-4:]}",
            # Stand-ins: nobody reads these people's ID numbers in the run, and their keyed hash only has to be unique.
            id_number_encrypted="x",
            id_number_hash=f"campaign-peak-{user.pk}",
            id_number_masked="43***************X",
            birth_date=date(1990, 1, 1),
            home_region_id=SEEKER_VILLAGE,
            status=WorkerStatus.RETURNED,
            status_since=now.date(),
        )
        for user in users
    )
    Token.objects.bulk_create(Token(user=user, key=secrets.token_hex(20)) for user in users)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --- what runs during the test -----------------------------------------------------------------------------------


class PhoneInbox:
    """The fake provider's record read back over HTTP: GET /?phone=... answers the latest sign-in code sent to that
    number (404 until it has come), as the phone in a person's hand would show it."""

    def __init__(self, provider, port):
        code_template = TEMPLATE_CODES["sign_in_code"]

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                phone = parse_qs(urlparse(self.path).query).get("phone", [""])[0]
                with provider.lock:
                    entries = [entry for entry in provider.by_phone.get(phone, []) if entry[3] == code_template]
                code = json.loads(entries[-1][4])["code"] if entries else ""
                self.send_response(200 if code else 404)
                self.end_headers()
                self.wfile.write(code.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def processes(commands, env):
    """Start each (name, arguments) process; on the way out terminate them all and wait."""
    started = {}
    try:
        for name, command in commands:
            started[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        yield started
    finally:
        for process in started.values():
            process.terminate()
        for process in started.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def server_commands(arguments, schedule_dir):
    celery = [str(BIN / "celery"), "-A", "portal"]
    worker = [*celery, "worker", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    return [
        (
            "gunicorn",
            # The Dockerfile's command, with several workers and no access log (its writes are not what is measured).
            [
                *(str(BIN / "gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{arguments.port}"),
                *("--workers", str(arguments.web_workers), "--no-control-socket", "--log-level", "warning"),
            ],
        ),
        # The SMS sends wait on the provider's answers: threads, not processes. The messages a person waits for
        # (sign-in codes, bookings) and the broadcasts' sends each on their own queue and worker, as in production.
        (
            "celery notifications",
            [*worker, "-Q", "notifications", "--pool", "threads", "--concurrency", "4", "-n", "notifications@%h"],
        ),
        ("celery bulk", [*worker, "-Q", "bulk", "--pool", "threads", "--concurrency", "4", "-n", "bulk@%h"]),
        ("celery imports", [*worker, "-Q", "imports", "--concurrency", "1", "-n", "imports@%h"]),
        ("celery default", [*worker, "-Q", "default", "--concurrency", "2", "-n", "default@%h"]),
        ("celery beat", [*celery, "beat", "--schedule", f"{schedule_dir}/schedule", "--loglevel", "WARNING"]),
    ]


def wait_until_serving(base_url, server):
    import urllib.request

    for _attempt in range(300):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}: is the port taken?")
        try:
            urllib.request.urlopen(base_url + "healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz within a minute")


class CpuSampler:
    """Every second, the CPU (100% = one core) of each group of processes, and of the machine as a whole."""

    GROUPS = ("gunicorn", "postgres (this run)", "postgres (all)", "redis-server (shared)", "celery", "locust")

    def __init__(self, started, database):
        self.started, self.database = started, database
        self.samples = {group: [] for group in (*self.GROUPS, "machine")}
        self.known = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _group(self, process):
        import psutil

        try:
            name, command = process.name(), " ".join(process.cmdline())
        except psutil.Error:
            return []
        if name.startswith("postgres"):
            return ["postgres (all)", "postgres (this run)"] if f" {self.database} " in command else ["postgres (all)"]
        if name == "redis-server":
            return ["redis-server (shared)"]
        for owner, popen in self.started.items():
            if popen.pid == process.pid or popen.pid in {parent.pid for parent in process.parents()}:
                return ["gunicorn" if owner == "gunicorn" else "locust" if owner == "locust" else "celery"]
        return []

    def _run(self):
        import psutil

        psutil.cpu_percent()
        while not self.stopping.wait(1.0):
            totals = dict.fromkeys(self.GROUPS, 0.0)
            for process in psutil.process_iter():
                if process.pid not in self.known:
                    self.known[process.pid] = (process, self._group(process))
                    with suppress(psutil.Error):
                        process.cpu_percent()  # the first reading only starts the clock
                    continue
                tracked, groups = self.known[process.pid]
                try:
                    usage = tracked.cpu_percent()
                except psutil.Error:
                    continue
                for group in groups:
                    totals[group] += usage
            for group, usage in totals.items():
                self.samples[group].append(usage)
            self.samples["machine"].append(psutil.cpu_percent() * psutil.cpu_count())

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        self.thread.join()

    def means(self):
        return {group: round(statistics.mean(values), 0) if values else 0 for group, values in self.samples.items()}


def start_step(step, sizes, staff, *, opens_in):
    """The step's background: 20 trips whose booking opens together `opens_in` seconds from now, the broadcast,
    the good and the bad demand import."""
    from django.utils import timezone

    from benchmarks.demand_import import _workbook
    from core.notifications.services import broadcast_create
    from core.regions.models import Region
    from jobs.imports.services import demand_import_create
    from jobs.tasks import demand_import_run_task
    from transport.models import Trip

    now = timezone.now()
    opens_at = now + timedelta(seconds=opens_in)
    trips = Trip.objects.bulk_create(
        Trip(
            service_number=f"湘K{step:02d}{number:03d}",
            origin_county_id=HOME_COUNTY,
            destination_region_id=COUNTY,
            destination_address="浏阳经开区",
            # Each step's buses leave days after the last step's: a booker of every step may hold one seat of each.
            departs_at=now + timedelta(days=3 + 2 * step, hours=number % 10),
            arrives_at=now + timedelta(days=3 + 2 * step, hours=number % 10 + 5),
            capacity=SEATS_PER_TRIP,
            booking_opens_at=opens_at,
            booking_closes_at=now + timedelta(days=2 + 2 * step),
            contact_name="罗师傅",
            contact_phone="13907381234",
            status="open",
        )
        for number in range(TRIPS_PER_STEP)
    )
    broadcast, _created = broadcast_create(
        actor=staff,
        filters={"region": f"{COUNTY}2{step:02d}", "role": "job_seeker"},
        template="announcement",
        context={"content": "浏阳市春风行动招聘会2月12日在大瑶镇举行，欢迎参加。"},
        channels=["sms"],
    )
    county = Region.objects.get(code=COUNTY)
    counties = list(Region.objects.filter(level="county", code__regex=r"^(43|44)").exclude(name="市辖区"))
    hunan_names = [region.name for region in counties if region.code.startswith("43")]
    counties = [region for region in counties if hunan_names.count(region.name) <= 1]
    imports = {}
    for kind, rows in [("good", sizes.import_rows), ("bad", sizes.bad_import_rows)]:
        content, _employers = _workbook(rows, counties, seed=100 + step)
        if kind == "bad":
            content = _spoil_last_row(content)
        demand_import = demand_import_create(
            uploaded_by=staff, county=county, file_name=f"step{step}-{kind}.xlsx", content=content, publish=True
        )
        demand_import_run_task.delay(demand_import.pk)
        imports[kind] = demand_import.pk
    return {
        "trips": [{"id": trip.pk, "opens_at": opens_at.timestamp()} for trip in trips],
        "broadcast": broadcast.pk,
        "imports": imports,
    }


def _spoil_last_row(content):
    """The sheet with a wage of "面议" in its last row: a cell the import must refuse, so it imports nothing."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=sheet.max_row, column=header.index("月薪下限") + 1, value="面议")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan(step, background, inbox_url):
    """What the simulated users need to know, handed to the locustfile in a JSON file."""
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from core.regions.models import Region
    from jobs.models import JobPosting

    postings = list(
        JobPosting.objects.filter(status="published", valid_until__gte=timezone.localdate())
        .order_by("?")
        .values_list("pk", flat=True)[:5000]
    )
    tokens = list(Token.objects.filter(user__phone__startswith="150").order_by("user_id").values_list("key", flat=True))
    half = len(tokens) // 2
    return {
        "inbox": inbox_url,
        "postings": postings,
        "counties": list(Region.objects.filter(level="county", code__startswith="43").values_list("code", flat=True)),
        "trips": background["trips"],
        "bookers": tokens[:half],
        "applicants": tokens[half:],
        "staff": {"username": STAFF_USERNAME, "password": STAFF_PASSWORD},
        "village": REGISTRATION_VILLAGE,
        "step": step,
    }


def run_locust(*, host, users, seconds, plan_file, csv_prefix, env):
    """Locust headless for `seconds`, the users started over the first tenth of it; its CSV files at csv_prefix."""
    ramp = max(5, seconds // 10)
    command = [str(BIN / "locust"), "-f", str(ROOT / "benchmarks/campaign_locustfile.py"), "--headless"]
    command += ["--host", host, "--users", str(users), "--spawn-rate", str(max(1, users / ramp))]
    command += ["--run-time", f"{seconds}s", "--csv", str(csv_prefix), "--only-summary", "--stop-timeout", "10"]
    command += ["--loglevel", "WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env={**env, "CAMPAIGN_PLAN": str(plan_file)}, stdout=subprocess.DEVNULL)


def read_stats(csv_prefix):
    with open(f"{csv_prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    return [
        {
            "kind": row["Name"],
            "type": row["Type"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"] or 0),
            "p95": float(row["95%"] or 0),
            "p99": float(row["99%"] or 0),
        }
        for row in rows
    ]


def read_failures(csv_prefix):
    with open(f"{csv_prefix}_failures.csv", newline="") as failures:
        return [
            f"{row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}" for row in csv.DictReader(failures)
        ]


def background_settled(background, recipients):
    """(broadcast seconds or None while it runs, {import: seconds or None}) from the rows themselves."""
    from django.db.models import Count, Max

    from core.notifications.models import Broadcast, OutboxMessage
    from jobs.models import DemandImport

    broadcast = Broadcast.objects.get(pk=background["broadcast"])
    rows = OutboxMessage.objects.filter(broadcast=broadcast)
    settled = rows.filter(status__in=["sent", "failed", "cancelled"]).aggregate(n=Count("id"), last=Max("updated_at"))
    broadcast_seconds = (settled["last"] - broadcast.created_at).total_seconds() if settled["n"] >= recipients else None
    import_seconds = {}
    for kind, pk in background["imports"].items():
        demand_import = DemandImport.objects.get(pk=pk)
        finished = demand_import.finished_at
        import_seconds[kind] = (finished - demand_import.created_at).total_seconds() if finished else None
    return broadcast_seconds, import_seconds


def run_step(arguments, step, users, *, staff, env, inbox, servers, work_dir):
    from django.db import connections

    # The trips open a quarter of the way into the step, when every simulated user is up and about.
    background = start_step(step, arguments.sizes, staff, opens_in=max(10, arguments.sizes.step_seconds // 4))
    plan_file = Path(work_dir) / f"plan{step}.json"
    plan_file.write_text(json.dumps(plan(step, background, inbox.url)))
    connections.close_all()
    csv_prefix = Path(work_dir) / f"step{step}"
    load_before = os.getloadavg()
    started = time.monotonic()
    locust = run_locust(
        host=f"http://127.0.0.1:{arguments.port}",
        users=users,
        seconds=arguments.sizes.step_seconds,
        plan_file=plan_file,
        csv_prefix=csv_prefix,
        env=env,
    )
    with CpuSampler({**servers, "locust": locust}, arguments.database) as sampler:
        locust.wait()
    load_after = os.getloadavg()
    # The background work is given up to five more minutes to finish after the load stops.
    deadline = time.monotonic() + 300
    while True:
        broadcast_seconds, import_seconds = background_settled(background, arguments.sizes.recipients)
        done = broadcast_seconds is not None and None not in import_seconds.values()
        if done or time.monotonic() > deadline:
            break
        time.sleep(2)
    return {
        "step": step,
        "users": users,
        "seconds": round(time.monotonic() - started),
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "stats": read_stats(csv_prefix),
        "failures": read_failures(csv_prefix),
        "cpu": sampler.means(),
        "broadcast_seconds": broadcast_seconds,
        "import_seconds": import_seconds,
        "background": background,
    }


# --- the checks after the run -----------------------------------------------------------------------------------


def checks(steps, sizes, provider, postings_before):
    """Each check's name -> (passed, what was found)."""
    from django.db import connection
    from django.db.models import Count

    from benchmarks.booking import oversold_trips
    from core.notifications.models import OutboxMessage
    from jobs.models import DemandImport, JobPosting
    from transport.models import Booking, Trip

    trip_ids = [trip["id"] for step in steps for trip in step["background"]["trips"]]
    confirmed = dict(
        Booking.objects.filter(trip_id__in=trip_ids, status__in=["confirmed", "boarded"])
        .values_list("trip_id")
        .annotate(n=Count("id"))
    )
    counters_wrong = [
        trip.pk for trip in Trip.objects.filter(pk__in=trip_ids) if trip.taken != confirmed.get(trip.pk, 0)
    ]
    bookings = Booking.objects.filter(trip_id__in=trip_ids).count()
    results = {
        "no trip oversold": (
            oversold_trips() == 0 and not counters_wrong,
            f"{len(trip_ids)} trips of {SEATS_PER_TRIP} seats: {sum(confirmed.values())} seats confirmed of "
            f"{bookings} bookings, most on one trip {max(confirmed.values(), default=0)}; "
            f"trips whose seat counter disagrees with their bookings: {len(counters_wrong)}",
        )
    }

    code = TEMPLATE_CODES["announcement"]
    with provider.lock:
        received = [entry[1] for entry in provider.received if entry[3] == code]
    for step in steps:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT count(*), count(DISTINCT recipient_id), count(*) FILTER (WHERE status = 'sent'),
                          (SELECT count(*) FROM accounts_user u WHERE u.region_id = %s AND NOT EXISTS (
                               SELECT 1 FROM notifications_outboxmessage o
                                WHERE o.broadcast_id = %s AND o.recipient_id = u.id))
                     FROM notifications_outboxmessage WHERE broadcast_id = %s""",
                [f"{COUNTY}2{step['step']:02d}", step["background"]["broadcast"], step["background"]["broadcast"]],
            )
            rows, distinct, sent, missing = cursor.fetchone()
        prefix = f"13{step['step']}"
        numbers = [phone for phone in received if phone.startswith(prefix)]
        twice = len(numbers) - len(set(numbers))
        results[f"broadcast of step {step['step'] + 1} exactly once"] = (
            rows == distinct == sizes.recipients and missing == 0 and twice == 0 and len(set(numbers)) == sent,
            f"{rows} outbox rows for {distinct} recipients of {sizes.recipients}, {missing} without a row, "
            f"{sent} sent; the provider received {len(set(numbers))} numbers, {twice} of them twice",
        )

    created = 0
    for step in steps:
        good = DemandImport.objects.get(pk=step["background"]["imports"]["good"])
        bad = DemandImport.objects.get(pk=step["background"]["imports"]["bad"])
        created += good.postings_created + bad.postings_created
        results[f"imports of step {step['step'] + 1} all or nothing"] = (
            good.status == "succeeded"
            and good.postings_created == sizes.import_rows
            and bad.status == "failed"
            and bad.postings_created == 0,
            f"{sizes.import_rows}-row sheet: {good.status}, {good.postings_created} postings; "
            f"{sizes.bad_import_rows}-row sheet with a bad last row: {bad.status}, {bad.postings_created} postings, "
            f"problems {bad.problems[:1]}",
        )
    postings_after = JobPosting.objects.count()
    results["postings written = the good imports' rows"] = (
        postings_after - postings_before == created == sizes.import_rows * len(steps),
        f"{postings_after - postings_before} postings more than before the run",
    )
    unsent = OutboxMessage.objects.exclude(status__in=["sent", "cancelled"]).count()
    results["every outbox row settled"] = (unsent == 0, f"{unsent} rows neither sent nor cancelled")
    return results


# --- the report ------------------------------------------------------------------------------------------------


def step_passes(step):
    total = next(row for row in step["stats"] if row["kind"] == "Aggregated")
    return total["p95"] <= P95_TARGET_MS and total["failures"] == 0


def seconds_or_unfinished(seconds):
    return "not finished" if seconds is None else f"{seconds:.0f} s"


def report(arguments, steps, results):
    for step in steps:
        cpu = step["cpu"]
        print(
            f"\n### {step['users']} users, {arguments.sizes.step_seconds} s "
            f"(load average {step['load_average_before'][0]:.2f} before, {step['load_average_after'][0]:.2f} after)\n"
        )
        print("| kind of request | requests | requests/s | p50 ms | p95 ms | p99 ms | failures |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for row in step["stats"]:
            print(
                f"| {row['kind']} | {row['requests']} | {row['rps']:.1f} | {row['p50']:.0f} | {row['p95']:.0f} "
                f"| {row['p99']:.0f} | {row['failures']} |"
            )
        print("\nCPU, mean over the step (100% = one core): " + ", ".join(f"{k} {v:.0f}%" for k, v in cpu.items()))
        broadcast, imported = step["broadcast_seconds"], step["import_seconds"]["good"]
        print(
            f"broadcast to {arguments.sizes.recipients:,}: {seconds_or_unfinished(broadcast)} from creation to the "
            f"last row settled; demand import of {arguments.sizes.import_rows:,} rows: "
            f"{seconds_or_unfinished(imported)}; p95 <= {P95_TARGET_MS} ms with 0 failures: "
            f"{'yes' if step_passes(step) else 'NO'}"
        )
        for failure in step["failures"][:10]:
            print(f"  failure: {failure}")
    passing = [step["users"] for step in steps if step_passes(step)]
    print(f"\nhighest step at which p95 <= {P95_TARGET_MS} ms with 0 failures: {max(passing) if passing else 'none'}")
    print("\nchecks:")
    for name, (passed, found) in results.items():
        print(f"  {'ok  ' if passed else 'FAIL'} {name}: {found}")


def main(argv=None):
    arguments = parse_arguments(argv)
    sizes = arguments.sizes
    print(f"campaign peak: {sizes}; load average {os.getloadavg()[0]:.2f}", flush=True)
    ensure_dataset(arguments)
    if arguments.dataset_only:
        return [], {}
    admin_execute(
        f'DROP DATABASE IF EXISTS "{arguments.database}" WITH (FORCE)',
        f'CREATE DATABASE "{arguments.database}" TEMPLATE "{arguments.dataset}"',
    )
    from core.notifications.fake_provider import FakeSmsProvider

    with ExitStack() as stack:
        stack.callback(drop_database, arguments.database)
        provider = stack.enter_context(FakeSmsProvider(access_key_secret=PROVIDER_SECRET, port=arguments.port + 2))
        provider.send_delay_seconds = 0.1  # as a real provider's answer takes (benchmarks/fanout.py's default)
        inbox = stack.enter_context(PhoneInbox(provider, arguments.port + 1))
        env = environment(arguments, arguments.database, provider.url)
        os.environ.update(env)
        import django

        django.setup()
        import redis
        from django.conf import settings
        from django.core.management import call_command

        import portal.celery  # noqa: F401 - the tasks this process enqueues go to the run's broker

        redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the run's own database number: no queue left over
        # DEBUG off serves the hashed manifest. Collected once: whitenoise's compression takes minutes here.
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            call_command("collectstatic", "--noinput", verbosity=0)
        print("starting gunicorn and Celery", flush=True)
        from core.accounts.models import User
        from jobs.models import JobPosting

        staff = User.objects.get(username=STAFF_USERNAME)
        postings_before = JobPosting.objects.count()
        work_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="campaign-peak-"))
        servers = stack.enter_context(processes(server_commands(arguments, work_dir), env))
        wait_until_serving(f"http://127.0.0.1:{arguments.port}/", servers["gunicorn"])
        time.sleep(3)  # the Celery workers connect
        steps = []
        for step, users in enumerate(sizes.steps):
            print(f"step {step + 1}: {users} users for {sizes.step_seconds} s", flush=True)
            steps.append(
                run_step(arguments, step, users, staff=staff, env=env, inbox=inbox, servers=servers, work_dir=work_dir)
            )
        results = checks(steps, sizes, provider, postings_before)
    report(arguments, steps, results)
    if arguments.json:
        Path(arguments.json).write_text(
            json.dumps(
                {"sizes": asdict(sizes), "steps": steps, "checks": {k: list(v) for k, v in results.items()}}, indent=1
            )
        )
    if not all(passed for passed, _found in results.values()):
        sys.exit("a check failed")
    return steps, results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build-dataset"]:
        build_dataset(json.loads(sys.argv[2]))
    else:
        main()
