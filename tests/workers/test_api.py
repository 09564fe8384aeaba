import pytest
from rest_framework.authtoken.models import Token

from core.accounts.models import Role, User
from tests.factories import UserFactory, WorkerFactory
from workers.models import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeker_token():
    seeker = User.objects.create(username="13700000031", phone="13700000031", role=Role.JOB_SEEKER)
    return Token.objects.create(user=seeker).key


def test_a_job_seeker_registers_and_corrects_their_record_with_a_token(client, seeker_token, dayao, id_number):
    auth = {"HTTP_AUTHORIZATION": f"Token {seeker_token}"}
    response = client.post(
        "/api/v1/me/register/",
        {"full_name": "赵六", "id_number": id_number, "home_region": dayao.code, "status": "seeking", "consent": True},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["id_number"] == id_number[:2] + "*" * 15 + id_number[-1]
    assert response.json()["phone"] == "13700000031"

    response = client.patch("/api/v1/me/", {"skills": "焊工"}, content_type="application/json", **auth)
    assert response.json()["skills"] == "焊工"
    assert Worker.objects.get().skills == "焊工"


def test_the_api_refuses_registration_without_consent_in_the_common_error_shape(client, seeker_token, dayao, id_number):
    response = client.post(
        "/api/v1/me/register/",
        {"full_name": "赵六", "id_number": id_number, "home_region": dayao.code, "status": "seeking", "consent": False},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {seeker_token}",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"consent": ["需要同意个人信息处理规则才能登记。"]}
    assert not Worker.objects.exists()


def test_the_staff_ledger_api_is_closed_to_job_seekers(client, seeker_token):
    response = client.get("/api/v1/workers/", HTTP_AUTHORIZATION=f"Token {seeker_token}")
    assert response.status_code in (401, 403)


def test_the_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/auth/code/",
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/me/register/",
        "/api/v1/workers/",
    ):
        assert path in schema


def test_a_role_that_may_not_register_workers_is_answered_403(client, regions, dayao, id_number):
    dispatcher = UserFactory(role=Role.DISPATCHER, region=regions.get(code="430181"))
    client.force_login(dispatcher)

    registration = {"full_name": "赵六", "id_number": id_number, "home_region": dayao.code, "status": "seeking"}

    response = client.post(
        "/api/v1/workers/", {**registration, "consent": True, "phone": "13700000032"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "permission_denied",
        "message": "只有劳务经纪人和县人社局工作人员可以代为登记。",
        "fields": {},
    }
    assert not Worker.objects.exists()


@pytest.mark.parametrize(("parameter", "value"), [("status", "retired"), ("key_group", "aliens"), ("secretary", "x")])
def test_an_unknown_value_of_a_ledger_filter_is_refused_not_ignored(client, liuyang_staff, parameter, value):
    client.force_login(liuyang_staff)

    response = client.get("/api/v1/workers/", {parameter: value})

    assert response.status_code == 400
    assert parameter in response.json()["error"]["fields"]


def test_the_ledger_filters_by_a_known_status(client, liuyang_staff, dayao):
    WorkerFactory(home_region=dayao, full_name="在家待业的人", status="seeking")
    WorkerFactory(home_region=dayao, full_name="外出务工的人", status="working_away")
    client.force_login(liuyang_staff)

    response = client.get("/api/v1/workers/", {"status": "seeking"})

    assert [row["full_name"] for row in response.json()["results"]] == ["在家待业的人"]


def test_empty_ledger_filters_mean_no_filter(client, liuyang_staff, dayao):
    WorkerFactory(home_region=dayao, full_name="在家待业的人", status="seeking")
    client.force_login(liuyang_staff)

    response = client.get("/api/v1/workers/", {"status": "", "key_group": ""})

    assert [row["full_name"] for row in response.json()["results"]] == ["在家待业的人"]
