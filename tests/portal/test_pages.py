import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_is_in_chinese_by_default(client):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in page
    assert "春风就业服务平台" in page
    assert "返岗专车" in page


def test_the_home_page_speaks_english_to_a_browser_that_asks_for_it(client):
    page = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in page
    assert "Spring Breeze Employment Portal" in page
    assert "春风就业服务平台" not in page


def test_the_language_switch_turns_the_portal_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Spring Breeze Employment Portal" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "春风就业服务平台" in client.get("/").content.decode()


def test_pages_load_nothing_from_the_internet(client):
    page = client.get("/").content.decode()
    assert "http://" not in page
    assert "https://" not in page


def test_pages_are_laid_out_for_phones(client):
    page = client.get("/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page


def test_the_api_docs_are_served_without_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert 'src="http' not in page
    assert 'href="http' not in page


def test_the_openapi_schema_is_generated(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/regions/" in response.content
