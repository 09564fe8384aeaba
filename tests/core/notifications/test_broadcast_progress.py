"""The broadcast pages tell the truth: one broadcast per confirmation, progress out of the recipients with its stage,
the quiet hours said plainly, failures grouped with what to do, and the failed ones sent again."""

import threading

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from core.accounts.models import Role
from core.notifications import selectors, services
from core.notifications.models import Broadcast, Delivery, OutboxMessage, Status
from tests.core.notifications.test_pages import JOB_FAIR, NEW
from tests.factories import JobSeekerFactory, UserFactory

FORM = {**JOB_FAIR, "region": "430181102", "role": Role.JOB_SEEKER, "channels": ["sms", "inbox"]}


@pytest.fixture
def seekers(regions):
    return [JobSeekerFactory(region=regions.get(code="430181102201"), password=None) for _ in range(3)]


@pytest.fixture
def staff(regions, client):
    staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    client.force_login(staff)
    return staff


def confirmed(client):
    """Preview, then the form as the browser would submit it with 确认发送."""
    preview = client.post(NEW, FORM)
    return {**FORM, "action": "send", "confirmation": str(preview.context["preview"]["confirmation"])}


@pytest.mark.django_db
def test_submitting_the_same_confirmation_twice_makes_one_broadcast_and_shows_its_progress(seekers, staff, client):
    form = confirmed(client)
    first = client.post(NEW, form)
    second = client.post(NEW, form, follow=True)

    broadcast = Broadcast.objects.get()
    assert first.url == second.redirect_chain[-1][0] == reverse("console:notifications:detail", args=[broadcast.pk])
    page = second.content.decode()
    assert "这次群发已经确认过，没有再发一遍" in page
    assert "群发进度" in page


@pytest.mark.django_db
def test_a_send_without_the_previews_token_creates_nothing(seekers, staff, client):
    page = client.post(NEW, {**FORM, "action": "send", "confirmation": "forged"}).content.decode()
    assert "确认已失效，请重新预览后再确认发送" in page
    assert not Broadcast.objects.exists()


def test_two_simultaneous_submits_of_one_confirmation_make_one_broadcast(transactional_db, regions):
    staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    JobSeekerFactory(region=regions.get(code="430181102201"), password=None)
    token = "5f0c6a52-8d3e-4a55-9f55-3c3c1e0b1a01"
    barrier, made = threading.Barrier(2), []

    def submit():
        try:
            barrier.wait()
            made.append(
                services.broadcast_create(
                    actor=staff,
                    filters={"region": "430181102", "role": Role.JOB_SEEKER},
                    template="announcement",
                    context={"content": "明天发车"},
                    channels=["inbox"],
                    confirmation_token=token,
                )
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Broadcast.objects.count() == 1
    assert sorted(created for _broadcast, created in made) == [False, True]
    assert {broadcast.pk for broadcast, _created in made} == {Broadcast.objects.get().pk}


@pytest.mark.django_db
def test_right_after_confirming_the_page_shows_the_recipients_being_prepared_at_zero_percent(seekers, staff, client):
    client.post(NEW, confirmed(client))  # no worker: the fan-out has not run yet
    broadcast = Broadcast.objects.get()

    page = client.get(reverse("console:notifications:detail", args=[broadcast.pk])).content.decode()

    assert "准备收件人 0 / 3" in page
    assert 'value="0"' in page
    assert '已发送 <strong data-field="done">0</strong> / 3 人' in page
    assert 'data-refresh-seconds="2"' in page


@pytest.mark.django_db
def test_a_broadcast_held_for_the_quiet_hours_says_when_it_goes_and_stops_polling_every_two_seconds(
    seekers, staff, client, quiet_hours, settings
):
    preview = client.post(NEW, FORM).content.decode()
    morning = f"{settings.NOTIFICATIONS_QUIET_HOURS_END:02d}:00"
    assert f"3 人的短信将等到 {morning} 再发送" in preview

    client.post(NEW, confirmed(client))
    broadcast = Broadcast.objects.get()
    services.broadcast_fan_out(broadcast_id=broadcast.pk)

    page = client.get(reverse("console:notifications:detail", args=[broadcast.pk])).content.decode()
    assert f"等待夜间免打扰结束（{morning} 发送）" in page
    assert "发送中" not in page.split("data-state>")[1].split("<")[0]
    progress = client.get(reverse("console:notifications:progress", args=[broadcast.pk])).json()
    assert progress["stage"] == "held"
    assert progress["refresh_seconds"] > 60


@pytest.mark.django_db
def test_the_preview_says_how_many_are_over_todays_cap_or_opted_out(seekers, staff, client, daytime, settings):
    settings.NOTIFICATIONS_DAILY_CAP = 1
    services.notify(
        recipients=[seekers[0]], template="job_push", context={"count": 1, "jobs": "普工"}, channels=["sms"]
    )
    services.notification_preference_set(user=seekers[1], sms_enabled=False)

    page = client.post(NEW, FORM).content.decode()

    assert "1 人今天已达每日推送上限，不发短信" in page
    assert "1 人已关闭短信，只收站内信" in page
    assert "再发送" not in page


@pytest.fixture
def failed_broadcast(seekers, staff):
    broadcast, _created = services.broadcast_create(
        actor=staff,
        filters={"region": "430181102", "role": Role.JOB_SEEKER},
        template="announcement",
        context={"content": "明天发车"},
        channels=["sms"],
    )
    services.broadcast_fan_out(broadcast_id=broadcast.pk)
    rows = list(OutboxMessage.objects.filter(broadcast=broadcast).order_by("id"))
    OutboxMessage.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(
        status=Status.FAILED, error_code="isv.BUSINESS_LIMIT_CONTROL", last_error="SendSms: isv.BUSINESS_LIMIT_CONTROL"
    )
    OutboxMessage.objects.filter(pk=rows[2].pk).update(
        status=Status.FAILED, error_code="SignatureDoesNotMatch", last_error="SendSms: SignatureDoesNotMatch"
    )
    return broadcast


@pytest.mark.django_db
def test_the_failures_are_grouped_with_what_they_mean_and_what_to_do(failed_broadcast, client):
    page = client.get(reverse("console:notifications:detail", args=[failed_broadcast.pk])).content.decode()
    assert "2 条</strong> 短信服务商限流：每个号码每天最多 10 条" in page
    assert "1 条</strong> 短信签名密钥错误：请管理员检查 ALIYUN_SMS_ACCESS_KEY_SECRET" in page
    assert "重新发送失败的短信" in page


def test_the_staff_member_resends_the_failed_ones_once_the_cause_is_fixed(
    transactional_db, failed_broadcast, provider, daytime, client
):
    response = client.post(reverse("console:notifications:resend_failed", args=[failed_broadcast.pk]), follow=True)

    assert "已重新发送 3 条失败的短信" in response.content.decode()
    rows = OutboxMessage.objects.filter(broadcast=failed_broadcast)
    assert set(rows.values_list("status", flat=True)) == {Status.QUEUED}
    services.outbox_send(outbox_ids=list(rows.values_list("id", flat=True)))
    assert set(rows.values_list("status", flat=True)) == {Status.SENT}
    assert len(provider.phones()) == 3
    page = client.get(reverse("console:notifications:detail", args=[failed_broadcast.pk])).content.decode()
    assert "失败原因" not in page


@pytest.mark.django_db
def test_the_page_counts_delivered_and_names_who_the_carrier_did_not_reach(failed_broadcast, seekers, client):
    rows = list(OutboxMessage.objects.filter(broadcast=failed_broadcast).order_by("id"))
    now = timezone.now()
    OutboxMessage.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(
        status=Status.SENT, sent_at=now, delivery=Delivery.DELIVERED, delivered_at=now
    )
    OutboxMessage.objects.filter(pk=rows[2].pk).update(
        status=Status.SENT, sent_at=now, delivery=Delivery.UNDELIVERED, delivery_error="MK:0001"
    )
    undelivered = OutboxMessage.objects.get(pk=rows[2].pk)

    page = client.get(reverse("console:notifications:detail", args=[failed_broadcast.pk])).content.decode()

    assert 'data-field="delivered">2<' in page
    assert 'data-field="undelivered">1<' in page
    assert undelivered.masked_phone in page
    assert "运营商未送达（MK:0001）" in page
    assert selectors.broadcast_progress(broadcast=failed_broadcast)["delivered"] == 2


@pytest.fixture
def bulk_heartbeat(settings):
    """Tasks wait for a worker (as with REDIS_URL in production) and no heartbeat of the bulk queue is left over."""
    from django.core.cache import cache

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete("worker-heartbeat:bulk")
    yield
    cache.delete("worker-heartbeat:bulk")


@pytest.mark.django_db
def test_a_broadcast_that_no_worker_will_send_says_so_on_its_page(seekers, staff, client, bulk_heartbeat):
    from core.heartbeat import worker_heartbeat_record

    client.post(NEW, confirmed(client))
    broadcast = Broadcast.objects.get()
    detail = reverse("console:notifications:detail", args=[broadcast.pk])

    page = client.get(detail).content.decode()
    assert "后台发送任务未运行，请联系管理员" in page
    assert "不需要重新群发" in page

    worker_heartbeat_record(queue="bulk")
    assert "后台发送任务未运行" not in client.get(detail).content.decode()


@pytest.mark.django_db
def test_a_finished_broadcast_says_nothing_of_the_workers(seekers, staff, client, bulk_heartbeat):
    client.post(NEW, confirmed(client))
    broadcast = Broadcast.objects.get()
    services.broadcast_fan_out(broadcast_id=broadcast.pk)
    OutboxMessage.objects.filter(broadcast=broadcast).update(status=Status.SENT, sent_at=timezone.now())
    page = client.get(reverse("console:notifications:detail", args=[broadcast.pk])).content.decode()
    assert "完成" in page
    assert "后台发送任务未运行" not in page
