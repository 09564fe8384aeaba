"""Posters for the village board: one posting, one job fair, and a board of up to eight picked postings whose one QR
code opens exactly those postings (issue 16, point 6)."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from core.accounts.models import Role
from tests.factories import JobPostingFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_job_list_cache")]


@pytest.fixture(autouse=True)
def _regions(regions):
    return regions


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_posting_poster_shows_the_wage_food_and_lodging_phones_and_a_qr_code_to_the_posting(client, settings):
    settings.COUNTY_BUREAU_PHONE = "0731-83011234"
    posting = JobPostingFactory(title="电子厂普工", wage_min=4500, wage_max=6000, provides_meals=True)
    response = client.get(f"/jobs/{posting.pk}/poster/")

    text = _text(response)
    for words in ("电子厂普工", "4500-6000元/月", "包吃", "不包住", "县人社局电话：0731-83011234", "12333"):
        assert words in text
    assert f"http://testserver/jobs/{posting.pk}/" in text
    assert response.content.decode().count("<svg") == 1


def test_a_closed_posting_has_no_poster(client):
    posting = JobPostingFactory(status="closed")

    assert client.get(f"/jobs/{posting.pk}/poster/").status_code == 404


def test_a_job_fair_poster_shows_when_where_and_its_postings(client, regions):
    fair = apps.get_model("applications", "JobFair").objects.create(
        title="浏阳市春风行动招聘会",
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=4),
        place="浏阳市人力资源市场",
        county_id="430181",
    )
    fair.postings.add(JobPostingFactory(title="注塑工", wage_min=5000, wage_max=7000))

    text = _text(client.get(f"/fairs/{fair.pk}/poster/"))
    for words in ("浏阳市春风行动招聘会", "浏阳市人力资源市场", "注塑工", "5000-7000元/月", f"/fairs/{fair.pk}/"):
        assert words in text


def test_a_board_poster_lists_the_picked_postings_and_its_qr_code_opens_exactly_those(client, regions):
    picked = [JobPostingFactory(title=f"岗位{n}") for n in range(3)]
    JobPostingFactory(title="没选的岗位")
    ids = ",".join(str(posting.pk) for posting in picked)

    poster = client.get(f"/jobs/board/poster/?pick={picked[0].pk}&pick={picked[1].pk}&pick={picked[2].pk}")
    assert [
        re.sub(r"\s", "", title) for title in re.findall(r'poster__row-title">([^<]+)<', poster.content.decode())
    ] == [
        "岗位0",
        "岗位1",
        "岗位2",
    ]
    assert f"http://testserver/jobs/board/?ids={ids}" in _text(poster)

    board = client.get(f"/jobs/board/?ids={ids}").content.decode()
    assert re.findall(r'job-card__title">([^<]+)<', board) == ["岗位0", "岗位1", "岗位2"]


def test_a_board_of_more_than_eight_or_of_words_is_refused(client):
    nine = ",".join(str(JobPostingFactory().pk) for _ in range(9))

    assert client.get(f"/jobs/board/poster/?ids={nine}").status_code == 404
    assert client.get("/jobs/board/?ids=1,abc").status_code == 404
    assert client.get("/jobs/board/?ids=").status_code == 404


def test_a_board_says_when_a_posting_on_it_has_stopped(client, regions):
    open_one, closed = JobPostingFactory(title="还在招"), JobPostingFactory(title="不招了", status="closed")

    page = client.get(f"/jobs/board/?ids={open_one.pk},{closed.pk}").content.decode()
    assert "还在招" in page
    assert "不招了" not in page
    assert "海报上有 1 个岗位已停止招聘。" in page


def test_a_village_agent_picks_postings_for_the_board_in_the_console(client, regions):
    JobPostingFactory(title="电子厂普工")
    client.force_login(UserFactory(role=Role.VILLAGE_AGENT, region=regions.get(code="430181102201")))

    page = client.get("/console/posters/board/").content.decode()
    assert "电子厂普工" in page
    assert 'name="pick"' in page
