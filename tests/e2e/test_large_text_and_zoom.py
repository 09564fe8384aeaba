"""At 200% text and at 200% zoom on a 360 px phone, nothing is clipped and nothing scrolls sideways, on every public
page and every page of a signed-in worker (issue 16, point 2)."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from jobs.pagecache import list_cache_invalidate
from tests.e2e.large_text import header_share_of_screen, nothing_clipped, signed_in_as, with_large_text
from tests.factories import EmployerFactory, JobPostingFactory, PickupPointFactory, TripFactory, WorkerFactory
from transport.services import booking_create

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = ["/", "/jobs/", "posting", "/fairs/", "fair", "/trips/", "trip", "/accounts/phone/"]
WORKER_PAGES = ["/me/", "/me/edit/", "/me/trips/", "/me/applications/", "/me/jobs-for-you/", "/inbox/"]


@pytest.fixture
def world(regions):
    list_cache_invalidate()
    worker = WorkerFactory(full_name="欧阳春花", home_region=regions.get(code="430181102201"))
    posting = JobPostingFactory(
        title="电子厂普工（长白班、包吃包住、可带家属）",
        employer=EmployerFactory(name="湖南浏阳经济技术开发区蓝思精密电子科技有限公司"),
        wage_min=4500,
        wage_max=6000,
        provides_meals=True,
        provides_housing=True,
        social_insurance=True,
        working_hours="早8点到晚8点，两班倒，月休4天，加班另计",
        work_address="浏阳经开区康万路与永阳路交汇处东北角蓝思科技园3号门",
        is_urgent=True,
    )
    trip = TripFactory(origin_county_id="430181", destination_address="广东省深圳市宝安区福永街道凤凰第一工业区")
    PickupPointFactory(trip=trip, name="大瑶镇人民政府门前广场公交站")
    booking_create(trip_id=trip.pk, worker=worker, notify=False)
    application = apps.get_model("applications", "Application")
    application.objects.create(worker=worker, posting=posting, source="self_applied")
    fair = apps.get_model("applications", "JobFair").objects.create(
        title="2027年浏阳市春风行动暨就业援助月大型现场招聘会",
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=4),
        place="浏阳市人力资源市场一楼大厅（金沙北路）",
        county_id="430181",
    )
    return {
        "worker": worker,
        "posting": f"/jobs/{posting.pk}/",
        "trip": f"/trips/{trip.pk}/",
        "fair": f"/fairs/{fair.pk}/",
    }


def _walk(page, world, site):
    problems = {}
    for url in PUBLIC_PAGES:
        page.goto(world.get(url, url))
        problems[url] = nothing_clipped(page)
    signed_in_as(page, world["worker"].user, site=site)
    for url in WORKER_PAGES:
        page.goto(url)
        problems[url] = nothing_clipped(page)
    return {url: found for url, found in problems.items() if found}


def test_at_200_percent_text_nothing_is_clipped_and_nothing_scrolls_sideways(browser_page, world, live_server):
    phone = with_large_text(browser_page(360, 740))

    assert _walk(phone, world, live_server.url) == {}
    phone.goto("/me/")
    assert header_share_of_screen(phone) < 0.3


def test_at_200_percent_zoom_nothing_is_clipped_and_nothing_scrolls_sideways(browser_page, world, live_server):
    # A 360 px phone zoomed to 200% lays pages out in 180 CSS pixels, each drawn twice as large.
    zoomed = browser_page(180, 370, device_scale_factor=2)

    assert _walk(zoomed, world, live_server.url) == {}


def test_with_elder_mode_on_and_200_percent_text_nothing_is_clipped_either(browser_page, world, live_server):
    phone = with_large_text(browser_page(360, 740))
    phone.context.add_cookies([{"name": "elder", "value": "1", "url": live_server.url}])

    assert _walk(phone, world, live_server.url) == {}
