"""Reads on a real PostgreSQL streaming replica (core/replicas.py; docs/testing.md, "Read replicas").

The proof that a page was served by the replica: the replica's replay is paused, a posting is published on the
primary, and an anonymous visitor's search does not find it while the staff member who published it (pinned to the
primary by their write) finds it at once. Needs DATABASE_REPLICA_URLS naming a streaming replica of DATABASE_URL's
server (`bin/pg-replica-pair start`); skipped otherwise.
"""

import time

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from core.replicas import PIN_COOKIE, replica_reads, replica_states_forget
from jobs.models import JobPosting
from portal import health

REPLICA = "replica_0"

if REPLICA not in settings.DATABASES:
    pytest.skip(
        "no read replica configured: set DATABASE_REPLICA_URLS to a streaming replica of DATABASE_URL's server "
        "(bin/pg-replica-pair start; docs/testing.md, 'Read replicas')",
        allow_module_level=True,
    )

pytest_plugins = ["tests.jobs.console_fixtures"]

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def _scalar(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _replica_catch_up(timeout=20):
    """Wait until the replica has replayed everything the primary has written so far."""
    target = _scalar("default", "SELECT pg_current_wal_insert_lsn()")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _scalar(REPLICA, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.05)
    pytest.fail("the replica did not catch up with the primary")


def _write_the_replica_receives_and_does_not_replay(posting):
    """A write on the primary that the (paused) replica has received but not applied: it now lags."""
    JobPosting.objects.filter(pk=posting.pk).update(title="电子厂普工")
    deadline = time.monotonic() + 10
    while _scalar(REPLICA, "SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"):
        assert time.monotonic() < deadline, "the replica never received the write"
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def replica(settings):
    """A live standby, caught up, checked afresh by the router; its replay running again after the test."""
    if not _scalar(REPLICA, "SELECT pg_is_in_recovery()"):
        pytest.fail(
            f"port {settings.DATABASES[REPLICA]['PORT']} is not a standby: DATABASE_REPLICA_URLS names a replica"
        )
    settings.JOBS_LIST_CACHE_SECONDS = 0  # every page rendered from the database it is routed to
    replica_states_forget()
    _replica_catch_up()
    yield
    _scalar(REPLICA, "SELECT pg_wal_replay_resume()")
    replica_states_forget()


@pytest.fixture
def replay_paused():
    """The replica, having caught up, stops applying what the primary writes: from now on it shows the past."""
    _replica_catch_up()
    _scalar(REPLICA, "SELECT pg_wal_replay_pause()")


def test_a_search_is_served_by_the_replica_and_the_publisher_reads_their_write_from_the_primary_at_once(
    client, staff, draft, replay_paused
):
    client.force_login(staff)
    publish = client.post(reverse("jobs_console:posting_action", args=[draft.pk, "publish"]))
    assert publish.status_code == 302
    assert PIN_COOKIE in publish.cookies
    assert JobPosting.objects.get(pk=draft.pk).status == "published"

    visitor = Client()
    search = {"q": draft.title}
    link = f'href="{reverse("jobs:posting-detail", args=[draft.pk])}"'
    # The replica has not replayed the publishing: the visitor's search and page come from it.
    assert link not in visitor.get(reverse("jobs:posting-list"), search).content.decode()
    assert visitor.get(reverse("jobs:posting-detail", args=[draft.pk])).status_code == 404
    # The one who published it is pinned to the primary: they see it at once.
    assert link in client.get(reverse("jobs:posting-list"), search).content.decode()
    assert draft.title in client.get(reverse("jobs:posting-detail", args=[draft.pk])).content.decode()

    _scalar(REPLICA, "SELECT pg_wal_replay_resume()")
    _replica_catch_up()
    assert link in visitor.get(reverse("jobs:posting-list"), search).content.decode()
    assert visitor.get(reverse("jobs:posting-detail", args=[draft.pk])).status_code == 200


def test_a_search_page_cached_after_a_publish_is_rendered_from_data_that_has_the_posting(
    client, staff, draft, settings, fresh_job_list_cache, replay_paused
):
    """The publish refreshes the cached pages for everyone: a replica that has not replayed it must not render them."""
    settings.JOBS_LIST_CACHE_SECONDS = 60
    client.force_login(staff)
    client.post(reverse("jobs_console:posting_action", args=[draft.pk, "publish"]))
    link = f'href="{reverse("jobs:posting-detail", args=[draft.pk])}"'
    assert link in Client().get(reverse("jobs:posting-list"), {"q": draft.title}).content.decode()
    assert link in Client().get(reverse("jobs:posting-list"), {"q": draft.title}).content.decode()  # the cached one


def test_a_writer_whose_client_keeps_no_cookies_is_pinned_by_their_account(client, staff, draft, replay_paused):
    """An API client with a token (a WeChat mini-program) drops the cookie: the account's key in Redis pins it."""
    client.force_login(staff)
    client.post(reverse("jobs_console:posting_action", args=[draft.pk, "publish"]))
    del client.cookies[PIN_COOKIE]
    assert client.get(reverse("api:posting-detail", args=[draft.pk])).json()["title"] == draft.title
    assert Client().get(reverse("api:posting-detail", args=[draft.pk])).status_code == 404


def test_a_read_in_a_replica_scope_runs_on_a_server_in_recovery(posting):
    _replica_catch_up()
    with replica_reads():
        postings = JobPosting.objects.filter(pk=posting.pk)
        assert postings.db == REPLICA
        assert _scalar(postings.db, "SELECT pg_is_in_recovery()") is True
        assert postings.get().title == posting.title


def test_reads_inside_a_transaction_stay_on_the_primary_in_a_replica_scope(posting):
    with replica_reads():
        with transaction.atomic():
            assert JobPosting.objects.all().db == "default"
        assert JobPosting.objects.all().db == REPLICA


@pytest.mark.parametrize(
    "write",
    [
        lambda posting: JobPosting.objects.filter(pk=posting.pk).update(title="电子厂普工"),
        lambda posting: JobPosting.objects.select_for_update().db,
        lambda posting: posting.save(),
    ],
    ids=["update", "select_for_update", "save"],
)
def test_a_write_or_a_lock_in_a_replica_scope_sends_the_rest_of_it_to_the_primary(posting, write):
    with replica_reads():
        assert JobPosting.objects.all().db == REPLICA
        write(posting)
        assert JobPosting.objects.all().db == "default"
    with replica_reads():
        assert JobPosting.objects.all().db == REPLICA


def test_a_replica_further_behind_than_the_limit_is_left_out_until_it_catches_up(settings, posting, replay_paused):
    settings.REPLICA_MAX_LAG_SECONDS = 0
    _write_the_replica_receives_and_does_not_replay(posting)
    with replica_reads():
        assert JobPosting.objects.all().db == "default"

    _scalar(REPLICA, "SELECT pg_wal_replay_resume()")
    _replica_catch_up()
    # Caught up, it is read again under any limit a deployment would set: with 0 s, whatever the primary writes next
    # (its own housekeeping included) made it "behind" again for the instant it took to arrive.
    settings.REPLICA_MAX_LAG_SECONDS = 5
    replica_states_forget()
    with replica_reads():
        assert JobPosting.objects.all().db == REPLICA


def test_a_replica_that_does_not_answer_is_left_out_and_the_primary_serves(posting):
    replica = connections[REPLICA]
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = 1  # nothing listens there: the connection is refused
    try:
        replica_states_forget()
        with replica_reads():
            assert JobPosting.objects.get(pk=posting.pk).title == posting.title
            assert JobPosting.objects.all().db == "default"
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
        replica_states_forget()


# --- what the operator sees: /healthz?full=1 names each replica -----------------------------------------------------


def test_the_full_health_report_names_a_caught_up_replica_without_a_problem():
    report = health.full_report()
    assert report["replicas"][REPLICA]["status"] == "up"
    # Caught up: nothing left to replay (0), or what the primary wrote since, a moment old.
    assert 0 <= report["replicas"][REPLICA]["lag_seconds"] <= settings.REPLICA_MAX_LAG_SECONDS
    assert not [problem for problem in report["problems"] if REPLICA in problem]


def test_the_full_health_report_calls_a_replica_behind_the_limit_a_problem(settings, posting, replay_paused):
    settings.REPLICA_MAX_LAG_SECONDS = 0
    _write_the_replica_receives_and_does_not_replay(posting)
    report = health.full_report()
    assert report["replicas"][REPLICA]["status"] == "behind"
    assert f"replica {REPLICA} behind the primary" in report["problems"]


def test_the_full_health_report_calls_a_replica_that_does_not_answer_down():
    replica = connections[REPLICA]
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = 1
    try:
        report = health.full_report()
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
    assert report["replicas"][REPLICA] == {"status": "down", "lag_seconds": None}
    assert f"replica {REPLICA} does not answer" in report["problems"]
