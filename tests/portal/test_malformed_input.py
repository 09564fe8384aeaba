"""Malformed input never answers 500: the requests an outside probe sent (issue 13 point 6), each as the person who
could send it, answer 4xx with a Chinese message; and a missing object answers exactly as one the caller may not see.
"""

import re

import pytest
from django.test import Client

from core.accounts.models import Role
from tests.factories import TripFactory, UserFactory, WorkerFactory
from transport.models import Booking, BookingStatus
from transport.services import booking_create

pytestmark = pytest.mark.django_db

THIRTY_DIGITS = "9" * 30
CONTROL_CHARACTERS_MESSAGE = "网址或提交的内容中有无法识别的控制字符，请检查后重新输入。"
UNREADABLE_FORM_MESSAGE = "提交的表单内容不完整，无法读取，请刷新页面后重新提交。"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def village(regions):
    return regions.get(code="430181102201")


@pytest.fixture
def trip(regions):
    """A coach from 新化县, where the dispatcher works."""
    return TripFactory()


@pytest.fixture
def people(regions, village):
    return {
        "visitor": None,
        "job seeker": WorkerFactory(home_region=village).user,
        "county staff": UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181")),
        "dispatcher": UserFactory(role=Role.DISPATCHER, region=regions.get(code="431322")),
    }


def what_the_page_says(response):
    """The page's main content, without what changes on every request (the CSRF token in the menu's forms)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def client_of(person):
    client = Client(raise_request_exception=False)
    if person is not None:
        client.force_login(person)
    return client


def says_in_chinese_what_is_wrong(response, message=CONTROL_CHARACTERS_MESSAGE):
    """The API's error body says what is wrong; a page does too, inside the site's frame."""
    if response["Content-Type"].startswith("application/json"):
        return response.json()["error"]["message"] == message
    page = response.content.decode()
    return message in page and "返回首页" in page


@pytest.mark.parametrize(
    ("who", "method", "url", "data"),
    [
        ("visitor", "get", "/jobs/?region=%00", None),
        ("visitor", "get", "/jobs/?q=%00", None),
        ("visitor", "get", "/trips/?origin_county=%00", None),
        ("visitor", "get", "/trips/?destination=%00", None),
        ("visitor", "get", "/trips/manifest/%00/", None),
        ("visitor", "get", "/api/v1/trips/?destination=%00", None),
        ("visitor", "get", "/api/v1/trips/?origin_county=%00", None),
        ("visitor", "get", "/api/v1/postings/?q=%00", None),
        ("job seeker", "get", "/me/trips/?%00=1", None),
        ("county staff", "get", "/api/v1/workers/?status=%00", None),
        ("county staff", "get", "/api/v1/workers/?region=%00", None),
        ("county staff", "get", "/console/workers/?region=%00", None),
        ("county staff", "get", "/console/workers/?q=%1b%5b2J", None),
        ("county staff", "post", "/console/workers/new/", {"full_name": "张\x00三", "phone": "13800138000"}),
        ("dispatcher", "post", "/console/trips/{trip}/book/", {"phone": "138\x0000138000"}),
    ],
)
def test_control_characters_in_a_path_query_or_form_answer_400_in_chinese(people, trip, who, method, url, data):
    response = getattr(client_of(people[who]), method)(url.format(trip=trip.pk), data)

    assert response.status_code == 400
    assert says_in_chinese_what_is_wrong(response)
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("visitor", "/api/v1/auth/token/"),
        ("job seeker", "/api/v1/trips/{trip}/bookings/"),
        ("job seeker", "/me/register/"),
        ("dispatcher", "/console/trips/{trip}/book/"),
    ],
)
def test_a_multipart_form_without_its_boundary_answers_400_in_chinese(people, trip, who, url):
    """What the API fuzzer sent: `multipart/form-data` with no boundary cannot be parsed at all."""
    response = client_of(people[who]).generic(
        "POST", url.format(trip=trip.pk), b'{"phone": ""}', content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert says_in_chinese_what_is_wrong(response, UNREADABLE_FORM_MESSAGE)
    assert not Booking.objects.exists()


def test_a_tab_or_a_line_break_in_a_form_is_text_not_a_malformed_request(people, trip):
    response = client_of(people["dispatcher"]).post(
        f"/console/trips/{trip.pk}/book/", {"phone": "\t138 0013 8000\r\n"}, follow=True
    )

    assert "本辖区没有手机号为 13800138000 的务工人员" in response.content.decode()


def test_a_phone_on_the_console_booking_form_is_normalised_and_a_bad_one_says_so(regions, village):
    """A dispatcher of 浏阳市 books a 浏阳 worker, the phone typed in full-width digits."""
    trip = TripFactory(origin_county_id="430181", destination_region_id="431322")
    worker = WorkerFactory(home_region=village)
    dispatcher = client_of(UserFactory(role=Role.DISPATCHER, region=regions.get(code="430181")))
    full_width = worker.user.phone.translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    refused = dispatcher.post(f"/console/trips/{trip.pk}/book/", {"phone": "①²"}, follow=True)
    booked = dispatcher.post(f"/console/trips/{trip.pk}/book/", {"phone": full_width}, follow=True)

    assert "请输入11位手机号码。" in refused.content.decode()
    assert f"已为{worker.full_name}预约" in booked.content.decode()
    assert Booking.objects.get().worker == worker


@pytest.mark.parametrize("days", ["99999999999", "-1", "😀", "10**9"])
def test_the_secretarys_not_contacted_days_out_of_range_say_so(people, days):
    response = client_of(people["county staff"]).get("/console/workers/secretary/", {"days": days, "due": "1"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "未联系天数" in page
    assert "我的服务对象" in page


@pytest.mark.parametrize(
    ("who", "method", "url"),
    [
        ("county staff", "get", f"/console/workers/{THIRTY_DIGITS}/"),
        ("county staff", "get", f"/console/jobs/postings/{THIRTY_DIGITS}/"),
        ("county staff", "get", f"/api/v1/workers/{THIRTY_DIGITS}/"),
        ("dispatcher", "get", f"/console/trips/{THIRTY_DIGITS}/"),
        ("visitor", "get", f"/jobs/{THIRTY_DIGITS}/"),
        ("visitor", "get", f"/trips/{THIRTY_DIGITS}/"),
        ("visitor", "get", f"/api/v1/postings/{THIRTY_DIGITS}/"),
        ("job seeker", "delete", f"/api/v1/bookings/{THIRTY_DIGITS}/"),
        ("job seeker", "post", f"/me/trips/{THIRTY_DIGITS}/cancel/"),
        ("job seeker", "post", f"/me/trips/{THIRTY_DIGITS}/accept/"),
    ],
)
def test_a_thirty_digit_id_in_a_url_is_not_found(people, who, method, url):
    response = getattr(client_of(people[who]), method)(url)

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "url", "query"),
    [
        ("visitor", "/api/v1/trips/", {"employer": "①"}),
        ("visitor", "/api/v1/trips/", {"employer": THIRTY_DIGITS}),
        ("county staff", "/api/v1/workers/", {"secretary": "²"}),
        ("county staff", "/api/v1/workers/", {"secretary": THIRTY_DIGITS}),
    ],
)
def test_a_strange_id_in_an_api_filter_is_no_server_error(people, who, url, query):
    response = client_of(people[who]).get(url, query)

    assert response.status_code < 500


@pytest.mark.parametrize(
    "query",
    [{"copy": "①"}, {"copy": THIRTY_DIGITS}, {"employer": "²"}, {"employer": THIRTY_DIGITS}, {"copy": "-1"}],
)
def test_a_strange_id_to_copy_a_posting_from_is_ignored(people, query):
    response = client_of(people["county staff"]).get("/console/jobs/postings/new/", query)

    assert response.status_code == 200
    assert "岗位名称" in response.content.decode()


def test_an_api_booking_that_does_not_exist_answers_as_another_persons_does(people, trip, village):
    someone_else = WorkerFactory(home_region=village)
    theirs, _created = booking_create(trip_id=trip.pk, worker=someone_else)
    api = client_of(people["job seeker"])

    missing = api.delete("/api/v1/bookings/999999999/")
    forbidden = api.delete(f"/api/v1/bookings/{theirs.pk}/")

    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()
    assert CHINESE.search(missing.json()["error"]["message"])
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("action", ["cancel", "accept"])
def test_a_booking_page_that_does_not_exist_answers_as_another_persons_does(people, trip, village, action):
    someone_else = WorkerFactory(home_region=village)
    theirs, _created = booking_create(trip_id=trip.pk, worker=someone_else)
    seeker = client_of(people["job seeker"])

    missing = seeker.post(f"/me/trips/999999999/{action}/")
    forbidden = seeker.post(f"/me/trips/{theirs.pk}/{action}/")

    assert missing.status_code == forbidden.status_code == 404
    assert what_the_page_says(missing) == what_the_page_says(forbidden)
    assert "找不到" in what_the_page_says(missing)
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.CONFIRMED


def test_the_own_booking_is_still_cancelled(people, trip):
    worker = people["job seeker"].worker
    booking, _created = booking_create(trip_id=trip.pk, worker=worker)

    response = client_of(people["job seeker"]).post(f"/me/trips/{booking.pk}/cancel/", follow=True)

    assert "已取消预约。" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_booking_a_trip_whose_id_is_past_the_databases_range_answers_404(people):
    """What the API fuzzer sent: the booking reads its trip by hand-written SQL, without the ORM's range guard."""
    response = client_of(people["job seeker"]).post(f"/api/v1/trips/{2**70}/bookings/", {})

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "找不到这趟车。"
    assert not Booking.objects.exists()
