"""benchmarks/campaign_peak.py cannot rot unnoticed: its seeding, its simulated visitors (the Locust file, run by a
real Locust in a subprocess against the test's live server) and its checks after the run, on a few rows."""

import json
import os
from dataclasses import asdict

import pytest

from benchmarks.campaign_peak import (
    PROVIDER_SECRET,
    STAFF_USERNAME,
    TEMPLATE_CODES,
    PhoneInbox,
    Sizes,
    checks,
    plan,
    read_failures,
    read_stats,
    run_locust,
    seed,
    start_step,
)
from core.accounts.models import User
from core.notifications.fake_provider import FakeSmsProvider
from core.notifications.tasks import outbox_dispatch
from jobs.models import JobPosting
from portal.celery import app as celery_app

pytestmark = [pytest.mark.load, pytest.mark.postgresql]

SIZES = Sizes(
    postings=300,
    employers=30,
    recipients=40,
    seekers=20,
    import_rows=20,
    bad_import_rows=10,
    steps=(6,),
    step_seconds=15,
)
# Every kind of request the campaign mix makes (the report's rows), but the home page: one browse in ten, by chance.
KINDS = {
    "search page 1",
    "posting page",
    "sign-in: ask for a code",
    "sign-in: the code arrives by SMS",
    "sign-in: check the code",
    "registration",
    "application",
    "my applications",
    "booking",
    "console: sign-in page",
    "console: sign in",
    "console: postings list",
    "console: ledger",
    "console: trips",
    "console: postings export",
    "console: ledger export",
    "console: export page",
    "console: export download",
}


@pytest.fixture
def campaign_services(live_server, settings):
    """The benchmark's settings on the live server: SMS to the fake provider, tasks run at once in the request
    (there is no Celery worker here), no quiet hours, and no per-address limit (every phone is 127.0.0.1)."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with FakeSmsProvider(access_key_secret=PROVIDER_SECRET) as provider, PhoneInbox(provider, 0) as inbox:
        settings.NOTIFICATIONS_SMS_GATEWAY = "aliyun"
        settings.ALIYUN_SMS_ENDPOINT = provider.url
        settings.ALIYUN_SMS_ACCESS_KEY_ID = "campaign-peak"
        settings.ALIYUN_SMS_ACCESS_KEY_SECRET = PROVIDER_SECRET
        settings.ALIYUN_SMS_TEMPLATE_CODES = TEMPLATE_CODES
        settings.NOTIFICATIONS_QUIET_HOURS_START = settings.NOTIFICATIONS_QUIET_HOURS_END = 0
        settings.SIGN_IN_CODE_RATES_PER_IP = settings.REGISTRATION_RATES_PER_IP = ["1000000/h"]
        yield live_server, provider, inbox
    celery_app.conf.task_always_eager = eager


def test_every_kind_of_campaign_request_succeeds_and_the_checks_hold_when_locust_drives_a_live_server(
    campaign_services, tmp_path
):
    live_server, provider, inbox = campaign_services
    seed(asdict(SIZES))
    postings_before = JobPosting.objects.count()
    background = start_step(0, SIZES, User.objects.get(username=STAFF_USERNAME), opens_in=0)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan(0, background, inbox.url) | {"smoke": True}))

    locust = run_locust(
        host=live_server.url,
        users=6,
        seconds=SIZES.step_seconds,
        plan_file=plan_file,
        csv_prefix=tmp_path / "step",
        env=dict(os.environ),
    )
    assert locust.wait(timeout=90) == 0

    stats = {row["kind"]: row for row in read_stats(tmp_path / "step")}
    assert KINDS - set(stats) == set()
    assert stats["Aggregated"]["failures"] == 0, read_failures(tmp_path / "step")
    # What beat does every few seconds in the benchmark: the seat bookings' messages, written by SQL, are sent.
    outbox_dispatch()
    results = checks([{"step": 0, "background": background}], SIZES, provider, postings_before)
    assert {name: found for name, (passed, found) in results.items() if not passed} == {}
