import pytest

from core.accounts.models import Role
from tests.factories import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def page_fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_county_staff_member_signs_in_on_a_phone_and_sees_their_console(phone, regions):
    UserFactory(username="liuyang", first_name="李春花", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))

    phone.goto("/")
    assert phone.locator("h1").inner_text() == "春风就业服务平台"
    assert page_fits_the_screen(phone)

    phone.get_by_role("link", name="工作人员登录").click()
    phone.get_by_label("用户名").fill("liuyang")
    phone.get_by_label("密码").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()

    phone.wait_for_url("**/console/")
    assert "湖南省 / 长沙市 / 浏阳市" in phone.locator(".facts").inner_text()
    assert "县人社局工作人员" in phone.locator(".facts").inner_text()
    assert page_fits_the_screen(phone)


def test_a_visitor_switches_the_portal_to_english(phone, regions):
    phone.goto("/")
    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator("h1").inner_text() == "Spring Breeze Employment Portal"
