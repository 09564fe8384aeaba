"""The broadcast page's recipient filters by worker status and key group (workers/recipient_filters.py, registered
into core.notifications by portal/flows.py), and the messages on a worker's record page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.accounts.models import Role
from core.errors import ApplicationError
from core.notifications import services
from core.notifications.models import Broadcast, OutboxMessage
from core.privacy.masking import mask_phone
from tests.core.notifications.conftest import celery_worker, daytime, provider, wait_until  # noqa: F401 - fixtures
from tests.factories import OutboxMessageFactory, WorkerFactory
from workers.models import KeyGroup, WorkerKeyGroup, WorkerStatus

NEW = reverse("console:notifications:new")
ANNOUNCEMENT = {
    "template": "announcement",
    "var_content": "脱贫人口就业帮扶政策宣讲会本周六举行。",
    "channels": ["sms"],
}
DAYAO_TOWNSHIP = "430181102"


@pytest.fixture
def workers(regions, dayao, nanyang):
    """Workers of 浏阳市 in 大瑶镇 (two villages), in 淮川街道, and one in 新化县 (another county)."""
    xinhua_township = regions.create(
        code="431322100", name="上梅镇", level="township", parent=regions.get(code="431322")
    )
    xinhua_village = regions.create(code="431322100201", name="上梅村", level="village", parent=xinhua_township)

    def worker(name, home_region, status, *groups):
        registered = WorkerFactory(full_name=name, home_region=home_region, status=status)
        WorkerKeyGroup.objects.bulk_create(WorkerKeyGroup(worker=registered, group=group) for group in groups)
        return registered

    return {
        "dayao_poor_seeker": worker("大瑶脱贫求职", dayao, WorkerStatus.SEEKING, KeyGroup.POVERTY_ALLEVIATED),
        "nanyang_poor_at_home": worker(
            "南阳脱贫在家", nanyang, WorkerStatus.RETURNED, KeyGroup.POVERTY_ALLEVIATED, KeyGroup.DISABLED
        ),
        "dayao_veteran_seeker": worker("大瑶退役求职", dayao, WorkerStatus.SEEKING, KeyGroup.VETERAN),
        "huaichuan_poor_seeker": worker(
            "淮川脱贫求职", regions.get(code="430181001201"), WorkerStatus.SEEKING, KeyGroup.POVERTY_ALLEVIATED
        ),
        "xinhua_poor_seeker": worker("新化脱贫求职", xinhua_village, WorkerStatus.SEEKING, KeyGroup.POVERTY_ALLEVIATED),
    }


def previewed_count(client, **filters):
    response = client.post(NEW, {**ANNOUNCEMENT, "role": Role.JOB_SEEKER, **filters})
    assert response.status_code == 200
    return response.context["preview"]["recipient_count"]


def reached_by_fan_out(staff, **filters):
    broadcast, _created = services.broadcast_create(
        actor=staff,
        filters={"role": Role.JOB_SEEKER, **filters},
        template="announcement",
        context={"content": "宣讲会"},
        channels=["sms"],
    )
    services.broadcast_fan_out(broadcast_id=broadcast.pk)
    return set(OutboxMessage.objects.filter(broadcast=broadcast).values_list("recipient__worker__full_name", flat=True))


@pytest.mark.django_db
def test_the_preview_counts_only_the_townships_seekers_in_key_group_poverty_alleviated(client, workers, liuyang_staff):
    client.force_login(liuyang_staff)
    response = client.post(
        NEW, {**ANNOUNCEMENT, "region": DAYAO_TOWNSHIP, "role": Role.JOB_SEEKER, "key_group": "poverty_alleviated"}
    )
    page = response.content.decode()
    # 大瑶脱贫求职 and 南阳脱贫在家; not 大瑶退役求职 (another group) nor 淮川脱贫求职 (another township).
    assert "data-recipient-count>2 人" in page
    assert "【春风就业】春风就业服务通知：脱贫人口就业帮扶政策宣讲会本周六举行。（咨询请联系当地人社部门）" in page
    assert not Broadcast.objects.exists()
    assert previewed_count(client, region=DAYAO_TOWNSHIP, key_group="veteran") == 1


@pytest.mark.django_db
def test_the_status_filter_counts_only_workers_in_that_status_and_combines_with_the_key_group(
    client, workers, liuyang_staff
):
    client.force_login(liuyang_staff)
    assert previewed_count(client, worker_status="seeking") == 3
    assert previewed_count(client, worker_status="returned") == 1
    assert previewed_count(client, worker_status="working_away") == 0
    assert previewed_count(client, region=DAYAO_TOWNSHIP, worker_status="seeking", key_group="poverty_alleviated") == 1


@pytest.mark.django_db
def test_the_broadcast_page_offers_the_registered_filters_with_their_chinese_choices(client, liuyang_staff, regions):
    client.force_login(liuyang_staff)
    form = client.get(NEW).context["form"]
    assert [name for name in form.fields if name in ("region", "role", "worker_status", "key_group")] == [
        "region",
        "role",
        "worker_status",
        "key_group",
    ]
    assert [str(label) for _value, label in form.fields["worker_status"].choices] == [
        "全部",
        "返乡在家",
        "求职中",
        "本地就业",
        "外出务工",
    ]
    assert ("poverty_alleviated", "脱贫人口") in [
        (value, str(label)) for value, label in form.fields["key_group"].choices
    ]


@pytest.mark.django_db
def test_an_unknown_key_group_is_refused_in_chinese_and_creates_nothing(client, workers, liuyang_staff):
    client.force_login(liuyang_staff)
    response = client.post(NEW, {**ANNOUNCEMENT, "key_group": "martians", "action": "send"})
    assert response.status_code == 200
    assert "martians" in response.context["form"].errors["key_group"][0]
    with pytest.raises(ApplicationError, match="收件人筛选条件无效"):
        services.broadcast_preview(
            actor=liuyang_staff, filters={"key_group": "martians"}, template="announcement", context={"content": "x"}
        )
    assert not Broadcast.objects.exists()


@pytest.mark.django_db
def test_a_county_staff_member_cannot_reach_another_countys_workers_through_these_filters(
    client, workers, liuyang_staff
):
    client.force_login(liuyang_staff)
    assert previewed_count(client, key_group="poverty_alleviated", worker_status="seeking") == 2
    assert reached_by_fan_out(liuyang_staff, key_group="poverty_alleviated") == {
        "大瑶脱贫求职",
        "南阳脱贫在家",
        "淮川脱贫求职",
    }


@pytest.mark.django_db(transaction=True)
def test_a_broadcast_with_a_key_group_filter_sends_only_to_those_workers(
    celery_worker,  # noqa: F811 - the imported fixture
    provider,  # noqa: F811
    daytime,  # noqa: F811
    wait_until,  # noqa: F811
    workers,
    liuyang_staff,
    client,
):
    client.force_login(liuyang_staff)
    form = {**ANNOUNCEMENT, "region": DAYAO_TOWNSHIP, "key_group": "poverty_alleviated"}
    confirmation = client.post(NEW, form).context["preview"]["confirmation"]
    response = client.post(NEW, {**form, "action": "send", "confirmation": confirmation})
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert broadcast.recipient_filters["key_group"] == "poverty_alleviated"
    progress_url = reverse("console:notifications:progress", args=[broadcast.pk])
    wait_until(lambda: client.get(progress_url).json()["finished"], message="the broadcast to finish")

    expected = [workers["dayao_poor_seeker"].user.phone, workers["nanyang_poor_at_home"].user.phone]
    assert sorted(provider.phones()) == sorted(expected)
    history = client.get(reverse("console:notifications:history")).content.decode()
    assert "大瑶镇 · 脱贫人口" in history
    detail = client.get(reverse("console:notifications:detail", args=[broadcast.pk])).content.decode()
    assert "<dt>重点群体</dt><dd>脱贫人口</dd>" in detail


@pytest.mark.django_db
def test_the_worker_record_page_lists_that_workers_messages_and_not_anothers(client, workers, liuyang_staff):
    worker, other = workers["dayao_poor_seeker"], workers["dayao_veteran_seeker"]
    OutboxMessageFactory(recipient=worker.user, status="sent", sent_at=worker.registered_at)
    OutboxMessageFactory(
        recipient=worker.user,
        channel="inbox",
        phone="",
        template="job_fair",
        kind="marketing",
        status="sent",
        sent_at=worker.registered_at,
    )
    OutboxMessageFactory(recipient=other.user, template="job_push", kind="marketing")
    client.force_login(liuyang_staff)

    response = client.get(reverse("workers:detail", args=[worker.pk]))
    page = response.content.decode()
    assert [message.recipient_id for message in response.context["sent_messages"]] == [worker.user_id] * 2
    assert "返岗专车发车提醒" in page
    assert "招聘会通知" in page
    assert "岗位推送" not in page
    assert mask_phone(worker.user.phone) in page
    assert mask_phone(other.user.phone) not in page


@pytest.mark.django_db
def test_the_worker_record_page_says_whether_each_sms_was_delivered_and_why_not(client, workers, liuyang_staff):
    worker = workers["dayao_poor_seeker"]
    sent = {"recipient": worker.user, "status": "sent", "sent_at": worker.registered_at}
    OutboxMessageFactory(**sent, delivery="delivered")
    OutboxMessageFactory(**sent, delivery="undelivered", delivery_error="MK:0001")
    client.force_login(liuyang_staff)

    page = client.get(reverse("workers:detail", args=[worker.pk])).content.decode()

    assert "已送达" in page
    assert "运营商未送达（MK:0001）" in page


@pytest.mark.django_db
def test_the_messages_of_a_worker_outside_the_staff_members_scope_are_not_shown(client, workers, dayao_agent):
    outside = workers["nanyang_poor_at_home"]
    OutboxMessageFactory(recipient=outside.user)
    client.force_login(dayao_agent)
    assert client.get(reverse("workers:detail", args=[outside.pk])).status_code == 404


@pytest.mark.django_db
def test_the_worker_record_page_runs_a_constant_number_of_queries_whatever_the_messages(
    client, workers, liuyang_staff, django_assert_num_queries
):
    worker = workers["dayao_poor_seeker"]
    OutboxMessageFactory(recipient=worker.user)
    client.force_login(liuyang_staff)
    record = reverse("workers:detail", args=[worker.pk])
    client.get(record)
    with CaptureQueriesContext(connection) as with_one:
        client.get(record)
    OutboxMessageFactory.create_batch(40, recipient=worker.user)
    with django_assert_num_queries(len(with_one.captured_queries)):
        response = client.get(record)
    assert len(response.context["sent_messages"]) == 30
    assert "只显示最近 30 条" in response.content.decode()
