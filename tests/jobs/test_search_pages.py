"""What a job seeker sees of how a search was read: the place it filtered by, its undo, and help when empty."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import JobPostingFactory

pytestmark = pytest.mark.django_db


def page_text(client, **params):
    return html.unescape(client.get("/jobs/", params).content.decode())


def card_titles(client, **params):
    return re.findall(r'class="job-card__title"[^>]*>(?:<a [^>]*>)?([^<]+)<', page_text(client, **params))


def test_a_place_in_the_words_is_shown_as_a_filter_with_a_link_that_undoes_it(client, regions):
    JobPostingFactory(title="保洁阿姨", occupation="cleaning", work_region_id="431322")
    JobPostingFactory(
        title="保洁员", occupation="cleaning", work_region_id="430181", description="老乡来自 新化 ，人多"
    )
    text = page_text(client, q="新化 保洁")
    assert "已按 新化县 筛选" in text
    assert "共 1 个岗位" in text
    undo = re.search(r'<a href="\?([^"]+)">不按地点筛选</a>', text)[1]
    assert "words_only=1" in undo
    undone = html.unescape(client.get(f"/jobs/?{html.unescape(undo)}").content.decode())
    assert "已按" not in undone
    assert "保洁员" in undone


def test_nothing_in_the_county_links_to_the_province_with_its_count(client, regions):
    for _ in range(2):
        JobPostingFactory(title="保洁员", occupation="cleaning", work_region_id="430181")
    text = page_text(client, q="新化 保洁")
    assert "共 0 个岗位" in text
    assert "新化县没有，湖南省内有 2 个" in text
    link = re.search(r'<a href="\?([^"]+)">新化县没有', text)[1]
    assert "region=430000" in link
    assert "%E6%96%B0%E5%8C%96" not in link  # 新化 is taken out of the words: the region says it now


def test_a_typo_is_offered_the_word_it_sounds_like(client, regions):
    JobPostingFactory(title="保洁员", occupation="cleaning")
    text = page_text(client, q="保结")
    assert "您是不是要找： 保洁" in re.sub(r"<[^>]+>", "", text)


def test_the_api_and_the_page_give_the_same_order(client, regions):
    now = timezone.now()
    for age, (title, description) in enumerate(
        [("电子厂普工", "负责后厨清洁"), ("厨师帮工", "备菜"), ("食堂厨师", "大锅菜"), ("做饭阿姨", "家常菜")]
    ):
        JobPostingFactory(title=title, description=description, published_at=now - timedelta(days=age))
    for q in ("厨", "做饭", "浏阳 厨师"):
        api = client.get("/api/v1/postings/", {"q": q}).json()
        assert [posting["title"] for posting in api["results"]] == card_titles(client, q=q), q
    assert client.get("/api/v1/postings/", {"q": "浏阳 厨师"}).json()["place"] == {"code": "430181", "name": "浏阳市"}


def test_the_api_offers_the_near_words_and_the_wider_place(client, regions):
    JobPostingFactory(title="保洁员", occupation="cleaning", work_region_id="430181")
    answer = client.get("/api/v1/postings/", {"q": "新化 保结"}).json()
    assert answer["count"] == 0
    assert answer["suggestions"] == []  # 保洁 in 新化 finds nothing either
    assert answer["wider"] is None
    answer = client.get("/api/v1/postings/", {"q": "保结"}).json()
    assert answer["suggestions"] == ["保洁"]
    answer = client.get("/api/v1/postings/", {"q": "新化 保洁"}).json()
    assert answer["wider"] == {"region": {"code": "430000", "name": "湖南省"}, "count": 1, "count_is_capped": False}
