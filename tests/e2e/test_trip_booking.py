import pytest

from core.accounts.models import Role
from tests.e2e.test_worker_registration import code_sent_to, page_fits_the_screen
from tests.factories import DEMO_PASSWORD, PickupPointFactory, TripFactory, UserFactory, WorkerFactory
from transport.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_books_a_seat_on_a_phone_sees_the_qr_code_and_a_dispatcher_boards_them(phone, regions):
    trip = TripFactory(service_number="湘K·A3561")
    PickupPointFactory(trip=trip, name="洋溪镇政府")
    worker = WorkerFactory(home_region=regions.get(code="430181102201"), full_name="谭小梅")
    UserFactory(username="xinhua_dispatcher", role=Role.DISPATCHER, region=regions.get(code="431322"))

    phone.goto("/accounts/phone/")
    phone.get_by_label("手机号").fill(worker.user.phone)
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_url("**/accounts/phone/code/")
    phone.get_by_label("短信验证码").fill(code_sent_to(worker.user.phone))
    phone.get_by_role("button", name="登录").click()
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
    phone.context.clear_cookies()
    phone.goto("/accounts/login/")
    phone.get_by_label("用户名").fill("xinhua_dispatcher")
    phone.get_by_label("密码").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url("**/console/")
    phone.goto(f"/console/trips/{trip.pk}/boarding/")
    phone.get_by_label("预约码或手机号").fill(booking.code.lower())
    phone.get_by_role("button", name="上车", exact=True).click()

    assert "上车成功" in phone.locator(".scan-result").inner_text()
    assert page_fits_the_screen(phone)
    phone.get_by_label("预约码或手机号").fill(booking.code)
    phone.get_by_role("button", name="上车", exact=True).click()
    assert "已于" in phone.locator(".scan-result").inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOARDED
