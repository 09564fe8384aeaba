"""The dispatcher's day at an office screen (1366 x 768): a new trip, opened for booking, its manifest seat by seat,
three passengers boarded at the door, the coach leaving with the other two marked as no-shows.

Each step asserts what the page shows and then saves its screenshot (var/screenshots/dispatcher/, copied into
docs/journeys/dispatcher/) with axe-core's serious and critical violations at zero."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.accounts.models import Role
from core.privacy.masking import mask_phone
from tests.e2e.seen import Journey
from tests.e2e.steps import staff_signs_in
from tests.factories import EmployerFactory, JobPostingFactory, UserFactory, WorkerFactory
from transport.models import Trip
from transport.services import booking_create

pytestmark = pytest.mark.django_db(transaction=True)

PASSENGERS = ["谭小梅", "刘建国", "曾秋菊", "罗大勇", "陈桂兰"]


def _cells(page, row):
    return [cell.strip() for cell in page.locator(".manifest-table tbody tr").nth(row).locator("td").all_inner_texts()]


def _focused_field(page):
    return page.evaluate("document.activeElement && document.activeElement.name")


def test_the_dispatcher_schedules_a_trip_opens_it_boards_three_and_marks_the_no_shows(desk, regions):
    UserFactory(
        username="xinhua_dispatcher", first_name="罗海军", role=Role.DISPATCHER, region=regions.get(code="431322")
    )
    employer = EmployerFactory(name="新化县鑫达电子厂", region_id="431322", county_id="431322")
    JobPostingFactory(employer=employer, title="电子厂普工", work_region_id="431322", county_id="431322")
    elsewhere = EmployerFactory(name="古丈县茶叶合作社", region_id="433126", county_id="433126")
    JobPostingFactory(employer=elsewhere, title="采茶工", work_region_id="433126", county_id="433126")
    journey = Journey("dispatcher")
    page = desk

    # 1. A new trip: the county is already chosen, the times filled in, only the county's postings offered.
    staff_signs_in(page, "xinhua_dispatcher")
    page.get_by_role("link", name="返岗专车").click()
    page.get_by_role("link", name="新建专车").click()
    assert page.get_by_label("出发县").locator("option:checked").inner_text() == "新化县"
    departs = page.get_by_label("出发时间").input_value()
    assert departs
    assert page.locator("select[name=postings] option").all_inner_texts() == ["电子厂普工 · 新化县鑫达电子厂"]

    page.get_by_label("车次或车牌").fill("湘K·A3561")
    page.get_by_label("目的地城市").select_option(label="湖南省")
    page.locator("select[name=destination_region__city]").select_option(label="长沙市")
    page.locator("select[name=destination_region__county]").select_option(label="浏阳市")
    page.get_by_label("目的地地址").fill("浏阳经开区康万路")
    later = timezone.localtime() + timedelta(days=3)
    page.get_by_label("出发时间").fill(f"{later:%Y-%m-%d}T10:21")
    page.get_by_label("出发时间").dispatch_event("change")
    assert page.get_by_label("截止预约").input_value() == f"{later - timedelta(days=1):%Y-%m-%d}T20:00"
    assert page.locator("input[name=pickup-0-meets_at]").input_value() == f"{later:%Y-%m-%d}T09:51"
    page.get_by_label("座位数").fill("5")
    page.get_by_placeholder("输入岗位或单位名称筛选").fill("鑫达")
    page.locator("select[name=postings]").select_option(label="电子厂普工 · 新化县鑫达电子厂")
    page.get_by_label("司机或随车联络人").fill("罗师傅")
    page.get_by_label("联系电话").fill("13907381234")
    page.locator("input[name=pickup-0-name]").fill("洋溪镇政府")
    journey.step(page, "new-trip")

    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/console/trips/\d+/$"))
    details = page.locator(".console-main").inner_text()
    assert "湘K·A3561" in details
    assert "新化县 → 浏阳市（浏阳经开区康万路）" in details
    assert f"{later.year}年{later.month}月{later.day}日 10:21" in details
    assert "草稿" in details
    assert "洋溪镇政府 09:51" in details
    assert "电子厂普工" in details
    journey.step(page, "trip-saved")

    # 2. Open for booking.
    page.get_by_role("button", name="开放预约").click()
    page.wait_for_load_state()
    assert "开放预约" in page.locator("h1").inner_text()
    assert "已确认 0，候补 0，已上车 0，未到 0" in page.locator(".console-main").inner_text()
    journey.step(page, "open")

    # Five people book (on their own phones, elsewhere): seats 1 to 5 in this order.
    trip = Trip.objects.get(service_number="湘K·A3561")
    pickup = trip.pickup_points.get()
    village = regions.get(code="430181102201")
    bookings = [
        booking_create(
            trip_id=trip.pk, worker=WorkerFactory(home_region=village, full_name=name), pickup_point_id=pickup.pk
        )[0]
        for name in PASSENGERS
    ]

    # 3. The manifest, seat by seat.
    page.reload()
    page.get_by_role("link", name="乘车名单").click()
    assert page.locator(".boarding-count").inner_text() == "已上车 0 / 5"
    for seat, booking in enumerate(bookings, start=1):
        cells = _cells(page, seat - 1)
        assert cells[:3] == [str(seat), booking.worker.full_name, booking.worker.id_number_masked]
        assert cells[3] == mask_phone(booking.worker.user.phone)
        assert cells[4:6] == ["洋溪镇政府", "已确认"]
    assert bookings[0].worker.user.phone not in page.content()
    journey.step(page, "manifest")

    # 4. Board three at the door: a code typed in lower case with a dash, one with spaces, one phone number.
    page.get_by_role("link", name="扫码上车").click()
    field = page.get_by_label("预约码或手机号")
    assert _focused_field(page) == "query"
    phone_number = bookings[2].worker.user.phone
    typed = [
        bookings[0].code[:4].lower() + "-" + bookings[0].code[4:].lower(),
        " ".join(bookings[1].code[i : i + 2] for i in range(0, 8, 2)),
        f"{phone_number[:3]} {phone_number[3:7]} {phone_number[7:]}",
    ]
    for count, (text, name) in enumerate(zip(typed, PASSENGERS, strict=False), start=1):
        field.fill(text)
        field.press("Enter")
        page.locator(".boarding-count", has_text=f"已上车 {count} / 5").wait_for()
        assert f"{name} 上车成功" in page.locator(".scan-result").inner_text()
        assert field.input_value() == ""
        assert _focused_field(page) == "query"
    missing = page.locator(".missing-list").inner_text()
    assert "还没上车（2 人）" in page.locator(".console-main").inner_text()
    assert "4 罗大勇 洋溪镇政府" in missing
    assert "5 陈桂兰 洋溪镇政府" in missing
    assert "谭小梅" not in missing
    journey.step(page, "board-three")

    # 5. The coach leaves: whoever has not boarded is a no-show, on the trip and on the manifest.
    page.get_by_role("link", name="返回专车").click()
    page.get_by_role("button", name="发车（未上车的记为未到）").click()
    page.wait_for_load_state()
    assert "已上车 3，未到 2" in page.locator(".console-main").inner_text()
    page.get_by_role("link", name="乘车名单").click()
    assert page.locator(".boarding-count").inner_text() == "已上车 3 / 5"
    statuses = [_cells(page, row)[5] for row in range(5)]
    assert statuses == ["已上车", "已上车", "已上车", "未到", "未到"]
    assert all(re.fullmatch(r"\d\d:\d\d", _cells(page, row)[6]) for row in range(3))
    journey.step(page, "no-shows")
