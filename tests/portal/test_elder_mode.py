"""长辈模式: a switch in every header, remembered in a cookie without an account (issue 16, point 1)."""

import pytest

from tests.factories import JobPostingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_job_list_cache")]


def _header(page):
    return page[page.index('<header class="site-header">') : page.index("</header>")]


@pytest.mark.parametrize("url", ["/", "/jobs/", "/trips/", "/fairs/", "/accounts/phone/"])
def test_every_public_page_has_the_switch_in_its_header_and_the_language_at_its_foot(client, regions, url):
    page = client.get(url).content.decode()

    assert 'aria-pressed="false">长辈模式</button>' in _header(page)
    assert "English" not in _header(page)
    assert "English" in page[page.index('<footer class="site-footer">') :]


def test_turning_it_on_comes_back_to_the_same_page_and_is_remembered_without_an_account(client, regions):
    posting = JobPostingFactory()
    response = client.post("/display/elder/", {"on": "1", "next": f"/jobs/{posting.pk}/"})

    assert response.status_code == 302
    assert response.url == f"/jobs/{posting.pk}/"
    assert response.cookies["elder"].value == "1"
    assert response.cookies["elder"]["max-age"] == 60 * 60 * 24 * 365
    page = client.get("/jobs/").content.decode()
    assert '<html lang="zh-hans" class="elder">' in page
    assert 'aria-pressed="true">长辈模式</button>' in _header(page)


def test_turning_it_off_forgets_the_cookie(client, regions):
    client.post("/display/elder/", {"on": "1", "next": "/"})
    client.post("/display/elder/", {"on": "0", "next": "/"})

    assert 'class="elder"' not in client.get("/").content.decode()


def test_the_switch_never_sends_anyone_to_another_site(client):
    response = client.post("/display/elder/", {"on": "1", "next": "https://example.com/"})

    assert response.url == "/"


def test_the_switch_is_a_form_post_not_a_link(client):
    assert client.get("/display/elder/").status_code == 405
