"""What a phone downloads and what WeChat shows of a shared link: the title with wage and place, Open Graph tags, a
meta description, an icon, gzip, a deferred region picker, and noindex for signed-in pages (issue 16, points 5, 8)."""

import gzip
import re
from urllib.robotparser import RobotFileParser

import pytest

from tests.factories import JobPostingFactory, WorkerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_job_list_cache")]


def _meta(page, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    return found and found[1]


def test_a_posting_title_and_share_tags_carry_its_title_wage_and_place(client, regions):
    posting = JobPostingFactory(
        title="电子厂普工", wage_min=4500, wage_max=6000, work_region_id="430181", provides_meals=True
    )
    page = client.get(f"/jobs/{posting.pk}/?utm_source=&from=").content.decode()

    assert re.search(r"<title>([^<]*)</title>", page)[1] == "电子厂普工 4500-6000元/月 · 浏阳市"
    assert _meta(page, "property", "og:title") == "电子厂普工 4500-6000元/月 · 浏阳市"
    assert "包吃" in _meta(page, "property", "og:description")
    # The link passed on is the page's own address: no empty (or any) parameters ride along.
    assert _meta(page, "property", "og:url") == f"http://testserver/jobs/{posting.pk}/"
    assert f'data-share-url="http://testserver/jobs/{posting.pk}/"' in page


def test_every_page_has_a_description_and_an_icon_and_signed_in_pages_are_not_indexed(client, regions):
    page = client.get("/jobs/").content.decode()
    assert _meta(page, "name", "description")
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    assert 'name="robots"' not in page

    client.force_login(WorkerFactory(home_region=regions.get(code="430181102201")).user)
    for url in ("/jobs/", "/me/"):
        assert _meta(client.get(url).content.decode(), "name", "robots") == "noindex"


def test_pages_go_out_gzipped_to_a_browser_that_accepts_it(client, regions):
    JobPostingFactory()
    response = client.get("/jobs/", headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "就业超市" in gzip.decompress(response.content).decode()


def test_the_region_picker_script_does_not_hold_up_the_first_paint(client, regions):
    page = client.get("/jobs/").content.decode()

    assert '<script src="/static/js/region-picker.js" defer></script>' in page


def test_robots_txt_lets_crawlers_read_the_public_pages_and_keeps_them_out_of_personal_and_staff_ones(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    robots = RobotFileParser()
    robots.parse(response.content.decode().splitlines())
    for public in ("/", "/jobs/", "/jobs/12/", "/trips/", "/trips/3/", "/fairs/", "/jobs/12/poster/"):
        assert robots.can_fetch("Baiduspider", public), public
    for private in ("/me/", "/me/trips/", "/inbox/", "/accounts/phone/", "/console/", "/admin/", "/api/v1/postings/"):
        assert not robots.can_fetch("Baiduspider", private), private
