"""Settings for the Chunfeng portal.

Every value comes from the environment (see `.env.example`). The defaults are the embedded mode a newcomer gets
from `make run` on a laptop: SQLite under `var/`, Celery tasks run in-process, local-memory cache. Production sets
`DATABASE_URL`, `REDIS_URL`, `SECRET_KEY` and `DEBUG=false`; with `DEBUG` off an unsafe configuration is refused at
start instead of being discovered by an attacker.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from core.client_address import trusted_proxy_networks

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The development key only exists so that `make run` works with nothing configured; it is refused with DEBUG off.
DEVELOPMENT_SECRET_KEY = "django-insecure-chunfeng-development-only-never-use-in-production"

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
# The development key starts with "django-insecure", so this is Django's own security.W009 test, made fatal.
_weak_secret = SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
if not DEBUG and _weak_secret:
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or is the development default while DEBUG is off. "
        "Set SECRET_KEY to a random string of at least 50 characters with some variety, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Key for personal data (ID numbers are encrypted and looked up through a keyed hash with it).
PII_KEY = env.str("PII_KEY", default="")
# Rotation (docs/operations.md, "Key rotation"): the keys newest first, comma-separated. New values use the first;
# every key listed, and PII_KEY as the oldest, still reads. `manage.py rotate_pii_key` moves the rows to the first.
PII_KEYS = env.list("PII_KEYS", default=[])
if not DEBUG and not (PII_KEY or PII_KEYS):
    raise ImproperlyConfigured(
        "PII_KEY is required when DEBUG is off: personal data must not be encrypted with a default key."
    )

INSTALLED_APPS = [
    # django.contrib.admin, open to the three administrators only (docs/operations.md, "Administrator roles").
    "core.accounts.admin_site.AdministratorsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "rest_framework.authtoken",
    "simple_history",
    "core.regions",
    "core.privacy",
    "core.accounts",
    "core.notifications",
    "core.campaigns",
    "core.observability",
    "core.exports",
    "workers",
    "jobs",
    "placement.applications",
    "placement.matching",
    "transport",
    "portal",
    "portal.statistics",
]

MIDDLEWARE = [
    # First: the request id and the request's measurements cover everything below (docs/operations.md).
    "core.observability.middleware.RequestObservationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages go out compressed (/jobs/ 16 KB becomes 3 KB on a slow phone line); Django's version pads each response
    # with random bytes against BREACH, so compressing pages that carry a CSRF token stays safe.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known: whoever writes reads from the primary for a few seconds (core/replicas.py).
    "core.replicas.PrimaryPinMiddleware",
    "core.middleware.PersonalDataNoStoreMiddleware",
    # One Redis HINCRBY per page served, no database write (portal/statistics/visits.py).
    "portal.statistics.visits.PageVisitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user and messages are known, so that its 400 page can be drawn in the site's frame.
    "core.malformed_requests.RefuseMalformedRequestsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.notifications.context_processors.inbox",
                "core.display.elder_mode.elder_mode",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------------
# PostgreSQL in production and in the test suite; an embedded SQLite file when DATABASE_URL is unset.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under a burst (a county trying the portal at a job fair, many phones at once): WAL lets
    # readers go on while one request writes; IMMEDIATE takes the write lock when a transaction begins, so that two
    # transactions never both read and then both wait to write (a deadlock SQLite answers with "database is locked"
    # at once, whatever the timeout); the timeout (seconds) lets a writer wait its turn for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=30),
        }
    )
# Read replicas (docs/operations.md, "Read replicas"): PostgreSQL streaming replicas, one URL each, comma-separated.
# The pages that declare themselves read-only (core/replicas.py) read from them; everything else stays on the primary.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
if DATABASE_REPLICA_URLS and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL: SQLite has no replicas.")


def _replica_database(url):
    replica = env.db_url_config(url)
    return {
        **replica,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # A replica host that is gone must not hold a request for the kernel's TCP timeout: the router then leaves
        # it out and reads from the primary (core/replicas.py).
        "OPTIONS": {
            "connect_timeout": env.int("REPLICA_CONNECT_TIMEOUT_SECONDS", default=2),
            **replica.get("OPTIONS", {}),
        },
        # In the tests a replica reads the primary's test database (test_<name>), which it streams like any other:
        # pytest-django creates it on the primary only (docs/testing.md, "Read replicas").
        "TEST": {"MIRROR": "default"},
    }


DATABASES.update({f"replica_{number}": _replica_database(url) for number, url in enumerate(DATABASE_REPLICA_URLS)})
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
# A person who sent a form or an API write reads from the primary for this long, on whichever web host: longer than a
# replica's usual lag (well under a second on a LAN), short enough to leave the replicas the reading crowd.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
# A replica further behind than this is left out (the primary serves) until it catches up; checked per process
# every REPLICA_CHECK_SECONDS, one small query.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache -----------------------------------------------------------------------------


def redis_url_for_test_worker(redis_url: str, worker_id: str, databases: list[str]) -> str:
    """The Redis URL with the database number of pytest-xdist worker `worker_id` (gw0, gw1, ...) from `databases`."""
    index = int(worker_id.removeprefix("gw"))
    if index >= len(databases):
        raise ImproperlyConfigured(
            f"pytest-xdist worker {worker_id} needs a Redis database of its own: REDIS_TEST_DATABASES names "
            f"{len(databases)} ({','.join(databases) or 'none'}); give one number per worker, e.g. "
            "REDIS_TEST_DATABASES=15,14,13,12, or run fewer workers (-n)"
        )
    return urlunsplit(urlsplit(redis_url)._replace(path=f"/{int(databases[index])}"))


REDIS_URL = env.str("REDIS_URL", default="")
# `make test` runs the suite in several processes (pytest-xdist), which must not share a Redis database: each flushes
# its own at the start, and the cache, the queues and the rate limits are all in it. Worker gwN takes the N-th number
# of REDIS_TEST_DATABASES, chosen here because everything that connects to Redis reads these settings. Neither
# variable is set outside such a test run.
if REDIS_URL and "PYTEST_XDIST_WORKER" in os.environ:
    REDIS_URL = redis_url_for_test_worker(
        REDIS_URL, os.environ["PYTEST_XDIST_WORKER"], env.list("REDIS_TEST_DATABASES", default=[])
    )
EMBEDDED_MODE = not REDIS_URL
# Redis Sentinel (docs/operations.md, "Redis Sentinel"): the sentinels' host:port, comma-separated, and the name they
# know the master by. Celery, the cache and core/redis_client.py then find the master through them, before and after
# a failover; REDIS_URL still gives the database number and password (its host is not used).
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="chunfeng")


def _host_and_port(address):
    host, _colon, port = address.rpartition(":")
    if not (host and port.isdecimal()):
        raise ImproperlyConfigured(f"REDIS_SENTINELS: {address!r} is not host:port")
    return host, int(port)


REDIS_SENTINELS = [_host_and_port(address) for address in env.list("REDIS_SENTINELS", default=[])]
if REDIS_SENTINELS and not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_SENTINELS needs REDIS_URL for the database number and password, e.g. redis://chunfeng/0 "
        "(its host is the master the sentinels name)."
    )


def _redis_url_at(netloc, scheme="redis"):
    """REDIS_URL (its password and database number) with another host, or another scheme and host."""
    parts = urlsplit(REDIS_URL)
    credentials = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(scheme=scheme, netloc=f"{credentials}@{netloc}" if credentials else netloc))


if REDIS_URL:
    # django-redis, on one server as through sentinels: it keeps its client between calls (Django's own
    # RedisCache built one per call: a get took 219 µs against 83 at load 2.9, benchmarks/cache_client.py), and
    # its connection factory can ask the sentinels for the master. The cache shares Redis with Celery's queues:
    # never call cache.clear() (it is FLUSHDB); delete by key.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chunfeng",
            "TIMEOUT": 300,
        }
    }
    if REDIS_SENTINELS:
        # One server, the master: its replicas would answer reads of what was written a moment ago with the past.
        # The factory takes the URL's host for the master's name.
        DJANGO_REDIS_CONNECTION_FACTORY = "django_redis.pool.SentinelConnectionFactory"
        CACHES["default"]["LOCATION"] = [_redis_url_at(REDIS_SENTINEL_MASTER)]
        CACHES["default"]["OPTIONS"] = {"SENTINELS": REDIS_SENTINELS}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "chunfeng"}}
# What depends on the code and the language only (the tab bar a visitor sees): kept in each process's memory, read
# without a round trip to Redis; a deploy restarts the processes, and with them this cache.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "chunfeng-local"}

# --- Celery -----------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
if REDIS_SENTINELS:
    # kombu's Sentinel transport: every sentinel, tried in turn; the master's name in the transport options below.
    CELERY_BROKER_URL = ";".join(_redis_url_at(f"{host}:{port}", scheme="sentinel") for host, port in REDIS_SENTINELS)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = EMBEDDED_MODE
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only after it ran, so a worker killed mid-task hands it to another; tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_DEFAULT_QUEUE = "default"
# Redis redelivers an unacknowledged task after this long; it must exceed the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
if REDIS_SENTINELS:
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = REDIS_SENTINEL_MASTER
CELERY_TIMEZONE = "Asia/Shanghai"
# Workers log through LOGGING below (JSON lines with the request id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A queue with no heartbeat for WORKER_HEARTBEAT_TTL_SECONDS has no worker (core/heartbeat.py). The margin covers
# a worker busy with a long import before it takes the next heartbeat.
WORKER_HEARTBEAT_INTERVAL_SECONDS = env.float("WORKER_HEARTBEAT_INTERVAL_SECONDS", default=30.0)
WORKER_HEARTBEAT_TTL_SECONDS = env.int("WORKER_HEARTBEAT_TTL_SECONDS", default=180)
# Every task goes by Celery's default name, its module and function (`transport.tasks.offers_expire`), as the
# schedule and the routes below name them; tests/portal/test_tasks.py holds every task and entry to that.
# Every Celery queue: `notifications` for the messages a person waits for (sign-in codes, a booking's
# confirmation), `bulk` for messages to many (broadcasts, the nightly push), `imports` for the spreadsheets,
# `default` for the rest. Wherever workers are started, each queue has one (docs/operations.md).
TASK_QUEUES = ("default", "notifications", "bulk", "imports")
CELERY_TASK_QUEUES = [Queue(name) for name in TASK_QUEUES]
# The queues watched for a worker (core/heartbeat.py): each gets a heartbeat entry in CELERY_BEAT_SCHEDULE below;
# /healthz?full=1 and /metrics name a queue nobody serves (a broadcast on it would otherwise never go, silently),
# and the import pages and a broadcast's page say so for `imports` and `bulk`.
WORKER_HEARTBEAT_QUEUES = TASK_QUEUES
# Beat records each tick (portal/beat.py): the health check and the metrics tell a silent beat.
CELERY_BEAT_SCHEDULER = "portal.beat:TickRecordingScheduler"
# Exactly one beat sends (portal/beat.py): the lock it renews at each tick lapses this long after it died, and a
# second beat asks for it this often; it takes over within the sum of the two.
BEAT_LOCK_SECONDS = env.int("BEAT_LOCK_SECONDS", default=30)
BEAT_LOCK_RETRY_SECONDS = env.float("BEAT_LOCK_RETRY_SECONDS", default=5.0)
CELERY_BEAT_SCHEDULE = {
    # Short and local (no provider call): SQL-written rows (bookings), lost tasks, the end of the quiet hours.
    "notifications-dispatch": {
        "task": "core.notifications.tasks.outbox_dispatch",
        "schedule": env.float("NOTIFICATIONS_DISPATCH_INTERVAL_SECONDS", default=2.0),
        "options": {"queue": "notifications", "expires": 30},
    },
    # Asks the provider about calls whose answer was lost, a bounded slice a run, so it never holds up a send.
    "notifications-reconcile": {
        "task": "core.notifications.tasks.outbox_reconcile",
        "schedule": env.float("NOTIFICATIONS_RECONCILE_INTERVAL_SECONDS", default=10.0),
        "options": {"queue": "notifications", "expires": 60},
    },
    # Deletes or anonymises what has passed its retention (RETENTION_DAYS), lapsed sign-in codes included.
    "retention-apply": {"task": "portal.tasks.retention_apply", "schedule": crontab(hour=3, minute=30)},
    # The job supermarket never shows a lapsed posting anyway; this marks them expired for the staff's lists.
    "jobs-expire-postings": {"task": "jobs.tasks.postings_expire_due", "schedule": 3600.0},
    # Carries out workers' deletion requests once their retention period (WORKER_DELETION_RETENTION_DAYS) is over.
    "workers-anonymise-due": {"task": "workers.tasks.workers_anonymise_due", "schedule": 3600.0},
    # The console's exports: files past EXPORT_RETENTION_HOURS deleted, one a dead worker left "running" ended.
    "exports-delete-expired": {"task": "core.exports.tasks.exports_delete_expired", "schedule": 900.0},
    # Seat offers to the waiting list lapse at their deadline and pass to the next in line.
    "transport-offers-expire": {"task": "transport.tasks.offers_expire", "schedule": 60.0},
    # 24 h and 2 h before departure; each reminder goes once per booking however often this runs.
    "transport-reminders-send": {"task": "transport.tasks.trip_reminders_send", "schedule": 300.0},
    # Two-way push (docs/matching.md): computed at 2:00; the SMS wait for the end of the quiet hours (8:00).
    "matching-push-nightly": {
        "task": "placement.matching.tasks.matches_push_nightly",
        "schedule": crontab(hour=2, minute=0),
    },
    # Campaign figures (docs/statistics.md): last nights' days counted again, today every 15 minutes, the page-visit
    # counters folded in every minute, and the weekly report announced to supervisors on Monday morning.
    "statistics-rebuild-nightly": {
        "task": "portal.statistics.tasks.rebuild_nightly",
        "schedule": crontab(hour=1, minute=30),
    },
    "statistics-rebuild-today": {
        "task": "portal.statistics.tasks.rebuild_today",
        "schedule": 900.0,
        "options": {"expires": 600},
    },
    "statistics-fold-visits": {
        "task": "portal.statistics.tasks.fold_visits",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "statistics-retention-reminders": {
        "task": "portal.statistics.tasks.send_retention_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "statistics-weekly-report": {
        "task": "portal.statistics.tasks.announce_weekly_report",
        "schedule": crontab(day_of_week=1, hour=7, minute=30),
    },
    # Tells the health check, the metrics and the import pages whether any worker serves each queue
    # (core/heartbeat.py). A heartbeat nobody took in time is dropped rather than left to pile up for a worker that
    # comes back; a queue busy with a broadcast is known to be served by the tasks its worker starts.
    **{
        f"{queue}-worker-heartbeat": {
            "task": "portal.tasks.worker_heartbeat",
            "schedule": WORKER_HEARTBEAT_INTERVAL_SECONDS,
            "args": (queue,),
            "options": {"queue": queue, "expires": WORKER_HEARTBEAT_INTERVAL_SECONDS},
        }
        for queue in WORKER_HEARTBEAT_QUEUES
    },
}
CELERY_TASK_ROUTES = {
    "workers.tasks.ledger_import_run_task": {"queue": "imports"},
    "jobs.tasks.demand_import_run_task": {"queue": "imports"},
    "core.exports.tasks.export_build": {"queue": "imports"},
    # Messages to many (broadcasts, the nightly push) apart from those a person is waiting for (sign-in codes, a
    # booking's confirmation), so that a broadcast never delays a code: core/notifications/publishing.py.
    "core.notifications.tasks.outbox_send_bulk": {"queue": "bulk"},
    "core.notifications.tasks.broadcast_fan_out": {"queue": "bulk"},
    "core.notifications.tasks.*": {"queue": "notifications"},
}

# --- Notifications (docs/notifications.md) ----------------------------------------------------------------------
# "console" writes SMS to the log (the embedded default); "aliyun" speaks Alibaba Cloud SMS's SendSms API.
# The address people open the portal at; SMS texts carry whole links, since a phone cannot follow a bare path.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
NOTIFICATIONS_SMS_GATEWAY = env.str("NOTIFICATIONS_SMS_GATEWAY", default="console")
if NOTIFICATIONS_SMS_GATEWAY not in ("console", "aliyun", "tencent"):
    raise ImproperlyConfigured("NOTIFICATIONS_SMS_GATEWAY must be console, aliyun or tencent")
ALIYUN_SMS_ENDPOINT = env.str("ALIYUN_SMS_ENDPOINT", default="https://dysmsapi.aliyuncs.com/")
ALIYUN_SMS_ACCESS_KEY_ID = env.str("ALIYUN_SMS_ACCESS_KEY_ID", default="")
ALIYUN_SMS_ACCESS_KEY_SECRET = env.str("ALIYUN_SMS_ACCESS_KEY_SECRET", default="")
ALIYUN_SMS_SIGN_NAME = env.str("ALIYUN_SMS_SIGN_NAME", default="春风就业")
# Our template key -> the provider's approved TemplateCode, e.g. "sign_in_code=SMS_1234,job_push=SMS_5678".
ALIYUN_SMS_TEMPLATE_CODES = env.dict("ALIYUN_SMS_TEMPLATE_CODES", default={})
ALIYUN_SMS_TIMEOUT_SECONDS = env.float("ALIYUN_SMS_TIMEOUT_SECONDS", default=10.0)
if NOTIFICATIONS_SMS_GATEWAY == "aliyun" and not (ALIYUN_SMS_ACCESS_KEY_ID and ALIYUN_SMS_ACCESS_KEY_SECRET):
    raise ImproperlyConfigured("The aliyun SMS gateway needs ALIYUN_SMS_ACCESS_KEY_ID and ALIYUN_SMS_ACCESS_KEY_SECRET")
# Tencent Cloud SMS (NOTIFICATIONS_SMS_GATEWAY=tencent): API 3.0, TC3-HMAC-SHA256.
TENCENT_SMS_ENDPOINT = env.str("TENCENT_SMS_ENDPOINT", default="https://sms.tencentcloudapi.com/")
TENCENT_SMS_SECRET_ID = env.str("TENCENT_SMS_SECRET_ID", default="")
TENCENT_SMS_SECRET_KEY = env.str("TENCENT_SMS_SECRET_KEY", default="")
TENCENT_SMS_SDK_APP_ID = env.str("TENCENT_SMS_SDK_APP_ID", default="")
TENCENT_SMS_SIGN_NAME = env.str("TENCENT_SMS_SIGN_NAME", default="春风就业")
TENCENT_SMS_REGION = env.str("TENCENT_SMS_REGION", default="ap-guangzhou")
# Our template key -> Tencent's approved TemplateId, e.g. "sign_in_code=1234567,trip_departure=1234568".
TENCENT_SMS_TEMPLATE_IDS = env.dict("TENCENT_SMS_TEMPLATE_IDS", default={})
TENCENT_SMS_TIMEOUT_SECONDS = env.float("TENCENT_SMS_TIMEOUT_SECONDS", default=10.0)
if NOTIFICATIONS_SMS_GATEWAY == "tencent" and not (
    TENCENT_SMS_SECRET_ID and TENCENT_SMS_SECRET_KEY and TENCENT_SMS_SDK_APP_ID
):
    raise ImproperlyConfigured(
        "The tencent SMS gateway needs TENCENT_SMS_SECRET_ID, TENCENT_SMS_SECRET_KEY and TENCENT_SMS_SDK_APP_ID"
    )
# Messages per second through the SMS gateway, shared by all workers through Redis; 0 turns the limit off.
NOTIFICATIONS_SMS_RATE_LIMIT = env.int("NOTIFICATIONS_SMS_RATE_LIMIT", default=0)
# The share of that rate that pushes to many (broadcasts, the nightly push) leave to the messages a person waits for
# (sign-in codes, bookings), so that those never wait at the limit behind a broadcast (core/notifications/ratelimit.py).
NOTIFICATIONS_SMS_RATE_RESERVED_SHARE = env.float("NOTIFICATIONS_SMS_RATE_RESERVED_SHARE", default=0.2)
if not 0 <= NOTIFICATIONS_SMS_RATE_RESERVED_SHARE < 1:
    raise ImproperlyConfigured("NOTIFICATIONS_SMS_RATE_RESERVED_SHARE must be at least 0 and below 1")
# Rows per Celery message and numbers per provider call (the provider takes at most 1,000).
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=1000)
NOTIFICATIONS_QUIET_HOURS_START = env.int("NOTIFICATIONS_QUIET_HOURS_START", default=22)
NOTIFICATIONS_QUIET_HOURS_END = env.int("NOTIFICATIONS_QUIET_HOURS_END", default=8)
# Marketing SMS (job pushes, broadcasts) per person per day: below the provider's own cap per number.
NOTIFICATIONS_DAILY_CAP = env.int("NOTIFICATIONS_DAILY_CAP", default=3)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
# A row in `sending` longer than this belongs to a dead worker: longer than a task may live (CELERY_TASK_TIME_LIMIT).
NOTIFICATIONS_STUCK_AFTER_SECONDS = env.int("NOTIFICATIONS_STUCK_AFTER_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
# A due, queued row whose task was enqueued longer ago than this is enqueued again (its message was lost).
NOTIFICATIONS_REQUEUE_AFTER_SECONDS = env.int("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", default=600)
# The provider's own cap of SMS per number per day (its console's 流控设置), quoted when it refuses one.
NOTIFICATIONS_PROVIDER_DAILY_LIMIT = env.int("NOTIFICATIONS_PROVIDER_DAILY_LIMIT", default=10)
# Rows the dispatch enqueues in one run (it runs every NOTIFICATIONS_DISPATCH_INTERVAL_SECONDS).
NOTIFICATIONS_DISPATCH_LIMIT = env.int("NOTIFICATIONS_DISPATCH_LIMIT", default=20000)
# A connection not made within this is given up and retried at once (nothing was sent); a lost answer is not.
NOTIFICATIONS_SMS_CONNECT_TIMEOUT_SECONDS = env.float("NOTIFICATIONS_SMS_CONNECT_TIMEOUT_SECONDS", default=3.0)
# How long the provider may take before a message it took shows in QuerySendDetails: a call whose answer was lost
# is sent again only if it is still not found after this.
NOTIFICATIONS_PROVIDER_REPORT_DELAY_SECONDS = env.int("NOTIFICATIONS_PROVIDER_REPORT_DELAY_SECONDS", default=120)
# A sent SMS's carrier receipt is asked for (QuerySendDetails) this long after sending, and again as long after
# while the carrier has not reported, unless the receipt push (NOTIFICATIONS_SMS_RECEIPT_TOKEN) brought it first.
NOTIFICATIONS_RECEIPT_DELAY_SECONDS = env.int("NOTIFICATIONS_RECEIPT_DELAY_SECONDS", default=300)
# The secret path part of the address the provider pushes delivery receipts to (/sms/receipts/<token>/); empty = off.
NOTIFICATIONS_SMS_RECEIPT_TOKEN = env.str("NOTIFICATIONS_SMS_RECEIPT_TOKEN", default="")
# Reconciliation: rows asked about per committed batch, questions in flight at once, and seconds per run.
NOTIFICATIONS_RECONCILE_BATCH_SIZE = env.int("NOTIFICATIONS_RECONCILE_BATCH_SIZE", default=20)
NOTIFICATIONS_RECONCILE_CONCURRENCY = env.int("NOTIFICATIONS_RECONCILE_CONCURRENCY", default=4)
NOTIFICATIONS_RECONCILE_SECONDS = env.float("NOTIFICATIONS_RECONCILE_SECONDS", default=8.0)

# --- Accounts and sign-in ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# Lock a username at the address that failed, not everywhere: locking by username alone let anyone keep any staff
# account locked with five wrong passwords every quarter of an hour. Guessing from many addresses is slowed down
# per username instead (STAFF_LOGIN_RATES_PER_USERNAME). The owner, or an admin, unlocks (README, "Lock-out").
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.accounts.views.locked_out"
AXES_VERBOSE = False
# Behind the reverse proxy the address that failed is the client's, not the proxy's (TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
# Password attempts on one username from all addresses together, django-ratelimit's "count/period": past it the
# username answers 429 "try again in a minute" (counted in the cache) rather than being locked for everyone.
STAFF_LOGIN_RATES_PER_USERNAME = env.list("STAFF_LOGIN_RATES_PER_USERNAME", default=["5/m"])

# Job seekers sign in with their phone and a 6-digit SMS code (no passwords). Rates are django-ratelimit's
# "count/period"; they are counted in the cache, which is Redis whenever REDIS_URL is set.
SIGN_IN_CODE_TTL_SECONDS = env.int("SIGN_IN_CODE_TTL_SECONDS", default=300)
SIGN_IN_CODE_MAX_ATTEMPTS = env.int("SIGN_IN_CODE_MAX_ATTEMPTS", default=5)
SIGN_IN_CODE_RATES_PER_PHONE = env.list("SIGN_IN_CODE_RATES_PER_PHONE", default=["1/m", "5/h", "10/d"])
SIGN_IN_CODE_RATES_PER_IP = env.list("SIGN_IN_CODE_RATES_PER_IP", default=["30/h"])
# A job seeker's own registration attempts (each one tests whether an ID number is taken), per account and address.
REGISTRATION_RATES_PER_ACCOUNT = env.list("REGISTRATION_RATES_PER_ACCOUNT", default=["10/h", "20/d"])
REGISTRATION_RATES_PER_IP = env.list("REGISTRATION_RATES_PER_IP", default=["60/h"])
# A worker's request for deletion is carried out (the record anonymised) after this many days, so that a request
# made by mistake or under pressure can still be withdrawn.
WORKER_DELETION_RETENTION_DAYS = env.int("WORKER_DELETION_RETENTION_DAYS", default=30)

# The console's list exports (postings, employers, the worker ledger) are written by a task on the `imports` queue and
# kept in the database for their owner to download this many hours, then deleted (docs/operations.md, "Exports").
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=24)
if EXPORT_RETENTION_HOURS < 1:
    raise ImproperlyConfigured("EXPORT_RETENTION_HOURS must be at least 1.")

# --- Retention (PIPL; docs/security.md, "Retention") -------------------------------------------------------------
# Days each kind of data is kept once it has served; past them the nightly task (portal/retention.py) deletes or
# anonymises it. `manage.py retention_purge --dry-run` lists what is due now.
RETENTION_DAYS = {
    # after the code lapsed
    "sign_in_codes": env.int("RETENTION_SIGN_IN_CODES_DAYS", default=1),
    # text and variables of settled SMS, after they were written (the row itself stays for the statistics)
    "outbox_bodies": env.int("RETENTION_OUTBOX_BODIES_DAYS", default=90),
    # the personal-data audit log; never under 180 days (the database's trigger refuses it anyway)
    "audit_rows": env.int("RETENTION_AUDIT_ROWS_DAYS", default=3 * 365),
    # workers untouched since a campaign that ended this long ago are anonymised
    "closed_campaign_workers": env.int("RETENTION_CLOSED_CAMPAIGN_WORKERS_DAYS", default=2 * 365),
}
if RETENTION_DAYS["audit_rows"] < 180:
    raise ImproperlyConfigured("RETENTION_AUDIT_ROWS_DAYS must be at least 180 (Cybersecurity Law, art. 21).")

# --- Internationalisation ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if DEBUG:
    STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing (before collectstatic).
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Transport (docs/transport.md) -------------------------------------------------------------------------------
# How long a seat freed by a cancellation stays offered to the first on the waiting list.
TRANSPORT_OFFER_MINUTES = env.int("TRANSPORT_OFFER_MINUTES", default=120)

# --- Statistics (docs/statistics.md) -----------------------------------------------------------------------------
# The province the portal serves: the public home page shows its figures, and page visits of people with no region
# of their own (anonymous visitors) are counted there. A 6-digit GB/T 2260 province code.
STATISTICS_PROVINCE = env.str("STATISTICS_PROVINCE", default="430000")
if not (len(STATISTICS_PROVINCE) == 6 and STATISTICS_PROVINCE.isdigit() and STATISTICS_PROVINCE.endswith("0000")):
    raise ImproperlyConfigured("STATISTICS_PROVINCE must be a 6-digit province code such as 430000")
# How many days back the nightly rebuild counts again, so that late changes (a cancelled booking) reach them.
STATISTICS_NIGHTLY_REBUILD_DAYS = env.int("STATISTICS_NIGHTLY_REBUILD_DAYS", default=7)
# How long the home page's figures are kept in the cache.
STATISTICS_HOME_CACHE_SECONDS = env.int("STATISTICS_HOME_CACHE_SECONDS", default=300)

# --- API --------------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.api.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # For WeChat mini-programs and partner systems: a job seeker's token comes from the sign-in code check.
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chunfeng portal API",
    "DESCRIPTION": "春风就业服务平台接口: 行政区划、岗位、务工人员、返岗专车。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's assets come from the installed sidecar package, not a CDN: county intranets have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "transport.models.BookingStatus",
        "WorkerStatusEnum": "workers.models.WorkerStatus",
    },
}

# --- Security ---------------------------------------------------------------------------------------------------
# Behind a reverse proxy that terminates TLS (the usual county set-up) the proxy says so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For tells the client's address
# to every limit that counts addresses (core/client_address.py). Empty: trust none, REMOTE_ADDR is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
try:
    trusted_proxy_networks(TRUSTED_PROXIES)
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None
RATELIMIT_IP_META_KEY = "core.client_address.client_address"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container health check and Prometheus speak plain HTTP from inside the intranet (docs/operations.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
# A year, as browsers' preload lists ask; 0 on a laptop, where a year of "HTTPS only" for 127.0.0.1 would hurt.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
# Enforced Content-Security-Policy (django-csp): our own files only, no inline script or style, no plug-ins, no
# framing. Templates carry no <script> body, style= or on...= (tests/portal/test_security_headers.py scans them);
# behaviour lives in static/js, looks in static/css. Reports go to the browser's console.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The booking QR code is inline SVG (no request at all); data: covers small icons in the CSS.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# --- Operations: metrics and the full health check (docs/operations.md) ------------------------------------------
# The bearer token Prometheus sends to /metrics and an operator to /healthz?full=1; empty turns both off (404 / the
# cheap check only). Long and random, like SECRET_KEY: the metrics tell how busy the bureau is.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured(
        "METRICS_TOKEN must be at least 32 characters: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
# `manage.py backup_database` writes its dumps (with their manifests) here and removes those older than
# BACKUP_KEEP_DAYS; bin/restore-drill restores the newest. Put it on another disk than the database's.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=14)

SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

# --- Logging: structured, to stdout -----------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
    },
    # Every line says which request it belongs to (or caused the task that wrote it): core/observability.
    "filters": {"request_id": {"()": "core.observability.log_context.RequestIdLogFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Job supermarket (docs/jobs.md) ------------------------------------------------------------------------------
# How long a rendered search result is reused (0: not cached); publishing or closing a posting refreshes them all.
JOBS_LIST_CACHE_SECONDS = env.int("JOBS_LIST_CACHE_SECONDS", default=60)
# The county bureau's phone printed on posters for the village board (docs/accessibility.md); 12333 is always there.
COUNTY_BUREAU_PHONE = env.str("COUNTY_BUREAU_PHONE", default="")

PORTAL_NAME = _("春风就业服务平台")
