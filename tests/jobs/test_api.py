import pytest

from tests.factories import JobPostingFactory

pytestmark = pytest.mark.django_db


def test_the_api_returns_the_same_postings_as_the_page(client, regions):
    JobPostingFactory(title="商场保洁员", occupation="cleaning", work_region_id="430181")
    JobPostingFactory(title="医院保洁员", occupation="cleaning", work_region_id="431322")
    JobPostingFactory(title="电子厂普工")
    body = client.get("/api/v1/postings/", {"q": "保洁", "region": "430181"}).json()
    assert [posting["title"] for posting in body["results"]] == ["商场保洁员"]
    assert body["count"] == 1
    assert body["count_is_capped"] is False
    assert body["next"] is None
    assert body["results"][0]["work_region_name"] == "浏阳市"


def test_the_api_pages_by_cursor(client, regions):
    JobPostingFactory.create_batch(25)
    first = client.get("/api/v1/postings/").json()
    second = client.get("/api/v1/postings/", {"cursor": first["next"]}).json()
    ids = [posting["id"] for posting in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 25
    assert second["next"] is None


def test_a_posting_is_read_with_its_contact(client, regions):
    posting = JobPostingFactory(description="流水线组装")
    body = client.get(f"/api/v1/postings/{posting.pk}/").json()
    assert body["description"] == "流水线组装"
    assert body["contact_phone"] == "0731-83612345"


def test_errors_have_one_json_shape_with_a_chinese_message(client, regions):
    bad_filter = client.get("/api/v1/postings/", {"wage_min": "很多"})
    assert bad_filter.status_code == 400
    assert set(bad_filter.json()["error"]) == {"code", "message", "fields"}
    assert "wage_min" in bad_filter.json()["error"]["fields"]
    bad_cursor = client.get("/api/v1/postings/", {"cursor": "garbage"})
    assert bad_cursor.status_code == 400
    assert "翻页" in bad_cursor.json()["error"]["message"]
    draft = JobPostingFactory(status="draft", published_at=None)
    missing = client.get(f"/api/v1/postings/{draft.pk}/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_the_api_schema_describes_the_postings_without_warnings(capsys):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", "/dev/null")
    assert "Warning" not in capsys.readouterr().err


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_an_unknown_value_of_the_key_enterprise_filter_is_refused_not_ignored(client, regions, value):
    response = client.get("/api/v1/postings/", {"key_enterprise": value})

    assert response.status_code == 400
    assert "key_enterprise" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", ["重点企业的岗位"]), ("on", ["重点企业的岗位"]), ("false", ["普通企业的岗位", "重点企业的岗位"])],
)
def test_the_key_enterprise_filter_reads_the_usual_spellings(client, regions, value, expected):
    JobPostingFactory(title="重点企业的岗位", employer__is_key_enterprise=True)
    JobPostingFactory(title="普通企业的岗位")

    results = client.get("/api/v1/postings/", {"key_enterprise": value}).json()["results"]

    assert sorted(posting["title"] for posting in results) == expected


def test_the_page_keeps_working_when_the_key_enterprise_box_is_ticked(client, regions):
    JobPostingFactory(title="重点企业的岗位", employer__is_key_enterprise=True)
    JobPostingFactory(title="普通企业的岗位")

    page = client.get("/jobs/", {"key_enterprise": "on"}).content.decode()

    assert "重点企业的岗位" in page
    assert "普通企业的岗位" not in page
