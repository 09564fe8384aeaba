import datetime

import pytest

from core.accounts.models import Role
from core.identity import make_id_number
from tests.factories import UserFactory


@pytest.fixture
def dayao(regions):
    """大瑶村, a village of 浏阳市's 大瑶镇."""
    return regions.get(code="430181102201")


@pytest.fixture
def nanyang(regions):
    """南阳村, the neighbouring village in the same township."""
    return regions.get(code="430181102202")


@pytest.fixture
def liuyang_staff(regions):
    return UserFactory(
        username="liuyang_staff", first_name="李春花", role=Role.COUNTY_STAFF, region=regions.get(code="430181")
    )


@pytest.fixture
def dayao_agent(dayao):
    return UserFactory(username="dayao_agent", first_name="黄桂兰", role=Role.VILLAGE_AGENT, region=dayao)


@pytest.fixture
def id_number():
    return make_id_number(county_code="430181", birth_date=datetime.date(1988, 6, 1), sequence=357)
