import io
import re

import pytest
from openpyxl import load_workbook

from core.accounts.models import Role
from core.exports.models import Export, ExportStatus
from core.exports.services import export_run
from core.privacy.models import AuditLog
from tests.e2e.steps import staff_signs_in
from tests.factories import ServiceRecordFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def page_fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_county_staff_find_a_worker_and_reveal_the_number_with_a_reason(phone, regions):
    staff = UserFactory(
        username="liuyang", first_name="李春花", role=Role.COUNTY_STAFF, region=regions.get(code="430181")
    )
    worker = WorkerFactory(home_region=regions.get(code="430181102201"), full_name="谭小梅", secretary=staff)
    ServiceRecordFactory(worker=worker, kind="guidance")

    staff_signs_in(phone, "liuyang")
    phone.get_by_role("link", name="实名制台账").click()
    phone.wait_for_url("**/console/workers/")
    assert worker.id_number_masked in phone.locator("table").inner_text()
    assert page_fits_the_screen(phone)

    phone.get_by_role("link", name="谭小梅").click()
    facts = phone.locator(".facts").inner_text()
    assert worker.id_number_masked in facts
    assert worker.age_band in facts
    assert worker.birth_date.isoformat() not in facts
    phone.get_by_label("查看理由").fill("核对社保补贴")
    phone.get_by_role("button", name="查看（将记录）").click()
    assert phone.locator("#revealed").inner_text() == worker.id_number
    assert worker.birth_date.isoformat() in phone.locator(".facts").inner_text()
    assert page_fits_the_screen(phone)
    assert AuditLog.objects.get().reason == "核对社保补贴"

    phone.get_by_role("link", name="就业秘书").click()
    assert "谭小梅" in phone.locator("table").inner_text()
    assert page_fits_the_screen(phone)


def test_county_staff_export_the_filtered_ledger_and_download_it_once_the_worker_has_written_it(phone, regions):
    staff = UserFactory(
        username="liuyang", first_name="李春花", role=Role.COUNTY_STAFF, region=regions.get(code="430181")
    )
    village = regions.get(code="430181102201")
    seeking = WorkerFactory(home_region=village, full_name="谭小梅", status="seeking", secretary=staff)
    WorkerFactory(home_region=village, full_name="罗大山", status="employed_local")

    staff_signs_in(phone, "liuyang")
    phone.goto("/console/workers/?status=seeking")
    assert "谭小梅" in phone.locator("table").inner_text()
    assert "罗大山" not in phone.locator("table").inner_text()
    phone.get_by_role("button", name="导出", exact=True).click()

    # The click answers at once with the export's page: queued, with the filter it was asked with.
    phone.wait_for_url("**/console/exports/*/")
    export = Export.objects.get()
    main = phone.locator(".console-main")
    assert "导出实名制台账" in main.inner_text()
    assert "筛选条件：就业状态 求职中" in main.inner_text()
    assert page_fits_the_screen(phone)
    if export.status == ExportStatus.PENDING:
        assert "排队中" in main.inner_text()
        assert not AuditLog.objects.exists()
        export_run(export_id=export.pk)  # what the worker on the `imports` queue does

    # The page looks again by itself and offers the file.
    phone.locator(".import-status", has_text="可下载").wait_for(timeout=15_000)
    assert "共 1 行。" in main.inner_text()
    assert "只有您本人可以下载" in main.inner_text()
    assert page_fits_the_screen(phone)
    with phone.expect_download() as download:
        main.get_by_role("link", name=re.compile("^下载 ledger-")).click()
    assert download.value.suggested_filename.startswith("ledger-")
    with open(download.value.path(), "rb") as saved:
        sheet = load_workbook(io.BytesIO(saved.read())).worksheets[0]
    _header, *rows = sheet.iter_rows(values_only=True)
    assert [row[0] for row in rows] == ["谭小梅"]
    assert rows[0][1] == seeking.id_number_masked
    assert set(AuditLog.objects.values_list("subject", flat=True)) == {"workers:ledger", f"export:{export.pk}"}

    # "我的导出" keeps it for the day.
    main.get_by_role("link", name="我的导出").click()
    assert "实名制台账（就业状态 求职中）" in main.inner_text()
    assert "可下载" in main.inner_text()
