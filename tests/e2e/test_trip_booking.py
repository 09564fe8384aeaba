import pytest

from core.accounts.models import Role
from tests.e2e.steps import page_fits_the_screen, staff_signs_in, worker_signs_in_by_sms
from tests.factories import PickupPointFactory, TripFactory, UserFactory, WorkerFactory
from transport.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_books_a_seat_on_a_phone_sees_the_qr_code_and_a_dispatcher_boards_them(phone, regions):
    trip = TripFactory(service_number="湘K·A3561")
    PickupPointFactory(trip=trip, name="洋溪镇政府")
    worker = WorkerFactory(home_region=regions.get(code="430181102201"), full_name="谭小梅")
    UserFactory(username="xinhua_dispatcher", role=Role.DISPATCHER, region=regions.get(code="431322"))

    worker_signs_in_by_sms(phone, worker.user.phone)
    phone.wait_for_url("**/me/")

    phone.get_by_role("link", name="我的返岗专车预约").click()
    phone.get_by_role("link", name="查看返岗专车").click()
    phone.get_by_role("link", name="新化县 → 浏阳市").click()
    assert page_fits_the_screen(phone)
    phone.get_by_role("button", name="预约座位").click()

    phone.wait_for_url("**/me/trips/")
    qr = phone.locator(".booking-qr svg")
    assert qr.is_visible()
    assert qr.bounding_box()["width"] >= 150
    booking = Booking.objects.get(worker=worker)
    assert booking.code in phone.locator(".booking-code").inner_text()
    assert page_fits_the_screen(phone)

    # The dispatcher's own phone: a fresh session.
    staff_signs_in(phone, "xinhua_dispatcher")
    phone.goto(f"/console/trips/{trip.pk}/boarding/")
    phone.get_by_label("预约码或手机号").fill(booking.code.lower())
    phone.get_by_role("button", name="上车", exact=True).click()

    # The scan is posted in the background: the answer replaces the result when it arrives.
    phone.locator(".scan-result", has_text="上车成功").wait_for()
    assert page_fits_the_screen(phone)
    phone.get_by_label("预约码或手机号").fill(booking.code)
    phone.get_by_role("button", name="上车", exact=True).click()
    phone.locator(".scan-result", has_text="已于").wait_for()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOARDED
