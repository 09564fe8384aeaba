"""The public list of job fairs (/fairs/): what is coming first, soonest first; fairs that are over kept apart."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from placement.applications.models import JobFair

pytestmark = pytest.mark.django_db


def _fair(title, starts_in):
    starts = timezone.now() + starts_in
    return JobFair.objects.create(
        title=title, starts_at=starts, ends_at=starts + timedelta(hours=4), place="人力资源市场", county_id="430181"
    )


def test_upcoming_fairs_come_soonest_first_and_past_ones_are_marked_ended(client, regions):
    _fair("9日招聘会", timedelta(days=9))
    _fair("5日招聘会", timedelta(days=5))
    _fair("十天前的招聘会", -timedelta(days=10))
    _fair("正在进行的招聘会", -timedelta(hours=1))

    page = client.get("/fairs/").content.decode()

    upcoming, past = page.split('<h2 class="fairs__past">')
    assert re.findall(r">([^<>]*招聘会)</a>", upcoming) == ["正在进行的招聘会", "5日招聘会", "9日招聘会"]
    assert re.findall(r">([^<>]*招聘会)</a>", past) == ["十天前的招聘会"]
    assert "已结束" in past
    assert "已结束" not in upcoming


def test_the_list_says_when_no_fair_is_coming(client, regions):
    _fair("十天前的招聘会", -timedelta(days=10))

    page = client.get("/fairs/").content.decode()

    assert "近期没有招聘会" in page
    assert "十天前的招聘会" in page
