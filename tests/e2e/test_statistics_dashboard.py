"""A province supervisor signs in, reads the campaign at a glance, drills down to a county and downloads the week's
report: at an office screen's 1366 px and on a 360 px phone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.accounts.models import Role
from core.campaigns.models import Campaign
from portal.statistics.reports import last_complete_week
from portal.statistics.services import daily_figures_rebuild_range
from tests.e2e.seen import accessibility_violations
from tests.e2e.steps import page_fits_the_screen
from tests.factories import DEMO_PASSWORD, JobPostingFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def province(regions):
    today = timezone.localdate()
    week = last_complete_week(today)
    Campaign.objects.create(name="春风行动", starts_on=week.first - timedelta(days=14), ends_on=today)
    wednesday = datetime.combine(week.first + timedelta(days=2), time(12), tzinfo=ZoneInfo("Asia/Shanghai"))
    JobPostingFactory(published_at=wednesday, headcount=40)
    JobPostingFactory(published_at=wednesday, headcount=7, county_id="431322", work_region_id="431322")
    daily_figures_rebuild_range(first=week.first, last=today)
    UserFactory(username="hunan_supervisor", role=Role.SUPERVISOR, region=regions.get(code="430000"))


def supervisor_signs_in(page):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("hunan_supervisor")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/stats/")


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_a_supervisor_reads_the_province_drills_down_to_a_county_and_downloads_the_weekly_report(
    screen, request, province
):
    page = request.getfixturevalue(screen)
    supervisor_signs_in(page)

    assert page.locator("h1").inner_text() == "湖南省 · 春风行动统计"
    assert page.locator('[data-figure="headcount_wanted"] .stats-tile__value').inner_text() == "47"
    # The charts are drawn (ECharts, under the site's CSP) beside the tables that hold the same figures.
    page.locator(".stats-chart svg").first.wait_for()
    assert page.locator("#sub-regions").get_by_role("link", name="长沙市").is_visible()
    assert page_fits_the_screen(page)
    assert accessibility_violations(page) == []

    page.locator("#sub-regions").get_by_role("link", name="长沙市").click()
    page.wait_for_url("**region=430100**")
    page.locator("#sub-regions").get_by_role("link", name="浏阳市").click()
    page.wait_for_url("**region=430181**")
    assert page.locator("h1").inner_text() == "浏阳市 · 春风行动统计"
    assert page.locator('[data-figure="headcount_wanted"] .stats-tile__value').inner_text() == "40"
    assert "湖南省" in page.locator(".breadcrumbs").inner_text()
    assert page_fits_the_screen(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="下载上周周报（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as saved:
        sheet = load_workbook(saved).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("浏阳市春风行动进展周报")
    assert rows[-1][0] == "合计"
    assert rows[-1][3] == 40  # 提供岗位(个)
