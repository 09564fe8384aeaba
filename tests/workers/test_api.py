import pytest
from rest_framework.authtoken.models import Token

from core.accounts.models import Role, User
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
