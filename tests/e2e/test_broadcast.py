"""The issue's "done when": a county staff member sends a message to every seeker of a township from the console on
a phone and watches the progress bar fill by itself, with a real Celery worker and the local SMS provider."""

import pytest
from django.utils import timezone

from core.accounts.models import Role
from core.notifications.models import Broadcast
from core.notifications.rules import CHINA
from tests.core.notifications.conftest import celery_worker, daytime, provider  # noqa: F401 - fixtures
from tests.e2e.steps import staff_signs_in
from tests.factories import JobSeekerFactory, OutboxMessageFactory, UserFactory

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


def _fill_announcement_for_the_township(phone):
    phone.get_by_role("link", name="群发消息").click()
    phone.get_by_role("link", name="新建群发").click()
    phone.get_by_label("模板").select_option("announcement")
    phone.get_by_role("button", name="换模板").click()
    phone.get_by_label("通知内容").fill("大瑶镇返岗专车2月10日发车，请到村委会报名。")
    phone.get_by_label("区划").select_option("430181102")
    phone.get_by_label("角色").select_option(Role.JOB_SEEKER)


def test_the_preview_says_who_waits_and_who_is_over_the_cap_a_failure_says_why_and_is_resent_a_double_click_sends_once(
    phone,
    regions,
    celery_worker,  # noqa: F811 - the imported fixture
    provider,  # noqa: F811
    settings,
):
    settings.NOTIFICATIONS_DAILY_CAP = 1
    hour = timezone.now().astimezone(CHINA).hour
    # The quiet hours start now: the preview says who would wait for them to end.
    settings.NOTIFICATIONS_QUIET_HOURS_START, settings.NOTIFICATIONS_QUIET_HOURS_END = hour, (hour + 1) % 24
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    reached = [JobSeekerFactory(region=regions.get(code="430181102201"), password=None) for _ in range(2)]
    capped = JobSeekerFactory(region=regions.get(code="430181102202"), password=None)
    OutboxMessageFactory(recipient=capped, template="job_push", kind="marketing", status="sent", sent_at=timezone.now())

    staff_signs_in(phone, "liuyang")
    _fill_announcement_for_the_township(phone)
    phone.get_by_role("button", name="预览人数和内容").click()
    assert phone.locator("[data-recipient-count]").inner_text() == "3 人"
    held = phone.locator("[data-held]").inner_text()
    assert held.startswith("2 人的短信将等到")
    assert held.endswith("再发送")
    assert phone.locator("[data-over-cap]").inner_text() == "1 人今天已达每日推送上限，不发短信"

    # Daytime again; the provider then refuses the first call as a wrong signing key would.
    settings.NOTIFICATIONS_QUIET_HOURS_START, settings.NOTIFICATIONS_QUIET_HOURS_END = (hour + 2) % 24, (hour + 3) % 24
    phone.get_by_role("button", name="预览人数和内容").click()
    assert phone.locator("[data-held]").count() == 0
    provider.answer_next(status=400, code="SignatureDoesNotMatch")
    phone.get_by_role("button", name="确认发送").dblclick()
    phone.wait_for_url("**/console/notifications/*/")

    # However the double click arrived, it made one broadcast.
    assert Broadcast.objects.count() == 1
    failures = phone.locator(".broadcast-failures")
    failures.wait_for(timeout=20_000)
    assert "短信签名密钥错误" in failures.inner_text()
    assert "2 条" in failures.inner_text()
    assert provider.phones() == []

    phone.get_by_role("button", name="原因已排除，重新发送失败的短信").click()
    phone.locator("[data-state]").filter(has_text="完成").wait_for(timeout=20_000)
    assert phone.locator('[data-field="sent"]').inner_text() == "2"
    assert sorted(provider.phones()) == sorted(seeker.phone for seeker in reached)
