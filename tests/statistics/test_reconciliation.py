"""Figures that reconcile: generated rows, every figure counted from them one row at a time, compared with the daily
table, the API, the weekly Excel and the dashboard."""

import io
from collections import Counter

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.accounts.models import Role
from portal.statistics.catalogue import FIGURES, FLOWS, STOCKS
from portal.statistics.models import ROLLED_UP_DIGITS, DailyFigures, DailyTotals
from portal.statistics.reports import WEEKLY_COLUMNS
from portal.statistics.services import daily_figures_rebuild_range
from tests.factories import UserFactory
from tests.statistics.generated import DAYS, WEEK, expected_figures, generate_campaign

pytestmark = pytest.mark.django_db

DERIVED = {
    "fairs": ("fairs_offline", "fairs_online", "fairs_livestream"),
    "trips": ("trips_coach", "trips_train"),
    "workers_registered": (
        "workers_registered_self",
        "workers_registered_by_agent",
        "workers_registered_by_staff",
        "workers_imported",
    ),
}


@pytest.fixture
def campaign(regions):
    built = generate_campaign(seed=17, regions=regions)
    daily_figures_rebuild_range(first=DAYS[0], last=DAYS[-1])
    return built


def expected_total(expected, prefix, days, *, within=None, own_only=False):
    """A region's figures over `days` from the one-row-at-a-time count: flows added, stocks on the last day counted.

    `within` narrows the rows to a sub-region's code prefix; `own_only` to the county's own rows (6-digit codes).
    The stocks' day is the region's (`prefix`) last counted day, as on the pages.
    """
    figures, _carried = expected

    def inside(code):
        return code.startswith(within or prefix) and (not own_only or len(code) == 6)

    counted_days = [
        day for (code, day), values in figures.items() if day in days and code.startswith(prefix) and +values
    ]
    total = Counter()
    for (code, day), values in figures.items():
        if day in days and inside(code):
            for name in FLOWS:
                total[name] += values[name]
    if counted_days:
        last = max(counted_days)
        for (code, day), values in figures.items():
            if day == last and inside(code):
                for name in STOCKS:
                    total[name] += values[name]
    for name, parts in DERIVED.items():
        total[name] = sum(total[part] for part in parts)
    return total


def test_every_days_row_holds_what_the_rows_of_that_day_add_up_to(campaign):
    figures, carried = expected_figures()
    stored = {(row.region_code, row.day): row for row in DailyFigures.objects.all()}
    expected_keys = {(code, day) for (code, day), values in figures.items() if day in DAYS and +values}
    assert set(stored) == expected_keys
    for key, row in stored.items():
        assert {figure.name: getattr(row, figure.name) for figure in FIGURES} == {
            figure.name: figures[key][figure.name] for figure in FIGURES
        }, key
        assert row.carried_by_province == dict(carried.get(key, {})), key
    # The generated data reaches every figure, so none of the comparisons above is a comparison of zeros.
    reached = {name for values in figures.values() for name, value in values.items() if value}
    assert reached >= {figure.name for figure in FIGURES}


def test_every_roll_up_holds_what_the_rows_under_its_prefix_add_up_to(campaign):
    figures, carried = expected_figures()
    expected, expected_carried = {}, {}
    for (code, day), values in figures.items():
        if day in DAYS and +values:
            for digits in ROLLED_UP_DIGITS:
                key = (code[:digits], day)
                expected.setdefault(key, Counter()).update(values)
                expected_carried.setdefault(key, Counter()).update(carried.get((code, day), {}))
    stored = {(row.prefix, row.day): row for row in DailyTotals.objects.all()}
    assert set(stored) == set(expected)
    assert {prefix for prefix, _day in stored} >= {"", "43", "4301", "4313", "430181", "431322"}
    for key, row in stored.items():
        assert {figure.name: getattr(row, figure.name) for figure in FIGURES} == {
            figure.name: expected[key][figure.name] for figure in FIGURES
        }, key
        assert row.carried_by_province == dict(+expected_carried[key]), key


def test_the_provinces_figures_are_the_sum_of_its_cities_and_of_its_counties(campaign, client, regions):
    supervisor = UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430000"))
    client.force_login(supervisor)

    def api(region):
        response = client.get(reverse("api:stats"), {"region": region, "from": WEEK[0], "to": WEEK[-1]})
        assert response.status_code == 200
        return response.json()

    province = api("430000")
    names = [name for name in province["figures"] if name in FLOWS or name in DERIVED]
    cities = [row for row in province["sub_regions"] if row["code"] is not None]
    assert province["figures"]["boarded"] > 0
    for name in names:
        assert province["figures"][name] == sum(row["figures"][name] for row in province["sub_regions"]), name
    counties = [row for city in cities for row in api(city["code"])["sub_regions"]]
    for name in names:
        assert province["figures"][name] == sum(row["figures"][name] for row in counties), name


@pytest.mark.parametrize(
    ("region", "children"), [("430000", ["430100", "431300"]), ("430181", ["430181001", "430181102"])]
)
def test_the_api_gives_the_same_figures_for_the_region_and_each_sub_region(campaign, client, regions, region, children):
    expected = expected_figures()
    supervisor = UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430000"))
    client.force_login(supervisor)
    response = client.get(reverse("api:stats"), {"region": region, "from": WEEK[0], "to": WEEK[-1]})
    assert response.status_code == 200
    body = response.json()
    total = expected_total(expected, regions.get(code=region).prefix, WEEK)
    assert {name: body["figures"][name] for name in total} == dict(total)
    by_code = {row["code"]: row["figures"] for row in body["sub_regions"]}
    for code in children:
        within = regions.get(code=code).prefix
        sub_total = expected_total(expected, regions.get(code=region).prefix, WEEK, within=within)
        assert {name: by_code[code][name] for name in sub_total} == dict(sub_total), code
    if region == "430181":
        # Postings, fairs and trips are the county's own (本级): they sit in the row without a code.
        own = expected_total(expected, "430181", WEEK, own_only=True)
        assert {name: by_code[None][name] for name in own} == dict(own)


def test_the_weekly_excel_has_each_citys_week_and_the_province_total(campaign, client, regions):
    expected = expected_figures()
    supervisor = UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430000"))
    client.force_login(supervisor)
    response = client.get(reverse("statistics:weekly_excel"), {"week": WEEK[3].isoformat()})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "（2026年2月2日—2月8日）" in rows[0][0]
    assert list(rows[1][1:]) == [str(label) for _name, label in WEEKLY_COLUMNS]
    by_name = {row[0]: list(row[1:]) for row in rows[2:]}
    for code, name in (("430100", "长沙市"), ("431300", "娄底市")):
        prefix = code[:4]
        week = expected_total(expected, prefix, WEEK)
        assert by_name[name] == [week[figure] for figure, _label in WEEKLY_COLUMNS], name
    province = expected_total(expected, "43", WEEK)
    assert by_name["合计"] == [province[figure] for figure, _label in WEEKLY_COLUMNS]
    assert min(province["boarded"], province["fairs"]) > 0


def test_the_county_dashboard_shows_the_same_tiles_and_township_rows(campaign, client, regions):
    expected = expected_figures()
    supervisor = UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430000"))
    client.force_login(supervisor)
    response = client.get(
        reverse("statistics:dashboard"), {"region": "430181", "start": WEEK[0].isoformat(), "end": WEEK[-1].isoformat()}
    )
    page = response.content.decode()
    total = expected_total(expected, "430181", WEEK)
    for figure in ("fairs", "headcount_wanted", "workers_registered", "applications_signed", "boarded"):
        assert f'data-figure="{figure}"' in page
        tile = page.split(f'data-figure="{figure}"', 1)[1].split("</li>", 1)[0]
        assert f'<strong class="stats-tile__value">{total[figure]:,}</strong>' in tile, figure
    township = expected_total(expected, "430181102", WEEK)
    row = page.split(">大瑶镇</a></th>", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]
    assert cells[2] == f"{township['workers_registered']:,}"
    assert cells[7] == f"{township['services']:,}"


def test_the_dashboard_lists_the_people_carried_to_each_destination_province(campaign, client, regions):
    _figures, carried = expected_figures()
    supervisor = UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430000"))
    client.force_login(supervisor)
    page = client.get(reverse("statistics:dashboard"), {"start": WEEK[0].isoformat(), "end": WEEK[-1].isoformat()})
    table = page.content.decode().split('id="carried"', 1)[1].split("</table>", 1)[0]
    by_province = Counter()
    for (code, day), provinces in carried.items():
        if code.startswith("43") and day in WEEK:
            by_province.update(provinces)
    assert by_province
    for province, n in by_province.items():
        assert f'<th scope="row">{regions.get(code=province + "0000").name}</th><td>{n:,}</td>' in table
