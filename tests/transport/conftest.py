import pytest

from core.accounts.models import Role
from tests.factories import TripFactory, UserFactory, WorkerFactory


@pytest.fixture
def village(regions):
    """A village of 浏阳市 to be the workers' home (the `regions` fixture's own subdivisions)."""
    return regions.get(code="430181102201")


@pytest.fixture
def make_worker(village):
    def make(**kwargs):
        return WorkerFactory(home_region=village, **kwargs)

    return make


@pytest.fixture
def trip(regions):
    return TripFactory()


@pytest.fixture
def dispatcher(regions):
    """A dispatcher of 新化县, where the factory's trips start."""
    return UserFactory(role=Role.DISPATCHER, region=regions.get(code="431322"))
