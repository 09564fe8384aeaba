"""The scoping helper as a matrix: each role, scoped to its region, against rows of its own and other regions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import Role, User
from core.accounts.scoping import scope_regions_to_user, scope_to_user, user_can_access_region
from tests.factories import JobSeekerFactory, UserFactory

pytestmark = pytest.mark.django_db

# Rows that carry a region: one staff account placed in each of these regions.
ROW_REGIONS = {
    "liuyang_county": "430181",  # 浏阳市, 长沙市, 湖南省
    "dayao_village": "430181102201",  # 大瑶村, 大瑶镇, 浏阳市
    "ningxiang_county": "430182",  # 宁乡市, 长沙市
    "xinhua_county": "431322",  # 新化县, 娄底市, 湖南省
    "guangdong_county": "440306",  # 深圳市宝安区, 广东省
}

# Each viewer: (role, region code) -> the rows it must see, and no others.
MATRIX = [
    ("county staff of 浏阳", Role.COUNTY_STAFF, "430181", {"liuyang_county", "dayao_village"}),
    ("county staff of 新化", Role.COUNTY_STAFF, "431322", {"xinhua_county"}),
    ("village agent of 大瑶村", Role.VILLAGE_AGENT, "430181102201", {"dayao_village"}),
    ("village agent of 大瑶镇", Role.VILLAGE_AGENT, "430181102", {"dayao_village"}),
    ("dispatcher of 新化", Role.DISPATCHER, "431322", {"xinhua_county"}),
    ("dispatcher of 娄底市", Role.DISPATCHER, "431300", {"xinhua_county"}),
    ("supervisor of 长沙市", Role.SUPERVISOR, "430100", {"liuyang_county", "dayao_village", "ningxiang_county"}),
    (
        "supervisor of 湖南省",
        Role.SUPERVISOR,
        "430000",
        {"liuyang_county", "dayao_village", "ningxiang_county", "xinhua_county"},
    ),
]


@pytest.fixture
def rows(regions):
    return {
        label: UserFactory(username=f"row-{label}", role=Role.COUNTY_STAFF, region=regions.get(code=code))
        if len(code) == 6
        else UserFactory(username=f"row-{label}", role=Role.VILLAGE_AGENT, region=regions.get(code=code))
        for label, code in ROW_REGIONS.items()
    }


def visible_labels(viewer, rows):
    scoped = scope_to_user(viewer, User.objects.filter(pk__in=[row.pk for row in rows.values()]))
    by_pk = {row.pk: label for label, row in rows.items()}
    return {by_pk[pk] for pk in scoped.values_list("pk", flat=True)}


@pytest.mark.parametrize(("who", "role", "region_code", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_each_staff_role_sees_its_own_region_subtree_and_nothing_of_another(
    regions, rows, who, role, region_code, expected
):
    viewer = UserFactory(role=role, region=regions.get(code=region_code))
    assert visible_labels(viewer, rows) == expected
    for label, code in ROW_REGIONS.items():
        assert user_can_access_region(viewer, code) == (label in expected)


def test_a_system_admin_sees_every_region(rows):
    admin = User.objects.create_superuser(username="root", password="x" * 12, role=Role.ADMIN)
    assert visible_labels(admin, rows) == set(ROW_REGIONS)
    assert user_can_access_region(admin, "650102")


def test_a_job_seeker_sees_nothing_through_the_staff_scope(rows):
    assert visible_labels(JobSeekerFactory(), rows) == set()
    assert not user_can_access_region(JobSeekerFactory(), "430181")


def test_an_anonymous_visitor_sees_nothing(rows):
    from django.contrib.auth.models import AnonymousUser

    assert visible_labels(AnonymousUser(), rows) == set()


def test_a_deactivated_staff_account_sees_nothing(regions, rows):
    viewer = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"), is_active=False)
    assert visible_labels(viewer, rows) == set()


def test_scoping_filters_on_the_foreign_key_column_without_a_join(regions, rows):
    viewer = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    with CaptureQueriesContext(connection) as queries:
        list(scope_to_user(viewer, User.objects.all()))
    sql = queries.captured_queries[-1]["sql"]
    assert "LIKE" in sql
    assert "JOIN" not in sql


def test_regions_are_scoped_on_their_own_code_so_a_village_account_reaches_its_village(regions):
    from core.regions.models import RegionLevel

    villages = regions.filter(level=RegionLevel.VILLAGE, code__startswith="4301811")
    agent = UserFactory(role=Role.VILLAGE_AGENT, region=regions.get(code="430181102201"))
    county = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    other_county = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="431322"))
    assert set(scope_regions_to_user(agent, villages).values_list("code", flat=True)) == {"430181102201"}
    assert set(scope_regions_to_user(county, villages).values_list("code", flat=True)) == {
        "430181102201",
        "430181102202",
    }
    assert not scope_regions_to_user(other_county, villages).exists()
    assert not scope_regions_to_user(JobSeekerFactory(), villages).exists()
