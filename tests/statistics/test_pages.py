from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.accounts.models import Role
from core.campaigns.models import Campaign
from core.notifications.models import OutboxMessage
from portal.statistics.notifications import weekly_report_announce
from portal.statistics.services import daily_figures_rebuild
from tests.factories import DEMO_PASSWORD, JobPostingFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 2, 3)
PERIOD = {"start": "2026-02-01", "end": "2026-02-07"}


@pytest.fixture
def supervisor(regions):
    return UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430000"), username="hunan_supervisor")


@pytest.fixture
def clerk(regions):
    return UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))


@pytest.fixture
def figures(regions):
    JobPostingFactory(published_at=datetime(2026, 2, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai")), headcount=40)
    JobPostingFactory(
        published_at=datetime(2026, 2, 3, 11, tzinfo=ZoneInfo("Asia/Shanghai")),
        headcount=7,
        county_id="431322",
        work_region_id="431322",
    )
    daily_figures_rebuild(day=DAY)


def test_a_supervisor_lands_on_their_provinces_dashboard_after_signing_in(client, supervisor, figures):
    response = client.post(
        reverse("accounts:login"), {"username": "hunan_supervisor", "password": DEMO_PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("statistics:dashboard"))
    assert "湖南省 · 春风行动统计" in page
    assert "长沙市" in page
    assert "娄底市" in page


def test_a_province_dashboard_lists_its_cities_and_links_down_to_them(client, supervisor, figures):
    client.force_login(supervisor)
    page = client.get(reverse("statistics:dashboard"), PERIOD).content.decode()
    assert 'href="?region=430100&amp;start=2026-02-01&amp;end=2026-02-07">长沙市</a>' in page
    city = client.get(reverse("statistics:dashboard"), {"region": "430100", **PERIOD}).content.decode()
    assert "长沙市 · 春风行动统计" in city
    assert ">浏阳市</a>" in city
    assert '<strong class="stats-tile__value">40</strong>' in city


def test_a_county_clerk_reads_their_county_and_nothing_outside_it(client, clerk, figures):
    client.force_login(clerk)
    page = client.get(reverse("statistics:dashboard"), PERIOD).content.decode()
    assert "浏阳市 · 春风行动统计" in page
    assert '<strong class="stats-tile__value">40</strong>' in page
    for outside in ("431322", "430000", "430100", "999999"):
        assert client.get(reverse("statistics:dashboard"), {"region": outside}).status_code == 404
        assert client.get(reverse("statistics:weekly_excel"), {"region": outside}).status_code == 404


def test_a_backwards_date_range_is_explained_in_chinese_and_the_default_period_shown(client, clerk, figures):
    client.force_login(clerk)
    response = client.get(reverse("statistics:dashboard"), {"start": "2026-02-07", "end": "2026-02-01"})
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期。" in response.content.decode()
    assert client.get(reverse("statistics:dashboard"), {"start": "昨天", "campaign": "x"}).status_code == 200


def test_job_seekers_and_visitors_do_not_get_the_figures(client, regions, figures):
    assert client.get(reverse("statistics:dashboard")).status_code == 302
    assert client.get(reverse("api:stats")).status_code in (401, 403)
    client.force_login(WorkerFactory(home_region=regions.get(code="430181102201")).user)
    assert client.get(reverse("statistics:dashboard")).status_code == 403
    assert client.get(reverse("api:stats")).status_code == 403


def test_the_api_answers_a_region_outside_the_scope_as_missing_and_bad_dates_with_a_400(client, clerk, figures):
    client.force_login(clerk)
    assert client.get(reverse("api:stats"), {"region": "431322"}).status_code == 404
    bad = client.get(reverse("api:stats"), {"from": "2026-02-07", "to": "2026-02-01"})
    assert bad.status_code == 400
    assert bad.json()["error"]["message"] == "开始日期不能晚于结束日期。"
    assert client.get(reverse("api:stats"), {"from": "2026-13-01"}).status_code == 400
    assert client.get(reverse("api:stats"), {"to": "9999-12-31"}).json()["error"]["message"].startswith("日期须在")
    assert client.get(reverse("statistics:weekly"), {"week": "9999-12-31"}).status_code == 200
    assert client.get(reverse("statistics:agents"), {"end": "9999-12-31"}).status_code == 200
    body = client.get(reverse("api:stats"), {"from": "2026-02-01", "to": "2026-02-07"}).json()
    assert body["region_name"] == "浏阳市"
    assert body["figures"]["postings_published"] == 1
    assert body["figures"]["headcount_wanted"] == 40


def test_the_stats_endpoint_is_in_the_openapi_schema(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/stats/"]["get"]["parameters"]}
    assert {"region", "from", "to", "campaign"} <= parameters


def test_the_printable_weekly_report_has_a_row_per_city_and_the_total(client, supervisor, figures):
    client.force_login(supervisor)
    page = client.get(reverse("statistics:weekly"), {"week": "2026-02-04"}).content.decode()
    assert "湖南省春风行动进展周报（2026年2月2日—2月8日）" in page
    assert "提供岗位(个)" in page
    assert '<th scope="row">长沙市</th>' in page
    assert '<th scope="row">合计</th>' in page
    assert "data-print" in page


def test_each_supervisor_gets_one_monday_message_with_the_link_to_last_weeks_report(regions, supervisor):
    city = UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430100"))
    UserFactory(role=Role.SUPERVISOR, region=regions.get(code="431300"), is_active=False)
    assert weekly_report_announce(today=date(2026, 2, 9)) == 2
    assert weekly_report_announce(today=date(2026, 2, 9)) == 0
    message = OutboxMessage.objects.get(recipient=city)
    assert message.channel == "inbox"
    assert "长沙市春风行动进展周报（2026-02-02—02-08）已生成" in message.text
    assert "/console/stats/weekly/?week=2026-02-02&region=430100" in message.text


def test_the_home_page_shows_this_campaigns_figures_for_the_visitors_province(client, regions, figures, settings):
    Campaign.objects.create(name="2026年春风行动", starts_on=date(2026, 1, 20), ends_on=date(2026, 3, 31))
    cache.delete("statistics:home:430000")
    page = client.get(reverse("home")).content.decode()
    assert "湖南省 · 2026年春风行动" in page
    assert '<span class="stats-tile__label">发布岗位（个）</span><strong class="stats-tile__value">2</strong>' in page
    settings.STATISTICS_PROVINCE = "440000"
    assert "广东省" in client.get(reverse("home")).content.decode()
