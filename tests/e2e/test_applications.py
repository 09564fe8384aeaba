import re
from datetime import date

import pytest

from tests.e2e.test_worker_registration import code_sent_to, page_fits_the_screen
from tests.factories import DEMO_PASSWORD, JobPostingFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_opens_jobs_for_you_applies_and_staff_move_it_to_signed(phone, regions):
    posting = JobPostingFactory(title="锂电池厂普工", headcount=5)
    worker = WorkerFactory(
        home_region=regions.get(code="430181102201"),
        full_name="谭小梅",
        wanted_occupations="普工",
        wanted_area="near_home",
        birth_date=date(1992, 3, 8),
    )
    UserFactory(username="liuyang_staff", role="county_staff", region=regions.get(code="430181"))

    # The SMS sign-in, then "我的" -> "为我推荐的岗位", where the posting comes with its reasons.
    phone.goto("/accounts/phone/")
    phone.get_by_label("手机号").fill(worker.user.phone)
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_url("**/accounts/phone/code/")
    phone.get_by_label("短信验证码").fill(code_sent_to(worker.user.phone))
    phone.get_by_role("button", name="登录").click()
    phone.goto("/me/")
    phone.get_by_role("link", name="为我推荐的岗位").click()
    phone.wait_for_url("**/me/jobs-for-you/")
    assert "同县岗位，离家近" in phone.locator("main").inner_text()
    assert page_fits_the_screen(phone)
    phone.get_by_role("link", name=re.compile("锂电池厂普工")).click()
    phone.wait_for_url(f"**/jobs/{posting.pk}/")

    phone.get_by_role("button", name="在线报名").click()
    phone.wait_for_url("**/me/applications/")
    card = phone.locator(".application")
    assert "锂电池厂普工" in card.inner_text()
    assert "已报名" in card.inner_text()
    assert page_fits_the_screen(phone)

    # The county staff's phone: a fresh session, the posting's pipeline, one tap to sign.
    phone.context.clear_cookies()
    phone.goto("/accounts/login/")
    phone.get_by_label("用户名").fill("liuyang_staff")
    phone.get_by_label("密码").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url("**/console/")
    phone.goto(f"/console/applications/postings/{posting.pk}/")
    phone.get_by_role("button", name="已签约").click()
    phone.wait_for_url(f"**/console/applications/postings/{posting.pk}/")

    assert "谭小梅：已签约" in phone.locator(".messages").inner_text()
    assert worker.applications.get().state == "signed"
