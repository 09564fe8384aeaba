import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from core.redis_client import redis_client
from core.regions.fields import region_fragments_invalidate
from core.regions.models import Region, RegionLevel
from core.regions.services import regions_import_subdivisions, regions_load_divisions
from jobs.pagecache import list_cache_invalidate
from portal.statistics.cache import dashboard_cache_expire

# Argon2 takes a quarter of a second a password by design; the tests hash hundreds of them. Staff sign-in is still
# tested against the production list (tests/core/test_accounts.py).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# pytest-django's database blocker, kept by django_db_setup for the hook that puts the regions back after a
# transactional test (a hook gets no fixtures).
_session = {}


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
    and 400 tests ask for them."""
    _session["db_blocker"] = django_db_blocker
    with django_db_blocker.unblock():
        _regions_ensure()


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


def _is_transactional(item):
    """What pytest-django asks to choose a TransactionTestCase, whose end empties every table."""
    marker = item.get_closest_marker("django_db")
    marked = bool(marker) and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    return marked or bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, the regions included: they are loaded again at once, so
    that the next test finds them as every test does."""
    try:
        return (yield)
    finally:
        blocker = _session.get("db_blocker")
        # After the last test the test database is gone already (nothing follows to need the regions).
        if blocker is not None and nextitem is not None and _is_transactional(item):
            with blocker.unblock():
                _regions_ensure()


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
