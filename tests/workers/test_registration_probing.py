"""Registering someone else's ID number tells nothing about them, is limited per account and per address, and is
written to the audit log (issue 13 point 4)."""

import pytest
from rest_framework.authtoken.models import Token

from core.accounts.models import Role, User
from core.privacy.models import AuditAction, AuditLog
from workers.models import Worker
from workers.services import worker_register

pytestmark = pytest.mark.django_db

GENERIC_DUPLICATE = "此身份证号已登记。请用登记时的手机号登录，或联系县人社局。"


@pytest.fixture(autouse=True)
def fresh_limits(redis_test_database):
    """The rate-limit counters live in the cache and would carry over from one test to the next."""
    if redis_test_database is not None:
        for key in redis_test_database.scan_iter("*rl:*"):
            redis_test_database.delete(key)
    else:
        from django.core.cache import cache

        cache.clear()


@pytest.fixture
def registered(dayao, dayao_agent, id_number):
    """Someone 黄桂兰 (village agent of 大瑶村) registered, with the phone 13700000001."""
    return worker_register(
        phone="13700000001",
        full_name="张三",
        id_number=id_number,
        home_region=dayao,
        status="returned",
        consent_given=True,
        registered_by=dayao_agent,
    )


def seeker(number):
    return User.objects.create(username=number, phone=number, role=Role.JOB_SEEKER)


def api_register(client, user, id_number, dayao, address="10.1.0.1"):
    return client.post(
        "/api/v1/me/register/",
        {"full_name": "李四", "id_number": id_number, "home_region": dayao.code, "status": "seeking", "consent": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}",
        REMOTE_ADDR=address,
    )


def web_register(client, user, id_number, dayao, address="10.1.0.1"):
    client.force_login(user)
    data = {"full_name": "李四", "id_number": id_number, "home_region": dayao.code, "status": "seeking"}
    data.update({"wanted_area": "anywhere", "consent": "on"})
    return client.post("/me/register/", data, REMOTE_ADDR=address)


def test_the_api_answers_a_taken_id_number_generically_and_audits_the_attempt(client, registered, dayao, id_number):
    prober = seeker("13700000041")

    response = api_register(client, prober, id_number, dayao)

    assert response.status_code == 409
    body = response.json()["error"]
    assert body["message"] == GENERIC_DUPLICATE
    text = response.content.decode()
    for leak in ("黄桂兰", "劳务经纪人", "大瑶村", "137****0001", "0001"):
        assert leak not in text
    audit = AuditLog.objects.get(action=AuditAction.DUPLICATE_REGISTRATION)
    assert (audit.actor, audit.subject) == (prober, f"worker:{registered.pk}")
    assert audit.detail["address"] == "10.1.0.1"
    assert Worker.objects.count() == 1


def test_the_web_form_gives_the_same_answer_and_audits_it(client, registered, dayao, id_number):
    prober = seeker("13700000042")

    response = web_register(client, prober, id_number, dayao)

    page = response.content.decode()
    assert GENERIC_DUPLICATE in page
    assert "黄桂兰" not in page
    assert AuditLog.objects.filter(action=AuditAction.DUPLICATE_REGISTRATION, actor=prober).count() == 1


def test_registration_attempts_are_limited_per_account(client, settings, registered, dayao, id_number):
    settings.REGISTRATION_RATES_PER_ACCOUNT = ["2/h"]
    prober = seeker("13700000043")
    for address in ("10.1.0.2", "10.1.0.3"):
        assert api_register(client, prober, id_number, dayao, address=address).json()["error"]["code"] == "duplicate"

    response = api_register(client, prober, id_number, dayao, address="10.1.0.4")

    assert response.json()["error"]["code"] == "rate_limited"
    assert "登记提交太频繁" in response.json()["error"]["message"]
    assert AuditLog.objects.filter(action=AuditAction.DUPLICATE_REGISTRATION).count() == 2


def test_registration_attempts_are_limited_per_address(client, settings, registered, dayao, id_number):
    settings.REGISTRATION_RATES_PER_IP = ["2/h"]
    for number in ("13700000044", "13700000045"):
        web_register(client, seeker(number), id_number, dayao, address="10.1.0.9")

    response = web_register(client, seeker("13700000046"), id_number, dayao, address="10.1.0.9")
    page = response.content.decode()

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "登记提交太频繁" in page
    assert GENERIC_DUPLICATE not in page
    assert AuditLog.objects.filter(action=AuditAction.DUPLICATE_REGISTRATION).count() == 2
    other_address = web_register(client, seeker("13700000047"), id_number, dayao, address="10.1.0.10")
    assert GENERIC_DUPLICATE in other_address.content.decode()
