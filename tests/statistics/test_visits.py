import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.statistics.models import DailyVisits
from portal.statistics.visits import FOLDING_PREFIX, KEY_PREFIX, visits_client, visits_fold
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def no_counted_visits():
    """Other tests' pages were counted too; each test here starts from no counters."""
    client = visits_client()
    for key in [*client.scan_iter(match=f"{KEY_PREFIX}*"), *client.scan_iter(match=f"{FOLDING_PREFIX}*")]:
        client.delete(key)


def counters():
    key = f"{KEY_PREFIX}{timezone.localdate().isoformat()}"
    return {region.decode(): int(n) for region, n in visits_client().hgetall(key).items()}


def test_a_page_visit_is_counted_in_redis_without_a_database_write(client, regions):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(WRITES)]
    assert counters() == {"430000": 1}


def test_a_signed_in_worker_counts_at_their_home_township_and_the_api_and_static_files_not_at_all(client, regions):
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))
    client.force_login(worker.user)
    client.get(reverse("home"))
    client.get("/jobs/")
    client.get("/api/v1/postings/")
    client.get("/static/css/portal.css")
    assert counters() == {"430181102": 2}


def test_folding_moves_the_counters_into_the_table_once(client, regions):
    client.get(reverse("home"))
    client.get(reverse("home"))
    assert visits_fold() == 2
    assert visits_fold() == 0
    client.get(reverse("home"))
    assert visits_fold() == 1
    row = DailyVisits.objects.get(day=timezone.localdate(), region_code="430000")
    assert row.visits == 3
    assert counters() == {}


def test_a_fold_that_died_after_taking_the_counters_is_finished_by_the_next_one(client, regions):
    client.get(reverse("home"))
    today_key = f"{KEY_PREFIX}{timezone.localdate().isoformat()}"
    visits_client().rename(today_key, f"{FOLDING_PREFIX}{timezone.localdate().isoformat()}")
    client.get(reverse("home"))
    assert visits_fold() == 2
    assert DailyVisits.objects.get(region_code="430000").visits == 2
