"""The headers every page carries: an enforced Content-Security-Policy without 'unsafe-inline', and no-store on
everything that shows personal data (pages and exports for a signed-in user, the employer's manifest link)."""

import re
from pathlib import Path

import pytest

from core.accounts.models import Role
from core.exports.services import export_run
from tests.exports import export_requested
from tests.factories import JobPostingFactory, TripFactory, UserFactory, WorkerFactory
from transport.services import booking_create

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]

PUBLIC_PAGES = ["/", "/jobs/", "/trips/", "/fairs/", "/accounts/login/", "/accounts/phone/"]
WORKER_PAGES = ["/me/", "/me/trips/", "/me/applications/", "/me/jobs-for-you/", "/me/data/", "/inbox/"]
CONSOLE_PAGES = [
    "/console/",
    "/console/workers/",
    "/console/workers/secretary/",
    "/console/workers/import/",
    "/console/jobs/",
    "/console/jobs/employers/",
    "/console/trips/",
    "/console/applications/",
    "/console/notifications/",
    "/console/exports/",
]
CONSOLE_EXPORTS = [
    "/console/workers/export/",
    "/console/jobs/export/postings.xlsx",
    "/console/jobs/export/employers.xlsx",
]


@pytest.fixture
def village(regions):
    return regions.get(code="430181102201")


@pytest.fixture
def worker(village):
    return WorkerFactory(home_region=village, full_name="刘小梅")


@pytest.fixture
def county_staff(regions):
    return UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"), first_name="李春花")


def policy_of(response):
    directives = (part.strip().partition(" ") for part in response["Content-Security-Policy"].split(";"))
    return {name: value for name, _space, value in directives if name}


def assert_strict_policy(response, url):
    assert response.status_code == 200, url
    assert "Content-Security-Policy" in response, url
    policy = policy_of(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"], url
    assert "unsafe-eval" not in response["Content-Security-Policy"], url
    assert policy["default-src"] == "'self'", url
    assert policy["script-src"] == "'self'", url
    assert policy["style-src"] == "'self'", url
    assert policy["object-src"] == "'none'", url
    assert policy["frame-ancestors"] == "'none'", url


def test_public_pages_carry_a_strict_content_security_policy(client, regions):
    JobPostingFactory(title="电子厂普工")
    for url in PUBLIC_PAGES:
        assert_strict_policy(client.get(url), url)
    assert "电子厂普工" in client.get("/jobs/").content.decode()


def test_a_workers_pages_carry_it_and_are_never_stored(client, worker):
    booking_create(trip_id=TripFactory().pk, worker=worker)
    client.force_login(worker.user)
    for url in WORKER_PAGES:
        response = client.get(url)
        assert_strict_policy(response, url)
        assert "no-store" in response["Cache-Control"], url
    assert "刘小梅" in client.get("/me/").content.decode()
    assert 'class="booking-qr"' in client.get("/me/trips/").content.decode()


def test_console_pages_and_exports_carry_it_and_are_never_stored(client, county_staff, worker):
    client.force_login(county_staff)
    for url in CONSOLE_PAGES:
        response = client.get(url)
        assert_strict_policy(response, url)
        assert "no-store" in response["Cache-Control"], url
    assert "刘小梅" in client.get("/console/workers/").content.decode()
    for url in CONSOLE_EXPORTS:
        export = export_requested(client, url)
        export_run(export_id=export.pk)
        page = client.get(f"/console/exports/{export.pk}/")
        assert_strict_policy(page, url)
        assert "no-store" in page["Cache-Control"], url
        response = client.get(f"/console/exports/{export.pk}/download/")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url
        assert "no-store" in response["Cache-Control"], url


def test_the_personal_data_api_is_never_stored(client, county_staff, worker):
    client.force_login(county_staff)
    ledger = client.get("/api/v1/workers/")
    assert ledger.json()["results"][0]["full_name"] == "刘小梅"
    assert "no-store" in ledger["Cache-Control"]
    client.force_login(worker.user)
    assert "no-store" in client.get("/api/v1/me/")["Cache-Control"]


def test_the_employers_manifest_link_is_never_stored(client, worker, dispatcher_trip_with_booking):
    trip = dispatcher_trip_with_booking
    response = client.get(f"/trips/manifest/{trip.manifest_token}/")
    assert_strict_policy(response, "manifest")
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def dispatcher_trip_with_booking(worker):
    trip = TripFactory()
    booking_create(trip_id=trip.pk, worker=worker)
    return trip


def test_public_pages_without_personal_data_stay_cacheable(client, regions):
    assert "no-store" not in client.get("/jobs/").get("Cache-Control", "")
    assert "public" in client.get("/api/v1/regions/")["Cache-Control"]


def test_the_api_documentation_works_under_the_same_strict_policy(client):
    page = client.get("/api/docs/")
    assert_strict_policy(page, "/api/docs/")
    assert "<script>" not in page.content.decode()
    assert "<style>" not in page.content.decode()


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an on...= handler"),
    (re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE), "a javascript: link"),
]


def template_files():
    roots = [PROJECT / "templates", *PROJECT.glob("*/templates"), *PROJECT.glob("*/*/templates")]
    return sorted(path for root in roots for path in root.rglob("*.html") if ".venv" not in path.parts)


def test_no_template_carries_inline_script_style_or_handlers():
    files = template_files()
    assert len(files) > 30
    found = [
        f"{path.relative_to(PROJECT)}:{text[: match.start()].count(chr(10)) + 1}: {what}"
        for path in files
        for text in [path.read_text(encoding="utf-8")]
        for pattern, what in INLINE_CODE
        for match in pattern.finditer(text)
    ]
    assert found == []


def test_hsts_is_a_year_with_debug_off():
    from tests.portal.test_settings import GOOD_SECRET, run_python

    result = run_python(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS)",
        DEBUG="false",
        SECRET_KEY=GOOD_SECRET,
        PII_KEY="a-personal-data-key",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["31536000", "True"]
