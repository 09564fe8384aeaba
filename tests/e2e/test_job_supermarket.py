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


def test_a_job_seeker_who_types_a_county_sees_it_as_a_filter_and_undoes_it(phone, regions):
    list_cache_invalidate()
    JobPostingFactory(title="保洁阿姨", occupation="cleaning", work_region_id="431322")
    JobPostingFactory(title="医院保洁员", occupation="cleaning", work_region_id="431322")
    JobPostingFactory(title="电子厂普工", work_region_id="431322")
    JobPostingFactory(
        title="商场保洁员", occupation="cleaning", work_region_id="430181", description="新化老乡多，包住"
    )
    JobPostingFactory(title="酒店保洁员", occupation="cleaning", work_region_id="430181")

    phone.goto("/jobs/")
    phone.get_by_role("searchbox", name="搜索岗位").fill("新化 保洁")
    phone.get_by_role("button", name="搜索").click()
    phone.wait_for_url("**/jobs/?q=*")
    assert "已按 新化县 筛选" in phone.locator(".job-search-note").first.inner_text()
    assert phone.get_by_role("status").inner_text() == "共 2 个岗位"
    assert sorted(phone.locator(".job-card__title").all_inner_texts()) == ["保洁阿姨", "医院保洁员"]
    assert set(phone.locator(".job-card__place").all_inner_texts()) == {"娄底市 · 新化县"}
    assert page_fits_the_screen(phone)

    phone.get_by_role("link", name="不按地点筛选").click()
    phone.wait_for_url("**words_only=1*")
    assert phone.locator(".job-search-note").count() == 0
    # 新化 is a word now: the county's cleaning jobs and the one elsewhere that mentions it, none without it.
    assert phone.get_by_role("status").inner_text() == "共 3 个岗位"
    assert sorted(phone.locator(".job-card__title").all_inner_texts()) == ["保洁阿姨", "医院保洁员", "商场保洁员"]
    assert phone.get_by_role("searchbox", name="搜索岗位").input_value() == "新化 保洁"
