import re
from datetime import date

import pytest

from tests.e2e.steps import page_fits_the_screen, staff_signs_in, worker_signs_in_by_sms
from tests.factories import JobPostingFactory, UserFactory, WorkerFactory

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
    worker_signs_in_by_sms(phone, worker.user.phone)
    phone.goto("/me/")
    phone.get_by_role("link", name="为我推荐的岗位").click()
    phone.wait_for_url("**/me/jobs-for-you/")
    assert "同县岗位，离家近" in phone.locator("main").inner_text()
    assert page_fits_the_screen(phone)
    phone.get_by_role("link", name=re.compile("锂电池厂普工")).click()
    phone.wait_for_url(f"**/jobs/{posting.pk}/")

    phone.get_by_role("button", name="在线报名").click()
    phone.wait_for_url(f"**/jobs/{posting.pk}/")
    assert "报名成功" in phone.locator(".messages").inner_text()
    assert "您已报名：已报名" in phone.locator("#apply").inner_text()
    phone.get_by_role("link", name="我的报名").click()
    card = phone.locator(".application")
    assert "锂电池厂普工" in card.inner_text()
    assert "已报名" in card.inner_text()
    assert page_fits_the_screen(phone)

    # The county staff's phone: a fresh session, the posting's pipeline, the sign move in the row's menu.
    staff_signs_in(phone, "liuyang_staff")
    phone.goto(f"/console/applications/postings/{posting.pk}/")
    row = phone.locator(f"#application-{worker.applications.get().pk}")
    row.locator("summary").click()
    row.get_by_role("button", name="签约").click()
    phone.wait_for_url(f"**/console/applications/postings/{posting.pk}/")

    assert "谭小梅：已签约" in phone.locator(".messages").inner_text()
    assert worker.applications.get().state == "signed"
