import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.accounts.models import Role, User
from core.accounts.services import staff_user_create
from core.errors import ApplicationError
from portal import settings as portal_settings
from tests.factories import DEMO_PASSWORD, JobSeekerFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def test_staff_sign_in_with_username_and_password_and_land_on_the_console(client, regions):
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    response = client.post(LOGIN_URL, {"username": "liuyang", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("console:home")
    console = client.get(reverse("console:home"))
    assert console.status_code == 200
    assert "浏阳市" in console.content.decode()
    assert "县人社局工作人员" in console.content.decode()


def test_passwords_are_stored_with_argon2(regions, settings):
    settings.PASSWORD_HASHERS = portal_settings.PASSWORD_HASHERS  # the tests otherwise hash fast (conftest.py)
    user = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    assert user.password.startswith("argon2$")
    assert user.check_password(DEMO_PASSWORD)


def test_a_wrong_password_is_refused_with_a_chinese_message(client, regions):
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    response = client.post(LOGIN_URL, {"username": "liuyang", "password": "not-the-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@pytest.fixture(autouse=True)
def fresh_limits(redis_test_database):
    """The rate-limit counters live in the cache and would carry over from one test to the next."""
    if redis_test_database is not None:
        for key in redis_test_database.scan_iter("*rl:*"):
            redis_test_database.delete(key)


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_from_one_address_lock_that_address_out_even_with_the_right_password(client, regions, settings):
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    settings.STAFF_LOGIN_RATES_PER_USERNAME = ["100/m"]
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "liuyang", "guess", address="10.9.9.9")
    response = sign_in(client, "liuyang", DEMO_PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "15 分钟" in response.content.decode()
    assert reverse("accounts:unlock") in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_attacker_who_locks_his_own_address_leaves_the_owner_free_to_sign_in(client, regions, settings):
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    settings.STAFF_LOGIN_RATES_PER_USERNAME = ["100/m"]
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 3):
        sign_in(client, "liuyang", "guess", address="10.9.9.9")

    response = sign_in(client, "liuyang", DEMO_PASSWORD, address="10.0.0.1")

    assert response.status_code == 302
    assert response.url == reverse("console:home")


def test_many_attempts_on_one_username_from_many_addresses_are_slowed_down_not_locked(client, regions, settings):
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    # An hour's window: a minute's could turn over between the attempts and reset the count.
    settings.STAFF_LOGIN_RATES_PER_USERNAME = ["3/h"]
    for number in range(3):
        sign_in(client, "liuyang", "guess", address=f"10.9.9.{number}")

    wrong = sign_in(client, "liuyang", "guess", address="10.0.0.2")
    response = sign_in(client, "liuyang", DEMO_PASSWORD, address="10.0.0.1")

    assert wrong.status_code == 429
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    page = response.content.decode()
    assert "登录尝试太频繁" in page
    assert "账号已暂时锁定" not in page
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    # The password was not even checked: nothing counted against either address.
    assert not AccessAttempt.objects.filter(username="liuyang", ip_address__in=["10.0.0.1", "10.0.0.2"]).exists()


def test_a_staff_member_who_signs_in_rightly_many_times_a_minute_is_never_slowed_down(client, regions, settings):
    """Only wrong passwords use up the username's allowance: an office sharing one account keeps working."""
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    settings.STAFF_LOGIN_RATES_PER_USERNAME = ["3/m"]
    answers = []
    for _sign_in in range(5):
        answers.append(sign_in(client, "liuyang", DEMO_PASSWORD).status_code)
        client.logout()

    assert answers == [302] * 5


def test_the_lock_out_of_one_account_leaves_the_others_of_the_same_office_alone(client, regions, settings):
    county = regions.get(code="430181")
    UserFactory(username="attacked", role=Role.COUNTY_STAFF, region=county)
    UserFactory(username="colleague", role=Role.COUNTY_STAFF, region=county)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "attacked", "guess")
    response = sign_in(client, "colleague", DEMO_PASSWORD)
    assert response.status_code == 302


def lock_out(client, settings, username, address="10.0.0.1"):
    settings.STAFF_LOGIN_RATES_PER_USERNAME = ["100/m"]
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "guess", address=address)
    assert sign_in(client, username, DEMO_PASSWORD, address=address).status_code == 429


def test_an_administrator_unlocks_an_account_with_the_axes_command(client, regions, settings):
    from django.core.management import call_command

    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    lock_out(client, settings, "liuyang")

    call_command("axes_reset_username", "liuyang")

    assert sign_in(client, "liuyang", DEMO_PASSWORD).status_code == 302


def test_the_locked_out_person_unlocks_with_a_code_sent_to_their_own_phone(client, regions, settings):
    from core.notifications.models import OutboxMessage

    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"), phone="13900005001")
    lock_out(client, settings, "liuyang")

    response = client.post(reverse("accounts:unlock"), {"username": "liuyang"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302
    message = OutboxMessage.objects.get(template="staff_unlock_code", phone="13900005001")
    page = client.get(response.url).content.decode()
    assert "如果该账号绑定了手机号" in page
    assert "5001" not in page
    wrong = f"{(int(message.params['code']) + 1) % 1_000_000:06d}"
    assert "验证码不正确" in client.post(response.url, {"code": wrong}).content.decode()
    response = client.post(response.url, {"code": message.params["code"]}, follow=True)
    assert "已解除锁定" in response.content.decode()

    assert sign_in(client, "liuyang", DEMO_PASSWORD).status_code == 302


def test_asking_to_unlock_an_unknown_username_looks_the_same_and_sends_nothing(client, regions):
    from core.notifications.models import OutboxMessage

    response = client.post(reverse("accounts:unlock"), {"username": "nobody"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:unlock_code")
    assert not OutboxMessage.objects.exists()
    assert "验证码不正确" in client.post(response.url, {"code": "123456"}).content.decode()


def test_asking_for_unlock_codes_too_often_is_answered_429_with_when_to_retry(client, regions, settings):
    settings.SIGN_IN_CODE_RATES_PER_IP = ["2/h"]
    for _attempt in range(2):
        client.post(reverse("accounts:unlock"), {"username": "nobody"}, REMOTE_ADDR="10.0.0.7")

    response = client.post(reverse("accounts:unlock"), {"username": "nobody"}, REMOTE_ADDR="10.0.0.7")

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "获取验证码太频繁" in response.content.decode()


def test_the_console_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_the_console_is_closed_to_job_seekers(client, regions):
    seeker = JobSeekerFactory()
    client.force_login(seeker)
    assert client.get(reverse("console:home")).status_code == 403


def test_an_admin_sees_the_console_with_every_region(client, regions):
    admin = User.objects.create_superuser(username="root", password=DEMO_PASSWORD, role=Role.ADMIN)
    client.force_login(admin)
    response = client.get(reverse("console:home"))
    assert response.status_code == 200
    assert "全部地区" in response.content.decode()


def test_the_database_refuses_a_staff_account_without_a_region():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="orphan", role=Role.COUNTY_STAFF, region=None)


def test_the_database_refuses_a_phone_number_that_is_not_eleven_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="bad-phone", role=Role.JOB_SEEKER, phone="12345")


def test_creating_county_staff_on_a_city_is_refused_with_the_levels_allowed(regions):
    with pytest.raises(ApplicationError) as error:
        staff_user_create(
            username="wrong-level",
            password=DEMO_PASSWORD,
            role=Role.COUNTY_STAFF,
            region=regions.get(code="430100"),
        )
    assert "县" in error.value.message
    assert not User.objects.filter(username="wrong-level").exists()


def test_creating_a_village_agent_on_a_village_works(regions):
    agent = staff_user_create(
        username="agent", password=DEMO_PASSWORD, role=Role.VILLAGE_AGENT, region=regions.get(code="430181102201")
    )
    assert agent.region.name == "大瑶村"
    assert agent.check_password(DEMO_PASSWORD)


def test_a_weak_staff_password_is_refused(regions):
    with pytest.raises(ApplicationError) as error:
        staff_user_create(
            username="weak", password="12345678", role=Role.COUNTY_STAFF, region=regions.get(code="430181")
        )
    assert error.value.field == "password"
