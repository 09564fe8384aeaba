import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.accounts.models import Role, User
from core.accounts.services import staff_user_create
from core.errors import ApplicationError
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


def test_passwords_are_stored_with_argon2(regions):
    user = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    assert user.password.startswith("argon2$")


def test_a_wrong_password_is_refused_with_a_chinese_message(client, regions):
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    response = client.post(LOGIN_URL, {"username": "liuyang", "password": "not-the-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_the_account_is_locked_after_five_failures_even_with_the_right_password(client, regions, settings):
    UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, {"username": "liuyang", "password": "guess"})
    response = client.post(LOGIN_URL, {"username": "liuyang", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "15 分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_out_of_one_account_leaves_the_others_of_the_same_office_alone(client, regions, settings):
    county = regions.get(code="430181")
    UserFactory(username="attacked", role=Role.COUNTY_STAFF, region=county)
    UserFactory(username="colleague", role=Role.COUNTY_STAFF, region=county)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, {"username": "attacked", "password": "guess"})
    response = client.post(LOGIN_URL, {"username": "colleague", "password": DEMO_PASSWORD})
    assert response.status_code == 302


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
