"""Steps the browser tests share: signing in as staff or by SMS code, and the 360 px check."""

import time

from core.notifications.gateways import sms_gateway
from core.notifications.models import OutboxMessage
from tests.factories import DEMO_PASSWORD


def page_fits_the_screen(page):
    # A click that navigates returns before the new document exists; measuring then reads a null documentElement.
    page.wait_for_load_state("domcontentloaded")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def code_sent_to(phone_number):
    """The latest sign-in code for this phone, as the person would read it on their phone.

    A code still waiting in the outbox is read from its row; once sent, the outbox has blanked it and the console
    gateway (the SMS gateway of every test) remembers what it sent, as the phone would.
    """
    for _ in range(50):
        message = OutboxMessage.objects.filter(template="sign_in_code", phone=phone_number).order_by("-id").first()
        if message is not None:
            params = message.params or sms_gateway().last_params(phone=phone_number, template="sign_in_code")
            if params:
                return params["code"]
        time.sleep(0.1)
    raise AssertionError("no sign-in code was written to the outbox")


def staff_signs_in(page, username):
    """A staff member signs in with the demo password in a fresh session and lands on the console."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")


def worker_signs_in_by_sms(page, phone_number):
    """A job seeker asks for a code on the phone sign-in page and signs in with it."""
    page.goto("/accounts/phone/")
    page.get_by_label("手机号").fill(phone_number)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/accounts/phone/code/")
    page.get_by_label("短信验证码").fill(code_sent_to(phone_number))
    page.get_by_role("button", name="登录").click()


def choose_in_region_picker(page, **codes_by_level):
    """Choose down the cascading region picker, level by level (`township="430181102", village=...`), each level
    once its options have arrived from the regions API."""
    picker = page.locator(".region-picker")
    for level, code in codes_by_level.items():
        select = picker.locator(f"select[data-level={level}]")
        select.locator(f"option[value='{code}']").wait_for(state="attached")
        select.select_option(code)
