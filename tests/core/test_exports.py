"""The console's exports (core.exports): recorded by the click, written by the `imports` worker once, kept for their
owner only and for EXPORT_RETENTION_HOURS, and never left "running"."""

import dataclasses
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.accounts.models import Role
from core.exports import kinds
from core.exports.models import Export, ExportStatus
from core.exports.services import export_run
from core.exports.tasks import exports_delete_expired
from core.heartbeat import worker_heartbeat_record
from core.privacy.models import AuditLog
from jobs.exports import POSTINGS_EXPORT
from portal.celery import app as celery_app
from tests.exports import export_requested, exported
from tests.factories import EmployerFactory, JobPostingFactory, UserFactory

pytestmark = pytest.mark.django_db

POSTINGS = "/console/jobs/export/postings.xlsx"


@pytest.fixture
def liuyang_staff(regions):
    return UserFactory(username="liuyang_staff", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))


@pytest.fixture
def postings(regions):
    employer = EmployerFactory(name="浏阳恒信电子", contact_phone="13907310001")
    return [JobPostingFactory(employer=employer, title="焊工"), JobPostingFactory(employer=employer, title="电工")]


def test_a_second_click_with_the_same_filter_while_the_first_waits_gives_the_same_export(
    client, liuyang_staff, postings
):
    client.force_login(liuyang_staff)
    first = client.post(f"{POSTINGS}?status=published")
    second = client.post(f"{POSTINGS}?status=published")
    assert first.url == second.url
    assert Export.objects.count() == 1

    other_filter = export_requested(client, f"{POSTINGS}?status=draft")
    assert Export.objects.count() == 2

    export_run(export_id=Export.objects.get(filters={"status": "published"}).pk)
    again = export_requested(client, f"{POSTINGS}?status=published")  # the list may have changed since: a new file
    assert Export.objects.count() == 3
    assert again.pk not in (other_filter.pk, int(first.url.split("/")[-2]))


def test_only_the_staff_member_who_asked_sees_and_downloads_the_export(client, regions, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    export = export_requested(client, POSTINGS)
    export_run(export_id=export.pk)
    colleague = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    xinhua_staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="431322"))
    for other in (colleague, xinhua_staff):
        client.force_login(other)
        assert client.get(f"/console/exports/{export.pk}/").status_code == 404
        assert client.get(f"/console/exports/{export.pk}/download/").status_code == 404
        assert "焊工" not in client.get("/console/exports/").content.decode()
    assert not AuditLog.objects.filter(subject=f"export:{export.pk}").exists()

    client.force_login(liuyang_staff)
    mine = client.get("/console/exports/").content.decode()
    assert "岗位列表" in mine
    assert f'href="/console/exports/{export.pk}/download/"' in mine


def test_a_task_delivered_again_after_the_file_was_written_writes_nothing_more(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    export = export_requested(client, POSTINGS)
    export_run(export_id=export.pk)
    written = Export.objects.get(pk=export.pk)

    export_run(export_id=export.pk)  # the worker died before acknowledging: Redis hands the task out again

    again = Export.objects.get(pk=export.pk)
    assert (again.status, bytes(again.content), again.finished_at) == (
        ExportStatus.READY,
        bytes(written.content),
        written.finished_at,
    )
    assert AuditLog.objects.filter(subject="jobs:postings").count() == 1


def test_a_task_delivered_again_after_a_crash_while_writing_writes_the_file(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    export = export_requested(client, POSTINGS)
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, started_at=timezone.now())

    export_run(export_id=export.pk)

    export.refresh_from_db()
    assert (export.status, export.row_count) == (ExportStatus.READY, 2)
    assert AuditLog.objects.filter(subject="jobs:postings").count() == 1


def test_an_export_that_breaks_ends_failed_with_a_message_and_no_file(client, liuyang_staff, postings, monkeypatch):
    def broken(export):
        raise RuntimeError("the replica went away")

    monkeypatch.setitem(kinds._kinds, POSTINGS_EXPORT.name, dataclasses.replace(POSTINGS_EXPORT, rows=broken))
    client.force_login(liuyang_staff)
    export = export_requested(client, POSTINGS)

    export_run(export_id=export.pk)

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert bytes(export.content) == b""
    page = client.get(f"/console/exports/{export.pk}/").content.decode()
    assert "失败" in page
    assert "生成文件时出错，未生成任何文件。请回到列表重新导出；如仍出错，请联系管理员。" in page
    assert "返回列表" in page
    assert '<meta http-equiv="refresh"' not in page
    assert client.get(f"/console/exports/{export.pk}/download/").status_code == 404
    assert not AuditLog.objects.exists()


def test_an_export_that_runs_out_of_time_asks_for_a_narrower_filter(client, liuyang_staff, postings, monkeypatch):
    def too_long(export):
        raise SoftTimeLimitExceeded()

    monkeypatch.setitem(kinds._kinds, POSTINGS_EXPORT.name, dataclasses.replace(POSTINGS_EXPORT, rows=too_long))
    client.force_login(liuyang_staff)
    export = export_requested(client, POSTINGS)
    export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.message == "要导出的行数太多，未能按时生成。请缩小筛选范围，分几次导出。"


def test_an_export_past_its_retention_is_gone_and_the_beat_task_deletes_it(client, liuyang_staff, postings, settings):
    settings.EXPORT_RETENTION_HOURS = 2
    client.force_login(liuyang_staff)
    export = export_requested(client, POSTINGS)
    export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.expires_at - export.finished_at == timedelta(hours=2)
    assert "文件保留到" in client.get(f"/console/exports/{export.pk}/").content.decode()

    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/console/exports/{export.pk}/").status_code == 404
    assert client.get(f"/console/exports/{export.pk}/download/").status_code == 404
    fresh = export_requested(client, f"{POSTINGS}?status=draft")

    assert exports_delete_expired()["deleted"] == 1
    assert list(Export.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_an_export_left_running_by_a_dead_worker_ends_failed_by_the_beat_task(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    export = export_requested(client, POSTINGS)
    long_ago = timezone.now() - timedelta(hours=1)
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, started_at=long_ago)
    just_started = export_requested(client, f"{POSTINGS}?status=draft")
    Export.objects.filter(pk=just_started.pk).update(status=ExportStatus.RUNNING, started_at=timezone.now())

    assert exports_delete_expired()["abandoned"] == 1

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert "后台任务中断" in client.get(f"/console/exports/{export.pk}/").content.decode()
    assert Export.objects.get(pk=just_started.pk).status == ExportStatus.RUNNING
    # Failed, it no longer holds its filter: the same click makes a new export.
    assert export_requested(client, POSTINGS).pk != export.pk


def test_without_redis_the_task_runs_at_once_and_the_page_offers_the_download(
    client, liuyang_staff, postings, django_capture_on_commit_callbacks
):
    """`make run` without REDIS_URL and the embedded mode: Celery runs the task in the request, after commit."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        client.force_login(liuyang_staff)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(POSTINGS)
    finally:
        celery_app.conf.task_always_eager = eager
    page = client.get(response.url).content.decode()
    assert "可下载" in page
    assert "共 2 行。" in page
    export = Export.objects.get()
    assert client.get(f"/console/exports/{export.pk}/download/").status_code == 200


def test_the_download_is_the_file_and_says_so_to_the_browser(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    response = exported(client, POSTINGS)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]


def test_a_queued_export_says_when_no_worker_serves_the_imports_queue(client, liuyang_staff, postings, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete("worker-heartbeat:imports")
    try:
        client.force_login(liuyang_staff)
        export = export_requested(client, POSTINGS)
        page = client.get(f"/console/exports/{export.pk}/").content.decode()
        assert "后台任务未运行，请联系管理员" in page
        assert "不需要重新导出" in page

        worker_heartbeat_record(queue="imports")
        page = client.get(f"/console/exports/{export.pk}/").content.decode()
        assert "后台任务未运行" not in page
        assert "排队中" in page
    finally:
        cache.delete("worker-heartbeat:imports")


def test_the_database_refuses_a_second_unfinished_export_of_the_same_filter_for_the_same_person(
    client, liuyang_staff, postings
):
    """Two clicks that arrive together both miss the other's row; the partial unique index lets one through, and
    export_request gives the second the first one's export."""
    client.force_login(liuyang_staff)
    first = export_requested(client, POSTINGS)
    duplicate = {field: getattr(first, field) for field in ("requested_by", "kind", "dedupe_key", "expires_at")}
    with pytest.raises(IntegrityError), transaction.atomic():
        Export.objects.create(**duplicate)
    export_run(export_id=first.pk)
    Export.objects.create(**duplicate)  # once the first is written, the same filter may be asked again
