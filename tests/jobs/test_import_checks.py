"""What a demand import tells the clerk beyond its problems: an employer matched by credit code under another name,
and a file waiting for a background worker that is not running."""

import time

import pytest
from django.core.cache import cache

from core.heartbeat import worker_heartbeat_record, worker_is_running
from jobs.imports.services import demand_import_create
from jobs.models import DemandImport, JobPosting
from portal.tasks import worker_heartbeat
from tests.factories import EmployerFactory, UserFactory, credit_code
from tests.jobs.test_import import good_row, run_import, sheet_bytes
from workers.imports.services import ledger_import_create
from workers.models import ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def liuyang_staff(regions):
    return UserFactory(role="county_staff", region=regions.get(code="430181"))


@pytest.fixture
def heartbeats(settings):
    """Tasks wait for a worker (as with REDIS_URL in production) and no heartbeat is left from another test."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete("worker-heartbeat:imports")
    yield
    cache.delete("worker-heartbeat:imports")


def test_an_employer_matched_by_credit_code_under_another_name_is_imported_with_a_warning(liuyang_staff):
    employer = EmployerFactory(name="浏阳恒信电子有限公司", credit_code=credit_code(5))
    rows = [good_row(5, 单位名称="恒信电子"), good_row(5, 单位名称="恒信电子", 岗位名称="质检员"), good_row(6)]

    result = run_import(liuyang_staff, rows)

    assert result.status == ImportStatus.SUCCEEDED
    assert JobPosting.objects.filter(employer=employer).count() == 2
    assert result.warnings == [
        {
            "row": 2,
            "column": "单位名称",
            "message": f"统一社会信用代码 {credit_code(5)} 已登记为“浏阳恒信电子有限公司”，本行写的是“恒信电子”；"
            "岗位已归入已登记的单位，请核对。",
        }
    ]


def test_the_same_name_written_with_half_width_brackets_or_spaces_is_no_warning(liuyang_staff):
    EmployerFactory(name="浏阳恒信（湖南）电子有限公司", credit_code=credit_code(5))

    result = run_import(liuyang_staff, [good_row(5, 单位名称="浏阳恒信(湖南)电子 有限公司")])

    assert result.status == ImportStatus.SUCCEEDED
    assert result.warnings == []


def test_the_result_page_lists_the_warning_with_its_row(client, liuyang_staff):
    EmployerFactory(name="浏阳恒信电子有限公司", credit_code=credit_code(5))
    result = run_import(liuyang_staff, [good_row(6), good_row(5, 单位名称="恒信电子")])
    client.force_login(liuyang_staff)

    page = client.get(f"/console/jobs/import/{result.pk}/").content.decode()

    assert "已导入 2 个岗位；新建 1 家单位，匹配已有单位 1 家。" in page
    assert "请核对 1 处提醒" in page
    assert "<td>3</td><td>单位名称</td>" in page
    assert "本行写的是“恒信电子”" in page


def queued_import(user):
    return demand_import_create(
        uploaded_by=user, county=user.region, file_name="需求.xlsx", content=sheet_bytes([good_row(1)])
    )


def test_a_queued_import_with_no_worker_heartbeat_says_the_background_task_is_not_running(
    client, liuyang_staff, heartbeats
):
    demand_import = queued_import(liuyang_staff)
    client.force_login(liuyang_staff)

    page = client.get(f"/console/jobs/import/{demand_import.pk}/").content.decode()

    assert "后台任务未运行，请联系管理员" in page
    assert DemandImport.objects.get().status == ImportStatus.PENDING


def test_the_heartbeat_task_written_to_redis_clears_the_message(client, liuyang_staff, heartbeats):
    demand_import = queued_import(liuyang_staff)
    client.force_login(liuyang_staff)

    worker_heartbeat("imports")

    assert worker_is_running(queue="imports")
    page = client.get(f"/console/jobs/import/{demand_import.pk}/").content.decode()
    assert "后台任务未运行" not in page
    assert "排队中" in page


def test_the_heartbeat_expires_after_its_time_to_live(settings, heartbeats):
    settings.WORKER_HEARTBEAT_TTL_SECONDS = 1
    worker_heartbeat_record(queue="imports")
    assert worker_is_running(queue="imports")

    time.sleep(1.2)

    assert not worker_is_running(queue="imports")


def test_without_redis_tasks_run_in_process_so_a_worker_is_never_missing(settings, heartbeats):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    assert worker_is_running(queue="imports")


def test_the_ledger_import_page_says_the_same_when_no_worker_runs(client, liuyang_staff, heartbeats):
    ledger_import = ledger_import_create(
        uploaded_by=liuyang_staff, file_name="台账.xlsx", content=sheet_bytes([good_row(1)])
    )
    client.force_login(liuyang_staff)

    page = client.get(f"/console/workers/import/{ledger_import.pk}/").content.decode()

    assert "后台任务未运行，请联系管理员" in page
