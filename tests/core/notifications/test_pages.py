import pytest
from django.urls import reverse
from django.utils import timezone

from core.accounts.models import Role
from core.errors import ApplicationError
from core.notifications import services
from core.notifications.models import Broadcast, OutboxMessage, Status
from tests.factories import JobSeekerFactory, UserFactory

NEW = reverse("console:notifications:new")
JOB_FAIR = {
    "template": "job_fair",
    "var_date": "2月12日",
    "var_place": "大瑶镇政府广场",
    "var_detail": "80家企业现场招聘，",
}


@pytest.fixture
def township(regions):
    """Three seekers in 大瑶镇's villages, one in 淮川街道 (same county), one in 新化县 (another county)."""
    seekers = {
        "dayao": JobSeekerFactory(region=regions.get(code="430181102201"), password=None),
        "nanyang": JobSeekerFactory(region=regions.get(code="430181102202"), password=None),
        "dayao_agent": UserFactory(role=Role.VILLAGE_AGENT, region=regions.get(code="430181102"), phone="13900000001"),
        "huaichuan": JobSeekerFactory(region=regions.get(code="430181001201"), password=None),
        "xinhua": JobSeekerFactory(region=regions.get(code="431322"), password=None),
    }
    return seekers


@pytest.fixture
def liuyang_staff(regions, client):
    staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    client.force_login(staff)
    return staff


@pytest.mark.django_db
def test_the_broadcast_preview_counts_the_seekers_of_the_township_and_renders_the_text(liuyang_staff, township, client):
    response = client.post(NEW, {**JOB_FAIR, "region": "430181102", "role": Role.JOB_SEEKER, "channels": ["sms"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "data-recipient-count>2 人" in page
    assert "【春风就业】2月12日在大瑶镇政府广场举办春风行动招聘会，80家企业现场招聘，欢迎参加。拒收请回复R" in page
    assert "50 字，按 1 条短信计费" in page
    assert not Broadcast.objects.exists()


@pytest.mark.django_db
def test_without_a_role_filter_the_preview_counts_everyone_with_a_phone_in_the_region(liuyang_staff, township, client):
    page = client.post(NEW, {**JOB_FAIR, "region": "430181102", "role": "", "channels": ["sms"]}).content.decode()
    assert "data-recipient-count>3 人" in page


@pytest.mark.django_db
def test_without_a_region_the_broadcast_reaches_the_whole_county_of_the_staff_member(liuyang_staff, township, client):
    page = client.post(NEW, {**JOB_FAIR, "region": "", "role": Role.JOB_SEEKER, "channels": ["sms"]}).content.decode()
    assert "data-recipient-count>3 人" in page


@pytest.mark.django_db
def test_a_county_staff_member_cannot_broadcast_to_another_county(liuyang_staff, township, client):
    response = client.post(NEW, {**JOB_FAIR, "region": "431322", "action": "send", "channels": ["sms"]})
    assert response.status_code == 200
    assert "431322" not in dict(response.context["form"].fields["region"].choices)
    assert "选择一个有效的选项" in response.content.decode()
    assert not Broadcast.objects.exists()


@pytest.mark.django_db
def test_the_broadcast_service_refuses_a_region_outside_the_staff_members_scope(liuyang_staff, township):
    with pytest.raises(ApplicationError, match="只能向本辖区内的人员群发"):
        services.broadcast_create(
            actor=liuyang_staff,
            filters={"region": "431322", "role": ""},
            template="announcement",
            context={"content": "通知"},
            channels=["sms"],
        )
    assert not Broadcast.objects.exists()


@pytest.mark.django_db
def test_a_broadcast_without_its_variables_is_refused_and_changes_nothing(liuyang_staff, township, client):
    response = client.post(NEW, {"template": "job_fair", "region": "430181102", "action": "send", "channels": ["sms"]})
    assert "该字段是必填项" in response.content.decode()
    assert not Broadcast.objects.exists()


@pytest.mark.django_db
def test_job_seekers_cannot_open_the_broadcast_page(client, township):
    seeker = JobSeekerFactory()
    client.force_login(seeker)
    assert client.get(NEW).status_code == 403


@pytest.mark.django_db
def test_a_staff_member_sees_only_the_broadcasts_of_their_own_region(regions, liuyang_staff, client):
    xinhua_staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="431322"))
    theirs = Broadcast.objects.create(created_by=xinhua_staff, region_id="431322", template="announcement", text="新化")
    ours = Broadcast.objects.create(created_by=liuyang_staff, region_id="430181", template="announcement", text="浏阳")
    page = client.get(reverse("console:notifications:history")).content.decode()
    assert "浏阳" in page
    assert "新化" not in page
    detail = "console:notifications:detail"
    assert client.get(reverse(detail, args=[ours.pk])).status_code == 200
    assert client.get(reverse(detail, args=[theirs.pk])).status_code == 404
    assert client.get(reverse("console:notifications:progress", args=[theirs.pk])).status_code == 404


def test_a_county_staff_member_sends_to_every_seeker_of_a_township_and_watches_it_go_out(
    celery_worker, provider, wait_until, daytime, township, liuyang_staff, client
):
    form = {**JOB_FAIR, "region": "430181102", "role": Role.JOB_SEEKER, "channels": ["sms", "inbox"]}
    preview = client.post(NEW, form)
    response = client.post(NEW, {**form, "action": "send", "confirmation": preview.context["preview"]["confirmation"]})
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("console:notifications:detail", args=[broadcast.pk])
    progress_url = reverse("console:notifications:progress", args=[broadcast.pk])

    def finished():
        return client.get(progress_url).json()["finished"]

    wait_until(finished, message="the broadcast to finish")
    progress = client.get(progress_url).json()
    assert (progress["sent"], progress["failed"], progress["queued"], progress["inbox"]) == (2, 0, 0, 2)
    assert progress["percent_done"] == 100
    assert sorted(provider.phones()) == sorted([township["dayao"].phone, township["nanyang"].phone])
    history = client.get(reverse("console:notifications:history")).content.decode()
    assert "2月12日在大瑶镇政府广场" in history
    detail = client.get(reverse("console:notifications:detail", args=[broadcast.pk])).content.decode()
    assert 'data-field="sent">2<' in detail
    assert "完成" in detail
    assert "data-refresh-seconds" not in detail


@pytest.mark.django_db
def test_the_progress_counts_each_status_of_the_broadcasts_sms(liuyang_staff, township, client):
    broadcast, _created = services.broadcast_create(
        actor=liuyang_staff,
        filters={"region": "430181", "role": Role.JOB_SEEKER},
        template="announcement",
        context={"content": "请返乡人员到村委会登记。"},
        channels=["sms"],
    )
    services.broadcast_fan_out(broadcast_id=broadcast.pk)
    rows = list(OutboxMessage.objects.filter(broadcast=broadcast).order_by("id"))
    OutboxMessage.objects.filter(pk=rows[0].pk).update(status=Status.FAILED)
    OutboxMessage.objects.filter(pk=rows[1].pk).update(status=Status.SENT, sent_at=timezone.now())
    progress = client.get(reverse("console:notifications:progress", args=[broadcast.pk])).json()
    assert (progress["queued"], progress["sent"], progress["failed"], progress["sms_total"]) == (1, 1, 1, 3)
    assert progress["finished"] is False
    # Sent out of the recipients: a failure is not progress.
    assert (progress["done"], progress["percent_done"], progress["stage_text"]) == (1, 33, "发送中")


@pytest.mark.django_db
def test_running_the_fan_out_twice_writes_each_recipients_message_once(liuyang_staff, township):
    broadcast, _created = services.broadcast_create(
        actor=liuyang_staff,
        filters={"region": "430181102", "role": ""},
        template="announcement",
        context={"content": "通知"},
        channels=["sms", "inbox"],
    )
    services.broadcast_fan_out(broadcast_id=broadcast.pk)
    services.broadcast_fan_out(broadcast_id=broadcast.pk)
    assert OutboxMessage.objects.filter(broadcast=broadcast).count() == 6


@pytest.mark.django_db
def test_the_inbox_shows_the_unread_count_in_the_header_and_marks_messages_read(client):
    seeker = JobSeekerFactory()
    services.notify(recipients=[seeker], template="announcement", context={"content": "明天发车"}, channels=["inbox"])
    client.force_login(seeker)
    home = client.get("/").content.decode()
    assert 'class="badge"' in home
    inbox_url = reverse("notifications:inbox")
    assert "明天发车" in client.get(inbox_url).content.decode()
    client.post(inbox_url, {"action": "read"})
    assert 'class="badge"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_user_turns_sms_off_from_the_inbox_page(client):
    seeker = JobSeekerFactory()
    client.force_login(seeker)
    client.post(reverse("notifications:inbox"), {"action": "sms"})
    [row] = services.notify(recipients=[seeker], template="announcement", context={"content": "x"}, channels=["sms"])
    assert row.status == Status.CANCELLED


@pytest.mark.django_db
def test_the_inbox_asks_anonymous_visitors_to_sign_in(client):
    assert client.get(reverse("notifications:inbox")).status_code == 302


@pytest.mark.django_db
def test_a_link_in_an_inbox_message_can_be_tapped(client):
    seeker = JobSeekerFactory()
    services.notify(
        recipients=[seeker],
        template="announcement",
        context={"content": "预约座位 https://chunfeng.example.gov.cn/trips/7/ 。"},
        channels=["inbox"],
    )
    client.force_login(seeker)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert '<a href="https://chunfeng.example.gov.cn/trips/7/"' in page
