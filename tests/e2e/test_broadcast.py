"""The issue's "done when": a county staff member sends a message to every seeker of a township from the console on
a phone and watches the progress bar fill by itself, with a real Celery worker and the local SMS provider."""

import pytest

from core.accounts.models import Role
from tests.core.notifications.conftest import celery_worker, daytime, provider  # noqa: F401 - fixtures
from tests.e2e.steps import staff_signs_in
from tests.factories import JobSeekerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_county_staff_member_broadcasts_to_a_township_and_watches_it_go_out(
    phone,
    regions,
    celery_worker,  # noqa: F811 - the imported fixture
    provider,  # noqa: F811
    daytime,  # noqa: F811
):
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    seekers = [
        JobSeekerFactory(region=regions.get(code=village), password=None)
        for village in ("430181102201", "430181102202", "430181102202")
    ]
    JobSeekerFactory(region=regions.get(code="430181001201"), password=None)  # another township: not reached

    staff_signs_in(phone, "liuyang")
    phone.get_by_role("link", name="群发消息").click()
    phone.get_by_role("link", name="新建群发").click()
    phone.get_by_label("模板").select_option("announcement")
    phone.get_by_role("button", name="换模板").click()
    phone.get_by_label("通知内容").fill("大瑶镇返岗专车2月10日发车，请到村委会报名。")
    phone.get_by_label("区划").select_option("430181102")
    phone.get_by_label("角色").select_option(Role.JOB_SEEKER)
    phone.get_by_role("button", name="预览人数和内容").click()
    assert phone.locator("[data-recipient-count]").inner_text() == "3 人"
    assert "按 1 条短信计费" in phone.locator(".broadcast-preview").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    provider.send_delay_seconds = 3  # slow enough that the page opens before the messages are out
    phone.get_by_role("button", name="确认发送").click()
    phone.wait_for_url("**/console/notifications/*/")
    assert phone.locator("[data-state]").inner_text() in ("准备收件人 0 / 3", "准备收件人 3 / 3", "发送中")
    # Nothing reloads the page: the figures change because the page polls its progress endpoint.
    phone.locator('[data-field="sent"]').filter(has_text="3").wait_for(timeout=20_000)
    phone.locator("[data-state]").filter(has_text="完成").wait_for()
    assert phone.locator("progress").get_attribute("value") == "100"
    assert phone.locator('[data-field="done"]').inner_text() == "3"
    assert sorted(provider.phones()) == sorted(seeker.phone for seeker in seekers)
