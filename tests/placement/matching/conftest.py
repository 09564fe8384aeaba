from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.accounts.models import Role
from tests.factories import JobPostingFactory, UserFactory, WorkerFactory


@pytest.fixture
def dayao(regions):
    """大瑶村 of 浏阳市 (长沙市, 湖南省)."""
    return regions.get(code="430181102201")


@pytest.fixture
def liuyang_staff(regions):
    return UserFactory(username="liuyang_staff", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))


@pytest.fixture
def xinhua_staff(regions):
    return UserFactory(username="xinhua_staff", role=Role.COUNTY_STAFF, region=regions.get(code="431322"))


@pytest.fixture
def seeker(dayao):
    """A 35-year-old of 大瑶村 who wants 普工 work near home for 5,000 yuan a month, free from today."""
    return WorkerFactory(
        home_region=dayao,
        birth_date=timezone.localdate().replace(year=timezone.localdate().year - 35) - timedelta(days=10),
        wanted_occupations="普工",
        wanted_area="near_home",
        expected_wage=5000,
        available_from=timezone.localdate(),
    )


@pytest.fixture
def make_posting(liuyang_staff):
    """A published 普工 posting in 浏阳市 paying 4,500-5,800, ages 18-50, by liuyang_staff; override anything."""

    def make(**fields):
        values = {
            "title": "普工",
            "occupation": "general_worker",
            "wage_min": 4500,
            "wage_max": 5800,
            "age_min": 18,
            "age_max": 50,
            "created_by": liuyang_staff,
        }
        values.update(fields)
        return JobPostingFactory(**values)

    return make


def years_ago(years):
    today = timezone.localdate()
    return date(today.year - years, today.month, min(today.day, 28))
