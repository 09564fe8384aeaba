import pytest
import redis
from django.conf import settings

from core.regions.fields import region_fragments_invalidate
from core.regions.models import Region, RegionLevel
from core.regions.services import regions_import_subdivisions, regions_load_divisions


@pytest.fixture(scope="session", autouse=True)
def redis_test_database():
    """The tests own the Redis database number they are given: flushed before and after, never number 0."""
    if not settings.REDIS_URL:
        yield None
        return
    client = redis.Redis.from_url(settings.REDIS_URL)
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


@pytest.fixture
def regions(db):
    """Every province, city and county of China, plus two townships and three villages of 浏阳市.

    Loaded in each test that asks (cheaply skipped when already there), because transactional tests flush tables.
    """
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
    return Region.objects


@pytest.fixture(autouse=True)
def fresh_region_pickers():
    """Region pickers are cached until the regions change, and a test's regions are rolled back, never committed."""
    region_fragments_invalidate()


@pytest.fixture(autouse=True)
def pii_key(settings):
    """pytest-django runs with DEBUG off, where personal data needs a real PII_KEY, as in production."""
    if not settings.PII_KEY:
        settings.PII_KEY = "chunfeng-test-pii-key-only-for-the-test-suite"
