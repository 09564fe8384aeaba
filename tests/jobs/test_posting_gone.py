"""A posting that stopped recruiting, opened from a link shared in a WeChat group: why, and open ones like it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import JobPostingFactory

pytestmark = pytest.mark.django_db


def _titles(page):
    return re.findall(r'<h2 class="job-card__title">([^<]+)</h2>', page)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"status": "filled"}, "该岗位已招满"),
        ({"status": "closed"}, "该岗位已停止招聘"),
        ({"status": "expired"}, "该岗位已停止招聘"),
        ({"valid_until": timezone.localdate() - timedelta(days=1)}, "该岗位已停止招聘"),
    ],
)
def test_a_posting_that_stopped_recruiting_says_why_with_a_200(client, regions, fields, says):
    posting = JobPostingFactory(title="锂电池厂普工", **fields)

    response = client.get(f"/jobs/{posting.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "锂电池厂普工" in page
    assert says in page
    assert "在线报名" not in page


def test_it_offers_up_to_five_open_postings_like_it_nearest_first(client, regions):
    gone = JobPostingFactory(title="原岗位", status="filled", occupation="general_worker", work_region_id="430181")
    JobPostingFactory(title="深圳普工", occupation="general_worker", work_region_id="440306")
    JobPostingFactory(title="长沙普工", occupation="general_worker", work_region_id="430104")
    for n in range(4):
        JobPostingFactory(title=f"浏阳普工{n}", occupation="general_worker", work_region_id="430181")
    JobPostingFactory(title="浏阳厨师", occupation="cook", work_region_id="430181")
    JobPostingFactory(title="已关闭普工", occupation="general_worker", status="closed")

    page = client.get(f"/jobs/{gone.pk}/").content.decode()

    assert _titles(page) == ["浏阳普工3", "浏阳普工2", "浏阳普工1", "浏阳普工0", "长沙普工"]


def test_it_says_so_when_nothing_like_it_is_open(client, regions):
    gone = JobPostingFactory(status="closed")

    page = client.get(f"/jobs/{gone.pk}/").content.decode()

    assert "附近暂时没有同类岗位" in page
    assert "去就业超市看全部岗位" in page
