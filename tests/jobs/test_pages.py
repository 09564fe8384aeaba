from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.accounts.models import Role
from jobs.forms import PostingSearchForm
from jobs.pagecache import list_cache_invalidate
from jobs.services import employer_update, posting_publish, posting_update
from tests.factories import EmployerFactory, JobPostingFactory, UserFactory

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


def test_a_draft_posting_is_not_found(client, regions):
    posting = JobPostingFactory(status="draft", published_at=None)
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


def test_each_card_links_to_its_posting_and_shows_a_single_wage_and_the_welfare_tag(client, regions):
    posting = JobPostingFactory(title="公益性保洁员", kind="public_welfare", wage_min=2000, wage_max=2000)
    page = client.get("/jobs/", {"q": "保洁"}).content.decode()
    assert f'href="{reverse("jobs:posting-detail", args=[posting.pk])}"' in page
    assert "2000元/月" in page
    assert '<li class="tag tag--welfare">公益性岗位</li>' in page


@contextmanager
def picker_queries():
    """The region pickers' queries while the block runs: lists of regions in code order (not the form's check)."""
    statements = []

    def record(execute, sql, params, many, context):
        if sql.startswith('SELECT "regions_region"') and 'ORDER BY "regions_region"."code"' in sql:
            statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def test_the_filter_panel_shows_the_chosen_filters_and_is_reused_for_the_next_search(client, regions, settings):
    settings.JOBS_LIST_CACHE_SECONDS = 0  # the panel is cached on its own, whatever the result cache does
    JobPostingFactory(title="商场保洁员", work_region_id="430181", provides_meals=True)
    liuyang = {"region": "430181", "benefits": "provides_meals"}

    with picker_queries() as first:
        page = client.get("/jobs/", {"q": "保洁", **liuyang}).content.decode()
    with picker_queries() as second:
        again = client.get("/jobs/", {"q": "商场", **liuyang}).content.decode()
    xinhua = client.get("/jobs/", {"q": "保洁", "region": "431322"}).content.decode()

    assert first
    assert not second
    for html in (page, again):
        assert '<details class="job-filters" open>' in html
        assert '<option value="430181" selected>浏阳市</option>' in html
        assert 'value="provides_meals" id="id_benefits_0" checked' in html
    assert '<option value="431322" selected>新化县</option>' in xinhua
    assert "430181" not in xinhua
    assert "checked" not in xinhua
    assert '<details class="job-filters">' in client.get("/jobs/", {"q": "保洁"}).content.decode()


def test_the_filter_panel_is_in_the_language_of_the_page(client, regions):
    chinese = client.get("/jobs/", {"region": "430181"}).content.decode()
    english = client.get("/jobs/", {"region": "430181"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "筛选和排序" in chinese
    assert "Filter and sort" in english
    assert "Choose a county" in english
    assert "筛选和排序" not in english
    assert '<option value="430181" selected>浏阳市</option>' in english


def test_an_edited_posting_shows_at_once_in_a_cached_list(client, regions, django_capture_on_commit_callbacks):
    posting = JobPostingFactory(title="电子厂普工", wage_min=4000, wage_max=5000)
    assert "4000-5000元/月" in client.get("/jobs/", {"q": "普工"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        posting_update(posting=posting, actor=None, wage_max=6000)
    assert "4000-6000元/月" in client.get("/jobs/", {"q": "普工"}).content.decode()


def test_marking_an_employer_as_key_enterprise_shows_at_once_in_a_cached_list(
    client, regions, django_capture_on_commit_callbacks
):
    posting = JobPostingFactory(title="电子厂普工", employer__is_key_enterprise=False)
    staff = UserFactory(role=Role.COUNTY_STAFF, region_id=posting.employer.county_id)
    assert "tag--key" not in client.get("/jobs/", {"q": "普工"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        employer_update(employer=posting.employer, actor=staff, is_key_enterprise=True, liaison=staff)
    assert "tag--key" in client.get("/jobs/", {"q": "普工"}).content.decode()


def test_search_forms_share_their_fields_but_not_their_values_or_errors(regions):
    wrong = PostingSearchForm({"wage_min": "很多", "region": "430181"})
    right = PostingSearchForm({"q": "普工"})

    assert not wrong.is_valid()
    assert right.is_valid()
    assert right.errors == {}
    assert right.cleaned_data["region"] is None
    assert "很多" not in str(right["wage_min"])
    assert wrong.fields["region"] is right.fields["region"]
