"""The boarding page's camera where the browser has no BarcodeDetector (iOS Safari, WeChat on iOS, desktop Chrome on
Windows and Linux): the vendored jsQR reads the passenger's QR code from the video, and the camera stays on."""

from pathlib import Path

import pytest
import qrcode

from core.accounts.models import Role
from tests.e2e.steps import staff_signs_in
from tests.factories import TripFactory, UserFactory, WorkerFactory
from transport.models import Booking
from transport.services import booking_create

pytestmark = pytest.mark.django_db(transaction=True)

FAKE_CAMERA = Path(__file__).resolve().parents[2] / "var" / "fake-camera" / "booking-qr.y4m"
SHOWN_CODE = "QR7K3M2P"
WITHOUT_BARCODE_DETECTOR = "delete window.BarcodeDetector;"


def _write_qr_video(path, text, *, size=480, frames=3):
    """A Y4M video (what chromium's fake camera plays) of a phone screen showing the booking's QR code."""
    code = qrcode.QRCode(border=4, box_size=1)
    code.add_data(text)
    code.make()
    matrix = code.get_matrix()
    scale = size // len(matrix)
    offset = (size - len(matrix) * scale) // 2
    luma = bytearray([235]) * (size * size)
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            if dark:
                for y in range(offset + row * scale, offset + (row + 1) * scale):
                    start = y * size + offset + column * scale
                    luma[start : start + scale] = bytes(scale)
    chroma = bytes([128]) * (size * size // 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"YUV4MPEG2 W{size} H{size} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + (b"FRAME\n" + bytes(luma) + chroma) * frames)


@pytest.fixture
def boarding_trip(regions):
    UserFactory(username="xinhua_dispatcher", role=Role.DISPATCHER, region=regions.get(code="431322"))
    trip = TripFactory(service_number="湘K·A3561")
    village = regions.get(code="430181102201")
    shown, _ = booking_create(trip_id=trip.pk, worker=WorkerFactory(home_region=village, full_name="谭小梅"))
    booking_create(trip_id=trip.pk, worker=WorkerFactory(home_region=village, full_name="刘建国"))
    Booking.objects.filter(pk=shown.pk).update(code=SHOWN_CODE)
    return trip


@pytest.fixture
def fake_camera():
    _write_qr_video(FAKE_CAMERA, SHOWN_CODE)
    return FAKE_CAMERA


@pytest.mark.chromium_args(
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    f"--use-file-for-fake-video-capture={FAKE_CAMERA}",
)
def test_without_barcode_detector_jsqr_reads_the_code_from_the_camera_and_the_camera_stays_on(
    fake_camera, boarding_trip, phone
):
    phone.context.add_init_script(WITHOUT_BARCODE_DETECTOR)
    phone.context.grant_permissions(["camera"])
    staff_signs_in(phone, "xinhua_dispatcher")
    phone.goto(f"/console/trips/{boarding_trip.pk}/boarding/")
    assert phone.evaluate("typeof window.BarcodeDetector") == "undefined"
    assert phone.evaluate("typeof window.jsQR") == "function"

    phone.get_by_role("button", name="打开摄像头扫码").click()

    phone.locator(".scan-result", has_text="谭小梅 上车成功").wait_for(timeout=15000)
    assert phone.locator(".boarding-count").inner_text() == "已上车 1 / 2"
    assert "刘建国" in phone.locator(".missing-list").inner_text()
    assert phone.get_by_role("button", name="关闭摄像头").is_visible()
    assert phone.locator("#scan-video").is_visible()
    assert phone.evaluate("document.getElementById('scan-video').srcObject.active")
    assert Booking.objects.get(code=SHOWN_CODE).status == "boarded"


def test_without_a_camera_the_scan_button_says_so_and_typing_still_works(boarding_trip, phone):
    phone.context.add_init_script(WITHOUT_BARCODE_DETECTOR)
    staff_signs_in(phone, "xinhua_dispatcher")
    phone.goto(f"/console/trips/{boarding_trip.pk}/boarding/")

    phone.get_by_role("button", name="打开摄像头扫码").click()

    phone.locator("#scan-note", has_text="无法打开摄像头").wait_for()
    assert phone.locator("#scan-video").is_hidden()
    phone.get_by_label("预约码或手机号").fill(SHOWN_CODE.lower())
    phone.get_by_label("预约码或手机号").press("Enter")
    phone.locator(".boarding-count", has_text="已上车 1 / 2").wait_for()
    assert phone.evaluate("document.activeElement.name") == "query"


def test_where_the_browser_offers_no_camera_the_scan_button_stays_hidden(boarding_trip, phone):
    phone.context.add_init_script("Object.defineProperty(navigator, 'mediaDevices', {value: undefined});")
    staff_signs_in(phone, "xinhua_dispatcher")
    phone.goto(f"/console/trips/{boarding_trip.pk}/boarding/")

    assert phone.get_by_label("预约码或手机号").is_visible()
    assert phone.locator("#scan-button").is_hidden()


def test_a_scan_after_the_session_ended_shows_the_sign_in_page_rather_than_nothing(boarding_trip, phone):
    staff_signs_in(phone, "xinhua_dispatcher")
    phone.goto(f"/console/trips/{boarding_trip.pk}/boarding/")
    kept = [cookie for cookie in phone.context.cookies() if cookie["name"] != "sessionid"]
    phone.context.clear_cookies()
    phone.context.add_cookies(kept)

    phone.get_by_label("预约码或手机号").fill(SHOWN_CODE)
    phone.get_by_label("预约码或手机号").press("Enter")

    phone.wait_for_url("**/accounts/login/**")
    assert Booking.objects.get(code=SHOWN_CODE).status == "confirmed"
