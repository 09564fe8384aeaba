import datetime
import time

import pytest

from core.identity import make_id_number
from tests.e2e.steps import choose_in_region_picker, code_sent_to, page_fits_the_screen
from workers.models import Worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_returnee_registers_on_a_phone_with_an_sms_code(phone, regions):
    id_number = make_id_number(county_code="430123", birth_date=datetime.date(1988, 4, 2), sequence=246)
    started = time.monotonic()

    phone.goto("/")
    phone.get_by_role("link", name="登记求职").click()
    phone.wait_for_url("**/accounts/phone/**")
    assert page_fits_the_screen(phone)
    phone.get_by_label("手机号").fill("13712345678")
    phone.get_by_role("button", name="获取验证码").click()

    phone.wait_for_url("**/accounts/phone/code/")
    phone.get_by_label("短信验证码").fill(code_sent_to("13712345678"))
    phone.get_by_role("button", name="登录").click()

    phone.wait_for_url("**/me/register/")
    assert page_fits_the_screen(phone)
    phone.get_by_label("姓名").fill("谭小梅")
    phone.get_by_label("身份证号").fill(id_number)
    choose_in_region_picker(
        phone, province="430000", city="430100", county="430181", township="430181102", village="430181102201"
    )
    phone.get_by_label("现在的状态").select_option(label="求职中")
    phone.get_by_label("想做的工作").fill("电子厂普工")
    phone.get_by_label("我已阅读并同意个人信息处理规则").check()
    phone.get_by_role("button", name="提交登记").click()

    phone.wait_for_url("**/me/")
    assert "您好，谭小梅" in phone.locator("h1").inner_text()
    assert "求职中" in phone.locator("main").inner_text()
    assert page_fits_the_screen(phone)
    assert time.monotonic() - started < 120
    worker = Worker.objects.get(user__phone="13712345678")
    assert worker.id_number == id_number
    assert worker.home_region_id == "430181102201"
