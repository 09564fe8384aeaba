"""The county clerk's day in one browser walk at an office screen (1366 x 768): an employer, its posting, publishing
it, a demand sheet, a worker entered in the real-name ledger, recommended to the posting and signed. Each step
asserts what the page shows, then `Journey.step` keeps its screenshot (docs/journeys/county_clerk.md) and fails on
a serious accessibility fault."""

import datetime
import re

import pytest

from core.accounts.models import Role
from core.identity import make_id_number
from jobs.imports.services import demand_import_run
from jobs.models import DemandImport, JobPosting
from placement.applications.models import Application
from tests.e2e.seen import Journey
from tests.e2e.steps import choose_in_region_picker, staff_signs_in
from tests.factories import UserFactory, credit_code
from tests.jobs.test_import import good_row, sheet_bytes
from workers.models import ImportStatus, Worker

pytestmark = pytest.mark.django_db(transaction=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_county_clerk_enters_demand_registers_a_worker_recommends_and_signs_them(desk, regions):
    journey = Journey("county_clerk")
    UserFactory(username="liuyang", first_name="李春花", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    main = desk.locator(".console-main")

    staff_signs_in(desk, "liuyang")
    menu = desk.get_by_role("navigation", name="工作台导航")
    assert "导入需求" in menu.inner_text()
    assert "李春花 · 县人社局工作人员" in desk.locator(".site-header").inner_text()
    journey.step(desk, "console")

    # The employer.
    menu.get_by_role("link", name="用工单位", exact=True).click()
    desk.get_by_role("link", name="新增用工单位").click()
    desk.get_by_label("单位名称").fill("浏阳恒达烟花有限公司")
    desk.get_by_label("统一社会信用代码").fill(credit_code(4242))
    desk.get_by_label("行业").fill("烟花爆竹")
    desk.get_by_label("联系人", exact=True).fill("刘经理")
    desk.get_by_label("联系电话").fill("13800001111")
    desk.get_by_role("button", name="保存").click()
    desk.wait_for_url("**/console/jobs/employers/*/")
    assert desk.locator("h1").inner_text() == "浏阳恒达烟花有限公司"
    journey.step(desk, "employer")

    # Its posting, with the working hours the clerk typed shown back.
    desk.get_by_role("link", name="为该单位新增岗位").click()
    desk.get_by_label("岗位名称").fill("烟花包装工")
    desk.get_by_label("工种").select_option(label="普工")
    desk.get_by_label("招聘人数").fill("30")
    desk.get_by_label("月薪下限（元）").fill("4500")
    desk.get_by_label("月薪上限（元）").fill("6500")
    desk.get_by_label("工作时间").fill("长白班 8:00-17:30")
    desk.get_by_label("包吃").check()
    desk.get_by_label("岗位描述").fill("烟花成品包装，计件，长白班。")
    desk.get_by_role("button", name="保存").click()
    desk.wait_for_url("**/console/jobs/postings/*/")
    assert desk.locator("h1").inner_text() == "烟花包装工"
    assert "草稿" in main.inner_text()
    assert "长白班 8:00-17:30" in main.inner_text()
    assert desk.get_by_label("延期天数").count() == 0
    journey.step(desk, "posting")

    desk.get_by_role("button", name="发布").click()
    desk.wait_for_load_state()
    assert "招聘中" in main.inner_text()
    assert "已发布，务工人员现在可以在就业超市看到这个岗位。" in desk.locator(".messages").inner_text()
    journey.step(desk, "publish")
    posting = JobPosting.objects.get()

    # A demand sheet: two postings of a new employer and one of 恒达 under a shortened name.
    rows = [
        good_row(7, 岗位名称="电子厂普工"),
        good_row(7, 岗位名称="质检员"),
        good_row(8, 单位名称="恒达烟花公司", 统一社会信用代码=credit_code(4242), 岗位名称="烟花装药工"),
    ]
    menu.get_by_role("link", name="导入需求").click()
    desk.get_by_label("Excel 文件（.xlsx）").set_input_files(
        files=[{"name": "春风行动需求.xlsx", "mimeType": XLSX, "buffer": sheet_bytes(rows)}]
    )
    desk.get_by_role("button", name="上传并检查").click()
    desk.wait_for_url("**/console/jobs/import/*/")
    demand_import = DemandImport.objects.get()
    if demand_import.status == ImportStatus.PENDING:
        demand_import_run(import_id=demand_import.pk)  # what the worker on the `imports` queue does
    desk.reload()
    assert "已导入 3 个岗位；新建 1 家单位，匹配已有单位 1 家。" in main.inner_text()
    warnings = desk.locator("table.problems").inner_text()
    assert "已登记为“浏阳恒达烟花有限公司”，本行写的是“恒达烟花公司”" in warnings
    assert re.search(r"^4\s+单位名称", warnings, re.MULTILINE)
    journey.step(desk, "import")

    # A worker entered in the real-name ledger, then found there with the ID number masked.
    id_number = make_id_number(county_code="430181", birth_date=datetime.date(1990, 3, 8), sequence=515)
    menu.get_by_role("link", name="实名制台账").click()
    desk.get_by_role("link", name="代为登记").click()
    desk.get_by_label("姓名").fill("谭小梅")
    desk.get_by_label("身份证号").fill(id_number)
    desk.get_by_label("务工人员手机号").fill("13712345678")
    choose_in_region_picker(desk, township="430181102", village="430181102201")
    desk.get_by_label("现在的状态").select_option(label="求职中")
    desk.get_by_label("想做的工作").fill("普工")
    desk.get_by_label("本人已当面或电话同意个人信息处理规则").check()
    desk.get_by_role("button", name="登记").click()
    desk.wait_for_url("**/console/workers/*/")
    menu.get_by_role("link", name="实名制台账").click()
    worker = Worker.objects.get(full_name="谭小梅")
    ledger = desk.locator("table").inner_text()
    assert "谭小梅" in ledger
    assert worker.id_number_masked in ledger
    assert id_number not in desk.content()
    journey.step(desk, "ledger")

    # Recommended to the posting from its pipeline.
    menu.get_by_role("link", name="招聘岗位").click()
    desk.get_by_role("link", name="烟花包装工").click()
    desk.get_by_role("link", name="报名名单和推荐务工人员").click()
    desk.get_by_label("手机号或姓名").fill("谭小梅")
    desk.get_by_role("button", name="查找").click()
    desk.get_by_role("button", name="推荐").click()
    desk.wait_for_url(f"**/console/applications/postings/{posting.pk}/")
    assert "谭小梅：已推荐。" in desk.locator(".messages").inner_text()
    application = Application.objects.get(worker=worker, posting=posting)
    row = desk.locator(f"#application-{application.pk}")
    assert "已推荐" in row.inner_text()
    assert row.get_by_role("link", name="13712345678").get_attribute("href") == "tel:13712345678"
    journey.step(desk, "recommend")

    # Signed: the row's menu holds the moves after the next one.
    row.locator("summary").click()
    row.get_by_role("button", name="签约").click()
    desk.wait_for_url(f"**/console/applications/postings/{posting.pk}/")
    assert "谭小梅：已签约。" in desk.locator(".messages").inner_text()
    row = desk.locator(f"#application-{application.pk}")
    assert "已签约" in row.inner_text()
    signed = desk.locator(".counts div", has_text="已签约").locator("dd")
    assert signed.inner_text() == "1"
    journey.step(desk, "sign")
    application.refresh_from_db()
    assert application.state == "signed"
