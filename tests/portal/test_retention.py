"""Retention (PIPL): what has passed RETENTION_DAYS is deleted or anonymised by the nightly task, and the dry run
lists how much is due without changing anything (docs/security.md, "Retention")."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from core.accounts.models import SignInCode
from core.campaigns.models import Campaign
from core.privacy.models import AuditAction, AuditLog
from placement.applications.services import application_apply
from portal.retention import retention_apply
from tests.factories import JobPostingFactory, OutboxMessageFactory, WorkerFactory
from workers.models import Worker

NOW = timezone.now()


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def sign_in_code(expired_days_ago):
    expires = days_ago(expired_days_ago)
    return SignInCode.objects.create(
        phone="13900000000", code_hash="x", created_at=expires - datetime.timedelta(minutes=5), expires_at=expires
    )


def sms(status, written_days_ago, channel="sms"):
    message = OutboxMessageFactory(status=status, sent_at=NOW, channel=channel)
    type(message).objects.filter(pk=message.pk).update(created_at=days_ago(written_days_ago))
    return message


def audit_row(written_days_ago):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO privacy_auditlog (action, subject, reason, detail, created_at) "
            "VALUES ('export', 'workers:ledger', '月报', '{}', %s) RETURNING id",
            [days_ago(written_days_ago)],
        )
        return cursor.fetchone()[0]


def worker_last_touched(regions, days, **fields):
    worker = WorkerFactory(home_region=regions.get(code="430181102201"), **fields)
    Worker.objects.filter(pk=worker.pk).update(updated_at=days_ago(days))
    return worker


@pytest.fixture
def world(regions, settings):
    settings.RETENTION_DAYS = {
        "sign_in_codes": 1,
        "outbox_bodies": 90,
        "audit_rows": 365,
        "closed_campaign_workers": 730,
    }
    # Ended 3 years ago: its workers untouched since then are due; the next campaign ended a year ago, not yet due.
    Campaign.objects.create(name="2023年春风行动", starts_on=days_ago(1200).date(), ends_on=days_ago(1100).date())
    Campaign.objects.create(name="2025年春风行动", starts_on=days_ago(400).date(), ends_on=days_ago(365).date())
    return {
        "old_code": sign_in_code(expired_days_ago=3),
        "fresh_code": sign_in_code(expired_days_ago=0),
        "old_sms": sms("sent", 100),
        "fresh_sms": sms("sent", 10),
        "queued_sms": sms("queued", 100),
        "old_inbox": sms("sent", 100, channel="inbox"),
        "old_audit": audit_row(400),
        "fresh_audit": audit_row(100),
        "idle_worker": worker_last_touched(regions, 1150, full_name="欧阳春", status="working_away"),
        "signed_in_worker": worker_last_touched(regions, 1150, full_name="李秋"),
        "applying_worker": worker_last_touched(regions, 1150, full_name="王冬"),
        "recent_worker": worker_last_touched(regions, 30, full_name="赵夏"),
    }


def test_the_dry_run_lists_what_is_due_of_each_kind_and_changes_nothing(world):
    out = io.StringIO()
    rows_before = (
        SignInCode.objects.count(),
        AuditLog.objects.count(),
        Worker.objects.filter(anonymised_at=None).count(),
    )

    call_command("retention_purge", "--dry-run", stdout=out)

    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}
    assert lines["sign_in_codes"].endswith(": 1")
    assert lines["outbox_bodies"].endswith(": 1")
    assert lines["audit_rows"].endswith(": 1")
    assert lines["closed_campaign_workers"].endswith(": 3")
    assert "匿名化" in lines["closed_campaign_workers"]
    assert "保留 730 天" in lines["closed_campaign_workers"]
    assert rows_before == (
        SignInCode.objects.count(),
        AuditLog.objects.count(),
        Worker.objects.filter(anonymised_at=None).count(),
    )


def test_the_nightly_run_deletes_blanks_and_anonymises_what_is_past_retention_and_nothing_else(world):
    signed_in = world["signed_in_worker"].user
    signed_in.last_login = days_ago(200)
    signed_in.save()
    posting = JobPostingFactory()
    application_apply(worker=world["applying_worker"], posting_id=posting.pk)
    Worker.objects.filter(pk=world["applying_worker"].pk).update(updated_at=days_ago(1150))

    done = retention_apply(now=NOW)

    assert done == {"sign_in_codes": 1, "outbox_bodies": 1, "audit_rows": 1, "closed_campaign_workers": 1}
    assert list(SignInCode.objects.all()) == [world["fresh_code"]]
    texts = {
        key: type(world[key]).objects.get(pk=world[key].pk).text
        for key in ("old_sms", "fresh_sms", "queued_sms", "old_inbox")
    }
    assert texts["old_sms"] == ""
    assert all(texts[key] for key in ("fresh_sms", "queued_sms", "old_inbox"))
    assert not AuditLog.objects.filter(pk=world["old_audit"]).exists()
    assert AuditLog.objects.filter(pk=world["fresh_audit"]).exists()
    names = set(Worker.objects.filter(anonymised_at=None).values_list("full_name", flat=True))
    assert names == {"李秋", "王冬", "赵夏"}


def test_an_anonymised_worker_keeps_what_the_statistics_count_and_loses_who_they_were(world):
    idle = world["idle_worker"]
    counts_before = list(
        Worker.objects.values("home_region", "status").annotate(n=Count("id")).order_by("home_region", "status")
    )

    retention_apply(now=NOW)

    worker = Worker.objects.select_related("user").get(pk=idle.pk)
    assert (worker.home_region_id, worker.status, worker.status_since, worker.registered_at, worker.sex) == (
        idle.home_region_id,
        "working_away",
        idle.status_since,
        idle.registered_at,
        idle.sex,
    )
    assert (worker.full_name, worker.id_number_encrypted, worker.id_number_hash, worker.birth_date) == (
        "已注销",
        "",
        None,
        None,
    )
    assert (worker.user.phone, worker.user.is_active) == (None, False)
    assert counts_before == list(
        Worker.objects.values("home_region", "status").annotate(n=Count("id")).order_by("home_region", "status")
    )
    assert AuditLog.objects.filter(action=AuditAction.ANONYMISED, subject=f"worker:{idle.pk}").exists()


def test_each_kind_dealt_with_leaves_one_line_in_the_audit_log(world):
    retention_apply(now=NOW)

    lines = AuditLog.objects.filter(action=AuditAction.RETENTION).order_by("subject")
    assert [(line.subject, line.detail["rows"]) for line in lines] == [
        ("retention:audit_rows", 1),
        ("retention:closed_campaign_workers", 3),
        ("retention:outbox_bodies", 1),
        ("retention:sign_in_codes", 1),
    ]


def test_without_a_campaign_closed_long_enough_no_worker_is_anonymised(regions, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "closed_campaign_workers": 730}
    Campaign.objects.create(name="2025年春风行动", starts_on=days_ago(400).date(), ends_on=days_ago(365).date())
    worker_last_touched(regions, 1150, full_name="欧阳春")

    assert retention_apply(now=NOW)["closed_campaign_workers"] == 0
    assert Worker.objects.get().full_name == "欧阳春"
