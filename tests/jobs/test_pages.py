from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.pagecache import list_cache_invalidate
from jobs.services import posting_publish
from tests.factories import EmployerFactory, JobPostingFactory

pytestmark = pytest.mark.django_db


def test_the_job_list_shows_title_employer_place_wage_benefits_and_key_enterprise(client, regions):
    JobPostingFactory(
        title="商场保洁员",
        occupation="cleaning",
        employer=EmployerFactory(name="浏阳金阳物业有限公司", is_key_enterprise=True),
        wage_min=3200,
        wage_max=3800,
        provides_meals=True,
    )
    page = client.get("/jobs/", {"q": "保洁"}).content.decode()
    for text in [
        "商场保洁员",
        "浏阳金阳物业有限公司",
        "重点企业",
        "长沙市 · 浏阳市",
        "3200-3800元/月",
        "包吃",
        "共 1 个岗位",
    ]:
        assert text in page


def test_filters_are_read_from_the_url_so_a_search_can_be_shared(client, regions):
    JobPostingFactory(title="浏阳普工", work_region_id="430181")
    JobPostingFactory(title="新化普工", work_region_id="431322")
    page = client.get("/jobs/?q=普工&region=431322").content.decode()
    assert "新化普工" in page
    assert "浏阳普工" not in page


def test_the_list_pages_forward_with_a_next_link_that_keeps_the_filters(client, regions):
    start = timezone.now() - timedelta(days=1)
    for number in range(25):
        JobPostingFactory(title=f"普工{number:02d}", published_at=start + timedelta(minutes=number))
    first = client.get("/jobs/", {"q": "普工"})
    next_link = first.context["next_query"]
    assert "q=%E6%99%AE%E5%B7%A5" in next_link
    second = client.get(f"/jobs/?{next_link}").content.decode()
    assert "普工04" in second
    assert "普工05" not in second


def test_a_bad_filter_gets_a_chinese_message_and_the_unfiltered_list(client, regions):
    JobPostingFactory(title="电子厂普工")
    page = client.get("/jobs/", {"wage_min": "很多"}).content.decode()
    assert "月薪不低于（元）：输入整数。" in page
    assert "电子厂普工" in page


def test_a_broken_page_link_says_so_and_shows_the_first_page(client, regions):
    JobPostingFactory(title="电子厂普工")
    page = client.get("/jobs/", {"cursor": "garbage"}).content.decode()
    assert "翻页链接已失效" in page
    assert "电子厂普工" in page


def test_a_description_with_a_script_tag_is_shown_as_text(client, regions):
    posting = JobPostingFactory(title="<script>alert(1)</script>普工", description="<script>alert('x')</script>")
    detail = client.get(f"/jobs/{posting.pk}/").content.decode()
    listing = client.get("/jobs/").content.decode()
    assert "<script>alert" not in detail
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in detail
    assert "<script>alert" not in listing


def test_the_posting_page_shows_what_a_worker_needs_to_decide(client, regions):
    posting = JobPostingFactory(
        title="电子厂普工",
        wage_min=4500,
        wage_max=6500,
        pay_notes="计件，保底4500元",
        working_hours="两班倒，每天10小时",
        provides_meals=True,
        provides_housing=True,
        headcount=30,
        work_address="浏阳经开区康宁路1号",
    )
    page = client.get(f"/jobs/{posting.pk}/").content.decode()
    for text in [
        "4500-6500元/月",
        "计件，保底4500元",
        "两班倒，每天10小时",
        "包吃，包住",
        "湖南省 长沙市 浏阳市 浏阳经开区康宁路1号",
        "30 人",
        "tel:0731-83612345",
        f"/jobs/{posting.pk}/",
    ]:
        assert text in page


@pytest.mark.parametrize("status", ["draft", "closed", "expired"])
def test_a_posting_that_is_not_recruiting_is_not_found(client, regions, status):
    posting = JobPostingFactory(status=status, published_at=None if status == "draft" else timezone.now())
    assert client.get(f"/jobs/{posting.pk}/").status_code == 404


def test_the_first_page_of_results_stays_small(client, regions):
    JobPostingFactory.create_batch(25, description="流水线组装" * 100)
    response = client.get("/jobs/", {"q": "普工"})
    assert len(response.content) < 100 * 1024
    assert response.content.decode().count('class="job-card"') == 20


def test_the_list_runs_the_same_number_of_queries_for_one_posting_or_twenty(
    client, regions, django_assert_max_num_queries
):
    JobPostingFactory()
    with django_assert_max_num_queries(12) as one:
        client.get("/jobs/", {"q": "普工"})
    JobPostingFactory.create_batch(20)
    list_cache_invalidate()
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/jobs/", {"q": "普工"})


def test_the_home_page_links_to_the_job_supermarket_and_searches_it(client):
    page = client.get("/").content.decode()
    assert 'href="/jobs/"' in page
    assert 'action="/jobs/"' in page


def test_a_repeated_search_is_served_from_the_cache(client, regions, django_assert_max_num_queries):
    JobPostingFactory(title="电子厂普工")
    client.get("/jobs/", {"q": "普工"})
    with django_assert_max_num_queries(0):
        page = client.get("/jobs/", {"q": "普工"}).content.decode()
    assert "电子厂普工" in page


def test_publishing_a_posting_shows_it_at_once_in_a_cached_list(client, regions, django_capture_on_commit_callbacks):
    JobPostingFactory(title="电子厂普工")
    assert "食品厂普工" not in client.get("/jobs/", {"q": "普工"}).content.decode()
    draft = JobPostingFactory(title="食品厂普工", status="draft", published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        posting_publish(posting=draft)
    assert "食品厂普工" in client.get("/jobs/", {"q": "普工"}).content.decode()


def test_the_list_cache_can_be_turned_off(client, regions, settings):
    settings.JOBS_LIST_CACHE_SECONDS = 0
    JobPostingFactory(title="电子厂普工")
    client.get("/jobs/", {"q": "普工"})
    JobPostingFactory(title="食品厂普工")
    assert "食品厂普工" in client.get("/jobs/", {"q": "普工"}).content.decode()
