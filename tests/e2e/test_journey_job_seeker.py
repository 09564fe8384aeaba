"""The job seeker's day on a 360 x 740 phone, as one walk: home -> search -> posting -> sign in -> register ->
apply -> jobs for you -> book a seat -> QR code -> inbox. Each step asserts what the page shows, then
`journey.step` keeps a screenshot (var/screenshots/job_seeker/) and fails on a serious accessibility fault."""

import datetime
import re

import pytest

from core.identity import make_id_number
from tests.e2e.seen import Journey
from tests.e2e.steps import choose_in_region_picker, code_sent_to, page_fits_the_screen
from tests.factories import EmployerFactory, JobPostingFactory, PickupPointFactory, TripFactory
from transport.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13787650001"
# From the posting to 报名成功 for someone who has never used the portal: posting, phone, code, register, applied.
MOST_SCREENS_TO_APPLY = 5


def _register(page, id_number):
    page.get_by_label("姓名").fill("谭小梅")
    page.get_by_label("身份证号").fill(id_number)
    choose_in_region_picker(
        page, province="430000", city="430100", county="430181", township="430181102", village="430181102201"
    )
    page.get_by_label("现在的状态").select_option(label="求职中")
    page.get_by_label("想做的工作").fill("普工")
    page.get_by_label("期望月薪（元）").fill("5000")
    page.get_by_label("我已阅读并同意个人信息处理规则").check()


def test_a_job_seeker_finds_a_job_applies_books_a_seat_and_reads_the_message(phone, regions):
    employer = EmployerFactory(name="浏阳蓝光电子科技有限公司", is_key_enterprise=True)
    posting = JobPostingFactory(
        employer=employer,
        title="锂电池厂普工",
        wage_min=5200,
        wage_max=6800,
        provides_meals=True,
        provides_housing=True,
        work_address="浏阳经开区康万路",
    )
    JobPostingFactory(title="大瑶镇包装普工", wage_min=4800, wage_max=5600, work_region_id="430181102")
    trip = TripFactory(service_number="湘K·A3561")
    PickupPointFactory(trip=trip, name="洋溪镇政府")
    id_number = make_id_number(county_code="430181", birth_date=datetime.date(1992, 3, 8), sequence=618)
    journey = Journey("job_seeker")

    # Home: what the portal is for, and its four doors.
    phone.goto("/")
    assert phone.locator("h1").inner_text() == "春风就业服务平台"
    for card in ["找工作", "登记求职", "返岗专车", "招聘会"]:
        assert phone.locator(".card--link h2", has_text=card).is_visible()
    assert phone.get_by_role("navigation", name="底部导航").is_visible()
    assert page_fits_the_screen(phone)
    journey.step(phone, "home")

    # Search the job supermarket.
    phone.get_by_label("搜索岗位").fill("普工")
    phone.get_by_role("button", name="找工作").click()
    phone.wait_for_url(re.compile(r"/jobs/\?q="))
    card = phone.locator(".job-card", has_text="锂电池厂普工")
    assert "5200-6800元/月" in card.inner_text()
    assert "浏阳蓝光电子科技有限公司" in card.inner_text()
    assert "长沙市 · 浏阳市" in card.inner_text()
    assert "共 2 个岗位" in phone.locator(".job-count").inner_text()
    journey.step(phone, "search")

    # The posting; from here on every screen is counted.
    screens = []
    phone.on("framenavigated", lambda frame: screens.append(frame.url) if frame == phone.main_frame else None)
    card.get_by_role("link").click()
    phone.wait_for_url(f"**/jobs/{posting.pk}/")
    assert phone.locator("h1").inner_text() == "锂电池厂普工"
    assert phone.locator(".job-detail__wage").inner_text() == "5200-6800元/月"
    assert "湖南省 长沙市 浏阳市 浏阳经开区康万路" in phone.locator(".facts").inner_text()
    journey.step(phone, "posting")

    # Sign in by phone: the tap on 登录后在线报名 is remembered.
    phone.get_by_role("button", name="登录后在线报名").click()
    phone.wait_for_url(re.compile(r"/accounts/phone/\?next="))
    assert phone.locator("h1").inner_text() == "手机号登录 / 登记"
    phone.get_by_label("手机号").fill(PHONE)
    journey.step(phone, "sign-in")
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_url("**/accounts/phone/code/")
    assert f"验证码已发送到 {PHONE}" in phone.locator("main").inner_text()
    phone.get_by_label("短信验证码").fill(code_sent_to(PHONE))
    journey.step(phone, "code")
    phone.get_by_role("button", name="登录").click()

    # Register, once: then straight back to the posting, applied.
    phone.wait_for_url(re.compile(r"/me/register/\?next="))
    assert phone.locator("h1").inner_text() == "登记求职信息"
    _register(phone, id_number)
    journey.step(phone, "register")
    phone.get_by_role("button", name="提交登记").click()
    phone.wait_for_url(f"**/jobs/{posting.pk}/")
    messages = phone.locator(".messages").inner_text()
    assert "登记成功" in messages
    assert "报名成功" in messages
    assert "您已报名：已报名" in phone.locator("#apply").inner_text()
    assert screens[0].endswith(f"/jobs/{posting.pk}/")
    assert len(screens) <= MOST_SCREENS_TO_APPLY, screens
    assert page_fits_the_screen(phone)
    journey.step(phone, "applied")

    # 我的 in the tab bar, then the jobs picked for them, with the reasons.
    phone.get_by_role("navigation", name="底部导航").get_by_role("link", name="我的").click()
    phone.wait_for_url("**/me/")
    assert phone.locator("h1").inner_text() == "您好，谭小梅"
    assert "求职中" in phone.locator("main").inner_text()
    journey.step(phone, "me")
    phone.get_by_role("link", name="为我推荐的岗位").click()
    phone.wait_for_url("**/me/jobs-for-you/")
    nearby = phone.locator(".job-card", has_text="大瑶镇包装普工")
    assert "浏阳市 · 大瑶镇" in nearby.inner_text()
    assert "就在本乡镇" in nearby.inner_text()
    assert "最高月薪比期望高 600 元" in nearby.inner_text()
    journey.step(phone, "jobs-for-you")

    # 专车 in the tab bar: the trip, a seat.
    phone.get_by_role("navigation", name="底部导航").get_by_role("link", name="专车").click()
    phone.wait_for_url("**/trips/")
    assert "余 50 座" in phone.locator(".trip-list").inner_text()
    journey.step(phone, "trips")
    phone.get_by_role("link", name=re.compile("新化县 → 浏阳市")).click()
    assert phone.locator("h1").inner_text() == "新化县 → 浏阳市"
    assert "洋溪镇政府" in phone.locator(".facts").inner_text()
    journey.step(phone, "trip")
    phone.get_by_role("button", name="预约座位").click()

    # The seat and the QR code to show at the bus door.
    phone.wait_for_url("**/me/trips/")
    booking = Booking.objects.get(worker__user__phone=PHONE)
    assert f"预约成功，座位{booking.seat_number}号" in phone.locator(".messages").inner_text()
    assert f"{booking.seat_number} 号座" in phone.locator(".booking").inner_text()
    qr = phone.locator(".booking-qr svg")
    assert qr.is_visible()
    assert qr.bounding_box()["width"] >= 150
    assert booking.code in phone.locator(".booking-code").inner_text()
    assert page_fits_the_screen(phone)
    journey.step(phone, "qr-code")

    # The booking's message waits in the inbox, counted in the tab bar.
    inbox_tab = phone.get_by_role("navigation", name="底部导航").get_by_role("link", name=re.compile("消息"))
    assert re.sub(r"\s+", " ", inbox_tab.inner_text()).strip() == "消息 1 条未读"
    inbox_tab.click()
    phone.wait_for_url("**/inbox/")
    item = phone.locator(".inbox-item").first
    assert "您已预约返岗专车湘K·A3561" in item.inner_text()
    assert f"座位{booking.seat_number}号" in item.inner_text()
    assert "inbox-item--unread" in item.get_attribute("class")
    journey.step(phone, "inbox")
