import pytest
from rest_framework.test import APIClient

from placement.applications.models import Application


@pytest.fixture
def api(worker):
    client = APIClient()
    client.force_authenticate(worker.user)
    return client


@pytest.mark.django_db
def test_a_worker_applies_through_the_api_and_a_repeat_returns_the_same_application(api, posting):
    first = api.post(f"/api/v1/postings/{posting.id}/applications/")
    again = api.post(f"/api/v1/postings/{posting.id}/applications/")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["state"] == "applied"
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_the_api_refuses_a_full_or_missing_posting_in_chinese(api, posting):
    posting.status = "filled"
    posting.save()

    refused = api.post(f"/api/v1/postings/{posting.id}/applications/")
    missing = api.post("/api/v1/postings/999999/applications/")

    assert refused.status_code == 400
    assert "已招满" in refused.json()["error"]["message"]
    assert missing.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_the_api_lists_my_applications(api, posting):
    api.post(f"/api/v1/postings/{posting.id}/applications/")

    rows = api.get("/api/v1/me/applications/").json()

    assert [(row["posting"], row["posting_title"], row["state"]) for row in rows] == [
        (posting.id, posting.title, "applied")
    ]


@pytest.mark.django_db
def test_anonymous_callers_cannot_apply(posting):
    assert APIClient().post(f"/api/v1/postings/{posting.id}/applications/").status_code in (401, 403)


@pytest.mark.django_db
def test_the_application_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()

    assert "/api/v1/postings/{posting_id}/applications/" in schema
    assert "/api/v1/me/applications/" in schema
