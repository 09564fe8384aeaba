import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.test import TransactionTestCase, override_settings

from core.redis_client import redis_client
from core.regions.fields import region_fragments_invalidate
from core.regions.models import Region, RegionLevel
from core.regions.services import regions_import_subdivisions, regions_load_divisions
from jobs.pagecache import list_cache_invalidate
from portal.statistics.cache import dashboard_cache_expire

# Argon2 takes a quarter of a second a password by design; the tests hash hundreds of them. Staff sign-in is still
# tested against the production list (tests/core/test_accounts.py).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(items):
    """On SQLite (`make test-sqlite`) the tests of what only PostgreSQL has are skipped, saying so."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=f"PostgreSQL only; this run is on {connection.vendor}")
    for item in items:
        if item.get_closest_marker("postgresql"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with every region of China loaded and committed: loading them takes about a second,
    and 400 tests ask for them.

    A transactional test (`transaction=True`, `live_server`) ends with the database as every test finds it: the rows
    it wrote deleted, the session's regions as they were. Django's own end of such a test empties every table with
    TRUNCATE (which makes each table's files anew) and makes the content types and permissions again, after which the
    regions had to be loaded again: 3-9 s a test on this machine, for a hundred tests. Here one query finds the
    tables the test wrote to and only those are emptied; the content types and permissions stay as the migrations
    made them (no test changes them), and the regions are put back only if the test changed them."""
    with django_db_blocker.unblock():
        _regions_ensure()
        session_regions = _region_rows()

    def fixture_teardown(test_case):
        _tables_back_as_the_session_left_them(test_case, session_regions)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", fixture_teardown)
        yield


def _regions_ensure():
    """Every province, city and county of China, plus two townships and three villages of 浏阳市 (cheap when there)."""
    if not Region.objects.filter(level=RegionLevel.PROVINCE).exists():
        regions_load_divisions()
    if not Region.objects.filter(code="430181001").exists():
        regions_import_subdivisions(
            county_code="430181",
            rows=[
                (2, "430181001", "淮川街道"),
                (3, "430181102", "大瑶镇"),
                (4, "430181001201", "淮川社区"),
                (5, "430181102201", "大瑶村"),
                (6, "430181102202", "南阳村"),
            ],
        )


# Filled by the migrations, never by a test: left alone at the end of a transactional test.
_MADE_BY_MIGRATIONS = {ContentType._meta.db_table, Permission._meta.db_table}
_REGION_COLUMNS = [field.column for field in Region._meta.concrete_fields]


def _region_rows(using="default"):
    database = connections[using]
    with database.cursor() as cursor:
        columns = ", ".join(database.ops.quote_name(column) for column in _REGION_COLUMNS)
        cursor.execute(f"SELECT {columns} FROM {database.ops.quote_name(Region._meta.db_table)} ORDER BY 1")
        return cursor.fetchall()


def _tables_back_as_the_session_left_them(test_case, session_regions):
    for alias in test_case._databases_names(include_mirrors=False):
        database = connections[alias]
        quote = database.ops.quote_name
        tables = set(database.introspection.django_table_names(only_existing=True))
        tables -= {*_MADE_BY_MIGRATIONS, Region._meta.db_table}
        written = " UNION ALL ".join(
            f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in sorted(tables)
        )
        with transaction.atomic(using=alias), database.cursor() as cursor:
            cursor.execute(written)
            # Django's own flush, of these tables only (TRUNCATE on PostgreSQL: the audit log refuses DELETE), and
            # of the empty ones that point at them, which PostgreSQL wants truncated with them.
            tables_written = [table for (table,) in cursor.fetchall()]
            for statement in database.ops.sql_flush(no_style(), tables_written, allow_cascade=True):
                cursor.execute(statement)
            if _region_rows(alias) != session_regions:
                regions = quote(Region._meta.db_table)
                cursor.execute(f"DELETE FROM {regions}")
                columns = ", ".join(quote(column) for column in _REGION_COLUMNS)
                placeholders = ", ".join(["%s"] * len(_REGION_COLUMNS))
                cursor.executemany(f"INSERT INTO {regions} ({columns}) VALUES ({placeholders})", session_regions)


@pytest.fixture
def regions(db):
    """Every province, city and county of China, plus two townships and three villages of 浏阳市: loaded once for
    the session (see django_db_setup); a test may change them, its changes are rolled back."""
    _regions_ensure()
    return Region.objects


@pytest.fixture
def no_regions(db):
    """An empty region table, for the tests of loading it (the session's regions come back when the test ends)."""
    with connection.cursor() as cursor:
        # One statement: the parent links are checked at its end, when no row is left to point at.
        cursor.execute(f"DELETE FROM {Region._meta.db_table}")


@pytest.fixture(scope="session", autouse=True)
def redis_test_database():
    """The tests own the Redis database number they are given: flushed before and after, never number 0."""
    if not settings.REDIS_URL:
        yield None
        return
    client = redis_client()
    if client.connection_pool.connection_kwargs.get("db", 0) == 0:
        pytest.exit(
            f"REDIS_URL={settings.REDIS_URL} is database 0, which the portal itself uses; the tests flush their "
            "database, so give them a spare one, e.g. redis://127.0.0.1:6379/15",
            returncode=2,
        )
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(autouse=True)
def fresh_region_pickers():
    """Region pickers are cached until the regions change, and a test's regions are rolled back, never committed."""
    region_fragments_invalidate()


@pytest.fixture(autouse=True)
def fresh_statistics_cache():
    """Figures are cached until the next rebuild commits, and a test's rebuild is rolled back, never committed."""
    dashboard_cache_expire()


@pytest.fixture(scope="session", autouse=True)
def pii_key():
    """pytest-django runs with DEBUG off, where personal data needs a real PII_KEY, as in production. For the whole
    session, so that data built once for many tests (tests/portal/test_demo.py) is read with the key it was written
    with."""
    with override_settings(PII_KEY=settings.PII_KEY or "chunfeng-test-pii-key-only-for-the-test-suite"):
        yield


@pytest.fixture
def fresh_job_list_cache():
    """No cached job list before or after the test: the cache lives in Redis across tests, and a page cached with an
    earlier test's data must not leak into the next one."""
    list_cache_invalidate()
    yield
    list_cache_invalidate()
