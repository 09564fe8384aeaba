"""The worker's destructive actions ask first, without JavaScript: 取消预约 and 撤回报名 (issue 15, point 4)."""

import re

import pytest

from placement.applications.services import application_apply
from tests.factories import JobPostingFactory, TripFactory, WorkerFactory
from transport.models import BookingStatus
from transport.services import booking_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(regions):
    return WorkerFactory(home_region=regions.get(code="430181102201"))


def _parts(page):
    """The confirmation's words, the safe link and the destructive form, in page order."""
    main = page[page.index("<main") : page.index("</main>")]
    return {
        "text": " ".join(re.sub(r"<[^>]+>", " ", main).split()),
        "safe_first": main.index("button--secondary") < main.index("button--danger"),
        "form_action": re.search(r'<form method="post" action="([^"]+)"', main)[1],
    }


def test_cancelling_a_seat_asks_first_and_says_the_seat_goes_to_the_waitlist(client, worker):
    booking, _ = booking_create(trip_id=TripFactory().pk, worker=worker)
    client.force_login(worker.user)

    listed = client.get("/me/trips/").content.decode()
    assert f'href="/me/trips/{booking.pk}/cancel/">取消预约</a>' in listed
    asked = _parts(client.get(f"/me/trips/{booking.pk}/cancel/").content.decode())
    booking.refresh_from_db()

    assert booking.status == BookingStatus.CONFIRMED
    assert f"取消后，您的 {booking.seat_number} 号座位会让给候补的人" in asked["text"]
    assert "新化县 → 浏阳市" in asked["text"]
    assert "确认取消预约" in asked["text"]
    assert "不取消，返回我的预约" in asked["text"]
    assert asked["safe_first"]
    assert asked["form_action"] == f"/me/trips/{booking.pk}/cancel/"

    client.post(f"/me/trips/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_withdrawing_an_application_asks_first_and_says_what_follows(client, worker):
    posting = JobPostingFactory(title="锂电池厂普工")
    application, _ = application_apply(worker=worker, posting_id=posting.pk)
    client.force_login(worker.user)

    listed = client.get("/me/applications/").content.decode()
    assert f'href="/me/applications/{application.pk}/withdraw/">撤回报名</a>' in listed
    asked = _parts(client.get(f"/me/applications/{application.pk}/withdraw/").content.decode())
    application.refresh_from_db()

    assert application.state == "applied"
    assert "撤回对“锂电池厂普工”的报名？" in asked["text"]
    assert f"撤回后，{posting.employer.name}和人社局不再为您跟进这个岗位" in asked["text"]
    assert asked["safe_first"]

    client.post(f"/me/applications/{application.pk}/withdraw/")
    application.refresh_from_db()
    assert application.state == "withdrawn"


def test_nobody_is_asked_about_someone_elses_booking_or_application(client, worker, regions):
    other = WorkerFactory(home_region=regions.get(code="430181102201"))
    booking, _ = booking_create(trip_id=TripFactory().pk, worker=other)
    application, _ = application_apply(worker=other, posting_id=JobPostingFactory().pk)
    client.force_login(worker.user)

    assert client.get(f"/me/trips/{booking.pk}/cancel/").status_code == 404
    assert client.get(f"/me/applications/{application.pk}/withdraw/").status_code == 404
