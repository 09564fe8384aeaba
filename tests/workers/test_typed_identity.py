"""ID numbers, phones and wages typed into registration (the worker's page, the console, both APIs) go through the one
normaliser: the same person typed in full-width digits is the same person, and no typed character is a server error.
"""

import pytest
from rest_framework.test import APIClient

from core.accounts.models import Role, User
from workers.models import Worker

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.fixture
def seeker():
    return User.objects.create(username="13700000001", phone="13700000001", role=Role.JOB_SEEKER)


def page_form(id_number, dayao, **changes):
    return {
        "full_name": "张三",
        "id_number": id_number,
        "home_region__village": dayao.code,
        "status": "seeking",
        "wanted_area": "anywhere",
        "consent": "on",
    } | changes


def api_body(id_number, dayao, **changes):
    return {
        "full_name": "张三",
        "id_number": id_number,
        "home_region": dayao.code,
        "status": "seeking",
        "consent": True,
    } | changes


def test_the_same_person_typed_in_full_width_digits_is_not_registered_twice(client, dayao, id_number, seeker):
    client.force_login(seeker)
    assert client.post("/me/register/", page_form(id_number, dayao)).status_code == 302
    other = User.objects.create(username="13700000002", phone="13700000002", role=Role.JOB_SEEKER)
    client.force_login(other)

    response = client.post("/me/register/", page_form(id_number[:6] + id_number[6:].translate(FULL_WIDTH), dayao))

    assert response.status_code == 200
    assert "此身份证号已" in response.content.decode()
    assert Worker.objects.count() == 1


def test_staff_register_a_worker_with_full_width_id_and_phone_stored_in_ascii(client, dayao, id_number, liuyang_staff):
    client.force_login(liuyang_staff)

    response = client.post(
        "/console/workers/new/",
        page_form(id_number.translate(FULL_WIDTH), dayao, phone="１３７ ００００ ００３１", expected_wage="６，０００"),
    )

    assert response.status_code == 302, response.content.decode()
    worker = Worker.objects.get()
    assert (worker.id_number, worker.user.phone, worker.expected_wage) == (id_number, "13700000031", 6000)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("id_number", "4301811988060135①3", "身份证号"),
        ("id_number", "4301811988060135²3", "身份证号"),
        ("id_number", "4.30181198801011E+17", "Excel 把身份证号存成了数字"),
        ("id_number", "😀" * 18, "18位"),
        ("phone", "137①", "11位手机号"),
        ("expected_wage", "①" * 30, "0到1000000之间"),
        ("expected_wage", "-5", "0到1000000之间"),
        ("expected_wage", "😀", "请填整数"),
    ],
)
def test_a_strange_character_on_the_console_registration_form_is_shown_on_its_field(
    client, dayao, id_number, liuyang_staff, field, typed, message
):
    client.force_login(liuyang_staff)

    response = client.post("/console/workers/new/", page_form(id_number, dayao, phone="13700000031") | {field: typed})

    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not Worker.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("id_number", "4301811988060135①3", "身份证号"),
        ("id_number", "4.30181198801011E+17", "Excel 把身份证号存成了数字"),
        ("expected_wage", 10**30, "0到1000000之间"),
        ("expected_wage", "-5", "0到1000000之间"),
        ("expected_wage", 1.5, "整数"),
        ("expected_wage", "😀", "请填整数"),
    ],
)
def test_a_job_seeker_registering_by_api_gets_a_400_naming_the_field(dayao, id_number, seeker, field, typed, message):
    api = APIClient()
    api.force_authenticate(seeker)

    response = api.post("/api/v1/me/register/", api_body(id_number, dayao) | {field: typed}, format="json")

    assert response.status_code == 400
    assert message in response.json()["error"]["fields"][field][0]
    assert not Worker.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("phone", "137 0000 00①", "11位手机号"),
        ("phone", "😀", "11位手机号"),
        ("id_number", "4301811988060135²3", "身份证号"),
    ],
)
def test_staff_registering_by_api_get_a_400_naming_the_field(
    client, dayao, id_number, liuyang_staff, field, typed, message
):
    client.force_login(liuyang_staff)
    body = api_body(id_number, dayao, phone="13700000031") | {field: typed}

    response = client.post("/api/v1/workers/", body, content_type="application/json")

    assert response.status_code == 400
    assert message in response.json()["error"]["fields"][field][0]
    assert not Worker.objects.exists()


def test_staff_registering_by_api_in_full_width_digits_store_ascii(client, dayao, id_number, liuyang_staff):
    client.force_login(liuyang_staff)
    body = api_body(id_number.translate(FULL_WIDTH), dayao, phone="１３７００００００３１", expected_wage="６０００")

    response = client.post("/api/v1/workers/", body, content_type="application/json")

    assert response.status_code == 201, response.content.decode()
    worker = Worker.objects.get()
    assert (worker.id_number, worker.user.phone, worker.expected_wage) == (id_number, "13700000031", 6000)
