import io
import re

import pytest
from openpyxl import load_workbook

from core.accounts.models import Role
from core.exports.models import Export, ExportStatus
from core.exports.services import export_run
from jobs.models import Employer, JobPosting
from tests.e2e.steps import staff_signs_in
from tests.factories import EmployerFactory, JobPostingFactory, UserFactory, credit_code

pytestmark = pytest.mark.django_db(transaction=True)


def page_fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_county_staff_add_an_employer_and_a_posting_publish_it_and_find_it_on_the_job_supermarket(phone, regions):
    UserFactory(username="liuyang", first_name="李春花", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))

    staff_signs_in(phone, "liuyang")

    phone.get_by_role("link", name="用工单位", exact=True).click()
    phone.get_by_role("link", name="新增用工单位").click()
    phone.get_by_label("单位名称").fill("浏阳恒达烟花有限公司")
    phone.get_by_label("统一社会信用代码").fill(credit_code(4242))
    phone.get_by_label("行业").fill("烟花爆竹")
    phone.get_by_label("联系人", exact=True).fill("刘经理")
    phone.get_by_label("联系电话").fill("13800001111")
    assert page_fits_the_screen(phone)
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url("**/console/jobs/employers/*/")
    assert phone.locator("h1").inner_text() == "浏阳恒达烟花有限公司"

    phone.get_by_role("link", name="为该单位新增岗位").click()
    phone.get_by_label("岗位名称").fill("烟花包装工")
    phone.get_by_label("工种").select_option(label="普工")
    phone.get_by_label("招聘人数").fill("30")
    phone.get_by_label("月薪下限（元）").fill("4500")
    phone.get_by_label("月薪上限（元）").fill("6500")
    phone.get_by_label("包吃").check()
    phone.get_by_label("岗位描述").fill("烟花成品包装，计件，长白班。")
    assert page_fits_the_screen(phone)
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url("**/console/jobs/postings/*/")
    assert "草稿" in phone.locator(".console-main").inner_text()

    phone.get_by_role("button", name="发布").click()
    phone.wait_for_load_state()
    assert "招聘中" in phone.locator(".console-main").inner_text()
    assert page_fits_the_screen(phone)

    phone.goto("/jobs/?q=烟花")
    assert "烟花包装工" in phone.locator("main").inner_text()
    posting = JobPosting.objects.get()
    assert posting.employer == Employer.objects.get(name="浏阳恒达烟花有限公司")
    assert posting.provides_meals


def test_county_staff_export_the_filtered_postings_and_download_them_once_the_worker_has_written_them(phone, regions):
    UserFactory(username="liuyang", first_name="李春花", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    employer = EmployerFactory(name="浏阳恒达烟花有限公司", contact_phone="13800001111")
    JobPostingFactory(employer=employer, title="烟花包装工")
    JobPostingFactory(employer=employer, title="仓库管理员", status="draft", published_at=None)

    staff_signs_in(phone, "liuyang")
    phone.goto("/console/jobs/?status=published")
    phone.get_by_role("button", name="导出 Excel").click()
    phone.wait_for_url("**/console/exports/*/")
    main = phone.locator(".console-main")
    assert "导出岗位列表" in main.inner_text()
    assert "筛选条件：状态 招聘中" in main.inner_text()
    assert page_fits_the_screen(phone)
    export = Export.objects.get()
    if export.status == ExportStatus.PENDING:
        assert "排队中" in main.inner_text()
        export_run(export_id=export.pk)  # what the worker on the `imports` queue does

    phone.locator(".import-status", has_text="可下载").wait_for(timeout=15_000)
    assert "共 1 行。" in main.inner_text()
    with phone.expect_download() as download:
        main.get_by_role("link", name=re.compile("^下载 postings-")).click()
    with open(download.value.path(), "rb") as saved:
        header, *rows = load_workbook(io.BytesIO(saved.read())).worksheets[0].iter_rows(values_only=True)
    named = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(row["岗位名称"], row["联系电话"]) for row in named] == [("烟花包装工", "13800001111")]

    # Back to the list with the filter it was made from.
    main.get_by_role("link", name="返回列表").click()
    phone.wait_for_url("**/console/jobs/?status=published")
    assert "烟花包装工" in main.inner_text()
