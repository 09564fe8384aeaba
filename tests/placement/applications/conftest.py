import pytest

from core.accounts.models import Role
from tests.factories import JobPostingFactory, UserFactory, WorkerFactory


@pytest.fixture
def village(regions):
    """大瑶村 of 浏阳市, home of the workers."""
    return regions.get(code="430181102201")


@pytest.fixture
def make_worker(village):
    def make(**kwargs):
        kwargs.setdefault("home_region", village)
        return WorkerFactory(**kwargs)

    return make


@pytest.fixture
def worker(make_worker):
    return make_worker(full_name="张春生")


@pytest.fixture
def posting(regions):
    """A published 浏阳市 posting for 3 people."""
    return JobPostingFactory(headcount=3)


@pytest.fixture
def liuyang_staff(regions):
    return UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))


@pytest.fixture
def other_county_staff(regions):
    """Staff of 新化县: neither the postings nor the workers of these tests are theirs."""
    return UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="431322"))
