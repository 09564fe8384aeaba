"""The job list's cards read as on the job apps people know: the wage on the title line, 招X人, the ages, when it
went up, 急招 and 已招满, and for a signed-in worker how far from home (issue 16, point 4)."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from jobs.cards import distance_label
from tests.factories import JobPostingFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _regions(regions):
    return regions


def _cards(client):
    page = client.get("/jobs/").content.decode()
    return re.findall(r'<li class="(job-card[^"]*)">(.*?)</li>\s*(?=<li class="job-card|</ol>)', page, re.S)


def _worker():
    from core.regions.models import Region

    return WorkerFactory(home_region=Region.objects.get(code="430181102201"))


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_a_card_puts_the_wage_on_the_title_line_then_places_ages_and_today(client):
    JobPostingFactory(title="电子厂普工", wage_min=4500, wage_max=6000, headcount=30, age_min=18, age_max=50)

    [(classes, card)] = _cards(client)
    head = re.search(r'<div class="job-card__head">(.*?)</div>', card, re.S)[1]
    assert _text(head) == "电子厂普工 4500-6000元/月"
    assert _text(re.search(r'<p class="job-card__meta">(.*?)</p>', card, re.S)[1]) == "招30人 · 18-50岁 · 今天"
    assert classes == "job-card"


def test_a_card_says_how_many_days_ago_a_posting_went_up_and_marks_an_urgent_one(client):
    JobPostingFactory(title="装卸工", published_at=timezone.now() - timedelta(days=3), is_urgent=True)

    [(_classes, card)] = _cards(client)
    assert "3天前" in _text(card)
    assert "急招" in _text(card)


def test_a_posting_whose_places_are_all_signed_is_marked_full_not_urgent(client):
    posting = JobPostingFactory(title="质检员", headcount=2, is_urgent=True)
    application = apps.get_model("applications", "Application")
    for state in ("signed", "onboarded"):
        application.objects.create(worker=_worker(), posting=posting, state=state, source="self_applied")

    [(classes, card)] = _cards(client)
    assert classes == "job-card job-card--full"
    assert "已招满" in _text(card)
    assert "急招" not in _text(card)
    detail = client.get(f"/jobs/{posting.pk}/").content.decode()
    assert "已招满：名额都已签约，暂不接受报名。" in detail
    assert "在线报名" not in detail


def test_a_posting_with_a_place_left_is_not_marked_full(client):
    posting = JobPostingFactory(headcount=2)
    application = apps.get_model("applications", "Application")
    application.objects.create(worker=_worker(), posting=posting, state="signed", source="self_applied")
    application.objects.create(worker=_worker(), posting=posting, state="intention", source="self_applied")

    [(classes, card)] = _cards(client)
    assert classes == "job-card"
    assert "已招满" not in _text(card)


def test_a_signed_in_worker_sees_how_far_each_job_is_from_home(client, regions):
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))  # 浏阳市 大瑶镇
    JobPostingFactory(title="本县岗位", work_region_id="430181102", published_at=timezone.now())
    JobPostingFactory(title="长沙岗位", work_region_id="430104", published_at=timezone.now() - timedelta(hours=1))
    JobPostingFactory(title="娄底岗位", work_region_id="431322", published_at=timezone.now() - timedelta(hours=2))
    JobPostingFactory(title="深圳岗位", work_region_id="440306", published_at=timezone.now() - timedelta(hours=3))
    client.force_login(worker.user)

    distances = [re.search(r'job-card__distance">([^<]+)<', card)[1] for _classes, card in _cards(client)]
    assert distances == ["同县", "同市", "省内", "省外"]


def test_a_visitor_is_told_no_distance_and_workers_of_two_counties_are_not_shown_each_others(client, regions):
    JobPostingFactory(work_region_id="430181")
    assert "job-card__distance" not in client.get("/jobs/").content.decode()

    client.force_login(WorkerFactory(home_region=regions.get(code="430181102201")).user)
    assert re.search(r'job-card__distance">([^<]+)<', client.get("/jobs/").content.decode())[1] == "同县"
    client.force_login(WorkerFactory(home_region=regions.get(code="431322")).user)
    assert re.search(r'job-card__distance">([^<]+)<', client.get("/jobs/").content.decode())[1] == "省内"


@pytest.mark.parametrize(
    ("work", "home", "words"),
    [("430181", "430181102201", "同县"), ("430104", "430181", "同市"), ("440306", "430181", "省外")],
)
def test_distance_is_read_off_the_region_codes(work, home, words):
    assert distance_label(work, home) == words
