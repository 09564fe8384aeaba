import datetime

import pytest
from django.db import connection

from core.accounts.models import Role, User
from core.errors import ApplicationError
from core.identity import make_id_number
from core.notifications.models import OutboxMessage
from core.notifications.services import notify
from core.privacy.models import AuditAction, AuditLog
from workers.models import Consent, KeyGroup, StatusChange, Worker, WorkerStatus
from workers.services import worker_register

pytestmark = pytest.mark.django_db


def register(**overrides):
    arguments = {
        "phone": "13700000001",
        "full_name": "张三",
        "id_number": make_id_number(county_code="430181", birth_date=datetime.date(1988, 6, 1), sequence=357),
        "status": WorkerStatus.RETURNED,
        "consent_given": True,
    }
    arguments.update(overrides)
    return worker_register(**arguments)


def test_a_worker_registers_with_sex_and_birth_date_read_from_the_id_number(dayao):
    worker = register(home_region=dayao, key_groups=[KeyGroup.POVERTY_ALLEVIATED], wanted_occupations="电工")
    worker.refresh_from_db()
    assert worker.birth_date == datetime.date(1988, 6, 1)
    assert worker.sex == "M"
    assert worker.id_number_masked == "43" + "*" * 15 + worker.id_number[-1]
    assert worker.user.phone == "13700000001"
    assert worker.user.role == Role.JOB_SEEKER
    assert not worker.user.has_usable_password()
    assert [group.group for group in worker.key_groups.all()] == [KeyGroup.POVERTY_ALLEVIATED]
    assert StatusChange.objects.get(worker=worker).status == WorkerStatus.RETURNED
    consent = Consent.objects.get(worker=worker)
    assert consent.version
    assert "个人信息" in consent.text


def test_the_raw_id_number_never_reaches_the_database(dayao, id_number):
    register(home_region=dayao, id_number=id_number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(w)::text FROM workers_worker w")
        stored = cursor.fetchone()[0]
    assert id_number not in stored
    assert id_number[:6] in stored  # the masked copy keeps the county
    assert Worker.objects.get().id_number == id_number


def test_the_whole_database_holds_no_copy_of_the_number(dayao, id_number, liuyang_staff, client):
    worker = register(home_region=dayao, id_number=id_number)
    client.force_login(liuyang_staff)
    client.post(f"/console/workers/{worker.pk}/reveal/", {"reason": "核对社保补贴"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE row_to_json(t)::text LIKE %s', [f"%{id_number}%"])
            assert cursor.fetchone()[0] == 0, table


def test_registering_the_same_person_twice_names_who_registered_them(dayao, dayao_agent, id_number):
    register(home_region=dayao, id_number=id_number, registered_by=dayao_agent)
    with pytest.raises(ApplicationError) as error:
        register(home_region=dayao, id_number=id_number.lower(), phone="13700000002")
    assert error.value.code == "duplicate"
    assert "黄桂兰" in error.value.message
    assert "劳务经纪人" in error.value.message
    assert Worker.objects.count() == 1


def test_a_self_registered_duplicate_points_to_the_phone_used(dayao, id_number):
    register(home_region=dayao, id_number=id_number)
    with pytest.raises(ApplicationError) as error:
        register(home_region=dayao, id_number=id_number, phone="13700000002")
    assert "本人自助登记" in error.value.message
    assert "137****0001" in error.value.message


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("430181198806013572", "校验位"),
        (make_id_number(county_code="439999", birth_date=datetime.date(1988, 6, 1), sequence=1), "行政区划代码"),
    ],
)
def test_an_invalid_id_number_is_refused_with_the_reason(dayao, id_number, message):
    with pytest.raises(ApplicationError) as error:
        register(home_region=dayao, id_number=id_number)
    assert message in error.value.message
    assert not Worker.objects.exists()


def test_registration_needs_consent(dayao):
    with pytest.raises(ApplicationError) as error:
        register(home_region=dayao, consent_given=False)
    assert error.value.field == "consent"
    assert not User.objects.filter(phone="13700000001").exists()


def test_the_home_region_must_be_a_village(regions):
    with pytest.raises(ApplicationError) as error:
        register(home_region=regions.get(code="430181102"))
    assert error.value.field == "home_region"


def test_an_agent_registers_a_neighbour_who_is_told_by_sms(dayao, dayao_agent):
    worker = register(home_region=dayao, registered_by=dayao_agent)
    assert worker.registered_by == dayao_agent
    assert Consent.objects.get(worker=worker).recorded_by == dayao_agent
    message = OutboxMessage.objects.get(recipient=worker.user, channel="sms")
    assert "黄桂兰" in message.text


def test_an_agent_cannot_register_someone_outside_their_village(dayao_agent, nanyang):
    with pytest.raises(ApplicationError) as error:
        register(home_region=nanyang, registered_by=dayao_agent)
    assert error.value.field == "home_region"


def test_a_dispatcher_cannot_register_workers(dayao, regions):
    from tests.factories import UserFactory

    dispatcher = UserFactory(role=Role.DISPATCHER, region=regions.get(code="430181"))
    with pytest.raises(ApplicationError):
        register(home_region=dayao, registered_by=dispatcher)


def test_the_phone_sign_in_account_is_adopted_by_registration(dayao):
    seeker = User.objects.create(username="13700000001", phone="13700000001", role=Role.JOB_SEEKER)
    worker = register(home_region=dayao)
    assert worker.user == seeker


def test_a_worker_registers_on_the_page_after_signing_in(client, dayao, id_number):
    seeker = User.objects.create(username="13700000001", phone="13700000001", role=Role.JOB_SEEKER)
    client.force_login(seeker)
    response = client.post(
        "/me/register/",
        {
            "full_name": "张三",
            "id_number": id_number,
            "home_region__village": dayao.code,
            "status": WorkerStatus.SEEKING,
            "wanted_area": "in_province",
            "consent": "on",
            "key_groups": [KeyGroup.VETERAN],
        },
    )
    assert response.status_code == 302, response.content.decode()
    worker = Worker.objects.get(user=seeker)
    assert worker.status == WorkerStatus.SEEKING
    page = client.get("/me/").content.decode()
    assert "张三" in page
    assert "求职中" in page


def test_a_worker_sees_downloads_and_corrects_their_data(client, dayao, id_number):
    worker = register(home_region=dayao, id_number=id_number)
    client.force_login(worker.user)
    page = client.get("/me/data/").content.decode()
    assert id_number in page
    download = client.get("/me/data/?format=json")
    assert download["Content-Disposition"].startswith("attachment")
    assert id_number in download.content.decode()
    response = client.post(
        "/me/edit/",
        {"full_name": "张叁", "home_region__village": dayao.code, "wanted_area": "anywhere", "skills": "焊工"},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.full_name, worker.skills) == ("张叁", "焊工")
    actions = set(AuditLog.objects.filter(subject=f"worker:{worker.pk}").values_list("action", flat=True))
    assert actions == {AuditAction.SUBJECT_ACCESS, AuditAction.CORRECTION}


def test_a_deletion_request_is_carried_out_after_the_retention_period(client, dayao, id_number, settings):
    from workers.tasks import workers_anonymise_due

    worker = register(home_region=dayao, id_number=id_number)
    notify(recipients=[worker.user], template="announcement", context={"content": "张三请到村委会"}, channels=["inbox"])
    client.force_login(worker.user)
    asked = client.post("/me/deletion/")
    assert "30 天后，您的姓名、身份证号、手机号等信息将被匿名化" in asked.content.decode()
    worker.refresh_from_db()
    assert worker.deletion_requested_at is None
    client.post("/me/deletion/", {"confirmed": "yes"})
    workers_anonymise_due()
    worker.refresh_from_db()
    assert worker.anonymised_at is None

    settings.WORKER_DELETION_RETENTION_DAYS = 0
    workers_anonymise_due()
    worker.refresh_from_db()
    assert worker.anonymised_at is not None
    assert worker.id_number_hash is None
    assert worker.id_number == ""
    assert worker.full_name != "张三"
    assert worker.user.phone is None
    assert not worker.user.is_active
    assert not OutboxMessage.objects.filter(recipient=worker.user).exists(), "the outbox kept their phone and texts"
    assert AuditLog.objects.filter(subject=f"worker:{worker.pk}", action=AuditAction.ANONYMISED, actor=None).exists()
    # The person may register again later: the number is free.
    assert register(home_region=dayao, id_number=id_number, phone="13700000002").pk != worker.pk


def test_a_worker_reports_leaving_for_work_with_the_date(client, dayao, id_number):
    worker = register(home_region=dayao, id_number=id_number)
    client.force_login(worker.user)
    earlier = worker.status_since - datetime.timedelta(days=1)
    response = client.post("/me/status/", {"status": WorkerStatus.WORKING_AWAY, "effective_on": earlier.isoformat()})
    assert "不能早于" in response.content.decode()
    later = worker.status_since + datetime.timedelta(days=3)
    response = client.post("/me/status/", {"status": WorkerStatus.WORKING_AWAY, "effective_on": later.isoformat()})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.status, worker.status_since) == (WorkerStatus.WORKING_AWAY, later)
    assert [change.status for change in worker.status_changes.all()] == [
        WorkerStatus.WORKING_AWAY,
        WorkerStatus.RETURNED,
    ]


def test_staff_cannot_use_the_workers_own_pages(client, liuyang_staff):
    client.force_login(liuyang_staff)
    assert client.get("/me/").status_code == 403


def test_the_own_pages_send_a_visitor_to_the_phone_sign_in(client):
    response = client.get("/me/")
    assert response.url.startswith("/accounts/phone/?next=")
