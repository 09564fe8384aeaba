import pytest

from jobs.pagecache import list_cache_invalidate
from tests.factories import EmployerFactory, JobPostingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def page_fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_job_seeker_finds_a_cleaning_job_in_liuyang_on_a_phone(phone, regions):
    list_cache_invalidate()
    JobPostingFactory(
        title="商场保洁员",
        occupation="cleaning",
        employer=EmployerFactory(name="浏阳金阳物业管理有限公司"),
        wage_min=3200,
        wage_max=3800,
        work_region_id="430181",
    )
    JobPostingFactory(title="医院保洁员", occupation="cleaning", work_region_id="431322")
    JobPostingFactory(title="电子厂普工", work_region_id="430181")

    phone.goto("/jobs/")
    assert page_fits_the_screen(phone)
    phone.get_by_role("searchbox", name="搜索岗位").fill("保洁")
    phone.get_by_role("button", name="搜索").click()
    phone.wait_for_url("**/jobs/?q=*")
    assert phone.locator(".job-card").count() == 2

    phone.get_by_text("筛选和排序").click()
    phone.locator('select[name="region__province"]').select_option(label="湖南省")
    phone.locator('select[name="region__city"]:enabled').select_option(label="长沙市")
    phone.locator('select[name="region__county"]:enabled').select_option(label="浏阳市")
    phone.get_by_role("button", name="筛选").click()
    phone.wait_for_url("**region__county=430181*")
    assert phone.locator(".job-card").count() == 1
    assert page_fits_the_screen(phone)

    phone.get_by_role("link", name="商场保洁员").click()
    phone.wait_for_url("**/jobs/*/")
    assert phone.locator("h1").inner_text() == "商场保洁员"
    assert "3200-3800元/月" in phone.locator(".job-detail__wage").inner_text()
    assert page_fits_the_screen(phone)
