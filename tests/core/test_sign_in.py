from datetime import timedelta

import pytest
from django.db.models import F

from core.accounts.models import Role, SignInCode, User
from core.accounts.services import sign_in_code_check, sign_in_code_send, sign_in_codes_purge
from core.errors import ApplicationError
from core.notifications.models import OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits(redis_test_database):
    """The rate-limit counters live in Redis and would carry over from one test to the next."""
    for key in redis_test_database.scan_iter("*rl:*"):
        redis_test_database.delete(key)


def sent_code(phone):
    return OutboxMessage.objects.filter(template="sign_in_code", phone=phone).latest("id").params["code"]


def request_code(client, phone, address="10.0.0.1"):
    return client.post("/accounts/phone/", {"phone": phone}, REMOTE_ADDR=address)


def test_a_new_phone_gets_a_code_by_sms_and_signing_in_leads_to_registration(client):
    response = request_code(client, "139 0000 1111")
    assert response.status_code == 302
    outbox = OutboxMessage.objects.get(template="sign_in_code", phone="13900001111")
    assert outbox.channel == "sms"
    assert outbox.kind == "critical"
    code = outbox.params["code"]
    assert len(code) == 6
    assert code.isdigit()
    assert code in outbox.text

    response = client.post("/accounts/phone/code/", {"code": code})
    assert response.status_code == 302
    assert response.url == "/me/"
    assert client.get("/me/").url == "/me/register/"
    assert User.objects.get(phone="13900001111").role == Role.JOB_SEEKER


def test_only_a_hash_of_the_code_is_stored():
    sign_in_code_send(phone="13900001112")
    stored = SignInCode.objects.get(phone="13900001112")
    assert sent_code("13900001112") not in stored.code_hash


def test_it_rejects_an_expired_code():
    sign_in_code_send(phone="13900001113")
    six_minutes = timedelta(minutes=6)
    SignInCode.objects.filter(phone="13900001113").update(
        created_at=F("created_at") - six_minutes, expires_at=F("expires_at") - six_minutes
    )
    with pytest.raises(ApplicationError) as error:
        sign_in_code_check(phone="13900001113", code=sent_code("13900001113"))
    assert error.value.code == "code_expired"


def test_a_code_expires_five_minutes_after_it_was_sent():
    sign_in_code_send(phone="13900001114")
    stored = SignInCode.objects.get(phone="13900001114")
    assert stored.expires_at - stored.created_at == timedelta(minutes=5)


def test_a_wrong_code_is_counted_and_after_five_even_the_right_one_is_refused():
    sign_in_code_send(phone="13900001115")
    right = sent_code("13900001115")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for attempt in range(1, 6):
        with pytest.raises(ApplicationError) as error:
            sign_in_code_check(phone="13900001115", code=wrong)
        assert error.value.code == "code_wrong"
        assert SignInCode.objects.get(phone="13900001115").attempts == attempt
    with pytest.raises(ApplicationError) as error:
        sign_in_code_check(phone="13900001115", code=right)
    assert error.value.code == "code_exhausted"


def test_a_code_works_once():
    sign_in_code_send(phone="13900001116")
    code = sent_code("13900001116")
    assert sign_in_code_check(phone="13900001116", code=code).phone == "13900001116"
    with pytest.raises(ApplicationError):
        sign_in_code_check(phone="13900001116", code=code)


def test_a_new_code_voids_the_one_sent_before():
    sign_in_code_send(phone="13900001117")
    first = sent_code("13900001117")
    sign_in_code_send(phone="13900001117")
    with pytest.raises(ApplicationError):
        sign_in_code_check(phone="13900001117", code=first)
    assert sign_in_code_check(phone="13900001117", code=sent_code("13900001117"))


def test_a_pasted_phone_longer_than_twenty_characters_gets_its_code_and_the_field_has_room_for_it(client):
    pasted = "+86 139 - 0000 - 1131"  # 21 characters
    assert 'maxlength="40"' in client.get("/accounts/phone/").content.decode()

    response = request_code(client, pasted)

    assert response.status_code == 302
    assert OutboxMessage.objects.filter(phone="13900001131").exists()


def test_the_api_takes_a_pasted_phone_longer_than_twenty_characters(client):
    response = client.post("/api/v1/auth/code/", {"phone": "+86 139 - 0000 - 1132"}, content_type="application/json")

    assert response.status_code == 202
    assert response.json()["phone"] == "13900001132"


def test_resending_to_one_number_is_limited_with_429_and_when_to_retry(client):
    assert request_code(client, "13900001118").status_code == 302
    response = request_code(client, "13900001118", address="10.0.0.2")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "获取验证码太频繁" in response.content.decode()
    assert OutboxMessage.objects.filter(phone="13900001118").count() == 1


def test_requests_from_one_address_are_limited(client, settings):
    settings.SIGN_IN_CODE_RATES_PER_IP = ["3/h"]
    for number in range(3):
        assert request_code(client, f"1390000200{number}", address="10.0.0.3").status_code == 302
    response = request_code(client, "13900002009", address="10.0.0.3")
    assert response.status_code == 429
    assert "获取验证码太频繁" in response.content.decode()
    assert not OutboxMessage.objects.filter(phone="13900002009").exists()
    assert request_code(client, "13900002009", address="10.0.0.4").status_code == 302


def test_a_staff_phone_is_answered_as_any_phone_but_gets_no_code_and_cannot_sign_in(client, regions):
    UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"), phone="13900001119")

    response = request_code(client, "13900001119")

    assert response.status_code == 302
    assert response.url == "/accounts/phone/code/"
    assert not OutboxMessage.objects.filter(phone="13900001119").exists()
    page = client.post("/accounts/phone/code/", {"code": "123456"}).content.decode()
    assert "验证码不正确" in page
    assert "工作人员账号" not in page
    assert not User.objects.filter(phone="13900001119", role=Role.JOB_SEEKER).exists()


def test_the_api_answers_a_staff_phone_as_any_phone(client, regions):
    UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"), phone="13900001121")
    staff = client.post("/api/v1/auth/code/", {"phone": "13900001121"}, content_type="application/json")
    anyone = client.post("/api/v1/auth/code/", {"phone": "13900001122"}, content_type="application/json")
    assert staff.status_code == anyone.status_code == 202
    assert staff.json().keys() == anyone.json().keys()
    assert "工作人员" not in staff.content.decode()


def test_even_the_right_code_never_signs_a_staff_account_in(regions):
    from core.accounts import services

    UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"), phone="13900001123")
    sign_in_code_send(phone="13900001123")
    SignInCode.objects.filter(phone="13900001123").update(code_hash=services._code_hash("13900001123", "654321"))
    with pytest.raises(ApplicationError) as error:
        sign_in_code_check(phone="13900001123", code="654321")
    assert error.value.code == "code_wrong"


def test_a_malformed_phone_gets_a_chinese_message(client):
    response = request_code(client, "12345")
    assert "请输入11位手机号码" in response.content.decode()
    assert not SignInCode.objects.exists()


def test_the_api_trades_a_code_for_a_token(client):
    response = client.post("/api/v1/auth/code/", {"phone": "13900001120"}, content_type="application/json")
    assert response.status_code == 202
    response = client.post(
        "/api/v1/auth/token/",
        {"phone": "13900001120", "code": sent_code("13900001120")},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["error"]["code"] == "not_registered"


def test_the_api_reports_a_wrong_code_in_the_common_error_shape(client):
    client.post("/api/v1/auth/code/", {"phone": "13900001121"}, content_type="application/json")
    response = client.post(
        "/api/v1/auth/token/", {"phone": "13900001121", "code": "000000"}, content_type="application/json"
    )
    if sent_code("13900001121") == "000000":
        pytest.skip("the random code happened to be 000000")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["code"]


def test_codes_that_lapsed_over_a_day_ago_are_purged_and_recent_ones_kept():
    sign_in_code_send(phone="13900001121")
    sign_in_code_send(phone="13900001122")
    two_days = timedelta(days=2)
    SignInCode.objects.filter(phone="13900001121").update(
        created_at=F("created_at") - two_days, expires_at=F("expires_at") - two_days
    )

    assert sign_in_codes_purge() == 1
    assert list(SignInCode.objects.values_list("phone", flat=True)) == ["13900001122"]


def test_the_api_answers_too_many_code_requests_with_429_and_when_to_retry(client):
    first = client.post("/api/v1/auth/code/", {"phone": "13900001122"}, content_type="application/json")
    second = client.post("/api/v1/auth/code/", {"phone": "13900001122"}, content_type="application/json")

    assert first.status_code == 202
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "rate_limited"
    assert "获取验证码太频繁" in second.json()["error"]["message"]
    assert 1 <= int(second["Retry-After"]) <= 60
    assert OutboxMessage.objects.filter(phone="13900001122").count() == 1
