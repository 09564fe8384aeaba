"""Fixtures shared by the demand console's tests: a posting and an agreement of 浏阳市, and one user per role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.accounts.models import Role
from jobs.models import CooperationAgreement
from tests.factories import EmployerFactory, JobPostingFactory, UserFactory

LIUYANG, XINHUA, YUEYANG_COUNTY, CHANGSHA, HUNAN = "430181", "431322", "430621", "430100", "430000"


@pytest.fixture
def staff(regions):
    return UserFactory(
        username="liuyang_staff", first_name="张三", role=Role.COUNTY_STAFF, region=regions.get(code=LIUYANG)
    )


@pytest.fixture
def other_staff(regions):
    return UserFactory(
        username="xinhua_staff", first_name="李四", role=Role.COUNTY_STAFF, region=regions.get(code=XINHUA)
    )


@pytest.fixture
def users(regions, staff, other_staff):
    """Every kind of console user, by name, with what they may do to 浏阳市's demand."""
    return {
        "own_staff": staff,
        "other_county_staff": other_staff,
        "city_supervisor": UserFactory(role=Role.SUPERVISOR, region=regions.get(code=CHANGSHA)),
        "province_supervisor": UserFactory(role=Role.SUPERVISOR, region=regions.get(code=HUNAN)),
        "own_dispatcher": UserFactory(role=Role.DISPATCHER, region=regions.get(code=LIUYANG)),
        "other_county_dispatcher": UserFactory(role=Role.DISPATCHER, region=regions.get(code=YUEYANG_COUNTY)),
        "admin": UserFactory(role=Role.ADMIN, region=None, is_staff=True),
    }


@pytest.fixture
def employer(staff):
    return EmployerFactory(name="浏阳蓝思电子有限公司", created_by=staff)


@pytest.fixture
def posting(employer, staff):
    return JobPostingFactory(employer=employer, created_by=staff, title="手机组装普工")


@pytest.fixture
def draft(employer, staff):
    return JobPostingFactory(employer=employer, created_by=staff, title="贴片工", status="draft", published_at=None)


@pytest.fixture
def agreement(regions, staff):
    """新化县 sends workers to 浏阳市: both counties' staff follow it, 岳阳县's do not."""
    today = timezone.localdate()
    return CooperationAgreement.objects.create(
        title="新化—浏阳劳务协作协议",
        sending_region=regions.get(code=XINHUA),
        receiving_region=regions.get(code=LIUYANG),
        receiving_park="浏阳经开区",
        signed_on=today - timedelta(days=10),
        term_start=today - timedelta(days=10),
        term_end=today + timedelta(days=355),
        target_people=500,
        created_by=staff,
    )
