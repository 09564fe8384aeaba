"""What any visitor meets on the public pages: link checkers' HEAD requests, the header and the tab bar."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.notifications.services import notify
from placement.applications.models import JobFair
from tests.factories import JobPostingFactory, PickupPointFactory, TripFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def test_every_public_page_answers_a_head_request(client, regions):
    posting = JobPostingFactory()
    starts = timezone.now() + timedelta(days=2)
    fair = JobFair.objects.create(
        title="浏阳专场招聘会", starts_at=starts, ends_at=starts, place="浏阳市人力资源市场", county_id="430181"
    )
    trip = PickupPointFactory(trip=TripFactory()).trip
    pages = [
        "/",
        "/jobs/",
        f"/jobs/{posting.pk}/",
        "/trips/",
        f"/trips/{trip.pk}/",
        "/fairs/",
        f"/fairs/{fair.pk}/",
        "/accounts/phone/",
        "/accounts/login/",
        "/healthz",
    ]
    answers = {page: client.head(page).status_code for page in pages}
    assert answers == dict.fromkeys(pages, 200)


def test_a_head_request_does_not_count_as_a_view_of_a_fair(client, regions):
    starts = timezone.now()
    fair = JobFair.objects.create(
        title="浏阳专场", starts_at=starts, ends_at=starts, place="人力资源市场", county_id="430181"
    )
    client.head(f"/fairs/{fair.pk}/")
    fair.refresh_from_db()
    assert fair.views == 0


def _text(response):
    """What a person reads on the page: the markup without its tags, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _tab_bar(response):
    page = response.content.decode()
    start = page.find('<nav class="tab-bar"')
    return page[start : page.index("</nav>", start)] if start >= 0 else ""


def test_every_home_card_is_one_link_and_reaches_trips_and_fairs(client):
    page = client.get("/").content.decode()
    cards = re.findall(r'<a class="card card--link" href="([^"]+)">\s*<h2>([^<]+)</h2>', page)
    assert cards == [("/jobs/", "找工作"), ("/me/", "登记求职"), ("/trips/", "返岗专车"), ("/fairs/", "招聘会")]


def test_a_visitor_signs_in_from_the_header_and_staff_find_their_way_in_at_the_foot(client):
    page = client.get("/jobs/").content.decode()
    header = page[page.index('<header class="site-header">') : page.index("</header>")]
    footer = page[page.index('<footer class="site-footer">') : page.index("</footer>")]
    assert '<a href="/accounts/phone/">登录</a>' in header
    assert "工作人员登录" not in header
    assert '<a href="/accounts/login/">工作人员登录</a>' in footer


def test_a_signed_in_worker_sees_mine_messages_and_sign_out_on_every_public_page(client, regions):
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))
    notify(recipients=[worker.user], template="announcement", context={"content": "明天发车"}, channels=["inbox"])
    notify(recipients=[worker.user], template="announcement", context={"content": "后天发车"}, channels=["inbox"])
    client.force_login(worker.user)

    for url in ["/", "/jobs/", "/trips/", "/fairs/"]:
        response = client.get(url)
        text = _text(response)
        assert "我的" in text
        assert "退出" in text
        assert "工作人员登录" not in text
        tabs = re.sub(r"<[^>]+>", " ", _tab_bar(response)).split()
        assert tabs == ["找工作", "专车", "消息", "2", "条未读", "我的"], url


def test_the_tab_bar_marks_the_section_the_worker_is_in(client, regions):
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))
    client.force_login(worker.user)

    current = {
        url: re.findall(r'aria-current="page">([^<]+)', _tab_bar(client.get(url)))
        for url in ["/jobs/", "/trips/", "/inbox/", "/me/", "/me/applications/"]
    }

    assert current == {
        "/jobs/": ["找工作"],
        "/trips/": ["专车"],
        "/inbox/": ["消息"],
        "/me/": ["我的"],
        "/me/applications/": ["我的"],
    }


def test_a_visitor_s_tab_bar_marks_the_section_and_speaks_the_page_s_language(client, regions):
    def tabs(url, **headers):
        bar = _tab_bar(client.get(url, **headers))
        return re.sub(r"<[^>]+>", " ", bar).split(), re.findall(r'aria-current="page">([^<]+)', bar)

    # Twice each, in turn: the second time the tab bar comes from the cache, and must be the same.
    for _round in range(2):
        assert tabs("/jobs/") == (["找工作", "专车", "消息", "我的"], ["找工作"])
        assert tabs("/trips/") == (["找工作", "专车", "消息", "我的"], ["专车"])
        assert tabs("/jobs/", HTTP_ACCEPT_LANGUAGE="en") == (
            ["Find", "a", "job", "Buses", "Message", "Me"],
            ["Find a job"],
        )


def test_the_workers_own_page_opens_with_its_four_links(client, regions):
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))
    client.force_login(worker.user)

    text = _text(client.get("/me/"))

    links = text.index("为我推荐的岗位"), text.index("我的报名"), text.index("我的返岗专车预约")
    assert max(links) < text.index("我的状态")


def test_staff_get_no_tab_bar(client, regions):
    client.force_login(UserFactory(role="county_staff", region=regions.get(code="430181")))

    response = client.get("/jobs/")

    assert _tab_bar(response) == ""
    assert "工作台" in _text(response)
