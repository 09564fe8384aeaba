"""What every API endpoint shares: the error statuses and their place in the OpenAPI schema."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def error_statuses(schema, path, method):
    responses = schema["paths"][path][method]["responses"]
    return {
        int(status)
        for status, response in responses.items()
        if response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    }


def test_every_operation_lists_its_errors_in_the_common_shape(schema):
    operations = [(path, method) for path, item in schema["paths"].items() for method in item]
    assert len(operations) > 10
    for path, method in operations:
        assert 400 in error_statuses(schema, path, method), (path, method)
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"error"}


def test_the_errors_listed_follow_what_the_operation_can_meet(schema):
    assert error_statuses(schema, "/api/v1/trips/{trip_id}/bookings/", "post") == {400, 403, 404, 409}
    assert error_statuses(schema, "/api/v1/workers/{worker_id}/", "get") == {400, 403, 404}
    assert error_statuses(schema, "/api/v1/postings/", "get") == {400}
    assert 429 in error_statuses(schema, "/api/v1/auth/code/", "post")


def test_an_api_path_that_matches_nothing_answers_404_in_the_common_shape(client):
    response = client.delete("/api/v1/bookings/not-a-number/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "not_found", "message": "找不到您要的内容。", "fields": {}}}


def test_a_page_that_matches_nothing_still_answers_an_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_paged_list_lists_404_for_a_page_past_the_end(schema):
    assert 404 in error_statuses(schema, "/api/v1/workers/", "get")


def test_a_nul_in_json_text_is_refused_with_a_correct_chinese_message(client):
    """Django's own Chinese for its NUL check says "不允许是用空字符串" (empty strings are not allowed: wrong); the
    API says what is wrong, on the field and as the error's message. (A NUL in a form or a query never reaches a
    view: core/malformed_requests.py answers it at the door.)"""
    body = '{"phone": "13900001131", "code": "12\\u0000456"}'
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "不能包含空字符（\\x00）。"
    assert error["fields"] == {"code": ["不能包含空字符（\\x00）。"]}
